//! Stored visit logs (`POST`, `GET`, `DELETE /v1/visit-logs`): a batch stored, re-sent
//! without double counting, bad rows refused by row and column while the rest is stored,
//! teams kept apart, the day and staff filters, erasure, reopening and the migration of a
//! store made before the table. The throughput run is `#[ignore]`d (see its doc).

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use carerounds::api::{app, AppState, Config, Keys};
use serde_json::{json, Value};
use std::path::Path;
use tower::ServiceExt;

const HEADER: &str = "staff,visit,arrived,started,ended,note\n";

fn keyed() -> Config {
    Config {
        keys: Some(Keys::from_plain(&[("north", "k-north"), ("south", "k-south")])),
        ..Config::default()
    }
}

fn server(dir: &Path) -> Router {
    app(AppState::open(keyed(), dir).unwrap())
}

async fn call(app: &Router, method: &str, uri: &str, key: &str, body: Option<&Value>) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header("authorization", format!("Bearer {key}"))
        .header("content-type", "application/json");
    let body = body.map_or(Body::empty(), |b| Body::from(b.to_string()));
    let resp = app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

async fn post(app: &Router, key: &str, body: &Value) -> (StatusCode, Value) {
    call(app, "POST", "/v1/visit-logs", key, Some(body)).await
}

async fn get(app: &Router, key: &str, query: &str) -> Vec<Value> {
    let (status, v) = call(app, "GET", &format!("/v1/visit-logs{query}"), key, None).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["truncated"], false);
    v["logs"].as_array().unwrap().clone()
}

fn week() -> Value {
    json!({"logs": [
        {"staff": "ann", "visit": "v1", "date": "2025-03-03", "arrived": "09:05", "ended": "09:50", "note": "no_access"},
        {"staff": "ann", "visit": "v2", "date": "2025-03-04", "arrived": "10:05", "started": "10:10", "ended": "10:40"},
        {"staff": "bob", "client": "c7", "date": "2025-03-04", "arrived": "09:00", "ended": "09:30"},
        {"staff": "bob", "visit": "v4", "date": "2025-03-06", "arrived": "11:00:30", "ended": "11:30"}
    ]})
}

fn counts(v: &Value) -> [u64; 3] {
    ["received", "stored", "duplicates"].map(|k| v[k].as_u64().unwrap_or(u64::MAX))
}

#[tokio::test]
async fn a_batch_is_stored_once_however_often_it_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let app = server(dir.path());
    let (status, v) = post(&app, "k-north", &week()).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(counts(&v), [4, 4, 0], "{v}");
    assert_eq!(v["refused"], json!([]));
    let (status, v) = post(&app, "k-north", &week()).await;
    assert_eq!((status, counts(&v)), (StatusCode::OK, [4, 0, 4]), "{v}");
    // The same records as CSV are the same records.
    let csv = "staff,visit,arrived,started,ended,note,date\nann,v1,09:05,,09:50,no_access,2025-03-03\n";
    let (_, v) = post(&app, "k-north", &json!({"logs_csv": csv})).await;
    assert_eq!(counts(&v), [1, 0, 1], "{v}");
    // A repeat within one batch counts as a duplicate too.
    let twice = json!({"logs": [week()["logs"][0].clone(), week()["logs"][0].clone()]});
    let (_, v) = post(&app, "k-south", &twice).await;
    assert_eq!(counts(&v), [2, 1, 1], "{v}");
    let logs = get(&app, "k-north", "").await;
    assert_eq!(logs.len(), 4);
    assert_eq!(
        logs[0],
        json!({"staff": "ann", "visit": "v1", "date": "2025-03-03", "day": "2025-03-03", "arrived": "09:05:00",
               "started": "09:05:00", "ended": "09:50:00", "note": "no_access", "received_ms": logs[0]["received_ms"]})
    );
    assert_eq!(logs[2]["client"], "c7");
    assert!(logs[2].get("visit").is_none(), "{}", logs[2]);
    assert_eq!(logs[3]["arrived"], "11:00:30");
}

#[tokio::test]
async fn bad_rows_are_refused_by_row_and_column_and_the_rest_stored() {
    let dir = tempfile::tempdir().unwrap();
    let app = server(dir.path());
    let csv = format!(
        "{HEADER}ann,v1,09:00,,09:30,\n,v2,10:00,,10:30,\nann,v3,11:00,,10:50,\nann,v4,9h30,,10:00,\nann,v5,12:00,,12:20,\n"
    );
    let (status, v) = post(&app, "k-north", &json!({"logs_csv": csv})).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(counts(&v), [5, 2, 0], "{v}");
    let refused = v["refused"].as_array().unwrap();
    let at: Vec<(u64, &str, &str)> = refused
        .iter()
        .map(|r| {
            (
                r["row"].as_u64().unwrap(),
                r["column"].as_str().unwrap(),
                r["kind"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        at,
        [
            (3, "staff", "missing_field"),
            (4, "ended", "conflict"),
            (5, "arrived", "invalid_value")
        ]
    );
    assert!(refused[2]["message"].as_str().unwrap().contains("HH:MM"), "{v}");
    let stored: Vec<Value> = get(&app, "k-north", "")
        .await
        .iter()
        .map(|l| l["visit"].clone())
        .collect();
    assert_eq!(stored, [json!("v1"), json!("v5")]);
    // JSON records are refused by index and field.
    let logs = json!({"logs": [{"staff": "ann", "visit": "v6", "arrived": "09:00"}, 7,
                               {"staff": "ann", "visit": "v7", "arrived": "09:00", "ended": "09:10"}]});
    let (_, v) = post(&app, "k-north", &logs).await;
    assert_eq!(counts(&v), [3, 1, 0], "{v}");
    assert_eq!(
        (&v["refused"][0]["index"], &v["refused"][0]["column"]),
        (&json!(0), &json!("ended"))
    );
    assert_eq!(v["refused"][1]["index"], 1);
}

#[tokio::test]
async fn unusable_requests_name_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let app = server(dir.path());
    for (body, path) in [
        (json!({}), "logs"),
        (json!({"logs": [], "logs_csv": "x"}), "logs"),
        (json!({"logs_csv": "staff,visit\n"}), "logs_csv"),
        (
            json!({"logs_csv": HEADER, "columns": {"staff": "Carer", "visit": "carer"}}),
            "columns",
        ),
    ] {
        let (status, v) = post(&app, "k-north", &body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
        assert_eq!(v["error"]["path"], path, "{v}");
    }
    let (status, v) = post(&app, "k-north", &json!({"logs": [], "problem": {}})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    for (query, path) in [
        ("?from=3+March", "from"),
        ("?from=2025-03-05&to=2025-03-04", "to"),
    ] {
        let (status, v) = call(&app, "GET", &format!("/v1/visit-logs{query}"), "k-north", None).await;
        assert_eq!(
            (status, v["error"]["path"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(path)),
            "{v}"
        );
    }
    let many = vec![json!({"staff": "ann", "visit": "v1", "arrived": "09:00", "ended": "09:30"}); 100_001];
    let (status, v) = post(&app, "k-north", &json!({"logs": many})).await;
    assert_eq!(
        (status, v["error"]["path"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("logs"))
    );
}

#[tokio::test]
async fn teams_see_and_erase_only_their_own_logs() {
    let dir = tempfile::tempdir().unwrap();
    let app = server(dir.path());
    assert_eq!(post(&app, "k-north", &week()).await.0, StatusCode::OK);
    assert_eq!(post(&app, "wrong", &week()).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        call(&app, "GET", "/v1/visit-logs", "wrong", None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert!(get(&app, "k-south", "").await.is_empty());
    let (_, v) = call(&app, "DELETE", "/v1/visit-logs?all=true", "k-south", None).await;
    assert_eq!(v["erased"], 0);
    assert_eq!(get(&app, "k-north", "").await.len(), 4);
    // South's copy of the same records is its own.
    let (_, v) = post(&app, "k-south", &week()).await;
    assert_eq!(counts(&v), [4, 4, 0]);
}

#[tokio::test]
async fn filters_select_days_and_staff_and_delete_erases_them() {
    let dir = tempfile::tempdir().unwrap();
    let app = server(dir.path());
    post(&app, "k-north", &week()).await;
    let visits = |logs: Vec<Value>| -> Vec<String> {
        logs.iter()
            .map(|l| l["visit"].as_str().or(l["client"].as_str()).unwrap().to_string())
            .collect()
    };
    assert_eq!(
        visits(get(&app, "k-north", "?from=2025-03-04").await),
        ["v2", "c7", "v4"]
    );
    assert_eq!(
        visits(get(&app, "k-north", "?to=2025-03-04").await),
        ["v1", "v2", "c7"]
    );
    assert_eq!(
        visits(get(&app, "k-north", "?from=2025-03-04&to=2025-03-04&staff=bob").await),
        ["c7"]
    );
    assert_eq!(visits(get(&app, "k-north", "?staff=ann").await), ["v1", "v2"]);
    // A record without a date goes by the UTC day it was received.
    let undated = json!({"logs": [{"staff": "cat", "visit": "v9", "arrived": "08:00", "ended": "08:20"}]});
    post(&app, "k-north", &undated).await;
    let today = carerounds::api::store::utc_day(carerounds::api::store::now_ms());
    assert_eq!(
        get(&app, "k-north", &format!("?from={today}&to={today}&staff=cat"))
            .await
            .len(),
        1
    );

    let (status, v) = call(&app, "DELETE", "/v1/visit-logs", "k-north", None).await;
    assert_eq!(
        (status, v["error"]["path"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("all"))
    );
    let (status, v) = call(&app, "DELETE", "/v1/visit-logs?staff=ann", "k-north", None).await;
    assert_eq!((status, &v["erased"]), (StatusCode::OK, &json!(2)), "{v}");
    assert_eq!(visits(get(&app, "k-north", "").await), ["c7", "v4", "v9"]);
    let (_, v) = call(&app, "DELETE", "/v1/visit-logs?all=true", "k-north", None).await;
    assert_eq!(v["erased"], 3);
    assert!(get(&app, "k-north", "").await.is_empty());
    // Erased means gone from the files, not only from the answers.
    for name in ["jobs.sqlite3", "jobs.sqlite3-wal"] {
        let bytes = std::fs::read(dir.path().join(name)).unwrap_or_default();
        assert!(
            !bytes.windows(3).any(|w| w == b"ann"),
            "{name} still holds an erased id"
        );
    }
    // Erased records may be sent again.
    let (_, v) = post(&app, "k-north", &week()).await;
    assert_eq!(counts(&v), [4, 4, 0]);
}

/// `GET /metrics` (no key needed).
async fn metrics(app: &Router) -> String {
    let req = Request::get("/metrics").body(Body::empty()).unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[tokio::test]
async fn metrics_count_rows_stored_and_refused_and_erasures() {
    let dir = tempfile::tempdir().unwrap();
    let app = server(dir.path());
    let count = |text: &str, name: &str| -> u64 {
        let line = text
            .lines()
            .find(|l| l.split(' ').next() == Some(name))
            .unwrap_or_else(|| panic!("no {name} in {text}"));
        line.rsplit(' ').next().unwrap().parse().unwrap()
    };
    let names = [
        "carerounds_visit_logs_stored_total",
        "carerounds_visit_logs_refused_total",
        "carerounds_visit_log_erasures_total",
    ];
    let all = |text: &str| names.map(|n| count(text, n));
    let text = metrics(&app).await;
    assert_eq!(all(&text), [0, 0, 0], "{text}");
    for n in names {
        assert!(text.contains(&format!("# TYPE {n} counter\n")), "{text}");
    }
    // Two rows stored, three refused; a re-sent batch stores nothing more.
    let csv = format!(
        "{HEADER}ann,v1,09:00,,09:30,\n,v2,10:00,,10:30,\nann,v3,11:00,,10:50,\nann,v4,9h30,,10:00,\nann,v5,12:00,,12:20,\n"
    );
    let (status, v) = post(&app, "k-north", &json!({"logs_csv": csv})).await;
    assert_eq!((status, counts(&v)), (StatusCode::OK, [5, 2, 0]), "{v}");
    assert_eq!(all(&metrics(&app).await), [2, 3, 0]);
    let (_, v) = post(&app, "k-south", &week()).await;
    assert_eq!(counts(&v), [4, 4, 0], "{v}");
    post(&app, "k-south", &week()).await;
    assert_eq!(all(&metrics(&app).await), [6, 3, 0]);
    // An erasure counts once, whatever it erased; a refused one not at all.
    call(&app, "DELETE", "/v1/visit-logs", "k-north", None).await;
    let (status, v) = call(&app, "DELETE", "/v1/visit-logs?all=true", "k-south", None).await;
    assert_eq!((status, &v["erased"]), (StatusCode::OK, &json!(4)), "{v}");
    let text = metrics(&app).await;
    assert_eq!(all(&text), [6, 3, 1], "{text}");
    // Counts only: no team, staff or visit in the metrics.
    for private in ["north", "south", "ann", "bob", "c7", "v4"] {
        assert!(!text.contains(private), "{private} in {text}");
    }
}

#[tokio::test]
async fn stored_logs_survive_a_restart_and_retention_expires_them() {
    let dir = tempfile::tempdir().unwrap();
    {
        let app = server(dir.path());
        post(&app, "k-north", &week()).await;
    }
    let state = AppState::open(keyed(), dir.path()).unwrap();
    let app = app(state.clone());
    assert_eq!(get(&app, "k-north", "").await.len(), 4);
    let (_, v) = post(&app, "k-north", &week()).await;
    assert_eq!(counts(&v), [4, 0, 4], "duplicates are known after a restart");
    let day_ms = 86_400_000;
    let now = carerounds::api::store::now_ms();
    state.sweep(now + 29 * day_ms).await.unwrap();
    assert_eq!(
        get(&app, "k-north", "").await.len(),
        4,
        "kept within retain_days (30)"
    );
    state.sweep(now + 31 * day_ms).await.unwrap();
    assert!(
        get(&app, "k-north", "").await.is_empty(),
        "erased after retain_days"
    );
}

#[tokio::test]
async fn a_store_made_before_the_table_is_upgraded() {
    let dir = tempfile::tempdir().unwrap();
    {
        // The jobs table as the first servers made it: no best_plan, no visit_logs.
        let c = rusqlite::Connection::open(dir.path().join("jobs.sqlite3")).unwrap();
        c.execute_batch(
            "CREATE TABLE jobs (id TEXT PRIMARY KEY, team TEXT NOT NULL, status TEXT NOT NULL,
             problem TEXT NOT NULL, visits INTEGER NOT NULL, plan TEXT, error TEXT, stop TEXT,
             objective REAL, solve_s REAL, created_ms INTEGER NOT NULL, started_ms INTEGER,
             finished_ms INTEGER, restarts INTEGER NOT NULL DEFAULT 0);
             INSERT INTO jobs (id, team, status, problem, visits, created_ms) VALUES ('j1', 'north', 'done', '{}', 1, 0);",
        )
        .unwrap();
    }
    let app = server(dir.path());
    let (_, v) = post(&app, "k-north", &week()).await;
    assert_eq!(counts(&v), [4, 4, 0], "{v}");
    drop(app);
    // Opening again runs the migrations again, harmlessly; the old job is still there.
    assert_eq!(get(&server(dir.path()), "k-north", "").await.len(), 4);
    let store = carerounds::api::Store::open(dir.path()).unwrap();
    assert!(store.get("j1", "north").unwrap().is_some(), "the old job is kept");
}

#[test]
fn the_openapi_document_has_the_endpoints() {
    let doc = serde_json::to_value(carerounds::api::openapi::doc()).unwrap();
    for method in ["post", "get", "delete"] {
        assert!(
            doc["paths"]["/v1/visit-logs"][method].is_object(),
            "{method} /v1/visit-logs"
        );
    }
    for schema in [
        "VisitLogsRequest",
        "VisitLogsStored",
        "VisitLogList",
        "VisitLogsErased",
        "StoredLog",
    ] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
}

/// Throughput: `cargo test --release --test suite visit_logs::throughput -- --ignored
/// --nocapture`. 100,000 generated CSV rows stored through the store (read + one
/// transaction), re-sent (all duplicates) and read back, then the same CSV as one
/// `POST /v1/visit-logs` into a fresh store; prints rows/s and the peak resident memory of
/// the process (VmHWM).
#[tokio::test]
#[ignore]
async fn throughput() {
    use carerounds::api::Store;
    use carerounds::monitor::{read_csv, LogColumns};
    use std::time::Instant;
    const ROWS: usize = 100_000;
    let mut csv = String::from("staff,visit,date,arrived,started,ended,note\n");
    for i in 0..ROWS {
        let (staff, day, slot) = (i % 100, i / 10_000, (i / 100) % 100);
        let start = 6 * 60 + slot * 9;
        csv.push_str(&format!(
            "s{staff},v{i},2025-03-{:02},{:02}:{:02},,{:02}:{:02},\n",
            day + 1,
            start / 60,
            start % 60,
            (start + 8) / 60,
            (start + 8) % 60
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let t = Instant::now();
    let read = read_csv(&csv, &LogColumns::default()).unwrap();
    assert!(read.refused.is_empty(), "{:?}", read.refused.first());
    let read_s = t.elapsed().as_secs_f64();
    let done = store.insert_logs("north", &read.records, 0).unwrap();
    let total_s = t.elapsed().as_secs_f64();
    assert_eq!(done.stored, ROWS);
    let t = Instant::now();
    let again = store.insert_logs("north", &read.records, 0).unwrap();
    let dup_s = t.elapsed().as_secs_f64();
    assert_eq!(again.duplicates, ROWS);
    let t = Instant::now();
    let back = store.logs("north", &Default::default(), ROWS + 1).unwrap();
    let get_s = t.elapsed().as_secs_f64();
    assert_eq!(back.len(), ROWS);
    let fresh = tempfile::tempdir().unwrap();
    let http = app(AppState::open(Config::default(), fresh.path()).unwrap());
    let body = json!({ "logs_csv": csv });
    drop(csv);
    let t = Instant::now();
    let (status, v) = call(&http, "POST", "/v1/visit-logs", "-", Some(&body)).await;
    let post_s = t.elapsed().as_secs_f64();
    assert_eq!(
        (status, v["stored"].as_u64()),
        (StatusCode::OK, Some(ROWS as u64)),
        "{v}"
    );
    let hwm = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM")).map(str::to_string))
        .unwrap_or_default();
    let rate = |s: f64| ROWS as f64 / s;
    println!(
        "visit-logs throughput: {ROWS} rows: read {read_s:.2} s, read+store {total_s:.2} s ({:.0} rows/s); \
         re-sent (all duplicates) {dup_s:.2} s ({:.0} rows/s); read back {get_s:.2} s ({:.0} rows/s); \
         POST /v1/visit-logs {post_s:.2} s ({:.0} rows/s); {hwm}; store file {} bytes",
        rate(total_s),
        rate(dup_s),
        rate(get_s),
        rate(post_s),
        std::fs::metadata(dir.path().join("jobs.sqlite3")).map_or(0, |m| m.len())
            + std::fs::metadata(dir.path().join("jobs.sqlite3-wal")).map_or(0, |m| m.len())
    );
}
