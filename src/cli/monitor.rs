//! `carerounds monitor`: the day's plan against its visit logs, as text, JSON, CSV or a
//! self-contained HTML page. Reads the files, hands them to `carerounds::monitor`, writes
//! the result. Refused log rows are listed in the report and on stderr (file, row,
//! column), and make the exit status 2.

use super::report::BadFlag;
use super::{bad, load_plan, load_problem, read, travel_of};
use anyhow::{Context, Result};
use carerounds::monitor::{
    read_csv, read_json, render, Format, LogColumns, MonitorError, MonitorOptions, MonitorReport,
};
use clap::ValueEnum;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `carerounds monitor`.
#[derive(clap::Args)]
pub struct MonitorArgs {
    /// Problem file (SPEC JSON) of the day.
    problem: PathBuf,
    /// The day's plan (SPEC JSON).
    #[arg(long, value_name = "PLAN.json")]
    plan: PathBuf,
    /// Visit logs: CSV (header `staff,visit,arrived,started,ended,note`) or a JSON array.
    #[arg(long, value_name = "LOGS.csv|LOGS.json")]
    logs: PathBuf,
    /// How to read the logs [default: json for a .json file, else csv].
    #[arg(long, value_enum)]
    logs_format: Option<LogsFormat>,
    /// The header name of a log field when it is not the field's name, e.g.
    /// `--column arrived="Check in"`. Repeat for each field.
    #[arg(long = "column", value_name = "FIELD=HEADER")]
    columns: Vec<String>,
    /// The day reported, YYYY-MM-DD: records dated otherwise are refused.
    #[arg(long, value_name = "YYYY-MM-DD")]
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
enum MonitorFormat {
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

/// Runs `carerounds monitor`.
pub fn run(args: MonitorArgs) -> Result<ExitCode> {
    let columns = columns(&args.columns)?;
    let options = MonitorOptions {
        cut_short_share: args
            .cut_short_share
            .unwrap_or(carerounds::monitor::CUT_SHORT_SHARE),
        date: args.date.clone(),
    };
    let problem = load_problem(&args.problem)?;
    let plan = load_plan(&args.plan)?;
    let text = read(&args.logs)?;
    let logs = if is_json(&args.logs, args.logs_format) {
        read_json(&text)
    } else {
        read_csv(&text, &columns)
    }
    .map_err(|e| bad(&args.logs, e.to_input_error()))?;
    let travel = travel_of(&args.problem, &problem)?;
    let report = MonitorReport::new(&problem, &travel, &plan, &logs, &options).map_err(|e| match e {
        MonitorError::Plan(source) => bad(&args.plan, source),
        MonitorError::Option { setting, message } => {
            let flag = setting.replace('_', "-");
            anyhow::Error::new(BadFlag(format!("--{flag}: {message}")))
        }
    })?;
    let format = match args.format {
        MonitorFormat::Text => Format::Text,
        MonitorFormat::Json => Format::Json,
        MonitorFormat::Csv => Format::Csv,
        MonitorFormat::Html => Format::Html,
    };
    let out = render(&report, format);
    match &args.out {
        Some(path) => {
            std::fs::write(path, out).with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("monitoring report written to {}", path.display());
        }
        None => print!("{out}"),
    }
    for e in &report.refused {
        eprintln!("error: {}: {e}", args.logs.display());
    }
    if report.refused.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "{} row(s) of {} refused and left out of the report (exit 2)",
            report.refused.len(),
            args.logs.display()
        );
        Ok(ExitCode::from(2))
    }
}
