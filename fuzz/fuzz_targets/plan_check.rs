//! The checker on any plan. Input: a plan document, checked against a fixed valid problem
//! (tests/common/check_problem.json); or `PROBLEM \0 PLAN`, where the problem is fuzzed too
//! (it must validate, with haversine or matrix travel). `check` must not panic.
#![no_main]

use carerounds::model::{parse_problem, Plan, Problem};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

#[path = "common.rs"]
mod common;

fn fixed() -> &'static Problem {
    static PROBLEM: OnceLock<Problem> = OnceLock::new();
    PROBLEM.get_or_init(|| {
        parse_problem(include_str!("../../tests/common/check_problem.json")).expect("the fixture is valid")
    })
}

fuzz_target!(|data: &[u8]| {
    let (problem, plan) = match data.iter().position(|&b| b == 0) {
        None => (None, data),
        Some(i) => (Some(&data[..i]), &data[i + 1..]),
    };
    let problem = match problem {
        None => fixed().clone(),
        Some(bytes) => {
            let Ok(text) = std::str::from_utf8(bytes) else {
                return;
            };
            let Ok(problem) = parse_problem(text) else {
                return;
            };
            problem
        }
    };
    // Only computed travel (no files or servers), and not too many places.
    let Some(travel) = common::matrix(&problem) else {
        return;
    };
    let Ok(plan) = serde_json::from_slice::<Plan>(plan) else {
        return;
    };
    let _ = carerounds::check::check(&problem, &travel, &plan);
});
