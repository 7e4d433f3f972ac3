//! The statements of a job's life on PostgreSQL that the API processes run: queue, read,
//! list, count, cancel, finish a queued job, erase, sweep; the same as SQLite's (see
//! `store`), with the progress the worker's heartbeat writes read back. Workers' own
//! statements (claim, heartbeat, finish under the lease) are in `lease`.
//!
//! Erasure deletes the rows at once; PostgreSQL overwrites their space only when
//! (auto)vacuum reuses it, so a deployment that must not keep erased data on disk runs
//! on encrypted storage (README).

use super::super::{now_ms, JobRow, JobStatus, Outcome, StoredProgress};
use super::PgStore;
use crate::api::store::{CancelRequest, StoreError};
use postgres::Row;
use std::time::Duration;

type Result<T> = std::result::Result<T, StoreError>;

const COLUMNS: &str =
    "id, team, status, visits, plan, error, stop, objective, solve_s, created_ms, started_ms,
     finished_ms, restarts, progress_elapsed_s, progress_objective, progress_unassigned";

const LIST_COLUMNS: &str =
    "id, team, status, visits, NULL::text, error, stop, objective, solve_s, created_ms,
     started_ms, finished_ms, restarts, progress_elapsed_s, progress_objective, progress_unassigned";

const FINAL: &str = "('done', 'failed', 'cancelled')";

fn row(r: &Row) -> JobRow {
    let status: String = r.get(2);
    let status = JobStatus::parse(&status);
    let elapsed: Option<f64> = r.get(13);
    JobRow {
        id: r.get(0),
        team: r.get(1),
        status,
        visits: r.get(3),
        plan: r.get(4),
        error: r.get(5),
        stop: r.get(6),
        objective: r.get(7),
        solve_s: r.get(8),
        created_ms: r.get(9),
        started_ms: r.get(10),
        finished_ms: r.get(11),
        restarts: r.get(12),
        progress: elapsed
            .filter(|_| status == JobStatus::Running)
            .map(|elapsed_s| StoredProgress {
                elapsed_s,
                objective: r.get(14),
                unassigned: r.get(15),
            }),
    }
}

impl PgStore {
    /// Stores a new queued job.
    pub fn insert(&self, id: &str, team: &str, problem_json: &str, visits: usize) -> Result<()> {
        let visits = visits as i64;
        self.with(|c| {
            c.execute(
                "INSERT INTO jobs (id, team, status, problem, visits, created_ms) VALUES ($1, $2, 'queued', $3, $4, $5)",
                &[&id, &team, &problem_json, &visits, &now_ms()],
            )
        })
        .map(|_| ())
    }

    /// A job of `team` (None for another team's job).
    pub fn get(&self, id: &str, team: &str) -> Result<Option<JobRow>> {
        let sql = format!("SELECT {COLUMNS} FROM jobs WHERE id = $1 AND team = $2");
        self.with(|c| c.query_opt(sql.as_str(), &[&id, &team]))
            .map(|r| r.as_ref().map(row))
    }

    /// A job's problem JSON.
    pub fn problem(&self, id: &str) -> Result<Option<String>> {
        self.with(|c| c.query_opt("SELECT problem FROM jobs WHERE id = $1", &[&id]))
            .map(|r| r.map(|r| r.get(0)))
    }

    /// Records how a job ended, whoever holds it: for the API's own writes (a queued job
    /// cancelled). A worker finishes under its lease instead ([`PgStore::finish_leased`]).
    pub fn finish(&self, id: &str, o: &Outcome) -> Result<()> {
        self.with(|c| {
            c.execute(
                "UPDATE jobs SET status = $2, plan = $3, error = $4, stop = $5, objective = $6, solve_s = $7,
                 finished_ms = $8, best_plan = NULL, lease_owner = NULL, lease_token = NULL, lease_until = NULL
                 WHERE id = $1",
                &[&id, &o.status.as_str(), &o.plan, &o.error, &o.stop, &o.objective, &o.solve_s, &now_ms()],
            )
        })
        .map(|_| ())
    }

    /// Jobs per status.
    pub fn counts(&self) -> Result<Vec<(JobStatus, i64)>> {
        let rows = self.with(|c| c.query("SELECT status, COUNT(*) FROM jobs GROUP BY status", &[]))?;
        Ok(rows
            .iter()
            .map(|r| (JobStatus::parse(&r.get::<_, String>(0)), r.get(1)))
            .collect())
    }

    /// A page of `team`'s jobs, newest first, without plans (see `SqliteStore::list`).
    pub fn list(&self, team: &str, limit: usize, before: Option<(i64, &str)>) -> Result<Vec<JobRow>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = match before {
            None => {
                let sql = format!(
                    "SELECT {LIST_COLUMNS} FROM jobs WHERE team = $1 ORDER BY created_ms DESC, id DESC LIMIT $2"
                );
                self.with(|c| c.query(sql.as_str(), &[&team, &limit]))?
            }
            Some((created_ms, id)) => {
                let sql = format!(
                    "SELECT {LIST_COLUMNS} FROM jobs WHERE team = $1 AND (created_ms, id) < ($2, $3)
                     ORDER BY created_ms DESC, id DESC LIMIT $4"
                );
                self.with(|c| c.query(sql.as_str(), &[&team, &created_ms, &id, &limit]))?
            }
        };
        Ok(rows.iter().map(row).collect())
    }

    /// Stores the best plan so far of a running job (any worker's: a stale worker's
    /// write is still a plan of the same problem, and the next heartbeat stops it).
    pub fn set_checkpoint(&self, id: &str, plan_json: &str) -> Result<()> {
        self.with(|c| {
            c.execute(
                "UPDATE jobs SET best_plan = $2 WHERE id = $1 AND status = 'running'",
                &[&id, &plan_json],
            )
        })
        .map(|_| ())
    }

    /// The stored best plan of a job, if any.
    pub fn checkpoint(&self, id: &str) -> Result<Option<String>> {
        self.with(|c| c.query_opt("SELECT best_plan FROM jobs WHERE id = $1", &[&id]))
            .map(|r| r.and_then(|r| r.get(0)))
    }

    /// DELETE of a job that is not finished, decided in the database so that it holds
    /// whichever process runs the job: a queued job is cancelled at once; a running one
    /// whose worker is gone (lease run out) is cancelled with its best plan so far; a
    /// running one is flagged, and its worker stops at its next heartbeat.
    pub fn request_cancel(&self, id: &str, team: &str) -> Result<CancelRequest> {
        let now = now_ms();
        self.with(|c| {
            let n = c.execute(
                "UPDATE jobs SET status = 'cancelled', error = 'cancelled before its solve started',
                 stop = 'cancelled', finished_ms = $3 WHERE id = $1 AND team = $2 AND status = 'queued'",
                &[&id, &team, &now],
            )?;
            if n > 0 {
                return Ok(CancelRequest::WasQueued);
            }
            let n = c.execute(
                "UPDATE jobs SET status = 'cancelled', plan = best_plan, best_plan = NULL, stop = 'cancelled',
                 finished_ms = $3, lease_owner = NULL, lease_token = NULL, lease_until = NULL
                 WHERE id = $1 AND team = $2 AND status = 'running' AND lease_until < clock_timestamp()",
                &[&id, &team, &now],
            )?;
            if n > 0 {
                return Ok(CancelRequest::Orphaned);
            }
            let n = c.execute(
                "UPDATE jobs SET cancel_requested = true WHERE id = $1 AND team = $2 AND status = 'running'",
                &[&id, &team],
            )?;
            Ok(if n > 0 {
                CancelRequest::Requested
            } else {
                CancelRequest::NotRunning
            })
        })
    }

    /// Deletes a finished job of `team`; false when there is no such finished job.
    pub fn erase(&self, id: &str, team: &str) -> Result<bool> {
        let sql = format!("DELETE FROM jobs WHERE id = $1 AND team = $2 AND status IN {FINAL}");
        self.with(|c| c.execute(sql.as_str(), &[&id, &team]))
            .map(|n| n > 0)
    }

    /// Deletes every job that finished more than `retain` before `now_ms`.
    pub fn sweep(&self, now_ms: i64, retain: Duration) -> Result<usize> {
        let cutoff = now_ms.saturating_sub(i64::try_from(retain.as_millis()).unwrap_or(i64::MAX));
        let sql =
            format!("DELETE FROM jobs WHERE status IN {FINAL} AND COALESCE(finished_ms, created_ms) < $1");
        self.with(|c| c.execute(sql.as_str(), &[&cutoff]))
            .map(|n| n as usize)
    }
}
