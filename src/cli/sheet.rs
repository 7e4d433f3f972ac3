//! `carerounds sheet PROBLEM.json --plan PLAN.json [--staff ID] [--format text|html]`: the
//! run sheets staff carry on the day. Reads the files, checks the plan against the
//! problem (a sheet must not show a plan that breaks a rule: exit 2 naming the first
//! violation), hands both to `carerounds::sheet`, writes the text or the page.

use super::import::write_out;
use super::report::BadFlag;
use super::{bad, load_plan_summary_optional, read, travel_of};
use anyhow::Result;
use carerounds::check::{check, check_without_summary};
use carerounds::model::{parse_input, validate, FieldPath, InputError, InputErrorKind};
use carerounds::sheet::{render, sheets, Format, SheetError};
use clap::ValueEnum;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `carerounds sheet`.
#[derive(clap::Args)]
pub struct SheetArgs {
    /// Problem file (SPEC JSON): clients, postcodes and addresses, skills.
    problem: PathBuf,
    /// The plan (SPEC JSON); its `summary` may be left out.
    #[arg(long, value_name = "PLAN.json")]
    plan: PathBuf,
    /// Only this staff member's sheet (else one for each staff member with visits).
    #[arg(long, value_name = "ID")]
    staff: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: SheetFormat,
    /// Write the sheets here instead of to stdout.
    #[arg(long, short)]
    out: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum SheetFormat {
    /// Plain text, one sheet after another.
    Text,
    /// One self-contained HTML page, an A4 page per staff member when printed.
    Html,
}

/// Runs `carerounds sheet`.
pub fn run(args: SheetArgs) -> Result<ExitCode> {
    let input = parse_input(&read(&args.problem)?).map_err(|e| bad(&args.problem, e))?;
    let problem = validate(&input).map_err(|e| bad(&args.problem, e))?;
    let (plan, has_summary) = load_plan_summary_optional(&args.plan)?;
    let all = sheets(&input, &problem, &plan, args.staff.as_deref()).map_err(|e| match e {
        SheetError::UnknownStaff { ref id, .. } => BadFlag(format!("--staff {id}: {e}")).into(),
        SheetError::Plan(source) => bad(&args.plan, source),
    })?;
    let travel = travel_of(&args.problem, &problem)?;
    let violations = if has_summary {
        check(&problem, &travel, &plan)
    } else {
        check_without_summary(&problem, &travel, &plan)
    };
    if let Some(first) = violations.first() {
        return Err(bad(
            &args.plan,
            InputError::of(
                InputErrorKind::Conflict,
                FieldPath::root(),
                format!(
                    "the plan does not keep the problem's rules ({} violation(s), the first: {first}); \
                     `carerounds check` lists them all",
                    violations.len()
                ),
            ),
        ));
    }
    let format = match args.format {
        SheetFormat::Text => Format::Text,
        SheetFormat::Html => Format::Html,
    };
    write_out(args.out.as_deref(), &render(&all, format))?;
    if let Some(path) = &args.out {
        eprintln!("{} run sheet(s) written to {}", all.len(), path.display());
    }
    Ok(ExitCode::SUCCESS)
}
