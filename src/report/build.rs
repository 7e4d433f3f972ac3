//! Assembles a [`Report`]: the baseline and each plan read the same way, compared per staff
//! member, per organisation and for the team, with the checker's verdict on each and the
//! weekly and yearly extrapolation.

use super::analyse::Analysis;
use super::assumptions::{organisations, Assumptions, AssumptionsReport};
use super::baseline::{baseline_plan, NOT_BOOKED};
use super::credits::{credits, Credit};
use super::day::DayView;
use super::figures::Comparison;
use super::moved::{contact_moved, ContactMoved};
use super::staff_time::{staff_time_value, StaffTimeValue};
use crate::check::check;
use crate::model::{InputError, Plan, Problem};
use crate::travel::TravelMatrix;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Why a report cannot be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReportError {
    /// The problem has no `baseline` to compare with.
    #[error("baseline: the problem has no baseline (the rounds as booked) to compare the plans with")]
    NoBaseline,
    /// A plan does not fit the problem; `source.path` is the field inside that plan.
    #[error("plan '{name}': {source}")]
    Plan {
        /// Position in the list of plans.
        index: usize,
        /// The plan's name.
        name: String,
        /// What is wrong, with the field path inside the plan.
        #[source]
        source: InputError,
    },
    /// The baseline given does not fit the problem.
    #[error("baseline plan: {0}")]
    Baseline(#[source] InputError),
    /// A rate or factor is out of range, or names an organisation not in the problem.
    #[error("{0}")]
    Assumptions(#[source] super::assumptions::AssumptionError),
}

/// The whole report: what JSON shows, and what the pictures need besides.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The problem's name.
    pub problem: String,
    /// `carerounds` and its version.
    pub generator: String,
    /// Rates, factors and models the figures rest on.
    pub assumptions: AssumptionsReport,
    /// About the booked baseline.
    pub baseline: BaselineReport,
    /// One comparison per plan.
    pub plans: Vec<PlanReport>,
    /// The data sources the problem used, with the lines their licences ask for.
    pub credits: Vec<Credit>,
    /// The baseline's day per staff member (problem order), for pictures.
    #[serde(skip)]
    pub baseline_days: Vec<DayView>,
    /// Whether every place has coordinates (maps can be drawn).
    #[serde(skip)]
    pub has_coordinates: bool,
}

/// The checker's verdict on a plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CheckSummary {
    /// How many violations.
    pub violations: usize,
    /// How many of each rule (snake_case names).
    pub by_rule: BTreeMap<String, usize>,
}

impl CheckSummary {
    fn of(problem: &Problem, travel: &TravelMatrix, plan: &Plan) -> Self {
        let mut out = CheckSummary::default();
        for v in check(problem, travel, plan) {
            out.violations += 1;
            *out.by_rule.entry(v.rule.name().to_string()).or_default() += 1;
        }
        out
    }
}

/// About the booked baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BaselineReport {
    /// Visits booked in some round.
    pub visits_booked: usize,
    /// Ids of the visits no round books.
    pub not_booked: Vec<String>,
    /// The checker's verdict on the timed baseline (it may break rules).
    pub checker: CheckSummary,
}

/// One plan against the baseline.
#[derive(Debug, Clone, Serialize)]
pub struct PlanReport {
    /// The plan's name.
    pub name: String,
    /// The checker's verdict on the plan.
    pub checker: CheckSummary,
    /// Visits the plan lists as unassigned.
    pub unassigned: usize,
    /// Visits nobody makes: in the baseline and in the plan.
    pub visits_not_made: NotMade,
    /// The whole team.
    pub team: Comparison,
    /// Per organisation, in order of first appearance among the staff.
    pub organisations: Vec<GroupRow>,
    /// Per staff member, in problem order.
    pub staff: Vec<StaffRow>,
    /// The team's saving a day, and extrapolated to a week and a year.
    pub extrapolation: Extrapolation,
    /// Contact time moved between organisations, flagged above the set share.
    pub contact_moved: ContactMoved,
    /// The estimated value of the driving time saved, when hourly rates are given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub staff_time_value: Option<StaffTimeValue>,
    /// The plan's day per staff member (problem order), for pictures.
    #[serde(skip)]
    pub days: Vec<DayView>,
}

/// Visits nobody makes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NotMade {
    /// In the baseline.
    pub baseline: usize,
    /// In the plan.
    pub plan: usize,
}

/// An organisation's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupRow {
    /// Organisation as the problem writes it.
    pub organisation: String,
    /// Baseline, plan, change.
    #[serde(flatten)]
    pub figures: Comparison,
}

/// A staff member's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaffRow {
    /// Staff id.
    pub staff: String,
    /// Their organisation.
    pub organisation: String,
    /// Baseline, plan, change.
    #[serde(flatten)]
    pub figures: Comparison,
}

/// What the plan saves against the baseline over some number of days (positive = better
/// than as booked).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Saving {
    /// Travel minutes saved.
    pub travel_min: f64,
    /// Travel hours saved.
    pub travel_hours: f64,
    /// Kilometres saved.
    pub distance_km: f64,
    /// Miles saved.
    pub distance_miles: f64,
    /// Mileage £ saved.
    pub cost_gbp: f64,
    /// kg CO2e avoided.
    pub co2_kg: f64,
    /// Office minutes freed.
    pub free_min: f64,
    /// Office hours freed.
    pub free_hours: f64,
}

impl Saving {
    fn of(c: &Comparison, days: f64) -> Self {
        let (b, p) = (&c.baseline, &c.plan);
        let r = |x: f64| (x * days * 1e4).round() / 1e4 + 0.0;
        Saving {
            travel_min: r(b.travel_min - p.travel_min),
            travel_hours: r((b.travel_min - p.travel_min) / 60.0),
            distance_km: r(b.distance_km - p.distance_km),
            distance_miles: r(b.distance_miles - p.distance_miles),
            cost_gbp: r(b.cost_gbp - p.cost_gbp),
            co2_kg: r(b.co2_kg - p.co2_kg),
            free_min: r(p.free_min - b.free_min),
            free_hours: r((p.free_min - b.free_min) / 60.0),
        }
    }
}

/// The day's team saving, and the same extrapolated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Extrapolation {
    /// Says that the week and year are an extrapolation, not a measurement.
    pub note: String,
    /// Working days a week.
    pub days_per_week: f64,
    /// Working days a year.
    pub days_per_year: f64,
    /// This day (measured).
    pub per_day: Saving,
    /// × days a week (extrapolated).
    pub per_week: Saving,
    /// × days a year (extrapolated).
    pub per_year: Saving,
}

impl Report {
    /// Times the problem's baseline on `travel` (the problem's matrix, built once by the
    /// caller: owned, or an `Arc` shared with the solver, never copied) and compares each
    /// named plan with it.
    pub fn new(
        problem: &Problem,
        travel: impl Into<Arc<TravelMatrix>>,
        plans: &[(String, Plan)],
        a: &Assumptions,
    ) -> Result<Report, ReportError> {
        let travel = travel.into();
        let baseline = baseline_plan(problem, travel.clone()).ok_or(ReportError::NoBaseline)?;
        Report::build(problem, &travel, &baseline, plans, a)
    }

    /// Compares each named plan with `baseline` (a timed baseline, usually from
    /// [`super::baseline_plan`]). Plans are checked with [`check`]; violations are counted,
    /// not fatal.
    pub fn build(
        problem: &Problem,
        travel: &TravelMatrix,
        baseline: &Plan,
        plans: &[(String, Plan)],
        a: &Assumptions,
    ) -> Result<Report, ReportError> {
        a.check(problem).map_err(ReportError::Assumptions)?;
        let base = Analysis::new(problem, travel, baseline, a).map_err(ReportError::Baseline)?;
        let orgs = organisations(problem);
        let members = |org: &str| -> Vec<usize> {
            (0..problem.staff.len())
                .filter(|&s| problem.staff[s].organisation == org)
                .collect()
        };
        let mut out = Vec::with_capacity(plans.len());
        for (index, (name, plan)) in plans.iter().enumerate() {
            let ana = Analysis::new(problem, travel, plan, a).map_err(|source| ReportError::Plan {
                index,
                name: name.clone(),
                source,
            })?;
            let all = 0..problem.staff.len();
            let team = Comparison::new(&base.group(all.clone()), &ana.group(all));
            let organisations: Vec<GroupRow> = orgs
                .iter()
                .map(|org| GroupRow {
                    organisation: org.clone(),
                    figures: Comparison::new(&base.group(members(org)), &ana.group(members(org))),
                })
                .collect();
            let staff = problem
                .staff
                .iter()
                .enumerate()
                .map(|(s, st)| StaffRow {
                    staff: st.id.clone(),
                    organisation: st.organisation.clone(),
                    figures: Comparison::new(&base.group([s]), &ana.group([s])),
                })
                .collect();
            out.push(PlanReport {
                name: name.clone(),
                checker: CheckSummary::of(problem, travel, plan),
                unassigned: plan.unassigned.len(),
                visits_not_made: NotMade {
                    baseline: base.not_made(problem),
                    plan: ana.not_made(problem),
                },
                extrapolation: Extrapolation {
                    note: format!(
                        "Extrapolation, not a measurement: assumes every working day saves what this \
                         day does ({} days a week, {} a year).",
                        a.days_per_week, a.days_per_year
                    ),
                    days_per_week: a.days_per_week,
                    days_per_year: a.days_per_year,
                    per_day: Saving::of(&team, 1.0),
                    per_week: Saving::of(&team, a.days_per_week),
                    per_year: Saving::of(&team, a.days_per_year),
                },
                contact_moved: contact_moved(problem, &orgs, &base, &ana, a.max_org_shift_pct),
                staff_time_value: staff_time_value(&organisations, a),
                team,
                organisations,
                staff,
                days: ana.days.into_iter().map(|d| d.view).collect(),
            });
        }
        let not_booked: Vec<String> = baseline
            .unassigned
            .iter()
            .filter(|u| u.reason == NOT_BOOKED)
            .map(|u| u.visit.clone())
            .collect();
        Ok(Report {
            problem: problem.name.clone(),
            generator: format!("carerounds {}", env!("CARGO_PKG_VERSION")),
            assumptions: AssumptionsReport::new(problem, a),
            baseline: BaselineReport {
                visits_booked: problem.visits.len() - base.not_made(problem),
                not_booked,
                checker: CheckSummary::of(problem, travel, baseline),
            },
            plans: out,
            credits: credits(problem),
            baseline_days: base.days.into_iter().map(|d| d.view).collect(),
            has_coordinates: problem.places.iter().all(|p| p.point.is_some()),
        })
    }

    /// Staff ids in problem order (the order of every per-staff list).
    pub fn staff_ids(&self) -> Vec<&str> {
        self.plans
            .first()
            .map(|p| p.staff.iter().map(|s| s.staff.as_str()).collect())
            .unwrap_or_default()
    }
}
