//! The schedule rule: the rules that act on each other through time (time windows and
//! lateness, breaks, couplings' start bounds, shift end and overtime, the office-time
//! floor), as one forward pass that places every visit as early as they allow and says
//! precisely why a round cannot work. Every caller that times a round goes through it:
//! insertion and its incremental push, construction, local search, explanations, slots,
//! and the report's booked baseline ([`Mode::AsBooked`]). The rules that do not depend
//! on time are in [`super::rules`]; [`simulate`] checks them on the timed round.
//!
//! Breaks are placed greedily: a break is taken in waiting time when it fits there without
//! delaying the next visit, and otherwise only when it can no longer wait (the next visit
//! would end after the break's latest start). Departure is delayed so that the first
//! visit starts without waiting, which turns field waiting into office time. A long gap
//! between two visits becomes office time too, at base, when the trip there pays
//! ([`base`]).

mod base;

pub use base::Trip;

use super::instance::{Instance, StaffData, VisitData};
use super::rules::{self, RuleId};

/// How strictly a round is timed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Every rule holds, or the round is refused with the [`Block`] that stops it.
    Strict,
    /// A round as booked, which may break rules: a visit whose windows have all closed
    /// starts on arrival (late against its last window), a break past its latest start is
    /// still taken, and the shift end, office floor and [`super::rules`] are not enforced.
    /// The report times the booking system's rounds this way and counts the breaches.
    AsBooked,
}

/// Why a round is infeasible; the solver turns these into unassigned reasons.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Block {
    /// The visit would start after its window (plus allowed lateness) closes.
    Window {
        /// Visit index.
        visit: usize,
        /// Earliest possible start.
        start: f64,
    },
    /// A coupled start (double-handed partner or gap) cannot be met.
    Coupling {
        /// Visit index.
        visit: usize,
    },
    /// A break cannot start before its latest start.
    Break,
    /// The round returns after the shift end (plus overtime).
    ShiftEnd {
        /// Return time.
        arrival: f64,
    },
    /// A rule that does not depend on time ([`super::rules`]) is broken.
    Rule(RuleId),
    /// Less free time than `admin_min`.
    Admin {
        /// Free minutes left.
        free: f64,
    },
}

/// One visit's timing in a round.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stop {
    /// Visit index.
    pub visit: usize,
    /// Arrival at the client.
    pub arrival: f64,
    /// Service start.
    pub start: f64,
    /// Minutes past the window.
    pub late: f64,
}

/// A timed round.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RouteTiming {
    /// Departure from the start place.
    pub depart: f64,
    /// Visits in order.
    pub stops: Vec<Stop>,
    /// Breaks `(start, end, index of the stop they precede; stops.len() = before the end)`.
    pub breaks: Vec<(f64, f64, usize)>,
    /// Arrival at the end place.
    pub end: f64,
    /// Travel minutes, going straight from place to place (trips to base not counted:
    /// the rules that bound travel are checked on this, and trips are only taken where
    /// they still fit).
    pub travel: f64,
    /// Kilometres, going straight from place to place.
    pub distance: f64,
    /// Trips to base in long gaps, in time order ([`base`]).
    pub trips: Vec<Trip>,
    /// Minutes the trips add to `travel`.
    pub trip_travel: f64,
    /// Kilometres the trips add to `distance`.
    pub trip_distance: f64,
    /// Office minutes at base, included in `free`.
    pub base_min: f64,
    /// Minutes of waiting at doors beyond the hour each ([`long_waits`]).
    pub long_wait: f64,
    /// Late minutes.
    pub late: f64,
    /// Minutes past shift end.
    pub overtime: f64,
    /// Visits not served by a preferred staff member (of those that name one).
    pub unpreferred: usize,
    /// Visits served by someone outside their planned staff (of those that name them).
    pub moved: usize,
    /// Minutes visits start away from their planned start (of those that name one).
    pub retimed: f64,
    /// Free office minutes.
    pub free: f64,
}

impl RouteTiming {
    /// The round's share of the weighted objective (all terms but the largest lateness).
    /// Office time at base is a reward, so a round's share may be below zero.
    pub fn cost(&self, inst: &Instance) -> f64 {
        let w = &inst.weights;
        w.travel_min * (self.travel + self.trip_travel) + w.distance_km * (self.distance + self.trip_distance)
            - w.base_min * self.base_min
            + w.long_wait_min * self.long_wait
            + w.lateness * self.late
            + w.preferred_staff * self.unpreferred as f64
            + w.moved_visit * self.moved as f64
            + w.retimed_min * self.retimed
            + w.overtime * self.overtime
    }
}

/// The earliest start at or after `earliest` that some window allows, on the start grid
/// (`grid` minutes past midnight; 0: any time), and its lateness: measured against the
/// latest window already open at that start (a start inside a later window is not late
/// even if an earlier window has closed). A window that holds no grid time at all (a pin
/// at 10:02, a window 10:01-10:04 on a 5-minute grid) allows its exact times, so the grid
/// never makes a visit impossible on its own; one whose grid times have all passed is
/// skipped, as a closed window is.
pub fn window_start(windows: &[(f64, f64)], allowance: f64, grid: f64, earliest: f64) -> Option<(f64, f64)> {
    if windows.is_empty() {
        return Some((on_grid(earliest, grid), 0.0));
    }
    windows
        .iter()
        .filter(|&&(_, end)| earliest <= end + allowance)
        .find_map(|&(open, end)| {
            let exact = earliest.max(open);
            let s = on_grid(exact, grid);
            if s <= end + allowance + GRID_TOL {
                Some(s)
            } else if on_grid(open, grid) > end + allowance + GRID_TOL {
                Some(exact)
            } else {
                None
            }
        })
        .map(|s| (s, late_by(windows.iter().copied(), s, 0.0)))
}

/// Slack for times that are on the grid up to rounding in the sums that make them.
const GRID_TOL: f64 = 1e-7;

/// The first time at or after `t` on a grid of `grid` minutes past midnight (0: `t`).
#[inline]
pub fn on_grid(t: f64, grid: f64) -> f64 {
    if grid > 0.0 {
        ((t - GRID_TOL) / grid).ceil() * grid
    } else {
        t
    }
}

/// Minutes late of a start at `s`: the least over the windows `(open, close)` already open
/// at `s` (within `tol`), so a start inside a later window is on time even though an
/// earlier one has closed; infinite when none is open. The solver and the report use this
/// one definition; the checker has its own, on purpose, to stay independent.
#[inline]
pub fn late_by(windows: impl IntoIterator<Item = (f64, f64)>, s: f64, tol: f64) -> f64 {
    windows
        .into_iter()
        .filter(|w| w.0 <= s + tol)
        .map(|w| (s - w.1).max(0.0))
        .fold(f64::INFINITY, f64::min)
}

/// [`window_start`] for a round as booked: when every window has closed the visit starts
/// at `earliest`, late against its last window.
fn booked_start(vd: &VisitData, earliest: f64) -> (f64, f64) {
    vd.start_at(earliest)
        .unwrap_or_else(|| (earliest, late_by(vd.windows.iter().copied(), earliest, 0.0)))
}

/// Bounds on visits' start times imposed by couplings (double-handed partners, gaps).
pub trait StartBounds {
    /// `(lo, hi)` for a visit's start.
    fn bounds(&self, visit: usize) -> (f64, f64);
}

/// Where the forward pass stands between two stops. The pass can resume from any stop of
/// a timed round, so an insertion re-times only the stops after it (see `push`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cursor {
    /// When the last stop's service ends (or the shift starts).
    pub t: f64,
    /// Where the staff member is.
    pub place: usize,
    /// How many of the staff member's breaks are already placed.
    pub next_break: usize,
}

impl Cursor {
    /// At the start of staff member `s`'s shift.
    pub fn start(inst: &Instance, s: usize) -> Self {
        let st = &inst.staff[s];
        Cursor {
            t: st.shift_start,
            place: st.start_place,
            next_break: 0,
        }
    }
}

/// Times visit `v` as stop `k` of staff member `s`'s round after `cur`, within start
/// bounds `(lo, hi)`, placing the breaks that must come before it (pushed onto `breaks`
/// when given) and moving `cur` past it.
#[allow(clippy::too_many_arguments)]
pub fn step(
    inst: &Instance,
    s: usize,
    cur: &mut Cursor,
    v: usize,
    (lo, hi): (f64, f64),
    k: usize,
    mut breaks: Option<&mut Vec<(f64, f64, usize)>>,
    mode: Mode,
) -> Result<Stop, Block> {
    let st: &StaffData = &inst.staff[s];
    let vd = &inst.visits[v];
    let t = cur.t;
    let travel = inst.time(s, cur.place, vd.place);
    let mut arrival = t + travel;
    if let Some(a) = vd.actual {
        // History: it started then, whatever the travel model says, but not before the
        // round's previous visit ended (time does not run backwards).
        if t > a + 1e-9 {
            return Err(Block::Window { visit: v, start: t });
        }
        arrival = arrival.min(a);
    }
    let start_from = |ready: f64| -> Result<(f64, f64), Block> {
        if let Some(a) = vd.actual {
            return Ok((a, 0.0));
        }
        if mode == Mode::AsBooked {
            return Ok(booked_start(vd, ready.max(lo)));
        }
        let (s0, late) = vd.start_at(ready.max(lo)).ok_or(Block::Window {
            visit: v,
            start: ready.max(lo),
        })?;
        if s0 > hi + 1e-9 {
            return Err(Block::Coupling { visit: v });
        }
        Ok((s0, late))
    };
    let (mut start, mut late) = start_from(arrival)?;
    while cur.next_break < st.breaks.len() {
        let (e, l, d) = st.breaks[cur.next_break];
        let at_door = arrival.max(e);
        if vd.actual.is_some() {
            // A visit that has started is not moved for a break: the break fits in the
            // wait at its door, or before setting out to it, or it comes after it.
            let before = t.max(e);
            let taken = if at_door <= l && at_door + d <= start {
                at_door
            } else if before <= l && before + d + travel <= start + 1e-9 {
                arrival = (before + d + travel).min(start);
                before
            } else {
                break;
            };
            if let Some(b) = breaks.as_deref_mut() {
                b.push((taken, taken + d, k));
            }
            cur.next_break += 1;
            continue;
        }
        let taken = if at_door <= l && at_door + d <= start {
            // Fits in the waiting time: no delay.
            at_door
        } else if start + vd.duration > l {
            // Cannot wait until after this visit: take it now, at the door if possible.
            let bs = if at_door <= l { at_door } else { t.max(e) };
            if bs > l && mode == Mode::Strict {
                return Err(Block::Break);
            }
            if bs < arrival {
                arrival = bs + d + travel;
            }
            (start, late) = start_from(arrival.max(bs + d))?;
            bs
        } else {
            break;
        };
        if let Some(b) = breaks.as_deref_mut() {
            b.push((taken, taken + d, k));
        }
        cur.next_break += 1;
    }
    cur.t = start + vd.duration;
    cur.place = vd.place;
    Ok(Stop {
        visit: v,
        arrival,
        start,
        late,
    })
}

/// Places the breaks left after the last stop and travels to the end place: the arrival
/// there, which must be within the shift plus overtime.
pub fn finish(
    inst: &Instance,
    s: usize,
    cur: &mut Cursor,
    k: usize,
    mut breaks: Option<&mut Vec<(f64, f64, usize)>>,
    mode: Mode,
) -> Result<f64, Block> {
    let st = &inst.staff[s];
    while cur.next_break < st.breaks.len() {
        let (e, l, d) = st.breaks[cur.next_break];
        let bs = cur.t.max(e);
        if bs > l && mode == Mode::Strict {
            return Err(Block::Break);
        }
        if let Some(b) = breaks.as_deref_mut() {
            b.push((bs, bs + d, k));
        }
        cur.t = bs + d;
        cur.next_break += 1;
    }
    let end = cur.t + inst.time(s, cur.place, st.end_place);
    if end > st.latest_return + 1e-9 && mode == Mode::Strict {
        return Err(Block::ShiftEnd { arrival: end });
    }
    Ok(end)
}

/// Times the round `seq` of staff member `s`, every rule enforced.
pub fn simulate(
    inst: &Instance,
    s: usize,
    seq: &[usize],
    bounds: &dyn StartBounds,
) -> Result<RouteTiming, Block> {
    simulate_in(inst, s, seq, bounds, Mode::Strict)
}

/// Times the round `seq` of staff member `s` in `mode`; in [`Mode::AsBooked`] it is
/// never refused.
pub fn simulate_in(
    inst: &Instance,
    s: usize,
    seq: &[usize],
    bounds: &dyn StartBounds,
    mode: Mode,
) -> Result<RouteTiming, Block> {
    let st: &StaffData = &inst.staff[s];
    let mut out = RouteTiming {
        depart: st.shift_start,
        ..Default::default()
    };
    if seq.is_empty() {
        out.travel = inst.time(s, st.start_place, st.end_place);
        out.distance = inst.dist(s, st.start_place, st.end_place);
        out.end = st.shift_start + out.travel;
        out.overtime = (out.end - st.shift_end).max(0.0);
        let breaks: f64 = st.breaks.iter().map(|b| b.2).sum();
        out.free = st.shift_end - st.shift_start - out.travel - breaks;
        return Ok(out);
    }
    let mut load = 0.0;
    let mut cur = Cursor::start(inst, s);
    out.stops.reserve(seq.len());
    for (k, &v) in seq.iter().enumerate() {
        let vd = &inst.visits[v];
        load += vd.demand;
        out.travel += inst.time(s, cur.place, vd.place);
        out.distance += inst.dist(s, cur.place, vd.place);
        let stop = step(
            inst,
            s,
            &mut cur,
            v,
            bounds.bounds(v),
            k,
            Some(&mut out.breaks),
            mode,
        )?;
        out.late += stop.late;
        if vd.has_preferred && !vd.preferred[s] {
            out.unpreferred += 1;
        }
        if vd.has_planned && !vd.planned[s] {
            out.moved += 1;
        }
        if let Some(p) = vd.planned_start {
            out.retimed += crate::model::problem::retimed_by(stop.start, p);
        }
        out.stops.push(stop);
    }
    let place = cur.place;
    out.end = finish(inst, s, &mut cur, seq.len(), Some(&mut out.breaks), mode)?;
    out.travel += inst.time(s, place, st.end_place);
    out.distance += inst.dist(s, place, st.end_place);
    if mode == Mode::Strict {
        let round = rules::Round {
            staff: s,
            visits: seq,
            load,
            travel: out.travel,
        };
        if let Some(rule) = rules::broken(inst, &round) {
            return Err(Block::Rule(rule));
        }
    }
    // Leave as late as the first visit (and any break before it) allows.
    let first = out.stops[0];
    let first_travel = inst.time(s, st.start_place, inst.visits[first.visit].place);
    let has_break_first = out.breaks.first().is_some_and(|b| b.2 == 0);
    if !has_break_first {
        out.depart = (first.start - first_travel).max(st.shift_start);
        // `min`: a visit that has started may have been reached sooner than modelled.
        out.stops[0].arrival = (out.depart + first_travel).min(first.start);
    }
    out.overtime = (out.end - st.shift_end).max(0.0);
    out.free = (st.shift_end - st.shift_start) - (out.end - out.depart);
    if st.admin_min > 0.0 && out.free < st.admin_min - 1e-9 && mode == Mode::Strict {
        return Err(Block::Admin { free: out.free });
    }
    base::plan_trips(inst, s, &mut out);
    // Every move re-times its rounds here: skip the count where it weighs nothing (the
    // VRPTW and Mankowska benchmarks).
    if inst.weights.long_wait_min > 0.0 {
        out.long_wait = long_waits(&out);
    }
    Ok(out)
}

/// Minutes the staff member waits at the door of stop `k` of a timed round: from arrival
/// to start, less the breaks taken in that time. The plan writes it as the visit's
/// `wait_min`, and the checker recomputes it the same way.
pub fn door_wait(t: &RouteTiming, k: usize) -> f64 {
    let stop = &t.stops[k];
    let on_break: f64 = t
        .breaks
        .iter()
        .filter(|b| b.2 == k)
        .map(|&(bs, be, _)| (be.min(stop.start) - bs.max(stop.arrival)).max(0.0))
        .sum();
    (stop.start - stop.arrival - on_break).max(0.0)
}

/// The round's long waits: the minutes of each door wait beyond the hour
/// ([`crate::model::problem::long_wait_by`]), summed.
fn long_waits(t: &RouteTiming) -> f64 {
    (0..t.stops.len())
        .map(|k| crate::model::problem::long_wait_by(door_wait(t, k)))
        .sum()
}

/// Whether staff members `a` and `b` are the same for the schedule rule: the same places,
/// hours, breaks, office floor and travel mode.
pub fn interchangeable(inst: &Instance, a: usize, b: usize) -> bool {
    let (x, y) = (&inst.staff[a], &inst.staff[b]);
    x.start_place == y.start_place
        && x.end_place == y.end_place
        && x.shift_start == y.shift_start
        && x.shift_end == y.shift_end
        && x.latest_return == y.latest_return
        && x.breaks == y.breaks
        && x.admin_min == y.admin_min
        && x.layer == y.layer
}

/// Times a round as booked ([`Mode::AsBooked`]), which never refuses it.
pub fn as_booked(inst: &Instance, s: usize, seq: &[usize], bounds: &dyn StartBounds) -> RouteTiming {
    // Every refusal in `simulate_in` is guarded by `Mode::Strict`.
    simulate_in(inst, s, seq, bounds, Mode::AsBooked).unwrap_or_default()
}
