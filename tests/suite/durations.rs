//! Learned durations (docs/DURATIONS.md): the estimator recovers known factors from noisy
//! logs, shrinks clients with few records toward their visit type, leaves out visits not
//! made and absurd records; `apply` never touches history nor goes below a minute; the CLI
//! from logs to a checked plan; a bad DURATIONS.json names its field; the API field.
//!
//! The day: two staff, 08:00-18:00 at one base; clients c1 (factor 1.3) and c2 (0.8) with
//! "personal care" visits, c3 (two records only) and a nurse visit v4 of c4 (1.2). Noise is a
//! fixed xorshift, so every run sees the same records.

use carerounds::durations::{apply, learn, parse_durations, Basis, Durations, Settings, Use, DEFAULT_K};
use carerounds::model::input::ProblemInput;
use carerounds::model::{parse_input, parse_problem, validate, InputErrorKind, Problem};
use carerounds::monitor::{read_csv, LogColumns, LogRead};
use serde_json::{json, Value};
use std::process::Command;

/// xorshift64: the same "noise" on every run and machine.
struct Noise(u64);

impl Noise {
    /// Uniform in [-1, 1).
    fn next(&mut self) -> f64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        (x >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    }
}

fn day() -> Value {
    let at = |lat: f64, lon: f64| json!({"lat": lat, "lon": lon});
    let visit = |id: &str, client: &str, min: u32, from: &str, to: &str, skills: &[&str]| {
        json!({"id": id, "client": client, "location": at(52.95 + 0.004 * id.len() as f64, -1.16),
               "duration_min": min, "time_windows": [[from, to]], "skills": skills})
    };
    json!({
        "locations": [{"id": "base", "lat": 52.95, "lon": -1.15}],
        "staff": [
            {"id": "ann", "shift": {"start": "08:00", "end": "18:00"}, "start_location": "base",
             "skills": ["personal_care", "nurse"]},
            {"id": "bob", "shift": {"start": "08:00", "end": "18:00"}, "start_location": "base",
             "skills": ["personal_care"]}
        ],
        "visits": [
            visit("v1", "c1", 30, "08:30", "10:00", &["personal_care"]),
            visit("v2", "c2", 40, "09:00", "11:00", &["personal_care"]),
            visit("v3", "c3", 20, "11:00", "13:00", &["personal_care"]),
            visit("v4", "c4", 15, "13:00", "15:00", &["nurse"]),
            visit("v5", "c5", 30, "14:00", "17:00", &["personal_care"])
        ],
        "options": {"time_limit_s": 0.3, "seed": 1, "threads": 1}
    })
}

fn input() -> ProblemInput {
    parse_input(&day().to_string()).unwrap()
}

fn problem() -> Problem {
    validate(&input()).unwrap()
}

/// `HH:MM:SS`: logs to the second, so rounding to minutes adds no error of its own.
fn hms(m: f64) -> String {
    let s = (m * 60.0).round() as i64;
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// `n` records of `visit` (planned `planned` min from 09:00) with the length `factor`
/// times planned, times 1 +- up to `spread`.
fn records(
    out: &mut String,
    noise: &mut Noise,
    visit: &str,
    planned: f64,
    factor: f64,
    n: usize,
    spread: f64,
) {
    for _ in 0..n {
        let len = planned * factor * (1.0 + spread * noise.next());
        out.push_str(&format!("ann,{visit},09:00,,{},\n", hms(540.0 + len)));
    }
}

fn month_of_logs() -> String {
    let mut noise = Noise(0x2545_F491_4F6C_DD1D);
    let mut csv = "staff,visit,arrived,started,ended,note\n".to_string();
    records(&mut csv, &mut noise, "v1", 30.0, 1.3, 30, 0.1);
    records(&mut csv, &mut noise, "v2", 40.0, 0.8, 30, 0.1);
    records(&mut csv, &mut noise, "v3", 20.0, 2.0, 2, 0.0);
    records(&mut csv, &mut noise, "v4", 15.0, 1.2, 30, 0.1);
    csv
}

fn logs(csv: &str) -> LogRead {
    read_csv(csv, &LogColumns::default()).unwrap()
}

fn client<'a>(d: &'a Durations, id: &str) -> &'a carerounds::durations::ClientEstimate {
    d.clients.iter().find(|c| c.client == id).unwrap()
}

#[test]
fn the_estimator_recovers_known_factors_from_30_noisy_records() {
    let near = |got: f64, factor: f64, what: &str| {
        assert!(
            (got / factor - 1.0).abs() < 0.05,
            "{what}: {got} against {factor}"
        );
    };
    // c4 is the only client of the nurse type: 30 records at 1.2 +- 10%.
    let learned = learn(&problem(), &[logs(&month_of_logs())], &Settings::default());
    let d = &learned.durations;
    assert_eq!((d.version, d.quantile, d.k), (1, 0.8, DEFAULT_K));
    let nurse = d.types.iter().find(|t| t.skills == ["nurse"]).unwrap();
    assert_eq!(nurse.records, 30);
    near(nurse.ratio_median, 1.2, "nurse type");
    near(client(d, "c4").ratio_median, 1.2, "c4");
    assert!(nurse.ratio_planning > nurse.ratio_median && nurse.ratio_planning < 1.2 * 1.1);
    // c1 (1.3) and c2 (0.8) share a type: their own figures (k = 0) recover each factor;
    // with k = 5 each is 30/35 itself and 5/35 the type, as documented.
    let own = learn(
        &problem(),
        &[logs(&month_of_logs())],
        &Settings {
            k: 0.0,
            ..Settings::default()
        },
    );
    let care = d.types.iter().find(|t| t.skills == ["personal_care"]).unwrap();
    for (c, factor) in [("c1", 1.3), ("c2", 0.8)] {
        let mine = client(&own.durations, c);
        assert_eq!(mine.records, 30);
        near(mine.ratio_median, factor, c);
        assert!(mine.ratio_planning >= mine.ratio_median, "{mine:?}");
        let w = 30.0 / 35.0;
        let shrunk = w * mine.ratio_median + (1.0 - w) * care.ratio_median;
        assert!((client(d, c).ratio_median - shrunk).abs() < 1e-3, "{c}");
    }
    assert_eq!(learned.counts.used, 92);
    assert_eq!((learned.counts.clients, learned.counts.types), (4, 2));
}

#[test]
fn a_client_with_two_records_sits_near_its_type() {
    let learned = learn(&problem(), &[logs(&month_of_logs())], &Settings::default());
    let d = &learned.durations;
    let care = d.types.iter().find(|t| t.skills == ["personal_care"]).unwrap();
    assert_eq!(care.records, 62);
    let c3 = client(d, "c3");
    assert_eq!(c3.records, 2);
    // Its own median is 2.0; weight 2 / (2 + 5).
    let expected = 2.0 / 7.0 * 2.0 + 5.0 / 7.0 * care.ratio_median;
    assert!((c3.ratio_median - expected).abs() < 1e-3, "{c3:?} {care:?}");
    assert!((c3.ratio_median - care.ratio_median).abs() < (c3.ratio_median - 2.0).abs());
}

#[test]
fn visits_not_made_and_absurd_records_are_left_out_and_counted() {
    let csv = "staff,visit,arrived,started,ended,note\n\
               ann,v1,09:00,,09:30,\n\
               ann,v1,09:00,,09:02,no_access\n\
               bob,v1,09:00,,09:01,Client_In_Hospital\n\
               ann,v1,09:00,,09:00,\n\
               ann,v1,09:00,,12:00,\n\
               ann,v1,09:00,,09:20,left early: client asked\n\
               ann,v9,09:00,,09:20,\n\
               ann,v1,09:00,,9h,\n";
    let learned = learn(&problem(), &[logs(csv)], &Settings::default());
    let c = &learned.counts;
    assert_eq!((c.used, c.not_made, c.absurd, c.refused), (2, 2, 2, 2), "{c:?}");
    // The refusals name row and column: the reader's (row 9) and the unknown visit (row 8).
    let rows: Vec<String> = learned.refused.iter().map(|(_, r)| r.to_string()).collect();
    assert!(
        rows.iter().any(|r| r.starts_with("row 9, column ended:")),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|r| r.starts_with("row 8, column visit:") && r.contains("v9")),
        "{rows:?}"
    );
    // Records of 30 and 20 min, 30 planned: the median of 1 and 2/3.
    assert_eq!(client(&learned.durations, "c1").ratio_median, 0.8333);
}

#[test]
fn client_and_date_records_take_the_clients_nearest_visit() {
    let csv = "staff,client,date,arrived,started,ended,note\n\
               ann,c1,2025-03-03,09:00,,09:39,\n\
               ann,c9,2025-03-03,09:00,,09:39,\n";
    let learned = learn(&problem(), &[logs(csv)], &Settings::default());
    assert_eq!(learned.counts.used, 1);
    assert_eq!(client(&learned.durations, "c1").ratio_median, 1.3);
    assert_eq!(learned.refused[0].1.column.as_deref(), Some("client"));
}

#[test]
fn apply_keeps_history_never_goes_below_a_minute_and_says_whose_figure() {
    let mut input = input();
    input.visits[1].actual = serde_json::from_value(json!({"staff": ["ann"], "start": "09:10"})).unwrap();
    input.visits[3].duration_min = 1.0;
    let d: Durations = parse_durations(
        &json!({"version": 1, "quantile": 0.8, "k": 5,
            "clients": [
                {"client": "c1", "skills": ["personal_care"], "ratio_median": 1.25, "ratio_planning": 1.4, "records": 12},
                {"client": "c2", "skills": ["personal_care"], "ratio_median": 2.0, "ratio_planning": 2.0, "records": 9}],
            "types": [
                {"skills": ["personal_care"], "ratio_median": 1.0, "ratio_planning": 1.1, "records": 40},
                {"skills": ["nurse"], "ratio_median": 0.1, "ratio_planning": 0.2, "records": 3}]})
        .to_string(),
    )
    .unwrap();
    let (out, changed) = apply(&input, &d, Use::Planning);
    let len = |id: &str| out.visits.iter().find(|v| v.id == id).unwrap().duration_min;
    assert_eq!(len("v1"), 42.0); // 30 x 1.4, the client's
    assert_eq!(len("v2"), 40.0); // history: unchanged
    assert_eq!(len("v3"), 22.0); // 20 x 1.1, the type's (c3 has no figure)
    assert_eq!(len("v4"), 1.0); // 1 x 0.2 rounds to 0: at least 1
    assert_eq!(len("v5"), 33.0);
    let ids: Vec<(&str, Basis)> = changed.iter().map(|c| (c.visit.as_str(), c.basis)).collect();
    assert_eq!(
        ids,
        [("v1", Basis::Client), ("v3", Basis::Type), ("v5", Basis::Type)]
    );
    assert_eq!(
        (changed[0].from_min, changed[0].to_min, changed[0].records),
        (30.0, 42.0, 12)
    );
    let (expected, _) = apply(&input, &d, Use::Expected);
    assert_eq!(expected.visits[0].duration_min, 38.0); // 30 x 1.25 = 37.5, rounded
                                                       // The applied problem is still valid.
    validate(&out).unwrap();
}

#[test]
fn a_bad_durations_document_names_the_field() {
    let good = json!({"version": 1, "quantile": 0.8, "k": 5, "clients": [], "types": [
        {"skills": [], "ratio_median": 1.0, "ratio_planning": 1.1, "records": 4}]});
    assert!(parse_durations(&good.to_string()).is_ok());
    let cases = [
        ("/version", json!(2), "version", InputErrorKind::Unsupported),
        ("/quantile", json!(1.5), "quantile", InputErrorKind::OutOfRange),
        (
            "/types/0/ratio_planning",
            json!(0),
            "types[0].ratio_planning",
            InputErrorKind::OutOfRange,
        ),
        (
            "/types/0/records",
            json!(0),
            "types[0].records",
            InputErrorKind::OutOfRange,
        ),
        (
            "/types/0/ratio_median",
            json!("fast"),
            "types[0].ratio_median",
            InputErrorKind::WrongType,
        ),
    ];
    for (pointer, value, path, kind) in cases {
        let mut doc = good.clone();
        *doc.pointer_mut(pointer).unwrap() = value;
        let e = parse_durations(&doc.to_string()).unwrap_err();
        assert_eq!((e.path.as_str(), e.kind), (path, kind), "{e}");
    }
    let mut doc = good.clone();
    doc["colour"] = json!("red");
    assert_eq!(
        parse_durations(&doc.to_string()).unwrap_err().kind,
        InputErrorKind::UnknownField
    );
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_carerounds"))
}

#[test]
fn cli_learns_solves_with_the_learned_lengths_and_the_plan_checks() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    std::fs::write(p("problem.json"), day().to_string()).unwrap();
    std::fs::write(p("logs.csv"), month_of_logs()).unwrap();
    std::fs::write(
        p("more.csv"),
        "staff,visit,arrived,started,ended,note\nann,v1,09:00,,09:40,\nann,v1,xx,,09:40,\n",
    )
    .unwrap();
    let out = bin()
        .args([
            "durations",
            "--problem",
            &p("problem.json"),
            &p("logs.csv"),
            &p("more.csv"),
            "--out",
            &p("d.json"),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("93 record(s) used, 1 ignored"), "{err}");
    assert!(err.contains("more.csv: row 3, column arrived:"), "{err}");
    let d = parse_durations(&std::fs::read_to_string(p("d.json")).unwrap()).unwrap();
    assert_eq!(client(&d, "c1").records, 31);
    // stdout without --out.
    let out = bin()
        .args(["durations", "--problem", &p("problem.json"), &p("logs.csv")])
        .output()
        .unwrap();
    assert_eq!(
        parse_durations(&String::from_utf8_lossy(&out.stdout)).unwrap(),
        learn(&problem(), &[logs(&month_of_logs())], &Settings::default()).durations
    );
    let out = bin()
        .args([
            "solve",
            &p("problem.json"),
            "--durations",
            &p("d.json"),
            "--problem-out",
            &p("p2.json"),
        ])
        .args(["--out", &p("plan.json"), "--threads", "1", "--verbose"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("durations: 5 visits changed (largest: v"), "{err}");
    assert!(
        err.contains("  v1 30 -> ") && err.contains("31 records, client"),
        "{err}"
    );
    assert!(err.contains("  v4 15 -> "), "--verbose lists each change: {err}");
    let p2 = validate(&parse_input(&std::fs::read_to_string(p("p2.json")).unwrap()).unwrap()).unwrap();
    assert!(p2.visits[0].duration > 30.0);
    let check = bin()
        .args(["check", &p("p2.json"), &p("plan.json")])
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    // replan and slots take the same file.
    std::fs::write(
        p("events.json"),
        json!({"now": "08:00", "events": [{"type": "visit_cancelled", "visit": "v5"}]}).to_string(),
    )
    .unwrap();
    let out = bin()
        .args([
            "replan",
            &p("problem.json"),
            "--plan",
            &p("plan.json"),
            "--events",
            &p("events.json"),
        ])
        .args(["--durations", &p("d.json"), "--threads", "1", "--work", "1500000"])
        .args(["--problem-out", &p("p3.json"), "--out", &p("plan3.json")])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("durations: 5 visits changed"), "{err}");
    let check = bin()
        .args(["check", &p("p3.json"), &p("plan3.json")])
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    std::fs::write(
        p("new.json"),
        json!({"id": "n1", "client": "c1", "location": {"lat": 52.96, "lon": -1.16}, "duration_min": 30,
               "time_windows": [["09:00", "17:00"]], "skills": ["personal_care"]})
        .to_string(),
    )
    .unwrap();
    let out = bin()
        .args([
            "slots",
            &p("problem.json"),
            "--plan",
            &p("plan.json"),
            "--visit",
            &p("new.json"),
        ])
        .args(["--durations", &p("d.json"), "--json"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    // The day's five visits (as in p2, which the plan answers) and the new one, as c1's.
    assert!(err.contains("durations: 6 visits changed"), "{err}");
    let slots: Value = serde_json::from_slice(&out.stdout).unwrap();
    let o = &slots["options"][0];
    assert!(o.is_object(), "{slots}");
    // A bad durations file: exit 2, the field named.
    let mut bad: Value = serde_json::from_str(&std::fs::read_to_string(p("d.json")).unwrap()).unwrap();
    bad["clients"][1]["ratio_planning"] = json!(-1);
    std::fs::write(p("bad.json"), bad.to_string()).unwrap();
    for args in [
        vec!["solve", &p("problem.json"), "--durations", &p("bad.json")],
        vec![
            "replan",
            &p("problem.json"),
            "--plan",
            &p("plan.json"),
            "--events",
            &p("plan.json"),
            "--durations",
            &p("bad.json"),
        ],
    ] {
        let out = bin().args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("bad.json") && err.contains("clients[1].ratio_planning"),
            "{err}"
        );
    }
    // Nothing usable: exit 2.
    std::fs::write(
        p("none.csv"),
        "staff,visit,arrived,started,ended,note\nann,v1,09:00,,09:05,no_access\n",
    )
    .unwrap();
    let out = bin()
        .args(["durations", "--problem", &p("problem.json"), &p("none.csv")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 visit(s) not made"));
}

mod http {
    use super::*;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use carerounds::api::{app, AppState, Config};
    use tower::ServiceExt;

    async fn post(path: &str, body: &Value) -> (StatusCode, Option<String>, Value) {
        let dir = tempfile::tempdir().unwrap();
        let app = app(AppState::open(Config::default(), dir.path()).unwrap());
        let req = Request::post(path).header("content-type", "application/json");
        let resp = app
            .oneshot(req.body(Body::from(body.to_string())).unwrap())
            .await
            .unwrap();
        let status = resp.status();
        let changed = resp
            .headers()
            .get("x-carerounds-durations-changed")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap();
        (
            status,
            changed,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    /// A plan of `p` at a fixed work budget on one thread.
    fn planned(p: &Problem) -> carerounds::model::Plan {
        let travel = carerounds::travel::TravelMatrix::computed(p).unwrap();
        carerounds::solve::Solver::new(p, travel)
            .threads(1)
            .work_budget(1_500_000)
            .time_limit(std::time::Duration::from_secs(30))
            .run()
            .plan
    }

    fn durations() -> Value {
        serde_json::to_value(learn(&problem(), &[logs(&month_of_logs())], &Settings::default()).durations)
            .unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn plans_take_a_durations_field() {
        let (s, changed, plain) = post("/v1/plans", &day()).await;
        assert_eq!((s, changed.as_deref()), (StatusCode::OK, Some("0")), "{plain}");
        let mut body = day();
        body["durations"] = durations();
        let (s, changed, plan) = post("/v1/plans", &body).await;
        assert_eq!((s, changed.as_deref()), (StatusCode::OK, Some("5")), "{plan}");
        // The plan holds the learned length: v1 ends later than 30 min after its start.
        let step = plan["routes"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r["steps"].as_array().unwrap().iter())
            .find(|s| s["visit"] == "v1")
            .unwrap()
            .clone();
        let min = |t: &Value| {
            let t = t.as_str().unwrap();
            t[..2].parse::<f64>().unwrap() * 60.0 + t[3..5].parse::<f64>().unwrap()
        };
        assert!(min(&step["end"]) - min(&step["start"]) > 35.0, "{step}");
        // A bad figure: 422 with the path inside the body.
        body["durations"]["version"] = json!(7);
        let (s, _, err) = post("/v1/plans", &body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
        assert_eq!(err["error"]["path"], "durations.version", "{err}");
        // Problem errors keep their paths when durations come along.
        body["durations"] = durations();
        body["visits"][0]["duration_min"] = json!("long");
        let (s, _, err) = post("/v1/plans", &body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
        assert_eq!(err["error"]["path"], "visits[0].duration_min", "{err}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_null_durations_field_is_no_durations() {
        let (s, changed, plain) = post("/v1/plans", &day()).await;
        assert_eq!((s, changed.as_deref()), (StatusCode::OK, Some("0")), "{plain}");
        let mut body = day();
        body["durations"] = Value::Null;
        let (s, changed, plan) = post("/v1/plans", &body).await;
        assert_eq!((s, changed.as_deref()), (StatusCode::OK, Some("0")), "{plan}");
        // The same day, as without the field (one thread, fixed seed).
        assert_eq!(plan["summary"], plain["summary"], "{plan}");
        let (s, _, b) = post("/v1/jobs", &body).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{b}");
        // Problem errors keep their paths beside a null `durations`.
        body["visits"][0]["duration_min"] = json!("long");
        let (s, _, err) = post("/v1/plans", &body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
        assert_eq!(err["error"]["path"], "visits[0].duration_min", "{err}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn jobs_take_a_durations_field() {
        let mut body = day();
        body["durations"] = durations();
        let (s, _, b) = post("/v1/jobs", &body).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{b}");
        body["durations"]["types"][0]["records"] = json!(0);
        let (s, _, err) = post("/v1/jobs", &body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
        assert_eq!(err["error"]["path"], "durations.types[0].records", "{err}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn replans_take_a_durations_field() {
        let p = problem();
        let plan = planned(&p);
        let events = json!({"now": "08:00", "events": [{"type": "visit_cancelled", "visit": "v5"}]});
        let body = json!({"problem": day(), "plan": plan, "events": events, "durations": durations()});
        let (s, _, b) = post("/v1/replans", &body).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let v1 = b["problem"]["visits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["id"] == "v1")
            .unwrap()
            .clone();
        assert!(v1["duration_min"].as_f64().unwrap() > 35.0, "{v1}");
        let mut bad = body.clone();
        bad["durations"]["k"] = json!(-1);
        let (s, _, err) = post("/v1/replans", &bad).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
        assert_eq!(err["error"]["path"], "durations.k", "{err}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn slots_take_a_durations_field() {
        // The day without v1, planned; v1 is then the new visit to book.
        let mut rest = day();
        let new = rest["visits"].as_array_mut().unwrap().remove(0);
        let p = parse_problem(&rest.to_string()).unwrap();
        let plan = planned(&p);
        let length = |b: &Value| {
            let min = |t: &Value| {
                let t = t.as_str().unwrap();
                t[..2].parse::<f64>().unwrap() * 60.0 + t[3..5].parse::<f64>().unwrap()
            };
            let o = &b["options"][0];
            min(&o["end"]) - min(&o["start"])
        };
        let body = json!({"problem": rest, "plan": plan, "visit": new});
        let (s, changed, plain) = post("/v1/slots", &body).await;
        assert_eq!((s, changed.as_deref()), (StatusCode::OK, Some("0")), "{plain}");
        assert!((length(&plain) - 30.0).abs() < 1.0, "{plain}");
        // With learned lengths the new visit takes its client's figure (c1 runs long).
        let mut body = body;
        body["durations"] = durations();
        let (s, changed, learned) = post("/v1/slots", &body).await;
        assert_eq!(s, StatusCode::OK, "{learned}");
        assert!(changed.is_some_and(|n| n.parse::<usize>().unwrap() >= 1));
        assert!(length(&learned) > 35.0, "{learned}");
        let mut null = body.clone();
        null["durations"] = Value::Null;
        let (s, changed, same) = post("/v1/slots", &null).await;
        assert_eq!((s, changed.as_deref()), (StatusCode::OK, Some("0")), "{same}");
        assert_eq!(same, plain);
        body["durations"]["version"] = json!(7);
        let (s, _, err) = post("/v1/slots", &body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
        assert_eq!(err["error"]["path"], "durations.version", "{err}");
    }
}
