//! The initial plan: regret insertion (Potvin & Rousseau 1993) over every hard rule.
//!
//! Each round, every unplanned visit's cheapest feasible insertion is known per round
//! (cached, recomputed only for rounds that changed); the visit whose second-best option
//! is most expensive compared with its best (the largest regret) goes in first, so
//! visits with few good places are not crowded out. Required visits come before optional
//! ones. Double-handed visits are inserted into two rounds at once, at a common start;
//! visits tied by gaps get start bounds from partners already placed (see `insert`).

use super::insert::{best_in_route, commit_double, commit_single, options_double, place_cheapest};
use super::instance::Instance;
use super::price::Best;
use super::rules;
use super::schedule;
use super::solution::Solution;

/// Regret given to a visit with a single feasible option: it must go in now.
const ONLY_OPTION: f64 = 1e9;

/// For each staff member, the earlier staff members identical to them: the same for the
/// schedule rule and every other rule, and preferred (and planned) for the same visits.
fn twins(inst: &Instance) -> Vec<Vec<usize>> {
    let same = |q: usize, r: usize| {
        schedule::interchangeable(inst, q, r)
            && rules::interchangeable(inst, q, r)
            && inst
                .visits
                .iter()
                .all(|v| v.preferred[q] == v.preferred[r] && v.planned[q] == v.planned[r])
    };
    (0..inst.staff.len())
        .map(|r| (0..r).filter(|&q| same(q, r)).collect())
        .collect()
}

/// Builds a plan by regret insertion.
pub fn construct(inst: &Instance) -> Solution {
    construct_within(inst, &|| false, &|| false)
}

/// Regret insertion until `halt` says time is up; the visits still open then go in one
/// by one at their cheapest place (no regret look-ahead), so a run on a large day with a
/// short time limit still returns a whole plan within its limit. When `cancelled` says so
/// the visits still open stay unplanned: whoever cancelled wants the answer now.
pub(crate) fn construct_within(
    inst: &Instance,
    time_up: &dyn Fn() -> bool,
    cancelled: &dyn Fn() -> bool,
) -> Solution {
    let nv = inst.visits.len();
    let nr = inst.staff.len();
    let mut sol = Solution::empty(inst);
    let mut open: Vec<usize> = (0..nv).collect();
    let mut never = || false;
    // cache[v][r]: best single insertion of v into round r.
    let mut cache: Vec<Vec<Option<Best>>> = vec![vec![None; nr]; nv];
    let mut dirty_routes: Vec<bool> = vec![true; nr];
    let twins = twins(inst);
    while !open.is_empty() {
        if cancelled() {
            sol.unassigned.extend(open.iter().copied());
            break;
        }
        if time_up() {
            greedy(inst, &mut sol, &open, cancelled);
            break;
        }
        let empty_twin: Vec<bool> = (0..nr)
            .map(|r| sol.routes[r].is_empty() && twins[r].iter().any(|&q| sol.routes[q].is_empty()))
            .collect();
        for &v in &open {
            if inst.visits[v].double {
                continue;
            }
            for r in 0..nr {
                if dirty_routes[r] {
                    cache[v][r] = best_in_route(inst, &sol, v, r, &mut never, None);
                }
            }
        }
        dirty_routes.iter_mut().for_each(|d| *d = false);
        // Pick the visit with the largest regret, required visits first.
        let mut pick: Option<(bool, f64, f64, usize)> = None; // (required, regret, -best, v)
        let mut doubles = Vec::new();
        for &v in &open {
            let vd = &inst.visits[v];
            let (best, second) = if vd.double {
                let opts = options_double(inst, &sol, v);
                let r = (opts.first().map(|o| o.0), opts.get(1).map(|o| o.0));
                doubles.push((v, opts));
                r
            } else {
                // Identical empty rounds count as one option, so that regret compares
                // genuinely different choices (a new round versus an existing one).
                let mut deltas: Vec<f64> = cache[v]
                    .iter()
                    .enumerate()
                    .filter(|&(r, _)| !empty_twin[r])
                    .filter_map(|(_, c)| c.map(|c| c.0))
                    .collect();
                deltas.sort_by(f64::total_cmp);
                (deltas.first().copied(), deltas.get(1).copied())
            };
            let Some(best) = best else { continue };
            let regret = second.map_or(ONLY_OPTION, |s| s - best);
            let key = (vd.required, regret, -best, v);
            if pick.is_none_or(|p| (key.0, key.1, key.2) > (p.0, p.1, p.2)) {
                pick = Some(key);
            }
        }
        let Some((_, _, _, v)) = pick else {
            sol.unassigned.extend(open.iter().copied());
            break;
        };
        open.retain(|&x| x != v);
        let before: Vec<_> = sol.timings.clone();
        let placed = if inst.visits[v].double {
            let opts = doubles
                .into_iter()
                .find(|d| d.0 == v)
                .map(|d| d.1)
                .unwrap_or_default();
            match opts.into_iter().next() {
                Some(opt) => {
                    commit_double(inst, &mut sol, v, opt);
                    true
                }
                None => false,
            }
        } else {
            let best = cache[v]
                .iter()
                .enumerate()
                .filter_map(|(r, c)| c.map(|c| (c.0, r, c.1)))
                .min_by(|a, b| a.0.total_cmp(&b.0));
            best.is_some_and(|(_, r, p)| commit_single(inst, &mut sol, v, r, p))
        };
        if !placed {
            sol.unassigned.push(v);
        }
        for r in 0..nr {
            if sol.timings[r] != before[r] {
                dirty_routes[r] = true;
            }
        }
        // Partners' bounds changed: their cached options are stale everywhere.
        let vd = &inst.visits[v];
        for &(u, _, _) in vd.after.iter().chain(vd.before.iter()) {
            if !sol.placed[u] {
                cache[u] = (0..nr)
                    .map(|r| best_in_route(inst, &sol, u, r, &mut never, None))
                    .collect();
            }
        }
    }
    sol.unassigned.sort_unstable();
    sol
}

/// Inserts `open` in order, required visits first, each at its cheapest place.
pub(crate) fn greedy(inst: &Instance, sol: &mut Solution, open: &[usize], cancelled: &dyn Fn() -> bool) {
    let mut todo = open.to_vec();
    todo.sort_by_key(|&v| (!inst.visits[v].required, v));
    for v in todo {
        if cancelled() || !place_cheapest(inst, sol, v) {
            sol.unassigned.push(v);
        }
    }
}
