//! `carerounds durations`: learns visit lengths from visit logs (docs/DURATIONS.md), and
//! the `--durations` option that `solve`, `replan` and `slots` share.

use super::report::BadFlag;
use super::{bad, read};
use crate::cli::stdout::put;
use anyhow::{Context, Result};
use carerounds::durations::{
    apply, largest, learn, parse_durations, Changed, Durations, Settings, Use, DEFAULT_K, DEFAULT_QUANTILE,
};
use carerounds::model::input::ProblemInput;
use carerounds::model::parse_problem;
use carerounds::monitor::{read_csv, read_json, LogColumns};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `carerounds durations`.
#[derive(clap::Args)]
pub struct DurationsArgs {
    /// The problem (SPEC JSON) the logs were made for: its visits give each record its
    /// client, visit type and planned length.
    #[arg(long, value_name = "PROBLEM.json")]
    problem: PathBuf,
    /// Visit log files: CSV (header `staff,visit,arrived,started,ended,note`) or JSON arrays.
    #[arg(required = true, value_name = "LOGS")]
    logs: Vec<PathBuf>,
    /// How to read the logs [default: json for a .json file, else csv].
    #[arg(long, value_enum)]
    logs_format: Option<super::monitor::LogsFormat>,
    /// The header name of a log field when it is not the field's name, e.g.
    /// `--column arrived="Check in"`. Repeat for each field.
    #[arg(long = "column", value_name = "FIELD=HEADER")]
    columns: Vec<String>,
    /// The planning quantile, a share between 0 and 1 [default: 0.8].
    #[arg(long, value_name = "SHARE")]
    quantile: Option<f64>,
    /// Shrinkage constant: a client's figure weighs n / (n + k) against its type's [default: 5].
    #[arg(long, value_name = "RECORDS")]
    k: Option<f64>,
    /// Write DURATIONS.json here instead of to stdout.
    #[arg(long, short)]
    out: Option<PathBuf>,
}

/// Runs `carerounds durations`. Refused rows are listed on stderr; exit 2 only when no
/// record is left to learn from.
pub fn run(args: DurationsArgs) -> Result<ExitCode> {
    let columns = super::monitor::columns(&args.columns)?;
    let settings = Settings {
        quantile: args.quantile.unwrap_or(DEFAULT_QUANTILE),
        k: args.k.unwrap_or(DEFAULT_K),
    };
    if !(settings.quantile > 0.0 && settings.quantile < 1.0) {
        return Err(BadFlag(format!(
            "--quantile {}: give a share between 0 and 1 (0.8 is the 80th percentile)",
            settings.quantile
        ))
        .into());
    }
    if !(settings.k.is_finite() && settings.k >= 0.0) {
        return Err(BadFlag(format!("--k {}: give a number of records, 0 or more", settings.k)).into());
    }
    let problem = parse_problem(&read(&args.problem)?).map_err(|e| bad(&args.problem, e))?;
    let mut reads = Vec::new();
    for path in &args.logs {
        reads.push(read_logs(path, args.logs_format, &columns)?);
    }
    let learned = learn(&problem, &reads, &settings);
    for (f, row) in &learned.refused {
        eprintln!("warning: {}: {row}", args.logs[*f].display());
    }
    let c = &learned.counts;
    eprintln!(
        "durations: {} record(s) used, {} ignored ({} visit(s) not made, {} absurd, {} refused); {} client group(s), {} visit type(s)",
        c.used,
        c.not_made + c.absurd + c.refused,
        c.not_made,
        c.absurd,
        c.refused,
        c.clients,
        c.types
    );
    if c.used == 0 {
        eprintln!("error: no usable record in the logs: nothing learned (exit 2)");
        return Ok(ExitCode::from(2));
    }
    let text = serde_json::to_string_pretty(&learned.durations)? + "\n";
    match &args.out {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("durations written to {}", path.display());
        }
        None => put!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

fn read_logs(
    path: &Path,
    format: Option<super::monitor::LogsFormat>,
    columns: &LogColumns,
) -> Result<carerounds::monitor::LogRead> {
    let text = read(path)?;
    let json = super::monitor::is_json(path, format);
    if json {
        read_json(&text)
    } else {
        read_csv(&text, columns)
    }
    .map_err(|e| bad(path, e.to_input_error()))
}

/// Reads DURATIONS.json: a fault names the field (exit 2).
pub(crate) fn load(path: &Path) -> Result<Durations> {
    parse_durations(&read(path)?).map_err(|e| bad(path, e))
}

/// `input` with the learned lengths of `path` when given (planning quantile), and the
/// summary on stderr: one line, and one per change when `verbose`.
pub(crate) fn applied(input: ProblemInput, path: Option<&Path>, verbose: bool) -> Result<ProblemInput> {
    let Some(path) = path else {
        return Ok(input);
    };
    let durations = load(path)?;
    let (out, changed) = apply(&input, &durations, Use::Planning);
    eprintln!("{}", summary_line(&changed));
    if verbose {
        for c in &changed {
            eprintln!("  {}", change_line(c));
        }
    }
    Ok(out)
}

/// `durations: 3 visits changed (largest: v031 45 -> 58 min, 12 records, client)`.
pub fn summary_line(changed: &[Changed]) -> String {
    match largest(changed) {
        None => "durations: 0 visits changed".to_string(),
        Some(c) => format!(
            "durations: {} visit{} changed (largest: {})",
            changed.len(),
            if changed.len() == 1 { "" } else { "s" },
            change_line(c)
        ),
    }
}

fn change_line(c: &Changed) -> String {
    let basis = match c.basis {
        carerounds::durations::Basis::Client => "client",
        carerounds::durations::Basis::Type => "type",
    };
    format!(
        "{} {} -> {} min, {} record{}, {basis}",
        c.visit,
        fmt_min(c.from_min),
        fmt_min(c.to_min),
        c.records,
        if c.records == 1 { "" } else { "s" }
    )
}

fn fmt_min(m: f64) -> String {
    if m.fract() == 0.0 {
        format!("{m:.0}")
    } else {
        format!("{m:.1}")
    }
}
