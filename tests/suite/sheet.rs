//! `carerounds sheet`: run sheets on the sample day (its plan committed under
//! tests/data/sheet/ so that a re-recorded sample plan does not move the snapshot), the
//! partner of a double-handed visit, postcodes and addresses, and bad input (issue 16).
//! `UPDATE_SHEETS=1 cargo test --release --test suite sheet::` rewrites the snapshot.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PROBLEM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample-day.json");
const PLAN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/sheet/sample-day-plan.json"
);
const SNAPSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/sheet/cw_anna.txt");

fn sheet(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_carerounds"))
        .arg("sheet")
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn write(dir: &Path, name: &str, v: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(v).unwrap()).unwrap();
    path
}

#[test]
fn one_staff_members_text_sheet_matches_the_snapshot() {
    let text = stdout(&sheet(&[PROBLEM, "--plan", PLAN, "--staff", "cw_anna"]));
    if std::env::var("UPDATE_SHEETS").is_ok_and(|v| v == "1") {
        std::fs::write(SNAPSHOT, &text).unwrap();
    }
    let want = std::fs::read_to_string(SNAPSHOT).unwrap();
    assert_eq!(
        text, want,
        "the sheet changed; review it and run `UPDATE_SHEETS=1 cargo test --release --test suite sheet::`"
    );
}

#[test]
fn a_text_sheet_reads_in_minutes_in_order_and_fits_a_page() {
    let text = stdout(&sheet(&[PROBLEM, "--plan", PLAN, "--staff", "dn_sarah"]));
    // Times to the minute only (the plan keeps seconds).
    let secs = regex::Regex::new(r"[0-9][0-9]:[0-9][0-9]:[0-9][0-9]").unwrap();
    assert!(!secs.is_match(&text), "{text}");
    let head = text.lines().find(|l| l.starts_with("time")).unwrap();
    let order: Vec<usize> = ["time", "client", "where", "needs", "with", "notes"]
        .iter()
        .map(|c| head.find(c).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{head}");
    for word in ["leave", "back", "break", "travel", "Shift 07:30-15:30"] {
        assert!(text.contains(word), "{word} missing:\n{text}");
    }
    // A typical day (11 visits) on one A4 page: few lines, none too wide.
    assert!(text.lines().count() <= 60, "{text}");
    assert!(text.lines().all(|l| l.chars().count() <= 110), "{text}");
    // The visits' times never run backwards.
    let starts: Vec<&str> = text
        .lines()
        .filter_map(|l| l.get(..11).filter(|t| t.as_bytes()[5] == b'-'))
        .collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "{starts:?}");
}

#[test]
fn a_double_handed_visit_names_the_partner_on_both_sheets() {
    // v017 (client c009, 07:30-08:00) is made by cw_anna and cw_ben together.
    for (me, partner) in [("cw_anna", "cw_ben"), ("cw_ben", "cw_anna")] {
        let text = stdout(&sheet(&[PROBLEM, "--plan", PLAN, "--staff", me]));
        let line = text
            .lines()
            .find(|l| l.contains("c009") && l.contains("07:3"))
            .unwrap_or_else(|| panic!("no c009 row:\n{text}"));
        assert!(line.contains(partner), "{line}");
        assert!(!line.contains(me), "{line}");
    }
}

#[test]
fn the_html_page_is_self_contained_with_a_printed_page_per_staff_member() {
    let html = stdout(&sheet(&[PROBLEM, "--plan", PLAN, "--format", "html"]));
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("@page { size: A4"));
    assert!(html.contains("break-before: page"));
    for outside in ["<link", "<script", "src=", "http://", "https://"] {
        assert!(!html.contains(outside), "loads {outside}");
    }
    // Every staff member of the sample day has visits: fourteen sheets.
    assert_eq!(html.matches("<section class=\"sheet\">").count(), 14);
    assert!(html.contains("Run sheet: cw_anna <span class=\"org\">(Rutland County Council)</span>"));
    assert!(html.contains("<td class=\"with\">cw_ben</td>"));
    assert_eq!(html.matches("<html").count(), 1);
}

#[test]
fn text_without_staff_gives_every_round_with_visits() {
    let text = stdout(&sheet(&[PROBLEM, "--plan", PLAN]));
    assert_eq!(text.matches("Run sheet: ").count(), 14);
}

/// A small day whose places carry a postcode and an address, one without either.
fn addressed() -> (Value, Value) {
    let problem = json!({
        "name": "Addresses & <marks>",
        "locations": [
            {"id": "base", "lat": 52.67, "lon": -0.73},
            {"id": "LE15 6NT", "lat": 52.671, "lon": -0.735, "postcode": "LE15 6NT",
             "address": "3 High Street, Oakham"},
            {"id": "home2", "lat": 52.66, "lon": -0.72}
        ],
        "staff": [{"id": "ann", "organisation": "NHS", "shift": {"start": "08:00", "end": "16:00"},
                   "start_location": "base"}],
        "visits": [
            {"id": "v1", "client": "c1", "location": "LE15 6NT", "duration_min": 30,
             "time_windows": [["09:00", "09:30"]], "skills": []},
            {"id": "v2", "client": "c2", "location": "home2", "duration_min": 20,
             "time_windows": [["11:00", "11:30"]]}
        ]
    });
    let rounds = json!({"routes": [{"staff": "ann", "visits": ["v1", "v2"]}]});
    (problem, rounds)
}

#[test]
fn postcode_and_address_are_shown_when_the_problem_has_them() {
    let dir = tempfile::tempdir().unwrap();
    let (problem, rounds) = addressed();
    let p = write(dir.path(), "p.json", &problem);
    let r = write(dir.path(), "r.json", &rounds);
    let plan = dir.path().join("plan.json");
    let o = Command::new(env!("CARGO_BIN_EXE_carerounds"))
        .args([
            "retime",
            p.to_str().unwrap(),
            "--rounds",
            r.to_str().unwrap(),
            "--out",
        ])
        .arg(&plan)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = stdout(&sheet(&[p.to_str().unwrap(), "--plan", plan.to_str().unwrap()]));
    let v1 = text.lines().find(|l| l.contains("c1")).unwrap();
    assert!(v1.contains("LE15 6NT, 3 High Street, Oakham"), "{v1}");
    assert!(
        text.lines().any(|l| l.contains("c2") && l.contains("home2")),
        "{text}"
    );
    let html = stdout(&sheet(&[
        p.to_str().unwrap(),
        "--plan",
        plan.to_str().unwrap(),
        "--format",
        "html",
    ]));
    assert!(html.contains("LE15 6NT, 3 High Street, Oakham"));
    // The problem's name is escaped.
    assert!(html.contains("Addresses &amp; &lt;marks&gt;"), "{html}");
}

#[test]
fn an_unknown_staff_member_is_bad_input_naming_the_flag_and_the_ids() {
    let o = sheet(&[PROBLEM, "--plan", PLAN, "--staff", "nobody"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--staff nobody"), "{err}");
    assert!(err.contains("dn_sarah") && err.contains("sw_fiona"), "{err}");
}

#[test]
fn a_plan_that_does_not_match_the_problem_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let mut plan: Value = serde_json::from_str(&std::fs::read_to_string(PLAN).unwrap()).unwrap();
    // A visit the problem does not have: named with its path in the plan.
    let mut wrong = plan.clone();
    wrong["routes"][0]["steps"][1]["visit"] = json!("v999");
    let path = write(dir.path(), "wrong.json", &wrong);
    let o = sheet(&[PROBLEM, "--plan", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("routes[0].steps[1].visit") && err.contains("v999"),
        "{err}"
    );
    // A visit an hour late: the checker's first violation is named.
    let step = &mut plan["routes"][0]["steps"][1];
    step["start"] = json!("05:00:00");
    let path = write(dir.path(), "late.json", &plan);
    let o = sheet(&[PROBLEM, "--plan", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("does not keep the problem's rules"), "{err}");
}
