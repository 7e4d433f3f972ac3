//! The optimiser. Works on an index-based [`instance::Instance`] built once from the
//! problem; strings exist only at the edges (`output`, `explain`).
//!
//! ```no_run
//! # use carerounds::{model::parse_problem, solve::Solver};
//! # let problem = parse_problem("{}").unwrap();
//! let solved = Solver::new(&problem).seed(7).run();
//! println!("{} visits planned", solved.plan.summary.visits_assigned);
//! ```

pub mod bounds;
pub mod construct;
pub mod couple;
pub mod explain;
pub mod insert;
pub mod instance;
pub mod local;
pub mod output;
pub mod parallel;
pub mod push;
pub mod ruin;
pub mod rules;
pub mod schedule;
pub mod search;
pub mod solution;
pub mod swap_star;
pub mod warm;

use crate::model::{Plan, Problem};
use crate::travel::TravelMatrix;
use instance::Instance;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Why the solver stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// The search had nothing left to try.
    Completed,
    /// The time limit was reached.
    TimeLimit,
    /// The cancel flag was raised.
    Cancelled,
}

/// Progress reported during the search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// Time since the start.
    pub elapsed: Duration,
    /// Required visits not yet planned in the best plan.
    pub unassigned: usize,
    /// Weighted objective of the best plan.
    pub objective: f64,
}

/// The result of a run.
#[derive(Debug, Clone)]
pub struct Solved {
    /// The best plan found.
    pub plan: Plan,
    /// Why the run ended.
    pub stop: StopReason,
    /// Wall-clock time used.
    pub elapsed: Duration,
    /// Search iterations over all workers.
    pub iterations: u64,
    /// Work units over all workers (the deterministic clock).
    pub work: u64,
}

type ProgressFn<'a> = Box<dyn Fn(&Progress) + Send + Sync + 'a>;
type CheckpointFn<'a> = Box<dyn Fn(&Plan) + Send + Sync + 'a>;

/// A configured solver run: `Solver::new(&problem).seed(1).run()`.
pub struct Solver<'a> {
    problem: &'a Problem,
    travel: Option<TravelMatrix>,
    time_limit: Duration,
    seed: u64,
    threads: usize,
    cancel: Arc<AtomicBool>,
    progress: Option<ProgressFn<'a>>,
    deterministic: bool,
    work: Option<u64>,
    max_threads: usize,
    max_time_limit: Option<Duration>,
    warm: Option<Plan>,
    checkpoint: Option<CheckpointFn<'a>>,
}

/// The cores of this machine: the most worker threads a run uses unless
/// [`Solver::max_threads`] says fewer. More threads than cores only slow a run down, and an
/// unchecked request for 100,000 threads would exhaust the process.
pub fn machine_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Work units per second of time limit in deterministic mode: measured on the reference
/// machine (BENCHMARKS.md) so that a run takes about its time limit there.
pub const WORK_PER_SECOND: f64 = 6.0e7;

/// Share of the time limit regret construction may take before the remaining visits go
/// in greedily (only very large days with very short limits reach it).
const CONSTRUCTION_SHARE: f64 = 0.5;

impl<'a> Solver<'a> {
    /// A run with the problem's own `options`.
    pub fn new(problem: &'a Problem) -> Self {
        Solver {
            problem,
            travel: None,
            time_limit: Duration::from_secs_f64(problem.options.time_limit_s),
            seed: problem.options.seed,
            threads: problem.options.threads,
            cancel: Arc::new(AtomicBool::new(false)),
            progress: None,
            deterministic: true,
            work: None,
            max_threads: machine_threads(),
            max_time_limit: None,
            warm: None,
            checkpoint: None,
        }
    }
    /// Wall-clock limit.
    pub fn time_limit(mut self, limit: Duration) -> Self {
        self.time_limit = limit;
        self
    }
    /// Random seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
    /// Worker threads (0 = all cores, capped by [`Solver::max_threads`]).
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }
    /// The most worker threads this run may use (default and upper bound: the machine's
    /// cores). A request for more runs on this many and the plan says so in `warnings`.
    pub fn max_threads(mut self, max: usize) -> Self {
        self.max_threads = max.clamp(1, machine_threads());
        self
    }
    /// The longest time limit this run accepts (a server's `--max-time-limit-s`); a longer
    /// one is cut to it and the plan says so in `warnings`.
    pub fn max_time_limit(mut self, max: Duration) -> Self {
        self.max_time_limit = Some(max);
        self
    }
    /// The worker threads the run will use, and a note when that is fewer than asked.
    pub fn effective_threads(&self) -> (usize, Option<String>) {
        match self.threads {
            0 => (self.max_threads, None),
            t if t <= self.max_threads => (t, None),
            t => (
                self.max_threads,
                Some(format!(
                    "options.threads: {t} threads were asked for; this run used {} (the cores available to it)",
                    self.max_threads
                )),
            ),
        }
    }
    /// The time limit the run will keep, and a note when that is shorter than asked.
    pub fn effective_time_limit(&self) -> (Duration, Option<String>) {
        match self.max_time_limit {
            Some(max) if self.time_limit > max => (
                max,
                Some(format!(
                    "options.time_limit_s: {} s was asked for; this server allows at most {} s",
                    self.time_limit.as_secs_f64(),
                    max.as_secs_f64()
                )),
            ),
            _ => (self.time_limit, None),
        }
    }
    /// Deterministic (default): the time limit is turned into a fixed amount of work, so
    /// the same input, seed and threads give the same plan whenever that work fits in the
    /// time limit; the time limit still holds (a run that reaches it stops with
    /// [`StopReason::TimeLimit`], and its plan then depends on timing). Not
    /// deterministic: run until the wall-clock limit (for benchmarks against other solvers
    /// at equal time).
    pub fn deterministic(mut self, on: bool) -> Self {
        self.deterministic = on;
        self
    }
    /// An explicit work budget per worker (deterministic mode), instead of the one
    /// derived from the time limit; the time limit still ends the run if it comes first.
    pub fn work_budget(mut self, units: u64) -> Self {
        self.work = Some(units);
        self
    }
    /// Use this travel matrix instead of building one.
    pub fn travel(mut self, travel: TravelMatrix) -> Self {
        self.travel = Some(travel);
        self
    }
    /// A flag that stops the run (keeping the best plan) when set.
    pub fn cancel_flag(mut self, flag: Arc<AtomicBool>) -> Self {
        self.cancel = flag;
        self
    }
    /// Start the search from this plan's rounds (staff and order kept, visits it leaves
    /// out inserted greedily) instead of constructing one; a plan that breaks a hard rule
    /// of the problem is ignored and the run constructs as usual.
    pub fn start_from(mut self, plan: Plan) -> Self {
        self.warm = Some(plan);
        self
    }
    /// Called with the best plan so far whenever it improves (at the search's exchange
    /// points, at most a few dozen times a run), e.g. to store it so that a job cut off
    /// by a restart resumes from it. Its unassigned visits carry a placeholder reason.
    pub fn on_checkpoint(mut self, f: impl Fn(&Plan) + Send + Sync + 'a) -> Self {
        self.checkpoint = Some(Box::new(f));
        self
    }
    /// Called whenever the best plan improves.
    pub fn on_progress(mut self, f: impl Fn(&Progress) + Send + Sync + 'a) -> Self {
        self.progress = Some(Box::new(f));
        self
    }

    /// Runs the solver.
    pub fn run(self) -> Solved {
        let t0 = Instant::now();
        let (threads, thread_note) = self.effective_threads();
        let (limit, limit_note) = self.effective_time_limit();
        let travel = self.travel.unwrap_or_else(|| TravelMatrix::build(self.problem));
        let inst = Instance::with_travel(self.problem, travel);
        let construct_until = limit.as_secs_f64() * CONSTRUCTION_SHARE;
        let warm = self
            .warm
            .as_ref()
            .and_then(|p| warm::start_from(self.problem, &inst, p));
        let start = warm.unwrap_or_else(|| {
            construct::construct_within(&inst, &|| t0.elapsed().as_secs_f64() >= construct_until, &|| {
                self.cancel.load(std::sync::atomic::Ordering::Relaxed)
            })
        });
        debug_assert_eq!(start.consistent(&inst), Ok(()), "construction");
        let report = |sol: &solution::Solution, elapsed: f64| {
            if let Some(f) = &self.checkpoint {
                let reasons: Vec<(usize, String)> = sol
                    .unassigned
                    .iter()
                    .map(|&v| (v, "not placed yet: the search was still running".to_string()))
                    .collect();
                f(&output::to_plan(self.problem, &inst, sol, &reasons));
            }
            if let Some(f) = &self.progress {
                f(&Progress {
                    elapsed: Duration::from_secs_f64(elapsed),
                    unassigned: sol
                        .unassigned
                        .iter()
                        .filter(|&&v| inst.visits[v].required)
                        .count(),
                    objective: sol.cost(&inst),
                });
            }
        };
        report(&start, t0.elapsed().as_secs_f64());
        let seconds = limit.as_secs_f64();
        let budget = parallel::Budget {
            work: self
                .deterministic
                .then_some(self.work.unwrap_or((seconds * WORK_PER_SECOND) as u64)),
            started: t0,
            // A time limit is a promise in both modes: in deterministic mode the wall
            // clock ends a run whose work budget outlasts it (the plan then depends on
            // timing, and `stop` says `TimeLimit`).
            seconds,
            cancel: &self.cancel,
        };
        let out = parallel::run(&inst, start, self.seed, threads, &budget, report);
        let mut plan = finish(self.problem, &inst, &out.best);
        plan.warnings.extend(thread_note.into_iter().chain(limit_note));
        Solved {
            plan,
            stop: out.stop,
            elapsed: t0.elapsed(),
            iterations: out.iterations,
            work: out.work,
        }
    }
}

/// The plan for a solution, with reasons for every unassigned visit.
fn finish(problem: &Problem, inst: &Instance, sol: &solution::Solution) -> Plan {
    let reasons: Vec<(usize, String)> = sol
        .unassigned
        .iter()
        .map(|&v| (v, explain::reason(problem, inst, sol, v)))
        .collect();
    output::to_plan(problem, inst, sol, &reasons)
}
