//! Command-line shell: reads files, calls the core, prints tables or JSON.
//!
//! Exit codes: 0 success, 1 a check found violations, 2 bad input (with the field path).

use crate::cli::stdout::putln;
use anyhow::{Context, Result};
use carerounds::check::{check, check_without_summary};
use carerounds::formats::solomon::{read_solomon, Rounding};
use carerounds::model::{parse_input, parse_problem, validate, InputError, Plan, Problem};
use carerounds::solve::config::{Caps, Overrides, SolveConfig};
use carerounds::solve::Solver;
use carerounds::travel::{sources, TravelMatrix};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

mod bench;
mod durations;
mod export;
mod import;
mod import_csv;
mod matrix;
mod monitor;
mod monitor_week;
mod replan;
mod report;
mod retime;
mod serve;
mod sheet;
mod slots;
mod stdout;
mod summary;
mod week;
mod worker;

#[derive(Parser)]
#[command(
    name = "carerounds",
    version,
    about = "Plans the visit rounds of health and social care teams"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Plan a day: assign and order visits, minimising travel.
    Solve(SolveArgs),
    /// Check a plan against its problem and list every violation (exit 1 if any).
    Check {
        /// Problem file (SPEC JSON).
        problem: PathBuf,
        /// Plan file (SPEC JSON). Its `summary` may be left out (a plan edited by hand):
        /// everything else is then checked, and the output says so.
        plan: PathBuf,
    },
    /// Compare the booked plan with optimised plans: travel, miles, cost, CO2, office time.
    Report(report::ReportArgs),
    /// Compare the day's plan with its visit logs: overruns, visits cut short or not logged, office time left.
    Monitor(monitor::MonitorArgs),
    /// Learn visit lengths from visit logs (DURATIONS.json) for `solve --durations`.
    Durations(durations::DurationsArgs),
    /// Solve a benchmark suite (Solomon, Gehring-Homberger, Mankowska) and report the gap to best-known.
    Bench(bench::BenchArgs),
    /// Convert a booking system's CSV export (visits, staff rota, postcodes) or a benchmark
    /// instance (Mankowska et al. 2014 HHCRSP JSON) into a SPEC problem.
    Import(import::ImportArgs),
    /// Write a plan as CSV rows (one per step) or as iCalendar files (one per staff member).
    Export(export::ExportArgs),
    /// Write the travel matrix of a problem's places (any travel mode) in SPEC matrix form.
    Matrix(matrix::MatrixArgs),
    /// Validate a problem file without solving it.
    Validate {
        /// Problem file (SPEC JSON).
        problem: PathBuf,
    },
    /// Booking slots: the best staff and start times for a new visit in a planned day.
    Slots(slots::SlotsArgs),
    /// Serve the HTTP API (plans, jobs, booking slots, checks).
    Serve(serve::ServeArgs),
    /// Solve queued jobs from a shared PostgreSQL store (run any number, on any machines).
    Worker(worker::WorkerArgs),
    /// Re-plan the day after absence, visit times, cancellations, new visits and pins.
    Replan(replan::ReplanArgs),
    /// Print each staff member's run sheet (times, clients, where, needs, partners,
    /// breaks, travel) as text or a printable HTML page.
    Sheet(sheet::SheetArgs),
    /// Time rounds written by hand (staff and visit order, the form of `baseline`) into
    /// a full plan, every rule kept, as the solver times its own.
    Retime(retime::RetimeArgs),
}

#[derive(clap::Args)]
struct SolveArgs {
    /// Problem file.
    problem: PathBuf,
    /// Write the plan here (otherwise it goes to stdout and the summary to stderr).
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// Time limit in seconds (default: the problem's options.time_limit_s). The run
    /// returns within it, plus the few milliseconds it takes to write the plan. By default
    /// the limit is turned into a fixed amount of work (same input, seed and threads, same
    /// plan); if that work does not fit, the clock stops the run and the summary says so.
    #[arg(long)]
    seconds: Option<f64>,
    /// Random seed (default: the problem's options.seed).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads, 0 = all cores (default: the problem's options.threads). At most
    /// the machine's cores: more would only slow the run, and the plan says when it capped.
    #[arg(long)]
    threads: Option<usize>,
    /// Input format.
    #[arg(long, value_enum, default_value = "spec")]
    format: Format,
    /// Arc rounding for Solomon instances.
    #[arg(long, value_enum, default_value = "exact")]
    rounding: RoundingArg,
    /// Search until the time limit instead of for a fixed amount of work: uses all the
    /// time, but the plan may differ between runs.
    #[arg(long, conflicts_with = "work")]
    wall_clock: bool,
    /// A fixed amount of work per thread (work units; 60 million is about a second on the
    /// reference machine) instead of the one derived from --seconds, which then only
    /// bounds the time. The same work, seed and threads give the same plan on any machine.
    #[arg(long, value_name = "UNITS")]
    work: Option<u64>,
    /// Output format of the plan.
    #[arg(long, value_enum, default_value = "json")]
    out_format: OutFormat,
    /// Also show how the search went (iterations, work units, objective), and each
    /// visit whose length --durations changed.
    #[arg(long, short)]
    verbose: bool,
    /// Plan with the visit lengths learned from visit logs (`carerounds durations`):
    /// the planning quantile replaces `duration_min` where an estimate exists.
    #[arg(long, value_name = "DURATIONS.json")]
    durations: Option<PathBuf>,
    /// Write the problem the plan answers here (with the learned lengths), so that
    /// `carerounds check PROBLEM_OUT PLAN` passes.
    #[arg(long, value_name = "PROBLEM.json")]
    problem_out: Option<PathBuf>,
    /// Week problems (docs/WEEK.md): plan each day on its own, weekly limits kept but no
    /// continuity across days (what the week is measured against).
    #[arg(long)]
    days_alone: bool,
    /// Week problems: passes over the days when planning together [default: 4].
    #[arg(long, value_name = "N")]
    passes: Option<usize>,
    /// Week problems: no multi-day client moves after the passes (day solves only: what
    /// the moves are measured against).
    #[arg(long)]
    no_client_moves: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// carerounds JSON (SPEC.md).
    Spec,
    /// Solomon / Gehring-Homberger VRPTW text.
    Solomon,
}

#[derive(Clone, Copy, ValueEnum)]
enum RoundingArg {
    /// Unrounded Euclidean distances.
    Exact,
    /// Truncated to one decimal, as in DIMACS 2021.
    Dimacs,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum OutFormat {
    /// SPEC plan JSON.
    Json,
    /// VRPLIB solution: `Route #k: ...` and `Cost X`.
    Vrplib,
}

/// An input error: exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{file}")]
struct BadInput {
    file: String,
    #[source]
    source: InputError,
}

/// Runs the command line and returns the exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            if e.downcast_ref::<BadInput>().is_some()
                || e.downcast_ref::<report::BadFlag>().is_some()
                || e.downcast_ref::<std::io::Error>().is_some()
            {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

fn dispatch(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Solve(args) => solve(args),
        Command::Report(args) => report::run(args),
        Command::Monitor(args) => monitor::run(args),
        Command::Durations(args) => durations::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Import(args) => import::run(args),
        Command::Export(args) => export::run(args),
        Command::Slots(args) => slots::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Worker(args) => worker::run(args),
        Command::Matrix(args) => matrix::run(args),
        Command::Replan(args) => replan::run(args),
        Command::Sheet(args) => sheet::run(args),
        Command::Retime(args) => retime::run(args),
        Command::Check { problem: path, plan } if week::is_week_file(&path) => week::check(&path, &plan),
        Command::Validate { problem } if week::is_week_file(&problem) => week::validate(&problem),
        Command::Check { problem: path, plan } => {
            let problem = load_problem(&path)?;
            let travel = travel_of(&path, &problem)?;
            let (plan, has_summary) = load_plan_summary_optional(&plan)?;
            let violations = if has_summary {
                check(&problem, &travel, &plan)
            } else {
                putln!(
                    "the plan has no summary: its routes, steps and their figures are checked, \
                     the summary's figures are not"
                );
                check_without_summary(&problem, &travel, &plan)
            };
            if violations.is_empty() {
                putln!("plan is feasible: no violations");
                Ok(ExitCode::SUCCESS)
            } else {
                for v in &violations {
                    putln!("{v}");
                }
                putln!("{} violation(s)", violations.len());
                Ok(ExitCode::from(1))
            }
        }
        Command::Validate { problem } => {
            let p = load_problem(&problem)?;
            if p.travel.profile().is_some() {
                // An unreadable extract, a server that is down or a place far from any
                // road is an input error (exit 2) here too.
                travel_of(&problem, &p)?;
            }
            putln!(
                "{}: valid: {} staff, {} visits, {} places",
                problem.display(),
                p.staff.len(),
                p.visits.len(),
                p.places.len()
            );
            for w in &p.warnings {
                putln!("warning: {w}");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub(crate) fn read(path: &Path) -> Result<String> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    // Spreadsheet tools and Windows editors start UTF-8 files with a byte-order mark.
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

pub(crate) fn bad(path: &Path, source: InputError) -> anyhow::Error {
    BadInput {
        file: path.display().to_string(),
        source,
    }
    .into()
}

/// Reads and validates a problem.
pub(crate) fn load_problem(path: &Path) -> Result<Problem> {
    parse_problem(&read(path)?).map_err(|e| bad(path, e))
}

/// Builds the problem's travel matrix once for the command (reading the extract or asking
/// the server for road and OSRM travel); an unreadable extract, a server that is down or a
/// place far from any road is an input error in `path` (exit 2).
pub(crate) fn travel_of(path: &Path, problem: &Problem) -> Result<Arc<TravelMatrix>> {
    sources::build(problem)
        .map(Arc::new)
        .map_err(|e| bad(path, e.to_input_error()))
}

pub(crate) fn load_plan(path: &Path) -> Result<Plan> {
    load_json(path)
}

/// Reads a JSON document of type `T`; a fault is bad input naming its path in the file.
pub(crate) fn load_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let text = read(path)?;
    let de = &mut serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize(de).map_err(|e| bad(path, InputError::from_json(e)))
}

/// Reads a plan that may leave out `summary` (a plan edited by hand): the plan, with a
/// zero summary standing in for a missing one, and whether it had its own.
pub(crate) fn load_plan_summary_optional(path: &Path) -> Result<(Plan, bool)> {
    let text = read(path)?;
    let value = match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(serde_json::Value::Object(mut doc)) if !doc.contains_key("summary") => {
            doc.insert(
                "summary".into(),
                serde_json::to_value(carerounds::model::Summary::default())?,
            );
            serde_json::Value::Object(doc)
        }
        // Anything else (a summary, or not an object, or not JSON) reads as usual, so
        // its errors are worded as usual.
        _ => return Ok((load_plan(path)?, true)),
    };
    let plan = serde_path_to_error::deserialize(value).map_err(|e| bad(path, InputError::from_json(e)))?;
    Ok((plan, false))
}

fn solve(args: SolveArgs) -> Result<ExitCode> {
    if week::is_week_file(&args.problem) {
        return week::solve(&args);
    }
    if args.days_alone || args.passes.is_some() || args.no_client_moves {
        return Err(report::BadFlag(
            "--days-alone, --passes and --no-client-moves: for week problems only (a file with `days`)"
                .into(),
        )
        .into());
    }
    let problem = match args.format {
        Format::Spec if args.durations.is_some() || args.problem_out.is_some() => {
            let input = parse_input(&read(&args.problem)?).map_err(|e| bad(&args.problem, e))?;
            let input = durations::applied(input, args.durations.as_deref(), args.verbose)?;
            let problem = validate(&input).map_err(|e| bad(&args.problem, e))?;
            if let Some(path) = &args.problem_out {
                let doc = serde_json::to_string_pretty(&input)? + "\n";
                std::fs::write(path, doc).with_context(|| format!("cannot write {}", path.display()))?;
            }
            problem
        }
        Format::Spec => load_problem(&args.problem)?,
        Format::Solomon if args.durations.is_some() || args.problem_out.is_some() => {
            return Err(report::BadFlag(
                "--durations and --problem-out: for SPEC problems only (--format spec)".into(),
            )
            .into());
        }
        Format::Solomon => {
            let rounding = match args.rounding {
                RoundingArg::Exact => Rounding::Exact,
                RoundingArg::Dimacs => Rounding::Dimacs,
            };
            let inst = read_solomon(&read(&args.problem)?, rounding).map_err(|e| bad(&args.problem, e))?;
            validate(&inst.problem).map_err(|e| bad(&args.problem, e))?
        }
    };
    let overrides = Overrides {
        time_limit_s: args.seconds,
        threads: args.threads,
        seed: args.seed,
        work_budget: args.work,
        deterministic: Some(!args.wall_clock),
    };
    let config = SolveConfig::new(&problem.options, overrides, Caps::machine())
        .map_err(|e| anyhow::anyhow!("--seconds: {e}"))?;
    let travel = travel_of(&args.problem, &problem)?;
    let limit = config.time_limit();
    let mut solver = Solver::new(&problem, travel.clone()).config(config);
    let bar = progress_bar(limit);
    if let Some(bar) = bar.clone() {
        solver = solver.on_progress(move |p| {
            bar.set_position(p.elapsed.as_millis() as u64);
            bar.set_message(format!(
                "best objective {:.1}, {} unassigned",
                p.objective, p.unassigned
            ));
        });
    }
    let solved = solver.run();
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let plan = &solved.plan;
    let violations = check(&problem, &travel, plan);
    checked(&violations, "the solver returned a plan that fails the checker")?;
    let text = match args.out_format {
        OutFormat::Json => serde_json::to_string_pretty(&plan)? + "\n",
        OutFormat::Vrplib => vrplib(plan),
    };
    let table = summary::summary(&problem, plan, &solved, args.verbose);
    crate::cli::stdout::emit(args.out.as_deref(), &text, &table, "plan")?;
    Ok(ExitCode::SUCCESS)
}

/// An internal error naming every violation when a plan the tool made fails its own
/// checker (`what`: which plan, as the message says it); Ok when there are none.
fn checked<V: std::fmt::Display>(violations: &[V], what: &str) -> Result<()> {
    let list: Vec<String> = violations.iter().map(V::to_string).collect();
    anyhow::ensure!(list.is_empty(), "internal error: {what}: {}", list.join("; "));
    Ok(())
}

/// A progress bar on stderr over the time limit, only when stderr is a terminal
/// (pipes and logs get no control characters).
fn progress_bar(limit: Duration) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(limit.as_millis().max(1) as u64);
    let style = indicatif::ProgressStyle::with_template("{spinner} {elapsed:>4} [{bar:30}] {msg}")
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar.enable_steady_tick(Duration::from_millis(120));
    Some(bar)
}

/// VRPLIB solution text: non-empty routes numbered from 1, then the total distance.
fn vrplib(plan: &Plan) -> String {
    let mut out = String::new();
    let mut k = 0;
    for r in &plan.routes {
        let ids: Vec<&str> = r.visit_ids().collect();
        if !ids.is_empty() {
            k += 1;
            out.push_str(&format!("Route #{k}: {}\n", ids.join(" ")));
        }
    }
    out.push_str(&format!("Cost {}\n", fmt_cost(plan.summary.distance_km)));
    out
}

fn fmt_cost(x: f64) -> String {
    let s = format!("{x:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}
