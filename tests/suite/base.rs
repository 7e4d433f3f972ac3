//! Back to base in long gaps (docs/EXTENSIONS.md): a nurse with two insulin doses four
//! hours apart drives back to the office between them, and the plan counts the stay as
//! office time and the drive as travel; a short gap, `base_min` 0 or `max_travel_min`
//! keep her at the door; the checker refuses a base step that is too short, late for the
//! next visit or in the wrong place; and random days with long gaps pass the checker.
//!
//! Travel is a matrix over places on a line (minutes = distance, km = half), so every
//! figure below can be worked out by hand.

use super::homecare::line;
use super::solved::{listing, solve_checked, travel};
use carerounds::check::{check, Rule, Violation};
use carerounds::model::time::Clock;
use carerounds::model::{parse_problem, Plan, Problem, Step};
use carerounds::solve::Solver;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::time::Duration;

const TOL: f64 = 1e-3;

/// The office at 0 and a client 10 minutes away; the nurse works 08:00-17:00 from the
/// office; the first dose at 09:00, the second at `second` (both 30 minutes); `nurse`
/// and `problem` add fields to the nurse and to the problem.
fn doses(second: &str, nurse: Value, problem: Value) -> Problem {
    let (locations, travel) = line(&[("office", 0.0), ("a", 10.0), ("b", 12.0)]);
    let mut n = json!({"id": "nurse", "shift": {"start": "08:00", "end": "17:00"},
                       "start_location": "office"});
    merge(&mut n, &nurse);
    let mut doc = json!({
        "locations": locations, "travel": travel, "staff": [n],
        "visits": [
            {"id": "dose1", "location": "a", "duration_min": 30, "time_windows": [["09:00", "09:00"]]},
            {"id": "dose2", "location": "a", "duration_min": 30, "time_windows": [[second, second]]},
        ],
    });
    merge(&mut doc, &problem);
    parse_problem(&doc.to_string()).unwrap_or_else(|e| panic!("test problem is invalid: {e}"))
}

fn merge(into: &mut Value, from: &Value) {
    if let (Some(obj), Some(add)) = (into.as_object_mut(), from.as_object()) {
        for (k, x) in add {
            obj.insert(k.clone(), x.clone());
        }
    }
}

/// Solves with one thread and a small fixed budget; asserts the checker accepts.
fn solve(p: &Problem) -> Plan {
    solve_checked(p, 1_000_000)
}

fn kinds(plan: &Plan) -> Vec<&str> {
    plan.routes[0]
        .steps
        .iter()
        .map(|s| match s {
            Step::Start { .. } => "start",
            Step::Visit { visit, .. } => visit.as_str(),
            Step::Base { .. } => "base",
            Step::Break { .. } => "break",
            Step::End { .. } => "end",
        })
        .collect()
}

fn base_step(plan: &mut Plan) -> &mut Step {
    plan.routes[0]
        .steps
        .iter_mut()
        .find(|s| matches!(s, Step::Base { .. }))
        .expect("a base step")
}

#[test]
fn a_four_hour_gap_sends_the_nurse_to_base_for_office_time() {
    let p = doses("13:00", json!({}), json!({}));
    let plan = solve(&p);
    assert_eq!(kinds(&plan), ["start", "dose1", "base", "dose2", "end"]);
    let steps = &plan.routes[0].steps;
    let Step::Base {
        arrival,
        departure,
        travel_min,
        ..
    } = &steps[2]
    else {
        unreachable!()
    };
    // Leaves dose1 at 09:30, 10 min to base; leaves base 10 min before 13:00.
    assert!((arrival.minutes() - (9.0 * 60.0 + 40.0)).abs() < TOL);
    assert!((departure.minutes() - (12.0 * 60.0 + 50.0)).abs() < TOL);
    assert!((travel_min - 10.0).abs() < TOL);
    let Step::Visit {
        arrival, wait_min, ..
    } = &steps[3]
    else {
        unreachable!()
    };
    assert!((arrival.minutes() - 13.0 * 60.0).abs() < TOL);
    assert!(wait_min.abs() < TOL);
    let r = &plan.routes[0];
    // Out 08:50, back 13:40; four 10-minute legs; 190 min at base.
    assert!((r.travel_min - 40.0).abs() < TOL, "{}", r.travel_min);
    assert!((r.distance_km - 20.0).abs() < TOL);
    assert!(r.wait_min.abs() < TOL, "{}", r.wait_min);
    assert!(
        (r.free_min - (540.0 - 290.0 + 190.0)).abs() < TOL,
        "{}",
        r.free_min
    );
    // Travel 40 less half a minute per minute at base.
    assert!((plan.summary.objective - (40.0 - 0.5 * 190.0)).abs() < TOL);
}

#[test]
fn a_short_gap_waits_at_the_door() {
    // 50 minutes between the doses: 30 at base for 20 more minutes' driving does not pay
    // at half a travel minute per office minute.
    let plan = solve(&doses("10:20", json!({}), json!({})));
    assert_eq!(kinds(&plan), ["start", "dose1", "dose2", "end"]);
    assert!((plan.routes[0].wait_min - 50.0).abs() < TOL);
}

#[test]
fn base_min_zero_or_max_travel_keep_her_at_the_door() {
    let off = doses("13:00", json!({}), json!({"objective": {"base_min": 0}}));
    assert_eq!(kinds(&solve(&off)), ["start", "dose1", "dose2", "end"]);
    // 20 min out and back; a trip would make 40.
    let capped = doses("13:00", json!({"max_travel_min": 30}), json!({}));
    let plan = solve(&capped);
    assert_eq!(kinds(&plan), ["start", "dose1", "dose2", "end"]);
    assert!((plan.routes[0].travel_min - 20.0).abs() < TOL);
}

#[test]
fn a_break_in_the_gap_is_taken_at_base() {
    let p = doses(
        "13:00",
        json!({"breaks": [{"earliest": "12:00", "latest": "12:30", "duration_min": 30}]}),
        json!({}),
    );
    let plan = solve(&p);
    assert_eq!(kinds(&plan), ["start", "dose1", "base", "break", "dose2", "end"]);
    let Step::Break { start, .. } = &plan.routes[0].steps[3] else {
        unreachable!()
    };
    assert!((start.minutes() - 12.0 * 60.0).abs() < TOL);
    // 190 min at base less the 30-minute break.
    let r = &plan.routes[0];
    assert!(
        (r.free_min - (540.0 - 290.0 + 160.0)).abs() < TOL,
        "{}",
        r.free_min
    );
    assert!((r.break_min - 30.0).abs() < TOL);
}

/// The one violation of `rule` the changed plan has (others may come with it).
fn refused(p: &Problem, plan: &Plan, rule: Rule) -> Violation {
    let v = check(p, &travel(p), plan);
    v.iter()
        .find(|x| x.rule == rule)
        .cloned()
        .unwrap_or_else(|| panic!("no {rule} violation in: {}", listing(&v)))
}

#[test]
fn the_checker_refuses_a_stay_too_short_late_or_in_the_wrong_place() {
    let p = doses("13:00", json!({}), json!({}));
    let good = solve(&p);

    // Back at base for only 20 minutes (and the rest of the gap at the door).
    let mut short = good.clone();
    if let Step::Base {
        arrival, departure, ..
    } = base_step(&mut short)
    {
        *departure = Clock(arrival.0 + 20.0);
    }
    let v = refused(&p, &short, Rule::BaseStay);
    assert!(v.message.contains("20 min of office time"), "{}", v.message);

    // Leaving base five minutes late: dose2's arrival at 13:00 is too early to be true.
    let mut late = good.clone();
    if let Step::Base { departure, .. } = base_step(&mut late) {
        *departure = Clock(departure.0 + 5.0);
    }
    let v = refused(&p, &late, Rule::Timing);
    assert_eq!(v.visit.as_deref(), Some("dose2"));

    // A "base" at the client's: not the nurse's start location.
    let mut elsewhere = good.clone();
    if let Step::Base { location, .. } = base_step(&mut elsewhere) {
        *location = carerounds::model::input::LocationRef::Id("b".into());
    }
    let v = refused(&p, &elsewhere, Rule::Location);
    assert!(v.message.contains("base location is 'b'"), "{}", v.message);

    // Plans written before base steps (none) still read and check: the door wait.
    let off = doses("13:00", json!({}), json!({"objective": {"base_min": 0}}));
    let old: Plan = serde_json::from_str(&serde_json::to_string(&solve(&off)).unwrap()).unwrap();
    assert!(check(&off, &travel(&off), &old).is_empty());
}

/// A random day on a line with pairs of visits tied by long `after` gaps, breaks and a
/// double-handed visit: the gaps that base trips are made for.
fn random_day(seed: u64) -> Problem {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut places: Vec<(String, f64)> = vec![("office".into(), 0.0), ("home".into(), rng.f64() * 20.0)];
    for i in 0..8 {
        places.push((format!("c{i}"), rng.f64() * 40.0));
    }
    let named: Vec<(&str, f64)> = places.iter().map(|(n, x)| (n.as_str(), *x)).collect();
    let (locations, travel) = line(&named);
    let staff: Vec<Value> = (0..3)
        .map(|i| {
            let mut s = json!({"id": format!("s{i}"), "shift": {"start": "07:30", "end": "18:00"},
                               "start_location": if i == 2 { "home" } else { "office" }});
            if rng.bool() {
                s["breaks"] = json!([{"earliest": "11:30", "latest": "13:30", "duration_min": 30}]);
            }
            if rng.f64() < 0.3 {
                s["max_travel_min"] = json!(rng.u32(60..200));
            }
            s
        })
        .collect();
    let mut visits = Vec::new();
    for i in 0..8 {
        let at = 480 + rng.u32(0..120);
        visits.push(
            json!({"id": format!("m{i}"), "location": format!("c{i}"), "duration_min": rng.u32(15..45),
                           "time_windows": [[at, at + rng.u32(0..60)]], "priority": "optional"}),
        );
        if rng.bool() {
            let gap = rng.u32(120..300);
            visits.push(json!({"id": format!("e{i}"), "location": format!("c{i}"), "duration_min": 20,
                               "priority": "optional",
                               "after": [{"visit": format!("m{i}"), "min_gap_min": gap, "max_gap_min": gap + 30}]}));
        }
    }
    visits.push(
        json!({"id": "double", "location": "c0", "duration_min": 30, "staff_count": 2,
                       "time_windows": [["14:00", "15:00"]], "priority": "optional"}),
    );
    let doc = json!({"locations": locations, "travel": travel, "staff": staff, "visits": visits});
    parse_problem(&doc.to_string()).unwrap_or_else(|e| panic!("random day is invalid: {e}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn plans_with_base_trips_pass_the_checker(seed in 0u64..1_000_000) {
        let p = random_day(seed);
        let solved = Solver::new(&p, travel(&p))
            .threads(1)
            .seed(seed)
            .work_budget(300_000)
            .time_limit(Duration::from_secs(20))
            .run();
        let v = check(&p, &travel(&p), &solved.plan);
        prop_assert!(v.is_empty(), "seed {}: {}", seed, listing(&v));
    }
}

/// Trips, office minutes at base, travel, free and waiting minutes of a plan.
fn figures(plan: &Plan) -> (usize, f64, f64, f64, f64) {
    let mut trips = 0;
    let mut at_base = 0.0;
    for r in &plan.routes {
        for (k, s) in r.steps.iter().enumerate() {
            if let Step::Base {
                arrival, departure, ..
            } = s
            {
                let breaks: f64 = r.steps[k + 1..]
                    .iter()
                    .map_while(|b| match b {
                        Step::Break { start, end } => Some(end.0 - start.0),
                        _ => None,
                    })
                    .sum();
                trips += 1;
                at_base += departure.0 - arrival.0 - breaks;
            }
        }
    }
    let wait: f64 = plan.routes.iter().map(|r| r.wait_min).sum();
    (
        trips,
        at_base,
        plan.summary.travel_min,
        plan.summary.free_min,
        wait,
    )
}

/// The BENCHMARKS.md table "Back to base in long gaps": the sample day and generated
/// days solved at `base_min` 0 (no trips), 0.5 (the default) and 1, one thread, a fixed
/// work budget. Run with `cargo test --release --test suite base::measure -- --ignored
/// --nocapture`.
#[test]
#[ignore = "a measurement for BENCHMARKS.md (about a minute)"]
fn measure() {
    let days = super::solved::measured_days();
    println!("| day | base_min | trips | office at base, min | travel min | free office min | waiting min | checker |");
    println!("|---|---:|---:|---:|---:|---:|---:|---|");
    for (name, doc, work) in days {
        for w in [0.0, 0.5, 1.0] {
            let mut doc = doc.clone();
            doc["objective"]["base_min"] = json!(w);
            let p = parse_problem(&doc.to_string()).expect("valid day");
            let (solved, v) = super::solved::solve_measured(&p, work);
            let (trips, at_base, travel_min, free, wait) = figures(&solved.plan);
            println!(
                "| {name} | {w} | {trips} | {at_base:.0} | {travel_min:.0} | {free:.0} | {wait:.0} | {} |",
                if v.is_empty() {
                    "passes".to_string()
                } else {
                    format!("{} violations", v.len())
                }
            );
            assert!(v.is_empty(), "{}", listing(&v));
            if w == 0.0 {
                // The same rounds with trips added where they pay at the default: the
                // effect of the trips alone, without the search's different choices.
                let mut with = doc.clone();
                with["objective"]["base_min"] = json!(0.5);
                let q = parse_problem(&with.to_string()).expect("valid day");
                let rounds = solved.plan.rounds();
                // Re-timing settles coupled starts from scratch, which can break a round the
                // search kept feasible (a break no longer fits): then there is no such row.
                let plan = match carerounds::retime::retime(&q, travel(&q), &rounds) {
                    Ok(plan) => plan,
                    Err(e) => {
                        println!("| {name} | 0 → 0.5, same rounds | retime refuses the rounds: {e} |");
                        continue;
                    }
                };
                let v = check(&q, &travel(&q), &plan);
                let (trips, at_base, travel_min, free, wait) = figures(&plan);
                println!(
                    "| {name} | 0 → 0.5, same rounds | {trips} | {at_base:.0} | {travel_min:.0} | {free:.0} | {wait:.0} | {} |",
                    if v.is_empty() { "passes".to_string() } else { format!("{} violations", v.len()) }
                );
                assert!(v.is_empty(), "{}", listing(&v));
            }
        }
    }
}
