//! CPU and store work off the async workers: a solve, a check or a statement must never
//! hold up the runtime that answers other requests.

use super::error::ApiError;
use super::store::StoreError;
use super::{AppState, Store};

type Result<T> = std::result::Result<T, ApiError>;

/// Runs blocking work off the async workers; a panic there is an internal error.
pub(super) async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        tracing::error!("blocking task failed: {e}");
        ApiError::Internal
    })
}

/// Runs a store call off the async workers.
pub(super) async fn db<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&Store) -> std::result::Result<T, StoreError> + Send + 'static,
) -> Result<T> {
    let store = state.0.store.clone();
    blocking(move || f(&store)).await?.map_err(|e| {
        tracing::error!("job store error: {e}");
        if e.is_unavailable() {
            // A shared database that is down or cut off: worth a retry, not a bug.
            ApiError::Unavailable("the job store cannot be reached; retry later".into())
        } else {
            ApiError::Internal
        }
    })
}
