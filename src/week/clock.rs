//! The week's time limit shared between its day solves (docs/WEEK.md, "Time"): a fixed
//! share of the week's work each (deterministic), the clock only as a promise.

use crate::solve::config::{SolveConfig, WORK_PER_SECOND};
use std::time::Instant;

/// Share of the time limit (and of the work it is turned into) the day solves may use;
/// the rest is kept for re-timing, checks and choosing between plans.
const SOLVE_SHARE: f64 = 0.8;

/// Share of the time limit by which the moves after the day solves
/// ([`super::consolidate`]) stop: what is left is for writing and checking the week.
const IMPROVE_SHARE: f64 = 0.9;

/// Share of the week's work (the time limit turned into work, or `--work`) those moves
/// get, counted in their own units ([`Clock::improve_work`]).
const IMPROVE_WORK_SHARE: f64 = 0.05;

/// How the day solves share the week's time limit. Deterministic (the default), each
/// solve gets a fixed share of the week's work budget, so the same input, seed and threads
/// give the same week whatever the machine's load, and the clock only as a promise: a
/// solve may run until the day solves' share of the week's limit is spent (time one solve
/// did not need is left to the next), and passes stop there. On the wall clock, each
/// solve gets its share of the time, and a pass that no longer fits is not begun.
pub(super) struct Clock {
    started: Instant,
    /// Seconds from the start by which the day solves end.
    until: f64,
    /// Seconds from the start by which the moves after them end.
    improve_until: f64,
    /// Seconds of one solve's share.
    slice: f64,
    /// Work units per worker of one solve (deterministic), or `None` (wall clock).
    work: Option<u64>,
    /// Work units of the moves after the day solves.
    improve_work: u64,
}

impl Clock {
    pub(super) fn new(config: &SolveConfig, started: Instant, solves: usize) -> Clock {
        let until = config.time_limit().as_secs_f64() * SOLVE_SHARE;
        let share = SOLVE_SHARE / solves.max(1) as f64;
        Clock {
            started,
            until,
            improve_until: config.time_limit().as_secs_f64() * IMPROVE_SHARE,
            slice: until / solves.max(1) as f64,
            work: config.work_budget().map(|w| (w as f64 * share) as u64),
            improve_work: (week_work(config) * IMPROVE_WORK_SHARE) as u64,
        }
    }

    /// The time limit (seconds) and work budget of the next day solve.
    pub(super) fn day_solve(&self) -> (f64, Option<u64>) {
        match self.work {
            Some(w) => ((self.until - self.elapsed()).max(0.0), Some(w)),
            None => (self.slice, None),
        }
    }

    /// Whether another day solve may begin: some time is left (deterministic), or a whole
    /// share of it (wall clock).
    pub(super) fn room_for_a_solve(&self) -> bool {
        let needed = if self.work.is_some() { 0.0 } else { self.slice };
        self.elapsed() + needed < self.until
    }

    /// Whether the moves after the day solves may go on (on either clock: they are
    /// bounded by a count of their own, the clock only a promise).
    pub(super) fn room_to_improve(&self) -> bool {
        self.elapsed() < self.improve_until
    }

    /// Work units the moves after the day solves may spend: a fixed share of the week's
    /// work, so that they too give the same week whatever the machine's load.
    pub(super) fn improve_work(&self) -> u64 {
        self.improve_work
    }

    fn elapsed(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }
}

/// The week's work: the budget, or on the wall clock what the time limit is turned into
/// in deterministic mode.
fn week_work(config: &SolveConfig) -> f64 {
    config
        .work_budget()
        .map_or(config.time_limit().as_secs_f64() * WORK_PER_SECOND, |w| w as f64)
}
