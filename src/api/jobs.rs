//! Running solves off the async runtime: a semaphore of `max_concurrent_solves` permits,
//! one tokio task per job waiting for a permit (that wait is the queue), the solve itself
//! on `spawn_blocking` with the job's cancel flag and a progress snapshot.
//!
//! A job's state changes (queued → running, queued → cancelled) are decided under one
//! lock, so a DELETE racing the start of a solve has one outcome; the task writes the
//! store only for transitions it decided.

use super::store::{JobStatus, Outcome, Recovered};
use super::{AppState, Config};
use crate::check::{check, Rule};
use crate::model::{parse_problem, Plan, Problem};
use crate::solve::config::{Caps, ConfigError, Overrides, SolveConfig};
use crate::solve::{Solved, Solver, StopReason};
use crate::travel::{TravelError, TravelMatrix};
use serde::Serialize;
use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

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

#[derive(Debug, Clone)]
struct Live {
    cancel: Arc<AtomicBool>,
    running: bool,
    progress: Arc<Mutex<Option<Snapshot>>>,
    started: Option<Instant>,
}

/// What the runner knows of a job in this process.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LiveState {
    /// Waiting for a permit.
    Queued,
    /// Solving; the snapshot when the solver has reported one.
    Running(Option<Snapshot>, f64),
}

/// How DELETE went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelOutcome {
    /// It was queued: now cancelled without a plan (the caller writes the store).
    WasQueued,
    /// It is running: the solver stops soon and the job keeps its best plan.
    Stopping,
    /// Not live in this process (finished, or unknown).
    NotLive,
}

/// The solve runner.
pub struct Jobs {
    sem: Arc<Semaphore>,
    permits: usize,
    live: Mutex<HashMap<String, Live>>,
    shutting_down: AtomicBool,
    running: Arc<AtomicUsize>,
    waiting: Arc<AtomicUsize>,
    ids: AtomicU64,
    seed: RandomState,
}

/// Decrements a counter when dropped. It owns its counter so that it can travel with a
/// solve into `spawn_blocking` and outlive the request that started it.
pub struct CountGuard(Arc<AtomicUsize>);

impl Drop for CountGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Raises a cancel flag when dropped, so a solve whose request went away stops early.
pub struct CancelOnDrop(pub Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Jobs {
    /// A runner with `permits` concurrent solves (0: accept jobs but run none).
    pub fn new(permits: usize) -> Self {
        Jobs {
            sem: Arc::new(Semaphore::new(permits)),
            permits,
            live: Mutex::new(HashMap::new()),
            shutting_down: AtomicBool::new(false),
            running: Arc::new(AtomicUsize::new(0)),
            waiting: Arc::new(AtomicUsize::new(0)),
            ids: AtomicU64::new(0),
            seed: RandomState::new(),
        }
    }

    /// A new job id: 32 hex digits, unguessable enough that ids leak nothing.
    pub fn new_id(&self) -> String {
        let n = self.ids.fetch_add(1, Ordering::Relaxed);
        let mut parts = [0u8; 32];
        for (k, chunk) in parts.chunks_mut(8).enumerate() {
            let mut h = self.seed.build_hasher();
            h.write_u64(n);
            h.write_usize(k);
            h.write_u128(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or(0),
            );
            h.write_u32(std::process::id());
            chunk.copy_from_slice(&h.finish().to_le_bytes());
        }
        super::auth::hex(&super::auth::sha256(&parts)[..16])
    }

    /// Solves running now.
    pub fn running(&self) -> usize {
        self.running.load(Ordering::SeqCst)
    }

    /// Solves waiting for a permit (queued jobs and synchronous requests).
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }

    /// Whether solving is paused (`--max-concurrent-solves 0`).
    pub fn paused(&self) -> bool {
        self.permits == 0
    }

    /// Whether the server is stopping.
    pub fn shutting_down(&self) -> bool {
        self.shutting_down.load(Ordering::SeqCst)
    }

    /// Counts one more waiting solve unless `max` are waiting already.
    pub fn try_wait(&self, max: usize) -> Option<CountGuard> {
        let mut cur = self.waiting.load(Ordering::SeqCst);
        loop {
            if cur >= max {
                return None;
            }
            match self
                .waiting
                .compare_exchange(cur, cur + 1, Ordering::SeqCst, Ordering::SeqCst)
            {
                Ok(_) => return Some(CountGuard(self.waiting.clone())),
                Err(now) => cur = now,
            }
        }
    }

    /// Waits for a solve permit (None once the server is stopping).
    pub async fn permit(&self) -> Option<OwnedSemaphorePermit> {
        self.sem.clone().acquire_owned().await.ok()
    }

    /// Counts a running solve until the guard drops: keep it until the solve has really
    /// returned, not only until its request is answered.
    pub fn run_guard(&self) -> CountGuard {
        self.running.fetch_add(1, Ordering::SeqCst);
        CountGuard(self.running.clone())
    }

    /// The live state of a job in this process.
    pub fn live_state(&self, id: &str) -> Option<LiveState> {
        let live = lock(&self.live);
        let l = live.get(id)?;
        Some(if l.running {
            let elapsed = l.started.map_or(0.0, |s| s.elapsed().as_secs_f64());
            LiveState::Running(*lock(&l.progress), elapsed)
        } else {
            LiveState::Queued
        })
    }

    /// Asks a job to stop.
    pub fn cancel(&self, id: &str) -> CancelOutcome {
        let mut live = lock(&self.live);
        let Some(l) = live.get(id) else {
            return CancelOutcome::NotLive;
        };
        l.cancel.store(true, Ordering::SeqCst);
        if l.running {
            CancelOutcome::Stopping
        } else {
            live.remove(id);
            CancelOutcome::WasQueued
        }
    }

    /// Starts a queued job's task; `resume_from` is the best plan it had stored before a
    /// restart, if any.
    pub fn spawn(&self, state: &AppState, id: String, problem: Problem, resume_from: Option<Plan>) {
        let live = Live {
            cancel: Arc::new(AtomicBool::new(false)),
            running: false,
            progress: Arc::new(Mutex::new(None)),
            started: None,
        };
        lock(&self.live).insert(id.clone(), live);
        self.waiting.fetch_add(1, Ordering::SeqCst);
        tokio::spawn(run_job(state.clone(), id, problem, resume_from));
    }

    /// After the listener closed: lets running solves finish within `grace`, then stops
    /// them (they keep their best plan). Queued jobs stay queued in the store and run
    /// after the next start.
    pub async fn drain(&self, grace: Duration) {
        self.shutting_down.store(true, Ordering::SeqCst);
        self.sem.close();
        let deadline = Instant::now() + grace;
        while self.running() > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        if self.running() > 0 {
            tracing::warn!(
                running = self.running(),
                "shutdown deadline reached: stopping solves"
            );
            for l in lock(&self.live).values() {
                l.cancel.store(true, Ordering::SeqCst);
            }
            let hard = Instant::now() + Duration::from_secs(10);
            while self.running() > 0 && Instant::now() < hard {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
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
    /// Where its best plan so far is kept (see `super::checkpoints`).
    pub store: Arc<super::Store>,
    /// The job.
    pub id: String,
    /// The best plan it had stored before a restart, to resume from.
    pub resume_from: Option<Plan>,
}

/// Runs a solve to its end and checks the plan. Blocking: call on `spawn_blocking`.
pub fn solve_blocking(
    problem: &Problem,
    config: SolveConfig,
    cancel: Arc<AtomicBool>,
    job: Option<JobHooks>,
) -> Result<Solved, SolveFailure> {
    // One matrix per request, shared by the solver and the checker.
    let travel = Arc::new(TravelMatrix::computed(problem).map_err(SolveFailure::Travel)?);
    let mut solver = Solver::new(problem, travel.clone())
        .config(config)
        .cancel_flag(cancel);
    if let Some(JobHooks {
        progress: p,
        store,
        id,
        resume_from,
    }) = job
    {
        if let Some(plan) = resume_from {
            solver = solver.start_from(plan);
        }
        let last = Mutex::new(None::<Instant>);
        solver = solver.on_checkpoint(move |plan| {
            // At most once a second: each write is the whole plan.
            let mut last = lock(&last);
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
            *lock(&p) = Some(Snapshot {
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

async fn run_job(state: AppState, id: String, problem: Problem, resume_from: Option<Plan>) {
    let jobs = &state.0.jobs;
    let permit = jobs.permit().await;
    let claimed = {
        let mut live = lock(&jobs.live);
        match (permit.is_some(), live.get_mut(&id)) {
            (true, Some(l)) if !l.cancel.load(Ordering::SeqCst) => {
                l.running = true;
                l.started = Some(Instant::now());
                Some((l.cancel.clone(), l.progress.clone()))
            }
            _ => None,
        }
    };
    jobs.waiting.fetch_sub(1, Ordering::SeqCst);
    // Cancelled while queued (DELETE wrote the store), or the server is stopping (the job
    // stays queued in the store).
    let Some((cancel, progress)) = claimed else {
        if permit.is_none() {
            lock(&jobs.live).remove(&id);
        }
        return;
    };
    let _running = jobs.run_guard();
    let store = state.0.store.clone();
    let sid = id.clone();
    if let Err(e) = tokio::task::spawn_blocking(move || store.set_running(&sid)).await {
        tracing::error!(job = %id, "store task failed: {e}");
    }
    let visits = problem.visits.len();
    let config = match solve_config(&state.0.config, &problem) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(job = %id, "{e}");
            finish(&state, &id, failed(e.to_string())).await;
            return;
        }
    };
    let limit_s = config.time_limit().as_secs_f64();
    tracing::info!(job = %id, visits, limit_s, "solve started");
    let flag = cancel.clone();
    let hooks = JobHooks {
        progress,
        store: state.0.store.clone(),
        id: id.clone(),
        resume_from,
    };
    let result =
        tokio::task::spawn_blocking(move || solve_blocking(&problem, config, flag, Some(hooks))).await;
    let outcome = match result {
        Ok(Ok(solved)) => {
            let secs = solved.elapsed.as_secs_f64();
            state.0.metrics.solve(secs);
            let stopped = solved.stop == StopReason::Cancelled;
            let (status, stop) = if stopped && jobs.shutting_down() {
                (JobStatus::Done, "shutdown")
            } else if stopped {
                (JobStatus::Cancelled, "cancelled")
            } else {
                (JobStatus::Done, stop_name(solved.stop))
            };
            tracing::info!(job = %id, visits, solve_s = secs, stop, "solve finished");
            plan_outcome(status, stop, &solved.plan, secs)
        }
        Ok(Err(e)) => {
            tracing::error!(job = %id, "{e}");
            failed(e.to_string())
        }
        Err(e) => {
            tracing::error!(job = %id, "solver task failed: {e}");
            failed("the solver stopped unexpectedly".to_string())
        }
    };
    finish(&state, &id, outcome).await;
    drop(permit);
}

/// Stores a job's outcome and forgets it as live.
async fn finish(state: &AppState, id: &str, outcome: Outcome) {
    let store = state.0.store.clone();
    let sid = id.to_string();
    match tokio::task::spawn_blocking(move || store.finish(&sid, &outcome)).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::error!(job = %id, "cannot store the result: {e}"),
        Err(e) => tracing::error!(job = %id, "store task failed: {e}"),
    }
    lock(&state.0.jobs.live).remove(id);
}

fn plan_outcome(status: JobStatus, stop: &str, plan: &Plan, secs: f64) -> Outcome {
    match serde_json::to_string(plan) {
        Ok(json) => Outcome {
            status,
            plan: Some(json),
            error: None,
            stop: Some(stop.to_string()),
            objective: Some(plan.summary.objective),
            solve_s: Some(secs),
        },
        Err(e) => failed(format!("cannot encode the plan: {e}")),
    }
}

fn failed(message: String) -> Outcome {
    Outcome {
        status: JobStatus::Failed,
        plan: None,
        error: Some(message),
        stop: None,
        objective: None,
        solve_s: None,
    }
}

/// Re-queues the jobs [`super::store::Store::recover`] found: loads and validates each
/// problem again (a problem that no longer validates fails the job with the reason).
pub async fn resume(state: &AppState, recovered: Recovered) {
    for id in &recovered.failed {
        tracing::warn!(job = %id, "job failed: the server stopped while solving it too often");
    }
    for id in recovered.requeued {
        let store = state.0.store.clone();
        let sid = id.clone();
        let text = tokio::task::spawn_blocking(move || store.problem(&sid)).await;
        let text = match text {
            Ok(Ok(Some(t))) => t,
            _ => {
                tracing::error!(job = %id, "cannot load the job's problem");
                continue;
            }
        };
        match parse_problem(&text) {
            Ok(problem) => {
                let store = state.0.store.clone();
                let sid = id.clone();
                let best = match tokio::task::spawn_blocking(move || store.checkpoint(&sid)).await {
                    Ok(Ok(Some(json))) => serde_json::from_str::<Plan>(&json).ok(),
                    _ => None,
                };
                tracing::info!(
                    job = %id,
                    visits = problem.visits.len(),
                    resumes = best.is_some(),
                    "job re-queued after restart"
                );
                state.0.jobs.spawn(state, id, problem, best);
            }
            Err(e) => {
                let store = state.0.store.clone();
                let outcome = failed(format!("the stored problem no longer validates: {e}"));
                let sid = id.clone();
                if let Ok(Err(e)) = tokio::task::spawn_blocking(move || store.finish(&sid, &outcome)).await {
                    tracing::error!(job = %id, "cannot store the result: {e}");
                }
            }
        }
    }
}
