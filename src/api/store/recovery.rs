//! Recovery on startup: jobs found `queued` or `running` were cut off by a crash or a stop.
//! They are re-queued (a solve is deterministic for a seed and has no side effects, so
//! re-running it is safe), counting the restart; a job cut off [`MAX_RESTARTS`] times is
//! marked `failed` with the reason instead, so one job that crashes the server cannot
//! crash it forever. The count shows in the job's `restarts`; its `error` stays empty
//! while it runs again (it is not an error, and a client polling for `error` would take
//! it for one).

use super::{now_ms, SqliteStore};
use rusqlite::{params, Result};

/// A job cut off this many times by restarts is failed rather than re-queued.
pub const MAX_RESTARTS: i64 = 3;

/// What [`SqliteStore::recover`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Recovered {
    /// Jobs re-queued, oldest first.
    pub requeued: Vec<String>,
    /// Jobs failed after too many restarts.
    pub failed: Vec<String>,
}

impl SqliteStore {
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
    use crate::api::store::JobStatus;

    #[test]
    fn recovery_requeues_then_gives_up() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqliteStore::open(dir.path()).expect("open");
        store.insert("a", "north", "{}", 3).expect("insert");
        store.insert("b", "north", "{}", 3).expect("insert");
        store.set_running("b").expect("running");
        assert!(store.get("a", "south").expect("get").is_none());
        drop(store);
        for round in 1..MAX_RESTARTS {
            let store = SqliteStore::open(dir.path()).expect("reopen");
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
        let store = SqliteStore::open(dir.path()).expect("reopen");
        let r = store.recover().expect("recover");
        assert_eq!(r.requeued, ["a"]);
        assert_eq!(r.failed, ["b"]);
        let b = store.get("b", "north").expect("get").expect("row");
        assert_eq!(b.status, JobStatus::Failed);
        assert!(b.error.unwrap_or_default().contains("3 times"));
    }
}
