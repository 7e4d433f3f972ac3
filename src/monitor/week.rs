//! A week of monitoring (docs/MONITOR.md "A week"): several days, each a problem and its
//! plan (a problem carries no date: one problem and plan make one day), read against one
//! or more sets of visit logs. The records are placed on their days (`week_logs`), each
//! day is reported by [`MonitorReport::new`] as on its own, and the days' figures are then
//! added up per staff member, per organisation and for the team, day by day and for the
//! week. Nothing of the day report is worked out again here: a week is its days summed.

use super::figures::{MonitorReport, Totals};
use super::logs::{LogRead, RefusedRow};
use super::week_logs::place;
use super::{MonitorError, MonitorOptions};
use crate::model::{Plan, Problem};
use crate::travel::TravelMatrix;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::fmt;

/// One day of the week: its date and its problem, travel and plan.
#[derive(Debug, Clone, Copy)]
pub struct WeekDay<'a> {
    /// `YYYY-MM-DD`.
    pub date: &'a str,
    /// The day's problem.
    pub problem: &'a Problem,
    /// The problem's matrix.
    pub travel: &'a TravelMatrix,
    /// The day's plan.
    pub plan: &'a Plan,
}

/// One set of logs (a file on the command line), named in refusals so that rows of two
/// files with the same number are told apart.
#[derive(Debug, Clone, Copy)]
pub struct LogSet<'a> {
    /// The file name (or `logs`, `logs_csv`, `stored_logs` over HTTP).
    pub name: &'a str,
    /// As read.
    pub logs: &'a LogRead,
}

/// A refused row of the week: which logs, the day it was placed on (if it got that far),
/// and the row's refusal.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct WeekRefusal {
    /// The set of logs: the file name, or `logs`, `logs_csv`, `stored_logs`.
    pub logs: String,
    /// The day the record was placed on; absent when no day took it.
    pub date: Option<String>,
    /// The row, column and reason.
    #[serde(flatten)]
    pub refused: RefusedRow,
}

impl WeekRefusal {
    pub(crate) fn new(logs: &str, date: Option<&str>, refused: RefusedRow) -> Self {
        WeekRefusal {
            logs: logs.to_string(),
            date: date.map(str::to_string),
            refused,
        }
    }
}

impl fmt::Display for WeekRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.logs.is_empty() {
            write!(f, "{}: ", self.logs)?;
        }
        write!(f, "{}", self.refused)
    }
}

/// A day of the week report.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = MonitorWeekDay)]
pub struct WeekDayReport {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// The day's report. Its `refused` is empty: the week lists every refusal once, in
    /// its own `refused`, with the day.
    pub report: MonitorReport,
    /// The log set (file) of each visit's record, in the order of `report.visits`
    /// (absent for visits not logged).
    pub sources: Vec<Option<String>>,
}

/// Figures of one staff member or organisation by day and for the week.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct WeekRow {
    /// Staff id, or the organisation ("" for staff without one).
    pub name: String,
    /// The staff member's organisation (on the first day they appear); for an
    /// organisation, the organisation again.
    pub organisation: String,
    /// By day, in the order of `dates`; absent on a day whose problem lacks them.
    pub days: Vec<Option<Totals>>,
    /// The week: the days added, with `staff` counting distinct staff members.
    pub week: Totals,
}

/// The team by day and for the week.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct WeekTeam {
    /// By day, in the order of `dates`.
    pub days: Vec<Totals>,
    /// The week, with `staff` counting distinct staff members.
    pub week: Totals,
}

/// The week report: each day's report, and the days added up.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = MonitorWeekReport)]
pub struct WeekReport {
    /// carerounds and its version.
    pub generator: String,
    /// The days, earliest first.
    pub dates: Vec<String>,
    /// Share of planned contact below which a visit is cut short (0.75).
    pub cut_short_share: f64,
    /// Each staff member, in order of first appearance (by day, then problem order).
    pub staff: Vec<WeekRow>,
    /// Each organisation, in order of first appearance.
    pub organisations: Vec<WeekRow>,
    /// The team.
    pub team: WeekTeam,
    /// Every refused row, once, in log-set and row order; none of them is counted.
    pub refused: Vec<WeekRefusal>,
    /// Each day's report, in the order of `dates`.
    pub days: Vec<WeekDayReport>,
}

/// Why a week report cannot be made. `day` is the index in the days as given.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WeekError {
    /// No days given.
    #[error("no days: give at least one day (date, problem and plan)")]
    NoDays,
    /// A date that is not a day of the calendar.
    #[error("days[{day}].date: \"{date}\" is not a date YYYY-MM-DD (for example 2025-03-04)")]
    Date {
        /// Index of the day.
        day: usize,
        /// As given.
        date: String,
    },
    /// Two days with one date.
    #[error("days[{day}].date: {date} is given twice (also days[{first}]): give each day once")]
    DuplicateDate {
        /// Index of the repeat.
        day: usize,
        /// Index of the first.
        first: usize,
        /// The date.
        date: String,
    },
    /// A day's report could not be made (its plan does not fit its problem, or a setting).
    #[error("days[{day}] ({date}): {error}")]
    Day {
        /// Index of the day.
        day: usize,
        /// Its date.
        date: String,
        /// Why.
        error: MonitorError,
    },
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date of the calendar (February 29 only in leap
/// years); `None` otherwise. H. Hinnant's `days_from_civil`.
pub fn day_number(s: &str) -> Option<i64> {
    if !super::logs::is_date(s) {
        return None;
    }
    let (y, m, d): (i64, i64, i64) = (s[..4].parse().ok()?, s[5..7].parse().ok()?, s[8..].parse().ok()?);
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let len = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if d > len[(m - 1) as usize] {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// Checks the dates: each a day of the calendar, none twice.
pub fn check_dates<'a>(dates: impl IntoIterator<Item = &'a str>) -> Result<(), WeekError> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut n = 0;
    for (i, d) in dates.into_iter().enumerate() {
        n += 1;
        if day_number(d).is_none() {
            return Err(WeekError::Date {
                day: i,
                date: d.to_string(),
            });
        }
        if let Some(&first) = seen.get(d) {
            return Err(WeekError::DuplicateDate {
                day: i,
                first,
                date: d.to_string(),
            });
        }
        seen.insert(d, i);
    }
    if n == 0 {
        return Err(WeekError::NoDays);
    }
    Ok(())
}

impl WeekReport {
    /// Places `logs` on `days`, reports each day and adds the days up. `options.date`
    /// must be unset (the days carry their dates).
    pub fn new(days: &[WeekDay], logs: &[LogSet], options: &MonitorOptions) -> Result<WeekReport, WeekError> {
        check_dates(days.iter().map(|d| d.date))?;
        if options.date.is_some() {
            return Err(WeekError::Day {
                day: 0,
                date: days[0].date.to_string(),
                error: MonitorError::Option {
                    setting: "date",
                    message: "a week takes its dates from its days: leave the date out".into(),
                },
            });
        }
        // Earliest first; `order[k]` is the index as given of the k-th day.
        let mut order: Vec<usize> = (0..days.len()).collect();
        order.sort_by_key(|&i| days[i].date);
        let dates: Vec<&str> = order.iter().map(|&i| days[i].date).collect();
        let plans: Vec<&Plan> = order.iter().map(|&i| days[i].plan).collect();
        let placed = place(&dates, &plans, logs);
        let mut refused = placed.refused.clone();
        let mut reports = Vec::new();
        for (k, &i) in order.iter().enumerate() {
            let d = &days[i];
            let day_options = MonitorOptions {
                date: Some(d.date.to_string()),
                ..options.clone()
            };
            let mut report = MonitorReport::new(d.problem, d.travel, d.plan, &placed.days[k], &day_options)
                .map_err(|error| WeekError::Day {
                day: i,
                date: d.date.to_string(),
                error,
            })?;
            refused.extend(report.refused.iter().map(|r| placed.back(logs, d.date, r)));
            report.refused.clear();
            let mut sources = Vec::new();
            for v in &mut report.visits {
                let at = match (v.row, v.index) {
                    (Some(r), _) => Some(super::LogSource::Row(r)),
                    (None, Some(x)) => Some(super::LogSource::Index(x)),
                    _ => None,
                };
                let origin = at.and_then(|a| placed.origin_of(a));
                (v.row, v.index) = match origin.map(|o| o.1) {
                    Some(super::LogSource::Row(r)) => (Some(r), None),
                    Some(super::LogSource::Index(x)) => (None, Some(x)),
                    None => (None, None),
                };
                sources.push(origin.map(|(s, _)| logs[s].name.to_string()));
            }
            reports.push(WeekDayReport {
                date: d.date.to_string(),
                report,
                sources,
            });
        }
        let set_of = |name: &str| logs.iter().position(|s| s.name == name).unwrap_or(usize::MAX);
        refused.sort_by(|a, b| {
            set_of(&a.logs)
                .cmp(&set_of(&b.logs))
                .then(a.refused.source().cmp(&b.refused.source()))
        });
        Ok(add_up(options, &dates, reports, refused))
    }
}

/// The staff, organisation and team rows of the days' reports.
fn add_up(
    options: &MonitorOptions,
    dates: &[&str],
    days: Vec<WeekDayReport>,
    refused: Vec<WeekRefusal>,
) -> WeekReport {
    let n = dates.len();
    let mut staff: Vec<WeekRow> = Vec::new();
    let mut orgs: Vec<WeekRow> = Vec::new();
    let mut org_staff: Vec<HashSet<String>> = Vec::new();
    let blank = |name: &str, org: &str| WeekRow {
        name: name.to_string(),
        organisation: org.to_string(),
        days: vec![None; n],
        week: Totals::default(),
    };
    let mut team = WeekTeam {
        days: Vec::new(),
        week: Totals::default(),
    };
    for (k, day) in days.iter().enumerate() {
        for st in &day.report.staff {
            let i = match staff.iter().position(|r| r.name == st.staff) {
                Some(i) => i,
                None => {
                    staff.push(blank(&st.staff, &st.organisation));
                    staff.len() - 1
                }
            };
            staff[i].week.add(&st.figures);
            staff[i].days[k] = Some(st.figures.clone());
            let j = match orgs.iter().position(|r| r.name == st.organisation) {
                Some(j) => j,
                None => {
                    orgs.push(blank(&st.organisation, &st.organisation));
                    org_staff.push(HashSet::new());
                    orgs.len() - 1
                }
            };
            org_staff[j].insert(st.staff.clone());
        }
        for o in &day.report.organisations {
            if let Some(j) = orgs.iter().position(|r| r.name == o.organisation) {
                orgs[j].week.add(&o.figures);
                orgs[j].days[k] = Some(o.figures.clone());
            }
        }
        team.week.add(&day.report.team);
        team.days.push(day.report.team.clone());
    }
    // Over days, `staff` counts each member once, not once a day.
    for r in &mut staff {
        r.week.staff = 1;
    }
    for (r, members) in orgs.iter_mut().zip(&org_staff) {
        r.week.staff = members.len();
    }
    team.week.staff = staff.len();
    WeekReport {
        generator: format!("carerounds {}", env!("CARGO_PKG_VERSION")),
        dates: dates.iter().map(|d| d.to_string()).collect(),
        cut_short_share: options.cut_short_share,
        staff,
        organisations: orgs,
        team,
        refused,
        days,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_follow_the_calendar() {
        assert_eq!(day_number("1970-01-01"), Some(0));
        assert_eq!(day_number("2025-03-04"), Some(20_151));
        assert_eq!(day_number("2024-02-29").map(|d| d + 1), day_number("2024-03-01"));
        assert_eq!(day_number("2025-02-29"), None);
        assert_eq!(day_number("2025-04-31"), None);
        assert_eq!(day_number("4 March"), None);
    }

    #[test]
    fn dates_are_checked_once_each() {
        assert_eq!(check_dates([]), Err(WeekError::NoDays));
        assert!(matches!(
            check_dates(["2025-03-03", "2025-02-30"]),
            Err(WeekError::Date { day: 1, .. })
        ));
        let e = check_dates(["2025-03-03", "2025-03-04", "2025-03-03"]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "days[2].date: 2025-03-03 is given twice (also days[0]): give each day once"
        );
    }
}
