//! Solving a small hand-made day in tests: one thread, seed 1, a fixed work budget (so the
//! plan is the same on a loaded machine), and the project's checker run on the answer.

use carerounds::check::{check, Violation};
use carerounds::model::{Plan, Problem};
use carerounds::solve::Solver;
use carerounds::travel::TravelMatrix;
use serde_json::Value;
use std::time::Duration;

/// The problem's travel matrix.
pub(crate) fn travel(p: &Problem) -> TravelMatrix {
    carerounds::travel::sources::build(p).expect("travel")
}

/// The checker's findings as one line, for assertion messages.
pub(crate) fn listing(v: &[Violation]) -> String {
    v.iter().map(|v| v.to_string()).collect::<Vec<_>>().join("; ")
}

/// Solves with one thread, seed 1 and `work` units of work; asserts the checker accepts.
pub(crate) fn solve_checked(p: &Problem, work: u64) -> Plan {
    let solved = Solver::new(p, travel(p))
        .threads(1)
        .seed(1)
        .work_budget(work)
        .time_limit(Duration::from_secs(20))
        .run();
    let v = check(p, &travel(p), &solved.plan);
    assert!(v.is_empty(), "the checker rejects the plan: {}", listing(&v));
    solved.plan
}

/// Solves a measured day as [`solve_checked`] does but with `work` units and up to two
/// minutes, and returns the checker's findings beside the run for the table to show.
pub(crate) fn solve_measured(p: &Problem, work: u64) -> (carerounds::solve::Solved, Vec<Violation>) {
    let solved = Solver::new(p, travel(p))
        .threads(1)
        .seed(1)
        .work_budget(work)
        .time_limit(Duration::from_secs(120))
        .run();
    let v = check(p, &travel(p), &solved.plan);
    (solved, v)
}

/// The days the ignored BENCHMARKS.md measurements solve: the sample day at its 10 s work
/// budget and three generated 120-visit days, as `(name, SPEC document, work units)`.
pub(crate) fn measured_days() -> Vec<(String, Value, u64)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample-day.json");
    let sample: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("sample day")).expect("sample day JSON");
    let mut days = vec![(
        "sample day (122 visits, 14 staff)".to_string(),
        sample,
        600_000_000,
    )];
    for seed in 1..=3 {
        days.push((
            format!("generated 120 visits, 14 staff, seed {seed}"),
            super::day::day(120, 14, seed),
            120_000_000,
        ));
    }
    days
}
