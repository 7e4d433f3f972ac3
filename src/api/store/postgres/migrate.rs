//! Versioned schema migrations, run by every process on start. Each migration runs once,
//! in order, in one transaction with the version it brings recorded in
//! `carerounds_migrations`; a transaction-scoped advisory lock makes processes that start
//! together take turns, so the second finds the work done. A database whose version is
//! newer than [`SCHEMA_VERSION`] was migrated by a newer carerounds and is refused: an
//! older binary writing rows it half understands is how jobs get lost.
//!
//! A migration is never edited once released: a change is a new entry at the end.

use super::super::StoreError;
use postgres::Client;

/// The newest schema this binary knows.
pub const SCHEMA_VERSION: i32 = MIGRATIONS.len() as i32;

/// Advisory lock key of the migrations (any constant: "carerounds" in ASCII, truncated).
const LOCK: i64 = 0x6361_7265_726f_756e;

/// `(name, SQL)` of each version, from 1.
const MIGRATIONS: &[(&str, &str)] = &[("jobs and visit logs", V1)];

/// The job table as the SQLite store has it, plus the lease (owner, token, expiry), the
/// cancel request a worker polls for, the progress its heartbeat writes and the worker
/// that stored the outcome; and the visit logs, as in SQLite.
const V1: &str = "
CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    team TEXT NOT NULL,
    status TEXT NOT NULL,
    problem TEXT NOT NULL,
    visits BIGINT NOT NULL,
    plan TEXT,
    error TEXT,
    stop TEXT,
    objective DOUBLE PRECISION,
    solve_s DOUBLE PRECISION,
    created_ms BIGINT NOT NULL,
    started_ms BIGINT,
    finished_ms BIGINT,
    restarts BIGINT NOT NULL DEFAULT 0,
    best_plan TEXT,
    lease_owner TEXT,
    lease_token TEXT,
    lease_until TIMESTAMPTZ,
    cancel_requested BOOLEAN NOT NULL DEFAULT false,
    progress_elapsed_s DOUBLE PRECISION,
    progress_objective DOUBLE PRECISION,
    progress_unassigned BIGINT,
    finished_by TEXT
);
CREATE INDEX jobs_queued ON jobs (created_ms, id) WHERE status = 'queued';
CREATE INDEX jobs_leased ON jobs (lease_until) WHERE status = 'running';
CREATE INDEX jobs_team ON jobs (team, created_ms, id);
CREATE INDEX jobs_finished ON jobs (finished_ms) WHERE status IN ('done', 'failed', 'cancelled');
CREATE TABLE visit_logs (
    team TEXT NOT NULL,
    staff TEXT NOT NULL,
    visit TEXT NOT NULL DEFAULT '',
    client TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL DEFAULT '',
    day TEXT NOT NULL,
    arrived_s BIGINT NOT NULL,
    started_s BIGINT NOT NULL,
    ended_s BIGINT NOT NULL,
    note TEXT,
    received_ms BIGINT NOT NULL,
    UNIQUE (team, staff, visit, client, date, started_s)
);
CREATE INDEX visit_logs_day ON visit_logs (team, day, staff);
CREATE INDEX visit_logs_received ON visit_logs (received_ms);
";

/// Brings the database to [`SCHEMA_VERSION`]; returns the versions applied now (none
/// when it was up to date).
pub(super) fn run(client: &mut Client, target: &str) -> Result<Vec<i32>, StoreError> {
    let mut tx = client.transaction().map_err(StoreError::Postgres)?;
    let steps = (|| {
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK])?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS carerounds_migrations (
                version INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )",
        )?;
        let found: Option<i32> = tx
            .query_one("SELECT max(version) FROM carerounds_migrations", &[])?
            .get(0);
        Ok::<_, postgres::Error>(found.unwrap_or(0))
    })();
    let found = steps.map_err(StoreError::Postgres)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            target: target.to_string(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    let mut applied = Vec::new();
    for (i, (name, sql)) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = i as i32 + 1;
        tx.batch_execute(sql).map_err(StoreError::Postgres)?;
        tx.execute(
            "INSERT INTO carerounds_migrations (version, name) VALUES ($1, $2)",
            &[&version, name],
        )
        .map_err(StoreError::Postgres)?;
        applied.push(version);
    }
    tx.commit().map_err(StoreError::Postgres)?;
    Ok(applied)
}
