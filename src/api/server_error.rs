//! Why the server cannot start, or cannot keep its data in order while it runs: the one
//! error type of `api` outside request handling (requests answer with [`super::ApiError`]).
//!
//! Each message names the file, address or task and what to do, because it reaches an
//! operator's terminal or log (the CLI turns it into `anyhow` with `?` and prints it). The
//! cause is written into the message rather than chained as a `source`, so a log line
//! formatted with `{}` says as much as the CLI's `{:#}`.

use super::auth::KeysError;
use std::net::SocketAddr;
use std::path::PathBuf;

/// A failure of the server outside a request.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The keys file cannot be read.
    #[error("cannot read keys file {}: {error}", path.display())]
    ReadKeys {
        /// The file as given (`--keys`).
        path: PathBuf,
        /// What the system said.
        error: std::io::Error,
    },
    /// The keys file is not a valid list of keys.
    #[error("keys file {}: {error}", path.display())]
    Keys {
        /// The file as given (`--keys`).
        path: PathBuf,
        /// The entry at fault.
        error: KeysError,
    },
    /// The data directory cannot be created.
    #[error("cannot create data directory {}: {error}", path.display())]
    DataDir {
        /// The directory (`--data-dir`).
        path: PathBuf,
        /// What the system said.
        error: std::io::Error,
    },
    /// The job store database cannot be opened.
    #[error("cannot open job store {}: {error}", path.display())]
    OpenStore {
        /// `jobs.sqlite3` in the data directory.
        path: PathBuf,
        /// What SQLite said.
        error: rusqlite::Error,
    },
    /// The job store opened but its settings or tables cannot be set up.
    #[error("cannot set up job store {}: {error}", path.display())]
    SetUpStore {
        /// `jobs.sqlite3` in the data directory.
        path: PathBuf,
        /// What SQLite said.
        error: rusqlite::Error,
    },
    /// Expired jobs cannot be erased.
    #[error("cannot erase expired jobs: {0}")]
    Sweep(super::store::StoreError),
    /// Jobs cut off by the last stop cannot be read back.
    #[error("cannot recover jobs: {0}")]
    Recover(super::store::StoreError),
    /// The PostgreSQL job store cannot be reached (after retries), refuses the login, or
    /// has a schema newer than this binary.
    #[error("cannot open the job store: {0}")]
    Connect(super::store::StoreError),
    /// A background task (`retention`, `recovery`) panicked or was cancelled.
    #[error("{task} task failed: {error}")]
    Task {
        /// Which task.
        task: &'static str,
        /// How it ended.
        error: tokio::task::JoinError,
    },
    /// A non-loopback address without keys would let anyone on the network solve.
    #[error(
        "refusing to listen on {0} without API keys: pass --keys FILE, or bind a loopback address such as 127.0.0.1"
    )]
    OpenWithoutKeys(SocketAddr),
    /// The address cannot be bound.
    #[error("cannot listen on {addr}: {error}")]
    Listen {
        /// The address (`--addr`).
        addr: SocketAddr,
        /// What the system said.
        error: std::io::Error,
    },
    /// The bound socket's address cannot be read.
    #[error("cannot read the bound address: {0}")]
    LocalAddr(std::io::Error),
    /// Serving stopped with an error.
    #[error("server error: {0}")]
    Serve(std::io::Error),
}
