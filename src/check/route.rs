//! Per route: the staff member, step order, each visit against its staff member and
//! windows, and the staff member's limits. Timing is in [`super::timing`].

use super::fig::{hm, num, Fig, TIME_TOL};
use super::timing::{time_route, RouteFigs};
use super::{Ctx, Occurrence, Out, Rule};
use crate::model::time::Clock;
use crate::model::{Plan, RoutePlan, Staff, Step, TimeWindow, Visit};

/// What the rest of the checker needs from one route.
pub(crate) struct RouteResult<'a> {
    /// The route's visit steps with known visit ids, in step order.
    pub occurrences: Vec<Occurrence<'a>>,
    /// Recomputed figures; `None` when the route could not be timed.
    pub figs: Option<RouteFigs>,
}

/// Checks every route, and that each staff member has exactly one.
pub(crate) fn check_routes<'a>(ctx: &Ctx<'a>, plan: &'a Plan, out: &mut Out) -> Vec<RouteResult<'a>> {
    let mut count = vec![0usize; ctx.problem.staff.len()];
    let mut results = Vec::with_capacity(plan.routes.len());
    for route in &plan.routes {
        let staff = ctx.staff_ids.get(route.staff.as_str()).copied();
        match staff {
            Some(s) => count[s] += 1,
            None => out.push(
                Rule::UnknownStaff,
                Some(&route.staff),
                None,
                format!(
                    "the problem has no staff member '{}'; the route is not checked",
                    route.staff
                ),
            ),
        }
        results.push(check_route(ctx, route, staff, out));
    }
    for (s, &n) in count.iter().enumerate() {
        let id = ctx.problem.staff[s].id.as_str();
        if n == 0 {
            out.push(
                Rule::MissingRoute,
                Some(id),
                None,
                "has no route; every staff member needs one (start and end only when idle)".into(),
            );
        } else if n > 1 {
            out.push(
                Rule::DuplicateRoute,
                Some(id),
                None,
                format!("has {n} routes; one per staff member"),
            );
        }
    }
    results
}

fn check_route<'a>(
    ctx: &Ctx<'a>,
    route: &'a RoutePlan,
    staff: Option<usize>,
    out: &mut Out,
) -> RouteResult<'a> {
    let sid = route.staff.as_str();
    let mut occurrences = Vec::new();
    for step in &route.steps {
        let Step::Visit {
            visit,
            start,
            late_min,
            ..
        } = step
        else {
            continue;
        };
        let Some(&vi) = ctx.visit_ids.get(visit.as_str()) else {
            out.push(
                Rule::UnknownVisit,
                Some(sid),
                Some(visit),
                format!("the problem has no visit '{visit}'"),
            );
            continue;
        };
        let v = &ctx.problem.visits[vi];
        let lateness = lateness(v, start.0);
        occurrences.push(Occurrence {
            visit: vi,
            staff_id: sid,
            staff,
            start: start.0,
            lateness,
        });
        let Some(si) = staff else { continue };
        check_visit(ctx, v, si, start.0, out);
        if !lateness.matches(*late_min) {
            out.push(
                Rule::StepFigure,
                Some(sid),
                Some(&v.id),
                format!(
                    "late_min is {}, recomputed {}",
                    num(*late_min),
                    num(lateness.value)
                ),
            );
        }
    }
    let Some(si) = staff else {
        return RouteResult {
            occurrences,
            figs: None,
        };
    };
    let s = &ctx.problem.staff[si];
    check_load(ctx, s, &occurrences, out);
    let figs = if step_order_ok(route, out) & clocks_finite(route, out) {
        Some(time_route(ctx, s, route, !occurrences.is_empty(), out))
    } else {
        None
    };
    if let Some(f) = &figs {
        check_route_limits(s, f, out);
    }
    RouteResult { occurrences, figs }
}

/// The lateness of a visit started at `start`: 0 without windows, else the least
/// `max(0, start - w.end)` over the windows already open. A start before every window is
/// a [`Rule::TimeWindow`] violation and counts 0 here.
fn lateness(v: &Visit, start: f64) -> Fig {
    if v.windows.is_empty() || v.actual.is_some() {
        return Fig::exact(0.0);
    }
    let late = v
        .windows
        .iter()
        .filter(|w| w.start <= start + TIME_TOL)
        .map(|w| (start - w.end).max(0.0))
        .fold(f64::INFINITY, f64::min);
    Fig::clock(if late.is_finite() { late } else { 0.0 })
}

/// Skills, exclusion, pin and time windows of one visit served by staff `si`.
fn check_visit(ctx: &Ctx, v: &Visit, si: usize, start: f64, out: &mut Out) {
    let s = &ctx.problem.staff[si];
    if !s.has_skills(&v.skills) {
        let missing: Vec<String> = v
            .skills
            .iter()
            .filter(|k| !s.has_skills(std::slice::from_ref(k)))
            .map(|k| format!("'{k}'"))
            .collect();
        out.push(
            Rule::Skills,
            Some(&s.id),
            Some(&v.id),
            format!("lacks skill {} that the visit needs", missing.join(", ")),
        );
    }
    if v.excluded_staff.contains(&si) {
        out.push(
            Rule::ExcludedStaff,
            Some(&s.id),
            Some(&v.id),
            format!("the visit excludes staff member '{}'", s.id),
        );
    }
    if !v.pinned_staff.is_empty() && !v.pinned_staff.contains(&si) {
        out.push(
            Rule::Pinned,
            Some(&s.id),
            Some(&v.id),
            format!("the visit is pinned to other staff, not '{}'", s.id),
        );
    }
    if let Some(a) = v.actual {
        if (start - a).abs() > TIME_TOL {
            out.push(
                Rule::Actual,
                Some(&s.id),
                Some(&v.id),
                format!("the visit started at {}, not {}", hm(a), super::fig::at(start)),
            );
        }
        return;
    }
    let allowance = v.max_lateness.allowance();
    let fits = |w: &TimeWindow| w.start - TIME_TOL <= start && start <= w.end + allowance + TIME_TOL;
    if let Some(g) = ctx.problem.options.round_start_min {
        check_grid(v, &s.id, start, f64::from(g), allowance, out);
    }
    if v.windows.is_empty() || v.windows.iter().any(fits) {
        return;
    }
    let list: Vec<String> = v
        .windows
        .iter()
        .map(|w| format!("{}-{}", hm(w.start), hm(w.end)))
        .collect();
    let plural = if list.len() > 1 { "windows" } else { "window" };
    let message = if start < v.windows[0].start - TIME_TOL {
        format!(
            "start {} is before {plural} {}",
            super::fig::at(start),
            list.join(", ")
        )
    } else {
        let side = if list.len() > 1 { "outside" } else { "after" };
        format!(
            "start {} is {side} {plural} {} (+{} min lateness allowed)",
            super::fig::at(start),
            list.join(", "),
            num(allowance)
        )
    };
    out.push(Rule::TimeWindow, Some(&s.id), Some(&v.id), message);
}

/// [`Rule::RoundStart`]: a start on the grid of `g` minutes past midnight, unless every
/// window it lies in holds no time on that grid.
fn check_grid(v: &Visit, staff: &str, start: f64, g: f64, allowance: f64, out: &mut Out) {
    let off = start / g - (start / g).round();
    if off.abs() * g <= TIME_TOL {
        return;
    }
    let holds_grid_time = |w: &TimeWindow| (w.start / g - 1e-9).ceil() * g <= w.end + allowance + TIME_TOL;
    let within = |w: &&TimeWindow| w.start - TIME_TOL <= start && start <= w.end + allowance + TIME_TOL;
    let mut around = v.windows.iter().filter(within).peekable();
    let exempt = around.peek().is_some() && around.all(|w| !holds_grid_time(w));
    if !exempt {
        out.push(
            Rule::RoundStart,
            Some(staff),
            Some(&v.id),
            format!(
                "start {} is not on the {}-minute grid that options.round_start_min asks for",
                super::fig::at(start),
                num(g)
            ),
        );
    }
}

/// `max_visits` and `capacity`.
fn check_load(ctx: &Ctx, s: &Staff, occurrences: &[Occurrence], out: &mut Out) {
    if let Some(max) = s.max_visits {
        if occurrences.len() > max {
            out.push(
                Rule::MaxVisits,
                Some(&s.id),
                None,
                format!("has {} visits; max_visits is {max}", occurrences.len()),
            );
        }
    }
    if let Some(cap) = s.capacity {
        let load: f64 = occurrences
            .iter()
            .map(|o| ctx.problem.visits[o.visit].demand)
            .sum();
        if load > cap + super::fig::figure_tol(cap) {
            out.push(
                Rule::Capacity,
                Some(&s.id),
                None,
                format!("visits demand {} in all; capacity is {}", num(load), num(cap)),
            );
        }
    }
}

/// `max_travel_min` and `admin_min`, against the recomputed route.
fn check_route_limits(s: &Staff, f: &RouteFigs, out: &mut Out) {
    if let Some(max) = s.max_travel_min {
        if f.travel > max + super::fig::figure_tol(max) {
            out.push(
                Rule::MaxTravel,
                Some(&s.id),
                None,
                format!("travels {} min; max_travel_min is {}", num(f.travel), num(max)),
            );
        }
    }
    if s.admin_min > 0.0 && f.free.value + f.free.slack + super::fig::figure_tol(s.admin_min) < s.admin_min {
        out.push(
            Rule::AdminTime,
            Some(&s.id),
            None,
            format!(
                "leaves {} min free; the shift must keep {} min for admin",
                num(f.free.value),
                num(s.admin_min)
            ),
        );
    }
}

/// First `start`, last `end`, only visits, base steps and breaks between.
fn step_order_ok(route: &RoutePlan, out: &mut Out) -> bool {
    let steps = &route.steps;
    let sid = Some(route.staff.as_str());
    let n = steps.len();
    if n < 2 {
        out.push(
            Rule::StepOrder,
            sid,
            None,
            format!("has {n} step(s); a route needs at least a start and an end step"),
        );
        return false;
    }
    let mut ok = true;
    if !matches!(steps[0], Step::Start { .. }) {
        out.push(
            Rule::StepOrder,
            sid,
            None,
            format!("first step is {}, not start", kind(&steps[0])),
        );
        ok = false;
    }
    if !matches!(steps[n - 1], Step::End { .. }) {
        out.push(
            Rule::StepOrder,
            sid,
            None,
            format!("last step is {}, not end", kind(&steps[n - 1])),
        );
        ok = false;
    }
    for (i, step) in steps.iter().enumerate().take(n - 1).skip(1) {
        if matches!(step, Step::Start { .. } | Step::End { .. }) {
            out.push(
                Rule::StepOrder,
                sid,
                None,
                format!("step {i} is {} in the middle of the route", kind(step)),
            );
            ok = false;
        }
    }
    ok
}

/// Every time in the route is a finite number (a solver bug could write NaN, which no
/// comparison would catch). A route with such a time is not timed.
fn clocks_finite(route: &RoutePlan, out: &mut Out) -> bool {
    let mut ok = true;
    for (i, step) in route.steps.iter().enumerate() {
        let (clocks, visit): (&[Clock], Option<&str>) = match step {
            Step::Start { time, .. } => (std::slice::from_ref(time), None),
            Step::Visit {
                visit,
                arrival,
                start,
                end,
                ..
            } => (&[*arrival, *start, *end], Some(visit)),
            Step::Break { start, end } => (&[*start, *end], None),
            Step::Base {
                arrival, departure, ..
            } => (&[*arrival, *departure], None),
            Step::End { arrival, .. } => (std::slice::from_ref(arrival), None),
        };
        if clocks.iter().any(|c| !c.0.is_finite()) {
            out.push(
                Rule::Timing,
                Some(&route.staff),
                visit,
                format!("step {i} ({}) has a time that is not a finite number", kind(step)),
            );
            ok = false;
        }
    }
    ok
}

fn kind(step: &Step) -> &'static str {
    match step {
        Step::Start { .. } => "start",
        Step::Visit { .. } => "visit",
        Step::Break { .. } => "break",
        Step::Base { .. } => "base",
        Step::End { .. } => "end",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{MaxLateness, StaffCount};

    fn visit(windows: &[(f64, f64)]) -> Visit {
        Visit {
            id: "v".into(),
            client: String::new(),
            place: 0,
            duration: 30.0,
            windows: windows
                .iter()
                .map(|&(start, end)| TimeWindow { start, end })
                .collect(),
            skills: vec![],
            staff_count: StaffCount::One,
            roles: None,
            required: true,
            preferred_staff: vec![],
            excluded_staff: vec![],
            pinned_staff: vec![],
            planned_staff: vec![],
            planned_start: None,
            actual: None,
            after: vec![],
            max_lateness: MaxLateness::Unbounded,
            demand: 0.0,
        }
    }

    #[test]
    fn lateness_is_measured_from_the_last_window_already_open() {
        let v = visit(&[(540.0, 600.0), (840.0, 900.0)]);
        assert_eq!(lateness(&v, 570.0).value, 0.0);
        assert_eq!(lateness(&v, 630.0).value, 30.0);
        // Past the second window's start the visit is on time again.
        assert_eq!(lateness(&v, 850.0).value, 0.0);
        assert_eq!(lateness(&v, 910.0).value, 10.0);
        // Before every window: a window violation, not lateness.
        assert_eq!(lateness(&v, 500.0).value, 0.0);
        // A start one second before the window opens counts as in it.
        assert_eq!(lateness(&v, 540.0 - 1.0 / 60.0).value, 0.0);
        assert_eq!(lateness(&visit(&[]), 2000.0), Fig::exact(0.0));
    }
}
