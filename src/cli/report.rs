//! `carerounds report`: the rounds as booked against one or more plans, as text, JSON, CSV
//! or a self-contained HTML page. Reads the files, hands them to `carerounds::report`,
//! writes the result.

use super::{bad, load_plan, load_problem, travel_of};
use crate::cli::stdout::put;
use anyhow::{Context, Result};
use carerounds::model::{FieldPath, InputError, InputErrorKind};
use carerounds::report::{render, AssumptionError, Assumptions, Format, Report, ReportError};
use clap::ValueEnum;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `carerounds report`.
#[derive(clap::Args)]
pub struct ReportArgs {
    /// Problem file (SPEC JSON) with a `baseline`: the rounds as booked.
    problem: PathBuf,
    /// A plan to compare with the baseline; repeat for several (days, scenarios).
    #[arg(long = "plan", value_name = "PLAN.json", required = true)]
    plans: Vec<PathBuf>,
    /// Names of the plans, in the order of --plan (default: each file's name without extension).
    #[arg(long = "name", value_name = "NAME")]
    names: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: ReportFormat,
    /// Write the report here instead of to stdout.
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// An organisation's mileage rate in £ per mile, e.g. an NHS Agenda for Change rate:
    /// `--rate NHS=0.56`. Repeat for each organisation.
    #[arg(long = "rate", value_name = "ORG=GBP", value_parser = parse_rate)]
    rates: Vec<(String, f64)>,
    /// £ per mile for organisations without --rate [default: 0.45, HMRC approved mileage
    /// allowance payments].
    #[arg(long, value_name = "GBP", value_parser = non_negative)]
    default_rate: Option<f64>,
    /// kg CO2e per km driven [default: 0.17, UK Government GHG conversion factors, average
    /// car, unknown fuel].
    #[arg(long, value_name = "KG", value_parser = non_negative)]
    co2_per_km: Option<f64>,
    /// Working days a week, for the weekly extrapolation, 1 to 7 [default: 5].
    #[arg(long, value_name = "DAYS", value_parser = positive)]
    days_per_week: Option<f64>,
    /// Working days a year, for the yearly extrapolation, 1 to 366 [default: 230].
    #[arg(long, value_name = "DAYS", value_parser = positive)]
    days_per_year: Option<f64>,
    /// An organisation's staff cost in £ an hour, e.g. `--gbp-per-hour NHS=32.5`: the report
    /// then estimates the value of the driving time saved. Repeat for each organisation.
    /// No default: without a rate, staff time is not costed.
    #[arg(long = "gbp-per-hour", value_name = "ORG=GBP", value_parser = parse_hourly)]
    gbp_per_hour: Vec<(String, f64)>,
    /// £ an hour for organisations without --gbp-per-hour.
    #[arg(long, value_name = "GBP", value_parser = non_negative)]
    default_gbp_per_hour: Option<f64>,
    /// Flag an organisation losing more than this % of its booked contact time to another,
    /// 0 to 100 [default: 10].
    #[arg(long, value_name = "PCT", value_parser = non_negative)]
    max_org_shift_pct: Option<f64>,
}

#[derive(Clone, Copy, ValueEnum)]
enum ReportFormat {
    /// Plain-text tables.
    Text,
    /// Every figure as JSON.
    Json,
    /// One row per staff member per plan.
    Csv,
    /// One self-contained page with route maps and day timelines.
    Html,
}

fn non_negative(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => Ok(x),
        _ => Err(format!("'{s}' is not a number >= 0")),
    }
}

fn positive(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        _ => Err(format!("'{s}' is not a number > 0")),
    }
}

fn parse_rate(s: &str) -> Result<(String, f64), String> {
    org_value(s, "ORG=GBP_PER_MILE (for example NHS=0.56)")
}

fn parse_hourly(s: &str) -> Result<(String, f64), String> {
    org_value(s, "ORG=GBP_PER_HOUR (for example NHS=32.5)")
}

/// `ORG=NUMBER` with a number >= 0; `shape` says what was expected.
fn org_value(s: &str, shape: &str) -> Result<(String, f64), String> {
    let (org, rate) = s
        .rsplit_once('=')
        .ok_or_else(|| format!("'{s}' is not {shape}"))?;
    if org.trim().is_empty() {
        return Err(format!("'{s}' names no organisation: expected {shape}"));
    }
    Ok((org.trim().to_string(), non_negative(rate)?))
}

/// Runs `carerounds report`. Exit 0 with the report (plan violations are shown in it, not
/// fatal), 2 for bad input with the field path.
pub fn run(args: ReportArgs) -> Result<ExitCode> {
    if super::week::is_week_file(&args.problem) {
        let json = match args.format {
            ReportFormat::Text => false,
            ReportFormat::Json => true,
            _ => return Err(BadFlag("a week report is --format text or json".into()).into()),
        };
        return super::week::report(&args.problem, &args.plans, json, args.out.as_deref());
    }
    let problem = load_problem(&args.problem)?;
    let travel = travel_of(&args.problem, &problem)?;
    let mut a = Assumptions::default();
    for (org, rate) in &args.rates {
        a.gbp_per_mile.insert(org.clone(), *rate);
    }
    a.default_gbp_per_mile = args.default_rate.unwrap_or(a.default_gbp_per_mile);
    a.co2_kg_per_km = args.co2_per_km.unwrap_or(a.co2_kg_per_km);
    a.days_per_week = args.days_per_week.unwrap_or(a.days_per_week);
    a.days_per_year = args.days_per_year.unwrap_or(a.days_per_year);
    a.gbp_per_hour.extend(args.gbp_per_hour.iter().cloned());
    a.default_gbp_per_hour = args.default_gbp_per_hour;
    a.max_org_shift_pct = args.max_org_shift_pct.unwrap_or(a.max_org_shift_pct);
    if args.names.len() > args.plans.len() {
        eprintln!(
            "error: {} --name given for {} --plan: give at most one name per plan",
            args.names.len(),
            args.plans.len()
        );
        return Ok(ExitCode::from(2));
    }
    let mut plans = Vec::with_capacity(args.plans.len());
    for (i, path) in args.plans.iter().enumerate() {
        let name = args.names.get(i).cloned().unwrap_or_else(|| {
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| format!("plan {}", i + 1))
        });
        plans.push((name, load_plan(path)?));
    }
    let report = Report::new(&problem, travel, &plans, &a).map_err(|e| match e {
        ReportError::NoBaseline => bad(
            &args.problem,
            InputError::of(
                InputErrorKind::MissingField,
                FieldPath::from("baseline"),
                "the problem has no baseline (the rounds as booked) to compare the plans with",
            ),
        ),
        ReportError::Plan { index, source, .. } => bad(&args.plans[index], source),
        ReportError::Baseline(source) => bad(&args.problem, source),
        ReportError::Assumptions(e) => anyhow::Error::new(BadFlag(flag_message(&e))),
    })?;
    let format = match args.format {
        ReportFormat::Text => Format::Text,
        ReportFormat::Json => Format::Json,
        ReportFormat::Csv => Format::Csv,
        ReportFormat::Html => Format::Html,
    };
    let text = render(&report, format);
    match &args.out {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("report written to {}", path.display());
        }
        None => put!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// A report setting given on the command line that cannot be used (exit 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct BadFlag(pub String);

/// The setting named as the flag that set it.
fn flag_message(e: &AssumptionError) -> String {
    let flag = match e.setting.as_str() {
        "default_gbp_per_mile" => "--default-rate".to_string(),
        "co2_kg_per_km" => "--co2-per-km".to_string(),
        "days_per_week" => "--days-per-week".to_string(),
        "days_per_year" => "--days-per-year".to_string(),
        "default_gbp_per_hour" => "--default-gbp-per-hour".to_string(),
        "max_org_shift_pct" => "--max-org-shift-pct".to_string(),
        other => match (
            other.strip_prefix("gbp_per_mile."),
            other.strip_prefix("gbp_per_hour."),
        ) {
            (Some(org), _) => format!("--rate {org}="),
            (_, Some(org)) => format!("--gbp-per-hour {org}="),
            _ => other.to_string(),
        },
    };
    format!("{flag}: {}", e.message)
}
