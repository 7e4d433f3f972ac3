//! Reads one plan (the timed baseline or an optimised plan) against the problem: each staff
//! member's figures and day, and each visit's outcome. Travel and distance are recomputed
//! from the travel matrix and the order of places, contact time from the problem's visit
//! lengths, and the rest from the plan's clock times, so every plan is measured the same way
//! whoever wrote it.

use super::assumptions::{Assumptions, KM_PER_MILE};
use super::day::{day_view, DayView, TimedVisit};
use super::figures::Figures;
use crate::check::TIME_TOL;
use crate::model::Ids;
use crate::model::{FieldPath, InputError, InputErrorKind, Plan, Problem, Step, Visit};
use crate::solve::booked::late_by;
use crate::travel::TravelMatrix;
use std::collections::BTreeSet;

/// One staff member's day in one plan.
#[derive(Debug, Clone, Default)]
pub(crate) struct StaffDay {
    /// Figures that add up over staff; the visit-based ones are left 0 (and the share
    /// undefined) for [`Analysis::group`] to count over distinct visits.
    pub sums: Figures,
    /// Visits made.
    pub visits: BTreeSet<usize>,
    /// For pictures.
    pub view: DayView,
}

/// How a visit fared in one plan.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Outcome {
    /// Minutes late (the largest over its staff).
    pub late: f64,
    /// Started before its window opened or later than it allows.
    pub outside: bool,
    /// Names preferred staff.
    pub named: bool,
    /// Made by one of its preferred staff.
    pub met: bool,
}

/// A plan read against the problem.
#[derive(Debug, Clone)]
pub(crate) struct Analysis {
    /// By staff index.
    pub days: Vec<StaffDay>,
    /// By visit index.
    pub outcomes: Vec<Outcome>,
}

impl Analysis {
    /// Reads `plan`; errors name the plan field at fault (unknown or repeated staff, unknown
    /// visits). A staff member without a route is off duty in this plan.
    pub fn new(
        problem: &Problem,
        travel: &TravelMatrix,
        plan: &Plan,
        a: &Assumptions,
    ) -> Result<Self, InputError> {
        let ids = Ids::of(problem);
        let mut days: Vec<Option<StaffDay>> = vec![None; problem.staff.len()];
        let mut served_by: Vec<Vec<usize>> = vec![Vec::new(); problem.visits.len()];
        let mut late: Vec<(f64, bool)> = vec![(0.0, false); problem.visits.len()];
        let staff_of = ids.route_staff(plan)?;
        let routes = FieldPath::root().field("routes");
        for (ri, (route, &s)) in plan.routes.iter().zip(&staff_of).enumerate() {
            let path = routes.index(ri);
            let st = &problem.staff[s];
            let mut depart = st.shift_start;
            let mut ret = None;
            let mut visits = Vec::new();
            let mut breaks = Vec::new();
            // Places in step order: start, visits and trips to base, end.
            let mut places = vec![st.start_place];
            let mut bases = Vec::new();
            let mut pending_base = None;
            for (k, step) in route.steps.iter().enumerate() {
                match step {
                    Step::Start { time, .. } => depart = time.0,
                    Step::End { arrival, .. } => ret = Some(arrival.0),
                    Step::Break { start, end } => breaks.push((start.0, end.0)),
                    Step::Base {
                        arrival, departure, ..
                    } => {
                        places.push(st.start_place);
                        bases.push((arrival.0, departure.0));
                        pending_base = Some((arrival.0, departure.0));
                    }
                    Step::Visit {
                        visit,
                        arrival,
                        start,
                        ..
                    } => {
                        let v = ids.visit(visit).ok_or_else(|| {
                            InputError::of(
                                InputErrorKind::UnknownReference,
                                path.field("steps").index(k).field("visit"),
                                format!("visit '{visit}' is not in the problem"),
                            )
                        })?;
                        let (l, outside) = lateness(&problem.visits[v], start.0);
                        late[v] = (late[v].0.max(l), late[v].1 || outside);
                        served_by[v].push(s);
                        places.push(problem.visits[v].place);
                        visits.push(TimedVisit {
                            visit: v,
                            arrival: arrival.0,
                            start: start.0,
                            after_base: pending_base.take(),
                        });
                    }
                }
            }
            places.push(st.end_place);
            let travel_min: f64 = places
                .windows(2)
                .map(|p| travel.time_for(st.travel_mode, p[0], p[1]))
                .sum();
            let distance_km: f64 = places
                .windows(2)
                .map(|p| travel.dist_for(st.travel_mode, p[0], p[1]))
                .sum();
            let contact_min: f64 = visits.iter().map(|v| problem.visits[v.visit].duration).sum();
            let ret = ret.unwrap_or(depart + travel_min);
            let shift = st.shift_end - st.shift_start;
            // Office time at base: each stay less the breaks taken in it.
            let base_min: f64 = bases
                .iter()
                .map(|&(a, d)| {
                    let on_break: f64 = breaks
                        .iter()
                        .filter(|b| b.0 >= a - TIME_TOL && b.1 <= d + TIME_TOL)
                        .map(|(s, e)| e - s)
                        .sum();
                    (d - a - on_break).max(0.0)
                })
                .sum();
            let (break_min, wait_min, free_min) = if visits.is_empty() {
                let b: f64 = st.breaks.iter().map(|b| b.duration).sum();
                (b, 0.0, shift - travel_min - b)
            } else {
                let b: f64 = breaks.iter().map(|(s, e)| e - s).sum();
                let span = ret - depart;
                let wait = span - travel_min - contact_min - b - base_min;
                (b, wait.max(0.0), shift - span + base_min)
            };
            // Time out beyond the shift is overtime, not negative office time.
            let free_min = free_min.max(0.0);
            let distance_miles = distance_km / KM_PER_MILE;
            let sums = Figures {
                staff: 1.0,
                contact_min,
                travel_min,
                distance_km,
                distance_miles,
                cost_gbp: distance_miles * a.rate(&st.organisation),
                co2_kg: distance_km * a.co2_kg_per_km,
                wait_min,
                break_min,
                free_min,
                base_min,
                admin_short_min: (st.admin_min - free_min).max(0.0),
                overtime_min: (ret - st.shift_end).max(0.0),
                ..Default::default()
            };
            let view = day_view(problem, travel, s, (depart, ret), &visits, &breaks);
            days[s] = Some(StaffDay {
                sums,
                visits: visits.iter().map(|v| v.visit).collect(),
                view,
            });
        }
        let days = days
            .into_iter()
            .enumerate()
            .map(|(s, d)| {
                d.unwrap_or_else(|| StaffDay {
                    view: DayView {
                        shift_start: problem.staff[s].shift_start,
                        shift_end: problem.staff[s].shift_end,
                        ..Default::default()
                    },
                    ..Default::default()
                })
            })
            .collect();
        let outcomes = problem
            .visits
            .iter()
            .enumerate()
            .map(|(v, vd)| Outcome {
                late: late[v].0,
                outside: late[v].1,
                named: !vd.preferred_staff.is_empty(),
                met: served_by[v].iter().any(|s| vd.preferred_staff.contains(s)),
            })
            .collect();
        Ok(Analysis { days, outcomes })
    }

    /// The figures of a group of staff: their sums, and the outcomes of the distinct visits
    /// they made.
    pub fn group(&self, members: impl IntoIterator<Item = usize>) -> Figures {
        let mut f = Figures::default();
        let mut visits = BTreeSet::new();
        for s in members {
            let d = &self.days[s];
            f = f.plus(&d.sums);
            visits.extend(d.visits.iter().copied());
        }
        for &v in &visits {
            let o = &self.outcomes[v];
            f.visits += 1.0;
            if o.late > 0.0 {
                f.late_visits += 1.0;
                f.late_min += o.late;
            }
            f.outside_window_visits += o.outside as u8 as f64;
            f.preferred_visits += o.named as u8 as f64;
            f.preferred_met += (o.named && o.met) as u8 as f64;
        }
        f.preferred_share_pct =
            (f.preferred_visits > 0.0).then(|| 100.0 * f.preferred_met / f.preferred_visits);
        f
    }

    /// Visits no staff member makes in this plan.
    pub fn not_made(&self, problem: &Problem) -> usize {
        let made: BTreeSet<usize> = self.days.iter().flat_map(|d| d.visits.iter().copied()).collect();
        problem.visits.len() - made.len()
    }
}

/// Minutes late of a start at `s` (the least over the windows already open, as the checker
/// defines it) and whether the start is outside the windows: before the first opens, or
/// later than a window plus the allowed lateness. Starts within [`TIME_TOL`] of a bound
/// count as inside (plans write times to the second).
pub(crate) fn lateness(v: &Visit, s: f64) -> (f64, bool) {
    if v.windows.is_empty() {
        return (0.0, false);
    }
    match late_by(v.windows.iter().map(|w| (w.start, w.end)), s, TIME_TOL) {
        l if l == f64::INFINITY => (0.0, true),
        l if l <= TIME_TOL => (0.0, false),
        l => (l, l > v.max_lateness.allowance() + TIME_TOL),
    }
}
