//! Why a job store statement failed, whichever store it was: what the API turns into a
//! 500 (a bug or a broken database) or a 503 (a database that cannot be reached now,
//! worth a retry), and what workers back off from.

/// A failed store call.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite refused a statement.
    #[error("SQLite job store: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL refused a statement (a constraint, a bad statement: not worth a retry).
    #[error("PostgreSQL job store: {}", chain(.0))]
    Postgres(postgres::Error),
    /// The PostgreSQL server cannot be reached or dropped the connection: retry later.
    #[error("the PostgreSQL job store at {target} cannot be reached: {}", chain(error))]
    Unavailable {
        /// `host:port/database` (never the password).
        target: String,
        /// What the driver said.
        error: postgres::Error,
    },
    /// The database was migrated by a newer carerounds: this one must not write to it.
    #[error(
        "the PostgreSQL job store at {target} has schema version {found}, newer than this \
         carerounds knows ({supported}): upgrade carerounds on this machine (every API and \
         worker process must run a version that knows the schema), or point --store at \
         another database"
    )]
    NewerSchema {
        /// `host:port/database`.
        target: String,
        /// The database's version.
        found: i32,
        /// The newest version this binary knows.
        supported: i32,
    },
}

impl StoreError {
    /// Whether the failure is the database being out of reach (a retry may succeed).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, StoreError::Unavailable { .. })
    }
}

/// The driver's message with its causes ("error connecting to server: Connection refused"):
/// its own `Display` leaves out the cause, which is what an operator needs.
fn chain(error: &postgres::Error) -> String {
    use std::error::Error as _;
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text = format!("{text}: {more}");
        }
        cause = c.source();
    }
    text
}
