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
//!
//! Retention ([`Store::sweep`], [`Store::erase`]): finished jobs are deleted with their
//! problem and plan after the server's retention period, or at once on request. The
//! connection runs with `secure_delete`, so deleted rows are overwritten with zeros rather
//! than left in free pages until a VACUUM, and the WAL is checkpointed and truncated after
//! each deletion so that old copies of the pages do not linger in the log either.

use super::ServerError;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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

/// [`COLUMNS`] without the plan (listings never read plan bodies).
const LIST_COLUMNS: &str =
    "id, team, status, visits, NULL, error, stop, objective, solve_s, created_ms, started_ms, finished_ms, restarts";

/// Statuses a job never leaves: what retention and erasure may delete.
const FINAL: &str = "('done', 'failed', 'cancelled')";

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
    pub fn open(dir: &Path) -> std::result::Result<Store, ServerError> {
        std::fs::create_dir_all(dir).map_err(|error| ServerError::DataDir {
            path: dir.into(),
            error,
        })?;
        let path = dir.join("jobs.sqlite3");
        let conn = match Connection::open(&path) {
            Ok(c) => c,
            Err(error) => return Err(ServerError::OpenStore { path, error }),
        };
        Store::init(conn).map_err(|error| ServerError::SetUpStore { path, error })
    }

    fn init(conn: Connection) -> Result<Store> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "secure_delete", "ON")?;
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
            CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status, created_ms);
            CREATE INDEX IF NOT EXISTS jobs_team ON jobs(team, created_ms, id);",
        )?;
        super::checkpoints::migrate(&conn)?;
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    pub(super) fn with<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
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

    /// Deletes a finished job of `team` with its problem and plan; false when there is no
    /// such finished job (unknown, another team's, or still queued or running).
    pub fn erase(&self, id: &str, team: &str) -> Result<bool> {
        self.with(|c| {
            let n = c.execute(
                &format!("DELETE FROM jobs WHERE id = ?1 AND team = ?2 AND status IN {FINAL}"),
                params![id, team],
            )?;
            if n > 0 {
                truncate_wal(c)?;
            }
            Ok(n > 0)
        })
    }

    /// Deletes every job that finished more than `retain` before `now_ms` (Unix ms), with
    /// its problem and plan; returns how many. Queued and running jobs are never deleted.
    pub fn sweep(&self, now_ms: i64, retain: Duration) -> Result<usize> {
        let cutoff = now_ms.saturating_sub(i64::try_from(retain.as_millis()).unwrap_or(i64::MAX));
        self.with(|c| {
            let n = c.execute(
                &format!(
                    "DELETE FROM jobs WHERE status IN {FINAL} AND COALESCE(finished_ms, created_ms) < ?1"
                ),
                params![cutoff],
            )?;
            if n > 0 {
                truncate_wal(c)?;
            }
            Ok(n)
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

/// Moves the log into the database and empties it, so the pages that held deleted rows
/// (still in the log as they were before the deletion) are gone from disk.
fn truncate_wal(c: &Connection) -> Result<()> {
    c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
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

    fn finished(store: &Store, id: &str) {
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
    fn sweep_deletes_only_finished_jobs_past_retention() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(dir.path()).expect("open");
        for id in ["done", "queued", "running"] {
            store.insert(id, "north", "{}", 1).expect("insert");
        }
        finished(&store, "done");
        store.set_running("running").expect("running");
        let day = Duration::from_secs(86_400);
        let now = now_ms();
        // Within the period nothing goes; a day past it only the finished job goes.
        assert_eq!(store.sweep(now + 29 * 86_400_000, 30 * day).expect("sweep"), 0);
        assert_eq!(store.sweep(now + 31 * 86_400_000, 30 * day).expect("sweep"), 1);
        assert!(store.get("done", "north").expect("get").is_none());
        assert!(store.problem("done").expect("problem").is_none());
        for id in ["queued", "running"] {
            assert!(store.get(id, "north").expect("get").is_some(), "{id} kept");
        }
        assert_eq!(store.sweep(now + 365 * 86_400_000, day).expect("sweep"), 0);
    }

    #[test]
    fn erase_leaves_nothing_on_disk() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(dir.path()).expect("open");
        let secret = "Client-Marmaduke-Quokka-Secret";
        let problem = format!(r#"{{"name": "{secret}", "pad": "{}"}}"#, "y".repeat(20_000));
        store.insert("j1", "north", &problem, 1).expect("insert");
        store.insert("j2", "north", "{}", 1).expect("insert");
        // Not finished: not erased.
        assert!(!store.erase("j1", "north").expect("erase"));
        finished(&store, "j1");
        assert!(!store.erase("j1", "south").expect("other team"));
        assert!(store.erase("j1", "north").expect("erase"));
        assert!(store.get("j1", "north").expect("get").is_none());
        assert!(!store.erase("j1", "north").expect("twice"));
        for name in ["jobs.sqlite3", "jobs.sqlite3-wal"] {
            let bytes = std::fs::read(dir.path().join(name)).unwrap_or_default();
            let found = bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
            assert!(!found, "{name} still holds the erased problem");
        }
        assert!(store.get("j2", "north").expect("get").is_some());
    }

    #[test]
    fn list_pages_newest_first_per_team() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(dir.path()).expect("open");
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
