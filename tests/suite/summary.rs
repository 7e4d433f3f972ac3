//! The summary `carerounds solve` prints for people (issue 16): `HH:MM` times, whole
//! minutes, free time never negative with overtime in its own column, a complete totals
//! row, a legend, and the search's own figures only with `--verbose`.

use serde_json::json;
use std::process::Command;

/// One staff member whose only visit ends past the shift: free time would be negative.
fn overtime_day() -> serde_json::Value {
    json!({
        "name": "Overtime",
        "staff": [{"id": "ann", "shift": {"start": "08:00", "end": "08:30"},
                   "start_location": {"lat": 52.67, "lon": -0.73}, "max_overtime_min": 60},
                  {"id": "bob", "shift": {"start": "08:00", "end": "16:00"},
                   "start_location": {"lat": 52.67, "lon": -0.73}, "skills": ["other"]}],
        "visits": [{"id": "v1", "location": {"lat": 52.66, "lon": -0.72}, "duration_min": 60,
                    "time_windows": [["08:00", "08:10"]], "excluded_staff": ["bob"]},
                   {"id": "v2", "location": {"lat": 52.66, "lon": -0.72}, "duration_min": 10,
                    "skills": ["other"]}]
    })
}

fn summary(verbose: bool) -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.json");
    std::fs::write(&p, overtime_day().to_string()).unwrap();
    let out = dir.path().join("plan.json");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_carerounds"));
    cmd.args([
        "solve",
        p.to_str().unwrap(),
        "--work",
        "200000",
        "--threads",
        "1",
        "--out",
    ])
    .arg(&out);
    if verbose {
        cmd.arg("--verbose");
    }
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn free_time_is_never_negative_and_overtime_has_its_own_column() {
    let text = summary(false);
    let head = text.lines().find(|l| l.starts_with("staff")).unwrap();
    let cols: Vec<&str> = head.split_whitespace().collect();
    let free = cols.iter().position(|c| *c == "free").unwrap();
    let overtime = cols.iter().position(|c| *c == "overtime").unwrap();
    let ann: Vec<&str> = text
        .lines()
        .find(|l| l.starts_with("ann"))
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(ann[free], "0", "{text}");
    assert!(ann[overtime].parse::<f64>().unwrap() > 0.0, "{text}");
    assert!(!text.contains(" -1") && !text.contains(" -2"), "{text}");
    // The totals row is complete: every column filled (first out, last back).
    let total: Vec<&str> = text
        .lines()
        .find(|l| l.starts_with("total"))
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(total.len(), cols.len(), "{text}");
    assert!(
        text.lines().any(|l| l.starts_with("out/back:")),
        "a legend: {text}"
    );
}

#[test]
fn times_are_hh_mm_and_the_search_shows_only_when_verbose() {
    let text = summary(false);
    let clock = regex::Regex::new(r"[0-9][0-9]:[0-9][0-9]").unwrap();
    let secs = regex::Regex::new(r"[0-9][0-9]:[0-9][0-9]:[0-9][0-9]").unwrap();
    assert!(clock.is_match(&text) && !secs.is_match(&text), "{text}");
    for jargon in ["iterations", "work units"] {
        assert!(!text.contains(jargon), "{text}");
    }
    let verbose = summary(true);
    assert!(
        verbose.contains("iterations") && verbose.contains("work units"),
        "{verbose}"
    );
}
