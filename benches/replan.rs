//! Re-planning quality and speed (issue "Re-plan the day as it happens"): on the sample
//! day and generated days of 80, 150 and 300 visits, for an absence at 08:00 (all day),
//! at 11:00 and at 14:00, and an overrun, a cancellation and an urgent visit together at
//! 11:00. Each scenario is answered three ways:
//! - **naive**: what a scheduler does by hand: the old rounds kept, each visit that lost
//!   its staff given to whoever can take it most cheaply, nothing else moved (the
//!   re-plan's warm start and greedy insertion, with no search);
//! - **re-plan**: `replan` as a user runs it (`REPLAN_SECONDS`, default 2 s);
//! - **fresh**: a full solve of the same new problem (history frozen) from scratch,
//!   without the few-changes terms (`FRESH_SECONDS`, default 10 s).
//!
//! The day's plan is solved first for `BASE_SECONDS` (default: as long as the fresh solve).
//! Travel is compared for the same problem; "moved" counts visits that changed staff
//! among staff who were not absent. Prints one Markdown table for BENCHMARKS.md.
//!
//! `cargo bench --bench replan` (one thread per solve; run it on an idle machine).
//! `REPLAN_MOVED` and `REPLAN_RETIMED` set the few-changes weights of the events;
//! `REPLAN_DAYS=300` runs only the days whose name contains it; `REPLAN_VERBOSE=1` prints
//! each solve's iterations and why it stopped; `REPLAN_SEED` sets the seed of every solve
//! (default 1); `REPLAN_DUMP=DIR` writes the days, their plans and the events there;
//! `FRESH_SEEDS=K` solves each new problem fresh with K seeds and counts how often the
//! others are within 3% of the first (how noisy the reference of the 3% target is);
//! `REPLAN_COLD=1` solves the re-plan's problem without the warm start (an experiment:
//! same few-changes terms, a fresh construction).
//! Each solve runs on the work budget of its seconds (as a user's deterministic run does),
//! so a loaded machine changes the times but not the plans.

#[path = "common/day.rs"]
mod day;

use carerounds::check::check;
use carerounds::model::input::ProblemInput;
use carerounds::model::{parse_problem, validate, Plan, Problem, Step};
use carerounds::replan::{self, parse_events};
use carerounds::solve::config::WORK_PER_SECOND;
use carerounds::solve::Solver;
use carerounds::travel::TravelMatrix;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

fn env_secs(name: &str, default: f64) -> f64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The seed of every solve (`REPLAN_SEED`, default 1).
fn seed() -> u64 {
    std::env::var("REPLAN_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
}

/// A solve at one thread with the work budget a user's run of `seconds` gets
/// (deterministic mode), or `work` when given (the naive fix). The wall-clock limit is
/// set well above it, so that a loaded machine changes the times printed but not the
/// plans: on an idle machine the work budget ends the run before `seconds` anyway.
fn solve(p: &Problem, seconds: f64, warm: Option<Plan>, work: Option<u64>) -> Plan {
    solve_seeded(p, seconds, warm, work, seed())
}

/// [`solve`] with another seed than `REPLAN_SEED`.
fn solve_seeded(p: &Problem, seconds: f64, warm: Option<Plan>, work: Option<u64>, seed: u64) -> Plan {
    let budget = work.unwrap_or((seconds * WORK_PER_SECOND) as u64);
    let mut solver = Solver::new(p, TravelMatrix::computed(p).expect("computed travel"))
        .threads(1)
        .seed(seed)
        .time_limit(Duration::from_secs_f64(60.0 * seconds))
        .work_budget(budget);
    if let Some(plan) = warm {
        solver = solver.start_from(plan);
    }
    let solved = solver.run();
    if std::env::var_os("REPLAN_VERBOSE").is_some() {
        eprintln!(
            "  {} visits: {} iterations, {:?}, {:.2} s",
            p.visits.len(),
            solved.iterations,
            solved.stop,
            solved.elapsed.as_secs_f64()
        );
    }
    solved.plan
}

/// `visit -> (staff set, start)` of a plan.
fn assignments(plan: &Plan) -> BTreeMap<String, (BTreeSet<String>, f64)> {
    let mut out: BTreeMap<String, (BTreeSet<String>, f64)> = BTreeMap::new();
    for r in &plan.routes {
        for s in &r.steps {
            if let Step::Visit { visit, start, .. } = s {
                let e = out.entry(visit.clone()).or_insert((BTreeSet::new(), start.0));
                e.0.insert(r.staff.clone());
            }
        }
    }
    out
}

/// Visits both plans make whose staff changed, not counting visits of `absent` staff.
fn moved(old: &Plan, new: &Plan, absent: &str) -> usize {
    let (a, b) = (assignments(old), assignments(new));
    a.iter()
        .filter(|(v, (staff, _))| !staff.contains(absent) && b.get(*v).is_some_and(|(s, _)| s != staff))
        .count()
}

fn required_unassigned(p: &Problem, plan: &Plan) -> usize {
    plan.unassigned
        .iter()
        .filter(|u| p.visit_index(&u.visit).is_some_and(|v| p.visits[v].required))
        .count()
}

/// The staff member with the most visits: the absence that hurts most.
fn busiest(plan: &Plan) -> String {
    let count =
        |r: &carerounds::model::RoutePlan| r.steps.iter().filter(|s| matches!(s, Step::Visit { .. })).count();
    plan.routes
        .iter()
        .max_by_key(|r| count(r))
        .map(|r| r.staff.clone())
        .unwrap()
}

fn hhmm(m: f64) -> String {
    format!("{:02}:{:02}", (m / 60.0) as u32, (m % 60.0) as u32)
}

/// The events of each scenario, from the old plan.
fn scenarios(plan: &Plan) -> Vec<(&'static str, Value)> {
    let who = busiest(plan);
    let mut out = vec![
        (
            "absent all day (08:00)",
            json!({"now": "08:00", "events": [{"type": "staff_absent", "staff": who}]}),
        ),
        (
            "absent from 11:00",
            json!({"now": "11:00", "events": [{"type": "staff_absent", "staff": who, "from": "11:00"}]}),
        ),
        (
            "absent from 14:00",
            json!({"now": "14:00", "events": [{"type": "staff_absent", "staff": who, "from": "14:00"}]}),
        ),
    ];
    // At 11:00: a visit in progress overruns by 40 minutes, a later visit of someone else
    // is cancelled, and an urgent visit must be made within three hours.
    let now = 660.0;
    let mut events = Vec::new();
    let mut overrun = None;
    for r in &plan.routes {
        for s in &r.steps {
            if let Step::Visit {
                visit, start, end, ..
            } = s
            {
                if overrun.is_none() && start.0 <= now && now < end.0 {
                    overrun = Some(r.staff.clone());
                    events.push(
                        json!({"type": "visit_times", "visit": visit, "start": hhmm(start.0),
                        "expected_end": hhmm(end.0 + 40.0)}),
                    );
                }
            }
        }
    }
    'cancel: for r in &plan.routes {
        if Some(&r.staff) == overrun.as_ref() {
            continue;
        }
        for s in &r.steps {
            if let Step::Visit { visit, start, .. } = s {
                if start.0 > now + 60.0 {
                    events.push(json!({"type": "visit_cancelled", "visit": visit}));
                    break 'cancel;
                }
            }
        }
    }
    let mut urgent = day::new_visit(7);
    urgent["id"] = json!("urgent1");
    urgent["duration_min"] = json!(45);
    urgent["time_windows"] = json!([["11:30", "14:00"]]);
    events.push(json!({"type": "visit_added", "visit": urgent}));
    out.push((
        "overrun + cancel + urgent (11:00)",
        json!({"now": "11:00", "events": events}),
    ));
    out
}

/// The few-changes weights from `REPLAN_MOVED` and `REPLAN_RETIMED`, when given (the
/// defaults otherwise): to see what the weights cost in travel.
fn weights() -> Option<Value> {
    let get = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<f64>().ok());
    let (moved, retimed) = (get("REPLAN_MOVED"), get("REPLAN_RETIMED"));
    (moved.is_some() || retimed.is_some()).then(|| {
        let mut w = json!({});
        if let Some(m) = moved {
            w["moved_visit"] = json!(m);
        }
        if let Some(r) = retimed {
            w["retimed_min"] = json!(r);
        }
        w
    })
}

fn without_change_costs(input: &ProblemInput) -> Problem {
    let mut fresh = input.clone();
    for v in &mut fresh.visits {
        v.planned_staff.clear();
        v.planned_start = None;
    }
    validate(&fresh).expect("the new problem validates")
}

fn main() {
    // `cargo bench` passes `--bench`; nothing to parse.
    let replan_s = env_secs("REPLAN_SECONDS", 2.0);
    let fresh_s = env_secs("FRESH_SECONDS", 10.0);
    // The day's plan as made before it started: as long a search as the fresh solve gets,
    // so that the comparison is about the events, not about a less searched start.
    let base_s = env_secs("BASE_SECONDS", fresh_s);
    let sample: Value = serde_json::from_str(include_str!("../data/sample-day.json")).unwrap();
    let days = [
        ("sample day", sample),
        ("generated 80", day::day(80, 10, 1)),
        ("generated 150", day::day(150, 18, 2)),
        ("generated 300", day::day(300, 36, 3)),
    ];
    println!(
        "day's plan {base_s} s, re-plan {replan_s} s, fresh solve {fresh_s} s (their work budgets), 1 thread each, seed {}; travel in minutes; weights {}",
        seed(),
        weights().map_or("default".to_string(), |w| w.to_string())
    );
    println!();
    println!("| day | scenario | naive: time, travel, moved, unassigned | re-plan: first answer, answer, travel, moved, unassigned | fresh: travel, moved, unassigned | re-plan vs fresh travel | moved vs fresh | objective without few-changes terms, re-plan/fresh |");
    println!("|---|---|---|---|---|---|---|---|");
    let (mut cases, mut near, mut few, mut both, mut near_objective) = (0, 0, 0, 0, 0);
    let (mut fresh_pairs, mut fresh_near) = (0, 0);
    // `REPLAN_DAYS=300` runs only the days whose name contains it.
    let only = std::env::var("REPLAN_DAYS").ok();
    for (name, doc) in days {
        if only.as_deref().is_some_and(|o| !name.contains(o)) {
            continue;
        }
        let input: ProblemInput = serde_json::from_value(doc.clone()).unwrap();
        let problem = parse_problem(&doc.to_string()).unwrap();
        let old = solve(&problem, base_s, None, None);
        // `REPLAN_DUMP=DIR` writes each day, its plan and each scenario's events there, to
        // try them with the CLI.
        let dump = std::env::var_os("REPLAN_DUMP").map(std::path::PathBuf::from);
        let slug = name.replace(' ', "-");
        if let Some(dir) = &dump {
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(dir.join(format!("{slug}.json")), doc.to_string()).unwrap();
            std::fs::write(
                dir.join(format!("{slug}-plan.json")),
                serde_json::to_string(&old).unwrap(),
            )
            .unwrap();
        }
        for (k, (scenario, mut events)) in scenarios(&old).into_iter().enumerate() {
            if let Some(w) = weights() {
                events["weights"] = w;
            }
            if let Some(dir) = &dump {
                std::fs::write(dir.join(format!("{slug}-events{k}.json")), events.to_string()).unwrap();
            }
            let events = parse_events(&events.to_string()).expect("scenario events parse");
            let absent = events
                .events
                .iter()
                .find_map(|e| match e {
                    replan::events::Event::StaffAbsent { staff, .. } => Some(staff.clone()),
                    _ => None,
                })
                .unwrap_or_default();
            // Naive: warm start plus greedy insertion, no search.
            let t = Instant::now();
            let mut prepared = replan::prepare(&input, &old, &events).expect("scenario applies");
            let travel = TravelMatrix::computed(&prepared.validated).unwrap().into();
            let warm = replan::warm_start(&mut prepared, travel);
            let naive = solve(&prepared.validated, replan_s, Some(warm), Some(1));
            let naive_s = t.elapsed().as_secs_f64();
            // Re-plan as a user runs it.
            let t = Instant::now();
            let mut prepared = replan::prepare(&input, &old, &events).expect("scenario applies");
            let travel = TravelMatrix::computed(&prepared.validated).unwrap().into();
            let warm = replan::warm_start(&mut prepared, travel);
            // `REPLAN_COLD=1`: the same problem solved without the warm start (an
            // experiment: does the old plan as a start keep visits out?).
            let warm = std::env::var_os("REPLAN_COLD").is_none().then_some(warm);
            let new = solve(&prepared.validated, replan_s, warm, None);
            let answer = replan::finish(&prepared, new);
            let replan_t = t.elapsed().as_secs_f64();
            let fresh_p = without_change_costs(&prepared.problem);
            let fresh = solve(&fresh_p, fresh_s, None, None);
            // `FRESH_SEEDS=K`: K − 1 more fresh solves with the next seeds, to see how far
            // fresh solves of the same problem are from each other (the spread the
            // re-plan's 3% target has to live within).
            let others: Vec<Plan> = (1..fresh_seeds())
                .map(|k| solve_seeded(&fresh_p, fresh_s, None, None, seed() + k))
                .collect();
            let p = &prepared.validated;
            let travel = TravelMatrix::computed(p).unwrap();
            for (what, problem, plan) in [
                ("naive", p, &naive),
                ("re-plan", p, &answer.plan),
                ("fresh", &fresh_p, &fresh),
            ] {
                let found = check(problem, &travel, plan);
                assert!(found.is_empty(), "{name}, {scenario}, {what}: {found:?}");
            }
            if std::env::var_os("REPLAN_VERBOSE").is_some() {
                for (what, plan) in [("re-plan", &answer.plan), ("fresh", &fresh)] {
                    for u in &plan.unassigned {
                        eprintln!("  {scenario}: {what} leaves {}: {}", u.visit, u.reason);
                    }
                }
            }
            let (tn, tr, tf) = (
                naive.summary.travel_min,
                answer.plan.summary.travel_min,
                fresh.summary.travel_min,
            );
            let (mn, mr, mf) = (
                moved(&old, &naive, &absent),
                moved(&old, &answer.plan, &absent),
                moved(&old, &fresh, &absent),
            );
            // Targets: travel within 3% of the fresh solve, and at most a third of its moves;
            // leaving more required visits unmade than the fresh solve fails both.
            let (ur, uf) = (
                required_unassigned(p, &answer.plan),
                required_unassigned(&fresh_p, &fresh),
            );
            let travel_ok = ur <= uf && tr <= 1.03 * tf + 1e-9;
            // The objective the fresh solve minimises (no few-changes terms), of the
            // re-plan's rounds timed again under the fresh problem: travel less the office
            // time at base the trips buy, and the rest of the weighted terms.
            let (or, of) = (
                carerounds::retime::retime(
                    &fresh_p,
                    TravelMatrix::computed(&fresh_p).unwrap(),
                    &answer.plan.rounds(),
                )
                .map_err(|e| {
                    if std::env::var_os("REPLAN_VERBOSE").is_some() {
                        eprintln!("  {name}, {scenario}: retime refuses the re-plan's rounds: {e}");
                    }
                })
                .ok()
                .map(|q| q.summary.objective),
                fresh.summary.objective,
            );
            let objective_ok = ur <= uf && or.is_some_and(|o| o <= of + 0.03 * of.abs() + 1e-9);
            near_objective += usize::from(objective_ok);
            for other in &others {
                let (t, u) = (other.summary.travel_min, required_unassigned(&fresh_p, other));
                fresh_pairs += 1;
                fresh_near += usize::from(u <= uf && t <= 1.03 * tf + 1e-9);
                eprintln!(
                    "  {name}, {scenario}: another fresh solve: travel {t:.0} ({:+.1}%), {} moved, {u} required out",
                    100.0 * (t - tf) / tf.max(1e-9),
                    moved(&old, other, &absent)
                );
            }
            let moves_ok = 3 * mr <= mf;
            cases += 1;
            near += usize::from(travel_ok);
            few += usize::from(moves_ok);
            both += usize::from(travel_ok && moves_ok);
            println!(
                "| {name} | {scenario} | {naive_s:.2} s, {tn:.0}, {mn}, {} | {naive_s:.2} s, {replan_t:.2} s, {tr:.0}, {mr}, {} | {tf:.0}, {mf}, {} | {:+.1}% | {} | {} |",
                required_unassigned(p, &naive),
                ur,
                uf,
                100.0 * (tr - tf) / tf.max(1e-9),
                if mf == 0 { format!("{mr} vs 0") } else { format!("{:.2}x", mr as f64 / mf as f64) },
                or.map_or("retime refuses".to_string(), |o| format!(
                    "{o:.0}/{of:.0} ({:+.1}%)",
                    100.0 * (o - of) / of.abs().max(1e-9)
                )),
            );
        }
    }
    println!();
    println!(
        "travel within 3% of the fresh solve: {near}/{cases}; moved at most a third of its visits: {few}/{cases}; both: {both}/{cases}; objective within 3%: {near_objective}/{cases}"
    );
    if fresh_pairs > 0 {
        println!(
            "fresh solves with other seeds within 3% of the seed-{} fresh solve's travel (no more required visits out): {fresh_near}/{fresh_pairs}",
            seed()
        );
    }
}

/// How many fresh solves per case (`FRESH_SEEDS`, default 1).
fn fresh_seeds() -> u64 {
    std::env::var("FRESH_SEEDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1)
}
