//! The search loop of one worker: ruin and recreate with simulated-annealing acceptance.
//!
//! Each iteration removes visits (see `ruin`), re-inserts every unplanned visit greedily
//! in a random order with "blinks" (each position skipped with a small probability, as in
//! SISR), and accepts the result if its score is below the current one plus a threshold
//! that shrinks over the run (simulated annealing, threshold `-T ln U`).

use super::insert::{best_insertion, commit_double, commit_single, options_double};
use super::instance::Instance;
use super::ruin::{self, RuinParams};
use super::solution::Solution;
use fastrand::Rng;

/// Probability of skipping a feasible position during re-insertion.
const BLINK_RATE: f64 = 0.01;

/// Simulated-annealing temperatures, scaled to the instance's cost per visit.
#[derive(Debug, Clone, Copy)]
pub struct Temperature {
    /// At the start.
    pub initial: f64,
    /// At the end.
    pub last: f64,
}

impl Temperature {
    /// SISR's 100 → 1 on Solomon-size costs, scaled to this instance's cost per visit
    /// (10 → 0.1 times it; tuned on Solomon at 0.5 s, see BENCHMARKS.md).
    pub fn for_cost(cost: f64, visits: usize) -> Self {
        Temperature::scaled(cost, visits, 10.0)
    }

    /// For a search that starts from a good plan (a re-plan's warm start, a resumed
    /// job's best so far): 3 → 0.1 times the cost per visit, the last quarter of a fresh
    /// run's cooling. Starting as hot as a fresh run walks away from the start and, in a
    /// re-plan's 2 s, cools too late to come back: on the 300-visit day of
    /// `benches/replan.rs` the answer was the naive fix itself (BENCHMARKS.md).
    pub fn for_warm_start(cost: f64, visits: usize) -> Self {
        Temperature::scaled(cost, visits, 3.0)
    }

    fn scaled(cost: f64, visits: usize, initial: f64) -> Self {
        let per_visit = (cost / visits.max(1) as f64).max(1e-3);
        Temperature {
            initial: initial * per_visit,
            last: 0.1 * per_visit,
        }
    }

    /// Temperature at `fraction` (0..1) of the run.
    pub fn at(&self, fraction: f64) -> f64 {
        self.initial * (self.last / self.initial).powf(fraction.clamp(0.0, 1.0))
    }
}

/// One search worker with its own random stream.
#[derive(Debug)]
pub struct Island {
    /// The solution the walk is at.
    pub current: Solution,
    /// Its score.
    pub current_score: f64,
    /// The best solution this worker has seen.
    pub best: Solution,
    /// Its score.
    pub best_score: f64,
    /// Work units spent (the deterministic clock).
    pub work: u64,
    /// Iterations run.
    pub iterations: u64,
    rng: Rng,
}

impl Island {
    /// A worker starting from `start`.
    pub fn new(inst: &Instance, start: Solution, seed: u64) -> Self {
        let score = start.score(inst);
        Island {
            best: start.clone(),
            best_score: score,
            current: start,
            current_score: score,
            work: 0,
            iterations: 0,
            rng: Rng::with_seed(seed),
        }
    }

    /// Replaces the current solution (migration between workers).
    pub fn adopt(&mut self, inst: &Instance, sol: &Solution) {
        self.current = sol.clone();
        self.current_score = self.current.score(inst);
        if self.current_score < self.best_score - 1e-9 {
            self.best = sol.clone();
            self.best_score = self.current_score;
        }
    }

    /// One ruin-and-recreate step at temperature `temp`.
    pub fn step(&mut self, inst: &Instance, near: &[Vec<usize>], params: &RuinParams, temp: f64) {
        let mut cand = self.current.clone();
        cand.work.set(0);
        // Required visits left out before this ruin go back first, into the room it
        // made: see `recreate`.
        let stuck: Vec<usize> = cand
            .unassigned
            .iter()
            .copied()
            .filter(|&v| inst.visits[v].required)
            .collect();
        // What has happened stays: a visit that has started is never ruined.
        let removed = ruin::choose(inst, &cand, near, params, &mut self.rng);
        if !cand.remove(inst, &removed, inst.any_coupled) {
            self.work += cand.work.get() + 1;
            self.iterations += 1;
            return;
        }
        debug_assert_eq!(cand.consistent(inst), Ok(()), "after removing {removed:?}");
        recreate(inst, &mut cand, &stuck, &mut self.rng);
        debug_assert_eq!(cand.consistent(inst), Ok(()), "after recreate");
        self.work += cand.work.get() + inst.visits.len() as u64 / 4 + 1;
        self.iterations += 1;
        let score = cand.score(inst);
        let threshold = self.current_score - temp * self.rng.f64().max(1e-300).ln();
        if score < threshold {
            self.current = cand;
            self.current_score = score;
            if score < self.best_score - 1e-9 {
                self.best = self.current.clone();
                self.best_score = score;
            }
        }
    }
}

/// Re-inserts every unplanned visit, each at its cheapest position (with blinks).
///
/// `stuck`, the required visits that were already out before the ruin, go first: the
/// ruin (which starts next to one of them half the time) made room, and a visit that
/// takes it may leave another one out, which goes first next time. That walks the hole
/// through the plan as an ejection chain does; inserted in the usual order, the visits
/// just removed took their places back and a re-plan from a packed warm start left one
/// more required visit out than a fresh solve (BENCHMARKS.md, "Session 10").
pub(crate) fn recreate(inst: &Instance, sol: &mut Solution, stuck: &[usize], rng: &mut Rng) {
    let mut todo = sol.unassigned.clone();
    todo.sort_unstable();
    todo.dedup();
    order(inst, &mut todo, rng);
    if !stuck.is_empty() {
        // Stable: the chosen order within each class.
        todo.sort_by_key(|v| !stuck.contains(v));
    }
    let mut blink = || rng.f64() < BLINK_RATE;
    for v in todo {
        if inst.visits[v].double {
            if let Some(opt) = options_double(inst, sol, v).into_iter().next() {
                commit_double(inst, sol, v, opt);
            }
            continue;
        }
        if let Some((_, r, p)) = best_insertion(inst, sol, v, &mut blink) {
            commit_single(inst, sol, v, r, p);
        }
    }
}

/// SISR's insertion orders: random, by demand, far from or close to the first depot.
/// Required visits always go before optional ones.
fn order(inst: &Instance, todo: &mut [usize], rng: &mut Rng) {
    let depot = inst.staff.first().map_or(0, |s| s.start_place);
    let far = |v: usize| inst.travel.time(depot, inst.visits[v].place);
    match rng.usize(0..11) {
        0..=3 => rng.shuffle(todo),
        4..=7 => {
            rng.shuffle(todo);
            todo.sort_by(|&a, &b| inst.visits[b].demand.total_cmp(&inst.visits[a].demand));
        }
        8..=9 => todo.sort_by(|&a, &b| far(b).total_cmp(&far(a)).then(a.cmp(&b))),
        _ => todo.sort_by(|&a, &b| far(a).total_cmp(&far(b)).then(a.cmp(&b))),
    }
    // Stable: keeps the chosen order within each priority class.
    todo.sort_by_key(|&v| !inst.visits[v].required);
}
