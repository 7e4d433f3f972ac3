//! `max_travel_min`: a staff member's travel in the day, start to end, stays within it.
//! It depends on where a visit goes in the round, so [`Rule::room`] returns the most travel
//! the round may total and insertion checks each position against it.

use super::{Round, Rule};
use crate::model::Problem;
use crate::solve::instance::Instance;

/// Slack for comparing minutes.
const EPS: f64 = 1e-9;

/// `staff[k].max_travel_min`.
pub(super) struct MaxTravel;

impl Rule for MaxTravel {
    fn name(&self) -> &'static str {
        "max_travel"
    }

    fn allows(&self, _: &Problem, _: usize, _: usize) -> bool {
        true
    }

    fn room(&self, inst: &Instance, round: &Round, _: usize) -> Option<f64> {
        Some(inst.staff[round.staff].max_travel + EPS)
    }

    fn holds(&self, inst: &Instance, round: &Round) -> bool {
        round.travel <= inst.staff[round.staff].max_travel + EPS
    }

    fn reason(&self, _: &Problem, _: usize, s: Option<usize>) -> String {
        match s {
            Some(_) => "max_travel_min would be exceeded".to_string(),
            None => "it is too far for every staff member's max_travel_min".to_string(),
        }
    }

    fn interchangeable(&self, inst: &Instance, a: usize, b: usize) -> bool {
        inst.staff[a].max_travel == inst.staff[b].max_travel
    }
}
