//! The PostgreSQL job store: one database shared by any number of API processes
//! (`serve --store postgres://…`) and worker processes (`worker`), which take queued jobs
//! under a lease (`lease`). The API processes hold no job state of their own, so any of
//! them answers for any job, and one can restart while workers run.
//!
//! The driver is the synchronous `postgres` crate: the store's callers already run store
//! calls on `spawn_blocking` (see `api::offload`), as for SQLite, so one seam serves both.
//! Connections are kept in a small pool of idle clients; a client the server closed
//! (a restart, a network cut) is dropped and the call retried once on a new one. A server
//! that cannot be reached is [`StoreError::Unavailable`]: the API answers 503, workers
//! back off and retry; at start [`PgStore::connect`] retries with backoff for a while.
//!
//! Tables are made and upgraded by `migrate`; job statements are in `jobs`, the worker's
//! lease in `lease`, visit logs in `visit_logs`.

mod jobs;
mod lease;
mod migrate;
mod visit_logs;

pub use lease::{Heartbeat, LeaseSettings};
pub use migrate::SCHEMA_VERSION;

use super::StoreError;
use postgres::{Client, Config, NoTls};
use std::str::FromStr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Idle connections kept for reuse.
const MAX_IDLE: usize = 16;

/// The PostgreSQL job store.
pub struct PgStore {
    config: Config,
    target: String,
    idle: Mutex<Vec<Client>>,
}

/// `host:port/database` of a URL, for messages (never the password).
pub fn target_of(url: &str) -> String {
    match Config::from_str(url) {
        Ok(c) => describe(&c),
        Err(_) => "(unreadable URL)".into(),
    }
}

fn describe(c: &Config) -> String {
    let host = c
        .get_hosts()
        .first()
        .map(|h| match h {
            postgres::config::Host::Tcp(s) => s.clone(),
            #[cfg(unix)]
            postgres::config::Host::Unix(p) => p.display().to_string(),
        })
        .unwrap_or_else(|| "localhost".into());
    let port = c.get_ports().first().copied().unwrap_or(5432);
    let db = c.get_dbname().or(c.get_user()).unwrap_or("postgres");
    format!("{host}:{port}/{db}")
}

impl PgStore {
    /// Connects to `url` and brings its tables up to date, retrying with backoff (0.2 s
    /// doubling to 5 s) for up to `wait` while the server cannot be reached: a worker
    /// started with its database (a reboot, a container start) waits for it rather than
    /// exiting. A refused login, a bad database name or a newer schema fail at once.
    pub fn connect(url: &str, wait: Duration) -> Result<PgStore, StoreError> {
        let mut config = Config::from_str(url).map_err(StoreError::Postgres)?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(5));
        }
        if config.get_application_name().is_none() {
            config.application_name("carerounds");
        }
        let store = PgStore {
            target: describe(&config),
            config,
            idle: Mutex::new(Vec::new()),
        };
        let deadline = Instant::now() + wait;
        let mut delay = Duration::from_millis(200);
        let mut client = loop {
            match store.open() {
                Ok(c) => break c,
                Err(e) if e.is_unavailable() && Instant::now() + delay < deadline => {
                    tracing::warn!("{e}; retrying in {:.1} s", delay.as_secs_f64());
                    std::thread::sleep(delay);
                    delay = (delay * 2).min(Duration::from_secs(5));
                }
                Err(e) => return Err(e),
            }
        };
        let applied = migrate::run(&mut client, &store.target)?;
        if !applied.is_empty() {
            tracing::info!(target = %store.target, ?applied, "job store migrated");
        }
        store.checkin(client);
        Ok(store)
    }

    /// `host:port/database`.
    pub fn target(&self) -> &str {
        &self.target
    }

    fn open(&self) -> Result<Client, StoreError> {
        self.config.connect(NoTls).map_err(|error| self.classify(error))
    }

    /// A connection failure (the server is down, the network cut, a timeout) is
    /// `Unavailable`; anything the server answered (an SQL error, a refused login) is not.
    fn classify(&self, error: postgres::Error) -> StoreError {
        use std::error::Error as _;
        let io = error.source().is_some_and(|s| s.is::<std::io::Error>());
        if error.as_db_error().is_none()
            && (error.is_closed() || io || error.to_string().contains("timed out"))
        {
            StoreError::Unavailable {
                target: self.target.clone(),
                error,
            }
        } else {
            StoreError::Postgres(error)
        }
    }

    fn checkin(&self, client: Client) {
        if client.is_closed() {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < MAX_IDLE {
            idle.push(client);
        }
    }

    /// Runs `f` on a connection from the pool. A pooled connection found closed by the
    /// server (it restarted since) is replaced and `f` run once more: the statement never
    /// reached a server, so running it again is safe.
    fn with<T>(&self, mut f: impl FnMut(&mut Client) -> Result<T, postgres::Error>) -> Result<T, StoreError> {
        let mut retried = false;
        loop {
            let pooled = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
            let (mut client, was_pooled) = match pooled {
                Some(c) if !c.is_closed() => (c, true),
                _ => (self.open()?, false),
            };
            match f(&mut client) {
                Ok(v) => {
                    self.checkin(client);
                    return Ok(v);
                }
                Err(e) if was_pooled && client.is_closed() && !retried => {
                    tracing::info!(target = %self.target, "a pooled PostgreSQL connection was closed ({e}); reconnecting");
                    // The others were most likely closed by the same restart.
                    self.idle.lock().unwrap_or_else(|p| p.into_inner()).clear();
                    retried = true;
                }
                Err(e) => {
                    self.checkin(client);
                    return Err(self.classify(e));
                }
            }
        }
    }
}

impl Drop for PgStore {
    /// `postgres::Client` closes its connection with a blocking call, which panics on a
    /// thread that drives async tasks (where the last handle on the store often goes, at
    /// the end of `serve`): the idle connections are closed on a thread of their own.
    fn drop(&mut self) {
        let idle = std::mem::take(&mut *self.idle.lock().unwrap_or_else(|p| p.into_inner()));
        if !idle.is_empty() {
            let _ = std::thread::spawn(move || drop(idle)).join();
        }
    }
}
