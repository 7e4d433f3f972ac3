//! Retention and erasure: finished jobs are deleted with their problem and plan after the
//! server's retention period, or at once on request. The connection runs with
//! `secure_delete`, so deleted rows are overwritten with zeros rather than left in free
//! pages until a VACUUM, and the WAL is checkpointed and truncated after each deletion so
//! that old copies of the pages do not linger in the log either.

use super::SqliteStore;
use rusqlite::{params, Connection, Result};
use std::time::Duration;

/// Statuses a job never leaves: what retention and erasure may delete.
const FINAL: &str = "('done', 'failed', 'cancelled')";

impl SqliteStore {
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
}

/// Moves the log into the database and empties it, so the pages that held deleted rows
/// (still in the log as they were before the deletion) are gone from disk.
pub(super) fn truncate_wal(c: &Connection) -> Result<()> {
    c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
}

#[cfg(test)]
mod tests {
    use super::super::tests::finished;
    use super::*;
    use crate::api::store::now_ms;

    #[test]
    fn sweep_deletes_only_finished_jobs_past_retention() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqliteStore::open(dir.path()).expect("open");
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
        let store = SqliteStore::open(dir.path()).expect("open");
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
}
