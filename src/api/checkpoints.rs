//! The best plan so far of a running job, kept in the store so that a job cut off by a
//! restart resumes from it instead of from scratch. Written at most once a second while
//! the job runs, and cleared when it ends: the finished plan is kept in `plan`, and a
//! checkpoint is client data that should not outlive its use.

use super::store::Store;
use rusqlite::{params, Connection, OptionalExtension, Result};

/// Adds the `best_plan` column to a store made before it existed (idempotent).
pub(super) fn migrate(conn: &Connection) -> Result<()> {
    let has = conn
        .prepare("SELECT 1 FROM pragma_table_info('jobs') WHERE name = 'best_plan'")?
        .exists([])?;
    if !has {
        conn.execute_batch("ALTER TABLE jobs ADD COLUMN best_plan TEXT")?;
    }
    Ok(())
}

impl Store {
    /// Stores the best plan so far of a running job.
    pub fn set_checkpoint(&self, id: &str, plan_json: &str) -> Result<()> {
        self.with(|c| {
            c.execute(
                "UPDATE jobs SET best_plan = ?2 WHERE id = ?1 AND status = 'running'",
                params![id, plan_json],
            )
            .map(|_| ())
        })
    }

    /// The stored best plan of a job, if any.
    pub fn checkpoint(&self, id: &str) -> Result<Option<String>> {
        self.with(|c| {
            c.query_row("SELECT best_plan FROM jobs WHERE id = ?1", params![id], |r| {
                r.get(0)
            })
            .optional()
            .map(Option::flatten)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_is_kept_while_running_and_cleared_when_the_job_ends(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let store = Store::open(dir.path())?;
        store.insert("a", "north", "{}", 1)?;
        store.set_checkpoint("a", "{\"early\": true}")?;
        assert_eq!(store.checkpoint("a")?, None, "only a running job keeps one");
        store.set_running("a")?;
        store.set_checkpoint("a", "{\"best\": 1}")?;
        assert_eq!(store.checkpoint("a")?.as_deref(), Some("{\"best\": 1}"));
        let outcome = super::super::store::Outcome {
            status: super::super::store::JobStatus::Done,
            plan: Some("{}".into()),
            error: None,
            stop: None,
            objective: None,
            solve_s: None,
        };
        store.finish("a", &outcome)?;
        assert_eq!(store.checkpoint("a")?, None);
        drop(store);
        // Reopening an existing store runs the migration again without harm.
        let store = Store::open(dir.path())?;
        assert_eq!(store.checkpoint("a")?, None);
        Ok(())
    }
}
