//! `carerounds bench`: solves a named benchmark suite and reports the gap to best-known.
//!
//! Every plan goes through the checker. For the VRPTW suites (Solomon, Gehring-Homberger)
//! distances follow the DIMACS 2021 convention by default (arcs truncated to one decimal),
//! matching `bks.csv`'s `distance_only_dimacs_trunc1` rows. The `mankowska` suite (home
//! health care with double services) is read by [`carerounds::formats::mankowska`] and reported in
//! Mankowska's units: the SPEC objective / 3.

use anyhow::{bail, Context, Result};
use carerounds::check::check;
use carerounds::formats::mankowska::read_mankowska;
use carerounds::formats::solomon::{read_solomon, Rounding};
use carerounds::model::{validate, Problem};
use carerounds::solve::config::{Caps, Overrides, SolveConfig};
use carerounds::solve::{Solved, Solver};
use carerounds::travel::sources;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Arguments of `carerounds bench`.
#[derive(clap::Args)]
pub struct BenchArgs {
    /// Suite: a folder under --data holding the instances and `bks.csv` (`solomon`: the 56
    /// Solomon instances; `homberger`: the 60 Gehring-Homberger 200s, both `*.txt`;
    /// `mankowska`: the 70 Mankowska et al. 2014 home care instances, `*.json`, sets A-G).
    #[arg(long, default_value = "solomon")]
    suite: String,
    /// Folder that holds the suites.
    #[arg(long, default_value = "data")]
    data: PathBuf,
    /// Only instances whose name starts with one of these (comma-separated), e.g. `C1,R101`;
    /// for `mankowska` also a set letter or a label, e.g. `A,C3`.
    #[arg(long)]
    only: Option<String>,
    /// Time limit per run, seconds.
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,
    /// Seeds per instance (1..=N).
    #[arg(long, default_value_t = 1)]
    seeds: u64,
    /// Solver threads per run.
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Runs at the same time (each with --threads threads).
    #[arg(long, default_value_t = 1)]
    jobs: usize,
    /// Use a fixed amount of work per run instead of the whole time limit.
    #[arg(long)]
    deterministic: bool,
    /// Arc rounding of the VRPTW suites: DIMACS (truncated to one decimal) or exact.
    #[arg(long, default_value = "dimacs")]
    rounding: String,
    /// Also write one CSV row per run here.
    #[arg(long)]
    csv: Option<PathBuf>,
}

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

/// Runs `work` on every (instance, seed) with `jobs` runs at a time. Returns the rows and,
/// for the runs that failed, `file: error` lines (already printed to stderr).
fn run_pool<R: Send>(
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
fn list_files(dir: &Path, ext: &str, keep: impl Fn(&str) -> bool) -> Result<Vec<PathBuf>> {
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

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn only_prefixes(args: &BenchArgs) -> Vec<String> {
    args.only
        .as_deref()
        .map(|s| s.split(',').map(|p| p.trim().to_uppercase()).collect())
        .unwrap_or_default()
}

fn runs_of(files: &[PathBuf], seeds: u64) -> Vec<(PathBuf, u64)> {
    files
        .iter()
        .flat_map(|f| (1..=seeds.max(1)).map(move |s| (f.clone(), s)))
        .collect()
}

/// Runs the suite and prints the table.
pub fn run(args: BenchArgs) -> Result<ExitCode> {
    if args.suite == "mankowska" {
        return run_mankowska(&args);
    }
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
    let prefixes = only_prefixes(&args);
    let files = list_files(&dir, "txt", |stem| {
        let stem = stem.to_uppercase();
        prefixes.is_empty() || prefixes.iter().any(|x| stem.starts_with(x.as_str()))
    })?;
    let runs = runs_of(&files, args.seeds);
    let (mut rows, errors) = run_pool(&runs, args.jobs, |file, seed| {
        let row = run_one(file, seed, rounding, &args, &bks)?;
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
    print!("{}", table(&args, &rows));
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

/// One solver run with the suite's settings, and the number of checker violations.
fn solve_checked(problem: &Problem, seed: u64, args: &BenchArgs) -> Result<(Solved, usize)> {
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

fn run_mankowska(args: &BenchArgs) -> Result<ExitCode> {
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
    print!("{}", mankowska_table(args, &rows));
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
