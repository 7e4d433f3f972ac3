//! The durable job store: one SQLite file (`jobs.sqlite3`, WAL journal, `synchronous =
//! FULL`) in the data directory. A job's row is written before its id is returned, so a
//! crash (even `kill -9`) never loses an accepted job.
//!
//! Recovery on startup ([`Store::recover`]): jobs found `queued` or `running` were cut off
//! by a crash or a stop. They are re-queued (a solve is deterministic for a seed and has
//! no side effects, so re-running it is safe), counting the restart; a job cut off
//! [`MAX_RESTARTS`] times is marked `failed` with the reason instead, so one job that
//! crashes the server cannot crash it forever. The count shows in the job's `restarts`;
//! its `error` stays empty while it runs again (it is not an error, and a client polling
//! for `error` would take it for one).

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// A job cut off this many times by restarts is failed rather than re-queued.
pub const MAX_RESTARTS: i64 = 3;

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Waiting for a solver slot.
    Queued,
    /// Being solved.
    Running,
    /// Solved: the plan is there.
    Done,
    /// Could not be solved: the error says why.
    Failed,
    /// Stopped by DELETE: the best plan found so far is there if the solve had started.
    Cancelled,
}

impl JobStatus {
    /// Every status, in order.
    pub const ALL: [JobStatus; 5] = [
        JobStatus::Queued,
        JobStatus::Running,
        JobStatus::Done,
        JobStatus::Failed,
        JobStatus::Cancelled,
    ];

    /// As stored and serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Failed => "failed",
            JobStatus::Cancelled => "cancelled",
        }
    }

    fn parse(s: &str) -> JobStatus {
        match s {
            "queued" => JobStatus::Queued,
            "running" => JobStatus::Running,
            "done" => JobStatus::Done,
            "cancelled" => JobStatus::Cancelled,
            _ => JobStatus::Failed,
        }
    }

    /// Whether the job will not change any more.
    pub fn is_final(self) -> bool {
        matches!(self, JobStatus::Done | JobStatus::Failed | JobStatus::Cancelled)
    }
}

/// A stored job, without its problem.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRow {
    /// Job id.
    pub id: String,
    /// Owning team.
    pub team: String,
    /// Status.
    pub status: JobStatus,
    /// Visits in the problem.
    pub visits: i64,
    /// The plan JSON, when there is one.
    pub plan: Option<String>,
    /// Why the job failed (or a note on how it ended).
    pub error: Option<String>,
    /// Why the solver stopped: `completed`, `time_limit`, `cancelled`, `shutdown`.
    pub stop: Option<String>,
    /// Objective of the stored plan.
    pub objective: Option<f64>,
    /// Solve seconds.
    pub solve_s: Option<f64>,
    /// Unix milliseconds.
    pub created_ms: i64,
    /// Unix milliseconds.
    pub started_ms: Option<i64>,
    /// Unix milliseconds.
    pub finished_ms: Option<i64>,
    /// Times the job was re-queued after a restart.
    pub restarts: i64,
}

/// How a job ended.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Final status.
    pub status: JobStatus,
    /// Plan JSON.
    pub plan: Option<String>,
    /// Error or note.
    pub error: Option<String>,
    /// Stop reason.
    pub stop: Option<String>,
    /// Objective of the plan.
    pub objective: Option<f64>,
    /// Solve seconds.
    pub solve_s: Option<f64>,
}

/// What [`Store::recover`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Recovered {
    /// Jobs re-queued, oldest first.
    pub requeued: Vec<String>,
    /// Jobs failed after too many restarts.
    pub failed: Vec<String>,
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The SQLite job store. One connection behind a mutex: every statement is short.
pub struct Store {
    conn: Mutex<Connection>,
}

type Result<T> = rusqlite::Result<T>;

const COLUMNS: &str =
    "id, team, status, visits, plan, error, stop, objective, solve_s, created_ms, started_ms, finished_ms, restarts";

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
    })
}

impl Store {
    /// Opens (creating if needed) `jobs.sqlite3` in `dir`.
    pub fn open(dir: &Path) -> anyhow::Result<Store> {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("cannot create data directory {}: {e}", dir.display()))?;
        let path = dir.join("jobs.sqlite3");
        let conn = Connection::open(&path)
            .map_err(|e| anyhow::anyhow!("cannot open job store {}: {e}", path.display()))?;
        Store::init(conn).map_err(|e| anyhow::anyhow!("cannot set up job store {}: {e}", path.display()))
    }

    fn init(conn: Connection) -> Result<Store> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS jobs (
                id TEXT PRIMARY KEY,
                team TEXT NOT NULL,
                status TEXT NOT NULL,
                problem TEXT NOT NULL,
                visits INTEGER NOT NULL,
                plan TEXT,
                error TEXT,
                stop TEXT,
                objective REAL,
                solve_s REAL,
                created_ms INTEGER NOT NULL,
                started_ms INTEGER,
                finished_ms INTEGER,
                restarts INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status, created_ms);",
        )?;
        Ok(Store {
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
                 finished_ms = ?8 WHERE id = ?1",
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

    /// Re-queues jobs cut off by a crash or stop (see the module docs); returns the
    /// queued jobs to run, oldest first, and those failed.
    pub fn recover(&self) -> Result<Recovered> {
        self.with(|c| {
            let tx = c.unchecked_transaction()?;
            let failed: Vec<String> = {
                let mut st = tx.prepare(
                    "SELECT id FROM jobs WHERE status = 'running' AND restarts + 1 >= ?1 ORDER BY created_ms, id",
                )?;
                let ids = st.query_map(params![MAX_RESTARTS], |r| r.get(0))?;
                ids.collect::<Result<_>>()?
            };
            tx.execute(
                "UPDATE jobs SET status = 'failed', finished_ms = ?2,
                 error = 'the server stopped while solving this job ' || (restarts + 1) || ' times; not retried'
                 WHERE status = 'running' AND restarts + 1 >= ?1",
                params![MAX_RESTARTS, now_ms()],
            )?;
            tx.execute(
                "UPDATE jobs SET status = 'queued', restarts = restarts + 1, started_ms = NULL,
                 error = NULL WHERE status = 'running'",
                [],
            )?;
            let requeued: Vec<String> = {
                let mut st = tx.prepare("SELECT id FROM jobs WHERE status = 'queued' ORDER BY created_ms, id")?;
                let ids = st.query_map([], |r| r.get(0))?;
                ids.collect::<Result<_>>()?
            };
            tx.commit()?;
            Ok(Recovered { requeued, failed })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_requeues_then_gives_up() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(dir.path()).expect("open");
        store.insert("a", "north", "{}", 3).expect("insert");
        store.insert("b", "north", "{}", 3).expect("insert");
        store.set_running("b").expect("running");
        assert!(store.get("a", "south").expect("get").is_none());
        drop(store);
        for round in 1..MAX_RESTARTS {
            let store = Store::open(dir.path()).expect("reopen");
            let r = store.recover().expect("recover");
            assert_eq!(r.requeued, ["a", "b"], "round {round}");
            let b = store.get("b", "north").expect("get").expect("row");
            assert_eq!(
                (b.status, b.restarts),
                (JobStatus::Queued, round),
                "round {round}"
            );
            assert_eq!(b.error, None, "a restart is not an error");
            store.set_running("b").expect("running");
        }
        let store = Store::open(dir.path()).expect("reopen");
        let r = store.recover().expect("recover");
        assert_eq!(r.requeued, ["a"]);
        assert_eq!(r.failed, ["b"]);
        let b = store.get("b", "north").expect("get").expect("row");
        assert_eq!(b.status, JobStatus::Failed);
        assert!(b.error.unwrap_or_default().contains("3 times"));
    }
}
