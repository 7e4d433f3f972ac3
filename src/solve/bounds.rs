//! Start bounds from couplings, defined once: the window that visits already placed (a
//! double-handed partner, the ends of `after` gaps) leave for a visit's start, and the
//! bounds a round is timed under while one visit is being fitted into it. Insertion,
//! explanations and slots all use these.

use super::instance::Instance;
use super::schedule::StartBounds;

/// `(lo, hi)` on visit `v`'s start from the gaps to partners that have a start
/// (`start_of(u)`; `None` = not placed, so the gap does not bind yet).
pub(crate) fn partner_bounds(
    inst: &Instance,
    v: usize,
    start_of: impl Fn(usize) -> Option<f64>,
) -> (f64, f64) {
    let vd = &inst.visits[v];
    let (mut lo, mut hi) = (f64::NEG_INFINITY, f64::INFINITY);
    for &(u, min, max) in &vd.after {
        if let Some(su) = start_of(u) {
            lo = lo.max(su + min);
            if let Some(max) = max {
                hi = hi.min(su + max);
            }
        }
    }
    for &(w, min, max) in &vd.before {
        if let Some(sw) = start_of(w) {
            hi = hi.min(sw - min);
            if let Some(max) = max {
                lo = lo.max(sw - max);
            }
        }
    }
    (lo, hi)
}

/// The partners `v` must start at the same moment as (a gap of exactly 0), which can
/// therefore not be in the same round.
pub(crate) fn same_moment(inst: &Instance, v: usize) -> impl Iterator<Item = usize> + '_ {
    let vd = &inst.visits[v];
    let together = |&(u, min, max): &(usize, f64, Option<f64>)| (min == 0.0 && max == Some(0.0)).then_some(u);
    vd.after
        .iter()
        .filter_map(together)
        .chain(vd.before.iter().filter_map(together))
}

/// The bounds a round is timed under while visit `visit` is fitted into it: `(lo, hi)`
/// for that visit, and for every other visit the lower bound its placed start holds it to
/// (`lower`; missing entries are unbounded).
pub(crate) struct Fitting<'a> {
    /// Lower bounds per visit.
    pub lower: &'a [f64],
    /// The visit being fitted.
    pub visit: usize,
    /// Its bounds.
    pub lo: f64,
    /// Its upper bound.
    pub hi: f64,
}

impl StartBounds for Fitting<'_> {
    fn bounds(&self, v: usize) -> (f64, f64) {
        if v == self.visit {
            (self.lo, self.hi)
        } else {
            (
                self.lower.get(v).copied().unwrap_or(f64::NEG_INFINITY),
                f64::INFINITY,
            )
        }
    }
}

/// Lower bounds only: each visit starts no earlier than `self.0[v]`.
pub(crate) struct Floor<'a>(pub &'a [f64]);

impl StartBounds for Floor<'_> {
    fn bounds(&self, v: usize) -> (f64, f64) {
        (self.0.get(v).copied().unwrap_or(f64::NEG_INFINITY), f64::INFINITY)
    }
}
