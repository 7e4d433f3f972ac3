//! `carerounds serve`: the HTTP API (see `carerounds::api`).

use super::report::BadFlag;
use anyhow::{Context, Result};
use carerounds::api::store::postgres::LeaseSettings;
use carerounds::api::store::StoreSpec;
use carerounds::api::{self, Config, Keys, ServeOptions};
use carerounds::formats::codepoint;
use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// Arguments of `serve`.
#[derive(clap::Args)]
pub struct ServeArgs {
    /// Address to listen on. Without --keys only loopback addresses are allowed.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Directory of the job store (created if missing); the same as --store sqlite:DIR.
    #[arg(long, default_value = "./carerounds-data")]
    data_dir: PathBuf,
    /// The job store: sqlite:DIR (one server, the default: --data-dir) or
    /// postgres://USER:PASSWORD@HOST:PORT/DATABASE, shared by several serve and `worker`
    /// processes (README: "Many machines").
    #[arg(long, conflicts_with = "data_dir", value_name = "STORE")]
    store: Option<StoreSpec>,
    /// PostgreSQL: seconds a job's lease lasts; a job whose process died is taken by
    /// another this long after its last heartbeat.
    #[arg(long, default_value_t = 30.0)]
    lease_s: f64,
    /// PostgreSQL: seconds to keep retrying a database that cannot be reached at start.
    #[arg(long, default_value_t = 30.0)]
    connect_wait_s: f64,
    /// API keys file: [{"team": "north", "key_sha256": "<hex SHA-256 of the key>"}].
    #[arg(long)]
    keys: Option<PathBuf>,
    /// Solves running at once (0: accept jobs but run none until restarted with more).
    #[arg(long)]
    max_concurrent_solves: Option<usize>,
    /// Solves waiting for a slot before new ones are refused with 429.
    #[arg(long, default_value_t = 64)]
    max_queued: usize,
    /// Most visits in one problem (413 above).
    #[arg(long, default_value_t = 2000)]
    max_visits: usize,
    /// Most staff in one problem (413 above).
    #[arg(long, default_value_t = 500)]
    max_staff: usize,
    /// Cap on a problem's options.time_limit_s, seconds (a longer one is cut to it and the
    /// plan's warnings say so).
    #[arg(long, default_value_t = 30.0)]
    max_time_limit_s: f64,
    /// Cap on a problem's options.threads per solve (default: this machine's cores; at
    /// most that). A request for more runs on this many and the plan's warnings say so.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    max_threads: Option<u32>,
    /// Days finished jobs (done, failed, cancelled) are kept, with their problem and plan,
    /// and stored visit logs from their receipt, before they are erased (swept at start
    /// and hourly); at least 1.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..))]
    retain_days: u32,
    /// Largest request body, MiB (413 above).
    #[arg(long, default_value_t = 16)]
    max_body_mib: usize,
    /// Longest a request may take, seconds (503 after).
    #[arg(long, default_value_t = 60.0)]
    request_timeout_s: f64,
    /// After SIGINT/SIGTERM, how long running solves may go on before they are stopped
    /// (keeping their best plan), seconds.
    #[arg(long, default_value_t = 20.0)]
    shutdown_grace_s: f64,
    /// OS Code-Point Open for POST /v1/imports of exports that give postcodes, as `import
    /// csv --postcodes` takes it: the zip, its unzipped folder or an area file (for the
    /// sample export, data/codepoint). Read once at start, through the same cache.
    #[arg(long, value_name = "CODEPOINT")]
    postcodes: Option<PathBuf>,
    /// Log level: error, warn, info, debug.
    #[arg(long, default_value = "info")]
    log: tracing::Level,
}

/// Lease settings from `--lease-s`: renewed every second, or three times a lease when
/// that is shorter.
pub(super) fn lease_settings(lease_s: f64) -> Result<LeaseSettings> {
    if !(lease_s.is_finite() && lease_s >= 0.5) {
        return Err(BadFlag("--lease-s must be a number of seconds >= 0.5".into()).into());
    }
    let lease = Duration::from_secs_f64(lease_s);
    Ok(LeaseSettings {
        lease,
        heartbeat: (lease / 3).min(Duration::from_secs(1)),
    })
}

pub(super) fn secs(name: &str, s: f64) -> Result<Duration> {
    anyhow::ensure!(
        s.is_finite() && s >= 0.0,
        "--{name} must be a number of seconds >= 0"
    );
    Ok(Duration::from_secs_f64(s))
}

/// Logs of a long-running process (`serve`, `worker`) to stderr at `level`.
pub(super) fn init_logs(level: tracing::Level) {
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, never into log files or journald.
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .init();
}

/// Runs the server until SIGINT or SIGTERM.
pub fn run(args: ServeArgs) -> Result<ExitCode> {
    init_logs(args.log);
    let keys = args.keys.as_deref().map(Keys::load).transpose()?;
    anyhow::ensure!(
        args.max_time_limit_s.is_finite() && args.max_time_limit_s >= 0.0,
        "--max-time-limit-s must be a number of seconds >= 0"
    );
    let mut config = Config {
        keys,
        max_queued: args.max_queued,
        max_visits: args.max_visits,
        max_staff: args.max_staff,
        max_time_limit_s: args.max_time_limit_s,
        retain_days: args.retain_days,
        body_limit: args.max_body_mib.saturating_mul(1 << 20),
        request_timeout: secs("request-timeout-s", args.request_timeout_s)?,
        shutdown_grace: secs("shutdown-grace-s", args.shutdown_grace_s)?,
        ..Config::default()
    };
    if let Some(n) = args.max_concurrent_solves {
        config.max_concurrent_solves = n;
    }
    if let Some(n) = args.max_threads {
        config.max_threads = n as usize;
    }
    if let Some(path) = &args.postcodes {
        let t = std::time::Instant::now();
        let loaded = codepoint::load(path)?;
        tracing::info!(
            postcodes = loaded.index.len(),
            from_cache = loaded.from_cache,
            s = t.elapsed().as_secs_f64(),
            "postcode index loaded"
        );
        config.postcodes = Some(Arc::new(loaded.index));
    }
    let opts = ServeOptions {
        addr: args.addr,
        store: args.store.unwrap_or(StoreSpec::Sqlite(args.data_dir)),
        connect_wait: secs("connect-wait-s", args.connect_wait_s)?,
        lease: lease_settings(args.lease_s)?,
        config,
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    rt.block_on(api::serve(opts, api::shutdown_signal()))?;
    Ok(ExitCode::SUCCESS)
}
