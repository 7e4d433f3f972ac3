//! The OpenAPI 3 document, generated from the handlers' annotations and the API types.

use super::error::{ErrorBody, ErrorDetail};
use super::handlers::{
    CheckRequest, CheckResponse, Health, JobCreated, JobProgress, JobView, PlanDoc, ProblemDoc, SlotsRequest,
};
use super::reports::{NamedPlan, ReportRequest};
use super::store::JobStatus;
use crate::book::{SkippedStaff, SlotOption, Slots};
use std::sync::OnceLock;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

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

#[derive(OpenApi)]
#[openapi(
    info(
        title = "carerounds",
        description = "Plans the daily visit rounds of integrated health and social care teams. Problems and plans follow SPEC.md (version 1). Errors: {\"error\": {\"code\", \"message\", \"path\"}}."
    ),
    paths(
        super::handlers::plans,
        super::handlers::create_job,
        super::handlers::list_jobs,
        super::handlers::get_job,
        super::handlers::delete_job,
        super::handlers::slots,
        super::handlers::check,
        super::reports::reports,
        super::handlers::health,
        super::handlers::metrics,
        super::handlers::openapi
    ),
    components(schemas(
        ErrorBody, ErrorDetail, ProblemDoc, PlanDoc, JobCreated, JobView, JobProgress, JobStatus,
        SlotsRequest, Slots, SlotOption, SkippedStaff, CheckRequest, CheckResponse, Health,
        ReportRequest, NamedPlan
    )),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

/// The document (built once).
pub fn doc() -> &'static utoipa::openapi::OpenApi {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOC.get_or_init(ApiDoc::openapi)
}
