//! The `carerounds` command as a scheduler runs it: exit codes, messages on stderr, and the
//! promises of `--seconds` and `--threads` (issue: hardening).

use serde_json::{json, Value};
use std::process::Command;
use std::time::{Duration, Instant};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_carerounds"))
}

fn one_visit(extra_staff: Value, options: Value) -> Value {
    let mut staff = json!({
        "id": "ann", "shift": {"start": "08:00", "end": "16:00"},
        "start_location": {"lat": 52.67, "lon": -0.73}
    });
    staff
        .as_object_mut()
        .unwrap()
        .extend(extra_staff.as_object().unwrap().clone());
    json!({
        "staff": [staff],
        "visits": [{"id": "v1", "location": {"lat": 52.66, "lon": -0.72}, "duration_min": 30}],
        "options": options
    })
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn admin_time_longer_than_the_shift_is_bad_input_not_an_internal_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = one_visit(
        json!({"shift": {"start": "09:00", "end": "09:00"}, "admin_min": 60}),
        json!({}),
    );
    let path = write(dir.path(), "p.json", &p.to_string());
    for cmd in ["solve", "validate"] {
        let out = bin().arg(cmd).arg(&path).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{cmd}: {err}");
        assert!(err.contains("staff[0].admin_min"), "{err}");
        assert!(!err.contains("internal error"), "{err}");
    }
}

#[test]
fn thousands_of_threads_are_capped_at_the_cores() {
    let dir = tempfile::tempdir().unwrap();
    let p = one_visit(json!({}), json!({"threads": 3000, "time_limit_s": 0.2}));
    let path = write(dir.path(), "p.json", &p.to_string());
    let t0 = Instant::now();
    let out = bin().arg("solve").arg(&path).output().unwrap();
    let took = t0.elapsed();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    // Was 7 s with 3,000 threads; a generous bound that only a regression can break.
    assert!(took < Duration::from_secs(3), "took {took:?}");
    assert!(
        err.contains("warning: options.threads: 3000 threads were asked for"),
        "{err}"
    );
    let plan: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        plan["warnings"][0]
            .as_str()
            .unwrap()
            .starts_with("options.threads"),
        "{plan}"
    );
}

#[test]
fn a_time_limit_is_kept_on_a_large_instance() {
    // Gehring-Homberger 200 customers, 50 vehicles: construction alone used to outlast
    // very short limits. The run must return close to its limit (the margin covers
    // writing the plan and a busy test machine).
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/data/homberger/R1_2_1.txt");
    for seconds in ["0.05", "0.5"] {
        let t0 = Instant::now();
        let out = bin()
            .args([
                "solve",
                "--format",
                "solomon",
                file,
                "--threads",
                "1",
                "--seconds",
                seconds,
            ])
            .output()
            .unwrap();
        let took = t0.elapsed().as_secs_f64();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let limit: f64 = seconds.parse().unwrap();
        assert!(took < limit + 1.0, "--seconds {seconds} took {took:.2} s");
    }
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let p = one_visit(json!({}), json!({}));
    let path = write(dir.path(), "p.json", &format!("\u{feff}{p}"));
    let out = bin().arg("validate").arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn type_errors_are_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = one_visit(json!({}), json!({}));
    p["staff"][0]["shift"] = json!("08:00-16:00");
    let path = write(dir.path(), "p.json", &p.to_string());
    let out = bin().arg("validate").arg(&path).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        err.contains(
            "staff[0].shift: invalid type: string \"08:00-16:00\", expected an object with start and end"
        ),
        "{err}"
    );
}

/// A reader that stops early (`carerounds check ... | head -1`) closes the pipe: the
/// command ends with its own status, without a panic on stderr. The plan made without a
/// start grid breaks the grid of the same day with one, so `check` has lines to print.
#[test]
fn a_closed_pipe_ends_the_output_without_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let problem = concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample-day.json");
    let plan = concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample-day-plan.json");
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(problem).unwrap()).unwrap();
    doc["options"]["round_start_min"] = json!(5);
    let gridded = write(dir.path(), "grid.json", &doc.to_string());
    let mut child = bin()
        .arg("check")
        .arg(&gridded)
        .arg(plan)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Close the pipe at once: the command reads and checks the day first, so its first
    // write finds the reader gone (the old `println!` panicked there).
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(1), "violations found: {stderr}");
}
