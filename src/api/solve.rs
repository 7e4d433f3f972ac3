//! One solve on this server, for a synchronous plan or a job: its configuration under the
//! server's caps, the run itself (blocking: call it on `spawn_blocking`) with the job's
//! progress and checkpoints, and the checker's proof of the plan before anyone sees it.

use super::{Config, Store};
use crate::check::{check, Rule};
use crate::model::{Plan, Problem};
use crate::solve::config::{Caps, ConfigError, Overrides, SolveConfig};
use crate::solve::{Solved, Solver, StopReason};
use crate::travel::{TravelError, TravelMatrix};
use serde::Serialize;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The best plan so far of a running job.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Snapshot {
    /// Objective of the best plan so far.
    pub objective: f64,
    /// Required visits it leaves unplanned.
    pub unassigned: usize,
    /// Seconds since the solve started.
    pub elapsed_s: f64,
}

/// The configuration of one solve on this server: the problem's options under the
/// server's `--max-threads` and `--max-time-limit-s` (a request for more is cut to them,
/// and the plan's `warnings` say so).
pub fn solve_config(config: &Config, problem: &Problem) -> Result<SolveConfig, SolveFailure> {
    let caps = Caps::server(config.max_threads, config.max_time_limit_s);
    SolveConfig::new(&problem.options, Overrides::default(), caps).map_err(SolveFailure::Config)
}

/// Why a solve gave no plan. Logged; clients see an internal error (or the job's
/// `error`), since validation has already accepted the problem.
#[derive(Debug, thiserror::Error)]
pub enum SolveFailure {
    /// The solve settings cannot be run (validation keeps this from happening).
    #[error("options.time_limit_s: {0}")]
    Config(ConfigError),
    /// The travel matrix cannot be computed (the API accepts only computed travel).
    #[error("{0}")]
    Travel(TravelError),
    /// The solver returned a plan the checker rejects: a bug. Only the rule is kept: a
    /// violation's text names staff and visits, which stay out of logs.
    #[error(
        "internal error: the solver's plan fails the checker ({violations} violations, first rule: {first})"
    )]
    Checker {
        /// How many violations.
        violations: usize,
        /// The rule of the first.
        first: Rule,
    },
}

/// What a job's solve reports to and resumes from.
pub struct JobHooks {
    /// Where its progress snapshot goes.
    pub progress: Arc<Mutex<Option<Snapshot>>>,
    /// Where its best plan so far is kept ([`super::Store::set_checkpoint`]).
    pub store: Arc<Store>,
    /// The job.
    pub id: String,
}

/// Runs a solve to its end and checks the plan. Blocking: call on `spawn_blocking`.
/// `start`: a plan to start from (a resumed job's best plan so far, a re-plan's warm start).
pub fn solve_blocking(
    problem: &Problem,
    config: SolveConfig,
    cancel: Arc<AtomicBool>,
    start: Option<Plan>,
    job: Option<JobHooks>,
) -> Result<Solved, SolveFailure> {
    // One matrix per request, shared by the solver and the checker.
    let travel = Arc::new(TravelMatrix::computed(problem).map_err(SolveFailure::Travel)?);
    solve_blocking_on(problem, travel, config, cancel, start, job)
}

/// As [`solve_blocking`], on a matrix the caller already built for `problem` (a re-plan
/// builds one for its warm start: one matrix per request, not two).
pub fn solve_blocking_on(
    problem: &Problem,
    travel: Arc<TravelMatrix>,
    config: SolveConfig,
    cancel: Arc<AtomicBool>,
    start: Option<Plan>,
    job: Option<JobHooks>,
) -> Result<Solved, SolveFailure> {
    let mut solver = Solver::new(problem, travel.clone())
        .config(config)
        .cancel_flag(cancel);
    if let Some(plan) = start {
        solver = solver.start_from(plan);
    }
    if let Some(JobHooks {
        progress: p,
        store,
        id,
    }) = job
    {
        let last = Mutex::new(None::<Instant>);
        solver = solver.on_checkpoint(move |plan| {
            // At most once a second: each write is the whole plan.
            let mut last = last.lock().unwrap_or_else(PoisonError::into_inner);
            if last.is_some_and(|t| t.elapsed() < Duration::from_secs(1)) {
                return;
            }
            *last = Some(Instant::now());
            match serde_json::to_string(plan) {
                Ok(json) => {
                    if let Err(e) = store.set_checkpoint(&id, &json) {
                        tracing::warn!(job = %id, "cannot store the best plan so far: {e}");
                    }
                }
                Err(e) => tracing::warn!(job = %id, "cannot encode the best plan so far: {e}"),
            }
        });
        solver = solver.on_progress(move |pr| {
            *p.lock().unwrap_or_else(PoisonError::into_inner) = Some(Snapshot {
                objective: pr.objective,
                unassigned: pr.unassigned,
                elapsed_s: pr.elapsed.as_secs_f64(),
            });
        });
    }
    let solved = solver.run();
    let violations = check(problem, &travel, &solved.plan);
    if let Some(v) = violations.first() {
        return Err(SolveFailure::Checker {
            violations: violations.len(),
            first: v.rule,
        });
    }
    Ok(solved)
}

/// Name of a stop reason, as stored.
pub fn stop_name(stop: StopReason) -> &'static str {
    match stop {
        StopReason::Completed => "completed",
        StopReason::TimeLimit => "time_limit",
        StopReason::Cancelled => "cancelled",
    }
}
