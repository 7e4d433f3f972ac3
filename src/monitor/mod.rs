//! Monitoring: visit logs (electronic call monitoring: who was with which client, from when
//! to when) read against the day's plan. Per visit, per staff member and per organisation:
//! contact time, travel gaps, waiting and lateness planned against actual, overruns,
//! visits cut short, visits not logged, logged but not planned or made by other staff, and
//! the office time the day really left against `admin_min`. docs/MONITOR.md defines every
//! figure and the matching rules.
//!
//! The log reader is its own piece, for every user of logs (this report, and storing or
//! learning from logs later): [`read_csv`] and [`read_json`] give a [`LogRead`] (the good
//! [`VisitLog`]s and one [`RefusedRow`] per bad row, naming row, column and fix).
//! [`MonitorReport::new`] matches them to the plan; [`render`] writes text, JSON, CSV or a
//! self-contained HTML page. All pure: the CLI and the API do the I/O.
//!
//! ```
//! use carerounds::model::{parse_problem, Plan};
//! use carerounds::monitor::{read_csv, render, Format, LogColumns, MonitorOptions, MonitorReport};
//! use carerounds::solve::Solver;
//! use carerounds::travel::TravelMatrix;
//!
//! let problem = parse_problem(r#"{
//!     "locations": [{"id": "base", "lat": 52.95, "lon": -1.15}],
//!     "staff": [{"id": "ann", "organisation": "NHS", "shift": {"start": "08:00", "end": "16:00"},
//!                "start_location": "base"}],
//!     "visits": [{"id": "v1", "location": {"lat": 52.96, "lon": -1.17}, "duration_min": 30,
//!                 "time_windows": [["09:00", "10:00"]]}]
//! }"#).unwrap();
//! let travel = TravelMatrix::computed(&problem).unwrap();
//! let plan: Plan = Solver::new(&problem, travel.clone()).run().plan;
//! let logs = read_csv("staff,visit,arrived,started,ended,note\n\
//!                      ann,v1,09:10,,09:55,\n\
//!                      zoe,v1,09:00,,09:30,\n", &LogColumns::default()).unwrap();
//! let report = MonitorReport::new(&problem, &travel, &plan, &logs, &MonitorOptions::default()).unwrap();
//! assert_eq!(report.visits[0].overrun_min, 15.0);
//! assert_eq!(report.refused[0].row, Some(3)); // zoe is not in the problem
//! assert!(render(&report, Format::Text).contains("overran"));
//! ```

mod build;
mod columns;
mod csv_logs;
mod figures;
mod html;
mod json_logs;
mod logs;
mod matching;
mod planned;
mod table;
mod text;
mod timeline;
mod week;
mod week_html;
mod week_logs;
mod week_text;

pub use csv_logs::read_csv;
pub use figures::{
    MonitorReport, OrganisationRow, PlannedActual, StaffRow, Times, Totals, VisitRow, VisitStatus,
    CUT_SHORT_SHARE,
};
pub use json_logs::{read_json, read_values};
pub(crate) use logs::is_date;
pub use logs::{LogColumns, LogFileError, LogRead, LogSource, RefusedRow, VisitLog, LOG_FIELDS};
pub use timeline::StaffDays;
pub use week::{
    check_dates, day_number, LogSet, WeekDay, WeekDayReport, WeekError, WeekRefusal, WeekReport, WeekRow,
    WeekTeam,
};

use crate::model::{InputError, Plan, Problem};
use crate::travel::TravelMatrix;

/// Settings of a monitoring report.
#[derive(Debug, Clone, PartialEq)]
pub struct MonitorOptions {
    /// A logged visit shorter than this share of its planned contact time, with no note,
    /// is cut short (default [`CUT_SHORT_SHARE`], 0.75).
    pub cut_short_share: f64,
    /// The day reported (`YYYY-MM-DD`): records dated otherwise are refused. `None`:
    /// dates are not compared.
    pub date: Option<String>,
}

impl Default for MonitorOptions {
    fn default() -> Self {
        MonitorOptions {
            cut_short_share: CUT_SHORT_SHARE,
            date: None,
        }
    }
}

impl MonitorOptions {
    fn check(&self) -> Result<(), MonitorError> {
        let s = self.cut_short_share;
        if !(s.is_finite() && s > 0.0 && s <= 1.0) {
            return Err(MonitorError::Option {
                setting: "cut_short_share",
                message: format!("{s} is not a share between 0 (excluded) and 1"),
            });
        }
        if let Some(d) = &self.date {
            if !logs::is_date(d) {
                return Err(MonitorError::Option {
                    setting: "date",
                    message: format!("\"{d}\" is not a date YYYY-MM-DD (for example 2025-03-04)"),
                });
            }
        }
        Ok(())
    }
}

/// Why a report cannot be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MonitorError {
    /// The plan does not fit the problem (unknown staff or visit, two routes for one
    /// staff member); the path is in the plan.
    #[error("plan: {0}")]
    Plan(InputError),
    /// A setting out of range.
    #[error("{setting}: {message}")]
    Option {
        /// `cut_short_share` or `date`.
        setting: &'static str,
        /// What is wrong.
        message: String,
    },
}

impl MonitorReport {
    /// Matches `logs` to `plan` (a plan of `problem`) and works out every figure.
    /// `travel` is the problem's matrix (for the legs from and to the start and end
    /// places, which logs do not hold). Refused rows of `logs`, and those matching
    /// refuses (unknown staff, other days, repeats), are listed in the report.
    pub fn new(
        problem: &Problem,
        travel: &TravelMatrix,
        plan: &Plan,
        logs: &LogRead,
        options: &MonitorOptions,
    ) -> Result<MonitorReport, MonitorError> {
        build::build(problem, travel, plan, logs, options)
    }
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Tables for people, worst visits first.
    Text,
    /// Every figure (the shape of [`MonitorReport`]).
    Json,
    /// One row per visit.
    Csv,
    /// One self-contained page with a planned and an actual timeline per staff member.
    Html,
}

/// The report in `format`.
pub fn render(report: &MonitorReport, format: Format) -> String {
    match format {
        Format::Text => text::render(report),
        Format::Json => serde_json::to_string_pretty(report).expect("report serialises") + "\n",
        Format::Csv => table::render(report),
        Format::Html => html::render(report),
    }
}

/// The week report in `format` (text: a staff × day table; CSV: one row per visit with
/// its date; HTML: a staff × day grid and each day's timelines).
pub fn render_week(report: &WeekReport, format: Format) -> String {
    match format {
        Format::Text => week_text::render(report),
        Format::Json => serde_json::to_string_pretty(report).expect("report serialises") + "\n",
        Format::Csv => week_text::csv(report),
        Format::Html => week_html::render(report),
    }
}
