//! Request handlers. Each parses with the [`Json`] extractor (errors with field paths),
//! checks the server's size limits (`intake`), and hands CPU work to
//! `spawn_blocking` (`offload`). The job endpoints are in [`super::job_routes`],
//! the report in [`super::reports`] and the OpenAPI document in [`super::openapi`].

use super::auth::Team;
use super::error::{parse_value, ApiError, ErrorBody, Json, Query};
use super::intake::{computed_travel, limits, remote_travel, validated, ProblemDoc};
use super::jobs::CancelOnDrop;
use super::offload::{blocking, db};
use super::plan_body::PlanBody;
use super::plan_format::FormatQuery;
use super::solve::{solve_blocking, solve_config};
use super::store::JobStatus;
use super::AppState;
use crate::check::{check as check_plan, check_without_summary};
use crate::durations::{apply, Durations, Use};
use crate::model::input::{ProblemInput, VisitInput};
use crate::model::{InputErrorKind, Plan};
use crate::slots::{BookError, Day, Slots};
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Instant;

type Result<T> = std::result::Result<T, ApiError>;

/// A plan document (SPEC.md "Plan"), the `Plan` schema of the OpenAPI document.
pub type PlanDoc = Plan;

/// Solves a problem and answers with the plan (for small problems: the request waits).
#[utoipa::path(post, path = "/v1/plans", tag = "plans",
    params(
        ("format" = Option<String>, Query, description = "json (default), csv (the rows of `carerounds export --format csv`) or ics (one staff member's calendar: needs staff)"),
        ("staff" = Option<String>, Query, description = "csv: only this staff member's round; ics: whose calendar"),
        ("date" = Option<String>, Query, description = "ics: the day, YYYY-MM-DD (default today, UTC)")),
    request_body(content = ProblemDoc, description = "A problem (SPEC.md); options.time_limit_s is capped by the server. An optional `durations` field (docs/DURATIONS.md) plans with learned visit lengths; the answer's x-carerounds-durations-changed header says how many visits changed"),
    responses(
        (status = 200, description = "The plan (SPEC.md); with format=csv the export's CSV rows, with format=ics an iCalendar file",
            content((PlanDoc = "application/json"), (String = "text/csv"), (String = "text/calendar"))),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 413, description = "Body or problem too large", body = ErrorBody),
        (status = 415, description = "Body not declared application/json", body = ErrorBody),
        (status = 422, description = "Invalid problem, with the field path", body = ErrorBody),
        (status = 429, description = "Too many solves waiting; see Retry-After", body = ErrorBody),
        (status = 503, description = "Solving paused, shutting down, or timed out", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn plans(
    State(state): State<AppState>,
    _team: Team,
    Query(query): Query<FormatQuery>,
    body: PlanBody,
) -> Result<Response> {
    let format = query.format()?;
    let (input, changed) = body.applied();
    let problem = validated(&state, &input, "")?;
    format.check_staff(&input)?;
    // The CSV and calendar name employers, clients and postcodes from the problem as sent.
    let input = (!format.is_json()).then_some(input);
    let config = solve_config(state.config(), &problem).map_err(|e| {
        tracing::error!("{e}");
        ApiError::Internal
    })?;
    let jobs = &state.0.jobs;
    if jobs.paused() {
        return Err(ApiError::Unavailable(
            "solving is paused on this server (--max-concurrent-solves 0); submit a job instead".into(),
        ));
    }
    if jobs.shutting_down() {
        return Err(ApiError::Unavailable("the server is shutting down".into()));
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
    // If this future is dropped (the request timed out or its client went away), the
    // flag stops the solve; the permit and the running count go with the solve itself,
    // so no other solve starts until this one has really returned.
    let _stop_if_dropped = CancelOnDrop(cancel.clone());
    let visits = problem.visits.len();
    if !changed.is_empty() {
        tracing::info!(visits, changed = changed.len(), "learned durations applied");
    }
    let result = blocking(move || {
        let _held = (permit, running);
        solve_blocking(&problem, config, cancel, None, None)
    })
    .await?;
    match result {
        Ok(solved) => {
            let secs = solved.elapsed.as_secs_f64();
            state.0.metrics.solve(secs);
            tracing::info!(visits, solve_s = secs, "plan solved");
            let mut resp = match &input {
                Some(input) => format.respond(input, &solved.plan)?,
                None => axum::Json(&solved.plan).into_response(),
            };
            if let Ok(n) = HeaderValue::from_str(&changed.len().to_string()) {
                resp.headers_mut().insert(super::plan_body::CHANGED_HEADER, n);
            }
            resp.headers_mut().insert(
                "x-carerounds-stop",
                HeaderValue::from_static(super::solve::stop_name(solved.stop)),
            );
            Ok(resp)
        }
        Err(e) => {
            tracing::error!(visits, "{e}");
            Err(ApiError::Internal)
        }
    }
}

/// `POST /v1/slots` body.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlotsRequest {
    /// The day's problem (SPEC.md), without the new visit.
    pub problem: ProblemInput,
    /// The day's plan as booked.
    pub plan: Plan,
    /// The new visit (SPEC.md visit), with the windows the client could accept.
    pub visit: VisitInput,
    /// How many options (default 5, at most 100).
    #[serde(default)]
    pub k: Option<usize>,
    /// Re-optimise the day around the new visit: not supported yet (must be false).
    #[serde(default)]
    pub reoptimise: bool,
    /// Learned visit lengths (docs/DURATIONS.md) for the day's visits and the new one,
    /// as `carerounds slots --durations` applies them.
    #[serde(default)]
    pub durations: Option<Durations>,
}

/// The day and the new visit with learned lengths applied (the new visit goes through
/// [`apply`] with the day, so it takes its client's figure too), and how many changed.
fn with_durations(
    problem: ProblemInput,
    visit: VisitInput,
    durations: Option<Durations>,
) -> Result<(ProblemInput, VisitInput, usize)> {
    let Some(d) = durations else {
        return Ok((problem, visit, 0));
    };
    d.check().map_err(|e| ApiError::input("durations", &e))?;
    let mut day = problem;
    day.visits.push(visit);
    let (mut day, changed) = apply(&day, &d, Use::Planning);
    let visit = day.visits.pop().ok_or(ApiError::Internal)?;
    Ok((day, visit, changed.len()))
}

fn book_error(e: BookError) -> ApiError {
    match &e {
        BookError::K(_) => ApiError::Invalid {
            path: "k".into(),
            kind: InputErrorKind::OutOfRange,
            message: e.to_string().trim_start_matches("k: ").to_string(),
        },
        other => match other.input() {
            Some(ie) => ApiError::input(other.document(), ie),
            None => ApiError::Internal,
        },
    }
}

/// Booking recommendations: the best staff and start times for a new visit in a planned
/// day, each feasible without moving the other visits to other staff or out of order.
#[utoipa::path(post, path = "/v1/slots", tag = "slots",
    request_body = SlotsRequest,
    responses(
        (status = 200, description = "Options, cheapest first", body = Slots),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, description = "Invalid problem, plan or visit (the path starts with which)", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn slots(
    State(state): State<AppState>,
    _team: Team,
    Json(req): Json<SlotsRequest>,
) -> Result<Response> {
    limits(&state, &req.problem, "problem")?;
    remote_travel(&req.problem, "problem")?;
    if req.reoptimise {
        return Err(ApiError::Invalid {
            path: "reoptimise".into(),
            kind: InputErrorKind::Unsupported,
            message: "re-optimisation is not supported yet: leave it out or false (options keep every booked visit with its staff and order)".into(),
        });
    }
    let k = req.k.unwrap_or(5);
    let t0 = Instant::now();
    let visits = req.problem.visits.len();
    let SlotsRequest {
        problem,
        plan,
        visit,
        durations,
        ..
    } = req;
    let (problem, visit, changed) = with_durations(problem, visit, durations)?;
    let slots = blocking(move || {
        let day = Day::new(&problem, &plan)?;
        day.slots(&visit, k)
    })
    .await?
    .map_err(book_error)?;
    tracing::info!(
        visits,
        options = slots.options.len(),
        ms = t0.elapsed().as_secs_f64() * 1e3,
        "slots"
    );
    let mut resp = axum::Json(slots).into_response();
    if let Ok(n) = HeaderValue::from_str(&changed.to_string()) {
        resp.headers_mut().insert(super::plan_body::CHANGED_HEADER, n);
    }
    Ok(resp)
}

/// `POST /v1/check` body.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    /// The problem (SPEC.md).
    pub problem: ProblemInput,
    /// The plan to check; it may leave out `summary` (a plan edited by hand), as
    /// `carerounds check` takes it.
    pub plan: Plan,
}

/// Reads a `POST /v1/check` body, and whether its plan has a `summary`. A plan without
/// one (edited by hand) gets an empty summary that the checker then leaves alone, as
/// `carerounds check` reads it; any other body (a summary, even a wrong one, or a plan
/// that is not an object) is read as it is, so its errors are worded as usual.
fn check_request(mut body: serde_json::Value) -> Result<(CheckRequest, bool)> {
    let plan = body.get_mut("plan").and_then(serde_json::Value::as_object_mut);
    let has_summary = match plan {
        Some(plan) if !plan.contains_key("summary") => {
            let empty = serde_json::to_value(crate::model::Summary::default()).map_err(|e| {
                tracing::error!("cannot encode a summary: {e}");
                ApiError::Internal
            })?;
            plan.insert("summary".into(), empty);
            false
        }
        _ => true,
    };
    Ok((parse_value(body)?, has_summary))
}

/// The checker's answer.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CheckResponse {
    /// No violations.
    pub feasible: bool,
    /// Every violation: `{"rule", "staff", "visit", "message"}`.
    #[schema(value_type = Vec<Object>)]
    pub violations: Vec<crate::check::Violation>,
    /// Whether the summary's figures were checked: false for a plan sent without
    /// `summary`, whose routes, steps and their figures are checked all the same.
    pub summary_checked: bool,
}

/// Checks a plan against its problem with the independent checker. A plan without
/// `summary` is checked but for the summary's figures, and the answer says so
/// (`summary_checked: false`).
#[utoipa::path(post, path = "/v1/check", tag = "check",
    request_body = CheckRequest,
    responses((status = 200, body = CheckResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn check(
    State(state): State<AppState>,
    _team: Team,
    Json(body): Json<serde_json::Value>,
) -> Result<Response> {
    let (req, has_summary) = check_request(body)?;
    let problem = validated(&state, &req.problem, "problem")?;
    let violations = blocking(move || {
        let travel = computed_travel(&problem, "problem")?;
        Ok::<_, ApiError>(if has_summary {
            check_plan(&problem, &travel, &req.plan)
        } else {
            check_without_summary(&problem, &travel, &req.plan)
        })
    })
    .await??;
    Ok(axum::Json(CheckResponse {
        feasible: violations.is_empty(),
        violations,
        summary_checked: has_summary,
    })
    .into_response())
}

/// `GET /health`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok`, or `stopping` during shutdown.
    pub status: String,
    /// Server version.
    pub version: String,
    /// Solves running.
    pub running: usize,
    /// Solves waiting for a slot.
    pub waiting: usize,
}

/// Liveness and load (no authentication).
#[utoipa::path(get, path = "/health", tag = "ops", responses((status = 200, body = Health)))]
pub async fn health(State(state): State<AppState>) -> Response {
    let jobs = &state.0.jobs;
    axum::Json(Health {
        status: if jobs.shutting_down() { "stopping" } else { "ok" }.into(),
        version: env!("CARGO_PKG_VERSION").into(),
        running: jobs.running(),
        waiting: jobs.waiting(),
    })
    .into_response()
}

/// Prometheus text metrics (no authentication).
#[utoipa::path(get, path = "/metrics", tag = "ops",
    responses((status = 200, description = "Prometheus text format 0.0.4", body = String, content_type = "text/plain")))]
pub async fn metrics(State(state): State<AppState>) -> Result<Response> {
    let counts = db(&state, |s| s.counts()).await?;
    let jobs: Vec<(&str, i64)> = JobStatus::ALL
        .iter()
        .map(|st| {
            let n = counts.iter().find(|c| c.0 == *st).map_or(0, |c| c.1);
            (st.as_str(), n)
        })
        .collect();
    let text = state.0.metrics.render(&jobs, state.0.jobs.running());
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        text,
    )
        .into_response())
}

/// Unknown routes: 404 in the API's error shape.
pub async fn not_found() -> ApiError {
    ApiError::NotFound("no such route; see /openapi.json".into())
}

/// Known route, wrong method. Names the route for the request log and metrics (this
/// fallback runs outside the route layer that does so for the route's own methods).
pub async fn method_not_allowed(
    route: Option<axum::extract::MatchedPath>,
    log: Option<axum::Extension<super::requests::RequestLog>>,
) -> ApiError {
    if let (Some(route), Some(axum::Extension(log))) = (route, log) {
        log.set_route(route.as_str());
    }
    ApiError::MethodNotAllowed
}
