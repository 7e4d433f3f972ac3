//! Local search over granular neighbourhoods (each visit's nearest visits): relocate a
//! visit or a string of 2–3 (Or-opt) next to a neighbour, swap two visits, and exchange
//! route tails (2-opt*); and, once those are exhausted, SWAP* between neighbouring rounds
//! (`swap_star`). Used to polish the final plan of the ruin-and-recreate walk.
//!
//! Moves are evaluated by re-timing the touched rounds with the current coupling bounds;
//! a move that would shift a coupled start (double-handed partner, gap) is not taken, so
//! couplings keep holding without a global re-settle.

use super::instance::Instance;
use super::moves::{apply, evaluate, Move};
use super::solution::Solution;
use super::swap_star;

/// Neighbours tried per visit.
const GRANULAR: usize = 12;
/// Improvement passes at most.
const MAX_PASSES: usize = 8;

/// Improves `sol` in place; returns whether anything changed.
/// `halt` is polled once per visit so a deadline or cancel stops the search promptly.
pub fn improve(inst: &Instance, sol: &mut Solution, near: &[Vec<usize>], halt: &dyn Fn() -> bool) -> bool {
    let mut changed = false;
    for _ in 0..MAX_PASSES {
        let mut improved = false;
        for (v, near_v) in near.iter().enumerate() {
            if halt() {
                return changed;
            }
            if !movable(inst, sol, v) {
                continue;
            }
            let Some((r, p)) = find(sol, v) else { continue };
            for &u in near_v.iter().take(GRANULAR) {
                if !movable(inst, sol, u) {
                    continue;
                }
                let Some((r2, q)) = find(sol, u) else { continue };
                if try_moves(inst, sol, (r, p), (r2, q)) {
                    improved = true;
                    break;
                }
            }
        }
        // SWAP* once the granular moves are exhausted: it finds exchanges that need
        // both visits placed elsewhere than each other's place.
        if !improved && !swap_star::improve(inst, sol, near, halt) {
            break;
        }
        changed = true;
    }
    changed
}

fn movable(inst: &Instance, sol: &Solution, v: usize) -> bool {
    sol.placed[v] && !inst.visits[v].double
}

fn find(sol: &Solution, v: usize) -> Option<(usize, usize)> {
    sol.routes
        .iter()
        .enumerate()
        .find_map(|(r, route)| route.iter().position(|&x| x == v).map(|k| (r, k)))
}

/// Tries the moves between visit at `a` and its neighbour at `b`; applies the first
/// improving one.
fn try_moves(inst: &Instance, sol: &mut Solution, a: (usize, usize), b: (usize, usize)) -> bool {
    let (r, p) = a;
    let (r2, q) = b;
    let ra = &sol.routes[r];
    let rb = &sol.routes[r2];
    let mut moves: Vec<Move> = Vec::new();
    // Relocate a string of 1–3 visits starting at p to just after / before the neighbour.
    for len in 1..=3usize {
        if p + len > ra.len() {
            break;
        }
        let string: Vec<usize> = ra[p..p + len].to_vec();
        if r == r2 {
            if q >= p && q < p + len {
                continue;
            }
            let mut rest: Vec<usize> = ra.iter().copied().filter(|x| !string.contains(x)).collect();
            let at = rest.iter().position(|&x| x == rb[q]).unwrap_or(0);
            for ins in [at + 1, at] {
                let mut seq = rest.clone();
                seq.splice(ins..ins, string.iter().copied());
                if seq != *ra {
                    moves.push(Move {
                        routes: [(r, seq), (r, Vec::new())],
                        two: false,
                    });
                }
            }
            rest.clear();
        } else {
            let mut src = ra.clone();
            src.drain(p..p + len);
            for ins in [q + 1, q] {
                let mut dst = rb.clone();
                dst.splice(ins..ins, string.iter().copied());
                moves.push(Move {
                    routes: [(r, src.clone()), (r2, dst)],
                    two: true,
                });
            }
        }
    }
    if r != r2 {
        // Swap the two visits.
        let (mut sa, mut sb) = (ra.clone(), rb.clone());
        std::mem::swap(&mut sa[p], &mut sb[q]);
        moves.push(Move {
            routes: [(r, sa), (r2, sb)],
            two: true,
        });
        // 2-opt*: v followed by u's successors, u followed by v's successors.
        let sa: Vec<usize> = ra[..=p].iter().chain(rb[q + 1..].iter()).copied().collect();
        let sb: Vec<usize> = rb[..=q].iter().chain(ra[p + 1..].iter()).copied().collect();
        moves.push(Move {
            routes: [(r, sa), (r2, sb)],
            two: true,
        });
    } else if p != q {
        // Swap within the round.
        let mut s = ra.clone();
        s.swap(p, q);
        moves.push(Move {
            routes: [(r, s), (r, Vec::new())],
            two: false,
        });
    }
    for m in moves {
        if let Some(timings) = evaluate(inst, sol, &m) {
            apply(inst, sol, m, timings);
            return true;
        }
    }
    false
}
