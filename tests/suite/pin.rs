//! The pin rule (`visits[k].pinned_staff`), the first rule added as one file in
//! `src/solve/rules/`: the solver keeps a pinned visit with its staff even when someone
//! else is nearer, the checker catches a plan that moves it, and validation refuses pins
//! that no plan could keep.

use carerounds::check::check;
use carerounds::model::{parse_problem, Problem};
use carerounds::solve::Solver;
use carerounds::travel::TravelMatrix;
use serde_json::{json, Value};

/// Ann starts next to both visits, Bob far away; `v1` is pinned as given.
fn doc(pinned: Value, staff_count: u8) -> Value {
    json!({
        "travel": {"mode": "matrix",
            "durations_min": [[0, 5, 60], [5, 0, 60], [60, 60, 0]],
            "distances_km": [[0, 2, 40], [2, 0, 40], [40, 40, 0]]},
        "locations": [{"id": "near"}, {"id": "client"}, {"id": "far"}],
        "staff": [
            {"id": "ann", "shift": {"start": "08:00", "end": "16:00"}, "start_location": "near", "skills": ["nurse"]},
            {"id": "bob", "shift": {"start": "08:00", "end": "16:00"}, "start_location": "far"},
            {"id": "cat", "shift": {"start": "08:00", "end": "16:00"}, "start_location": "far"}
        ],
        "visits": [
            {"id": "v1", "location": "client", "duration_min": 30, "staff_count": staff_count, "pinned_staff": pinned},
            {"id": "v2", "location": "client", "duration_min": 30}
        ],
        "options": {"time_limit_s": 1, "seed": 1, "threads": 1}
    })
}

fn problem(d: &Value) -> Problem {
    parse_problem(&d.to_string()).unwrap()
}

fn solve(p: &Problem) -> carerounds::model::Plan {
    Solver::new(p, TravelMatrix::computed(p).unwrap())
        .work_budget(200_000)
        .run()
        .plan
}

fn checked(p: &Problem, plan: &carerounds::model::Plan) -> Vec<&'static str> {
    check(p, &TravelMatrix::computed(p).unwrap(), plan)
        .iter()
        .map(|v| v.rule.name())
        .collect()
}

fn served_by(plan: &carerounds::model::Plan, visit: &str) -> Vec<String> {
    plan.routes
        .iter()
        .filter(|r| {
            serde_json::to_value(&r.steps)
                .unwrap()
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["visit"] == visit)
        })
        .map(|r| r.staff.clone())
        .collect()
}

#[test]
fn a_pinned_visit_goes_to_its_staff_even_when_another_is_nearer() {
    let p = problem(&doc(json!(["bob"]), 1));
    let plan = solve(&p);
    assert_eq!(served_by(&plan, "v1"), ["bob"]);
    assert!(checked(&p, &plan).is_empty(), "{:?}", checked(&p, &plan));
}

#[test]
fn without_the_pin_the_nearest_staff_member_goes() {
    let p = problem(&doc(json!([]), 1));
    let plan = solve(&p);
    assert_eq!(served_by(&plan, "v1"), ["ann"]);
}

#[test]
fn a_double_handed_visit_pinned_to_two_goes_to_both() {
    let p = problem(&doc(json!(["bob", "cat"]), 2));
    let plan = solve(&p);
    let mut by = served_by(&plan, "v1");
    by.sort();
    assert_eq!(by, ["bob", "cat"]);
    assert!(checked(&p, &plan).is_empty(), "{:?}", checked(&p, &plan));
}

#[test]
fn the_checker_reports_a_pinned_visit_served_by_someone_else() {
    let free = problem(&doc(json!([]), 1));
    let plan = solve(&free);
    assert_eq!(served_by(&plan, "v1"), ["ann"]);
    let pinned = problem(&doc(json!(["bob"]), 1));
    assert_eq!(checked(&pinned, &plan), ["pinned_staff"]);
}

fn refused(d: &Value) -> String {
    match parse_problem(&d.to_string()) {
        Ok(_) => panic!("accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_pin_naming_the_wrong_number_of_staff_is_refused_at_the_field() {
    let e = refused(&doc(json!(["bob", "cat"]), 1));
    assert!(e.starts_with("visits[0].pinned_staff: "), "{e}");
    assert!(e.contains("needs 1"), "{e}");
    let e = refused(&doc(json!(["bob"]), 2));
    assert!(e.contains("needs 2"), "{e}");
}

#[test]
fn a_pin_to_unknown_or_unqualified_staff_is_refused() {
    let e = refused(&doc(json!(["zoe"]), 1));
    assert!(
        e.starts_with("visits[0].pinned_staff[0]: unknown staff id 'zoe'"),
        "{e}"
    );
    let mut d = doc(json!(["bob"]), 1);
    d["visits"][0]["skills"] = json!(["nurse"]);
    let e = refused(&d);
    assert!(e.starts_with("visits[0].pinned_staff: "), "{e}");
    assert!(e.contains("'bob' lacks skill 'nurse'"), "{e}");
    let mut d = doc(json!(["bob"]), 1);
    d["visits"][0]["excluded_staff"] = json!(["bob"]);
    assert!(refused(&d).contains("'bob' is also in excluded_staff"));
}
