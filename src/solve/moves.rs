//! A change to one or two rounds' visit sequences, as the polishing moves (`local`'s
//! relocate, swap and 2-opt*, and SWAP*) propose it: priced by re-timing the rounds it
//! touches under the current coupling bounds, and taken only when it saves and leaves
//! every coupled start where it was, so couplings keep holding without a re-settle.

use super::couple::EPS;
use super::instance::Instance;
use super::schedule::{simulate, RouteTiming};
use super::solution::Solution;

/// A candidate change: new visit sequences for one or two rounds.
pub(super) struct Move {
    /// `(round, new sequence)`; the second only counts when `two`.
    pub(super) routes: [(usize, Vec<usize>); 2],
    /// Whether the move changes two rounds.
    pub(super) two: bool,
}

/// The new timings if the move is feasible, keeps coupled starts and saves cost.
pub(super) fn evaluate(inst: &Instance, sol: &Solution, m: &Move) -> Option<Vec<RouteTiming>> {
    let count = if m.two { 2 } else { 1 };
    let mut old = 0.0;
    let mut new = 0.0;
    let mut out = Vec::with_capacity(count);
    for (r, seq) in m.routes.iter().take(count) {
        if seq.iter().any(|&v| !inst.visits[v].eligible[*r]) {
            return None;
        }
        sol.spend(seq.len() as u64 + 1);
        let t = simulate(inst, *r, seq, &sol.lower).ok()?;
        let moved = t
            .stops
            .iter()
            .any(|s| inst.visits[s.visit].coupled() && (s.start - sol.starts[s.visit]).abs() > EPS);
        if moved {
            return None;
        }
        old += sol.timings[*r].cost(inst);
        new += t.cost(inst);
        out.push(t);
    }
    (new < old - 1e-6).then_some(out)
}

/// Makes the move, with the timings [`evaluate`] found for it.
pub(super) fn apply(inst: &Instance, sol: &mut Solution, m: Move, timings: Vec<RouteTiming>) {
    for ((r, seq), t) in m.routes.into_iter().zip(timings) {
        sol.routes[r] = seq;
        sol.timings[r] = t;
        sol.refresh_slack(inst, r);
    }
}
