//! Times the booked baseline (the problem's `baseline`: staff and visit order only) into a
//! [`Plan`] by the same travel model as every other plan, so the two can be compared.
//!
//! The rules, kept simple on purpose (they are printed with every report):
//! - A staff member leaves the start place in time for the first visit, never before the
//!   shift starts. Staff with no booked visits get a route with start and end only.
//! - Each visit starts as early as its time windows allow: at arrival, or when the first
//!   window that has not yet closed (allowing the visit's `max_lateness_min`) opens; such a
//!   start may be late against that window. If every window has closed, the visit starts on
//!   arrival, late against the last window and outside its window (the checker says so).
//! - A double-handed visit booked for two staff starts when both are there, and an `after`
//!   gap holds back the later visit: both are lower bounds on the start, iterated over all
//!   rounds until nothing moves.
//! - Each break is taken at the first gap at or after its earliest start: in the waiting
//!   time at a client's door if it fits whole there, otherwise right after the visit during
//!   which its earliest start passes (before travelling on), or after the last visit. A
//!   break taken after its latest start is kept: the baseline may break rules and the
//!   report counts the breaches instead of failing.
//! - Visits in no booked round are listed unassigned with the reason [`NOT_BOOKED`].

use crate::model::input::{LocationRef, PointInput};
use crate::model::time::Clock;
use crate::model::{Plan, Problem, RoutePlan, Step, Summary, Unassigned, Visit};
use crate::travel::TravelMatrix;

/// The reason given for a visit that no booked round includes.
pub const NOT_BOOKED: &str = "not booked in the baseline";

/// Rounds of start-time propagation (double-handed visits, gaps) before giving up.
const MAX_PASSES: usize = 50;

/// Slack for comparing times, minutes.
const EPS: f64 = 1e-9;

/// One visit's timing in a booked round.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Stop {
    visit: usize,
    arrival: f64,
    start: f64,
    late: f64,
}

/// A timed booked round.
#[derive(Debug, Clone, Default, PartialEq)]
struct Round {
    depart: f64,
    stops: Vec<Stop>,
    /// `(start, end, index of the stop it precedes; stops.len() = before the end)`.
    breaks: Vec<(f64, f64, usize)>,
    end: f64,
    travel: f64,
    distance: f64,
}

/// The baseline as a plan, or `None` when the problem has no baseline.
pub fn baseline_plan(problem: &Problem, travel: &TravelMatrix) -> Option<Plan> {
    let booked = problem.baseline.as_ref()?;
    let mut seqs: Vec<Vec<usize>> = vec![Vec::new(); problem.staff.len()];
    for r in booked {
        seqs[r.staff].extend(&r.visits);
    }
    let n = problem.visits.len();
    let mut lo = vec![f64::NEG_INFINITY; n];
    let mut rounds = Vec::new();
    for _ in 0..MAX_PASSES {
        rounds = (0..seqs.len())
            .map(|s| time_round(problem, travel, s, &seqs[s], &lo))
            .collect::<Vec<_>>();
        let (starts, count) = latest_starts(n, &rounds);
        let mut changed = false;
        for v in 0..n {
            let Some(start) = starts[v] else { continue };
            let mut need = lo[v];
            if count[v] >= 2 {
                need = need.max(start);
            }
            for g in &problem.visits[v].after {
                if let Some(before) = starts[g.visit] {
                    need = need.max(before + g.min);
                }
            }
            if need > lo[v] + EPS {
                lo[v] = need;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    Some(to_plan(problem, travel, &rounds))
}

/// Each visit's latest start over the rounds that serve it, and how many serve it.
fn latest_starts(n: usize, rounds: &[Round]) -> (Vec<Option<f64>>, Vec<usize>) {
    let mut starts = vec![None::<f64>; n];
    let mut count = vec![0usize; n];
    for stop in rounds.iter().flat_map(|r| &r.stops) {
        let s = starts[stop.visit].get_or_insert(stop.start);
        *s = s.max(stop.start);
        count[stop.visit] += 1;
    }
    (starts, count)
}

/// The earliest start at or after `ready` and its lateness (see the module rules).
fn start_at(v: &Visit, ready: f64) -> (f64, f64) {
    let Some(last) = v.windows.last() else {
        return (ready, 0.0);
    };
    let allowance = v.max_lateness.allowance();
    match v.windows.iter().find(|w| ready <= w.end + allowance) {
        Some(w) => {
            let s = ready.max(w.start);
            (s, (s - w.end).max(0.0))
        }
        None => (ready, ready - last.end),
    }
}

/// Times staff member `s`'s booked visits `seq`; `lo` bounds each visit's start from below.
fn time_round(problem: &Problem, travel: &TravelMatrix, s: usize, seq: &[usize], lo: &[f64]) -> Round {
    let st = &problem.staff[s];
    let mut r = Round {
        depart: st.shift_start,
        ..Default::default()
    };
    if seq.is_empty() {
        r.travel = travel.time_for(st.travel_mode, st.start_place, st.end_place);
        r.distance = travel.dist_for(st.travel_mode, st.start_place, st.end_place);
        r.end = st.shift_start + r.travel;
        return r;
    }
    let mut t = st.shift_start;
    let mut place = st.start_place;
    let mut nb = 0;
    for (k, &v) in seq.iter().enumerate() {
        let vd = &problem.visits[v];
        // Breaks whose earliest start has passed are taken before travelling on.
        while let Some(b) = st.breaks.get(nb).filter(|b| b.earliest <= t + EPS) {
            r.breaks.push((t, t + b.duration, k));
            t += b.duration;
            nb += 1;
        }
        let tt = travel.time_for(st.travel_mode, place, vd.place);
        r.travel += tt;
        r.distance += travel.dist_for(st.travel_mode, place, vd.place);
        let arrival = t + tt;
        let (start, late) = start_at(vd, arrival.max(lo[v]));
        // A break that fits whole in the waiting time at the door.
        while let Some(b) = st.breaks.get(nb) {
            let at = arrival.max(b.earliest);
            if at + b.duration > start + EPS {
                break;
            }
            r.breaks.push((at, at + b.duration, k));
            nb += 1;
        }
        r.stops.push(Stop {
            visit: v,
            arrival,
            start,
            late,
        });
        t = start + vd.duration;
        place = vd.place;
    }
    for b in &st.breaks[nb..] {
        let bs = t.max(b.earliest);
        r.breaks.push((bs, bs + b.duration, seq.len()));
        t = bs + b.duration;
    }
    let tt = travel.time_for(st.travel_mode, place, st.end_place);
    r.travel += tt;
    r.distance += travel.dist_for(st.travel_mode, place, st.end_place);
    r.end = t + tt;
    // Leave in time for the first visit, or for a break taken at its door.
    let first = r.stops[0];
    let tt0 = travel.time_for(st.travel_mode, st.start_place, problem.visits[first.visit].place);
    let target = match r.breaks.first() {
        Some(&(bs, _, 0)) if bs >= first.arrival - EPS => Some(bs),
        Some(&(_, _, 0)) => None,
        _ => Some(first.start),
    };
    if let Some(target) = target {
        r.depart = (target - tt0).max(st.shift_start);
        r.stops[0].arrival = r.depart + tt0;
    }
    r
}

/// Figures are written to 4 decimals, as the solver writes them.
fn r4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

/// How a plan names a place: its `locations` id, or the inline point.
fn place_ref(problem: &Problem, place: usize) -> LocationRef {
    let p = &problem.places[place];
    match (&p.id, p.point) {
        (Some(id), _) => LocationRef::Id(id.clone()),
        (None, Some(pt)) => LocationRef::Point(PointInput {
            lat: pt.lat,
            lon: pt.lon,
        }),
        (None, None) => LocationRef::Id(String::new()),
    }
}

/// Writes the timed rounds as a SPEC plan, with route and day totals as the checker
/// defines them.
fn to_plan(problem: &Problem, travel: &TravelMatrix, rounds: &[Round]) -> Plan {
    let n = problem.visits.len();
    let mut lateness = vec![None::<f64>; n];
    let mut served_by: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut routes = Vec::with_capacity(rounds.len());
    let mut overtime = 0.0;
    let mut free_total = 0.0;
    for (s, r) in rounds.iter().enumerate() {
        let st = &problem.staff[s];
        let mut steps = vec![Step::Start {
            location: place_ref(problem, st.start_place),
            time: Clock(r.depart),
        }];
        let mut place = st.start_place;
        let mut visit_min = 0.0;
        let push_breaks = |steps: &mut Vec<Step>, k: usize, arrival: f64| -> f64 {
            let mut in_wait = 0.0;
            for &(bs, be, _) in r.breaks.iter().filter(|b| b.2 == k) {
                steps.push(Step::Break {
                    start: Clock(bs),
                    end: Clock(be),
                });
                if bs >= arrival - EPS {
                    in_wait += be - bs;
                }
            }
            in_wait
        };
        for (k, stop) in r.stops.iter().enumerate() {
            let vd = &problem.visits[stop.visit];
            let in_wait = push_breaks(&mut steps, k, stop.arrival);
            steps.push(Step::Visit {
                visit: vd.id.clone(),
                arrival: Clock(stop.arrival),
                start: Clock(stop.start),
                end: Clock(stop.start + vd.duration),
                travel_min: r4(travel.time_for(st.travel_mode, place, vd.place)),
                distance_km: r4(travel.dist_for(st.travel_mode, place, vd.place)),
                wait_min: r4((stop.start - stop.arrival - in_wait).max(0.0)),
                late_min: r4(stop.late),
            });
            let l = lateness[stop.visit].get_or_insert(stop.late);
            *l = l.max(stop.late);
            served_by[stop.visit].push(s);
            visit_min += vd.duration;
            place = vd.place;
        }
        push_breaks(&mut steps, r.stops.len(), f64::INFINITY);
        steps.push(Step::End {
            location: place_ref(problem, st.end_place),
            arrival: Clock(r.end),
            travel_min: r4(travel.time_for(st.travel_mode, place, st.end_place)),
            distance_km: r4(travel.dist_for(st.travel_mode, place, st.end_place)),
        });
        let shift = st.shift_end - st.shift_start;
        let (break_min, wait_min, free_min) = if r.stops.is_empty() {
            let b: f64 = st.breaks.iter().map(|b| b.duration).sum();
            (b, 0.0, shift - r.travel - b)
        } else {
            let b: f64 = r.breaks.iter().map(|b| b.1 - b.0).sum();
            let span = r.end - r.depart;
            (b, (span - r.travel - visit_min - b).max(0.0), shift - span)
        };
        overtime += (r.end - st.shift_end).max(0.0);
        free_total += free_min;
        routes.push(RoutePlan {
            staff: st.id.clone(),
            steps,
            travel_min: r4(r.travel),
            distance_km: r4(r.distance),
            visit_min: r4(visit_min),
            wait_min: r4(wait_min),
            break_min: r4(break_min),
            free_min: r4(free_min),
        });
    }
    let unassigned: Vec<Unassigned> = (0..n)
        .filter(|&v| served_by[v].is_empty())
        .map(|v| Unassigned {
            visit: problem.visits[v].id.clone(),
            reason: NOT_BOOKED.to_string(),
        })
        .collect();
    let unpreferred = (0..n)
        .filter(|&v| {
            let pref = &problem.visits[v].preferred_staff;
            !served_by[v].is_empty() && !pref.is_empty() && !served_by[v].iter().any(|s| pref.contains(s))
        })
        .count();
    let travel_total: f64 = rounds.iter().map(|r| r.travel).sum();
    let distance: f64 = rounds.iter().map(|r| r.distance).sum();
    let late_total: f64 = lateness.iter().flatten().sum();
    let late_max = lateness.iter().flatten().fold(0.0f64, |a, &b| a.max(b));
    let w = &problem.objective;
    let objective = w.travel_min * travel_total
        + w.distance_km * distance
        + w.lateness * late_total
        + w.max_lateness * late_max
        + w.preferred_staff * unpreferred as f64
        + w.overtime * overtime;
    let summary = Summary {
        travel_min: r4(travel_total),
        distance_km: r4(distance),
        visits_assigned: served_by.iter().filter(|s| !s.is_empty()).count(),
        visits_unassigned: unassigned.len(),
        free_min: r4(free_total),
        overtime_min: r4(overtime),
        lateness_min: r4(late_total),
        max_lateness_min: r4(late_max),
        objective: r4(objective),
    };
    Plan {
        routes,
        unassigned,
        summary,
        warnings: Vec::new(),
    }
}
