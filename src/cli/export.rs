//! `carerounds export PLAN.json --problem PROBLEM.json --format csv|ics`: a plan in forms a
//! booking system and a phone calendar take. CSV: one row per step (to `--out FILE` or
//! stdout). iCalendar: one calendar per staff member, `--out DIR/STAFF.ics` for each
//! round with visits, or one file (or stdout) with `--staff ID`.

use super::import::write_out;
use super::report::BadFlag;
use super::{bad, read};
use anyhow::{Context, Result};
use carerounds::formats::export::{plan_csv, staff_calendar, CalendarDate};
use carerounds::model::{parse_input, validate, Plan};
use clap::ValueEnum;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `export`.
#[derive(clap::Args)]
pub struct ExportArgs {
    /// The plan (SPEC JSON).
    plan: PathBuf,
    /// The problem the plan answers (for employers, clients and postcodes).
    #[arg(long, value_name = "PROBLEM.json")]
    problem: PathBuf,
    /// `csv`: one row per step; `ics`: an iCalendar file per staff member.
    #[arg(long, value_enum)]
    format: ExportFormat,
    /// Only this staff member's round.
    #[arg(long, value_name = "ID")]
    staff: Option<String>,
    /// The day the plan is for, `YYYY-MM-DD` (iCalendar needs it; default today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<String>,
    /// CSV: the file (else stdout). iCalendar: the folder for one file per staff member,
    /// or the file when `--staff` is given (else stdout).
    #[arg(long, short)]
    out: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    /// CSV, one row per step of each round.
    Csv,
    /// iCalendar (RFC 5545), one calendar per staff member.
    Ics,
}

/// Now as a `DTSTAMP` and the UTC date.
fn utc_now() -> (String, String) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let (stamp, date) = CalendarDate::stamp(secs);
    (stamp, date.to_string())
}

/// Runs `export`.
pub fn run(args: ExportArgs) -> Result<ExitCode> {
    let input = parse_input(&read(&args.problem)?).map_err(|e| bad(&args.problem, e))?;
    validate(&input).map_err(|e| bad(&args.problem, e))?;
    let plan: Plan = super::load_plan(&args.plan)?;
    if let Some(id) = &args.staff {
        if !plan.routes.iter().any(|r| &r.staff == id) {
            return Err(BadFlag(format!("--staff {id}: the plan has no round for {id}")).into());
        }
    }
    match args.format {
        ExportFormat::Csv => {
            write_out(
                args.out.as_deref(),
                &plan_csv(&input, &plan, args.staff.as_deref()),
            )?;
        }
        ExportFormat::Ics => {
            let (dtstamp, today) = utc_now();
            let text = args.date.clone().unwrap_or(today);
            let date = CalendarDate::parse(&text)
                .ok_or_else(|| BadFlag(format!("--date {text}: expected a date YYYY-MM-DD")))?;
            let rounds = plan
                .routes
                .iter()
                .filter(|r| args.staff.as_ref().is_none_or(|s| s == &r.staff));
            if args.staff.is_some() {
                for r in rounds {
                    write_out(args.out.as_deref(), &staff_calendar(&input, r, date, &dtstamp))?;
                }
                return Ok(ExitCode::SUCCESS);
            }
            let Some(dir) = &args.out else {
                return Err(BadFlag(
                    "--format ics writes one file per staff member: give --out FOLDER (or --staff ID)".into(),
                )
                .into());
            };
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
            let mut n = 0;
            for r in rounds.filter(|r| {
                r.steps
                    .iter()
                    .any(|s| matches!(s, carerounds::model::Step::Visit { .. }))
            }) {
                let path = dir.join(format!("{}.ics", file_safe(&r.staff)));
                std::fs::write(&path, staff_calendar(&input, r, date, &dtstamp))
                    .with_context(|| format!("cannot write {}", path.display()))?;
                n += 1;
            }
            eprintln!("{n} calendar(s) written to {}", dir.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A staff id as a file name: letters, digits, `-` and `_` kept, anything else `_`.
fn file_safe(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
