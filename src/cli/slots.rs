//! `carerounds slots`: the booking query of `POST /v1/slots` on files.

use super::{bad, load_plan, travel_of};
use anyhow::{Context, Result};
use carerounds::model::input::VisitInput;
use carerounds::model::time::format_short;
use carerounds::model::InputError;
use carerounds::model::{parse_input, validate};
use carerounds::slots::{BookError, Day, Slots};
use carerounds::travel::{sources, TravelSource};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `slots`.
#[derive(clap::Args)]
pub struct SlotsArgs {
    /// Problem file (SPEC JSON), without the new visit.
    problem: PathBuf,
    /// The day's plan as booked (SPEC plan JSON).
    #[arg(long)]
    plan: PathBuf,
    /// The new visit (one SPEC visit object, with the windows the client could accept).
    #[arg(long)]
    visit: PathBuf,
    /// How many options.
    #[arg(short, long, default_value_t = 5)]
    k: usize,
    /// Print JSON even on a terminal.
    #[arg(long)]
    json: bool,
    /// Use learned visit lengths (`carerounds durations`) for the day's visits (the plan
    /// must fit them) and the new visit.
    #[arg(long, value_name = "DURATIONS.json")]
    durations: Option<PathBuf>,
}

/// Runs `slots`: a table on a terminal, JSON otherwise. Exit 0 even when no option fits
/// (the answer says why); 2 for bad input.
pub fn run(args: SlotsArgs) -> Result<ExitCode> {
    let read =
        |p: &PathBuf| std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()));
    let input = parse_input(&read(&args.problem)?).map_err(|e| bad(&args.problem, e))?;
    let plan = load_plan(&args.plan)?;
    let text = read(&args.visit)?;
    let de = &mut serde_json::Deserializer::from_str(&text);
    let visit: VisitInput =
        serde_path_to_error::deserialize(de).map_err(|e| bad(&args.visit, InputError::from_json(e)))?;
    // The new visit takes its learned length too: it goes through `apply` with the day.
    let (input, visit) = match &args.durations {
        None => (input, visit),
        Some(path) => {
            let mut day = input;
            day.visits.push(visit);
            let mut day = super::durations::applied(day, Some(path), false)?;
            match day.visits.pop() {
                Some(visit) => (day, visit),
                None => anyhow::bail!("internal error: the new visit went missing"),
            }
        }
    };
    let file_of = |e: &BookError| match e {
        BookError::Problem(_) => &args.problem,
        BookError::Plan(_) => &args.plan,
        BookError::Visit(_) | BookError::K(_) | BookError::Option(_) => &args.visit,
    };
    let to_bad = |e: BookError| match e.input() {
        Some(ie) => bad(file_of(&e), ie.clone()),
        None => anyhow::anyhow!("{e}"),
    };
    let problem = validate(&input).map_err(|e| bad(&args.problem, e))?;
    let travel = travel_of(&args.problem, &problem)?;
    // A new visit at a new place under road or OSRM travel routes again, here in the shell.
    let day = Day::with_travel(&input, problem, travel, &plan)
        .map_err(to_bad)?
        .source(TravelSource::new(sources::build));
    let slots = day.slots(&visit, args.k).map_err(to_bad)?;
    let text = if args.json || !std::io::stdout().is_terminal() {
        serde_json::to_string_pretty(&slots).context("cannot encode the answer")? + "\n"
    } else {
        table(&slots)
    };
    crate::cli::stdout::put!("{text}");
    Ok(ExitCode::SUCCESS)
}

fn table(slots: &Slots) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    if slots.options.is_empty() {
        let _ = writeln!(
            s,
            "no option: {}",
            slots
                .reason
                .as_deref()
                .unwrap_or("no staff member can take the visit")
        );
    } else {
        let _ = writeln!(
            s,
            "{:>2}  {:<20}  {:>8}  {:>8}  {:>8}  {:>6}  {:>6}  {:>7}  after",
            "#", "staff", "start", "end", "+travel", "+km", "late", "shifted"
        );
        for (i, o) in slots.options.iter().enumerate() {
            let after: Vec<&str> = o
                .after_visit
                .iter()
                .map(|a| a.as_deref().unwrap_or("(first)"))
                .collect();
            let _ = writeln!(
                s,
                "{:>2}  {:<20}  {:>8}  {:>8}  {:>7.1}m  {:>6.1}  {:>5.0}m  {:>7}  {}",
                i + 1,
                o.staff.join(" + "),
                format_short(o.start.0),
                format_short(o.end.0),
                o.added_travel_min,
                o.added_distance_km,
                o.late_min,
                o.shifted_visits,
                after.join(", ")
            );
        }
    }
    for sk in &slots.skipped {
        let _ = writeln!(s, "skipped {}: {}", sk.staff, sk.reason);
    }
    s
}
