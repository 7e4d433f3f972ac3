//! `POST /v1/monitor` with a week body (`days`): several days' problems and plans against
//! one set of logs: `logs`, `logs_csv`, or `stored_logs` (the calling team's records
//! stored through `/v1/visit-logs`, for a range of at most [`MAX_WEEK_DAYS`] days). The
//! answer is the JSON of `carerounds monitor --day ... --format json`. The size limits
//! count every day's visits together; [`MAX_LOG_ROWS`] holds as for a day.

use super::auth::Team;
use super::error::ApiError;
use super::intake::{computed_travel, validated};
use super::monitor::{invalid, Logs, VisitLogDoc, MAX_LOG_ROWS};
use super::offload::{blocking, db};
use super::store::{LogFilter, StoredLog};
use super::AppState;
use crate::model::input::ProblemInput;
use crate::model::{InputErrorKind, Plan};
use crate::monitor::{
    check_dates, day_number, LogColumns, LogSet, MonitorError, MonitorOptions, WeekDay, WeekError,
    WeekReport, CUT_SHORT_SHARE,
};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::time::Instant;

type Result<T> = std::result::Result<T, ApiError>;

/// Most days in one week request, and in a `stored_logs` range.
pub const MAX_WEEK_DAYS: usize = 31;

/// One day of a week request.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MonitorWeekDayRequest {
    /// The day, `YYYY-MM-DD` (each day once).
    pub date: String,
    /// The day's problem (SPEC.md).
    pub problem: ProblemInput,
    /// The day's plan (SPEC.md).
    pub plan: Plan,
}

/// Days of stored logs, inclusive (the store's `day`: the log's date, or the UTC day it
/// was received when it had none).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LogRange {
    /// First day, `YYYY-MM-DD`.
    pub from: String,
    /// Last day, `YYYY-MM-DD`, at most 30 days after `from`.
    pub to: String,
}

/// A week (or any run of days) of monitoring: the days, and their logs given once.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MonitorWeekRequest {
    /// The days (at most 31). Each log record goes to the day its `date` names; one
    /// without a date to the day whose plan holds its visit (refused when several or none
    /// do).
    pub days: Vec<MonitorWeekDayRequest>,
    /// The logs as objects (give this, `logs_csv` or `stored_logs`).
    #[serde(default)]
    #[schema(value_type = Option<Vec<VisitLogDoc>>)]
    pub logs: Option<Vec<Value>>,
    /// The logs as CSV text with a header row.
    #[serde(default)]
    pub logs_csv: Option<String>,
    /// The team's logs stored through `POST /v1/visit-logs`, for these days.
    #[serde(default)]
    pub stored_logs: Option<LogRange>,
    /// Header names of the CSV columns, where not the field names.
    #[serde(default)]
    pub columns: Option<LogColumns>,
    /// Share of planned contact time below which a visit is cut short (default 0.75).
    #[serde(default)]
    pub cut_short_share: Option<f64>,
}

/// The days of a stored-log range, checked: each a date, `to` not before `from`, at most
/// [`MAX_WEEK_DAYS`] days.
fn range(r: &LogRange) -> Result<LogFilter> {
    let day = |field: &str, v: &str| {
        day_number(v.trim()).ok_or_else(|| {
            invalid(
                InputErrorKind::InvalidValue,
                &format!("stored_logs.{field}"),
                format!("\"{v}\" is not a date YYYY-MM-DD (for example 2025-03-04)"),
            )
        })
    };
    let (a, b) = (day("from", &r.from)?, day("to", &r.to)?);
    if b < a {
        return Err(invalid(
            InputErrorKind::Conflict,
            "stored_logs.to",
            format!(
                "{} is before from {}: give the first day as from, the last as to",
                r.to, r.from
            ),
        ));
    }
    if b - a >= MAX_WEEK_DAYS as i64 {
        return Err(invalid(
            InputErrorKind::OutOfRange,
            "stored_logs.to",
            format!(
                "{} days from {} to {}: a request takes at most {MAX_WEEK_DAYS}",
                b - a + 1,
                r.from,
                r.to
            ),
        ));
    }
    Ok(LogFilter {
        from: Some(r.from.trim().to_string()),
        to: Some(r.to.trim().to_string()),
        staff: None,
    })
}

/// A stored record as a `logs` object, for the one reader of log objects.
fn as_value(l: StoredLog) -> Value {
    let mut m = Map::new();
    m.insert("staff".into(), Value::String(l.staff));
    for (k, v) in [
        ("visit", l.visit),
        ("client", l.client),
        ("date", l.date),
        ("note", l.note),
    ] {
        if let Some(v) = v {
            m.insert(k.into(), Value::String(v));
        }
    }
    m.insert("arrived".into(), Value::String(l.arrived));
    m.insert("started".into(), Value::String(l.started));
    m.insert("ended".into(), Value::String(l.ended));
    Value::Object(m)
}

/// The request's logs, given exactly once: `Err(filter)` for stored logs.
fn logs_of(req: &mut MonitorWeekRequest) -> Result<std::result::Result<Logs, LogFilter>> {
    let once = || {
        invalid(
            InputErrorKind::MissingField,
            "logs",
            "give the logs once: as \"logs\" (objects), \"logs_csv\" (CSV text) or \"stored_logs\" ({\"from\", \"to\"})",
        )
    };
    match (req.logs.take(), req.logs_csv.take(), &req.stored_logs) {
        (None, None, Some(r)) => Ok(Err(range(r)?)),
        (logs, csv, None) => Ok(Ok(Logs::given(logs, csv)?)),
        _ => Err(once()),
    }
}

fn week_error(e: WeekError) -> ApiError {
    match e {
        WeekError::NoDays => invalid(InputErrorKind::MissingField, "days", e.to_string()),
        WeekError::Date { day, ref date } => invalid(
            InputErrorKind::InvalidValue,
            &format!("days[{day}].date"),
            format!("\"{date}\" is not a date YYYY-MM-DD (for example 2025-03-04)"),
        ),
        WeekError::DuplicateDate { day, first, ref date } => invalid(
            InputErrorKind::Duplicate,
            &format!("days[{day}].date"),
            format!("{date} is given twice (also days[{first}]): give each day once"),
        ),
        WeekError::Day {
            day,
            error: MonitorError::Plan(source),
            ..
        } => ApiError::input(&format!("days[{day}].plan"), &source),
        WeekError::Day {
            error: MonitorError::Option { setting, message },
            ..
        } => invalid(InputErrorKind::OutOfRange, setting, message),
    }
}

/// The week form of `POST /v1/monitor` (documented there).
pub(super) async fn week(state: AppState, Team(team): Team, mut req: MonitorWeekRequest) -> Result<Response> {
    if req.days.len() > MAX_WEEK_DAYS {
        return Err(ApiError::TooLarge {
            path: Some("days".into()),
            message: format!(
                "{} days: this server accepts at most {MAX_WEEK_DAYS} in one request",
                req.days.len()
            ),
        });
    }
    check_dates(req.days.iter().map(|d| d.date.as_str())).map_err(week_error)?;
    let max = state.config().max_visits;
    let visits: usize = req.days.iter().map(|d| d.problem.visits.len()).sum();
    if visits > max {
        return Err(ApiError::TooLarge {
            path: Some("days".into()),
            message: format!(
                "{visits} visits over the days: this server accepts at most {max} in one request"
            ),
        });
    }
    let mut problems = Vec::new();
    for (i, d) in req.days.iter().enumerate() {
        problems.push(validated(&state, &d.problem, &format!("days[{i}].problem"))?);
    }
    let (name, source) = match logs_of(&mut req)? {
        Err(filter) => {
            let mut rows = db(&state, move |s| s.logs(&team, &filter, MAX_LOG_ROWS + 1)).await?;
            if rows.len() > MAX_LOG_ROWS {
                return Err(ApiError::TooLarge {
                    path: Some("stored_logs".into()),
                    message: format!(
                        "more than {MAX_LOG_ROWS} stored log rows in these days: give fewer days"
                    ),
                });
            }
            (
                "stored_logs",
                Logs::Objects(rows.drain(..).map(as_value).collect()),
            )
        }
        Ok(Logs::Objects(v)) => ("logs", Logs::Objects(v)),
        Ok(Logs::Csv(c)) => ("logs_csv", Logs::Csv(c)),
    };
    let options = MonitorOptions {
        cut_short_share: req.cut_short_share.unwrap_or(CUT_SHORT_SHARE),
        date: None,
    };
    let columns = req.columns.unwrap_or_default();
    let days: Vec<(String, Plan)> = req.days.into_iter().map(|d| (d.date, d.plan)).collect();
    let t0 = Instant::now();
    let report = blocking(move || {
        let read = source.read(&columns)?;
        let mut travel = Vec::new();
        for (i, p) in problems.iter().enumerate() {
            travel.push(computed_travel(p, &format!("days[{i}].problem"))?);
        }
        let week: Vec<WeekDay> = days
            .iter()
            .zip(&problems)
            .zip(&travel)
            .map(|(((date, plan), problem), travel)| WeekDay {
                date,
                problem,
                travel,
                plan,
            })
            .collect();
        let sets = [LogSet { name, logs: &read }];
        WeekReport::new(&week, &sets, &options).map_err(week_error)
    })
    .await??;
    tracing::info!(
        days = report.days.len(),
        visits = report.days.iter().map(|d| d.report.visits.len()).sum::<usize>(),
        refused = report.refused.len(),
        ms = t0.elapsed().as_secs_f64() * 1e3,
        "monitor week"
    );
    Ok(axum::Json(report).into_response())
}
