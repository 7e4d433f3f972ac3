//! How a worker takes a job and keeps it: a lease in the job's row (owner, random token,
//! expiry by the database's clock, so workers' clocks do not matter).
//!
//! - Claim: the oldest job whose lease ran out (its worker died: kill -9, a lost machine)
//!   or else the oldest queued job, picked with `FOR UPDATE SKIP LOCKED` so that workers
//!   racing for jobs each get a different one without waiting on each other. A job taken
//!   over counts a restart; one cut off [`MAX_RESTARTS`] times is failed with the reason
//!   instead, so a job that kills its workers cannot kill them all in turn.
//! - Heartbeat: while solving, the worker extends its lease, writes its progress, and
//!   reads whether a DELETE asked it to stop. A heartbeat that finds the token changed
//!   tells the worker it lost the job (its lease ran out and another worker took it).
//! - Finish: the outcome is written only while the token is still the worker's, so a job
//!   is stored as solved once, by the lease holder, however many workers touched it.
//! - Release: a worker that stops (SIGTERM) hands its jobs back to the queue, keeping the
//!   best plan so far for the next worker to resume from.

use super::super::{now_ms, Claimed, Outcome, MAX_RESTARTS};
use super::PgStore;
use crate::api::store::StoreError;
use std::time::Duration;

type Result<T> = std::result::Result<T, StoreError>;

/// How long a lease lasts and how often it is renewed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LeaseSettings {
    /// A job whose worker has not renewed its lease for this long is taken by another.
    pub lease: Duration,
    /// How often a worker renews its leases, reports progress and polls for cancels
    /// (well under `lease`, so that a slow round trip does not lose a job).
    pub heartbeat: Duration,
}

impl Default for LeaseSettings {
    fn default() -> Self {
        LeaseSettings {
            lease: Duration::from_secs(30),
            heartbeat: Duration::from_secs(1),
        }
    }
}

/// What a heartbeat found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heartbeat {
    /// The lease is still this worker's and is extended; `cancel`: a DELETE asked the
    /// job to stop.
    Held {
        /// Stop the solve and keep its best plan.
        cancel: bool,
    },
    /// The lease is no longer this worker's: stop and store nothing.
    Lost,
}

const CLAIM_SET: &str = "status = 'running', lease_owner = $1, lease_token = $2,
    lease_until = clock_timestamp() + make_interval(secs => $3), started_ms = $4,
    progress_elapsed_s = NULL, progress_objective = NULL, progress_unassigned = NULL";

const CLAIMED: &str = "RETURNING id, problem, best_plan, restarts, cancel_requested";

impl PgStore {
    /// Takes one job for `owner` (a name for logs and `finished_by`) under a new lease
    /// `token`; None when nothing is waiting.
    pub fn claim(&self, owner: &str, token: &str, lease: Duration) -> Result<Option<Claimed>> {
        let secs = lease.as_secs_f64();
        let now = now_ms();
        let expired = format!(
            "UPDATE jobs SET restarts = restarts + 1, {CLAIM_SET} WHERE id = (
                SELECT id FROM jobs WHERE status = 'running' AND lease_until < clock_timestamp()
                ORDER BY lease_until LIMIT 1 FOR UPDATE SKIP LOCKED) {CLAIMED}"
        );
        let queued = format!(
            "UPDATE jobs SET {CLAIM_SET} WHERE id = (
                SELECT id FROM jobs WHERE status = 'queued'
                ORDER BY created_ms, id LIMIT 1 FOR UPDATE SKIP LOCKED) {CLAIMED}"
        );
        self.with(|c| {
            // Jobs cut off too often: failed, not taken again.
            c.execute(
                "UPDATE jobs SET status = 'failed', finished_ms = $2, best_plan = NULL,
                 lease_owner = NULL, lease_token = NULL, lease_until = NULL,
                 error = 'workers stopped while solving this job ' || (restarts + 1) || ' times; not retried'
                 WHERE status = 'running' AND lease_until < clock_timestamp() AND restarts + 1 >= $1",
                &[&MAX_RESTARTS, &now],
            )?;
            let mut got = c.query_opt(expired.as_str(), &[&owner, &token, &secs, &now])?;
            if got.is_none() {
                got = c.query_opt(queued.as_str(), &[&owner, &token, &secs, &now])?;
            }
            Ok(got.map(|r| Claimed {
                id: r.get(0),
                problem: r.get(1),
                best_plan: r.get(2),
                restarts: r.get(3),
                lease: token.to_string(),
                cancel: r.get(4),
            }))
        })
    }

    /// Renews the lease `token` of job `id` and stores its progress.
    pub fn heartbeat(
        &self,
        id: &str,
        token: &str,
        lease: Duration,
        progress: Option<(f64, Option<f64>, Option<i64>)>,
    ) -> Result<Heartbeat> {
        let secs = lease.as_secs_f64();
        let (elapsed, objective, unassigned) = match progress {
            Some((e, o, u)) => (Some(e), o, u),
            None => (None, None, None),
        };
        let r = self.with(|c| {
            c.query_opt(
                "UPDATE jobs SET lease_until = clock_timestamp() + make_interval(secs => $3),
                 progress_elapsed_s = $4, progress_objective = $5, progress_unassigned = $6
                 WHERE id = $1 AND lease_token = $2 AND status = 'running' RETURNING cancel_requested",
                &[&id, &token, &secs, &elapsed, &objective, &unassigned],
            )
        })?;
        Ok(match r {
            Some(r) => Heartbeat::Held { cancel: r.get(0) },
            None => Heartbeat::Lost,
        })
    }

    /// Stores how job `id` ended if lease `token` is still held; false (nothing written)
    /// when another worker has the job now.
    pub fn finish_leased(&self, id: &str, token: &str, owner: &str, o: &Outcome) -> Result<bool> {
        let n = self.with(|c| {
            c.execute(
                "UPDATE jobs SET status = $3, plan = $4, error = $5, stop = $6, objective = $7, solve_s = $8,
                 finished_ms = $9, finished_by = $10, best_plan = NULL, lease_owner = NULL, lease_token = NULL,
                 lease_until = NULL, progress_elapsed_s = NULL, progress_objective = NULL,
                 progress_unassigned = NULL
                 WHERE id = $1 AND lease_token = $2 AND status = 'running'",
                &[
                    &id,
                    &token,
                    &o.status.as_str(),
                    &o.plan,
                    &o.error,
                    &o.stop,
                    &o.objective,
                    &o.solve_s,
                    &now_ms(),
                    &owner,
                ],
            )
        })?;
        Ok(n > 0)
    }

    /// Puts job `id` back in the queue if lease `token` is still held (a worker that is
    /// stopping); its best plan so far stays for the next worker.
    pub fn release(&self, id: &str, token: &str) -> Result<bool> {
        let n = self.with(|c| {
            c.execute(
                "UPDATE jobs SET status = 'queued', lease_owner = NULL, lease_token = NULL, lease_until = NULL,
                 started_ms = NULL, progress_elapsed_s = NULL, progress_objective = NULL,
                 progress_unassigned = NULL
                 WHERE id = $1 AND lease_token = $2 AND status = 'running'",
                &[&id, &token],
            )
        })?;
        Ok(n > 0)
    }

    /// Who stored job `id`'s outcome (tests and the fault bench: exactly one worker).
    pub fn finished_by(&self, id: &str) -> Result<Option<String>> {
        self.with(|c| c.query_opt("SELECT finished_by FROM jobs WHERE id = $1", &[&id]))
            .map(|r| r.and_then(|r| r.get(0)))
    }

    /// Makes job `id`'s lease run out now (tests: a worker that died without a trace).
    pub fn expire_lease(&self, id: &str) -> Result<bool> {
        let n = self.with(|c| {
            c.execute(
                "UPDATE jobs SET lease_until = clock_timestamp() - interval '1 second'
                 WHERE id = $1 AND status = 'running'",
                &[&id],
            )
        })?;
        Ok(n > 0)
    }
}
