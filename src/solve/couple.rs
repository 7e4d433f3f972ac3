//! Couplings between rounds: double-handed visits (two staff start together) and `after`
//! gaps (start-to-start, min and max). Every coupling is a difference constraint between
//! two start times, so the earliest schedule that meets them all is a least fixpoint:
//! time each round, raise the lower bound of any start that breaks a coupling, re-time
//! the rounds that changed, and repeat. Starts only ever move later, so the loop either
//! settles or runs into a window or shift end, which makes the plan infeasible.

use super::instance::Instance;
use super::schedule::{simulate, Block, RouteTiming, StartBounds};

/// Starts closer than this are "together".
pub(crate) const EPS: f64 = 1e-6;

/// Per-visit lower bounds on start times from couplings.
#[derive(Debug, Clone, PartialEq)]
pub struct Lower(pub Vec<f64>);

impl Lower {
    /// No bounds for `n` visits.
    pub fn new(n: usize) -> Self {
        Lower(vec![f64::NEG_INFINITY; n])
    }
}

impl StartBounds for Lower {
    fn bounds(&self, visit: usize) -> (f64, f64) {
        (self.0[visit], f64::INFINITY)
    }
}

/// Where each visit is served: `(route, stop index)` for up to two routes.
pub(crate) fn positions(n: usize, timings: &[RouteTiming]) -> Vec<[(usize, usize); 2]> {
    let none = (usize::MAX, usize::MAX);
    let mut out = vec![[none, none]; n];
    for (r, t) in timings.iter().enumerate() {
        for (k, stop) in t.stops.iter().enumerate() {
            let slot = &mut out[stop.visit];
            if slot[0].0 == usize::MAX {
                slot[0] = (r, k);
            } else {
                slot[1] = (r, k);
            }
        }
    }
    out
}

/// Re-times the `dirty` rounds and propagates couplings until every one holds.
///
/// `timings` must hold a timing for every round (stale ones are marked dirty).
pub(crate) fn settle(
    inst: &Instance,
    routes: &[Vec<usize>],
    lower: &mut Lower,
    timings: &mut [RouteTiming],
    dirty: &mut [bool],
    coupled: &[usize],
) -> Result<(), Block> {
    let max_rounds = 20 + 2 * coupled.len();
    for _ in 0..max_rounds {
        for r in 0..routes.len() {
            if dirty[r] {
                timings[r] = simulate(inst, r, &routes[r], lower)?;
                dirty[r] = false;
            }
        }
        let pos = positions(inst.visits.len(), timings);
        let start = |v: usize, side: usize| -> Option<f64> {
            let (r, k) = pos[v][side];
            (r != usize::MAX).then(|| timings[r].stops[k].start)
        };
        let raise = |v: usize, to: f64, lower: &mut Lower, dirty: &mut [bool]| {
            if to > lower.0[v] + EPS {
                lower.0[v] = to;
            }
            for (r, _) in pos[v] {
                if r != usize::MAX {
                    dirty[r] = true;
                }
            }
        };
        let mut changed = false;
        for &v in coupled {
            let Some(sv) = start(v, 0) else { continue };
            let mut sv = sv;
            if let Some(sv2) = start(v, 1) {
                if (sv - sv2).abs() > EPS {
                    raise(v, sv.max(sv2), lower, dirty);
                    changed = true;
                    continue;
                }
                sv = sv.max(sv2);
            }
            for &(u, min, max) in &inst.visits[v].after {
                let Some(su) = start(u, 0) else { continue };
                if sv < su + min - EPS {
                    raise(v, su + min, lower, dirty);
                    changed = true;
                } else if let Some(max) = max {
                    if sv > su + max + EPS {
                        raise(u, sv - max, lower, dirty);
                        changed = true;
                    }
                }
            }
        }
        if !changed {
            return Ok(());
        }
    }
    Err(Block::Coupling {
        visit: coupled.first().copied().unwrap_or(0),
    })
}
