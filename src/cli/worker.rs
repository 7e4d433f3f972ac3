//! `carerounds worker`: solves queued jobs from a shared PostgreSQL store until SIGINT or
//! SIGTERM (see `carerounds::api::worker`). Stateless: start as many as the machines
//! have cores for, stop or kill any of them; a killed worker's jobs go to another when
//! their lease runs out.

use super::report::BadFlag;
use super::serve::{init_logs, lease_settings, secs};
use crate::cli::stdout::putln;
use anyhow::{Context, Result};
use carerounds::api::store::{Store, StoreSpec};
use carerounds::api::worker::{self, WorkerOptions};
use carerounds::api::{self, AppState, Config};
use std::process::ExitCode;

/// Arguments of `worker`.
#[derive(clap::Args)]
pub struct WorkerArgs {
    /// The shared job store: postgres://USER:PASSWORD@HOST:PORT/DATABASE.
    #[arg(long, value_name = "STORE")]
    store: StoreSpec,
    /// Jobs solved at once (default: half this machine's cores, as serve).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    concurrency: Option<u32>,
    /// Cap on a problem's options.threads per solve (default: this machine's cores).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    max_threads: Option<u32>,
    /// Cap on a problem's options.time_limit_s, seconds (as serve's).
    #[arg(long, default_value_t = 30.0)]
    max_time_limit_s: f64,
    /// Seconds a job's lease lasts: a job whose worker died is taken by another this long
    /// after its last heartbeat.
    #[arg(long, default_value_t = 30.0)]
    lease_s: f64,
    /// After SIGINT/SIGTERM, how long running solves may go on before they are handed
    /// back to the queue (with their best plan so far), seconds.
    #[arg(long, default_value_t = 20.0)]
    shutdown_grace_s: f64,
    /// Seconds to keep retrying a database that cannot be reached at start.
    #[arg(long, default_value_t = 30.0)]
    connect_wait_s: f64,
    /// Log level: error, warn, info, debug.
    #[arg(long, default_value = "info")]
    log: tracing::Level,
}

/// Runs the worker until SIGINT or SIGTERM.
pub fn run(args: WorkerArgs) -> Result<ExitCode> {
    init_logs(args.log);
    if !matches!(args.store, StoreSpec::Postgres(_)) {
        return Err(BadFlag(
            "--store: a worker takes jobs from a shared store: give a postgres:// URL (an sqlite: store is solved by its serve process)".into(),
        )
        .into());
    }
    if !(args.max_time_limit_s.is_finite() && args.max_time_limit_s >= 0.0) {
        return Err(BadFlag("--max-time-limit-s must be a number of seconds >= 0".into()).into());
    }
    let mut config = Config {
        max_time_limit_s: args.max_time_limit_s,
        shutdown_grace: secs("shutdown-grace-s", args.shutdown_grace_s)?,
        ..Config::default()
    };
    if let Some(n) = args.concurrency {
        config.max_concurrent_solves = n as usize;
    }
    if let Some(n) = args.max_threads {
        config.max_threads = n as usize;
    }
    let lease = lease_settings(args.lease_s)?;
    let wait = secs("connect-wait-s", args.connect_wait_s)?;
    let store = Store::connect(&args.store, wait)?;
    let slots = config.max_concurrent_solves;
    let opts = WorkerOptions::new(lease, config.shutdown_grace);
    let state = AppState::with_store(config, store);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    rt.block_on(async move {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            api::shutdown_signal().await;
            let _ = stop.send(true);
        });
        // Tests and scripts read this line to know the worker is taking jobs.
        putln!("carerounds worker {} taking jobs", opts.name);
        worker::run(state, slots, opts, stopped).await;
    });
    Ok(ExitCode::SUCCESS)
}
