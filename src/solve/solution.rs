//! A solution under construction or search: the rounds, their timings, the coupling
//! bounds, and per-round slack for O(1) insertion checks.

use super::couple::{settle, Lower};
use super::instance::Instance;
use super::schedule::{simulate, Block, RouteTiming};
use std::cell::Cell;

/// Weight of an unassigned required visit in the search score: it dominates any cost.
pub(crate) const REQUIRED_WEIGHT: f64 = 1e7;
/// Weight of an unassigned optional visit: below any required visit, above any cost.
pub(crate) const OPTIONAL_WEIGHT: f64 = 1e5;

/// Rounds with their timings.
#[derive(Debug, Clone)]
pub struct Solution {
    /// Visit indices per staff member, in order.
    pub routes: Vec<Vec<usize>>,
    /// Timing of each round.
    pub timings: Vec<RouteTiming>,
    /// Lower bounds on starts from couplings.
    pub lower: Lower,
    /// Latest start of each stop that keeps the rest of its round feasible (simple rounds).
    pub latest: Vec<Vec<f64>>,
    /// Whether each visit is planned.
    pub placed: Vec<bool>,
    /// Start of each planned visit.
    pub starts: Vec<f64>,
    /// Visits that could not be placed.
    pub unassigned: Vec<usize>,
    /// Where each visit was last seen `(round, index)`, up to two rounds; entries go stale
    /// when a visit leaves a round, so read them through [`Solution::slots_of`].
    slots: Vec<[(u32, u32); 2]>,
    /// Each round's load, kept with the round so that the room check of every insertion
    /// is O(1) rather than a sum over the round (14% of the search's time on GH200).
    loads: Vec<f64>,
    /// Each round's visits that rule out the O(1) insertion check (`Instance::simple_visit`).
    complex: Vec<u32>,
    /// Work done on this solution, in insertion-check units: the search's deterministic
    /// clock (the same on every machine, unlike wall time).
    pub work: Cell<u64>,
}

impl Solution {
    /// Empty rounds for everyone.
    pub fn empty(inst: &Instance) -> Self {
        let lower = Lower::new(inst.visits.len());
        let routes = vec![Vec::new(); inst.staff.len()];
        let timings = (0..inst.staff.len())
            .map(|s| simulate(inst, s, &[], &lower).unwrap_or_default())
            .collect();
        let mut sol = Solution {
            routes,
            timings,
            lower,
            latest: vec![Vec::new(); inst.staff.len()],
            placed: vec![false; inst.visits.len()],
            starts: vec![0.0; inst.visits.len()],
            unassigned: Vec::new(),
            slots: vec![[(u32::MAX, u32::MAX); 2]; inst.visits.len()],
            loads: vec![0.0; inst.staff.len()],
            complex: vec![0; inst.staff.len()],
            work: Cell::new(0),
        };
        for r in 0..inst.staff.len() {
            sol.refresh_slack(inst, r);
        }
        sol
    }

    /// A solution holding the given rounds and their timings (placement, starts and every
    /// per-round summary derived from them), for callers that time rounds themselves.
    pub fn with_rounds(inst: &Instance, routes: Vec<Vec<usize>>, timings: Vec<RouteTiming>) -> Self {
        let mut sol = Solution::empty(inst);
        for &v in routes.iter().flatten() {
            sol.placed[v] = true;
        }
        sol.unassigned = (0..inst.visits.len()).filter(|&v| !sol.placed[v]).collect();
        sol.routes = routes;
        sol.timings = timings;
        for r in 0..sol.routes.len() {
            sol.refresh_slack(inst, r);
        }
        sol
    }

    /// Weighted objective, largest-lateness term included.
    pub fn cost(&self, inst: &Instance) -> f64 {
        let mut max_late = 0.0f64;
        let mut sum = 0.0;
        for t in &self.timings {
            sum += t.cost(inst);
            for s in &t.stops {
                max_late = max_late.max(s.late);
            }
        }
        sum + inst.weights.max_lateness * max_late
    }

    /// The search score: unassigned visits first, then cost.
    pub fn score(&self, inst: &Instance) -> f64 {
        let unassigned: f64 = self
            .unassigned
            .iter()
            .map(|&v| {
                if inst.visits[v].required {
                    REQUIRED_WEIGHT
                } else {
                    OPTIONAL_WEIGHT
                }
            })
            .sum();
        unassigned + self.cost(inst)
    }

    /// Counts `units` of work.
    pub fn spend(&self, units: u64) {
        self.work.set(self.work.get() + units);
    }

    /// Start of a placed visit.
    pub fn start_of(&self, v: usize) -> Option<f64> {
        self.placed[v].then_some(self.starts[v])
    }

    /// Load of round `r`.
    pub fn load(&self, r: usize) -> f64 {
        self.loads[r]
    }

    /// Whether every visit of round `r` allows the O(1) insertion check.
    pub fn all_simple(&self, r: usize) -> bool {
        self.complex[r] == 0
    }

    /// Recomputes the latest feasible starts of round `r` (meaningful for simple rounds),
    /// and the round's entries in the slot index, load and simple-visit count.
    pub fn refresh_slack(&mut self, inst: &Instance, r: usize) {
        let route = &self.routes[r];
        let st = &inst.staff[r];
        let latest = &mut self.latest[r];
        latest.clear();
        latest.resize(route.len(), f64::INFINITY);
        let mut next_latest = st.latest_return;
        let mut next_place = st.end_place;
        for k in (0..route.len()).rev() {
            let vd = &inst.visits[route[k]];
            let close = vd.windows.last().map_or(f64::INFINITY, |w| w.1 + vd.allowance);
            let l = close.min(next_latest - inst.time(r, vd.place, next_place) - vd.duration);
            latest[k] = l;
            next_latest = l;
            next_place = vd.place;
        }
        for s in &self.timings[r].stops {
            self.starts[s.visit] = s.start;
        }
        (self.loads[r], self.complex[r]) = summary(inst, &self.routes[r]);
        for (k, &v) in self.routes[r].iter().enumerate() {
            let here = (r as u32, k as u32);
            let first = self.slots[v][0];
            let side = usize::from(self.slot_valid(v, first) && first.0 != here.0);
            self.slots[v][side] = here;
        }
    }

    fn slot_valid(&self, v: usize, (r, k): (u32, u32)) -> bool {
        self.routes
            .get(r as usize)
            .and_then(|route| route.get(k as usize))
            .is_some_and(|&u| u == v)
    }

    /// The `(round, index)` places where planned visit `v` is served (two if double-handed).
    pub fn slots_of(&self, v: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        let [a, b] = self.slots[v];
        let second = (b != a).then_some(b);
        std::iter::once(a)
            .chain(second)
            .filter(move |&s| self.slot_valid(v, s))
            .map(|(r, k)| (r as usize, k as usize))
    }

    /// Takes `visits` out of their rounds and re-times everything they touched.
    /// Coupling bounds are recomputed from scratch, so starts may move earlier again.
    ///
    /// Returns false when a shortened round cannot be re-timed (removing a visit can
    /// make a round leave earlier and so eat into its office time); the solution is then
    /// inconsistent and must be thrown away.
    #[must_use]
    pub fn remove(&mut self, inst: &Instance, visits: &[usize], coupled_present: bool) -> bool {
        let mut dirty = vec![false; self.routes.len()];
        for &v in visits {
            if !self.placed[v] {
                continue;
            }
            self.placed[v] = false;
            self.unassigned.push(v);
        }
        for (r, route) in self.routes.iter_mut().enumerate() {
            let before = route.len();
            route.retain(|&v| self.placed[v]);
            if route.len() != before {
                dirty[r] = true;
            }
        }
        // With the old bounds every coupled start stays where it was, so every
        // coupling still holds and the shortened rounds stay feasible.
        let mut ok = true;
        for (r, &is_dirty) in dirty.iter().enumerate() {
            if is_dirty {
                self.spend(3 * self.routes[r].len() as u64 + 3);
                match simulate(inst, r, &self.routes[r], &self.lower) {
                    Ok(t) => self.timings[r] = t,
                    Err(_) => ok = false,
                }
                self.refresh_slack(inst, r);
            }
        }
        if coupled_present || !ok {
            // Then let coupled starts move earlier where the removals allow.
            ok = self.resettle(inst) || ok;
        }
        ok
    }

    /// Re-times every round from unbounded starts and re-settles couplings; returns
    /// whether that succeeded (otherwise nothing changes).
    pub fn resettle(&mut self, inst: &Instance) -> bool {
        self.settle_from(inst, Lower::new(inst.visits.len())).is_ok()
    }

    /// As [`Solution::resettle`], with tied visits starting no earlier than `lower`
    /// (a plan's own starts, when a search resumes from it).
    /// On failure, the block that stopped the settling (a round that cannot be timed, or
    /// a coupling that cannot be met), so a caller can say why.
    pub fn settle_from(&mut self, inst: &Instance, mut lower: Lower) -> Result<(), Block> {
        let coupled: Vec<usize> = (0..inst.visits.len())
            .filter(|&v| self.placed[v] && inst.visits[v].coupled())
            .collect();
        let mut timings = self.timings.clone();
        let mut dirty = vec![true; self.routes.len()];
        self.spend(3 * (coupled.len() + self.routes.iter().map(Vec::len).sum::<usize>()) as u64);
        let settled = settle(inst, &self.routes, &mut lower, &mut timings, &mut dirty, &coupled);
        if settled.is_ok() {
            // Pin coupled starts where they settled, so insertions can see them move.
            for t in &timings {
                for s in &t.stops {
                    if inst.visits[s.visit].coupled() {
                        lower.0[s.visit] = lower.0[s.visit].max(s.start);
                    }
                }
            }
            self.lower = lower;
            self.timings = timings;
        }
        for r in 0..self.routes.len() {
            self.refresh_slack(inst, r);
        }
        settled
    }

    /// Planned coupled visits.
    pub fn coupled(&self, inst: &Instance) -> Vec<usize> {
        (0..inst.visits.len())
            .filter(|&v| self.placed[v] && inst.visits[v].coupled())
            .collect()
    }
}

impl Solution {
    /// Whether the bookkeeping agrees with the rounds: every planned visit served once
    /// (twice, by different staff, if double-handed), nothing else served, and the
    /// unassigned list exactly the unplanned visits. Checked in debug builds.
    pub fn consistent(&self, inst: &Instance) -> Result<(), Inconsistency> {
        let mut count = vec![0usize; inst.visits.len()];
        for (r, route) in self.routes.iter().enumerate() {
            let timed: Vec<usize> = self.timings[r].stops.iter().map(|s| s.visit).collect();
            if timed != *route {
                return Err(Inconsistency::Timing {
                    round: r,
                    route: route.clone(),
                    timed,
                });
            }
            for (k, &v) in route.iter().enumerate() {
                count[v] += 1;
                if !self.slots_of(v).any(|s| s == (r, k)) {
                    return Err(Inconsistency::SlotIndex {
                        visit: v,
                        round: r,
                        position: k,
                    });
                }
            }
            let (load, complex) = summary(inst, route);
            if (load - self.loads[r]).abs() > 1e-6 {
                return Err(Inconsistency::Load {
                    round: r,
                    load,
                    stored: self.loads[r],
                });
            }
            if complex != self.complex[r] {
                return Err(Inconsistency::Complex {
                    round: r,
                    complex,
                    stored: self.complex[r],
                });
            }
            let mut seen = route.clone();
            seen.sort_unstable();
            if seen.windows(2).any(|w| w[0] == w[1]) {
                return Err(Inconsistency::Twice {
                    round: r,
                    route: route.clone(),
                });
            }
        }
        for (v, &c) in count.iter().enumerate() {
            let want = if !self.placed[v] {
                0
            } else if inst.visits[v].double {
                2
            } else {
                1
            };
            if c != want {
                return Err(Inconsistency::Served {
                    visit: v,
                    served: c,
                    want,
                });
            }
            if self.placed[v] == self.unassigned.contains(&v) {
                return Err(Inconsistency::Unassigned {
                    visit: v,
                    placed: self.placed[v],
                });
            }
        }
        Ok(())
    }
}

/// Where a solution's bookkeeping disagrees with its rounds: a bug in a move, never a
/// property of the input. Debug builds assert there is none; a warm start from a plan
/// drops a start that has one.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Inconsistency {
    /// The timing of a round lists other visits than the round.
    #[error("round {round} is {route:?} but its timing has {timed:?}")]
    Timing {
        /// The round.
        round: usize,
        /// Its visits.
        route: Vec<usize>,
        /// The visits its timing lists.
        timed: Vec<usize>,
    },
    /// A planned visit is not where the slot index says.
    #[error("visit {visit} at ({round}, {position}) is missing from the slot index")]
    SlotIndex {
        /// The visit.
        visit: usize,
        /// Its round.
        round: usize,
        /// Its position in the round.
        position: usize,
    },
    /// The stored load of a round is not the sum of its demands.
    #[error("round {round} carries {load} but its stored load is {stored}")]
    Load {
        /// The round.
        round: usize,
        /// The sum of its visits' demands.
        load: f64,
        /// What the summary holds.
        stored: f64,
    },
    /// The stored count of visits that rule out the O(1) check is wrong.
    #[error("round {round} has {complex} complex visits, stored {stored}")]
    Complex {
        /// The round.
        round: usize,
        /// Its complex visits.
        complex: u32,
        /// What the summary holds.
        stored: u32,
    },
    /// A round serves one visit twice.
    #[error("a round serves a visit twice: {route:?}")]
    Twice {
        /// The round.
        round: usize,
        /// Its visits.
        route: Vec<usize>,
    },
    /// A visit is served other than once (twice if double-handed), or served unplanned.
    #[error("visit {visit} served {served} times, expected {want}")]
    Served {
        /// The visit.
        visit: usize,
        /// Times it is served.
        served: usize,
        /// Times it should be.
        want: usize,
    },
    /// The unassigned list disagrees with the planned flag.
    #[error("visit {visit}: placed {placed} but unassigned list disagrees")]
    Unassigned {
        /// The visit.
        visit: usize,
        /// Its planned flag.
        placed: bool,
    },
}

/// A round's load and its number of visits that rule out the O(1) insertion check: what
/// `refresh_slack` stores and `consistent` verifies.
fn summary(inst: &Instance, route: &[usize]) -> (f64, u32) {
    let load = route.iter().map(|&v| inst.visits[v].demand).sum();
    let complex = route.iter().filter(|&&v| !inst.simple_visit[v]).count() as u32;
    (load, complex)
}
