//! Every error the API returns has one shape, `{"error": {"code", "message", "path",
//! "kind"}}`, including malformed JSON and a missing Content-Type (the [`Json`] extractor), a bad
//! query string (the [`Query`] extractor), unknown routes and overlong URIs.

use crate::model::{InputError, InputErrorKind};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// An error answered to the client.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// 400: the body is not JSON.
    #[error("{message}")]
    MalformedJson {
        /// What the parser said.
        message: String,
    },
    /// 422: the body is JSON but not a valid document (wrong type, unknown field, a
    /// validation rule), with the path of the field.
    #[error("{path}: {message}")]
    Invalid {
        /// Field path, e.g. `visits[3].time_windows[0]`.
        path: String,
        /// What sort of fault, for clients that act on it without reading `message`.
        kind: InputErrorKind,
        /// What is wrong.
        message: String,
    },
    /// 422: a booking-system export with faults: every row at fault, each as
    /// `carerounds import csv` words it, in `error.rows`.
    #[error("{message}")]
    Rows {
        /// The request field of the first fault (`visits`, `staff`).
        path: String,
        /// The kind of the first fault.
        kind: InputErrorKind,
        /// All the faults, one line each, as the CLI prints them.
        message: String,
        /// Each fault on its own.
        rows: Vec<RowFault>,
    },
    /// 409: the resource exists but cannot give what was asked yet (a job's plan as CSV
    /// before the job has a plan).
    #[error("{0}")]
    NotReady(String),
    /// 401: no key, or a key that is not configured.
    #[error("missing or unknown API key")]
    Unauthorized,
    /// 404: no such route, or no such job for this team.
    #[error("{0}")]
    NotFound(String),
    /// 413: the body or the problem is larger than the server accepts.
    #[error("{message}")]
    TooLarge {
        /// Field path, when a size limit of a field was hit.
        path: Option<String>,
        /// Which limit.
        message: String,
    },
    /// 429: too many solves waiting; answered with `Retry-After`.
    #[error("{0}")]
    TooMany(String),
    /// 414: the URI is longer than the server accepts (the limit in bytes).
    #[error("the URI is longer than this server accepts ({0} bytes)")]
    UriTooLong(usize),
    /// 415: a body that is not declared `application/json`.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 503: the server is shutting down, solving is paused, or the request took too long.
    #[error("{0}")]
    Unavailable(String),
    /// 405: the route exists, the method does not.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 500: logged, never detailed to the client.
    #[error("internal error")]
    Internal,
}

impl ApiError {
    /// An input error at `prefix` + its path (`prefix` empty, `problem`, `plan`, ...).
    pub fn input(prefix: &str, e: &InputError) -> Self {
        ApiError::Invalid {
            path: join_path(prefix, e.path.as_str()),
            kind: e.kind,
            message: e.message.clone(),
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::MalformedJson { .. } => StatusCode::BAD_REQUEST,
            ApiError::Invalid { .. } | ApiError::Rows { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::NotReady(_) => StatusCode::CONFLICT,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::UriTooLong(_) => StatusCode::URI_TOO_LONG,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::MalformedJson { .. } => "malformed_json",
            ApiError::Invalid { .. } | ApiError::Rows { .. } => "invalid_input",
            ApiError::NotReady(_) => "not_ready",
            ApiError::Unauthorized => "unauthorized",
            ApiError::NotFound(_) => "not_found",
            ApiError::TooLarge { .. } => "too_large",
            ApiError::TooMany(_) => "too_many_requests",
            ApiError::UriTooLong(_) => "uri_too_long",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::Internal => "internal",
        }
    }

    fn body(&self) -> ErrorBody {
        let rows = match self {
            ApiError::Rows { rows, .. } => Some(rows.clone()),
            _ => None,
        };
        let (message, path, kind) = match self {
            ApiError::Rows {
                path, kind, message, ..
            } => (message.clone(), Some(path.clone()), Some(*kind)),
            ApiError::Invalid { path, kind, message } => (
                message.clone(),
                Some(path.clone()).filter(|p| !p.is_empty()),
                Some(*kind),
            ),
            ApiError::MalformedJson { message } => (message.clone(), None, Some(InputErrorKind::Syntax)),
            ApiError::TooLarge { path, message } => (message.clone(), path.clone(), None),
            other => (other.to_string(), None, None),
        };
        ErrorBody {
            error: ErrorDetail {
                code: self.code().to_string(),
                message,
                path,
                kind,
                rows,
            },
        }
    }
}

/// `{"error": {...}}`.
#[derive(Debug, Clone, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// The error's fields.
#[derive(Debug, Clone, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Machine-readable: `malformed_json`, `invalid_input`, `unauthorized`, `not_found`, `not_ready`,
    /// `too_large`, `too_many_requests`, `uri_too_long`, `unsupported_media_type`,
    /// `unavailable`, `method_not_allowed`, `internal`; and for requests that are not
    /// HTTP the server can parse, `malformed_request`, `headers_too_large`.
    pub code: String,
    /// For people.
    pub message: String,
    /// The offending field (`visits[3].time_windows[0]`), or null.
    pub path: Option<String>,
    /// For `malformed_json` (always `syntax`) and `invalid_input`: what sort of fault, so a
    /// client can tell a missing field from an unknown id without reading `message`
    /// (docs/EXTENSIONS.md). Null for the other codes. Absent from servers before it was
    /// added, hence optional when read.
    #[serde(default)]
    pub kind: Option<InputErrorKind>,
    /// For a booking-system export (`POST /v1/imports`): every row at fault, not just
    /// the first. Absent from every other error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<Vec<RowFault>>,
}

/// One fault of a booking-system export, as `carerounds import csv` reports it: the file,
/// the spreadsheet row (header = 1), the column as its header names it, the value, and
/// what is wrong with what is expected.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RowFault {
    /// The request field (or multipart part) the file came in: `visits` or `staff`.
    pub field: String,
    /// The file's name in messages: the part's file name, else `visits.csv`/`staff.csv`.
    pub file: String,
    /// Spreadsheet row (the header is row 1); null for a fault of the whole file.
    pub row: Option<usize>,
    /// The column's header text; null for a fault of the whole row or file.
    pub column: Option<String>,
    /// The cell as written (empty for a blank cell); null when the fault is not about one
    /// cell.
    pub value: Option<String>,
    /// What sort of fault.
    pub kind: InputErrorKind,
    /// What is wrong and what is expected: `25:70 is not a time (expected ...)`.
    pub fault: String,
    /// The whole line, as the CLI prints it: `visits.csv row 17, column "Window To": ...`.
    pub message: String,
}

impl RowFault {
    /// The fault `e` of the file sent as `field`.
    pub fn of(field: &str, e: &crate::formats::booking::RowError) -> Self {
        RowFault {
            field: field.to_string(),
            file: e.at.file.clone(),
            row: e.at.row,
            column: e.at.column.clone(),
            value: e.fault.value().map(str::to_string),
            kind: e.fault.kind(),
            fault: e.fault.to_string(),
            message: e.to_string(),
        }
    }
}

/// Seconds a client told 429 should wait before retrying (`Retry-After`): about one
/// short solve, so a polite client neither hammers a full queue nor waits long.
pub const RETRY_AFTER_S: u64 = 2;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut resp = (status, axum::Json(self.body())).into_response();
        match self {
            ApiError::Unauthorized => {
                resp.headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            ApiError::TooMany(_) => {
                resp.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_S));
            }
            _ => {}
        }
        resp
    }
}

/// `a` + `.` + `b`, where either may be empty; `b` may start with `[`.
pub fn join_path(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (false, true) => a.to_string(),
        (false, false) if b.starts_with('[') => format!("{a}{b}"),
        (false, false) => format!("{a}.{b}"),
    }
}

/// Parses a JSON body into `T`, naming the field of any error.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // A UTF-8 byte-order mark (spreadsheet tools, Windows editors) is not an error.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(json_error)
}

/// Reads an already parsed body as `T` (a handler that takes two shapes of body looks at
/// it first), naming the field of any error as [`parse_json`] does.
pub fn parse_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(json_error)
}

fn json_error(e: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let syntax = matches!(
        e.inner().classify(),
        serde_json::error::Category::Syntax
            | serde_json::error::Category::Eof
            | serde_json::error::Category::Io
    );
    let ie = InputError::from_json(e);
    if syntax {
        ApiError::MalformedJson { message: ie.message }
    } else {
        ApiError::Invalid {
            path: ie.path.as_str().to_string(),
            kind: ie.kind,
            message: ie.message,
        }
    }
}

/// A JSON body whose rejections are [`ApiError`]s: 415 unless declared JSON, 400 for
/// bad JSON, 422 with the field path for a document that does not fit, 413 over the body
/// limit.
#[derive(Debug, Clone)]
pub struct Json<T>(pub T);

/// Whether a Content-Type declares JSON: `application/json` or `application/*+json`,
/// with or without parameters.
pub fn is_json_type(value: &str) -> bool {
    let essence = value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json"
        || essence
            .strip_prefix("application/")
            .is_some_and(|sub| sub.ends_with("+json"))
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        // Requiring the header is what makes a browser ask before it posts across
        // origins: a page cannot make a visitor's browser start solves on a server
        // without keys on their machine with a "simple" text/plain or typeless POST.
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
        parse_json(&bytes).map(Json)
    }
}

/// A query string whose rejections are [`ApiError`]s (422), for `T` with
/// `deny_unknown_fields` so that a misspelt parameter is an error, not ignored.
#[derive(Debug, Clone)]
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            .map_err(|e| {
                let message = e.body_text();
                // axum prefixes serde's message with its own words; the kind is serde's.
                let serde = message.split_once(": ").map_or(message.as_str(), |(_, m)| m);
                ApiError::Invalid {
                    path: String::new(),
                    kind: InputErrorKind::of_serde_message(serde),
                    message,
                }
            })
    }
}

/// 413 for a request body over the server's limit (JSON or multipart).
pub fn body_too_large() -> ApiError {
    ApiError::TooLarge {
        path: None,
        message: "request body is larger than the server accepts".to_string(),
    }
}

/// Maps a failure to read the body: over the limit is 413, anything else 400.
pub fn body_rejection(e: BytesRejection) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        body_too_large()
    } else {
        ApiError::MalformedJson {
            message: format!("cannot read the request body: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_byte_order_mark_is_not_malformed_json() {
        let v: serde_json::Value = super::parse_json(b"\xEF\xBB\xBF{\"a\": 1}").expect("parsed");
        assert_eq!(v["a"], 1);
    }
}
