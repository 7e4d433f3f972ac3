//! Planning the week (issue 18; docs/WEEK.md): a week problem lists its days, staff
//! rotas and weekly limits, and visits that recur on set days; it becomes one SPEC v1
//! day problem per day ([`DayProblem`]), so the whole day solver and the day checker are
//! reused as they are, and the week adds what no day can see on its own: weekly hours
//! and working days ([`hours`]), and continuity of care across days ([`continuity`]).
//!
//! ```
//! use carerounds::week::parse_week;
//! let week = parse_week(r#"{
//!     "days": ["mon", "tue"],
//!     "locations": [{"id": "base", "lat": 52.67, "lon": -0.73}],
//!     "staff": [{"id": "ann", "shift": {"start": "08:00", "end": "16:00"},
//!                "start_location": "base", "rota": {"tue": "off"}}],
//!     "visits": [{"id": "v1", "client": "c1", "location": {"lat": 52.68, "lon": -0.74},
//!                 "duration_min": 30, "days": ["mon"]}]
//! }"#).unwrap_err();
//! // Tuesday has no staff: the error names the day and says what to do.
//! assert_eq!(week.path.as_str(), "days[1]");
//! ```

pub mod check;
mod clock;
mod consolidate;
pub mod continuity;
pub mod days;
mod expand;
pub mod hours;
mod input;
mod limits;
pub mod plan;
pub mod report;
pub mod solve;
mod take_off;

pub use days::Day;
pub use expand::DayProblem;
pub use input::{is_week, Continuity};
pub use plan::{DayPlan, WeekPlan, WeekSummary};
pub use solve::{WeekSolveError, WeekSolved, WeekSolver};

use crate::model::InputError;
use input::OnDay;

/// A staff member's week: which days they work and their weekly limits.
#[derive(Debug, Clone, PartialEq)]
pub struct WeekStaff {
    /// Id, as in every day problem.
    pub id: String,
    /// Whether they work each day (their rota).
    pub works: Vec<bool>,
    /// Most minutes of rounds in the week ([`hours::worked_min`]), if limited.
    pub max_week_min: Option<f64>,
    /// Most days with visits in the week, if limited.
    pub max_days: Option<usize>,
}

/// A visit of the week: the client it is for and the days it happens.
#[derive(Debug, Clone, PartialEq)]
pub struct WeekVisit {
    /// Id, the same on every day it happens.
    pub id: String,
    /// The client (the visit's id when it names none, so it is a client of its own).
    pub client: String,
    /// Whether it happens on each day.
    pub on: Vec<bool>,
}

/// A validated week problem; built by [`parse_week`] only, so every day problem is valid.
#[derive(Debug, Clone)]
pub struct Week {
    /// Name for reports.
    pub name: String,
    /// The days, in plan order.
    pub days: Vec<Day>,
    /// Staff, in document order.
    pub staff: Vec<WeekStaff>,
    /// Visits, in document order.
    pub visits: Vec<WeekVisit>,
    /// The continuity terms.
    pub continuity: Continuity,
    /// One day problem per day, in the order of `days`.
    pub day_problems: Vec<DayProblem>,
}

/// Parses and validates a week document (docs/WEEK.md): the first fault, at its path in
/// the week document, saying which day when it is a day's.
pub fn parse_week(json: &str) -> Result<Week, InputError> {
    let raw = input::read_week(json)?;
    let day_problems = (0..raw.days.len())
        .map(|d| expand::day_problem(&raw, d))
        .collect::<Result<Vec<_>, _>>()?;
    let staff = raw
        .template
        .staff
        .iter()
        .zip(&raw.staff)
        .map(|(s, w)| WeekStaff {
            id: s.id.clone(),
            works: w.on.iter().map(|o| matches!(o, OnDay::Shift { .. })).collect(),
            max_week_min: w.max_week_min,
            max_days: w.max_days,
        })
        .collect();
    let visits = raw
        .template
        .visits
        .iter()
        .zip(&raw.visits)
        .map(|(v, w)| WeekVisit {
            id: v.id.clone(),
            client: v.client.clone().unwrap_or_else(|| v.id.clone()),
            on: w.on.clone(),
        })
        .collect();
    Ok(Week {
        name: raw.template.name.clone().unwrap_or_else(|| "week".into()),
        days: raw.days,
        staff,
        visits,
        continuity: raw.continuity,
        day_problems,
    })
}

impl Week {
    /// The index of the visit with this id.
    pub fn visit_index(&self, id: &str) -> Option<usize> {
        self.visits.iter().position(|v| v.id == id)
    }
    /// The index of the staff member with this id.
    pub fn staff_index(&self, id: &str) -> Option<usize> {
        self.staff.iter().position(|s| s.id == id)
    }
}
