//! Ejection repair: a required visit the walk left out goes in by taking out a visit that
//! stands in its way, which then goes somewhere else (or, if it is optional, stays out);
//! when the visit taken out is required and fits nowhere, it goes in the same way, taking
//! out one more (a chain of two ejections).
//!
//! The walk does this too, at random (`search::recreate` puts such visits first); this
//! last step makes sure no single ejection is missed, at the cost of a few hundred
//! insertion checks per visit left out. Measured on the re-plan bench (BENCHMARKS.md,
//! "Session 10"), single ejections changed no case once the walk put stuck visits first:
//! the re-plans that still leave more out than a fresh solve need longer chains, tried
//! here second, within a fixed number of trials.
//!
//! Systematic and deterministic: for each stuck visit, each visit still to come in a
//! round that may serve it is tried (then each two neighbours there), and the best plan
//! found is kept when its score (unassigned visits first, then cost) is lower. Only when
//! no single ejection places the visit are the chains tried: for each single ejection
//! whose ejected visit is required and fits nowhere, that visit goes in by ejecting one of
//! the [`CHAIN_WIDTH`] visits nearest its window in time from a round that may serve it.

use super::insert::{best_in_route, commit_single, place_cheapest};
use super::instance::Instance;
use super::solution::Solution;

/// Trials per stuck visit at most (single ejections first, then pairs).
const MAX_TRIALS: usize = 400;
/// Second ejections tried for one visit a first ejection pushed out.
const CHAIN_WIDTH: usize = 16;
/// Chain trials (second ejections) per stuck visit at most, so a day where nothing
/// works costs a bounded amount of work.
const MAX_CHAIN_TRIALS: usize = 1_600;

/// Tries to place each required visit `sol` leaves out by ejecting one visit, or two
/// neighbours in a round, from a round that may serve it, then by chains of two
/// ejections; returns whether `sol` improved. `halt` is polled before every trial so a
/// deadline or cancel stops it promptly.
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
        let keep = |c: Solution, best: &mut Option<(f64, Solution)>| {
            let score = c.score(inst);
            if score < best.as_ref().map_or(current, |b| b.0) - 1e-9 {
                *best = Some((score, c));
            }
        };
        let tried: Vec<(usize, Vec<usize>)> = trials(inst, sol, v).into_iter().take(MAX_TRIALS).collect();
        // Ejections whose ejected visit is required and went nowhere: chain candidates.
        let mut pushed_out: Vec<(usize, Solution)> = Vec::new();
        for (r, out) in &tried {
            if halt() {
                break;
            }
            if let Some(c) = eject(inst, sol, v, *r, out) {
                if out.len() == 1 && inst.visits[out[0]].required && !c.placed[out[0]] {
                    pushed_out.push((out[0], c.clone()));
                }
                keep(c, &mut best);
            }
        }
        if best.as_ref().is_none_or(|(_, c)| !c.placed[v]) {
            let mut budget = MAX_CHAIN_TRIALS;
            'chains: for (u, c) in &pushed_out {
                for (r2, w) in nearest_in_time(inst, c, *u, v) {
                    if budget == 0 || halt() {
                        break 'chains;
                    }
                    budget -= 1;
                    if let Some(c2) = eject(inst, c, *u, r2, &[w]) {
                        keep(c2, &mut best);
                    }
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

/// The second ejection for `u` (pushed out to make room for `first`): the
/// [`CHAIN_WIDTH`] visits still to come, of the rounds that may serve `u`, whose starts
/// lie nearest `u`'s windows (the ones that hold the time `u` needs), nearest first.
fn nearest_in_time(inst: &Instance, sol: &Solution, u: usize, first: usize) -> Vec<(usize, usize)> {
    let ud = &inst.visits[u];
    let gap = |t: f64| {
        ud.windows
            .iter()
            .map(|&(open, close)| (open - t).max(t - close - ud.allowance).max(0.0))
            .fold(if ud.windows.is_empty() { 0.0 } else { f64::INFINITY }, f64::min)
    };
    let mut near: Vec<(f64, usize, usize)> = (0..sol.routes.len())
        .filter(|&r| ud.eligible[r])
        .flat_map(|r| sol.routes[r].iter().map(move |&w| (r, w)))
        .filter(|&(_, w)| w != first && inst.visits[w].actual.is_none())
        .map(|(r, w)| (gap(sol.starts[w]), r, w))
        .collect();
    near.sort_by(|a, b| a.0.total_cmp(&b.0).then((a.1, a.2).cmp(&(b.1, b.2))));
    near.into_iter()
        .take(CHAIN_WIDTH)
        .map(|(_, r, w)| (r, w))
        .collect()
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

    /// Three staff at one place, every visit at 10:00 for 30 minutes: B needs skill b
    /// (only s0), A skill a (s0, s1), C skill c (s1, s2). With A in s0's round and C in
    /// s1's, B goes in only by a chain: B ejects A, A ejects C, C goes to s2.
    fn chain_needed() -> (Instance, Solution) {
        let doc = serde_json::json!({
            "locations": [{"id": "here", "lat": 52.6, "lon": -0.7}],
            "staff": [
                {"id": "s0", "skills": ["a", "b"], "shift": {"start": "08:00", "end": "17:00"}, "start_location": "here"},
                {"id": "s1", "skills": ["a", "c"], "shift": {"start": "08:00", "end": "17:00"}, "start_location": "here"},
                {"id": "s2", "skills": ["c"], "shift": {"start": "08:00", "end": "17:00"}, "start_location": "here"},
            ],
            "visits": [
                {"id": "A", "location": "here", "duration_min": 30, "skills": ["a"], "time_windows": [["10:00", "10:00"]]},
                {"id": "B", "location": "here", "duration_min": 30, "skills": ["b"], "time_windows": [["10:00", "10:00"]]},
                {"id": "C", "location": "here", "duration_min": 30, "skills": ["c"], "time_windows": [["10:00", "10:00"]]},
            ],
            "objective": {"base_min": 0},
        });
        let problem = crate::model::parse_problem(&doc.to_string()).expect("valid");
        let travel = crate::travel::TravelMatrix::computed(&problem).expect("computed travel");
        let inst = Instance::with_travel(&problem, travel);
        let mut sol = Solution::empty(&inst);
        assert!(commit_single(&inst, &mut sol, 0, 0, 0));
        assert!(commit_single(&inst, &mut sol, 2, 1, 0));
        sol.unassigned = vec![1];
        (inst, sol)
    }

    #[test]
    fn a_chain_of_two_ejections_places_what_one_cannot() {
        let (inst, mut sol) = chain_needed();
        assert!(best_insertion(&inst, &sol, 1, &mut || false).is_none());
        assert!(
            trials(&inst, &sol, 1)
                .iter()
                .all(|(r, out)| eject(&inst, &sol, 1, *r, out).is_none_or(|c| !c.unassigned.is_empty())),
            "no single ejection may place every visit"
        );
        assert!(repair(&inst, &mut sol, &|| false));
        assert_eq!(sol.routes, vec![vec![1], vec![0], vec![2]]);
        assert!(sol.unassigned.is_empty());
        assert_eq!(sol.consistent(&inst), Ok(()));
    }
}
