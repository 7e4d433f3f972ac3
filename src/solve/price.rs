//! What every way of pricing an insertion shares: the O(1) slack check and the full
//! re-timing in `insert`, the forward push in `push`, and SWAP*'s estimates. The shape of
//! an answer, the start bounds the partners already placed leave a visit, the room the
//! rules that do not depend on time leave in a round, and the preferred (and planned)
//! staff term.

use super::instance::Instance;
use super::rules;
use super::solution::Solution;

/// The best single-round insertion: `(delta, position, start)`.
pub type Best = (f64, usize, f64);

/// Start bounds for `v` from partners already placed in `sol`.
pub(crate) fn partner_bounds(inst: &Instance, sol: &Solution, v: usize) -> (f64, f64) {
    super::bounds::partner_bounds(inst, v, |u| sol.start_of(u))
}

/// Whether round `r` has room for `v` under the rules that do not depend on time
/// ([`rules::room`], checked before any timing): the most travel the round may then
/// total, or `None`.
pub(crate) fn room(inst: &Instance, sol: &Solution, v: usize, r: usize) -> Option<f64> {
    let round = rules::Round {
        staff: r,
        visits: &sol.routes[r],
        load: sol.load(r),
        travel: sol.timings[r].travel,
    };
    rules::room(inst, &round, v)
}

/// The weighted cost of `v` going to staff member `r` when it names others as preferred,
/// or as planned (re-planning: a visit moved to someone new).
pub(crate) fn preference_cost(inst: &Instance, v: usize, r: usize) -> f64 {
    let vd = &inst.visits[v];
    let mut cost = 0.0;
    if vd.has_preferred && !vd.preferred[r] {
        cost += inst.weights.preferred_staff;
    }
    if vd.has_planned && !vd.planned[r] {
        cost += inst.weights.moved_visit;
    }
    cost
}
