//! The report's honest headline (issue 16): the trade-offs next to the savings
//! (preferred-staff share, waiting, contact time moved between organisations, flagged above
//! a set share), the estimated value of driving time saved at hourly rates the user gives,
//! and credits for only the data sources the problem used. Every figure is computed by hand.

use carerounds::model::{parse_problem, Plan, Problem};
use carerounds::report::{baseline_plan, credits, render, Assumptions, Format, Report};
use carerounds::travel::TravelMatrix;
use std::process::Command;

/// Four places 10 minutes and 1 km apart; nina (NHS) and carl (Council), 08:00-12:00 from
/// `base`. v1 at a (30 min, 08:10-09:00, prefers nina), v2 at b (20 min, 09:00-10:00,
/// prefers carl), v3 at c (40 min, 10:00-11:00, prefers carl).
fn problem(baseline: &str, preferred: bool) -> String {
    let pref = |who: &str| {
        if preferred {
            format!(r#", "preferred_staff": ["{who}"]"#)
        } else {
            String::new()
        }
    };
    format!(
        r#"{{
        "name": "Trade-offs by hand",
        "travel": {{"mode": "matrix",
            "durations_min": [[0, 10, 10, 10], [10, 0, 10, 10], [10, 10, 0, 10], [10, 10, 10, 0]],
            "distances_km": [[0, 1, 1, 1], [1, 0, 1, 1], [1, 1, 0, 1], [1, 1, 1, 0]]}},
        "locations": [{{"id": "base"}}, {{"id": "a"}}, {{"id": "b"}}, {{"id": "c"}}],
        "staff": [
            {{"id": "nina", "organisation": "NHS", "shift": {{"start": "08:00", "end": "12:00"}},
              "start_location": "base"}},
            {{"id": "carl", "organisation": "Council", "shift": {{"start": "08:00", "end": "12:00"}},
              "start_location": "base"}}],
        "visits": [
            {{"id": "v1", "location": "a", "duration_min": 30, "time_windows": [["08:10", "09:00"]]{}}},
            {{"id": "v2", "location": "b", "duration_min": 20, "time_windows": [["09:00", "10:00"]]{}}},
            {{"id": "v3", "location": "c", "duration_min": 40, "time_windows": [["10:00", "11:00"]]{}}}],
        "baseline": {{"routes": [{baseline}]}}
    }}"#,
        pref("nina"),
        pref("carl"),
        pref("carl")
    )
}

/// As booked, nina makes all three: v1 08:10-08:40, v2 09:00-09:20 (waits 10), v3
/// 10:00-10:40 (waits 30), back 10:50: 40 min travel, 40 min waiting, 90 min contact.
const A: &str = r#"{"staff": "nina", "visits": ["v1", "v2", "v3"]}"#;
/// nina v1, v2 (waits 10), back 09:30: 30 min travel. carl leaves 09:50 for v3 10:00-10:40,
/// back 10:50: 20 min travel, no waiting. v3 (40 min) has moved from NHS to the council.
const B: &str = r#"{"staff": "nina", "visits": ["v1", "v2"]}, {"staff": "carl", "visits": ["v3"]}"#;

/// The problem booked as `booked`, compared with the timed rounds `planned`.
fn report(booked: &str, planned: &str, preferred: bool, a: &Assumptions) -> Report {
    let p = parse_problem(&problem(booked, preferred)).unwrap();
    let other = parse_problem(&problem(planned, preferred)).unwrap();
    let plan: Plan = baseline_plan(&other, TravelMatrix::computed(&other).unwrap()).unwrap();
    Report::new(
        &p,
        TravelMatrix::computed(&p).unwrap(),
        &[("plan".into(), plan)],
        a,
    )
    .unwrap()
}

#[track_caller]
fn close(got: f64, want: f64) {
    assert!((got - want).abs() < 1e-9, "got {got}, want {want}");
}

#[test]
fn a_visit_moved_from_a_nurse_to_a_carer_moves_its_length_and_is_flagged() {
    let r = report(A, B, true, &Assumptions::default());
    let m = &r.plans[0].contact_moved;
    assert_eq!(m.max_share_pct, 10.0);
    assert_eq!(m.flows.len(), 1);
    assert_eq!(
        (m.flows[0].from.as_str(), m.flows[0].to.as_str()),
        ("NHS", "Council")
    );
    close(m.flows[0].contact_min, 40.0);
    let (nhs, council) = (&m.organisations[0], &m.organisations[1]);
    assert_eq!(nhs.organisation, "NHS");
    close(nhs.baseline_contact_min, 90.0);
    close(nhs.plan_contact_min, 50.0);
    close(nhs.moved_out_min, 40.0);
    close(nhs.moved_in_min, 0.0);
    close(nhs.moved_out_share_pct.unwrap(), 44.4444); // 40 / 90
    assert!(nhs.flagged);
    close(council.baseline_contact_min, 0.0);
    close(council.moved_in_min, 40.0);
    assert_eq!(council.moved_out_share_pct, None, "no booked contact time");
    assert!(!council.flagged);
    // A higher threshold: 44.4% is not more than 50%.
    let a = Assumptions {
        max_org_shift_pct: 50.0,
        ..Default::default()
    };
    assert!(!report(A, B, true, &a).plans[0].contact_moved.organisations[0].flagged);
    // Nothing moves when the plan is the booking.
    let same = report(A, A, true, &Assumptions::default());
    assert!(same.plans[0].contact_moved.flows.is_empty());
    assert!(same.plans[0].contact_moved.flagged().next().is_none());
}

#[test]
fn preferred_share_and_waiting_before_and_after_by_hand() {
    let r = report(A, B, true, &Assumptions::default());
    let t = &r.plans[0].team;
    // As booked nina makes v1 (prefers her: met), v2 and v3 (prefer carl): 1 of 3. In the
    // plan carl makes v3: 2 of 3.
    close(t.baseline.preferred_share_pct.unwrap(), 33.3333);
    close(t.plan.preferred_share_pct.unwrap(), 66.6667);
    close(t.baseline.wait_min, 40.0);
    close(t.plan.wait_min, 10.0);
    close(t.baseline.travel_min, 40.0);
    close(t.plan.travel_min, 50.0);
    let text = render(&r, Format::Text);
    assert!(
        text.contains("Preferred-staff share: 33.3% → 66.7%; +33.3 points"),
        "{text}"
    );
    assert!(
        text.contains("Waiting at doors: 40 min → 10 min; -30 min"),
        "{text}"
    );
    assert!(
        text.contains(
            "! Contact time moved between organisations: 40 min; NHS → Council 40 min, 44.4% of \
             NHS's booked contact time, over the 10% limit"
        ),
        "{text}"
    );
    // The other way round both got worse: warnings in text and HTML.
    let back = report(B, A, true, &Assumptions::default());
    let text = render(&back, Format::Text);
    assert!(
        text.contains("! Preferred-staff share: 66.7% → 33.3%; -33.3 points"),
        "{text}"
    );
    assert!(
        text.contains("! Waiting at doors: 10 min → 40 min; +30 min"),
        "{text}"
    );
    assert!(text.contains("Council → NHS 40 min, 100.0% of Council's booked contact time"));
    let html = render(&back, Format::Html);
    assert_eq!(
        html.matches("<div class=\"card warn\">").count(),
        3,
        "three trade-offs worse"
    );
    assert!(html.contains("Trade-offs"));
    // With no visit naming preferred staff the share is n/a, not 0%.
    let none = report(A, B, false, &Assumptions::default());
    assert_eq!(none.plans[0].team.plan.preferred_share_pct, None);
    let text = render(&none, Format::Text);
    assert!(
        text.contains("  Preferred-staff share: n/a → n/a; no visit names preferred staff"),
        "{text}"
    );
}

fn rates(pairs: &[(&str, f64)], default: Option<f64>) -> Assumptions {
    let mut a = Assumptions::default();
    for (org, r) in pairs {
        a.gbp_per_hour.insert(org.to_string(), *r);
    }
    a.default_gbp_per_hour = default;
    a
}

#[test]
fn the_value_of_driving_time_saved_is_minutes_saved_times_the_rate() {
    // Booked as B, planned as A: carl drives 20 min less, nina 10 min more.
    let r = report(B, A, true, &rates(&[("Council", 15.0)], None));
    let v = r.plans[0].staff_time_value.as_ref().expect("a rate is given");
    assert_eq!(v.organisations.len(), 1);
    assert_eq!(v.organisations[0].organisation, "Council");
    close(v.organisations[0].travel_min_saved, 20.0);
    close(v.organisations[0].value_gbp, 5.0); // 20 / 60 x £15
    assert_eq!(v.not_costed, ["NHS"]);
    close(v.per_day_gbp, 5.0);
    close(v.per_week_gbp, 25.0);
    close(v.per_year_gbp, 1150.0);
    // NHS at the default rate: -10 / 60 x £24 = -£4, so £1 in all.
    let r = report(B, A, true, &rates(&[("Council", 15.0)], Some(24.0)));
    let v = r.plans[0].staff_time_value.as_ref().unwrap();
    close(v.organisations[0].value_gbp, -4.0);
    close(v.per_day_gbp, 1.0);
    assert!(v.not_costed.is_empty());
    let hourly: Vec<(&str, f64, &str)> = r
        .assumptions
        .hourly_rates
        .iter()
        .map(|h| (h.organisation.as_str(), h.gbp_per_hour, h.source.as_str()))
        .collect();
    assert_eq!(
        hourly,
        [
            ("NHS", 24.0, "given by the user"),
            ("Council", 15.0, "given by the user")
        ]
    );
    // Labelled an estimate in every format.
    let text = render(&r, Format::Text);
    assert!(
        text.contains("Staff driving time saved, value a day (estimate): £1.00"),
        "{text}"
    );
    assert!(
        text.contains("Staff cost, NHS: £24.00 an hour (given by the user)"),
        "{text}"
    );
    assert!(text.contains("Estimate: travel minutes saved x the hourly staff cost"));
    let html = render(&r, Format::Html);
    assert!(html.contains("(estimate)") && html.contains("Estimate: travel minutes saved"));
    let json: serde_json::Value = serde_json::from_str(&render(&r, Format::Json)).unwrap();
    let v = &json["plans"][0]["staff_time_value"];
    assert_eq!(v["per_day_gbp"], 1.0);
    assert!(v["note"].as_str().unwrap().starts_with("Estimate"));
    let csv = render(&r, Format::Csv);
    let mut rd = csv::Reader::from_reader(csv.as_bytes());
    let head = rd.headers().unwrap().clone();
    let col = |k: &str| head.iter().position(|h| h == k).unwrap();
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
    assert_eq!(&rows[1][col("gbp_per_hour")], "15");
    assert_eq!(&rows[1][col("staff_time_value_gbp")], "5");
    assert_eq!(&rows[0][col("staff_time_value_gbp")], "-4");
}

#[test]
fn without_an_hourly_rate_no_staff_time_money_is_shown() {
    let r = report(B, A, true, &Assumptions::default());
    assert!(r.plans[0].staff_time_value.is_none());
    assert!(r.assumptions.hourly_rates.is_empty());
    let json: serde_json::Value = serde_json::from_str(&render(&r, Format::Json)).unwrap();
    assert!(json["plans"][0].get("staff_time_value").is_none());
    for f in [Format::Text, Format::Html] {
        let out = render(&r, f);
        assert!(!out.contains("estimate") && !out.contains("Staff cost"), "{out}");
    }
    let csv = render(&r, Format::Csv);
    let mut rd = csv::Reader::from_reader(csv.as_bytes());
    let row = rd.records().next().unwrap().unwrap();
    assert_eq!(&row[row.len() - 1], "", "empty value cell");
}

#[test]
fn json_carries_the_trade_offs_under_the_documented_keys() {
    let r = report(A, B, true, &Assumptions::default());
    let v: serde_json::Value = serde_json::from_str(&render(&r, Format::Json)).unwrap();
    let m = &v["plans"][0]["contact_moved"];
    assert_eq!(m["max_share_pct"], 10.0);
    assert_eq!(
        m["flows"][0],
        serde_json::json!({"from": "NHS", "to": "Council", "contact_min": 40.0})
    );
    let nhs = &m["organisations"][0];
    for key in [
        "organisation",
        "baseline_contact_min",
        "plan_contact_min",
        "moved_out_min",
        "moved_in_min",
        "moved_out_share_pct",
        "flagged",
    ] {
        assert!(nhs.get(key).is_some(), "contact_moved.organisations[0].{key}");
    }
    assert_eq!(nhs["flagged"], true);
    assert_eq!(v["assumptions"]["max_org_shift_pct"], 10.0);
    assert_eq!(v["assumptions"]["hourly_rates"], serde_json::json!([]));
    assert_eq!(
        v["credits"][0]["source"],
        "travel matrix supplied with the problem"
    );
}

fn credits_html(doc: &str) -> (Vec<String>, String, String) {
    let p: Problem = parse_problem(doc).unwrap();
    let plan = baseline_plan(&p, TravelMatrix::computed(&p).unwrap()).unwrap();
    let r = Report::new(
        &p,
        TravelMatrix::computed(&p).unwrap(),
        &[("same".into(), plan)],
        &Assumptions::default(),
    )
    .unwrap();
    let sources = r.credits.iter().map(|c| c.source.clone()).collect();
    (sources, render(&r, Format::Html), render(&r, Format::Text))
}

const HAND_MADE: &str = r#"{
    "locations": [{"id": "base", "lat": 52.67, "lon": -0.73}],
    "staff": [{"id": "ann", "organisation": "NHS", "shift": {"start": "08:00", "end": "16:00"},
               "start_location": "base"}],
    "visits": [{"id": "v1", "location": {"lat": 52.66, "lon": -0.70}, "duration_min": 30}],
    "baseline": {"routes": [{"staff": "ann", "visits": ["v1"]}]}
}"#;

#[test]
fn hand_made_coordinates_credit_no_postcode_data() {
    let (sources, html, text) = credits_html(HAND_MADE);
    assert!(sources.is_empty(), "{sources:?}");
    assert_eq!(
        html.matches("<svg class=\"map\"").count(),
        2,
        "maps are still drawn"
    );
    assert!(html.contains("no map tiles"));
    for absent in [
        "Ordnance Survey",
        "Royal Mail",
        "GeoNames",
        "Code-Point",
        "OpenStreetMap",
    ] {
        assert!(!html.contains(absent), "{absent}");
        assert!(!text.contains(absent), "{absent}");
    }
}

#[test]
fn postcode_locations_credit_code_point_open() {
    let doc = HAND_MADE
        .replace(
            r#"{"id": "base", "lat": 52.67, "lon": -0.73}"#,
            r#"{"id": "LE15 6NT", "lat": 52.670802, "lon": -0.73754, "postcode": "LE15 6NT"}"#,
        )
        .replace("\"base\"", "\"LE15 6NT\"");
    let (sources, html, text) = credits_html(&doc);
    assert_eq!(sources, ["OS Code-Point Open"]);
    for want in [
        "OS Code-Point Open</b>: coordinates of the 1 place(s) found by postcode, Open Government Licence v3.0",
        "Contains Ordnance Survey data © Crown copyright and database right 2025.",
        "Contains Royal Mail data © Royal Mail copyright and database right 2025.",
    ] {
        assert!(html.contains(want), "{want}");
    }
    assert!(!html.contains("GeoNames"));
    assert!(
        text.contains("Data sources\n- OS Code-Point Open: coordinates of the 1 place(s)"),
        "{text}"
    );
}

#[test]
fn a_given_matrix_is_credited_as_supplied_and_road_travel_to_openstreetmap() {
    let (sources, html, _) = credits_html(&problem(A, true));
    assert_eq!(sources, ["travel matrix supplied with the problem"]);
    assert!(html.contains("<b>travel matrix supplied with the problem</b>: travel times and distances."));
    assert!(!html.contains("Ordnance Survey") && !html.contains("OpenStreetMap"));
    let road = parse_problem(&HAND_MADE.replace(
        r#""locations""#,
        r#""travel": {"mode": "osrm", "url": "http://127.0.0.1:9"}, "locations""#,
    ))
    .unwrap();
    let c = credits(&road);
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].source, "OpenStreetMap");
    assert_eq!(c[0].attribution, ["© OpenStreetMap contributors (ODbL 1.0)."]);
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_carerounds"))
}

#[test]
fn cli_takes_hourly_rates_and_the_threshold_and_names_bad_ones() {
    let dir = tempfile::tempdir().unwrap();
    let (prob, plan) = (dir.path().join("p.json"), dir.path().join("plan.json"));
    std::fs::write(&prob, problem(B, true)).unwrap();
    let other = parse_problem(&problem(A, true)).unwrap();
    let timed = baseline_plan(&other, TravelMatrix::computed(&other).unwrap()).unwrap();
    std::fs::write(&plan, serde_json::to_string(&timed).unwrap()).unwrap();
    let run = |extra: &[&str]| {
        bin()
            .arg("report")
            .arg(&prob)
            .arg("--plan")
            .arg(&plan)
            .args(["--format", "json"])
            .args(extra)
            .output()
            .unwrap()
    };
    let out = run(&["--gbp-per-hour", "Council=15", "--max-org-shift-pct", "100"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["plans"][0]["staff_time_value"]["per_day_gbp"], 5.0);
    // 100% moved is not more than 100%.
    assert_eq!(
        v["plans"][0]["contact_moved"]["organisations"][1]["flagged"],
        false
    );
    for (args, says) in [
        (vec!["--gbp-per-hour", "NHS=-5"], "--gbp-per-hour"),
        (vec!["--gbp-per-hour", "NHS="], "--gbp-per-hour"),
        (vec!["--gbp-per-hour", "NHS"], "is not ORG=GBP_PER_HOUR"),
        (vec!["--gbp-per-hour", "=5"], "names no organisation"),
        (
            vec!["--gbp-per-hour", "Hospital=30"],
            "--gbp-per-hour Hospital=: no staff member works for 'Hospital'",
        ),
        (
            vec!["--gbp-per-hour", "NHS=3250"],
            "--gbp-per-hour NHS=: 3250 is not between 0 and 500 £ an hour",
        ),
        (
            vec!["--default-gbp-per-hour", "900"],
            "--default-gbp-per-hour: 900 is not between 0 and 500",
        ),
        (
            vec!["--max-org-shift-pct", "150"],
            "--max-org-shift-pct: 150 is not between 0 and 100",
        ),
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

#[tokio::test]
async fn http_report_takes_hourly_rates_and_names_bad_fields() {
    use tower::ServiceExt;
    let dir = tempfile::tempdir().unwrap();
    let state = carerounds::api::AppState::open(carerounds::api::Config::default(), dir.path()).unwrap();
    let app = carerounds::api::app(state);
    let prob: serde_json::Value = serde_json::from_str(&problem(B, true)).unwrap();
    let other = parse_problem(&problem(A, true)).unwrap();
    let plan = baseline_plan(&other, TravelMatrix::computed(&other).unwrap()).unwrap();
    let post = |extra: serde_json::Value| {
        let mut body = serde_json::json!({"problem": prob, "plans": [{"name": "p", "plan": plan}]});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let app = app.clone();
        async move {
            let req = axum::http::Request::post("/v1/reports")
                .header("content-type", "application/json")
                .body(axum::body::Body::from(body.to_string()))
                .unwrap();
            let resp = app.oneshot(req).await.unwrap();
            let status = resp.status();
            let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap();
            (
                status,
                serde_json::from_slice::<serde_json::Value>(&bytes).unwrap(),
            )
        }
    };
    let (s, r) = post(
        serde_json::json!({"gbp_per_hour": {"Council": 15}, "default_gbp_per_hour": 24,
                                          "max_org_shift_pct": 50}),
    )
    .await;
    assert_eq!(s, axum::http::StatusCode::OK, "{r}");
    assert_eq!(r["plans"][0]["staff_time_value"]["per_day_gbp"], 1.0);
    assert_eq!(r["plans"][0]["contact_moved"]["max_share_pct"], 50.0);
    assert_eq!(r["plans"][0]["contact_moved"]["flows"][0]["from"], "Council");
    assert_eq!(r["assumptions"]["hourly_rates"][1]["source"], "given by the user");
    for (extra, path, says) in [
        (
            serde_json::json!({"gbp_per_hour": {"NHS": -5}}),
            "gbp_per_hour.NHS",
            "-5 is not between 0 and 500",
        ),
        (
            serde_json::json!({"gbp_per_hour": {"Hospital": 30}}),
            "gbp_per_hour.Hospital",
            "no staff member works for 'Hospital'",
        ),
        (
            serde_json::json!({"default_gbp_per_hour": 1e9}),
            "default_gbp_per_hour",
            "not between 0 and 500",
        ),
        (
            serde_json::json!({"max_org_shift_pct": 101}),
            "max_org_shift_pct",
            "not between 0 and 100",
        ),
    ] {
        let (s, e) = post(extra).await;
        assert_eq!(s, axum::http::StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["error"]["path"], path, "{e}");
        assert!(e["error"]["message"].as_str().unwrap().contains(says), "{e}");
    }
    // A rate that is not a number is refused with its field named, too.
    let (s, e) = post(serde_json::json!({"gbp_per_hour": {"NHS": "lots"}})).await;
    assert!(s.is_client_error(), "{s}");
    assert_eq!(e["error"]["path"], "gbp_per_hour.NHS", "{e}");
    assert_eq!(e["error"]["kind"], "wrong_type", "{e}");
}
