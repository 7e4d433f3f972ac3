//! The visit-log record: one visit made, as a phone's check-in and check-out (electronic
//! call monitoring) exports it. Ids only, no coordinates: a log says who was with which
//! client when, nothing about where.
//!
//! Readers ([`read_csv`](super::read_csv), [`read_json`](super::read_json)) check every
//! row on its own: a bad row becomes a [`RefusedRow`] naming the row, the column and the
//! fix, and every good row is kept. Only a file that cannot be read at all (not CSV or
//! JSON, a header without a required column) is a [`LogFileError`].

use crate::model::time::{parse_clock, Clock};
use crate::model::{FieldPath, InputError, InputErrorKind};
use serde::Serialize;
use std::fmt;

pub use super::columns::{LogColumns, LOG_FIELDS};

/// Where a record came from: a CSV row as a spreadsheet numbers it (the header is row 1),
/// or an element of a JSON array (from 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogSource {
    /// CSV row, 1 = the header.
    Row(usize),
    /// Index in the JSON array.
    Index(usize),
}

impl fmt::Display for LogSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LogSource::Row(r) => write!(f, "row {r}"),
            LogSource::Index(i) => write!(f, "logs[{i}]"),
        }
    }
}

/// One visit made, as logged. Times are minutes since the day's 00:00.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitLog {
    /// Where the record came from (for messages and the report).
    pub source: LogSource,
    /// Staff id (the problem's `staff[].id`).
    pub staff: String,
    /// Visit id, when the logging system knows it.
    pub visit: Option<String>,
    /// Client id: identifies the visit, with [`VisitLog::date`], when `visit` is absent.
    pub client: Option<String>,
    /// The day, `YYYY-MM-DD` (required with `client` when `visit` is absent).
    pub date: Option<String>,
    /// Arrival at the client's door.
    pub arrived: f64,
    /// Start of care (defaults to `arrived`).
    pub started: f64,
    /// End of care.
    pub ended: f64,
    /// A reason code such as `no_access` or `client_in_hospital`.
    pub note: Option<String>,
}

impl VisitLog {
    /// Minutes with the client: `ended - started`.
    pub fn contact_min(&self) -> f64 {
        self.ended - self.started
    }
}

/// A row the reader would not take, and why. `Display`:
/// `row 4, column ended: "9h30" is not HH:MM ...`.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RefusedRow {
    /// The CSV row as a spreadsheet numbers it (header = 1); absent for JSON records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    /// The index in the JSON array; absent for CSV rows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    /// The column (CSV header name as in the file) or JSON field at fault; absent when the
    /// row as a whole is at fault (a repeat of another row).
    pub column: Option<String>,
    /// What sort of fault.
    pub kind: InputErrorKind,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl RefusedRow {
    /// A refusal of the record at `at`.
    pub fn new(
        at: LogSource,
        column: Option<&str>,
        kind: InputErrorKind,
        message: impl Into<String>,
    ) -> Self {
        let (row, index) = match at {
            LogSource::Row(r) => (Some(r), None),
            LogSource::Index(i) => (None, Some(i)),
        };
        RefusedRow {
            row,
            index,
            column: column.map(str::to_string),
            kind,
            message: message.into(),
        }
    }

    /// Where the refused record came from.
    pub fn source(&self) -> LogSource {
        match (self.row, self.index) {
            (Some(r), _) => LogSource::Row(r),
            (None, i) => LogSource::Index(i.unwrap_or(0)),
        }
    }

    /// The refusal as an input error whose path is `row 4.ended` or `logs[3].ended`.
    pub fn to_input_error(&self) -> InputError {
        let at = FieldPath::from(self.source().to_string().as_str());
        let path = match &self.column {
            Some(c) => at.field(c),
            None => at,
        };
        InputError::of(self.kind, path, self.message.clone())
    }
}

impl fmt::Display for RefusedRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.source(), &self.column) {
            (LogSource::Row(r), Some(c)) => write!(f, "row {r}, column {c}: {}", self.message),
            (LogSource::Index(i), Some(c)) => write!(f, "logs[{i}].{c}: {}", self.message),
            (at, None) => write!(f, "{at}: {}", self.message),
        }
    }
}

/// What a reader returns: the good records, in file order, and the refused rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogRead {
    /// Records that passed every row check.
    pub records: Vec<VisitLog>,
    /// One entry per bad row, in file order.
    pub refused: Vec<RefusedRow>,
    /// The column names as the file has them (CSV header cells; the field names for
    /// JSON), so that later refusals (unknown staff) cite them too.
    pub columns: LogColumns,
}

/// A log file that cannot be read at all.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LogFileError {
    /// Not CSV / not JSON, or not UTF-8.
    #[error("{0}")]
    Syntax(String),
    /// The file has no header row.
    #[error("the file is empty: the first row must be a header such as {0}")]
    Empty(String),
    /// The header lacks a column every record needs.
    #[error("column {column}: not in the header ({found}); {fix}")]
    MissingColumn {
        /// The field (`staff`, `arrived`, ...).
        field: &'static str,
        /// The header name looked for.
        column: String,
        /// The header as read.
        found: String,
        /// How to fix it.
        fix: String,
    },
    /// Two header cells map to the same field.
    #[error("column {0}: appears twice in the header")]
    DuplicateColumn(String),
    /// A column mapping that names the same header for two fields, or an unknown field.
    #[error("column mapping: {0}")]
    Mapping(String),
}

impl LogFileError {
    /// The error as an input error (`kind`, path = the column).
    pub fn to_input_error(&self) -> InputError {
        let (kind, path) = match self {
            LogFileError::Syntax(_) => (InputErrorKind::Syntax, FieldPath::root()),
            LogFileError::Empty(_) => (InputErrorKind::MissingField, FieldPath::from("row 1")),
            LogFileError::MissingColumn { column, .. } => (
                InputErrorKind::MissingField,
                FieldPath::from("row 1").field(column),
            ),
            LogFileError::DuplicateColumn(c) => {
                (InputErrorKind::Duplicate, FieldPath::from("row 1").field(c))
            }
            LogFileError::Mapping(_) => (InputErrorKind::InvalidValue, FieldPath::from("columns")),
        };
        let message = match self {
            LogFileError::MissingColumn { found, fix, .. } => format!("not in the header ({found}); {fix}"),
            LogFileError::DuplicateColumn(_) => "appears twice in the header".to_string(),
            other => other.to_string(),
        };
        InputError::of(kind, path, message)
    }
}

/// The raw text of one record's fields, before checks (`None` = column absent or cell
/// empty). Both readers fill one and call [`RawLog::check`].
#[derive(Debug, Default)]
pub(crate) struct RawLog<'a> {
    pub staff: Option<&'a str>,
    pub visit: Option<&'a str>,
    pub client: Option<&'a str>,
    pub date: Option<&'a str>,
    pub arrived: Option<&'a str>,
    pub started: Option<&'a str>,
    pub ended: Option<&'a str>,
    pub note: Option<&'a str>,
}

impl RawLog<'_> {
    /// The record, or the first fault found. `name` gives the column name to cite for a
    /// field (the header cell for CSV, the field name for JSON).
    pub fn check(
        &self,
        at: LogSource,
        name: &dyn Fn(&'static str) -> String,
    ) -> Result<VisitLog, RefusedRow> {
        let refuse =
            |field: &'static str, kind, msg: String| RefusedRow::new(at, Some(&name(field)), kind, msg);
        let text = |v: Option<&str>| v.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        let staff = text(self.staff).ok_or_else(|| {
            refuse(
                "staff",
                InputErrorKind::MissingField,
                "empty: give the id of the staff member who made the visit".into(),
            )
        })?;
        let (visit, client, date) = (text(self.visit), text(self.client), text(self.date));
        if visit.is_none() {
            if client.is_none() {
                return Err(refuse(
                    "visit",
                    InputErrorKind::MissingField,
                    format!(
                        "empty: give the visit id, or the client id ({}) and the date ({})",
                        name("client"),
                        name("date")
                    ),
                ));
            }
            if date.is_none() {
                return Err(refuse(
                    "date",
                    InputErrorKind::MissingField,
                    "empty: a record without a visit id needs the date (YYYY-MM-DD) with its client".into(),
                ));
            }
        }
        if let Some(d) = &date {
            if !is_date(d) {
                return Err(refuse(
                    "date",
                    InputErrorKind::InvalidValue,
                    format!("\"{d}\" is not a date YYYY-MM-DD (for example 2025-03-04)"),
                ));
            }
        }
        let time = |field: &'static str, v: Option<&str>| -> Result<Option<f64>, RefusedRow> {
            match text(v) {
                None => Ok(None),
                Some(t) => parse_clock(&t).map(Some).map_err(|_| {
                    refuse(
                        field,
                        InputErrorKind::InvalidValue,
                        format!("\"{t}\" is not a time HH:MM or HH:MM:SS (for example 09:30)"),
                    )
                }),
            }
        };
        let required = |field: &'static str, v: Option<f64>, what: &str| {
            v.ok_or_else(|| {
                refuse(
                    field,
                    InputErrorKind::MissingField,
                    format!("empty: give the time {what}, HH:MM or HH:MM:SS"),
                )
            })
        };
        let arrived = required(
            "arrived",
            time("arrived", self.arrived)?,
            "the staff member arrived",
        )?;
        let started = time("started", self.started)?.unwrap_or(arrived);
        let ended = required("ended", time("ended", self.ended)?, "the visit ended")?;
        let show = |m: f64| Clock(m).to_string();
        if started < arrived {
            return Err(refuse(
                "started",
                InputErrorKind::Conflict,
                format!(
                    "started {} is before arrived {}: care starts on or after arrival (swap them, or leave started empty)",
                    show(started),
                    show(arrived)
                ),
            ));
        }
        if ended < started {
            let start_col = if text(self.started).is_some() {
                "started"
            } else {
                "arrived"
            };
            return Err(refuse(
                "ended",
                InputErrorKind::Conflict,
                format!(
                    "end {} is before start {} ({}): a visit past midnight is written with hours past 23 (25:10)",
                    show(ended),
                    show(started),
                    name(start_col)
                ),
            ));
        }
        Ok(VisitLog {
            source: at,
            staff,
            visit,
            client,
            date,
            arrived,
            started,
            ended,
            note: text(self.note),
        })
    }
}

/// `YYYY-MM-DD` with a month 01-12 and a day 01-31.
pub(crate) fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) || !digits(5..7) || !digits(8..10) {
        return false;
    }
    let (m, d): (u32, u32) = (s[5..7].parse().unwrap_or(0), s[8..10].parse().unwrap_or(0));
    (1..=12).contains(&m) && (1..=31).contains(&d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw<'a>(
        staff: &'a str,
        visit: &'a str,
        arrived: &'a str,
        started: &'a str,
        ended: &'a str,
    ) -> RawLog<'a> {
        let some = |s: &'a str| Some(s).filter(|s| !s.is_empty());
        RawLog {
            staff: some(staff),
            visit: some(visit),
            arrived: some(arrived),
            started: some(started),
            ended: some(ended),
            ..Default::default()
        }
    }

    fn check(r: RawLog) -> Result<VisitLog, RefusedRow> {
        r.check(LogSource::Row(2), &|f| f.to_string())
    }

    #[test]
    fn started_defaults_to_arrival_and_seconds_are_read() {
        let log = check(raw("ann", "v1", "09:00", "", "09:30:30")).unwrap();
        assert_eq!((log.arrived, log.started, log.ended), (540.0, 540.0, 570.5));
        assert_eq!(log.contact_min(), 30.5);
    }

    #[test]
    fn each_fault_names_its_column() {
        let cases = [
            (
                raw("", "v1", "09:00", "", "09:30"),
                "staff",
                InputErrorKind::MissingField,
            ),
            (
                raw("ann", "", "09:00", "", "09:30"),
                "visit",
                InputErrorKind::MissingField,
            ),
            (
                raw("ann", "v1", "9h", "", "09:30"),
                "arrived",
                InputErrorKind::InvalidValue,
            ),
            (
                raw("ann", "v1", "09:00", "", ""),
                "ended",
                InputErrorKind::MissingField,
            ),
            (
                raw("ann", "v1", "09:00", "08:59", "09:30"),
                "started",
                InputErrorKind::Conflict,
            ),
            (
                raw("ann", "v1", "09:00", "", "08:30"),
                "ended",
                InputErrorKind::Conflict,
            ),
        ];
        for (r, column, kind) in cases {
            let e = check(r).unwrap_err();
            assert_eq!((e.column.as_deref(), e.kind), (Some(column), kind), "{e}");
            assert!(
                e.to_string().starts_with(&format!("row 2, column {column}: ")),
                "{e}"
            );
        }
    }

    #[test]
    fn a_client_record_needs_a_date() {
        let mut r = raw("ann", "", "09:00", "", "09:30");
        r.client = Some("c1");
        assert_eq!(check(r).unwrap_err().column.as_deref(), Some("date"));
        let mut r = raw("ann", "", "09:00", "", "09:30");
        r.client = Some("c1");
        r.date = Some("2025-13-01");
        assert_eq!(check(r).unwrap_err().kind, InputErrorKind::InvalidValue);
        let mut r = raw("ann", "", "09:00", "", "09:30");
        r.client = Some("c1");
        r.date = Some("2025-03-04");
        assert_eq!(check(r).unwrap().client.as_deref(), Some("c1"));
    }
}
