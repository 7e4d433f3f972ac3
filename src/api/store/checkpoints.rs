//! The best plan so far of a running job, kept in the store so that a job cut off by a
//! restart resumes from it instead of from scratch. Written at most once a second while
//! the job runs, and cleared when it ends: the finished plan is kept in `plan`, and a
//! checkpoint is client data that should not outlive its use.

use super::SqliteStore;
use rusqlite::{params, OptionalExtension, Result};

impl SqliteStore {
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
        let store = SqliteStore::open(dir.path())?;
        store.insert("a", "north", "{}", 1)?;
        store.set_checkpoint("a", "{\"early\": true}")?;
        assert_eq!(store.checkpoint("a")?, None, "only a running job keeps one");
        store.set_running("a")?;
        store.set_checkpoint("a", "{\"best\": 1}")?;
        assert_eq!(store.checkpoint("a")?.as_deref(), Some("{\"best\": 1}"));
        let outcome = super::super::Outcome {
            status: super::super::JobStatus::Done,
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
        let store = SqliteStore::open(dir.path())?;
        assert_eq!(store.checkpoint("a")?, None);
        Ok(())
    }
}
