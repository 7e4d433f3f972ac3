//! Which visits have happened (history), when they started and when they end.
//!
//! A visit is history when it has a `visit_times` event, or when the old plan starts it
//! before `now`, except
//! - a visit of a staff member absent from a time at or before its planned start (or
//!   all day): it did not happen;
//! - a visit planned to start while its staff member was still at a visit whose real
//!   times are known to run past that start (an overrun): it has not started, and neither
//!   has the rest of that round until the next visit with times of its own.
//!
//! Real times win over planned ones: a visit with planned times that the same staff
//! member's next visit (with real times) starts before it would end has ended then. Two
//! visits with real times that overlap for one staff member are an error in the events.

use super::old_plan::OldPlan;
use super::read::{event_path, events_err, End, Read};
use super::ReplanError;
use crate::model::time::format_short;
use crate::model::{InputErrorKind, Problem};

/// Tolerance on clock comparisons, minutes (plans are written to the second).
const EPS: f64 = 1e-6;

/// What has happened, per visit of the problem.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct History {
    /// When each visit that is history started.
    pub start: Vec<Option<f64>>,
    /// When each visit that is history ends.
    pub end: Vec<Option<f64>>,
}

impl History {
    /// Whether visit `v` is history.
    pub fn started(&self, v: usize) -> bool {
        self.start[v].is_some()
    }
}

/// When a history visit ends, from its event or its plan.
fn planned_end(p: &Problem, read: &Read, v: usize, start: f64) -> (f64, bool) {
    match read.times[v].map(|t| t.end) {
        Some(End::Ended(e) | End::Expected(e)) => (e, true),
        _ => (start + p.visits[v].duration, false),
    }
}

/// Works out history (see the module documentation).
pub(super) fn history(p: &Problem, old: &OldPlan, read: &Read) -> Result<History, ReplanError> {
    let nv = p.visits.len();
    let mut start: Vec<Option<f64>> = (0..nv)
        .map(|v| {
            if let Some(t) = &read.times[v] {
                return Some(t.start);
            }
            let (s0, _) = old.times[v]?;
            if s0 >= read.now || !old.complete(p, v) {
                return None;
            }
            let void = old.staff[v]
                .iter()
                .any(|&s| read.absent[s].is_some_and(|(_, from)| s0 >= from));
            (!void).then_some(s0)
        })
        .collect();
    loop {
        let mut end: Vec<Option<f64>> = vec![None; nv];
        let mut changed = false;
        for (s, round) in old.rounds.iter().enumerate() {
            let mut order: Vec<usize> = round
                .iter()
                .map(|(v, _)| *v)
                .filter(|&v| start[v].is_some())
                .collect();
            order.sort_by(|&a, &b| start[a].unwrap_or(0.0).total_cmp(&start[b].unwrap_or(0.0)));
            let mut prev: Option<(usize, f64, bool)> = None;
            let mut blocked = false;
            for v in order {
                let Some(st) = start[v] else { continue };
                let timed = read.times[v].is_some();
                if !timed && blocked {
                    start[v] = None;
                    changed = true;
                    continue;
                }
                if let Some((u, u_end, known)) = prev {
                    if st < u_end - EPS {
                        match (timed, known) {
                            (true, true) => {
                                let (i, j) = (
                                    read.times[v].map_or(0, |t| t.event),
                                    read.times[u].map_or(0, |t| t.event),
                                );
                                return Err(events_err(
                                    InputErrorKind::Conflict,
                                    event_path(i).field("start"),
                                    format!(
                                        "{} cannot have started at {}: '{}' was at {} until {} (events[{j}]); check the times",
                                        p.visits[v].id,
                                        format_short(st),
                                        p.staff[s].id,
                                        p.visits[u].id,
                                        format_short(u_end)
                                    ),
                                ));
                            }
                            // The visit before it ended when this one started.
                            (true, false) => {
                                end[u] = Some(st);
                            }
                            // Still at the visit before: this one has not started.
                            (false, _) => {
                                start[v] = None;
                                changed = true;
                                blocked = true;
                                continue;
                            }
                        }
                    }
                }
                let (e, known) = planned_end(p, read, v, st);
                let e = end[v].unwrap_or(e).max(st);
                end[v] = Some(e);
                prev = Some((v, e, known));
            }
        }
        if !changed {
            // A double-handed visit is history on both rounds or neither.
            let mut split = false;
            for v in 0..nv {
                if start[v].is_some() && end[v].is_none() {
                    start[v] = None;
                    split = true;
                }
            }
            if !split {
                return Ok(History { start, end });
            }
        }
    }
}
