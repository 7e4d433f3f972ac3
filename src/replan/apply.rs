//! The new problem P' and the warm start, from the problem P, the old plan and the events
//! (the rules are in docs/REPLAN.md).
//!
//! - **History**: a visit with a `visit_times` event, or whose planned start is before
//!   `now`, unless a staff member making it is absent from a time at or before that start
//!   (it did not happen). It keeps its staff and start (`actual`) and its actual or
//!   expected length.
//! - **Future**: the rest, less the cancelled. `planned_staff` is who the old plan gives
//!   it, less absent staff; windows are clipped to `now` (a visit that can no longer be
//!   made is left out, as missed).
//! - Absent staff take no new work (`max_visits` = their history); pins fix staff and
//!   start; added visits are appended.

use super::history::History;
use super::old_plan::OldPlan;
use super::read::{event_path, events_err, End, Read, Target};
use super::windows::{clip, Clipped};
use super::{Document, Missed, ReplanError};
use crate::model::input::{ActualInput, ProblemInput, VisitInput};
use crate::model::time::{format_clock, format_short, RawClock};
use crate::model::{FieldPath, InputError, InputErrorKind::*, Plan, Problem, RoutePlan, Step, Summary};

/// Where a visit of P' comes from, to put validation errors where the caller wrote the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    /// `visits[k]` of P.
    Problem(usize),
    /// The visit of `events[i]` (`visit_added`).
    Added(usize),
}

/// P' as built, before validation.
pub(super) struct Built {
    /// The new problem.
    pub input: ProblemInput,
    /// Per visit of P', where it comes from.
    pub origin: Vec<Origin>,
    /// Per visit of P', the pin event that set its staff and start.
    pub pinned_by: Vec<Option<(usize, bool)>>,
    /// Per visit of P', the `visit_times` event that set its start and length.
    pub timed_by: Vec<Option<(usize, End)>>,
    /// Visits of P that are history.
    pub history: Vec<bool>,
    /// Visits of P left out because they can no longer be made.
    pub missed: Vec<Missed>,
    /// Per visit of P: left out of P' (cancelled or missed).
    pub removed: Vec<bool>,
}

/// Earliest shift start and latest shift end with overtime.
pub(super) fn day_of(p: &Problem) -> (f64, f64) {
    let start = p
        .staff
        .iter()
        .map(|s| s.shift_start)
        .fold(f64::INFINITY, f64::min);
    let end = p
        .staff
        .iter()
        .map(|s| s.shift_end + s.max_overtime_min)
        .fold(f64::NEG_INFINITY, f64::max);
    (start, end)
}

/// Refuses events that would change history: cancelling or pinning a visit that started.
pub(super) fn check_history(p: &Problem, read: &Read, started: &[Option<f64>]) -> Result<(), ReplanError> {
    for (v, c) in read.cancelled.iter().enumerate() {
        if let (Some(i), Some(t)) = (c, started[v]) {
            return Err(events_err(
                Conflict,
                event_path(*i).field("visit"),
                format!(
                    "{} started at {}; it cannot be cancelled (give its times with visit_times if it ended early)",
                    p.visits[v].id,
                    format_short(t)
                ),
            ));
        }
    }
    for (t, pin) in &read.pins {
        if let Target::Problem(v) = *t {
            if let Some(s) = started[v] {
                return Err(events_err(
                    Conflict,
                    event_path(pin.event).field("visit"),
                    format!(
                        "{} started at {}; a visit that has started cannot be pinned",
                        p.visits[v].id,
                        format_short(s)
                    ),
                ));
            }
            if let Some(c) = read.cancelled[v] {
                return Err(events_err(
                    Conflict,
                    event_path(pin.event).field("visit"),
                    format!(
                        "{} is cancelled (events[{c}]); it cannot be pinned",
                        p.visits[v].id
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// A time as `"HH:MM:SS"` when that is exact (plans read from documents), else minutes.
fn exact(m: f64) -> RawClock {
    let secs = m * 60.0;
    if (secs - secs.round()).abs() < 1e-6 {
        RawClock::Text(format_clock(m))
    } else {
        RawClock::Minutes(m)
    }
}

fn ids(p: &Problem, staff: &[usize]) -> Vec<String> {
    staff.iter().map(|&s| p.staff[s].id.clone()).collect()
}

/// Applies a pin to a visit: its staff, and with a start, one window at that start.
fn pin_visit(p: &Problem, vi: &mut VisitInput, read: &Read, t: Target) -> Option<(usize, bool)> {
    let pin = read.pin_of(t)?;
    vi.pinned_staff = ids(p, &pin.staff);
    if let Some(s) = pin.start {
        let at = exact(s);
        vi.time_windows = Some(vec![[at.clone(), at]]);
        vi.max_lateness_min = None;
    }
    Some((pin.event, pin.start.is_some()))
}

/// Builds P' from P (`input`, validated as `p`), the old plan and the events.
pub(super) fn build(input: &ProblemInput, p: &Problem, old: &OldPlan, read: &Read, hist: &History) -> Built {
    let started = &hist.start;
    let now = read.now;
    let day = day_of(p);
    let nv = p.visits.len();
    let mut missed = Vec::new();
    let mut removed: Vec<bool> = read.cancelled.iter().map(Option::is_some).collect();
    let mut clipped: Vec<Option<Clipped>> = vec![None; nv];
    for v in 0..nv {
        if removed[v] || started[v].is_some() {
            continue;
        }
        let vi = &input.visits[v];
        let c = clip(&vi.time_windows, &vi.max_lateness_min, now, day);
        if let Clipped::Missed(why) = &c {
            if read
                .pin_of(Target::Problem(v))
                .and_then(|pin| pin.start)
                .is_none()
            {
                missed.push(Missed {
                    visit: vi.id.clone(),
                    reason: why.clone(),
                });
                removed[v] = true;
            }
        }
        clipped[v] = Some(c);
    }
    let gone = |id: &str| p.visit_index(id).is_some_and(|v| removed[v]);
    let mut out = input.clone();
    out.visits.clear();
    let mut origin = Vec::new();
    let mut pinned_by = Vec::new();
    let mut timed_by = Vec::new();
    for v in 0..nv {
        if removed[v] {
            continue;
        }
        let mut vi = input.visits[v].clone();
        vi.after.retain(|a| !gone(&a.visit));
        let mut pin = None;
        let mut timed = None;
        match started[v] {
            Some(start) => {
                let staff = ids(p, &old.staff[v]);
                if let Some(t) = &read.times[v] {
                    timed = Some((t.event, t.end));
                }
                if let Some(e) = hist.end[v] {
                    if (e - start - vi.duration_min).abs() > 1e-9 {
                        vi.duration_min = e - start;
                    }
                }
                vi.actual = Some(ActualInput {
                    staff: staff.clone(),
                    start: exact(start),
                });
                vi.pinned_staff = Vec::new();
                vi.planned_staff = staff;
            }
            None => {
                let planned: Vec<usize> = old.staff[v]
                    .iter()
                    .copied()
                    .filter(|&s| !read.is_absent(s))
                    .collect();
                vi.planned_staff = ids(p, &planned);
                // Where the old plan made it, its start is the one to keep (>= now: the
                // visits it started before now are history or did not happen).
                if let Some((start, _)) = old.times[v].filter(|&(s, _)| s >= now) {
                    vi.planned_start = Some(exact(start));
                }
                if p.visits[v].pinned_staff.iter().any(|&s| read.is_absent(s)) {
                    vi.pinned_staff = Vec::new();
                }
                if let Some(Clipped::Kept(w, l)) = clipped[v].take() {
                    vi.time_windows = w;
                    vi.max_lateness_min = l;
                }
                pin = pin_visit(p, &mut vi, read, Target::Problem(v));
            }
        }
        out.visits.push(vi);
        origin.push(Origin::Problem(v));
        pinned_by.push(pin);
        timed_by.push(timed);
    }
    for (n, (i, added)) in read.added.iter().enumerate() {
        let mut vi = added.clone();
        if let Clipped::Kept(w, l) = clip(&vi.time_windows, &vi.max_lateness_min, now, day) {
            vi.time_windows = w;
            vi.max_lateness_min = l;
        }
        // A window that closed before now stays, for `added_in_time` to name.
        let pin = pin_visit(p, &mut vi, read, Target::Added(n));
        out.visits.push(vi);
        origin.push(Origin::Added(*i));
        pinned_by.push(pin);
        timed_by.push(None);
    }
    for (s, a) in read.absent.iter().enumerate() {
        if a.is_some() {
            let n = (0..nv)
                .filter(|&v| started[v].is_some() && old.staff[v].contains(&s))
                .count();
            out.staff[s].max_visits = Some(n as i64);
        }
    }
    // A break that had to start before now is history too: taken or not, it is not
    // planned again (history may have left no room for it).
    for st in &mut out.staff {
        st.breaks
            .retain(|b| b.latest.minutes().map_or(true, |l| l >= now));
    }
    if let Some(b) = &mut out.baseline {
        for r in &mut b.routes {
            r.visits.retain(|id| !gone(id));
        }
    }
    Built {
        input: out,
        origin,
        pinned_by,
        timed_by,
        history: started.iter().map(Option::is_some).collect(),
        missed,
        removed,
    }
}

/// An added visit whose every window closed before `now` is an error, not a miss: the
/// caller has just written it.
pub(super) fn added_in_time(read: &Read, day: (f64, f64)) -> Result<(), ReplanError> {
    for (n, (i, vi)) in read.added.iter().enumerate() {
        if read.pin_of(Target::Added(n)).and_then(|p| p.start).is_some() {
            continue;
        }
        if let Clipped::Missed(why) = clip(&vi.time_windows, &vi.max_lateness_min, read.now, day) {
            return Err(events_err(
                Conflict,
                event_path(*i).field("visit").field("time_windows"),
                format!("the new visit can no longer be made: {why}; give a window after now"),
            ));
        }
    }
    Ok(())
}

fn events_weight(field: &str) -> bool {
    field == "moved_visit" || field == "retimed_min"
}

/// Puts a validation error of P' where the caller wrote the value: an added visit's
/// fields under its event, a pin's staff and start under the pin, a visit's length under
/// its `visit_times`, and the rest at the visit's place in P.
pub(super) fn locate(e: InputError, built: &Built) -> ReplanError {
    let path = e.path.as_str().to_string();
    let at = |doc: Document, path: String| {
        ReplanError::new(
            doc,
            InputError::of(e.kind, FieldPath::from(path.as_str()), e.message.clone()),
        )
    };
    let Some((k, tail)) = path
        .strip_prefix("visits[")
        .and_then(|rest| rest.split_once(']'))
        .and_then(|(k, tail)| Some((k.parse::<usize>().ok()?, tail)))
    else {
        if let Some(w) = path.strip_prefix("objective.") {
            if events_weight(w) {
                return at(Document::Events, format!("weights.{w}"));
            }
        }
        return at(Document::Problem, path.clone());
    };
    let Some(origin) = built.origin.get(k) else {
        return at(Document::Problem, path.clone());
    };
    if let Some((i, with_start)) = built.pinned_by[k] {
        if tail.starts_with(".pinned_staff") {
            return at(Document::Events, format!("events[{i}].staff"));
        }
        if with_start && (tail.starts_with(".time_windows") || tail.starts_with(".max_lateness")) {
            return at(Document::Events, format!("events[{i}].start"));
        }
    }
    if let Some((i, end)) = built.timed_by[k] {
        if tail.starts_with(".duration_min") || tail.starts_with(".actual") {
            let field = match end {
                End::Ended(_) => "end",
                End::Expected(_) => "expected_end",
                End::Planned => "start",
            };
            return at(Document::Events, format!("events[{i}].{field}"));
        }
    }
    match *origin {
        Origin::Added(i) => at(Document::Events, format!("events[{i}].visit{tail}")),
        Origin::Problem(v) => at(Document::Problem, format!("visits[{v}]{tail}")),
    }
}

/// The warm start: the old rounds less cancelled, missed and re-pinned visits and the
/// absent staff's visits still to come, in the old order. A double-handed visit goes
/// from both rounds or neither.
pub(super) fn warm(p: &Problem, old: &OldPlan, read: &Read, built: &Built) -> Plan {
    let keep = |v: usize| -> bool {
        if built.removed[v] || !old.complete(p, v) {
            return false;
        }
        if built.history[v] {
            return true;
        }
        if old.staff[v].iter().any(|&s| read.is_absent(s)) {
            return false;
        }
        match read.pin_of(Target::Problem(v)) {
            Some(pin) => {
                let mut a = pin.staff.clone();
                let mut b = old.staff[v].clone();
                a.sort_unstable();
                b.sort_unstable();
                a == b && pin.start.is_none()
            }
            None => true,
        }
    };
    let routes = old
        .rounds
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.is_empty())
        .map(|(s, r)| RoutePlan {
            staff: p.staff[s].id.clone(),
            steps: r
                .iter()
                .filter(|(v, _)| keep(*v))
                .map(|(_, step): &(usize, Step)| step.clone())
                .collect(),
            travel_min: 0.0,
            distance_km: 0.0,
            visit_min: 0.0,
            wait_min: 0.0,
            break_min: 0.0,
            free_min: 0.0,
        })
        .collect();
    Plan {
        routes,
        unassigned: Vec::new(),
        summary: Summary::default(),
        warnings: Vec::new(),
    }
}

/// Sets `objective.moved_visit` and `objective.retimed_min` from the events' weights.
pub(super) fn weights(out: &mut ProblemInput, events: &super::Events) -> Result<(), ReplanError> {
    let Some(w) = &events.weights else {
        return Ok(());
    };
    for (name, value) in [("moved_visit", w.moved_visit), ("retimed_min", w.retimed_min)] {
        match value {
            Some(m) if !m.is_finite() || m < 0.0 => {
                return Err(events_err(
                    OutOfRange,
                    FieldPath::root().field("weights").field(name),
                    format!("a weight must be a finite number >= 0, got {m}"),
                ))
            }
            _ => {}
        }
    }
    let o = out.objective.get_or_insert_with(Default::default);
    o.moved_visit = w.moved_visit.or(o.moved_visit);
    o.retimed_min = w.retimed_min.or(o.retimed_min);
    Ok(())
}
