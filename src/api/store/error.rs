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
    #[error("PostgreSQL job store: {0}")]
    Postgres(postgres::Error),
    /// The PostgreSQL server cannot be reached or dropped the connection: retry later.
    #[error("the PostgreSQL job store at {target} cannot be reached: {error}")]
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
