//! Workers on a shared (PostgreSQL) store: slots that take queued jobs under a lease,
//! solve them, and store the outcome while the lease is still theirs (see
//! `store::postgres::lease` for the guarantees). `carerounds worker` runs only this;
//! `serve --store postgres://…` runs it too unless `--max-concurrent-solves 0`.
//!
//! Each slot waits for one of the process's solve permits (so a serve process shares its
//! cores between `/v1/plans` and jobs), claims a job, and solves it on `spawn_blocking`
//! while a heartbeat every [`LeaseSettings::heartbeat`] renews the lease, writes the
//! progress and reads cancel requests. A database that cannot be reached is retried with
//! backoff; a job whose outcome cannot be stored before its lease could have run out is
//! left to the next worker (it stays `running` with a lease that expires), never dropped.
//!
//! On shutdown the slots stop claiming; solves running may finish within the grace
//! period, after which they are stopped and handed back to the queue with their best plan
//! so far, for another worker to resume.

use super::jobs::{failed, plan_outcome};
use super::solve::{solve_blocking, solve_config, stop_name, JobHooks, Snapshot};
use super::store::postgres::{Heartbeat, LeaseSettings};
use super::store::{Claimed, JobStatus, Outcome, StoreError};
use super::AppState;
use crate::model::{parse_problem, Plan};
use crate::solve::StopReason;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// How a process's workers run.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// The worker's name in the store (`finished_by`) and logs.
    pub name: String,
    /// Lease length and heartbeat.
    pub lease: LeaseSettings,
    /// How often an idle slot looks for a job.
    pub poll: Duration,
    /// How long running solves may go on after shutdown before they are handed back.
    pub grace: Duration,
}

impl WorkerOptions {
    /// Options named after this host and process.
    pub fn new(lease: LeaseSettings, grace: Duration) -> Self {
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .ok()
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "host".into());
        WorkerOptions {
            name: format!("{host}-{}", std::process::id()),
            lease,
            poll: Duration::from_millis(250),
            grace,
        }
    }
}

/// Runs `slots` worker slots on `state`'s shared store until `stop` turns true and their
/// solves have ended (finished, or handed back after the grace period).
pub async fn run(state: AppState, slots: usize, opts: WorkerOptions, stop: watch::Receiver<bool>) {
    if state.0.store.shared().is_none() {
        tracing::error!("workers need a shared store (--store postgres://…)");
        return;
    }
    tracing::info!(worker = %opts.name, slots, lease_s = opts.lease.lease.as_secs_f64(), "worker started");
    let tasks: Vec<_> = (0..slots)
        .map(|_| tokio::spawn(slot(state.clone(), opts.clone(), stop.clone())))
        .collect();
    for t in tasks {
        if let Err(e) = t.await {
            tracing::error!("worker slot failed: {e}");
        }
    }
    tracing::info!(worker = %opts.name, "worker stopped");
}

/// Sleeps `d` or until `stop` turns true; false when stopping.
async fn pause(d: Duration, stop: &mut watch::Receiver<bool>) -> bool {
    if *stop.borrow() {
        return false;
    }
    tokio::select! {
        _ = tokio::time::sleep(d) => !*stop.borrow(),
        _ = stop.changed() => false,
    }
}

async fn slot(state: AppState, opts: WorkerOptions, mut stop: watch::Receiver<bool>) {
    let mut backoff = Duration::from_millis(500);
    loop {
        if *stop.borrow() {
            return;
        }
        let permit = tokio::select! {
            p = state.0.jobs.permit() => p,
            _ = stop.changed() => None,
        };
        let Some(permit) = permit else { return };
        let store = state.0.store.clone();
        let (name, lease) = (opts.name.clone(), opts.lease.lease);
        let token = state.0.jobs.new_id();
        let claimed = tokio::task::spawn_blocking(move || match store.shared() {
            Some(pg) => pg.claim(&name, &token, lease),
            None => Ok(None),
        })
        .await;
        match claimed {
            Ok(Ok(Some(job))) => {
                backoff = Duration::from_millis(500);
                let _running = state.0.jobs.run_guard();
                run_job(&state, &opts, job, stop.clone()).await;
            }
            Ok(Ok(None)) => {
                drop(permit);
                // Jitter, so that idle workers do not poll in step.
                let jitter = Duration::from_millis(fastrand::u64(0..=opts.poll.as_millis() as u64));
                if !pause(opts.poll + jitter, &mut stop).await {
                    return;
                }
            }
            Ok(Err(e)) => {
                drop(permit);
                tracing::warn!(worker = %opts.name, "cannot take a job: {e}; retrying in {:.1} s", backoff.as_secs_f64());
                if !pause(backoff, &mut stop).await {
                    return;
                }
                backoff = (backoff * 2).min(Duration::from_secs(10));
            }
            Err(e) => {
                drop(permit);
                tracing::error!("store task failed: {e}");
                if !pause(backoff, &mut stop).await {
                    return;
                }
            }
        }
    }
}

/// Why a solve was stopped before its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Interrupt {
    /// Solved to its end (or its time limit).
    None,
    /// A DELETE asked for it: store it cancelled with its best plan.
    Cancelled,
    /// The lease is another worker's now: store nothing.
    Lost,
    /// This worker is stopping: hand the job back.
    Shutdown,
}

async fn run_job(state: &AppState, opts: &WorkerOptions, job: Claimed, mut stop: watch::Receiver<bool>) {
    let id = job.id.clone();
    let problem = match parse_problem(&job.problem) {
        Ok(p) => p,
        Err(e) => {
            let outcome = failed(format!("the stored problem no longer validates: {e}"));
            store_outcome(state, opts, &job, outcome).await;
            return;
        }
    };
    let config = match solve_config(&state.0.config, &problem) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(job = %id, "{e}");
            store_outcome(state, opts, &job, failed(e.to_string())).await;
            return;
        }
    };
    let resume = job
        .best_plan
        .as_deref()
        .and_then(|json| serde_json::from_str::<Plan>(json).ok());
    let visits = problem.visits.len();
    tracing::info!(job = %id, worker = %opts.name, visits, restarts = job.restarts,
        resumes = resume.is_some(), "job claimed");
    let cancel = Arc::new(AtomicBool::new(job.cancel));
    let progress = Arc::new(Mutex::new(None::<Snapshot>));
    let hooks = JobHooks {
        progress: progress.clone(),
        store: state.0.store.clone(),
        id: id.clone(),
    };
    let flag = cancel.clone();
    let started = Instant::now();
    let mut solve =
        tokio::task::spawn_blocking(move || solve_blocking(&problem, config, flag, resume, Some(hooks)));
    let mut interrupt = if job.cancel {
        Interrupt::Cancelled
    } else {
        Interrupt::None
    };
    let mut beat = tokio::time::interval(opts.lease.heartbeat);
    beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_held = Instant::now();
    let mut stop_at: Option<Instant> = None;
    let mut stop_gone = false;
    let result = loop {
        tokio::select! {
            r = &mut solve => break r,
            _ = beat.tick() => {}
            // A sender gone is a stop too (and must not be polled again: it is always ready).
            changed = stop.changed(), if stop_at.is_none() && !stop_gone => stop_gone = changed.is_err(),
        }
        if stop_at.is_none() && (*stop.borrow() || stop_gone) {
            stop_at = Some(Instant::now() + opts.grace);
        }
        if stop_at.is_some_and(|t| Instant::now() >= t) && interrupt == Interrupt::None {
            tracing::warn!(job = %id, "shutdown grace over: handing the job back");
            interrupt = Interrupt::Shutdown;
            cancel.store(true, Ordering::SeqCst);
        }
        let snap = *progress.lock().unwrap_or_else(|p| p.into_inner());
        let report = Some((
            started.elapsed().as_secs_f64(),
            snap.map(|s| s.objective),
            snap.map(|s| s.unassigned as i64),
        ));
        match heartbeat(state, &id, &job.lease, opts.lease.lease, report).await {
            Ok(Heartbeat::Held { cancel: asked }) => {
                last_held = Instant::now();
                if asked && interrupt == Interrupt::None {
                    tracing::info!(job = %id, "job stopping: cancelled");
                    interrupt = Interrupt::Cancelled;
                    cancel.store(true, Ordering::SeqCst);
                }
            }
            Ok(Heartbeat::Lost) => {
                tracing::warn!(job = %id, worker = %opts.name, "lease lost: another worker has the job; stopping");
                interrupt = Interrupt::Lost;
                cancel.store(true, Ordering::SeqCst);
            }
            Err(e) => {
                tracing::warn!(job = %id, "heartbeat failed: {e}");
                // Unrenewed this long, the lease may be another worker's already.
                if last_held.elapsed() >= opts.lease.lease && interrupt != Interrupt::Lost {
                    tracing::warn!(job = %id, "lease not renewed in time: stopping");
                    interrupt = Interrupt::Lost;
                    cancel.store(true, Ordering::SeqCst);
                }
            }
        }
    };
    let outcome = match (interrupt, result) {
        (Interrupt::Lost, _) => {
            tracing::warn!(job = %id, "result discarded: the job is another worker's");
            return;
        }
        (Interrupt::Shutdown, _) => {
            release(state, &job).await;
            return;
        }
        (_, Ok(Ok(solved))) => {
            let secs = solved.elapsed.as_secs_f64();
            state.0.metrics.solve(secs);
            let (status, stop) = if solved.stop == StopReason::Cancelled {
                (JobStatus::Cancelled, "cancelled")
            } else {
                (JobStatus::Done, stop_name(solved.stop))
            };
            tracing::info!(job = %id, visits, solve_s = secs, stop, "solve finished");
            plan_outcome(status, stop, &solved.plan, secs)
        }
        (_, Ok(Err(e))) => {
            tracing::error!(job = %id, "{e}");
            failed(e.to_string())
        }
        (_, Err(e)) => {
            tracing::error!(job = %id, "solver task failed: {e}");
            failed("the solver stopped unexpectedly".to_string())
        }
    };
    store_outcome(state, opts, &job, outcome).await;
}

async fn heartbeat(
    state: &AppState,
    id: &str,
    token: &str,
    lease: Duration,
    progress: Option<(f64, Option<f64>, Option<i64>)>,
) -> Result<Heartbeat, StoreError> {
    let store = state.0.store.clone();
    let (id, token) = (id.to_string(), token.to_string());
    tokio::task::spawn_blocking(move || match store.shared() {
        Some(pg) => pg.heartbeat(&id, &token, lease, progress),
        None => Ok(Heartbeat::Lost),
    })
    .await
    .unwrap_or(Ok(Heartbeat::Lost))
}

/// Stores the outcome under the lease, retrying with backoff while the database cannot
/// be reached, for as long as the lease could still be this worker's.
async fn store_outcome(state: &AppState, opts: &WorkerOptions, job: &Claimed, outcome: Outcome) {
    let deadline = Instant::now() + opts.lease.lease;
    let mut delay = Duration::from_millis(200);
    loop {
        let store = state.0.store.clone();
        let (id, token, name, o) = (
            job.id.clone(),
            job.lease.clone(),
            opts.name.clone(),
            outcome.clone(),
        );
        let r = tokio::task::spawn_blocking(move || match store.shared() {
            Some(pg) => pg.finish_leased(&id, &token, &name, &o),
            None => Ok(false),
        })
        .await;
        match r {
            Ok(Ok(true)) => {
                tracing::info!(job = %job.id, worker = %opts.name, status = outcome.status.as_str(), "job stored");
                return;
            }
            Ok(Ok(false)) => {
                tracing::warn!(job = %job.id, "result discarded: the job is another worker's");
                return;
            }
            Ok(Err(e)) if Instant::now() + delay < deadline => {
                tracing::warn!(job = %job.id, "cannot store the result: {e}; retrying in {:.1} s", delay.as_secs_f64());
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
            Ok(Err(e)) => {
                tracing::error!(job = %job.id, "cannot store the result: {e}; the job stays running and \
                    another worker takes it when its lease runs out");
                return;
            }
            Err(e) => {
                tracing::error!(job = %job.id, "store task failed: {e}");
                return;
            }
        }
    }
}

async fn release(state: &AppState, job: &Claimed) {
    let store = state.0.store.clone();
    let (id, token) = (job.id.clone(), job.lease.clone());
    let r = tokio::task::spawn_blocking(move || match store.shared() {
        Some(pg) => pg.release(&id, &token),
        None => Ok(false),
    })
    .await;
    match r {
        Ok(Ok(true)) => tracing::info!(job = %job.id, "job handed back to the queue"),
        Ok(Ok(false)) => {}
        Ok(Err(e)) => {
            tracing::warn!(job = %job.id, "cannot hand the job back ({e}): another worker takes it when its lease runs out")
        }
        Err(e) => tracing::error!(job = %job.id, "store task failed: {e}"),
    }
}
