//! A staff member's round as an iCalendar file (RFC 5545): one event per visit and break,
//! so it shows on a phone calendar. Lines end in CRLF and are folded at 75 octets (never
//! inside a UTF-8 character); text is escaped. Times are floating local times on the plan's
//! date (`DTSTART:20261124T091500`), which a calendar shows at that clock time wherever the
//! phone is: the right thing for a day planned in local time, and it needs no VTIMEZONE.
//! Clock times past 24:00 fall on the next day. UIDs are stable (date, staff, visit), so a
//! re-exported plan updates the events instead of doubling them.

use super::Names;
use crate::model::input::ProblemInput;
use crate::model::{RoutePlan, Step};

/// A calendar date (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CalendarDate {
    /// Year.
    pub year: i32,
    /// Month 1-12.
    pub month: u32,
    /// Day 1-31.
    pub day: u32,
}

impl CalendarDate {
    /// Reads `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<CalendarDate> {
        let mut it = s.trim().splitn(3, '-');
        let (y, m, d) = (it.next()?, it.next()?, it.next()?);
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let date = CalendarDate {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
            day: d.parse().ok()?,
        };
        (date.month >= 1
            && date.month <= 12
            && date.day >= 1
            && date.day <= days_in_month(date.year, date.month))
        .then_some(date)
    }

    /// The date `n` days after 1970-01-01 (for the caller's clock).
    pub fn from_epoch_days(n: i64) -> CalendarDate {
        from_days(n)
    }

    /// A `DTSTAMP` (`YYYYMMDDTHHMMSSZ`) and the UTC date of `secs` seconds since the epoch
    /// (the caller's clock: the CLI's and the server's calendars are stamped alike).
    pub fn stamp(secs: i64) -> (String, CalendarDate) {
        let (date, rest) = (
            CalendarDate::from_epoch_days(secs.div_euclid(86_400)),
            secs.rem_euclid(86_400),
        );
        let stamp = format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            date.year,
            date.month,
            date.day,
            rest / 3600,
            (rest / 60) % 60,
            rest % 60
        );
        (stamp, date)
    }

    /// The date `n` days later.
    fn plus_days(self, n: i64) -> CalendarDate {
        from_days(to_days(self) + n)
    }
}

impl std::fmt::Display for CalendarDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(y: i32, m: u32) -> u32 {
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (H. Hinnant's `days_from_civil`).
fn to_days(d: CalendarDate) -> i64 {
    let y = i64::from(d.year) - i64::from(d.month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(d.month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d.day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn from_days(z: i64) -> CalendarDate {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    CalendarDate { year, month, day }
}

/// `YYYYMMDDTHHMMSS` of a clock time (minutes) on `date`.
fn stamp(date: CalendarDate, minutes: f64) -> String {
    let secs = (minutes * 60.0).round().max(0.0) as i64;
    let d = date.plus_days(secs / 86_400);
    let s = secs % 86_400;
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}",
        d.year,
        d.month,
        d.day,
        s / 3600,
        (s / 60) % 60,
        s % 60
    )
}

/// RFC 5545 TEXT escaping.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
}

/// Appends one content line, folded at 75 octets, with CRLF.
fn line(out: &mut String, text: &str) {
    let mut width = 0;
    for c in text.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

/// The calendar of one round on `date`; `dtstamp` is when the file is made, in UTC
/// (`YYYYMMDDTHHMMSSZ`), given by the caller so the core reads no clock.
pub fn staff_calendar(
    problem: &ProblemInput,
    route: &RoutePlan,
    date: CalendarDate,
    dtstamp: &str,
) -> String {
    let names = Names::of(problem);
    let day = format!("{:04}{:02}{:02}", date.year, date.month, date.day);
    let mut out = String::new();
    for l in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//carerounds//plan export//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        line(&mut out, l);
    }
    line(
        &mut out,
        &format!("X-WR-CALNAME:{}", escape(&format!("Round {} {day}", route.staff))),
    );
    let (mut order, mut breaks, mut bases) = (0, 0, 0);
    for step in &route.steps {
        let (uid, start, end, summary, location, description) = match step {
            Step::Visit {
                visit,
                start,
                end,
                arrival,
                travel_min,
                ..
            } => {
                order += 1;
                let client = names.client(visit);
                let summary = if client.is_empty() {
                    format!("{order}. Visit {visit}")
                } else {
                    format!("{order}. Visit {visit} ({client})")
                };
                let description = format!(
                    "Visit {visit}, number {order} of the round. Arrive {}, travel {:.0} min.",
                    crate::model::time::format_short(arrival.0),
                    travel_min
                );
                (
                    visit.to_string(),
                    start.0,
                    end.0,
                    summary,
                    names.visit_postcode(visit),
                    description,
                )
            }
            Step::Base {
                location,
                arrival,
                departure,
                travel_min,
                ..
            } => {
                bases += 1;
                let description =
                    format!("Office time at base between visits (travel {travel_min:.0} min there).");
                (
                    format!("base-{bases}"),
                    arrival.0,
                    departure.0,
                    "Office time at base".to_string(),
                    names.postcode(location),
                    description,
                )
            }
            Step::Break { start, end } => {
                breaks += 1;
                (
                    format!("break-{breaks}"),
                    start.0,
                    end.0,
                    "Break".to_string(),
                    "",
                    String::new(),
                )
            }
            _ => continue,
        };
        line(&mut out, "BEGIN:VEVENT");
        line(
            &mut out,
            &format!(
                "UID:{}",
                escape(&format!("{day}-{}-{uid}@carerounds", route.staff))
            ),
        );
        line(&mut out, &format!("DTSTAMP:{dtstamp}"));
        line(&mut out, &format!("DTSTART:{}", stamp(date, start)));
        line(&mut out, &format!("DTEND:{}", stamp(date, end)));
        line(&mut out, &format!("SUMMARY:{}", escape(&summary)));
        if !location.is_empty() {
            line(&mut out, &format!("LOCATION:{}", escape(location)));
        }
        if !description.is_empty() {
            line(&mut out, &format!("DESCRIPTION:{}", escape(&description)));
        }
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_stamps() {
        let d = CalendarDate::parse("2026-12-31").unwrap();
        assert_eq!(stamp(d, 9.0 * 60.0 + 15.5), "20261231T091530");
        assert_eq!(stamp(d, 25.0 * 60.0), "20270101T010000");
        assert_eq!(
            CalendarDate::parse("2028-02-29").map(|d| d.plus_days(1)),
            CalendarDate::parse("2028-03-01")
        );
        assert!(CalendarDate::parse("2026-02-29").is_none());
        assert!(CalendarDate::parse("26-1-1").is_none());
        assert_eq!(from_days(to_days(d)), d);
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_a_character() {
        let mut out = String::new();
        line(&mut out, &format!("SUMMARY:{}", "é".repeat(60)));
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets", l.len());
        }
        assert_eq!(
            out.replace("\r\n ", ""),
            format!("SUMMARY:{}\r\n", "é".repeat(60))
        );
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
