//! The solver's timing for rounds it did not search: a planned day that the slots fit a
//! new visit into, the baseline (the rounds as booked) that the report compares plans
//! with, and the lateness the monitor measures visits by. One narrow entry, so those
//! callers depend on what they use, not on the modules of the search: the instance, the
//! forward pass under fixed bounds and why it stops, the bounds that placed partners
//! leave, lateness against windows, and the one plan writer; and for re-planning, the
//! warm start's rounds and whether they hold.

pub(crate) use super::bounds::{partner_bounds, same_moment, Fitting, Floor};
pub(crate) use super::instance::Instance;
pub(crate) use super::output::write_plan;
pub(crate) use super::rules::blocks_everyone;
pub(crate) use super::schedule::{as_booked, late_by, simulate, Block, RouteTiming};
pub(crate) use super::warm::{from_rounds, rounds_of, starts_of};

use super::rules::RuleId;

/// The name of the rule behind `id`, as a [`Block::Rule`] names it (`max_visits`).
pub(crate) fn rule_name(id: RuleId) -> &'static str {
    super::rules::get(id).name()
}
