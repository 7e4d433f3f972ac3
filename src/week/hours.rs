//! Weekly hours and working days, defined once: the solver keeps within them, the week
//! checker and the report count them the same way.

use super::Week;
use crate::model::{Plan, RoutePlan, Step};
use serde::Serialize;

/// Minutes a round counts against `max_week_min`: from leaving the start place to
/// arriving at the end place (travel, visits, waiting, breaks, base stays), on a day
/// with visits; a day without visits counts nothing and is not a working day.
pub fn worked_min(route: &RoutePlan) -> f64 {
    if !route.steps.iter().any(|s| matches!(s, Step::Visit { .. })) {
        return 0.0;
    }
    let start = route.steps.iter().find_map(|s| match s {
        Step::Start { time, .. } => Some(time.0),
        _ => None,
    });
    let end = route.steps.iter().rev().find_map(|s| match s {
        Step::End { arrival, .. } => Some(arrival.0),
        _ => None,
    });
    match (start, end) {
        (Some(a), Some(b)) => (b - a).max(0.0),
        _ => 0.0,
    }
}

/// One staff member's week against their limits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaffWeek {
    /// Staff id.
    pub staff: String,
    /// Minutes worked each day (0 on days off or without visits).
    pub per_day: Vec<f64>,
    /// Minutes worked in the week.
    pub total_min: f64,
    /// Days with visits.
    pub days_worked: usize,
    /// The contract, if any.
    pub max_week_min: Option<f64>,
    /// The most working days, if limited.
    pub max_days: Option<usize>,
}

/// Each staff member's week in `plans` (one per day, `None` for a day not planned yet).
pub fn staff_weeks(week: &Week, plans: &[Option<&Plan>]) -> Vec<StaffWeek> {
    let mut out: Vec<StaffWeek> = week
        .staff
        .iter()
        .map(|s| StaffWeek {
            staff: s.id.clone(),
            per_day: vec![0.0; week.days.len()],
            total_min: 0.0,
            days_worked: 0,
            max_week_min: s.max_week_min,
            max_days: s.max_days,
        })
        .collect();
    for (d, plan) in plans.iter().enumerate() {
        let Some(plan) = plan else { continue };
        for r in &plan.routes {
            let Some(i) = week.staff_index(&r.staff) else {
                continue;
            };
            let m = worked_min(r);
            if m > 0.0 || r.steps.iter().any(|s| matches!(s, Step::Visit { .. })) {
                out[i].per_day[d] += m;
                out[i].total_min += m;
                out[i].days_worked += 1;
            }
        }
    }
    out
}
