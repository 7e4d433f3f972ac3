//! The days of a week problem and the names that refer to them.
//!
//! A week lists its days once (`"days": ["mon", "tue"]` or ISO dates); everything else
//! (a visit's `days`, a rota, per-day windows) refers to them by the same text or, in a
//! week of dates, by a weekday name (`"thu"` is every Thursday of the dates), so a
//! recurring package is written once whatever the dates.

use crate::model::{FieldPath, InputError, InputErrorKind};

/// One day of the week problem, as its `days` entry names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Day {
    /// The text of the `days` entry (`"mon"`, `"2026-12-07"`): the day's key in plans.
    pub key: String,
    /// Monday 0 to Sunday 6.
    pub weekday: u8,
}

const NAMES: [[&str; 2]; 7] = [
    ["mon", "monday"],
    ["tue", "tuesday"],
    ["wed", "wednesday"],
    ["thu", "thursday"],
    ["fri", "friday"],
    ["sat", "saturday"],
    ["sun", "sunday"],
];

/// The weekday a name (`mon`, `Monday`) stands for.
pub fn weekday_of_name(s: &str) -> Option<u8> {
    let s = s.to_ascii_lowercase();
    NAMES
        .iter()
        .position(|n| n.contains(&s.as_str()))
        .map(|i| i as u8)
}

/// The weekday of an ISO date `YYYY-MM-DD` (proleptic Gregorian), if it is one: the
/// calendar the monitor's week reports use ([`crate::monitor::day_number`]), whose day 0,
/// 1970-01-01, was a Thursday.
pub fn weekday_of_date(s: &str) -> Option<u8> {
    crate::monitor::day_number(s).map(|days| (days + 3).rem_euclid(7) as u8)
}

/// Reads `days`: every entry a weekday name or every entry an ISO date, none twice.
pub fn read_days(entries: &[String], path: &FieldPath) -> Result<Vec<Day>, InputError> {
    if entries.is_empty() {
        return Err(InputError::of(
            InputErrorKind::InvalidValue,
            path.clone(),
            "a week needs at least one day: list them, e.g. [\"mon\", \"tue\"] or ISO dates",
        ));
    }
    let dated = weekday_of_date(&entries[0]).is_some();
    let mut days: Vec<Day> = Vec::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        let at = path.index(i);
        let weekday = if dated {
            weekday_of_date(e)
        } else {
            weekday_of_name(e)
        };
        let Some(weekday) = weekday else {
            let want = if dated {
                "an ISO date YYYY-MM-DD like the first entry"
            } else {
                "a weekday name (mon..sun) like the first entry, or make every entry an ISO date"
            };
            return Err(InputError::of(
                InputErrorKind::InvalidValue,
                at,
                format!("'{e}' is not {want}"),
            ));
        };
        let same = |d: &Day| if dated { d.key == *e } else { d.weekday == weekday };
        if let Some(j) = days.iter().position(same) {
            return Err(InputError::of(
                InputErrorKind::Duplicate,
                at,
                format!("'{e}' is the same day as days[{j}]; list each day once"),
            ));
        }
        days.push(Day {
            key: e.clone(),
            weekday,
        });
    }
    Ok(days)
}

/// The days (indices into `days`) that `name` refers to: the day whose key it is, or
/// every day on that weekday; an error at `path` when it names none.
pub fn resolve(days: &[Day], name: &str, path: &FieldPath) -> Result<Vec<usize>, InputError> {
    if let Some(i) = days.iter().position(|d| d.key == name) {
        return Ok(vec![i]);
    }
    if let Some(w) = weekday_of_name(name) {
        let hits: Vec<usize> = (0..days.len()).filter(|&i| days[i].weekday == w).collect();
        if !hits.is_empty() {
            return Ok(hits);
        }
    }
    let keys: Vec<&str> = days.iter().map(|d| d.key.as_str()).collect();
    Err(InputError::of(
        InputErrorKind::UnknownReference,
        path.clone(),
        format!(
            "'{name}' is not a day of this week; use one of `days` ({}) or a weekday name one of them falls on",
            keys.join(", ")
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_of_dates() {
        assert_eq!(weekday_of_date("1970-01-01"), Some(3));
        assert_eq!(weekday_of_date("2026-12-07"), Some(0));
        assert_eq!(weekday_of_date("2024-02-29"), Some(3));
        assert_eq!(weekday_of_date("2023-02-29"), None);
        assert_eq!(weekday_of_date("2026-13-01"), None);
        assert_eq!(weekday_of_name("Sunday"), Some(6));
    }

    #[test]
    fn names_resolve_to_the_days_on_that_weekday() {
        let path = FieldPath::root();
        let entries: Vec<String> = ["2026-12-07", "2026-12-08", "2026-12-14"]
            .map(String::from)
            .into();
        let days = read_days(&entries, &path).unwrap();
        assert_eq!(resolve(&days, "mon", &path).unwrap(), vec![0, 2]);
        assert_eq!(resolve(&days, "2026-12-08", &path).unwrap(), vec![1]);
        assert!(resolve(&days, "fri", &path).is_err());
        let twice: Vec<String> = ["mon", "Monday"].map(String::from).into();
        assert_eq!(
            read_days(&twice, &path).unwrap_err().kind,
            InputErrorKind::Duplicate
        );
    }
}
