//! The store's tables (`jobs`, `visit_logs`) in one place: created as it stands today, and brought up to date when
//! a store made by an older server is opened. A column added later is added here twice:
//! in the `CREATE TABLE` for new stores and as a migration for old ones.

use rusqlite::{Connection, Result};

/// Creates the table and its indexes where they are missing, then runs the migrations
/// (each idempotent, so opening a store twice is harmless).
pub(super) fn create(conn: &Connection) -> Result<()> {
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
    add_best_plan(conn)?;
    add_visit_logs(conn)
}

/// Adds the `best_plan` column (a running job's checkpoint) to a store made before it
/// existed.
fn add_best_plan(conn: &Connection) -> Result<()> {
    let has = conn
        .prepare("SELECT 1 FROM pragma_table_info('jobs') WHERE name = 'best_plan'")?
        .exists([])?;
    if !has {
        conn.execute_batch("ALTER TABLE jobs ADD COLUMN best_plan TEXT")?;
    }
    Ok(())
}

/// Adds the `visit_logs` table (see `visit_logs`) to a store made before it existed. Ids
/// and times only: no coordinates. Absent ids are `''` so the UNIQUE key holds for them.
fn add_visit_logs(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS visit_logs (
            team TEXT NOT NULL,
            staff TEXT NOT NULL,
            visit TEXT NOT NULL DEFAULT '',
            client TEXT NOT NULL DEFAULT '',
            date TEXT NOT NULL DEFAULT '',
            day TEXT NOT NULL,
            arrived_s INTEGER NOT NULL,
            started_s INTEGER NOT NULL,
            ended_s INTEGER NOT NULL,
            note TEXT,
            received_ms INTEGER NOT NULL,
            UNIQUE (team, staff, visit, client, date, started_s)
        );
        CREATE INDEX IF NOT EXISTS visit_logs_day ON visit_logs(team, day, staff);
        CREATE INDEX IF NOT EXISTS visit_logs_received ON visit_logs(received_ms);",
    )
}
