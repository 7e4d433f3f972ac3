//! Re-planning the day as it happens (docs/REPLAN.md): from the problem, the plan made for
//! it and what has happened since (absence, visit times, cancellations, new visits, pins),
//! the new problem P' whose answer leaves history alone, a warm start from the old rounds,
//! and after the solve, the change list for people.
//!
//! Pure: the shells read the documents, build P''s travel and solve between [`prepare`]
//! and [`finish`], as `solve` does:
//!
//! ```no_run
//! # use carerounds::model::input::ProblemInput;
//! # use carerounds::model::Plan;
//! # use carerounds::replan::{self, Events};
//! # use carerounds::solve::Solver;
//! # use carerounds::travel::sources;
//! # fn f(problem: &ProblemInput, plan: &Plan, events: &Events) -> Result<(), replan::ReplanError> {
//! let mut prepared = replan::prepare(problem, plan, events)?;
//! let travel = std::sync::Arc::new(sources::build(&prepared.validated).expect("travel"));
//! let warm = replan::warm_start(&mut prepared, travel.clone());
//! let solved = Solver::new(&prepared.validated, travel).start_from(warm).run();
//! let answer = replan::finish(&prepared, solved.plan);
//! println!("{} visits moved", answer.changes.totals.moved);
//! # Ok(()) }
//! ```

mod apply;
pub mod changes;
pub mod events;
mod history;
mod old_plan;
mod read;
mod room;
mod warm;
mod windows;

pub use changes::{Changes, Eased, Missed};
pub use events::{parse_events, Event, Events, PinStaff, Weights};
pub use warm::warm_start;

use crate::model::input::ProblemInput;
use crate::model::{validate, InputError, Plan, Problem};
use serde::Serialize;

/// Which document of a re-plan request a fault is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    /// The day's problem.
    Problem,
    /// The plan made for it.
    Plan,
    /// The events document.
    Events,
}

impl Document {
    /// `problem`, `plan` or `events`: the field of an HTTP re-plan body.
    pub fn name(self) -> &'static str {
        match self {
            Document::Problem => "problem",
            Document::Plan => "plan",
            Document::Events => "events",
        }
    }
}

/// A re-plan request that cannot be applied: the document, and the field in it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}: {error}", document.name())]
pub struct ReplanError {
    /// Which document.
    pub document: Document,
    /// The fault, with its path inside that document.
    pub error: InputError,
}

impl ReplanError {
    /// A fault in `document`.
    pub fn new(document: Document, error: InputError) -> Self {
        ReplanError { document, error }
    }
}

/// What the events make of the day, ready to solve.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The time of the re-plan, minutes.
    pub now: f64,
    /// The new problem P' (as a document: `--problem-out` writes it).
    pub problem: ProblemInput,
    /// P', validated: solve this.
    pub validated: Problem,
    /// The old rounds less what cannot stay in them; [`warm_start`] makes the start the
    /// solver keeps from it.
    pub warm: Plan,
    /// The old plan, for the change list.
    pub old: Plan,
    /// Visits that are history (started before `now`), in problem order.
    pub history: Vec<String>,
    /// Visits cancelled.
    pub cancelled: Vec<String>,
    /// Visits left out because they can no longer be made.
    pub missed: Vec<Missed>,
    /// Visits added.
    pub added: Vec<String>,
    /// Staff absent (at any time of the day).
    pub absent: Vec<String>,
    /// Rules of P' eased so that history can stay (set by [`warm_start`]).
    pub eased: Vec<Eased>,
}

/// A re-plan's answer: `{"plan", "problem", "changes"}`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Replanned {
    /// The new plan (SPEC.md), an answer to `problem`.
    pub plan: Plan,
    /// The new problem P' (history as `actual`, cancelled and missed visits out, added in).
    #[schema(value_type = ProblemInput)]
    pub problem: ProblemInput,
    /// What changed for whom.
    pub changes: Changes,
}

/// Applies `events` to the day `problem` planned as `plan`: P', its warm start and what
/// the events decided. Every fault names its document and field, with a fix.
pub fn prepare(problem: &ProblemInput, plan: &Plan, events: &Events) -> Result<Prepared, ReplanError> {
    use crate::model::time::format_short;
    use crate::model::{FieldPath, InputErrorKind};
    let p = validate(problem).map_err(|e| ReplanError::new(Document::Problem, e))?;
    let day = apply::day_of(&p);
    let now = read::minutes(&events.now, FieldPath::root().field("now"))?;
    if !(day.0..=day.1).contains(&now) {
        return Err(read::events_err(
            InputErrorKind::OutOfRange,
            FieldPath::root().field("now"),
            format!(
                "now {} is outside the day ({}-{}: the earliest shift start to the latest shift end with overtime); \
                 give the time of the re-plan",
                format_short(now),
                format_short(day.0),
                format_short(day.1)
            ),
        ));
    }
    let old = old_plan::OldPlan::read(&p, plan)?;
    let read = read::read(&p, &old, events, now)?;
    let hist = history::history(&p, &old, &read)?;
    apply::check_history(&p, &read, &hist.start)?;
    apply::added_in_time(&read, day)?;
    let mut built = apply::build(problem, &p, &old, &read, &hist);
    apply::weights(&mut built.input, events)?;
    let validated = validate(&built.input).map_err(|e| apply::locate(e, &built))?;
    let warm = apply::warm(&p, &old, &read, &built);
    let ids = |f: &dyn Fn(usize) -> bool| -> Vec<String> {
        (0..p.visits.len())
            .filter(|&v| f(v))
            .map(|v| p.visits[v].id.clone())
            .collect()
    };
    Ok(Prepared {
        now,
        history: ids(&|v| hist.started(v)),
        cancelled: ids(&|v| read.cancelled[v].is_some()),
        missed: built.missed.clone(),
        added: read.added.iter().map(|(_, v)| v.id.clone()).collect(),
        absent: (0..p.staff.len())
            .filter(|&s| read.is_absent(s))
            .map(|s| p.staff[s].id.clone())
            .collect(),
        problem: built.input,
        validated,
        eased: Vec::new(),
        warm,
        old: plan.clone(),
    })
}

/// The answer for the plan solved from `prepared`: the plan (unassigned reasons say when
/// absence is why), P' and the change list.
pub fn finish(prepared: &Prepared, mut plan: Plan) -> Replanned {
    let p = &prepared.validated;
    for u in &mut plan.unassigned {
        let Some(v) = p.visit_index(&u.visit) else {
            continue;
        };
        let visit = &p.visits[v];
        let may: Vec<&str> = p
            .staff
            .iter()
            .enumerate()
            .filter(|(s, st)| st.has_skills(&visit.skills) && !visit.excluded_staff.contains(s))
            .map(|(_, st)| st.id.as_str())
            .collect();
        if !may.is_empty() && may.iter().all(|id| prepared.absent.iter().any(|a| a == id)) {
            let who = if may.len() == 1 {
                format!("the only staff member who may make it ({}) is absent", may[0])
            } else {
                format!(
                    "every staff member who may make it ({}) is absent",
                    may.join(", ")
                )
            };
            let skills = if visit.skills.is_empty() {
                String::new()
            } else {
                format!(" (skills: {})", visit.skills.join(", "))
            };
            u.reason = format!("{who}{skills}; {}", u.reason);
        }
    }
    let decided = changes::Decided {
        now: prepared.now,
        staff: p.staff.iter().map(|s| s.id.as_str()).collect(),
        cancelled: &prepared.cancelled,
        missed: &prepared.missed,
        added: &prepared.added,
        eased: &prepared.eased,
    };
    let changes = changes::compare(&prepared.old, &plan, &decided);
    Replanned {
        plan,
        problem: prepared.problem.clone(),
        changes,
    }
}

/// Minutes as a person writes them: `30`, `7.5`.
fn num(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round() as i64)
    } else {
        format!("{x:.1}")
    }
}
