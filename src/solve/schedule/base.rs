//! Back to base in long gaps: when a round waits a long time between two visits (a second
//! insulin dose, a tea call), the staff member drives to base (their `start_location`),
//! does office work there and drives back in time for the next visit, instead of waiting
//! at the client's door.
//!
//! A trip never moves a visit: the schedule has already started every visit as early as
//! the rules allow, and the trip fits in the gap between one visit's end and the next
//! one's start (leaving base just in time to arrive at the start). So windows, couplings
//! (a double-handed partner, `after` gaps), the shift end and overtime are exactly as
//! without it, and [`plan_trips`] can choose trips after the round is timed. What a trip
//! changes is travel, distance and office time, and those are priced here, in one place,
//! for the solver's objective and the plan it writes.
//!
//! The rules of a trip, which the checker enforces on its own:
//! - it lies between two visits, leaving the first at its end and arriving at the
//!   second by its start; never before the first visit (the round already leaves base as
//!   late as it can) nor after the last (the round already goes home);
//! - it gives at least [`MIN_BASE_STAY_MIN`] of office time at base, breaks not counted;
//! - breaks the schedule put in that gap are taken at base, each as early as it may
//!   start there (`max(arrival, earliest)`, no later than its latest start); when they do
//!   not fit, there is no trip;
//! - it is made only when it pays: `base_min` × office minutes, plus `long_wait_min` × the
//!   long wait at the next door it spares, beats the weighted extra travel and distance
//!   over going straight on (`base_min` 0: never);
//! - it keeps the round within `max_travel_min` (trips are taken in time order while
//!   they fit); the office-time floor `admin_min` is met without counting on them;
//! - there is none before a visit that has already started (history: what happened in
//!   that gap is not known).

use super::RouteTiming;
use crate::model::problem::{long_wait_by, MIN_BASE_STAY_MIN};
use crate::solve::instance::Instance;

/// A trip to base in the gap before a stop.
#[derive(Debug, Clone, PartialEq)]
pub struct Trip {
    /// Index of the stop it precedes (never 0).
    pub before: usize,
    /// Arrival at base.
    pub arrival: f64,
    /// Departure from base: the next visit's start less the leg back.
    pub departure: f64,
    /// The leg there: minutes, km.
    pub to: (f64, f64),
    /// The leg back: minutes, km.
    pub back: (f64, f64),
    /// Office minutes at base: the stay less the breaks taken there.
    pub office: f64,
    /// Minutes and km the trip adds over going straight on.
    pub extra: (f64, f64),
    /// Start of each break of the gap, taken at base (in the round's break order).
    pub breaks: Vec<f64>,
}

/// One side of a gap: a place and a time (the first visit's end, or the next one's start).
#[derive(Debug, Clone, Copy)]
struct Side {
    /// Place index.
    place: usize,
    /// Clock time.
    time: f64,
}

/// The trip staff member `s` would make between `from` (a visit's end) and `to` (the next
/// visit's start), with `breaks` (`(earliest, latest, duration)`) to take in that gap, or
/// `None` when it gives too little office time, the breaks do not fit at base, or it does
/// not pay at the problem's weights. `waiting` is the wait at the next door without it.
fn trip_in_gap(
    inst: &Instance,
    s: usize,
    before: usize,
    from: Side,
    to: Side,
    breaks: &[(f64, f64, f64)],
    waiting: f64,
) -> Option<Trip> {
    let w = &inst.weights;
    if w.base_min <= 0.0 {
        return None;
    }
    let base = inst.staff[s].start_place;
    let there = (inst.time(s, from.place, base), inst.dist(s, from.place, base));
    let back = (inst.time(s, base, to.place), inst.dist(s, base, to.place));
    let arrival = from.time + there.0;
    let departure = to.time - back.0;
    let mut t = arrival;
    let mut starts = Vec::with_capacity(breaks.len());
    let mut on_break = 0.0;
    for &(earliest, latest, duration) in breaks {
        let bs = t.max(earliest);
        if bs > latest + 1e-9 {
            return None;
        }
        starts.push(bs);
        t = bs + duration;
        on_break += duration;
    }
    if t > departure + 1e-9 {
        return None;
    }
    let office = departure - arrival - on_break;
    if office < MIN_BASE_STAY_MIN - 1e-9 {
        return None;
    }
    let extra = (
        there.0 + back.0 - inst.time(s, from.place, to.place),
        there.1 + back.1 - inst.dist(s, from.place, to.place),
    );
    // The trip also ends the wait at the next door (it arrives just in time), so the
    // long wait it spares counts in its favour.
    let gain = w.base_min * office + w.long_wait_min * long_wait_by(waiting)
        - w.travel_min * extra.0
        - w.distance_km * extra.1;
    (gain > 1e-9).then_some(Trip {
        before,
        arrival,
        departure,
        to: there,
        back,
        office,
        extra,
        breaks: starts,
    })
}

/// Adds the trips worth making to a timed round (see the module's rules): re-places the
/// breaks taken at base, sets the next visit's arrival to when the trip brings the staff
/// member there, and counts the trips' extra travel and office time.
pub(super) fn plan_trips(inst: &Instance, s: usize, out: &mut RouteTiming) {
    if inst.weights.base_min <= 0.0 || out.stops.len() < 2 {
        return;
    }
    let st = &inst.staff[s];
    let mut room = st.max_travel - out.travel;
    for k in 1..out.stops.len() {
        let (a, b) = (out.stops[k - 1], out.stops[k]);
        let (ad, bd) = (&inst.visits[a.visit], &inst.visits[b.visit]);
        if bd.actual.is_some() {
            continue;
        }
        // The i-th break placed is the staff member's i-th break.
        let in_gap: Vec<usize> = (0..out.breaks.len()).filter(|&i| out.breaks[i].2 == k).collect();
        let params: Vec<(f64, f64, f64)> = in_gap.iter().map(|&i| st.breaks[i]).collect();
        let from = Side {
            place: ad.place,
            time: a.start + ad.duration,
        };
        let to = Side {
            place: bd.place,
            time: b.start,
        };
        let waiting = super::door_wait(out, k);
        let Some(trip) = trip_in_gap(inst, s, k, from, to, &params, waiting) else {
            continue;
        };
        if trip.extra.0 > room + 1e-9 {
            continue;
        }
        room -= trip.extra.0;
        for (&i, &bs) in in_gap.iter().zip(&trip.breaks) {
            let d = out.breaks[i].1 - out.breaks[i].0;
            out.breaks[i] = (bs, bs + d, k);
        }
        out.stops[k].arrival = trip.departure + trip.back.0;
        out.trip_travel += trip.extra.0;
        out.trip_distance += trip.extra.1;
        out.base_min += trip.office;
        out.free += trip.office;
        out.trips.push(trip);
    }
}
