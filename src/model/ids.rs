//! The problem's ids as indices, for the readers of documents that name staff and visits
//! (a plan given to the report or the monitor, visit logs), so each builds them once and
//! words an unknown or repeated route's staff member the same way.

use super::error::{FieldPath, InputError, InputErrorKind};
use super::plan::Plan;
use super::problem::Problem;
use std::collections::HashMap;

/// Staff and visit ids to their indices in a [`Problem`].
pub struct Ids<'a> {
    staff: HashMap<&'a str, usize>,
    visits: HashMap<&'a str, usize>,
}

impl<'a> Ids<'a> {
    /// The ids of `problem`.
    pub fn of(problem: &'a Problem) -> Self {
        Ids {
            staff: problem
                .staff
                .iter()
                .enumerate()
                .map(|(i, s)| (s.id.as_str(), i))
                .collect(),
            visits: problem
                .visits
                .iter()
                .enumerate()
                .map(|(i, v)| (v.id.as_str(), i))
                .collect(),
        }
    }

    /// The index of staff member `id`.
    pub fn staff(&self, id: &str) -> Option<usize> {
        self.staff.get(id).copied()
    }

    /// The index of visit `id`.
    pub fn visit(&self, id: &str) -> Option<usize> {
        self.visits.get(id).copied()
    }

    /// The staff index of each of `plan`'s routes, in order. A staff member the problem
    /// does not have, or one with a second route, is an error at `routes[i].staff`.
    pub fn route_staff(&self, plan: &Plan) -> Result<Vec<usize>, InputError> {
        let routes = FieldPath::root().field("routes");
        let mut seen = vec![false; self.staff.len()];
        let mut out = Vec::with_capacity(plan.routes.len());
        for (ri, route) in plan.routes.iter().enumerate() {
            let path = routes.index(ri).field("staff");
            let Some(s) = self.staff(&route.staff) else {
                return Err(InputError::of(
                    InputErrorKind::UnknownReference,
                    path,
                    format!(
                        "staff '{}' is not in the problem (plans must use the problem's staff ids)",
                        route.staff
                    ),
                ));
            };
            if std::mem::replace(&mut seen[s], true) {
                return Err(InputError::of(
                    InputErrorKind::Duplicate,
                    path,
                    format!("staff '{}' has more than one route", route.staff),
                ));
            }
            out.push(s);
        }
        Ok(out)
    }
}
