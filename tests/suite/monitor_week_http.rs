//! `POST /v1/monitor` with a week body (`days`): the answer is the CLI's week JSON, for
//! logs given in the body and for logs stored first through `POST /v1/visit-logs` (teams
//! kept apart); bad days, ranges and limits answer 4xx naming the field. The hand-checked
//! week is `monitor_week`'s.

use super::monitor_week::{hand_week, plan_json, problem_json, LOGS, MON, TUE};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use carerounds::api::{app, AppState, Config, Keys};
use carerounds::monitor::{render_week, Format};
use serde_json::{json, Value};
use tower::ServiceExt;

fn keyed() -> Config {
    Config {
        keys: Some(Keys::from_plain(&[("north", "k-north"), ("south", "k-south")])),
        ..Config::default()
    }
}

async fn call(app: &Router, uri: &str, key: &str, body: &Value) -> (StatusCode, Value) {
    let req = Request::post(uri)
        .header("authorization", format!("Bearer {key}"))
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn days() -> Value {
    json!([
        {"date": MON, "problem": problem_json(["a1", "b1"]), "plan": plan_json(["a1", "b1"])},
        {"date": TUE, "problem": problem_json(["a2", "b2"]), "plan": plan_json(["a2", "b2"])}
    ])
}

/// The CLI's JSON of the hand-checked week, with the log set named `name`.
fn expected(name: &str) -> Value {
    let mut v: Value = serde_json::from_str(&render_week(&hand_week(), Format::Json)).unwrap();
    for d in v["days"].as_array_mut().unwrap() {
        for s in d["sources"].as_array_mut().unwrap() {
            if !s.is_null() {
                *s = json!(name);
            }
        }
    }
    for r in v["refused"].as_array_mut().unwrap() {
        r["logs"] = json!(name);
    }
    v
}

#[tokio::test]
async fn a_week_with_logs_in_the_body_is_the_cli_report() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(AppState::open(keyed(), dir.path()).unwrap());
    let (status, v) = call(
        &app,
        "/v1/monitor",
        "k-north",
        &json!({"days": days(), "logs_csv": LOGS}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v, expected("logs_csv"));
    // The same logs as objects.
    let logs = json!([
        {"staff": "ann", "visit": "a1", "date": MON, "arrived": "09:00", "ended": "09:45"},
        {"staff": "bob", "visit": "b1", "date": MON, "arrived": "09:00", "ended": "09:30"},
        {"staff": "ann", "visit": "a2", "arrived": "09:00", "ended": "09:30"},
        {"staff": "bob", "visit": "b2", "date": "2025-03-05", "arrived": "09:00", "ended": "09:30"}
    ]);
    let (status, v) = call(
        &app,
        "/v1/monitor",
        "k-north",
        &json!({"days": days(), "logs": logs}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["team"], expected("logs")["team"]);
    assert_eq!(
        (&v["refused"][0]["index"], &v["refused"][0]["column"]),
        (&json!(3), &json!("date"))
    );
}

#[tokio::test]
async fn a_week_of_stored_logs_reads_the_teams_own_rows() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(AppState::open(keyed(), dir.path()).unwrap());
    let (status, v) = call(&app, "/v1/visit-logs", "k-north", &json!({"logs_csv": LOGS})).await;
    assert_eq!((status, &v["stored"]), (StatusCode::OK, &json!(4)), "{v}");
    let body = json!({"days": days(), "stored_logs": {"from": MON, "to": TUE}});
    let (status, v) = call(&app, "/v1/monitor", "k-north", &body).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    // Row 5 (dated 2025-03-05) is outside the range, so not read; row 4 has no date and
    // is stored under the day it was received, so it is read only when that day is in
    // the range: the figures of Monday do not depend on it.
    assert_eq!(v["refused"], json!([]), "{v}");
    assert_eq!(v["team"]["days"][0], expected("stored_logs")["team"]["days"][0]);
    assert_eq!(v["staff"][0]["days"][0]["overrun_min"], 15.0);
    assert_eq!(v["staff"][1]["days"][1]["not_logged"], 1);
    // Another team stored nothing: every visit is not logged.
    let (status, v) = call(&app, "/v1/monitor", "k-south", &body).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["team"]["week"]["visits_logged"], 0);
    assert_eq!(v["team"]["week"]["not_logged"], 4);
    // Dated rows all in range: the undated one goes in by its visit id.
    let dated = "staff,visit,date,arrived,ended\nann,a2,,09:00,09:30\n";
    call(&app, "/v1/visit-logs", "k-south", &json!({"logs_csv": dated})).await;
    let today = carerounds::api::store::utc_day(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64,
    );
    let around = json!({"days": days(), "stored_logs": {"from": today, "to": today}});
    let (status, v) = call(&app, "/v1/monitor", "k-south", &around).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["staff"][0]["days"][1]["made"], 1, "{v}");
}

#[tokio::test]
async fn bad_week_bodies_name_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(AppState::open(keyed(), dir.path()).unwrap());
    let mut twice = days();
    twice[1]["date"] = json!(MON);
    let mut bad_date = days();
    bad_date[1]["date"] = json!("2025-02-29");
    let mut bad_plan = days();
    bad_plan[1]["plan"]["routes"][0]["staff"] = json!("zoe");
    let range = |from: &str, to: &str| json!({"from": from, "to": to});
    for (body, status, path) in [
        (
            json!({"days": twice, "logs": []}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "days[1].date",
        ),
        (
            json!({"days": bad_date, "logs": []}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "days[1].date",
        ),
        (
            json!({"days": bad_plan, "logs": []}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "days[1].plan.routes[0].staff",
        ),
        (
            json!({"days": [], "logs": []}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "days",
        ),
        (json!({"days": days()}), StatusCode::UNPROCESSABLE_ENTITY, "logs"),
        (
            json!({"days": days(), "logs": [], "stored_logs": range(MON, TUE)}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "logs",
        ),
        (
            json!({"days": days(), "stored_logs": range(MON, "2025-04-03")}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "stored_logs.to",
        ),
        (
            json!({"days": days(), "stored_logs": range(TUE, MON)}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "stored_logs.to",
        ),
        (
            json!({"days": days(), "stored_logs": range("3 March", TUE)}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "stored_logs.from",
        ),
        (
            json!({"days": days(), "logs": [], "date": MON}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "date",
        ),
        (
            json!({"days": [{"date": MON}], "logs": []}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "days[0].problem",
        ),
    ] {
        let (got, v) = call(&app, "/v1/monitor", "k-north", &body).await;
        assert_eq!(
            (got, v["error"]["path"].as_str()),
            (status, Some(path)),
            "{body}: {v}"
        );
    }
    // 31 days are accepted in a range (2025-03-01 to 2025-03-31), 32 are not.
    let ok = json!({"days": days(), "stored_logs": range("2025-03-01", "2025-03-31")});
    assert_eq!(call(&app, "/v1/monitor", "k-north", &ok).await.0, StatusCode::OK);
    // At most 31 days in one request.
    let many: Vec<Value> = (1..=32)
        .map(|d| {
            let date = format!("2025-{:02}-{:02}", 3 + d / 29, 1 + d % 29);
            json!({"date": date, "problem": problem_json(["a1", "b1"]), "plan": plan_json(["a1", "b1"])})
        })
        .collect();
    let (status, v) = call(&app, "/v1/monitor", "k-north", &json!({"days": many, "logs": []})).await;
    assert_eq!(
        (status, v["error"]["path"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("days")),
        "{v}"
    );
    // The size limits count the visits of every day: 4 here.
    let small = Config {
        max_visits: 3,
        ..keyed()
    };
    let app = carerounds::api::app(AppState::open(small, dir.path()).unwrap());
    let (status, v) = call(
        &app,
        "/v1/monitor",
        "k-north",
        &json!({"days": days(), "logs": []}),
    )
    .await;
    assert_eq!(
        (status, v["error"]["path"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("days")),
        "{v}"
    );
    // Keys apply as to the day body.
    let (status, _) = call(&app, "/v1/monitor", "wrong", &json!({"days": days(), "logs": []})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[test]
fn the_openapi_document_has_the_week_body() {
    let doc = serde_json::to_value(carerounds::api::openapi::doc()).unwrap();
    for schema in [
        "MonitorBody",
        "MonitorWeekRequest",
        "MonitorWeekDayRequest",
        "LogRange",
        "MonitorWeekReport",
        "MonitorAnswer",
    ] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
    let week = &doc["components"]["schemas"]["MonitorWeekRequest"];
    assert_eq!(week["additionalProperties"], json!(false));
    assert!(week["properties"]["stored_logs"].is_object());
}
