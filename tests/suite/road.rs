//! Road-network travel (`"travel": {"mode": "road", ...}`) over the committed Rutland
//! extract: validation, matrices, per-staff travel modes, the disk cache, errors that name
//! the field, and the `carerounds matrix` command.
//!
//! Map data © OpenStreetMap contributors (ODbL); postcodes: see tests/data/README.md.

use carerounds::check::check;
use carerounds::model::{parse_problem, TravelMode};
use carerounds::solve::Solver;
use carerounds::travel::{haversine_km, TravelError, TravelMatrix};
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const PBF: &str = "data/rutland-latest.osm.pbf";

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_carerounds"))
}

/// Oakham health centre, a home in Uppingham (LE15 9PY), one in Ketton (PE9 3RA).
fn small(travel: Value) -> Value {
    json!({
        "travel": travel,
        "locations": [{"id": "base", "lat": 52.670802, "lon": -0.737539}],
        "staff": [
            {"id": "ann", "shift": {"start": "08:00", "end": "16:00"}, "start_location": "base"},
            {"id": "bob", "shift": {"start": "08:00", "end": "16:00"}, "start_location": "base",
             "travel_mode": "walk"}
        ],
        "visits": [
            {"id": "v1", "location": {"lat": 52.588368, "lon": -0.720602}, "duration_min": 30},
            {"id": "v2", "location": {"lat": 52.626, "lon": -0.5453}, "duration_min": 30}
        ]
    })
}

fn road() -> Value {
    json!({"mode": "road", "osm_file": PBF})
}

fn problem(v: &Value) -> carerounds::model::Problem {
    parse_problem(&v.to_string()).expect("valid problem")
}

#[test]
fn sample_day_on_roads_gives_a_sane_matrix() {
    let p = problem(
        &serde_json::from_str(&std::fs::read_to_string("data/sample-day-roads.json").unwrap()).unwrap(),
    );
    let m = carerounds::travel::sources::build(&p).expect("road matrix");
    let n = p.places.len();
    assert_eq!(m.len(), n);
    let snap = m.snap_distances().expect("snap distances");
    assert!(snap.iter().all(|&d| d < 1000.0));
    let mut asymmetric = 0;
    let mut ratios = Vec::new();
    for i in 0..n {
        assert_eq!(m.time(i, i), 0.0);
        for j in 0..n {
            let (t, d) = (m.time(i, j), m.dist(i, j));
            assert!(t.is_finite() && d.is_finite() && t >= 0.0 && d >= 0.0);
            if i == j {
                continue;
            }
            let (a, b) = (p.places[i].point.unwrap(), p.places[j].point.unwrap());
            let straight = haversine_km(a, b);
            // The road is never shorter than the straight line between the snapped points.
            assert!(
                d + (snap[i] + snap[j]) / 1000.0 >= straight * 0.999,
                "{i}->{j}: {d} < {straight}"
            );
            if (t - m.time(j, i)).abs() > 0.05 {
                asymmetric += 1;
            }
            if straight > 2.0 {
                ratios.push(d / straight);
            }
        }
    }
    // One-way streets and roundabouts make some trips longer one way.
    assert!(asymmetric > 0);
    ratios.sort_by(f64::total_cmp);
    let median = ratios[ratios.len() / 2];
    // Rural Rutland: roads are about a third longer than the crow flies.
    assert!((1.1..1.6).contains(&median), "median detour {median}");
    // A second build answers from the disk cache with the same matrix.
    assert_eq!(
        carerounds::travel::sources::build(&p).expect("cached road matrix"),
        m
    );
}

#[test]
fn staff_travel_modes_get_their_own_matrix() {
    let p = problem(&small(road()));
    assert_eq!(p.staff[0].travel_mode, None);
    assert_eq!(p.staff[1].travel_mode, Some(TravelMode::Walk));
    let m = carerounds::travel::sources::build(&p).unwrap();
    assert_eq!(m.modes(), vec![TravelMode::Walk]);
    let (base, v1) = (0, p.visits[0].place);
    let car = m.time(base, v1);
    let walk = m.time_for(Some(TravelMode::Walk), base, v1);
    assert_eq!(m.time_for(None, base, v1), car);
    // About 10 km: a quarter of an hour by car, two hours on foot.
    assert!((10.0..30.0).contains(&car), "{car}");
    let km = m.dist_for(Some(TravelMode::Walk), base, v1);
    assert!((walk - km / 5.0 * 60.0).abs() < 1.0, "{walk} min for {km} km");
    let solved = Solver::new(&p, carerounds::travel::sources::build(&p).expect("travel"))
        .time_limit(Duration::from_millis(300))
        .run();
    assert!(check(
        &p,
        &carerounds::travel::sources::build(&p).expect("travel"),
        &solved.plan
    )
    .is_empty());
}

/// A walker's round is planned and checked on the walking matrix: ann may not go to
/// v1, so bob walks there (two hours), and his plan shows it; the same round timed by car
/// is refused by the checker.
#[test]
fn walkers_are_planned_and_checked_on_foot() {
    let mut v = small(road());
    v["visits"][0]["excluded_staff"] = json!(["ann"]);
    let p = problem(&v);
    let m = carerounds::travel::sources::build(&p).unwrap();
    let (base, v1) = (0, p.visits[0].place);
    let (car, walk) = (m.time(base, v1), m.time_for(Some(TravelMode::Walk), base, v1));
    let solved = Solver::new(&p, carerounds::travel::sources::build(&p).expect("travel"))
        .time_limit(Duration::from_millis(300))
        .run();
    assert!(
        check(
            &p,
            &carerounds::travel::sources::build(&p).expect("travel"),
            &solved.plan
        )
        .is_empty(),
        "{:?}",
        check(
            &p,
            &carerounds::travel::sources::build(&p).expect("travel"),
            &solved.plan
        )
    );
    let bob = solved
        .plan
        .routes
        .iter()
        .find(|r| r.staff == "bob")
        .expect("bob has a round");
    let (start, travel) = bob
        .steps
        .iter()
        .find_map(|s| match s {
            carerounds::model::Step::Visit {
                visit,
                start,
                travel_min,
                ..
            } if visit == "v1" => Some((start.0, *travel_min)),
            _ => None,
        })
        .expect("bob serves v1");
    assert!(
        (travel - walk).abs() < 0.01,
        "leg of {travel} min, walking takes {walk}"
    );
    assert!(
        start >= 480.0 + walk - 0.01,
        "starts at {start}, before he could walk there"
    );
    // The same plan with bob's leg timed by car does not pass.
    let mut driven = solved.plan.clone();
    for r in &mut driven.routes {
        for s in &mut r.steps {
            if let carerounds::model::Step::Visit {
                visit, travel_min, ..
            } = s
            {
                if visit == "v1" {
                    *travel_min = (car * 1e4).round() / 1e4;
                }
            }
        }
    }
    assert!(
        !check(
            &p,
            &carerounds::travel::sources::build(&p).expect("travel"),
            &driven
        )
        .is_empty(),
        "the checker took a walker's leg at car speed"
    );
}

#[test]
fn profiles_and_aliases() {
    let mut v = small(json!({"mode": "road", "osm_file": PBF, "profile": "foot"}));
    v["staff"][1]["travel_mode"] = json!("bicycle");
    let p = problem(&v);
    assert_eq!(p.travel.profile(), Some(TravelMode::Walk));
    assert_eq!(p.staff[1].travel_mode, Some(TravelMode::Bike));
    let m = carerounds::travel::sources::build(&p).unwrap();
    let (a, b) = (0, p.visits[1].place);
    let (walk, bike) = (m.time(a, b), m.time_for(Some(TravelMode::Bike), a, b));
    assert!(bike < walk / 2.0, "bike {bike} vs walk {walk}");
}

#[test]
fn validation_names_the_field() {
    let cases = [
        (json!({"mode": "road"}), "travel.osm_file", "missing field"),
        (
            json!({"mode": "road", "osm_file": " "}),
            "travel.osm_file",
            "osm.pbf",
        ),
        (
            json!({"mode": "road", "osm_file": PBF, "max_snap_m": 0}),
            "travel.max_snap_m",
            "> 0",
        ),
        (
            json!({"mode": "road", "osm_file": PBF, "profile": "boat"}),
            "travel.profile",
            "unknown travel mode 'boat'",
        ),
        (
            json!({"mode": "road", "osm_file": PBF, "speed": 3}),
            "travel",
            "unknown field",
        ),
        (
            json!({"mode": "osrm", "url": "https://x"}),
            "travel.url",
            "http://",
        ),
        (
            json!({"mode": "osrm", "url": "http://127.0.0.1:5000", "max_table_size": 0}),
            "travel.max_table_size",
            "at least 1",
        ),
        (
            json!({"mode": "osrm", "url": "http://127.0.0.1:5000", "timeout_s": -1}),
            "travel.timeout_s",
            "timeout",
        ),
        (
            json!({"mode": "osrm", "url": "http://127.0.0.1:5000", "mode_urls": {"walk": "ftp://x"}}),
            "travel.mode_urls.walk",
            "http://",
        ),
        (
            json!({"mode": "osrm", "url": "http://127.0.0.1:5000"}),
            "staff[1].travel_mode",
            "mode_urls.walk",
        ),
        (json!({"mode": "haversine"}), "staff[1].travel_mode", "road"),
    ];
    for (travel, path, words) in cases {
        let e = parse_problem(&small(travel.clone()).to_string()).expect_err(&travel.to_string());
        assert_eq!(e.path.as_str(), path, "{travel}: {e}");
        assert!(e.to_string().contains(words), "{travel}: {e}");
    }
    // `car` is what haversine models, so it is accepted (and needs no second matrix).
    let mut v = small(json!({"mode": "haversine"}));
    v["staff"][1]["travel_mode"] = json!("car");
    assert_eq!(problem(&v).staff[1].travel_mode, None);
}

#[test]
fn travel_errors_name_the_field() {
    let p = problem(&small(
        json!({"mode": "road", "osm_file": "data/no-such.osm.pbf"}),
    ));
    let e = carerounds::travel::sources::build(&p).unwrap_err();
    assert_eq!(e.path().as_str(), "travel.osm_file");
    assert!(
        e.to_string()
            .starts_with("travel.osm_file: cannot read data/no-such.osm.pbf: "),
        "{e}"
    );
    let p = problem(&small(
        json!({"mode": "road", "osm_file": "data/sample-day.json"}),
    ));
    let e = carerounds::travel::sources::build(&p).unwrap_err();
    assert!(
        e.to_string().contains("not a readable OpenStreetMap .osm.pbf"),
        "{e}"
    );
    // A visit in Leicester, 30 km outside the Rutland extract.
    let mut v = small(road());
    v["visits"][1]["location"] = json!({"lat": 52.632105, "lon": -1.124996});
    let e = carerounds::travel::sources::build(&problem(&v)).unwrap_err();
    assert_eq!(e.path().as_str(), "visits[1].location");
    assert!(
        e.to_string().contains("more than travel.max_snap_m = 1000 m"),
        "{e}"
    );
    // The same place passes with a generous limit.
    v["travel"]["max_snap_m"] = json!(50_000);
    assert!(carerounds::travel::sources::build(&problem(&v)).is_ok());
    let p = problem(&small(
        json!({"mode": "osrm", "url": "http://127.0.0.1:9", "mode_urls": {"walk": "http://127.0.0.1:9"}}),
    ));
    let e = carerounds::travel::sources::build(&p).unwrap_err();
    assert_eq!(e.path().as_str(), "travel.url");
    assert!(e.to_string().contains("cannot reach the server"), "{e}");
}

#[test]
fn the_core_never_reads_a_source() {
    // Road travel is the shell's to build: the core's computed matrix says so, with the
    // field, instead of reading the file.
    let p = problem(&small(
        json!({"mode": "road", "osm_file": "data/missing.osm.pbf"}),
    ));
    let e = TravelMatrix::computed(&p).unwrap_err();
    assert!(matches!(e, TravelError::NeedsSource { mode: "road", .. }), "{e}");
    assert_eq!(e.path().as_str(), "travel.mode");
}

#[test]
fn cli_reports_travel_errors_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("p.json");
    std::fs::write(
        &file,
        small(json!({"mode": "road", "osm_file": "data/missing.osm.pbf"})).to_string(),
    )
    .unwrap();
    for args in [
        vec!["validate"],
        vec!["solve", "--seconds", "0.1"],
        vec!["matrix"],
    ] {
        let out = cli().args(&args).arg(&file).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("travel.osm_file: cannot read data/missing.osm.pbf"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}

/// Runs `carerounds matrix` with its own cache folder; returns the matrix document.
fn matrix_cli(problem: &Path, cache: &Path, extra: &[&str]) -> (Value, String) {
    let out = cli()
        .arg("matrix")
        .arg(problem)
        .args(extra)
        .env("CARE_ROUNDS_CACHE_DIR", cache)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    (
        serde_json::from_slice(&out.stdout).unwrap(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn matrix_command_caches_and_rewrites() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let file = dir.path().join("p.json");
    std::fs::write(&file, small(road()).to_string()).unwrap();
    let rewritten = dir.path().join("as-matrix.json");
    let (doc, log) = matrix_cli(&file, &cache, &["--problem-out", rewritten.to_str().unwrap()]);
    assert!(log.contains("3 x 3 matrix"), "{log}");
    let names: Vec<String> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    // One graph and one matrix per mode (car, walk), and the extract's digest.
    assert_eq!(
        names.iter().filter(|n| n.starts_with("graph-")).count(),
        2,
        "{names:?}"
    );
    assert_eq!(
        names.iter().filter(|n| n.starts_with("matrix-")).count(),
        2,
        "{names:?}"
    );
    let ids: Vec<&str> = doc["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["base", "visits[0].location", "visits[1].location"]);
    assert_eq!(doc["travel"]["mode"], "matrix");
    assert_eq!(doc["source"]["mode"], "road");
    assert!(doc["modes"]["walk"]["durations_min"].is_array());
    assert_eq!(doc["snap_m"].as_array().unwrap().len(), ids.len());
    // Warm: read back from the cache, identical.
    let (again, _) = matrix_cli(&file, &cache, &[]);
    assert_eq!(again, doc);
    // The rewritten problem validates in matrix mode and gives the same matrix.
    let p = problem(&serde_json::from_str(&std::fs::read_to_string(&rewritten).unwrap()).unwrap());
    let m = carerounds::travel::sources::build(&p).unwrap();
    let rows = doc["travel"]["durations_min"].as_array().unwrap();
    for (i, row) in rows.iter().enumerate() {
        for (j, v) in row.as_array().unwrap().iter().enumerate() {
            assert!((m.time(i, j) - v.as_f64().unwrap()).abs() < 1e-9);
        }
    }
}

#[test]
fn solve_and_check_on_roads_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.json");
    let out = cli()
        .args(["solve", "data/sample-day-roads.json", "--seconds", "1", "--out"])
        .arg(&plan)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = cli()
        .args(["check", "data/sample-day-roads.json"])
        .arg(&plan)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let out = cli()
        .args(["validate", "data/sample-day-roads.json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("128 places"));
}

/// The sample day's plan as it would be driven: rounds made on straight lines re-timed on
/// the road network, against rounds made on the road network (BENCHMARKS.md).
#[test]
#[ignore = "benchmark: cargo test --release --test suite road::bench -- --ignored --nocapture"]
fn bench_plan_effect_of_road_travel() {
    use carerounds::model::Plan;
    use carerounds::report::baseline_plan;
    let secs = std::env::var("PLAN_SECONDS").unwrap_or_else(|_| "5".into());
    let dir = tempfile::tempdir().unwrap();
    let solve = |problem: &str, out: &str| -> Plan {
        let path = dir.path().join(out);
        let st = cli()
            .args(["solve", problem, "--seconds", &secs, "--out"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    let straight = solve("data/sample-day.json", "straight.json");
    let roads = solve("data/sample-day-roads.json", "roads.json");
    // The straight-line rounds, as booked rounds of the road problem.
    let mut v: Value =
        serde_json::from_str(&std::fs::read_to_string("data/sample-day-roads.json").unwrap()).unwrap();
    v["baseline"] = serde_json::to_value(straight.rounds()).unwrap();
    let p = problem(&v);
    let m = carerounds::travel::sources::build(&p).unwrap();
    let retimed = baseline_plan(&p, m).unwrap();
    let violations = check(
        &p,
        &carerounds::travel::sources::build(&p).expect("travel"),
        &retimed,
    );
    let line = |name: &str, pl: &Plan, viol: usize| {
        let s = &pl.summary;
        format!(
            "| {name} | {:.0} min | {:.1} km | {} | {:.0} min | {:.0} min | {viol} |",
            s.travel_min, s.distance_km, s.visits_assigned, s.lateness_min, s.overtime_min
        )
    };
    let road_p = problem(
        &serde_json::from_str(&std::fs::read_to_string("data/sample-day-roads.json").unwrap()).unwrap(),
    );
    let out = [
        "| plan | travel | distance | visits | lateness | overtime | checker violations on roads |"
            .to_string(),
        "|---|---|---|---|---|---|---|".to_string(),
        line(
            "made on straight lines, as planned (haversine times)",
            &straight,
            0,
        ),
        line(
            "made on straight lines, re-timed on roads",
            &retimed,
            violations.len(),
        ),
        line(
            "made on roads",
            &roads,
            check(
                &road_p,
                &carerounds::travel::sources::build(&road_p).expect("travel"),
                &roads,
            )
            .len(),
        ),
    ];
    let mut text = out.join("\n") + "\n";
    for v in &violations {
        text += &format!("re-timed straight-line plan: {v}\n");
    }
    let _ = std::io::Write::write_all(&mut std::io::stderr(), text.as_bytes());
}
