//! Capacity: the load of a round's visits (`visits[k].demand`) stays within the staff
//! member's `capacity`. Home care rarely uses it; the VRPTW benchmarks do.

use super::{Round, Rule};
use crate::model::Problem;
use crate::solve::instance::Instance;

/// Slack for comparing loads.
const EPS: f64 = 1e-9;

/// `staff[k].capacity` against `visits[k].demand`.
pub(super) struct Capacity;

impl Rule for Capacity {
    fn name(&self) -> &'static str {
        "capacity"
    }

    fn allows(&self, _: &Problem, _: usize, _: usize) -> bool {
        // The rule is about what else is in the round.
        true
    }

    fn room(&self, inst: &Instance, round: &Round, v: usize) -> Option<f64> {
        (round.load + inst.visits[v].demand <= inst.staff[round.staff].capacity + EPS)
            .then_some(f64::INFINITY)
    }

    fn holds(&self, inst: &Instance, round: &Round) -> bool {
        round.load <= inst.staff[round.staff].capacity + EPS
    }

    fn reason(&self, _: &Problem, _: usize, s: Option<usize>) -> String {
        match s {
            Some(_) => "capacity would be exceeded".to_string(),
            None => "its demand is more than any staff member's capacity".to_string(),
        }
    }

    fn interchangeable(&self, inst: &Instance, a: usize, b: usize) -> bool {
        inst.staff[a].capacity == inst.staff[b].capacity
    }
}
