//! `POST /v1/imports`: a booking system's export, the files `carerounds import csv` reads
//! (visits, staff rota, optional mapping), as JSON with the CSV text in fields or as
//! `multipart/form-data` with one part per file. The answer is the problem and the rows
//! left out; a faulty export is one 422 listing every row at fault in the CLI's words
//! (`error.rows`), so a booking system can show the scheduler the whole list at once.
//!
//! Same keys, body limit and size limits as `/v1/plans`; the import runs off the async
//! workers. Postcodes come from the Code-Point Open index the server was started with
//! (`serve --postcodes`). Nothing is stored: the answer is the only copy.
//!
//! Multipart is a form a browser may post across origins without asking first; that is
//! acceptable here because an import changes nothing on the server and a page elsewhere
//! cannot read the answer, and a server with keys needs a header no form can send.

use super::auth::Team;
use super::error::{body_rejection, is_json_type, parse_json, ApiError, ErrorBody, RowFault};
use super::intake::{limits, ProblemDoc};
use super::offload::blocking;
use super::AppState;
use crate::formats::booking::{import, Export, ImportError, Mapping};
use crate::model::input::ProblemInput;
use crate::model::InputErrorKind;
use axum::body::Bytes;
use axum::extract::multipart::MultipartError;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::time::Instant;

type Result<T> = std::result::Result<T, ApiError>;

/// The JSON form of the body: the files' text.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportRequest {
    /// The visits file (CSV text): one row per visit, or per booked staff member of one.
    pub visits: String,
    /// The staff rota (CSV text): one row per staff member on duty.
    pub staff: String,
    /// The mapping (TOML text, docs/IMPORT.md); without it, headers use the documented
    /// names.
    #[serde(default)]
    pub mapping: Option<String>,
    /// Leave out the rows at fault (listed in `skipped`) instead of answering 422.
    #[serde(default)]
    pub skip_bad_rows: bool,
}

/// The multipart form of the body (documentation only: parts, not JSON).
#[derive(Debug, Clone, utoipa::ToSchema)]
pub struct ImportForm {
    /// The visits file.
    #[schema(format = Binary, value_type = String)]
    pub visits: Vec<u8>,
    /// The staff rota.
    #[schema(format = Binary, value_type = String)]
    pub staff: Vec<u8>,
    /// The mapping (TOML).
    #[schema(format = Binary, value_type = Option<String>)]
    pub mapping: Option<Vec<u8>>,
    /// `true` to leave out the rows at fault.
    pub skip_bad_rows: Option<bool>,
}

/// The answer: the problem, with the booked rounds as its baseline.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Imported {
    /// The problem (SPEC.md), valid: `POST /v1/plans` takes it as it is.
    #[schema(value_type = ProblemDoc)]
    pub problem: ProblemInput,
    /// The faults whose rows were left out (`skip_bad_rows`); empty otherwise.
    pub skipped: Vec<RowFault>,
}

/// Names of the files in messages when the body gives none (the CLI names them by path).
const VISITS_FILE: &str = "visits.csv";
const STAFF_FILE: &str = "staff.csv";

/// The body read: both files with their names, the mapping, the switch.
#[derive(Debug, Clone)]
pub struct ImportBody {
    visits: (String, String),
    staff: (String, String),
    mapping: Option<String>,
    skip_bad_rows: bool,
}

fn invalid(path: &str, kind: InputErrorKind, message: String) -> ApiError {
    ApiError::Invalid {
        path: path.into(),
        kind,
        message,
    }
}

/// A file's text: UTF-8 (a byte-order mark dropped, as the CLI does).
fn text(part: &str, bytes: &[u8]) -> Result<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        invalid(
            part,
            InputErrorKind::Syntax,
            format!(
                "not UTF-8 text (byte {}): save the export as \"CSV UTF-8\"",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

/// A part's file name for messages: its last path segment, when it is a short printable
/// name (a client's own path or odd bytes never reach a message or a log).
fn file_name(given: Option<&str>, default: &str) -> String {
    given
        .and_then(|n| n.rsplit(['/', '\\']).next())
        .filter(|n| !n.is_empty() && n.len() <= 100 && n.chars().all(|c| !c.is_control() && c != '"'))
        .unwrap_or(default)
        .to_string()
}

fn multipart_error(e: MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        super::error::body_too_large()
    } else {
        ApiError::MalformedJson {
            message: format!("cannot read the multipart body: {}", e.body_text()),
        }
    }
}

async fn from_multipart(mut form: Multipart) -> Result<ImportBody> {
    let (mut visits, mut staff, mut mapping, mut skip) = (None, None, None, None);
    while let Some(field) = form.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_string();
        let given = field.file_name().map(str::to_string);
        let slot_taken = match name.as_str() {
            "visits" => visits.is_some(),
            "staff" => staff.is_some(),
            "mapping" => mapping.is_some(),
            "skip_bad_rows" => skip.is_some(),
            _ => {
                return Err(invalid(
                    &name,
                    InputErrorKind::UnknownField,
                    "unknown part: expected visits, staff, mapping or skip_bad_rows".into(),
                ))
            }
        };
        if slot_taken {
            return Err(invalid(
                &name,
                InputErrorKind::Duplicate,
                "sent twice: send each part once".into(),
            ));
        }
        let body = text(&name, &field.bytes().await.map_err(multipart_error)?)?;
        match name.as_str() {
            "visits" => visits = Some((file_name(given.as_deref(), VISITS_FILE), body)),
            "staff" => staff = Some((file_name(given.as_deref(), STAFF_FILE), body)),
            "mapping" => mapping = Some(body),
            _ => {
                skip = Some(match body.trim() {
                    "true" | "1" | "on" => true,
                    "false" | "0" | "" => false,
                    _ => {
                        return Err(invalid(
                            "skip_bad_rows",
                            InputErrorKind::InvalidValue,
                            format!("{:?} is not true or false", body.trim()),
                        ))
                    }
                })
            }
        }
    }
    let missing = |part: &str| {
        invalid(
            part,
            InputErrorKind::MissingField,
            format!("missing part {part}: send the {part} file as a part named {part}"),
        )
    };
    let visits = visits.ok_or_else(|| missing("visits"))?;
    let mut staff = staff.ok_or_else(|| missing("staff"))?;
    // The import tells the two files apart by name.
    if staff.0 == visits.0 {
        staff.0 = if visits.0 == STAFF_FILE {
            "staff-rota.csv".into()
        } else {
            STAFF_FILE.into()
        };
    }
    Ok(ImportBody {
        visits,
        staff,
        mapping,
        skip_bad_rows: skip.unwrap_or(false),
    })
}

impl<S: Send + Sync> FromRequest<S> for ImportBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self> {
        let kind = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if kind
            .split(';')
            .next()
            .is_some_and(|e| e.trim().eq_ignore_ascii_case("multipart/form-data"))
        {
            let form = Multipart::from_request(req, state)
                .await
                .map_err(|e| ApiError::MalformedJson {
                    message: format!("cannot read the multipart body: {}", e.body_text()),
                })?;
            return from_multipart(form).await;
        }
        if !is_json_type(kind) {
            return Err(ApiError::UnsupportedMediaType(
                "send the body with Content-Type: application/json or multipart/form-data".into(),
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(body_rejection)?;
        let r: ImportRequest = parse_json(&bytes)?;
        Ok(ImportBody {
            visits: (VISITS_FILE.into(), r.visits),
            staff: (STAFF_FILE.into(), r.staff),
            mapping: r.mapping,
            skip_bad_rows: r.skip_bad_rows,
        })
    }
}

/// The request field a fault's file came in.
fn field_of<'a>(body: &'a ImportBody, file: &str) -> &'a str {
    if file == body.staff.0 {
        "staff"
    } else if file == body.visits.0 {
        "visits"
    } else {
        "mapping"
    }
}

/// The 422 of an export that cannot be imported: every fault, each on its own and all
/// together in the CLI's words.
fn refused(body: &ImportBody, e: ImportError) -> ApiError {
    let message = e.to_string();
    let faults = match e {
        ImportError::Mapping(m) => return invalid("mapping", InputErrorKind::InvalidValue, m),
        ImportError::Rows(faults) => faults,
    };
    let rows: Vec<RowFault> = faults
        .iter()
        .map(|f| RowFault::of(field_of(body, &f.at.file), f))
        .collect();
    let (path, kind) = rows
        .first()
        .map_or(("visits".to_string(), InputErrorKind::InvalidValue), |r| {
            (r.field.clone(), r.kind)
        });
    tracing::info!(faults = rows.len(), "import refused");
    ApiError::Rows {
        path,
        kind,
        message,
        rows,
    }
}

/// Reads an export into a problem: the files `carerounds import csv` takes, the same
/// faults in the same words.
#[utoipa::path(post, path = "/v1/imports", tag = "imports",
    request_body(description = "The export: JSON with the CSV text in fields, or multipart/form-data with parts visits, staff, mapping (optional) and skip_bad_rows (optional) (docs/IMPORT.md)",
        content(
            (ImportRequest = "application/json"),
            (ImportForm = "multipart/form-data"))),
    responses(
        (status = 200, description = "The problem, with the booked rounds as its baseline, and the faults skipped", body = Imported),
        (status = 400, description = "Malformed JSON or multipart", body = ErrorBody),
        (status = 401, description = "Missing or unknown API key", body = ErrorBody),
        (status = 413, description = "Body or problem too large", body = ErrorBody),
        (status = 415, description = "Body neither application/json nor multipart/form-data", body = ErrorBody),
        (status = 422, description = "Faults in the export: error.rows lists every one (file, row, column, value, what is expected), error.message has them as the CLI prints them; or a bad mapping (path mapping)", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn imports(State(state): State<AppState>, _team: Team, body: ImportBody) -> Result<Response> {
    let mapping = match &body.mapping {
        Some(text) => {
            Mapping::from_toml(text).map_err(|m| invalid("mapping", InputErrorKind::InvalidValue, m))?
        }
        None => Mapping::default(),
    };
    let postcodes = state.config().postcodes.clone();
    let t0 = Instant::now();
    let (body, result) = blocking(move || {
        let export = Export {
            visits_name: &body.visits.0,
            visits: &body.visits.1,
            staff_name: &body.staff.0,
            staff: &body.staff.1,
        };
        let stem = body
            .visits
            .0
            .rsplit_once('.')
            .map_or(body.visits.0.as_str(), |(s, _)| s)
            .to_string();
        let result = import(&export, &mapping, postcodes.as_deref(), body.skip_bad_rows, &stem);
        (body, result)
    })
    .await?;
    let imported = result.map_err(|e| refused(&body, e))?;
    limits(&state, &imported.problem, "")?;
    let skipped: Vec<RowFault> = imported
        .skipped
        .iter()
        .map(|f| RowFault::of(field_of(&body, &f.at.file), f))
        .collect();
    tracing::info!(
        visits = imported.problem.visits.len(),
        staff = imported.problem.staff.len(),
        skipped = skipped.len(),
        ms = t0.elapsed().as_secs_f64() * 1e3,
        "export imported"
    );
    Ok(axum::Json(Imported {
        problem: imported.problem,
        skipped,
    })
    .into_response())
}
