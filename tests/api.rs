//! The HTTP API through `Router::oneshot` (no socket): every endpoint, every error code,
//! auth and team isolation, the job lifecycle, cancel and restart recovery, listing,
//! erasure and retention, the server's threads and time caps, and what the logs hold.

#[path = "../benches/common/day.rs"]
mod day;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use carerounds::api::{app, AppState, Config, Keys};
use carerounds::check::check;
use carerounds::model::{parse_problem, Plan};
use serde_json::{json, Value};
use std::time::Duration;
use tower::ServiceExt;

const NORTH: &str = "north-key-0123456789";
const SOUTH: &str = "south-key-9876543210";

fn config() -> Config {
    Config {
        max_concurrent_solves: 1,
        max_visits: 500,
        ..Config::default()
    }
}

fn state(dir: &std::path::Path, config: Config) -> AppState {
    AppState::open(config, dir).expect("state")
}

async fn raw(
    app: &Router,
    method: &str,
    uri: &str,
    body: Body,
    key: Option<&str>,
) -> (StatusCode, Value, String) {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json");
    if let Some(k) = key {
        req = req.header("authorization", format!("Bearer {k}"));
    }
    let resp = app
        .clone()
        .oneshot(req.body(body).expect("request"))
        .await
        .expect("response");
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .expect("body");
    let text = String::from_utf8_lossy(&bytes).to_string();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, json, text)
}

async fn call(
    app: &Router,
    method: &str,
    uri: &str,
    body: Option<&Value>,
    key: Option<&str>,
) -> (StatusCode, Value) {
    let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
    let (s, j, _) = raw(app, method, uri, body, key).await;
    (s, j)
}

fn assert_error(status: StatusCode, body: &Value, want: StatusCode, code: &str, path: Option<&str>) {
    assert_eq!(status, want, "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    if let Some(p) = path {
        assert_eq!(body["error"]["path"], p, "{body}");
    }
}

fn small() -> Value {
    let mut p = day::day(25, 5, 1);
    p["options"]["time_limit_s"] = json!(0.2);
    p
}

async fn wait_final(app: &Router, id: &str, key: Option<&str>) -> Value {
    for _ in 0..600 {
        let (s, job) = call(app, "GET", &format!("/v1/jobs/{id}"), None, key).await;
        assert_eq!(s, StatusCode::OK, "{job}");
        if ["done", "failed", "cancelled"].contains(&job["status"].as_str().unwrap_or("")) {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("job {id} did not finish");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plans_check_health_metrics_openapi() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(state(dir.path(), config()));
    let problem = small();
    let (s, plan) = call(&app, "POST", "/v1/plans", Some(&problem), None).await;
    assert_eq!(s, StatusCode::OK, "{plan}");
    let p = parse_problem(&problem.to_string()).expect("problem");
    let parsed: Plan = serde_json::from_value(plan.clone()).expect("plan");
    assert!(check(
        &p,
        &carerounds::travel::sources::build(&p).expect("travel"),
        &parsed
    )
    .is_empty());

    let (s, c) = call(
        &app,
        "POST",
        "/v1/check",
        Some(&json!({"problem": problem, "plan": plan})),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(c["feasible"], true, "{c}");
    let mut broken = plan.clone();
    broken["summary"]["travel_min"] = json!(1.0);
    let (s, c) = call(
        &app,
        "POST",
        "/v1/check",
        Some(&json!({"problem": problem, "plan": broken})),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(c["feasible"], false);
    assert_eq!(c["violations"][0]["rule"], "summary_figure", "{c}");

    let (s, h) = call(&app, "GET", "/health", None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h["status"], "ok");

    let (s, doc) = call(&app, "GET", "/openapi.json", None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with('3')));
    for path in [
        "/v1/plans",
        "/v1/jobs",
        "/v1/jobs/{id}",
        "/v1/slots",
        "/v1/check",
        "/v1/reports",
        "/health",
        "/metrics",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} missing from the OpenAPI document"
        );
    }
    assert!(doc["components"]["schemas"]["SlotOption"].is_object());

    let (s, _, text) = raw(&app, "GET", "/metrics", Body::empty(), None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        text.contains("carerounds_http_requests_total{method=\"POST\",route=\"/v1/plans\",status=\"200\"} 1"),
        "{text}"
    );
    assert!(text.contains("carerounds_http_request_duration_seconds_bucket{route=\"/v1/plans\""));
    assert!(text.contains("carerounds_solve_duration_seconds_count 1"));
    assert!(text.contains("carerounds_jobs{state=\"queued\"} 0"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_takes_a_plan_without_summary() {
    // As `carerounds check`: a plan edited by hand may leave out `summary`.
    let dir = tempfile::tempdir().expect("dir");
    let app = app(state(dir.path(), config()));
    let mut problem = small();
    problem["options"]["threads"] = json!(1);
    let (s, plan) = call(&app, "POST", "/v1/plans", Some(&problem), None).await;
    assert_eq!(s, StatusCode::OK, "{plan}");
    let check = |plan: &Value| json!({"problem": problem, "plan": plan});
    let mut answers = Vec::new();
    let mut bare = plan.clone();
    bare.as_object_mut().expect("a plan object").remove("summary");
    let mut wrong = bare.clone();
    // The routes' figures are still checked.
    wrong["routes"][0]["travel_min"] = json!(12345.0);
    for plan in [&plan, &bare, &wrong] {
        let (s, c) = call(&app, "POST", "/v1/check", Some(&check(plan)), None).await;
        assert_eq!(s, StatusCode::OK, "{c}");
        answers.push(c);
    }
    let seen: Vec<(&Value, &Value)> = answers
        .iter()
        .map(|c| (&c["feasible"], &c["summary_checked"]))
        .collect();
    let (yes, no) = (json!(true), json!(false));
    assert_eq!(seen, [(&yes, &yes), (&yes, &no), (&no, &no)], "{answers:?}");
    let rules: Vec<&str> = answers[2]["violations"]
        .as_array()
        .expect("violations")
        .iter()
        .filter_map(|v| v["rule"].as_str())
        .collect();
    assert!(rules.contains(&"route_figure"), "{rules:?}");
    assert!(!rules.contains(&"summary_figure"), "{rules:?}");
    // A summary that is there is read as before (null is not a summary), and other faults
    // of a plan without summary keep their paths.
    let mut null = plan.clone();
    null["summary"] = Value::Null;
    let mut bad = bare.clone();
    bad["routes"][0]["travel_min"] = json!("long");
    for (plan, path) in [(&null, "plan.summary"), (&bad, "plan.routes[0].travel_min")] {
        let (s, c) = call(&app, "POST", "/v1/check", Some(&check(plan)), None).await;
        assert_error(
            s,
            &c,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            Some(path),
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_error_has_the_json_shape() {
    let dir = tempfile::tempdir().expect("dir");
    let cfg = Config {
        max_visits: 30,
        body_limit: 200_000,
        ..config()
    };
    let app = app(state(dir.path(), cfg));
    // 400: not JSON.
    let (s, b, _) = raw(&app, "POST", "/v1/plans", Body::from("{\"staff\": [,]}"), None).await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "malformed_json", None);
    assert_eq!(b["error"]["kind"], "syntax", "{b}");
    let (s, b, _) = raw(&app, "POST", "/v1/plans", Body::from(""), None).await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "malformed_json", None);
    // 422: unknown field, wrong type, validation rule.
    let mut p = small();
    p["visits"][2]["duraton_min"] = json!(5);
    let (s, b) = call(&app, "POST", "/v1/plans", Some(&p), None).await;
    assert_error(
        s,
        &b,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("visits[2].duraton_min"),
    );
    assert_eq!(b["error"]["kind"], "unknown_field", "{b}");
    assert!(b["error"]["message"]
        .as_str()
        .unwrap_or("")
        .contains("duraton_min"));
    let mut p = small();
    p["visits"][3]["time_windows"] = json!([["10:00", "09:00"]]);
    let (s, b) = call(&app, "POST", "/v1/plans", Some(&p), None).await;
    assert_error(
        s,
        &b,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("visits[3].time_windows[0]"),
    );
    assert_eq!(b["error"]["kind"], "conflict", "{b}");
    let mut p = small();
    p["staff"][0]["shift"]["start"] = json!(true);
    let (s, b) = call(&app, "POST", "/v1/jobs", Some(&p), None).await;
    assert_error(
        s,
        &b,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("staff[0].shift.start"),
    );
    assert_eq!(b["error"]["kind"], "wrong_type", "{b}");
    // 413: too many visits; body over the limit. Not an input fault: no kind.
    let (s, b) = call(&app, "POST", "/v1/plans", Some(&day::day(40, 5, 1)), None).await;
    assert_error(s, &b, StatusCode::PAYLOAD_TOO_LARGE, "too_large", Some("visits"));
    assert_eq!(b["error"]["kind"], Value::Null, "{b}");
    let big = format!("{{\"name\": \"{}\"}}", "x".repeat(300_000));
    let (s, b, _) = raw(&app, "POST", "/v1/plans", Body::from(big), None).await;
    assert_error(s, &b, StatusCode::PAYLOAD_TOO_LARGE, "too_large", None);
    // 404: unknown route, unknown job, malformed job id.
    let (s, b) = call(&app, "GET", "/v2/nothing", None, None).await;
    assert_error(s, &b, StatusCode::NOT_FOUND, "not_found", None);
    let (s, b) = call(
        &app,
        "GET",
        "/v1/jobs/0123456789abcdef0123456789abcdef",
        None,
        None,
    )
    .await;
    assert_error(s, &b, StatusCode::NOT_FOUND, "not_found", None);
    let (s, b) = call(&app, "DELETE", "/v1/jobs/..%2Fetc", None, None).await;
    assert_error(s, &b, StatusCode::NOT_FOUND, "not_found", None);
    // 405.
    let (s, b) = call(&app, "GET", "/v1/plans", None, None).await;
    assert_error(s, &b, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_and_team_isolation() {
    let dir = tempfile::tempdir().expect("dir");
    let cfg = Config {
        keys: Some(Keys::from_plain(&[("north", NORTH), ("south", SOUTH)])),
        ..config()
    };
    let app = app(state(dir.path(), cfg));
    let p = small();
    let (s, b) = call(&app, "POST", "/v1/jobs", Some(&p), None).await;
    assert_error(s, &b, StatusCode::UNAUTHORIZED, "unauthorized", None);
    let (s, b) = call(&app, "POST", "/v1/plans", Some(&p), Some("wrong")).await;
    assert_error(s, &b, StatusCode::UNAUTHORIZED, "unauthorized", None);
    let (s, created) = call(&app, "POST", "/v1/jobs", Some(&p), Some(NORTH)).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{created}");
    let id = created["id"].as_str().expect("id").to_string();
    let job = wait_final(&app, &id, Some(NORTH)).await;
    assert_eq!(job["status"], "done");
    // Another team cannot see or cancel it; nor can anyone without a key.
    for (method, key) in [("GET", Some(SOUTH)), ("DELETE", Some(SOUTH)), ("GET", None)] {
        let (s, b) = call(&app, method, &format!("/v1/jobs/{id}"), None, key).await;
        let want = if key.is_some() {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::UNAUTHORIZED
        };
        assert_eq!(s, want, "{method} {key:?}: {b}");
    }
    // South's DELETE erased nothing.
    let (s, b) = call(&app, "GET", &format!("/v1/jobs/{id}"), None, Some(NORTH)).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    // Health, metrics and the document need no key.
    let (s, _) = call(&app, "GET", "/health", None, None).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn job_lifecycle_and_cancel() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(state(dir.path(), config()));
    let p = small();
    let (s, created) = call(&app, "POST", "/v1/jobs", Some(&p), None).await;
    assert_eq!(s, StatusCode::ACCEPTED);
    assert_eq!(created["status"], "queued");
    let id = created["id"].as_str().expect("id").to_string();
    let job = wait_final(&app, &id, None).await;
    assert_eq!(job["status"], "done", "{job}");
    assert!(job["stop"] == "completed" || job["stop"] == "time_limit", "{job}");
    assert!(job["created_at"].as_str().is_some_and(|t| t.ends_with('Z')));
    let plan: Plan = serde_json::from_value(job["plan"].clone()).expect("plan");
    assert!(check(
        &parse_problem(&p.to_string()).expect("problem"),
        &carerounds::travel::sources::build(&parse_problem(&p.to_string()).expect("problem"))
            .expect("travel"),
        &plan
    )
    .is_empty());
    // DELETE on a finished job erases it: problem, plan and row.
    let (s, erased) = call(&app, "DELETE", &format!("/v1/jobs/{id}"), None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(erased, json!({"id": id, "status": "erased"}));
    let (s, b) = call(&app, "GET", &format!("/v1/jobs/{id}"), None, None).await;
    assert_error(s, &b, StatusCode::NOT_FOUND, "not_found", None);
    let (s, b) = call(&app, "DELETE", &format!("/v1/jobs/{id}"), None, None).await;
    assert_error(s, &b, StatusCode::NOT_FOUND, "not_found", None);

    // A long search, stopped while running, keeps its best plan.
    let mut long = day::day(60, 8, 2);
    long["options"]["time_limit_s"] = json!(30);
    let (_, created) = call(&app, "POST", "/v1/jobs", Some(&long), None).await;
    let id = created["id"].as_str().expect("id").to_string();
    let mut running = false;
    for _ in 0..500 {
        let (_, job) = call(&app, "GET", &format!("/v1/jobs/{id}"), None, None).await;
        if job["status"] == "running" {
            assert!(job["progress"]["elapsed_s"].is_number(), "{job}");
            running = true;
            break;
        }
        assert_eq!(job["status"], "queued", "{job}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(running, "the job never ran");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (s, job) = call(&app, "DELETE", &format!("/v1/jobs/{id}"), None, None).await;
    assert_eq!(s, StatusCode::OK);
    let job = if job["status"] == "running" {
        wait_final(&app, &id, None).await
    } else {
        job
    };
    // A solver that finished its search before the cancel arrived is done instead.
    assert!(
        job["status"] == "cancelled" || job["stop"] == "completed",
        "{job}"
    );
    let plan: Plan = serde_json::from_value(job["plan"].clone()).expect("best plan kept");
    assert!(check(
        &parse_problem(&long.to_string()).expect("problem"),
        &carerounds::travel::sources::build(&parse_problem(&long.to_string()).expect("problem"))
            .expect("travel"),
        &plan
    )
    .is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_jobs_cancel_queue_limits_and_restart_recovery() {
    let dir = tempfile::tempdir().expect("dir");
    let paused = Config {
        max_concurrent_solves: 0,
        max_queued: 2,
        ..config()
    };
    let app1 = app(state(dir.path(), paused.clone()));
    let p = small();
    let mut ids = Vec::new();
    for _ in 0..2 {
        let (s, created) = call(&app1, "POST", "/v1/jobs", Some(&p), None).await;
        assert_eq!(s, StatusCode::ACCEPTED);
        ids.push(created["id"].as_str().expect("id").to_string());
    }
    // 429: the queue is full. 503: no synchronous solves while paused.
    let (s, b) = call(&app1, "POST", "/v1/jobs", Some(&p), None).await;
    assert_error(s, &b, StatusCode::TOO_MANY_REQUESTS, "too_many_requests", None);
    let (s, b) = call(&app1, "POST", "/v1/plans", Some(&p), None).await;
    assert_error(s, &b, StatusCode::SERVICE_UNAVAILABLE, "unavailable", None);
    let (s, job) = call(&app1, "GET", &format!("/v1/jobs/{}", ids[0]), None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(job["status"], "queued");
    // Cancel the first while queued.
    let (s, job) = call(&app1, "DELETE", &format!("/v1/jobs/{}", ids[0]), None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(job["status"], "cancelled", "{job}");
    assert!(job["plan"].is_null());
    drop(app1);
    // "Restart": a new server over the same data directory re-queues the second job.
    let st = state(dir.path(), config());
    st.recover().await.expect("recover");
    let app2 = app(st);
    let job = wait_final(&app2, &ids[1], None).await;
    assert_eq!(job["status"], "done", "{job}");
    assert!(job["plan"].is_object());
    let (_, first) = call(&app2, "GET", &format!("/v1/jobs/{}", ids[0]), None, None).await;
    assert_eq!(first["status"], "cancelled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slots_over_http() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(state(dir.path(), config()));
    let problem = day::day(60, 8, 4);
    let (s, plan) = call(&app, "POST", "/v1/plans", Some(&problem), None).await;
    assert_eq!(s, StatusCode::OK);
    // A tight plan may have no room for one visit (the answer then says why): try a few.
    let mut found = None;
    for k in 0..8 {
        let body = json!({"problem": problem, "plan": plan, "visit": day::new_visit(k), "k": 3});
        let (s, slots) = call(&app, "POST", "/v1/slots", Some(&body), None).await;
        assert_eq!(s, StatusCode::OK, "{slots}");
        if slots["options"].as_array().is_some_and(|o| !o.is_empty()) {
            found = Some((body, slots));
            break;
        }
        assert!(slots["reason"].is_string(), "{slots}");
    }
    let (body, slots) = found.expect("some visit has an option");
    let options = slots["options"].as_array().expect("options");
    assert!(options.len() <= 3, "{slots}");
    let o = &options[0];
    assert!(o["staff"][0].is_string());
    assert!(o["start"].as_str().is_some_and(|t| t.len() == 8), "{o}");
    assert!(o["added_travel_min"].is_number() && o["late_min"].is_number());
    // Errors name the document and the field.
    let mut bad = body.clone();
    bad["visit"]["time_windows"] = json!([["10:00", "09:00"]]);
    let (s, b) = call(&app, "POST", "/v1/slots", Some(&bad), None).await;
    assert_error(
        s,
        &b,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("visit.time_windows[0]"),
    );
    let mut bad = body.clone();
    bad["problem"]["visits"][1]["duration_min"] = json!(-3);
    let (s, b) = call(&app, "POST", "/v1/slots", Some(&bad), None).await;
    assert_error(
        s,
        &b,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("problem.visits[1].duration_min"),
    );
    let mut bad = body.clone();
    bad["plan"]["routes"][0]["staff"] = json!("nobody");
    let (s, b) = call(&app, "POST", "/v1/slots", Some(&bad), None).await;
    assert_error(
        s,
        &b,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("plan.routes[0].staff"),
    );
    let mut bad = body.clone();
    bad["k"] = json!(0);
    let (s, b) = call(&app, "POST", "/v1/slots", Some(&bad), None).await;
    assert_error(
        s,
        &b,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("k"),
    );
    let mut bad = body.clone();
    bad["visit"]["colour"] = json!("red");
    let (s, b) = call(&app, "POST", "/v1/slots", Some(&bad), None).await;
    assert_error(
        s,
        &b,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("visit.colour"),
    );
    let mut bad = body.clone();
    bad["reoptimise"] = json!(true);
    let (s, b) = call(&app, "POST", "/v1/slots", Some(&bad), None).await;
    assert_error(
        s,
        &b,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("reoptimise"),
    );
    // Road and OSRM travel read server files and call URLs of the caller's choosing: 422,
    // never a server file read or a 500.
    for travel in [
        json!({"mode": "osrm", "url": "http://127.0.0.1:1"}),
        json!({"mode": "road", "osm_file": "data/rutland-latest.osm.pbf"}),
    ] {
        let mut bad = body.clone();
        bad["problem"]["travel"] = travel;
        let (s, b) = call(&app, "POST", "/v1/slots", Some(&bad), None).await;
        assert_error(
            s,
            &b,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            Some("problem.travel.mode"),
        );
    }
}

#[tokio::test]
async fn reports_over_http() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(state(dir.path(), config()));
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample-day.json"))
        .expect("sample");
    let problem: Value = serde_json::from_str(&text).expect("json");
    let p = parse_problem(&text).expect("problem");
    let plan = carerounds::solve::Solver::new(&p, carerounds::travel::sources::build(&p).expect("travel"))
        .threads(1)
        .work_budget(2_000_000)
        .run()
        .plan;
    let body = json!({"problem": problem, "plans": [{"name": "optimised", "plan": plan}],
                      "gbp_per_mile": {"NHS": 0.56}});
    let (s, r) = call(&app, "POST", "/v1/reports", Some(&body), None).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let team = &r["plans"][0]["team"];
    assert!(
        team["baseline"]["travel_min"].as_f64() > team["plan"]["travel_min"].as_f64(),
        "{team}"
    );
    assert!(r["assumptions"].is_object());
    // Errors name the field.
    let bad = json!({"problem": problem, "plans": [], "format": "json"});
    let (s, e) = call(&app, "POST", "/v1/reports", Some(&bad), None).await;
    assert_error(
        s,
        &e,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("plans"),
    );
    let bad = json!({"problem": problem, "plans": [{"name": "x", "plan": plan}], "format": "pdf"});
    let (s, e) = call(&app, "POST", "/v1/reports", Some(&bad), None).await;
    assert_error(
        s,
        &e,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("format"),
    );
}

/// The problem whose ids, names and places must never reach a log.
const PRIVATE: &str = include_str!("common/private_problem.json");
/// Strings of [`PRIVATE`] (ids, names, coordinate digits) to look for in logs.
const PRIVATE_STRINGS: [&str; 17] = [
    "Quokka",
    "Xylophone",
    "Wolfgang",
    "Hildegard",
    "Fennimore",
    "Ptarmigan",
    "Marmaduke",
    "Hieronymus",
    "Perpetua",
    "Ferdinand",
    "6612345",
    "7298765",
    "6598761",
    "7276543",
    "6734567",
    "7154321",
    "6987123",
];

fn private() -> Value {
    serde_json::from_str(PRIVATE).expect("fixture")
}

/// A request with any headers; answers status, headers and the JSON body (or null).
async fn send(app: &Router, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Value) {
    let resp = app.clone().oneshot(req).await.expect("response");
    let (status, headers) = (resp.status(), resp.headers().clone());
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .expect("body");
    (
        status,
        headers,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn warnings(plan: &Value) -> Vec<String> {
    plan["warnings"]
        .as_array()
        .map(|w| w.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn threads_and_time_limit_are_capped_with_warnings() {
    let dir = tempfile::tempdir().expect("dir");
    let cfg = Config {
        max_threads: 1,
        max_time_limit_s: 0.3,
        ..config()
    };
    let app = app(state(dir.path(), cfg));
    let mut p = private();
    p["options"]["threads"] = json!(100_000);
    let t0 = std::time::Instant::now();
    let (s, plan) = call(&app, "POST", "/v1/plans", Some(&p), None).await;
    assert_eq!(s, StatusCode::OK, "{plan}");
    assert!(t0.elapsed() < Duration::from_secs(5), "took {:?}", t0.elapsed());
    let w = warnings(&plan);
    assert!(w.iter().any(|m| m.starts_with("options.threads")), "{plan}");
    assert!(!w.iter().any(|m| m.starts_with("options.time_limit_s")), "{plan}");
    // A plan with warnings is still a plan the checker accepts.
    let parsed: Plan = serde_json::from_value(plan).expect("plan");
    assert!(check(
        &parse_problem(PRIVATE).expect("problem"),
        &carerounds::travel::sources::build(&parse_problem(PRIVATE).expect("problem")).expect("travel"),
        &parsed
    )
    .is_empty());

    // The time cap: 20 s asked for, 0.3 s allowed; the answer comes in well under 20 s.
    let mut p = private();
    p["options"]["time_limit_s"] = json!(20);
    let t0 = std::time::Instant::now();
    let (s, plan) = call(&app, "POST", "/v1/plans", Some(&p), None).await;
    assert_eq!(s, StatusCode::OK, "{plan}");
    assert!(t0.elapsed() < Duration::from_secs(5), "took {:?}", t0.elapsed());
    assert!(
        warnings(&plan)
            .iter()
            .any(|m| m.starts_with("options.time_limit_s")),
        "{plan}"
    );

    // Jobs: the stored plan carries the warning.
    let mut p = private();
    p["options"]["threads"] = json!(100_000);
    let (s, created) = call(&app, "POST", "/v1/jobs", Some(&p), None).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{created}");
    let job = wait_final(&app, created["id"].as_str().expect("id"), None).await;
    assert_eq!(job["status"], "done", "{job}");
    assert!(
        warnings(&job["plan"])
            .iter()
            .any(|m| m.starts_with("options.threads")),
        "{job}"
    );
    // Without a cap hit there is no warnings field at all.
    let (s, plan) = call(&app, "POST", "/v1/plans", Some(&private()), None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(plan.get("warnings").is_none(), "{plan}");
}

async fn health(app: &Router) -> Value {
    call(app, "GET", "/health", None, None).await.1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timed_out_plan_request_stops_its_solve() {
    let dir = tempfile::tempdir().expect("dir");
    let cfg = Config {
        request_timeout: Duration::from_secs(1),
        ..config()
    };
    let app = app(state(dir.path(), cfg));
    let mut long = day::day(60, 8, 2);
    long["options"]["time_limit_s"] = json!(20);
    let t0 = std::time::Instant::now();
    let (s, b) = call(&app, "POST", "/v1/plans", Some(&long), None).await;
    assert_error(s, &b, StatusCode::SERVICE_UNAVAILABLE, "unavailable", None);
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("longer than 1 s"),
        "{b}"
    );
    assert!(t0.elapsed() < Duration::from_secs(3), "took {:?}", t0.elapsed());
    // The solve was cancelled and gave back its permit (one permit here).
    let t1 = std::time::Instant::now();
    while health(&app).await["running"] != 0 {
        assert!(t1.elapsed() < Duration::from_secs(2), "the solve kept running");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (s, plan) = call(&app, "POST", "/v1/plans", Some(&private()), None).await;
    assert_eq!(s, StatusCode::OK, "{plan}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finished_jobs_expire_after_the_retention_period() {
    let dir = tempfile::tempdir().expect("dir");
    let st = state(
        dir.path(),
        Config {
            retain_days: 7,
            ..config()
        },
    );
    let app = app(st.clone());
    let (_, a) = call(&app, "POST", "/v1/jobs", Some(&private()), None).await;
    let a = a["id"].as_str().expect("id").to_string();
    assert_eq!(wait_final(&app, &a, None).await["status"], "done");
    let day_ms = 86_400_000;
    let now = carerounds::api::store::now_ms();
    // Within the period the sweep keeps it; past it, the job is gone.
    assert_eq!(st.sweep(now + 6 * day_ms).await.expect("sweep"), 0);
    let (s, _) = call(&app, "GET", &format!("/v1/jobs/{a}"), None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(st.sweep(now + 8 * day_ms).await.expect("sweep"), 1);
    let (s, b) = call(&app, "GET", &format!("/v1/jobs/{a}"), None, None).await;
    assert_error(s, &b, StatusCode::NOT_FOUND, "not_found", None);
    assert_eq!(st.0.store.problem(&a).expect("store"), None);
    let (_, list) = call(&app, "GET", "/v1/jobs", None, None).await;
    assert_eq!(list["jobs"], json!([]), "{list}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn job_list_is_the_teams_own_newest_first_in_pages() {
    let dir = tempfile::tempdir().expect("dir");
    let cfg = Config {
        keys: Some(Keys::from_plain(&[("north", NORTH), ("south", SOUTH)])),
        max_concurrent_solves: 0,
        ..config()
    };
    let app = app(state(dir.path(), cfg));
    let mut north = Vec::new();
    let mut south = Vec::new();
    for i in 0..5 {
        let (key, ids) = if i % 2 == 0 {
            (NORTH, &mut north)
        } else {
            (SOUTH, &mut south)
        };
        let (s, c) = call(&app, "POST", "/v1/jobs", Some(&small()), Some(key)).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{c}");
        ids.push(c["id"].as_str().expect("id").to_string());
    }
    north.reverse();
    south.reverse();
    // North, two to a page: its three jobs, newest first, and nothing of south's.
    let (s, page) = call(&app, "GET", "/v1/jobs?limit=2", None, Some(NORTH)).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let jobs = page["jobs"].as_array().expect("jobs");
    assert_eq!(jobs.len(), 2);
    for j in jobs {
        for key in [
            "id",
            "status",
            "visits",
            "created_at",
            "started_at",
            "finished_at",
            "objective",
            "stop",
            "restarts",
        ] {
            assert!(j.get(key).is_some(), "{key} missing: {j}");
        }
        assert!(j.get("plan").is_none() && j.get("problem").is_none(), "{j}");
    }
    let cursor = page["next_cursor"].as_str().expect("a next page").to_string();
    let (s, rest) = call(
        &app,
        "GET",
        &format!("/v1/jobs?limit=2&cursor={cursor}"),
        None,
        Some(NORTH),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{rest}");
    assert!(rest["next_cursor"].is_null(), "{rest}");
    let ids: Vec<String> = jobs
        .iter()
        .chain(rest["jobs"].as_array().expect("jobs"))
        .map(|j| j["id"].as_str().expect("id").to_string())
        .collect();
    assert_eq!(ids, north);
    let (_, all) = call(&app, "GET", "/v1/jobs", None, Some(SOUTH)).await;
    let ids: Vec<&str> = all["jobs"]
        .as_array()
        .expect("jobs")
        .iter()
        .map(|j| j["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, south);
    // North's cursor does not open south's jobs to north, nor north's to south.
    let (_, other) = call(
        &app,
        "GET",
        &format!("/v1/jobs?cursor={cursor}"),
        None,
        Some(SOUTH),
    )
    .await;
    for j in other["jobs"].as_array().expect("jobs") {
        assert!(
            south.contains(&j["id"].as_str().expect("id").to_string()),
            "{other}"
        );
    }
    // Errors.
    let (s, b) = call(&app, "GET", "/v1/jobs", None, None).await;
    assert_error(s, &b, StatusCode::UNAUTHORIZED, "unauthorized", None);
    for (q, path) in [
        ("limit=0", Some("limit")),
        ("limit=501", Some("limit")),
        ("limit=ten", Some("limit")),
        ("cursor=nope", Some("cursor")),
        ("limt=5", None),
    ] {
        let (s, b) = call(&app, "GET", &format!("/v1/jobs?{q}"), None, Some(NORTH)).await;
        assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input", path);
    }
    let (s, _) = call(&app, "GET", "/v1/jobs?limit=500", None, Some(NORTH)).await;
    assert_eq!(s, StatusCode::OK);
    // The OpenAPI document has the listing.
    let (_, doc) = call(&app, "GET", "/openapi.json", None, None).await;
    assert!(
        doc["paths"]["/v1/jobs"]["get"].is_object(),
        "GET /v1/jobs missing"
    );
    for schema in ["JobList", "JobSummary", "Deleted", "JobErased"] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "{schema} missing"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_job_counts_its_restarts_and_has_no_error() {
    let dir = tempfile::tempdir().expect("dir");
    let id = "0123456789abcdef0123456789abcdef";
    {
        // A server that crashed while solving: the row says running.
        let store = carerounds::api::Store::open(dir.path()).expect("store");
        let mut p = private();
        p["options"]["time_limit_s"] = json!(1.0);
        store.insert(id, "local", &p.to_string(), 3).expect("insert");
        store.set_running(id).expect("running");
    }
    let paused = Config {
        max_concurrent_solves: 0,
        ..config()
    };
    let st = state(dir.path(), paused);
    st.recover().await.expect("recover");
    let app1 = app(st);
    let (s, job) = call(&app1, "GET", &format!("/v1/jobs/{id}"), None, None).await;
    assert_eq!(s, StatusCode::OK, "{job}");
    assert_eq!(job["status"], "queued", "{job}");
    assert_eq!(job["restarts"], 1, "{job}");
    assert!(job["error"].is_null(), "{job}");
    drop(app1);
    let st = state(dir.path(), config());
    st.recover().await.expect("recover");
    let app2 = app(st);
    let mut seen_running = false;
    let job = loop {
        let (_, job) = call(&app2, "GET", &format!("/v1/jobs/{id}"), None, None).await;
        assert_eq!(job["restarts"], 1, "{job}");
        assert!(job["error"].is_null(), "{job}");
        if job["status"] == "running" {
            seen_running = true;
        }
        if job["status"] == "done" {
            break job;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(seen_running, "never saw it running: {job}");
    let (_, list) = call(&app2, "GET", "/v1/jobs", None, None).await;
    assert_eq!(list["jobs"][0]["restarts"], 1, "{list}");
}

fn request(method: &str, uri: &str, content_type: Option<&str>, body: &str) -> Request<Body> {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = content_type {
        req = req.header("content-type", t);
    }
    req.body(Body::from(body.to_string())).expect("request")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_errors_have_the_json_shape() {
    let dir = tempfile::tempdir().expect("dir");
    let paused = Config {
        max_concurrent_solves: 0,
        max_queued: 1,
        ..config()
    };
    let app = app(state(dir.path(), paused));
    let shape = |s: StatusCode, b: &Value, want: StatusCode, code: &str| assert_error(s, b, want, code, None);
    // 414: a long job id, a long query; both before any routing or authentication.
    let long = "a".repeat(9 * 1024);
    for uri in [
        format!("/v1/jobs/{long}"),
        format!("/health?x={long}"),
        format!("/nowhere/{long}"),
    ] {
        let (s, _, b) = send(&app, request("GET", &uri, None, "")).await;
        shape(s, &b, StatusCode::URI_TOO_LONG, "uri_too_long");
    }
    // A URI just under the limit is routed as usual.
    let (s, _, b) = send(
        &app,
        request("GET", &format!("/v1/jobs/{}", "a".repeat(8000)), None, ""),
    )
    .await;
    shape(s, &b, StatusCode::NOT_FOUND, "not_found");
    // 415: no Content-Type, or not JSON; JSON with parameters is fine.
    let body = small().to_string();
    for t in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let (s, _, b) = send(&app, request("POST", "/v1/jobs", t, &body)).await;
        shape(
            s,
            &b,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        );
    }
    let (s, _, b) = send(
        &app,
        request("POST", "/v1/check", Some("application/json; charset=utf-8"), "{"),
    )
    .await;
    shape(s, &b, StatusCode::BAD_REQUEST, "malformed_json");
    // 429 with Retry-After.
    let (s, _, _) = send(&app, request("POST", "/v1/jobs", Some("application/json"), &body)).await;
    assert_eq!(s, StatusCode::ACCEPTED);
    let (s, h, b) = send(&app, request("POST", "/v1/jobs", Some("application/json"), &body)).await;
    shape(s, &b, StatusCode::TOO_MANY_REQUESTS, "too_many_requests");
    let after: u64 = h["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!(after >= 1, "{h:?}");
    // 404 for a job id that is not UTF-8 or not an id (axum would answer plain text 400).
    for uri in ["/v1/jobs/%FF%FE", "/v1/jobs/%2F", "/v1/jobs/xyz"] {
        let (s, _, b) = send(&app, request("DELETE", uri, None, "")).await;
        shape(s, &b, StatusCode::NOT_FOUND, "not_found");
    }
    // 405 for other methods, OPTIONS included.
    for (m, uri) in [
        ("PUT", "/v1/jobs"),
        ("OPTIONS", "/v1/plans"),
        ("PATCH", "/v1/jobs/0123456789abcdef0123456789abcdef"),
    ] {
        let (s, _, b) = send(&app, request(m, uri, None, "")).await;
        shape(s, &b, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    }
    // Every one of these was counted, unrouted ones under "unmatched".
    let (_, _, _) = send(&app, request("GET", "/metrics", None, "")).await;
    let resp = app
        .clone()
        .oneshot(request("GET", "/metrics", None, ""))
        .await
        .expect("metrics");
    let text = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .expect("body");
    let text = String::from_utf8_lossy(&text);
    assert!(text.contains("route=\"unmatched\",status=\"414\""), "{text}");
}

/// Collects everything the test binary logs (all threads: the solve runs on others).
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|p| p.into_inner())).to_string()
    }
}

/// The process-wide log capture (a global subscriber: spawned tasks and blocking threads
/// log too). Other tests' lines land here as well; the assertions look only for this
/// test's team and strings.
fn captured_logs() -> Captured {
    static CAPTURE: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    CAPTURE
        .get_or_init(|| {
            let c = Captured::default();
            let writer = c.clone();
            let subscriber = tracing_subscriber::fmt()
                .with_max_level(tracing::Level::DEBUG)
                .with_ansi(false)
                .with_writer(move || writer.clone())
                .finish();
            tracing::subscriber::set_global_default(subscriber).expect("one global subscriber");
            c
        })
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_name_the_team_and_nothing_about_clients() {
    let logs = captured_logs();
    let dir = tempfile::tempdir().expect("dir");
    let key = "logcheck-key-0123456789";
    let cfg = Config {
        keys: Some(Keys::from_plain(&[("team-logcheck-7", key)])),
        ..config()
    };
    let app = app(state(dir.path(), cfg));
    let p = private();
    let (s, plan) = call(&app, "POST", "/v1/plans", Some(&p), Some(key)).await;
    assert_eq!(s, StatusCode::OK, "{plan}");
    let (s, c) = call(
        &app,
        "POST",
        "/v1/check",
        Some(&json!({"problem": p, "plan": plan})),
        Some(key),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    let (s, created) = call(&app, "POST", "/v1/jobs", Some(&p), Some(key)).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{created}");
    let id = created["id"].as_str().expect("id").to_string();
    assert_eq!(wait_final(&app, &id, Some(key)).await["status"], "done");
    let visit = json!({"id": "visit-Marmaduke-9", "client": "client-Perpetua-Smythe",
                       "location": {"lat": 52.6734567, "lon": -0.7154321}, "duration_min": 10});
    let (s, _) = call(
        &app,
        "POST",
        "/v1/slots",
        Some(&json!({"problem": p, "plan": plan, "visit": visit})),
        Some(key),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    // Invalid input whose error message names a private id: the client sees it, logs do not.
    let mut bad = private();
    bad["visits"][0]["excluded_staff"] = json!(["staff-Ferdinand-Unknown"]);
    let (s, b) = call(&app, "POST", "/v1/plans", Some(&bad), Some(key)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    // Stored visit logs: a batch with a bad row, its read-back with a staff filter, erasure.
    let batch = json!({"logs": [
        {"staff": "staff-Ferdinand-1", "visit": "visit-Marmaduke-9", "client": "client-Perpetua-Smythe",
         "date": "2025-03-04", "arrived": "09:00", "ended": "09:30", "note": "Hieronymus"},
        {"staff": "staff-Ferdinand-1", "visit": "visit-Xylophone-2", "arrived": "09:00", "ended": "Wolfgang"}
    ]});
    let (s, b) = call(&app, "POST", "/v1/visit-logs", Some(&batch), Some(key)).await;
    assert_eq!((s, &b["stored"]), (StatusCode::OK, &json!(1)), "{b}");
    let uri = "/v1/visit-logs?staff=staff-Ferdinand-1&from=2025-03-04";
    let (s, b) = call(&app, "GET", uri, None, Some(key)).await;
    assert_eq!(
        (s, b["logs"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(1)),
        "{b}"
    );
    let (s, b) = call(&app, "DELETE", uri, None, Some(key)).await;
    assert_eq!((s, &b["erased"]), (StatusCode::OK, &json!(1)), "{b}");
    let (s, _) = call(&app, "GET", "/health", None, None).await;
    assert_eq!(s, StatusCode::OK);
    let text = logs.text();
    let mine: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("team=team-logcheck-7"))
        .collect();
    assert!(mine.len() >= 9, "request lines name the team:\n{text}");
    assert!(
        mine.iter()
            .any(|l| l.contains("visit logs stored") && l.contains("stored=1")),
        "{text}"
    );
    assert!(
        mine.iter()
            .any(|l| l.contains("route=/v1/jobs/{id}") && l.contains("status=200")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.contains("route=/health") && l.contains("team=-")),
        "{text}"
    );
    for secret in PRIVATE_STRINGS.iter().chain([&key]) {
        assert!(!text.contains(secret), "logs contain {secret:?}:\n{text}");
    }
}

/// Visit ids per staff member, in order: what a plan decides.
fn rounds(plan: &Value) -> Vec<(String, Vec<String>)> {
    plan["routes"]
        .as_array()
        .expect("routes")
        .iter()
        .map(|r| {
            let visits = r["steps"]
                .as_array()
                .expect("steps")
                .iter()
                .filter(|s| s["type"] == "visit")
                .map(|s| s["visit"].as_str().expect("visit").to_string())
                .collect();
            (r["staff"].as_str().expect("staff").to_string(), visits)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_job_resumes_from_its_stored_best_plan() {
    let dir = tempfile::tempdir().expect("dir");
    let id = "fedcba9876543210fedcba9876543210";
    // No time to search after the restart: what comes back is what the job started from.
    let mut p = day::day(40, 5, 7);
    p["options"]["time_limit_s"] = json!(0.0);
    p["options"]["threads"] = json!(1);
    let problem = parse_problem(&p.to_string()).expect("problem");
    let best = carerounds::solve::Solver::new(
        &problem,
        carerounds::travel::sources::build(&problem).expect("travel"),
    )
    .threads(1)
    .time_limit(Duration::from_secs(30))
    .work_budget(3_000_000)
    .run()
    .plan;
    let cold = carerounds::solve::Solver::new(
        &problem,
        carerounds::travel::sources::build(&problem).expect("travel"),
    )
    .threads(1)
    .run()
    .plan;
    let best_json = serde_json::to_value(&best).expect("json");
    assert_ne!(
        rounds(&best_json),
        rounds(&serde_json::to_value(&cold).expect("json")),
        "the test needs a stored plan that differs from a cold start"
    );
    {
        let store = carerounds::api::Store::open(dir.path()).expect("store");
        store.insert(id, "local", &p.to_string(), 40).expect("insert");
        store.set_running(id).expect("running");
        store
            .set_checkpoint(id, &best_json.to_string())
            .expect("checkpoint");
    }
    let st = state(dir.path(), config());
    st.recover().await.expect("recover");
    let app = app(st);
    let job = loop {
        let (_, job) = call(&app, "GET", &format!("/v1/jobs/{id}"), None, None).await;
        if job["status"] == "done" {
            break job;
        }
        assert!(job["status"] == "queued" || job["status"] == "running", "{job}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(job["restarts"], 1, "{job}");
    assert_eq!(
        rounds(&job["plan"]),
        rounds(&best_json),
        "resumed from the stored plan"
    );
    let plan: Plan = serde_json::from_value(job["plan"].clone()).expect("plan");
    assert!(check(
        &problem,
        &carerounds::travel::sources::build(&problem).expect("travel"),
        &plan
    )
    .is_empty());
}
