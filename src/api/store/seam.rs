//! The one seam between the API and its job store: [`Store`] is SQLite or PostgreSQL,
//! with the same calls, so handlers do not care which. Calls block (run them on
//! `spawn_blocking`, as `api::offload::db` does). What only a shared store does (leases,
//! cancels that reach another process) is on [`PgStore`], reached by [`Store::shared`].

use super::{
    Inserted, JobRow, JobStatus, LogFilter, Outcome, PgStore, Recovered, SqliteStore, StoreError, StoreSpec,
    StoredLog,
};
use crate::api::ServerError;
use crate::monitor::VisitLog;
use std::path::Path;
use std::time::Duration;

type Result<T> = std::result::Result<T, StoreError>;

/// The job store of a process.
// One per process, behind an `Arc`: the size of the larger variant costs nothing.
#[allow(clippy::large_enum_variant)]
pub enum Store {
    /// One process's own SQLite file.
    Sqlite(SqliteStore),
    /// A PostgreSQL database shared by API and worker processes.
    Postgres(PgStore),
}

/// What a DELETE of an unfinished job did on a shared store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelRequest {
    /// It was queued: now cancelled without a plan.
    WasQueued,
    /// It was running but its worker is gone: now cancelled with its best plan so far.
    Orphaned,
    /// It is running: its worker stops at its next heartbeat, keeping its best plan.
    Requested,
    /// It is neither (it finished meanwhile, or it is not the team's).
    NotRunning,
}

macro_rules! both {
    ($self:ident, $s:ident => $call:expr) => {
        match $self {
            Store::Sqlite($s) => $call.map_err(StoreError::from),
            Store::Postgres($s) => $call,
        }
    };
}

impl Store {
    /// Opens (creating if needed) the SQLite store in `dir`.
    pub fn open(dir: &Path) -> std::result::Result<Store, ServerError> {
        SqliteStore::open(dir).map(Store::Sqlite)
    }

    /// Opens the store `spec` names; a PostgreSQL server that cannot be reached is
    /// retried with backoff for up to `wait` (see [`PgStore::connect`]).
    pub fn connect(spec: &StoreSpec, wait: Duration) -> std::result::Result<Store, ServerError> {
        match spec {
            StoreSpec::Sqlite(dir) => Store::open(dir),
            StoreSpec::Postgres(url) => PgStore::connect(url, wait)
                .map(Store::Postgres)
                .map_err(ServerError::Connect),
        }
    }

    /// The shared store, when this is one: jobs are then solved by whichever worker
    /// claims them, not by the process that queued them.
    pub fn shared(&self) -> Option<&PgStore> {
        match self {
            Store::Postgres(pg) => Some(pg),
            Store::Sqlite(_) => None,
        }
    }

    /// Stores a new queued job.
    pub fn insert(&self, id: &str, team: &str, problem_json: &str, visits: usize) -> Result<()> {
        both!(self, s => s.insert(id, team, problem_json, visits))
    }

    /// A job of `team` (None for another team's job: they must not learn it exists).
    pub fn get(&self, id: &str, team: &str) -> Result<Option<JobRow>> {
        both!(self, s => s.get(id, team))
    }

    /// A job's problem JSON.
    pub fn problem(&self, id: &str) -> Result<Option<String>> {
        both!(self, s => s.problem(id))
    }

    /// Marks a job running (SQLite: the process that queued it solves it; on PostgreSQL
    /// a worker's claim does this).
    pub fn set_running(&self, id: &str) -> Result<()> {
        match self {
            Store::Sqlite(s) => s.set_running(id).map_err(StoreError::from),
            Store::Postgres(_) => Ok(()),
        }
    }

    /// Records how a job ended.
    pub fn finish(&self, id: &str, o: &Outcome) -> Result<()> {
        both!(self, s => s.finish(id, o))
    }

    /// Jobs per status.
    pub fn counts(&self) -> Result<Vec<(JobStatus, i64)>> {
        both!(self, s => s.counts())
    }

    /// A page of `team`'s jobs, newest first, without plans.
    pub fn list(&self, team: &str, limit: usize, before: Option<(i64, &str)>) -> Result<Vec<JobRow>> {
        both!(self, s => s.list(team, limit, before))
    }

    /// Re-queues jobs cut off by a crash (SQLite). On PostgreSQL there is nothing to do:
    /// a job cut off is taken by a worker when its lease runs out.
    pub fn recover(&self) -> Result<Recovered> {
        match self {
            Store::Sqlite(s) => s.recover().map_err(StoreError::from),
            Store::Postgres(_) => Ok(Recovered::default()),
        }
    }

    /// Stores the best plan so far of a running job.
    pub fn set_checkpoint(&self, id: &str, plan_json: &str) -> Result<()> {
        both!(self, s => s.set_checkpoint(id, plan_json))
    }

    /// The stored best plan of a job, if any.
    pub fn checkpoint(&self, id: &str) -> Result<Option<String>> {
        both!(self, s => s.checkpoint(id))
    }

    /// Deletes a finished job of `team` with its problem and plan.
    pub fn erase(&self, id: &str, team: &str) -> Result<bool> {
        both!(self, s => s.erase(id, team))
    }

    /// Deletes every job that finished more than `retain` before `now_ms`.
    pub fn sweep(&self, now_ms: i64, retain: Duration) -> Result<usize> {
        both!(self, s => s.sweep(now_ms, retain))
    }

    /// Stores visit logs of `team` (repeats counted, not stored again).
    pub fn insert_logs(&self, team: &str, logs: &[VisitLog], now_ms: i64) -> Result<Inserted> {
        both!(self, s => s.insert_logs(team, logs, now_ms))
    }

    /// `team`'s stored visit logs matching `filter`; at most `limit`.
    pub fn logs(&self, team: &str, filter: &LogFilter, limit: usize) -> Result<Vec<StoredLog>> {
        both!(self, s => s.logs(team, filter, limit))
    }

    /// Deletes `team`'s visit logs matching `filter`.
    pub fn erase_logs(&self, team: &str, filter: &LogFilter) -> Result<usize> {
        both!(self, s => s.erase_logs(team, filter))
    }

    /// Deletes visit logs received more than `retain` before `now_ms`.
    pub fn sweep_logs(&self, now_ms: i64, retain: Duration) -> Result<usize> {
        both!(self, s => s.sweep_logs(now_ms, retain))
    }
}
