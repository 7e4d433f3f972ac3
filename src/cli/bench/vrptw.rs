//! The VRPTW suites (Solomon, Gehring-Homberger): distance against `bks.csv` in the
//! chosen rounding convention, with mean gaps per instance class.

use super::runs::{list_files, only_prefixes, run_pool, runs_of, solve_checked, stem};
use super::BenchArgs;
use crate::cli::stdout::put;
use anyhow::{bail, Context, Result};
use carerounds::formats::solomon::{read_solomon, Rounding};
use carerounds::model::validate;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

struct Row {
    instance: String,
    seed: u64,
    distance: f64,
    vehicles: usize,
    bks: Option<f64>,
    seconds: f64,
    iterations: u64,
    violations: usize,
    unassigned: usize,
}

impl Row {
    fn gap(&self) -> Option<f64> {
        self.bks.map(|b| (self.distance - b) / b * 100.0)
    }
}

/// Best-known distances of the given convention from a `bks.csv`.
fn read_bks(path: &Path, convention: &str) -> Result<HashMap<String, f64>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut out = HashMap::new();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        if cols.len() >= 3 && cols.last() == Some(&convention) {
            if let Ok(d) = cols[1].parse::<f64>() {
                out.insert(cols[0].to_string(), d);
            }
        }
    }
    Ok(out)
}

/// Runs a VRPTW suite and prints the table.
pub(super) fn run(args: &BenchArgs) -> Result<ExitCode> {
    let rounding = match args.rounding.as_str() {
        "dimacs" => Rounding::Dimacs,
        "exact" => Rounding::Exact,
        other => bail!("--rounding must be 'dimacs' or 'exact', not '{other}'"),
    };
    anyhow::ensure!(
        args.seconds.is_finite() && args.seconds >= 0.0,
        "--seconds must be >= 0 (0 = construction only)"
    );
    let dir = args.data.join(&args.suite);
    let convention = match rounding {
        Rounding::Dimacs => "distance_only_dimacs_trunc1",
        Rounding::Exact => "distance_only_exact_ub_from_dimacs_bks",
    };
    let bks = read_bks(&dir.join("bks.csv"), convention)?;
    let prefixes = only_prefixes(args);
    let files = list_files(&dir, "txt", |stem| {
        let stem = stem.to_uppercase();
        prefixes.is_empty() || prefixes.iter().any(|x| stem.starts_with(x.as_str()))
    })?;
    let runs = runs_of(&files, args.seeds);
    let (mut rows, errors) = run_pool(&runs, args.jobs, |file, seed| {
        let row = run_one(file, seed, rounding, args, &bks)?;
        eprintln!(
            "{:<10} seed {} distance {:>9.1} gap {:>6}",
            row.instance,
            row.seed,
            row.distance,
            row.gap().map_or("-".into(), |g| format!("{g:.2}%"))
        );
        Ok(row)
    });
    rows.sort_by(|a, b| a.instance.cmp(&b.instance).then(a.seed.cmp(&b.seed)));
    put!("{}", table(args, &rows));
    if let Some(path) = &args.csv {
        let mut csv = String::from(
            "instance,seed,distance,vehicles,bks,gap_pct,seconds,iterations,violations,unassigned\n",
        );
        for r in &rows {
            let _ = writeln!(
                csv,
                "{},{},{:.1},{},{},{},{:.2},{},{},{}",
                r.instance,
                r.seed,
                r.distance,
                r.vehicles,
                r.bks.map_or(String::new(), |b| b.to_string()),
                r.gap().map_or(String::new(), |g| format!("{g:.4}")),
                r.seconds,
                r.iterations,
                r.violations,
                r.unassigned
            );
        }
        std::fs::write(path, csv).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let bad = rows.iter().any(|r| r.violations > 0 || r.unassigned > 0) || !errors.is_empty();
    Ok(if bad { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

fn run_one(
    file: &Path,
    seed: u64,
    rounding: Rounding,
    args: &BenchArgs,
    bks: &HashMap<String, f64>,
) -> Result<Row> {
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let inst = read_solomon(&text, rounding)?;
    let problem = validate(&inst.problem)?;
    let (solved, violations) = solve_checked(&problem, seed, args)?;
    let name = stem(file).to_uppercase();
    Ok(Row {
        bks: bks.get(&name).copied(),
        instance: name,
        seed,
        distance: solved.plan.summary.distance_km,
        vehicles: solved.plan.routes.iter().filter(|r| r.steps.len() > 2).count(),
        seconds: solved.elapsed.as_secs_f64(),
        iterations: solved.iterations,
        violations,
        unassigned: solved.plan.unassigned.len(),
    })
}

/// The per-instance table with means per class (C1, R2, ...) and overall.
fn table(args: &BenchArgs, rows: &[Row]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "suite {}  {} s  threads {}  seeds {}  rounding {}{}",
        args.suite,
        args.seconds,
        args.threads,
        args.seeds,
        args.rounding,
        if args.deterministic { "  deterministic" } else { "" }
    );
    let _ = writeln!(
        s,
        "{:<10} {:>4} {:>10} {:>4} {:>10} {:>7} {:>7} {:>9} {:>5}",
        "instance", "seed", "distance", "veh", "bks", "gap%", "time s", "iters", "viol"
    );
    for r in rows {
        let _ = writeln!(
            s,
            "{:<10} {:>4} {:>10.1} {:>4} {:>10} {:>7} {:>7.2} {:>9} {:>5}",
            r.instance,
            r.seed,
            r.distance,
            r.vehicles,
            r.bks.map_or("-".into(), |b| format!("{b:.1}")),
            r.gap().map_or("-".into(), |g| format!("{g:.2}")),
            r.seconds,
            r.iterations,
            r.violations + r.unassigned
        );
    }
    let class = |name: &str| -> String {
        let stem: String = name.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
        let digit = name.chars().find(|c| c.is_ascii_digit()).unwrap_or('?');
        format!("{stem}{digit}")
    };
    let mut classes: Vec<String> = rows.iter().map(|r| class(&r.instance)).collect();
    classes.sort();
    classes.dedup();
    for c in classes.iter().chain(std::iter::once(&"all".to_string())) {
        let gaps: Vec<f64> = rows
            .iter()
            .filter(|r| c == "all" || class(&r.instance) == *c)
            .filter_map(Row::gap)
            .collect();
        if !gaps.is_empty() {
            let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
            let _ = writeln!(s, "mean gap {:<4} {:>7.3}%  ({} runs)", c, mean, gaps.len());
        }
    }
    let infeasible = rows
        .iter()
        .filter(|r| r.violations > 0 || r.unassigned > 0)
        .count();
    let _ = writeln!(
        s,
        "plans failing the checker or with unassigned visits: {infeasible}"
    );
    s
}
