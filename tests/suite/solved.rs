//! Solving a small hand-made day in tests: one thread, seed 1, a fixed work budget (so the
//! plan is the same on a loaded machine), and the project's checker run on the answer.

use carerounds::check::{check, Violation};
use carerounds::model::{Plan, Problem};
use carerounds::solve::Solver;
use carerounds::travel::TravelMatrix;
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
