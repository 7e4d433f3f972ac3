//! Starting the search from a plan instead of from scratch: a job resumed after a restart
//! continues from the best plan it had stored, and re-planning starts from the day as
//! booked. The plan's rounds are taken as they are (staff and order), re-timed under
//! every hard rule; a plan that breaks one (an ineligible staff member, a round that
//! cannot be timed, a double-handed visit served once) is refused, so the caller falls
//! back to constructing a plan.

use super::construct;
use super::couple::Lower;
use super::instance::Instance;
use super::schedule::Block;
use super::solution::Solution;
use crate::model::{Plan, Problem, Step};

/// The rounds of `plan` as visit indices per staff member, or `None` when the plan names
/// staff or visits the problem does not have, or serves a visit more often than it needs.
pub(crate) fn rounds_of(problem: &Problem, plan: &Plan) -> Option<Vec<Vec<usize>>> {
    let mut rounds = vec![Vec::new(); problem.staff.len()];
    let mut seen = vec![false; problem.staff.len()];
    let mut served = vec![0usize; problem.visits.len()];
    for r in &plan.routes {
        let s = problem.staff_index(&r.staff)?;
        if std::mem::replace(&mut seen[s], true) {
            return None;
        }
        for step in &r.steps {
            if let Step::Visit { visit, .. } = step {
                let v = problem.visit_index(visit)?;
                served[v] += 1;
                if served[v] > problem.visits[v].staff_count.get() {
                    return None;
                }
                rounds[s].push(v);
            }
        }
    }
    Some(rounds)
}

/// A solution holding `rounds`, timed with couplings settled, when they keep every hard
/// rule; visits not in them are unassigned. A double-handed visit must be in two rounds
/// or in none. With `booked` starts (per visit, −∞ where none), tied visits (double-handed,
/// gaps) start no earlier than booked: the fixed point a plan's own timing reached, which
/// settling from scratch need not find again.
pub(crate) fn from_rounds(
    inst: &Instance,
    rounds: Vec<Vec<usize>>,
    booked: Option<&[f64]>,
) -> Option<Solution> {
    settled(inst, rounds, booked).ok()
}

/// As [`from_rounds`], saying why rounds are refused: the [`Block`] that stops their
/// timing, or `None` when they do not fit the problem (a round per staff member, each
/// visit in no round or in as many as it needs staff).
pub(crate) fn settled(
    inst: &Instance,
    rounds: Vec<Vec<usize>>,
    booked: Option<&[f64]>,
) -> Result<Solution, Option<Block>> {
    if rounds.len() != inst.staff.len() {
        return Err(None);
    }
    // Eligibility, capacity and the other rules are checked where every round is timed
    // (`schedule::simulate`, through `rules::broken`); here only what timing assumes.
    let mut count = vec![0usize; inst.visits.len()];
    for &v in rounds.iter().flatten() {
        *count.get_mut(v).ok_or(None)? += 1;
    }
    let needed = |v: usize| if inst.visits[v].double { 2 } else { 1 };
    if (0..inst.visits.len()).any(|v| count[v] != 0 && count[v] != needed(v)) {
        return Err(None);
    }
    // A mixed double-up must have one of its pair for each person's skills.
    let mut first = vec![usize::MAX; inst.visits.len()];
    for (s, round) in rounds.iter().enumerate() {
        for &v in round {
            if !inst.visits[v].double {
                continue;
            }
            match first[v] {
                usize::MAX => first[v] = s,
                a if !inst.visits[v].pair_allowed(a, s) => return Err(None),
                _ => {}
            }
        }
    }
    let mut sol = Solution::empty(inst);
    for (v, &c) in count.iter().enumerate() {
        sol.placed[v] = c > 0;
    }
    sol.unassigned = (0..inst.visits.len()).filter(|&v| !sol.placed[v]).collect();
    sol.routes = rounds;
    let mut lower = Lower::new(inst.visits.len());
    if let Some(starts) = booked {
        for v in sol.coupled(inst) {
            lower.0[v] = starts.get(v).copied().unwrap_or(f64::NEG_INFINITY);
        }
    }
    sol.settle_from(inst, lower).map_err(Some)?;
    sol.consistent(inst).map_err(|_| None)?;
    Ok(sol)
}

/// The plan's rounds with every visit it leaves out inserted where it is cheapest, or
/// `None` when the plan cannot be kept (see [`from_rounds`]).
pub(crate) fn start_from(problem: &Problem, inst: &Instance, plan: &Plan) -> Option<Solution> {
    let rounds = rounds_of(problem, plan)?;
    let starts = starts_of(problem, plan);
    let mut sol = from_rounds(inst, rounds, Some(&starts))?;
    let open = std::mem::take(&mut sol.unassigned);
    construct::greedy(inst, &mut sol, &open, &|| false);
    sol.unassigned.sort_unstable();
    Some(sol)
}

/// Each visit's start in `plan` (−∞ for visits it does not make).
pub(crate) fn starts_of(problem: &Problem, plan: &Plan) -> Vec<f64> {
    let mut starts = vec![f64::NEG_INFINITY; problem.visits.len()];
    for r in &plan.routes {
        for step in &r.steps {
            if let Step::Visit { visit, start, .. } = step {
                if let Some(v) = problem.visit_index(visit) {
                    starts[v] = starts[v].max(start.0);
                }
            }
        }
    }
    starts
}
