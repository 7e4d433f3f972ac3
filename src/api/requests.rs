//! What every request goes through, routed or not: the URI length limit, the request
//! timeout, the metrics, and one log line per request.
//!
//! The log line has the method, the route template (`/v1/jobs/{id}`, never the URI with
//! its query), the status, the time and the team. Routing and authentication happen
//! inside, after this layer has started, so they write what they learn into a
//! [`RequestLog`] slot this layer put into the request's extensions.

use super::error::ApiError;
use super::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::Uri;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Longest URI (path and query) the API accepts; longer ones get 414 in the API's error
/// shape. No route needs more than a few hundred bytes, and answering here, well below
/// hyper's own limit (which answers without a body), keeps clients on one error shape.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// Team shown in logs for requests that did not authenticate (health, metrics, the
/// document, unknown routes, and requests refused before or at authentication).
pub const NO_TEAM: &str = "-";

#[derive(Debug, Default)]
struct Seen {
    route: Option<String>,
    team: Option<String>,
}

/// What the inner layers learn about a request, for its log line and metrics.
#[derive(Debug, Clone, Default)]
pub struct RequestLog(Arc<Mutex<Seen>>);

impl RequestLog {
    fn lock(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records the team the request authenticated as (called by the `Team` extractor).
    pub fn set_team(&self, team: &str) {
        self.lock().team = Some(team.to_string());
    }

    /// Records the route template the request matched.
    pub fn set_route(&self, route: &str) {
        self.lock().route = Some(route.to_string());
    }
}

fn uri_len(uri: &Uri) -> usize {
    uri.path_and_query().map_or(0, |pq| pq.as_str().len()) + uri.authority().map_or(0, |a| a.as_str().len())
}

/// Outermost layer: refuses overlong URIs, times out, counts and logs every request.
pub async fn track(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let t0 = Instant::now();
    let log = RequestLog::default();
    req.extensions_mut().insert(log.clone());
    let method = req.method().as_str().to_string();
    let timeout = state.config().request_timeout;
    let resp = if uri_len(req.uri()) > MAX_URI_BYTES {
        ApiError::UriTooLong(MAX_URI_BYTES).into_response()
    } else {
        match tokio::time::timeout(timeout, next.run(req)).await {
            Ok(r) => r,
            // The handler's future is dropped here: a solve it started is cancelled
            // through its `CancelOnDrop` and keeps its permit until it has returned.
            Err(_) => ApiError::Unavailable(format!(
                "the request took longer than {} s",
                timeout.as_secs_f64()
            ))
            .into_response(),
        }
    };
    let secs = t0.elapsed().as_secs_f64();
    let status = resp.status().as_u16();
    let (route, team) = {
        let mut seen = log.lock();
        (seen.route.take(), seen.team.take())
    };
    let route = route.unwrap_or_else(|| "unmatched".to_string());
    let team = team.unwrap_or_else(|| NO_TEAM.to_string());
    state.0.metrics.request(&method, &route, status, secs);
    tracing::info!(%method, %route, status, %team, ms = secs * 1e3, "request");
    resp
}

/// Route layer: records the matched route template for [`track`].
pub async fn mark_route(req: Request, next: Next) -> Response {
    if let (Some(log), Some(path)) = (
        req.extensions().get::<RequestLog>(),
        req.extensions().get::<MatchedPath>(),
    ) {
        log.set_route(path.as_str());
    }
    next.run(req).await
}
