//! Savings and workload reports for managers: the rounds as booked (the problem's
//! `baseline`) against one or more plans, per staff member, per organisation and for the
//! team: visits, contact time, travel, miles, mileage cost, CO2, waiting, free office time,
//! overtime, lateness and preferred-staff share, with a weekly and yearly extrapolation;
//! the trade-offs next to the savings (continuity, waiting, contact time moved between
//! organisations); the value of driving time saved at hourly rates the user gives; and
//! credits for the data sources the problem used.
//!
//! The core is pure: [`Report::new`] takes the problem, its travel matrix (built once by
//! the caller), the named plans and the [`Assumptions`] (rates and factors) and returns figures; [`render`] turns them into text,
//! JSON, CSV or a self-contained HTML page. The CLI does the file I/O. docs/REPORT.md
//! documents every figure, formula and default.
//!
//! ```
//! use carerounds::model::parse_problem;
//! use carerounds::report::{render, Assumptions, Format, Report};
//! use carerounds::solve::Solver;
//! use carerounds::travel::TravelMatrix;
//! use std::sync::Arc;
//!
//! let problem = parse_problem(r#"{
//!     "locations": [{"id": "base", "lat": 52.95, "lon": -1.15}],
//!     "staff": [{"id": "ann", "organisation": "NHS", "shift": {"start": "08:00", "end": "16:00"},
//!                "start_location": "base"}],
//!     "visits": [{"id": "v1", "location": {"lat": 52.96, "lon": -1.17}, "duration_min": 30}],
//!     "baseline": {"routes": [{"staff": "ann", "visits": ["v1"]}]}
//! }"#).unwrap();
//! // One matrix for the request, shared by the solver and the report.
//! let travel = Arc::new(TravelMatrix::computed(&problem).unwrap());
//! let plan = Solver::new(&problem, travel.clone()).run().plan;
//! let report = Report::new(&problem, travel, &[("optimised".into(), plan)], &Assumptions::default()).unwrap();
//! assert_eq!(report.plans[0].team.plan.visits, 1.0);
//! let text = render(&report, Format::Text);
//! assert!(text.contains("Assumptions"));
//! ```

mod analyse;
mod assumptions;
mod baseline;
mod build;
mod cards;
mod credits;
mod csv;
mod day;
mod figures;
mod headline;
pub(crate) mod html;
pub(crate) mod markup;
mod moved;
pub(crate) mod numbers;
mod staff_time;
pub(crate) mod svg;
mod text;

pub use assumptions::{
    organisations, AssumptionError, Assumptions, AssumptionsReport, HourlyRate, MileageRate,
    TravelAssumption, BASELINE_TIMING, CO2_KG_PER_KM, CO2_SOURCE, DAYS_PER_WEEK, DAYS_PER_YEAR,
    HMRC_AMAP_GBP_PER_MILE, HMRC_AMAP_SOURCE, HOURLY_RATE_SOURCE, KM_PER_MILE, MAX_GBP_PER_HOUR,
    MAX_ORG_SHIFT_PCT,
};
pub use baseline::{baseline_plan, NOT_BOOKED};
pub use build::{
    BaselineReport, CheckSummary, Extrapolation, GroupRow, NotMade, PlanReport, Report, ReportError, Saving,
    StaffRow,
};
pub use credits::{credits, Credit, CODE_POINT_ATTRIBUTION, OSM_ATTRIBUTION};
pub use day::{DayView, MapStop, Segment, SegmentKind};
pub use figures::{Better, Comparison, Field, Figures, Percentages};
pub use moved::{ContactMoved, Flow, OrgMoved};
pub use numbers::num;
pub use staff_time::{OrgTimeValue, StaffTimeValue, STAFF_TIME_NOTE};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain-text tables for a terminal or an email.
    Text,
    /// Every figure, for programs.
    Json,
    /// One row per staff member per plan, for spreadsheets.
    Csv,
    /// One self-contained page with maps and timelines, for meetings and printing.
    Html,
}

/// The report in `format`.
pub fn render(report: &Report, format: Format) -> String {
    match format {
        Format::Text => text::render(report),
        Format::Json => serde_json::to_string_pretty(report).expect("report serialises") + "\n",
        Format::Csv => csv::render(report),
        Format::Html => html::render(report),
    }
}
