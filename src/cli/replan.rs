//! `carerounds replan`: the day re-planned after what has happened (docs/REPLAN.md).

use super::{bad, load_plan, read, travel_of};
use anyhow::{Context, Result};
use carerounds::check::check;
use carerounds::model::parse_input;
use carerounds::model::time::format_minute;
use carerounds::replan::changes::{AddedBecause, Changes, RemovedBecause};
use carerounds::replan::{self, Document};
use carerounds::solve::config::{Caps, Overrides, SolveConfig};
use carerounds::solve::Solver;
use std::path::PathBuf;
use std::process::ExitCode;

/// Seconds of search unless `--seconds` says otherwise.
const DEFAULT_SECONDS: f64 = 2.0;

#[derive(clap::Args)]
pub struct ReplanArgs {
    /// Problem file the plan was made for.
    problem: PathBuf,
    /// The plan as it stands (SPEC plan JSON).
    #[arg(long)]
    plan: PathBuf,
    /// What has happened since (events JSON, docs/REPLAN.md).
    #[arg(long)]
    events: PathBuf,
    /// Write the new plan here (otherwise it goes to stdout and the change list to stderr).
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// Write the new problem here: the one the new plan answers, so that
    /// `carerounds check NEW_PROBLEM NEW_PLAN` passes.
    #[arg(long)]
    problem_out: Option<PathBuf>,
    /// Time limit in seconds (default 2), turned into a fixed amount of work as in `solve`.
    #[arg(long)]
    seconds: Option<f64>,
    /// Random seed (default: the problem's options.seed).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads, 0 = all cores (default: the problem's options.threads).
    #[arg(long)]
    threads: Option<usize>,
    /// A fixed amount of work per thread instead of the one derived from --seconds.
    #[arg(long, value_name = "UNITS")]
    work: Option<u64>,
    /// Plan the visits still to come with learned lengths (`carerounds durations`);
    /// visits already made keep theirs.
    #[arg(long, value_name = "DURATIONS.json")]
    durations: Option<PathBuf>,
}

pub fn run(args: ReplanArgs) -> Result<ExitCode> {
    let input = parse_input(&read(&args.problem)?).map_err(|e| bad(&args.problem, e))?;
    let input = super::durations::applied(input, args.durations.as_deref(), false)?;
    let plan = load_plan(&args.plan)?;
    let events = replan::parse_events(&read(&args.events)?).map_err(|e| bad(&args.events, e))?;
    let mut prepared = replan::prepare(&input, &plan, &events).map_err(|e| {
        let file = match e.document {
            Document::Problem => &args.problem,
            Document::Plan => &args.plan,
            Document::Events => &args.events,
        };
        bad(file, e.error)
    })?;
    let overrides = Overrides {
        time_limit_s: Some(args.seconds.unwrap_or(DEFAULT_SECONDS)),
        threads: args.threads,
        seed: args.seed,
        work_budget: args.work,
        deterministic: Some(true),
    };
    let config = SolveConfig::new(&prepared.validated.options, overrides, Caps::machine())
        .map_err(|e| anyhow::anyhow!("--seconds: {e}"))?;
    let travel = travel_of(&args.problem, &prepared.validated)?;
    let warm = replan::warm_start(&mut prepared, travel.clone());
    let solved = Solver::new(&prepared.validated, travel.clone())
        .config(config)
        .start_from(warm)
        .run();
    let violations = check(&prepared.validated, &travel, &solved.plan);
    super::checked(
        &violations,
        "the re-plan fails the checker against the new problem",
    )?;
    let answer = replan::finish(&prepared, solved.plan);
    let text = serde_json::to_string_pretty(&answer.plan)? + "\n";
    if let Some(path) = &args.problem_out {
        let doc = serde_json::to_string_pretty(&answer.problem)? + "\n";
        std::fs::write(path, doc).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let list = change_text(&answer.changes);
    crate::cli::stdout::emit(args.out.as_deref(), &text, &list, "plan")?;
    Ok(ExitCode::SUCCESS)
}

fn hm(c: carerounds::model::time::Clock) -> String {
    format_minute(c.0)
}

/// The change list for people: per staff member, one line per change.
pub fn change_text(c: &Changes) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let t = &c.totals;
    let _ = writeln!(
        s,
        "re-plan at {}: {} visit(s) moved between staff, {} re-timed, {} staff affected",
        hm(c.now),
        t.moved,
        t.retimed,
        t.staff_affected
    );
    for st in &c.staff {
        let _ = writeln!(s, "{}:", st.staff);
        for a in &st.added {
            let why = match a.because {
                AddedBecause::New => "new visit".to_string(),
                AddedBecause::WasUnassigned => "was unassigned".to_string(),
                AddedBecause::Moved => format!("from {}", a.from.join(" and ")),
            };
            let _ = writeln!(s, "  + {} {}  ({why})", hm(a.start), a.visit);
        }
        for r in &st.removed {
            let why = match r.because {
                RemovedBecause::Cancelled => "cancelled".to_string(),
                RemovedBecause::Missed => "can no longer be made".to_string(),
                RemovedBecause::Unassigned => "unassigned".to_string(),
                RemovedBecause::Moved => format!("to {}", r.to.join(" and ")),
            };
            let _ = writeln!(s, "  - {} {}  ({why})", hm(r.start), r.visit);
        }
        for m in &st.retimed {
            let _ = writeln!(s, "  ~ {} {} -> {}", m.visit, hm(m.from), hm(m.to));
        }
    }
    if !c.cancelled.is_empty() {
        let _ = writeln!(s, "cancelled: {}", c.cancelled.join(", "));
    }
    for m in &c.missed {
        let _ = writeln!(s, "missed: {}: {}", m.visit, m.reason);
    }
    if !c.added.is_empty() {
        let _ = writeln!(s, "added: {}", c.added.join(", "));
    }
    for u in &c.unassigned {
        let _ = writeln!(s, "unassigned: {}: {}", u.visit, u.reason);
    }
    for e in &c.eased {
        let _ = writeln!(s, "eased for {}: {}", e.staff, e.reason);
    }
    s
}
