//! Which job store a process uses, from `--store`: `sqlite:PATH` (a data directory, as
//! `--data-dir` gives it) or a `postgres://` URL. Parsed before anything starts, so a
//! typo is an input error naming the flag rather than a failure to connect.

use std::path::PathBuf;
use std::str::FromStr;

/// A job store to open.
#[derive(Clone, PartialEq, Eq)]
pub enum StoreSpec {
    /// SQLite in this data directory (`jobs.sqlite3` inside).
    Sqlite(PathBuf),
    /// PostgreSQL at this URL (`postgres://user:password@host:port/database`).
    Postgres(String),
}

/// A `--store` value that is neither form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreSpecError {
    /// Not `sqlite:` nor `postgres://`.
    #[error("expected sqlite:DIR (a data directory) or postgres://USER@HOST:PORT/DATABASE, got {0:?}")]
    Scheme(String),
    /// `sqlite:` with nothing after it.
    #[error("sqlite: needs a data directory, e.g. sqlite:./carerounds-data")]
    EmptyPath,
    /// A PostgreSQL URL the driver cannot read (the password is not repeated).
    #[error("not a PostgreSQL URL the driver can read ({0}); write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE")]
    Url(String),
}

impl FromStr for StoreSpec {
    type Err = StoreSpecError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(path) = s.strip_prefix("sqlite:") {
            if path.is_empty() {
                return Err(StoreSpecError::EmptyPath);
            }
            return Ok(StoreSpec::Sqlite(PathBuf::from(path)));
        }
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            return match postgres::Config::from_str(s) {
                Ok(_) => Ok(StoreSpec::Postgres(s.to_string())),
                // The driver's message does not echo the URL (and so no password).
                Err(e) => Err(StoreSpecError::Url(e.to_string())),
            };
        }
        Err(StoreSpecError::Scheme(s.to_string()))
    }
}

impl std::fmt::Debug for StoreSpec {
    /// Never prints a PostgreSQL password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreSpec::Sqlite(p) => write!(f, "sqlite:{}", p.display()),
            StoreSpec::Postgres(url) => write!(f, "postgres {}", super::postgres::target_of(url)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_parse_and_others_name_the_flag() {
        assert_eq!(
            "sqlite:./d".parse::<StoreSpec>(),
            Ok(StoreSpec::Sqlite("./d".into()))
        );
        let pg: StoreSpec = "postgres://u:secret@db:5433/rounds".parse().expect("url");
        let shown = format!("{pg:?}");
        assert!(
            shown.contains("db:5433/rounds") && !shown.contains("secret"),
            "{shown}"
        );
        let e = "mysql://x".parse::<StoreSpec>().unwrap_err().to_string();
        assert!(e.contains("sqlite:DIR"), "{e}");
        assert_eq!("sqlite:".parse::<StoreSpec>(), Err(StoreSpecError::EmptyPath));
    }
}
