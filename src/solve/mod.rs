//! The optimiser: configure a [`Solver`], run it, get the plan and why it stopped.
//!
//! Inside, it works on an index-based instance built once from the problem; strings exist
//! only at the edges (the plan writer and the explanations of unassigned visits). The
//! modules that do the work are private to this module: the shells use [`Solver`] and
//! [`config`], the slots and the report time their rounds through one narrow module
//! (`booked`, the only one the rest of the crate sees), and the property tests and
//! benches reach the rest through the hidden `internals`, which is not a stable API.
//!
//! The travel matrix is built by the caller (once per request, see
//! [`crate::travel::sources::build`]) and the settings come from one validated
//! [`config::SolveConfig`].
//!
//! ```no_run
//! # use carerounds::{model::parse_problem, solve::Solver, travel::sources};
//! # let problem = parse_problem("{}").unwrap();
//! let travel = sources::build(&problem).expect("travel matrix");
//! let solved = Solver::new(&problem, travel).seed(7).run();
//! println!("{} visits planned", solved.plan.summary.visits_assigned);
//! ```

pub(crate) mod booked;
mod bounds;
pub mod config;
mod construct;
mod couple;
mod eject;
mod explain;
mod insert;
mod instance;
#[doc(hidden)]
pub mod internals;
mod local;
mod moves;
mod output;
mod parallel;
mod price;
mod push;
mod ruin;
mod rules;
mod schedule;
mod search;
mod solution;
mod swap_star;
mod warm;

use crate::model::{Plan, Problem};
use crate::travel::TravelMatrix;
pub use config::{machine_threads, SolveConfig, WORK_PER_SECOND};
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

/// A configured solver run: `Solver::new(&problem, travel).seed(1).run()`.
pub struct Solver<'a> {
    problem: &'a Problem,
    travel: Arc<TravelMatrix>,
    config: SolveConfig,
    cancel: Arc<AtomicBool>,
    progress: Option<ProgressFn<'a>>,
    warm: Option<Plan>,
    checkpoint: Option<CheckpointFn<'a>>,
}

/// Share of the time limit regret construction may take before the remaining visits go
/// in greedily (only very large days with very short limits reach it).
const CONSTRUCTION_SHARE: f64 = 0.5;

impl<'a> Solver<'a> {
    /// A run over `travel` (the problem's matrix, owned or shared) with the problem's own
    /// `options` on this machine ([`SolveConfig::of`]).
    pub fn new(problem: &'a Problem, travel: impl Into<Arc<TravelMatrix>>) -> Self {
        Solver {
            problem,
            travel: travel.into(),
            config: SolveConfig::of(&problem.options),
            cancel: Arc::new(AtomicBool::new(false)),
            progress: None,
            warm: None,
            checkpoint: None,
        }
    }
    /// Runs with this configuration (what the CLI and the server build from the problem's
    /// options, their flags or request, and their caps).
    pub fn config(mut self, config: SolveConfig) -> Self {
        self.config = config;
        self
    }
    /// The configuration the run will use.
    pub fn settings(&self) -> &SolveConfig {
        &self.config
    }
    /// Overrides one setting of the configuration (typed values are always valid).
    fn set(mut self, change: impl FnOnce(&mut config::Overrides)) -> Self {
        self.config = match self.config.with_overrides(change) {
            Ok(c) => c,
            Err(e) => unreachable!("a typed override is valid: {e}"),
        };
        self
    }
    /// Wall-clock limit (at most a day; longer is cut to a day).
    pub fn time_limit(self, limit: Duration) -> Self {
        let max = Duration::from_secs_f64(crate::model::validate::MAX_TIME_LIMIT_S);
        self.set(|o| o.time_limit_s = Some(limit.min(max).as_secs_f64()))
    }
    /// Random seed.
    pub fn seed(self, seed: u64) -> Self {
        self.set(|o| o.seed = Some(seed))
    }
    /// Worker threads (0 = all cores, capped by the configuration's [`config::Caps`]).
    pub fn threads(self, threads: usize) -> Self {
        self.set(|o| o.threads = Some(threads))
    }
    /// Deterministic (default): the time limit is turned into a fixed amount of work, so
    /// the same input, seed and threads give the same plan whenever that work fits in the
    /// time limit; the time limit still holds (a run that reaches it stops with
    /// [`StopReason::TimeLimit`], and its plan then depends on timing). Not
    /// deterministic: run until the wall-clock limit (for benchmarks against other solvers
    /// at equal time).
    pub fn deterministic(self, on: bool) -> Self {
        self.set(|o| o.deterministic = Some(on))
    }
    /// An explicit work budget per worker (deterministic mode), instead of the one
    /// derived from the time limit; the time limit still ends the run if it comes first.
    pub fn work_budget(self, units: u64) -> Self {
        self.set(|o| o.work_budget = Some(units))
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
        let cfg = &self.config;
        let (threads, limit) = (cfg.threads(), cfg.time_limit());
        let inst = Instance::with_travel(self.problem, self.travel.clone());
        let construct_until = limit.as_secs_f64() * CONSTRUCTION_SHARE;
        let warm = self
            .warm
            .as_ref()
            .and_then(|p| warm::start_from(self.problem, &inst, p));
        let is_warm = warm.is_some();
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
            work: cfg.work_budget(),
            started: t0,
            // A time limit is a promise in both modes: in deterministic mode the wall
            // clock ends a run whose work budget outlasts it (the plan then depends on
            // timing, and `stop` says `TimeLimit`).
            seconds,
            cancel: &self.cancel,
        };
        let out = parallel::run(&inst, start, is_warm, cfg.seed(), threads, &budget, report);
        let mut plan = finish(self.problem, &inst, &out.best);
        plan.warnings.extend(cfg.warnings().iter().cloned());
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
