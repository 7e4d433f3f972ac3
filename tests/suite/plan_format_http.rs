//! `?format=csv|ics` on the plan endpoints: a job's plan as CSV or a calendar is exactly
//! what `carerounds export` writes from the same plan; `POST /v1/plans` and
//! `POST /v1/replans` answer the CSV; bad formats are 422 naming the parameter; a job
//! without a plan is 409. Solves run on one thread.

use super::import_http::{assert_error, bin, config, json_call, request, sample, send, server, NORTH, SOUTH};
use axum::http::StatusCode;
use axum::Router;
use carerounds::api::Config;
use carerounds::formats::export::{plan_csv, HEADER};
use carerounds::model::input::ProblemInput;
use carerounds::model::Plan;
use serde_json::{json, Value};
use std::time::Duration;

async fn wait_done(app: &Router, id: &str) -> Value {
    for _ in 0..1500 {
        let (s, job) = json_call(app, "GET", &format!("/v1/jobs/{id}"), Some(NORTH), &Value::Null).await;
        assert_eq!(s, StatusCode::OK, "{job}");
        if job["status"] == "done" {
            return job;
        }
        assert!(
            ["queued", "running"].contains(&job["status"].as_str().unwrap()),
            "{job}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("job {id} did not finish");
}

fn without_dtstamp(ics: &str) -> String {
    ics.split("\r\n")
        .filter(|l| !l.starts_with("DTSTAMP:"))
        .collect::<Vec<_>>()
        .join("\r\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_as_csv_or_a_calendar_is_what_carerounds_export_writes() {
    let (_d, app) = server(config());
    let (s, v) = json_call(&app, "POST", "/v1/imports", Some(NORTH), &sample()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let mut problem = v["problem"].clone();
    problem["options"] = json!({"time_limit_s": 1.0, "threads": 1});
    let (s, created) = json_call(&app, "POST", "/v1/jobs", Some(NORTH), &problem).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    let job = wait_done(&app, &id).await;
    let plan: Plan = serde_json::from_value(job["plan"].clone()).unwrap();
    let input: ProblemInput = serde_json::from_value(problem.clone()).unwrap();
    // The CLI's export of the same plan.
    let dir = tempfile::tempdir().unwrap();
    let (pp, lp) = (dir.path().join("problem.json"), dir.path().join("plan.json"));
    std::fs::write(&pp, problem.to_string()).unwrap();
    std::fs::write(&lp, job["plan"].to_string()).unwrap();
    let export = |args: &[&str]| {
        let out = bin()
            .arg("export")
            .arg(&lp)
            .arg("--problem")
            .arg(&pp)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let get = |q: String, key: &'static str| {
        let app = app.clone();
        let uri = format!("/v1/jobs/{id}?{q}");
        async move {
            send(
                &app,
                request("GET", &uri, Some(key), "application/json", String::new()),
            )
            .await
        }
    };
    let (s, h, csv) = get("format=csv".into(), NORTH).await;
    assert_eq!(s, StatusCode::OK, "{csv}");
    assert_eq!(h["content-type"], "text/csv; charset=utf-8");
    assert_eq!(csv, export(&["--format", "csv"]));
    assert_eq!(csv, plan_csv(&input, &plan, None));
    assert_eq!(csv.lines().next(), Some(HEADER.join(",").as_str()));
    assert!(csv.lines().count() > 122, "a row per step");
    let staff = plan.routes[0].staff.clone();
    let (s, _, one) = get(format!("format=csv&staff={staff}"), NORTH).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(one, export(&["--format", "csv", "--staff", &staff]));
    let (s, h, ics) = get(format!("format=ics&staff={staff}&date=2026-11-24"), NORTH).await;
    assert_eq!(s, StatusCode::OK, "{ics}");
    assert_eq!(h["content-type"], "text/calendar; charset=utf-8");
    assert!(ics.contains("\r\nDTSTAMP:"), "{ics}");
    let cli = export(&["--format", "ics", "--staff", &staff, "--date", "2026-11-24"]);
    assert_eq!(without_dtstamp(&ics), without_dtstamp(&cli));
    // Another team's job is not there, in any format.
    let (s, _, _) = get("format=csv".into(), SOUTH).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Bad formats and their companions: 422 naming the parameter.
    for (q, path) in [
        ("format=xlsx", "format"),
        ("format=ics", "staff"),
        ("format=ics&staff=nobody", "staff"),
        ("format=ics&staff=x&date=24/11/2026", "date"),
        ("format=csv&date=2026-11-24", "date"),
        ("staff=x", "staff"),
    ] {
        let (s, _, text) = get(q.into(), NORTH).await;
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_error(
            s,
            &v,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            Some(path),
        );
        if path == "format" {
            assert!(
                v["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("json, csv or ics"),
                "{v}"
            );
        }
    }
    // The re-plan's answer as CSV: the new plan's rows.
    let replan = json!({"problem": problem, "plan": job["plan"], "events": {"now": "07:00", "events": []}});
    let (s, h, text) = send(
        &app,
        request(
            "POST",
            "/v1/replans?format=csv",
            Some(NORTH),
            "application/json",
            replan.to_string(),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{text}");
    assert_eq!(h["content-type"], "text/csv; charset=utf-8");
    assert_eq!(text.lines().next(), Some(HEADER.join(",").as_str()));
    let (s, v) = json_call(
        &app,
        "POST",
        "/v1/replans?async=true&format=csv",
        Some(NORTH),
        &replan,
    )
    .await;
    assert_error(
        s,
        &v,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("format"),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plans_answer_csv_and_a_job_without_a_plan_is_not_ready() {
    let (_d, app) = server(config());
    let mut p = crate::day::day(25, 5, 1);
    p["options"] = json!({"time_limit_s": 0.3, "threads": 1});
    let (s, v) = json_call(&app, "POST", "/v1/plans?format=xml", Some(NORTH), &p).await;
    assert_error(
        s,
        &v,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("format"),
    );
    let (s, h, csv) = send(
        &app,
        request(
            "POST",
            "/v1/plans?format=csv",
            Some(NORTH),
            "application/json",
            p.to_string(),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{csv}");
    assert_eq!(h["content-type"], "text/csv; charset=utf-8");
    let (s, h2, json_plan) = send(
        &app,
        request(
            "POST",
            "/v1/plans",
            Some(NORTH),
            "application/json",
            p.to_string(),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    // A solve that did all its work is the same plan each time (one thread, same seed).
    if h["x-carerounds-stop"] == "completed" && h2["x-carerounds-stop"] == "completed" {
        let plan: Plan = serde_json::from_str(&json_plan).unwrap();
        let input: ProblemInput = serde_json::from_value(p.clone()).unwrap();
        assert_eq!(csv, plan_csv(&input, &plan, None));
    }
    // No solves run: the job stays queued, and its plan is not ready.
    let (_d2, paused) = server(Config {
        max_concurrent_solves: 0,
        ..config()
    });
    let (s, created) = json_call(&paused, "POST", "/v1/jobs", Some(NORTH), &p).await;
    assert_eq!(s, StatusCode::ACCEPTED);
    let uri = format!("/v1/jobs/{}?format=csv", created["id"].as_str().unwrap());
    let (s, v) = json_call(&paused, "GET", &uri, Some(NORTH), &Value::Null).await;
    assert_error(s, &v, StatusCode::CONFLICT, "not_ready", None);
}
