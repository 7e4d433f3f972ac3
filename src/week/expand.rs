//! A week as one SPEC v1 day problem per day: the staff working that day with that
//! day's shift, the visits of that day with that day's windows. Each day is validated
//! by the day reader, so every day rule (double-handed visits, gaps, breaks, admin time)
//! holds as it does for a day on its own; its errors are given back at the week
//! document's paths (`staff[3].rota.sat`, `visits[12].day_windows.mon[0]`).

use super::days::Day;
use super::input::{OnDay, RawWeek};
use crate::model::input::ProblemInput;
use crate::model::{validate, FieldPath, InputError, InputErrorKind, Problem};

/// One day of a week, as a day problem.
#[derive(Debug, Clone)]
pub struct DayProblem {
    /// The day document (SPEC v1): what `carerounds check` reads for this day.
    pub input: ProblemInput,
    /// The same, validated.
    pub problem: Problem,
    /// For each of the day's staff, their index in the week's `staff`.
    pub week_staff: Vec<usize>,
    /// For each of the day's visits, its index in the week's `visits`.
    pub week_visit: Vec<usize>,
}

/// The day problem of day `d`.
pub(super) fn day_problem(raw: &RawWeek, d: usize) -> Result<DayProblem, InputError> {
    let day = &raw.days[d];
    let mut input = raw.template.clone();
    let name = raw.template.name.as_deref().unwrap_or("week");
    input.name = Some(format!("{name}, {}", day.key));
    let mut week_staff = Vec::new();
    input.staff.clear();
    for (i, s) in raw.template.staff.iter().enumerate() {
        if let OnDay::Shift { shift, .. } = &raw.staff[i].on[d] {
            let mut s = s.clone();
            s.shift = shift.clone();
            input.staff.push(s);
            week_staff.push(i);
        }
    }
    if input.staff.is_empty() {
        return Err(InputError::of(
            InputErrorKind::Incoherent,
            FieldPath::root().field("days").index(d),
            format!(
                "no staff member works on {}: give someone a shift that day (staff[i].shift or staff[i].rota), or leave the day out",
                day.key
            ),
        ));
    }
    // Soft and exclusion lists may name staff who are off that day: they do not apply
    // then (a typo, naming no one in the week, is still an error of the day reader).
    let off: Vec<&str> = raw
        .template
        .staff
        .iter()
        .zip(&raw.staff)
        .filter(|(_, w)| matches!(w.on[d], OnDay::Off))
        .map(|(s, _)| s.id.as_str())
        .collect();
    let mut week_visit = Vec::new();
    input.visits.clear();
    for (k, v) in raw.template.visits.iter().enumerate() {
        if raw.visits[k].on[d] {
            let mut v = v.clone();
            v.preferred_staff.retain(|s| !off.contains(&s.as_str()));
            v.excluded_staff.retain(|s| !off.contains(&s.as_str()));
            if let Some((_, w)) = &raw.visits[k].windows[d] {
                v.time_windows = Some(w.clone());
            }
            input.visits.push(v);
            week_visit.push(k);
        }
    }
    let problem = validate(&input).map_err(|e| at_week_path(e, raw, d, &week_staff, &week_visit))?;
    Ok(DayProblem {
        input,
        problem,
        week_staff,
        week_visit,
    })
}

/// A day's input error at the week document's path, saying which day.
fn at_week_path(e: InputError, raw: &RawWeek, d: usize, staff: &[usize], visits: &[usize]) -> InputError {
    let day: &Day = &raw.days[d];
    let path = e.path.as_str();
    let mapped = if let Some((j, rest)) = indexed(path, "staff") {
        let i = staff.get(j).copied().unwrap_or(j);
        match (&raw.staff[i].on[d], rest.strip_prefix(".shift")) {
            (OnDay::Shift { rota: Some(key), .. }, Some(tail)) => format!("staff[{i}].rota.{key}{tail}"),
            _ => format!("staff[{i}]{rest}"),
        }
    } else if let Some((j, rest)) = indexed(path, "visits") {
        let k = visits.get(j).copied().unwrap_or(j);
        match (&raw.visits[k].windows[d], rest.strip_prefix(".time_windows")) {
            (Some((key, _)), Some(tail)) => format!("visits[{k}].day_windows.{key}{tail}"),
            _ => format!("visits[{k}]{rest}"),
        }
    } else {
        path.to_string()
    };
    InputError::of(
        e.kind,
        FieldPath::from(mapped.as_str()),
        format!("on {} (days[{d}]): {}", day.key, e.message),
    )
}

/// `name[N]rest` as `(N, rest)`.
fn indexed<'a>(path: &'a str, name: &str) -> Option<(usize, &'a str)> {
    let rest = path.strip_prefix(name)?.strip_prefix('[')?;
    let close = rest.find(']')?;
    Some((rest[..close].parse().ok()?, &rest[close + 1..]))
}
