//! What re-planning writes into a problem: `visits[k].actual` (a visit that has started
//! is history, kept at its staff and start whatever its windows and the travel model
//! say) and `visits[k].planned_staff` with `objective.moved_visit` (moving a visit to
//! someone new costs). The solver keeps both, the checker holds plans to them, and
//! validation names the field when they are wrong.

use carerounds::check::check;
use carerounds::model::{parse_problem, Plan, Problem, Step};
use carerounds::solve::Solver;
use carerounds::travel::TravelMatrix;
use serde_json::{json, Value};

/// Ann starts at base, next to both clients; Bob's base is 60 minutes away. `v1` is at
/// client 1 (09:00–09:30), `v2` at client 2, 30 minutes' drive from client 1.
fn doc(v1: Value, v2: Value) -> Value {
    let mut visits = vec![
        json!({"id": "v1", "location": "c1", "duration_min": 30, "time_windows": [["09:00", "09:30"]]}),
        json!({"id": "v2", "location": "c2", "duration_min": 30}),
    ];
    merge(&mut visits[0], v1);
    merge(&mut visits[1], v2);
    json!({
        "travel": {"mode": "matrix",
            "durations_min": [[0, 5, 5, 60], [5, 0, 30, 60], [5, 30, 0, 60], [60, 60, 60, 0]],
            "distances_km": [[0, 2, 2, 40], [2, 0, 15, 40], [2, 15, 0, 40], [40, 40, 40, 0]]},
        "locations": [{"id": "base"}, {"id": "c1"}, {"id": "c2"}, {"id": "far"}],
        "staff": [
            {"id": "ann", "shift": {"start": "08:00", "end": "16:00"}, "start_location": "base"},
            {"id": "bob", "shift": {"start": "08:00", "end": "16:00"}, "start_location": "far"}
        ],
        "visits": visits,
        "options": {"time_limit_s": 1, "seed": 1, "threads": 1}
    })
}

fn merge(into: &mut Value, extra: Value) {
    if let Value::Object(m) = extra {
        for (k, v) in m {
            into[k] = v;
        }
    }
}

fn problem(d: &Value) -> Problem {
    parse_problem(&d.to_string()).unwrap()
}

fn solve(p: &Problem) -> Plan {
    Solver::new(p, TravelMatrix::computed(p).unwrap())
        .work_budget(200_000)
        .run()
        .plan
}

fn violations(p: &Problem, plan: &Plan) -> Vec<String> {
    check(p, &TravelMatrix::computed(p).unwrap(), plan)
        .iter()
        .map(|v| v.to_string())
        .collect()
}

/// `(staff, start in minutes)` of each visit step for `visit`.
fn served(plan: &Plan, visit: &str) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    for r in &plan.routes {
        for s in &r.steps {
            if let Step::Visit { visit: v, start, .. } = s {
                if v == visit {
                    out.push((r.staff.clone(), start.0));
                }
            }
        }
    }
    out
}

#[test]
fn a_visit_that_started_keeps_its_staff_and_start_outside_its_window() {
    // Bob made v1 at 08:10: before its window and sooner than his 60-minute drive
    // allows. That is what happened, so the plan keeps it and the checker accepts it.
    let p = problem(&doc(
        json!({"actual": {"staff": ["bob"], "start": "08:10"}}),
        json!({}),
    ));
    let plan = solve(&p);
    assert_eq!(served(&plan, "v1"), [("bob".to_string(), 490.0)]);
    assert!(violations(&p, &plan).is_empty(), "{:?}", violations(&p, &plan));
    assert_eq!(plan.summary.lateness_min, 0.0);
}

#[test]
fn the_rest_of_the_round_continues_from_where_history_left_off() {
    // Ann's v1 ran 09:00–10:30 (actual length 90 min): v2 cannot start before 11:00.
    let p = problem(&doc(
        json!({"duration_min": 90, "actual": {"staff": ["ann"], "start": "09:00"}}),
        json!({"pinned_staff": ["ann"], "time_windows": [["10:00", "16:00"]]}),
    ));
    let plan = solve(&p);
    assert_eq!(served(&plan, "v1"), [("ann".to_string(), 540.0)]);
    let v2 = served(&plan, "v2");
    assert_eq!(v2[0].0, "ann");
    assert!(v2[0].1 >= 660.0 - 1e-6, "{v2:?}");
    assert!(violations(&p, &plan).is_empty(), "{:?}", violations(&p, &plan));
}

#[test]
fn the_checker_reports_history_moved_in_time_or_to_other_staff() {
    let free = problem(&doc(json!({}), json!({})));
    let plan = solve(&free);
    let (who, start) = served(&plan, "v1")[0].clone();
    assert_eq!(who, "ann");
    // Told that v1 started at a quarter past, the plan's start is wrong.
    let later = problem(&doc(
        json!({"actual": {"staff": ["ann"], "start": start + 15.0}}),
        json!({}),
    ));
    let found = violations(&later, &plan);
    assert!(found.iter().any(|v| v.contains("actual")), "{found:?}");
    // Told that Bob made it, the plan has the wrong staff.
    let bob = problem(&doc(
        json!({"actual": {"staff": ["bob"], "start": start}}),
        json!({}),
    ));
    let found = violations(&bob, &plan);
    assert!(found.iter().any(|v| v.contains("pinned_staff")), "{found:?}");
}

#[test]
fn a_planned_visit_stays_with_its_staff_unless_moving_saves_more_than_it_costs() {
    // v2 alone: Ann is 5 minutes away, Bob 60, so Bob costs 110 more travel minutes.
    let alone = |planned: Value, weight: f64| {
        let mut d = doc(
            json!({"priority": "optional", "pinned_staff": ["ann"]}),
            json!({"planned_staff": planned}),
        );
        d["objective"] = json!({"moved_visit": weight});
        problem(&d)
    };
    // Planned for Bob, a move to Ann saves 110 minutes against a cost of 30: it moves.
    let p = alone(json!(["bob"]), 30.0);
    assert_eq!(served(&solve(&p), "v2")[0].0, "ann");
    // At a cost of 500 per move it stays with Bob, and the objective counts nothing moved.
    let p = alone(json!(["bob"]), 500.0);
    let plan = solve(&p);
    assert_eq!(served(&plan, "v2")[0].0, "bob");
    assert!(violations(&p, &plan).is_empty(), "{:?}", violations(&p, &plan));
    // The checker recomputes the objective with the move cost: the plan that keeps v2
    // with Bob, read against a problem where it was planned for Ann, costs 500 more.
    let other = alone(json!(["ann"]), 500.0);
    let found = violations(&other, &plan);
    assert!(found.iter().any(|v| v.contains("objective")), "{found:?}");
}

#[test]
fn a_start_within_ten_minutes_of_the_planned_one_costs_nothing() {
    let plain = problem(&doc(json!({}), json!({"pinned_staff": ["ann"]})));
    let plan = solve(&plain);
    let start = served(&plan, "v1")[0].1;
    // Planned 8 minutes later than it starts: within the grace, so the same objective.
    let mut d = doc(
        json!({"planned_start": carerounds::model::time::format_clock(start + 8.0)}),
        json!({"pinned_staff": ["ann"]}),
    );
    d["objective"] = json!({"retimed_min": 2});
    let p = problem(&d);
    let again = solve(&p);
    assert!((again.summary.objective - plan.summary.objective).abs() < 1e-6);
    assert!(violations(&p, &again).is_empty(), "{:?}", violations(&p, &again));
}

fn refused(d: &Value) -> String {
    match parse_problem(&d.to_string()) {
        Ok(_) => panic!("accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn validation_names_the_field_of_a_wrong_history_or_plan() {
    let e = refused(&doc(
        json!({"actual": {"staff": ["zoe"], "start": "09:00"}}),
        json!({}),
    ));
    assert!(
        e.starts_with("visits[0].actual.staff[0]: unknown staff id 'zoe'"),
        "{e}"
    );
    let e = refused(&doc(
        json!({"actual": {"staff": ["ann", "bob"], "start": "09:00"}}),
        json!({}),
    ));
    assert!(e.starts_with("visits[0].actual.staff: "), "{e}");
    let e = refused(&doc(
        json!({"actual": {"staff": ["ann"], "start": "9 o'clock"}}),
        json!({}),
    ));
    assert!(e.starts_with("visits[0].actual.start: "), "{e}");
    let e = refused(&doc(
        json!({"pinned_staff": ["bob"], "actual": {"staff": ["ann"], "start": "09:00"}}),
        json!({}),
    ));
    assert!(e.starts_with("visits[0].pinned_staff: "), "{e}");
    let e = refused(&doc(json!({"planned_start": "ten"}), json!({})));
    assert!(e.starts_with("visits[0].planned_start: "), "{e}");
    let e = refused(&doc(json!({}), json!({"planned_staff": ["zoe"]})));
    assert!(e.starts_with("visits[1].planned_staff[0]: "), "{e}");
    let mut d = doc(json!({}), json!({}));
    d["objective"] = json!({"moved_visit": -1});
    assert!(refused(&d).starts_with("objective.moved_visit: "));
}

#[test]
fn a_start_away_from_the_planned_one_costs_per_minute_and_the_checker_agrees() {
    let plain = problem(&doc(json!({}), json!({"pinned_staff": ["ann"]})));
    let base = solve(&plain).summary.objective;
    // v1 was planned for 10:00; its window closes at 09:30, so it moves at least 30 min.
    let mut d = doc(
        json!({"planned_start": "10:00"}),
        json!({"pinned_staff": ["ann"]}),
    );
    d["objective"] = json!({"retimed_min": 2});
    let p = problem(&d);
    let plan = solve(&p);
    let start = served(&plan, "v1")[0].1;
    assert!(start <= 570.0 + 1e-6);
    // The first 10 minutes away are free (`model::RETIMED_GRACE_MIN`).
    let expected = base + 2.0 * (600.0 - start - carerounds::model::RETIMED_GRACE_MIN);
    assert!(
        (plan.summary.objective - expected).abs() < 0.05,
        "{} vs {expected}",
        plan.summary.objective
    );
    assert!(violations(&p, &plan).is_empty(), "{:?}", violations(&p, &plan));
    // The same plan read against a problem that planned v1 an hour later costs 120 more.
    let mut later = doc(
        json!({"planned_start": "11:00"}),
        json!({"pinned_staff": ["ann"]}),
    );
    later["objective"] = json!({"retimed_min": 2});
    let found = violations(&problem(&later), &plan);
    assert!(found.iter().any(|v| v.contains("objective")), "{found:?}");
}
