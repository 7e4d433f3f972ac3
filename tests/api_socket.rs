//! The server binary over a real socket on 127.0.0.1 (a random port): crash recovery
//! (`kill -9` and restart), graceful shutdown, the loopback rule without keys, solves
//! stopped when their request times out or its client goes away, long URIs, the log
//! file's contents, and a bounded load test (`--ignored`, see scripts/loadtest.sh).

#[path = "../benches/common/day.rs"]
mod day;

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(data: &std::path::Path, extra: &[&str]) -> Server {
        Server::spawn(data, extra, "warn", Stdio::inherit())
    }

    /// A server logging at info level into `log` (a file: not a terminal).
    fn logged(data: &std::path::Path, extra: &[&str], log: &std::path::Path) -> Server {
        let file = std::fs::File::create(log).expect("log file");
        Server::spawn(data, extra, "info", Stdio::from(file))
    }

    fn spawn(data: &std::path::Path, extra: &[&str], level: &str, stderr: Stdio) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_carerounds"))
            .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
            .arg(data)
            .args(["--log", level])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start the server");
        let out = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(out)
            .read_line(&mut line)
            .expect("read the address");
        let addr = line
            .trim()
            .strip_prefix("carerounds listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
            .to_string();
        Server { child, addr }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request on a fresh connection: (status, body).
fn http(addr: &str, method: &str, path: &str, body: Option<&str>, key: Option<&str>) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout");
    let body = body.unwrap_or("");
    let auth = key.map_or(String::new(), |k| format!("Authorization: Bearer {k}\r\n"));
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\n{auth}Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).expect("write");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read");
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> (u16, String) {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n").expect("headers");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    let chunked = head.to_ascii_lowercase().contains("transfer-encoding: chunked");
    let body = if chunked { dechunk(body) } else { body.to_string() };
    (status, body)
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        s = &rest[n + 2..];
    }
    out
}

fn json_of(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

fn small() -> Value {
    let mut p = day::day(25, 5, 1);
    p["options"]["time_limit_s"] = json!(0.2);
    p
}

#[test]
fn jobs_survive_kill_9_and_restart() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    // Paused server: the job stays queued, then the process is killed outright.
    let server = Server::start(&data, &["--max-concurrent-solves", "0"]);
    let (s, body) = http(&server.addr, "POST", "/v1/jobs", Some(&small().to_string()), None);
    assert_eq!(s, 202, "{body}");
    let id = json_of(&body)["id"].as_str().expect("id").to_string();
    let (s, body) = http(&server.addr, "GET", &format!("/v1/jobs/{id}"), None, None);
    assert_eq!(s, 200);
    assert_eq!(json_of(&body)["status"], "queued");
    drop(server); // SIGKILL

    let server = Server::start(&data, &["--max-concurrent-solves", "1"]);
    let t0 = Instant::now();
    loop {
        let (s, body) = http(&server.addr, "GET", &format!("/v1/jobs/{id}"), None, None);
        assert_eq!(s, 200, "{body}");
        let job = json_of(&body);
        if job["status"] == "done" {
            assert!(job["plan"]["routes"].is_array());
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "job not done after restart: {job}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn sigterm_shuts_down_gracefully() {
    let dir = tempfile::tempdir().expect("dir");
    let mut server = Server::start(dir.path(), &[]);
    let (s, body) = http(&server.addr, "GET", "/health", None, None);
    assert_eq!(s, 200, "{body}");
    let (s, body) = http(
        &server.addr,
        "POST",
        "/v1/plans",
        Some(&small().to_string()),
        None,
    );
    assert_eq!(s, 200, "{body}");
    let status = Command::new("kill")
        .args(["-TERM", &server.pid().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let t0 = Instant::now();
    loop {
        if let Some(code) = server.child.try_wait().expect("wait") {
            assert!(code.success(), "exit {code:?}");
            break;
        }
        assert!(t0.elapsed() < Duration::from_secs(30), "server did not stop");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn without_keys_only_loopback_and_with_keys_bearer_tokens() {
    let dir = tempfile::tempdir().expect("dir");
    let out = Command::new(env!("CARGO_BIN_EXE_carerounds"))
        .args(["serve", "--addr", "0.0.0.0:0", "--data-dir"])
        .arg(dir.path())
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("without API keys"));

    // sha256("letmein")
    let keys = dir.path().join("keys.json");
    std::fs::write(
        &keys,
        r#"[{"team": "north", "key_sha256": "1c8bfe8f801d79745c4631d09fff36c82aa37fc4cce4fc946683d7b336b63032"}]"#,
    )
    .expect("keys");
    let server = Server::start(&dir.path().join("d2"), &["--keys", keys.to_str().expect("path")]);
    let (s, body) = http(
        &server.addr,
        "POST",
        "/v1/plans",
        Some(&small().to_string()),
        None,
    );
    assert_eq!(s, 401, "{body}");
    assert_eq!(json_of(&body)["error"]["code"], "unauthorized");
    let (s, body) = http(
        &server.addr,
        "POST",
        "/v1/plans",
        Some(&small().to_string()),
        Some("letmein"),
    );
    assert_eq!(s, 200, "{body}");
    let (s, body) = http(&server.addr, "POST", "/v1/plans", Some("{nope"), Some("letmein"));
    assert_eq!(s, 400);
    assert_eq!(json_of(&body)["error"]["code"], "malformed_json");
}

/// Sends a request and leaves the connection open (the caller closes it by dropping it).
fn send_only(addr: &str, path: &str, body: &str) -> TcpStream {
    let mut s = TcpStream::connect(addr).expect("connect");
    let req = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).expect("write");
    s
}

fn running(addr: &str) -> u64 {
    let (s, body) = http(addr, "GET", "/health", None, None);
    assert_eq!(s, 200, "{body}");
    json_of(&body)["running"].as_u64().expect("running")
}

/// CPU seconds the process has used (user + system, all threads), where /proc exists.
fn cpu_s(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0) // USER_HZ is 100 on Linux
}

/// Waits up to `within` for no solve to be running, then checks over half a second that
/// the server is idle, so a solve still going on behind a zero count is caught too.
fn assert_solve_stopped(server: &Server, within: Duration) {
    let t0 = Instant::now();
    while running(&server.addr) != 0 {
        assert!(t0.elapsed() < within, "a solve is still running after {within:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
    if let Some(before) = cpu_s(server.pid()) {
        std::thread::sleep(Duration::from_millis(500));
        let used = cpu_s(server.pid()).unwrap_or(before) - before;
        assert!(
            used < 0.25,
            "the server used {used} CPU s in 0.5 s with no solve running"
        );
    }
}

fn long_problem() -> String {
    let mut long = day::day(60, 8, 2);
    long["options"]["time_limit_s"] = json!(20);
    long.to_string()
}

#[test]
fn solves_stop_when_their_request_times_out_or_the_client_leaves() {
    let dir = tempfile::tempdir().expect("dir");
    let server = Server::start(
        dir.path(),
        &["--request-timeout-s", "1", "--max-concurrent-solves", "1"],
    );
    let t0 = Instant::now();
    let (s, body) = http(&server.addr, "POST", "/v1/plans", Some(&long_problem()), None);
    assert_eq!(s, 503, "{body}");
    assert_eq!(json_of(&body)["error"]["code"], "unavailable");
    assert!(
        t0.elapsed() < Duration::from_secs(3),
        "503 after {:?}",
        t0.elapsed()
    );
    assert_solve_stopped(&server, Duration::from_secs(2));

    // A client that hangs up while its solve runs.
    let conn = send_only(&server.addr, "/v1/plans", &long_problem());
    let t0 = Instant::now();
    while running(&server.addr) == 0 {
        assert!(t0.elapsed() < Duration::from_secs(5), "the solve never started");
        std::thread::sleep(Duration::from_millis(10));
    }
    drop(conn);
    assert_solve_stopped(&server, Duration::from_secs(2));
    // The permit is free again.
    let (s, body) = http(
        &server.addr,
        "POST",
        "/v1/plans",
        Some(&small().to_string()),
        None,
    );
    assert_eq!(s, 200, "{body}");
}

/// Writes raw bytes (ignoring a server that hangs up early) and reads the answer.
fn raw_http(addr: &str, bytes: &[u8]) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let _ = s.write_all(bytes);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    parse_response(&raw)
}

#[test]
fn requests_hyper_refuses_still_get_json_errors() {
    let dir = tempfile::tempdir().expect("dir");
    let server = Server::start(dir.path(), &[]);
    let code = |body: &str| json_of(body)["error"]["code"].as_str().unwrap_or("").to_string();
    // Over our 8 KiB limit: the router's 414.
    let (s, body) = http(
        &server.addr,
        "GET",
        &format!("/v1/jobs/{}", "a".repeat(20_000)),
        None,
        None,
    );
    assert_eq!((s, code(&body).as_str()), (414, "uri_too_long"), "{body}");
    // 100 KB: past what hyper parses at all; its 414 gets the same body.
    let (s, body) = http(
        &server.addr,
        "GET",
        &format!("/v1/jobs/{}", "a".repeat(100_000)),
        None,
        None,
    );
    assert_eq!((s, code(&body).as_str()), (414, "uri_too_long"), "{body}");
    // Headers over hyper's buffer: 431.
    let big = format!(
        "GET /health HTTP/1.1\r\nHost: x\r\nX-Pad: {}\r\n\r\n",
        "p".repeat(600_000)
    );
    let (s, body) = raw_http(&server.addr, big.as_bytes());
    assert_eq!((s, code(&body).as_str()), (431, "headers_too_large"), "{body}");
    // Not HTTP.
    let (s, body) = raw_http(&server.addr, b"HELLO THERE\r\n\r\n");
    assert_eq!((s, code(&body).as_str()), (400, "malformed_request"), "{body}");
    // The server is fine, and keep-alive answers still pass through untouched.
    let (s, body) = http(&server.addr, "GET", "/health", None, None);
    assert_eq!(s, 200, "{body}");
    let two = "GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let mut s = TcpStream::connect(&server.addr).expect("connect");
    s.write_all(two.as_bytes()).expect("write");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read");
    let text = String::from_utf8_lossy(&raw);
    assert!(text.starts_with("HTTP/1.1 200 OK"), "{text}");
    assert!(
        text.contains("HTTP/1.1 404 Not Found") && text.contains("\"not_found\""),
        "{text}"
    );
}

const PRIVATE: &str = include_str!("common/private_problem.json");

#[test]
fn the_log_file_has_teams_but_no_client_data_and_no_colour() {
    let dir = tempfile::tempdir().expect("dir");
    let keys = dir.path().join("keys.json");
    // sha256("letmein")
    std::fs::write(
        &keys,
        r#"[{"team": "north", "key_sha256": "1c8bfe8f801d79745c4631d09fff36c82aa37fc4cce4fc946683d7b336b63032"}]"#,
    )
    .expect("keys");
    let log = dir.path().join("server.log");
    let mut server = Server::logged(
        &dir.path().join("data"),
        &["--keys", keys.to_str().expect("path")],
        &log,
    );
    let key = Some("letmein");
    let (s, plan) = http(&server.addr, "POST", "/v1/plans", Some(PRIVATE), key);
    assert_eq!(s, 200, "{plan}");
    let check = format!(r#"{{"problem": {PRIVATE}, "plan": {plan}}}"#);
    let (s, body) = http(&server.addr, "POST", "/v1/check", Some(&check), key);
    assert_eq!(s, 200, "{body}");
    let (s, body) = http(&server.addr, "POST", "/v1/jobs", Some(PRIVATE), key);
    assert_eq!(s, 202, "{body}");
    let id = json_of(&body)["id"].as_str().expect("id").to_string();
    let t0 = Instant::now();
    loop {
        let (_, body) = http(&server.addr, "GET", &format!("/v1/jobs/{id}"), None, key);
        if json_of(&body)["status"] == "done" {
            break;
        }
        assert!(t0.elapsed() < Duration::from_secs(30), "{body}");
        std::thread::sleep(Duration::from_millis(50));
    }
    let (s, _) = http(&server.addr, "GET", "/v1/jobs", None, key);
    assert_eq!(s, 200);
    let (s, _) = http(&server.addr, "GET", "/health", None, None);
    assert_eq!(s, 200);
    let (s, _) = http(&server.addr, "POST", "/v1/plans", Some(PRIVATE), Some("wrong"));
    assert_eq!(s, 401);
    let status = Command::new("kill")
        .args(["-TERM", &server.pid().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let t0 = Instant::now();
    while server.child.try_wait().expect("wait").is_none() {
        assert!(t0.elapsed() < Duration::from_secs(30), "server did not stop");
        std::thread::sleep(Duration::from_millis(20));
    }
    let text = std::fs::read_to_string(&log).expect("log");
    assert!(!text.contains('\x1b'), "colour codes in a log file:\n{text}");
    let requests: Vec<&str> = text
        .lines()
        .filter(|l| l.contains(" request ") || l.ends_with("request"))
        .collect();
    assert!(
        requests
            .iter()
            .any(|l| l.contains("team=north") && l.contains("route=/v1/plans")),
        "{text}"
    );
    assert!(
        requests
            .iter()
            .any(|l| l.contains("team=-") && l.contains("route=/health")),
        "{text}"
    );
    assert!(
        requests
            .iter()
            .any(|l| l.contains("team=-") && l.contains("status=401")),
        "{text}"
    );
    for secret in [
        "Quokka",
        "Xylophone",
        "Wolfgang",
        "Hildegard",
        "Fennimore",
        "Ptarmigan",
        "Marmaduke",
        "Hieronymus",
        "Perpetua",
        "6612345",
        "7298765",
        "6598761",
        "7276543",
        "6734567",
        "7154321",
        "6987123",
        "letmein",
    ] {
        assert!(!text.contains(secret), "the log contains {secret:?}:\n{text}");
    }
}

fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// Bounded load test on loopback: `LOAD_SECONDS` (default 20) per phase at
/// `LOAD_CONCURRENCY` (default 4) clients; slots on a 300-visit day, then plans on a
/// 60-visit day. Prints throughput, p50/p99 latency, errors and the server's peak RSS.
#[test]
#[ignore = "load test: run with scripts/loadtest.sh (release build)"]
fn load_test() {
    let secs: u64 = std::env::var("LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let conc: usize = std::env::var("LOAD_CONCURRENCY")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(4);
    let dir = tempfile::tempdir().expect("dir");
    let server = Server::start(
        dir.path(),
        &["--max-concurrent-solves", "1", "--max-queued", "1000"],
    );
    let addr = server.addr.clone();

    let mut problem = day::day(300, 30, 42);
    problem["options"]["time_limit_s"] = json!(1);
    let (s, plan) = http(&addr, "POST", "/v1/plans", Some(&problem.to_string()), None);
    assert_eq!(s, 200, "{plan}");
    let plan = json_of(&plan);
    let bodies: Vec<String> = (0..32)
        .map(|k| json!({"problem": problem, "plan": plan, "visit": day::new_visit(k), "k": 5}).to_string())
        .collect();
    let mut small_day = day::day(60, 8, 3);
    small_day["options"]["time_limit_s"] = json!(0.2);
    let plan_body = small_day.to_string();

    let run = |name: &str, path: &str, make: &(dyn Fn(usize) -> String + Sync)| {
        let deadline = Instant::now() + Duration::from_secs(secs);
        let results: Vec<(Vec<f64>, usize)> = std::thread::scope(|sc| {
            let handles: Vec<_> = (0..conc)
                .map(|c| {
                    let addr = addr.clone();
                    sc.spawn(move || {
                        let mut lat = Vec::new();
                        let mut errors = 0;
                        let mut i = c;
                        while Instant::now() < deadline {
                            let body = make(i);
                            let t = Instant::now();
                            let (s, _) = http(&addr, "POST", path, Some(&body), None);
                            lat.push(t.elapsed().as_secs_f64() * 1e3);
                            if s != 200 {
                                errors += 1;
                            }
                            i += conc;
                        }
                        (lat, errors)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("client")).collect()
        });
        let mut lat: Vec<f64> = results.iter().flat_map(|r| r.0.iter().copied()).collect();
        let errors: usize = results.iter().map(|r| r.1).sum();
        lat.sort_by(f64::total_cmp);
        println!(
            "LOAD {name}: {} requests in {secs} s at concurrency {conc}: {:.1} req/s, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms, errors {errors}, body {} KiB",
            lat.len(),
            lat.len() as f64 / secs as f64,
            percentile(&lat, 0.5),
            percentile(&lat, 0.99),
            lat.last().copied().unwrap_or(f64::NAN),
            make(0).len() / 1024
        );
        assert_eq!(errors, 0, "{name}: errors under load");
    };
    run("slots (300 visits, 30 staff)", "/v1/slots", &|i| {
        bodies[i % bodies.len()].clone()
    });
    run("plans (60 visits, 8 staff, 0.2 s limit)", "/v1/plans", &|_| {
        plan_body.clone()
    });
    println!(
        "LOAD server peak RSS: {} MiB",
        peak_rss_kib(server.pid()).unwrap_or(0) / 1024
    );
}
