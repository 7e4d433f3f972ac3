//! `POST /v1/replans`: the day re-planned after what has happened (docs/REPLAN.md), with
//! the same auth, team isolation, size limits and error bodies as `/v1/plans`. With
//! `?async=true` it queues a job like `POST /v1/jobs` whose solve starts from the old
//! rounds.

use super::auth::Team;
use super::error::{ApiError, ErrorBody, Json, Query};
use super::intake::{validated, ProblemDoc};
use super::jobs::CancelOnDrop;
use super::offload::{blocking, db};
use super::plan_format::{FormatQuery, PlanFormat};
use super::solve::{solve_blocking_on, solve_config, stop_name};
use super::store::JobStatus;
use super::AppState;
use crate::durations::{apply, Durations, Use};
use crate::model::input::ProblemInput;
use crate::model::{InputErrorKind, Plan};
use crate::replan::{self, Events, Prepared, Replanned};
use crate::travel::TravelMatrix;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

type Result<T> = std::result::Result<T, ApiError>;

/// `POST /v1/replans` body.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplanRequest {
    /// The day's problem (SPEC.md) the plan was made for.
    pub problem: ProblemInput,
    /// The plan as it stands.
    pub plan: Plan,
    /// What has happened since (docs/REPLAN.md).
    pub events: Events,
    /// Learned visit lengths (docs/DURATIONS.md) for the visits still to come; visits
    /// already made (`actual`) keep theirs.
    #[serde(default)]
    pub durations: Option<Durations>,
}

/// `?async=true`: queue a job instead of waiting for the plan.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplanQuery {
    /// Queue a job (answer 202) instead of answering with the plan.
    #[serde(default, rename = "async")]
    pub queue: Option<bool>,
    /// `json` (default), `csv` or `ics` ([`super::plan_format`]): the new plan in that
    /// form instead of `{"plan", "problem", "changes"}`.
    #[serde(default)]
    pub format: Option<String>,
    /// csv: only this staff member's round; ics: whose calendar.
    #[serde(default)]
    pub staff: Option<String>,
    /// ics: the day, `YYYY-MM-DD`.
    #[serde(default)]
    pub date: Option<String>,
}

impl ReplanQuery {
    fn format(&self) -> Result<PlanFormat> {
        let format = FormatQuery {
            format: self.format.clone(),
            staff: self.staff.clone(),
            date: self.date.clone(),
        }
        .format()?;
        if self.queue == Some(true) && !format.is_json() {
            return Err(ApiError::Invalid {
                path: "format".into(),
                kind: InputErrorKind::Conflict,
                message: "async=true answers a job: ask GET /v1/jobs/{id}?format=... once it is done".into(),
            });
        }
        Ok(format)
    }
}

/// The answer to `?async=true`: the job, and the problem its plan will answer (the change
/// list needs the plan: the synchronous form answers it).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplanJobCreated {
    /// Job id (`GET /v1/jobs/{id}`).
    pub id: String,
    /// Always `queued`.
    pub status: JobStatus,
    /// The new problem P' the job solves.
    #[schema(value_type = ProblemDoc)]
    pub problem: ProblemInput,
}

/// The prepared re-plan and its warm start, or the fault with `problem`, `plan` or
/// `events` before its path. Blocking.
fn prepare(state: &AppState, req: &ReplanRequest) -> Result<(Prepared, Plan, Arc<TravelMatrix>)> {
    let applied;
    let problem = match &req.durations {
        None => &req.problem,
        Some(d) => {
            d.check().map_err(|e| ApiError::input("durations", &e))?;
            applied = apply(&req.problem, d, Use::Planning).0;
            &applied
        }
    };
    validated(state, problem, "problem")?;
    let mut prepared = replan::prepare(problem, &req.plan, &req.events)
        .map_err(|e| ApiError::input(e.document.name(), &e.error))?;
    let max = state.config().max_visits;
    if prepared.problem.visits.len() > max {
        return Err(ApiError::TooLarge {
            path: Some("events.events".into()),
            message: format!(
                "{} visits with the added ones: this server accepts at most {max}",
                prepared.problem.visits.len()
            ),
        });
    }
    let travel = Arc::new(
        TravelMatrix::computed(&prepared.validated)
            .map_err(|e| ApiError::input("problem", &e.to_input_error()))?,
    );
    let warm = replan::warm_start(&mut prepared, travel.clone());
    Ok((prepared, warm, travel))
}

/// Re-plans the day: history kept, few changes, and what changed for whom.
#[utoipa::path(post, path = "/v1/replans", tag = "plans",
    params(("async" = Option<bool>, Query, description = "true: queue a job (202) instead of waiting for the plan"),
        ("format" = Option<String>, Query, description = "json (default), csv (the new plan as the rows of `carerounds export --format csv`) or ics (one staff member's calendar: needs staff); not with async=true"),
        ("staff" = Option<String>, Query, description = "csv: only this staff member's round; ics: whose calendar"),
        ("date" = Option<String>, Query, description = "ics: the day, YYYY-MM-DD (default today, UTC)")),
    request_body(content = ReplanRequest, description = "The problem, its plan and the events (docs/REPLAN.md)"),
    responses(
        (status = 200, description = "The new plan, the problem it answers and the change list; with format=csv or ics the new plan in that form",
            content((Replanned = "application/json"), (String = "text/csv"), (String = "text/calendar"))),
        (status = 202, description = "Queued (async=true)", body = ReplanJobCreated),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 413, description = "Body or problem too large", body = ErrorBody),
        (status = 415, description = "Body not declared application/json", body = ErrorBody),
        (status = 422, description = "Invalid problem, plan or events, with the path (problem..., plan..., events...)", body = ErrorBody),
        (status = 429, description = "Too many solves waiting; see Retry-After", body = ErrorBody),
        (status = 503, description = "Solving paused, shutting down, or timed out", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn replans(
    State(state): State<AppState>,
    Team(team): Team,
    Query(q): Query<ReplanQuery>,
    Json(req): Json<ReplanRequest>,
) -> Result<Response> {
    let format = q.format()?;
    let (prepared, warm, travel) = blocking({
        let state = state.clone();
        move || prepare(&state, &req)
    })
    .await??;
    format.check_staff(&prepared.problem)?;
    let config = solve_config(state.config(), &prepared.validated).map_err(|e| {
        tracing::error!("{e}");
        ApiError::Internal
    })?;
    let jobs = &state.0.jobs;
    if jobs.shutting_down() {
        return Err(ApiError::Unavailable("the server is shutting down".into()));
    }
    if q.queue == Some(true) {
        return queue(&state, team, prepared, warm).await;
    }
    if jobs.paused() {
        return Err(ApiError::Unavailable(
            "solving is paused on this server (--max-concurrent-solves 0); submit a job instead".into(),
        ));
    }
    let waiting = jobs.try_wait(state.config().max_queued).ok_or_else(|| {
        ApiError::TooMany("too many solves are waiting; retry later or submit a job".into())
    })?;
    let permit = jobs
        .permit()
        .await
        .ok_or_else(|| ApiError::Unavailable("the server is shutting down".into()))?;
    drop(waiting);
    let running = jobs.run_guard();
    let cancel = Arc::new(AtomicBool::new(false));
    let _stop_if_dropped = CancelOnDrop(cancel.clone());
    let visits = prepared.validated.visits.len();
    let result = blocking(move || {
        let _held = (permit, running);
        solve_blocking_on(&prepared.validated, travel, config, cancel, Some(warm), None).map(|solved| {
            (
                solved.stop,
                solved.elapsed,
                replan::finish(&prepared, solved.plan),
            )
        })
    })
    .await?;
    match result {
        Ok((stop, elapsed, answer)) => {
            let secs = elapsed.as_secs_f64();
            state.0.metrics.solve(secs);
            tracing::info!(
                visits,
                solve_s = secs,
                moved = answer.changes.totals.moved,
                "re-plan solved"
            );
            let mut resp = if format.is_json() {
                axum::Json(&answer).into_response()
            } else {
                format.respond(&answer.problem, &answer.plan)?
            };
            resp.headers_mut()
                .insert("x-carerounds-stop", HeaderValue::from_static(stop_name(stop)));
            Ok(resp)
        }
        Err(e) => {
            tracing::error!(visits, "{e}");
            Err(ApiError::Internal)
        }
    }
}

/// Stores P' as a job of `team` and starts it from the warm plan.
async fn queue(state: &AppState, team: String, prepared: Prepared, warm: Plan) -> Result<Response> {
    let jobs = &state.0.jobs;
    if jobs.waiting() >= state.config().max_queued {
        return Err(ApiError::TooMany("too many jobs are queued; retry later".into()));
    }
    let json = serde_json::to_string(&prepared.problem).map_err(|e| {
        tracing::error!("cannot encode a problem: {e}");
        ApiError::Internal
    })?;
    let id = jobs.new_id();
    let visits = prepared.validated.visits.len();
    let (sid, steam) = (id.clone(), team);
    db(state, move |s| s.insert(&sid, &steam, &json, visits)).await?;
    tracing::info!(job = %id, visits, "re-plan job queued");
    let Prepared {
        validated, problem, ..
    } = prepared;
    jobs.spawn(state, id.clone(), validated, Some(warm));
    let mut resp = (
        StatusCode::ACCEPTED,
        axum::Json(ReplanJobCreated {
            id: id.clone(),
            status: JobStatus::Queued,
            problem,
        }),
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/v1/jobs/{id}")) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    Ok(resp)
}
