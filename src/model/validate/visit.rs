//! A visit: its place, windows (one outside every shift is a warning, all of them an
//! error), the staff it names, its `after` links (which must not loop) and its lateness
//! allowance.

use super::fields::{err, minutes, non_negative, Result};
use super::places::Places;
use crate::model::error::InputErrorKind::{self, *};
use crate::model::error::{FieldPath, InputError};
use crate::model::input::{LatenessInput, Priority, VisitInput};
use crate::model::problem::{Gap, InputWarning, MaxLateness, StaffCount, TimeWindow, Visit};
use crate::model::time::format_short;
use std::collections::HashMap;

/// What a visit is checked against: the ids it may name and the span of every shift.
pub(super) struct VisitCtx<'a> {
    pub(super) staff_ids: &'a HashMap<&'a str, usize>,
    pub(super) visit_ids: &'a HashMap<&'a str, usize>,
    pub(super) earliest_shift: f64,
    pub(super) latest_shift: f64,
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

pub(super) fn validate_visit(
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
    let roles = roles(v, staff_count, &path)?;
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
        roles,
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

/// `staff_skills`: two lists, one per person, on a double-handed visit only.
fn roles(v: &VisitInput, count: StaffCount, path: &FieldPath) -> Result<Option<[Vec<String>; 2]>> {
    let Some(lists) = &v.staff_skills else {
        return Ok(None);
    };
    let field = path.field("staff_skills");
    if count != StaffCount::Two {
        return err(
            Conflict,
            field,
            "staff_skills gives each of two people their skills, so the visit needs staff_count 2; set it, or put the skills in skills",
        );
    }
    let [a, b] = lists.as_slice() else {
        return err(
            OutOfRange,
            field,
            format!(
                "staff_skills needs one list per person, two in all (e.g. [[\"nursing\"], [\"personal_care\"]]), got {}",
                lists.len()
            ),
        );
    };
    let tidy = |l: &Vec<String>| {
        let mut l = l.clone();
        l.sort();
        l.dedup();
        l
    };
    Ok(Some([tidy(a), tidy(b)]))
}

/// Rejects `after` links that loop back (a starts after b starts after a).
pub(super) fn check_after_cycles(visits: &[Visit], inputs: &[VisitInput]) -> Result<()> {
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
