//! The job endpoints: queue a solve, read one, stop one. Every lookup is by id *and*
//! team: another team's job is 404, as if it did not exist.

use super::auth::Team;
use super::error::{ApiError, ErrorBody, Json};
use super::handlers::{db, validated, JobCreated, JobProgress, JobView, ProblemDoc};
use super::jobs::{CancelOutcome, LiveState};
use super::store::{JobRow, JobStatus, Outcome};
use super::AppState;
use crate::model::input::ProblemInput;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::time::{Duration, Instant};

type Result<T> = std::result::Result<T, ApiError>;

fn view(state: &AppState, row: JobRow) -> Result<JobView> {
    let mut status = row.status;
    let mut progress = None;
    if !status.is_final() {
        if let Some(LiveState::Running(snap, elapsed_s)) = state.0.jobs.live_state(&row.id) {
            status = JobStatus::Running;
            progress = Some(JobProgress {
                elapsed_s,
                best_objective: snap.map(|s| s.objective),
                unassigned: snap.map(|s| s.unassigned),
            });
        }
    }
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

/// Queues a solve and answers at once with its id.
#[utoipa::path(post, path = "/v1/jobs", tag = "jobs",
    request_body(content = ProblemDoc, description = "A problem (SPEC.md)"),
    responses(
        (status = 202, description = "Queued", body = JobCreated),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_job(
    State(state): State<AppState>,
    Team(team): Team,
    Json(input): Json<ProblemInput>,
) -> Result<Response> {
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
    jobs.spawn(&state, id.clone(), problem);
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
    if !valid_id(id) {
        return Err(no_job());
    }
    let (sid, steam) = (id.to_string(), team.to_string());
    db(state, move |s| s.get(&sid, &steam)).await?.ok_or_else(no_job)
}

/// A job's status, progress and, when done, its plan. Other teams' jobs are 404.
#[utoipa::path(get, path = "/v1/jobs/{id}", tag = "jobs",
    params(("id" = String, Path, description = "Job id")),
    responses((status = 200, body = JobView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_job(
    State(state): State<AppState>,
    Team(team): Team,
    Path(id): Path<String>,
) -> Result<Response> {
    let row = load(&state, &id, &team).await?;
    Ok(axum::Json(view(&state, row)?).into_response())
}

/// Stops a job: a queued one is cancelled; a running one stops its search and keeps the
/// best plan found (the answer waits up to 5 s for that). A finished job is unchanged.
#[utoipa::path(delete, path = "/v1/jobs/{id}", tag = "jobs",
    params(("id" = String, Path, description = "Job id")),
    responses((status = 200, body = JobView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete_job(
    State(state): State<AppState>,
    Team(team): Team,
    Path(id): Path<String>,
) -> Result<Response> {
    let row = load(&state, &id, &team).await?;
    if row.status.is_final() {
        return Ok(axum::Json(view(&state, row)?).into_response());
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
    Ok(axum::Json(view(&state, row)?).into_response())
}
