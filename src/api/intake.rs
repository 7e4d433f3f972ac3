//! What every handler that takes a problem does before its work: the server's size
//! limits, no travel the server would have to fetch, validation with the path of the
//! request's field, and the travel matrix, built once per request.

use super::error::ApiError;
use super::AppState;
use crate::model::input::{ProblemInput, TravelInput};
use crate::model::{validate, FieldPath, InputError, InputErrorKind, Problem};
use crate::travel::TravelMatrix;

type Result<T> = std::result::Result<T, ApiError>;

/// 413 when a problem is larger than the server accepts.
pub(super) fn limits(state: &AppState, input: &ProblemInput, prefix: &str) -> Result<()> {
    let c = state.config();
    let over = |field: &str, n: usize, max: usize| ApiError::TooLarge {
        path: Some(super::error::join_path(prefix, field)),
        message: format!("{n} {field}: this server accepts at most {max}"),
    };
    if input.visits.len() > c.max_visits {
        return Err(over("visits", input.visits.len(), c.max_visits));
    }
    if input.staff.len() > c.max_staff {
        return Err(over("staff", input.staff.len(), c.max_staff));
    }
    Ok(())
}

pub(super) fn validated(state: &AppState, input: &ProblemInput, prefix: &str) -> Result<Problem> {
    limits(state, input, prefix)?;
    remote_travel(input, prefix)?;
    validate(input).map_err(|e| ApiError::input(prefix, &e))
}

/// The matrix of a validated problem (haversine or matrix travel: [`remote_travel`] turned
/// the others away), built once per request.
pub(super) fn computed_travel(problem: &Problem, prefix: &str) -> Result<TravelMatrix> {
    TravelMatrix::computed(problem).map_err(|e| ApiError::input(prefix, &e.to_input_error()))
}

/// Road mode reads files on the server's disk and OSRM mode calls a URL of the client's
/// choosing: neither is for remote callers, who send matrices instead. Every handler that
/// takes a problem calls this.
pub(super) fn remote_travel(input: &ProblemInput, prefix: &str) -> Result<()> {
    if let Some(TravelInput::Road { .. } | TravelInput::Osrm { .. }) = &input.travel {
        let path = FieldPath::root().field("travel").field("mode");
        let err = InputError::of(
            InputErrorKind::Unsupported,
            path,
            "travel modes 'road' and 'osrm' are not accepted over the API: send a 'matrix' \
             (`carerounds matrix` writes one) or use 'haversine'",
        );
        return Err(ApiError::input(prefix, &err));
    }
    Ok(())
}

/// A problem document (SPEC.md "Problem"), the `Problem` schema of the OpenAPI document.
pub(super) type ProblemDoc = ProblemInput;
