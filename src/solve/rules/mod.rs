//! The rules of a round that do not depend on time, one file each, all in one shape.
//!
//! A rule says four things (the [`Rule`] trait), and the compiler makes a new rule say
//! all four:
//! - **who may serve a visit at all** ([`Rule::allows`]): folded into
//!   [`VisitData::eligible`](super::instance::VisitData) when the instance is built, so
//!   the search's hot loops keep one table look-up for every such rule together;
//! - **whether a round has room for one more visit** ([`Rule::room`]): checked before any
//!   timing, with the extra travel the round can still take, so insertion tests that
//!   budget per position at no cost per rule;
//! - **whether a whole round keeps the rule** ([`Rule::holds`]): part of
//!   [`schedule::simulate`](super::schedule::simulate), so every caller that times a
//!   round (insertion, local search, warm starts, slots) checks every rule;
//! - **its reason** ([`Rule::reason`]) when it blocks a visit, and **when two staff
//!   members are interchangeable** for it ([`Rule::interchangeable`]), which construction
//!   uses to skip twins.
//!
//! The rules that act on each other through time (windows, breaks, couplings, shift end,
//! the office floor) are one rule, [`super::schedule`].
//!
//! Adding a rule: a file here with its tests, a line in [`ALL`], and, if the problem
//! gains a field, the model's validation and the checker's own check of it.

mod capacity;
mod eligibility;
mod max_travel;
mod max_visits;
mod pin;

use super::instance::Instance;
use crate::model::Problem;
use crate::travel::TravelMatrix;
use std::sync::Arc;

/// A round as the rules see it: who works it and its totals so far.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Round<'a> {
    /// The staff member.
    pub staff: usize,
    /// Its visits, in order.
    pub visits: &'a [usize],
    /// The load of those visits.
    pub load: f64,
    /// Its travel minutes, start to end.
    pub travel: f64,
}

/// The index of a rule in [`ALL`]: what a [`Block`](super::schedule::Block) names when a
/// rule stops a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleId(pub(crate) u8);

/// A rule of a round that does not depend on time.
pub(crate) trait Rule: Sync {
    /// The rule's name, as tests and documents call it (`max_visits`).
    fn name(&self) -> &'static str;

    /// Whether staff member `s` may ever serve visit `v`, whatever else is in the round.
    fn allows(&self, problem: &Problem, v: usize, s: usize) -> bool;

    /// The most travel minutes `round` may total, start to end, if `v` joins it
    /// (`f64::INFINITY` when the rule does not limit travel), or `None` when `v` cannot
    /// join it at all.
    fn room(&self, inst: &Instance, round: &Round, v: usize) -> Option<f64>;

    /// Whether a whole timed round keeps the rule.
    fn holds(&self, inst: &Instance, round: &Round) -> bool;

    /// Why the rule keeps visit `v` from staff member `s`, in a scheduler's words; `s` is
    /// `None` when it keeps the visit from every staff member [`Rule::allows`] left.
    fn reason(&self, problem: &Problem, v: usize, s: Option<usize>) -> String;

    /// Whether staff members `a` and `b` are the same for this rule: every visit either
    /// could serve, the other could, with the same room.
    fn interchangeable(&self, inst: &Instance, a: usize, b: usize) -> bool;
}

/// Every rule, in the order they are checked. A rule missing here is never checked; the
/// tests below list the rule files so that cannot pass unnoticed.
pub(crate) static ALL: &[&dyn Rule] = &[
    &eligibility::Eligibility,
    &pin::Pin,
    &capacity::Capacity,
    &max_visits::MaxVisits,
    &max_travel::MaxTravel,
];

/// The rule behind an id.
pub(crate) fn get(id: RuleId) -> &'static dyn Rule {
    ALL[id.0 as usize]
}

fn ids() -> impl Iterator<Item = (RuleId, &'static dyn Rule)> {
    ALL.iter().enumerate().map(|(i, r)| (RuleId(i as u8), *r))
}

impl Instance {
    /// Builds the internal form of a problem around its travel matrix (an owned matrix
    /// or a shared `Arc`), with every rule's [`Rule::allows`] folded into the visits'
    /// eligibility table. Defined here rather than in `instance` so that the arrow runs
    /// one way: the rules read the instance, and the instance knows no rule.
    pub fn with_travel(problem: &Problem, travel: impl Into<Arc<TravelMatrix>>) -> Instance {
        Instance::build(problem, travel, |v, s| allows(problem, v, s))
    }
}

/// Whether every rule lets staff member `s` serve visit `v`.
pub(crate) fn allows(problem: &Problem, v: usize, s: usize) -> bool {
    ALL.iter().all(|r| r.allows(problem, v, s))
}

/// The first rule that keeps `v` from every staff member the rules before it allow, with
/// its reason; `None` when some staff member may serve it.
pub(crate) fn blocks_everyone(problem: &Problem, v: usize) -> Option<String> {
    let mut open: Vec<usize> = (0..problem.staff.len()).collect();
    for rule in ALL {
        open.retain(|&s| rule.allows(problem, v, s));
        if open.is_empty() {
            return Some(rule.reason(problem, v, None));
        }
    }
    None
}

/// The most travel `round` may total with `v` in it under every rule, or `None` when a
/// rule has no room for `v` there (eligibility is checked separately, by table).
#[inline]
pub(crate) fn room(inst: &Instance, round: &Round, v: usize) -> Option<f64> {
    let mut limit = f64::INFINITY;
    for rule in ALL {
        limit = limit.min(rule.room(inst, round, v)?);
    }
    Some(limit)
}

/// The first rule a whole round breaks.
pub(crate) fn broken(inst: &Instance, round: &Round) -> Option<RuleId> {
    ids().find(|(_, r)| !r.holds(inst, round)).map(|(id, _)| id)
}

/// Whether staff members `a` and `b` are interchangeable under every rule.
pub(crate) fn interchangeable(inst: &Instance, a: usize, b: usize) -> bool {
    ALL.iter().all(|r| r.interchangeable(inst, a, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file in this folder is a rule registered in [`ALL`] (and nothing else is).
    #[test]
    fn every_rule_file_is_registered() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/solve/rules");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|f| f != "mod.rs" && f.ends_with(".rs"))
            .map(|f| f.trim_end_matches(".rs").to_string())
            .collect();
        files.sort();
        let mut names: Vec<String> = ALL.iter().map(|r| r.name().to_string()).collect();
        names.sort();
        assert_eq!(
            files, names,
            "each rule file names its rule after itself and is listed in ALL"
        );
    }

    #[test]
    fn ids_round_trip() {
        for (id, r) in ids() {
            assert_eq!(get(id).name(), r.name());
        }
    }
}
