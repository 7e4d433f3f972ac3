//! Turns a [`ProblemInput`] into a [`Problem`], naming the field of the first fault.
//!
//! Only faults in the document are errors here. A visit that no staff member could ever
//! serve (skills, exclusions, windows against shifts) is valid input: the solver reports
//! it as unassigned with the reason, because that is an answer a scheduler can act on.

use super::error::InputErrorKind::{self, *};
use super::error::{FieldPath, InputError};
use super::input::*;
use super::problem::*;
use super::time::{format_short, ClockError};
use super::validate_travel::{travel_mode, travel_model};
use std::collections::HashMap;

pub use super::validate_travel::{DEFAULT_MAX_SNAP_M, DEFAULT_MAX_TABLE_SIZE, DEFAULT_OSRM_TIMEOUT_S};

pub(super) type Result<T> = std::result::Result<T, InputError>;

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

pub(super) fn err<T>(kind: InputErrorKind, path: FieldPath, message: impl Into<String>) -> Result<T> {
    Err(InputError::of(kind, path, message))
}

fn minutes(raw: &super::time::RawClock, path: FieldPath) -> Result<f64> {
    raw.minutes().map_err(|e| {
        let kind = match e {
            ClockError::Minutes(_) => OutOfRange,
            ClockError::Text(_) => InvalidValue,
        };
        InputError::of(kind, path, e.to_string())
    })
}

pub(super) fn non_negative(v: f64, path: FieldPath, what: &str) -> Result<f64> {
    if !v.is_finite() || v < 0.0 {
        return err(
            OutOfRange,
            path,
            format!("{what} must be a finite number >= 0, got {v}"),
        );
    }
    Ok(v)
}

fn check_id(id: &str, path: FieldPath) -> Result<()> {
    if id.trim().is_empty() {
        return err(InvalidValue, path, "id must be a non-empty string");
    }
    Ok(())
}

/// Builds the id → index map of a list, rejecting duplicates.
fn index_ids<'a>(ids: impl Iterator<Item = &'a str>, list: &str) -> Result<HashMap<&'a str, usize>> {
    let mut map = HashMap::new();
    for (i, id) in ids.enumerate() {
        let path = FieldPath::root().field(list).index(i).field("id");
        check_id(id, path.clone())?;
        if let Some(first) = map.insert(id, i) {
            return err(
                Duplicate,
                path,
                format!("duplicate id '{id}' (also {list}[{first}]); ids must be unique"),
            );
        }
    }
    Ok(map)
}

fn check_point(lat: f64, lon: f64, path: &FieldPath) -> Result<LatLon> {
    if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
        return err(
            OutOfRange,
            path.field("lat"),
            format!("latitude {lat} is outside -90..90"),
        );
    }
    if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
        return err(
            OutOfRange,
            path.field("lon"),
            format!("longitude {lon} is outside -180..180"),
        );
    }
    Ok(LatLon { lat, lon })
}

struct Places<'a> {
    ids: HashMap<&'a str, usize>,
    places: Vec<Place>,
    matrix_mode: bool,
}

impl Places<'_> {
    fn resolve(&mut self, loc: &LocationRef, path: FieldPath) -> Result<usize> {
        match loc {
            LocationRef::Id(id) => self.ids.get(id.as_str()).copied().ok_or_else(|| {
                InputError::of(
                    UnknownReference,
                    path,
                    format!("unknown location '{id}': add it to `locations` or give {{\"lat\", \"lon\"}}"),
                )
            }),
            LocationRef::Point(p) => {
                if self.matrix_mode {
                    return err(
                        Conflict,
                        path,
                        "with travel mode \"matrix\" every location must be the id of a `locations` entry",
                    );
                }
                let point = check_point(p.lat, p.lon, &path)?;
                self.places.push(Place {
                    id: None,
                    point: Some(point),
                });
                Ok(self.places.len() - 1)
            }
        }
    }
}

/// Validates a parsed problem document.
pub fn validate(input: &ProblemInput) -> Result<Problem> {
    let root = FieldPath::root();
    let travel = travel_model(input)?;
    let matrix_mode = matches!(travel, TravelModel::Matrix { .. });

    let loc_ids = index_ids(input.locations.iter().map(|l| l.id.as_str()), "locations")?;
    let mut named = Vec::with_capacity(input.locations.len());
    for (i, l) in input.locations.iter().enumerate() {
        let path = root.field("locations").index(i);
        let point = match (l.lat, l.lon) {
            (Some(lat), Some(lon)) => Some(check_point(lat, lon, &path)?),
            (None, None) if matrix_mode => None,
            (None, _) => {
                return err(
                    MissingField,
                    path.field("lat"),
                    "lat is required (degrees, WGS84)",
                )
            }
            (_, None) => {
                return err(
                    MissingField,
                    path.field("lon"),
                    "lon is required (degrees, WGS84)",
                )
            }
        };
        named.push(Place {
            id: Some(l.id.clone()),
            point,
        });
    }
    let mut places = Places {
        ids: loc_ids,
        places: named,
        matrix_mode,
    };
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
        let mut st = validate_staff(s, root.field("staff").index(i), &mut places)?;
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
        visits.push(validate_visit(v, path, &mut places, &ctx, &mut window_warnings)?);
    }
    check_after_cycles(&visits, &input.visits)?;

    let baseline = match &input.baseline {
        None => None,
        Some(b) => Some(validate_baseline(b, &staff_ids, &visit_ids)?),
    };
    let objective = validate_objective(input.objective.as_ref().cloned().unwrap_or_default())?;
    let options = validate_options(input.options.as_ref().cloned().unwrap_or_default())?;
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
        warnings: Vec::new(),
    };
    let mut warnings = window_warnings;
    warnings.extend(super::coherence::check(&problem)?);
    Ok(Problem { warnings, ..problem })
}

fn validate_staff(s: &StaffInput, path: FieldPath, places: &mut Places) -> Result<Staff> {
    let shift_start = minutes(&s.shift.start, path.field("shift").field("start"))?;
    let shift_end = minutes(&s.shift.end, path.field("shift").field("end"))?;
    if shift_end < shift_start {
        return err(
            Conflict,
            path.field("shift").field("end"),
            format!(
                "shift end {} is before its start {}",
                format_short(shift_end),
                format_short(shift_start)
            ),
        );
    }
    let start_place = places.resolve(&s.start_location, path.field("start_location"))?;
    let end_place = match &s.end_location {
        Some(l) => places.resolve(l, path.field("end_location"))?,
        None => start_place,
    };
    let mut breaks = Vec::with_capacity(s.breaks.len());
    for (j, b) in s.breaks.iter().enumerate() {
        let bp = path.field("breaks").index(j);
        let earliest = minutes(&b.earliest, bp.field("earliest"))?;
        let latest = minutes(&b.latest, bp.field("latest"))?;
        let duration = non_negative(b.duration_min, bp.field("duration_min"), "duration")?;
        if latest < earliest {
            return err(
                Conflict,
                bp.field("latest"),
                format!(
                    "latest {} is before earliest {}",
                    format_short(latest),
                    format_short(earliest)
                ),
            );
        }
        let latest_end = shift_end + s.max_overtime_min.unwrap_or(0.0).max(0.0);
        if latest < shift_start || earliest + duration > latest_end {
            return err(
                Incoherent,
                bp,
                format!(
                    "a {} min break starting {}-{} cannot be taken within the shift {}-{}: \
                     a staff member with visits must take it, so they could make none; \
                     move the break into the shift or change the shift",
                    super::coherence::num(duration),
                    format_short(earliest),
                    format_short(latest),
                    format_short(shift_start),
                    format_short(shift_end)
                ),
            );
        }
        breaks.push(Break {
            earliest,
            latest,
            duration,
        });
    }
    breaks.sort_by(|a, b| a.earliest.total_cmp(&b.earliest));
    let opt_nn = |v: Option<f64>, name: &str| -> Result<Option<f64>> {
        v.map(|x| non_negative(x, path.field(name), name)).transpose()
    };
    let max_visits = match s.max_visits {
        None => None,
        Some(n) if n >= 0 => Some(n as usize),
        Some(n) => {
            return err(
                OutOfRange,
                path.field("max_visits"),
                format!("max_visits must be >= 0, got {n}"),
            )
        }
    };
    let mut skills = s.skills.clone();
    skills.sort();
    skills.dedup();
    Ok(Staff {
        id: s.id.clone(),
        organisation: s.organisation.clone().unwrap_or_default(),
        skills,
        shift_start,
        shift_end,
        start_place,
        end_place,
        breaks,
        admin_min: opt_nn(s.admin_min, "admin_min")?.unwrap_or(0.0),
        max_travel_min: opt_nn(s.max_travel_min, "max_travel_min")?,
        max_visits,
        max_overtime_min: opt_nn(s.max_overtime_min, "max_overtime_min")?.unwrap_or(0.0),
        capacity: opt_nn(s.capacity, "capacity")?,
        travel_mode: None,
    })
}

struct VisitCtx<'a> {
    staff_ids: &'a HashMap<&'a str, usize>,
    visit_ids: &'a HashMap<&'a str, usize>,
    earliest_shift: f64,
    latest_shift: f64,
}

fn staff_refs(ids: &[String], path: FieldPath, ctx: &VisitCtx) -> Result<Vec<usize>> {
    let mut out = Vec::with_capacity(ids.len());
    for (k, id) in ids.iter().enumerate() {
        match ctx.staff_ids.get(id.as_str()) {
            Some(&i) => out.push(i),
            None => {
                return err(
                    UnknownReference,
                    path.index(k),
                    format!("unknown staff id '{id}'"),
                )
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

fn validate_visit(
    v: &VisitInput,
    path: FieldPath,
    places: &mut Places,
    ctx: &VisitCtx,
    warnings: &mut Vec<InputWarning>,
) -> Result<Visit> {
    let place = places.resolve(&v.location, path.field("location"))?;
    let duration = non_negative(v.duration_min, path.field("duration_min"), "duration")?;
    let mut windows = Vec::new();
    let mut outside = Vec::new();
    if let Some(ws) = &v.time_windows {
        if ws.is_empty() {
            return err(
                InvalidValue,
                path.field("time_windows"),
                "empty list: give at least one window, or leave time_windows out for any time",
            );
        }
        for (k, [a, b]) in ws.iter().enumerate() {
            let wp = path.field("time_windows").index(k);
            let start = minutes(a, wp.index(0))?;
            let end = minutes(b, wp.index(1))?;
            if end < start {
                return err(
                    Conflict,
                    wp,
                    format!(
                        "end {} is before start {}",
                        format_short(end),
                        format_short(start)
                    ),
                );
            }
            if end < ctx.earliest_shift || start > ctx.latest_shift {
                let e = InputError::of(
                    Incoherent,
                    wp,
                    format!(
                        "window {}-{} lies outside every shift ({}-{}); check the times",
                        format_short(start),
                        format_short(end),
                        format_short(ctx.earliest_shift),
                        format_short(ctx.latest_shift)
                    ),
                );
                outside.push(e);
            }
            windows.push(TimeWindow { start, end });
        }
        // One window of several outside every shift is likely a slip, not a reason to
        // refuse the day: warn and plan with the others. All of them outside is an error.
        if outside.len() == ws.len() {
            return Err(outside.swap_remove(0));
        }
        warnings.extend(outside.into_iter().map(|e| InputWarning {
            path: e.path.as_str().to_string(),
            message: format!("{}; this window cannot be used", e.message),
        }));
        windows.sort_by(|a, b| a.start.total_cmp(&b.start));
        for k in 1..windows.len() {
            if windows[k].start <= windows[k - 1].end {
                return err(
                    Conflict,
                    path.field("time_windows"),
                    "windows overlap; merge them into one",
                );
            }
        }
    }
    let staff_count = match v.staff_count.unwrap_or(1) {
        1 => StaffCount::One,
        2 => StaffCount::Two,
        n => {
            return err(
                OutOfRange,
                path.field("staff_count"),
                format!("staff_count must be 1 or 2, got {n}"),
            )
        }
    };
    let preferred_staff = staff_refs(&v.preferred_staff, path.field("preferred_staff"), ctx)?;
    let excluded_staff = staff_refs(&v.excluded_staff, path.field("excluded_staff"), ctx)?;
    let mut pinned_staff = staff_refs(&v.pinned_staff, path.field("pinned_staff"), ctx)?;
    let needed = if staff_count == StaffCount::Two { 2 } else { 1 };
    let planned_staff = staff_refs(&v.planned_staff, path.field("planned_staff"), ctx)?;
    let planned_start = match &v.planned_start {
        Some(t) => Some(minutes(t, path.field("planned_start"))?),
        None => None,
    };
    let actual = match &v.actual {
        None => None,
        Some(a) => {
            let ap = path.field("actual");
            let staff = staff_refs(&a.staff, ap.field("staff"), ctx)?;
            if staff.len() != needed {
                return err(
                    Conflict,
                    ap.field("staff"),
                    format!(
                        "names {} different staff member(s), but the visit needs {needed}; name who made it",
                        staff.len()
                    ),
                );
            }
            if !pinned_staff.is_empty() && pinned_staff != staff {
                return err(
                    Conflict,
                    path.field("pinned_staff"),
                    "the visit has started (`actual`) with other staff than it is pinned to; drop the pin",
                );
            }
            pinned_staff = staff;
            Some(minutes(&a.start, ap.field("start"))?)
        }
    };
    if !pinned_staff.is_empty() && pinned_staff.len() != needed {
        return err(
            InputErrorKind::Conflict,
            path.field("pinned_staff"),
            format!(
                "names {} different staff member(s), but the visit needs {needed}; name {needed} or none",
                pinned_staff.len()
            ),
        );
    }
    let mut after = Vec::with_capacity(v.after.len());
    for (k, a) in v.after.iter().enumerate() {
        let ap = path.field("after").index(k);
        let Some(&other) = ctx.visit_ids.get(a.visit.as_str()) else {
            return err(
                UnknownReference,
                ap.field("visit"),
                format!("unknown visit id '{}'", a.visit),
            );
        };
        if a.visit == v.id {
            return err(Conflict, ap.field("visit"), "a visit cannot come after itself");
        }
        let min = match a.min_gap_min {
            Some(m) if !m.is_finite() => {
                return err(OutOfRange, ap.field("min_gap_min"), "must be a finite number")
            }
            Some(m) => m,
            None => 0.0,
        };
        let max = match a.max_gap_min {
            Some(m) if !m.is_finite() => {
                return err(OutOfRange, ap.field("max_gap_min"), "must be a finite number")
            }
            Some(m) if m < min => {
                return err(
                    Conflict,
                    ap.field("max_gap_min"),
                    format!("max gap {m} is below min gap {min}"),
                )
            }
            other => other,
        };
        after.push(Gap {
            visit: other,
            min,
            max,
        });
    }
    let max_lateness = match &v.max_lateness_min {
        None => MaxLateness::None,
        Some(LatenessInput::Minutes(m)) => MaxLateness::Minutes(non_negative(
            *m,
            path.field("max_lateness_min"),
            "max_lateness_min",
        )?),
        Some(LatenessInput::Word(w)) if w == "unbounded" => MaxLateness::Unbounded,
        Some(LatenessInput::Word(w)) => {
            return err(
                InvalidValue,
                path.field("max_lateness_min"),
                format!("'{w}' is not allowed: use a number of minutes, \"unbounded\" or null"),
            )
        }
    };
    let demand = match v.demand {
        Some(d) => non_negative(d, path.field("demand"), "demand")?,
        None => 0.0,
    };
    let mut skills = v.skills.clone();
    skills.sort();
    skills.dedup();
    Ok(Visit {
        id: v.id.clone(),
        client: v.client.clone().unwrap_or_default(),
        place,
        duration,
        windows,
        skills,
        staff_count,
        required: v.priority.unwrap_or_default() == Priority::Required,
        preferred_staff,
        excluded_staff,
        pinned_staff,
        planned_staff,
        planned_start,
        actual,
        after,
        max_lateness,
        demand,
    })
}

/// Rejects `after` links that loop back (a starts after b starts after a).
fn check_after_cycles(visits: &[Visit], inputs: &[VisitInput]) -> Result<()> {
    // 0 = unseen, 1 = on the stack, 2 = done. Iterative DFS so long chains cannot overflow.
    let mut state = vec![0u8; visits.len()];
    for root in 0..visits.len() {
        if state[root] != 0 {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        state[root] = 1;
        while let Some(&mut (v, ref mut k)) = stack.last_mut() {
            if *k < visits[v].after.len() {
                let next = visits[v].after[*k].visit;
                *k += 1;
                match state[next] {
                    0 => {
                        state[next] = 1;
                        stack.push((next, 0));
                    }
                    1 => {
                        let path = FieldPath::root()
                            .field("visits")
                            .index(v)
                            .field("after")
                            .index(*k - 1)
                            .field("visit");
                        return err(Conflict,
                            path,
                            format!(
                                "`after` links form a cycle through '{}' and '{}'; one of them must not wait for the other",
                                inputs[v].id, inputs[next].id
                            ),
                        );
                    }
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    Ok(())
}

fn validate_baseline(
    b: &BaselineInput,
    staff_ids: &HashMap<&str, usize>,
    visit_ids: &HashMap<&str, usize>,
) -> Result<Vec<BaselineRoute>> {
    let path = FieldPath::root().field("baseline").field("routes");
    let mut seen: HashMap<(usize, usize), String> = HashMap::new();
    let mut routes = Vec::with_capacity(b.routes.len());
    for (i, r) in b.routes.iter().enumerate() {
        let rp = path.index(i);
        let Some(&staff) = staff_ids.get(r.staff.as_str()) else {
            return err(
                UnknownReference,
                rp.field("staff"),
                format!("unknown staff id '{}'", r.staff),
            );
        };
        let mut visits = Vec::with_capacity(r.visits.len());
        for (k, id) in r.visits.iter().enumerate() {
            let vp = rp.field("visits").index(k);
            let Some(&v) = visit_ids.get(id.as_str()) else {
                return err(UnknownReference, vp, format!("unknown visit id '{id}'"));
            };
            if let Some(prev) = seen.insert((v, staff), vp.to_string()) {
                return err(
                    Duplicate,
                    vp,
                    format!(
                        "visit '{id}' is booked twice for staff '{}' (also {prev})",
                        r.staff
                    ),
                );
            }
            visits.push(v);
        }
        routes.push(BaselineRoute { staff, visits });
    }
    Ok(routes)
}

fn validate_objective(o: ObjectiveInput) -> Result<Objective> {
    let d = Objective::default();
    let p = FieldPath::root().field("objective");
    let w = |v: Option<f64>, def: f64, name: &str| -> Result<f64> {
        non_negative(v.unwrap_or(def), p.field(name), "weight")
    };
    Ok(Objective {
        travel_min: w(o.travel_min, d.travel_min, "travel_min")?,
        distance_km: w(o.distance_km, d.distance_km, "distance_km")?,
        lateness: w(o.lateness, d.lateness, "lateness")?,
        max_lateness: w(o.max_lateness, d.max_lateness, "max_lateness")?,
        preferred_staff: w(o.preferred_staff, d.preferred_staff, "preferred_staff")?,
        overtime: w(o.overtime, d.overtime, "overtime")?,
        moved_visit: w(o.moved_visit, d.moved_visit, "moved_visit")?,
        retimed_min: w(o.retimed_min, d.retimed_min, "retimed_min")?,
    })
}

/// Largest accepted `options.time_limit_s`: one day.
pub const MAX_TIME_LIMIT_S: f64 = 86_400.0;

fn validate_options(o: OptionsInput) -> Result<Options> {
    let d = Options::default();
    let time_limit_s = o.time_limit_s.unwrap_or(d.time_limit_s);
    // The upper bound keeps the value within what a timer can hold (a day is plenty).
    if !time_limit_s.is_finite() || !(0.0..=MAX_TIME_LIMIT_S).contains(&time_limit_s) {
        return err(
            OutOfRange,
            FieldPath::root().field("options").field("time_limit_s"),
            format!(
                "time limit must be a number of seconds >= 0 and <= {MAX_TIME_LIMIT_S}, got {time_limit_s}"
            ),
        );
    }
    Ok(Options {
        time_limit_s,
        seed: o.seed.unwrap_or(d.seed),
        threads: o.threads.unwrap_or(d.threads),
    })
}
