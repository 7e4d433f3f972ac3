//! A staff member's day as pictures need it: the timeline (visits, travel, waiting, breaks,
//! free time, overtime) and the places in visiting order for the route map.

use crate::model::time::format_short;
use crate::model::{LatLon, Problem};

/// What a stretch of the day is spent on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentKind {
    /// With a client.
    Visit,
    /// Driving.
    Travel,
    /// Waiting for a visit to start.
    Wait,
    /// On a break.
    Break,
    /// In the shift but not out on the round: office time.
    Free,
    /// Out on the round after the shift end (drawn over the other segments).
    Overtime,
}

impl SegmentKind {
    /// A lower-case name (CSS class, legend).
    pub fn name(self) -> &'static str {
        match self {
            SegmentKind::Visit => "visit",
            SegmentKind::Travel => "travel",
            SegmentKind::Wait => "wait",
            SegmentKind::Break => "break",
            SegmentKind::Free => "free",
            SegmentKind::Overtime => "overtime",
        }
    }
}

/// A stretch of the day, minutes since 00:00.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// What it is.
    pub kind: SegmentKind,
    /// Start.
    pub start: f64,
    /// End.
    pub end: f64,
    /// Words for a tooltip.
    pub label: String,
}

/// A place on the route map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapStop {
    /// Where (absent for matrix-only locations).
    pub point: Option<LatLon>,
    /// Visit id, or the start/end place's id.
    pub label: String,
    /// Whether it is a visit (otherwise the start or end place).
    pub is_visit: bool,
}

/// One staff member's day in one plan.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DayView {
    /// Shift start.
    pub shift_start: f64,
    /// Shift end.
    pub shift_end: f64,
    /// Whether the plan has a route for them.
    pub on_duty: bool,
    /// The timeline, in time order (overtime last).
    pub segments: Vec<Segment>,
    /// Start place, visits in order, end place.
    pub stops: Vec<MapStop>,
}

/// A timed visit of a route, as read from the plan.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TimedVisit {
    pub visit: usize,
    pub arrival: f64,
    pub start: f64,
    /// A trip to base in the gap before it: arrival and departure there.
    pub after_base: Option<(f64, f64)>,
}

/// The day view of staff member `s` leaving at `depart`, returning at `ret`, with `visits`
/// and `breaks` (start, end) as the plan times them.
pub(crate) fn day_view(
    problem: &Problem,
    travel: &crate::travel::TravelMatrix,
    s: usize,
    times: (f64, f64),
    visits: &[TimedVisit],
    breaks: &[(f64, f64)],
) -> DayView {
    let (depart, ret) = times;
    let st = &problem.staff[s];
    let mut view = DayView {
        shift_start: st.shift_start,
        shift_end: st.shift_end,
        on_duty: true,
        ..Default::default()
    };
    let stop = |place: usize, is_visit: bool, label: String| MapStop {
        point: problem.places[place].point,
        label,
        is_visit,
    };
    let place_name = |place: usize| problem.places[place].id.clone().unwrap_or_else(|| "start".into());
    view.stops
        .push(stop(st.start_place, false, place_name(st.start_place)));
    for v in visits {
        let vd = &problem.visits[v.visit];
        view.stops.push(stop(vd.place, true, vd.id.clone()));
    }
    view.stops
        .push(stop(st.end_place, false, place_name(st.end_place)));
    if visits.is_empty() {
        view.segments.push(Segment {
            kind: SegmentKind::Free,
            start: st.shift_start,
            end: st.shift_end,
            label: "no visits: the whole shift is office time".into(),
        });
        return view;
    }
    // Fixed stretches: travel legs ending on arrival, visits, breaks.
    let mut fixed: Vec<Segment> = Vec::new();
    let mut place = st.start_place;
    let leg = |from: usize, to: usize, arrival: f64, to_name: &str| Segment {
        kind: SegmentKind::Travel,
        start: arrival - travel.time_for(st.travel_mode, from, to),
        end: arrival,
        label: format!(
            "travel to {to_name}: {:.0} min, {:.1} km",
            travel.time_for(st.travel_mode, from, to),
            travel.dist_for(st.travel_mode, from, to)
        ),
    };
    for v in visits {
        let vd = &problem.visits[v.visit];
        if let Some((a, d)) = v.after_base {
            fixed.push(leg(place, st.start_place, a, "base"));
            // Office time at base, around the breaks taken there.
            let mut from = a;
            let mut inside: Vec<&(f64, f64)> = breaks.iter().filter(|b| b.0 >= a && b.1 <= d).collect();
            inside.sort_by(|x, y| x.0.total_cmp(&y.0));
            for &&(bs, be) in inside.iter().chain(std::iter::once(&&(d, d))) {
                if bs > from + 1e-6 {
                    let mut seg = free(from, bs);
                    seg.label = format!("at base: {}", seg.label);
                    fixed.push(seg);
                }
                from = from.max(be);
            }
            place = st.start_place;
        }
        fixed.push(leg(place, vd.place, v.arrival, &vd.id));
        fixed.push(Segment {
            kind: SegmentKind::Visit,
            start: v.start,
            end: v.start + vd.duration,
            label: format!(
                "{} {}-{}",
                vd.id,
                format_short(v.start),
                format_short(v.start + vd.duration)
            ),
        });
        place = vd.place;
    }
    fixed.push(leg(place, st.end_place, ret, "the end place"));
    for &(bs, be) in breaks {
        fixed.push(Segment {
            kind: SegmentKind::Break,
            start: bs,
            end: be,
            label: format!("break {}-{}", format_short(bs), format_short(be)),
        });
    }
    fixed.sort_by(|a, b| a.start.total_cmp(&b.start));
    if depart > st.shift_start {
        view.segments.push(free(st.shift_start, depart));
    }
    let mut cursor = depart;
    for mut seg in fixed {
        if seg.start > cursor + 1e-6 {
            view.segments.push(Segment {
                kind: SegmentKind::Wait,
                start: cursor,
                end: seg.start,
                label: format!("waiting {:.0} min", seg.start - cursor),
            });
        }
        seg.start = seg.start.max(cursor);
        if seg.end > seg.start + 1e-6 {
            cursor = seg.end;
            view.segments.push(seg);
        }
    }
    if ret < st.shift_end {
        view.segments.push(free(ret, st.shift_end));
    }
    if ret > st.shift_end + 1e-6 {
        view.segments.push(Segment {
            kind: SegmentKind::Overtime,
            start: st.shift_end,
            end: ret,
            label: format!("overtime {:.0} min", ret - st.shift_end),
        });
    }
    view
}

fn free(start: f64, end: f64) -> Segment {
    Segment {
        kind: SegmentKind::Free,
        start,
        end,
        label: format!(
            "office time {}-{} ({:.0} min)",
            format_short(start),
            format_short(end),
            end - start
        ),
    }
}
