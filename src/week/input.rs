//! Reading a week document: the week's own fields are taken out of the JSON first
//! (`days`, `continuity`, each staff member's `rota`, `max_week_min` and `max_days`, each
//! visit's `days` and `day_windows`), and what is left is read as a SPEC v1 day document,
//! so every day field keeps its own reader, its defaults and its error paths.

use super::days::{read_days, resolve, Day};
use crate::model::input::{ProblemInput, ShiftInput};
use crate::model::time::RawClock;
use crate::model::{FieldPath, InputError, InputErrorKind};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Visit fields that belong to re-planning one day, not to a week.
const DAY_ONLY_VISIT_FIELDS: [&str; 3] = ["planned_staff", "planned_start", "actual"];

/// `continuity`: what a client seeing many different staff over the week costs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Continuity {
    /// Cost of each distinct staff member a client sees beyond `target_staff`, in the
    /// units of the objective (a travel minute costs `objective.travel_min`, 1 by default).
    pub per_extra_staff: f64,
    /// How many different staff a client may see over the week at no cost.
    pub target_staff: usize,
}

impl Default for Continuity {
    fn default() -> Self {
        Continuity {
            per_extra_staff: 30.0,
            target_staff: 1,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContinuityInput {
    #[serde(default)]
    per_extra_staff: Option<f64>,
    #[serde(default)]
    target_staff: Option<i64>,
}

/// A staff member's shift on one day.
#[derive(Debug, Clone)]
pub(super) enum OnDay {
    /// Not working.
    Off,
    /// Working this shift; `rota` is the rota key it came from (absent: `shift`).
    Shift { shift: ShiftInput, rota: Option<String> },
}

/// A staff member's week fields, resolved against the days.
#[derive(Debug, Clone)]
pub(super) struct RawStaff {
    pub on: Vec<OnDay>,
    pub max_week_min: Option<f64>,
    pub max_days: Option<usize>,
}

/// A visit's week fields, resolved against the days.
#[derive(Debug, Clone)]
pub(super) struct RawVisit {
    /// Whether the visit happens on each day.
    pub on: Vec<bool>,
    /// The windows of each day given in `day_windows`, with the key they came from.
    pub windows: Vec<Option<(String, Vec<[RawClock; 2]>)>>,
}

/// The week document, read: the day document every day starts from, and the week fields.
#[derive(Debug, Clone)]
pub(super) struct RawWeek {
    pub template: ProblemInput,
    pub days: Vec<Day>,
    pub staff: Vec<RawStaff>,
    pub visits: Vec<RawVisit>,
    pub continuity: Continuity,
}

/// Whether a document is in the week form: an object with `days`.
pub fn is_week(json: &str) -> bool {
    let json = json.strip_prefix('\u{feff}').unwrap_or(json);
    matches!(serde_json::from_str::<Value>(json), Ok(Value::Object(m)) if m.contains_key("days"))
}

fn err<T>(kind: InputErrorKind, path: FieldPath, message: impl Into<String>) -> Result<T, InputError> {
    Err(InputError::of(kind, path, message))
}

/// `inner` under `prefix`.
fn join(prefix: &FieldPath, inner: &FieldPath) -> FieldPath {
    let (p, i) = (prefix.as_str(), inner.as_str());
    let joined = if p.is_empty() {
        i.to_string()
    } else if i.is_empty() {
        p.to_string()
    } else if i.starts_with('[') {
        format!("{p}{i}")
    } else {
        format!("{p}.{i}")
    };
    FieldPath::from(joined.as_str())
}

/// Reads `value` as a `T`, an error naming its field under `path`.
fn typed<T: DeserializeOwned>(value: Value, path: &FieldPath) -> Result<T, InputError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let mut e = InputError::from_json(e);
        e.path = join(path, &e.path);
        e
    })
}

/// Reads a week document.
pub(super) fn read_week(json: &str) -> Result<RawWeek, InputError> {
    let json = json.strip_prefix('\u{feff}').unwrap_or(json);
    let root = FieldPath::root();
    let mut doc: Value = serde_json::from_str(json).or_else(|e| {
        err(
            InputErrorKind::Syntax,
            root.clone(),
            format!("not valid JSON: {e}"),
        )
    })?;
    let Value::Object(map) = &mut doc else {
        return err(
            InputErrorKind::WrongType,
            root,
            "a week must be a JSON object with `days`",
        );
    };
    let days_path = root.field("days");
    let entries: Vec<String> = typed(map.remove("days").unwrap_or(Value::Null), &days_path)?;
    let days = read_days(&entries, &days_path)?;
    let continuity = read_continuity(map.remove("continuity"), &root.field("continuity"))?;
    if map.contains_key("baseline") {
        return err(
            InputErrorKind::Unsupported,
            root.field("baseline"),
            "a week has no baseline (booked rounds are a day's): leave it out, and report on a day's own problem",
        );
    }
    let mut staff = Vec::new();
    if let Some(Value::Array(list)) = map.get_mut("staff") {
        for (i, s) in list.iter_mut().enumerate() {
            if let Value::Object(o) = s {
                staff.push(take_staff(o, &days, &root.field("staff").index(i))?);
            }
        }
    }
    let mut visits = Vec::new();
    if let Some(Value::Array(list)) = map.get_mut("visits") {
        for (k, v) in list.iter_mut().enumerate() {
            if let Value::Object(o) = v {
                visits.push(take_visit(o, &days, &root.field("visits").index(k))?);
            }
        }
    }
    let template: ProblemInput = typed(doc, &root)?;
    Ok(RawWeek {
        template,
        days,
        staff,
        visits,
        continuity,
    })
}

fn read_continuity(value: Option<Value>, path: &FieldPath) -> Result<Continuity, InputError> {
    let mut c = Continuity::default();
    let Some(value) = value else { return Ok(c) };
    let input: ContinuityInput = typed(value, path)?;
    if let Some(w) = input.per_extra_staff {
        if !(w.is_finite() && w >= 0.0) {
            return err(
                InputErrorKind::OutOfRange,
                path.field("per_extra_staff"),
                format!("must be a number >= 0 (minutes of travel one more carer is worth), got {w}"),
            );
        }
        c.per_extra_staff = w;
    }
    if let Some(t) = input.target_staff {
        if t < 1 {
            return err(
                InputErrorKind::OutOfRange,
                path.field("target_staff"),
                format!("must be at least 1 (the staff a client may see at no cost), got {t}"),
            );
        }
        c.target_staff = t as usize;
    }
    Ok(c)
}

/// Takes a staff member's week fields out of its object; a staff member without
/// `shift` works only the days its rota gives a shift (the first stands in for
/// `shift` so that the day reader sees a whole staff member).
fn take_staff(o: &mut Map<String, Value>, days: &[Day], path: &FieldPath) -> Result<RawStaff, InputError> {
    let max_week_min: Option<f64> = typed(
        o.remove("max_week_min").unwrap_or(Value::Null),
        &path.field("max_week_min"),
    )?;
    if let Some(m) = max_week_min {
        if !(m.is_finite() && m >= 0.0) {
            return err(
                InputErrorKind::OutOfRange,
                path.field("max_week_min"),
                format!("must be minutes >= 0 (37.5 hours is 2250), got {m}"),
            );
        }
    }
    let max_days: Option<i64> = typed(
        o.remove("max_days").unwrap_or(Value::Null),
        &path.field("max_days"),
    )?;
    if let Some(n) = max_days.filter(|&n| n < 0) {
        return err(
            InputErrorKind::OutOfRange,
            path.field("max_days"),
            format!("must be a number of days >= 0, got {n}"),
        );
    }
    let rota_path = path.field("rota");
    let rota: BTreeMap<String, Value> =
        typed(o.remove("rota").unwrap_or(Value::Object(Map::new())), &rota_path)?;
    let default = match o.get("shift") {
        Some(v) => Some(typed::<ShiftInput>(v.clone(), &path.field("shift"))?),
        None => None,
    };
    let mut on: Vec<Option<OnDay>> = vec![None; days.len()];
    let mut first_shift = None;
    for (key, value) in rota {
        let at = rota_path.field(&key);
        let entry = match value {
            Value::String(s) if s == "off" => OnDay::Off,
            value => {
                let shift: ShiftInput = typed(value, &at).map_err(|mut e| {
                    e.message = format!(
                        "{} (a rota day is a shift {{\"start\", \"end\"}} or \"off\")",
                        e.message
                    );
                    e
                })?;
                first_shift.get_or_insert_with(|| shift.clone());
                OnDay::Shift {
                    shift,
                    rota: Some(key.clone()),
                }
            }
        };
        for d in resolve(days, &key, &at)? {
            if on[d].is_some() {
                return err(
                    InputErrorKind::Duplicate,
                    at,
                    format!("{} is given twice in the rota; give each day once", days[d].key),
                );
            }
            on[d] = Some(entry.clone());
        }
    }
    if default.is_none() {
        let Some(first) = first_shift else {
            return err(
                InputErrorKind::MissingField,
                path.field("shift"),
                "missing field `shift`: give the usual shift, or a shift for each working day in `rota`",
            );
        };
        o.insert("shift".into(), serde_json::to_value(first).unwrap_or(Value::Null));
    }
    let on = on
        .into_iter()
        .map(|d| {
            d.unwrap_or_else(|| match &default {
                Some(shift) => OnDay::Shift {
                    shift: shift.clone(),
                    rota: None,
                },
                None => OnDay::Off,
            })
        })
        .collect();
    Ok(RawStaff {
        on,
        max_week_min,
        max_days: max_days.map(|n| n as usize),
    })
}

/// Takes a visit's week fields out of its object.
fn take_visit(o: &mut Map<String, Value>, days: &[Day], path: &FieldPath) -> Result<RawVisit, InputError> {
    for field in DAY_ONLY_VISIT_FIELDS {
        if o.contains_key(field) {
            return err(
                InputErrorKind::Unsupported,
                path.field(field),
                "belongs to re-planning one day, not to a week: leave it out",
            );
        }
    }
    let days_path = path.field("days");
    let named: Option<Vec<String>> = typed(o.remove("days").unwrap_or(Value::Null), &days_path)?;
    let mut on = vec![named.is_none(); days.len()];
    if let Some(named) = named {
        if named.is_empty() {
            return err(
                InputErrorKind::InvalidValue,
                days_path,
                "a visit on no day: list its days, or leave `days` out for every day",
            );
        }
        for (j, name) in named.iter().enumerate() {
            for d in resolve(days, name, &days_path.index(j))? {
                if on[d] {
                    return err(
                        InputErrorKind::Duplicate,
                        days_path.index(j),
                        format!("{} is listed twice; list each day once", days[d].key),
                    );
                }
                on[d] = true;
            }
        }
    }
    let windows_path = path.field("day_windows");
    let given: BTreeMap<String, Vec<[RawClock; 2]>> = typed(
        o.remove("day_windows").unwrap_or(Value::Object(Map::new())),
        &windows_path,
    )?;
    let mut windows = vec![None; days.len()];
    for (key, w) in given {
        let at = windows_path.field(&key);
        for d in resolve(days, &key, &at)? {
            if !on[d] {
                return err(
                    InputErrorKind::Conflict,
                    at,
                    format!(
                        "the visit is not on {}: add the day to `days` or drop these windows",
                        days[d].key
                    ),
                );
            }
            if windows[d].is_some() {
                return err(
                    InputErrorKind::Duplicate,
                    at,
                    format!("{} has windows twice; give each day once", days[d].key),
                );
            }
            windows[d] = Some((key.clone(), w.clone()));
        }
    }
    Ok(RawVisit { on, windows })
}
