//! The initial plan: regret insertion (Potvin & Rousseau 1993) over every hard rule.
//!
//! Each round, every unplanned visit's cheapest feasible insertion is known per round
//! (cached, recomputed only for rounds that changed); the visit whose second-best option
//! is most expensive compared with its best (the largest regret) goes in first, so
//! visits with few good places are not crowded out. Required visits come before optional
//! ones. Double-handed visits are inserted into two rounds at once, at a common start;
//! visits tied by gaps get start bounds from partners already placed, and any insertion
//! that moves a coupled start is re-settled across all rounds (see `couple`).

use super::couple::{settle, Lower, EPS};
use super::instance::Instance;
use super::route::{simulate, RouteTiming, StartBounds};

/// Regret given to a visit with a single feasible option: it must go in now.
const ONLY_OPTION: f64 = 1e9;
/// Positions kept per round when pairing rounds for a double-handed visit.
const PAIR_POSITIONS: usize = 3;
/// Round pairs tried per double-handed visit, cheapest first.
const PAIR_TRIES: usize = 12;

/// A set of rounds with their timings.
#[derive(Debug, Clone)]
pub struct Solution {
    /// Visit indices per staff member, in order.
    pub routes: Vec<Vec<usize>>,
    /// Timing of each round.
    pub timings: Vec<RouteTiming>,
    /// Lower bounds on starts from couplings.
    pub lower: Lower,
    /// Visits that could not be placed.
    pub unassigned: Vec<usize>,
}

impl Solution {
    /// Empty rounds for everyone.
    pub fn empty(inst: &Instance) -> Self {
        let lower = Lower::new(inst.visits.len());
        let routes = vec![Vec::new(); inst.staff.len()];
        let timings = (0..inst.staff.len())
            .map(|s| simulate(inst, s, &[], &lower).unwrap_or_default())
            .collect();
        Solution {
            routes,
            timings,
            lower,
            unassigned: Vec::new(),
        }
    }

    /// Weighted objective without the largest-lateness term.
    pub fn cost(&self, inst: &Instance) -> f64 {
        self.timings.iter().map(|t| t.cost(inst)).sum()
    }

    /// Start of a placed visit.
    pub fn start_of(&self, v: usize) -> Option<f64> {
        self.timings
            .iter()
            .flat_map(|t| t.stops.iter())
            .find(|s| s.visit == v)
            .map(|s| s.start)
    }
}

/// Bounds for one visit being inserted, on top of the solution's lower bounds.
struct Insert<'a> {
    lower: &'a Lower,
    visit: usize,
    lo: f64,
    hi: f64,
}

impl StartBounds for Insert<'_> {
    fn bounds(&self, v: usize) -> (f64, f64) {
        if v == self.visit {
            (self.lo.max(self.lower.0[v]), self.hi)
        } else {
            (self.lower.0[v], f64::INFINITY)
        }
    }
}

/// A placement of a double-handed visit: cost increase, `(round, position)` of both
/// sides, and the settled timings and bounds it leads to.
type DoubleOption = (f64, [(usize, usize); 2], Vec<RouteTiming>, Lower);

struct Builder<'a> {
    inst: &'a Instance,
    sol: Solution,
    placed: Vec<bool>,
    coupled: Vec<usize>,
    starts: Vec<f64>,
}

impl<'a> Builder<'a> {
    /// Start bounds for `v` from partners already placed.
    fn partner_bounds(&self, v: usize) -> (f64, f64) {
        let vd = &self.inst.visits[v];
        let (mut lo, mut hi) = (f64::NEG_INFINITY, f64::INFINITY);
        for &(u, min, max) in &vd.after {
            if self.placed[u] {
                lo = lo.max(self.starts[u] + min);
                if let Some(max) = max {
                    hi = hi.min(self.starts[u] + max);
                }
            }
        }
        for &(w, min, max) in &vd.before {
            if self.placed[w] {
                hi = hi.min(self.starts[w] - min);
                if let Some(max) = max {
                    lo = lo.max(self.starts[w] - max);
                }
            }
        }
        (lo, hi)
    }

    /// Whether staff `r` may not serve `v` because it serves a partner that must start
    /// at the same moment (a 0/0 gap).
    fn same_moment_conflict(&self, v: usize, r: usize) -> bool {
        let vd = &self.inst.visits[v];
        let together = |(u, min, max): &(usize, f64, Option<f64>)| {
            *min == 0.0 && *max == Some(0.0) && self.sol.routes[r].contains(u)
        };
        vd.after.iter().any(together) || vd.before.iter().any(together)
    }

    /// Cheapest feasible position of `v` in round `r` without moving any coupled start.
    /// Returns `(delta, pos, start)`; `all` collects every feasible position when given.
    fn best_in_route(
        &self,
        v: usize,
        r: usize,
        mut all: Option<&mut Vec<(f64, usize, f64)>>,
    ) -> Option<(f64, usize, f64)> {
        let inst = self.inst;
        if !inst.visits[v].eligible[r] || self.same_moment_conflict(v, r) {
            return None;
        }
        let (lo, hi) = self.partner_bounds(v);
        if lo > hi + EPS {
            return None;
        }
        let bounds = Insert {
            lower: &self.sol.lower,
            visit: v,
            lo,
            hi,
        };
        let old = &self.sol.timings[r];
        let base = old.cost(inst);
        let route = &self.sol.routes[r];
        let mut seq = Vec::with_capacity(route.len() + 1);
        let mut best: Option<(f64, usize, f64)> = None;
        for p in 0..=route.len() {
            seq.clear();
            seq.extend_from_slice(&route[..p]);
            seq.push(v);
            seq.extend_from_slice(&route[p..]);
            let Ok(t) = simulate(inst, r, &seq, &bounds) else {
                continue;
            };
            // A coupled visit that moved needs a global re-settle: skip it here.
            let moved = t.stops.iter().enumerate().any(|(k, s)| {
                if k == p {
                    return false;
                }
                let ok = if k < p { k } else { k - 1 };
                inst.visits[s.visit].coupled() && (s.start - old.stops[ok].start).abs() > EPS
            });
            if moved {
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

    /// Best and second-best placement of a double-handed visit: `(delta, [(r, p); 2])`.
    fn options_double(&self, v: usize) -> Vec<DoubleOption> {
        let nr = self.sol.routes.len();
        let mut per_route: Vec<Vec<(f64, usize, f64)>> = Vec::with_capacity(nr);
        for r in 0..nr {
            let mut all = Vec::new();
            self.best_in_route(v, r, Some(&mut all));
            all.sort_by(|a, b| a.0.total_cmp(&b.0));
            all.truncate(PAIR_POSITIONS);
            per_route.push(all);
        }
        let mut pairs = Vec::new();
        for r1 in 0..nr {
            for r2 in r1 + 1..nr {
                for a in &per_route[r1] {
                    for b in &per_route[r2] {
                        pairs.push((a.0 + b.0, (r1, a.1, a.2), (r2, b.1, b.2)));
                    }
                }
            }
        }
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut out = Vec::new();
        for &(_, (r1, p1, s1), (r2, p2, s2)) in pairs.iter().take(PAIR_TRIES) {
            let mut routes = self.sol.routes.clone();
            routes[r1].insert(p1, v);
            routes[r2].insert(p2, v);
            let mut lower = self.sol.lower.clone();
            lower.0[v] = lower.0[v].max(s1.max(s2));
            let mut timings = self.sol.timings.clone();
            let mut dirty = vec![false; nr];
            dirty[r1] = true;
            dirty[r2] = true;
            let mut coupled = self.coupled.clone();
            coupled.push(v);
            if settle(self.inst, &routes, &mut lower, &mut timings, &mut dirty, &coupled).is_ok() {
                let delta: f64 =
                    timings.iter().map(|t| t.cost(self.inst)).sum::<f64>() - self.sol.cost(self.inst);
                out.push((delta, [(r1, p1), (r2, p2)], timings, lower));
                if out.len() == 2 {
                    break;
                }
            }
        }
        out
    }

    fn commit_single(&mut self, v: usize, r: usize, p: usize) -> Vec<usize> {
        self.sol.routes[r].insert(p, v);
        let (lo, hi) = self.partner_bounds(v);
        let bounds = Insert {
            lower: &self.sol.lower,
            visit: v,
            lo,
            hi,
        };
        let t = simulate(self.inst, r, &self.sol.routes[r], &bounds).expect("insertion was feasible");
        let start = t.stops[p].start;
        self.sol.timings[r] = t;
        if self.inst.visits[v].coupled() {
            self.sol.lower.0[v] = self.sol.lower.0[v].max(start);
            self.coupled.push(v);
        }
        self.mark_placed(v);
        vec![r]
    }

    fn mark_placed(&mut self, v: usize) {
        self.placed[v] = true;
        for t in &self.sol.timings {
            for s in &t.stops {
                self.starts[s.visit] = s.start;
            }
        }
    }
}

/// Builds a plan by regret insertion.
pub fn construct(inst: &Instance) -> Solution {
    let nv = inst.visits.len();
    let nr = inst.staff.len();
    let mut b = Builder {
        inst,
        sol: Solution::empty(inst),
        placed: vec![false; nv],
        coupled: Vec::new(),
        starts: vec![0.0; nv],
    };
    let mut open: Vec<usize> = (0..nv).collect();
    // cache[v][r]: best single insertion of v into round r.
    let mut cache: Vec<Vec<Option<(f64, usize, f64)>>> = vec![vec![None; nr]; nv];
    let mut dirty_routes: Vec<bool> = vec![true; nr];
    while !open.is_empty() {
        for &v in &open {
            if inst.visits[v].double {
                continue;
            }
            for r in 0..nr {
                if dirty_routes[r] {
                    cache[v][r] = b.best_in_route(v, r, None);
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
                let opts = b.options_double(v);
                let r = (opts.first().map(|o| o.0), opts.get(1).map(|o| o.0));
                doubles.push((v, opts));
                r
            } else {
                let mut deltas: Vec<f64> = cache[v].iter().flatten().map(|c| c.0).collect();
                deltas.sort_by(f64::total_cmp);
                (deltas.first().copied(), deltas.get(1).copied())
            };
            let Some(best) = best else { continue };
            let regret = second.map_or(ONLY_OPTION, |s| s - best);
            let key = (vd.required, regret, -best, v);
            let better = match pick {
                None => true,
                Some(p) => (key.0, key.1, key.2) > (p.0, p.1, p.2),
            };
            if better {
                pick = Some(key);
            }
        }
        let Some((_, _, _, v)) = pick else {
            b.sol.unassigned.extend(open.iter().copied());
            break;
        };
        open.retain(|&x| x != v);
        let changed: Vec<usize> = if inst.visits[v].double {
            let (_, mut opts) = doubles.into_iter().find(|d| d.0 == v).expect("picked double");
            let (_, slots, timings, lower) = opts.swap_remove(0);
            for (r, p) in slots {
                b.sol.routes[r].insert(p, v);
            }
            let changed = (0..nr).filter(|&r| timings[r] != b.sol.timings[r]).collect();
            b.sol.timings = timings;
            b.sol.lower = lower;
            b.coupled.push(v);
            b.mark_placed(v);
            changed
        } else {
            let r_p = cache[v]
                .iter()
                .enumerate()
                .filter_map(|(r, c)| c.map(|c| (c.0, r, c.1)))
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .expect("picked visit has an option");
            b.commit_single(v, r_p.1, r_p.2)
        };
        for r in changed {
            dirty_routes[r] = true;
        }
        // Partners' bounds changed: their cached options are stale everywhere.
        let vd = &inst.visits[v];
        for &(u, _, _) in vd.after.iter().chain(vd.before.iter()) {
            if !b.placed[u] {
                cache[u] = (0..nr).map(|r| b.best_in_route(u, r, None)).collect();
            }
        }
    }
    b.sol.unassigned.sort_unstable();
    b.sol
}
