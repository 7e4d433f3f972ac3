//! The durable job store, behind one seam ([`Store`], in `seam`): one SQLite file
//! (`jobs.sqlite3`, WAL journal, `synchronous = FULL`) in the data directory by default,
//! or a PostgreSQL database shared by several API and worker processes (`postgres`). A
//! job's row is written before its id is returned, so a crash (even `kill -9`) never
//! loses an accepted job.
//!
//! This file opens the SQLite store and holds the statements of a job's life (queued,
//! running, finished, listed); the table itself is in `schema`, recovery on startup
//! ([`SqliteStore::recover`]) in `recovery`, retention and erasure
//! ([`SqliteStore::sweep`], [`SqliteStore::erase`]) in `retention`, and a running job's
//! best plan so far in `checkpoints`. Stored visit logs (`POST /v1/visit-logs`) are in
//! `visit_logs`.

mod checkpoints;
mod error;
mod job;
pub mod postgres;
mod recovery;
mod retention;
mod schema;
mod seam;
mod spec;
mod visit_logs;

pub use error::StoreError;
pub use job::{now_ms, Claimed, JobRow, JobStatus, Outcome, StoredProgress};
pub use postgres::PgStore;
pub use recovery::{Recovered, MAX_RESTARTS};
pub use seam::{CancelRequest, Store};
pub use spec::{StoreSpec, StoreSpecError};
pub use visit_logs::{utc_day, Inserted, LogFilter, StoredLog};

use super::ServerError;
use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;
use std::sync::Mutex;

/// The SQLite job store. One connection behind a mutex: every statement is short.
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

type Result<T> = rusqlite::Result<T>;

const COLUMNS: &str =
    "id, team, status, visits, plan, error, stop, objective, solve_s, created_ms, started_ms, finished_ms, restarts";

/// [`COLUMNS`] without the plan (listings never read plan bodies).
const LIST_COLUMNS: &str =
    "id, team, status, visits, NULL, error, stop, objective, solve_s, created_ms, started_ms, finished_ms, restarts";

fn row(r: &rusqlite::Row) -> Result<JobRow> {
    let status: String = r.get(2)?;
    Ok(JobRow {
        id: r.get(0)?,
        team: r.get(1)?,
        status: JobStatus::parse(&status),
        visits: r.get(3)?,
        plan: r.get(4)?,
        error: r.get(5)?,
        stop: r.get(6)?,
        objective: r.get(7)?,
        solve_s: r.get(8)?,
        created_ms: r.get(9)?,
        started_ms: r.get(10)?,
        finished_ms: r.get(11)?,
        restarts: r.get(12)?,
        progress: None,
    })
}

impl SqliteStore {
    /// Opens (creating if needed) `jobs.sqlite3` in `dir`.
    pub fn open(dir: &Path) -> std::result::Result<SqliteStore, ServerError> {
        std::fs::create_dir_all(dir).map_err(|error| ServerError::DataDir {
            path: dir.into(),
            error,
        })?;
        let path = dir.join("jobs.sqlite3");
        let conn = match Connection::open(&path) {
            Ok(c) => c,
            Err(error) => return Err(ServerError::OpenStore { path, error }),
        };
        SqliteStore::init(conn).map_err(|error| ServerError::SetUpStore { path, error })
    }

    fn init(conn: Connection) -> Result<SqliteStore> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "secure_delete", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        schema::create(&conn)?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
        })
    }

    fn with<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        // A panic while holding the lock leaves the connection usable: SQLite rolls back.
        let guard = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        f(&guard)
    }

    /// Stores a new queued job.
    pub fn insert(&self, id: &str, team: &str, problem_json: &str, visits: usize) -> Result<()> {
        self.with(|c| {
            c.execute(
                "INSERT INTO jobs (id, team, status, problem, visits, created_ms) VALUES (?1, ?2, 'queued', ?3, ?4, ?5)",
                params![id, team, problem_json, visits as i64, now_ms()],
            )
            .map(|_| ())
        })
    }

    /// A job of `team` (None for another team's job: they must not learn it exists).
    pub fn get(&self, id: &str, team: &str) -> Result<Option<JobRow>> {
        self.with(|c| {
            c.query_row(
                &format!("SELECT {COLUMNS} FROM jobs WHERE id = ?1 AND team = ?2"),
                params![id, team],
                row,
            )
            .optional()
        })
    }

    /// A job's problem JSON.
    pub fn problem(&self, id: &str) -> Result<Option<String>> {
        self.with(|c| {
            c.query_row("SELECT problem FROM jobs WHERE id = ?1", params![id], |r| {
                r.get(0)
            })
            .optional()
        })
    }

    /// Marks a job running.
    pub fn set_running(&self, id: &str) -> Result<()> {
        self.with(|c| {
            c.execute(
                "UPDATE jobs SET status = 'running', started_ms = ?2 WHERE id = ?1",
                params![id, now_ms()],
            )
            .map(|_| ())
        })
    }

    /// Records how a job ended.
    pub fn finish(&self, id: &str, o: &Outcome) -> Result<()> {
        self.with(|c| {
            c.execute(
                "UPDATE jobs SET status = ?2, plan = ?3, error = ?4, stop = ?5, objective = ?6, solve_s = ?7,
                 finished_ms = ?8, best_plan = NULL WHERE id = ?1",
                params![
                    id,
                    o.status.as_str(),
                    o.plan,
                    o.error,
                    o.stop,
                    o.objective,
                    o.solve_s,
                    now_ms()
                ],
            )
            .map(|_| ())
        })
    }

    /// Jobs per status.
    pub fn counts(&self) -> Result<Vec<(JobStatus, i64)>> {
        self.with(|c| {
            let mut st = c.prepare_cached("SELECT status, COUNT(*) FROM jobs GROUP BY status")?;
            let rows = st.query_map([], |r| Ok((JobStatus::parse(&r.get::<_, String>(0)?), r.get(1)?)))?;
            rows.collect()
        })
    }

    /// A page of `team`'s jobs, newest first (by creation time, then id), without plans:
    /// at most `limit`, and only those before `before` (the last row of the previous page).
    pub fn list(&self, team: &str, limit: usize, before: Option<(i64, &str)>) -> Result<Vec<JobRow>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.with(|c| {
            let rows = match before {
                None => {
                    let mut st = c.prepare_cached(&format!(
                        "SELECT {LIST_COLUMNS} FROM jobs WHERE team = ?1
                         ORDER BY created_ms DESC, id DESC LIMIT ?2"
                    ))?;
                    let rows = st.query_map(params![team, limit], row)?;
                    rows.collect()
                }
                Some((created_ms, id)) => {
                    let mut st = c.prepare_cached(&format!(
                        "SELECT {LIST_COLUMNS} FROM jobs WHERE team = ?1 AND (created_ms, id) < (?2, ?3)
                         ORDER BY created_ms DESC, id DESC LIMIT ?4"
                    ))?;
                    let rows = st.query_map(params![team, created_ms, id, limit], row)?;
                    rows.collect()
                }
            };
            rows
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Marks `id` done with a plan.
    pub(super) fn finished(store: &SqliteStore, id: &str) {
        let o = Outcome {
            status: JobStatus::Done,
            plan: Some("{}".into()),
            error: None,
            stop: Some("completed".into()),
            objective: Some(1.0),
            solve_s: Some(0.1),
        };
        store.finish(id, &o).expect("finish");
    }

    #[test]
    fn list_pages_newest_first_per_team() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqliteStore::open(dir.path()).expect("open");
        for i in 0..5 {
            store.insert(&format!("n{i}"), "north", "{}", i).expect("insert");
            std::thread::sleep(Duration::from_millis(2));
        }
        store.insert("s0", "south", "{}", 1).expect("insert");
        finished(&store, "n4");
        let first = store.list("north", 2, None).expect("list");
        let ids: Vec<&str> = first.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["n4", "n3"]);
        assert!(first[0].plan.is_none(), "listings carry no plan");
        let last = &first[1];
        let rest = store
            .list("north", 10, Some((last.created_ms, &last.id)))
            .expect("list");
        let ids: Vec<&str> = rest.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["n2", "n1", "n0"]);
        let south = store.list("south", 10, None).expect("list");
        assert_eq!(south.len(), 1);
    }
}
