//! `carerounds monitor --day DATE=PROBLEM.json,PLAN.json ... --logs FILE ...`: a week (or
//! any run of days) of plans against their visit logs. Reads each day's problem and plan
//! and every log file, hands them to `carerounds::monitor::WeekReport`, writes the
//! result. A bad `--day` names the flag, a bad file names the file (exit 2); refused log
//! rows are listed in the report and on stderr with their file, and make the exit status 2.

use super::monitor::{columns, flag_error, read_logs, MonitorArgs};
use super::report::BadFlag;
use super::{bad, load_plan, load_problem, travel_of};
use anyhow::Result;
use carerounds::model::{Plan, Problem};
use carerounds::monitor::{render_week, LogSet, MonitorError, WeekDay, WeekError, WeekReport};
use carerounds::travel::TravelMatrix;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// One `--day` flag: `DATE=PROBLEM.json,PLAN.json`.
struct DayFlag {
    date: String,
    problem: PathBuf,
    plan: PathBuf,
}

fn parse_day(flag: &str) -> Result<DayFlag> {
    let fail = |why: &str| BadFlag(format!("--day {flag}: {why}"));
    let (date, files) = flag.split_once('=').ok_or_else(|| {
        fail("not DATE=PROBLEM.json,PLAN.json (for example 2025-03-03=mon.json,mon-plan.json)")
    })?;
    let (problem, plan) = files.rsplit_once(',').ok_or_else(|| {
        fail("no plan: give DATE=PROBLEM.json,PLAN.json (the two files separated by a comma)")
    })?;
    let date = date.trim();
    if carerounds::monitor::day_number(date).is_none() {
        return Err(fail(&format!(
            "\"{date}\" is not a date YYYY-MM-DD (for example 2025-03-04)"
        ))
        .into());
    }
    if problem.trim().is_empty() || plan.trim().is_empty() {
        return Err(fail("a file name is empty: give DATE=PROBLEM.json,PLAN.json").into());
    }
    Ok(DayFlag {
        date: date.to_string(),
        problem: PathBuf::from(problem.trim()),
        plan: PathBuf::from(plan.trim()),
    })
}

/// Runs the week form of `carerounds monitor`.
pub(crate) fn run(args: &MonitorArgs) -> Result<ExitCode> {
    let (day_flags, log_paths) = (&args.days, &args.logs);
    let flags: Vec<DayFlag> = day_flags.iter().map(|f| parse_day(f)).collect::<Result<_>>()?;
    if let Err(e) = carerounds::monitor::check_dates(flags.iter().map(|d| d.date.as_str())) {
        return Err(match e {
            WeekError::DuplicateDate { day, date, .. } => BadFlag(format!(
                "--day {}: {date} is given twice: give each day once",
                day_flags[day]
            )),
            other => BadFlag(format!("--day: {other}")),
        }
        .into());
    }
    let columns = columns(&args.columns)?;
    let options = args.options();
    let mut loaded: Vec<(Problem, Arc<TravelMatrix>, Plan)> = Vec::new();
    for d in &flags {
        let problem = load_problem(&d.problem)?;
        let plan = load_plan(&d.plan)?;
        let travel = travel_of(&d.problem, &problem)?;
        loaded.push((problem, travel, plan));
    }
    let reads = log_paths
        .iter()
        .map(|p| read_logs(p, args.logs_format, &columns))
        .collect::<Result<Vec<_>>>()?;
    let names: Vec<String> = log_paths.iter().map(|p| p.display().to_string()).collect();
    let sets: Vec<LogSet> = names
        .iter()
        .zip(&reads)
        .map(|(name, logs)| LogSet { name, logs })
        .collect();
    let days: Vec<WeekDay> = flags
        .iter()
        .zip(&loaded)
        .map(|(d, (problem, travel, plan))| WeekDay {
            date: &d.date,
            problem,
            travel,
            plan,
        })
        .collect();
    let report = WeekReport::new(&days, &sets, &options).map_err(|e| match e {
        WeekError::Day {
            day,
            error: MonitorError::Plan(source),
            ..
        } => bad(&flags[day].plan, source),
        WeekError::Day {
            error: MonitorError::Option { setting, message },
            ..
        } => flag_error(setting, &message),
        other => BadFlag(format!("--day: {other}")).into(),
    })?;
    args.write(render_week(&report, args.format()))?;
    for e in &report.refused {
        match &e.date {
            Some(d) => eprintln!("error: {e} (placed on {d})"),
            None => eprintln!("error: {e}"),
        }
    }
    if report.refused.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "{} row(s) of the logs refused and left out of the report (exit 2)",
            report.refused.len()
        );
        Ok(ExitCode::from(2))
    }
}
