//! `carerounds monitor`: the day's plan against its visit logs, as text, JSON, CSV or a
//! self-contained HTML page. Reads the files, hands them to `carerounds::monitor`, writes
//! the result. Refused log rows are listed in the report and on stderr (file, row,
//! column), and make the exit status 2. A week (`--day`, several days) is in
//! `monitor_week`.

use super::report::BadFlag;
use super::{bad, load_plan, load_problem, read, travel_of};
use crate::cli::stdout::put;
use anyhow::{Context, Result};
use carerounds::monitor::{
    read_csv, read_json, render, Format, LogColumns, LogRead, MonitorError, MonitorOptions, MonitorReport,
};
use clap::ValueEnum;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `carerounds monitor`.
#[derive(clap::Args)]
pub struct MonitorArgs {
    /// Problem file (SPEC JSON) of the day (for a week, give the days with --day).
    #[arg(conflicts_with = "days")]
    problem: Option<PathBuf>,
    /// The day's plan (SPEC JSON).
    #[arg(long, value_name = "PLAN.json", conflicts_with = "days")]
    plan: Option<PathBuf>,
    /// A day of a week: its date, problem and plan, e.g.
    /// `--day 2025-03-03=mon.json,mon-plan.json`. Repeat for each day; instead of PROBLEM
    /// and --plan.
    #[arg(long = "day", value_name = "DATE=PROBLEM.json,PLAN.json")]
    pub(crate) days: Vec<String>,
    /// Visit logs: CSV (header `staff,visit,arrived,started,ended,note`) or a JSON array.
    /// A week may take several files (repeat the flag, e.g. one per day).
    #[arg(long, value_name = "LOGS.csv|LOGS.json", required = true)]
    pub(crate) logs: Vec<PathBuf>,
    /// How to read the logs [default: json for a .json file, else csv].
    #[arg(long, value_enum)]
    pub(crate) logs_format: Option<LogsFormat>,
    /// The header name of a log field when it is not the field's name, e.g.
    /// `--column arrived="Check in"`. Repeat for each field.
    #[arg(long = "column", value_name = "FIELD=HEADER")]
    pub(crate) columns: Vec<String>,
    /// The day reported, YYYY-MM-DD: records dated otherwise are refused (a week takes
    /// its dates from --day).
    #[arg(long, value_name = "YYYY-MM-DD", conflicts_with = "days")]
    date: Option<String>,
    /// Share of the planned contact time below which a visit is cut short [default: 0.75].
    #[arg(long, value_name = "SHARE")]
    cut_short_share: Option<f64>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: MonitorFormat,
    /// Write the report here instead of to stdout.
    #[arg(long, short)]
    out: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum LogsFormat {
    /// CSV with a header row.
    Csv,
    /// A JSON array of objects.
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum MonitorFormat {
    /// Tables, worst visits first.
    Text,
    /// Every figure as JSON.
    Json,
    /// One row per visit.
    Csv,
    /// One self-contained page with planned and logged timelines.
    Html,
}

/// The `--column FIELD=HEADER` flags as a mapping (shared with `durations`).
pub(crate) fn columns(flags: &[String]) -> Result<LogColumns> {
    let mut columns = LogColumns::default();
    for c in flags {
        let (field, header) = c.split_once('=').ok_or_else(|| {
            BadFlag(format!(
                "--column {c}: not FIELD=HEADER (for example arrived=\"Check in\")"
            ))
        })?;
        columns
            .set(field, header.trim_matches('"'))
            .map_err(|e| BadFlag(format!("--column {c}: {e}")))?;
    }
    columns.check().map_err(|e| BadFlag(format!("--column: {e}")))?;
    Ok(columns)
}

/// Whether to read `path` as JSON: as `format` says, else by a `.json` extension.
pub(crate) fn is_json(path: &std::path::Path, format: Option<LogsFormat>) -> bool {
    match format {
        Some(LogsFormat::Json) => true,
        Some(LogsFormat::Csv) => false,
        None => path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")),
    }
}

/// Reads one log file as `format` says (or by its extension).
pub(crate) fn read_logs(path: &Path, format: Option<LogsFormat>, columns: &LogColumns) -> Result<LogRead> {
    let text = read(path)?;
    if is_json(path, format) {
        read_json(&text)
    } else {
        read_csv(&text, columns)
    }
    .map_err(|e| bad(path, e.to_input_error()))
}

/// A setting of the report as the flag that set it (exit 2).
pub(crate) fn flag_error(setting: &str, message: &str) -> anyhow::Error {
    let flag = setting.replace('_', "-");
    anyhow::Error::new(BadFlag(format!("--{flag}: {message}")))
}

impl MonitorArgs {
    pub(crate) fn options(&self) -> MonitorOptions {
        MonitorOptions {
            cut_short_share: self
                .cut_short_share
                .unwrap_or(carerounds::monitor::CUT_SHORT_SHARE),
            date: self.date.clone(),
        }
    }

    pub(crate) fn format(&self) -> Format {
        match self.format {
            MonitorFormat::Text => Format::Text,
            MonitorFormat::Json => Format::Json,
            MonitorFormat::Csv => Format::Csv,
            MonitorFormat::Html => Format::Html,
        }
    }

    /// Writes the rendered report to `--out` or stdout.
    pub(crate) fn write(&self, out: String) -> Result<()> {
        match &self.out {
            Some(path) => {
                std::fs::write(path, out).with_context(|| format!("cannot write {}", path.display()))?;
                eprintln!("monitoring report written to {}", path.display());
            }
            None => put!("{out}"),
        }
        Ok(())
    }
}

/// Runs `carerounds monitor`: one day (PROBLEM and --plan), or a week (--day).
pub fn run(args: MonitorArgs) -> Result<ExitCode> {
    if !args.days.is_empty() {
        return super::monitor_week::run(&args);
    }
    let (Some(problem_path), Some(plan_path)) = (&args.problem, &args.plan) else {
        return Err(BadFlag(
            "give the day's PROBLEM.json and --plan PLAN.json, or the days of a week with \
             --day DATE=PROBLEM.json,PLAN.json"
                .into(),
        )
        .into());
    };
    let [logs_path] = &args.logs[..] else {
        return Err(BadFlag(format!(
            "--logs: {} files for one day: give one (several go with --day, for a week)",
            args.logs.len()
        ))
        .into());
    };
    let columns = columns(&args.columns)?;
    let options = args.options();
    let problem = load_problem(problem_path)?;
    let plan = load_plan(plan_path)?;
    let logs = read_logs(logs_path, args.logs_format, &columns)?;
    let travel = travel_of(problem_path, &problem)?;
    let report = MonitorReport::new(&problem, &travel, &plan, &logs, &options).map_err(|e| match e {
        MonitorError::Plan(source) => bad(plan_path, source),
        MonitorError::Option { setting, message } => flag_error(setting, &message),
    })?;
    args.write(render(&report, args.format()))?;
    for e in &report.refused {
        eprintln!("error: {}: {e}", logs_path.display());
    }
    if report.refused.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "{} row(s) of {} refused and left out of the report (exit 2)",
            report.refused.len(),
            logs_path.display()
        );
        Ok(ExitCode::from(2))
    }
}
