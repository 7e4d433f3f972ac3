//! `max_visits`: a staff member makes at most this many visits in the day.

use super::{Round, Rule};
use crate::model::Problem;
use crate::solve::instance::Instance;

/// `staff[k].max_visits`.
pub(super) struct MaxVisits;

impl Rule for MaxVisits {
    fn name(&self) -> &'static str {
        "max_visits"
    }

    fn allows(&self, _: &Problem, _: usize, _: usize) -> bool {
        // The rule is about what else is in the round.
        true
    }

    fn room(&self, inst: &Instance, round: &Round, _: usize) -> Option<f64> {
        (round.visits.len() < inst.staff[round.staff].max_visits).then_some(f64::INFINITY)
    }

    fn holds(&self, inst: &Instance, round: &Round) -> bool {
        round.visits.len() <= inst.staff[round.staff].max_visits
    }

    fn reason(&self, _: &Problem, _: usize, s: Option<usize>) -> String {
        match s {
            Some(_) => "max_visits reached".to_string(),
            None => "every staff member who may serve it has reached max_visits".to_string(),
        }
    }

    fn interchangeable(&self, inst: &Instance, a: usize, b: usize) -> bool {
        inst.staff[a].max_visits == inst.staff[b].max_visits
    }
}
