//! Workers in parallel (rayon), each walking with its own seed, exchanging their best
//! plans at fixed points. The points are fixed in work units, not seconds, so the same
//! seed and thread count give the same plan on any machine (unless the wall-clock
//! deadline cuts the run short first).

use super::eject;
use super::instance::Instance;
use super::local;
use super::ruin::{neighbours, RuinParams};
use super::search::{Island, Temperature};
use super::solution::Solution;
use super::StopReason;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// Exchange points per run.
const EPOCHS: u64 = 25;
/// Neighbours kept per visit for string removal.
const NEIGHBOURS: usize = 100;

/// When to stop.
pub(crate) struct Budget<'a> {
    /// Work units per worker (deterministic clock); `None` = run until the deadline.
    pub work: Option<u64>,
    /// Wall-clock start.
    pub started: Instant,
    /// Wall-clock limit, seconds.
    pub seconds: f64,
    /// Raised to stop early.
    pub cancel: &'a AtomicBool,
}

impl Budget<'_> {
    fn deadline_passed(&self) -> bool {
        self.started.elapsed().as_secs_f64() >= self.seconds
    }
    /// The walk ends a little before the deadline to leave time for the final polish
    /// and for writing the plan (2% of the limit, at most 0.2 s).
    fn walk_over(&self) -> bool {
        let reserve = (0.02 * self.seconds).min(0.2);
        self.started.elapsed().as_secs_f64() >= self.seconds - reserve
    }
    fn stop(&self) -> Option<StopReason> {
        if self.cancel.load(Ordering::Relaxed) {
            Some(StopReason::Cancelled)
        } else if self.walk_over() {
            Some(StopReason::TimeLimit)
        } else {
            None
        }
    }
}

/// Summary of a run.
pub(crate) struct Outcome {
    /// The best solution found.
    pub best: Solution,
    /// Why the run ended.
    pub stop: StopReason,
    /// Iterations over all workers.
    pub iterations: u64,
    /// Work units over all workers.
    pub work: u64,
}

/// Runs `threads` workers from `start` and returns the best solution; `warm`: `start`
/// is a good plan given by the caller, not a construction (a cooler walk, see
/// [`Temperature::for_warm_start`]).
pub(crate) fn run(
    inst: &Instance,
    start: Solution,
    warm: bool,
    seed: u64,
    threads: usize,
    budget: &Budget,
    mut on_best: impl FnMut(&Solution, f64),
) -> Outcome {
    let threads = threads.max(1);
    let near = neighbours(inst, NEIGHBOURS);
    let params = RuinParams::default();
    let temp = if warm {
        Temperature::for_warm_start(start.cost(inst), inst.visits.len())
    } else {
        Temperature::for_cost(start.cost(inst), inst.visits.len())
    };
    let mut islands: Vec<Island> = (0..threads)
        .map(|i| {
            Island::new(
                inst,
                start.clone(),
                seed.wrapping_mul(0x9E37_79B9).wrapping_add(i as u64),
            )
        })
        .collect();
    let pool = if threads > 1 {
        rayon::ThreadPoolBuilder::new().num_threads(threads).build().ok()
    } else {
        None
    };
    let placed: usize = start.routes.iter().map(Vec::len).sum();
    let mut stop = StopReason::Completed;
    if inst.visits.is_empty() || placed + start.unassigned.len() == 0 {
        return Outcome {
            best: start,
            stop,
            iterations: 0,
            work: 0,
        };
    }
    let mut best_score = islands[0].best_score;
    for epoch in 1..=EPOCHS {
        let until = budget.work.map(|w| w * epoch / EPOCHS);
        let epoch_end = budget.seconds * epoch as f64 / EPOCHS as f64;
        let work_total = budget.work;
        let walk = |isl: &mut Island| {
            while until.is_none_or(|u| isl.work < u) {
                if budget.stop().is_some() {
                    break;
                }
                let elapsed = budget.started.elapsed().as_secs_f64();
                if work_total.is_none() && elapsed >= epoch_end {
                    break;
                }
                let fraction = match work_total {
                    Some(w) => isl.work as f64 / w.max(1) as f64,
                    None => elapsed / budget.seconds.max(1e-9),
                };
                isl.step(inst, &near, &params, temp.at(fraction));
            }
        };
        match &pool {
            Some(pool) => pool.install(|| islands.par_iter_mut().for_each(walk)),
            None => islands.iter_mut().for_each(walk),
        }
        // Ring migration: each worker continues from its left neighbour's best when that
        // is better than the best it has found itself.
        let bests: Vec<(f64, Solution)> = islands.iter().map(|i| (i.best_score, i.best.clone())).collect();
        // Only a worker whose own best is worse moves, so workers keep walking apart.
        for i in 0..islands.len() {
            let left = (i + islands.len() - 1) % islands.len();
            if bests[left].0 < islands[i].best_score - 1e-9 {
                islands[i].adopt(inst, &bests[left].1);
            }
        }
        let (k, score) = best_of(&islands);
        if score < best_score - 1e-9 {
            best_score = score;
            on_best(&islands[k].best, budget.started.elapsed().as_secs_f64());
        }
        if let Some(s) = budget.stop() {
            stop = s;
            break;
        }
    }
    let (k, score) = best_of(&islands);
    let iterations = islands.iter().map(|i| i.iterations).sum();
    let work = islands.iter().map(|i| i.work).sum();
    let mut best = islands.swap_remove(k).best;
    debug_assert_eq!(best.consistent(inst), Ok(()), "best");
    let halt = || budget.cancel.load(Ordering::Relaxed) || budget.deadline_passed();
    // Required visits the walk left out: try ejecting what stands in their way.
    let mut score = score;
    if eject::repair(inst, &mut best, &halt) {
        debug_assert_eq!(best.consistent(inst), Ok(()), "after ejection");
        score = best.score(inst);
    }
    // Polish the final plan with local search. Measured: polishing every new best
    // inside the walk cost more work than it saved (BENCHMARKS.md), so it runs once.
    let mut polished = best.clone();
    if local::improve(inst, &mut polished, &near, &halt) && polished.score(inst) < score - 1e-9 {
        best = polished;
    }
    debug_assert_eq!(best.consistent(inst), Ok(()), "after polish");
    Outcome {
        best,
        stop,
        iterations,
        work,
    }
}

/// The worker with the lowest best score (lowest index on ties).
fn best_of(islands: &[Island]) -> (usize, f64) {
    islands
        .iter()
        .enumerate()
        .map(|(k, i)| (k, i.best_score))
        .fold((0, f64::INFINITY), |a, b| if b.1 < a.1 { b } else { a })
}
