//! The OpenAPI 3 document, generated from the handlers' annotations and the API types, and
//! the handler that serves it. It sits above every handler: it reads their annotations,
//! and none of them reads it.
//!
//! `Problem` and `Plan` (SPEC.md) come from the serde types in `model::input` and
//! `model::plan`. The types whose serde form is written by hand (clock times, travel modes,
//! lateness) get their schemas here, and passes finish the derive's output: tagged enums as
//! discriminated unions, the travel modes the API refuses, time windows as pairs, and
//! examples that validate.
//! tests/suite/openapi.rs checks the schemas against serde.

use super::error::{ErrorBody, ErrorDetail, RowFault};
use super::handlers::{CheckRequest, CheckResponse, Health, SlotsRequest};
use super::job_routes::{JobCreated, JobProgress, JobView};
use super::monitor::{MonitorAnswer, MonitorBody, MonitorRequest, VisitLogDoc};
use super::monitor_week::{LogRange, MonitorWeekDayRequest, MonitorWeekRequest};
use super::replans::{ReplanJobCreated, ReplanRequest};
use super::reports::{NamedPlan, ReportRequest};
use super::store::JobStatus;
use crate::durations::{ClientEstimate, Durations, TypeEstimate};
use crate::model::input::{LatenessInput, ProblemInput};
use crate::model::time::{Clock, RawClock};
use crate::model::{InputErrorKind, Plan, TravelMode};
use crate::replan::changes::{
    AddedBecause, AddedVisit, Changes, Missed, RemovedBecause, RemovedVisit, RetimedVisit, StaffChanges,
    Totals,
};
use crate::replan::{Event, Events, PinStaff, Replanned, Weights};
use crate::slots::{SkippedStaff, SlotOption, Slots};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::borrow::Cow;
use std::sync::OnceLock;
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayItems, Discriminator, Object, ObjectBuilder, OneOfBuilder, Ref, Schema, Type,
};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::RefOr;
use utoipa::{Modify, OpenApi, PartialSchema, ToSchema};

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "API key as a bearer token (servers started with --keys; without keys, no authentication on loopback)",
                    ))
                    .build(),
            ),
        );
    }
}

/// Pattern of the text form of an input clock time (hours may pass 23).
const TIME_PATTERN: &str = "^[0-9]{1,3}:[0-5][0-9](:[0-5][0-9])?$";

/// Pattern of a plan's times: carerounds writes `HH:MM:SS`, with as many hour digits as needed.
const CLOCK_PATTERN: &str = "^[0-9]+:[0-5][0-9](:[0-5][0-9])?$";

fn text(pattern: &str, example: &str) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(pattern))
        .examples([example])
        .build()
}

fn minutes() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Number)
        .minimum(Some(0))
        .build()
}

/// Input clock times (SPEC.md "Conventions"): `"HH:MM"`, `"HH:MM:SS"` or minutes.
impl PartialSchema for RawClock {
    fn schema() -> RefOr<Schema> {
        OneOfBuilder::new()
            .description(Some(
                "A clock time on the planning day: \"HH:MM\" or \"HH:MM:SS\" (hours may pass 23 when a horizon runs past midnight), or a number of minutes since 00:00.",
            ))
            .item(text(TIME_PATTERN, "09:30"))
            .item(minutes())
            .into()
    }
}

impl ToSchema for RawClock {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Time")
    }
}

/// Plan times: written as `"HH:MM:SS"`, read (by /v1/check and /v1/slots) in any input form.
impl PartialSchema for Clock {
    fn schema() -> RefOr<Schema> {
        OneOfBuilder::new()
            .description(Some(
                "A time in a plan. carerounds writes \"HH:MM:SS\", rounded to the nearest second; plans sent to it may use any clock form (\"HH:MM\", \"HH:MM:SS\" or minutes since 00:00).",
            ))
            .item(text(CLOCK_PATTERN, "08:12:30"))
            .item(minutes())
            .into()
    }
}

impl ToSchema for Clock {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Clock")
    }
}

/// `staff[].travel_mode`: serde also accepts OSRM's names `foot` and `bicycle`.
impl PartialSchema for TravelMode {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "How a staff member travels: car, walk or bike (foot and bicycle are read as walk and bike).",
            ))
            .enum_values(Some(["car", "walk", "bike", "foot", "bicycle"]))
            .into()
    }
}

impl ToSchema for TravelMode {}

/// `visits[].max_lateness_min`: minutes, or the word `unbounded`.
impl PartialSchema for LatenessInput {
    fn schema() -> RefOr<Schema> {
        let word = ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(["unbounded"]))
            .build();
        OneOfBuilder::new()
            .description(Some(
                "How many minutes past the end of its window a visit may start, or \"unbounded\".",
            ))
            .item(minutes())
            .item(word)
            .into()
    }
}

impl ToSchema for LatenessInput {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Lateness")
    }
}

/// Internally tagged enums (`travel` on `mode`, plan steps on `type`) come out of the derive
/// as a `oneOf` of inline objects. This names each variant (`TravelMatrix`, `StepVisit`, ...)
/// and adds a discriminator with its mapping, so client generators make one type per variant.
/// Both enums deny unknown fields, which the derive leaves out of tagged variants.
struct TaggedUnions;

impl Modify for TaggedUnions {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for (name, tag) in [("Travel", "mode"), ("Step", "type")] {
            let Some(RefOr::T(Schema::OneOf(union))) = components.schemas.get_mut(name) else {
                panic!("{name} is not a oneOf");
            };
            let mut variants = Vec::new();
            let mut mapping = Vec::new();
            for item in &mut union.items {
                let value = match item {
                    RefOr::T(Schema::Object(variant)) => {
                        variant.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
                        match variant.properties.get(tag) {
                            Some(RefOr::T(Schema::Object(t))) => {
                                t.enum_values.as_ref().and_then(|e| e.first())
                            }
                            _ => None,
                        }
                    }
                    _ => None,
                };
                let Some(value) = value.and_then(|v| v.as_str()).map(str::to_string) else {
                    panic!("a variant of {name} has no '{tag}'");
                };
                let variant = format!("{name}{}", pascal(&value));
                let schema = std::mem::replace(item, RefOr::Ref(Ref::from_schema_name(&variant)));
                mapping.push((value, format!("#/components/schemas/{variant}")));
                variants.push((variant, schema));
            }
            union.discriminator = Some(Discriminator::with_mapping(tag, mapping));
            components.schemas.extend(variants);
        }
    }
}

/// Road and OSRM travel read files or call servers of the sender's choosing: the CLI takes
/// them, the HTTP API answers 422 (`handlers::validated`). Said where a client reads it.
struct LocalTravel;

impl Modify for LocalTravel {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for name in ["TravelRoad", "TravelOsrm"] {
            let Some(RefOr::T(Schema::Object(o))) = components.schemas.get_mut(name) else {
                panic!("{name} is an object schema (made by TaggedUnions)");
            };
            let text = o.description.take().unwrap_or_default();
            o.description = Some(format!(
                "{text} For the CLI only: the HTTP API answers 422 (send a `matrix`, which `carerounds matrix` writes)."
            ));
        }
    }
}

/// `visits[].time_windows` is a list of `[start, end]` pairs (`[RawClock; 2]`), which the
/// derive writes as a list of lists of any length.
struct WindowPairs;

impl Modify for WindowPairs {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let pair = match components.schemas.get_mut("Visit") {
            Some(RefOr::T(Schema::Object(visit))) => match visit.properties.get_mut("time_windows") {
                Some(RefOr::T(Schema::Array(windows))) => match &mut windows.items {
                    ArrayItems::RefOrSchema(item) => match item.as_mut() {
                        RefOr::T(Schema::Array(pair)) => Some(pair),
                        _ => None,
                    },
                    ArrayItems::False => None,
                },
                _ => None,
            },
            _ => None,
        };
        let pair = pair.expect("Visit.time_windows is a list of lists");
        pair.min_items = Some(2);
        pair.max_items = Some(2);
    }
}

/// A small valid day, its plan and queries on them: the schemas' examples, so that readers
/// (and schemathesis) have a request that gets past validation.
struct Examples;

/// One nurse, two visits (one needing insulin skills, one optional), a break.
fn example_problem() -> Value {
    json!({
        "name": "Example: one nurse, two visits",
        "travel": {"mode": "haversine", "speed_kmh": 30, "detour_factor": 1.3},
        "locations": [{"id": "base", "lat": 52.67, "lon": -0.73}],
        "staff": [{
            "id": "ann", "organisation": "NHS", "skills": ["insulin"],
            "shift": {"start": "08:00", "end": "12:00"}, "start_location": "base",
            "breaks": [{"earliest": "10:00", "latest": "11:00", "duration_min": 15}]
        }],
        "visits": [
            {"id": "v1", "client": "c1", "location": {"lat": 52.68, "lon": -0.72}, "duration_min": 30,
             "time_windows": [["08:30", "09:30"]], "skills": ["insulin"]},
            {"id": "v2", "client": "c2", "location": {"lat": 52.66, "lon": -0.75}, "duration_min": 20,
             "priority": "optional"}
        ],
        "options": {"time_limit_s": 0.2, "seed": 1, "threads": 1}
    })
}

/// The plan carerounds gives for [`example_problem`] (tests/suite/openapi.rs checks it).
fn example_plan() -> Value {
    json!({
        "routes": [{
            "staff": "ann",
            "steps": [
                {"type": "start", "location": "base", "time": "08:00:00"},
                {"type": "visit", "visit": "v2", "arrival": "08:04:33", "start": "08:04:33",
                 "end": "08:24:33", "travel_min": 4.5448, "distance_km": 2.2724, "wait_min": 0.0,
                 "late_min": 0.0},
                {"type": "visit", "visit": "v1", "arrival": "08:32:22", "start": "08:32:22",
                 "end": "09:02:22", "travel_min": 7.8163, "distance_km": 3.9082, "wait_min": 0.0,
                 "late_min": 0.0},
                {"type": "break", "start": "10:00:00", "end": "10:15:00"},
                {"type": "end", "location": "base", "arrival": "10:18:23", "travel_min": 3.381,
                 "distance_km": 1.6905}
            ],
            "travel_min": 15.7422, "distance_km": 7.8711, "visit_min": 50.0, "wait_min": 57.6388,
            "break_min": 15.0, "free_min": 101.619
        }],
        "unassigned": [],
        "summary": {
            "travel_min": 15.7422, "distance_km": 7.8711, "visits_assigned": 2,
            "visits_unassigned": 0, "free_min": 101.619, "overtime_min": 0.0, "lateness_min": 0.0,
            "max_lateness_min": 0.0, "objective": 15.7422
        }
    })
}

impl Modify for Examples {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let (problem, plan) = (example_problem(), example_plan());
        let visit = json!({
            "id": "v3", "client": "c3", "location": {"lat": 52.675, "lon": -0.74},
            "duration_min": 20, "time_windows": [["10:30", "11:30"]]
        });
        let check = json!({"problem": problem, "plan": plan});
        let slots = json!({"problem": problem, "plan": plan, "visit": visit, "k": 3});
        let components = openapi.components.get_or_insert_with(Default::default);
        for (name, example) in [
            ("Problem", &problem),
            ("Plan", &plan),
            ("Visit", &visit),
            ("CheckRequest", &check),
            ("SlotsRequest", &slots),
        ] {
            match components.schemas.get_mut(name) {
                Some(RefOr::T(Schema::Object(o))) => o.examples = vec![example.clone()],
                _ => panic!("{name} is an object schema"),
            }
        }
        // The request bodies too: tools read examples there first.
        for (path, example) in [
            ("/v1/plans", &problem),
            ("/v1/jobs", &problem),
            ("/v1/check", &check),
            ("/v1/slots", &slots),
        ] {
            let body = openapi
                .paths
                .paths
                .get_mut(path)
                .and_then(|item| item.post.as_mut())
                .and_then(|op| op.request_body.as_mut())
                .and_then(|body| body.content.get_mut("application/json"));
            match body {
                Some(content) => content.example = Some(example.clone()),
                None => panic!("POST {path} takes a JSON body"),
            }
        }
    }
}

/// `POST /v1/plans` and `/v1/jobs` take a problem with an optional `durations` field
/// beside its own (`api::plan_body`; null is read as absent): `PlanRequest` is the
/// `Problem` schema with that property added, so it stays closed
/// (`additionalProperties: false`) like `Problem`.
struct PlanBodies;

impl Modify for PlanBodies {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        variant(
            components,
            "Problem",
            "PlanRequest",
            "A problem (SPEC.md) with, optionally, learned visit lengths (docs/DURATIONS.md) applied before validation.",
            |body| {
                // `"durations": null` reads as no durations, as the optional field of /v1/slots.
                body.properties.insert(
                    super::plan_body::FIELD.into(),
                    OneOfBuilder::new()
                        .item(ObjectBuilder::new().schema_type(Type::Null))
                        .item(Ref::from_schema_name("Durations"))
                        .into(),
                );
            },
        );
        for path in ["/v1/plans", "/v1/jobs"] {
            let content = openapi
                .paths
                .paths
                .get_mut(path)
                .and_then(|item| item.post.as_mut())
                .and_then(|op| op.request_body.as_mut())
                .and_then(|body| body.content.get_mut("application/json"));
            match content {
                Some(c) => c.schema = Some(RefOr::Ref(Ref::from_schema_name("PlanRequest"))),
                None => panic!("POST {path} takes a JSON body"),
            }
        }
    }
}

/// Adds the schema `name`: a copy of the object schema `of` (closed as it is) with its
/// own title and description, changed by `edit`; for a body that is a SPEC document with
/// one field more or one less required.
fn variant(
    components: &mut utoipa::openapi::Components,
    of: &str,
    name: &str,
    description: &str,
    edit: impl FnOnce(&mut Object),
) {
    let mut schema = match components.schemas.get(of) {
        Some(RefOr::T(Schema::Object(o))) => o.clone(),
        _ => panic!("{of} is an object schema"),
    };
    schema.title = Some(name.into());
    schema.description = Some(description.into());
    edit(&mut schema);
    components
        .schemas
        .insert(name.into(), RefOr::T(Schema::Object(schema)));
}

/// `snake_case` to `PascalCase`.
fn pascal(s: &str) -> String {
    s.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// `POST /v1/check` takes a plan that may leave out `summary` (`handlers::check_request`):
/// `CheckRequest.plan` is `CheckPlan`, the `Plan` schema with `summary` no longer required.
struct CheckBodies;

impl Modify for CheckBodies {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        variant(
            components,
            "Plan",
            "CheckPlan",
            "A plan to check (SPEC.md). Without `summary` (a plan edited by hand) its routes, steps and their figures are checked and the summary's figures are not.",
            |plan| plan.required.retain(|name| name != "summary"),
        );
        match components.schemas.get_mut("CheckRequest") {
            Some(RefOr::T(Schema::Object(o))) => {
                o.properties
                    .insert("plan".into(), RefOr::Ref(Ref::from_schema_name("CheckPlan")));
            }
            _ => panic!("CheckRequest is an object schema"),
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "carerounds",
        description = "Plans the daily visit rounds of integrated health and social care teams. Problems and plans follow SPEC.md (version 1). Errors: {\"error\": {\"code\", \"message\", \"path\", \"kind\"}}, and for a booking-system export every row at fault in error.rows."
    ),
    paths(
        super::handlers::plans,
        super::job_routes::create_job,
        super::job_routes::list_jobs,
        super::job_routes::get_job,
        super::job_routes::delete_job,
        super::handlers::slots,
        super::handlers::check,
        super::replans::replans,
        super::imports::imports,
        super::reports::reports,
        super::monitor::monitor,
        super::visit_logs::store_logs,
        super::visit_logs::list_logs,
        super::visit_logs::erase_logs,
        super::handlers::health,
        super::handlers::metrics,
        openapi
    ),
    components(schemas(
        ErrorBody, ErrorDetail, InputErrorKind, ProblemInput, Plan, JobCreated, JobView, JobProgress, JobStatus,
        SlotsRequest, Slots, SlotOption, SkippedStaff, CheckRequest, CheckResponse, Health,
        ReportRequest, NamedPlan, MonitorRequest, VisitLogDoc, crate::monitor::MonitorReport,
        crate::monitor::LogColumns, crate::monitor::RefusedRow,
        MonitorBody, MonitorAnswer, MonitorWeekRequest, MonitorWeekDayRequest, LogRange,
        crate::monitor::WeekReport, crate::monitor::WeekDayReport, crate::monitor::WeekRow,
        crate::monitor::WeekTeam, crate::monitor::WeekRefusal,
        super::visit_logs::VisitLogsRequest, super::visit_logs::VisitLogsStored,
        super::visit_logs::VisitLogList, super::visit_logs::VisitLogsErased, super::store::StoredLog,
        ReplanRequest, Replanned, ReplanJobCreated, Events, Event, PinStaff, Weights,
        Changes, StaffChanges, AddedVisit, RemovedVisit, RetimedVisit, AddedBecause, RemovedBecause, Totals, Missed,
        Durations, ClientEstimate, TypeEstimate,
        super::imports::ImportRequest, super::imports::ImportForm, super::imports::Imported, RowFault
    )),
    modifiers(&BearerAuth, &TaggedUnions, &LocalTravel, &WindowPairs, &Examples, &PlanBodies, &CheckBodies)
)]
struct ApiDoc;

/// The document (built once).
pub fn doc() -> &'static utoipa::openapi::OpenApi {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOC.get_or_init(ApiDoc::openapi)
}

/// The OpenAPI 3 document of this API (no authentication).
#[utoipa::path(get, path = "/openapi.json", tag = "ops", responses((status = 200, description = "OpenAPI 3.1 document")))]
pub async fn openapi() -> Response {
    axum::Json(doc()).into_response()
}
