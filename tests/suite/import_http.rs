//! `POST /v1/imports`: the sample export (data/export) as JSON and as multipart answers
//! the problem `carerounds import csv` writes; a faulty export is one 422 with every row
//! in the CLI's words; keys, content types, the body limit and the size limits hold;
//! `serve --postcodes` finds postcodes. The helpers serve `plan_format_http` too.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use carerounds::api::{app, AppState, Config, Keys};
use carerounds::formats::booking::{import, Export, ImportError, Mapping};
use carerounds::formats::postcode::{IndexBuilder, PostcodeIndex};
use carerounds::model::input::ProblemInput;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};
use tower::ServiceExt;

pub(super) const NORTH: &str = "k-north";
pub(super) const SOUTH: &str = "k-south";

pub(super) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub(super) fn read(rel: &str) -> String {
    std::fs::read_to_string(repo().join(rel)).unwrap()
}

pub(super) fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_carerounds"));
    c.env("CARE_ROUNDS_CACHE_DIR", "off");
    c
}

/// data/codepoint, built once without the cache.
fn rutland() -> Arc<PostcodeIndex> {
    static IX: OnceLock<Arc<PostcodeIndex>> = OnceLock::new();
    IX.get_or_init(|| {
        let mut b = IndexBuilder::default();
        for area in ["le", "pe"] {
            b.add_area(&std::fs::read(repo().join(format!("data/codepoint/Data/CSV/{area}.csv"))).unwrap());
        }
        Arc::new(b.finish())
    })
    .clone()
}

pub(super) fn config() -> Config {
    Config {
        keys: Some(Keys::from_plain(&[("north", NORTH), ("south", SOUTH)])),
        postcodes: Some(rutland()),
        max_concurrent_solves: 1,
        max_threads: 1,
        ..Config::default()
    }
}

pub(super) fn server(config: Config) -> (tempfile::TempDir, Router) {
    let dir = tempfile::tempdir().unwrap();
    let app = app(AppState::open(config, dir.path()).unwrap());
    (dir, app)
}

pub(super) async fn send(app: &Router, req: Request<Body>) -> (StatusCode, HeaderMap, String) {
    let resp = app.clone().oneshot(req).await.unwrap();
    let (status, headers) = (resp.status(), resp.headers().clone());
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap();
    (status, headers, String::from_utf8(bytes.to_vec()).unwrap())
}

pub(super) fn request(method: &str, uri: &str, key: Option<&str>, kind: &str, body: String) -> Request<Body> {
    let mut r = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", kind);
    if let Some(k) = key {
        r = r.header("authorization", format!("Bearer {k}"));
    }
    r.body(Body::from(body)).unwrap()
}

pub(super) async fn json_call(
    app: &Router,
    method: &str,
    uri: &str,
    key: Option<&str>,
    body: &Value,
) -> (StatusCode, Value) {
    let body = if body.is_null() {
        String::new()
    } else {
        body.to_string()
    };
    let (s, _, text) = send(app, request(method, uri, key, "application/json", body)).await;
    (s, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// A multipart/form-data body of `(part, file name, text)`.
fn form(parts: &[(&str, Option<&str>, &str)]) -> (String, String) {
    let b = "carerounds-test-boundary-7d41";
    let mut body = String::new();
    for (name, file, text) in parts {
        body.push_str(&format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"{name}\""
        ));
        if let Some(f) = file {
            body.push_str(&format!("; filename=\"{f}\""));
        }
        body.push_str("\r\nContent-Type: text/csv\r\n\r\n");
        body.push_str(text);
        body.push_str("\r\n");
    }
    body.push_str(&format!("--{b}--\r\n"));
    (format!("multipart/form-data; boundary={b}"), body)
}

async fn form_call(
    app: &Router,
    key: Option<&str>,
    parts: &[(&str, Option<&str>, &str)],
) -> (StatusCode, Value) {
    let (kind, body) = form(parts);
    let (s, _, text) = send(app, request("POST", "/v1/imports", key, &kind, body)).await;
    (s, serde_json::from_str(&text).unwrap_or(Value::Null))
}

pub(super) fn sample() -> Value {
    json!({
        "visits": read("data/export/visits.csv"),
        "staff": read("data/export/staff.csv"),
        "mapping": read("data/export/mapping.toml"),
    })
}

/// What `carerounds import csv` writes for the files at `dir`.
fn cli_import(dir: &Path, extra: &[&str]) -> (bool, Value, String) {
    let out = bin()
        .args(["import", "csv", "--visits"])
        .arg(dir.join("visits.csv"))
        .arg("--staff")
        .arg(dir.join("staff.csv"))
        .arg("--mapping")
        .arg(dir.join("mapping.toml"))
        .arg("--postcodes")
        .arg(repo().join("data/codepoint"))
        .args(extra)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    (
        out.status.success(),
        serde_json::from_str(&stdout).unwrap_or(Value::Null),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn the_export_imports_over_json_and_multipart_as_the_cli_imports_it() {
    let (_d, app) = server(config());
    let (ok, cli, err) = cli_import(&repo().join("data/export"), &[]);
    assert!(ok, "{err}");
    let (s, v) = json_call(&app, "POST", "/v1/imports", Some(NORTH), &sample()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["problem"], cli);
    assert_eq!(v["skipped"], json!([]));
    assert_eq!(v["problem"]["visits"].as_array().map(Vec::len), Some(122));
    let (visits, staff, mapping) = (
        read("data/export/visits.csv"),
        read("data/export/staff.csv"),
        read("data/export/mapping.toml"),
    );
    // Multipart, with the files' names and without them (and no switch part).
    for named in [true, false] {
        let (s, m) = form_call(
            &app,
            Some(SOUTH),
            &[
                ("visits", named.then_some("visits.csv"), &visits),
                ("staff", named.then_some("C:\\exports\\staff.csv"), &staff),
                ("mapping", named.then_some("mapping.toml"), &mapping),
            ],
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{m}");
        assert_eq!(m, v, "multipart (named: {named})");
    }
    // The answer is a problem /v1/plans takes as it is.
    let problem: ProblemInput = serde_json::from_value(v["problem"].clone()).unwrap();
    carerounds::model::validate(&problem).unwrap();
}

/// The sample export with faults on three rows of the visits and one of the staff.
fn faulty() -> (String, String) {
    let lines = |rel: &str| -> Vec<String> { read(rel).lines().map(str::to_string).collect() };
    let mut files = [lines("data/export/visits.csv"), lines("data/export/staff.csv")];
    for (f, i, from, to) in [
        (0, 2, ";0:15;", ";a while;"),
        (0, 5, "LE15 8PY", "LE99 8PY"),
        (0, 9, ";EARLY;;;", ";;09:00;25:70;"),
        (1, 3, ",\"15\",", ",\"lots\","),
    ] {
        let line = &mut files[f][i];
        assert!(line.contains(from), "{line}");
        *line = line.replace(from, to);
    }
    let [visits, staff] = files;
    (visits.join("\n") + "\n", staff.join("\n") + "\n")
}

#[tokio::test]
async fn a_faulty_export_is_one_422_with_every_row_in_the_cli_words() {
    let (_d, app) = server(config());
    let (visits, staff) = faulty();
    let mapping = read("data/export/mapping.toml");
    let lib = import(
        &Export {
            visits_name: "visits.csv",
            visits: &visits,
            staff_name: "staff.csv",
            staff: &staff,
        },
        &Mapping::from_toml(&mapping).unwrap(),
        Some(&rutland()),
        false,
        "visits",
    );
    let Err(e @ ImportError::Rows(_)) = lib else {
        panic!("the faulty export imported");
    };
    let ImportError::Rows(faults) = &e else {
        unreachable!()
    };
    assert!(faults.len() >= 4, "{e}");
    let lines: Vec<String> = faults.iter().map(ToString::to_string).collect();
    // The CLI prints the same lines.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("visits.csv"), &visits).unwrap();
    std::fs::write(dir.path().join("staff.csv"), &staff).unwrap();
    std::fs::write(dir.path().join("mapping.toml"), &mapping).unwrap();
    let (ok, _, cli_err) = cli_import(dir.path(), &[]);
    assert!(!ok);
    for l in &lines {
        assert!(cli_err.contains(l.as_str()), "the CLI says {l}: {cli_err}");
    }
    let body = json!({"visits": visits, "staff": staff, "mapping": mapping});
    let (s, v) = json_call(&app, "POST", "/v1/imports", Some(NORTH), &body).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let err = &v["error"];
    assert_eq!(err["code"], "invalid_input");
    assert_eq!(err["message"], e.to_string());
    let rows = err["rows"].as_array().unwrap();
    let messages: Vec<&str> = rows.iter().map(|r| r["message"].as_str().unwrap()).collect();
    assert_eq!(messages, lines);
    // Staff first (file order), each row named with its column, value and fix.
    assert_eq!(err["path"], "staff");
    assert_eq!(rows[0]["field"], "staff");
    let time = rows
        .iter()
        .find(|r| r["value"] == "25:70")
        .unwrap_or_else(|| panic!("the bad time is listed: {v}"));
    assert_eq!(time["field"], "visits");
    assert_eq!(time["file"], "visits.csv");
    assert_eq!(time["row"], 10);
    assert_eq!(time["column"], "Window To");
    assert_eq!(time["kind"], "invalid_value");
    assert_eq!(
        time["fault"],
        "25:70 is not a time (expected hours and minutes such as 09:00, 9:00 or 0900)"
    );
    assert!(rows.iter().any(|r| r["kind"] == "unknown_reference"), "{v}");
    // Multipart: the same rows, under the part's file name.
    let (s, m) = form_call(
        &app,
        Some(NORTH),
        &[
            ("visits", Some("visits.csv"), &visits),
            ("staff", Some("staff.csv"), &staff),
            ("mapping", None, &mapping),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(m, v);
    // skip_bad_rows: the problem without those rows, the faults listed as the CLI lists them.
    let mut skip = body.clone();
    skip["skip_bad_rows"] = json!(true);
    let (s, v) = json_call(&app, "POST", "/v1/imports", Some(NORTH), &skip).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (ok, cli, cli_err) = cli_import(dir.path(), &["--skip-bad-rows"]);
    assert!(ok, "{cli_err}");
    assert_eq!(v["problem"], cli);
    for r in v["skipped"].as_array().unwrap() {
        let line = r["message"].as_str().unwrap();
        assert!(cli_err.contains(line), "{line}: {cli_err}");
    }
    let (s, m) = form_call(
        &app,
        Some(NORTH),
        &[
            ("visits", None, &visits),
            ("staff", None, &staff),
            ("mapping", None, &mapping),
            ("skip_bad_rows", None, "true"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(m, v);
}

pub(super) fn assert_error(s: StatusCode, v: &Value, want: StatusCode, code: &str, path: Option<&str>) {
    assert_eq!(s, want, "{v}");
    assert_eq!(v["error"]["code"], code, "{v}");
    assert!(
        v["error"]["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{v}"
    );
    if let Some(p) = path {
        assert_eq!(v["error"]["path"], p, "{v}");
    }
}

#[tokio::test]
async fn imports_keep_to_keys_content_types_and_limits() {
    let (_d, app) = server(config());
    let body = sample();
    for key in [None, Some("k-west")] {
        let (s, v) = json_call(&app, "POST", "/v1/imports", key, &body).await;
        assert_error(s, &v, StatusCode::UNAUTHORIZED, "unauthorized", None);
        let (s, v) = form_call(&app, key, &[("visits", None, "a"), ("staff", None, "b")]).await;
        assert_error(s, &v, StatusCode::UNAUTHORIZED, "unauthorized", None);
    }
    let (s, _, text) = send(
        &app,
        request("POST", "/v1/imports", Some(NORTH), "text/csv", "a,b".into()),
    )
    .await;
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_error(
        s,
        &v,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        None,
    );
    let (s, v) = json_call(&app, "POST", "/v1/imports", Some(NORTH), &json!({"visits": "x"})).await;
    assert_error(s, &v, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input", None);
    let (s, v) = json_call(
        &app,
        "POST",
        "/v1/imports",
        Some(NORTH),
        &json!({"visits": "", "staff": "", "rota": ""}),
    )
    .await;
    assert_error(
        s,
        &v,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("rota"),
    );
    let (s, v) = form_call(&app, Some(NORTH), &[("visits", None, "a")]).await;
    assert_error(
        s,
        &v,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("staff"),
    );
    let (s, v) = form_call(&app, Some(NORTH), &[("visits", None, "a"), ("rota", None, "b")]).await;
    assert_error(
        s,
        &v,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("rota"),
    );
    let (s, v) = form_call(&app, Some(NORTH), &[("visits", None, "a"), ("visits", None, "b")]).await;
    assert_error(
        s,
        &v,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("visits"),
    );
    let mut bad = body.clone();
    bad["mapping"] = json!("[visits]\nvisit_ref = \"Visit Ref\"\n");
    let (s, v) = json_call(&app, "POST", "/v1/imports", Some(NORTH), &bad).await;
    assert_error(
        s,
        &v,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("mapping"),
    );
    assert!(
        v["error"]["message"].as_str().unwrap().contains("visit_ref"),
        "{v}"
    );
    // A server started without --postcodes: postcode rows are faults, as in the CLI.
    let (_d2, bare) = server(Config {
        postcodes: None,
        ..config()
    });
    let (s, v) = json_call(&bare, "POST", "/v1/imports", Some(NORTH), &body).await;
    assert_error(
        s,
        &v,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
        Some("staff"),
    );
    assert_eq!(v["error"]["rows"][0]["kind"], "unsupported", "{v}");
    // Over the body limit, as JSON and as multipart; over the problem limits.
    let (_d3, small) = server(Config {
        body_limit: 4096,
        ..config()
    });
    let (s, v) = json_call(&small, "POST", "/v1/imports", Some(NORTH), &body).await;
    assert_error(s, &v, StatusCode::PAYLOAD_TOO_LARGE, "too_large", None);
    let visits = read("data/export/visits.csv");
    let (s, v) = form_call(
        &small,
        Some(NORTH),
        &[("visits", None, &visits), ("staff", None, "x")],
    )
    .await;
    assert_error(s, &v, StatusCode::PAYLOAD_TOO_LARGE, "too_large", None);
    let (_d4, few) = server(Config {
        max_visits: 100,
        ..config()
    });
    let (s, v) = json_call(&few, "POST", "/v1/imports", Some(NORTH), &body).await;
    assert_error(s, &v, StatusCode::PAYLOAD_TOO_LARGE, "too_large", Some("visits"));
    // The OpenAPI document has the route and its shapes.
    let (_, doc) = json_call(&app, "GET", "/openapi.json", None, &Value::Null).await;
    let post = &doc["paths"]["/v1/imports"]["post"];
    assert!(
        post["requestBody"]["content"]["multipart/form-data"].is_object(),
        "{post}"
    );
    assert!(
        post["requestBody"]["content"]["application/json"].is_object(),
        "{post}"
    );
    for name in ["ImportRequest", "Imported", "RowFault"] {
        assert!(doc["components"]["schemas"][name].is_object(), "{name}");
    }
}

#[test]
fn serve_takes_postcodes_as_import_csv_does() {
    use std::io::{BufRead, BufReader, Read, Write};
    let data = tempfile::tempdir().unwrap();
    let mut child = bin()
        .args(["serve", "--addr", "127.0.0.1:0", "--log", "warn", "--data-dir"])
        .arg(data.path())
        .arg("--postcodes")
        .arg(repo().join("data/codepoint"))
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("carerounds listening on http://")
        .unwrap()
        .to_string();
    let body = sample().to_string();
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        s,
        "POST /v1/imports HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(raw.starts_with("HTTP/1.1 200"), "{}", &raw[..raw.len().min(2000)]);
    assert!(raw.contains("\"postcode\":\"LE15 6NT\""), "postcodes found");
}
