//! Home-care rules, one at a time: small hand-made days where a single rule decides the
//! answer, solved through the public API and checked by the independent checker. Then a
//! property test: on random small days with every rule switched on, every plan the solver
//! returns passes the checker.
//!
//! Travel is a matrix over named places on a line (minutes = distance between positions),
//! so every figure below can be worked out by hand.

use carerounds::check::check;
use carerounds::model::{parse_problem, InputErrorKind, Plan, Problem, Step};
use carerounds::solve::Solver;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::time::Duration;

/// Clock times in minutes.
const H8: f64 = 480.0;
const H10: f64 = 600.0;
const H12: f64 = 720.0;
const H14: f64 = 840.0;

/// Places on a line at the given positions; travel minutes = |difference|, km = half that.
pub(crate) fn line(places: &[(&str, f64)]) -> (Value, Value) {
    let locations: Vec<Value> = places.iter().map(|(id, _)| json!({ "id": id })).collect();
    let minutes: Vec<Vec<f64>> = places
        .iter()
        .map(|(_, a)| places.iter().map(|(_, b)| (a - b).abs()).collect())
        .collect();
    let km: Vec<Vec<f64>> = minutes
        .iter()
        .map(|row| row.iter().map(|m| m / 2.0).collect())
        .collect();
    (
        json!(locations),
        json!({"mode": "matrix", "durations_min": minutes, "distances_km": km}),
    )
}

/// A problem on a line of places with these staff and visits (SPEC JSON objects).
fn day(places: &[(&str, f64)], staff: Value, visits: Value) -> Problem {
    let (locations, travel) = line(places);
    let doc = json!({"locations": locations, "travel": travel, "staff": staff, "visits": visits});
    parse_problem(&doc.to_string()).unwrap_or_else(|e| panic!("test problem is invalid: {e}"))
}

/// A staff member working 08:00-17:00 from and to `home`.
fn staff(id: &str, home: &str) -> Value {
    json!({"id": id, "shift": {"start": "08:00", "end": "17:00"}, "start_location": home})
}

fn with(mut v: Value, extra: Value) -> Value {
    if let (Some(obj), Some(add)) = (v.as_object_mut(), extra.as_object()) {
        for (k, x) in add {
            obj.insert(k.clone(), x.clone());
        }
    }
    v
}

/// A 30-minute visit at `place` with these windows (`[]` = any time).
fn visit(id: &str, place: &str, windows: Value) -> Value {
    let mut v = json!({"id": id, "location": place, "duration_min": 30});
    if windows.as_array().is_some_and(|w| !w.is_empty()) {
        v["time_windows"] = windows;
    }
    v
}

/// Solves with one thread and a small fixed budget, and asserts the checker accepts.
fn solve(p: &Problem) -> Plan {
    let solved = Solver::new(p, carerounds::travel::sources::build(p).expect("travel"))
        .threads(1)
        .seed(1)
        .work_budget(2_000_000)
        .time_limit(Duration::from_secs(20))
        .run();
    let violations = check(
        p,
        &carerounds::travel::sources::build(p).expect("travel"),
        &solved.plan,
    );
    assert!(
        violations.is_empty(),
        "the checker rejects the plan: {}",
        violations
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    );
    solved.plan
}

/// `(staff, start, late_min)` of every service of `visit`, sorted by staff.
fn served(plan: &Plan, visit: &str) -> Vec<(String, f64, f64)> {
    let mut out = Vec::new();
    for r in &plan.routes {
        for s in &r.steps {
            if let Step::Visit {
                visit: v,
                start,
                late_min,
                ..
            } = s
            {
                if v == visit {
                    out.push((r.staff.clone(), start.minutes(), *late_min));
                }
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn staff_of(plan: &Plan, visit: &str) -> Vec<String> {
    served(plan, visit).into_iter().map(|(s, _, _)| s).collect()
}

fn start_of(plan: &Plan, visit: &str) -> f64 {
    match served(plan, visit).as_slice() {
        [(_, start, _), ..] => *start,
        [] => panic!("visit {visit} is not served: {:?}", plan.unassigned),
    }
}

fn reason(plan: &Plan, visit: &str) -> Option<String> {
    plan.unassigned
        .iter()
        .find(|u| u.visit == visit)
        .map(|u| u.reason.clone())
}

fn visits_of(plan: &Plan, staff: &str) -> Vec<String> {
    plan.routes
        .iter()
        .filter(|r| r.staff == staff)
        .flat_map(|r| &r.steps)
        .filter_map(|s| match s {
            Step::Visit { visit, .. } => Some(visit.clone()),
            _ => None,
        })
        .collect()
}

const TOL: f64 = 0.05;

#[test]
fn double_handed_visit_goes_at_ten_with_the_two_hoist_trained_staff() {
    let p = day(
        &[("base", 0.0), ("client", 10.0)],
        json!([
            with(staff("ann", "base"), json!({"skills": ["hoist"]})),
            with(staff("bob", "base"), json!({"skills": ["hoist"]})),
            staff("cat", "base"),
        ]),
        json!([with(
            visit("transfer", "client", json!([["10:00", "10:00"]])),
            json!({"staff_count": 2, "skills": ["hoist"]})
        )]),
    );
    let plan = solve(&p);
    let s = served(&plan, "transfer");
    assert_eq!(staff_of(&plan, "transfer"), ["ann", "bob"], "{s:?}");
    assert!(s.iter().all(|(_, start, _)| (start - H10).abs() < TOL), "{s:?}");
}

#[test]
fn double_handed_visit_waits_for_the_later_of_its_two_staff() {
    // bob starts at 10:30, so the pair can only begin once he is there.
    let p = day(
        &[("base", 0.0), ("client", 10.0)],
        json!([
            staff("ann", "base"),
            with(
                staff("bob", "base"),
                json!({"shift": {"start": "10:30", "end": "17:00"}})
            ),
        ]),
        json!([with(
            visit("transfer", "client", json!([["09:00", "12:00"]])),
            json!({"staff_count": 2})
        )]),
    );
    let plan = solve(&p);
    let s = served(&plan, "transfer");
    assert_eq!(s.len(), 2, "{s:?}");
    assert!((s[0].1 - s[1].1).abs() < TOL, "{s:?}");
    assert!(s[0].1 >= 10.0 * 60.0 + 40.0 - TOL, "{s:?}");
}

#[test]
fn after_gap_of_two_hours_separates_the_insulin_doses() {
    // Same client, so without the gap the second dose would follow straight on.
    let p = day(
        &[("base", 0.0), ("client", 10.0)],
        json!([staff("ann", "base")]),
        json!([
            visit("dose1", "client", json!([["08:00", "12:00"]])),
            with(
                visit("dose2", "client", json!([["08:00", "14:00"]])),
                json!({"after": [{"visit": "dose1", "min_gap_min": 120}]})
            ),
        ]),
    );
    let plan = solve(&p);
    let (a, b) = (start_of(&plan, "dose1"), start_of(&plan, "dose2"));
    assert!(b - a >= 120.0 - TOL, "dose1 {a}, dose2 {b}");
}

#[test]
fn after_gap_maximum_keeps_the_second_visit_close() {
    // dose2's window alone would allow 16:00; the max gap of 150 holds it by 08:10 + 150.
    let p = day(
        &[("base", 0.0), ("client", 10.0)],
        json!([staff("ann", "base")]),
        json!([
            visit("dose1", "client", json!([["08:00", "08:30"]])),
            with(
                visit("dose2", "client", json!([["10:00", "16:00"]])),
                json!({"after": [{"visit": "dose1", "min_gap_min": 120, "max_gap_min": 150}]})
            ),
        ]),
    );
    let plan = solve(&p);
    let (a, b) = (start_of(&plan, "dose1"), start_of(&plan, "dose2"));
    assert!(
        (120.0 - TOL..=150.0 + TOL).contains(&(b - a)),
        "dose1 {a}, dose2 {b}"
    );
}

#[test]
fn zero_gap_makes_two_visits_start_together_with_different_staff() {
    let p = day(
        &[("base", 0.0), ("client", 10.0), ("other", 15.0)],
        json!([staff("ann", "base"), staff("bob", "base")]),
        json!([
            visit("wash", "client", json!([["09:00", "11:00"]])),
            with(
                visit("dress", "client", json!([["09:00", "11:00"]])),
                json!({"after": [{"visit": "wash", "min_gap_min": 0, "max_gap_min": 0}]})
            ),
            visit("meds", "other", json!([])),
        ]),
    );
    let plan = solve(&p);
    let (a, b) = (served(&plan, "wash"), served(&plan, "dress"));
    assert_eq!((a.len(), b.len()), (1, 1));
    assert!((a[0].1 - b[0].1).abs() < TOL, "{a:?} {b:?}");
    assert_ne!(a[0].0, b[0].0, "{a:?} {b:?}");
}

#[test]
fn break_window_puts_the_break_between_two_visits() {
    // Visits at 11:00 (until 12:00) and 12:40; the break (30 min from 12:00-12:30) fits only
    // between them.
    let p = day(
        &[("base", 0.0), ("a", 10.0), ("b", 15.0)],
        json!([with(
            staff("ann", "base"),
            json!({"breaks": [{"earliest": "12:00", "latest": "12:30", "duration_min": 30}]})
        )]),
        json!([
            with(
                visit("long", "a", json!([["11:00", "11:00"]])),
                json!({"duration_min": 60})
            ),
            visit("short", "b", json!([["12:40", "12:40"]])),
        ]),
    );
    let plan = solve(&p);
    let steps = &plan.routes[0].steps;
    let kinds: Vec<&str> = steps
        .iter()
        .map(|s| match s {
            Step::Start { .. } => "start",
            Step::Visit { visit, .. } => visit.as_str(),
            Step::Break { .. } => "break",
            Step::Base { .. } => "base",
            Step::End { .. } => "end",
        })
        .collect();
    assert_eq!(kinds, ["start", "long", "break", "short", "end"]);
    let Some(Step::Break { start, end }) = steps.get(2) else {
        unreachable!()
    };
    assert!(start.minutes() >= H12 - TOL && end.minutes() <= 12.0 * 60.0 + 40.0 + TOL);
}

#[test]
fn admin_time_leaves_a_visit_unassigned_with_a_reason_naming_it() {
    // A 4-hour shift with 3 hours of office time leaves 60 minutes: one visit with its
    // travel (10 + 30 + 10) fits, two (10 + 30 + 5 + 30 + 15) do not.
    let p = day(
        &[("office", 0.0), ("a", 10.0), ("b", 15.0)],
        json!([with(
            staff("ann", "office"),
            json!({"shift": {"start": "08:00", "end": "12:00"}, "admin_min": 180})
        )]),
        json!([visit("v1", "a", json!([])), visit("v2", "b", json!([]))]),
    );
    let plan = solve(&p);
    assert_eq!(plan.unassigned.len(), 1, "{:?}", plan.unassigned);
    let text = &plan.unassigned[0].reason;
    assert!(
        text.contains("admin") || text.contains("office"),
        "the reason should name the office time: {text}"
    );
    assert!(plan.routes[0].free_min >= 180.0 - TOL);
}

#[test]
fn admin_time_moves_visits_to_a_colleague() {
    // Without office time ann takes both visits (30 minutes of travel against bob's 60);
    // with 3 hours of it she can take at most one, and bob takes the rest.
    let team = |ann_extra: Value| {
        day(
            &[("office", 0.0), ("a", 10.0), ("b", 15.0), ("far", 40.0)],
            json!([
                with(
                    staff("ann", "office"),
                    with(json!({"shift": {"start": "08:00", "end": "12:00"}}), ann_extra)
                ),
                with(
                    staff("bob", "far"),
                    json!({"shift": {"start": "08:00", "end": "12:00"}})
                ),
            ]),
            json!([visit("v1", "a", json!([])), visit("v2", "b", json!([]))]),
        )
    };
    let plan = solve(&team(json!({})));
    assert_eq!(visits_of(&plan, "ann").len(), 2);
    let plan = solve(&team(json!({"admin_min": 180})));
    assert!(plan.unassigned.is_empty(), "{:?}", plan.unassigned);
    assert!(visits_of(&plan, "ann").len() <= 1);
    assert!(!visits_of(&plan, "bob").is_empty());
    let ann = plan.routes.iter().find(|r| r.staff == "ann").unwrap();
    assert!(ann.free_min >= 180.0 - TOL, "ann's free time {}", ann.free_min);
}

/// ann lives next to the client, bob 20 minutes further away; `ann_extra` and
/// `visit_extra` add one rule each.
fn near_and_far(ann_extra: Value, visit_extra: Value, visits: usize) -> Problem {
    let list: Vec<Value> = (0..visits)
        .map(|k| with(visit(&format!("v{k}"), "client", json!([])), visit_extra.clone()))
        .collect();
    day(
        &[("ann_home", 0.0), ("client", 5.0), ("bob_home", 25.0)],
        json!([
            with(staff("ann", "ann_home"), ann_extra),
            with(staff("bob", "bob_home"), json!({"skills": ["insulin"]}))
        ]),
        json!(list),
    )
}

#[test]
fn max_visits_sends_visits_to_a_colleague() {
    let plan = solve(&near_and_far(json!({}), json!({}), 2));
    assert_eq!(visits_of(&plan, "ann").len(), 2);
    let plan = solve(&near_and_far(json!({"max_visits": 1}), json!({}), 2));
    assert!(plan.unassigned.is_empty(), "{:?}", plan.unassigned);
    assert!(visits_of(&plan, "ann").len() <= 1);
    assert!(!visits_of(&plan, "bob").is_empty());
}

#[test]
fn max_travel_sends_the_visit_to_a_colleague() {
    // ann would travel 5 + 5 = 10 minutes; her limit is 8.
    let p = near_and_far(json!({"max_travel_min": 8}), json!({}), 1);
    let plan = solve(&p);
    assert_eq!(staff_of(&plan, "v0"), ["bob"]);
    // Without the limit ann takes it (10 minutes of travel against bob's 40).
    let plan = solve(&near_and_far(json!({}), json!({}), 1));
    assert_eq!(staff_of(&plan, "v0"), ["ann"]);
}

#[test]
fn skills_send_the_visit_to_the_one_who_holds_them() {
    let p = near_and_far(json!({}), json!({"skills": ["insulin"]}), 1);
    let plan = solve(&p);
    assert_eq!(staff_of(&plan, "v0"), ["bob"]);
}

#[test]
fn excluded_staff_never_go() {
    let p = near_and_far(json!({}), json!({"excluded_staff": ["ann"]}), 1);
    let plan = solve(&p);
    assert_eq!(staff_of(&plan, "v0"), ["bob"]);
}

#[test]
fn preferred_staff_wins_when_it_costs_little_travel() {
    // bob's round is 2 minutes longer than ann's; not sending a preferred carer costs 5.
    let p = day(
        &[("ann_home", 0.0), ("client", 10.0), ("bob_home", 21.0)],
        json!([staff("ann", "ann_home"), staff("bob", "bob_home")]),
        json!([with(
            visit("v", "client", json!([])),
            json!({"preferred_staff": ["bob"]})
        )]),
    );
    let plan = solve(&p);
    assert_eq!(staff_of(&plan, "v"), ["bob"]);
}

#[test]
fn preferred_staff_loses_when_it_costs_a_lot_of_travel() {
    // bob's round would be 60 minutes longer than ann's.
    let p = day(
        &[("ann_home", 0.0), ("client", 10.0), ("bob_home", 50.0)],
        json!([staff("ann", "ann_home"), staff("bob", "bob_home")]),
        json!([with(
            visit("v", "client", json!([])),
            json!({"preferred_staff": ["bob"]})
        )]),
    );
    let plan = solve(&p);
    assert_eq!(staff_of(&plan, "v"), ["ann"]);
}

#[test]
fn second_window_is_used_when_the_first_is_impossible() {
    // ann is with another client from 09:00 to 10:00, so the morning window is lost.
    let p = day(
        &[("base", 0.0), ("other", 10.0), ("client", 20.0)],
        json!([staff("ann", "base")]),
        json!([
            with(
                visit("fixed", "other", json!([["09:00", "09:00"]])),
                json!({"duration_min": 60})
            ),
            visit("v", "client", json!([["09:00", "09:30"], ["14:00", "15:00"]])),
        ]),
    );
    let plan = solve(&p);
    assert!((start_of(&plan, "fixed") - 540.0).abs() < TOL);
    let start = start_of(&plan, "v");
    assert!((H14 - TOL..=15.0 * 60.0 + TOL).contains(&start), "start {start}");
}

#[test]
fn max_lateness_allows_a_late_start_and_reports_it() {
    // The earliest arrival is 09:50; the window closes at 09:30.
    let places = [("base", 0.0), ("client", 50.0)];
    let late_visit = |extra: Value| with(visit("v", "client", json!([["09:00", "09:30"]])), extra);
    let p = day(
        &places,
        json!([with(
            staff("ann", "base"),
            json!({"shift": {"start": "09:00", "end": "17:00"}})
        )]),
        json!([late_visit(json!({"max_lateness_min": 60}))]),
    );
    let plan = solve(&p);
    let s = served(&plan, "v");
    assert_eq!(s.len(), 1, "{:?}", plan.unassigned);
    let (_, start, late) = s[0].clone();
    assert!((9.0 * 60.0 + 50.0 - TOL..=10.0 * 60.0 + 30.0 + TOL).contains(&start));
    assert!(
        (late - (start - 9.5 * 60.0)).abs() < TOL && late > 0.0,
        "late {late}"
    );
    assert!(plan.summary.lateness_min >= 20.0 - TOL);

    // Without the allowance the visit cannot be made.
    let p = day(
        &places,
        json!([with(
            staff("ann", "base"),
            json!({"shift": {"start": "09:00", "end": "17:00"}})
        )]),
        json!([late_visit(json!({}))]),
    );
    let plan = solve(&p);
    assert!(reason(&plan, "v").is_some(), "{:?}", plan.routes);
}

#[test]
fn a_start_inside_the_second_window_is_not_late() {
    // ann arrives at 09:10: late for the first window (allowed up to 60 minutes) but inside
    // the second, so the visit is not late at all.
    let p = day(
        &[("base", 0.0), ("client", 70.0)],
        json!([staff("ann", "base")]),
        json!([with(
            visit("v", "client", json!([["08:00", "08:30"], ["09:00", "09:30"]])),
            json!({"max_lateness_min": 60})
        )]),
    );
    let plan = solve(&p);
    let s = served(&plan, "v");
    assert_eq!(s.len(), 1, "{:?}", plan.unassigned);
    assert!(s[0].2.abs() < TOL, "{s:?}");
}

#[test]
fn lateness_counts_from_the_latest_window_open_at_the_start() {
    // `second` must wait for `first` (13:00), long after both of its windows; its lateness
    // is measured from the later one (09:00): 13:10 - 09:00 = 250 minutes.
    let p = day(
        &[("base", 0.0), ("client", 0.0)],
        json!([staff("ann", "base")]),
        json!([
            with(
                visit("first", "client", json!([["13:00", "13:00"]])),
                json!({"duration_min": 10})
            ),
            with(
                visit(
                    "second",
                    "client",
                    json!([["08:00", "08:00"], ["09:00", "09:00"]])
                ),
                json!({"duration_min": 10, "max_lateness_min": "unbounded",
                       "after": [{"visit": "first", "min_gap_min": 0}]})
            ),
        ]),
    );
    let plan = solve(&p);
    let s = served(&plan, "second");
    assert_eq!(s.len(), 1, "{:?}", plan.unassigned);
    assert!((s[0].2 - (s[0].1 - 540.0)).abs() < TOL, "{s:?}");
}

#[test]
fn unassigned_reason_names_the_missing_skill() {
    let p = day(
        &[("base", 0.0), ("client", 10.0)],
        json!([
            staff("ann", "base"),
            with(staff("bob", "base"), json!({"skills": ["nursing"]}))
        ]),
        json!([
            with(visit("v", "client", json!([])), json!({"skills": ["insulin"]})),
            visit("w", "client", json!([])),
        ]),
    );
    let plan = solve(&p);
    assert_eq!(
        reason(&plan, "v").as_deref(),
        Some("no staff member holds skill 'insulin'")
    );
    assert!(reason(&plan, "w").is_none());
}

#[test]
fn unassigned_reason_names_the_exclusion() {
    let p = day(
        &[("base", 0.0), ("client", 10.0)],
        json!([staff("ann", "base"), staff("bob", "base")]),
        json!([with(
            visit("v", "client", json!([])),
            json!({"excluded_staff": ["ann", "bob"]})
        )]),
    );
    let plan = solve(&p);
    let text = reason(&plan, "v").unwrap_or_default();
    assert!(text.contains("excluded_staff"), "{text}");
}

#[test]
fn unassigned_reason_names_the_window_nobody_can_reach() {
    // ann starts at 10:00; bob's early shift ends before he could get back from the visit.
    let p = day(
        &[("base", 0.0), ("client", 15.0)],
        json!([
            with(
                staff("ann", "base"),
                json!({"shift": {"start": "10:00", "end": "17:00"}})
            ),
            with(
                staff("bob", "base"),
                json!({"shift": {"start": "08:00", "end": "08:50"}})
            ),
        ]),
        json!([visit("v", "client", json!([["08:00", "09:00"]]))]),
    );
    let plan = solve(&p);
    let text = reason(&plan, "v").unwrap_or_default();
    assert!(text.contains("between 08:00 and 09:00"), "{text}");
}

#[test]
fn shift_times_bound_the_round() {
    // Two visits fixed at 08:30 and 16:00: only ann's long shift covers both.
    let p = day(
        &[("base", 0.0), ("a", 10.0)],
        json!([
            staff("ann", "base"),
            with(
                staff("bob", "base"),
                json!({"shift": {"start": "08:00", "end": "12:00"}})
            ),
        ]),
        json!([
            visit("early", "a", json!([["08:30", "08:30"]])),
            visit("late", "a", json!([["16:00", "16:00"]])),
        ]),
    );
    let plan = solve(&p);
    assert_eq!(staff_of(&plan, "late"), ["ann"]);
    assert!((start_of(&plan, "early") - (H8 + 30.0)).abs() < TOL);
}

/// Solves a problem given as SPEC JSON with `seed` and the small test budget; returns the
/// checker's violations as text.
fn violations_of(json: &str, seed: u64) -> Vec<String> {
    let p = parse_problem(json).unwrap_or_else(|e| panic!("test problem is invalid: {e}"));
    let solved = Solver::new(&p, carerounds::travel::sources::build(&p).expect("travel"))
        .threads(1)
        .seed(seed)
        .work_budget(300_000)
        .time_limit(Duration::from_secs(20))
        .run();
    check(
        &p,
        &carerounds::travel::sources::build(&p).expect("travel"),
        &solved.plan,
    )
    .iter()
    .map(|v| v.to_string())
    .collect()
}

/// Found by the property test below (shrunk by hand): an optional visit `v1` that a
/// required visit `v4` must follow (`after`, min 0) ends up in two rounds at once.
const SERVED_TWICE: &str = r#"{
  "locations": [
    {"id": "p0"},
    {"id": "p2"},
    {"id": "p3"},
    {"id": "p4"},
    {"id": "p5"},
    {"id": "p6"},
    {"id": "p8"}
  ],
  "objective": {"distance_km": 0.1, "max_lateness": 1},
  "staff": [
    {"id": "s0", "shift": {"end": 849, "start": 536}, "start_location": "p0"},
    {
      "id": "s2",
      "max_travel_min": 30,
      "shift": {"end": 688, "start": 448},
      "start_location": "p2"
    },
    {
      "admin_min": 26,
      "breaks": [{"duration_min": 30, "earliest": 606, "latest": 666}],
      "id": "s3",
      "max_visits": 2,
      "shift": {"end": 944, "start": 550},
      "start_location": "p3"
    }
  ],
  "travel": {
    "distances_km": [
      [0.0, 9.0, 7.0, 13.0, 7.0, 15.0, 13.0],
      [9.0, 0.0, 6.0, 4.0, 14.0, 14.0, 6.0],
      [7.0, 6.0, 0.0, 8.0, 8.0, 8.0, 12.0],
      [13.0, 4.0, 8.0, 0.0, 16.0, 16.0, 8.0],
      [7.0, 14.0, 8.0, 16.0, 0.0, 8.0, 20.0],
      [15.0, 14.0, 8.0, 16.0, 8.0, 0.0, 20.0],
      [13.0, 6.0, 12.0, 8.0, 20.0, 20.0, 0.0]
    ],
    "durations_min": [
      [0.0, 9.0, 7.0, 13.0, 7.0, 15.0, 13.0],
      [9.0, 0.0, 6.0, 4.0, 14.0, 14.0, 6.0],
      [7.0, 6.0, 0.0, 8.0, 8.0, 8.0, 12.0],
      [13.0, 4.0, 8.0, 0.0, 16.0, 16.0, 8.0],
      [7.0, 14.0, 8.0, 16.0, 0.0, 8.0, 20.0],
      [15.0, 14.0, 8.0, 16.0, 8.0, 0.0, 20.0],
      [13.0, 6.0, 12.0, 8.0, 20.0, 20.0, 0.0]
    ],
    "mode": "matrix"
  },
  "visits": [
    {"duration_min": 10, "id": "v0", "location": "p4", "time_windows": [[465, 585]]},
    {
      "duration_min": 17,
      "id": "v1",
      "location": "p5",
      "priority": "optional",
      "time_windows": [[570, 618]]
    },
    {"duration_min": 19, "id": "v2", "location": "p6", "priority": "optional", "staff_count": 2},
    {
      "after": [{"min_gap_min": 0, "visit": "v1"}],
      "duration_min": 44,
      "id": "v4",
      "location": "p8",
      "time_windows": [[863, 863]]
    }
  ]
}"#;

#[test]
/// Regression: stale round timings after a removal once served this visit twice.
fn an_optional_visit_is_never_served_twice() {
    for seed in [4, 5] {
        let v = violations_of(SERVED_TWICE, seed);
        assert!(v.is_empty(), "seed {seed}: {v:?}");
    }
}

/// Found by the property test below (shrunk): the double-handed visit `v6` is left in
/// s1's round alone and also listed as unassigned, with every seed.
const HALF_SERVED: &str = r#"{
  "locations": [
    {"id": "p0"},
    {"id": "p1"},
    {"id": "p2"},
    {"id": "p3"},
    {"id": "p6"},
    {"id": "p7"},
    {"id": "p8"},
    {"id": "p9"}
  ],
  "travel": {
    "mode": "matrix",
    "durations_min": [
      [0, 7, 10, 29, 43, 10, 23, 10],
      [7, 0, 17, 32, 46, 13, 18, 17],
      [10, 17, 0, 27, 33, 12, 33, 2],
      [29, 32, 27, 0, 20, 19, 14, 27],
      [43, 46, 33, 20, 0, 33, 28, 35],
      [10, 13, 12, 19, 33, 0, 21, 12],
      [23, 18, 33, 14, 28, 21, 0, 33],
      [10, 17, 2, 27, 35, 12, 33, 0]
    ],
    "distances_km": [
      [0, 7, 10, 29, 43, 10, 23, 10],
      [7, 0, 17, 32, 46, 13, 18, 17],
      [10, 17, 0, 27, 33, 12, 33, 2],
      [29, 32, 27, 0, 20, 19, 14, 27],
      [43, 46, 33, 20, 0, 33, 28, 35],
      [10, 13, 12, 19, 33, 0, 21, 12],
      [23, 18, 33, 14, 28, 21, 0, 33],
      [10, 17, 2, 27, 35, 12, 33, 0]
    ]
  },
  "staff": [
    {
      "id": "s0",
      "shift": {"start": 520, "end": 973},
      "start_location": "p0",
      "max_travel_min": 69
    },
    {
      "id": "s1",
      "shift": {"start": 450, "end": 808},
      "start_location": "p1",
      "max_overtime_min": 48
    }
  ],
  "visits": [
    {
      "id": "v0",
      "location": "p2",
      "duration_min": 20,
      "time_windows": [[708, 881]],
      "staff_count": 2
    },
    {"id": "v1", "location": "p3", "duration_min": 17},
    {"id": "v4", "location": "p6", "duration_min": 16, "time_windows": [[742, 834]]},
    {"id": "v5", "location": "p7", "duration_min": 54, "time_windows": [[865, 1034]]},
    {"id": "v6", "location": "p8", "duration_min": 10, "staff_count": 2},
    {"id": "v7", "location": "p9", "duration_min": 57}
  ],
  "objective": {"max_lateness": 1, "distance_km": 0.1}
}"#;

#[test]
/// Regression: stale round timings after a removal once left this visit half served.
fn a_double_handed_visit_is_never_half_served() {
    for seed in 0..4 {
        let v = violations_of(HALF_SERVED, seed);
        assert!(v.is_empty(), "seed {seed}: {v:?}");
    }
}

// ---------------------------------------------------------------------------------------
// Property: every plan the solver returns on a random small day passes the checker.

/// The raw material of a random day; turned into SPEC JSON by [`random_day`].
#[derive(Debug, Clone)]
struct RandomStaff {
    pos: (u8, u8),
    start: u16,
    length: u16,
    skills: u8,
    brk: Option<u16>,
    admin: Option<u16>,
    max_visits: Option<u8>,
    max_travel: Option<u16>,
    overtime: Option<u8>,
}

#[derive(Debug, Clone)]
struct RandomVisit {
    pos: (u8, u8),
    duration: u8,
    windows: Vec<(u16, u16)>,
    skill: Option<u8>,
    double: bool,
    optional: bool,
    lateness: u8,
    preferred: Option<u8>,
    excluded: Option<u8>,
    after: Option<(u8, u8, Option<u8>)>,
}

fn random_staff() -> impl Strategy<Value = RandomStaff> {
    (
        (0u8..30, 0u8..30),
        420u16..600,
        240u16..600,
        0u8..4,
        prop::option::weighted(0.5, 0u16..300),
        prop::option::weighted(0.3, 0u16..120),
        prop::option::weighted(0.3, 1u8..4),
        prop::option::weighted(0.3, 20u16..150),
        prop::option::weighted(0.2, 0u8..60),
    )
        .prop_map(
            |(pos, start, length, skills, brk, admin, max_visits, max_travel, overtime)| RandomStaff {
                pos,
                start,
                length,
                skills,
                brk,
                admin,
                max_visits,
                max_travel,
                overtime,
            },
        )
}

fn random_visit() -> impl Strategy<Value = RandomVisit> {
    (
        (0u8..30, 0u8..30),
        10u8..60,
        prop::collection::vec((420u16..1000, 0u16..180), 0..3),
        prop::option::weighted(0.4, 0u8..2),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.15),
        0u8..3,
        prop::option::weighted(0.2, 0u8..4),
        prop::option::weighted(0.15, 0u8..4),
        prop::option::weighted(0.3, (0u8..10, 0u8..180, prop::option::weighted(0.6, 0u8..120))),
    )
        .prop_map(
            |(pos, duration, windows, skill, double, optional, lateness, preferred, excluded, after)| {
                RandomVisit {
                    pos,
                    duration,
                    windows,
                    skill,
                    double,
                    optional,
                    lateness,
                    preferred,
                    excluded,
                    after,
                }
            },
        )
}

const SKILLS: [&str; 2] = ["nursing", "insulin"];

/// A SPEC problem from the raw material: places on a 30 × 30 grid (Manhattan minutes),
/// windows made disjoint and sorted, `after` links only to earlier visits (no cycles).
///
/// `late_multi`: whether a visit with several windows may also have a lateness allowance
/// (the combination of the ignored solver-bug tests above).
fn random_day(staff: &[RandomStaff], visits: &[RandomVisit], late_multi: bool) -> Value {
    let mut points: Vec<(u8, u8)> = staff.iter().map(|s| s.pos).collect();
    points.extend(visits.iter().map(|v| v.pos));
    let minutes: Vec<Vec<f64>> = points
        .iter()
        .map(|a| {
            points
                .iter()
                .map(|b| f64::from(a.0.abs_diff(b.0)) + f64::from(a.1.abs_diff(b.1)))
                .collect()
        })
        .collect();
    let locations: Vec<Value> = (0..points.len())
        .map(|i| json!({ "id": format!("p{i}") }))
        .collect();
    let staff_json: Vec<Value> = staff
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let end = s.start + s.length;
            let skills: Vec<&str> = (0..2)
                .filter(|k| s.skills & (1 << k) != 0)
                .map(|k| SKILLS[k])
                .collect();
            let mut v = json!({
                "id": format!("s{i}"),
                "skills": skills,
                "shift": {"start": s.start, "end": end},
                "start_location": format!("p{i}"),
            });
            if let Some(b) = s.brk {
                let earliest = s.start + (b % s.length.saturating_sub(60).max(1));
                v["breaks"] = json!([{"earliest": earliest, "latest": earliest + 60, "duration_min": 30}]);
            }
            if let Some(a) = s.admin {
                v["admin_min"] = json!(a);
            }
            if let Some(m) = s.max_visits {
                v["max_visits"] = json!(m);
            }
            if let Some(m) = s.max_travel {
                v["max_travel_min"] = json!(m);
            }
            if let Some(o) = s.overtime {
                v["max_overtime_min"] = json!(o);
            }
            v
        })
        .collect();
    let ns = staff.len() as u8;
    let first_start = staff.iter().map(|s| s.start).min().unwrap_or(0);
    let last_end = staff.iter().map(|s| s.start + s.length).max().unwrap_or(0);
    let visits_json: Vec<Value> = visits
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut v = json!({
                "id": format!("v{i}"),
                "location": format!("p{}", staff.len() + i),
                "duration_min": r.duration,
            });
            let mut windows: Vec<(u16, u16)> = r.windows.iter().map(|&(a, w)| (a, a + w)).collect();
            windows.sort();
            windows.dedup_by(|b, a| b.0 <= a.1); // drop a window that overlaps the previous one
                                                 // Validation rejects a window outside every shift.
            windows.retain(|&(a, b)| b >= first_start && a <= last_end);
            if !windows.is_empty() {
                v["time_windows"] = json!(windows.iter().map(|&(a, b)| [a, b]).collect::<Vec<_>>());
            }
            if let Some(k) = r.skill {
                v["skills"] = json!([SKILLS[k as usize]]);
            }
            if r.double {
                v["staff_count"] = json!(2);
            }
            if r.optional {
                v["priority"] = json!("optional");
            }
            match r.lateness {
                _ if windows.len() > 1 && !late_multi => {}
                1 => v["max_lateness_min"] = json!(30),
                2 => v["max_lateness_min"] = json!("unbounded"),
                _ => {}
            }
            if let Some(s) = r.preferred.filter(|&s| s < ns) {
                v["preferred_staff"] = json!([format!("s{s}")]);
            }
            if let Some(s) = r.excluded.filter(|&s| s < ns) {
                v["excluded_staff"] = json!([format!("s{s}")]);
            }
            if let Some((to, min, extra)) = r.after {
                if i > 0 {
                    let to = to as usize % i;
                    let (min, max) = match extra {
                        // One in four links is "together" (0/0).
                        Some(e) if e % 4 == 0 => (0, Some(0)),
                        Some(e) => (u16::from(min), Some(u16::from(min) + u16::from(e))),
                        None => (u16::from(min), None),
                    };
                    let mut gap = json!({"visit": format!("v{to}"), "min_gap_min": min});
                    if let Some(m) = max {
                        gap["max_gap_min"] = json!(m);
                    }
                    v["after"] = json!([gap]);
                }
            }
            v
        })
        .collect();
    json!({
        "locations": locations,
        "travel": {"mode": "matrix", "durations_min": minutes, "distances_km": minutes},
        "staff": staff_json,
        "visits": visits_json,
        "objective": {"max_lateness": 1, "distance_km": 0.1},
    })
}

/// Solves a random day and asserts the checker accepts the plan.
fn check_random_day(
    staff: &[RandomStaff],
    visits: &[RandomVisit],
    seed: u64,
    late_multi: bool,
) -> Result<(), TestCaseError> {
    let text = random_day(staff, visits, late_multi).to_string();
    let problem = match parse_problem(&text) {
        Ok(p) => p,
        // A day no plan could keep for a reason known up front (a double-handed visit
        // without two qualified staff, say) is refused by validation on purpose
        // (model/coherence.rs): not a day to solve.
        Err(e) if e.kind == InputErrorKind::Incoherent => return Err(TestCaseError::reject(e.to_string())),
        Err(e) => {
            return Err(TestCaseError::fail(format!(
                "generated an invalid problem: {e}\n{text}"
            )))
        }
    };
    let solved = Solver::new(
        &problem,
        carerounds::travel::sources::build(&problem).expect("travel"),
    )
    .threads(1)
    .seed(seed)
    .work_budget(300_000)
    .time_limit(Duration::from_secs(20))
    .run();
    let violations = check(
        &problem,
        &carerounds::travel::sources::build(&problem).expect("travel"),
        &solved.plan,
    );
    prop_assert!(
        violations.is_empty(),
        "{} violation(s): {}\nproblem: {}\nplan: {}",
        violations.len(),
        violations
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join("; "),
        text,
        serde_json::to_string(&solved.plan).unwrap_or_default()
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(20_140_101),
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_plan_on_a_random_day_passes_the_checker(
        staff in prop::collection::vec(random_staff(), 2..=4),
        visits in prop::collection::vec(random_visit(), 3..=10),
        seed in 0u64..4,
    ) {
        check_random_day(&staff, &visits, seed, false)?;
    }

    #[test]
    fn every_plan_on_a_random_day_passes_the_checker_with_late_multi_windows(
        staff in prop::collection::vec(random_staff(), 2..=4),
        visits in prop::collection::vec(random_visit(), 3..=10),
        seed in 0u64..4,
    ) {
        check_random_day(&staff, &visits, seed, true)?;
    }
}
