//! The OpenAPI document (`GET /openapi.json`): it parses, every `$ref` resolves, the
//! `Problem` and `Plan` schemas say what serde accepts, and real documents (the bundled
//! sample day, solver output) validate against them.
//!
//! The validator below covers the subset of JSON Schema the document uses and panics on any
//! other keyword, so a schema it cannot judge fails the test instead of passing unread.

use carerounds::model::input::ProblemInput;
use carerounds::model::{parse_problem, Plan};
use carerounds::solve::Solver;
use regex::Regex;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

fn doc() -> Value {
    serde_json::to_value(carerounds::api::openapi::doc()).expect("the document serialises")
}

fn read(path: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json_file(path: &str) -> Value {
    serde_json::from_str(&read(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A JSON Schema (2020-12 subset, as OpenAPI 3.1 uses it) checker over one document's
/// `components.schemas`.
struct Validator<'a> {
    schemas: &'a Map<String, Value>,
}

/// Keywords that only annotate.
const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "examples",
    "example",
    "default",
    "format",
    "discriminator",
    "deprecated",
    "readOnly",
    "writeOnly",
];

impl<'a> Validator<'a> {
    fn new(doc: &'a Value) -> Self {
        let schemas = doc["components"]["schemas"]
            .as_object()
            .expect("components.schemas");
        Validator { schemas }
    }

    fn named(&self, name: &str) -> &'a Value {
        self.schemas
            .get(name)
            .unwrap_or_else(|| panic!("no schema {name}"))
    }

    /// `Ok` when `value` matches the named component, else the first mismatch with its path.
    fn check(&self, name: &str, value: &Value) -> Result<(), String> {
        self.validate(self.named(name), value, "")
    }

    fn validate(&self, schema: &Value, value: &Value, path: &str) -> Result<(), String> {
        let schema = match schema {
            Value::Bool(true) => return Ok(()),
            Value::Bool(false) => return Err(format!("{path}: no value is allowed here")),
            Value::Object(o) => o,
            other => panic!("{path}: a schema must be an object or a boolean, not {other}"),
        };
        for key in schema.keys() {
            let known = [
                "$ref",
                "type",
                "enum",
                "const",
                "properties",
                "required",
                "additionalProperties",
                "items",
                "minItems",
                "maxItems",
                "oneOf",
                "anyOf",
                "allOf",
                "pattern",
                "minimum",
                "maximum",
                "propertyNames",
            ];
            assert!(
                known.contains(&key.as_str()) || ANNOTATIONS.contains(&key.as_str()),
                "{path}: the test's validator does not know the keyword {key:?}"
            );
        }
        if let Some(r) = schema.get("$ref") {
            let r = r.as_str().expect("$ref is a string");
            let name = r
                .strip_prefix("#/components/schemas/")
                .expect("a component reference");
            self.validate(self.named(name), value, path)?;
        }
        if let Some(t) = schema.get("type") {
            let types: Vec<&str> = match t {
                Value::String(s) => vec![s.as_str()],
                Value::Array(a) => a.iter().map(|t| t.as_str().expect("type names")).collect(),
                other => panic!("{path}: bad type {other}"),
            };
            if !types.iter().any(|t| is_type(t, value)) {
                return Err(format!(
                    "{path}: {} is not of type {}",
                    short(value),
                    types.join(" or ")
                ));
            }
        }
        if let Some(e) = schema.get("enum") {
            let e = e.as_array().expect("enum is an array");
            if !e.contains(value) {
                return Err(format!(
                    "{path}: {} is not one of {}",
                    short(value),
                    Value::from(e.clone())
                ));
            }
        }
        if let Some(c) = schema.get("const") {
            if c != value {
                return Err(format!("{path}: {} is not {c}", short(value)));
            }
        }
        if let (Some(p), Value::String(s)) = (schema.get("pattern"), value) {
            let re = Regex::new(p.as_str().expect("pattern is a string")).expect("pattern compiles");
            if !re.is_match(s) {
                return Err(format!("{path}: {s:?} does not match {p}"));
            }
        }
        if let Some(n) = value.as_f64() {
            if let Some(min) = schema.get("minimum").and_then(Value::as_f64) {
                if n < min {
                    return Err(format!("{path}: {n} is below the minimum {min}"));
                }
            }
            if let Some(max) = schema.get("maximum").and_then(Value::as_f64) {
                if n > max {
                    return Err(format!("{path}: {n} is above the maximum {max}"));
                }
            }
        }
        if let Value::Object(obj) = value {
            self.object(schema, obj, path)?;
        }
        if let Value::Array(items) = value {
            if let Some(min) = schema.get("minItems").and_then(Value::as_u64) {
                if (items.len() as u64) < min {
                    return Err(format!("{path}: {} items, fewer than {min}", items.len()));
                }
            }
            if let Some(max) = schema.get("maxItems").and_then(Value::as_u64) {
                if items.len() as u64 > max {
                    return Err(format!("{path}: {} items, more than {max}", items.len()));
                }
            }
            if let Some(item) = schema.get("items") {
                for (i, v) in items.iter().enumerate() {
                    self.validate(item, v, &format!("{path}[{i}]"))?;
                }
            }
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            for s in all {
                self.validate(s, value, path)?;
            }
        }
        if let Some(any) = schema.get("anyOf").and_then(Value::as_array) {
            let errs: Vec<String> = any
                .iter()
                .filter_map(|s| self.validate(s, value, path).err())
                .collect();
            if errs.len() == any.len() {
                return Err(format!("{path}: matches none of anyOf: {}", errs.join("; ")));
            }
        }
        if let Some(one) = schema.get("oneOf").and_then(Value::as_array) {
            let results: Vec<Result<(), String>> =
                one.iter().map(|s| self.validate(s, value, path)).collect();
            let ok = results.iter().filter(|r| r.is_ok()).count();
            if ok != 1 {
                let errs: Vec<String> = results.into_iter().filter_map(Result::err).collect();
                return Err(format!(
                    "{path}: {} matches {ok} of oneOf's {} schemas (exactly one needed){}",
                    short(value),
                    one.len(),
                    if errs.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", errs.join("; "))
                    }
                ));
            }
        }
        Ok(())
    }

    fn object(
        &self,
        schema: &Map<String, Value>,
        obj: &Map<String, Value>,
        path: &str,
    ) -> Result<(), String> {
        let props = schema.get("properties").and_then(Value::as_object);
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for r in required {
                let r = r.as_str().expect("required names");
                if !obj.contains_key(r) {
                    return Err(format!("{path}: missing required field {r:?}"));
                }
            }
        }
        if let Some(names) = schema.get("propertyNames") {
            for k in obj.keys() {
                self.validate(names, &Value::String(k.clone()), &format!("{path} key {k:?}"))?;
            }
        }
        for (k, v) in obj {
            let sub = format!("{path}.{k}");
            match props.and_then(|p| p.get(k)) {
                Some(s) => self.validate(s, v, &sub)?,
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => return Err(format!("{path}: unknown field {k:?}")),
                    Some(s) => self.validate(s, v, &sub)?,
                    None => {}
                },
            }
        }
        Ok(())
    }
}

fn is_type(t: &str, v: &Value) -> bool {
    match t {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "number" => v.is_number(),
        // Integers as serde reads them: written without a fraction or exponent.
        "integer" => v.is_i64() || v.is_u64(),
        other => panic!("unknown type {other}"),
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 {
        format!("{}...", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}

fn refs(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(o) => {
            for (k, v) in o {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => {
                        out.insert(r.clone());
                    }
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

fn required(schema: &Value) -> BTreeSet<&str> {
    schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn properties(schema: &Value) -> BTreeSet<&str> {
    schema["properties"]
        .as_object()
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn document_parses_and_round_trips() {
    let doc = doc();
    let text = serde_json::to_string_pretty(&doc).unwrap();
    let back: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(back, doc);
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")));
    for path in [
        "/v1/plans",
        "/v1/jobs",
        "/v1/jobs/{id}",
        "/v1/slots",
        "/v1/check",
        "/v1/imports",
        "/openapi.json",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is described");
    }
}

#[test]
fn every_ref_resolves() {
    let doc = doc();
    let mut all = BTreeSet::new();
    refs(&doc, &mut all);
    assert!(all.len() > 20, "the document references its components: {all:?}");
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for r in &all {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("{r} is not a component"));
        assert!(schemas.contains_key(name), "{r} does not resolve");
    }
}

#[test]
fn problem_and_plan_match_serde() {
    let doc = doc();
    let v = Validator::new(&doc);
    let problem = v.named("Problem");
    assert_eq!(required(problem), BTreeSet::from(["staff", "visits"]));
    assert_eq!(
        properties(problem),
        BTreeSet::from([
            "name",
            "travel",
            "locations",
            "staff",
            "visits",
            "baseline",
            "objective",
            "options",
            "sources"
        ])
    );
    assert_eq!(problem["additionalProperties"], json!(false));
    let plan = v.named("Plan");
    assert_eq!(required(plan), BTreeSet::from(["routes", "summary"]));
    assert_eq!(
        properties(plan),
        BTreeSet::from(["routes", "unassigned", "summary", "warnings"])
    );
    assert_eq!(plan["additionalProperties"], json!(false));

    let staff = v.named("Staff");
    assert_eq!(required(staff), BTreeSet::from(["id", "shift", "start_location"]));
    let visit = v.named("Visit");
    assert_eq!(
        required(visit),
        BTreeSet::from(["id", "location", "duration_min"])
    );
    let route = v.named("Route");
    assert_eq!(
        required(route),
        BTreeSet::from([
            "staff",
            "steps",
            "travel_min",
            "distance_km",
            "visit_min",
            "wait_min",
            "break_min",
            "free_min"
        ])
    );

    // Every object schema of the two documents rejects unknown fields, as serde does.
    for (name, s) in doc["components"]["schemas"].as_object().unwrap() {
        let ours = !matches!(
            name.as_str(),
            "ErrorBody"
                | "ErrorDetail"
                | "JobCreated"
                | "JobView"
                | "JobProgress"
                | "Slots"
                | "SlotOption"
                | "SkippedStaff"
                | "CheckResponse"
                | "Health"
                // Answers of the job store (api/job_routes.rs), not documents a client sends.
                | "JobErased"
                | "JobList"
                | "JobSummary"
                | "Deleted"
                // The monitoring report (api/monitor.rs): an answer too.
                | "MonitorReport"
                | "VisitRow"
                | "Times"
                | "MonitorTotals"
                | "PlannedActual"
                | "StaffRow"
                | "OrganisationRow"
                | "RefusedRow"
                // The week's monitoring report (api/monitor_week.rs).
                | "MonitorWeekReport"
                | "MonitorWeekDay"
                | "WeekRow"
                | "WeekTeam"
                | "WeekRefusal"
                // Answers of the visit-log store (api/visit_logs.rs).
                | "VisitLogsStored"
                | "VisitLogList"
                | "VisitLogsErased"
                | "StoredLog"
                // The import's answer and its rows at fault (api/imports.rs, api/error.rs),
                // and its multipart form, which has parts, not JSON fields.
                | "Imported"
                | "RowFault"
                | "ImportForm"
        );
        if ours && s.get("properties").is_some() {
            assert_eq!(
                s["additionalProperties"],
                json!(false),
                "{name} rejects unknown fields"
            );
        }
    }

    // Tagged enums are discriminated unions of named variants.
    for (name, tag, variants) in [
        ("Step", "type", vec!["start", "visit", "base", "break", "end"]),
        ("Travel", "mode", vec!["haversine", "matrix", "road", "osrm"]),
    ] {
        let union = v.named(name);
        assert_eq!(union["discriminator"]["propertyName"], json!(tag), "{name}");
        let mapping = union["discriminator"]["mapping"].as_object().unwrap();
        assert_eq!(
            mapping.keys().map(String::as_str).collect::<BTreeSet<_>>(),
            variants.iter().copied().collect()
        );
        for (value, r) in mapping {
            let variant = v.named(r.as_str().unwrap().rsplit('/').next().unwrap());
            assert_eq!(
                variant["properties"][tag]["enum"],
                json!([value]),
                "{name} {value}"
            );
            assert!(required(variant).contains(tag), "{name} {value} requires {tag}");
            assert_eq!(variant["additionalProperties"], json!(false), "{name} {value}");
        }
    }
    // Untagged enums are plain unions.
    for name in ["LocationRef", "Time", "Clock", "Lateness"] {
        assert_eq!(v.named(name)["oneOf"].as_array().map(Vec::len), Some(2), "{name}");
    }
}

fn body_ref<'a>(doc: &'a Value, pointer: &str) -> &'a str {
    doc.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no $ref at {pointer}"))
}

#[test]
fn bodies_reference_problem_and_plan() {
    let doc = doc();
    let problem = "#/components/schemas/Problem";
    let plan = "#/components/schemas/Plan";
    let plan_request = "#/components/schemas/PlanRequest";
    let json = "content/application~1json/schema";
    let paths = "/paths";
    assert_eq!(
        body_ref(&doc, &format!("{paths}/~1v1~1plans/post/requestBody/{json}/$ref")),
        plan_request
    );
    assert_eq!(
        body_ref(
            &doc,
            &format!("{paths}/~1v1~1plans/post/responses/200/{json}/$ref")
        ),
        plan
    );
    assert_eq!(
        body_ref(&doc, &format!("{paths}/~1v1~1jobs/post/requestBody/{json}/$ref")),
        plan_request
    );
    let v = Validator::new(&doc);
    // PlanRequest is Problem plus `durations` (docs/DURATIONS.md), closed like Problem.
    let mut with = properties(v.named("Problem"));
    with.insert("durations");
    assert_eq!(properties(v.named("PlanRequest")), with);
    assert_eq!(required(v.named("PlanRequest")), required(v.named("Problem")));
    assert_eq!(v.named("PlanRequest")["additionalProperties"], json!(false));
    let job_plan = serde_json::to_string(&v.named("JobView")["properties"]["plan"]).unwrap();
    assert!(job_plan.contains(plan), "JobView.plan is a Plan: {job_plan}");
    let slots = v.named("SlotsRequest");
    assert_eq!(slots["properties"]["problem"]["$ref"], json!(problem));
    assert_eq!(slots["properties"]["plan"]["$ref"], json!(plan));
    assert_eq!(
        slots["properties"]["visit"]["$ref"],
        json!("#/components/schemas/Visit")
    );
    let check = v.named("CheckRequest");
    assert_eq!(check["properties"]["problem"]["$ref"], json!(problem));
    // CheckPlan is Plan with `summary` optional (a plan edited by hand), closed like Plan.
    assert_eq!(
        check["properties"]["plan"]["$ref"],
        json!("#/components/schemas/CheckPlan")
    );
    assert_eq!(properties(v.named("CheckPlan")), properties(v.named("Plan")));
    let mut without = required(v.named("Plan"));
    assert!(without.remove("summary"));
    assert_eq!(required(v.named("CheckPlan")), without);
    assert_eq!(
        v.named("CheckPlan")["additionalProperties"],
        v.named("Plan")["additionalProperties"]
    );
}

const PROBLEMS: &[&str] = &[
    "data/sample-day.json",
    "data/mankowska/spec/InstanzCPLEX_HCSRP_10_1.json",
    "tests/common/check_problem.json",
    "tests/common/report_problem.json",
];

#[test]
fn bundled_problems_validate() {
    let doc = doc();
    let v = Validator::new(&doc);
    for path in PROBLEMS {
        let problem = json_file(path);
        if let Err(e) = v.check("Problem", &problem) {
            panic!("{path}: {e}");
        }
    }
    // The SPEC's example, with every field of a problem.
    if let Err(e) = v.check("Problem", &spec_problem()) {
        panic!("SPEC example: {e}");
    }
}

#[test]
fn validator_rejects_what_serde_rejects() {
    let doc = doc();
    let v = Validator::new(&doc);
    let good = spec_problem();
    let mut bad = good.clone();
    bad["visits"][0]["duration"] = json!(30);
    assert!(v
        .check("Problem", &bad)
        .unwrap_err()
        .contains("unknown field \"duration\""));
    let mut bad = good.clone();
    bad.as_object_mut().unwrap().remove("staff");
    assert!(v
        .check("Problem", &bad)
        .unwrap_err()
        .contains("missing required field \"staff\""));
    let mut bad = good.clone();
    bad["travel"] = json!({"mode": "teleport"});
    assert!(v.check("Problem", &bad).is_err());
    let mut bad = good.clone();
    bad["staff"][0]["shift"]["start"] = json!("8 am");
    assert!(v.check("Problem", &bad).unwrap_err().contains("oneOf"));
    let mut bad = good;
    bad["visits"][0]["location"] = json!({"lat": 52.9});
    assert!(v.check("Problem", &bad).is_err());
}

/// SPEC.md's problem example, plus the extensions, so every schema of a problem is used.
fn spec_problem() -> Value {
    json!({
      "name": "North locality, Tuesday",
      "travel": {"mode": "haversine", "speed_kmh": 30, "detour_factor": 1.3},
      "locations": [{"id": "base", "lat": 52.95, "lon": -1.15}, {"id": "v0home", "lat": 52.97, "lon": -1.16}],
      "staff": [{
        "id": "ann",
        "organisation": "NHS",
        "skills": ["nursing", "insulin"],
        "shift": {"start": "08:00", "end": "16:30"},
        "start_location": "base",
        "end_location": {"lat": 52.95, "lon": -1.15},
        "breaks": [{"earliest": "12:00", "latest": 840, "duration_min": 30}],
        "admin_min": 60,
        "max_travel_min": 180,
        "max_visits": 12,
        "max_overtime_min": 15,
        "capacity": 10,
        "travel_mode": "car"
      }],
      "visits": [{
        "id": "v1",
        "client": "c17",
        "location": {"lat": 52.96, "lon": -1.17},
        "duration_min": 30,
        "time_windows": [["09:00", "10:30:00"]],
        "skills": ["insulin"],
        "staff_count": 1,
        "priority": "required",
        "preferred_staff": ["ann"],
        "excluded_staff": [],
        "after": [{"visit": "v0", "min_gap_min": 120, "max_gap_min": 300}],
        "max_lateness_min": "unbounded",
        "demand": 1
      }, {
        "id": "v0", "location": "v0home", "duration_min": 15, "priority": "optional",
        "max_lateness_min": 10
      }],
      "baseline": {"routes": [{"staff": "ann", "visits": ["v0", "v1"]}]},
      "objective": {"travel_min": 1, "distance_km": 0, "lateness": 1, "max_lateness": 0,
                    "preferred_staff": 5, "overtime": 1},
      "options": {"time_limit_s": 5, "seed": 1, "threads": 0}
    })
}

#[test]
fn examples_are_valid_documents() {
    let doc = doc();
    let v = Validator::new(&doc);
    let example = |name: &str| {
        let e = &v.named(name)["examples"][0];
        assert!(e.is_object(), "{name} has an example");
        if let Err(err) = v.check(name, e) {
            panic!("the example of {name}: {err}");
        }
        e.clone()
    };
    for name in ["Visit", "CheckRequest", "SlotsRequest"] {
        example(name);
    }
    for path in ["/v1/plans", "/v1/jobs", "/v1/check", "/v1/slots"] {
        let body = &doc["paths"][path]["post"]["requestBody"]["content"]["application/json"];
        let name = body["schema"]["$ref"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap();
        assert!(body["example"].is_object(), "POST {path} has an example");
        if let Err(err) = v.check(name, &body["example"]) {
            panic!("the example of POST {path}: {err}");
        }
    }
    let problem = parse_problem(&example("Problem").to_string()).expect("the example problem is valid");
    let plan: Plan = serde_json::from_value(example("Plan")).expect("the example plan parses");
    let violations = carerounds::check::check(
        &problem,
        &carerounds::travel::sources::build(&problem).expect("travel"),
        &plan,
    );
    assert!(
        violations.is_empty(),
        "the example plan is feasible: {violations:?}"
    );
}

fn solved_plan(path: &str) -> Value {
    let problem = parse_problem(&read(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    let plan = Solver::new(
        &problem,
        carerounds::travel::sources::build(&problem).expect("travel"),
    )
    .time_limit(Duration::from_millis(300))
    .threads(1)
    .run()
    .plan;
    serde_json::to_value(&plan).unwrap()
}

#[test]
fn solver_plans_validate() {
    let doc = doc();
    let v = Validator::new(&doc);
    let mut steps = BTreeSet::new();
    for path in [
        "tests/common/check_problem.json",
        "data/mankowska/spec/InstanzCPLEX_HCSRP_10_1.json",
        "tests/common/base_problem.json",
    ] {
        let plan = solved_plan(path);
        if let Err(e) = v.check("Plan", &plan) {
            panic!("plan of {path}: {e}");
        }
        for route in plan["routes"].as_array().unwrap() {
            for step in route["steps"].as_array().unwrap() {
                steps.insert(step["type"].as_str().unwrap().to_string());
            }
        }
    }
    assert_eq!(
        steps,
        BTreeSet::from(["start", "visit", "base", "break", "end"].map(String::from)),
        "every step type was checked"
    );
    for path in ["tests/common/check_plan.json", "tests/common/report_plan.json"] {
        if let Err(e) = v.check("Plan", &json_file(path)) {
            panic!("{path}: {e}");
        }
    }
}

/// Every way of changing one field by hand (drop it, set it to null, add an unknown field
/// beside it; empty a list or lengthen it) is accepted by the schema exactly when serde
/// accepts it.
fn mutations(doc: &Value) -> Vec<(String, Value)> {
    fn walk(root: &Value, at: &mut Vec<PathStep>, node: &Value, out: &mut Vec<(String, Value)>) {
        match node {
            Value::Object(o) => {
                let mut extra = root.clone();
                set(&mut extra, at, |n| {
                    n.as_object_mut().unwrap().insert("zz_unknown".into(), json!(1));
                });
                out.push((format!("{}+zz_unknown", show(at)), extra));
                for (k, v) in o {
                    let mut dropped = root.clone();
                    set(&mut dropped, at, |n| {
                        n.as_object_mut().unwrap().remove(k);
                    });
                    out.push((format!("{}.{k} dropped", show(at)), dropped));
                    let mut null = root.clone();
                    set(&mut null, at, |n| n[k.as_str()] = Value::Null);
                    out.push((format!("{}.{k} = null", show(at)), null));
                    at.push(PathStep::Key(k.clone()));
                    walk(root, at, v, out);
                    at.pop();
                }
            }
            // The first element of each list stands for the others.
            Value::Array(a) if !a.is_empty() => {
                let mut empty = root.clone();
                set(&mut empty, at, |n| n.as_array_mut().unwrap().clear());
                out.push((format!("{} emptied", show(at)), empty));
                let mut longer = root.clone();
                set(&mut longer, at, |n| {
                    let first = n[0].clone();
                    n.as_array_mut().unwrap().push(first);
                });
                out.push((format!("{} lengthened", show(at)), longer));
                at.push(PathStep::Index(0));
                walk(root, at, &a[0], out);
                at.pop();
            }
            _ => {}
        }
    }
    #[derive(Clone)]
    enum PathStep {
        Key(String),
        Index(usize),
    }
    fn set(root: &mut Value, at: &[PathStep], f: impl FnOnce(&mut Value)) {
        let mut n = root;
        for s in at {
            n = match s {
                PathStep::Key(k) => &mut n[k.as_str()],
                PathStep::Index(i) => &mut n[*i],
            };
        }
        f(n);
    }
    fn show(at: &[PathStep]) -> String {
        at.iter()
            .map(|s| match s {
                PathStep::Key(k) => format!(".{k}"),
                PathStep::Index(i) => format!("[{i}]"),
            })
            .collect()
    }
    let mut out = Vec::new();
    walk(doc, &mut Vec::new(), doc, &mut out);
    out
}

fn agree<T: serde::de::DeserializeOwned>(v: &Validator, name: &str, doc: &Value) -> usize {
    let all = mutations(doc);
    for (what, changed) in &all {
        let serde = serde_json::from_value::<T>(changed.clone())
            .map(|_| ())
            .map_err(|e| e.to_string());
        let schema = v.check(name, changed);
        assert_eq!(
            serde.is_ok(),
            schema.is_ok(),
            "{name} {what}: serde says {serde:?}, the schema says {schema:?}"
        );
    }
    all.len()
}

#[test]
fn schema_and_serde_agree_on_edits() {
    let doc = doc();
    let v = Validator::new(&doc);
    let mut n = agree::<ProblemInput>(&v, "Problem", &spec_problem());
    n += agree::<ProblemInput>(&v, "Problem", &json_file("tests/common/check_problem.json"));
    let matrix = json!({
        "travel": {"mode": "matrix", "durations_min": [[0, 1], [1, 0]], "distances_km": [[0, 1], [1, 0]]},
        "locations": [{"id": "a"}, {"id": "b"}],
        "staff": [{"id": "s", "shift": {"start": 480, "end": "16:00"}, "start_location": "a"}],
        "visits": [{"id": "v", "location": "b", "duration_min": 10}]
    });
    n += agree::<ProblemInput>(&v, "Problem", &matrix);
    for travel in [
        json!({"mode": "road", "osm_file": "x.osm.pbf", "profile": "walk", "max_snap_m": 500}),
        json!({"mode": "osrm", "url": "http://127.0.0.1:5000", "profile": "car", "max_snap_m": 500,
               "max_table_size": 100, "timeout_s": 60, "mode_urls": {"walk": "http://127.0.0.1:5001"}}),
    ] {
        let mut p = matrix.clone();
        p["travel"] = travel;
        n += agree::<ProblemInput>(&v, "Problem", &p);
    }
    let mut plan = solved_plan("tests/common/check_problem.json");
    plan["warnings"] = json!(["a note"]);
    plan["unassigned"] = json!([{"visit": "v9", "reason": "no staff member holds skill 'x'"}]);
    n += agree::<Plan>(&v, "Plan", &plan);
    let durations = json!({
        "version": 1, "quantile": 0.8, "k": 5.0,
        "clients": [{"client": "c1", "skills": ["a"], "ratio_median": 1.2, "ratio_planning": 1.4, "records": 3}],
        "types": [{"skills": [], "ratio_median": 1.0, "ratio_planning": 1.1, "records": 9}]
    });
    n += agree::<carerounds::durations::Durations>(&v, "Durations", &durations);
    let mut with = spec_problem();
    with["durations"] = durations;
    v.check("PlanRequest", &with)
        .expect("a problem with durations is a PlanRequest");
    v.check("PlanRequest", &spec_problem())
        .expect("a problem is a PlanRequest");
    with["durations"] = Value::Null;
    v.check("PlanRequest", &with)
        .expect("a problem with \"durations\": null is a PlanRequest");
    let batch = json!({"logs_csv": "Carer,visit,In,Out\nann,v1,09:05,09:50\n",
                       "columns": {"staff": "Carer", "arrived": "In", "ended": "Out"}});
    n += agree::<carerounds::api::visit_logs::VisitLogsRequest>(&v, "VisitLogsRequest", &batch);
    let stored = json!({"truncated": false, "logs": [
        {"staff": "ann", "visit": "v1", "date": "2025-03-04", "day": "2025-03-04", "arrived": "09:05:00",
         "started": "09:05:00", "ended": "09:50:00", "note": "no_access", "received_ms": 1},
        {"staff": "bob", "client": "c1", "day": "2025-03-04", "arrived": "09:05:00",
         "started": "09:05:00", "ended": "09:50:00", "received_ms": 1}]});
    n += agree::<carerounds::api::visit_logs::VisitLogList>(&v, "VisitLogList", &stored);
    assert!(n > 300, "{n} edits compared");
}

/// `OPENAPI_DUMP=path cargo test --test suite openapi::dump` writes the document, for reading.
#[test]
fn dump() {
    if let Ok(path) = std::env::var("OPENAPI_DUMP") {
        std::fs::write(path, serde_json::to_string_pretty(&doc()).unwrap()).unwrap();
    }
}

/// `error.kind` is documented with every value the server writes, in serde's spelling, and
/// a body with it validates against `ErrorBody`.
#[test]
fn error_kinds_are_documented() {
    use carerounds::model::InputErrorKind;
    let doc = doc();
    let v = Validator::new(&doc);
    let names: Vec<&str> = InputErrorKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(v.named("InputErrorKind")["enum"], json!(names));
    let docs = read("docs/EXTENSIONS.md");
    for k in InputErrorKind::ALL {
        assert_eq!(serde_json::to_value(k).unwrap(), json!(k.as_str()));
        assert!(
            docs.contains(&format!("`{}`", k.as_str())),
            "EXTENSIONS.md lists {k}"
        );
    }
    for kind in [json!("unknown_field"), Value::Null] {
        let body = json!({"error": {"code": "invalid_input", "message": "m", "path": null, "kind": kind}});
        v.check("ErrorBody", &body).unwrap();
    }
    assert!(v
        .check(
            "ErrorBody",
            &json!({"error": {"code": "x", "message": "m", "path": null, "kind": "nonsense"}})
        )
        .is_err());
}
