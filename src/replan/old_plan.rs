//! The old plan as the re-plan reads it: who makes each visit and when, checked against
//! the problem so that a plan of another day is refused with the field that shows it.

use super::{Document, ReplanError};
use crate::model::{FieldPath, InputError, InputErrorKind, Plan, Problem, Step};

/// The old plan per visit and per staff member, in problem indices.
#[derive(Debug, Clone)]
pub(super) struct OldPlan {
    /// Per visit: the staff making it, in plan order (empty: not planned).
    pub staff: Vec<Vec<usize>>,
    /// Per visit: its planned start and end (when planned).
    pub times: Vec<Option<(f64, f64)>>,
    /// Per staff member: the visit steps of their round, in order, as the plan has them.
    pub rounds: Vec<Vec<(usize, Step)>>,
}

fn plan_err(kind: InputErrorKind, path: FieldPath, message: String) -> ReplanError {
    ReplanError::new(Document::Plan, InputError::of(kind, path, message))
}

impl OldPlan {
    /// Reads `plan` against `problem`: every staff member and visit it names must be the
    /// problem's, each round given once and each visit made by no more staff than it needs.
    pub fn read(problem: &Problem, plan: &Plan) -> Result<OldPlan, ReplanError> {
        let nv = problem.visits.len();
        let mut old = OldPlan {
            staff: vec![Vec::new(); nv],
            times: vec![None; nv],
            rounds: vec![Vec::new(); problem.staff.len()],
        };
        let mut seen: Vec<Option<usize>> = vec![None; problem.staff.len()];
        let root = FieldPath::root().field("routes");
        for (i, r) in plan.routes.iter().enumerate() {
            let rp = root.index(i);
            let Some(s) = problem.staff_index(&r.staff) else {
                return Err(plan_err(
                    InputErrorKind::UnknownReference,
                    rp.field("staff"),
                    format!(
                        "'{}' is not a staff member of the problem: send the plan that was made for this day's problem",
                        r.staff
                    ),
                ));
            };
            if let Some(first) = seen[s].replace(i) {
                return Err(plan_err(
                    InputErrorKind::Duplicate,
                    rp.field("staff"),
                    format!(
                        "'{}' has two rounds (also routes[{first}]); give each staff member one",
                        r.staff
                    ),
                ));
            }
            for (j, step) in r.steps.iter().enumerate() {
                let Step::Visit {
                    visit, start, end, ..
                } = step
                else {
                    continue;
                };
                let vp = rp.field("steps").index(j).field("visit");
                let Some(v) = problem.visit_index(visit) else {
                    return Err(plan_err(
                        InputErrorKind::UnknownReference,
                        vp,
                        format!(
                            "'{visit}' is not a visit of the problem: send the plan that was made for this day's problem"
                        ),
                    ));
                };
                if old.staff[v].contains(&s) {
                    return Err(plan_err(
                        InputErrorKind::Duplicate,
                        vp,
                        format!("'{visit}' is twice in the round of '{}'", r.staff),
                    ));
                }
                if old.staff[v].len() >= problem.visits[v].staff_count.get() {
                    return Err(plan_err(
                        InputErrorKind::Duplicate,
                        vp,
                        format!(
                            "'{visit}' is made by more staff than it needs ({})",
                            problem.visits[v].staff_count.get()
                        ),
                    ));
                }
                old.staff[v].push(s);
                let (s0, e0) = (start.minutes(), end.minutes());
                old.times[v] = Some(match old.times[v] {
                    Some((a, b)) => (a.max(s0), b.max(e0)),
                    None => (s0, e0),
                });
                old.rounds[s].push((v, step.clone()));
            }
        }
        for (k, u) in plan.unassigned.iter().enumerate() {
            if problem.visit_index(&u.visit).is_none() {
                return Err(plan_err(
                    InputErrorKind::UnknownReference,
                    FieldPath::root().field("unassigned").index(k).field("visit"),
                    format!("'{}' is not a visit of the problem", u.visit),
                ));
            }
        }
        Ok(old)
    }

    /// Whether the plan makes visit `v` with as many staff as it needs.
    pub fn complete(&self, problem: &Problem, v: usize) -> bool {
        self.staff[v].len() == problem.visits[v].staff_count.get()
    }
}
