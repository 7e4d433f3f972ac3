//! The server binary over a real socket on 127.0.0.1 (a random port): crash recovery
//! (`kill -9` and restart), graceful shutdown, the loopback rule without keys, solves
//! stopped when their request times out or its client goes away, long URIs, the log
//! file's contents, and a bounded load test (`--ignored`, see scripts/loadtest.sh).

use crate::day;

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

const PRIVATE: &str = include_str!("../common/private_problem.json");

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

/// A field of `/proc/PID/status` in KiB (`VmHWM`: peak resident set, `VmRSS`: now),
/// where /proc exists.
fn proc_status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// An answer as the load test sees it.
struct Reply {
    status: u16,
    content_type: Option<String>,
    retry_after: Option<String>,
    body: String,
}

/// One request on a fresh connection, like [`http`], but an error instead of a panic when
/// no (parsable) answer comes back, and the headers the load test checks. Without
/// `json_type` the request has no Content-Type.
fn load_http(
    addr: &str,
    method: &str,
    path: &str,
    body: Option<&str>,
    json_type: bool,
) -> Result<Reply, String> {
    let sock: std::net::SocketAddr = addr.parse().map_err(|e| format!("address {addr}: {e}"))?;
    let mut s =
        TcpStream::connect_timeout(&sock, Duration::from_secs(10)).map_err(|e| format!("connect: {e}"))?;
    // Longer than the server's own request timeout (60 s), so a hang shows as one.
    s.set_read_timeout(Some(Duration::from_secs(90)))
        .map_err(|e| e.to_string())?;
    s.set_write_timeout(Some(Duration::from_secs(30)))
        .map_err(|e| e.to_string())?;
    let body = body.unwrap_or("");
    let ctype = if json_type {
        "Content-Type: application/json\r\n"
    } else {
        ""
    };
    // One write, so that the body does not wait for the head's ACK (Nagle).
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{ctype}Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).map_err(|e| format!("write: {e}"))?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).map_err(|e| format!("read: {e}"))?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| format!("no complete response head in {} bytes", raw.len()))?;
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status line: {:?}", &head[..head.len().min(80)]))?;
    let mut content_type = None;
    let mut retry_after = None;
    let mut chunked = false;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim().to_string();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-type" => content_type = Some(value),
            "retry-after" => retry_after = Some(value),
            "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
            _ => {}
        }
    }
    let body = if chunked { dechunk(body) } else { body.to_string() };
    Ok(Reply {
        status,
        content_type,
        retry_after,
        body,
    })
}

/// What a load-test client does in one iteration.
#[derive(Debug, Clone, Copy)]
enum Op {
    /// `POST /v1/plans`, the small day (0.2 s, one thread).
    Plan,
    /// `POST /v1/jobs` (the small day), up to five `GET /v1/jobs/{id}` 50 ms apart (until
    /// it is final), then `DELETE /v1/jobs/{id}`.
    Job,
    /// `GET /v1/jobs`.
    List,
    /// `POST /v1/slots`, the 300-visit day and one of 32 new visits.
    Slots,
    /// `POST /v1/check`, the 300-visit day and its plan.
    Check,
    /// Bad JSON: 400.
    Malformed,
    /// JSON, but a negative visit duration: 422.
    Invalid,
    /// No such route: 404.
    NoRoute,
    /// A body without Content-Type: 415.
    NoType,
    /// A 20 KB URI: 414.
    LongUri,
    /// A route without that method: 405.
    WrongMethod,
}

/// The traffic mix: client `c` does `MIX[(i + 3 c) % 20]` in its iteration `i`, so the 16
/// clients start at 16 different places in it and every run sends the same requests.
const MIX: [Op; 20] = [
    Op::Slots,
    Op::Plan,
    Op::Check,
    Op::List,
    Op::Slots,
    Op::Malformed,
    Op::Job,
    Op::Slots,
    Op::Invalid,
    Op::Check,
    Op::Slots,
    Op::NoRoute,
    Op::Plan,
    Op::Slots,
    Op::NoType,
    Op::List,
    Op::Job,
    Op::LongUri,
    Op::Check,
    Op::WrongMethod,
];

/// Endpoints in the order the report lists them (method + route template; the bad
/// requests say what is wrong with them).
const ENDPOINTS: [&str; 13] = [
    "POST /v1/plans",
    "POST /v1/jobs",
    "GET /v1/jobs/{id}",
    "DELETE /v1/jobs/{id}",
    "GET /v1/jobs",
    "POST /v1/slots",
    "POST /v1/check",
    "POST /v1/plans (malformed JSON)",
    "POST /v1/plans (invalid problem)",
    "GET /v1/nowhere (unknown route)",
    "POST /v1/check (no Content-Type)",
    "GET /v1/jobs/{20 KB id} (long URI)",
    "PUT /v1/plans (wrong method)",
];

/// Latencies (ms) and statuses of one endpoint.
#[derive(Default)]
struct EndpointStats {
    lat_ms: Vec<f64>,
    statuses: std::collections::BTreeMap<u16, usize>,
}

/// What went wrong, by kind; every count but the 429s and 503s must be 0.
#[derive(Default)]
struct Tally {
    endpoints: std::collections::BTreeMap<&'static str, EndpointStats>,
    /// 5xx other than a 503 `unavailable`, or a 503 with another code.
    server_errors: usize,
    /// Requests that got no answer (refused, reset, timed out, not HTTP).
    no_response: usize,
    /// Error answers (4xx, 5xx) that are not JSON `{"error": {"code", "message"}}`.
    non_json_errors: usize,
    /// 2xx answers whose body is not JSON (or a job answer without its id).
    bad_bodies: usize,
    /// Statuses other than the expected ones (and 429/503 where allowed).
    unexpected: usize,
    /// 429 answers (all must carry Retry-After).
    too_many: usize,
    /// 429 answers without Retry-After.
    no_retry_after: usize,
    /// 503 answers.
    unavailable: usize,
    /// The first few failures, with their request.
    examples: Vec<String>,
}

impl Tally {
    fn fail(&mut self, what: String) {
        if self.examples.len() < 20 {
            self.examples.push(what);
        }
    }

    fn failures(&self) -> usize {
        self.server_errors
            + self.no_response
            + self.non_json_errors
            + self.bad_bodies
            + self.unexpected
            + self.no_retry_after
    }

    fn merge(&mut self, other: Tally) {
        for (k, v) in other.endpoints {
            let e = self.endpoints.entry(k).or_default();
            e.lat_ms.extend(v.lat_ms);
            for (s, n) in v.statuses {
                *e.statuses.entry(s).or_default() += n;
            }
        }
        self.server_errors += other.server_errors;
        self.no_response += other.no_response;
        self.non_json_errors += other.non_json_errors;
        self.bad_bodies += other.bad_bodies;
        self.unexpected += other.unexpected;
        self.too_many += other.too_many;
        self.no_retry_after += other.no_retry_after;
        self.unavailable += other.unavailable;
        for e in other.examples {
            self.fail(e);
        }
    }

    /// Sends one request, times it and classifies the answer; the JSON body of an
    /// expected 2xx answer.
    #[allow(clippy::too_many_arguments)]
    fn send(
        &mut self,
        addr: &str,
        label: &'static str,
        method: &str,
        path: &str,
        body: Option<&str>,
        json_type: bool,
        expect: u16,
        may_429: bool,
    ) -> Option<Value> {
        let shown = |body: &str| body.chars().take(300).collect::<String>();
        let what = || {
            format!(
                "{method} {} ({} body bytes{})",
                path.chars().take(60).collect::<String>(),
                body.map_or(0, str::len),
                if json_type { "" } else { ", no Content-Type" }
            )
        };
        let t = Instant::now();
        let reply = load_http(addr, method, path, body, json_type);
        let ms = t.elapsed().as_secs_f64() * 1e3;
        let stats = self.endpoints.entry(label).or_default();
        stats.lat_ms.push(ms);
        let reply = match reply {
            Ok(r) => r,
            Err(e) => {
                *stats.statuses.entry(0).or_default() += 1;
                self.no_response += 1;
                self.fail(format!(
                    "{label}: no response after {ms:.0} ms ({e}) to {}",
                    what()
                ));
                return None;
            }
        };
        *stats.statuses.entry(reply.status).or_default() += 1;
        let status = reply.status;
        let json: Option<Value> = serde_json::from_str(&reply.body).ok();
        if status >= 400 {
            let code = json.as_ref().and_then(|j| j["error"]["code"].as_str());
            let message = json.as_ref().and_then(|j| j["error"]["message"].as_str());
            let typed = reply
                .content_type
                .as_deref()
                .is_some_and(|t| t.starts_with("application/json"));
            if code.is_none() || message.is_none() || !typed {
                self.non_json_errors += 1;
                self.fail(format!(
                    "{label}: {status} not a JSON error (Content-Type {:?}): {} to {}",
                    reply.content_type,
                    shown(&reply.body),
                    what()
                ));
            }
            match status {
                503 => {
                    self.unavailable += 1;
                    if code.is_some_and(|c| c != "unavailable") {
                        self.server_errors += 1;
                        self.fail(format!("{label}: 503 {} to {}", shown(&reply.body), what()));
                    }
                    return None;
                }
                429 if may_429 => {
                    self.too_many += 1;
                    if reply.retry_after.is_none() {
                        self.no_retry_after += 1;
                        self.fail(format!("{label}: 429 without Retry-After to {}", what()));
                    }
                    return None;
                }
                s if s >= 500 => {
                    self.server_errors += 1;
                    self.fail(format!("{label}: {status} {} to {}", shown(&reply.body), what()));
                    return None;
                }
                _ => {}
            }
        }
        if status != expect {
            self.unexpected += 1;
            self.fail(format!(
                "{label}: {status} (expected {expect}) {} to {}",
                shown(&reply.body),
                what()
            ));
            return None;
        }
        if status < 300 && json.is_none() {
            self.bad_bodies += 1;
            self.fail(format!(
                "{label}: {status} body not JSON: {} to {}",
                shown(&reply.body),
                what()
            ));
        }
        json
    }
}

/// The fixed requests the clients send.
struct LoadBodies {
    plan: String,
    invalid: String,
    slots: Vec<String>,
    check: String,
    long_uri: String,
}

/// One iteration of one client.
fn load_op(t: &mut Tally, addr: &str, op: Op, i: usize, b: &LoadBodies) {
    match op {
        Op::Plan => {
            t.send(
                addr,
                ENDPOINTS[0],
                "POST",
                "/v1/plans",
                Some(&b.plan),
                true,
                200,
                true,
            );
        }
        Op::Job => {
            let Some(job) = t.send(
                addr,
                ENDPOINTS[1],
                "POST",
                "/v1/jobs",
                Some(&b.plan),
                true,
                202,
                true,
            ) else {
                return;
            };
            let Some(id) = job["id"].as_str() else {
                t.bad_bodies += 1;
                t.fail(format!("POST /v1/jobs: 202 without an id: {job}"));
                return;
            };
            let path = format!("/v1/jobs/{id}");
            for _ in 0..5 {
                let view = t.send(addr, ENDPOINTS[2], "GET", &path, None, true, 200, false);
                let status = view
                    .as_ref()
                    .and_then(|v| v["status"].as_str().map(str::to_string));
                if matches!(status.as_deref(), None | Some("done" | "failed" | "cancelled")) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            t.send(addr, ENDPOINTS[3], "DELETE", &path, None, true, 200, false);
        }
        Op::List => {
            t.send(addr, ENDPOINTS[4], "GET", "/v1/jobs", None, true, 200, false);
        }
        Op::Slots => {
            let body = &b.slots[i % b.slots.len()];
            t.send(
                addr,
                ENDPOINTS[5],
                "POST",
                "/v1/slots",
                Some(body),
                true,
                200,
                false,
            );
        }
        Op::Check => {
            t.send(
                addr,
                ENDPOINTS[6],
                "POST",
                "/v1/check",
                Some(&b.check),
                true,
                200,
                false,
            );
        }
        Op::Malformed => {
            let body = r#"{"staff": [{"id": "s1",, }"#;
            t.send(
                addr,
                ENDPOINTS[7],
                "POST",
                "/v1/plans",
                Some(body),
                true,
                400,
                false,
            );
        }
        Op::Invalid => {
            t.send(
                addr,
                ENDPOINTS[8],
                "POST",
                "/v1/plans",
                Some(&b.invalid),
                true,
                422,
                false,
            );
        }
        Op::NoRoute => {
            t.send(addr, ENDPOINTS[9], "GET", "/v1/nowhere", None, true, 404, false);
        }
        Op::NoType => {
            // A small body, read whole by the server before it answers.
            t.send(
                addr,
                ENDPOINTS[10],
                "POST",
                "/v1/check",
                Some("{}"),
                false,
                415,
                false,
            );
        }
        Op::LongUri => {
            t.send(addr, ENDPOINTS[11], "GET", &b.long_uri, None, true, 414, false);
        }
        Op::WrongMethod => {
            t.send(addr, ENDPOINTS[12], "PUT", "/v1/plans", None, true, 405, false);
        }
    }
}

/// Bounded load test on loopback, mixed traffic: `LOAD_CONCURRENCY` clients (default 16)
/// at the same time for `LOAD_SECONDS` (default 60), each looping over [`MIX`]: plans
/// and jobs on a 60-visit day, job polls, deletes and listings, slots and checks on a
/// 300-visit day, and bad requests (400, 422, 404, 415, 414, 405), against a server with
/// one solve at a time on one thread. Prints per endpoint requests, statuses and
/// p50/p99/max latency, the 429/503 answers, every failure and the server's peak RSS
/// (`LOAD` lines), then asserts no server error (5xx other than 503, no answer, a panic
/// or error in the server log) and no error that is not JSON.
#[test]
#[ignore = "load test: run with scripts/loadtest.sh (release build)"]
fn load_test() {
    let secs: u64 = std::env::var("LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let conc: usize = std::env::var("LOAD_CONCURRENCY")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(16);
    let dir = tempfile::tempdir().expect("dir");
    let flags = [
        "--max-concurrent-solves",
        "1",
        "--max-queued",
        "64",
        "--max-threads",
        "1",
    ];
    let log_path = dir.path().join("server.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    let server = Server::spawn(&dir.path().join("data"), &flags, "warn", Stdio::from(log));
    let addr = server.addr.clone();
    let pid = server.pid();
    let rss_start = proc_status_kib(pid, "VmRSS").unwrap_or(0);

    let mut day300 = day::day(300, 30, 42);
    day300["options"]["time_limit_s"] = json!(1);
    let (s, plan300) = http(&addr, "POST", "/v1/plans", Some(&day300.to_string()), None);
    assert_eq!(s, 200, "{plan300}");
    let plan300 = json_of(&plan300);
    let mut small_day = day::day(60, 8, 3);
    small_day["options"]["time_limit_s"] = json!(0.2);
    small_day["options"]["threads"] = json!(1);
    let mut invalid = small_day.clone();
    invalid["visits"][0]["duration_min"] = json!(-30);
    let bodies = LoadBodies {
        plan: small_day.to_string(),
        invalid: invalid.to_string(),
        slots: (0..32)
            .map(|k| {
                json!({"problem": day300, "plan": plan300, "visit": day::new_visit(k), "k": 5}).to_string()
            })
            .collect(),
        check: json!({"problem": day300, "plan": plan300}).to_string(),
        long_uri: format!("/v1/jobs/{}", "a".repeat(20_000)),
    };

    let t0 = Instant::now();
    let deadline = t0 + Duration::from_secs(secs);
    let done = std::sync::atomic::AtomicBool::new(false);
    let (tally, rss_samples, wall_s) = std::thread::scope(|sc| {
        // VmRSS once a second until the clients are done.
        let sampler = sc.spawn(|| {
            let mut samples = Vec::new();
            let mut next = Instant::now();
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                if Instant::now() >= next {
                    samples.extend(proc_status_kib(pid, "VmRSS"));
                    next += Duration::from_secs(1);
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            samples
        });
        let clients: Vec<_> = (0..conc)
            .map(|c| {
                let (addr, bodies) = (&addr, &bodies);
                sc.spawn(move || {
                    let mut t = Tally::default();
                    let mut i = 0;
                    while Instant::now() < deadline {
                        load_op(&mut t, addr, MIX[(i + 3 * c) % MIX.len()], i, bodies);
                        i += 1;
                    }
                    t
                })
            })
            .collect();
        let mut tally = Tally::default();
        for h in clients {
            tally.merge(h.join().expect("client thread"));
        }
        let wall_s = t0.elapsed().as_secs_f64();
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        (tally, sampler.join().expect("sampler"), wall_s)
    });

    // The server is still up and answers.
    let mut tally = tally;
    let (s, body) = http(&addr, "GET", "/health", None, None);
    if s != 200 {
        tally.server_errors += 1;
        tally.fail(format!("GET /health after the load: {s} {body}"));
    }
    let peak_kib = proc_status_kib(pid, "VmHWM").unwrap_or(0);
    let rss_end = proc_status_kib(pid, "VmRSS").unwrap_or(0);
    let log_text = std::fs::read_to_string(&log_path).unwrap_or_default();
    let log_bad: Vec<&str> = log_text
        .lines()
        .filter(|l| l.contains("ERROR") || l.contains("panicked"))
        .collect();
    tally.server_errors += log_bad.len();

    println!(
        "LOAD mixed traffic: {conc} clients at once for {secs} s ({wall_s:.1} s until the last answer), one connection per request; server {}",
        flags.join(" ")
    );
    println!("LOAD | endpoint | requests | req/s | p50 ms | p99 ms | max ms | statuses |");
    println!("LOAD |---|---|---|---|---|---|---|");
    let mut total = 0;
    for label in ENDPOINTS {
        let Some(e) = tally.endpoints.get_mut(label) else {
            println!("LOAD | `{label}` | 0 | | | | | |");
            continue;
        };
        e.lat_ms.sort_by(f64::total_cmp);
        total += e.lat_ms.len();
        let statuses: Vec<String> = e
            .statuses
            .iter()
            .map(|(s, n)| {
                if *s == 0 {
                    format!("no answer × {n}")
                } else {
                    format!("{s} × {n}")
                }
            })
            .collect();
        println!(
            "LOAD | `{label}` | {} | {:.1} | {:.1} | {:.1} | {:.1} | {} |",
            e.lat_ms.len(),
            e.lat_ms.len() as f64 / wall_s,
            percentile(&e.lat_ms, 0.5),
            percentile(&e.lat_ms, 0.99),
            e.lat_ms.last().copied().unwrap_or(f64::NAN),
            statuses.join(", ")
        );
    }
    println!("LOAD total: {total} requests, {:.1} req/s", total as f64 / wall_s);
    println!(
        "LOAD overload answers: 429 × {} ({} without Retry-After), 503 × {}",
        tally.too_many, tally.no_retry_after, tally.unavailable
    );
    println!(
        "LOAD server errors: {} (5xx other than 503 or a 503 not `unavailable`, plus {} ERROR/panic lines in the server log); no answer: {}; non-JSON errors: {}; non-JSON 2xx bodies: {}; unexpected statuses: {}",
        tally.server_errors,
        log_bad.len(),
        tally.no_response,
        tally.non_json_errors,
        tally.bad_bodies,
        tally.unexpected
    );
    for e in &tally.examples {
        println!("LOAD failure: {e}");
    }
    for l in log_bad.iter().take(20) {
        println!("LOAD server log: {l}");
    }
    let max_sampled = rss_samples.iter().copied().max().unwrap_or(0);
    println!(
        "LOAD server RSS: peak (VmHWM) {:.1} MiB; VmRSS {:.1} MiB at start, {:.1} MiB max of {} samples 1 s apart, {:.1} MiB at the end",
        peak_kib as f64 / 1024.0,
        rss_start as f64 / 1024.0,
        max_sampled as f64 / 1024.0,
        rss_samples.len(),
        rss_end as f64 / 1024.0
    );
    assert_eq!(tally.server_errors, 0, "server errors under load");
    assert_eq!(tally.no_response, 0, "requests without an answer under load");
    assert_eq!(tally.non_json_errors, 0, "error answers that are not JSON");
    assert_eq!(tally.failures(), 0, "failures under load (see the LOAD lines)");
}
