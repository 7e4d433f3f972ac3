//! Inputs that once crashed a fuzz target (tests/data/fuzz/TARGET/, minimised with
//! `cargo fuzz tmin`), replayed through what the target runs (fuzz/fuzz_targets/): each
//! must now give an answer, an error being a fine one, without panicking.

use carerounds::formats::mankowska::read_mankowska;
use carerounds::formats::solomon::{read_solomon, Rounding};
use carerounds::model::{parse_problem, validate, Plan, Problem, TravelModel};
use std::path::{Path, PathBuf};

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/fuzz")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

fn matrix(problem: &Problem) {
    if let TravelModel::Haversine { .. } | TravelModel::Matrix { .. } = problem.travel {
        if problem.places.len() <= 255 {
            carerounds::travel::TravelMatrix::computed(problem)
                .expect("haversine and matrix travel never fail");
        }
    }
}

#[test]
fn problem() {
    for (_, bytes) in inputs("problem") {
        if let Ok(Ok(problem)) = std::str::from_utf8(&bytes).map(parse_problem) {
            matrix(&problem);
        }
    }
}

#[test]
fn plan_check() {
    let fixed = parse_problem(include_str!("../common/check_problem.json")).unwrap();
    for (_, bytes) in inputs("plan_check") {
        let (problem, plan) = match bytes.iter().position(|&b| b == 0) {
            None => (Some(fixed.clone()), &bytes[..]),
            Some(i) => {
                let problem = std::str::from_utf8(&bytes[..i])
                    .ok()
                    .and_then(|t| parse_problem(t).ok());
                (problem, &bytes[i + 1..])
            }
        };
        if let (Some(problem), Ok(plan)) = (problem, serde_json::from_slice::<Plan>(plan)) {
            matrix(&problem);
            if let Ok(travel) = carerounds::travel::TravelMatrix::computed(&problem) {
                let _ = carerounds::check::check(&problem, &travel, &plan);
            }
        }
    }
}

#[test]
fn solomon() {
    let found = inputs("solomon");
    assert!(
        !found.is_empty(),
        "tests/data/fuzz/solomon has the huge-fleet input"
    );
    for (path, bytes) in found {
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        for rounding in [Rounding::Exact, Rounding::Dimacs] {
            match read_solomon(text, rounding) {
                Ok(instance) => {
                    if let Ok(problem) = validate(&instance.problem) {
                        matrix(&problem);
                    }
                }
                Err(e) => println!("{}: {e}", path.display()),
            }
        }
    }
}

#[test]
fn mankowska() {
    for (_, bytes) in inputs("mankowska") {
        if let Ok(Ok(input)) = std::str::from_utf8(&bytes).map(|t| read_mankowska(t, "fuzz")) {
            if let Ok(problem) = validate(&input) {
                matrix(&problem);
            }
        }
    }
}
