//! The week report: the continuity table (distinct staff per client, the share of each
//! client's visits made by their main carer) and each staff member's hours per day and
//! week against their contract, as text or JSON.

use super::continuity::{figures, ClientWeek};
use super::hours::{staff_weeks, StaffWeek};
use super::plan::{WeekPlan, WeekSummary};
use super::Week;
use crate::model::Plan;
use serde::Serialize;
use std::fmt::Write;

/// Every figure of the week report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekReport {
    /// The week's name.
    pub name: String,
    /// The days, in order.
    pub days: Vec<String>,
    /// `continuity.target_staff`.
    pub target_staff: usize,
    /// The plan's totals, recomputed.
    pub summary: WeekSummary,
    /// One row per client with planned visits.
    pub clients: Vec<ClientWeek>,
    /// One row per staff member.
    pub staff: Vec<StaffWeek>,
}

/// The report of `plan` (its days matched to the week's by key).
pub fn week_report(week: &Week, plan: &WeekPlan) -> WeekReport {
    let plans: Vec<Option<&Plan>> = week
        .days
        .iter()
        .map(|d| plan.days.iter().find(|p| p.day == d.key).map(|p| &p.plan))
        .collect();
    WeekReport {
        name: week.name.clone(),
        days: week.days.iter().map(|d| d.key.clone()).collect(),
        target_staff: week.continuity.target_staff,
        summary: super::plan::summary(week, &plans),
        clients: figures(week, &plans).clients,
        staff: staff_weeks(week, &plans),
    }
}

/// Minutes as `h:mm`.
fn hm(min: f64) -> String {
    let m = min.round() as i64;
    format!("{}:{:02}", m / 60, m % 60)
}

/// The report as plain-text tables.
pub fn text(r: &WeekReport) -> String {
    let s = &r.summary;
    let mut out = String::new();
    let _ = writeln!(out, "{}: {} days ({})", r.name, r.days.len(), r.days.join(", "));
    let _ = writeln!(
        out,
        "travel {:.1} min, {:.1} km; {} visits planned, {} unassigned; objective {:.1}",
        s.travel_min, s.distance_km, s.visits_assigned, s.visits_unassigned, s.objective
    );
    let _ = writeln!(
        out,
        "continuity: {:.2} staff per client (target {}), {:.1}% of visits by the client's main carer, {} staff beyond target\n",
        s.mean_staff_per_client,
        r.target_staff,
        100.0 * s.main_carer_share,
        s.extra_staff
    );
    let _ = writeln!(
        out,
        "{:<14} {:>6} {:>6} {:<14} {:>6}  carers (visits)",
        "client", "visits", "staff", "main carer", "share"
    );
    for c in &r.clients {
        let main = c.staff.first().map_or("", |s| s.0.as_str());
        let all: Vec<String> = c.staff.iter().map(|(s, n)| format!("{s} {n}")).collect();
        let _ = writeln!(
            out,
            "{:<14} {:>6} {:>6} {:<14} {:>5.0}%  {}",
            c.client,
            c.visits,
            c.staff.len(),
            main,
            100.0 * c.main_share,
            all.join(", ")
        );
    }
    let _ = write!(out, "\n{:<14}", "staff");
    for d in &r.days {
        let _ = write!(out, " {:>10}", d);
    }
    let _ = writeln!(
        out,
        " {:>7} {:>8} {:>4} {:>8}",
        "week", "contract", "days", "max_days"
    );
    for w in &r.staff {
        let _ = write!(out, "{:<14}", w.staff);
        for m in &w.per_day {
            let cell = if *m > 0.0 { hm(*m) } else { "-".into() };
            let _ = write!(out, " {cell:>10}");
        }
        let contract = w.max_week_min.map_or("-".into(), hm);
        let max_days = w.max_days.map_or("-".into(), |n| n.to_string());
        let _ = writeln!(
            out,
            " {:>7} {:>8} {:>4} {:>8}",
            hm(w.total_min),
            contract,
            w.days_worked,
            max_days
        );
    }
    out
}
