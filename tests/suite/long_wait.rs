//! Long waits at doors (docs/EXTENSIONS.md, "Long waits at doors"): a wait of more than an
//! hour costs `objective.long_wait_min` per minute beyond the hour, so the search fills the
//! gap (or sends the staff member to base, when the trip spares the wait), and the checker
//! recomputes the charge. Places lie on a line (minutes = distance), so every figure can
//! be worked out by hand.

use super::homecare::line;
use super::solved::{listing, solve_checked, travel};
use carerounds::check::{check, Rule};
use carerounds::model::{parse_problem, Plan, Problem, Step};
use serde_json::{json, Value};

const TOL: f64 = 1e-3;

fn problem(doc: Value) -> Problem {
    parse_problem(&doc.to_string()).unwrap_or_else(|e| panic!("test problem is invalid: {e}"))
}

/// A nurse (office at 0) with two insulin doses at `a` (10), 09:00 and 12:00, and a
/// carer (office at 25) who could do the hour-long visit `x` at 20, any time; base trips
/// off, so only the long-wait charge tells the rounds apart:
/// - the carer does `x`: travel 20 (nurse) + 10 (carer); the nurse waits 150 min at `a`;
/// - the nurse does `x` between the doses: travel 40; she waits 70 min.
fn gap_to_fill(long_wait_min: Option<f64>) -> Problem {
    let (locations, travel) = line(&[("office", 0.0), ("a", 10.0), ("x", 20.0), ("carers", 25.0)]);
    let mut objective = json!({"base_min": 0});
    if let Some(w) = long_wait_min {
        objective["long_wait_min"] = json!(w);
    }
    problem(json!({
        "locations": locations, "travel": travel, "objective": objective,
        "staff": [
            {"id": "nurse", "skills": ["insulin"], "shift": {"start": "08:00", "end": "17:00"},
             "start_location": "office"},
            {"id": "carer", "shift": {"start": "08:00", "end": "17:00"}, "start_location": "carers"},
        ],
        "visits": [
            {"id": "dose1", "location": "a", "duration_min": 30, "skills": ["insulin"],
             "time_windows": [["09:00", "09:00"]]},
            {"id": "dose2", "location": "a", "duration_min": 30, "skills": ["insulin"],
             "time_windows": [["12:00", "12:00"]]},
            {"id": "x", "location": "x", "duration_min": 60, "time_windows": [["08:00", "17:00"]]},
        ],
    }))
}

fn staff_of<'a>(plan: &'a Plan, visit: &str) -> &'a str {
    plan.routes
        .iter()
        .find(|r| {
            r.steps
                .iter()
                .any(|s| matches!(s, Step::Visit { visit: v, .. } if v == visit))
        })
        .map(|r| r.staff.as_str())
        .unwrap_or_else(|| panic!("{visit} is not planned"))
}

fn waits(plan: &Plan, staff: &str) -> Vec<f64> {
    let route = plan.routes.iter().find(|r| r.staff == staff).expect("route");
    route
        .steps
        .iter()
        .filter_map(|s| match s {
            Step::Visit { wait_min, .. } => Some(*wait_min),
            _ => None,
        })
        .collect()
}

#[test]
fn waiting_costs_nothing_at_weight_0_so_the_nearer_carer_takes_the_visit() {
    let plan = solve_checked(&gap_to_fill(Some(0.0)), 300_000);
    assert_eq!(staff_of(&plan, "x"), "carer");
    assert!(
        (waits(&plan, "nurse")[1] - 150.0).abs() < TOL,
        "{:?}",
        waits(&plan, "nurse")
    );
    assert!(
        (plan.summary.objective - 30.0).abs() < TOL,
        "{}",
        plan.summary.objective
    );
}

#[test]
fn the_default_charge_fills_the_nurses_two_and_a_half_hour_wait() {
    // Carer: 30 + 0.5 × (150 - 60) = 75. Nurse: 40 + 0.5 × (70 - 60) = 45.
    let plan = solve_checked(&gap_to_fill(None), 300_000);
    assert_eq!(staff_of(&plan, "x"), "nurse");
    let w = waits(&plan, "nurse");
    assert!(w.iter().all(|&w| w < 70.0 + TOL), "{w:?}");
    assert!(
        (plan.summary.objective - 45.0).abs() < TOL,
        "{}",
        plan.summary.objective
    );
}

#[test]
fn the_checker_charges_long_waits_in_the_objective() {
    // The weight-0 plan (objective 30) read against the default weights: the nurse's
    // 150-minute wait costs 45 more, and the claimed objective is refused.
    let plan = solve_checked(&gap_to_fill(Some(0.0)), 300_000);
    let charged = gap_to_fill(None);
    let v = check(&charged, &travel(&charged), &plan);
    let objective = v
        .iter()
        .find(|v| v.rule == Rule::SummaryFigure && v.message.contains("objective"))
        .unwrap_or_else(|| panic!("no objective finding in: {}", listing(&v)));
    assert!(
        objective.message.contains("recomputed 75"),
        "{}",
        objective.message
    );
    let mut fixed = plan.clone();
    fixed.summary.objective = 75.0;
    assert!(check(&charged, &travel(&charged), &fixed).is_empty());
}

/// One nurse 20 minutes from the office, two doses 100 minutes apart (09:30 to 11:10).
/// A trip gives 60 min at base for 40 more minutes' driving: at `base_min` 0.5 that
/// alone does not pay (30 < 40), but it also spares 40 minutes of long wait (0.5 × 40).
fn trip_spares_a_wait(long_wait_min: f64) -> Problem {
    problem(trip_doc(json!(long_wait_min)))
}

fn trip_doc(long_wait_min: Value) -> Value {
    let (locations, travel) = line(&[("office", 0.0), ("a", 20.0)]);
    json!({
        "locations": locations, "travel": travel,
        "objective": {"long_wait_min": long_wait_min},
        "staff": [{"id": "nurse", "shift": {"start": "08:00", "end": "17:00"},
                   "start_location": "office"}],
        "visits": [
            {"id": "dose1", "location": "a", "duration_min": 30, "time_windows": [["09:00", "09:00"]]},
            {"id": "dose2", "location": "a", "duration_min": 30, "time_windows": [["11:10", "11:10"]]},
        ],
    })
}

fn has_base(plan: &Plan) -> bool {
    plan.routes[0]
        .steps
        .iter()
        .any(|s| matches!(s, Step::Base { .. }))
}

#[test]
fn a_trip_that_spares_a_long_wait_is_made() {
    let plan = solve_checked(&trip_spares_a_wait(0.5), 100_000);
    assert!(has_base(&plan));
    // Travel 4 × 20, less half of 60 office minutes.
    assert!(
        (plan.summary.objective - (80.0 - 30.0)).abs() < TOL,
        "{}",
        plan.summary.objective
    );
    let still = solve_checked(&trip_spares_a_wait(0.0), 100_000);
    assert!(!has_base(&still));
    assert!((still.summary.objective - 40.0).abs() < TOL);
}

#[test]
fn a_negative_weight_is_refused_naming_the_field() {
    let err = parse_problem(&trip_doc(json!(-1)).to_string()).expect_err("a negative weight");
    assert!(err.to_string().contains("objective.long_wait_min"), "{err}");
}

/// Door waits of a plan: (longest, waits over the hour, minutes beyond the hour, all waiting).
fn door_waits(plan: &Plan) -> (f64, usize, f64, f64) {
    let waits: Vec<f64> = plan
        .routes
        .iter()
        .flat_map(|r| r.steps.iter())
        .filter_map(|s| match s {
            Step::Visit { wait_min, .. } => Some(*wait_min),
            _ => None,
        })
        .collect();
    let longest = waits.iter().fold(0.0f64, |a, &b| a.max(b));
    let over = waits.iter().filter(|&&w| w > 60.0 + TOL).count();
    let beyond: f64 = waits.iter().map(|&w| (w - 60.0).max(0.0)).sum();
    (longest, over, beyond, waits.iter().sum())
}

/// The BENCHMARKS.md table "Long waits at doors": the sample day and generated days
/// solved at `long_wait_min` 0 (waiting free) and 0.5 (the default), base trips at their
/// default, one thread, a fixed work budget. Run with `cargo test --release --test suite
/// long_wait::measure -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement for BENCHMARKS.md (a few minutes)"]
fn measure() {
    let days = super::solved::measured_days();
    println!("| day | long_wait_min | longest door wait, min | waits over 1 h | minutes beyond the hour | all door waiting, min | trips to base | travel min | checker |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---|");
    for (name, doc, work) in days {
        for w in [0.0, 0.5] {
            let mut doc = doc.clone();
            doc["objective"]["long_wait_min"] = json!(w);
            let p = problem(doc);
            let (solved, v) = super::solved::solve_measured(&p, work);
            let (longest, over, beyond, all) = door_waits(&solved.plan);
            let trips = solved
                .plan
                .routes
                .iter()
                .flat_map(|r| r.steps.iter())
                .filter(|s| matches!(s, Step::Base { .. }))
                .count();
            println!(
                "| {name} | {w} | {longest:.0} | {over} | {beyond:.0} | {all:.0} | {trips} | {:.0} | {} |",
                solved.plan.summary.travel_min,
                if v.is_empty() {
                    "passes".to_string()
                } else {
                    format!("{} violations", v.len())
                }
            );
            assert!(v.is_empty(), "{}", listing(&v));
        }
    }
}
