//! Fingerprints of the plans the solver makes at a fixed work budget on one thread: the
//! sample day, all 56 Solomon instances, 10 Gehring-Homberger 200 and 10 Mankowska
//! instances. A change that is meant to leave the search alone (a restructuring) must
//! leave every fingerprint as it is; a change that alters plans on purpose says so in its
//! commit and re-records them with `UPDATE_RECORDED=1 cargo test --release --test suite recorded::`.
//!
//! Each line of `tests/data/recorded-plans.tsv` is `instance  objective  sha256(plan JSON)`.

use carerounds::formats::mankowska::read_mankowska;
use carerounds::formats::solomon::{read_solomon, Rounding};
use carerounds::model::{parse_problem, validate, Problem};
use carerounds::solve::Solver;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::Duration;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
/// Work per instance: enough to leave construction and run the search, small enough for CI.
const WORK: u64 = 1_000_000;
const RECORD: &str = "tests/data/recorded-plans.tsv";

fn files(dir: &str, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(format!("{ROOT}/{dir}"))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    v.sort();
    v
}

/// Every `step`-th of `v`, `n` of them: a spread over the instance classes and sizes.
fn spread(v: Vec<PathBuf>, n: usize) -> Vec<PathBuf> {
    let step = (v.len() / n).max(1);
    v.into_iter().step_by(step).take(n).collect()
}

fn instances() -> Vec<(String, Problem)> {
    let name = |p: &Path| p.file_stem().unwrap().to_string_lossy().into_owned();
    let text = |p: &Path| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let mut out = vec![(
        "sample-day".to_string(),
        parse_problem(&text(Path::new(&format!("{ROOT}/data/sample-day.json")))).unwrap(),
    )];
    let solomon = files("data/solomon", "txt");
    let homberger = spread(files("data/homberger", "txt"), 10);
    for p in solomon.iter().chain(&homberger) {
        let inst = read_solomon(&text(p), Rounding::Exact).unwrap();
        out.push((name(p), validate(&inst.problem).unwrap()));
    }
    for p in spread(files("data/mankowska", "json"), 10) {
        let input = read_mankowska(&text(&p), &name(&p)).unwrap();
        out.push((name(&p), validate(&input).unwrap()));
    }
    out
}

fn fingerprint(problem: &Problem) -> (f64, String) {
    let solved = Solver::new(
        problem,
        carerounds::travel::sources::build(problem).expect("travel"),
    )
    .threads(1)
    .seed(1)
    .time_limit(Duration::from_secs(600))
    .work_budget(WORK)
    .run();
    let json = serde_json::to_string(&solved.plan).unwrap();
    let hash: String = Sha256::digest(json.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    (solved.plan.summary.objective, hash)
}

#[test]
fn plans_at_a_fixed_work_budget_are_as_recorded() {
    let list = instances();
    assert_eq!(list.len(), 1 + 56 + 10 + 10, "instance set");
    let lines: Vec<String> = list
        .iter()
        .map(|(name, p)| {
            let (objective, hash) = fingerprint(p);
            format!("{name}\t{objective}\t{hash}")
        })
        .collect();
    let text = lines.join("\n") + "\n";
    let path = format!("{ROOT}/{RECORD}");
    if std::env::var("UPDATE_RECORDED").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &text).unwrap();
        return;
    }
    let recorded = std::fs::read_to_string(&path).unwrap_or_default();
    let changed: Vec<String> = recorded
        .lines()
        .zip(&lines)
        .filter(|(a, b)| a != b)
        .map(|(a, b)| format!("  recorded {a}\n  now      {b}"))
        .collect();
    assert!(
        changed.is_empty() && recorded.lines().count() == lines.len(),
        "{} of {} plans differ from {RECORD} (re-record with UPDATE_RECORDED=1 only when the change is meant to alter plans):\n{}",
        changed.len(),
        lines.len(),
        changed.join("\n")
    );
}
