//! The Mankowska import: the conversion equals the reference SPEC conversions that come with
//! the data, and the published best solutions, turned into plans, pass the checker with the
//! best-known objective (SPEC objective = 3 × Mankowska's).
//!
//! The bundled copy (`data/mankowska/`) holds all 70 instances, three reference conversions
//! and the solutions of sets A and B. Where the full published data sits next to the
//! repository (`../shared/data/hhc/mankowska/`), every instance is compared as well.

use carerounds::check::check;
use carerounds::formats::mankowska::read_mankowska;
use carerounds::model::time::Clock;
use carerounds::model::{parse_problem, validate, Plan, Problem, RoutePlan, Step, Summary, TravelModel};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/mankowska")
}

fn shared() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/hhc/mankowska");
    dir.join("instances").is_dir().then_some(dir)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn import(path: &Path) -> Problem {
    let name = path.file_stem().unwrap().to_string_lossy();
    let input = read_mankowska(&read(path), &name).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    validate(&input).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Asserts two conversions mean the same: places, travel, staff (skills, depot, shift
/// start), visits (windows, durations, skills, gaps, lateness), objective. The shift end is
/// only a non-binding horizon, so ours need only be at least as far out as the reference's.
fn assert_same_meaning(ours: &Problem, reference: &Problem, what: &str) {
    assert_eq!(ours.places, reference.places, "{what}: places");
    assert_eq!(ours.travel, reference.travel, "{what}: travel matrix");
    assert_eq!(ours.visits, reference.visits, "{what}: visits");
    // The reference files are SPEC v1 documents, written before `base_min` and
    // `long_wait_min`; the conversion sets both to 0 (no trips to the depot between
    // patients, waiting costless), which is SPEC v1's meaning.
    let mut theirs = reference.objective;
    theirs.base_min = 0.0;
    theirs.long_wait_min = 0.0;
    assert_eq!(ours.objective, theirs, "{what}: objective");
    assert_eq!(ours.staff.len(), reference.staff.len(), "{what}: staff");
    for (a, b) in ours.staff.iter().zip(&reference.staff) {
        assert!(
            a.shift_end >= b.shift_end,
            "{what}: {} shift end {} < {}",
            a.id,
            a.shift_end,
            b.shift_end
        );
        let mut a = a.clone();
        a.shift_end = b.shift_end;
        assert_eq!(&a, b, "{what}: staff");
    }
}

#[test]
fn conversion_equals_the_reference_spec_files() {
    for stem in [
        "InstanzCPLEX_HCSRP_10_1",
        "InstanzCPLEX_HCSRP_25_1",
        "InstanzCPLEX_HCSRP_50_1",
    ] {
        let ours = import(&data().join(format!("{stem}.json")));
        let reference = parse_problem(&read(&data().join(format!("spec/{stem}.json")))).unwrap();
        assert_same_meaning(&ours, &reference, stem);
        assert_eq!(ours.name, reference.name);
    }
}

#[test]
fn bundled_instances_all_import() {
    let mut sizes: HashMap<usize, usize> = HashMap::new();
    let mut without_matrix = 0;
    for entry in std::fs::read_dir(data()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        if !read(&path).contains("\"distances\"") {
            without_matrix += 1;
        }
        let p = import(&path);
        *sizes.entry(p.visits.len()).or_default() += 1;
        // Double services: the second of a pair follows the first by its gap.
        for v in &p.visits {
            for g in &v.after {
                assert_eq!(p.visits[g.visit].client, v.client);
                assert!(g.max.is_some_and(|m| m >= g.min));
            }
        }
    }
    // Sets A-G: 13, 33, 65, 98, 130, 260 and 400 visits, ten instances each.
    let mut sizes: Vec<(usize, usize)> = sizes.into_iter().collect();
    sizes.sort();
    assert_eq!(
        sizes,
        [
            (13, 10),
            (33, 10),
            (65, 10),
            (98, 10),
            (130, 10),
            (260, 10),
            (400, 10)
        ]
    );
    assert!(without_matrix >= 30, "sets E-G are stored without their matrix");
}

/// Best-known values (`bks.csv`, verified rows): instance → (Mankowska, SPEC).
fn bks(path: &Path) -> HashMap<String, (f64, f64)> {
    read(path)
        .lines()
        .skip(1)
        .filter(|l| l.ends_with(",yes"))
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (c[0].to_string(), (c[1].parse().unwrap(), c[2].parse().unwrap()))
        })
        .collect()
}

#[derive(Deserialize)]
struct Solution {
    routes: Vec<SolutionRoute>,
}

#[derive(Deserialize)]
struct SolutionRoute {
    caregiver_id: String,
    /// Absent for a caregiver without visits.
    #[serde(default)]
    locations: Vec<SolutionStop>,
}

/// `arrival_time` is the start of service, despite its name.
#[derive(Deserialize)]
struct SolutionStop {
    patient: String,
    service: String,
    arrival_time: f64,
}

/// A published solution as a SPEC plan: each start as published, each caregiver leaving
/// as late as still reaches the first visit, figures computed here; the summary's
/// objective is `objective` (the checker recomputes it and must agree).
fn solution_plan(p: &Problem, text: &str, objective: Option<f64>) -> Plan {
    let sol: Solution = serde_json::from_str(text).unwrap();
    let TravelModel::Matrix { durations_min: t, .. } = &p.travel else {
        panic!("matrix mode expected");
    };
    let by_staff: HashMap<&str, &SolutionRoute> =
        sol.routes.iter().map(|r| (r.caregiver_id.as_str(), r)).collect();
    let mut routes = Vec::new();
    let (mut lateness, mut max_lateness) = (0.0f64, 0.0f64);
    for st in &p.staff {
        let depot = st.start_place;
        let stops: Vec<(usize, f64)> = by_staff.get(st.id.as_str()).map_or(vec![], |r| {
            r.locations
                .iter()
                .map(|s| {
                    let id = format!("{}-{}", s.patient, s.service);
                    (p.visit_index(&id).unwrap(), s.arrival_time)
                })
                .collect()
        });
        let leave = stops.first().map_or(st.shift_start, |&(v, s)| {
            (s - t[depot][p.visits[v].place]).max(0.0)
        });
        let mut steps = vec![Step::Start {
            location: carerounds::model::input::LocationRef::Id("d".into()),
            time: Clock(leave),
        }];
        let (mut at, mut now, mut travel, mut busy) = (depot, leave, 0.0, 0.0);
        for &(v, start) in &stops {
            let visit = &p.visits[v];
            let leg = t[at][visit.place];
            let late = (start - visit.windows[0].end).max(0.0);
            lateness += late;
            max_lateness = max_lateness.max(late);
            steps.push(Step::Visit {
                visit: visit.id.clone(),
                arrival: Clock(now + leg),
                start: Clock(start),
                end: Clock(start + visit.duration),
                travel_min: leg,
                distance_km: leg,
                wait_min: (start - now - leg).max(0.0),
                late_min: late,
            });
            travel += leg;
            busy += visit.duration;
            now = start + visit.duration;
            at = visit.place;
        }
        let leg = t[at][depot];
        let back = if stops.is_empty() { leave } else { now + leg };
        travel += leg;
        steps.push(Step::End {
            location: carerounds::model::input::LocationRef::Id("d".into()),
            arrival: Clock(back),
            travel_min: leg,
            distance_km: leg,
        });
        routes.push(RoutePlan {
            staff: st.id.clone(),
            steps,
            travel_min: travel,
            distance_km: travel,
            visit_min: busy,
            wait_min: (back - leave) - travel - busy,
            break_min: 0.0,
            free_min: (st.shift_end - st.shift_start) - (back - leave),
        });
    }
    let travel: f64 = routes.iter().map(|r| r.travel_min).sum();
    let summary = Summary {
        travel_min: travel,
        distance_km: travel,
        visits_assigned: p.visits.len(),
        visits_unassigned: 0,
        free_min: routes.iter().map(|r| r.free_min).sum(),
        overtime_min: 0.0,
        lateness_min: lateness,
        max_lateness_min: max_lateness,
        objective: objective.unwrap_or(travel + lateness + max_lateness),
    };
    Plan {
        routes,
        unassigned: vec![],
        summary,
        warnings: vec![],
    }
}

fn solution_file(dir: &Path, stem: &str) -> Option<PathBuf> {
    std::fs::read_dir(dir).ok()?.find_map(|e| {
        let path = e.ok()?.path();
        let name = path.file_name()?.to_string_lossy().into_owned();
        name.starts_with(&format!("sol-{stem}-")).then_some(path)
    })
}

fn assert_feasible(p: &Problem, plan: &Plan, what: &str) {
    let v = check(p, &carerounds::travel::sources::build(p).expect("travel"), plan);
    assert!(
        v.is_empty(),
        "{what}: {} violations, first: {}",
        v.len(),
        v.first().map(|v| v.to_string()).unwrap_or_default()
    );
}

#[test]
fn published_solutions_reproduce_the_best_known_objective() {
    let best = bks(&data().join("bks.csv"));
    let mut checked = 0;
    for set in ["10", "25"] {
        for k in 1..=10 {
            let stem = format!("InstanzCPLEX_HCSRP_{set}_{k}");
            let p = import(&data().join(format!("{stem}.json")));
            let file = solution_file(&data().join("solutions"), &stem).unwrap();
            let (mankowska, spec) = best[&stem];
            assert!((spec - 3.0 * mankowska).abs() < 2e-3, "{stem}: bks.csv scales");
            // The checker recomputes the objective and must find the best-known value.
            let plan = solution_plan(&p, &read(&file), Some(spec));
            assert_feasible(&p, &plan, &stem);
            checked += 1;
        }
    }
    assert_eq!(checked, 20);
}

#[test]
fn every_published_instance_and_solution_when_the_shared_data_is_present() {
    let Some(dir) = shared() else {
        eprintln!("../shared/data/hhc/mankowska not found: skipped");
        return;
    };
    let best = bks(&dir.join("bks.csv"));
    let mut seen = 0;
    for entry in std::fs::read_dir(dir.join("instances")).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let original = import(&path);
        let reference = parse_problem(&read(&dir.join(format!("spec/{stem}.json")))).unwrap();
        assert_same_meaning(&original, &reference, &stem);
        // The bundled copy (compact, matrix dropped where it is recomputable) is the same.
        assert_eq!(
            import(&data().join(format!("{stem}.json"))),
            original,
            "{stem}: bundled copy"
        );
        let file = solution_file(&dir.join("solutions"), &stem).unwrap();
        let plan = solution_plan(&original, &read(&file), None);
        assert_feasible(&original, &plan, &stem);
        let (mankowska, _) = best[&stem];
        let ours = plan.summary.objective / 3.0;
        assert!(
            (ours - mankowska).abs() <= 1e-5 * mankowska,
            "{stem}: objective / 3 = {ours}, best known {mankowska}"
        );
        seen += 1;
    }
    assert_eq!(seen, 70);
}

#[test]
fn cli_import_writes_the_converted_problem() {
    let stem = "InstanzCPLEX_HCSRP_10_4";
    let src = data().join(format!("{stem}.json"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a4.json");
    let run = Command::new(env!("CARGO_BIN_EXE_carerounds"))
        .args(["import", "mankowska"])
        .arg(&src)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(String::from_utf8_lossy(&run.stdout).contains("3 staff, 13 visits"));
    let written = parse_problem(&read(&out)).unwrap();
    assert_eq!(written, import(&src));

    // To stdout without --out.
    let run = Command::new(env!("CARGO_BIN_EXE_carerounds"))
        .args(["import", "mankowska"])
        .arg(&src)
        .output()
        .unwrap();
    assert!(run.status.success());
    assert_eq!(
        parse_problem(&String::from_utf8_lossy(&run.stdout)).unwrap(),
        written
    );

    // A fault names the file and the field; exit 2.
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        read(&src).replacen("\"time_window\"", "\"time_windows\"", 1),
    )
    .unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_carerounds"))
        .args(["import", "mankowska"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("bad.json") && err.contains("patients[0]"), "{err}");
}

#[test]
fn cli_bench_reports_mankowska_units_per_set() {
    let run = Command::new(env!("CARGO_BIN_EXE_carerounds"))
        .args([
            "bench",
            "--suite",
            "mankowska",
            "--only",
            "A1,A4",
            "--seconds",
            "0.05",
        ])
        .args(["--deterministic", "--data"])
        .arg(data().parent().unwrap())
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{out}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let rows: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("A1 ") || l.starts_with("A4 "))
        .collect();
    assert_eq!(rows.len(), 2, "{out}");
    // The best-known column is in Mankowska's units (A1: 218.20), and no plan is worse.
    assert!(rows[0].contains("218.20"), "{out}");
    let mean = out
        .lines()
        .find(|l| l.starts_with("A ") && !l.contains("Instanz"))
        .unwrap_or_else(|| panic!("no mean line for set A: {out}"));
    let gap: f64 = mean.split_whitespace().nth(2).unwrap().parse().unwrap();
    assert!((-0.01..100.0).contains(&gap), "{mean}");
    assert!(out.contains("plans failing the checker or with unassigned visits: 0"));
}
