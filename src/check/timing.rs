//! Times a route from the problem: travel by the matrix, each step no earlier than travel
//! and breaks allow, breaks where and when the shift puts them, and the route's figures.

use super::base::Stay;
use super::breaks::{check_between, check_breaks, Pending};
use super::fig::{at, hm, num, Fig, TIME_TOL};
use super::{Ctx, Out, Rule};
use crate::model::input::LocationRef;
use crate::model::problem::LONG_WAIT_MIN;
use crate::model::{RoutePlan, Staff, Step};

/// A timed route's recomputed figures, for limits and the summary.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RouteFigs {
    /// Minutes travelling (matrix).
    pub travel: f64,
    /// Kilometres (matrix).
    pub distance: f64,
    /// Free (admin) minutes.
    pub free: Fig,
    /// Minutes returned past the shift end.
    pub overtime: Fig,
    /// Office minutes at base (in `free`), which the objective rewards.
    pub at_base: Fig,
    /// Minutes of waiting at doors beyond the hour each, which the objective charges.
    pub long_wait: Fig,
}

/// Times a route whose steps are in order (see `step_order_ok`). `has_visits`: the route
/// has a visit step with a known visit.
pub(crate) fn time_route(
    ctx: &Ctx,
    s: &Staff,
    route: &RoutePlan,
    has_visits: bool,
    out: &mut Out,
) -> RouteFigs {
    let sid = Some(s.id.as_str());
    let steps = &route.steps;
    let n = steps.len();
    let (Step::Start { location, time }, Step::End { .. }) = (&steps[0], &steps[n - 1]) else {
        unreachable!("time_route needs start and end steps");
    };
    check_location(ctx, s, location, s.start_place, "start", out);
    if time.0 < s.shift_start - TIME_TOL {
        out.push(
            Rule::ShiftStart,
            sid,
            None,
            format!(
                "leaves at {}, before the shift starts at {}",
                at(time.0),
                hm(s.shift_start)
            ),
        );
    }
    let mut prev_place = s.start_place;
    let mut prev_end = time.0;
    let mut pending: Vec<Pending> = Vec::new();
    let mut all_breaks: Vec<(f64, f64)> = Vec::new();
    let (mut travel, mut distance, mut visit_min) = (0.0, 0.0, 0.0);
    let mut break_min = Fig::default();
    let mut has_actual = false;
    let mut stay: Option<Stay> = None;
    let mut at_base = Fig::default();
    let mut long_wait = Fig::default();
    for step in &steps[1..n - 1] {
        if !matches!(step, Step::Break { .. }) {
            if let Some(done) = stay.take() {
                at_base = at_base + done.close(sid, out);
            }
        }
        match step {
            Step::Break { start, end } => {
                let k = all_breaks.len();
                if stay.as_mut().is_some_and(|b| b.take(start.0, end.0)) {
                    all_breaks.push((start.0, end.0));
                    break_min = break_min + Fig::clock(end.0) - Fig::clock(start.0);
                    continue;
                }
                let duration = match s.breaks.get(k) {
                    Some(b) if has_visits => b.duration,
                    _ => (end.0 - start.0).max(0.0),
                };
                pending.push(Pending {
                    start: start.0,
                    end: end.0,
                    duration,
                });
                all_breaks.push((start.0, end.0));
                break_min = break_min + Fig::clock(end.0) - Fig::clock(start.0);
            }
            Step::Visit {
                visit,
                arrival,
                start,
                end,
                travel_min,
                distance_km,
                wait_min,
                ..
            } => {
                let Some(&vi) = ctx.visit_ids.get(visit.as_str()) else {
                    continue;
                };
                let v = &ctx.problem.visits[vi];
                has_actual |= v.actual.is_some();
                let vid = Some(v.id.as_str());
                let (t, d) = (
                    ctx.matrix.time_for(s.travel_mode, prev_place, v.place),
                    ctx.matrix.dist_for(s.travel_mode, prev_place, v.place),
                );
                let from = place_name(ctx, prev_place);
                leg_figures(&from, t, d, *travel_min, *distance_km, sid, vid, out);
                let breaks: f64 = pending.iter().map(|b| b.duration).sum();
                let ready = prev_end + t;
                let message = if v.actual.is_some() {
                    // History: it started when it did, whatever the travel model says.
                    (start.0 < arrival.0 - TIME_TOL)
                        .then(|| format!("starts {} before arriving at {}", at(start.0), at(arrival.0)))
                } else if arrival.0 < ready - TIME_TOL {
                    Some(format!(
                        "arrives {} but cannot before {} ({} from {} + {} min travel)",
                        at(arrival.0),
                        at(ready),
                        at(prev_end),
                        from,
                        num(t)
                    ))
                } else if start.0 < arrival.0 - TIME_TOL {
                    Some(format!(
                        "starts {} before arriving at {}",
                        at(start.0),
                        at(arrival.0)
                    ))
                } else if start.0 < ready + breaks - TIME_TOL {
                    Some(format!(
                        "starts {} but cannot before {} ({} min travel and {} min of breaks after {})",
                        at(start.0),
                        at(ready + breaks),
                        num(t),
                        num(breaks),
                        at(prev_end)
                    ))
                } else {
                    None
                };
                if let Some(m) = message {
                    out.push(Rule::Timing, sid, vid, m);
                }
                if (end.0 - (start.0 + v.duration)).abs() > TIME_TOL {
                    out.push(
                        Rule::Timing,
                        sid,
                        vid,
                        format!(
                            "ends {}, not start {} + {} min",
                            at(end.0),
                            at(start.0),
                            num(v.duration)
                        ),
                    );
                }
                check_between(&pending, prev_end, start.0, sid, out);
                let on_break: f64 = pending
                    .iter()
                    .map(|b| (b.end.min(start.0) - b.start.max(arrival.0)).max(0.0))
                    .sum();
                let on_break = Fig::readings(on_break, 2 * pending.len());
                let wait = Fig::clock(start.0) - Fig::clock(arrival.0) - on_break;
                // As `model::problem::long_wait_by`, with the clock's rounding carried.
                long_wait = long_wait + (wait - Fig::exact(LONG_WAIT_MIN)).max0();
                if !wait.matches(*wait_min) {
                    out.push(
                        Rule::StepFigure,
                        sid,
                        vid,
                        format!("wait_min is {}, recomputed {}", num(*wait_min), num(wait.value)),
                    );
                }
                travel += t;
                distance += d;
                visit_min += v.duration;
                prev_place = v.place;
                prev_end = end.0;
                pending.clear();
            }
            Step::Base {
                location,
                arrival,
                departure,
                travel_min,
                distance_km,
            } => {
                let home = Home {
                    place: s.start_place,
                    which: "base",
                    arrives: "arrives at base",
                };
                let (t, d) = home.leg(
                    ctx,
                    s,
                    (prev_place, prev_end),
                    &pending,
                    (location, arrival.0, *travel_min, *distance_km),
                    out,
                );
                pending.clear();
                stay = Some(Stay::open(arrival.0, departure.0, sid, out));
                travel += t;
                distance += d;
                prev_place = s.start_place;
                prev_end = departure.0;
            }
            Step::Start { .. } | Step::End { .. } => {}
        }
    }
    if let Some(done) = stay.take() {
        at_base = at_base + done.close(sid, out);
    }
    let Step::End {
        location,
        arrival,
        travel_min,
        distance_km,
    } = &steps[n - 1]
    else {
        unreachable!()
    };
    let home = Home {
        place: s.end_place,
        which: "end",
        arrives: "returns",
    };
    let (t, d) = home.leg(
        ctx,
        s,
        (prev_place, prev_end),
        &pending,
        (location, arrival.0, *travel_min, *distance_km),
        out,
    );
    let latest = s.shift_end + s.max_overtime_min;
    if arrival.0 > latest + TIME_TOL {
        out.push(
            Rule::ShiftEnd,
            sid,
            None,
            format!(
                "returns {}, after the shift end {} + {} min overtime allowed",
                at(arrival.0),
                hm(s.shift_end),
                num(s.max_overtime_min)
            ),
        );
    }
    travel += t;
    distance += d;
    check_breaks(s, &all_breaks, has_visits, out);

    let shift = Fig::exact(s.shift_end - s.shift_start);
    let (wait, free, break_min) = if has_visits {
        let span = Fig::clock(arrival.0) - Fig::clock(time.0);
        let wait = span - Fig::exact(travel + visit_min) - break_min - at_base;
        // A visit that has started may have been reached sooner than the travel model
        // says, so a round with history waits at least 0 rather than a negative amount.
        let wait = if has_actual { wait.max0() } else { wait };
        (wait, shift - span + at_base, break_min)
    } else {
        let notional = Fig::exact(s.breaks.iter().map(|b| b.duration).sum());
        (Fig::exact(0.0), shift - Fig::exact(travel) - notional, notional)
    };
    let figures = [
        ("travel_min", route.travel_min, Fig::exact(travel)),
        ("distance_km", route.distance_km, Fig::exact(distance)),
        ("visit_min", route.visit_min, Fig::exact(visit_min)),
        ("wait_min", route.wait_min, wait),
        ("break_min", route.break_min, break_min),
        ("free_min", route.free_min, free),
    ];
    for (name, claimed, fig) in figures {
        if !fig.matches(claimed) {
            out.push(
                Rule::RouteFigure,
                sid,
                None,
                format!("{name} is {}, recomputed {}", num(claimed), num(fig.value)),
            );
        }
    }
    RouteFigs {
        travel,
        distance,
        free,
        overtime: (Fig::clock(arrival.0) - Fig::exact(s.shift_end)).max0(),
        at_base,
        long_wait,
    }
}

/// One of the staff member's own places a round goes to: the base between visits, or
/// the end place.
struct Home {
    /// The place.
    place: usize,
    /// Its name in messages about the step's location (`base`, `end`).
    which: &'static str,
    /// The verb of an arrival there (`arrives at base`, `returns`).
    arrives: &'static str,
}

impl Home {
    /// Checks the leg from `(place, end of the last visit)` to this place, given as the
    /// step's `(location, arrival, travel_min, distance_km)`: the location, the leg's
    /// figures against the matrix, an arrival no earlier than travel and the breaks taken
    /// on the way allow, and those breaks. Returns the leg's minutes and km.
    fn leg(
        &self,
        ctx: &Ctx,
        s: &Staff,
        (prev_place, prev_end): (usize, f64),
        pending: &[Pending],
        (location, arrival, travel_min, distance_km): (&LocationRef, f64, f64, f64),
        out: &mut Out,
    ) -> (f64, f64) {
        let sid = Some(s.id.as_str());
        check_location(ctx, s, location, self.place, self.which, out);
        let t = ctx.matrix.time_for(s.travel_mode, prev_place, self.place);
        let d = ctx.matrix.dist_for(s.travel_mode, prev_place, self.place);
        let from = place_name(ctx, prev_place);
        leg_figures(&from, t, d, travel_min, distance_km, sid, None, out);
        let breaks: f64 = pending.iter().map(|b| b.duration).sum();
        let ready = prev_end + t + breaks;
        if arrival < ready - TIME_TOL {
            out.push(
                Rule::Timing,
                sid,
                None,
                format!(
                    "{} {} but cannot before {} ({} min travel and {} min of breaks after {})",
                    self.arrives,
                    at(arrival),
                    at(ready),
                    num(t),
                    num(breaks),
                    at(prev_end)
                ),
            );
        }
        check_between(pending, prev_end, arrival, sid, out);
        (t, d)
    }
}

/// A leg's `travel_min` and `distance_km` against the matrix.
#[allow(clippy::too_many_arguments)]
fn leg_figures(
    from: &str,
    t: f64,
    d: f64,
    travel_min: f64,
    distance_km: f64,
    sid: Option<&str>,
    vid: Option<&str>,
    out: &mut Out,
) {
    if !Fig::exact(t).matches(travel_min) {
        out.push(
            Rule::StepFigure,
            sid,
            vid,
            format!(
                "travel_min from {from} is {}, the matrix says {}",
                num(travel_min),
                num(t)
            ),
        );
    }
    if !Fig::exact(d).matches(distance_km) {
        out.push(
            Rule::StepFigure,
            sid,
            vid,
            format!(
                "distance_km from {from} is {}, the matrix says {}",
                num(distance_km),
                num(d)
            ),
        );
    }
}

/// The start or end step is at the staff member's place.
fn check_location(ctx: &Ctx, s: &Staff, loc: &LocationRef, place: usize, which: &str, out: &mut Out) {
    let p = &ctx.problem.places[place];
    let ok = match loc {
        LocationRef::Id(id) => p.id.as_deref() == Some(id.as_str()),
        LocationRef::Point(q) => p
            .point
            .is_some_and(|pt| (pt.lat - q.lat).abs() <= 1e-9 && (pt.lon - q.lon).abs() <= 1e-9),
    };
    if !ok {
        let given = match loc {
            LocationRef::Id(id) => format!("'{id}'"),
            LocationRef::Point(q) => format!("({}, {})", q.lat, q.lon),
        };
        out.push(
            Rule::Location,
            Some(&s.id),
            None,
            format!(
                "{which} location is {given}, not the staff member's {}",
                place_name(ctx, place)
            ),
        );
    }
}

/// A place for messages: `'base'` or `(52.95, -1.15)`.
fn place_name(ctx: &Ctx, place: usize) -> String {
    let p = &ctx.problem.places[place];
    match (&p.id, p.point) {
        (Some(id), _) => format!("'{id}'"),
        (None, Some(pt)) => format!("({}, {})", pt.lat, pt.lon),
        (None, None) => format!("place {place}"),
    }
}
