//! Booking slots: every option is feasible when booked (the independent checker says so),
//! options are ranked, and bad queries name the field.

use crate::day;

use carerounds::check::check;
use carerounds::model::input::{ProblemInput, VisitInput};
use carerounds::model::{validate, Plan};
use carerounds::slots::{BookError, Day};
use carerounds::solve::Solver;
use carerounds::travel::TravelMatrix;
use serde_json::json;
use std::time::Duration;

fn planned(visits: usize, staff: usize, seed: u64) -> (ProblemInput, Plan) {
    let input: ProblemInput = serde_json::from_value(day::day(visits, staff, seed)).expect("problem");
    let problem = validate(&input).expect("valid");
    // Deterministic: the same plan however busy the machine is.
    let plan = Solver::new(
        &problem,
        carerounds::travel::sources::build(&problem).expect("travel"),
    )
    .time_limit(Duration::from_millis(300))
    .deterministic(true)
    .threads(1)
    .run()
    .plan;
    assert!(
        check(
            &problem,
            &carerounds::travel::sources::build(&problem).expect("travel"),
            &plan
        )
        .is_empty(),
        "the solver's plan fails the checker"
    );
    (input, plan)
}

fn visit(v: serde_json::Value) -> VisitInput {
    serde_json::from_value(v).expect("visit")
}

fn assert_feasible_booked(
    input: &ProblemInput,
    day: &Day,
    v: &VisitInput,
    o: &carerounds::slots::SlotOption,
) {
    let plan = day.book(v, o).expect("books");
    let mut ext = input.clone();
    ext.visits.push(v.clone());
    let problem = validate(&ext).expect("valid with the visit");
    let violations = check(
        &problem,
        &carerounds::travel::sources::build(&problem).expect("travel"),
        &plan,
    );
    assert!(
        violations.is_empty(),
        "option {o:?} fails the checker: {}",
        violations[0]
    );
    // The new visit is served by the named staff at the named start.
    for r in &plan.routes {
        let served = r.steps.iter().any(|s| {
            matches!(s, carerounds::model::Step::Visit { visit, start, .. }
            if *visit == v.id && (start.0 - o.start.0).abs() < 0.02)
        });
        assert_eq!(served, o.staff.contains(&r.staff), "staff {}", r.staff);
    }
}

#[test]
fn options_on_a_planned_day_are_feasible_and_ranked() {
    let (input, plan) = planned(80, 14, 7);
    let day = Day::new(&input, &plan).expect("day");
    assert!(day.skipped().is_empty(), "{:?}", day.skipped());
    let mut answered = 0;
    for k in 0..8 {
        let v = visit(day::new_visit(k));
        let slots = day.slots(&v, 5).expect("slots");
        // A tight day may have no room: then there is a reason.
        if slots.options.is_empty() {
            assert!(slots.reason.is_some());
            continue;
        }
        answered += 1;
        assert!(slots.options.len() <= 5);
        for w in slots.options.windows(2) {
            assert!(w[0].added_cost <= w[1].added_cost + 1e-9);
        }
        for o in &slots.options {
            assert_eq!(o.staff.len(), 1);
            assert!(o.start.0 >= 9.0 * 60.0 - 1e-6 && o.start.0 <= 15.0 * 60.0 + 1e-6);
            assert!(o.added_travel_min >= -1e-6 || o.shifted_visits > 0 || o.added_travel_min > -1e-3);
            assert_feasible_booked(&input, &day, &v, o);
        }
    }
    assert!(answered >= 4, "only {answered} of 8 visits found an option");
}

#[test]
fn double_handed_options_pair_two_staff_at_one_start() {
    let (input, plan) = planned(60, 10, 3);
    let day = Day::new(&input, &plan).expect("day");
    let mut v = day::new_visit(11);
    v["staff_count"] = json!(2);
    let v = visit(v);
    let slots = day.slots(&v, 4).expect("slots");
    assert!(!slots.options.is_empty(), "no option: {:?}", slots.reason);
    for o in &slots.options {
        assert_eq!(o.staff.len(), 2);
        assert_ne!(o.staff[0], o.staff[1]);
        assert_feasible_booked(&input, &day, &v, o);
    }
}

#[test]
fn a_visit_at_a_known_place_and_gaps_are_honoured() {
    let (input, plan) = planned(60, 10, 5);
    let day = Day::new(&input, &plan).expect("day");
    // At a named location (reuses the matrix), tied by a gap to a booked visit.
    let first = plan
        .routes
        .iter()
        .flat_map(|r| r.steps.iter())
        .find_map(|s| match s {
            carerounds::model::Step::Visit { visit, start, .. } => Some((visit.clone(), start.0)),
            _ => None,
        })
        .expect("a booked visit");
    let v = visit(json!({
        "id": "later", "location": "base_a", "duration_min": 20, "skills": ["personal_care"],
        "after": [{"visit": first.0, "min_gap_min": 120}]
    }));
    let slots = day.slots(&v, 5).expect("slots");
    assert!(!slots.options.is_empty(), "no option: {:?}", slots.reason);
    for o in &slots.options {
        assert!(o.start.0 >= first.1 + 120.0 - 0.02, "{o:?}");
        assert_feasible_booked(&input, &day, &v, o);
    }
}

#[test]
fn nobody_qualified_gives_a_reason_not_an_error() {
    let (input, plan) = planned(30, 6, 2);
    let day = Day::new(&input, &plan).expect("day");
    let mut v = day::new_visit(1);
    v["skills"] = json!(["dialysis"]);
    let slots = day.slots(&visit(v), 5).expect("slots");
    assert!(slots.options.is_empty());
    // The same words as an unassigned visit's reason in a plan (the eligibility rule's).
    assert_eq!(
        slots.reason.as_deref(),
        Some("no staff member holds skill 'dialysis'")
    );
}

#[test]
fn bad_queries_name_the_field() {
    let (input, plan) = planned(30, 6, 2);
    let day = Day::new(&input, &plan).expect("day");
    let mut v = day::new_visit(1);
    v["time_windows"] = json!([["10:00", "09:00"]]);
    match day.slots(&visit(v), 5) {
        Err(BookError::Visit(e)) => assert_eq!(e.path.as_str(), "time_windows[0]"),
        other => panic!("expected a visit error, got {other:?}"),
    }
    let mut v = day::new_visit(1);
    v["id"] = json!("v0003");
    match day.slots(&visit(v), 5) {
        Err(BookError::Visit(e)) => assert_eq!(e.path.as_str(), "id"),
        other => panic!("expected a visit error, got {other:?}"),
    }
    assert!(matches!(
        day.slots(&visit(day::new_visit(1)), 0),
        Err(BookError::K(0))
    ));
    let mut wrong = plan.clone();
    wrong.routes[0].staff = "nobody".into();
    match Day::new(&input, &wrong) {
        Err(BookError::Plan(e)) => assert_eq!(e.path.as_str(), "routes[0].staff"),
        other => panic!("expected a plan error, got {other:?}"),
    }
}

#[test]
fn the_extended_matrix_equals_a_full_build() {
    // The matrix is extended by one row and column for a new inline point; booking a slot
    // and checking the plan against a full rebuild proves they agree, but test it directly.
    let (mut input, _) = planned(40, 6, 9);
    input.visits.push(visit(day::new_visit(4)));
    let p = validate(&input).expect("valid");
    let full = TravelMatrix::computed(&p).unwrap();
    let n = full.len();
    // The last place is the new visit's point.
    assert_eq!(p.visits.last().map(|v| v.place), Some(n - 1));
    let (_, plan) = planned(40, 6, 9);
    let mut base = input.clone();
    base.visits.pop();
    let day = Day::new(&base, &plan).expect("day");
    let v = visit(day::new_visit(4));
    let slots = day.slots(&v, 3).expect("slots");
    for o in &slots.options {
        let booked = day.book(&v, o).expect("books");
        assert!(check(
            &p,
            &carerounds::travel::sources::build(&p).expect("travel"),
            &booked
        )
        .is_empty());
    }
}
