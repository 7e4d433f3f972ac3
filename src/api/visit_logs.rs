//! `POST`, `GET` and `DELETE /v1/visit-logs`: a team's visit logs stored in the job store
//! (see `store::visit_logs` for the key, retention and erasure). The body takes the logs
//! as `POST /v1/monitor` does (`logs` objects or `logs_csv` text with `columns`); bad rows
//! are refused one by one and listed, the good ones stored in one transaction. Server logs
//! carry counts and the team, never staff, client or visit ids.

use super::auth::Team;
use super::error::{ApiError, ErrorBody, Json, Query};
use super::monitor::{invalid, Logs, VisitLogDoc, MAX_LOG_ROWS};
use super::offload::{blocking, db};
use super::store::{now_ms, LogFilter, StoredLog};
use super::AppState;
use crate::model::InputErrorKind;
use crate::monitor::{LogColumns, RefusedRow};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

type Result<T> = std::result::Result<T, ApiError>;

/// Logs to store, as `POST /v1/monitor` takes them.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitLogsRequest {
    /// The logs as objects (give this or `logs_csv`); a bad one is listed in `refused`
    /// with its index.
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
}

/// What a batch did: `received` = `stored` + `duplicates` + refused rows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VisitLogsStored {
    /// Records in the request (good and refused).
    pub received: usize,
    /// New records stored.
    pub stored: usize,
    /// Good records already stored (a re-sent batch, or a repeat within it): not stored
    /// again.
    pub duplicates: usize,
    /// Rows not stored, each with its row (CSV) or index (JSON), column and the fix.
    pub refused: Vec<RefusedRow>,
}

/// `GET /v1/visit-logs` answer.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VisitLogList {
    /// The records, by day, staff and start (at most 100,000).
    pub logs: Vec<StoredLog>,
    /// True when more records match than were returned: narrow the filters.
    pub truncated: bool,
}

/// `DELETE /v1/visit-logs` answer.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VisitLogsErased {
    /// Records deleted.
    pub erased: usize,
}

/// The filters of GET and DELETE.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogQuery {
    /// First day, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD` (inclusive).
    pub to: Option<String>,
    /// Staff id.
    pub staff: Option<String>,
    /// `true` lets a DELETE without other filters erase all the team's records.
    pub all: Option<String>,
}

fn filter(q: LogQuery) -> Result<(LogFilter, bool)> {
    let day = |name: &str, v: Option<String>| -> Result<Option<String>> {
        match v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(d) if crate::monitor::is_date(&d) => Ok(Some(d)),
            Some(d) => Err(invalid(
                InputErrorKind::InvalidValue,
                name,
                format!("\"{d}\" is not a date YYYY-MM-DD (for example 2025-03-04)"),
            )),
        }
    };
    let f = LogFilter {
        from: day("from", q.from)?,
        to: day("to", q.to)?,
        staff: q.staff.filter(|s| !s.trim().is_empty()),
    };
    if let (Some(a), Some(b)) = (&f.from, &f.to) {
        if b < a {
            return Err(invalid(
                InputErrorKind::Conflict,
                "to",
                format!("{b} is before from {a}: give the first day as from, the last as to"),
            ));
        }
    }
    let all = match q.all.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(invalid(InputErrorKind::InvalidValue, "all", "true or false")),
    };
    Ok((f, all))
}

/// Stores a batch of visit logs for the team: idempotent on (staff, visit or client +
/// date, started), so a re-sent batch stores nothing twice. Bad rows are refused one by
/// one and the rest stored in one transaction.
#[utoipa::path(post, path = "/v1/visit-logs", tag = "monitor",
    request_body = VisitLogsRequest,
    responses((status = 200, description = "Counts, and the refused rows", body = VisitLogsStored),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn store_logs(
    State(state): State<AppState>,
    Team(team): Team,
    Json(req): Json<VisitLogsRequest>,
) -> Result<Response> {
    let logs = Logs::given(req.logs, req.logs_csv)?;
    let columns = req.columns.unwrap_or_default();
    let read = blocking(move || logs.read(&columns)).await??;
    let received = read.records.len() + read.refused.len();
    let records = read.records;
    let db_team = team.clone();
    let done = db(&state, move |s| s.insert_logs(&db_team, &records, now_ms())).await?;
    state.0.metrics.visit_logs(done.stored, read.refused.len());
    tracing::info!(
        team = %team,
        received,
        stored = done.stored,
        duplicates = done.duplicates,
        refused = read.refused.len(),
        "visit logs stored"
    );
    let answer = VisitLogsStored {
        received,
        stored: done.stored,
        duplicates: done.duplicates,
        refused: read.refused,
    };
    Ok(axum::Json(answer).into_response())
}

/// The team's stored visit logs, by day (the log's date, or the UTC day received when it
/// has none), staff and start.
#[utoipa::path(get, path = "/v1/visit-logs", tag = "monitor",
    params(
        ("from" = Option<String>, Query, description = "First day, YYYY-MM-DD"),
        ("to" = Option<String>, Query, description = "Last day, YYYY-MM-DD, inclusive"),
        ("staff" = Option<String>, Query, description = "One staff member's id")),
    responses((status = 200, body = VisitLogList), (status = 401, body = ErrorBody),
        (status = 422, description = "A filter that is not a day", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_logs(
    State(state): State<AppState>,
    Team(team): Team,
    Query(q): Query<LogQuery>,
) -> Result<Response> {
    let (f, _) = filter(q)?;
    let mut logs = db(&state, move |s| s.logs(&team, &f, MAX_LOG_ROWS + 1)).await?;
    let truncated = logs.len() > MAX_LOG_ROWS;
    logs.truncate(MAX_LOG_ROWS);
    Ok(axum::Json(VisitLogList { logs, truncated }).into_response())
}

/// Erases the team's stored visit logs matching the filters (erasure on request): the
/// rows are overwritten on disk. Without `from`, `to` or `staff`, `all=true` is needed to
/// erase every record of the team.
#[utoipa::path(delete, path = "/v1/visit-logs", tag = "monitor",
    params(
        ("from" = Option<String>, Query, description = "First day, YYYY-MM-DD"),
        ("to" = Option<String>, Query, description = "Last day, YYYY-MM-DD, inclusive"),
        ("staff" = Option<String>, Query, description = "One staff member's id"),
        ("all" = Option<bool>, Query, description = "true: erase every record of the team (when no other filter is given)")),
    responses((status = 200, body = VisitLogsErased), (status = 401, body = ErrorBody),
        (status = 422, description = "A filter that is not a day, or no filter without all=true", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn erase_logs(
    State(state): State<AppState>,
    Team(team): Team,
    Query(q): Query<LogQuery>,
) -> Result<Response> {
    let (f, all) = filter(q)?;
    if f == LogFilter::default() && !all {
        return Err(invalid(
            InputErrorKind::MissingField,
            "all",
            "no filter: give from, to or staff, or all=true to erase every record of the team",
        ));
    }
    let db_team = team.clone();
    let erased = db(&state, move |s| s.erase_logs(&db_team, &f)).await?;
    state.0.metrics.visit_log_erasure();
    tracing::info!(team = %team, erased, "visit logs erased");
    Ok(axum::Json(VisitLogsErased { erased }).into_response())
}
