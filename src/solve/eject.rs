//! Ejection repair: a required visit the walk left out goes in by taking out a visit that
//! stands in its way, which then goes somewhere else (or, if it is optional, stays out).
//!
//! The walk does this too, at random (`search::recreate` puts such visits first); this
//! last step makes sure no single ejection is missed, at the cost of a few hundred
//! insertion checks per visit left out. Measured on the re-plan bench (BENCHMARKS.md,
//! "Session 10"), it changed no case once the walk put stuck visits first: the re-plans
//! that still leave more out than a fresh solve need longer chains.
//!
//! Systematic and deterministic: for each stuck visit, each visit still to come in a
//! round that may serve it is tried (then each two neighbours there), and the best plan
//! found is kept when its score (unassigned visits first, then cost) is lower.

use super::insert::{best_in_route, commit_single, place_cheapest};
use super::instance::Instance;
use super::solution::Solution;

/// Trials per stuck visit at most (single ejections first, then pairs).
const MAX_TRIALS: usize = 400;

/// Tries to place each required visit `sol` leaves out by ejecting one visit, or two
/// neighbours in a round, from a round that may serve it; returns whether `sol` improved.
/// `halt` is polled before every trial so a deadline or cancel stops it promptly.
pub fn repair(inst: &Instance, sol: &mut Solution, halt: &dyn Fn() -> bool) -> bool {
    let mut stuck: Vec<usize> = sol
        .unassigned
        .iter()
        .copied()
        .filter(|&v| inst.visits[v].required)
        .collect();
    stuck.sort_unstable();
    stuck.dedup();
    let mut improved = false;
    for v in stuck {
        if sol.placed[v] {
            continue;
        }
        let current = sol.score(inst);
        let mut best: Option<(f64, Solution)> = None;
        for (r, out) in trials(inst, sol, v).into_iter().take(MAX_TRIALS) {
            if halt() {
                break;
            }
            if let Some(c) = eject(inst, sol, v, r, &out) {
                let score = c.score(inst);
                if score < best.as_ref().map_or(current, |b| b.0) - 1e-9 {
                    best = Some((score, c));
                }
            }
        }
        if let Some((_, c)) = best {
            *sol = c;
            improved = true;
        }
    }
    improved
}

/// What to eject for `v`, with the round it then goes into: each visit still to come of
/// each round that may serve `v`, then each two neighbours in such a round (room for a
/// long visit), in round order.
fn trials(inst: &Instance, sol: &Solution, v: usize) -> Vec<(usize, Vec<usize>)> {
    let movable = |u: usize| inst.visits[u].actual.is_none();
    let rounds: Vec<usize> = (0..sol.routes.len())
        .filter(|&r| inst.visits[v].eligible[r])
        .collect();
    let mut out: Vec<(usize, Vec<usize>)> = Vec::new();
    for &r in &rounds {
        out.extend(
            sol.routes[r]
                .iter()
                .filter(|&&u| movable(u))
                .map(|&u| (r, vec![u])),
        );
    }
    for &r in &rounds {
        out.extend(
            sol.routes[r]
                .windows(2)
                .filter(|w| movable(w[0]) && movable(w[1]))
                .map(|w| (r, w.to_vec())),
        );
    }
    out
}

/// `sol` with `out` taken out of round `r`, `v` put in (into `r` when single-handed),
/// then `out` put back wherever it fits best; `None` when `v` still does not fit.
fn eject(inst: &Instance, sol: &Solution, v: usize, r: usize, out: &[usize]) -> Option<Solution> {
    let mut c = sol.clone();
    if !c.remove(inst, out, inst.any_coupled) {
        return None;
    }
    let placed = if inst.visits[v].double {
        place_cheapest(inst, &mut c, v)
    } else {
        best_in_route(inst, &c, v, r, &mut || false, None)
            .is_some_and(|(_, p, _)| commit_single(inst, &mut c, v, r, p))
    };
    if !placed {
        return None;
    }
    for &u in out {
        place_cheapest(inst, &mut c, u);
    }
    Some(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::solomon::{read_solomon, Rounding};
    use crate::model::validate;
    use crate::solve::insert::best_insertion;

    /// Two rounds from a depot at the origin. Round 0 makes A (window 0-20), round 1
    /// makes C (window 0-30, 10 minutes); B (window 0-5, 40 minutes) fits nowhere as
    /// they stand, but fits in round 0 once A moves to the end of round 1 (when A's
    /// window closes at `a_due` ≥ 17).
    fn blocked(a_due: u32) -> (Instance, Solution) {
        // (number, x, y, ready, due, service)
        let rows = [
            (0, 0, 0, 0, 1000, 0),
            (1, 1, 0, 0, a_due, 50),
            (2, 2, 0, 0, 5, 40),
            (3, 0, 3, 0, 30, 10),
        ];
        let mut text = String::from("T\n\nVEHICLE\nNUMBER CAPACITY\n2 100\n\nCUSTOMER\nCUST NO. XCOORD. YCOORD. DEMAND READY DUE SERVICE\n\n");
        for (k, x, y, ready, due, service) in rows {
            text += &format!("{k} {x} {y} {} {ready} {due} {service}\n", u32::from(k != 0));
        }
        let input = read_solomon(&text, Rounding::Exact).expect("instance");
        let problem = validate(&input.problem).expect("valid");
        let travel = crate::travel::TravelMatrix::computed(&problem).expect("computed travel");
        let inst = Instance::with_travel(&problem, travel);
        let mut sol = Solution::empty(&inst);
        // Visit index = customer number - 1: A = 0, B = 1, C = 2.
        assert!(commit_single(&inst, &mut sol, 0, 0, 0));
        assert!(commit_single(&inst, &mut sol, 2, 1, 0));
        sol.unassigned = vec![1];
        (inst, sol)
    }

    #[test]
    fn a_stuck_visit_goes_in_when_the_visit_in_its_way_moves() {
        let (inst, mut sol) = blocked(20);
        assert!(
            best_insertion(&inst, &sol, 1, &mut || false).is_none(),
            "B must not fit as is"
        );
        assert!(repair(&inst, &mut sol, &|| false));
        assert_eq!(sol.routes, vec![vec![1], vec![2, 0]]);
        assert!(sol.unassigned.is_empty());
        assert_eq!(sol.consistent(&inst), Ok(()));
    }

    #[test]
    fn when_no_ejection_places_it_a_swap_is_kept_only_if_cheaper() {
        // A's window closes at 14: after C it would start at 16.2, so no ejection gets
        // every visit in; B may take C's place (less travel), never at a higher score.
        let (inst, mut sol) = blocked(14);
        assert!(best_insertion(&inst, &sol, 1, &mut || false).is_none());
        let before = sol.score(&inst);
        repair(&inst, &mut sol, &|| false);
        assert_eq!(sol.unassigned.len(), 1);
        assert!(sol.score(&inst) <= before);
        assert_eq!(sol.consistent(&inst), Ok(()));
    }
}
