//! The plan checker through the public API: a hand-computed valid plan passes, and each
//! rule, broken once, is reported alone and against the right staff member and visit.
//!
//! Fixture (tests/common/check_problem.json, matrix travel, distances half the minutes):
//! ann (nursing, insulin; break 12:00-13:00 for 30; admin 60, travel <= 100, <= 3 visits,
//! capacity 5) serves v1, v2 (double-handed with bob) and v3 (insulin again 240-300 min
//! after v1, so 10 min late); bob (shift ends 11:10, 30 min overtime allowed) serves v4 and
//! v2 and returns 10 min late; cat has no visits; v5 (podiatry) is unassigned.

use carerounds::check::{check, Rule, Violation};
use carerounds::model::input::{AfterInput, BreakInput, LatenessInput, LocationRef, ProblemInput};
use carerounds::model::time::{parse_clock, Clock, RawClock};
use carerounds::model::{parse_input, parse_problem, validate, Plan, Problem, RoutePlan, Step, Unassigned};

const PROBLEM: &str = include_str!("../common/check_problem.json");
const PLAN: &str = include_str!("../common/check_plan.json");

fn problem() -> Problem {
    parse_problem(PROBLEM).unwrap()
}

/// The fixture problem with one change.
fn problem_with(change: impl FnOnce(&mut ProblemInput)) -> Problem {
    let mut input = parse_input(PROBLEM).unwrap();
    change(&mut input);
    validate(&input).unwrap()
}

fn plan() -> Plan {
    serde_json::from_str(PLAN).unwrap()
}

fn t(s: &str) -> Clock {
    Clock(parse_clock(s).unwrap())
}

fn route<'a>(plan: &'a mut Plan, staff: &str) -> &'a mut RoutePlan {
    plan.routes.iter_mut().find(|r| r.staff == staff).unwrap()
}

fn visit_step<'a>(plan: &'a mut Plan, staff: &str, visit: &str) -> &'a mut Step {
    route(plan, staff)
        .steps
        .iter_mut()
        .find(|s| matches!(s, Step::Visit { visit: v, .. } if v == visit))
        .unwrap()
}

fn listing(v: &[Violation]) -> String {
    v.iter().map(|v| format!("  {v}\n")).collect()
}

/// Asserts the plan breaks exactly one rule, once, and returns that violation.
fn only(problem: &Problem, plan: &Plan, rule: Rule, staff: Option<&str>, visit: Option<&str>) -> Violation {
    let found = check(
        problem,
        &carerounds::travel::sources::build(problem).expect("travel"),
        plan,
    );
    assert_eq!(
        found.len(),
        1,
        "expected one {rule} violation, got:\n{}",
        listing(&found)
    );
    let v = found.into_iter().next().unwrap();
    assert_eq!(
        (v.rule, v.staff.as_deref(), v.visit.as_deref()),
        (rule, staff, visit),
        "{v}"
    );
    v
}

/// Asserts every violation found is of `rule` and that there are `n` of them.
fn all_of(problem: &Problem, plan: &Plan, rule: Rule, n: usize) -> Vec<Violation> {
    let found = check(
        problem,
        &carerounds::travel::sources::build(problem).expect("travel"),
        plan,
    );
    assert!(
        found.len() == n && found.iter().all(|v| v.rule == rule),
        "expected {n} {rule} violation(s), got:\n{}",
        listing(&found)
    );
    found
}

#[test]
fn hand_computed_plan_passes() {
    let found = check(
        &problem(),
        &carerounds::travel::sources::build(&problem()).expect("travel"),
        &plan(),
    );
    assert!(found.is_empty(), "unexpected violations:\n{}", listing(&found));
}

#[test]
fn plan_passes_after_a_json_round_trip() {
    let json = serde_json::to_string(&plan()).unwrap();
    let again: Plan = serde_json::from_str(&json).unwrap();
    assert!(check(
        &problem(),
        &carerounds::travel::sources::build(&problem()).expect("travel"),
        &again
    )
    .is_empty());
}

#[test]
fn tolerates_times_rounded_to_the_second() {
    let mut p = plan();
    // One second early on arrival, and a wait figure from unrounded times.
    if let Step::Visit {
        arrival, wait_min, ..
    } = visit_step(&mut p, "ann", "v1")
    {
        *arrival = t("08:09:59");
        *wait_min = 50.0 + 1.0 / 60.0;
    }
    assert!(
        check(
            &problem(),
            &carerounds::travel::sources::build(&problem()).expect("travel"),
            &p
        )
        .is_empty(),
        "{}",
        listing(&check(
            &problem(),
            &carerounds::travel::sources::build(&problem()).expect("travel"),
            &p
        ))
    );
    // Two seconds early is too early.
    if let Step::Visit {
        arrival, wait_min, ..
    } = visit_step(&mut p, "ann", "v1")
    {
        *arrival = t("08:09:58");
        *wait_min = 50.0 + 2.0 / 60.0;
    }
    only(&problem(), &p, Rule::Timing, Some("ann"), Some("v1"));
}

#[test]
fn unknown_staff() {
    let mut p = plan();
    let mut extra = p.routes[2].clone();
    extra.staff = "dan".into();
    p.routes.push(extra);
    only(&problem(), &p, Rule::UnknownStaff, Some("dan"), None);
}

#[test]
fn missing_route() {
    let mut p = plan();
    p.routes.retain(|r| r.staff != "cat");
    p.summary.free_min = 145.0;
    only(&problem(), &p, Rule::MissingRoute, Some("cat"), None);
}

#[test]
fn duplicate_route() {
    let mut p = plan();
    p.routes.push(p.routes[2].clone());
    p.summary.free_min = 595.0;
    only(&problem(), &p, Rule::DuplicateRoute, Some("cat"), None);
}

#[test]
fn step_order() {
    let mut p = plan();
    route(&mut p, "cat").steps.remove(0);
    only(&problem(), &p, Rule::StepOrder, Some("cat"), None);

    let mut p = plan();
    let steps = &mut route(&mut p, "bob").steps;
    let end = steps.remove(3);
    steps.insert(2, end);
    let found = all_of(&problem(), &p, Rule::StepOrder, 2);
    assert!(found[0].message.contains("last step is visit"), "{}", found[0]);
}

#[test]
fn location() {
    let mut p = plan();
    if let Step::Start { location, .. } = &mut route(&mut p, "cat").steps[0] {
        *location = LocationRef::Id("a".into());
    }
    let v = only(&problem(), &p, Rule::Location, Some("cat"), None);
    assert_eq!(v.message, "start location is 'a', not the staff member's 'base'");
}

#[test]
fn inline_points_must_match_coordinates() {
    let problem = parse_problem(
        r#"{"locations": [{"id": "base", "lat": 52.95, "lon": -1.15}],
            "staff": [{"id": "ann", "shift": {"start": "08:00", "end": "16:00"},
                       "start_location": "base"}],
            "visits": []}"#,
    )
    .unwrap();
    let plan = |lat: f64| -> Plan {
        serde_json::from_value(serde_json::json!({
            "routes": [{"staff": "ann", "steps": [
                {"type": "start", "location": {"lat": lat, "lon": -1.15}, "time": "08:00:00"},
                {"type": "end", "location": "base", "arrival": "08:00:00",
                 "travel_min": 0, "distance_km": 0}],
              "travel_min": 0, "distance_km": 0, "visit_min": 0, "wait_min": 0,
              "break_min": 0, "free_min": 480}],
            "summary": {"travel_min": 0, "distance_km": 0, "visits_assigned": 0,
                        "visits_unassigned": 0, "free_min": 480, "overtime_min": 0,
                        "lateness_min": 0, "max_lateness_min": 0, "objective": 0}
        }))
        .unwrap()
    };
    assert!(check(
        &problem,
        &carerounds::travel::sources::build(&problem).expect("travel"),
        &plan(52.95)
    )
    .is_empty());
    only(&problem, &plan(52.96), Rule::Location, Some("ann"), None);
}

#[test]
fn shift_start() {
    let mut p = plan();
    if let Step::Start { time, .. } = &mut route(&mut p, "cat").steps[0] {
        *time = t("08:50");
    }
    only(&problem(), &p, Rule::ShiftStart, Some("cat"), None);
}

#[test]
fn shift_end() {
    let problem = problem_with(|i| i.staff[1].max_overtime_min = Some(5.0));
    let v = only(&problem, &plan(), Rule::ShiftEnd, Some("bob"), None);
    assert_eq!(
        v.message,
        "returns 11:20:00, after the shift end 11:10 + 5 min overtime allowed"
    );
}

#[test]
fn timing_arrival_before_travel_allows() {
    let mut p = plan();
    if let Step::Visit {
        arrival, wait_min, ..
    } = visit_step(&mut p, "ann", "v1")
    {
        *arrival = t("08:05");
        *wait_min = 55.0;
    }
    only(&problem(), &p, Rule::Timing, Some("ann"), Some("v1"));
}

#[test]
fn timing_counts_breaks_between_places() {
    // bob must now break 30 min from 09:20; v4 ends 09:15, 20 min to b: v2 cannot start
    // before 10:05, yet the plan (figures made consistent) starts it at 10:00.
    let problem = problem_with(|i| {
        i.staff[1].breaks.push(BreakInput {
            earliest: RawClock::Text("09:20".into()),
            latest: RawClock::Text("09:40".into()),
            duration_min: 30.0,
        })
    });
    let mut p = plan();
    let r = route(&mut p, "bob");
    r.steps.insert(
        2,
        Step::Break {
            start: t("09:20"),
            end: t("09:50"),
        },
    );
    r.break_min = 30.0;
    r.wait_min = -5.0;
    if let Step::Visit { wait_min, .. } = visit_step(&mut p, "bob", "v2") {
        *wait_min = 10.0; // 25 min between arrival and start, 15 of them on the break
    }
    let v = only(&problem, &p, Rule::Timing, Some("bob"), Some("v2"));
    assert!(v.message.contains("cannot before 10:05:00"), "{v}");
}

#[test]
fn timing_return_before_travel_allows() {
    let mut p = plan();
    let r = route(&mut p, "ann");
    if let Some(Step::End { arrival, .. }) = r.steps.last_mut() {
        *arrival = t("13:40");
    }
    r.wait_min = 145.0;
    r.free_min = 140.0;
    p.summary.free_min = 375.0;
    only(&problem(), &p, Rule::Timing, Some("ann"), None);
}

#[test]
fn time_window_late_beyond_allowance() {
    let problem = problem_with(|i| i.visits[2].max_lateness_min = Some(LatenessInput::Minutes(5.0)));
    let v = only(&problem, &plan(), Rule::TimeWindow, Some("ann"), Some("v3"));
    assert_eq!(
        v.to_string(),
        "[time_window] ann / v3: start 13:00:00 is after window 12:00-12:50 (+5 min lateness allowed)"
    );
}

#[test]
fn time_window_early() {
    let mut p = plan();
    let r = route(&mut p, "bob");
    if let Step::Start { time, .. } = &mut r.steps[0] {
        *time = t("08:10");
    }
    r.wait_min = 35.0;
    r.free_min = 0.0;
    p.summary.free_min = 360.0;
    if let Step::Visit {
        arrival, start, end, ..
    } = visit_step(&mut p, "bob", "v4")
    {
        (*arrival, *start, *end) = (t("08:20"), t("08:20"), t("09:05"));
    }
    let v = only(&problem(), &p, Rule::TimeWindow, Some("bob"), Some("v4"));
    assert_eq!(v.message, "start 08:20:00 is before window 08:30-09:30");
}

#[test]
fn break_outside_its_window() {
    let mut p = plan();
    route(&mut p, "ann").steps[3] = Step::Break {
        start: t("11:30"),
        end: t("12:00"),
    };
    let v = only(&problem(), &p, Rule::Break, Some("ann"), None);
    assert_eq!(v.message, "break 1 starts 11:30:00, outside 12:00-13:00");
}

#[test]
fn break_missing() {
    let mut p = plan();
    let r = route(&mut p, "ann");
    r.steps.remove(3);
    r.break_min = 0.0;
    r.wait_min = 180.0;
    if let Step::Visit { wait_min, .. } = visit_step(&mut p, "ann", "v3") {
        *wait_min = 110.0;
    }
    // The longer wait at v3 costs 0.5 × 30 more (objective.long_wait_min).
    p.summary.objective = 188.75;
    only(&problem(), &p, Rule::Break, Some("ann"), None);
}

#[test]
fn break_running_into_a_visit() {
    let mut p = plan();
    route(&mut p, "ann").steps[3] = Step::Break {
        start: t("12:50"),
        end: t("13:20"),
    };
    if let Step::Visit { wait_min, .. } = visit_step(&mut p, "ann", "v3") {
        *wait_min = 100.0; // only 10 min of the break fall before the start
    }
    // The longer wait at v3 costs 0.5 × 20 more (objective.long_wait_min).
    p.summary.objective = 183.75;
    only(&problem(), &p, Rule::Break, Some("ann"), None);
}

#[test]
fn break_without_visits() {
    let mut p = plan();
    let r = route(&mut p, "cat");
    r.steps.insert(
        1,
        Step::Break {
            start: t("11:00"),
            end: t("11:15"),
        },
    );
    if let Some(Step::End { arrival, .. }) = r.steps.last_mut() {
        *arrival = t("11:15");
    }
    only(&problem(), &p, Rule::Break, Some("cat"), None);
}

#[test]
fn skills() {
    let problem = problem_with(|i| i.visits[3].skills = vec!["care".into(), "nursing".into()]);
    let v = only(&problem, &plan(), Rule::Skills, Some("bob"), Some("v4"));
    assert_eq!(v.message, "lacks skill 'nursing' that the visit needs");
}

#[test]
fn excluded_staff() {
    let problem = problem_with(|i| i.visits[0].excluded_staff = vec!["ann".into()]);
    only(&problem, &plan(), Rule::ExcludedStaff, Some("ann"), Some("v1"));
}

#[test]
fn capacity() {
    let problem = problem_with(|i| i.staff[0].capacity = Some(3.0));
    only(&problem, &plan(), Rule::Capacity, Some("ann"), None);
}

#[test]
fn max_visits() {
    let problem = problem_with(|i| i.staff[0].max_visits = Some(2));
    only(&problem, &plan(), Rule::MaxVisits, Some("ann"), None);
}

#[test]
fn max_travel() {
    let problem = problem_with(|i| i.staff[0].max_travel_min = Some(40.0));
    only(&problem, &plan(), Rule::MaxTravel, Some("ann"), None);
}

#[test]
fn admin_time() {
    let problem = problem_with(|i| i.staff[0].admin_min = Some(150.0));
    let v = only(&problem, &plan(), Rule::AdminTime, Some("ann"), None);
    assert_eq!(
        v.message,
        "leaves 135 min free; the shift must keep 150 min for admin"
    );
}

#[test]
fn unknown_visit() {
    let mut p = plan();
    p.unassigned.push(Unassigned {
        visit: "v9".into(),
        reason: "made up".into(),
    });
    p.summary.visits_unassigned = 2;
    only(&problem(), &p, Rule::UnknownVisit, None, Some("v9"));

    let mut p = plan();
    let step = visit_step(&mut p, "ann", "v1").clone();
    let Step::Visit {
        arrival, start, end, ..
    } = step
    else {
        unreachable!()
    };
    let ghost = Step::Visit {
        visit: "v9".into(),
        arrival,
        start,
        end,
        travel_min: 0.0,
        distance_km: 0.0,
        wait_min: 0.0,
        late_min: 0.0,
    };
    route(&mut p, "cat").steps.insert(1, ghost);
    only(&problem(), &p, Rule::UnknownVisit, Some("cat"), Some("v9"));
}

#[test]
fn coverage_visit_missing() {
    let mut p = plan();
    p.unassigned.clear();
    p.summary.visits_unassigned = 0;
    let v = only(&problem(), &p, Rule::Coverage, None, Some("v5"));
    assert_eq!(v.message, "is neither in a route nor listed as unassigned");
}

#[test]
fn coverage_visit_served_and_unassigned() {
    let mut p = plan();
    p.unassigned.push(Unassigned {
        visit: "v1".into(),
        reason: "too far".into(),
    });
    p.summary.visits_unassigned = 2;
    only(&problem(), &p, Rule::Coverage, None, Some("v1"));
}

#[test]
fn double_handed_served_once() {
    let problem = problem_with(|i| i.visits[3].staff_count = Some(2));
    only(&problem, &plan(), Rule::DoubleHanded, None, Some("v4"));
}

#[test]
fn double_handed_starts_apart() {
    // bob starts v2 five minutes after ann; every figure follows the later start.
    let mut p = plan();
    let r = route(&mut p, "bob");
    if let Some(Step::End { arrival, .. }) = r.steps.last_mut() {
        *arrival = t("11:25");
    }
    r.wait_min = 30.0;
    r.free_min = 5.0;
    if let Step::Visit {
        start, end, wait_min, ..
    } = visit_step(&mut p, "bob", "v2")
    {
        (*start, *end, *wait_min) = (t("10:05"), t("11:05"), 30.0);
    }
    p.summary.free_min = 365.0;
    p.summary.overtime_min = 15.0;
    p.summary.objective = 178.75;
    let v = only(&problem(), &p, Rule::DoubleHanded, None, Some("v2"));
    assert!(v.message.contains("start together"), "{v}");
}

#[test]
fn unassigned_reason() {
    let mut p = plan();
    p.unassigned[0].reason = "  ".into();
    only(&problem(), &p, Rule::UnassignedReason, None, Some("v5"));
}

#[test]
fn gap_too_long() {
    let problem = problem_with(|i| {
        i.visits[2].after[0].min_gap_min = Some(180.0);
        i.visits[2].after[0].max_gap_min = Some(200.0);
    });
    let v = only(&problem, &plan(), Rule::Gap, Some("ann"), Some("v3"));
    assert_eq!(
        v.message,
        "starts 240 min after 'v1' starts; it must start within 200 min"
    );
}

#[test]
fn gap_too_short() {
    let problem = problem_with(|i| i.visits[2].after[0].min_gap_min = Some(250.0));
    let v = only(&problem, &plan(), Rule::Gap, Some("ann"), Some("v3"));
    assert_eq!(
        v.message,
        "starts 240 min after 'v1' starts; it must wait at least 250 min"
    );
}

#[test]
fn gap_of_zero_needs_different_staff() {
    let problem = problem_with(|i| {
        i.visits[2].after = vec![AfterInput {
            visit: "v1".into(),
            min_gap_min: Some(0.0),
            max_gap_min: Some(0.0),
        }]
    });
    let found = all_of(&problem, &plan(), Rule::Gap, 2);
    assert!(found[1].message.contains("need different staff"), "{}", found[1]);
}

#[test]
fn gap_to_an_unassigned_visit_does_not_apply() {
    let problem = problem_with(|i| {
        i.visits[0].after = vec![AfterInput {
            visit: "v5".into(),
            min_gap_min: Some(600.0),
            max_gap_min: None,
        }]
    });
    assert!(check(
        &problem,
        &carerounds::travel::sources::build(&problem).expect("travel"),
        &plan()
    )
    .is_empty());
}

#[test]
fn step_figure() {
    let mut p = plan();
    if let Step::Visit { travel_min, .. } = visit_step(&mut p, "ann", "v1") {
        *travel_min = 12.0;
    }
    let v = only(&problem(), &p, Rule::StepFigure, Some("ann"), Some("v1"));
    assert_eq!(v.message, "travel_min from 'base' is 12, the matrix says 10");

    let mut p = plan();
    if let Step::Visit { late_min, .. } = visit_step(&mut p, "ann", "v3") {
        *late_min = 0.0;
    }
    only(&problem(), &p, Rule::StepFigure, Some("ann"), Some("v3"));
}

#[test]
fn route_figure() {
    let mut p = plan();
    route(&mut p, "bob").free_min = 20.0;
    let v = only(&problem(), &p, Rule::RouteFigure, Some("bob"), None);
    assert_eq!(v.message, "free_min is 20, recomputed 10");
}

#[test]
fn idle_staff_keep_notional_breaks() {
    let mut p = plan();
    let r = route(&mut p, "cat");
    (r.break_min, r.free_min) = (0.0, 240.0);
    let found = all_of(&problem(), &p, Rule::RouteFigure, 2);
    assert!(found.iter().all(|v| v.staff.as_deref() == Some("cat")));
}

#[test]
fn summary_figure() {
    let mut p = plan();
    p.summary.objective = 160.0;
    p.summary.visits_assigned = 5;
    let found = all_of(&problem(), &p, Rule::SummaryFigure, 2);
    assert_eq!(found[0].message, "summary.visits_assigned is 5, recomputed 4");
    assert_eq!(found[1].message, "summary.objective is 160, recomputed 173.75");
}

#[test]
fn violations_serialise_with_snake_case_rules() {
    let problem = problem_with(|i| i.staff[0].max_visits = Some(2));
    let found = check(
        &problem,
        &carerounds::travel::sources::build(&problem).expect("travel"),
        &plan(),
    );
    let json = serde_json::to_value(&found).unwrap();
    assert_eq!(
        json,
        serde_json::json!([{"rule": "max_visits", "staff": "ann", "visit": null,
                            "message": "has 3 visits; max_visits is 2"}])
    );
}

#[test]
fn non_finite_times_are_caught() {
    let mut p = plan();
    if let Step::Visit { start, .. } = visit_step(&mut p, "bob", "v4") {
        *start = Clock(f64::NAN);
    }
    let found = check(
        &problem(),
        &carerounds::travel::sources::build(&problem()).expect("travel"),
        &p,
    );
    assert!(
        found
            .iter()
            .any(|v| v.rule == Rule::Timing && v.message.contains("not a finite number")),
        "{}",
        listing(&found)
    );
}
