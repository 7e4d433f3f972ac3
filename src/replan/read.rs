//! Reading the events against the problem and the old plan: every id resolved, every time
//! parsed and in order, and each event checked on its own (an unknown visit, a visit that
//! started after `now`, a pin with the wrong number of staff). What the events mean
//! together (history, cancelling history) is [`super::apply`]'s.

use super::events::{Event, Events};
use super::old_plan::OldPlan;
use super::{Document, ReplanError};
use crate::model::input::VisitInput;
use crate::model::time::{format_short, ClockError, RawClock};
use crate::model::{FieldPath, InputError, InputErrorKind, InputErrorKind::*, Problem};

/// `events[i]`.
pub(super) fn event_path(i: usize) -> FieldPath {
    FieldPath::root().field("events").index(i)
}

/// An error in the events document.
pub(super) fn events_err(kind: InputErrorKind, path: FieldPath, message: impl Into<String>) -> ReplanError {
    ReplanError::new(Document::Events, InputError::of(kind, path, message))
}

/// Minutes of a time in the events document.
pub(super) fn minutes(raw: &RawClock, path: FieldPath) -> Result<f64, ReplanError> {
    raw.minutes().map_err(|e| {
        let kind = match e {
            ClockError::Minutes(_) => OutOfRange,
            ClockError::Text(_) => InvalidValue,
        };
        events_err(kind, path, e.to_string())
    })
}

/// How a visit with a `visit_times` event ends.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum End {
    /// It ended then (`end`).
    Ended(f64),
    /// It is in progress and expected to end then (`expected_end`).
    Expected(f64),
    /// In progress, expected to last its planned duration.
    Planned,
}

/// A `visit_times` event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Times {
    /// Its index in `events`.
    pub event: usize,
    /// When the visit started.
    pub start: f64,
    /// How it ends.
    pub end: End,
}

/// A `pin` event, resolved.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Pin {
    /// Its index in `events`.
    pub event: usize,
    /// The staff, in problem indices.
    pub staff: Vec<usize>,
    /// The start it fixes, if any.
    pub start: Option<f64>,
}

/// Where a pinned visit is: in the problem, or added by an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Target {
    /// `visits[k]` of the problem.
    Problem(usize),
    /// The `n`-th added visit.
    Added(usize),
}

/// The events, read.
#[derive(Debug, Clone)]
pub(super) struct Read {
    /// The time of the re-plan.
    pub now: f64,
    /// Per staff member: the `staff_absent` event and from when (−∞: the whole day).
    pub absent: Vec<Option<(usize, f64)>>,
    /// Per visit of the problem: its `visit_times` event.
    pub times: Vec<Option<Times>>,
    /// Per visit of the problem: the `visit_cancelled` event.
    pub cancelled: Vec<Option<usize>>,
    /// The added visits with their events, in event order.
    pub added: Vec<(usize, VisitInput)>,
    /// The pins, with what they pin.
    pub pins: Vec<(Target, Pin)>,
}

impl Read {
    /// Whether staff member `s` is absent at any time of the day.
    pub fn is_absent(&self, s: usize) -> bool {
        self.absent[s].is_some()
    }

    /// The pin of a target, if any.
    pub fn pin_of(&self, t: Target) -> Option<&Pin> {
        self.pins.iter().find(|(x, _)| *x == t).map(|(_, p)| p)
    }
}

fn visit_of(problem: &Problem, id: &str, path: FieldPath) -> Result<usize, ReplanError> {
    problem.visit_index(id).ok_or_else(|| {
        events_err(
            UnknownReference,
            path,
            format!("'{id}' is not a visit of the problem; check the visit id"),
        )
    })
}

fn staff_of(problem: &Problem, id: &str, path: FieldPath) -> Result<usize, ReplanError> {
    problem.staff_index(id).ok_or_else(|| {
        events_err(
            UnknownReference,
            path,
            format!("'{id}' is not a staff member of the problem; check the staff id"),
        )
    })
}

/// Reads `events` (`now` already checked against the day).
pub(super) fn read(problem: &Problem, old: &OldPlan, events: &Events, now: f64) -> Result<Read, ReplanError> {
    let nv = problem.visits.len();
    let mut r = Read {
        now,
        absent: vec![None; problem.staff.len()],
        times: vec![None; nv],
        cancelled: vec![None; nv],
        added: Vec::new(),
        pins: Vec::new(),
    };
    for (i, e) in events.events.iter().enumerate() {
        let p = event_path(i);
        match e {
            Event::StaffAbsent { staff, from } => {
                let s = staff_of(problem, staff, p.field("staff"))?;
                let from = match from {
                    Some(f) => minutes(f, p.field("from"))?,
                    None => f64::NEG_INFINITY,
                };
                let earliest = r.absent[s].map_or(from, |(_, f)| f.min(from));
                r.absent[s] = Some((i, earliest));
            }
            Event::VisitTimes {
                visit,
                start,
                end,
                expected_end,
            } => {
                let v = visit_of(problem, visit, p.field("visit"))?;
                if let Some(t) = &r.times[v] {
                    return Err(events_err(
                        Duplicate,
                        p.field("visit"),
                        format!(
                            "'{visit}' already has its times in events[{}]; give them once",
                            t.event
                        ),
                    ));
                }
                if !old.complete(problem, v) {
                    return Err(events_err(
                        Conflict,
                        p.field("visit"),
                        format!(
                            "the plan gives '{visit}' to no one (or to fewer staff than it needs), so nobody \
                             known made it: re-plan from the plan it was made in, or add it as a new visit"
                        ),
                    ));
                }
                let s0 = minutes(start, p.field("start"))?;
                if s0 > now {
                    return Err(events_err(
                        Conflict,
                        p.field("start"),
                        format!(
                            "start {} is after now {}: a visit's times are given once it has started",
                            format_short(s0),
                            format_short(now)
                        ),
                    ));
                }
                let after_start = |t: f64, field: &str, what: &str| {
                    if t < s0 {
                        Err(events_err(
                            Conflict,
                            p.field(field),
                            format!(
                                "{what} {} is before start {}; check the times",
                                format_short(t),
                                format_short(s0)
                            ),
                        ))
                    } else {
                        Ok(t)
                    }
                };
                let end = match (end, expected_end) {
                    (Some(_), Some(_)) => {
                        return Err(events_err(
                            Conflict,
                            p.field("expected_end"),
                            "give `end` when the visit has ended or `expected_end` while it is in progress, not both",
                        ))
                    }
                    (Some(e), None) => End::Ended(after_start(minutes(e, p.field("end"))?, "end", "end")?),
                    (None, Some(e)) => End::Expected(after_start(
                        minutes(e, p.field("expected_end"))?,
                        "expected_end",
                        "expected end",
                    )?),
                    (None, None) => End::Planned,
                };
                r.times[v] = Some(Times {
                    event: i,
                    start: s0,
                    end,
                });
            }
            Event::VisitCancelled { visit } => {
                let v = visit_of(problem, visit, p.field("visit"))?;
                r.cancelled[v].get_or_insert(i);
            }
            Event::VisitAdded { visit } => {
                let id = visit.id.as_str();
                let taken =
                    problem.visit_index(id).is_some() || r.added.iter().any(|(_, a)| a.id == visit.id);
                if taken {
                    return Err(events_err(
                        Duplicate,
                        p.field("visit").field("id"),
                        format!("a visit '{id}' already exists; give the new visit an id of its own"),
                    ));
                }
                if visit.actual.is_some() {
                    return Err(events_err(
                        Conflict,
                        p.field("visit").field("actual"),
                        "a new visit has not started: leave `actual` out (give its times with a visit_times event once it has)",
                    ));
                }
                r.added.push((i, (**visit).clone()));
            }
            Event::Pin { .. } => {}
        }
    }
    for (i, e) in events.events.iter().enumerate() {
        if let Event::Pin { visit, staff, start } = e {
            let p = event_path(i);
            let target = match r.added.iter().position(|(_, a)| a.id == *visit) {
                Some(n) => Target::Added(n),
                None => Target::Problem(visit_of(problem, visit, p.field("visit"))?),
            };
            if let Some(other) = r.pin_of(target) {
                return Err(events_err(
                    Duplicate,
                    p.field("visit"),
                    format!(
                        "'{visit}' is pinned already (events[{}]); pin it once",
                        other.event
                    ),
                ));
            }
            let ids = staff.ids();
            let mut idx = Vec::with_capacity(ids.len());
            for (k, id) in ids.iter().enumerate() {
                let sp = match staff {
                    super::events::PinStaff::One(_) => p.field("staff"),
                    super::events::PinStaff::Many(_) => p.field("staff").index(k),
                };
                let s = staff_of(problem, id, sp.clone())?;
                if let Some((ae, _)) = r.absent[s] {
                    return Err(events_err(
                        Conflict,
                        sp,
                        format!("'{id}' is absent (events[{ae}]): pin the visit to someone at work"),
                    ));
                }
                if !idx.contains(&s) {
                    idx.push(s);
                }
            }
            let needed = match target {
                Target::Problem(v) => problem.visits[v].staff_count.get(),
                Target::Added(n) => r.added[n].1.staff_count.unwrap_or(1).clamp(1, 2) as usize,
            };
            if idx.len() != needed {
                return Err(events_err(
                    Conflict,
                    p.field("staff"),
                    format!(
                        "names {} different staff member(s), but '{visit}' needs {needed}",
                        idx.len()
                    ),
                ));
            }
            let start = match start {
                Some(t) => {
                    let m = minutes(t, p.field("start"))?;
                    if m < now {
                        return Err(events_err(
                            Conflict,
                            p.field("start"),
                            format!(
                                "start {} is before now {}: a pin fixes a start still to come",
                                format_short(m),
                                format_short(now)
                            ),
                        ));
                    }
                    Some(m)
                }
                None => None,
            };
            r.pins.push((
                target,
                Pin {
                    event: i,
                    staff: idx,
                    start,
                },
            ));
        }
    }
    Ok(r)
}
