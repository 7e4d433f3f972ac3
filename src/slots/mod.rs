//! Booking slots: when a new visit is requested, which staff and start times suit it best
//! in a day that is already planned, so that bookings stop creating travel.
//!
//! A [`Day`] holds a validated problem, its travel matrix and the plan as booked, timed
//! once. [`Day::slots`] then tries the new visit at every position of every eligible
//! staff member's round (two rounds at a common start for a double-handed visit) and
//! ranks the feasible options by the increase of the plan's objective. Every option keeps
//! the other visits with the same staff member and in the same order, and never moves a
//! visit earlier than booked; other visits may move later within their windows
//! (`shifted_visits` counts them), except visits tied to another round (double-handed or
//! by a gap), which must not move at all.
//!
//! Pure: no I/O. Preparing a [`Day`] costs one validation and one travel matrix (computed
//! by [`Day::new`] for haversine and matrix travel, or built by the shell and passed to
//! [`Day::with_travel`], with a [`TravelSource`] for new places under road travel); each
//! query re-validates the problem with the new visit added but reuses the matrix (the new
//! visit at a known place reuses it as is; a new inline point adds one row and column).
//!
//! ```
//! use carerounds::slots::Day;
//! use carerounds::model::{input::VisitInput, parse_input, validate};
//! use carerounds::solve::Solver;
//!
//! let input = parse_input(r#"{
//!     "locations": [{"id": "base", "lat": 52.95, "lon": -1.15}],
//!     "staff": [{"id": "ann", "shift": {"start": "08:00", "end": "16:00"},
//!                "start_location": "base"}],
//!     "visits": [{"id": "v1", "location": {"lat": 52.96, "lon": -1.17},
//!                 "duration_min": 30, "time_windows": [["09:00", "10:00"]]}]
//! }"#).unwrap();
//! let problem = validate(&input).unwrap();
//! let travel = carerounds::travel::TravelMatrix::computed(&problem).unwrap();
//! let plan = Solver::new(&problem, travel).run().plan;
//! let day = Day::new(&input, &plan).unwrap();
//! let visit: VisitInput = serde_json::from_str(r#"{"id": "new", "duration_min": 20,
//!     "location": {"lat": 52.961, "lon": -1.171}, "time_windows": [["10:00", "12:00"]]}"#).unwrap();
//! let slots = day.slots(&visit, 3).unwrap();
//! assert_eq!(slots.options[0].staff, ["ann"]);
//! ```

use crate::model::input::{LocationRef, ProblemInput, VisitInput};
use crate::model::time::{format_short, Clock};
use crate::model::{validate, FieldPath, InputError, InputErrorKind, Plan, Problem, Step, TravelModel};
use crate::solve::booked::{describe, simulate, Floor, Instance, RouteTiming};
use crate::travel::{haversine_km, TravelMatrix, TravelSource};
use serde::Serialize;
use std::sync::Arc;

mod book;
mod search;

/// Most options one query may ask for.
pub const MAX_K: usize = 100;
/// Starts closer than this (minutes) are the same start.
const EPS: f64 = 1e-6;
/// A visit whose start moves by less than this (minutes, one second) has not moved.
const SHIFT_TOL: f64 = 1.0 / 60.0;
/// Tolerance (minutes) between a plan's rounded times and the re-timed round.
const PLAN_TOL: f64 = 0.05;
/// Most pairs of rounds timed for one double-handed visit.
const PAIR_BUDGET: usize = 4000;

/// One way to book the visit.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SlotOption {
    /// The staff member (two for a double-handed visit).
    pub staff: Vec<String>,
    /// Start of the visit.
    #[schema(value_type = String, example = "10:15:00")]
    pub start: Clock,
    /// End of the visit.
    #[schema(value_type = String, example = "10:45:00")]
    pub end: Clock,
    /// Extra travel minutes in the day (all staff named together).
    pub added_travel_min: f64,
    /// Extra kilometres in the day.
    pub added_distance_km: f64,
    /// Minutes the visit starts past its window (0 unless lateness is allowed).
    pub late_min: f64,
    /// Increase of the plan's objective (travel, lateness, preferred staff, overtime, as
    /// weighted by the problem): the ranking key.
    pub added_cost: f64,
    /// For each staff member, the visit booked just before the new one (`null`: first).
    pub after_visit: Vec<Option<String>>,
    /// Other visits that move later (within their windows) to make room.
    pub shifted_visits: usize,
    /// Whether a staff member the visit prefers is among `staff` (always false when the
    /// visit names none).
    pub preferred: bool,
}

/// A staff member left out because their round in the plan cannot be timed as given.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SkippedStaff {
    /// Staff id.
    pub staff: String,
    /// Why, in words.
    pub reason: String,
}

/// The answer to a booking query.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Slots {
    /// Feasible options, cheapest first.
    pub options: Vec<SlotOption>,
    /// When there is no option: why, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Staff whose booked round is itself infeasible, so nothing was added to it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<SkippedStaff>,
}

/// What is wrong with a booking query; the path is relative to the named document.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BookError {
    /// The problem is invalid.
    #[error("problem: {0}")]
    Problem(InputError),
    /// The plan does not fit the problem.
    #[error("plan: {0}")]
    Plan(InputError),
    /// The new visit is invalid (for example its id is taken).
    #[error("visit: {0}")]
    Visit(InputError),
    /// `k` is out of range.
    #[error("k: must be between 1 and {MAX_K}, got {0}")]
    K(usize),
    /// The option to book does not fit the day (not one [`Day::slots`] returned for it).
    #[error("option: {0}")]
    Option(String),
}

impl BookError {
    /// The document the error is in (`problem`, `plan`, `visit`, `k`).
    pub fn document(&self) -> &'static str {
        match self {
            BookError::Problem(_) => "problem",
            BookError::Plan(_) => "plan",
            BookError::Visit(_) => "visit",
            BookError::K(_) => "k",
            BookError::Option(_) => "option",
        }
    }

    /// The inner error, when there is one.
    pub fn input(&self) -> Option<&InputError> {
        match self {
            BookError::Problem(e) | BookError::Plan(e) | BookError::Visit(e) => Some(e),
            BookError::K(_) | BookError::Option(_) => None,
        }
    }
}

/// A planned day, ready to answer booking queries.
#[derive(Debug, Clone)]
pub struct Day {
    input: ProblemInput,
    problem: Problem,
    inst: Instance,
    /// Visit indices per staff member, in plan order.
    routes: Vec<Vec<usize>>,
    /// Booked start per visit (−∞ when unassigned).
    lower: Vec<f64>,
    /// Each round timed under `lower`; `None` when it cannot be.
    base: Vec<Option<RouteTiming>>,
    skipped: Vec<SkippedStaff>,
    /// The plan's unassigned visits with their reasons.
    unassigned: Vec<(usize, String)>,
    /// Builds matrices the core cannot compute (a new place under road or OSRM travel).
    source: Option<TravelSource>,
}

impl Day {
    /// Validates the problem, computes its travel matrix and times the plan's rounds.
    /// Haversine and matrix travel only: road and OSRM travel need a matrix built by the
    /// shell ([`Day::with_travel`]).
    pub fn new(input: &ProblemInput, plan: &Plan) -> Result<Day, BookError> {
        let problem = validate(input).map_err(BookError::Problem)?;
        let travel = TravelMatrix::computed(&problem).map_err(|e| BookError::Problem(e.to_input_error()))?;
        Day::with_travel(input, problem, travel, plan)
    }

    /// As [`Day::new`], with the problem already validated from `input` and its matrix.
    pub fn with_travel(
        input: &ProblemInput,
        problem: Problem,
        travel: impl Into<Arc<TravelMatrix>>,
        plan: &Plan,
    ) -> Result<Day, BookError> {
        let inst = Instance::with_travel(&problem, travel);
        let nv = problem.visits.len();
        let mut routes: Vec<Option<Vec<usize>>> = vec![None; problem.staff.len()];
        let mut lower = vec![f64::NEG_INFINITY; nv];
        let mut served = vec![0usize; nv];
        let root = FieldPath::root().field("routes");
        for (i, r) in plan.routes.iter().enumerate() {
            let path = root.index(i);
            let s = problem.staff_index(&r.staff).ok_or_else(|| {
                BookError::Plan(InputError::of(
                    InputErrorKind::UnknownReference,
                    path.field("staff"),
                    format!("unknown staff id '{}'", r.staff),
                ))
            })?;
            if routes[s].is_some() {
                return Err(BookError::Plan(InputError::of(
                    InputErrorKind::Duplicate,
                    path.field("staff"),
                    format!("staff '{}' has two routes", r.staff),
                )));
            }
            let mut seq = Vec::new();
            for (j, step) in r.steps.iter().enumerate() {
                let Step::Visit { visit, start, .. } = step else {
                    continue;
                };
                let vpath = path.field("steps").index(j).field("visit");
                let v = problem.visit_index(visit).ok_or_else(|| {
                    BookError::Plan(InputError::of(
                        InputErrorKind::UnknownReference,
                        vpath.clone(),
                        format!("unknown visit id '{visit}'"),
                    ))
                })?;
                served[v] += 1;
                if served[v] > problem.visits[v].staff_count.get() {
                    return Err(BookError::Plan(InputError::of(
                        InputErrorKind::Duplicate,
                        vpath,
                        format!("visit '{visit}' is served more often than its staff_count"),
                    )));
                }
                lower[v] = lower[v].max(start.0);
                seq.push(v);
            }
            routes[s] = Some(seq);
        }
        let routes: Vec<Vec<usize>> = routes.into_iter().map(Option::unwrap_or_default).collect();
        let unassigned = plan
            .unassigned
            .iter()
            .filter_map(|u| problem.visit_index(&u.visit).map(|v| (v, u.reason.clone())))
            .filter(|&(v, _)| served[v] == 0)
            .collect();
        let mut base = Vec::with_capacity(routes.len());
        let mut skipped = Vec::new();
        for (s, seq) in routes.iter().enumerate() {
            let bounds = Floor(&lower);
            let timed =
                simulate(&inst, s, seq, &bounds)
                    .map_err(|b| describe(&problem, b))
                    .and_then(|t| {
                        // A tied visit that the round cannot start when booked would break
                        // its partner: treat the round as untimeable.
                        match t.stops.iter().find(|st| {
                            inst.visits[st.visit].coupled() && st.start > lower[st.visit] + PLAN_TOL
                        }) {
                            Some(st) => Err(format!(
                                "visit '{}' cannot start at its booked time {}",
                                problem.visits[st.visit].id,
                                format_short(lower[st.visit])
                            )),
                            None => Ok(t),
                        }
                    });
            match timed {
                Ok(t) => base.push(Some(t)),
                Err(reason) => {
                    skipped.push(SkippedStaff {
                        staff: problem.staff[s].id.clone(),
                        reason: format!("the booked round cannot be kept: {reason}"),
                    });
                    base.push(None);
                }
            }
        }
        Ok(Day {
            input: input.clone(),
            problem,
            inst,
            routes,
            lower,
            base,
            skipped,
            unassigned,
            source: None,
        })
    }

    /// Where matrices come from when a new visit brings a place the core cannot time
    /// (road and OSRM travel); without one such a visit is an error.
    pub fn source(mut self, source: TravelSource) -> Self {
        self.source = Some(source);
        self
    }

    /// The validated problem.
    pub fn problem(&self) -> &Problem {
        &self.problem
    }

    /// Staff left out because their booked round cannot be timed.
    pub fn skipped(&self) -> &[SkippedStaff] {
        &self.skipped
    }

    /// The problem with `visit` added, and the travel matrix for it.
    fn extend(&self, visit: &VisitInput) -> Result<(Problem, Arc<TravelMatrix>), BookError> {
        let n = self.input.visits.len();
        let mut input = self.input.clone();
        input.visits.push(visit.clone());
        let prefix = format!("visits[{n}]");
        let problem = validate(&input).map_err(|e| {
            let path = e.path.as_str();
            match path.strip_prefix(&prefix) {
                Some(rest) => BookError::Visit(InputError::of(
                    e.kind,
                    FieldPath::from(rest.trim_start_matches('.')),
                    e.message,
                )),
                None => BookError::Problem(e),
            }
        })?;
        let old = &self.inst.travel;
        let travel = if problem.places.len() == old.len() {
            old.clone()
        } else {
            match (
                &problem.travel,
                problem.places.len() == old.len() + 1,
                &visit.location,
            ) {
                (
                    TravelModel::Haversine {
                        speed_kmh,
                        detour_factor,
                    },
                    true,
                    LocationRef::Point(_),
                ) => Arc::new(extend_matrix(&problem, old, *speed_kmh, *detour_factor)),
                _ => Arc::new(
                    match &self.source {
                        Some(source) => source.build(&problem),
                        None => TravelMatrix::computed(&problem),
                    }
                    .map_err(|e| BookError::Problem(e.to_input_error()))?,
                ),
            }
        };
        Ok((problem, travel))
    }
}

/// The matrix of `problem` from `old`, which covers every place but the last (a new
/// inline point): copies the known entries and computes one row and one column, exactly
/// as [`TravelMatrix::computed`] would.
fn extend_matrix(problem: &Problem, old: &TravelMatrix, speed_kmh: f64, detour_factor: f64) -> TravelMatrix {
    let n = problem.places.len();
    let m = n - 1;
    let mut dur = vec![0.0; n * n];
    let mut dist = vec![0.0; n * n];
    let new = problem.places[m].point;
    let km = |i: usize| -> f64 {
        match (problem.places[i].point, new) {
            (Some(a), Some(b)) => haversine_km(a, b) * detour_factor,
            _ => 0.0,
        }
    };
    let km_to = |i: usize| -> f64 {
        match (new, problem.places[i].point) {
            (Some(a), Some(b)) => haversine_km(a, b) * detour_factor,
            _ => 0.0,
        }
    };
    for i in 0..m {
        for j in 0..m {
            dur[i * n + j] = old.time(i, j);
            dist[i * n + j] = old.dist(i, j);
        }
        let d = km(i);
        dist[i * n + m] = d;
        dur[i * n + m] = d / speed_kmh * 60.0;
        let d = km_to(i);
        dist[m * n + i] = d;
        dur[m * n + i] = d / speed_kmh * 60.0;
    }
    TravelMatrix::from_flat(n, dur, dist)
}
