//! The CLI's week form (`carerounds monitor --day DATE=PROBLEM.json,PLAN.json ... --logs
//! FILE ...`) on `monitor_week`'s hand-checked week: several log files, every format, and
//! exit 2 naming the flag or the file for a bad `--day`.

use super::monitor_week::{plan_json, problem_json, LOGS, MON, TUE};
use serde_json::{json, Value};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_carerounds"))
}

/// Writes the two days' files and returns the `--day` flags.
fn week_files(dir: &std::path::Path) -> Vec<String> {
    let mut flags = Vec::new();
    for (date, ids) in [(MON, ["a1", "b1"]), (TUE, ["a2", "b2"])] {
        let p = dir.join(format!("{date}.json"));
        let q = dir.join(format!("{date}-plan.json"));
        std::fs::write(&p, problem_json(ids).to_string()).unwrap();
        std::fs::write(&q, plan_json(ids).to_string()).unwrap();
        flags.push(format!("{date}={},{}", p.display(), q.display()));
    }
    flags
}

#[test]
fn cli_week_reads_days_and_several_log_files() {
    let dir = tempfile::tempdir().unwrap();
    let days = week_files(dir.path());
    let (head, rows) = LOGS.split_once('\n').unwrap();
    let rows: Vec<&str> = rows.lines().collect();
    let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
    std::fs::write(&a, format!("{head}\n{}\n{}\n", rows[0], rows[1])).unwrap();
    std::fs::write(&b, format!("{head}\n{}\n", rows[2])).unwrap();
    let out = bin()
        .args([
            "monitor", "--day", &days[1], "--day", &days[0], "--format", "json", "--logs",
        ])
        .arg(&a)
        .arg("--logs")
        .arg(&b)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["dates"], json!([MON, TUE]));
    assert_eq!(v["team"]["week"]["visits_logged"], 3);
    assert_eq!(v["team"]["week"]["overrun_min"], 15.0);
    // Every format; the refused row of the whole file makes the exit status 2.
    let all = dir.path().join("week.csv");
    std::fs::write(&all, LOGS).unwrap();
    for format in ["text", "json", "csv", "html"] {
        let out = bin()
            .args([
                "monitor", "--day", &days[0], "--day", &days[1], "--format", format, "--logs",
            ])
            .arg(&all)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{format}: {err}");
        assert!(
            err.contains("week.csv: row 5, column date: dated 2025-03-05"),
            "{err}"
        );
        assert!(!out.stdout.is_empty(), "{format}");
    }
}

#[test]
fn cli_bad_day_flags_name_the_flag_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let days = week_files(dir.path());
    let logs = dir.path().join("week.csv");
    std::fs::write(&logs, LOGS).unwrap();
    let missing = format!(
        "{TUE}={},{}",
        dir.path().join("none.json").display(),
        days[1].split(',').nth(1).unwrap()
    );
    let problem_only = days[0].split(',').next().unwrap().to_string();
    for (flags, want) in [
        (
            vec![days[0].clone(), "2025-03-32=a.json,b.json".to_string()],
            "--day 2025-03-32=a.json,b.json: \"2025-03-32\" is not a date",
        ),
        (vec![problem_only.clone()], "no plan"),
        (
            vec!["mon.json,plan.json".to_string()],
            "not DATE=PROBLEM.json,PLAN.json",
        ),
        (vec![days[0].clone(), days[0].clone()], "is given twice"),
        (vec![days[0].clone(), missing], "none.json"),
    ] {
        let mut cmd = bin();
        cmd.arg("monitor");
        for f in &flags {
            cmd.args(["--day", f]);
        }
        let out = cmd.arg("--logs").arg(&logs).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {err}");
        assert!(err.contains(want), "{flags:?}: {err}");
    }
    // --day replaces PROBLEM and --plan; the day form takes one log file.
    let out = bin()
        .args(["monitor", "p.json", "--day", &days[0], "--logs"])
        .arg(&logs)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let (p, q) = days[0].split_once('=').unwrap().1.split_once(',').unwrap();
    let out = bin()
        .args(["monitor", p, "--plan", q, "--logs"])
        .arg(&logs)
        .arg("--logs")
        .arg(&logs)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--logs: 2 files for one day"), "{err}");
}
