//! What every suite's runs share: running (instance, seed) pairs a few at a time, the
//! instance files of a suite folder, and one solve with the suite's settings, checked.

use super::BenchArgs;
use anyhow::{Context, Result};
use carerounds::check::check;
use carerounds::model::Problem;
use carerounds::solve::config::{Caps, Overrides, SolveConfig};
use carerounds::solve::{Solved, Solver};
use carerounds::travel::sources;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Runs `work` on every (instance, seed) with `jobs` runs at a time. Returns the rows and,
/// for the runs that failed, `file: error` lines (already printed to stderr).
pub(super) fn run_pool<R: Send>(
    runs: &[(PathBuf, u64)],
    jobs: usize,
    work: impl Fn(&Path, u64) -> Result<R> + Sync,
) -> (Vec<R>, Vec<String>) {
    let next = AtomicUsize::new(0);
    let rows = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some((file, seed)) = runs.get(i) else { break };
                match work(file, *seed) {
                    Ok(row) => {
                        if let Ok(mut r) = rows.lock() {
                            r.push(row);
                        }
                    }
                    Err(e) => {
                        if let Ok(mut errs) = errors.lock() {
                            errs.push(format!("{}: {e:#}", file.display()));
                        }
                    }
                }
            });
        }
    });
    let errors = errors.into_inner().unwrap_or_default();
    for e in &errors {
        eprintln!("error: {e}");
    }
    (rows.into_inner().unwrap_or_default(), errors)
}

/// The instance files of a suite folder with this extension, filtered by `--only` when
/// `keep` says so, sorted by name.
pub(super) fn list_files(dir: &Path, ext: &str, keep: impl Fn(&str) -> bool) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .filter(|p| keep(&stem(p)))
        .collect();
    files.sort();
    anyhow::ensure!(!files.is_empty(), "no instances matched in {}", dir.display());
    Ok(files)
}

pub(super) fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

pub(super) fn only_prefixes(args: &BenchArgs) -> Vec<String> {
    args.only
        .as_deref()
        .map(|s| s.split(',').map(|p| p.trim().to_uppercase()).collect())
        .unwrap_or_default()
}

pub(super) fn runs_of(files: &[PathBuf], seeds: u64) -> Vec<(PathBuf, u64)> {
    files
        .iter()
        .flat_map(|f| (1..=seeds.max(1)).map(move |s| (f.clone(), s)))
        .collect()
}

/// One solver run with the suite's settings, and the number of checker violations.
pub(super) fn solve_checked(problem: &Problem, seed: u64, args: &BenchArgs) -> Result<(Solved, usize)> {
    let overrides = Overrides {
        time_limit_s: Some(args.seconds),
        seed: Some(seed),
        threads: Some(args.threads),
        deterministic: Some(args.deterministic),
        work_budget: None,
    };
    let config = SolveConfig::new(&problem.options, overrides, Caps::machine()).context("--seconds")?;
    let travel = std::sync::Arc::new(sources::build(problem)?);
    let solved = Solver::new(problem, travel.clone()).config(config).run();
    let violations = check(problem, &travel, &solved.plan).len();
    Ok((solved, violations))
}
