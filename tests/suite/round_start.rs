//! Starts people can read (`options.round_start_min`, docs/EXTENSIONS.md): with a grid of
//! 5 minutes every planned start is 09:05, 09:10, ...; a window that holds no grid time
//! (a pin at 10:02) keeps its exact start; a double-up's pair and a gap's two visits stay
//! on the grid together; the checker refuses a start off the grid; bad values are refused
//! naming the field; and generated days with breaks, double-ups and insulin gaps plan on
//! the grid and pass the checker.
//!
//! Travel is a matrix over places on a line (minutes = distance), so the times below can be
//! worked out by hand.

use super::day;
use super::homecare::line;
use super::solved::{listing, solve_checked, travel};
use carerounds::check::{check, Rule, Violation};
use carerounds::model::{parse_problem, Plan, Problem, Step};
use proptest::prelude::*;
use serde_json::{json, Value};

/// Solves with one thread and a small fixed budget; asserts the checker accepts.
fn solve(p: &Problem) -> Plan {
    solve_checked(p, 300_000)
}

/// `(visit, staff, start minute)` of every visit step.
fn starts(plan: &Plan) -> Vec<(String, String, f64)> {
    plan.routes
        .iter()
        .flat_map(|r| {
            r.steps.iter().filter_map(move |s| match s {
                Step::Visit { visit, start, .. } => Some((visit.clone(), r.staff.clone(), start.0)),
                _ => None,
            })
        })
        .collect()
}

fn on_grid(t: f64, g: f64) -> bool {
    ((t / g).round() * g - t).abs() < 1e-6
}

/// An office at 0, clients at 7, 13 and 19 minutes; a nurse 08:00-17:00; three visits
/// whose earliest starts (08:07, 08:44, 09:56: travel, 30-minute visits and window openings) are off the
/// grid, and `extra` visits besides.
fn three_calls(grid: Value, extra: Value) -> Problem {
    let (locations, travel) = line(&[("office", 0.0), ("a", 7.0), ("b", 13.0), ("c", 19.0)]);
    let mut visits = vec![
        json!({"id": "v1", "location": "a", "duration_min": 30, "time_windows": [["08:00", "09:00"]]}),
        json!({"id": "v2", "location": "b", "duration_min": 30, "time_windows": [["08:44", "10:00"]]}),
        json!({"id": "v3", "location": "c", "duration_min": 30, "time_windows": [["09:56", "11:00"]]}),
    ];
    visits.extend(extra.as_array().cloned().unwrap_or_default());
    let doc = json!({
        "locations": locations, "travel": travel,
        "staff": [{"id": "nurse", "shift": {"start": "08:00", "end": "17:00"}, "start_location": "office"}],
        "visits": visits,
        "options": grid,
    });
    parse_problem(&doc.to_string()).unwrap_or_else(|e| panic!("test problem is invalid: {e}"))
}

#[test]
fn without_the_option_starts_are_exact_and_with_it_on_the_grid() {
    let exact = solve(&three_calls(json!({}), json!([])));
    let mut s = starts(&exact);
    s.sort_by(|a, b| a.2.total_cmp(&b.2));
    assert_eq!(s.iter().map(|x| x.2).collect::<Vec<_>>(), [487.0, 524.0, 596.0]);
    let rounded = solve(&three_calls(json!({"round_start_min": 5}), json!([])));
    let mut s = starts(&rounded);
    s.sort_by(|a, b| a.2.total_cmp(&b.2));
    // 08:07 -> 08:10; ends 08:40, 6 min to b: 08:46 -> 08:50; ends 09:20, b to c 6 min:
    // 09:26, the window opens at 09:56 -> 10:00.
    assert_eq!(s.iter().map(|x| x.2).collect::<Vec<_>>(), [490.0, 530.0, 600.0]);
    let quarter = solve(&three_calls(json!({"round_start_min": 15}), json!([])));
    assert!(
        starts(&quarter).iter().all(|x| on_grid(x.2, 15.0)),
        "{:?}",
        starts(&quarter)
    );
}

#[test]
fn a_window_without_a_grid_time_keeps_its_exact_start() {
    let pinned = json!([{"id": "pin", "location": "a", "duration_min": 20, "time_windows": [["12:02", "12:02"]]},
                        {"id": "narrow", "location": "b", "duration_min": 20, "time_windows": [["13:01", "13:04"]]}]);
    let plan = solve(&three_calls(json!({"round_start_min": 5}), pinned));
    let s = starts(&plan);
    let at = |id: &str| s.iter().find(|x| x.0 == id).map(|x| x.2);
    assert_eq!(at("pin"), Some(722.0));
    assert_eq!(at("narrow"), Some(781.0));
    assert!(
        s.iter()
            .filter(|x| x.0.starts_with('v'))
            .all(|x| on_grid(x.2, 5.0)),
        "{s:?}"
    );
}

#[test]
fn a_double_up_and_a_gap_stay_on_the_grid_together() {
    let (locations, travel) = line(&[("office", 0.0), ("a", 7.0), ("b", 11.0)]);
    let doc = json!({
        "locations": locations, "travel": travel,
        "staff": [
            {"id": "nurse", "shift": {"start": "08:00", "end": "17:00"}, "start_location": "office"},
            {"id": "carer", "shift": {"start": "08:03", "end": "17:00"}, "start_location": "office"},
        ],
        "visits": [
            {"id": "hoist", "location": "a", "duration_min": 30, "staff_count": 2, "time_windows": [["08:00", "09:00"]]},
            {"id": "dose1", "location": "b", "duration_min": 15, "time_windows": [["09:01", "10:00"]]},
            {"id": "dose2", "location": "b", "duration_min": 15, "time_windows": [["11:00", "15:00"]],
             "after": [{"visit": "dose1", "min_gap_min": 181, "max_gap_min": 200}]},
        ],
        "options": {"round_start_min": 5},
    });
    let p = parse_problem(&doc.to_string()).expect("problem");
    let plan = solve(&p);
    let s = starts(&plan);
    let of = |id: &str| s.iter().filter(|x| x.0 == id).map(|x| x.2).collect::<Vec<_>>();
    // The carer starts 08:03 and arrives at 08:10; the nurse waits for her.
    assert_eq!(of("hoist"), [490.0, 490.0]);
    let (d1, d2) = (of("dose1")[0], of("dose2")[0]);
    assert!(on_grid(d1, 5.0) && on_grid(d2, 5.0), "{s:?}");
    assert!((181.0..=200.0).contains(&(d2 - d1)), "{s:?}");
}

#[test]
fn the_checker_refuses_a_start_off_the_grid() {
    let exact = solve(&three_calls(json!({}), json!([])));
    let p = three_calls(json!({"round_start_min": 5}), json!([]));
    let v = check(&p, &travel(&p), &exact);
    let off: Vec<&Violation> = v.iter().filter(|v| v.rule == Rule::RoundStart).collect();
    assert_eq!(off.len(), 3, "{}", listing(&v));
    assert_eq!(
        off[0].to_string(),
        "[round_start] nurse / v1: start 08:07:00 is not on the 5-minute grid that options.round_start_min asks for"
    );
    assert_eq!(
        serde_json::to_value(Rule::RoundStart).unwrap(),
        json!("round_start")
    );
}

#[test]
fn bad_values_are_refused_naming_the_field() {
    for bad in [json!(0), json!(2.5), json!(61), json!(-5)] {
        let (locations, travel) = line(&[("office", 0.0)]);
        let doc = json!({
            "locations": locations, "travel": travel,
            "staff": [{"id": "n", "shift": {"start": "08:00", "end": "17:00"}, "start_location": "office"}],
            "visits": [],
            "options": {"round_start_min": bad},
        });
        let e = parse_problem(&doc.to_string()).expect_err("refused").to_string();
        assert!(
            e.starts_with(
                "options.round_start_min: round_start_min must be a whole number of minutes from 1 to 60"
            ),
            "{bad}: {e}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    /// Generated days (breaks, office time, double-ups, insulin gaps) on 5-, 10- and
    /// 15-minute grids: the checker accepts the plan and every start is on the grid.
    #[test]
    fn generated_days_plan_on_the_grid(seed in 1u64..1_000, g in prop::sample::select(vec![5u32, 10, 15])) {
        let mut doc = day::day(30, 5, seed);
        doc["options"] = json!({"round_start_min": g});
        let p = parse_problem(&doc.to_string()).expect("generated day");
        let plan = solve(&p);
        for (visit, staff, t) in starts(&plan) {
            prop_assert!(on_grid(t, f64::from(g)), "{staff} / {visit} starts at {t} off a {g}-minute grid");
        }
    }
}
