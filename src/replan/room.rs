//! History is a fact, so P' must leave room for it. A visit still in progress at `now`
//! can run past the shift end (a nurse 40 minutes over at a dressing at 15:20 on a shift
//! to 15:30), eat the office time, or cover the last moment a break could start. Under
//! P''s rules as written, such a round cannot be timed, and the solver would drop the
//! history (or refuse the warm start and plan the day afresh). Instead P' gives that staff
//! member what the history needs, and nothing more:
//!
//! - the return after the shift end: `max_overtime_min` raised to the minute the round
//!   of history alone gets back;
//! - the office floor: `admin_min` lowered to the free time the history leaves;
//! - a break that can no longer start in its window after the history: left out.
//!
//! The plan then shows the overtime, and `carerounds check` on P' accepts it.

use super::{num, Eased, Prepared};
use crate::model::time::format_short;
use crate::model::{validate, Problem};
use crate::solve::booked::{rounds_of, simulate, Block, Floor, Instance};
use crate::travel::TravelMatrix;
use std::sync::Arc;

/// What P' gave one staff member so that their history can be timed.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Room {
    /// Overtime allowed, minutes (raised).
    Overtime(f64),
    /// Office floor, minutes (lowered).
    Admin(f64),
    /// A break left out: its latest start, minutes.
    BreakOut(f64),
}

/// Gives each staff member's round of history alone the room it needs in P'
/// (`prepared.problem` and `prepared.validated`), and says what it gave.
pub(super) fn make_room(prepared: &mut Prepared, travel: &Arc<TravelMatrix>) -> Vec<Eased> {
    let mut given = Vec::new();
    let Some(rounds) = rounds_of(&prepared.validated, &prepared.warm) else {
        return given;
    };
    let p = &prepared.validated;
    let history: Vec<Vec<usize>> = rounds
        .iter()
        .map(|r| {
            let mut h: Vec<usize> = r
                .iter()
                .copied()
                .filter(|&v| p.visits[v].actual.is_some())
                .collect();
            h.sort_by(|&a, &b| start(p, a).total_cmp(&start(p, b)).then(a.cmp(&b)));
            h
        })
        .collect();
    // Each change removes one refusal; a round has a handful of breaks at most.
    let most = 3 * prepared.validated.staff.len() + 3;
    for _ in 0..most {
        let inst = Instance::with_travel(&prepared.validated, travel.clone());
        let refused = history.iter().enumerate().find_map(|(s, h)| {
            if h.is_empty() {
                return None;
            }
            simulate(&inst, s, h, &Floor(&[])).err().map(|b| (s, b))
        });
        let Some((s, block)) = refused else {
            return given;
        };
        let Some(room) = room_for(&prepared.validated, s, &history[s], &block) else {
            // Not something more room mends (the history itself is contradictory): the
            // solver constructs, as before.
            return given;
        };
        let id = prepared.validated.staff[s].id.clone();
        let Some(input) = prepared.problem.staff.iter_mut().find(|x| x.id == id) else {
            return given;
        };
        match room {
            Room::Overtime(m) => input.max_overtime_min = Some(m),
            Room::Admin(m) => input.admin_min = Some(m),
            Room::BreakOut(latest) => {
                let st = &prepared.validated.staff[s];
                let Some(k) = st.breaks.iter().position(|b| b.latest == latest) else {
                    return given;
                };
                // Validation sorts breaks by earliest start; find the same one in the input.
                let b = &st.breaks[k];
                let Some(i) = input.breaks.iter().position(|x| {
                    x.earliest.minutes().ok() == Some(b.earliest) && x.latest.minutes().ok() == Some(b.latest)
                }) else {
                    return given;
                };
                input.breaks.remove(i);
            }
        }
        let st = &prepared.validated.staff[s];
        let eased = match room {
            Room::Overtime(m) => Eased {
                staff: id,
                rule: "max_overtime_min".into(),
                reason: format!(
                    "may return up to {} min after the shift end ({}): a visit in progress runs late",
                    num(m),
                    format_short(st.shift_end)
                ),
            },
            Room::Admin(m) => Eased {
                staff: id,
                rule: "admin_min".into(),
                reason: format!(
                    "keeps {} min of office time, not {}: the visits made took the rest",
                    num(m),
                    num(st.admin_min)
                ),
            },
            Room::BreakOut(latest) => Eased {
                staff: id,
                rule: "breaks".into(),
                reason: format!(
                    "no break: the last start for it ({}) passed during a visit",
                    format_short(latest)
                ),
            },
        };
        match validate(&prepared.problem) {
            Ok(v) => prepared.validated = v,
            Err(_) => return given,
        }
        given.push(eased);
    }
    given
}

/// The actual start of history visit `v`.
fn start(p: &Problem, v: usize) -> f64 {
    p.visits[v].actual.unwrap_or(f64::INFINITY)
}

/// The room that mends `block` in staff member `s`'s round of history `h`, if room can.
fn room_for(p: &Problem, s: usize, h: &[usize], block: &Block) -> Option<Room> {
    let st = &p.staff[s];
    match *block {
        Block::ShiftEnd { arrival } => {
            let over = ((arrival - st.shift_end) * 100.0).ceil() / 100.0;
            (over > st.max_overtime_min).then_some(Room::Overtime(over))
        }
        Block::Admin { free } => {
            let floor = (free.max(0.0) * 100.0).floor() / 100.0;
            (floor < st.admin_min).then_some(Room::Admin(floor))
        }
        Block::Break => {
            // The break whose window closes first among those that close before the
            // history is over.
            let done = h
                .iter()
                .map(|&v| start(p, v) + p.visits[v].duration)
                .fold(f64::NEG_INFINITY, f64::max);
            st.breaks
                .iter()
                .filter(|b| b.latest < done)
                .map(|b| b.latest)
                .min_by(f64::total_cmp)
                .map(Room::BreakOut)
        }
        _ => None,
    }
}
