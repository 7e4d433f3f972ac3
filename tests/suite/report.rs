//! The savings and workload report: a hand-computed case checked figure by figure, the
//! baseline timer, every output format, the CLI, and the sample day.

use carerounds::check::check;
use carerounds::model::{parse_problem, Plan, Problem};
use carerounds::report::{
    baseline_plan, render, Assumptions, Comparison, Figures, Format, Report, NOT_BOOKED,
};
use carerounds::travel::TravelMatrix;
use std::process::Command;
use std::sync::Arc;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/common");
const MILE: f64 = 1.609344;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{DIR}/{name}")).unwrap()
}

fn small() -> (Problem, Plan) {
    let problem = parse_problem(&fixture("report_problem.json")).unwrap();
    let plan: Plan = serde_json::from_str(&fixture("report_plan.json")).unwrap();
    (problem, plan)
}

/// NHS at an Agenda for Change style 56p a mile; the council at the HMRC default.
fn nhs_rate() -> Assumptions {
    let mut a = Assumptions::default();
    a.gbp_per_mile.insert("NHS".into(), 0.56);
    a
}

fn small_report() -> Report {
    let (problem, plan) = small();
    Report::new(
        &problem,
        carerounds::travel::sources::build(&problem).expect("travel"),
        &[("optimised".into(), plan)],
        &nhs_rate(),
    )
    .unwrap()
}

#[track_caller]
fn close(got: f64, want: f64) {
    assert!((got - want).abs() < 1e-9, "got {got}, want {want}");
}

#[track_caller]
fn close_opt(got: Option<f64>, want: Option<f64>) {
    match (got, want) {
        (Some(g), Some(w)) => close(g, w),
        (g, w) => assert_eq!(g, w),
    }
}

/// Every figure of one side, in [`Figures::FIELDS`] order; `share` is the preferred share.
#[track_caller]
fn assert_figures(f: &Figures, want: [f64; 19], share: Option<f64>) {
    let got = f.values();
    for (i, w) in want.iter().enumerate() {
        let key = Figures::FIELDS[i].key;
        let g = got[i].unwrap_or_else(|| panic!("{key} undefined"));
        assert!((g - w).abs() < 1e-9, "{key}: got {g}, want {w}");
    }
    close_opt(f.preferred_share_pct, share);
}

// Hand-computed. Matrix: 10 travel minutes = 1 mile = 1.609344 km on every leg.
// As booked: ann v5 (waits to 09:00, leaves 08:50), v2 09:50, v4 10:30 (10 min late, 15
// allowed), back 11:10: 70 min, 7 miles. bob v1 08:30 (leaves 08:20), v3 09:20 (window closed
// 09:15: 5 min late, outside), break 09:50-10:20, back 10:30: 40 min, 4 miles.
// Plan: ann v1, v2, v4, back 10:30: 50 min, 5 miles. bob v3, v5 (waits 10), break 09:30, back
// 10:10: 30 min, 3 miles, 20 min waiting.
// Figures in Figures::FIELDS order: staff, visits, contact, travel, km, miles, £, CO2, wait,
// breaks, free, of it at base, admin short, overtime, late visits, late min, outside window,
// preferred, met.
const ANN_BASE: [f64; 19] = [
    1., 3., 70., 70., 11.2654, 7., 3.92, 1.9151, 0., 0., 100., 0., 0., 0., 1., 10., 0., 1., 0.,
];
const ANN_PLAN: [f64; 19] = [
    1., 3., 80., 50., 8.0467, 5., 2.80, 1.3679, 0., 0., 110., 0., 0., 0., 0., 0., 0., 1., 1.,
];
const BOB_BASE: [f64; 19] = [
    1., 2., 60., 40., 6.4374, 4., 1.80, 1.0944, 0., 30., 110., 0., 0., 0., 1., 5., 1., 2., 1.,
];
const BOB_PLAN: [f64; 19] = [
    1., 2., 50., 30., 4.8280, 3., 1.35, 0.8208, 20., 30., 110., 0., 0., 0., 0., 0., 0., 2., 2.,
];
const TEAM_BASE: [f64; 19] = [
    2., 5., 130., 110., 17.7028, 11., 5.72, 3.0095, 0., 30., 210., 0., 0., 0., 2., 15., 1., 3., 1.,
];
const TEAM_PLAN: [f64; 19] = [
    2., 5., 130., 80., 12.8748, 8., 4.15, 2.1887, 20., 30., 220., 0., 0., 0., 0., 0., 0., 3., 3.,
];

#[test]
fn hand_computed_staff_figures() {
    let r = small_report();
    let p = &r.plans[0];
    assert_eq!(p.staff.len(), 2);
    let (ann, bob) = (&p.staff[0], &p.staff[1]);
    assert_eq!((ann.staff.as_str(), ann.organisation.as_str()), ("ann", "NHS"));
    assert_eq!(
        (bob.staff.as_str(), bob.organisation.as_str()),
        ("bob", "Council")
    );
    assert_figures(&ann.figures.baseline, ANN_BASE, Some(0.0));
    assert_figures(&ann.figures.plan, ANN_PLAN, Some(100.0));
    assert_figures(&bob.figures.baseline, BOB_BASE, Some(50.0));
    assert_figures(&bob.figures.plan, BOB_PLAN, Some(100.0));
    // Money and CO2 from the unrounded distances.
    close(ann.figures.baseline.cost_gbp, 7.0 * 0.56);
    close(
        bob.figures.plan.co2_kg,
        (3.0 * MILE * 0.17 * 1e4_f64).round() / 1e4,
    );
    // Changes and % for ann.
    let d = &ann.figures.delta;
    close(d.travel_min, -20.0);
    close(d.distance_miles, -2.0);
    close(d.cost_gbp, -1.12);
    close(d.free_min, 10.0);
    close_opt(d.preferred_share_pct, Some(100.0));
    let pct = &ann.figures.delta_pct;
    close_opt(pct.travel_min, Some(-28.5714));
    close_opt(pct.cost_gbp, Some(-28.5714));
    close_opt(pct.free_min, Some(10.0));
    close_opt(pct.wait_min, None);
    close_opt(pct.preferred_share_pct, None);
}

#[test]
fn hand_computed_team_and_organisations() {
    let r = small_report();
    let p = &r.plans[0];
    let team: &Comparison = &p.team;
    assert_figures(&team.baseline, TEAM_BASE, Some(33.3333));
    assert_figures(&team.plan, TEAM_PLAN, Some(100.0));
    let d = &team.delta;
    close(d.travel_min, -30.0);
    close(d.distance_km, -4.828);
    close(d.distance_miles, -3.0);
    close(d.cost_gbp, -1.57);
    close(d.co2_kg, -0.8208);
    close(d.wait_min, 20.0);
    close(d.free_min, 10.0);
    close(d.late_visits, -2.0);
    close(d.late_min, -15.0);
    close(d.outside_window_visits, -1.0);
    close_opt(d.preferred_share_pct, Some(66.6667));
    let pct = &team.delta_pct;
    close_opt(pct.travel_min, Some(-27.2727));
    close_opt(pct.distance_miles, Some(-27.2727));
    close_opt(pct.cost_gbp, Some(-27.4476));
    close_opt(pct.co2_kg, Some(-27.2727));
    close_opt(pct.free_min, Some(4.7619));
    close_opt(pct.late_visits, Some(-100.0));
    close_opt(pct.preferred_met, Some(200.0));
    close_opt(pct.contact_min, Some(0.0));
    // Organisations: one staff member each, in order of first appearance.
    let orgs: Vec<&str> = p.organisations.iter().map(|g| g.organisation.as_str()).collect();
    assert_eq!(orgs, ["NHS", "Council"]);
    assert_eq!(p.organisations[0].figures, p.staff[0].figures);
    assert_eq!(p.organisations[1].figures, p.staff[1].figures);
    // The checker: the plan is feasible; the baseline starts v3 outside its window.
    assert_eq!(p.checker.violations, 0, "{:?}", p.checker);
    assert_eq!(r.baseline.checker.violations, 1);
    assert_eq!(r.baseline.checker.by_rule.get("time_window"), Some(&1));
    assert_eq!(r.baseline.visits_booked, 5);
    assert!(r.baseline.not_booked.is_empty());
    assert_eq!(
        (p.visits_not_made.baseline, p.visits_not_made.plan, p.unassigned),
        (0, 0, 0)
    );
}

#[test]
fn hand_computed_extrapolation() {
    let r = small_report();
    let x = &r.plans[0].extrapolation;
    assert_eq!((x.days_per_week, x.days_per_year), (5.0, 230.0));
    assert!(x.note.contains("Extrapolation, not a measurement"));
    let d = &x.per_day;
    close(d.travel_min, 30.0);
    close(d.travel_hours, 0.5);
    close(d.distance_miles, 3.0);
    close(d.cost_gbp, 1.57);
    close(d.co2_kg, 0.8208);
    close(d.free_min, 10.0);
    let w = &x.per_week;
    close(w.travel_min, 150.0);
    close(w.distance_miles, 15.0);
    close(w.cost_gbp, 7.85);
    close(w.free_min, 50.0);
    let y = &x.per_year;
    close(y.travel_min, 6900.0);
    close(y.travel_hours, 115.0);
    close(y.distance_miles, 690.0);
    close(y.distance_km, 1110.44);
    close(y.cost_gbp, 361.1);
    close(y.co2_kg, 188.784);
    close(y.free_min, 2300.0);
    close(y.free_hours, 38.3333);
}

#[test]
fn assumptions_name_rates_and_sources() {
    let r = small_report();
    let a = &r.assumptions;
    assert_eq!(a.travel.mode, "matrix");
    assert_eq!(a.travel.matrix_places, Some(6));
    let rates: Vec<(&str, f64, &str)> = a
        .mileage_rates
        .iter()
        .map(|m| (m.organisation.as_str(), m.gbp_per_mile, m.source.as_str()))
        .collect();
    assert_eq!(rates, [("NHS", 0.56, "set"), ("Council", 0.45, "default")]);
    assert!(a
        .default_rate_source
        .contains("HMRC: Approved mileage allowance payments (AMAP)"));
    assert_eq!(a.co2_kg_per_km, 0.17);
    assert!(a
        .co2_source
        .contains("GHG Conversion Factors for Company Reporting 2023"));
    assert!(a.co2_source.contains("average car, unknown fuel"));
    assert_eq!(a.km_per_mile, MILE);
}

#[test]
fn timed_baseline_matches_the_hand_timing_and_the_checker() {
    let (problem, _) = small();
    let travel = Arc::new(TravelMatrix::computed(&problem).unwrap());
    let plan = baseline_plan(&problem, travel.clone()).unwrap();
    let ann = &plan.routes[0];
    let clocks: Vec<String> = serde_json::to_value(&ann.steps)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let t = s.get("start").or(s.get("time")).or(s.get("arrival")).unwrap();
            t.as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(
        clocks,
        ["08:50:00", "09:00:00", "09:50:00", "10:30:00", "11:10:00"]
    );
    let bob = serde_json::to_value(&plan.routes[1].steps).unwrap();
    assert_eq!(bob[3]["type"], "break");
    assert_eq!(bob[3]["start"], "09:50:00");
    assert_eq!(plan.summary.lateness_min, 15.0);
    assert_eq!(plan.summary.objective, 110.0 + 15.0 + 5.0 * 2.0);
    let rules: Vec<_> = check(
        &problem,
        &carerounds::travel::sources::build(&problem).expect("travel"),
        &plan,
    )
    .into_iter()
    .map(|v| v.rule.name())
    .collect();
    assert_eq!(rules, ["time_window"]);
}

fn tiny(extra_visits: &str, baseline: &str) -> Problem {
    parse_problem(&format!(
        r#"{{
        "travel": {{"mode": "matrix",
            "durations_min": [[0, 10, 30], [10, 0, 20], [30, 20, 0]],
            "distances_km": [[0, 5, 15], [5, 0, 10], [15, 10, 0]]}},
        "locations": [{{"id": "x"}}, {{"id": "y"}}, {{"id": "z"}}],
        "staff": [
            {{"id": "ann", "organisation": "NHS", "shift": {{"start": "08:00", "end": "12:00"}},
              "start_location": "x"}},
            {{"id": "bob", "organisation": "NHS", "shift": {{"start": "08:00", "end": "12:00"}},
              "start_location": "z"}},
            {{"id": "cat", "organisation": "NHS", "shift": {{"start": "08:00", "end": "12:00"}},
              "start_location": "x",
              "breaks": [{{"earliest": "10:00", "latest": "11:00", "duration_min": 30}}]}}],
        "visits": [
            {{"id": "pair", "location": "y", "duration_min": 30, "staff_count": 2}},
            {{"id": "later", "location": "x", "duration_min": 10,
              "after": [{{"visit": "pair", "min_gap_min": 60}}]}}{extra_visits}],
        "baseline": {{"routes": [{baseline}]}}
    }}"#
    ))
    .unwrap()
}

#[test]
fn baseline_starts_double_handed_visits_together_and_keeps_gaps() {
    let problem = tiny(
        "",
        r#"{"staff": "ann", "visits": ["pair", "later"]}, {"staff": "bob", "visits": ["pair"]}"#,
    );
    let plan = baseline_plan(&problem, TravelMatrix::computed(&problem).unwrap()).unwrap();
    let starts = |r: usize| -> Vec<String> {
        serde_json::to_value(&plan.routes[r].steps)
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["type"] == "visit")
            .map(|s| s["start"].as_str().unwrap().to_string())
            .collect()
    };
    // bob is 20 minutes away, ann 10: both start at 08:20; `later` waits for the 60 minute gap.
    assert_eq!(starts(0), ["08:20:00", "09:20:00"]);
    assert_eq!(starts(1), ["08:20:00"]);
    // cat has no booked visits: start and end only, notional break, whole shift free.
    assert_eq!(plan.routes[2].steps.len(), 2);
    assert_eq!(plan.routes[2].free_min, 240.0 - 30.0);
    assert!(
        check(
            &problem,
            &carerounds::travel::sources::build(&problem).expect("travel"),
            &plan
        )
        .is_empty(),
        "{:?}",
        check(
            &problem,
            &carerounds::travel::sources::build(&problem).expect("travel"),
            &plan
        )
    );
}

#[test]
fn baseline_lists_visits_not_booked_and_takes_breaks_at_the_first_gap() {
    let problem = tiny(
        r#", {"id": "solo", "location": "y", "duration_min": 60, "time_windows": [["09:30", "11:00"]]},
           {"id": "spare", "location": "z", "duration_min": 10}"#,
        r#"{"staff": "ann", "visits": ["pair", "later"]}, {"staff": "bob", "visits": ["pair"]},
           {"staff": "cat", "visits": ["solo"]}"#,
    );
    let plan = baseline_plan(&problem, TravelMatrix::computed(&problem).unwrap()).unwrap();
    assert_eq!(plan.unassigned.len(), 1);
    assert_eq!(plan.unassigned[0].visit, "spare");
    assert_eq!(plan.unassigned[0].reason, NOT_BOOKED);
    // cat leaves at 09:20 for solo 09:30-10:30; her break (earliest 10:00) comes right after.
    let cat = serde_json::to_value(&plan.routes[2].steps).unwrap();
    assert_eq!(cat[0]["time"], "09:20:00");
    assert_eq!(cat[2]["type"], "break");
    assert_eq!(cat[2]["start"], "10:30:00");
    assert_eq!(cat[3]["arrival"], "11:10:00");
    let r = Report::new(
        &problem,
        TravelMatrix::computed(&problem).unwrap(),
        &[("same".into(), plan.clone())],
        &Assumptions::default(),
    )
    .unwrap();
    assert_eq!(r.baseline.not_booked, ["spare"]);
    assert_eq!(r.plans[0].visits_not_made.baseline, 1);
    // A plan identical to the baseline changes nothing.
    assert_eq!(r.plans[0].team.delta, Figures::default());
}

#[test]
fn json_has_the_documented_keys() {
    let r = small_report();
    let v: serde_json::Value = serde_json::from_str(&render(&r, Format::Json)).unwrap();
    for key in [
        "travel",
        "mileage_rates",
        "co2_kg_per_km",
        "co2_source",
        "days_per_year",
        "baseline_timing",
    ] {
        assert!(v["assumptions"].get(key).is_some(), "assumptions.{key}");
    }
    let p = &v["plans"][0];
    assert_eq!(p["name"], "optimised");
    for side in ["baseline", "plan", "delta", "delta_pct"] {
        for key in [
            "travel_min",
            "distance_km",
            "distance_miles",
            "free_min",
            "cost_gbp",
            "co2_kg",
        ] {
            assert!(p["team"][side].get(key).is_some(), "team.{side}.{key}");
        }
    }
    assert_eq!(p["team"]["baseline"]["cost_gbp"], 5.72);
    assert_eq!(p["team"]["plan"]["travel_min"], 80.0);
    assert_eq!(p["team"]["delta"]["travel_min"], -30.0);
    assert_eq!(p["organisations"][0]["organisation"], "NHS");
    assert!(p["organisations"][0]["baseline"]["travel_min"].is_number());
    assert_eq!(p["staff"][1]["staff"], "bob");
    assert_eq!(p["staff"][1]["plan"]["wait_min"], 20.0);
    assert_eq!(p["checker"]["violations"], 0);
    assert_eq!(p["extrapolation"]["per_year"]["cost_gbp"], 361.1);
    assert_eq!(v["baseline"]["checker"]["by_rule"]["time_window"], 1);
}

#[test]
fn csv_parses_back_one_row_per_staff_per_plan() {
    let (problem, plan) = small();
    let plans = vec![
        ("optimised".to_string(), plan.clone()),
        ("again, with a comma".to_string(), plan),
    ];
    let r = Report::new(
        &problem,
        carerounds::travel::sources::build(&problem).expect("travel"),
        &plans,
        &nhs_rate(),
    )
    .unwrap();
    let text = render(&r, Format::Csv);
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    let head = rd.headers().unwrap().clone();
    assert_eq!(&head[0], "plan");
    assert_eq!(&head[1], "staff");
    assert_eq!(&head[2], "organisation");
    // The figures, then the hourly rate and the value of driving time saved (issue 16).
    assert_eq!(head.len(), 3 + 3 * Figures::FIELDS.len() + 2);
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), problem.staff.len() * plans.len());
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    assert_eq!(&rows[2][0], "again, with a comma");
    assert_eq!(&rows[0][1], "ann");
    assert_eq!(rows[0][col("baseline_cost_gbp")].parse::<f64>().unwrap(), 3.92);
    assert_eq!(rows[1][col("plan_wait_min")].parse::<f64>().unwrap(), 20.0);
    assert_eq!(rows[1][col("delta_travel_min")].parse::<f64>().unwrap(), -10.0);
    assert_eq!(
        rows[0][col("baseline_preferred_share_pct")]
            .parse::<f64>()
            .unwrap(),
        0.0
    );
}

#[test]
fn text_shows_headline_tables_and_assumptions() {
    let text = render(&small_report(), Format::Text);
    assert!(
        text.contains("saves 30 min of travel (-27.3%), 3.0 miles, £1.57 of mileage"),
        "{text}"
    );
    assert!(text.contains("Free office time, min"));
    assert!(text.contains("Organisation: Council"));
    assert!(text.contains("a year (x230)"));
    assert!(text.contains("Extrapolation, not a measurement"));
    assert!(text.contains("Assumptions"));
    assert!(text.contains("Mileage rate, NHS: £0.56/mile (set)"));
    assert!(text.contains("HMRC"));
    assert!(text.contains("time_window 1"));
}

#[test]
fn html_is_self_contained_with_the_figures() {
    let html = render(&small_report(), Format::Html);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no network resources"
    );
    for want in [
        "£5.72",
        "£4.15",
        "-£1.57",
        "-27.3%",
        "£361.10",
        "<svg class=\"gantt\"",
        "As booked",
        "Assumptions",
    ] {
        assert!(html.contains(want), "missing {want}");
    }
    // A matrix-only problem has no coordinates: no maps, a note instead, no OS attribution.
    assert!(html.contains("Route maps are not drawn"));
    assert!(!html.contains("<svg class=\"map\""));
    assert!(!html.contains("Ordnance Survey"));
}

#[test]
fn html_draws_maps_from_hand_made_coordinates_without_postcode_credits() {
    let problem = parse_problem(
        r#"{
        "locations": [{"id": "base", "lat": 52.67, "lon": -0.73}],
        "staff": [{"id": "ann", "organisation": "NHS", "shift": {"start": "08:00", "end": "16:00"},
                   "start_location": "base"}],
        "visits": [{"id": "v1", "location": {"lat": 52.66, "lon": -0.70}, "duration_min": 30},
                   {"id": "v2", "location": {"lat": 52.69, "lon": -0.75}, "duration_min": 30}],
        "baseline": {"routes": [{"staff": "ann", "visits": ["v1", "v2"]}]}
    }"#,
    )
    .unwrap();
    let plan = baseline_plan(&problem, TravelMatrix::computed(&problem).unwrap()).unwrap();
    let r = Report::new(
        &problem,
        carerounds::travel::sources::build(&problem).expect("travel"),
        &[("same".into(), plan)],
        &Assumptions::default(),
    )
    .unwrap();
    let html = render(&r, Format::Html);
    assert_eq!(html.matches("<svg class=\"map\"").count(), 2);
    assert!(html.contains("<polyline"));
    // Hand-made coordinates: no OS Code-Point Open credit (tests/suite/report_tradeoffs.rs).
    assert!(!html.contains("Ordnance Survey"));
    assert!(!html.contains("http://") && !html.contains("https://"));
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_carerounds"))
}

#[test]
fn cli_writes_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let (problem, plan) = (
        format!("{DIR}/report_problem.json"),
        format!("{DIR}/report_plan.json"),
    );
    for (format, check) in [
        ("text", "Travel savings and workload"),
        ("json", "\"assumptions\""),
        ("csv", "plan,staff,organisation"),
        ("html", "<!DOCTYPE html>"),
    ] {
        let out = dir.path().join(format!("r.{format}"));
        let st = bin()
            .args([
                "report", &problem, "--plan", &plan, "--name", "best", "--rate", "NHS=0.56",
            ])
            .args(["--format", format, "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.contains(check), "{format}");
    }
    let json = bin()
        .args([
            "report",
            &problem,
            "--plan",
            &plan,
            "--format",
            "json",
            "--co2-per-km",
            "0.2",
        ])
        .args(["--days-per-year", "200"])
        .output()
        .unwrap();
    assert!(json.status.success());
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["plans"][0]["name"], "report_plan", "named by file stem");
    assert_eq!(v["assumptions"]["co2_kg_per_km"], 0.2);
    assert_eq!(v["assumptions"]["co2_source"], "set by the user");
    assert_eq!(v["plans"][0]["extrapolation"]["per_year"]["travel_min"], 6000.0);
    assert_eq!(v["plans"][0]["team"]["baseline"]["cost_gbp"], 11.0 * 0.45);
}

#[test]
fn cli_rejects_plans_for_other_staff_with_the_field_path() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    let text = fixture("report_plan.json").replacen("\"bob\"", "\"zoe\"", 1);
    std::fs::write(&bad, text).unwrap();
    let problem = format!("{DIR}/report_problem.json");
    let out = bin()
        .args(["report", &problem, "--plan"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.json: routes[1].staff: staff 'zoe' is not in the problem"),
        "{err}"
    );
    // No baseline, an unknown organisation, a malformed rate: exit 2 too.
    let nobase = dir.path().join("nobase.json");
    let mut p: serde_json::Value = serde_json::from_str(&fixture("report_problem.json")).unwrap();
    p.as_object_mut().unwrap().remove("baseline");
    std::fs::write(&nobase, p.to_string()).unwrap();
    let plan = format!("{DIR}/report_plan.json");
    let out = bin()
        .arg("report")
        .arg(&nobase)
        .args(["--plan", &plan])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("baseline: the problem has no baseline"));
    for (args, says) in [
        (
            ["--rate", "NHSS=0.5"],
            "--rate NHSS=: no staff member works for 'NHSS'",
        ),
        (["--rate", "NHS"], "is not ORG=GBP_PER_MILE"),
        (["--co2-per-km", "x"], "is not a number >= 0"),
        (["--co2-per-km", "9"], "--co2-per-km: 9 is not between 0 and 2"),
        (
            ["--days-per-year", "1e308"],
            "--days-per-year: 1e308 is not between 1 and 366",
        ),
        (
            ["--days-per-year", "400"],
            "--days-per-year: 400 is not between 1 and 366",
        ),
        (
            ["--days-per-week", "9"],
            "--days-per-week: 9 is not between 1 and 7",
        ),
        (["--rate", "NHS=45"], "--rate NHS=: 45 is not between 0 and 5"),
    ] {
        let out = bin()
            .args(["report", &problem, "--plan", &plan])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!err.contains("£inf") && err.len() < 400, "{err}");
    }
}

#[test]
fn sample_day_report_shows_a_travel_saving() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample-day.json");
    let problem = parse_problem(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(problem.baseline.is_some(), "the sample day has a booked baseline");
    let plan = carerounds::solve::Solver::new(
        &problem,
        carerounds::travel::sources::build(&problem).expect("travel"),
    )
    .time_limit(std::time::Duration::from_secs(2))
    .threads(1)
    .run()
    .plan;
    let r = Report::new(
        &problem,
        carerounds::travel::sources::build(&problem).expect("travel"),
        &[("optimised".into(), plan)],
        &Assumptions::default(),
    )
    .unwrap();
    let p = &r.plans[0];
    assert_eq!(p.checker.violations, 0, "{:?}", p.checker);
    assert_eq!(p.staff.len(), problem.staff.len());
    assert!(p.organisations.len() >= 2, "NHS and the council");
    assert!(p.team.delta.travel_min < 0.0, "travel saving: {:?}", p.team);
    assert!(p.extrapolation.per_day.distance_miles > 0.0);
    assert!(p.extrapolation.per_year.cost_gbp > 0.0);
    for format in [Format::Text, Format::Json, Format::Csv, Format::Html] {
        assert!(!render(&r, format).is_empty());
    }
    let html = render(&r, Format::Html);
    assert!(!html.contains("http://") && !html.contains("https://"));
    assert_eq!(
        html.matches("<svg class=\"map\"").count(),
        2 * problem.staff.len()
    );
    // The sample day's points are bare lat/lon without `postcode`: the credits for
    // Code-Point Open and GeoNames come from its `sources` (extension), each once.
    assert_eq!(html.matches("Place names: GeoNames").count(), 1);
    assert_eq!(html.matches("Contains Royal Mail data").count(), 1);
    assert!(html.contains("no map tiles"));
}

#[test]
fn csv_cells_that_look_like_formulas_are_neutralised() {
    let mut p: serde_json::Value = serde_json::from_str(&fixture("report_problem.json")).unwrap();
    for s in p["staff"].as_array_mut().unwrap() {
        s["organisation"] = serde_json::json!("=HYPERLINK(\"http://evil\",\"x\")");
    }
    let problem = carerounds::model::validate(&serde_json::from_value(p).unwrap()).unwrap();
    let plan: carerounds::model::Plan = serde_json::from_str(&fixture("report_plan.json")).unwrap();
    let r = Report::new(
        &problem,
        carerounds::travel::sources::build(&problem).expect("travel"),
        &[("@plan".into(), plan)],
        &Assumptions::default(),
    )
    .unwrap();
    let csv = carerounds::report::render(&r, carerounds::report::Format::Csv);
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let mut n = 0;
    for row in rows.records() {
        let row = row.unwrap();
        assert!(row[0].starts_with("'@"), "{row:?}");
        assert!(row[2].starts_with("'="), "{row:?}");
        n += 1;
    }
    assert!(n > 0);
}

#[tokio::test]
async fn http_report_refuses_a_rate_for_an_organisation_not_in_the_problem() {
    use tower::ServiceExt;
    let dir = tempfile::tempdir().unwrap();
    let state = carerounds::api::AppState::open(carerounds::api::Config::default(), dir.path()).unwrap();
    let app = carerounds::api::app(state);
    let problem: serde_json::Value = serde_json::from_str(&fixture("report_problem.json")).unwrap();
    let plan: serde_json::Value = serde_json::from_str(&fixture("report_plan.json")).unwrap();
    for (extra, path, says) in [
        (
            serde_json::json!({"gbp_per_mile": {"Hospital": 0.5}}),
            "gbp_per_mile.Hospital",
            "no staff member works for 'Hospital'",
        ),
        (
            serde_json::json!({"days_per_year": 1e308}),
            "days_per_year",
            "not between 1 and 366",
        ),
    ] {
        let mut body = serde_json::json!({"problem": problem, "plans": [{"name": "p", "plan": plan}]});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let req = axum::http::Request::post("/v1/reports")
            .header("content-type", "application/json")
            .body(axum::body::Body::from(body.to_string()))
            .unwrap();
        let resp = app.clone().oneshot(req).await.unwrap();
        assert_eq!(resp.status(), axum::http::StatusCode::UNPROCESSABLE_ENTITY);
        let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap();
        let e: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(e["error"]["path"], path, "{e}");
        assert!(e["error"]["message"].as_str().unwrap().contains(says), "{e}");
    }
}

/// Issue 13: a visit ready at 10:45 with windows 09:00–10:00 and 10:30–11:00 and 60 min of
/// lateness allowed starts on time in the second window. The baseline used to measure it
/// 45 min late against the first, and the checker then found the plan's own figures wrong.
#[test]
fn baseline_start_in_a_later_window_is_on_time_and_passes_the_checker() {
    let problem = parse_problem(
        r#"{
        "travel": {"mode": "matrix", "durations_min": [[0]], "distances_km": [[0]]},
        "locations": [{"id": "x"}],
        "staff": [{"id": "ann", "organisation": "NHS", "shift": {"start": "10:45", "end": "14:00"},
                   "start_location": "x"}],
        "visits": [{"id": "v", "location": "x", "duration_min": 30, "max_lateness_min": 60,
                    "time_windows": [["09:00", "10:00"], ["10:30", "11:00"]]}],
        "baseline": {"routes": [{"staff": "ann", "visits": ["v"]}]}
    }"#,
    )
    .unwrap();
    let travel = Arc::new(TravelMatrix::computed(&problem).unwrap());
    let plan = baseline_plan(&problem, travel.clone()).unwrap();
    let steps = serde_json::to_value(&plan.routes[0].steps).unwrap();
    assert_eq!(steps[1]["start"], "10:45:00");
    assert_eq!(steps[1]["late_min"], 0.0);
    assert_eq!(plan.summary.lateness_min, 0.0);
    assert!(
        check(&problem, &travel, &plan).is_empty(),
        "{:?}",
        check(&problem, &travel, &plan)
    );
    let r = Report::new(
        &problem,
        travel,
        &[("same".into(), plan)],
        &Assumptions::default(),
    )
    .unwrap();
    assert_eq!(r.baseline.checker.violations, 0, "{:?}", r.baseline.checker);
}
