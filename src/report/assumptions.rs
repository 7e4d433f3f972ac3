//! The rates and factors a report turns minutes and kilometres into money and CO2 with, and
//! the assumptions section printed with every report so its figures can be reproduced.

use crate::model::{InputErrorKind, Problem, TravelModel};
use serde::Serialize;
use std::collections::BTreeMap;

/// Kilometres in a statute mile (exact, by definition).
pub const KM_PER_MILE: f64 = 1.609344;

/// Default mileage rate, £ per mile.
pub const HMRC_AMAP_GBP_PER_MILE: f64 = 0.45;

/// Where the default mileage rate comes from.
pub const HMRC_AMAP_SOURCE: &str = "HMRC: Approved mileage allowance payments (AMAP), cars and vans: \
     45p a mile for the first 10,000 business miles in a tax year (25p after that is not applied: \
     a day's miles are far below the threshold)";

/// Default CO2e per km.
pub const CO2_KG_PER_KM: f64 = 0.17;

/// Where the default CO2 factor comes from.
pub const CO2_SOURCE: &str = "UK Government GHG Conversion Factors for Company Reporting 2023 \
     (DESNZ and Defra): business travel by land, cars by size, average car, unknown fuel, \
     kg CO2e per km, rounded to 0.17";

/// Working days in a week for the weekly extrapolation.
pub const DAYS_PER_WEEK: f64 = 5.0;

/// Working days in a year for the yearly extrapolation: 52 weeks of 5 days, less about 30
/// days of annual leave and bank holidays.
pub const DAYS_PER_YEAR: f64 = 230.0;

/// How the booked baseline is timed (see `baseline.rs`).
pub const BASELINE_TIMING: &str = "The baseline is the problem's booked rounds (staff and visit order) \
     timed by the same travel model as the plans: each staff member leaves the start place in time for \
     the first visit (never before the shift starts), each visit starts as early as its time windows \
     allow (late against a window up to its allowed lateness; if every window has closed, late against \
     the last one and counted outside its window), a double-handed visit starts when both staff are \
     there and `after` gaps are honoured as lower bounds; each break is taken at the first gap at or \
     after its earliest start: in the waiting time at a client's door when it fits whole, otherwise right \
     after the visit during which its earliest start passes (or after the last visit). The baseline may \
     break rules (lateness, overtime, late breaks): the report counts them rather than fail.";

/// Rates and factors, as the user sets them.
#[derive(Debug, Clone, PartialEq)]
pub struct Assumptions {
    /// £ per mile for organisations without their own rate.
    pub default_gbp_per_mile: f64,
    /// £ per mile by organisation (e.g. an NHS Agenda for Change rate).
    pub gbp_per_mile: BTreeMap<String, f64>,
    /// kg CO2e per km driven.
    pub co2_kg_per_km: f64,
    /// Working days a week, for the weekly extrapolation.
    pub days_per_week: f64,
    /// Working days a year, for the yearly extrapolation.
    pub days_per_year: f64,
    /// Staff cost in £ an hour by organisation, given by the user: when any is given, the
    /// report estimates the value of the driving time saved. No default: pay differs too
    /// much between employers and grades to invent one.
    pub gbp_per_hour: BTreeMap<String, f64>,
    /// £ an hour for organisations without their own entry in `gbp_per_hour`.
    pub default_gbp_per_hour: Option<f64>,
    /// An organisation losing more than this % of its booked contact time to another
    /// organisation is flagged: work moved between employers is a cost the savings hide.
    pub max_org_shift_pct: f64,
}

/// Default threshold for flagging contact time moved out of an organisation, %.
pub const MAX_ORG_SHIFT_PCT: f64 = 10.0;

/// Highest hourly staff cost accepted, £ an hour: far above any care or nursing grade,
/// low enough that a slip (3250 for 32.50) is caught.
pub const MAX_GBP_PER_HOUR: f64 = 500.0;

/// Where an hourly rate comes from: always the user.
pub const HOURLY_RATE_SOURCE: &str = "given by the user";

impl Default for Assumptions {
    fn default() -> Self {
        Assumptions {
            default_gbp_per_mile: HMRC_AMAP_GBP_PER_MILE,
            gbp_per_mile: BTreeMap::new(),
            co2_kg_per_km: CO2_KG_PER_KM,
            days_per_week: DAYS_PER_WEEK,
            days_per_year: DAYS_PER_YEAR,
            gbp_per_hour: BTreeMap::new(),
            default_gbp_per_hour: None,
            max_org_shift_pct: MAX_ORG_SHIFT_PCT,
        }
    }
}

impl Assumptions {
    /// The mileage rate an organisation pays, £ per mile.
    pub fn rate(&self, organisation: &str) -> f64 {
        self.gbp_per_mile
            .get(organisation)
            .copied()
            .unwrap_or(self.default_gbp_per_mile)
    }

    /// The hourly staff cost of an organisation, £, if the user gave one.
    pub fn hourly_rate(&self, organisation: &str) -> Option<f64> {
        self.gbp_per_hour
            .get(organisation)
            .copied()
            .or(self.default_gbp_per_hour)
    }

    /// Whether any hourly rate was given (only then is staff time costed).
    pub fn costs_staff_time(&self) -> bool {
        self.default_gbp_per_hour.is_some() || !self.gbp_per_hour.is_empty()
    }

    /// The first value that cannot be used, naming the setting (`co2_kg_per_km`,
    /// `gbp_per_mile.NHS`, ...): a rate out of range, or for an organisation no staff
    /// member of `problem` works for (a typo would otherwise be ignored silently).
    pub fn check(&self, problem: &Problem) -> Result<(), AssumptionError> {
        let range = |setting: String, v: f64, lo: f64, hi: f64, unit: &str| {
            if v.is_finite() && (lo..=hi).contains(&v) {
                Ok(())
            } else {
                Err(AssumptionError {
                    kind: InputErrorKind::OutOfRange,
                    setting,
                    message: format!("{} is not between {lo} and {hi} {unit}", shown(v)),
                })
            }
        };
        range(
            "default_gbp_per_mile".into(),
            self.default_gbp_per_mile,
            0.0,
            MAX_GBP_PER_MILE,
            "£ per mile",
        )?;
        let known = organisations(problem);
        let unknown = |setting: String, org: &str| AssumptionError {
            kind: InputErrorKind::UnknownReference,
            setting,
            message: format!(
                "no staff member works for '{org}'; the organisations are {}",
                known
                    .iter()
                    .map(|o| format!("'{o}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        for (org, &r) in &self.gbp_per_mile {
            if !known.contains(org) {
                return Err(unknown(format!("gbp_per_mile.{org}"), org));
            }
            range(
                format!("gbp_per_mile.{org}"),
                r,
                0.0,
                MAX_GBP_PER_MILE,
                "£ per mile",
            )?;
        }
        if let Some(r) = self.default_gbp_per_hour {
            range(
                "default_gbp_per_hour".into(),
                r,
                0.0,
                MAX_GBP_PER_HOUR,
                "£ an hour",
            )?;
        }
        for (org, &r) in &self.gbp_per_hour {
            if !known.contains(org) {
                return Err(unknown(format!("gbp_per_hour.{org}"), org));
            }
            range(
                format!("gbp_per_hour.{org}"),
                r,
                0.0,
                MAX_GBP_PER_HOUR,
                "£ an hour",
            )?;
        }
        range(
            "max_org_shift_pct".into(),
            self.max_org_shift_pct,
            0.0,
            100.0,
            "%",
        )?;
        range(
            "co2_kg_per_km".into(),
            self.co2_kg_per_km,
            0.0,
            MAX_CO2_KG_PER_KM,
            "kg CO2e per km",
        )?;
        range("days_per_week".into(), self.days_per_week, 1.0, 7.0, "days")?;
        range("days_per_year".into(), self.days_per_year, 1.0, 366.0, "days")?;
        Ok(())
    }
}

/// Highest mileage rate accepted, £ per mile: ten times HMRC's, far above any real rate,
/// low enough that a slip (45 for 0.45) is caught.
pub const MAX_GBP_PER_MILE: f64 = 5.0;
/// Highest emission factor accepted, kg CO2e per km: a large van is about 0.3.
pub const MAX_CO2_KG_PER_KM: f64 = 2.0;

/// A number as typed: `1e308`, not its 309 digits.
fn shown(v: f64) -> String {
    if v.is_finite() && v != 0.0 && !(1e-3..1e6).contains(&v.abs()) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// A rate or factor that cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{setting}: {message}")]
pub struct AssumptionError {
    /// Out of range, or an organisation no staff member works for (an unknown reference).
    pub kind: InputErrorKind,
    /// The setting as the JSON request names it: `gbp_per_mile.NHS`, `days_per_year`,
    /// `gbp_per_hour.NHS`, `max_org_shift_pct`.
    pub setting: String,
    /// What is wrong.
    pub message: String,
}

/// The assumptions section of a report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssumptionsReport {
    /// How travel times and distances were obtained.
    pub travel: TravelAssumption,
    /// The mileage rate applied to each organisation in the problem.
    pub mileage_rates: Vec<MileageRate>,
    /// £ per mile for organisations without their own rate.
    pub default_gbp_per_mile: f64,
    /// Source of the default rate.
    pub default_rate_source: String,
    /// kg CO2e per km.
    pub co2_kg_per_km: f64,
    /// Source of the CO2 factor (or that the user set it).
    pub co2_source: String,
    /// Kilometres per mile.
    pub km_per_mile: f64,
    /// Working days a week (extrapolation).
    pub days_per_week: f64,
    /// Working days a year (extrapolation).
    pub days_per_year: f64,
    /// How the booked baseline was timed.
    pub baseline_timing: String,
    /// The hourly staff cost applied to each organisation that has one (empty when the
    /// user gave none: staff time is then not costed).
    pub hourly_rates: Vec<HourlyRate>,
    /// Contact time moved out of an organisation above this % of its booked contact time
    /// is flagged.
    pub max_org_shift_pct: f64,
}

/// One organisation's hourly staff cost.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HourlyRate {
    /// Organisation as the problem writes it.
    pub organisation: String,
    /// £ an hour.
    pub gbp_per_hour: f64,
    /// Always [`HOURLY_RATE_SOURCE`]: carerounds has no default.
    pub source: String,
}

/// The travel model in words and numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TravelAssumption {
    /// `haversine` or `matrix`.
    pub mode: String,
    /// km/h (haversine).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speed_kmh: Option<f64>,
    /// Road over straight-line distance (haversine).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detour_factor: Option<f64>,
    /// Places in the matrix (matrix).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matrix_places: Option<usize>,
    /// One sentence for people.
    pub description: String,
}

/// One organisation's mileage rate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MileageRate {
    /// Organisation as the problem writes it ("" when not given).
    pub organisation: String,
    /// £ per mile.
    pub gbp_per_mile: f64,
    /// `default` or `set`.
    pub source: String,
}

impl AssumptionsReport {
    /// The section for `problem` under `a`.
    pub fn new(problem: &Problem, a: &Assumptions) -> Self {
        let travel = match &problem.travel {
            TravelModel::Haversine {
                speed_kmh,
                detour_factor,
            } => TravelAssumption {
                mode: "haversine".into(),
                speed_kmh: Some(*speed_kmh),
                detour_factor: Some(*detour_factor),
                matrix_places: None,
                description: format!(
                    "great-circle distance x {detour_factor} detour factor, driven at {speed_kmh} km/h"
                ),
            },
            TravelModel::Matrix { durations_min, .. } => TravelAssumption {
                mode: "matrix".into(),
                speed_kmh: None,
                detour_factor: None,
                matrix_places: Some(durations_min.len()),
                description: format!(
                    "travel minutes and km read from the problem's {n} x {n} matrices",
                    n = durations_min.len()
                ),
            },
            TravelModel::Road {
                osm_file, profile, ..
            } => TravelAssumption {
                mode: "road".into(),
                speed_kmh: None,
                detour_factor: None,
                matrix_places: None,
                description: format!(
                    "fastest {profile} routes over the OpenStreetMap road network in {} \
                     (© OpenStreetMap contributors)",
                    osm_file.display()
                ),
            },
            TravelModel::Osrm { url, profile, .. } => TravelAssumption {
                mode: "osrm".into(),
                speed_kmh: None,
                detour_factor: None,
                matrix_places: None,
                description: format!(
                    "fastest {profile} routes from the OSRM server at {url} (© OpenStreetMap contributors)"
                ),
            },
        };
        let mileage_rates = organisations(problem)
            .into_iter()
            .map(|org| MileageRate {
                gbp_per_mile: a.rate(&org),
                source: if a.gbp_per_mile.contains_key(&org) {
                    "set".into()
                } else {
                    "default".into()
                },
                organisation: org,
            })
            .collect();
        let co2_source = if a.co2_kg_per_km == CO2_KG_PER_KM {
            CO2_SOURCE.to_string()
        } else {
            "set by the user".to_string()
        };
        let default_rate_source = if a.default_gbp_per_mile == HMRC_AMAP_GBP_PER_MILE {
            HMRC_AMAP_SOURCE.to_string()
        } else {
            "set by the user".to_string()
        };
        AssumptionsReport {
            travel,
            mileage_rates,
            default_gbp_per_mile: a.default_gbp_per_mile,
            default_rate_source,
            co2_kg_per_km: a.co2_kg_per_km,
            co2_source,
            km_per_mile: KM_PER_MILE,
            days_per_week: a.days_per_week,
            days_per_year: a.days_per_year,
            baseline_timing: BASELINE_TIMING.to_string(),
            hourly_rates: organisations(problem)
                .into_iter()
                .filter_map(|org| {
                    Some(HourlyRate {
                        gbp_per_hour: a.hourly_rate(&org)?,
                        source: HOURLY_RATE_SOURCE.to_string(),
                        organisation: org,
                    })
                })
                .collect(),
            max_org_shift_pct: a.max_org_shift_pct,
        }
    }
}

/// The problem's organisations in order of first appearance among the staff.
pub fn organisations(problem: &Problem) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in &problem.staff {
        if !out.contains(&s.organisation) {
            out.push(s.organisation.clone());
        }
    }
    out
}
