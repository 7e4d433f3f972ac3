//! The value of the staff driving time a plan saves, at hourly rates the user gives. Staff
//! time is the larger part of what a round costs, but it is not money in the bank: the
//! hours come back as time for visits or office work, not as a smaller pay bill. So it is
//! shown only when rates are given (carerounds invents no pay rate), and labelled as an
//! estimate wherever it appears.

use super::assumptions::Assumptions;
use super::build::GroupRow;
use super::numbers::{duration, money};
use serde::Serialize;

/// Says what the figure is, in every format that shows it.
pub const STAFF_TIME_NOTE: &str = "Estimate: travel minutes saved x the hourly staff cost given by \
     the user, per organisation. It values the staff time no longer spent driving; it is not a cash \
     saving unless that time is used for other work.";

/// The estimated value of the driving time saved (present only when a rate is given).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaffTimeValue {
    /// Says that this is an estimate and how it is made.
    pub note: String,
    /// Each organisation with an hourly rate.
    pub organisations: Vec<OrgTimeValue>,
    /// Organisations without a rate: their time is not costed.
    pub not_costed: Vec<String>,
    /// The sum over the organisations costed, £ this day (negative: the plan drives more).
    pub per_day_gbp: f64,
    /// × working days a week (extrapolated).
    pub per_week_gbp: f64,
    /// × working days a year (extrapolated).
    pub per_year_gbp: f64,
}

/// One organisation's driving time saved and its value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrgTimeValue {
    /// Organisation as the problem writes it.
    pub organisation: String,
    /// The rate given, £ an hour.
    pub gbp_per_hour: f64,
    /// Travel minutes saved by its staff (baseline − plan).
    pub travel_min_saved: f64,
    /// `travel_min_saved / 60 × gbp_per_hour`.
    pub value_gbp: f64,
}

impl StaffTimeValue {
    /// The note with each organisation's rate and value, and those not costed.
    pub fn words(&self) -> String {
        let rates: Vec<String> = self
            .organisations
            .iter()
            .map(|o| {
                format!(
                    "{}: {} an hour x {} saved = {}",
                    o.organisation,
                    money(o.gbp_per_hour),
                    duration(o.travel_min_saved),
                    money(o.value_gbp)
                )
            })
            .collect();
        let mut out = format!("{} ({}).", self.note.trim_end_matches('.'), rates.join("; "));
        if !self.not_costed.is_empty() {
            out.push_str(&format!(
                " Not costed (no hourly rate given): {}.",
                self.not_costed.join(", ")
            ));
        }
        out
    }
}

fn round(x: f64) -> f64 {
    (x * 1e4).round() / 1e4 + 0.0
}

/// The value of the driving time saved by the organisations in `orgs`, or `None` when no
/// hourly rate is given.
pub(crate) fn staff_time_value(orgs: &[GroupRow], a: &Assumptions) -> Option<StaffTimeValue> {
    if !a.costs_staff_time() {
        return None;
    }
    let mut organisations = Vec::new();
    let mut not_costed = Vec::new();
    let mut day = 0.0;
    for g in orgs {
        let Some(rate) = a.hourly_rate(&g.organisation) else {
            not_costed.push(g.organisation.clone());
            continue;
        };
        let saved = g.figures.baseline.travel_min - g.figures.plan.travel_min;
        let value = saved / 60.0 * rate;
        day += value;
        organisations.push(OrgTimeValue {
            organisation: g.organisation.clone(),
            gbp_per_hour: rate,
            travel_min_saved: round(saved),
            value_gbp: round(value),
        });
    }
    Some(StaffTimeValue {
        note: STAFF_TIME_NOTE.to_string(),
        organisations,
        not_costed,
        per_day_gbp: round(day),
        per_week_gbp: round(day * a.days_per_week),
        per_year_gbp: round(day * a.days_per_year),
    })
}
