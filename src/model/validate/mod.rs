//! Turns a [`ProblemInput`] into a [`Problem`], naming the field of the first fault.
//!
//! Only faults in the document are errors here. A visit that no staff member could ever
//! serve (skills, exclusions, windows against shifts) is valid input: the solver reports
//! it as unassigned with the reason, because that is an answer a scheduler can act on.
//!
//! One file per part of the document, in the order they are checked: the travel model
//! (`travel`), places, staff, visits, the baseline, then the objective and options;
//! `fields` holds the checks of single fields they all use.

mod baseline;
mod fields;
mod options;
mod places;
mod staff;
mod travel;
mod visit;

use super::error::InputErrorKind::*;
use super::error::{FieldPath, InputError};
use super::input::ProblemInput;
use super::problem::{Problem, TravelModel};
use fields::{err, index_ids, Result};
use places::Places;
use travel::{travel_mode, travel_model};
use visit::VisitCtx;

pub use options::MAX_TIME_LIMIT_S;
pub use travel::{DEFAULT_MAX_SNAP_M, DEFAULT_MAX_TABLE_SIZE, DEFAULT_OSRM_TIMEOUT_S};

/// Parses and validates a problem document.
pub fn parse_problem(json: &str) -> Result<Problem> {
    let input = parse_input(json)?;
    validate(&input)
}

/// Parses a problem document without validating it.
pub fn parse_input(json: &str) -> Result<ProblemInput> {
    // Spreadsheet tools and Windows editors start UTF-8 text with a byte-order mark.
    let json = json.strip_prefix('\u{feff}').unwrap_or(json);
    // serde would read an array positionally as a struct and blame its first element.
    if json.trim_start().starts_with('[') {
        return err(
            WrongType,
            FieldPath::root(),
            "a problem must be a JSON object {\"staff\": [..], \"visits\": [..], ..}, not an array",
        );
    }
    let de = &mut serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize(de).map_err(InputError::from_json)
}

/// Validates rounds written in the form of a problem's `baseline` (`{"routes": [{"staff",
/// "visits"}]}`) against `problem`, as `baseline` is validated, with paths from the
/// rounds document's root (`routes[2].visits[0]`).
pub fn validate_rounds(
    rounds: &super::input::BaselineInput,
    problem: &Problem,
) -> Result<Vec<super::problem::BaselineRoute>> {
    // The problem's ids were checked when it was validated.
    let staff = index_ids(problem.staff.iter().map(|s| s.id.as_str()), "staff")?;
    let visits = index_ids(problem.visits.iter().map(|v| v.id.as_str()), "visits")?;
    baseline::validate_baseline(rounds, FieldPath::root(), &staff, &visits)
}

/// Validates a parsed problem document.
pub fn validate(input: &ProblemInput) -> Result<Problem> {
    let root = FieldPath::root();
    let travel = travel_model(input)?;
    let matrix_mode = matches!(travel, TravelModel::Matrix { .. });

    let mut places = Places::named(input, matrix_mode)?;
    let named_places = places.places.len();

    if input.staff.is_empty() {
        return err(
            InvalidValue,
            root.field("staff"),
            "at least one staff member is needed",
        );
    }
    let staff_ids = index_ids(input.staff.iter().map(|s| s.id.as_str()), "staff")?;
    let mut staff = Vec::with_capacity(input.staff.len());
    for (i, s) in input.staff.iter().enumerate() {
        let mut st = staff::validate_staff(s, root.field("staff").index(i), &mut places)?;
        st.travel_mode = travel_mode(
            s.travel_mode,
            &travel,
            root.field("staff").index(i).field("travel_mode"),
        )?;
        staff.push(st);
    }

    let visit_ids = index_ids(input.visits.iter().map(|v| v.id.as_str()), "visits")?;
    let earliest_shift = staff.iter().map(|s| s.shift_start).fold(f64::INFINITY, f64::min);
    let latest_shift = staff
        .iter()
        .map(|s| s.shift_end + s.max_overtime_min)
        .fold(f64::NEG_INFINITY, f64::max);
    let mut visits = Vec::with_capacity(input.visits.len());
    let mut window_warnings = Vec::new();
    for (i, v) in input.visits.iter().enumerate() {
        let path = root.field("visits").index(i);
        let ctx = VisitCtx {
            staff_ids: &staff_ids,
            visit_ids: &visit_ids,
            earliest_shift,
            latest_shift,
        };
        visits.push(visit::validate_visit(
            v,
            path,
            &mut places,
            &ctx,
            &mut window_warnings,
        )?);
    }
    visit::check_after_cycles(&visits, &input.visits)?;

    let baseline = match &input.baseline {
        None => None,
        Some(b) => Some(baseline::validate_baseline(
            b,
            root.field("baseline"),
            &staff_ids,
            &visit_ids,
        )?),
    };
    let objective = options::validate_objective(input.objective.as_ref().cloned().unwrap_or_default())?;
    let options = options::validate_options(input.options.as_ref().cloned().unwrap_or_default())?;
    let problem = Problem {
        name: input.name.clone().unwrap_or_default(),
        travel,
        places: places.places,
        named_places,
        staff,
        visits,
        baseline,
        objective,
        options,
        sources: input.sources.clone(),
        warnings: Vec::new(),
    };
    let mut warnings = window_warnings;
    warnings.extend(crate::model::coherence::check(&problem)?);
    Ok(Problem { warnings, ..problem })
}
