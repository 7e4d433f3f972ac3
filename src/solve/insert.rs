//! Inserting visits into rounds: the cheapest feasible position per round, for single
//! and double-handed visits, honouring couplings. Shared by construction and by the
//! recreate step of the search.
//!
//! Rounds that are "simple" (no breaks, no office-time floor, no overtime, and only
//! visits with at most one hard window and no couplings) are checked in O(1) per
//! position from forward earliest starts and backward latest starts (Savelsbergh 1992);
//! other rounds without breaks push the delay forward from the insertion point (`push`);
//! rounds with breaks are re-timed in full for every position.

use super::bounds::{same_moment, Fitting};
use super::couple::{settle, Lower, EPS};
use super::instance::Instance;
use super::price::{partner_bounds, preference_cost, room, Best};
use super::push::{best_by_push, settle_later};
use super::schedule::{simulate, RouteTiming};
use super::solution::Solution;

/// Positions kept per round when pairing rounds for a double-handed visit.
const PAIR_POSITIONS: usize = 3;
/// Round pairs tried per double-handed visit, cheapest first.
const PAIR_TRIES: usize = 12;

/// A placement of a double-handed visit: cost increase, `(round, position)` of both
/// sides, and the settled timings and bounds it leads to.
pub(crate) type DoubleOption = (f64, [(usize, usize); 2], Vec<RouteTiming>, Lower);

/// Whether round `r` serves a partner that must start at the same moment as `v` (0/0 gap).
fn same_moment_conflict(inst: &Instance, sol: &Solution, v: usize, r: usize) -> bool {
    same_moment(inst, v).any(|u| sol.routes[r].contains(&u))
}

/// The bounds for fitting `v` into a round of `sol`: `(lo, hi)` on its own start, on top
/// of the lower bound it already has.
fn fitting<'a>(sol: &'a Solution, v: usize, lo: f64, hi: f64) -> Fitting<'a> {
    Fitting {
        lower: &sol.lower.0,
        visit: v,
        lo: lo.max(sol.lower.0[v]),
        hi,
    }
}

/// Whether round `r` with visit `v` added can use the O(1) insertion check.
fn simple(inst: &Instance, sol: &Solution, v: usize, r: usize) -> bool {
    inst.simple_staff[r] && inst.simple_visit[v] && sol.all_simple(r)
}

/// Cheapest feasible position of `v` in round `r` that moves no coupled start.
/// `all` collects every feasible position when given.
pub fn best_in_route(
    inst: &Instance,
    sol: &Solution,
    v: usize,
    r: usize,
    blink: &mut dyn FnMut() -> bool,
    all: Option<&mut Vec<Best>>,
) -> Option<Best> {
    if !inst.visits[v].eligible[r] || same_moment_conflict(inst, sol, v, r) {
        return None;
    }
    if all.is_none() && simple(inst, sol, v, r) {
        return best_simple(inst, sol, v, r, blink);
    }
    best_by_push(inst, sol, v, r, blink, all, None)
}

/// The cheapest feasible placement `(delta, round, position)` of single visit `v` in any
/// round. Positions that set off coupled moves in other rounds are costed last, and only
/// while they can still win.
pub fn best_insertion(
    inst: &Instance,
    sol: &Solution,
    v: usize,
    blink: &mut dyn FnMut() -> bool,
) -> Option<(f64, usize, usize)> {
    let mut best: Option<(f64, usize, usize)> = None;
    let mut later = Vec::new();
    for r in 0..sol.routes.len() {
        if !inst.visits[v].eligible[r] || same_moment_conflict(inst, sol, v, r) {
            continue;
        }
        let found = if simple(inst, sol, v, r) {
            best_simple(inst, sol, v, r, blink)
        } else {
            best_by_push(inst, sol, v, r, blink, None, Some(&mut later))
        };
        if let Some((delta, p, _)) = found {
            if best.is_none_or(|b| delta < b.0 - 1e-12) {
                best = Some((delta, r, p));
            }
        }
    }
    settle_later(inst, sol, v, &mut later, best, blink)
}

/// O(1)-per-position insertion for simple rounds.
fn best_simple(
    inst: &Instance,
    sol: &Solution,
    v: usize,
    r: usize,
    blink: &mut dyn FnMut() -> bool,
) -> Option<Best> {
    let st = &inst.staff[r];
    let route = &sol.routes[r];
    let timing = &sol.timings[r];
    let vd = &inst.visits[v];
    let max_travel = room(inst, sol, v, r)?;
    let (open, close) = vd
        .windows
        .first()
        .copied()
        .unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
    let w = &inst.weights;
    let unpref = preference_cost(inst, v, r);
    let tm = &inst.travel;
    let layer = st.layer;
    sol.spend(route.len() as u64 + 1);
    let mut best: Option<Best> = None;
    let mut prev_place = st.start_place;
    let mut prev_end = st.shift_start;
    let prev_step = |place: &mut usize, end: &mut f64, p: usize| {
        if p < route.len() {
            let u = route[p];
            *place = inst.visits[u].place;
            *end = timing.stops[p].start + inst.visits[u].duration;
        }
    };
    for p in 0..=route.len() {
        let arrival = prev_end + tm.time_in(layer, prev_place, vd.place);
        if arrival > close + 1e-9 {
            // Too late here; a later position may still fit if travel breaks the
            // triangle inequality (truncated or road matrices), so keep looking.
            prev_step(&mut prev_place, &mut prev_end, p);
            continue;
        }
        let start = arrival.max(open);
        let (next_place, next_latest) = if p == route.len() {
            (st.end_place, st.latest_return)
        } else {
            (inst.visits[route[p]].place, sol.latest[r][p])
        };
        let next_arrival = start + vd.duration + tm.time_in(layer, vd.place, next_place);
        if next_arrival <= next_latest + 1e-9 {
            let dt = tm.time_in(layer, prev_place, vd.place) + tm.time_in(layer, vd.place, next_place)
                - tm.time_in(layer, prev_place, next_place);
            if timing.travel + dt <= max_travel && !blink() {
                let dd = tm.dist_in(layer, prev_place, vd.place) + tm.dist_in(layer, vd.place, next_place)
                    - tm.dist_in(layer, prev_place, next_place);
                let delta = w.travel_min * dt + w.distance_km * dd + unpref;
                if best.is_none_or(|b| delta < b.0 - 1e-12) {
                    best = Some((delta, p, start));
                }
            }
        }
        prev_step(&mut prev_place, &mut prev_end, p);
    }
    best
}

/// Full re-timing per position, for rounds with breaks (and, in tests, as the reference
/// that [`best_by_push`] must agree with).
pub fn best_general(
    inst: &Instance,
    sol: &Solution,
    v: usize,
    r: usize,
    blink: &mut dyn FnMut() -> bool,
    mut all: Option<&mut Vec<Best>>,
) -> Option<Best> {
    let (lo, hi) = partner_bounds(inst, sol, v);
    if lo > hi + EPS {
        return None;
    }
    let bounds = fitting(sol, v, lo, hi);
    let old = &sol.timings[r];
    let base = old.cost(inst);
    let route = &sol.routes[r];
    let mut seq = Vec::with_capacity(route.len() + 1);
    let mut best: Option<Best> = None;
    sol.spend((route.len() as u64 + 1) * (route.len() as u64 + 2));
    for p in 0..=route.len() {
        seq.clear();
        seq.extend_from_slice(&route[..p]);
        seq.push(v);
        seq.extend_from_slice(&route[p..]);
        let Ok(t) = simulate(inst, r, &seq, &bounds) else {
            continue;
        };
        // A coupled visit that moved needs a global re-settle: not offered here.
        let moved = t.stops.iter().enumerate().any(|(k, s)| {
            if k == p {
                return false;
            }
            let ok = if k < p { k } else { k - 1 };
            inst.visits[s.visit].coupled() && (s.start - old.stops[ok].start).abs() > EPS
        });
        if moved || blink() {
            continue;
        }
        let delta = t.cost(inst) - base;
        let start = t.stops[p].start;
        if let Some(all) = all.as_deref_mut() {
            all.push((delta, p, start));
        }
        if best.is_none_or(|b| delta < b.0 - 1e-12) {
            best = Some((delta, p, start));
        }
    }
    best
}

/// The cheapest placements (up to two) of a double-handed visit in two different rounds.
pub(crate) fn options_double(inst: &Instance, sol: &Solution, v: usize) -> Vec<DoubleOption> {
    let nr = sol.routes.len();
    let mut per_route: Vec<Vec<Best>> = Vec::with_capacity(nr);
    let mut never = || false;
    for r in 0..nr {
        let mut all = Vec::new();
        best_in_route(inst, sol, v, r, &mut never, Some(&mut all));
        all.sort_by(|a, b| a.0.total_cmp(&b.0));
        all.truncate(PAIR_POSITIONS);
        per_route.push(all);
    }
    let mut pairs = Vec::new();
    let vd = &inst.visits[v];
    for r1 in 0..nr {
        for r2 in r1 + 1..nr {
            if !vd.pair_allowed(r1, r2) {
                continue;
            }
            for a in &per_route[r1] {
                for b in &per_route[r2] {
                    pairs.push((a.0 + b.0, (r1, a.1, a.2), (r2, b.1, b.2)));
                }
            }
        }
    }
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let base = sol.cost(inst);
    let mut coupled = sol.coupled(inst);
    coupled.push(v);
    let mut out = Vec::new();
    for &(_, (r1, p1, s1), (r2, p2, s2)) in pairs.iter().take(PAIR_TRIES) {
        let mut routes = sol.routes.clone();
        routes[r1].insert(p1, v);
        routes[r2].insert(p2, v);
        let mut lower = sol.lower.clone();
        lower.0[v] = lower.0[v].max(s1.max(s2));
        let mut timings = sol.timings.clone();
        let mut dirty = vec![false; nr];
        dirty[r1] = true;
        dirty[r2] = true;
        if settle(inst, &routes, &mut lower, &mut timings, &mut dirty, &coupled).is_ok() {
            let cost: f64 = timings.iter().map(|t| t.cost(inst)).sum();
            out.push((cost - base, [(r1, p1), (r2, p2)], timings, lower));
            if out.len() == 2 {
                break;
            }
        }
    }
    out
}

/// Places `v` at position `p` of round `r` (an option found by [`best_in_route`]).
/// When that moves coupled starts in the round, their partners' rounds are re-settled.
/// Returns false, changing nothing, if the insertion turns out infeasible.
pub fn commit_single(inst: &Instance, sol: &mut Solution, v: usize, r: usize, p: usize) -> bool {
    let (lo, hi) = partner_bounds(inst, sol, v);
    let mut seq = sol.routes[r].clone();
    seq.insert(p, v);
    // A start past the partners' upper bound moves them later (settled below).
    let bounds = fitting(sol, v, lo, f64::INFINITY);
    let Ok(t) = simulate(inst, r, &seq, &bounds) else {
        return false;
    };
    let start = t.stops[p].start;
    let old = &sol.timings[r];
    let moved: Vec<(usize, f64)> = t
        .stops
        .iter()
        .enumerate()
        .filter(|&(k, s)| {
            k > p && inst.visits[s.visit].coupled() && (s.start - old.stops[k - 1].start).abs() > EPS
        })
        .map(|(_, s)| (s.visit, s.start))
        .collect();
    if moved.is_empty() && start <= hi + EPS {
        sol.routes[r] = seq;
        sol.timings[r] = t;
        if inst.visits[v].coupled() {
            sol.lower.0[v] = sol.lower.0[v].max(start);
        }
        place(inst, sol, v, &[r]);
        return true;
    }
    // Coupled starts move: settle every coupling from the raised bounds.
    sol.spend(3 * sol.routes.iter().map(|r| r.len() as u64 + 1).sum::<u64>());
    let mut routes = sol.routes.clone();
    routes[r] = seq;
    let mut lower = sol.lower.clone();
    lower.0[v] = lower.0[v].max(start);
    for (u, s) in moved {
        lower.0[u] = lower.0[u].max(s);
    }
    let mut timings = sol.timings.clone();
    timings[r] = t;
    let mut coupled = sol.coupled(inst);
    coupled.push(v);
    let mut dirty = vec![false; routes.len()];
    if settle(inst, &routes, &mut lower, &mut timings, &mut dirty, &coupled).is_err() {
        return false;
    }
    // Pin the coupled starts where they settled, as after any other change.
    for tm in &timings {
        for s in &tm.stops {
            if inst.visits[s.visit].coupled() {
                lower.0[s.visit] = lower.0[s.visit].max(s.start);
            }
        }
    }
    let changed: Vec<usize> = (0..routes.len())
        .filter(|&q| q == r || timings[q] != sol.timings[q])
        .collect();
    sol.routes = routes;
    sol.timings = timings;
    sol.lower = lower;
    place(inst, sol, v, &changed);
    true
}

/// Puts `v` at its cheapest place in `sol` (both rounds of a double-handed visit at once);
/// whether it went in.
pub(crate) fn place_cheapest(inst: &Instance, sol: &mut Solution, v: usize) -> bool {
    if inst.visits[v].double {
        match options_double(inst, sol, v).into_iter().next() {
            Some(opt) => {
                commit_double(inst, sol, v, opt);
                true
            }
            None => false,
        }
    } else {
        best_insertion(inst, sol, v, &mut || false).is_some_and(|(_, r, p)| commit_single(inst, sol, v, r, p))
    }
}

/// Applies a double-handed placement found by [`options_double`].
pub(crate) fn commit_double(inst: &Instance, sol: &mut Solution, v: usize, opt: DoubleOption) {
    let (_, slots, timings, lower) = opt;
    for (r, p) in slots {
        sol.routes[r].insert(p, v);
    }
    let changed: Vec<usize> = (0..sol.routes.len())
        .filter(|&r| timings[r] != sol.timings[r])
        .collect();
    sol.timings = timings;
    sol.lower = lower;
    place(inst, sol, v, &changed);
}

fn place(inst: &Instance, sol: &mut Solution, v: usize, changed: &[usize]) {
    sol.placed[v] = true;
    sol.unassigned.retain(|&u| u != v);
    for &r in changed {
        sol.refresh_slack(inst, r);
    }
}
