//! The solver's timing for rounds it did not search: a planned day that the slots fit a
//! new visit into, the baseline (the rounds as booked) that the report compares plans
//! with, and the lateness the monitor measures visits by. One narrow entry, so those
//! callers depend on what they use, not on the modules of the search: the instance, the
//! forward pass under fixed bounds and why it stops, the bounds that placed partners
//! leave, lateness against windows, and the one plan writer; for re-planning, the warm
//! start's rounds and whether they hold; and for rounds written by hand (`retime`), their
//! settled timing and why a round or a visit is refused, in words.

pub(crate) use super::bounds::{partner_bounds, same_moment, Fitting, Floor};
pub(crate) use super::instance::Instance;
pub(crate) use super::output::write_plan;
pub(crate) use super::rules::blocks_everyone;
pub(crate) use super::schedule::{as_booked, late_by, simulate, Block, RouteTiming};
pub(crate) use super::warm::{from_rounds, rounds_of, starts_of};

use super::rules::RuleId;
use crate::model::time::format_short;
use crate::model::Problem;

/// The name of the rule behind `id`, as a [`Block::Rule`] names it (`max_visits`).
pub(crate) fn rule_name(id: RuleId) -> &'static str {
    super::rules::get(id).name()
}

/// The timings of `rounds` (one per staff member, visits in order) with double-handed
/// starts and gaps settled together from scratch, as the solver settles them; or the
/// [`Block`] that stops them, `None` when the rounds do not fit the problem (see
/// [`from_rounds`]).
pub(crate) fn settled_timings(
    inst: &Instance,
    rounds: Vec<Vec<usize>>,
) -> Result<Vec<RouteTiming>, Option<Block>> {
    super::warm::settled(inst, rounds, None).map(|sol| sol.timings)
}

/// The first rule that keeps staff member `s` from visit `v` whatever else is in their
/// round (skills, exclusions, pins, ...), with its name and reason; `None` when none does.
pub(crate) fn refusal(problem: &Problem, v: usize, s: usize) -> Option<(&'static str, String)> {
    super::rules::ALL
        .iter()
        .find(|r| !r.allows(problem, v, s))
        .map(|r| (r.name(), r.reason(problem, v, Some(s))))
}

/// Why a round cannot be timed, in a scheduler's words.
pub(crate) fn describe(problem: &Problem, b: Block) -> String {
    let id = |v: usize| problem.visits.get(v).map_or("?", |x| x.id.as_str()).to_string();
    match b {
        Block::Window { visit, start } => format!(
            "visit '{}' could start at {} at the earliest, after its window",
            id(visit),
            format_short(start)
        ),
        Block::Coupling { visit } => format!("visit '{}' cannot start with its partner", id(visit)),
        Block::Break => "a break cannot be taken in time".to_string(),
        Block::ShiftEnd { arrival } => {
            format!("the round returns at {}, after the shift", format_short(arrival))
        }
        Block::Rule(rule) => format!("the round breaks the {} rule", rule_name(rule)),
        Block::Admin { free } => format!("only {free:.0} min free, less than admin_min"),
    }
}
