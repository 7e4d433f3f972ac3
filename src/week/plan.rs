//! The week plan document: one SPEC v1 day plan per day, and the week's totals.

use super::continuity::figures;
use super::Week;
use crate::model::Plan;
use serde::{Deserialize, Serialize};

/// A week's plan: one set of rounds per day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeekPlan {
    /// One entry per day of the week, in the order of its `days`.
    pub days: Vec<DayPlan>,
    /// Totals over the days and the continuity figures.
    pub summary: WeekSummary,
}

/// One day's plan: a SPEC v1 plan of that day's problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DayPlan {
    /// The day's key, as `days` writes it.
    pub day: String,
    /// The day's rounds.
    pub plan: Plan,
}

/// Totals over the week.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeekSummary {
    /// Minutes travelling.
    pub travel_min: f64,
    /// Kilometres travelled.
    pub distance_km: f64,
    /// Visits planned (each day's visits counted on their day).
    pub visits_assigned: usize,
    /// Visits left out.
    pub visits_unassigned: usize,
    /// Mean of distinct staff per client over the week.
    pub mean_staff_per_client: f64,
    /// Share of visits made by the client's main carer, 0 to 1.
    pub main_carer_share: f64,
    /// Distinct staff beyond `continuity.target_staff`, over clients.
    pub extra_staff: usize,
    /// The days' objectives summed, plus `extra_staff` × `continuity.per_extra_staff`.
    pub objective: f64,
}

/// The summary of `plans` (one per day of `week`, in order).
pub fn summary(week: &Week, plans: &[Option<&Plan>]) -> WeekSummary {
    let f = figures(week, plans);
    let mut s = WeekSummary {
        mean_staff_per_client: f.mean_staff,
        main_carer_share: f.main_share,
        extra_staff: f.extra_staff,
        objective: f.cost,
        ..WeekSummary::default()
    };
    for p in plans.iter().flatten() {
        s.travel_min += p.summary.travel_min;
        s.distance_km += p.summary.distance_km;
        s.visits_assigned += p.summary.visits_assigned;
        s.visits_unassigned += p.summary.visits_unassigned;
        s.objective += p.summary.objective;
    }
    s
}

impl WeekPlan {
    /// The week plan of `plans`, one per day of `week` in order, with its summary.
    pub fn of(week: &Week, plans: Vec<Plan>) -> WeekPlan {
        let summary = summary(week, &plans.iter().map(Some).collect::<Vec<_>>());
        WeekPlan {
            days: week
                .days
                .iter()
                .zip(plans)
                .map(|(d, plan)| DayPlan {
                    day: d.key.clone(),
                    plan,
                })
                .collect(),
            summary,
        }
    }
}
