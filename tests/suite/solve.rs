//! End to end: every plan the solver returns passes the independent checker.

use carerounds::check::check;
use carerounds::formats::solomon::{read_solomon, Rounding};
use carerounds::model::{parse_problem, validate, Problem};
use carerounds::solve::{Solver, StopReason};
use std::time::Duration;

fn sample_day() -> Problem {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample-day.json")).unwrap();
    parse_problem(&text).unwrap()
}

fn solomon(name: &str, rounding: Rounding) -> Problem {
    let path = format!("{}/data/solomon/{name}.txt", env!("CARGO_MANIFEST_DIR"));
    let inst = read_solomon(&std::fs::read_to_string(path).unwrap(), rounding).unwrap();
    validate(&inst.problem).unwrap()
}

fn assert_feasible(problem: &Problem, plan: &carerounds::model::Plan) {
    let v = check(
        problem,
        &carerounds::travel::sources::build(problem).expect("travel"),
        plan,
    );
    assert!(
        v.is_empty(),
        "checker found {} violations, first: {}",
        v.len(),
        v[0]
    );
}

#[test]
fn sample_day_plan_passes_the_checker() {
    let p = sample_day();
    let solved = Solver::new(&p, carerounds::travel::sources::build(&p).expect("travel"))
        .time_limit(Duration::from_secs(2))
        .threads(1)
        .run();
    assert_feasible(&p, &solved.plan);
    // Every unassigned visit carries a reason.
    assert!(solved.plan.unassigned.iter().all(|u| !u.reason.is_empty()));
    let required_unassigned = solved
        .plan
        .unassigned
        .iter()
        .filter(|u| p.visits[p.visit_index(&u.visit).unwrap()].required)
        .count();
    assert!(
        required_unassigned <= 2,
        "{required_unassigned} required visits unassigned"
    );
}

#[test]
fn same_seed_gives_the_same_plan() {
    let p = sample_day();
    for threads in [1, 2] {
        let run = || {
            Solver::new(&p, carerounds::travel::sources::build(&p).expect("travel"))
                .time_limit(Duration::from_secs(60))
                .work_budget(15_000_000)
                .seed(3)
                .threads(threads)
                .run()
        };
        let (a, b) = (run(), run());
        assert_eq!(
            a.stop,
            StopReason::Completed,
            "the work budget, not the clock, must end the run"
        );
        assert_eq!(a.plan, b.plan, "threads = {threads}");
        assert_eq!(a.iterations, b.iterations);
    }
}

#[test]
fn bundled_solomon_instances_solve_feasibly() {
    for name in ["C101", "C201", "R101", "R201", "RC101", "RC201", "R112", "RC208"] {
        for rounding in [Rounding::Exact, Rounding::Dimacs] {
            let p = solomon(name, rounding);
            let solved = Solver::new(&p, carerounds::travel::sources::build(&p).expect("travel"))
                .time_limit(Duration::from_millis(500))
                .threads(1)
                .run();
            assert_feasible(&p, &solved.plan);
            assert!(solved.plan.unassigned.is_empty(), "{name}: visits unassigned");
            let routes = solved.plan.routes.iter().filter(|r| r.steps.len() > 2).count();
            assert!(routes <= p.staff.len());
        }
    }
}

#[test]
fn a_search_started_from_a_plan_keeps_its_rounds_or_improves_them() {
    let p = sample_day();
    let first = Solver::new(&p, carerounds::travel::sources::build(&p).expect("travel"))
        .time_limit(Duration::from_secs(60))
        .work_budget(3_000_000)
        .threads(1)
        .run()
        .plan;
    // No time at all: the plan comes back as it was given.
    let same = Solver::new(&p, carerounds::travel::sources::build(&p).expect("travel"))
        .time_limit(Duration::ZERO)
        .threads(1)
        .start_from(first.clone())
        .run()
        .plan;
    assert_eq!(same.routes, first.routes);
    assert_feasible(&p, &same);
    // Some more work: never worse than where it started.
    let more = Solver::new(&p, carerounds::travel::sources::build(&p).expect("travel"))
        .time_limit(Duration::from_secs(60))
        .work_budget(3_000_000)
        .threads(1)
        .start_from(first.clone())
        .run()
        .plan;
    assert_feasible(&p, &more);
    // Better means fewer visits left out first, then a lower objective (the search's
    // own order: serving a visit the first plan left out may cost travel).
    let rank = |p: &carerounds::model::Plan| (p.summary.visits_unassigned, p.summary.objective);
    let (a, b) = (rank(&more), rank(&first));
    assert!(
        a.0 < b.0 || (a.0 == b.0 && a.1 <= b.1 + 1e-6),
        "{a:?} worse than {b:?}"
    );
    // A plan the problem cannot keep (an unknown staff member) is ignored, not trusted.
    let mut wrong = first.clone();
    wrong.routes[0].staff = "nobody".into();
    let fresh = Solver::new(&p, carerounds::travel::sources::build(&p).expect("travel"))
        .time_limit(Duration::from_millis(200))
        .threads(1)
        .start_from(wrong)
        .run()
        .plan;
    assert_feasible(&p, &fresh);
}
