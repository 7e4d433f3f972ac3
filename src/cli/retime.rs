//! `carerounds retime PROBLEM.json --rounds ROUNDS.json [--out PLAN.json]`: rounds
//! written or edited by hand (`{"routes": [{"staff", "visits": [...]}]}`, the form of a
//! problem's `baseline`) timed into a full plan by `carerounds::retime`. Rounds that
//! break a hard rule are bad input (exit 2) naming the round or visit and the rule.

use super::{bad, load_json, load_problem, summary, travel_of};
use anyhow::Result;
use carerounds::check::check;
use carerounds::model::input::BaselineInput;
use carerounds::retime::retime;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `carerounds retime`.
#[derive(clap::Args)]
pub struct RetimeArgs {
    /// Problem file (SPEC JSON).
    problem: PathBuf,
    /// The rounds: `{"routes": [{"staff": "ann", "visits": ["v3", "v1"]}]}`, staff and
    /// visit order only (a plan's routes less their times, or the problem's `baseline`).
    #[arg(long, value_name = "ROUNDS.json")]
    rounds: PathBuf,
    /// Write the plan here (otherwise it goes to stdout and the summary to stderr).
    #[arg(long, short)]
    out: Option<PathBuf>,
}

/// Runs `carerounds retime`.
pub fn run(args: RetimeArgs) -> Result<ExitCode> {
    let problem = load_problem(&args.problem)?;
    let rounds: BaselineInput = load_json(&args.rounds)?;
    let travel = travel_of(&args.problem, &problem)?;
    let plan = retime(&problem, travel.clone(), &rounds).map_err(|e| bad(&args.rounds, e))?;
    let violations = check(&problem, &travel, &plan);
    super::checked(&violations, "the re-timed plan fails the checker")?;
    let json = serde_json::to_string_pretty(&plan)? + "\n";
    let table = summary::table(&problem, &plan);
    crate::cli::stdout::emit(args.out.as_deref(), &json, &table, "plan")?;
    Ok(ExitCode::SUCCESS)
}
