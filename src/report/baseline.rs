//! Times the booked baseline (the problem's `baseline`: staff and visit order only) into a
//! [`Plan`] by the same timing rule and plan writer as every other plan
//! ([`schedule::as_booked`], [`write_plan`]), so the two can be compared figure for figure.
//!
//! The rules, kept simple on purpose (they are printed with every report):
//! - A staff member leaves the start place in time for the first visit, never before the
//!   shift starts. Staff with no booked visits get a route with start and end only.
//! - Each visit starts as early as its time windows allow: at arrival, or when the first
//!   window that has not yet closed (allowing the visit's `max_lateness_min`) opens. Its
//!   lateness is measured as the solver and checker measure it: against the windows already
//!   open at its start. If every window has closed, the visit starts on arrival, late
//!   against the last window and outside its window (the checker says so).
//! - A double-handed visit booked for two staff starts when both are there, and an `after`
//!   gap holds back the later visit: both are lower bounds on the start, iterated over all
//!   rounds until nothing moves.
//! - Breaks are placed as the solver places them: in waiting time at a client's door when
//!   they fit whole there, otherwise as late as the break's latest start allows. A break
//!   that cannot start by its latest start is still taken, late: the baseline may break
//!   rules and the report counts the breaches instead of failing.
//! - Visits in no booked round are listed unassigned with the reason [`NOT_BOOKED`].

use crate::model::{Plan, Problem};
use crate::solve::booked::{as_booked, write_plan, Floor, Instance, RouteTiming};
use crate::travel::TravelMatrix;
use std::sync::Arc;

/// The reason given for a visit that no booked round includes.
pub const NOT_BOOKED: &str = "not booked in the baseline";

/// Rounds of start-time propagation (double-handed visits, gaps) before giving up.
const MAX_PASSES: usize = 50;

/// Slack for comparing times, minutes.
const EPS: f64 = 1e-9;

/// The baseline as a plan, or `None` when the problem has no baseline. `travel` is the
/// problem's matrix, owned or shared (an `Arc` is not copied).
pub fn baseline_plan(problem: &Problem, travel: impl Into<Arc<TravelMatrix>>) -> Option<Plan> {
    let booked = problem.baseline.as_ref()?;
    let inst = Instance::with_travel(problem, travel);
    let mut seqs: Vec<Vec<usize>> = vec![Vec::new(); problem.staff.len()];
    for r in booked {
        seqs[r.staff].extend(&r.visits);
    }
    let n = problem.visits.len();
    let mut lo = vec![f64::NEG_INFINITY; n];
    let mut rounds = Vec::new();
    let mut starts = Vec::new();
    for _ in 0..MAX_PASSES {
        rounds = (0..seqs.len())
            .map(|s| as_booked(&inst, s, &seqs[s], &Floor(&lo)))
            .collect::<Vec<_>>();
        let count;
        (starts, count) = latest_starts(n, &rounds);
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
    let not_booked: Vec<(usize, String)> = (0..n)
        .filter(|&v| starts[v].is_none())
        .map(|v| (v, NOT_BOOKED.to_string()))
        .collect();
    let mut plan = write_plan(problem, &inst, &rounds, &not_booked);
    // Input warnings concern the plan carerounds makes, not the booking system's.
    plan.warnings.clear();
    Some(plan)
}

/// Each visit's latest start over the rounds that serve it, and how many serve it.
fn latest_starts(n: usize, rounds: &[RouteTiming]) -> (Vec<Option<f64>>, Vec<usize>) {
    let mut starts = vec![None::<f64>; n];
    let mut count = vec![0usize; n];
    for stop in rounds.iter().flat_map(|r| &r.stops) {
        let s = starts[stop.visit].get_or_insert(stop.start);
        *s = s.max(stop.start);
        count[stop.visit] += 1;
    }
    (starts, count)
}
