//! `POST /v1/monitor`: the plan against its visit logs (see `crate::monitor`) over HTTP,
//! answering the JSON report of `carerounds monitor --format json`. A body with `days`
//! is a week (`monitor_week`). Logs come as a JSON
//! array (`logs`) or as CSV text (`logs_csv`); bad rows are refused one by one and listed
//! in the answer's `refused`, the rest reported. Authentication, the body limit and the
//! problem size limits are those of every endpoint.

use super::auth::Team;
use super::error::{parse_value, ApiError, ErrorBody, Json};
use super::intake::{computed_travel, validated};
use super::monitor_week::MonitorWeekRequest;
use super::offload::blocking;
use super::AppState;
use crate::model::input::ProblemInput;
use crate::model::time::RawClock;
use crate::model::{InputErrorKind, Plan};
use crate::monitor::{
    read_csv, read_values, LogColumns, LogFileError, LogRead, MonitorError, MonitorOptions, MonitorReport,
    WeekReport, CUT_SHORT_SHARE,
};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::time::Instant;

type Result<T> = std::result::Result<T, ApiError>;

/// Most log records in one request (413 above).
pub const MAX_LOG_ROWS: usize = 100_000;

/// One visit-log record as `logs` takes it (docs/MONITOR.md): ids and times only.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = VisitLog)]
pub struct VisitLogDoc {
    /// Staff id (the problem's `staff[].id`).
    pub staff: String,
    /// Visit id; leave out and give `client` and `date` when the visit id is unknown.
    pub visit: Option<String>,
    /// Client id (with `date`, when `visit` is absent).
    pub client: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Arrival at the door.
    pub arrived: RawClock,
    /// Start of care (default: `arrived`).
    pub started: Option<RawClock>,
    /// End of care.
    pub ended: RawClock,
    /// A reason code such as `no_access` or `client_in_hospital`.
    pub note: Option<String>,
}

/// A monitoring request: the day's problem and plan, and its logs.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MonitorRequest {
    /// The day's problem (SPEC.md).
    pub problem: ProblemInput,
    /// The day's plan (SPEC.md).
    pub plan: Plan,
    /// The logs as objects (give this or `logs_csv`). Each is checked on its own: a bad
    /// one is listed in `refused` with its index.
    #[serde(default)]
    #[schema(value_type = Option<Vec<VisitLogDoc>>)]
    pub logs: Option<Vec<serde_json::Value>>,
    /// The logs as CSV text with a header row (give this or `logs`); bad rows are listed in
    /// `refused` with their row (header = 1) and column.
    #[serde(default)]
    pub logs_csv: Option<String>,
    /// Header names of the CSV columns, where not the field names.
    #[serde(default)]
    pub columns: Option<LogColumns>,
    /// The day reported, `YYYY-MM-DD`: records dated otherwise are refused.
    #[serde(default)]
    pub date: Option<String>,
    /// Share of planned contact time below which a visit is cut short (default 0.75).
    #[serde(default)]
    pub cut_short_share: Option<f64>,
}

/// A 422 at `path`: what the monitoring and visit-log handlers refuse.
pub(super) fn invalid(kind: InputErrorKind, path: &str, message: impl Into<String>) -> ApiError {
    ApiError::Invalid {
        path: path.into(),
        kind,
        message: message.into(),
    }
}

/// A body of `POST /v1/monitor`: a day, or a week (a body with `days`).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
#[allow(dead_code)] // The OpenAPI document's union; the handler dispatches on `days`.
pub enum MonitorBody {
    /// One day: problem, plan and its logs.
    Day(Box<MonitorRequest>),
    /// Several days, each with its date, problem and plan, and their logs.
    Week(Box<MonitorWeekRequest>),
}

/// An answer of `POST /v1/monitor`: the day's report, or the week's.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(untagged)]
#[allow(dead_code)] // The OpenAPI document's union.
pub enum MonitorAnswer {
    /// For a day body.
    Day(Box<MonitorReport>),
    /// For a week body.
    Week(Box<WeekReport>),
}

/// Compares plans with their visit logs: per visit, staff member and organisation, for
/// one day (`problem`, `plan`) or several (`days`, added up per staff member and
/// organisation over the days; docs/MONITOR.md "A week").
#[utoipa::path(post, path = "/v1/monitor", tag = "monitor",
    request_body = MonitorBody,
    responses((status = 200, description = "The monitoring report of the day or the week (refused log rows in `refused`)", body = MonitorAnswer),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn monitor(
    State(state): State<AppState>,
    team: Team,
    Json(body): Json<serde_json::Value>,
) -> Result<Response> {
    if body.get("days").is_some() {
        let req: MonitorWeekRequest = parse_value(body)?;
        return super::monitor_week::week(state, team, req).await;
    }
    let req: MonitorRequest = parse_value(body)?;
    let problem = validated(&state, &req.problem, "problem")?;
    let logs = Logs::given(req.logs, req.logs_csv)?;
    let options = MonitorOptions {
        cut_short_share: req.cut_short_share.unwrap_or(CUT_SHORT_SHARE),
        date: req.date,
    };
    let columns = req.columns.unwrap_or_default();
    let plan = req.plan;
    let t0 = Instant::now();
    let report = blocking(move || {
        let logs = logs.read(&columns)?;
        let travel = computed_travel(&problem, "problem")?;
        MonitorReport::new(&problem, &travel, &plan, &logs, &options).map_err(|e| match e {
            MonitorError::Plan(source) => ApiError::input("plan", &source),
            MonitorError::Option { setting, message } => {
                let kind = if setting == "date" {
                    InputErrorKind::InvalidValue
                } else {
                    InputErrorKind::OutOfRange
                };
                invalid(kind, setting, message)
            }
        })
    })
    .await??;
    tracing::info!(
        visits = report.visits.len(),
        refused = report.refused.len(),
        ms = t0.elapsed().as_secs_f64() * 1e3,
        "monitor"
    );
    Ok(axum::Json(report).into_response())
}

/// Logs as a request gives them: objects (`logs`, or stored records as objects) or CSV
/// text (`logs_csv`).
pub(super) enum Logs {
    /// Log records as JSON objects.
    Objects(Vec<serde_json::Value>),
    /// CSV text with a header row.
    Csv(String),
}

impl Logs {
    /// The logs of a request given exactly once (`logs` or `logs_csv`) and within
    /// [`MAX_LOG_ROWS`]: the check `/v1/monitor` (a day or a week) and `/v1/visit-logs`
    /// share.
    pub(super) fn given(logs: Option<Vec<serde_json::Value>>, csv: Option<String>) -> Result<Logs> {
        let rows = match (&logs, &csv) {
            (Some(l), None) => l.len(),
            (None, Some(t)) => t.lines().count().saturating_sub(1),
            _ => {
                return Err(invalid(
                    InputErrorKind::MissingField,
                    "logs",
                    "give the logs once: as \"logs\" (a list of objects) or as \"logs_csv\" (CSV text)",
                ))
            }
        };
        if rows > MAX_LOG_ROWS {
            return Err(ApiError::TooLarge {
                path: Some(if logs.is_some() { "logs" } else { "logs_csv" }.into()),
                message: format!(
                    "{rows} log rows: this server accepts at most {MAX_LOG_ROWS} in one request"
                ),
            });
        }
        Ok(match (logs, csv) {
            (Some(l), _) => Logs::Objects(l),
            (None, Some(t)) => Logs::Csv(t),
            (None, None) => unreachable!("matched above"),
        })
    }

    /// The records, bad rows refused one by one (in the answer's `refused`); a CSV text
    /// that cannot be read at all, or whose header does not fit `columns`, is a 422 at
    /// `logs_csv` or `columns`. The one reader of the monitoring and visit-log handlers.
    pub(super) fn read(&self, columns: &LogColumns) -> Result<LogRead> {
        match self {
            Logs::Objects(items) => Ok(read_values(items)),
            Logs::Csv(text) => read_csv(text, columns).map_err(|e| {
                let path = match e {
                    LogFileError::Mapping(_) => "columns",
                    _ => "logs_csv",
                };
                invalid(e.to_input_error().kind, path, e.to_string())
            }),
        }
    }
}
