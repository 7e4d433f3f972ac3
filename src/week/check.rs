//! The week checker: every day's plan through the day checker against that day's
//! problem, then the week's own rules (the days all planned, rota days off, weekly
//! hours, working days) and the summary's figures recomputed.

use super::hours::staff_weeks;
use super::plan::{summary, WeekPlan, WeekSummary};
use super::Week;
use crate::check::{check, Violation};
use crate::model::Plan;
use crate::travel::TravelMatrix;
use serde::Serialize;
use std::fmt;

/// A rule of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WeekRule {
    /// The plan has one day plan per day of the week, in its order.
    Days,
    /// No one has a round on a day their rota gives off.
    Rota,
    /// No one works more minutes in the week than `max_week_min` (rounds counted as
    /// [`super::hours::worked_min`] does).
    WeekHours,
    /// No one has visits on more days than `max_days`.
    MaxDays,
    /// The week summary's figures are the recomputed ones.
    SummaryFigure,
}

impl WeekRule {
    /// The snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            WeekRule::Days => "days",
            WeekRule::Rota => "rota",
            WeekRule::WeekHours => "week_hours",
            WeekRule::MaxDays => "max_days",
            WeekRule::SummaryFigure => "week_summary_figure",
        }
    }
}

/// One way a week plan breaks its problem.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "level", rename_all = "snake_case")]
pub enum WeekViolation {
    /// A day's plan breaks the day's problem.
    Day {
        /// The day's key.
        day: String,
        /// What the day checker found.
        violation: Violation,
    },
    /// A rule of the week is broken.
    Week {
        /// Which rule.
        rule: WeekRule,
        /// The staff member concerned, if one is.
        staff: Option<String>,
        /// What is wrong.
        message: String,
    },
}

impl fmt::Display for WeekViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WeekViolation::Day { day, violation } => write!(f, "{day}: {violation}"),
            WeekViolation::Week { rule, staff, message } => {
                write!(f, "week: [{}] ", rule.name())?;
                if let Some(s) = staff {
                    write!(f, "{s}: ")?;
                }
                f.write_str(message)
            }
        }
    }
}

fn broken(rule: WeekRule, staff: Option<&str>, message: String) -> WeekViolation {
    WeekViolation::Week {
        rule,
        staff: staff.map(str::to_string),
        message,
    }
}

/// Checks `plan` against `week`, each day on its travel matrix (`travel[d]`, the day
/// problem's), and lists every violation: days in order, then the week's rules.
pub fn check_week(week: &Week, travel: &[impl AsRef<TravelMatrix>], plan: &WeekPlan) -> Vec<WeekViolation> {
    let mut out = Vec::new();
    let keys: Vec<&str> = plan.days.iter().map(|d| d.day.as_str()).collect();
    let want: Vec<&str> = week.days.iter().map(|d| d.key.as_str()).collect();
    if keys != want {
        out.push(week_days(&keys, &want));
    }
    let mut plans: Vec<Option<&Plan>> = vec![None; week.days.len()];
    for (d, day) in week.days.iter().enumerate() {
        let Some(dp) = plan.days.iter().find(|p| p.day == day.key) else {
            continue;
        };
        plans[d] = Some(&dp.plan);
        for r in &dp.plan.routes {
            if let Some(i) = week.staff_index(&r.staff) {
                if !week.staff[i].works[d] {
                    out.push(broken(
                        WeekRule::Rota,
                        Some(&r.staff),
                        format!("is off on {} (rota) but has a round", day.key),
                    ));
                }
            }
        }
        let Some(travel) = travel.get(d) else { continue };
        for v in check(&week.day_problems[d].problem, travel.as_ref(), &dp.plan) {
            out.push(WeekViolation::Day {
                day: day.key.clone(),
                violation: v,
            });
        }
    }
    for w in staff_weeks(week, &plans) {
        if let Some(max) = w.max_week_min.filter(|&m| w.total_min > m) {
            out.push(broken(
                WeekRule::WeekHours,
                Some(&w.staff),
                format!(
                    "works {:.1} min in the week, over max_week_min {max}",
                    w.total_min
                ),
            ));
        }
        if let Some(max) = w.max_days.filter(|&m| w.days_worked > m) {
            out.push(broken(
                WeekRule::MaxDays,
                Some(&w.staff),
                format!("has visits on {} days, over max_days {max}", w.days_worked),
            ));
        }
    }
    if plans.iter().all(Option::is_some) {
        let s = summary(week, &plans);
        for fault in summary_faults(&plan.summary, &s) {
            out.push(broken(WeekRule::SummaryFigure, None, fault));
        }
    }
    out
}

fn week_days(keys: &[&str], want: &[&str]) -> WeekViolation {
    broken(
        WeekRule::Days,
        None,
        format!(
            "plans the days [{}]; the week is [{}], in that order",
            keys.join(", "),
            want.join(", ")
        ),
    )
}

/// The figures of `got` that differ from the recomputed `want`.
fn summary_faults(got: &WeekSummary, want: &WeekSummary) -> Vec<String> {
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * (1.0 + b.abs());
    let floats = [
        ("travel_min", got.travel_min, want.travel_min),
        ("distance_km", got.distance_km, want.distance_km),
        (
            "mean_staff_per_client",
            got.mean_staff_per_client,
            want.mean_staff_per_client,
        ),
        ("main_carer_share", got.main_carer_share, want.main_carer_share),
        ("objective", got.objective, want.objective),
    ];
    let counts = [
        ("visits_assigned", got.visits_assigned, want.visits_assigned),
        ("visits_unassigned", got.visits_unassigned, want.visits_unassigned),
        ("extra_staff", got.extra_staff, want.extra_staff),
    ];
    let mut out: Vec<String> = floats
        .iter()
        .filter(|(_, a, b)| !close(*a, *b))
        .map(|(name, a, b)| format!("summary.{name} is {a}, recomputed {b}"))
        .collect();
    out.extend(
        counts
            .iter()
            .filter(|(_, a, b)| a != b)
            .map(|(name, a, b)| format!("summary.{name} is {a}, recomputed {b}")),
    );
    out
}
