//! The HTTP API for booking systems (axum): synchronous plans, durable solve jobs,
//! booking slots, plan checks, imports of booking-system exports, health, metrics and
//! the OpenAPI document.
//!
//! [`app`] builds the router around an [`AppState`], so tests drive it with
//! `tower::ServiceExt::oneshot` without a socket; [`serve`] runs it on a listener with
//! graceful shutdown. CPU work (solves, slots, checks) runs on `spawn_blocking`; solves
//! also wait for one of `max_concurrent_solves` permits, which is the job queue.
//!
//! Logs carry job ids, teams, sizes, statuses and timings, never client names, ids or
//! places: one line per request ([`requests`]) and a few per solve.
//!
//! Finished jobs are kept for `retain_days` and then erased with their problem and plan
//! ([`AppState::sweep`], at start and every hour), or at once by `DELETE /v1/jobs/{id}`.
//! Stored visit logs (`/v1/visit-logs`) are kept for `retain_days` after they were
//! received, swept with the jobs, or erased at once by `DELETE /v1/visit-logs`.

pub mod auth;
pub mod error;
pub mod handlers;
pub mod imports;
mod intake;
pub mod job_routes;
pub mod jobs;
pub mod metrics;
pub mod monitor;
pub mod monitor_week;
mod offload;
pub mod openapi;
pub mod plan_body;
pub mod plan_format;
pub mod replans;
pub mod reports;
pub mod requests;
pub mod server_error;
pub mod solve;
pub mod store;
pub mod transport;
pub mod visit_logs;
pub mod worker;

use axum::middleware;
use axum::routing::{get, post};
use axum::Router;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use crate::formats::postcode::PostcodeIndex;

pub use auth::Keys;
pub use error::{ApiError, Json};
pub use server_error::ServerError;
pub use store::Store;

/// Server limits and settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// API keys; `None` runs without authentication (loopback addresses only).
    pub keys: Option<Keys>,
    /// Solves running at once (jobs and `/v1/plans`); 0 accepts jobs but runs none.
    pub max_concurrent_solves: usize,
    /// Solves waiting for a permit before new ones get 429.
    pub max_queued: usize,
    /// Most visits in one problem (413 above).
    pub max_visits: usize,
    /// Most staff in one problem (413 above).
    pub max_staff: usize,
    /// Cap on `options.time_limit_s`, seconds.
    pub max_time_limit_s: f64,
    /// Cap on `options.threads` per solve (default: the cores the server started with, so
    /// one request cannot ask for more threads than the machine has).
    pub max_threads: usize,
    /// Finished jobs (done, failed, cancelled) are erased this many days after they
    /// finished, with their problem and plan, and stored visit logs this many days after
    /// they were received (at least 1).
    pub retain_days: u32,
    /// Largest request body, bytes (413 above).
    pub body_limit: usize,
    /// Longest a request may take (503 after).
    pub request_timeout: Duration,
    /// How long running solves may go on after a shutdown signal.
    pub shutdown_grace: Duration,
    /// OS Code-Point Open, for `POST /v1/imports` of exports that give postcodes
    /// (`serve --postcodes`); without it such rows are faults, as in `import csv`.
    pub postcodes: Option<Arc<PostcodeIndex>>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            keys: None,
            max_concurrent_solves: std::thread::available_parallelism().map_or(1, |n| n.get().div_ceil(2)),
            max_queued: 64,
            max_visits: 2000,
            max_staff: 500,
            max_time_limit_s: 30.0,
            max_threads: crate::solve::machine_threads(),
            retain_days: 30,
            body_limit: 16 << 20,
            request_timeout: Duration::from_secs(60),
            shutdown_grace: Duration::from_secs(20),
            postcodes: None,
        }
    }
}

/// How often expired jobs are swept (besides once at start).
pub const RETENTION_SWEEP: Duration = Duration::from_secs(3600);

/// Shared server state.
pub struct Shared {
    /// Settings.
    pub config: Config,
    /// The job store.
    pub store: Arc<Store>,
    /// The solve runner.
    pub jobs: jobs::Jobs,
    /// Counters.
    pub metrics: metrics::Metrics,
}

/// Cheap-to-clone handle on the server state.
#[derive(Clone)]
pub struct AppState(pub Arc<Shared>);

impl AppState {
    /// State over a job store in `data_dir`.
    pub fn open(config: Config, data_dir: &std::path::Path) -> Result<AppState, ServerError> {
        let store = Store::open(data_dir)?;
        Ok(AppState::with_store(config, store))
    }

    /// State over an open store.
    pub fn with_store(config: Config, store: Store) -> AppState {
        let jobs = jobs::Jobs::new(config.max_concurrent_solves);
        AppState(Arc::new(Shared {
            config,
            store: Arc::new(store),
            jobs,
            metrics: metrics::Metrics::default(),
        }))
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.0.config
    }

    /// How long finished jobs are kept.
    pub fn retention(&self) -> Duration {
        Duration::from_secs(86_400 * u64::from(self.config().retain_days.max(1)))
    }

    /// Erases the finished jobs older than the retention period as of `now_ms` (Unix
    /// milliseconds; [`store::now_ms`] but in tests), with their problems and plans, and
    /// the visit logs received before it. Returns the number of jobs erased.
    pub async fn sweep(&self, now_ms: i64) -> Result<usize, ServerError> {
        let store = self.0.store.clone();
        let retain = self.retention();
        let (n, logs) = tokio::task::spawn_blocking(move || {
            let n = store.sweep(now_ms, retain)?;
            Ok::<_, store::StoreError>((n, store.sweep_logs(now_ms, retain)?))
        })
        .await
        .map_err(|error| ServerError::Task {
            task: "retention",
            error,
        })?
        .map_err(ServerError::Sweep)?;
        if logs > 0 {
            tracing::info!(
                erased = logs,
                retain_days = self.config().retain_days,
                "expired visit logs erased"
            );
        }
        if n > 0 {
            tracing::info!(
                erased = n,
                retain_days = self.config().retain_days,
                "expired jobs erased"
            );
        }
        Ok(n)
    }

    /// Sweeps every [`RETENTION_SWEEP`] from now on (the first sweep is the caller's, at
    /// start), so a server that runs for months still keeps data no longer than it says.
    pub fn spawn_retention(&self) -> tokio::task::JoinHandle<()> {
        let state = self.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(RETENTION_SWEEP);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            every.tick().await;
            loop {
                every.tick().await;
                if let Err(e) = state.sweep(store::now_ms()).await {
                    tracing::error!("{e}");
                }
            }
        })
    }

    /// Re-queues jobs cut off by the last stop (see [`store`]). Call once, before serving.
    pub async fn recover(&self) -> Result<(), ServerError> {
        let store = self.0.store.clone();
        let recovered = tokio::task::spawn_blocking(move || store.recover())
            .await
            .map_err(|error| ServerError::Task {
                task: "recovery",
                error,
            })?
            .map_err(ServerError::Recover)?;
        tracing::info!(
            requeued = recovered.requeued.len(),
            failed = recovered.failed.len(),
            "job store opened"
        );
        jobs::resume(self, recovered).await;
        Ok(())
    }
}

/// The router.
pub fn app(state: AppState) -> Router {
    let limit = state.config().body_limit;
    Router::new()
        .route("/v1/plans", post(handlers::plans))
        .route(
            "/v1/jobs",
            post(job_routes::create_job).get(job_routes::list_jobs),
        )
        .route(
            "/v1/jobs/{id}",
            get(job_routes::get_job).delete(job_routes::delete_job),
        )
        .route("/v1/replans", post(replans::replans))
        .route("/v1/imports", post(imports::imports))
        .route("/v1/slots", post(handlers::slots))
        .route("/v1/check", post(handlers::check))
        .route("/v1/reports", post(reports::reports))
        .route("/v1/monitor", post(monitor::monitor))
        .route(
            "/v1/visit-logs",
            post(visit_logs::store_logs)
                .get(visit_logs::list_logs)
                .delete(visit_logs::erase_logs),
        )
        .route("/health", get(handlers::health))
        .route("/metrics", get(handlers::metrics))
        .route("/openapi.json", get(openapi::openapi))
        .route_layer(middleware::from_fn(requests::mark_route))
        .fallback(handlers::not_found)
        .method_not_allowed_fallback(handlers::method_not_allowed)
        .layer(axum::extract::DefaultBodyLimit::max(limit))
        .layer(middleware::from_fn_with_state(state.clone(), requests::track))
        .with_state(state)
}

/// Whether `addr` is a loopback address (what an unauthenticated server may bind).
pub fn is_loopback(addr: &std::net::SocketAddr) -> bool {
    addr.ip().is_loopback()
}

/// Where and how to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Address to bind.
    pub addr: std::net::SocketAddr,
    /// The job store: a data directory (SQLite) or a shared PostgreSQL database.
    pub store: store::StoreSpec,
    /// How long to wait for a PostgreSQL server that cannot be reached at start.
    pub connect_wait: Duration,
    /// Leases of the jobs this process solves on a shared store.
    pub lease: store::postgres::LeaseSettings,
    /// Settings.
    pub config: Config,
}

/// Serves until `shutdown` resolves, then stops accepting, lets requests in flight finish,
/// and drains running solves within the grace period.
pub async fn serve(
    opts: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    if opts.config.keys.is_none() && !is_loopback(&opts.addr) {
        return Err(ServerError::OpenWithoutKeys(opts.addr));
    }
    let connect = {
        let (spec, wait) = (opts.store.clone(), opts.connect_wait);
        tokio::task::spawn_blocking(move || Store::connect(&spec, wait))
    };
    let store = connect.await.map_err(|error| ServerError::Task {
        task: "connect",
        error,
    })??;
    let state = AppState::with_store(opts.config, store);
    state.recover().await?;
    // On a shared store this process solves jobs as one more worker, unless paused.
    let (stop_workers, stopped) = tokio::sync::watch::channel(false);
    let workers = (state.0.store.shared().is_some() && !state.0.jobs.paused()).then(|| {
        let slots = state.config().max_concurrent_solves;
        let opts = worker::WorkerOptions::new(opts.lease, state.config().shutdown_grace);
        tokio::spawn(worker::run(state.clone(), slots, opts, stopped))
    });
    // Expired data goes before anyone can read it, then hourly.
    state.sweep(store::now_ms()).await?;
    let retention = state.spawn_retention();
    let listener = tokio::net::TcpListener::bind(opts.addr)
        .await
        .map_err(|error| ServerError::Listen {
            addr: opts.addr,
            error,
        })?;
    let local = listener.local_addr().map_err(ServerError::LocalAddr)?;
    tracing::info!(addr = %local, auth = state.config().keys.is_some(), "listening");
    // Tests and scripts read this line to find a random port.
    println!("carerounds listening on http://{local}");
    axum::serve(transport::JsonErrors(listener), app(state.clone()))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(ServerError::Serve)?;
    tracing::info!(
        running = state.0.jobs.running(),
        "stopped accepting; draining solves"
    );
    retention.abort();
    let _ = stop_workers.send(true);
    state.0.jobs.drain(state.config().shutdown_grace).await;
    if let Some(w) = workers {
        if let Err(e) = w.await {
            tracing::error!("workers failed: {e}");
        }
    }
    tracing::info!("shut down");
    Ok(())
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown signal received");
}
