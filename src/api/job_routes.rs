//! The job endpoints: queue a solve, list a team's jobs, read one, stop or erase one.
//! Every lookup is by id *and* team: another team's job is 404, as if it did not exist.

use super::auth::Team;
use super::error::{ApiError, ErrorBody, Query};
use super::intake::{validated, ProblemDoc};
use super::jobs::{CancelOutcome, LiveState};
use super::offload::db;
use super::plan_body::PlanBody;
use super::plan_format::FormatQuery;
use super::store::{CancelRequest, JobRow, JobStatus, Outcome};
use super::AppState;
use crate::model::input::ProblemInput;
use crate::model::{InputErrorKind, Plan};
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

type Result<T> = std::result::Result<T, ApiError>;

/// `{"id": ..., "status": "queued"}`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct JobCreated {
    /// Job id.
    pub id: String,
    /// Always `queued`.
    pub status: JobStatus,
}

/// A job as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct JobView {
    /// Job id.
    pub id: String,
    /// `queued`, `running`, `done`, `failed` or `cancelled`.
    pub status: JobStatus,
    /// Visits in the problem.
    pub visits: i64,
    /// When it was submitted (RFC 3339, UTC).
    pub created_at: String,
    /// When its solve started.
    pub started_at: Option<String>,
    /// When it ended.
    pub finished_at: Option<String>,
    /// While running: time so far and the best plan so far.
    pub progress: Option<JobProgress>,
    /// Objective of the stored plan.
    pub objective: Option<f64>,
    /// Seconds the solve took.
    pub solve_s: Option<f64>,
    /// Why the solver stopped: `completed`, `time_limit`, `cancelled`, `shutdown`.
    pub stop: Option<String>,
    /// Why it failed, or how a queued job was cancelled (never set by a restart: see
    /// `restarts`).
    pub error: Option<String>,
    /// Times it was re-queued after a server restart.
    pub restarts: i64,
    /// The plan, when done (or cancelled after the solve started).
    #[schema(value_type = Option<Plan>)]
    pub plan: Option<serde_json::Value>,
}

/// A running job's progress.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct JobProgress {
    /// Seconds since the solve started.
    pub elapsed_s: f64,
    /// Objective of the best plan so far (null until the solver reports one).
    pub best_objective: Option<f64>,
    /// Required visits the best plan so far leaves out.
    pub unassigned: Option<usize>,
}

/// Jobs per page of `GET /v1/jobs` unless `limit` says otherwise.
pub const DEFAULT_PAGE: usize = 50;
/// Most jobs per page.
pub const MAX_PAGE: usize = 500;

/// The status a job shows: the store's, or `running` once its solve has started here
/// (the store learns that a moment later).
fn live_status(state: &AppState, row: &JobRow) -> (JobStatus, Option<JobProgress>) {
    if !row.status.is_final() {
        if let Some(LiveState::Running(snap, elapsed_s)) = state.0.jobs.live_state(&row.id) {
            let progress = JobProgress {
                elapsed_s,
                best_objective: snap.map(|s| s.objective),
                unassigned: snap.map(|s| s.unassigned),
            };
            return (JobStatus::Running, Some(progress));
        }
        // Solved by a worker (another process, on a shared store): what its heartbeat wrote.
        if let Some(p) = row.progress {
            let progress = JobProgress {
                elapsed_s: p.elapsed_s,
                best_objective: p.objective,
                unassigned: p.unassigned.and_then(|u| usize::try_from(u).ok()),
            };
            return (JobStatus::Running, Some(progress));
        }
    }
    (row.status, None)
}

fn view(state: &AppState, row: JobRow) -> Result<JobView> {
    let (status, progress) = live_status(state, &row);
    let plan = match &row.plan {
        Some(text) => Some(serde_json::from_str(text).map_err(|e| {
            tracing::error!(job = %row.id, "stored plan is not JSON: {e}");
            ApiError::Internal
        })?),
        None => None,
    };
    Ok(JobView {
        id: row.id,
        status,
        visits: row.visits,
        created_at: rfc3339(row.created_ms),
        started_at: row.started_ms.map(rfc3339),
        finished_at: row.finished_ms.map(rfc3339),
        progress,
        objective: row.objective,
        solve_s: row.solve_s,
        stop: row.stop,
        error: row.error,
        restarts: row.restarts,
        plan,
    })
}

/// Unix milliseconds as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn rfc3339(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let milli = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let tod = secs.rem_euclid(86_400);
    // Civil from days (H. Hinnant).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{milli:03}Z",
        tod / 3600,
        (tod / 60) % 60,
        tod % 60
    )
}

fn valid_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

fn no_job() -> ApiError {
    ApiError::NotFound("no such job".into())
}

/// A job id from the path. Anything that is not one (bad percent-encoding, not UTF-8,
/// not 32 hex digits) is 404 in the API's shape, not axum's plain-text 400.
pub struct JobId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for JobId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        match Path::<String>::from_request_parts(parts, state).await {
            Ok(Path(id)) if valid_id(&id) => Ok(JobId(id)),
            _ => Err(no_job()),
        }
    }
}

/// Queues a solve and answers at once with its id.
#[utoipa::path(post, path = "/v1/jobs", tag = "jobs",
    request_body(content = ProblemDoc, description = "A problem (SPEC.md), with an optional `durations` field (docs/DURATIONS.md): learned visit lengths applied before validation"),
    responses(
        (status = 202, description = "Queued", body = JobCreated),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, description = "Queue full; see Retry-After", body = ErrorBody), (status = 503, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_job(State(state): State<AppState>, Team(team): Team, body: PlanBody) -> Result<Response> {
    // The job stores and solves the problem with the learned lengths applied.
    let (input, _changed) = body.applied();
    let problem = validated(&state, &input, "")?;
    let jobs = &state.0.jobs;
    if jobs.shutting_down() {
        return Err(ApiError::Unavailable("the server is shutting down".into()));
    }
    if jobs.waiting() >= state.config().max_queued {
        return Err(ApiError::TooMany("too many jobs are queued; retry later".into()));
    }
    let json = serde_json::to_string(&input).map_err(|e| {
        tracing::error!("cannot encode a problem: {e}");
        ApiError::Internal
    })?;
    drop(input);
    let id = jobs.new_id();
    let visits = problem.visits.len();
    let (sid, steam) = (id.clone(), team.clone());
    db(&state, move |s| s.insert(&sid, &steam, &json, visits)).await?;
    tracing::info!(job = %id, visits, "job queued");
    jobs.spawn(&state, id.clone(), problem, None);
    let mut resp = (
        StatusCode::ACCEPTED,
        axum::Json(JobCreated {
            id: id.clone(),
            status: JobStatus::Queued,
        }),
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/v1/jobs/{id}")) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    Ok(resp)
}

async fn load(state: &AppState, id: &str, team: &str) -> Result<JobRow> {
    let (sid, steam) = (id.to_string(), team.to_string());
    db(state, move |s| s.get(&sid, &steam)).await?.ok_or_else(no_job)
}

/// A job's status, progress and, when done, its plan. Other teams' jobs are 404.
#[utoipa::path(get, path = "/v1/jobs/{id}", tag = "jobs",
    params(("id" = String, Path, description = "Job id"),
        ("format" = Option<String>, Query, description = "json (default: the job), csv (its plan as the rows of `carerounds export --format csv`) or ics (one staff member's calendar: needs staff)"),
        ("staff" = Option<String>, Query, description = "csv: only this staff member's round; ics: whose calendar"),
        ("date" = Option<String>, Query, description = "ics: the day, YYYY-MM-DD (default today, UTC)")),
    responses((status = 200, description = "The job; with format=csv or ics its plan in that form",
            content((JobView = "application/json"), (String = "text/csv"), (String = "text/calendar"))),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "format=csv or ics, and the job has no plan yet", body = ErrorBody),
        (status = 422, description = "A bad format, staff or date", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_job(
    State(state): State<AppState>,
    Team(team): Team,
    JobId(id): JobId,
    Query(query): Query<FormatQuery>,
) -> Result<Response> {
    let format = query.format()?;
    let row = load(&state, &id, &team).await?;
    if format.is_json() {
        return Ok(axum::Json(view(&state, row)?).into_response());
    }
    let Some(plan) = &row.plan else {
        let (status, _) = live_status(&state, &row);
        return Err(ApiError::NotReady(format!(
            "the job is {} and has no plan yet: ask again when it is done",
            status.as_str()
        )));
    };
    let sid = id.clone();
    let problem = db(&state, move |s| s.problem(&sid)).await?.ok_or_else(no_job)?;
    let stored = |what: &str, e: serde_json::Error| {
        tracing::error!(job = %id, "stored {what} is not readable: {e}");
        ApiError::Internal
    };
    let problem: ProblemInput = serde_json::from_str(&problem).map_err(|e| stored("problem", e))?;
    let plan: Plan = serde_json::from_str(plan).map_err(|e| stored("plan", e))?;
    format.respond(&problem, &plan)
}

/// `GET /v1/jobs` query.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Jobs per page (default 50, at most 500).
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// One job in a listing: no problem, no plan (fetch `GET /v1/jobs/{id}` for that).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct JobSummary {
    /// Job id.
    pub id: String,
    /// `queued`, `running`, `done`, `failed` or `cancelled`.
    pub status: JobStatus,
    /// Visits in the problem.
    pub visits: i64,
    /// When it was submitted (RFC 3339, UTC).
    pub created_at: String,
    /// When its solve started.
    pub started_at: Option<String>,
    /// When it ended.
    pub finished_at: Option<String>,
    /// Objective of the stored plan.
    pub objective: Option<f64>,
    /// Why the solver stopped: `completed`, `time_limit`, `cancelled`, `shutdown`.
    pub stop: Option<String>,
    /// Times it was re-queued after a server restart.
    pub restarts: i64,
}

/// A page of the team's jobs, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct JobList {
    /// The jobs.
    pub jobs: Vec<JobSummary>,
    /// Pass as `cursor` for the next (older) page; null on the last page.
    pub next_cursor: Option<String>,
}

/// A cursor is the position of the last job of a page: `<created ms>-<id>`. Opaque to
/// clients; positional rather than an offset so that new jobs do not shift the pages.
fn cursor_of(row: &JobRow) -> String {
    format!("{}-{}", row.created_ms, row.id)
}

fn parse_cursor(s: &str) -> Option<(i64, String)> {
    let (ms, id) = s.split_once('-')?;
    let ms = ms.parse().ok()?;
    valid_id(id).then(|| (ms, id.to_string()))
}

fn invalid(kind: InputErrorKind, path: &str, message: String) -> ApiError {
    ApiError::Invalid {
        path: path.into(),
        kind,
        message,
    }
}

/// The team's own jobs, newest first, a page at a time, without problems or plans.
#[utoipa::path(get, path = "/v1/jobs", tag = "jobs",
    params(
        ("limit" = Option<usize>, Query, description = "Jobs per page (default 50, at most 500)"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page")),
    responses((status = 200, body = JobList), (status = 401, body = ErrorBody),
        (status = 422, description = "Bad limit or cursor", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_jobs(
    State(state): State<AppState>,
    Team(team): Team,
    Query(q): Query<ListQuery>,
) -> Result<Response> {
    let limit = match q.limit.as_deref() {
        None => DEFAULT_PAGE,
        Some(s) => s
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_PAGE).contains(n))
            .ok_or_else(|| {
                invalid(
                    InputErrorKind::OutOfRange,
                    "limit",
                    format!("must be a whole number from 1 to {MAX_PAGE}"),
                )
            })?,
    };
    let before = match q.cursor.as_deref() {
        None | Some("") => None,
        Some(s) => Some(parse_cursor(s).ok_or_else(|| {
            invalid(
                InputErrorKind::InvalidValue,
                "cursor",
                "not a cursor this server gave out (next_cursor)".into(),
            )
        })?),
    };
    // One more than asked tells whether there is a next page.
    let mut rows = db(&state, move |s| {
        s.list(
            &team,
            limit + 1,
            before.as_ref().map(|(ms, id)| (*ms, id.as_str())),
        )
    })
    .await?;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next_cursor = more.then(|| rows.last().map(cursor_of)).flatten();
    let jobs = rows
        .into_iter()
        .map(|row| {
            let (status, _) = live_status(&state, &row);
            JobSummary {
                status,
                visits: row.visits,
                created_at: rfc3339(row.created_ms),
                started_at: row.started_ms.map(rfc3339),
                finished_at: row.finished_ms.map(rfc3339),
                objective: row.objective,
                stop: row.stop,
                restarts: row.restarts,
                id: row.id,
            }
        })
        .collect();
    Ok(axum::Json(JobList { jobs, next_cursor }).into_response())
}

/// `{"id": ..., "status": "erased"}`: the answer to DELETE on a finished job.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct JobErased {
    /// Job id.
    pub id: String,
    /// Always `erased`.
    pub status: String,
}

/// What DELETE answers: the job (it was queued or running) or that it is erased.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Deleted {
    /// A queued job, now cancelled, or a running one, stopped with its best plan.
    Stopped(Box<JobView>),
    /// A finished job, now deleted with its problem and plan.
    Erased(JobErased),
}

/// Stops or erases a job. A queued job is cancelled; a running one stops its search and
/// keeps the best plan found (the answer waits up to 5 s for that): both answer the job.
/// A finished job (done, failed, cancelled) is erased with its problem and plan, at once
/// rather than after the retention period: the answer is `{"id", "status": "erased"}`
/// and the job is 404 from then on.
#[utoipa::path(delete, path = "/v1/jobs/{id}", tag = "jobs",
    params(("id" = String, Path, description = "Job id")),
    responses((status = 200, description = "The stopped job, or {id, status: erased} for a finished one", body = Deleted),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_job(
    State(state): State<AppState>,
    Team(team): Team,
    JobId(id): JobId,
) -> Result<Response> {
    let row = load(&state, &id, &team).await?;
    if row.status.is_final() {
        let (sid, steam) = (id.clone(), team.clone());
        if !db(&state, move |s| s.erase(&sid, &steam)).await? {
            return Err(no_job());
        }
        tracing::info!(job = %id, "job erased");
        let erased = JobErased {
            id,
            status: "erased".into(),
        };
        return Ok(axum::Json(Deleted::Erased(erased)).into_response());
    }
    if state.0.store.shared().is_some() {
        return cancel_shared(&state, id, team).await;
    }
    match state.0.jobs.cancel(&id) {
        CancelOutcome::WasQueued | CancelOutcome::NotLive => {
            let outcome = Outcome {
                status: JobStatus::Cancelled,
                plan: None,
                error: Some("cancelled before its solve started".into()),
                stop: Some("cancelled".into()),
                objective: None,
                solve_s: None,
            };
            let sid = id.clone();
            db(&state, move |s| s.finish(&sid, &outcome)).await?;
            tracing::info!(job = %id, "job cancelled while queued");
        }
        CancelOutcome::Stopping => {
            tracing::info!(job = %id, "job stopping");
            let deadline = Instant::now() + Duration::from_secs(5);
            while state.0.jobs.live_state(&id).is_some() && Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
    let row = load(&state, &id, &team).await?;
    let job = Deleted::Stopped(Box::new(view(&state, row)?));
    Ok(axum::Json(job).into_response())
}

/// DELETE of an unfinished job on a shared store: the database decides (see
/// `PgStore::request_cancel`); a running job's worker, in whichever process, stops at its
/// next heartbeat, and the answer waits up to 5 s for it to store the best plan.
async fn cancel_shared(state: &AppState, id: String, team: String) -> Result<Response> {
    let (sid, steam) = (id.clone(), team.clone());
    let asked = db(state, move |s| match s.shared() {
        Some(pg) => pg.request_cancel(&sid, &steam),
        None => Ok(CancelRequest::NotRunning),
    })
    .await?;
    tracing::info!(job = %id, outcome = ?asked, "job cancel");
    let mut row = load(state, &id, &team).await?;
    if asked == CancelRequest::Requested {
        let deadline = Instant::now() + Duration::from_secs(5);
        while !row.status.is_final() && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
            row = load(state, &id, &team).await?;
        }
    }
    let job = Deleted::Stopped(Box::new(view(state, row)?));
    Ok(axum::Json(job).into_response())
}
