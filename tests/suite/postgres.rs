//! The PostgreSQL job store and its workers against a real server: migrations run twice
//! and a newer schema refused; workers racing for one job (one wins); an expired lease
//! handing the job to another worker; and over real processes (the `carerounds` binary):
//! `kill -9` of a worker mid-job, a cancel reaching the worker in another process with
//! progress shown by the API, and the API process restarted while workers run. Teams and
//! visit logs through the API on PostgreSQL.
//!
//! The server: `CAREROUNDS_TEST_PG_URL` (`postgres://USER@HOST:PORT/DATABASE`; default
//! that of `scripts/pg/start.sh`, which `.ci/run` starts). Each test makes its own
//! database and drops it after. Without a server the tests print why and pass, unless
//! `CI=true`, where they fail.

use crate::day;
use ::postgres::{Client, NoTls};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use carerounds::api::store::postgres::{Heartbeat, SCHEMA_VERSION};
use carerounds::api::store::{JobStatus, Outcome, PgStore, Store, StoreError};
use carerounds::api::{app, AppState, Config, Keys};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};
use tower::ServiceExt;

const ENV: &str = "CAREROUNDS_TEST_PG_URL";
const DEFAULT_URL: &str = "postgres://carerounds@127.0.0.1:54329/postgres";
const WAIT: Duration = Duration::from_secs(5);

/// A database of its own for one test, dropped with it.
struct Db {
    admin: String,
    name: String,
    url: String,
}

impl Db {
    /// A fresh database, or None when no server is reachable and CI is not set.
    fn new() -> Option<Db> {
        static N: AtomicUsize = AtomicUsize::new(0);
        let admin = std::env::var(ENV).unwrap_or_else(|_| DEFAULT_URL.to_string());
        let mut client = match Client::connect(&admin, NoTls) {
            Ok(c) => c,
            Err(e) if std::env::var("CI").as_deref() == Ok("true") => {
                panic!("CI=true but no PostgreSQL at {ENV}={admin}: {e} (.ci/run starts one with scripts/pg/start.sh)")
            }
            Err(e) => {
                eprintln!(
                    "skipped: no PostgreSQL at {admin} ({e}); start one with `bash scripts/pg/start.sh` \
                     or set {ENV}"
                );
                return None;
            }
        };
        let name = format!(
            "cr_test_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        );
        // One statement each: DROP and CREATE DATABASE refuse a transaction block.
        for sql in [
            format!("DROP DATABASE IF EXISTS {name}"),
            format!("CREATE DATABASE {name}"),
        ] {
            client.batch_execute(&sql).expect("create a test database");
        }
        let (head, _) = admin.rsplit_once('/').expect("a URL ending in /DATABASE");
        let url = format!("{head}/{name}");
        Some(Db { admin, name, url })
    }

    fn store(&self) -> PgStore {
        PgStore::connect(&self.url, WAIT).expect("connect")
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Ok(mut c) = Client::connect(&self.admin, NoTls) {
            let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}

/// A problem of the synthetic day that solves for `secs` on one thread.
fn problem(visits: usize, secs: f64) -> Value {
    let mut p = day::day(visits, 5, 1);
    p["options"]["time_limit_s"] = json!(secs);
    p["options"]["threads"] = json!(1);
    p
}

fn id(n: usize) -> String {
    format!("{n:032x}")
}

fn done(objective: f64) -> Outcome {
    Outcome {
        status: JobStatus::Done,
        plan: Some("{}".into()),
        error: None,
        stop: Some("completed".into()),
        objective: Some(objective),
        solve_s: Some(0.1),
    }
}

#[test]
fn migrations_run_once_and_a_newer_schema_is_refused() {
    let Some(db) = Db::new() else { return };
    // Processes starting together take turns; the later ones find the work done.
    let url = Arc::new(db.url.clone());
    let starts: Vec<_> = (0..3)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || PgStore::connect(&url, WAIT).map(|_| ()))
        })
        .collect();
    for s in starts {
        s.join().expect("thread").expect("connect");
    }
    let store = db.store();
    store.insert(&id(1), "north", "{}", 1).expect("insert");
    drop(store);
    let store = db.store();
    assert!(
        store.get(&id(1), "north").expect("get").is_some(),
        "kept across starts"
    );
    let mut c = Client::connect(&db.url, NoTls).expect("connect");
    let rows: i64 = c
        .query_one("SELECT count(*) FROM carerounds_migrations", &[])
        .expect("count")
        .get(0);
    assert_eq!(rows, i64::from(SCHEMA_VERSION), "each migration recorded once");
    // A newer carerounds migrated this database: this one must not touch it.
    c.execute(
        "INSERT INTO carerounds_migrations (version, name) VALUES ($1, 'from the future')",
        &[&(SCHEMA_VERSION + 1)],
    )
    .expect("insert");
    let e = PgStore::connect(&db.url, WAIT).err().expect("refused");
    assert!(matches!(e, StoreError::NewerSchema { .. }), "{e}");
    assert!(e.to_string().contains("newer than this carerounds knows"), "{e}");
}

#[test]
fn a_server_that_cannot_be_reached_is_a_clear_error_after_retries() {
    let t = Instant::now();
    let e = PgStore::connect("postgres://carerounds@127.0.0.1:9/x", Duration::from_millis(700))
        .err()
        .expect("no server on port 9");
    assert!(e.is_unavailable(), "{e}");
    assert!(e.to_string().contains("127.0.0.1:9/x cannot be reached"), "{e}");
    assert!(t.elapsed() >= Duration::from_millis(500), "retried for a while");
}

#[test]
fn workers_racing_for_one_job_only_one_wins() {
    let Some(db) = Db::new() else { return };
    let store = Arc::new(db.store());
    store.insert(&id(1), "north", "{}", 1).expect("insert");
    let gate = Arc::new(Barrier::new(6));
    let racers: Vec<_> = (0..6)
        .map(|k| {
            let (store, gate) = (store.clone(), gate.clone());
            std::thread::spawn(move || {
                gate.wait();
                store
                    .claim(&format!("w{k}"), &format!("t{k}"), Duration::from_secs(30))
                    .expect("claim")
            })
        })
        .collect();
    let won: Vec<_> = racers
        .into_iter()
        .filter_map(|r| r.join().expect("thread"))
        .collect();
    assert_eq!(won.len(), 1, "one job, one winner: {won:?}");
    let winner = &won[0];
    // Only the lease holder's outcome is stored.
    assert!(!store
        .finish_leased(&id(1), "not-the-token", "w9", &done(2.0))
        .expect("finish"));
    assert!(store
        .finish_leased(&id(1), &winner.lease, "winner", &done(1.0))
        .expect("finish"));
    assert!(!store
        .finish_leased(&id(1), &winner.lease, "winner", &done(3.0))
        .expect("twice"));
    let row = store.get(&id(1), "north").expect("get").expect("row");
    assert_eq!((row.status, row.objective), (JobStatus::Done, Some(1.0)));
    assert_eq!(store.finished_by(&id(1)).expect("by").as_deref(), Some("winner"));

    // Many jobs, several workers: each job taken by exactly one.
    for n in 2..32 {
        store.insert(&id(n), "north", "{}", 1).expect("insert");
    }
    let takers: Vec<_> = (0..4)
        .map(|k| {
            let store = store.clone();
            std::thread::spawn(move || {
                let mut got = Vec::new();
                while let Some(c) = store
                    .claim(
                        &format!("w{k}"),
                        &format!("t{k}-{}", got.len()),
                        Duration::from_secs(30),
                    )
                    .expect("claim")
                {
                    got.push(c.id);
                }
                got
            })
        })
        .collect();
    let mut all: Vec<String> = takers
        .into_iter()
        .flat_map(|t| t.join().expect("thread"))
        .collect();
    all.sort();
    let n = all.len();
    all.dedup();
    assert_eq!((n, all.len()), (30, 30), "every job once");
}

#[test]
fn an_expired_lease_hands_the_job_to_another_worker() {
    let Some(db) = Db::new() else { return };
    let store = db.store();
    let lease = Duration::from_secs(30);
    store.insert(&id(1), "north", "{}", 1).expect("insert");
    let a = store.claim("a", "ta", lease).expect("claim").expect("job");
    assert_eq!(a.restarts, 0);
    assert_eq!(store.claim("b", "tb", lease).expect("claim"), None, "leased");
    store.set_checkpoint(&id(1), "{\"best\": 1}").expect("checkpoint");
    // Worker a dies without a word: its lease runs out.
    assert!(store.expire_lease(&id(1)).expect("expire"));
    let b = store.claim("b", "tb", lease).expect("claim").expect("taken over");
    assert_eq!(b.id, id(1));
    assert_eq!(b.restarts, 1, "a takeover counts a restart");
    assert_eq!(
        b.best_plan.as_deref(),
        Some("{\"best\": 1}"),
        "resumes from the checkpoint"
    );
    // a comes back (a long pause, not a death): it learns it lost the job.
    assert_eq!(
        store.heartbeat(&id(1), "ta", lease, None).expect("beat"),
        Heartbeat::Lost
    );
    assert!(!store
        .finish_leased(&id(1), "ta", "a", &done(2.0))
        .expect("finish"));
    assert_eq!(
        store
            .heartbeat(&id(1), "tb", lease, Some((1.0, Some(5.0), Some(0))))
            .expect("beat"),
        Heartbeat::Held { cancel: false }
    );
    let row = store.get(&id(1), "north").expect("get").expect("row");
    assert_eq!(
        row.progress.map(|p| p.objective),
        Some(Some(5.0)),
        "progress for any API"
    );
    assert!(store
        .finish_leased(&id(1), "tb", "b", &done(1.0))
        .expect("finish"));
    assert_eq!(store.finished_by(&id(1)).expect("by").as_deref(), Some("b"));

    // A job that keeps killing its workers is failed after MAX_RESTARTS, not retried.
    store.insert(&id(2), "north", "{}", 1).expect("insert");
    for k in 0..carerounds::api::store::MAX_RESTARTS {
        let c = store
            .claim("w", &format!("t{k}"), lease)
            .expect("claim")
            .expect("job");
        assert_eq!(c.id, id(2));
        store.expire_lease(&id(2)).expect("expire");
    }
    assert_eq!(store.claim("w", "last", lease).expect("claim"), None);
    let row = store.get(&id(2), "north").expect("get").expect("row");
    assert_eq!(row.status, JobStatus::Failed);
    assert!(row.error.unwrap_or_default().contains("3 times"));
}

// --- processes -----------------------------------------------------------------------

/// A `carerounds` process whose first stdout line has been read.
struct Proc {
    child: Child,
    first: String,
}

impl Proc {
    fn start(args: &[&str]) -> Proc {
        let mut child = Command::new(env!("CARGO_BIN_EXE_carerounds"))
            .args(args)
            .args(["--log", "warn"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start carerounds");
        let mut first = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut first)
            .expect("read the first line");
        Proc { child, first }
    }

    fn serve(url: &str, extra: &[&str]) -> Proc {
        let mut args = vec!["serve", "--addr", "127.0.0.1:0", "--store", url];
        args.extend_from_slice(extra);
        Proc::start(&args)
    }

    fn worker(url: &str) -> Proc {
        Proc::start(&[
            "worker",
            "--store",
            url,
            "--concurrency",
            "1",
            "--lease-s",
            "1.5",
            "--max-threads",
            "1",
        ])
    }

    fn addr(&self) -> String {
        self.first
            .trim()
            .strip_prefix("carerounds listening on http://")
            .unwrap_or_else(|| panic!("not a server: {:?}", self.first))
            .to_string()
    }

    fn name(&self) -> String {
        let line = self.first.trim();
        let name = line
            .strip_prefix("carerounds worker ")
            .and_then(|s| s.strip_suffix(" taking jobs"));
        name.unwrap_or_else(|| panic!("not a worker: {line:?}"))
            .to_string()
    }

    /// SIGKILL, as a lost machine.
    fn kill9(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request: (status, JSON body).
fn http(addr: &str, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let body = body.map(Value::to_string).unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).expect("write");
    let mut raw = String::new();
    s.read_to_string(&mut raw).expect("read");
    let (head, body) = raw.split_once("\r\n\r\n").expect("headers");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

/// Polls `GET /v1/jobs/{id}` until `until` holds (panics after `limit`).
fn wait_for(addr: &str, id: &str, limit: Duration, until: impl Fn(&Value) -> bool) -> Value {
    let t = Instant::now();
    loop {
        let (s, job) = http(addr, "GET", &format!("/v1/jobs/{id}"), None);
        assert_eq!(s, 200, "{job}");
        if until(&job) {
            return job;
        }
        assert!(t.elapsed() < limit, "waited {limit:?}: {job}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn post_job(addr: &str, p: &Value) -> String {
    let (s, body) = http(addr, "POST", "/v1/jobs", Some(p));
    assert_eq!(s, 202, "{body}");
    body["id"].as_str().expect("id").to_string()
}

#[test]
fn kill_9_of_a_worker_mid_job_hands_the_job_to_another() {
    let Some(db) = Db::new() else { return };
    let api = Proc::serve(&db.url, &["--max-concurrent-solves", "0"]);
    let addr = api.addr();
    let job = post_job(&addr, &problem(40, 2.0));
    let first = Proc::worker(&db.url);
    wait_for(&addr, &job, Duration::from_secs(20), |j| {
        j["status"] == "running" && j["progress"]["best_objective"].is_number()
    });
    first.kill9();
    let second = Proc::worker(&db.url);
    let done = wait_for(&addr, &job, Duration::from_secs(30), |j| j["status"] == "done");
    assert_eq!(done["restarts"], 1, "{done}");
    assert!(done["plan"]["routes"].is_array(), "{done}");
    let store = db.store();
    assert_eq!(
        store.finished_by(&job).expect("by"),
        Some(second.name()),
        "stored once, by the survivor"
    );
}

#[test]
fn a_cancel_reaches_the_worker_in_another_process() {
    let Some(db) = Db::new() else { return };
    let api = Proc::serve(&db.url, &["--max-concurrent-solves", "0"]);
    let _worker = Proc::worker(&db.url);
    let addr = api.addr();
    let job = post_job(&addr, &problem(40, 30.0));
    // Progress from the worker's heartbeat, shown by an API process that solves nothing.
    let running = wait_for(&addr, &job, Duration::from_secs(20), |j| {
        j["status"] == "running" && j["progress"]["best_objective"].is_number()
    });
    assert!(
        running["progress"]["elapsed_s"].as_f64().unwrap_or(0.0) > 0.0,
        "{running}"
    );
    let t = Instant::now();
    let (s, stopped) = http(&addr, "DELETE", &format!("/v1/jobs/{job}"), None);
    assert_eq!(s, 200, "{stopped}");
    assert_eq!(stopped["status"], "cancelled", "{stopped}");
    assert_eq!(stopped["stop"], "cancelled");
    assert!(
        stopped["plan"]["routes"].is_array(),
        "keeps its best plan: {stopped}"
    );
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "stopped within a heartbeat or two"
    );
}

#[test]
fn the_api_process_restarts_while_workers_run() {
    let Some(db) = Db::new() else { return };
    let api = Proc::serve(&db.url, &["--max-concurrent-solves", "0"]);
    let _worker = Proc::worker(&db.url);
    let addr = api.addr();
    let jobs: Vec<String> = (0..3).map(|_| post_job(&addr, &problem(25, 0.5))).collect();
    api.kill9();
    // Another API process (one more behind the load balancer) answers for every job.
    let api = Proc::serve(&db.url, &["--max-concurrent-solves", "0"]);
    let other = Proc::serve(&db.url, &["--max-concurrent-solves", "0"]);
    for job in &jobs {
        let j = wait_for(&api.addr(), job, Duration::from_secs(30), |j| {
            j["status"] == "done"
        });
        assert_eq!(j["restarts"], 0, "{j}");
        let (s, again) = http(&other.addr(), "GET", &format!("/v1/jobs/{job}"), None);
        assert_eq!((s, &again["status"]), (200, &json!("done")));
    }
}

async fn call(
    app: &axum::Router,
    method: &str,
    uri: &str,
    key: &str,
    body: Option<&Value>,
) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {key}"))
        .header("content-type", "application/json");
    let body = body.map_or(Body::empty(), |b| Body::from(b.to_string()));
    let resp = app
        .clone()
        .oneshot(req.body(body).expect("request"))
        .await
        .expect("answer");
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .expect("body");
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

#[test]
fn teams_and_visit_logs_are_kept_apart_on_postgres() {
    let Some(db) = Db::new() else { return };
    // Outside the runtime: the synchronous driver must not block an async thread.
    let store = db.store();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(teams_and_visit_logs(store));
}

async fn teams_and_visit_logs(store: PgStore) {
    let config = Config {
        keys: Some(Keys::from_plain(&[("north", "k-north"), ("south", "k-south")])),
        max_concurrent_solves: 0,
        ..Config::default()
    };
    let app = app(AppState::with_store(config, Store::Postgres(store)));
    let (s, created) = call(&app, "POST", "/v1/jobs", "k-north", Some(&problem(10, 0.2))).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{created}");
    let job = created["id"].as_str().expect("id").to_string();
    let (s, _) = call(&app, "GET", &format!("/v1/jobs/{job}"), "k-south", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "another team's job does not exist");
    let (s, list) = call(&app, "GET", "/v1/jobs", "k-south", None).await;
    assert_eq!(
        (s, list["jobs"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(0))
    );
    let (s, cancelled) = call(&app, "DELETE", &format!("/v1/jobs/{job}"), "k-north", None).await;
    assert_eq!(
        (s, &cancelled["status"]),
        (StatusCode::OK, &json!("cancelled")),
        "{cancelled}"
    );

    let logs = json!({"logs": [
        {"staff": "ann", "visit": "v1", "date": "2025-03-03", "arrived": "09:05", "ended": "09:50"},
        {"staff": "bob", "client": "c7", "date": "2025-03-04", "arrived": "09:00", "ended": "09:30"}
    ]});
    let (s, v) = call(&app, "POST", "/v1/visit-logs", "k-north", Some(&logs)).await;
    assert_eq!((s, &v["stored"]), (StatusCode::OK, &json!(2)), "{v}");
    let (_, v) = call(&app, "POST", "/v1/visit-logs", "k-north", Some(&logs)).await;
    assert_eq!(v["duplicates"], 2, "{v}");
    let (_, north) = call(&app, "GET", "/v1/visit-logs?staff=ann", "k-north", None).await;
    assert_eq!(north["logs"].as_array().map(Vec::len), Some(1), "{north}");
    let (_, south) = call(&app, "GET", "/v1/visit-logs", "k-south", None).await;
    assert_eq!(south["logs"].as_array().map(Vec::len), Some(0), "{south}");
}
