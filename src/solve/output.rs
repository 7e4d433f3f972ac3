//! Writes a solver [`Solution`] as a SPEC plan: steps with times, route and day totals,
//! unassigned visits with their reasons.

use super::instance::Instance;
use super::schedule::{door_wait, RouteTiming};
use super::solution::Solution;
use crate::model::input::{LocationRef, PointInput};
use crate::model::time::Clock;
use crate::model::{Plan, Problem, RoutePlan, Step, Summary, Unassigned};

/// Figures are written to 4 decimals: exact enough for any check, short enough to read.
fn r4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

/// How a plan names a place: its `locations` id, or the inline point.
pub fn place_ref(problem: &Problem, place: usize) -> LocationRef {
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

/// The plan for a solution; `reasons` gives the text for each unassigned visit.
///
/// The search only ever raises the lower bound of a coupled start (a double-handed visit,
/// an `after` gap), so a tied visit may be held later than its partners now need, with
/// waiting at a door (or a longer stay at base) that re-timing would not give. The rounds
/// settled from scratch, as `retime` and warm starts time them, are written whenever they
/// can be timed, even where the stale hold happened to buy a few minutes of office time:
/// so a plan's rounds re-timed are the plan, and a scheduler who edits one round and
/// re-times sees only that change.
pub fn to_plan(problem: &Problem, inst: &Instance, sol: &Solution, reasons: &[(usize, String)]) -> Plan {
    let settled = super::warm::settled(inst, sol.routes.clone(), None).ok();
    let timings = settled.as_ref().map_or(&sol.timings, |s| &s.timings);
    write_plan(problem, inst, timings, reasons)
}

/// The plan for timed rounds, one per staff member: every plan carerounds writes (solved,
/// re-timed by slots, or the booked baseline) is written here, so totals are defined once.
pub fn write_plan(
    problem: &Problem,
    inst: &Instance,
    timings: &[RouteTiming],
    reasons: &[(usize, String)],
) -> Plan {
    let mut routes = Vec::with_capacity(timings.len());
    let mut lateness = vec![None::<f64>; inst.visits.len()];
    let mut unpreferred = 0usize;
    let mut moved = 0usize;
    let mut retimed = 0.0;
    let mut served_by: Vec<Vec<usize>> = vec![Vec::new(); inst.visits.len()];
    for (s, t) in timings.iter().enumerate() {
        let st = &inst.staff[s];
        let mut steps = vec![Step::Start {
            location: place_ref(problem, st.start_place),
            time: Clock(t.depart),
        }];
        let mut place = st.start_place;
        let mut visit_min = 0.0;
        let mut trips = t.trips.iter().peekable();
        for (k, stop) in t.stops.iter().enumerate() {
            let vd = &inst.visits[stop.visit];
            if let Some(trip) = trips.next_if(|trip| trip.before == k) {
                steps.push(Step::Base {
                    location: place_ref(problem, st.start_place),
                    arrival: Clock(trip.arrival),
                    departure: Clock(trip.departure),
                    travel_min: r4(trip.to.0),
                    distance_km: r4(trip.to.1),
                });
                place = st.start_place;
            }
            for &(bs, be, _) in t.breaks.iter().filter(|b| b.2 == k) {
                steps.push(Step::Break {
                    start: Clock(bs),
                    end: Clock(be),
                });
            }
            steps.push(Step::Visit {
                visit: problem.visits[stop.visit].id.clone(),
                arrival: Clock(stop.arrival),
                start: Clock(stop.start),
                end: Clock(stop.start + vd.duration),
                travel_min: r4(inst.time(s, place, vd.place)),
                distance_km: r4(inst.dist(s, place, vd.place)),
                wait_min: r4(door_wait(t, k)),
                late_min: r4(stop.late),
            });
            lateness[stop.visit] = Some(stop.late);
            if let Some(p) = vd.planned_start {
                retimed += crate::model::problem::retimed_by(stop.start, p);
            }
            served_by[stop.visit].push(s);
            visit_min += vd.duration;
            place = vd.place;
        }
        for &(bs, be, _) in t.breaks.iter().filter(|b| b.2 == t.stops.len()) {
            steps.push(Step::Break {
                start: Clock(bs),
                end: Clock(be),
            });
        }
        steps.push(Step::End {
            location: place_ref(problem, st.end_place),
            arrival: Clock(t.end),
            travel_min: r4(inst.time(s, place, st.end_place)),
            distance_km: r4(inst.dist(s, place, st.end_place)),
        });
        let (break_min, wait_min) = if t.stops.is_empty() {
            (st.breaks.iter().map(|b| b.2).sum(), 0.0)
        } else {
            let b: f64 = t.breaks.iter().map(|b| b.1 - b.0).sum();
            let moving = t.travel + t.trip_travel;
            (b, (t.end - t.depart) - moving - visit_min - b - t.base_min)
        };
        routes.push(RoutePlan {
            staff: problem.staff[s].id.clone(),
            steps,
            travel_min: r4(t.travel + t.trip_travel),
            distance_km: r4(t.distance + t.trip_distance),
            visit_min: r4(visit_min),
            wait_min: r4(wait_min.max(0.0)),
            break_min: r4(break_min),
            free_min: r4(t.free),
        });
    }
    for (v, staff) in served_by.iter().enumerate() {
        let vd = &inst.visits[v];
        if !staff.is_empty() && vd.has_preferred && !staff.iter().any(|&s| vd.preferred[s]) {
            unpreferred += 1;
        }
        if vd.has_planned {
            moved += staff.iter().filter(|&&s| !vd.planned[s]).count();
        }
    }
    let w = &inst.weights;
    let travel: f64 = timings.iter().map(|t| t.travel + t.trip_travel).sum();
    let distance: f64 = timings.iter().map(|t| t.distance + t.trip_distance).sum();
    let at_base: f64 = timings.iter().map(|t| t.base_min).sum();
    let long_wait: f64 = timings.iter().map(|t| t.long_wait).sum();
    let overtime: f64 = timings.iter().map(|t| t.overtime).sum();
    let late_total: f64 = lateness.iter().flatten().sum();
    let late_max = lateness.iter().flatten().fold(0.0f64, |a, &b| a.max(b));
    let objective = w.travel_min * travel
        + w.distance_km * distance
        + w.lateness * late_total
        + w.max_lateness * late_max
        + w.preferred_staff * unpreferred as f64
        + w.moved_visit * moved as f64
        + w.retimed_min * retimed
        + w.overtime * overtime
        - w.base_min * at_base
        + w.long_wait_min * long_wait;
    let unassigned: Vec<Unassigned> = reasons
        .iter()
        .map(|(v, reason)| Unassigned {
            visit: problem.visits[*v].id.clone(),
            reason: reason.clone(),
        })
        .collect();
    let summary = Summary {
        travel_min: r4(travel),
        distance_km: r4(distance),
        visits_assigned: served_by.iter().filter(|s| !s.is_empty()).count(),
        visits_unassigned: unassigned.len(),
        free_min: r4(timings.iter().map(|t| t.free).sum()),
        overtime_min: r4(overtime),
        lateness_min: r4(late_total),
        max_lateness_min: r4(late_max),
        objective: r4(objective),
    };
    Plan {
        routes,
        unassigned,
        summary,
        warnings: problem.warnings.iter().map(ToString::to_string).collect(),
    }
}
