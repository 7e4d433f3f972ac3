//! `POST /v1/reports`: the savings and workload report (see `crate::report`) over HTTP,
//! with the same options as `carerounds report`.

use super::auth::Team;
use super::error::{ApiError, ErrorBody, Json};
use super::intake::{computed_travel, validated};
use super::offload::blocking;
use super::AppState;
use crate::model::input::ProblemInput;
use crate::model::{FieldPath, InputError, InputErrorKind, Plan};
use crate::report::{render, Assumptions, Format, Report, ReportError};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::collections::BTreeMap;

type Result<T> = std::result::Result<T, ApiError>;

/// A plan to compare with the problem's baseline.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NamedPlan {
    /// Shown in the report ("optimised", "nurse off sick", ...).
    pub name: String,
    /// The plan (SPEC.md).
    pub plan: Plan,
}

/// A report request: the problem (with its `baseline`), the plans, rates and format.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    /// The problem (SPEC.md), with `baseline`: the rounds as booked.
    pub problem: ProblemInput,
    /// One or more plans to compare with the baseline.
    pub plans: Vec<NamedPlan>,
    /// `json` (default), `text`, `csv` or `html`.
    #[serde(default)]
    pub format: Option<String>,
    /// £ per mile for organisations without their own rate (default: HMRC 0.45).
    #[serde(default)]
    pub default_gbp_per_mile: Option<f64>,
    /// £ per mile by organisation, e.g. `{"NHS": 0.56}`.
    #[serde(default)]
    pub gbp_per_mile: BTreeMap<String, f64>,
    /// kg CO2e per km driven.
    #[serde(default)]
    pub co2_kg_per_km: Option<f64>,
    /// Working days a week (weekly extrapolation).
    #[serde(default)]
    pub days_per_week: Option<f64>,
    /// Working days a year (yearly extrapolation).
    #[serde(default)]
    pub days_per_year: Option<f64>,
    /// Staff cost in £ an hour by organisation, e.g. `{"NHS": 32.5}`: the report then
    /// estimates the value of the driving time saved. No default.
    #[serde(default)]
    pub gbp_per_hour: BTreeMap<String, f64>,
    /// £ an hour for organisations without their own entry in `gbp_per_hour`.
    #[serde(default)]
    pub default_gbp_per_hour: Option<f64>,
    /// Flag an organisation losing more than this % of its booked contact time to
    /// another (0 to 100, default 10).
    #[serde(default)]
    pub max_org_shift_pct: Option<f64>,
}

fn invalid(kind: InputErrorKind, path: &str, message: impl Into<String>) -> ApiError {
    ApiError::input("", &InputError::of(kind, FieldPath::from(path), message))
}

/// Compares the booked baseline with the plans: travel, miles, £, CO2, office time.
#[utoipa::path(post, path = "/v1/reports", tag = "reports",
    request_body = ReportRequest,
    responses((status = 200, description = "The report in the format asked for (JSON by default)"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn reports(
    State(state): State<AppState>,
    _team: Team,
    Json(req): Json<ReportRequest>,
) -> Result<Response> {
    let problem = validated(&state, &req.problem, "problem")?;
    let (format, content_type) = match req.format.as_deref().unwrap_or("json") {
        "json" => (Format::Json, "application/json"),
        "text" => (Format::Text, "text/plain; charset=utf-8"),
        "csv" => (Format::Csv, "text/csv; charset=utf-8"),
        "html" => (Format::Html, "text/html; charset=utf-8"),
        other => {
            return Err(invalid(
                InputErrorKind::InvalidValue,
                "format",
                format!("'{other}' is not one of json, text, csv, html"),
            ))
        }
    };
    if req.plans.is_empty() {
        return Err(invalid(
            InputErrorKind::MissingField,
            "plans",
            "give at least one plan to compare with the baseline",
        ));
    }
    let d = Assumptions::default();
    let assumptions = Assumptions {
        default_gbp_per_mile: req.default_gbp_per_mile.unwrap_or(d.default_gbp_per_mile),
        gbp_per_mile: req.gbp_per_mile,
        co2_kg_per_km: req.co2_kg_per_km.unwrap_or(d.co2_kg_per_km),
        days_per_week: req.days_per_week.unwrap_or(d.days_per_week),
        days_per_year: req.days_per_year.unwrap_or(d.days_per_year),
        gbp_per_hour: req.gbp_per_hour,
        default_gbp_per_hour: req.default_gbp_per_hour,
        max_org_shift_pct: req.max_org_shift_pct.unwrap_or(d.max_org_shift_pct),
    };
    let plans: Vec<(String, Plan)> = req.plans.into_iter().map(|p| (p.name, p.plan)).collect();
    let body = blocking(move || {
        let travel = computed_travel(&problem, "problem")?;
        Report::new(&problem, travel, &plans, &assumptions)
            .map(|report| render(&report, format))
            .map_err(|e| match e {
                ReportError::NoBaseline => {
                    invalid(InputErrorKind::MissingField, "problem.baseline", e.to_string())
                }
                ReportError::Plan { index, source, .. } => {
                    ApiError::input(&format!("plans[{index}].plan"), &source)
                }
                ReportError::Baseline(source) => ApiError::input("problem", &source),
                ReportError::Assumptions(a) => invalid(a.kind, &a.setting, a.message),
            })
    })
    .await??;
    Ok(([(header::CONTENT_TYPE, content_type)], body).into_response())
}
