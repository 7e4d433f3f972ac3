//! `carerounds retime` (rounds edited by hand timed into a plan) and `carerounds check`
//! on a plan without its summary (issue 16).

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PROBLEM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample-day.json");

fn bin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_carerounds"))
        .args(args)
        .output()
        .unwrap()
}

fn ok(o: &Output) {
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

fn write(dir: &Path, name: &str, v: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(v).unwrap()).unwrap();
    path
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The sample day solved with a fixed work budget on one thread.
fn solved(dir: &Path) -> PathBuf {
    let plan = dir.join("plan.json");
    ok(&bin(&[
        "solve",
        PROBLEM,
        "--work",
        "2000000",
        "--threads",
        "1",
        "--out",
        s(&plan),
    ]));
    plan
}

/// A plan's rounds: staff and visit order only.
fn rounds_of(plan: &Value) -> Value {
    let routes: Vec<Value> = plan["routes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let visits: Vec<&Value> = r["steps"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|s| s["type"] == "visit")
                .map(|s| &s["visit"])
                .collect();
            json!({"staff": r["staff"], "visits": visits})
        })
        .collect();
    json!({ "routes": routes })
}

fn retime(dir: &Path, rounds: &Value) -> (Output, PathBuf) {
    let r = write(dir, "rounds.json", rounds);
    let out = dir.join("retimed.json");
    (
        bin(&["retime", PROBLEM, "--rounds", s(&r), "--out", s(&out)]),
        out,
    )
}

fn close(a: &Value, b: &Value, path: &str) {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!((x - y).abs() <= 1e-3, "{path}: {x} vs {y}");
        }
        (Value::Object(x), Value::Object(y)) => {
            assert_eq!(
                x.keys().collect::<Vec<_>>(),
                y.keys().collect::<Vec<_>>(),
                "{path}"
            );
            for (k, v) in x {
                close(v, &y[k], &format!("{path}.{k}"));
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{path}");
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                close(v, w, &format!("{path}[{i}]"));
            }
        }
        _ => assert_eq!(a, b, "{path}"),
    }
}

/// Seconds since 00:00 of a plan time.
fn secs(t: &Value) -> i64 {
    let p: Vec<i64> = t
        .as_str()
        .unwrap()
        .split(':')
        .map(|x| x.parse().unwrap())
        .collect();
    p[0] * 3600 + p[1] * 60 + p[2]
}

/// The visits tied to others (double-handed, or in an `after` gap either way).
fn coupled() -> Vec<String> {
    let p = read(Path::new(PROBLEM));
    let mut out = Vec::new();
    for v in p["visits"].as_array().unwrap() {
        let after = v["after"].as_array().map_or(0, Vec::len);
        if after > 0 || v["staff_count"] == 2 {
            out.push(v["id"].as_str().unwrap().to_string());
        }
        for g in v["after"].as_array().into_iter().flatten() {
            out.push(g["visit"].as_str().unwrap().to_string());
        }
    }
    out
}

#[test]
fn the_solvers_rounds_retimed_are_the_solvers_plan() {
    let dir = tempfile::tempdir().unwrap();
    let plan = read(&solved(dir.path()));
    let (o, out) = retime(dir.path(), &rounds_of(&plan));
    ok(&o);
    let again = read(&out);
    close(&plan["summary"], &again["summary"], "summary");
    let coupled = coupled();
    let (routes, retimed) = (
        plan["routes"].as_array().unwrap(),
        again["routes"].as_array().unwrap(),
    );
    assert_eq!(routes.len(), retimed.len());
    for (a, b) in routes.iter().zip(retimed) {
        assert_eq!(a["staff"], b["staff"]);
        for k in ["travel_min", "distance_km", "visit_min", "break_min", "free_min"] {
            close(&a[k], &b[k], &format!("{}.{k}", a["staff"]));
        }
        let (x, y) = (a["steps"].as_array().unwrap(), b["steps"].as_array().unwrap());
        assert_eq!(x.len(), y.len());
        for (s, t) in x.iter().zip(y) {
            assert_eq!((&s["type"], &s["visit"]), (&t["type"], &t["visit"]));
            let Some(visit) = s["visit"].as_str() else {
                close(s, t, &format!("{}", a["staff"]));
                continue;
            };
            let d = secs(&t["start"]) - secs(&s["start"]);
            // Re-timing settles double-handed starts and gaps from scratch, as early as
            // they can be; the search may have left such a visit a few seconds later.
            let tied = coupled.iter().any(|c| c == visit);
            assert!(
                d.abs() <= 1 || (tied && (-60..0).contains(&d)),
                "{} / {visit}: start {} retimed {}",
                a["staff"],
                s["start"],
                t["start"]
            );
        }
    }
    ok(&bin(&["check", PROBLEM, s(&out)]));
}

/// Visit ids of the sample day with their skills and staff count.
fn visits() -> Vec<(String, Vec<String>, i64)> {
    let p = read(Path::new(PROBLEM));
    p["visits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let skills = v["skills"]
                .as_array()
                .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
                .unwrap_or_default();
            (
                v["id"].as_str().unwrap().to_string(),
                skills,
                v["staff_count"].as_i64().unwrap_or(1),
            )
        })
        .collect()
}

fn staff_skills() -> Vec<(String, Vec<String>)> {
    let p = read(Path::new(PROBLEM));
    p["staff"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let skills = s["skills"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| k.as_str().unwrap().to_string())
                .collect();
            (s["id"].as_str().unwrap().to_string(), skills)
        })
        .collect()
}

/// `rounds` with visit `k` of round `from` moved into the middle of round `to`.
fn moved(rounds: &Value, from: usize, k: usize, to: usize) -> Value {
    let mut r = rounds.clone();
    let v = r["routes"][from]["visits"].as_array_mut().unwrap().remove(k);
    let list = r["routes"][to]["visits"].as_array_mut().unwrap();
    let at = list.len() / 2;
    list.insert(at, v);
    r
}

#[test]
fn a_visit_moved_by_hand_to_another_eligible_staff_member_gives_a_plan_check_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let plan = read(&solved(dir.path()));
    let rounds = rounds_of(&plan);
    let visits = visits();
    let staff = staff_skills();
    let single: std::collections::HashMap<&str, &Vec<String>> = visits
        .iter()
        .filter(|v| v.2 == 1)
        .map(|v| (v.0.as_str(), &v.1))
        .collect();
    // The first single-handed visit that moves to another eligible staff member and
    // still keeps every rule there (a move may push a later visit past its window).
    let n = rounds["routes"].as_array().unwrap().len();
    for from in 0..n {
        for k in 0..rounds["routes"][from]["visits"].as_array().unwrap().len() {
            let id = rounds["routes"][from]["visits"][k].as_str().unwrap().to_string();
            let Some(needs) = single.get(id.as_str()) else {
                continue;
            };
            for to in (0..n).filter(|&t| t != from) {
                let to_id = rounds["routes"][to]["staff"].as_str().unwrap();
                let holds = &staff.iter().find(|s| s.0 == to_id).unwrap().1;
                if !needs.iter().all(|k| holds.contains(k)) {
                    continue;
                }
                let (o, out) = retime(dir.path(), &moved(&rounds, from, k, to));
                if !o.status.success() {
                    continue;
                }
                let p = read(&out);
                let served: Vec<&str> = p["routes"][to]["steps"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|s| s["visit"].as_str())
                    .collect();
                assert!(served.contains(&id.as_str()), "{id} not with {to_id}");
                ok(&bin(&["check", PROBLEM, s(&out)]));
                return;
            }
        }
    }
    panic!("no visit could be moved");
}

#[test]
fn a_move_to_ineligible_staff_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let plan = read(&solved(dir.path()));
    let rounds = rounds_of(&plan);
    // An insulin visit given to a care worker, who lacks the skill.
    let visits = visits();
    let routes = rounds["routes"].as_array().unwrap();
    let (from, k) = routes
        .iter()
        .enumerate()
        .find_map(|(i, r)| {
            r["visits"]
                .as_array()
                .unwrap()
                .iter()
                .position(|v| {
                    visits
                        .iter()
                        .any(|(id, skills, _)| v == id && skills.iter().any(|s| s == "insulin"))
                })
                .map(|k| (i, k))
        })
        .unwrap();
    let to = routes.iter().position(|r| r["staff"] == "cw_anna").unwrap();
    let (o, _) = retime(dir.path(), &moved(&rounds, from, k, to));
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&format!("routes[{to}].visits[")), "{err}");
    assert!(err.contains("staff 'cw_anna' may not make visit"), "{err}");
    assert!(
        err.contains("lacks skill") && err.contains("rule eligibility"),
        "{err}"
    );
}

#[test]
fn a_double_handed_visit_in_one_round_only_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut rounds = json!({"routes": [
        {"staff": "cw_anna", "visits": ["v017"]},
        {"staff": "cw_ben", "visits": []}
    ]});
    let (o, _) = retime(dir.path(), &rounds);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("routes[0].visits[0]") && err.contains("double-handed"),
        "{err}"
    );
    // With the partner it is timed, and everything else is listed unassigned.
    rounds["routes"][1]["visits"] = json!(["v017"]);
    let (o, out) = retime(dir.path(), &rounds);
    ok(&o);
    let p = read(&out);
    assert_eq!(p["summary"]["visits_assigned"], 1);
    assert_eq!(p["unassigned"][0]["reason"], "not in any of the rounds given");
    ok(&bin(&["check", PROBLEM, s(&out)]));
    // A staff member twice, or an unknown visit: named with their path.
    let twice = json!({"routes": [{"staff": "cw_anna", "visits": []}, {"staff": "cw_anna", "visits": []}]});
    let (o, _) = retime(dir.path(), &twice);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("routes[1].staff"));
    let unknown = json!({"routes": [{"staff": "cw_anna", "visits": ["nope"]}]});
    let (o, _) = retime(dir.path(), &unknown);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("routes[0].visits[0]: unknown visit id 'nope'"));
}

/// One staff member, two visits whose windows cannot both be met in this order: the
/// second may start up to `lateness` minutes late.
fn late_day(lateness: f64) -> Value {
    json!({
        "staff": [{"id": "ann", "shift": {"start": "08:00", "end": "16:00"},
                   "start_location": {"lat": 52.67, "lon": -0.73}}],
        "visits": [
            {"id": "a", "location": {"lat": 52.66, "lon": -0.72}, "duration_min": 60,
             "time_windows": [["09:00", "09:10"]]},
            {"id": "b", "location": {"lat": 52.661, "lon": -0.721}, "duration_min": 30,
             "time_windows": [["09:00", "09:30"]], "max_lateness_min": lateness}
        ]
    })
}

#[test]
fn lateness_within_the_allowance_is_shown_and_beyond_it_refused() {
    let dir = tempfile::tempdir().unwrap();
    let rounds = write(
        dir.path(),
        "r.json",
        &json!({"routes": [{"staff": "ann", "visits": ["a", "b"]}]}),
    );
    let p = write(dir.path(), "p.json", &late_day(60.0));
    let out = dir.path().join("plan.json");
    ok(&bin(&["retime", s(&p), "--rounds", s(&rounds), "--out", s(&out)]));
    let plan = read(&out);
    let late = plan["summary"]["lateness_min"].as_f64().unwrap();
    assert!(late > 29.0, "{plan}");
    ok(&bin(&["check", s(&p), s(&out)]));
    let p = write(dir.path(), "p.json", &late_day(10.0));
    let o = bin(&["retime", s(&p), "--rounds", s(&rounds)]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("routes[0].visits[1]") && err.contains("rule time_window"),
        "{err}"
    );
}

#[test]
fn check_accepts_a_plan_without_its_summary_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = solved(dir.path());
    let mut plan = read(&path);
    plan.as_object_mut().unwrap().remove("summary");
    let bare = write(dir.path(), "bare.json", &plan);
    let o = bin(&["check", PROBLEM, s(&bare)]);
    ok(&o);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("no summary") && out.contains("no violations"),
        "{out}"
    );
    // The rest is still checked: a wrong route figure is found.
    plan["routes"][0]["travel_min"] = json!(1.0);
    let bad = write(dir.path(), "bad.json", &plan);
    let o = bin(&["check", PROBLEM, s(&bad)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("route_figure"));
}
