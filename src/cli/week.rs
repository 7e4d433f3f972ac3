//! The week form (docs/WEEK.md) in `solve`, `check`, `validate` and `report`: a problem
//! file with `days` is read as a week, solved, checked and reported as one.

use super::report::BadFlag;
use super::{bad, load_json, read};
use crate::cli::stdout::{put, putln};
use anyhow::{Context, Result};
use carerounds::solve::config::{Caps, Overrides, SolveConfig};
use carerounds::solve::StopReason;
use carerounds::travel::{sources, TravelMatrix};
use carerounds::week::check::check_week;
use carerounds::week::report::{text, week_report};
use carerounds::week::{is_week, parse_week, Week, WeekPlan, WeekSolver};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

/// Whether the file at `path` is a week problem (unreadable files are not: the day
/// reader then gives its own error).
pub(super) fn is_week_file(path: &Path) -> bool {
    read(path).is_ok_and(|t| is_week(&t))
}

/// Reads and validates a week problem, and builds each day's travel matrix.
pub(super) fn load(path: &Path) -> Result<(Week, Vec<Arc<TravelMatrix>>)> {
    let week = parse_week(&read(path)?).map_err(|e| bad(path, e))?;
    let travel = week
        .day_problems
        .iter()
        .map(|dp| {
            sources::build(&dp.problem)
                .map(Arc::new)
                .map_err(|e| bad(path, e.to_input_error()))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((week, travel))
}

/// `carerounds solve WEEK.json`.
pub(super) fn solve(args: &super::SolveArgs) -> Result<ExitCode> {
    let unsupported = [
        (args.durations.is_some(), "--durations"),
        (args.problem_out.is_some(), "--problem-out"),
        (!matches!(args.format, super::Format::Spec), "--format solomon"),
        (args.out_format != super::OutFormat::Json, "--out-format vrplib"),
    ];
    if let Some((_, flag)) = unsupported.iter().find(|(given, _)| *given) {
        return Err(BadFlag(format!(
            "{flag}: for day problems only, not a week (a file with `days`)"
        ))
        .into());
    }
    let (week, travel) = load(&args.problem)?;
    let overrides = Overrides {
        time_limit_s: args.seconds,
        threads: args.threads,
        seed: args.seed,
        work_budget: args.work,
        deterministic: Some(!args.wall_clock),
    };
    let options = &week.day_problems[0].problem.options;
    let config = SolveConfig::new(options, overrides, Caps::machine())
        .map_err(|e| anyhow::anyhow!("--seconds: {e}"))?;
    let mut solver = WeekSolver::new(&week, travel.clone())
        .config(config)
        .alone(args.days_alone)
        .client_moves(!args.no_client_moves);
    if let Some(p) = args.passes {
        solver = solver.passes(p);
    }
    let solved = solver.run()?;
    let violations = check_week(&week, &travel, &solved.plan);
    super::checked(&violations, "the week plan fails the checker")?;
    let s = &solved.plan.summary;
    let mut table = format!(
        "week of {} days ({}): {} visits planned, {} unassigned; travel {:.1} min, {:.1} km\n\
         continuity: {:.2} staff per client, {:.1}% of visits by the main carer, {} staff beyond target; objective {:.1}\n",
        week.days.len(),
        if args.days_alone { "each day alone" } else { "planned together" },
        s.visits_assigned,
        s.visits_unassigned,
        s.travel_min,
        s.distance_km,
        s.mean_staff_per_client,
        100.0 * s.main_carer_share,
        s.extra_staff,
        s.objective
    );
    if solved.stop == StopReason::TimeLimit {
        table.push_str("stopped by the time limit (the plan may differ between runs)\n");
    }
    if args.verbose {
        table.push_str(&format!(
            "{} day solves, {} improved after the first pass, {} multi-day client moves, {:.2} s\n",
            solved.day_solves,
            solved.improved,
            solved.client_moves,
            solved.elapsed.as_secs_f64()
        ));
    }
    let doc = serde_json::to_string_pretty(&solved.plan)? + "\n";
    crate::cli::stdout::emit(args.out.as_deref(), &doc, &table, "week plan")?;
    Ok(ExitCode::SUCCESS)
}

/// `carerounds check WEEK.json WEEK_PLAN.json`.
pub(super) fn check(problem: &Path, plan: &Path) -> Result<ExitCode> {
    let (week, travel) = load(problem)?;
    let plan: WeekPlan = load_json(plan)?;
    let violations = check_week(&week, &travel, &plan);
    if violations.is_empty() {
        putln!("week plan is feasible: no violations on {} days", week.days.len());
        return Ok(ExitCode::SUCCESS);
    }
    for v in &violations {
        putln!("{v}");
    }
    putln!("{} violation(s)", violations.len());
    Ok(ExitCode::from(1))
}

/// `carerounds validate WEEK.json`.
pub(super) fn validate(path: &Path) -> Result<ExitCode> {
    let (week, _) = load(path)?;
    let visits: usize = week.day_problems.iter().map(|d| d.problem.visits.len()).sum();
    putln!(
        "{}: valid week: {} days, {} staff, {} visits a week ({} recurring entries)",
        path.display(),
        week.days.len(),
        week.staff.len(),
        visits,
        week.visits.len()
    );
    for (d, dp) in week.days.iter().zip(&week.day_problems) {
        for w in &dp.problem.warnings {
            putln!("warning: on {}: {w}", d.key);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `carerounds report WEEK.json --plan WEEK_PLAN.json`: the week report, as text or JSON.
pub(super) fn report(
    problem: &Path,
    plans: &[std::path::PathBuf],
    json: bool,
    out: Option<&Path>,
) -> Result<ExitCode> {
    let [plan] = plans else {
        return Err(BadFlag("a week report reads one --plan (the week plan)".into()).into());
    };
    let (week, _) = load(problem)?;
    let plan: WeekPlan = load_json(plan)?;
    let r = week_report(&week, &plan);
    let doc = if json {
        serde_json::to_string_pretty(&r)? + "\n"
    } else {
        text(&r)
    };
    match out {
        Some(path) => {
            std::fs::write(path, doc).with_context(|| format!("cannot write {}", path.display()))?
        }
        None => put!("{doc}"),
    }
    Ok(ExitCode::SUCCESS)
}
