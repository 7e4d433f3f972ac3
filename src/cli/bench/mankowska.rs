//! The Mankowska et al. 2014 home care suite: the objective in Mankowska's units (the
//! SPEC objective / 3) against verified best-known values, with mean and worst gaps per
//! set (A to G).

use super::runs::{list_files, only_prefixes, run_pool, runs_of, solve_checked, stem};
use super::BenchArgs;
use crate::cli::stdout::put;
use anyhow::{Context, Result};
use carerounds::formats::mankowska::read_mankowska;
use carerounds::model::validate;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

/// A best-known value of a Mankowska instance (`bks.csv`), in Mankowska's units.
#[derive(Debug, Clone, Default)]
struct MankowskaBks {
    /// `A1` … `G10`.
    label: String,
    /// The best value whose solution was re-checked (`verified = yes`).
    verified: Option<f64>,
    /// A lower literature value without a solution file, if any.
    unverified: Option<f64>,
}

/// `bks.csv` of the Mankowska suite by instance name. Columns: `instance,
/// bks_objective_mankowska, bks_objective_spec, source, label, verified`; the free-text
/// `source` is read as everything between the third and the second-to-last comma.
fn read_mankowska_bks(path: &Path) -> Result<HashMap<String, MankowskaBks>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut out: HashMap<String, MankowskaBks> = HashMap::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        let bad = || {
            anyhow::anyhow!(
                "{}: line {}: expected instance,value,...,label,verified",
                path.display(),
                i + 1
            )
        };
        if cols.len() < 6 {
            return Err(bad());
        }
        let value: f64 = cols[1].parse().map_err(|_| bad())?;
        let entry = out.entry(cols[0].to_string()).or_default();
        entry.label = cols[cols.len() - 2].to_string();
        let slot = match cols[cols.len() - 1] {
            "yes" => &mut entry.verified,
            _ => &mut entry.unverified,
        };
        *slot = Some(slot.map_or(value, |v: f64| v.min(value)));
    }
    Ok(out)
}

struct MankowskaRow {
    instance: String,
    label: String,
    seed: u64,
    /// SPEC objective / 3.
    objective: f64,
    travel: f64,
    lateness: f64,
    max_lateness: f64,
    bks: MankowskaBks,
    seconds: f64,
    iterations: u64,
    violations: usize,
    unassigned: usize,
}

impl MankowskaRow {
    fn gap(&self) -> Option<f64> {
        self.bks.verified.map(|b| (self.objective - b) / b * 100.0)
    }
    fn set(&self) -> String {
        self.label.chars().take(1).collect()
    }
    /// Set letter, then number: A1, A2, …, A10, B1.
    fn order(&self) -> (String, u32) {
        let number = self.label.get(1..).and_then(|n| n.parse().ok()).unwrap_or(0);
        (self.set(), number)
    }
}

/// Runs the Mankowska suite and prints the table.
pub(super) fn run(args: &BenchArgs) -> Result<ExitCode> {
    anyhow::ensure!(
        args.seconds.is_finite() && args.seconds >= 0.0,
        "--seconds must be >= 0 (0 = construction only)"
    );
    let dir = args.data.join(&args.suite);
    let bks = read_mankowska_bks(&dir.join("bks.csv"))?;
    let only = only_prefixes(args);
    let files = list_files(&dir, "json", |stem| {
        let label = bks.get(stem).map_or("", |b| b.label.as_str()).to_uppercase();
        let upper = stem.to_uppercase();
        only.is_empty()
            || only.iter().any(|x| {
                (x.len() == 1 && label.starts_with(x.as_str()))
                    || label == *x
                    || upper.starts_with(x.as_str())
            })
    })?;
    let runs = runs_of(&files, args.seeds);
    let (mut rows, errors) = run_pool(&runs, args.jobs, |file, seed| {
        let row = run_mankowska_one(file, seed, args, &bks)?;
        eprintln!(
            "{:<4} {:<26} seed {} objective {:>8.2} gap {:>7}",
            row.label,
            row.instance,
            row.seed,
            row.objective,
            row.gap().map_or("-".into(), |g| format!("{g:.2}%"))
        );
        Ok(row)
    });
    rows.sort_by(|a, b| a.order().cmp(&b.order()).then(a.seed.cmp(&b.seed)));
    put!("{}", mankowska_table(args, &rows));
    if let Some(path) = &args.csv {
        let mut csv = String::from(
            "instance,label,seed,objective,travel,lateness,max_lateness,bks,gap_pct,seconds,iterations,\
             violations,unassigned\n",
        );
        for r in &rows {
            let _ = writeln!(
                csv,
                "{},{},{},{:.4},{:.4},{:.4},{:.4},{},{},{:.2},{},{},{}",
                r.instance,
                r.label,
                r.seed,
                r.objective,
                r.travel,
                r.lateness,
                r.max_lateness,
                r.bks.verified.map_or(String::new(), |b| b.to_string()),
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

fn run_mankowska_one(
    file: &Path,
    seed: u64,
    args: &BenchArgs,
    bks: &HashMap<String, MankowskaBks>,
) -> Result<MankowskaRow> {
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = stem(file);
    let problem = validate(&read_mankowska(&text, &name)?)?;
    let (solved, violations) = solve_checked(&problem, seed, args)?;
    let sm = &solved.plan.summary;
    let bks = bks.get(&name).cloned().unwrap_or_default();
    Ok(MankowskaRow {
        label: if bks.label.is_empty() {
            name.clone()
        } else {
            bks.label.clone()
        },
        instance: name,
        seed,
        objective: sm.objective / 3.0,
        travel: sm.travel_min,
        lateness: sm.lateness_min,
        max_lateness: sm.max_lateness_min,
        bks,
        seconds: solved.elapsed.as_secs_f64(),
        iterations: solved.iterations,
        violations,
        unassigned: solved.plan.unassigned.len(),
    })
}

/// Per-instance table with the mean gap per set (A … G) and overall, and the worst gap.
fn mankowska_table(args: &BenchArgs, rows: &[MankowskaRow]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "suite {}  {} s  threads {}  seeds {}{}  (objective = (travel + total lateness + max lateness) / 3)",
        args.suite,
        args.seconds,
        args.threads,
        args.seeds,
        if args.deterministic { "  deterministic" } else { "" }
    );
    let _ = writeln!(
        s,
        "{:<4} {:<26} {:>4} {:>9} {:>8} {:>8} {:>9} {:>7} {:>7} {:>8} {:>5}",
        "set", "instance", "seed", "objective", "travel", "late", "bks", "gap%", "time s", "iters", "viol"
    );
    for r in rows {
        let _ = writeln!(
            s,
            "{:<4} {:<26} {:>4} {:>9.2} {:>8.1} {:>8.1} {:>9} {:>7} {:>7.2} {:>8} {:>5}",
            r.label,
            r.instance,
            r.seed,
            r.objective,
            r.travel,
            r.lateness,
            r.bks.verified.map_or("-".into(), |b| format!("{b:.2}")),
            r.gap().map_or("-".into(), |g| format!("{g:.2}")),
            r.seconds,
            r.iterations,
            r.violations + r.unassigned
        );
    }
    let mut sets: Vec<String> = rows.iter().map(MankowskaRow::set).collect();
    sets.sort();
    sets.dedup();
    let _ = writeln!(
        s,
        "{:<4} {:>5} {:>10} {:>10} {:>9}",
        "set", "runs", "mean gap%", "worst gap%", "mean s"
    );
    for set in sets.iter().chain(std::iter::once(&"all".to_string())) {
        let of_set: Vec<&MankowskaRow> = rows.iter().filter(|r| set == "all" || r.set() == *set).collect();
        let gaps: Vec<f64> = of_set.iter().filter_map(|r| r.gap()).collect();
        if gaps.is_empty() {
            continue;
        }
        let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
        let worst = gaps.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let secs = of_set.iter().map(|r| r.seconds).sum::<f64>() / of_set.len() as f64;
        let _ = writeln!(
            s,
            "{:<4} {:>5} {:>10.3} {:>10.3} {:>9.2}",
            set,
            gaps.len(),
            mean,
            worst,
            secs
        );
    }
    let mut noted = std::collections::HashSet::new();
    for r in rows {
        if !noted.insert(&r.label) {
            continue;
        }
        if let Some(lit) = r.bks.unverified.filter(|&u| r.bks.verified.is_none_or(|v| u < v)) {
            let _ = writeln!(
                s,
                "note: {} has a lower literature value {:.2} without a solution file (gap to it {:.2}%)",
                r.label,
                lit,
                (r.objective - lit) / lit * 100.0
            );
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
