//! Each staff member's day as planned and as logged, as [`DayView`]s for the HTML
//! timelines (drawn by the savings report's `svg::timeline`), and the logged round's
//! office time and overtime.
//!
//! The logs say when each visit began and ended, not when the round left or came back:
//! the first leg (start place to the first logged visit) and the last (to the end place)
//! are taken from the travel model, and are 0 for a visit the problem does not have.

use super::logs::VisitLog;
use super::planned::{PlannedDay, Slot};
use crate::model::time::format_short;
use crate::model::Problem;
use crate::report::{DayView, Segment, SegmentKind};
use crate::travel::TravelMatrix;

/// One staff member's two days.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StaffDays {
    /// As planned.
    pub planned: DayView,
    /// As logged.
    pub actual: DayView,
}

/// A kept record and its problem visit, if known.
pub(crate) struct ActualVisit<'a> {
    pub log: &'a VisitLog,
    pub visit: Option<usize>,
}

/// The logged round.
pub(crate) struct ActualDay {
    pub view: DayView,
    pub office_min: f64,
    pub overtime_min: f64,
}

fn seg(kind: SegmentKind, start: f64, end: f64, label: String) -> Segment {
    Segment {
        kind,
        start,
        end,
        label,
    }
}

fn free(start: f64, end: f64) -> Segment {
    seg(
        SegmentKind::Free,
        start,
        end,
        format!(
            "office time {}-{} ({:.0} min)",
            format_short(start),
            format_short(end),
            end - start
        ),
    )
}

/// Free time before departure and after return, and overtime, around `inner`.
fn frame(mut view: DayView, depart: f64, ret: f64, inner: Vec<Segment>) -> DayView {
    if depart > view.shift_start {
        view.segments.push(free(view.shift_start, depart));
    }
    view.segments.extend(inner);
    if ret < view.shift_end {
        view.segments.push(free(ret, view.shift_end));
    }
    if ret > view.shift_end + 1e-6 {
        view.segments.push(seg(
            SegmentKind::Overtime,
            view.shift_end,
            ret,
            format!("overtime {:.0} min", ret - view.shift_end),
        ));
    }
    view
}

fn blank(problem: &Problem, s: usize) -> DayView {
    let st = &problem.staff[s];
    DayView {
        shift_start: st.shift_start,
        shift_end: st.shift_end,
        on_duty: true,
        ..Default::default()
    }
}

/// The logged day of staff member `s` (records in arrival order).
pub(crate) fn actual_day(
    problem: &Problem,
    travel: &TravelMatrix,
    s: usize,
    logged: &[ActualVisit],
) -> ActualDay {
    let st = &problem.staff[s];
    let mut view = blank(problem, s);
    let shift = st.shift_end - st.shift_start;
    let (Some(first), Some(last)) = (
        logged.first(),
        logged.iter().max_by(|a, b| a.log.ended.total_cmp(&b.log.ended)),
    ) else {
        view.segments.push(seg(
            SegmentKind::Free,
            st.shift_start,
            st.shift_end,
            "no visits logged".into(),
        ));
        return ActualDay {
            view,
            office_min: shift,
            overtime_min: 0.0,
        };
    };
    let leg = |from: Option<usize>, to: Option<usize>| match (from, to) {
        (Some(a), Some(b)) => travel.time_for(st.travel_mode, a, b),
        _ => 0.0,
    };
    let place = |v: Option<usize>| v.map(|v| problem.visits[v].place);
    let out = leg(Some(st.start_place), place(first.visit));
    let home = leg(place(last.visit), Some(st.end_place));
    let depart = first.log.arrived - out;
    let ret = last.log.ended + home;
    let mut inner = vec![seg(
        SegmentKind::Travel,
        depart,
        first.log.arrived,
        format!("travel out {out:.0} min (travel model)"),
    )];
    let mut prev_end: Option<f64> = None;
    for a in logged {
        let l = a.log;
        if let Some(e) = prev_end.filter(|e| l.arrived > *e) {
            inner.push(seg(
                SegmentKind::Travel,
                e,
                l.arrived,
                format!("between visits {:.0} min (logged)", l.arrived - e),
            ));
        }
        if l.started > l.arrived {
            inner.push(seg(
                SegmentKind::Wait,
                l.arrived,
                l.started,
                format!("waiting {:.0} min", l.started - l.arrived),
            ));
        }
        let id = l.visit.clone().or_else(|| l.client.clone()).unwrap_or_default();
        inner.push(seg(
            SegmentKind::Visit,
            l.started,
            l.ended,
            format!(
                "{id} {}-{} (logged{})",
                format_short(l.started),
                format_short(l.ended),
                l.note.as_deref().map(|n| format!(", {n}")).unwrap_or_default()
            ),
        ));
        prev_end = Some(prev_end.map_or(l.ended, |e: f64| e.max(l.ended)));
    }
    inner.push(seg(
        SegmentKind::Travel,
        last.log.ended,
        ret,
        format!("travel home {home:.0} min (travel model)"),
    ));
    ActualDay {
        view: frame(view, depart, ret, inner),
        office_min: (shift - (ret - depart)).max(0.0),
        overtime_min: (ret - st.shift_end).max(0.0),
    }
}

/// The planned day of staff member `s`.
pub(crate) fn planned_day(problem: &Problem, s: usize, day: &PlannedDay, slots: &[Slot]) -> DayView {
    let mut view = blank(problem, s);
    if !day.on_duty {
        view.on_duty = false;
        return view;
    }
    if day.slots.is_empty() {
        view.segments.push(free(view.shift_start, view.shift_end));
        return view;
    }
    let mut inner = Vec::new();
    for (&k, &leg) in day.slots.iter().zip(&day.legs) {
        let sl = &slots[k];
        let id = &problem.visits[sl.visit].id;
        inner.push(seg(
            SegmentKind::Travel,
            sl.arrival - leg,
            sl.arrival,
            format!("travel to {id}: {leg:.0} min"),
        ));
        if sl.start > sl.arrival {
            inner.push(seg(
                SegmentKind::Wait,
                sl.arrival,
                sl.start,
                format!("waiting {:.0} min", sl.start - sl.arrival),
            ));
        }
        inner.push(seg(
            SegmentKind::Visit,
            sl.start,
            sl.end,
            format!(
                "{id} {}-{} (planned)",
                format_short(sl.start),
                format_short(sl.end)
            ),
        ));
    }
    inner.push(seg(
        SegmentKind::Travel,
        day.ret - day.home_leg,
        day.ret,
        format!("travel home {:.0} min", day.home_leg),
    ));
    for &(a, d, leg) in &day.bases {
        inner.push(seg(
            SegmentKind::Travel,
            a - leg,
            a,
            format!("travel to base: {leg:.0} min"),
        ));
        inner.push(free(a, d));
    }
    inner.sort_by(|x, y| x.start.total_cmp(&y.start));
    for &(a, b) in &day.breaks {
        inner.push(seg(
            SegmentKind::Break,
            a,
            b,
            format!("break {}-{}", format_short(a), format_short(b)),
        ));
    }
    frame(view, day.depart, day.ret, inner)
}

/// The planned round's office time: the shift less departure to return, plus the time
/// at base in gaps less the breaks taken there (for plans that carerounds writes, the
/// plan's `free_min`).
pub(crate) fn planned_office(problem: &Problem, s: usize, day: &PlannedDay) -> f64 {
    let st = &problem.staff[s];
    let shift = st.shift_end - st.shift_start;
    if !day.on_duty || day.slots.is_empty() {
        return shift;
    }
    let at_base: f64 = day
        .bases
        .iter()
        .map(|&(a, d, _)| {
            let breaks: f64 = day
                .breaks
                .iter()
                .filter(|b| b.0 >= a - 1e-6 && b.1 <= d + 1e-6)
                .map(|b| b.1 - b.0)
                .sum();
            (d - a - breaks).max(0.0)
        })
        .sum();
    (shift - (day.ret - day.depart) + at_base).max(0.0)
}
