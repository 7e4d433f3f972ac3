//! `carerounds export`: the plan's CSV re-imports as a baseline with the same rounds, and
//! the iCalendar files follow RFC 5545 (CRLF, 75-octet folding, UID, DTSTAMP, dates).

use carerounds::formats::booking::{import, Export, Mapping, VisitColumns};
use carerounds::model::{parse_input, Plan, Step};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_carerounds")
}

fn ok(out: std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The sample export imported and solved once: (folder, problem, plan).
fn solved() -> &'static (tempfile::TempDir, PathBuf, PathBuf) {
    static S: OnceLock<(tempfile::TempDir, PathBuf, PathBuf)> = OnceLock::new();
    S.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let (problem, plan) = (dir.path().join("problem.json"), dir.path().join("plan.json"));
        let e = repo().join("data/export");
        ok(Command::new(bin())
            .env("CARE_ROUNDS_CACHE_DIR", "off")
            .args(["import", "csv", "--visits"])
            .arg(e.join("visits.csv"))
            .arg("--staff")
            .arg(e.join("staff.csv"))
            .arg("--mapping")
            .arg(e.join("mapping.toml"))
            .arg("--postcodes")
            .arg(repo().join("data/codepoint"))
            .arg("--out")
            .arg(&problem)
            .output()
            .unwrap());
        ok(Command::new(bin())
            .args(["solve", "--seconds", "1", "--threads", "1", "--out"])
            .arg(&plan)
            .arg(&problem)
            .output()
            .unwrap());
        (dir, problem, plan)
    })
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap()
}

#[test]
fn the_plan_csv_re_imports_as_a_baseline_with_the_same_rounds() {
    let (_, problem, plan_path) = solved();
    let csv = ok(Command::new(bin())
        .arg("export")
        .arg(plan_path)
        .arg("--problem")
        .arg(problem)
        .args(["--format", "csv"])
        .output()
        .unwrap());
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("staff,organisation,order,step,visit,client,postcode,arrival,start,end,duration,travel_min,distance_km,miles")
    );
    let first_visit = csv.lines().skip(1).find(|l| l.contains(",visit,")).unwrap();
    assert!(
        first_visit.contains(",LE15 ") || first_visit.contains(",PE9 "),
        "{first_visit}"
    );
    // The scheduler keeps the visit rows (a spreadsheet filter on `step`).
    let visits: String = csv
        .lines()
        .enumerate()
        .filter(|(i, l)| *i == 0 || l.split(',').nth(3) == Some("visit"))
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    let mut mapping = Mapping::from_toml(&read(&repo().join("data/export/mapping.toml"))).unwrap();
    mapping.visits = VisitColumns::default();
    let mut ix = carerounds::formats::postcode::IndexBuilder::default();
    for a in ["le", "pe"] {
        ix.add_area(&std::fs::read(repo().join(format!("data/codepoint/Data/CSV/{a}.csv"))).unwrap());
    }
    let ix = ix.finish();
    let export = Export {
        visits_name: "plan.csv",
        visits: &visits,
        staff_name: "staff.csv",
        staff: &read(&repo().join("data/export/staff.csv")),
    };
    let again = import(&export, &mapping, Some(&ix), false, "again")
        .unwrap_or_else(|e| panic!("{e}"))
        .problem;
    let plan: Plan = serde_json::from_str(&read(plan_path)).unwrap();
    let rounds: Vec<(String, Vec<String>)> = plan
        .routes
        .iter()
        .map(|r| {
            let v = r
                .steps
                .iter()
                .filter_map(|s| match s {
                    Step::Visit { visit, .. } => Some(visit.clone()),
                    _ => None,
                })
                .collect::<Vec<_>>();
            (r.staff.clone(), v)
        })
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let baseline: Vec<(String, Vec<String>)> = again
        .baseline
        .clone()
        .unwrap()
        .routes
        .into_iter()
        .map(|r| (r.staff, r.visits))
        .collect();
    assert_eq!(baseline, rounds);
    let original = parse_input(&read(problem)).unwrap();
    let doubles = |p: &carerounds::model::input::ProblemInput| {
        p.visits.iter().filter(|v| v.staff_count == Some(2)).count()
    };
    assert_eq!(doubles(&again), doubles(&original));
}

#[test]
fn calendars_follow_rfc_5545() {
    let (dir, problem, plan) = solved();
    let ics = ok(Command::new(bin())
        .arg("export")
        .arg(plan)
        .arg("--problem")
        .arg(problem)
        .args(["--format", "ics", "--staff", "dn_helen", "--date", "2026-11-24"])
        .output()
        .unwrap());
    assert!(
        ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"),
        "{ics}"
    );
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    assert!(!ics.replace("\r\n", "").contains('\n'), "bare LF");
    for l in ics.split("\r\n") {
        assert!(l.len() <= 75, "{l}");
    }
    let unfolded = ics.replace("\r\n ", "");
    let events = unfolded.matches("BEGIN:VEVENT").count();
    assert!(events >= 2, "{ics}");
    for key in [
        "UID:20261124-dn_helen-",
        "DTSTAMP:",
        "DTSTART:20261124T",
        "DTEND:20261124T",
        "LOCATION:LE15 ",
    ] {
        assert!(unfolded.contains(key), "{key}");
    }
    assert_eq!(unfolded.matches("DTSTAMP:").count(), events);
    let stamp = unfolded.lines().find_map(|l| l.strip_prefix("DTSTAMP:")).unwrap();
    assert!(stamp.len() == 16 && stamp.ends_with('Z'), "{stamp}");

    // One file per staff member with visits.
    let out = dir.path().join("calendars");
    ok(Command::new(bin())
        .arg("export")
        .arg(plan)
        .arg("--problem")
        .arg(problem)
        .args(["--format", "ics", "--date", "2026-11-24", "--out"])
        .arg(&out)
        .output()
        .unwrap());
    assert!(out.join("dn_helen.ics").is_file());
    // Bad flags are input errors.
    let run = Command::new(bin())
        .arg("export")
        .arg(plan)
        .arg("--problem")
        .arg(problem)
        .args(["--format", "ics", "--staff", "nobody"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("--staff nobody: the plan has no round for nobody"));
}
