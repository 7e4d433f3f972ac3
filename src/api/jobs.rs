//! Running solves off the async runtime: a semaphore of `max_concurrent_solves` permits,
//! one tokio task per job waiting for a permit (that wait is the queue), the solve itself
//! on `spawn_blocking` with the job's cancel flag and a progress snapshot.
//!
//! A job's state changes (queued → running, queued → cancelled) are decided under one
//! lock, so a DELETE racing the start of a solve has one outcome; the task writes the
//! store only for transitions it decided. The solve itself is [`super::solve`].

use super::solve::{solve_blocking, solve_config, stop_name, JobHooks, Snapshot};
use super::store::{JobStatus, Outcome, Recovered};
use super::AppState;
use crate::model::{parse_problem, Plan, Problem};
use crate::solve::StopReason;
use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

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
    /// On a shared store this does nothing: the job waits in the database for whichever
    /// worker claims it (`worker`).
    pub fn spawn(&self, state: &AppState, id: String, problem: Problem, resume_from: Option<Plan>) {
        if state.0.store.shared().is_some() {
            return;
        }
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
    };
    let result =
        tokio::task::spawn_blocking(move || solve_blocking(&problem, config, flag, resume_from, Some(hooks)))
            .await;
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

pub(super) fn plan_outcome(status: JobStatus, stop: &str, plan: &Plan, secs: f64) -> Outcome {
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

pub(super) fn failed(message: String) -> Outcome {
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
