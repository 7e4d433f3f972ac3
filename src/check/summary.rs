//! The plan's summary against totals recomputed from the routes.

use super::cover::Served;
use super::fig::{num, Fig};
use super::route::RouteResult;
use super::{Ctx, Out, Rule};
use crate::model::Plan;

/// Checks the summary. The counts are always checked; the figures only when every route
/// could be timed (an unknown staff member or a malformed route is reported already, and
/// recomputing totals without it would only repeat that).
pub(crate) fn check_summary(ctx: &Ctx, plan: &Plan, routes: &[RouteResult], served: &Served, out: &mut Out) {
    let sum = &plan.summary;
    let assigned = served.iter().filter(|o| !o.is_empty()).count();
    let counts = [
        ("visits_assigned", sum.visits_assigned, assigned),
        ("visits_unassigned", sum.visits_unassigned, plan.unassigned.len()),
    ];
    for (name, claimed, actual) in counts {
        if claimed != actual {
            out.push(
                Rule::SummaryFigure,
                None,
                None,
                format!("summary.{name} is {claimed}, recomputed {actual}"),
            );
        }
    }
    let Some(figs) = routes.iter().map(|r| r.figs).collect::<Option<Vec<_>>>() else {
        return;
    };
    let travel: f64 = figs.iter().map(|f| f.travel).sum();
    let distance: f64 = figs.iter().map(|f| f.distance).sum();
    let free: Fig = figs.iter().map(|f| f.free).sum();
    let overtime: Fig = figs.iter().map(|f| f.overtime).sum();
    let at_base: Fig = figs.iter().map(|f| f.at_base).sum();
    let long_wait: Fig = figs.iter().map(|f| f.long_wait).sum();
    let mut lateness = Fig::default();
    let mut max_lateness = Fig::default();
    let mut not_preferred = 0usize;
    let mut moved = 0usize;
    let mut retimed = Fig::default();
    for (i, occ) in served.iter().enumerate() {
        if occ.is_empty() {
            continue;
        }
        // A double-handed visit counts once; its two starts agree within the tolerance.
        let late = occ.iter().map(|o| o.lateness).fold(Fig::default(), Fig::max);
        lateness = lateness + late;
        max_lateness = max_lateness.max(late);
        let preferred = &ctx.problem.visits[i].preferred_staff;
        if !preferred.is_empty()
            && !occ
                .iter()
                .any(|o| o.staff.is_some_and(|s| preferred.contains(&s)))
        {
            not_preferred += 1;
        }
        // Moving counts per staff member: a double-handed visit given to two new staff
        // has moved twice.
        // Each staff member's start counts (a double-handed visit's two agree).
        if let Some(p) = ctx.problem.visits[i].planned_start {
            for o in occ {
                // As `model::problem::retimed_by`, with the clock's rounding carried.
                let off = (Fig::clock(o.start) - Fig::exact(p)).abs();
                retimed = retimed + (off - Fig::exact(crate::model::problem::RETIMED_GRACE_MIN)).max0();
            }
        }
        let planned = &ctx.problem.visits[i].planned_staff;
        if !planned.is_empty() {
            moved += occ
                .iter()
                .filter(|o| o.staff.is_some_and(|s| !planned.contains(&s)))
                .count();
        }
    }
    let w = &ctx.problem.objective;
    let objective = Fig::exact(w.travel_min * travel + w.distance_km * distance)
        + lateness.scale(w.lateness)
        + max_lateness.scale(w.max_lateness)
        + Fig::exact(w.preferred_staff * not_preferred as f64)
        + Fig::exact(w.moved_visit * moved as f64)
        + retimed.scale(w.retimed_min)
        + overtime.scale(w.overtime)
        - at_base.scale(w.base_min)
        + long_wait.scale(w.long_wait_min);
    let figures = [
        ("travel_min", sum.travel_min, Fig::exact(travel)),
        ("distance_km", sum.distance_km, Fig::exact(distance)),
        ("free_min", sum.free_min, free),
        ("overtime_min", sum.overtime_min, overtime),
        ("lateness_min", sum.lateness_min, lateness),
        ("max_lateness_min", sum.max_lateness_min, max_lateness),
        ("objective", sum.objective, objective),
    ];
    for (name, claimed, fig) in figures {
        if !fig.matches(claimed) {
            out.push(
                Rule::SummaryFigure,
                None,
                None,
                format!(
                    "summary.{name} is {}, recomputed {}",
                    num(claimed),
                    num(fig.value)
                ),
            );
        }
    }
}
