//! The body of `POST /v1/plans` and `POST /v1/jobs`: a problem (SPEC.md), and optionally
//! `durations` (docs/DURATIONS.md) beside its fields, whose learned lengths are applied
//! before validation. A body without `durations` is read exactly as before (same
//! messages, same paths), so existing clients see no difference; `"durations": null` is
//! read as a body without it.

use super::error::{body_rejection, is_json_type, parse_json, ApiError};
use crate::durations::{apply, Changed, Durations, Use};
use crate::model::input::ProblemInput;
use crate::model::InputError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use serde::Deserialize;

/// The response header that says how many visits the learned durations changed.
pub const CHANGED_HEADER: &str = "x-carerounds-durations-changed";

/// The field that carries learned durations.
pub const FIELD: &str = "durations";

/// A problem with optional learned durations.
#[derive(Debug, Clone)]
pub struct PlanBody {
    /// The problem as sent, without `durations`.
    pub problem: ProblemInput,
    /// The learned durations, checked.
    pub durations: Option<Durations>,
}

impl PlanBody {
    /// The problem with the planning lengths applied, and what changed.
    pub fn applied(self) -> (ProblemInput, Vec<Changed>) {
        match &self.durations {
            Some(d) => apply(&self.problem, d, Use::Planning),
            None => (self.problem, Vec::new()),
        }
    }
}

/// Only the `durations` field, to see whether the body has one; the rest is skipped.
/// `"durations": null` is `Some(Value::Null)`, told apart from a body without the field.
#[derive(Deserialize)]
struct Probe {
    #[serde(default, deserialize_with = "present")]
    durations: Option<serde_json::Value>,
}

/// A field that is there, whatever its value, null included.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<serde_json::Value>, D::Error> {
    serde_json::Value::deserialize(d).map(Some)
}

/// Reads `durations` from its JSON value, with paths under `durations`.
pub fn durations_of(value: serde_json::Value) -> Result<Durations, ApiError> {
    let d: Durations = serde_path_to_error::deserialize(value)
        .map_err(|e| ApiError::input(FIELD, &InputError::from_json(e)))?;
    d.check().map_err(|e| ApiError::input(FIELD, &e))?;
    Ok(d)
}

/// The body from its bytes.
pub fn parse(bytes: &[u8]) -> Result<PlanBody, ApiError> {
    let Ok(probe) = parse_json::<Probe>(bytes) else {
        // Not a JSON object (or not JSON): the problem's own reading says why, in the
        // words it always used.
        return Ok(PlanBody {
            problem: parse_json(bytes)?,
            durations: None,
        });
    };
    let Some(value) = probe.durations else {
        return Ok(PlanBody {
            problem: parse_json(bytes)?,
            durations: None,
        });
    };
    // `"durations": null` reads as a body without the field, as on /v1/slots and
    // /v1/replans, whose `durations` is an optional field of their own.
    let durations = match value {
        serde_json::Value::Null => None,
        value => Some(durations_of(value)?),
    };
    let mut doc: serde_json::Map<String, serde_json::Value> = parse_json(bytes)?;
    doc.remove(FIELD);
    let rest = serde_json::to_vec(&doc).map_err(|e| {
        tracing::error!("cannot encode a problem: {e}");
        ApiError::Internal
    })?;
    Ok(PlanBody {
        problem: parse_json(&rest)?,
        durations,
    })
}

impl<S: Send + Sync> FromRequest<S> for PlanBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        // As the Json extractor: JSON declared (so browsers ask before posting), 413 over
        // the limit.
        let declared = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(is_json_type);
        if !declared {
            return Err(ApiError::UnsupportedMediaType(
                "send the body with Content-Type: application/json".into(),
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(body_rejection)?;
        parse(&bytes)
    }
}
