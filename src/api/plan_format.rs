//! `?format=` on the endpoints that answer a plan (`POST /v1/plans`, `GET /v1/jobs/{id}`,
//! `POST /v1/replans`), so a booking system takes the rounds back without a JSON step:
//! `json` (the default: the endpoint's own answer), `csv` (exactly the rows
//! `carerounds export --format csv` writes, `staff` for one round), or `ics` with `staff`
//! (the calendar `carerounds export --format ics --staff ID` writes, on `date` or today).
//! A bad value is a 422 naming the parameter, as for every other query parameter.

use super::error::ApiError;
use crate::formats::export::{plan_csv, staff_calendar, CalendarDate};
use crate::model::input::ProblemInput;
use crate::model::{InputErrorKind, Plan};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

type Result<T> = std::result::Result<T, ApiError>;

/// The formats, as the parameter spells them.
pub const FORMATS: &str = "json, csv or ics";

/// The query of `POST /v1/plans` and `GET /v1/jobs/{id}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormatQuery {
    /// `json` (default), `csv` or `ics`.
    pub format: Option<String>,
    /// Only this staff member's round (csv; needed for ics).
    pub staff: Option<String>,
    /// The day, `YYYY-MM-DD` (ics; default today, UTC).
    pub date: Option<String>,
}

/// What the answer is.
#[derive(Debug, Clone, PartialEq)]
pub enum PlanFormat {
    /// The endpoint's JSON.
    Json,
    /// The export's CSV rows, of every round or of one staff member's.
    Csv {
        /// Only this round.
        staff: Option<String>,
    },
    /// One staff member's iCalendar file.
    Ics {
        /// Whose round.
        staff: String,
        /// The day the plan is for.
        date: CalendarDate,
    },
}

fn bad(path: &str, kind: InputErrorKind, message: String) -> ApiError {
    ApiError::Invalid {
        path: path.into(),
        kind,
        message,
    }
}

impl FormatQuery {
    /// The format asked for, or a 422 naming the parameter at fault.
    pub fn format(&self) -> Result<PlanFormat> {
        let staff = self.staff.clone();
        let format = match self.format.as_deref().map(str::trim) {
            None | Some("json") => PlanFormat::Json,
            Some("csv") => PlanFormat::Csv { staff },
            Some("ics") => {
                let staff = staff.ok_or_else(|| {
                    bad(
                        "staff",
                        InputErrorKind::MissingField,
                        "format=ics is one staff member's calendar: add staff=ID".into(),
                    )
                })?;
                let date = match &self.date {
                    Some(d) => CalendarDate::parse(d).ok_or_else(|| {
                        bad(
                            "date",
                            InputErrorKind::InvalidValue,
                            format!("{d:?} is not a date (expected YYYY-MM-DD)"),
                        )
                    })?,
                    None => today(),
                };
                return Ok(PlanFormat::Ics { staff, date });
            }
            Some(other) => {
                return Err(bad(
                    "format",
                    InputErrorKind::InvalidValue,
                    format!("{other:?} is not a plan format (expected {FORMATS})"),
                ))
            }
        };
        if self.date.is_some() {
            return Err(bad(
                "date",
                InputErrorKind::Conflict,
                "date is the calendar's day: it goes with format=ics".into(),
            ));
        }
        if format == PlanFormat::Json && self.staff.is_some() {
            return Err(bad(
                "staff",
                InputErrorKind::Conflict,
                "staff picks a round of format=csv or format=ics; the JSON answer has every round".into(),
            ));
        }
        Ok(format)
    }
}

impl PlanFormat {
    /// Whether the endpoint answers its own JSON.
    pub fn is_json(&self) -> bool {
        *self == PlanFormat::Json
    }

    /// The staff member picked, if any.
    fn staff(&self) -> Option<&str> {
        match self {
            PlanFormat::Json => None,
            PlanFormat::Csv { staff } => staff.as_deref(),
            PlanFormat::Ics { staff, .. } => Some(staff),
        }
    }

    /// Before the work: a picked staff member must be in the problem.
    pub fn check_staff(&self, problem: &ProblemInput) -> Result<()> {
        match self.staff() {
            Some(id) if !problem.staff.iter().any(|s| s.id == id) => Err(no_round(id, "problem")),
            _ => Ok(()),
        }
    }

    /// The plan in this format (not [`PlanFormat::Json`], which is the endpoint's own).
    pub fn respond(&self, problem: &ProblemInput, plan: &Plan) -> Result<Response> {
        if let Some(id) = self.staff() {
            if !plan.routes.iter().any(|r| r.staff == id) {
                return Err(no_round(id, "plan"));
            }
        }
        let (kind, body) = match self {
            PlanFormat::Json => {
                tracing::error!("respond called for the JSON form");
                return Err(ApiError::Internal);
            }
            PlanFormat::Csv { staff } => (
                "text/csv; charset=utf-8",
                plan_csv(problem, plan, staff.as_deref()),
            ),
            PlanFormat::Ics { staff, date } => {
                let route = plan
                    .routes
                    .iter()
                    .find(|r| &r.staff == staff)
                    .ok_or_else(|| no_round(staff, "plan"))?;
                let (stamp, _) = CalendarDate::stamp(now_secs());
                (
                    "text/calendar; charset=utf-8",
                    staff_calendar(problem, route, *date, &stamp),
                )
            }
        };
        let mut resp = body.into_response();
        resp.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
        Ok(resp)
    }
}

fn no_round(id: &str, document: &str) -> ApiError {
    bad(
        "staff",
        InputErrorKind::UnknownReference,
        format!("the {document} has no round for {id:?}"),
    )
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn today() -> CalendarDate {
    CalendarDate::stamp(now_secs()).1
}
