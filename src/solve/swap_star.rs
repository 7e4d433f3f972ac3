//! SWAP* (Vidal 2022, "Hybrid genetic search for the CVRP: open-source implementation and
//! SWAP* neighborhood"): exchange a visit `u` of one round with a visit `v` of another,
//! each going to its *best* position in the other round rather than into the other's
//! place. A plain swap only finds the exchange when both places happen to suit; SWAP*
//! finds it whenever the two visits belong in each other's rounds.
//!
//! For a pair of rounds, the three cheapest insertion positions of every visit into the
//! other round are computed once from arc costs, so every `(u, v)` exchange is priced in
//! O(1): the best of "in the removed visit's place" and the cached positions that do not
//! touch it. Arc costs ignore time, so the cheapest estimated exchanges are then re-timed
//! exactly (windows, breaks, shifts, capacity, couplings) before one is taken, as in
//! HGS-TW's use of SWAP* with time windows.

use super::instance::Instance;
use super::moves::{apply, evaluate, Move};
use super::price::preference_cost;
use super::solution::Solution;

/// Neighbours per visit that make two rounds worth pairing.
const PAIRING: usize = 12;
/// Estimated exchanges re-timed per pair of rounds.
const TRIES: usize = 4;

/// An insertion position: before index `at` of the round (`at == len`: at the end).
#[derive(Clone, Copy)]
struct Slot {
    cost: f64,
    at: usize,
}

/// The three cheapest slots of one visit in one round, cheapest first.
#[derive(Clone, Copy)]
struct Top3([Slot; 3]);

impl Top3 {
    fn new() -> Self {
        Top3(
            [Slot {
                cost: f64::INFINITY,
                at: usize::MAX,
            }; 3],
        )
    }
    fn offer(&mut self, s: Slot) {
        let t = &mut self.0;
        if s.cost < t[2].cost {
            t[2] = s;
            if t[2].cost < t[1].cost {
                t.swap(1, 2);
                if t[1].cost < t[0].cost {
                    t.swap(0, 1);
                }
            }
        }
    }
}

/// The weighted cost of travelling from place `a` to place `b` for staff member `s`.
fn arc(inst: &Instance, s: usize, a: usize, b: usize) -> f64 {
    let w = &inst.weights;
    w.travel_min * inst.time(s, a, b) + w.distance_km * inst.dist(s, a, b)
}

/// Places along round `r`: its start, each visit, its end.
fn places(inst: &Instance, sol: &Solution, r: usize) -> Vec<usize> {
    let st = &inst.staff[r];
    std::iter::once(st.start_place)
        .chain(sol.routes[r].iter().map(|&v| inst.visits[v].place))
        .chain(std::iter::once(st.end_place))
        .collect()
}

/// One side of a pair: the round's places, what removing each of its visits saves, and
/// the best slots of each visit of the *other* round in this one.
struct Side {
    r: usize,
    places: Vec<usize>,
    removal: Vec<f64>,
    top: Vec<Top3>,
}

impl Side {
    fn new(inst: &Instance, sol: &Solution, r: usize, other: usize) -> Side {
        let places = places(inst, sol, r);
        let removal = (1..places.len() - 1)
            .map(|k| {
                let (a, x, b) = (places[k - 1], places[k], places[k + 1]);
                arc(inst, r, a, b) - arc(inst, r, a, x) - arc(inst, r, x, b)
            })
            .collect();
        let top = sol.routes[other]
            .iter()
            .map(|&u| {
                let mut t = Top3::new();
                if inst.visits[u].eligible[r] {
                    let pu = inst.visits[u].place;
                    for at in 0..places.len() - 1 {
                        let (a, b) = (places[at], places[at + 1]);
                        let cost = arc(inst, r, a, pu) + arc(inst, r, pu, b) - arc(inst, r, a, b);
                        t.offer(Slot { cost, at });
                    }
                }
                t
            })
            .collect();
        Side {
            r,
            places,
            removal,
            top,
        }
    }

    /// The cheapest way to put visit `u` (index `i` of the other round) into this round
    /// while its visit at index `j` leaves: in `j`'s place, or a cached slot not next to it.
    fn insert_without(&self, inst: &Instance, u: usize, i: usize, j: usize) -> Slot {
        let pu = inst.visits[u].place;
        let (a, b) = (self.places[j], self.places[j + 2]);
        let mut best = Slot {
            cost: arc(inst, self.r, a, pu) + arc(inst, self.r, pu, b) - arc(inst, self.r, a, b),
            at: j,
        };
        if let Some(s) = self.top[i]
            .0
            .iter()
            .find(|s| s.at != j && s.at != j + 1 && s.cost.is_finite())
        {
            if s.cost < best.cost {
                best = *s;
            }
        }
        best
    }
}

/// Round `route` with its visit at index `out` taken out and `v` put in before index `at`
/// (`at == out`: in its place).
fn rebuilt(route: &[usize], out: usize, v: usize, at: usize) -> Vec<usize> {
    let mut seq = Vec::with_capacity(route.len());
    for k in 0..=route.len() {
        if k == at {
            seq.push(v);
        }
        if k < route.len() && k != out {
            seq.push(route[k]);
        }
    }
    seq
}

/// Pairs of rounds where some visit of one has one of its nearest visits in the other.
fn pairs(sol: &Solution, near: &[Vec<usize>]) -> Vec<(usize, usize)> {
    let mut round_of = vec![usize::MAX; near.len()];
    for (r, route) in sol.routes.iter().enumerate() {
        for &v in route {
            round_of[v] = r;
        }
    }
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (v, near_v) in near.iter().enumerate() {
        let a = round_of[v];
        if a == usize::MAX {
            continue;
        }
        for &u in near_v.iter().take(PAIRING) {
            let b = round_of[u];
            if b != usize::MAX && b != a {
                out.push((a.min(b), a.max(b)));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// One SWAP* pass over all neighbouring pairs of rounds; returns whether it improved `sol`.
/// Double-handed and coupled visits are left alone (the exact check refuses moves that
/// shift a coupled start).
pub(crate) fn improve(
    inst: &Instance,
    sol: &mut Solution,
    near: &[Vec<usize>],
    halt: &dyn Fn() -> bool,
) -> bool {
    let mut changed = false;
    for (ra, rb) in pairs(sol, near) {
        if halt() {
            break;
        }
        if sol.routes[ra].is_empty() || sol.routes[rb].is_empty() {
            continue;
        }
        changed |= exchange(inst, sol, ra, rb);
    }
    changed
}

/// Prices every exchange between rounds `ra` and `rb`, re-times the cheapest estimates
/// and applies the first that really saves; returns whether one was applied.
fn exchange(inst: &Instance, sol: &mut Solution, ra: usize, rb: usize) -> bool {
    let a = Side::new(inst, sol, ra, rb);
    let b = Side::new(inst, sol, rb, ra);
    sol.spend((a.places.len() * b.places.len()) as u64 / 4 + 1);
    let (route_a, route_b) = (&sol.routes[ra], &sol.routes[rb]);
    let movable = |v: usize| !inst.visits[v].coupled();
    let mut found: Vec<(f64, usize, usize, usize, usize)> = Vec::new();
    for (i, &u) in route_a.iter().enumerate() {
        if !movable(u) || !inst.visits[u].eligible[rb] {
            continue;
        }
        let pref_u = preference_cost(inst, u, rb) - preference_cost(inst, u, ra);
        for (j, &v) in route_b.iter().enumerate() {
            if !movable(v) || !inst.visits[v].eligible[ra] {
                continue;
            }
            let pref_v = preference_cost(inst, v, ra) - preference_cost(inst, v, rb);
            let into_b = b.insert_without(inst, u, i, j);
            let into_a = a.insert_without(inst, v, j, i);
            let delta = a.removal[i] + b.removal[j] + into_b.cost + into_a.cost + pref_u + pref_v;
            if delta < -1e-6 {
                found.push((delta, i, into_a.at, j, into_b.at));
            }
        }
    }
    found.sort_by(|x, y| x.0.total_cmp(&y.0));
    for &(_, i, at_a, j, at_b) in found.iter().take(TRIES) {
        let (u, v) = (route_a[i], route_b[j]);
        let m = Move {
            routes: [
                (ra, rebuilt(route_a, i, v, at_a)),
                (rb, rebuilt(route_b, j, u, at_b)),
            ],
            two: true,
        };
        if let Some(timings) = evaluate(inst, sol, &m) {
            apply(inst, sol, m, timings);
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::solomon::{read_solomon, Rounding};
    use crate::model::validate;
    use crate::solve::insert::commit_single;

    /// Two rounds from a depot at the origin: one along the x axis, one along the y axis,
    /// each holding the other's farthest client at its end.
    fn crossed() -> (Instance, Solution) {
        let rows = [
            (0, 0, 0),
            (1, 10, 0),
            (2, 12, 0),
            (3, 0, 10),
            (4, 0, 12),
            (5, 0, 14),
            (6, 14, 0),
        ];
        let mut text = String::from("T\n\nVEHICLE\nNUMBER CAPACITY\n2 100\n\nCUSTOMER\nCUST NO. XCOORD. YCOORD. DEMAND READY DUE SERVICE\n\n");
        for (k, x, y) in rows {
            text += &format!("{k} {x} {y} {} 0 1000 0\n", if k == 0 { 0 } else { 1 });
        }
        let input = read_solomon(&text, Rounding::Dimacs).expect("instance");
        let problem = validate(&input.problem).expect("valid");
        let travel = crate::travel::TravelMatrix::computed(&problem).expect("computed travel");
        let inst = Instance::with_travel(&problem, travel);
        let mut sol = Solution::empty(&inst);
        // Visit index = customer number - 1. Round 0: 1, 2, 5; round 1: 6, 3, 4.
        for (r, seq) in [(0, [0, 1, 4]), (1, [5, 2, 3])] {
            for (p, v) in seq.into_iter().enumerate() {
                assert!(commit_single(&inst, &mut sol, v, r, p));
            }
        }
        (inst, sol)
    }

    #[test]
    fn exchange_puts_each_visit_at_its_best_place_in_the_other_round() {
        let (inst, mut sol) = crossed();
        // 10+2+sqrt(200)+14 and 14+sqrt(296)+2+12: crossed rounds.
        assert!(sol.cost(&inst) > 70.0);
        let near = crate::solve::ruin::neighbours(&inst, 6);
        assert!(improve(&inst, &mut sol, &near, &|| false));
        // A plain swap would give 28 + 32 (client 5 first in round 1); SWAP* puts each
        // after the clients near it in the other's round: 28 + 28.
        let mut rounds = sol.routes.clone();
        rounds.iter_mut().for_each(|r| r.sort_unstable());
        assert_eq!(rounds, vec![vec![0, 1, 5], vec![2, 3, 4]]);
        assert!((sol.cost(&inst) - 56.0).abs() < 1e-9, "{}", sol.cost(&inst));
        assert_eq!(sol.consistent(&inst), Ok(()));
    }

    #[test]
    fn rebuilt_puts_the_visit_in_place_or_elsewhere() {
        let r = [10, 11, 12, 13];
        assert_eq!(rebuilt(&r, 1, 99, 1), vec![10, 99, 12, 13]);
        assert_eq!(rebuilt(&r, 1, 99, 0), vec![99, 10, 12, 13]);
        assert_eq!(rebuilt(&r, 1, 99, 4), vec![10, 12, 13, 99]);
        assert_eq!(rebuilt(&r, 3, 99, 2), vec![10, 11, 99, 12]);
    }

    #[test]
    fn top3_keeps_the_three_cheapest_in_order() {
        let mut t = Top3::new();
        for (cost, at) in [(5.0, 0), (1.0, 1), (3.0, 2), (0.5, 3), (4.0, 4)] {
            t.offer(Slot { cost, at });
        }
        let got: Vec<usize> = t.0.iter().map(|s| s.at).collect();
        assert_eq!(got, vec![3, 1, 2]);
    }
}
