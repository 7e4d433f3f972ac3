//! The independent plan checker: proves a [`Plan`] feasible against its [`Problem`].
//!
//! [`check`] recomputes every time and figure from the problem alone (its
//! [`TravelMatrix`] and the plan's clock times) and lists every [`Violation`] it finds; an
//! empty list means the plan is feasible and its figures are honest. It shares no code with
//! the solver on purpose: a bug in the optimiser's bookkeeping cannot hide itself here.
//!
//! # Tolerances
//! Plans write times rounded to whole seconds, so the checker never demands exact equality:
//! - Times are compared with [`TIME_TOL`] (0.025 min = 1.5 s): a step may start up to 1.5 s
//!   before the earliest moment the problem allows.
//! - Figures (travel, distance, waiting, totals, objective) match when
//!   `|claimed - recomputed| <= 0.01 + 1e-6 * |recomputed| + slack`, where `slack` is half a
//!   second for every rounded plan time the recomputed figure was derived from (a waiting
//!   time read off two rounded clock times may honestly differ by up to a second from the
//!   solver's unrounded one). Figures taken from the travel matrix or the problem have no
//!   slack.
//!
//! # What is checked
//! Each [`Rule`] documents its own semantics; in brief: one route per staff member, steps
//! `start`, visits, base steps and breaks in time order, `end`; travel by the matrix; visits within
//! windows (plus allowed lateness); skills, exclusions, pins and per-staff limits; breaks taken
//! exactly once each by staff with visits; every visit served the right number of times or
//! listed unassigned with a reason; `after` gaps; and every figure the plan reports.
//!
//! Definitions the figures rest on:
//! - Lateness of a visit started at `s`: 0 without windows, else the least
//!   `max(0, s - w.end)` over the windows `w` already open at `s`. A double-handed visit
//!   counts once in the summary (the larger of its two, which agree within [`TIME_TOL`]).
//! - A visit counts against `preferred_staff` when it is served, has preferred staff, and
//!   none of the staff serving it is one of them.
//! - Overtime of a route: `max(0, return - shift end)`.
//! - Breaks "between" two place steps are the break steps listed between them; the minutes
//!   of a break that fall within `[arrival, start]` of the next visit are not waiting.
//! - A staff member with no visits has notional breaks: `break_min` is the sum of their
//!   breaks and `free_min` the shift less travel and those breaks, whatever the times say.
//! - A route's totals: `travel_min`, `distance_km` sum the visit, base and end steps; with
//!   visits `wait_min` = (return - departure) - travel - visits - breaks - office time at
//!   base and `free_min` = shift length - (return - departure) + office time at base (a
//!   base step's stay less the breaks taken there).
//! - Summary: sums over the routes of travel, distance, free time, office time at base
//!   (which the objective's `base_min` rewards), door waits beyond the hour (each visit's
//!   recomputed wait less 60 minutes, which `long_wait_min` charges) and overtime; lateness
//!   summed over distinct served visits; `visits_assigned` the distinct visits served;
//!   `visits_unassigned` the entries of `unassigned`; the objective weighted as SPEC.md says.
//!
//! ```
//! use carerounds::check::check;
//! use carerounds::model::{parse_problem, Plan};
//! use carerounds::travel::TravelMatrix;
//!
//! let problem = parse_problem(r#"{
//!     "locations": [{"id": "base", "lat": 52.95, "lon": -1.15}],
//!     "staff": [{"id": "ann", "shift": {"start": "08:00", "end": "16:00"},
//!                "start_location": "base"}],
//!     "visits": []
//! }"#).unwrap();
//! let plan: Plan = serde_json::from_str(r#"{
//!     "routes": [{"staff": "ann", "steps": [
//!         {"type": "start", "location": "base", "time": "08:00:00"},
//!         {"type": "end", "location": "base", "arrival": "08:00:00",
//!          "travel_min": 0, "distance_km": 0}],
//!       "travel_min": 0, "distance_km": 0, "visit_min": 0, "wait_min": 0,
//!       "break_min": 0, "free_min": 480}],
//!     "summary": {"travel_min": 0, "distance_km": 0, "visits_assigned": 0,
//!                 "visits_unassigned": 0, "free_min": 480, "overtime_min": 0,
//!                 "lateness_min": 0, "max_lateness_min": 0, "objective": 0}
//! }"#).unwrap();
//! let travel = TravelMatrix::computed(&problem).unwrap();
//! assert!(check(&problem, &travel, &plan).is_empty());
//! ```

mod base;
mod breaks;
mod cover;
mod fig;
mod route;
mod summary;
mod timing;

use crate::model::{Plan, Problem};
use crate::travel::TravelMatrix;
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;

pub use fig::TIME_TOL;

/// The rule a plan breaks. Serialised in snake_case (`"time_window"`), as reports and the
/// HTTP API show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// A route names a staff member the problem does not have. The route is not checked
    /// further, and the summary's figures are not checked (they cannot be recomputed).
    UnknownStaff,
    /// A staff member has no route. Every staff member has one, if only start and end.
    MissingRoute,
    /// A staff member has more than one route. Each is checked on its own.
    DuplicateRoute,
    /// The steps are not `start`, then visits, base steps and breaks, then `end`. Such a route is not
    /// timed, and the summary's figures are not checked.
    StepOrder,
    /// The start, base or end step is not at the staff member's start location (the
    /// start and base steps) or end location (the end step) (an id
    /// must name it; an inline point must equal its coordinates within 1e-9 degrees).
    Location,
    /// The route leaves before the shift starts.
    ShiftStart,
    /// The route returns after the shift end plus the allowed overtime.
    ShiftEnd,
    /// A base step (a trip to base in a gap) gives less than
    /// [`crate::model::problem::MIN_BASE_STAY_MIN`] of office time: its departure less its
    /// arrival less the break steps after it that lie within that stay (breaks taken at
    /// base). The legs there and back are checked as any leg ([`Rule::StepFigure`],
    /// [`Rule::Timing`]): arriving no earlier than travel from the previous place allows,
    /// and reaching the next place no earlier than travel from base allows.
    BaseStay,
    /// A step is earlier than travel and breaks allow: arrival before the previous place's
    /// end plus travel, a start before arrival or before the breaks taken since the
    /// previous place fit, an end that is not start plus duration, a return too early.
    Timing,
    /// A visit starts outside all its windows (allowing `max_lateness_min` past a
    /// window's end). A visit without windows may start any time.
    TimeWindow,
    /// With `options.round_start_min` set, a visit that has not started (`actual`) starts
    /// off the grid of that many minutes past midnight, although the window it starts in
    /// holds a time on the grid (a window that holds none, like a pin at 10:02, allows
    /// its exact times).
    RoundStart,
    /// Breaks: a staff member with visits takes each of their breaks exactly once, the
    /// k-th break step (in time order) being the k-th break (by earliest start), starting
    /// between its earliest and latest and lasting its duration; break steps lie between
    /// the previous place's end and the next step's start and do not overlap; staff
    /// without visits take none.
    Break,
    /// The staff member lacks a skill the visit needs.
    Skills,
    /// The visit excludes this staff member.
    ExcludedStaff,
    /// The visit is pinned (`pinned_staff`) to other staff.
    #[serde(rename = "pinned_staff")]
    Pinned,
    /// A visit that has started (`actual`) is not at its actual start. Such a visit is
    /// history: its windows, lateness and the travel before it are not checked (its
    /// arrival may not be after its start), and neither is a gap between two of them.
    Actual,
    /// The visits' demand exceeds the staff member's capacity.
    Capacity,
    /// More visits than the staff member's `max_visits`.
    MaxVisits,
    /// More travel than the staff member's `max_travel_min`.
    MaxTravel,
    /// The route's free time is below the staff member's `admin_min`.
    AdminTime,
    /// A step or the unassigned list names a visit the problem does not have.
    UnknownVisit,
    /// A visit is served the wrong number of times: neither served nor listed unassigned,
    /// a single-handed visit served more than once, served and also listed unassigned, or
    /// listed unassigned more than once. (Leaving a visit unassigned is not a violation.)
    Coverage,
    /// A double-handed visit is not served by exactly two different staff starting
    /// together (within [`TIME_TOL`]).
    DoubleHanded,
    /// An unassigned visit has no reason.
    UnassignedReason,
    /// An `after` gap is broken: when both visits are served, the later starts at least
    /// `min_gap_min` and at most `max_gap_min` after the earlier (start to start). A gap of
    /// exactly zero (`min` 0, `max` 0) means "together", so the two must also be served by
    /// different staff. A gap to an unassigned visit does not apply.
    Gap,
    /// A step's figures differ from the recomputed ones: `travel_min` and `distance_km`
    /// (the matrix from the previous place; breaks do not move anyone), `wait_min` (start
    /// less arrival less the minutes of break steps that fall within `[arrival, start]`),
    /// `late_min` (the visit's lateness).
    StepFigure,
    /// A route's totals differ from the recomputed ones. With visits: `wait_min` is the
    /// time from start to end less travel, visits and breaks, and `free_min` the shift
    /// less that time. Without visits: `break_min` is the staff member's breaks (notional),
    /// `wait_min` 0 and `free_min` the shift less travel and breaks.
    RouteFigure,
    /// A summary figure differs from the recomputed one (sums over routes; lateness counted
    /// once per visit; the objective by SPEC.md's weights).
    SummaryFigure,
}

impl Rule {
    /// The snake_case name, as serialised.
    pub fn name(self) -> &'static str {
        match self {
            Rule::UnknownStaff => "unknown_staff",
            Rule::MissingRoute => "missing_route",
            Rule::DuplicateRoute => "duplicate_route",
            Rule::StepOrder => "step_order",
            Rule::Location => "location",
            Rule::ShiftStart => "shift_start",
            Rule::ShiftEnd => "shift_end",
            Rule::BaseStay => "base_stay",
            Rule::Timing => "timing",
            Rule::TimeWindow => "time_window",
            Rule::RoundStart => "round_start",
            Rule::Break => "break",
            Rule::Skills => "skills",
            Rule::ExcludedStaff => "excluded_staff",
            Rule::Pinned => "pinned_staff",
            Rule::Actual => "actual",
            Rule::Capacity => "capacity",
            Rule::MaxVisits => "max_visits",
            Rule::MaxTravel => "max_travel",
            Rule::AdminTime => "admin_time",
            Rule::UnknownVisit => "unknown_visit",
            Rule::Coverage => "coverage",
            Rule::DoubleHanded => "double_handed",
            Rule::UnassignedReason => "unassigned_reason",
            Rule::Gap => "gap",
            Rule::StepFigure => "step_figure",
            Rule::RouteFigure => "route_figure",
            Rule::SummaryFigure => "summary_figure",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One way a plan breaks the problem, with the staff member and visit it concerns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Violation {
    /// Which rule.
    pub rule: Rule,
    /// The staff member whose route breaks it, if one does.
    pub staff: Option<String>,
    /// The visit concerned, if one is.
    pub visit: Option<String>,
    /// What is wrong, with the times and figures involved.
    pub message: String,
}

impl fmt::Display for Violation {
    /// `[time_window] ann / v3: start 10:45:00 is after window 09:00-10:30 (+0 min
    /// lateness allowed)`; the staff and visit parts are left out when absent.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] ", self.rule)?;
        match (&self.staff, &self.visit) {
            (Some(s), Some(v)) => write!(f, "{s} / {v}: ")?,
            (Some(s), None) => write!(f, "{s}: ")?,
            (None, Some(v)) => write!(f, "{v}: ")?,
            (None, None) => {}
        }
        f.write_str(&self.message)
    }
}

/// Checks `plan` against `problem`, timing travel on `travel` (the problem's matrix, the
/// one the plan was made on), and lists every violation, in plan order (routes, then
/// coverage and gaps, then the summary). Empty means feasible with honest figures.
pub fn check(problem: &Problem, travel: &TravelMatrix, plan: &Plan) -> Vec<Violation> {
    check_parts(problem, travel, plan, true)
}

/// As [`check`], leaving out the summary's figures: for a plan written without a
/// `summary` (edited by hand, say), whose routes, steps and figures are still checked.
pub fn check_without_summary(problem: &Problem, travel: &TravelMatrix, plan: &Plan) -> Vec<Violation> {
    check_parts(problem, travel, plan, false)
}

fn check_parts(problem: &Problem, travel: &TravelMatrix, plan: &Plan, with_summary: bool) -> Vec<Violation> {
    let ctx = Ctx {
        problem,
        matrix: travel,
        staff_ids: ids(problem.staff.iter().map(|s| s.id.as_str())),
        visit_ids: ids(problem.visits.iter().map(|v| v.id.as_str())),
    };
    let mut out = Out::default();
    let routes = route::check_routes(&ctx, plan, &mut out);
    let served = cover::check_coverage(&ctx, plan, &routes, &mut out);
    cover::check_gaps(&ctx, &served, &mut out);
    if with_summary {
        summary::check_summary(&ctx, plan, &routes, &served, &mut out);
    }
    out.list
}

/// What every part of the checker reads.
pub(crate) struct Ctx<'a> {
    problem: &'a Problem,
    matrix: &'a TravelMatrix,
    staff_ids: HashMap<&'a str, usize>,
    visit_ids: HashMap<&'a str, usize>,
}

fn ids<'a>(list: impl Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
    list.enumerate().map(|(i, id)| (id, i)).collect()
}

/// Collects violations.
#[derive(Default)]
pub(crate) struct Out {
    list: Vec<Violation>,
}

impl Out {
    fn push(&mut self, rule: Rule, staff: Option<&str>, visit: Option<&str>, message: String) {
        self.list.push(Violation {
            rule,
            staff: staff.map(str::to_string),
            visit: visit.map(str::to_string),
            message,
        });
    }
}

/// One visit step of a route whose visit id is known.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Occurrence<'a> {
    /// Visit index.
    visit: usize,
    /// Staff id as the plan writes it.
    staff_id: &'a str,
    /// Staff index, when known.
    staff: Option<usize>,
    /// Service start, minutes.
    start: f64,
    /// Lateness of this start.
    lateness: fig::Fig,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_staff_and_visit_when_present() {
        let v = Violation {
            rule: Rule::TimeWindow,
            staff: Some("ann".into()),
            visit: Some("v3".into()),
            message: "start 10:45:00 is after window 09:00-10:30 (+0 min lateness allowed)".into(),
        };
        assert_eq!(
            v.to_string(),
            "[time_window] ann / v3: start 10:45:00 is after window 09:00-10:30 (+0 min lateness allowed)"
        );
        let v = Violation {
            rule: Rule::SummaryFigure,
            staff: None,
            visit: None,
            message: "x".into(),
        };
        assert_eq!(v.to_string(), "[summary_figure] x");
    }

    const ALL: [Rule; 27] = [
        Rule::UnknownStaff,
        Rule::MissingRoute,
        Rule::DuplicateRoute,
        Rule::StepOrder,
        Rule::Location,
        Rule::ShiftStart,
        Rule::ShiftEnd,
        Rule::Timing,
        Rule::TimeWindow,
        Rule::RoundStart,
        Rule::Break,
        Rule::Skills,
        Rule::ExcludedStaff,
        Rule::Pinned,
        Rule::Actual,
        Rule::Capacity,
        Rule::MaxVisits,
        Rule::MaxTravel,
        Rule::AdminTime,
        Rule::UnknownVisit,
        Rule::Coverage,
        Rule::DoubleHanded,
        Rule::UnassignedReason,
        Rule::Gap,
        Rule::StepFigure,
        Rule::RouteFigure,
        Rule::SummaryFigure,
    ];

    #[test]
    fn rule_names_match_serde() {
        for rule in ALL {
            let json = serde_json::to_string(&rule).unwrap();
            assert_eq!(json, format!("\"{}\"", rule.name()));
        }
    }
}
