//! OSRM travel (`"travel": {"mode": "osrm", ...}`) against a real osrm-routed serving the
//! Rutland extract, and the agreement of carerounds' own road graph with OSRM.
//!
//! Needs a server at `$OSRM_URL` (default http://127.0.0.1:5000): `bash
//! scripts/osrm/setup.sh && bash scripts/osrm/start.sh` (CI does this). Without one, each
//! test prints why and passes without checking anything.
//!
//! `cargo test --release --test suite osrm::bench -- --ignored --nocapture` prints the matrix timings of
//! BENCHMARKS.md (own graph vs OSRM MLD at `$OSRM_URL` and CH at `$OSRM_CH_URL`, default
//! http://127.0.0.1:5001: `bash scripts/osrm/start.sh CH 5001`).
//!
//! Map data © OpenStreetMap contributors (ODbL); postcodes: see tests/data/README.md.

use carerounds::check::check;
use carerounds::model::{parse_problem, LatLon, TravelMode};
use carerounds::solve::Solver;
use carerounds::travel::sources::osrm::table;
use carerounds::travel::sources::road::RoadNetwork;
use serde_json::{json, Value};
use std::io::Write;
use std::time::{Duration, Instant};

fn url_from(var: &str, default: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| default.to_string())
}

fn osrm_url() -> String {
    url_from("OSRM_URL", "http://127.0.0.1:5000")
}

/// Writes past the test harness's capture, so the reason for a skip shows in CI logs.
fn say(msg: &str) {
    let _ = writeln!(std::io::stderr(), "{msg}");
}

/// Whether an OSRM server answers at `url`; says why not otherwise.
fn server(url: &str) -> bool {
    let agent = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(3)))
            .build(),
    );
    match agent
        .get(format!("{url}/nearest/v1/driving/-0.7248,52.6682"))
        .call()
    {
        Ok(_) => true,
        Err(e) => {
            say(&format!(
                "skipped: no OSRM server answers at {url} ({e}); start one with \
                 `bash scripts/osrm/setup.sh && bash scripts/osrm/start.sh`"
            ));
            false
        }
    }
}

/// The committed sample of Rutland postcodes.
fn postcodes() -> Vec<LatLon> {
    std::fs::read_to_string("tests/data/rutland_postcodes_1000.csv")
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            LatLon {
                lat: f[1].parse().unwrap(),
                lon: f[2].parse().unwrap(),
            }
        })
        .collect()
}

/// `k` of them, drawn with a fixed seed.
fn draw(k: usize) -> Vec<LatLon> {
    let mut all = postcodes();
    let mut rng = fastrand::Rng::with_seed(7);
    rng.shuffle(&mut all);
    all.truncate(k);
    all
}

fn own_network() -> RoadNetwork {
    let bytes = std::fs::read("data/rutland-latest.osm.pbf").unwrap();
    RoadNetwork::from_pbf(&bytes, TravelMode::Car).unwrap()
}

fn own_matrix(net: &RoadNetwork, pts: &[LatLon]) -> (Vec<f64>, Vec<f64>) {
    let snapped: Vec<_> = pts.iter().map(|p| net.snap(*p).unwrap()).collect();
    net.matrix(&snapped).unwrap()
}

fn sample_day(travel: Value) -> carerounds::model::Problem {
    let mut v: Value =
        serde_json::from_str(&std::fs::read_to_string("data/sample-day.json").unwrap()).unwrap();
    v["travel"] = travel;
    parse_problem(&v.to_string()).unwrap()
}

/// Ratios own / OSRM of durations over pairs at least a minute apart by OSRM.
fn ratios(own: &[f64], osrm: &[f64]) -> Vec<f64> {
    let mut r: Vec<f64> = own
        .iter()
        .zip(osrm)
        .filter(|(_, &o)| o >= 1.0)
        .map(|(a, o)| a / o)
        .collect();
    r.sort_by(f64::total_cmp);
    r
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

#[test]
fn osrm_mode_end_to_end() {
    let url = osrm_url();
    if !server(&url) {
        return;
    }
    let p = sample_day(json!({"mode": "osrm", "url": url, "max_table_size": 50}));
    let m = carerounds::travel::sources::build(&p).expect("OSRM matrix");
    let n = p.places.len();
    assert!(n > 50, "the table is asked for in blocks");
    let snap = m.snap_distances().unwrap();
    assert!(snap.iter().all(|&d| d < 1000.0));
    for i in 0..n {
        for j in 0..n {
            assert!(m.time(i, j).is_finite() && m.time(i, j) >= 0.0);
            if i == j {
                assert_eq!((m.time(i, j), m.dist(i, j)), (0.0, 0.0));
            }
        }
    }
    // One request for the whole table gives the same numbers as 50 x 50 blocks.
    let whole = sample_day(json!({"mode": "osrm", "url": url, "max_table_size": 1000}));
    let w = carerounds::travel::sources::build(&whole).unwrap();
    for i in 0..n {
        for j in 0..n {
            assert!((w.time(i, j) - m.time(i, j)).abs() < 1e-9);
        }
    }
    let solved = Solver::new(&p, carerounds::travel::sources::build(&p).expect("travel"))
        .time_limit(Duration::from_millis(500))
        .run();
    assert!(check(
        &p,
        &carerounds::travel::sources::build(&p).expect("travel"),
        &solved.plan
    )
    .is_empty());
    // A tight snap limit names the place.
    let tight = sample_day(json!({"mode": "osrm", "url": url, "max_snap_m": 1}));
    let e = carerounds::travel::sources::build(&tight).unwrap_err();
    assert!(
        e.path().as_str().ends_with("location") || e.path().as_str().starts_with("locations["),
        "{e}"
    );
    assert!(e.to_string().contains("travel.max_snap_m = 1 m"), "{e}");
}

#[test]
fn own_graph_agrees_with_osrm_on_300_postcodes() {
    let url = osrm_url();
    if !server(&url) {
        return;
    }
    let pts = draw(300);
    let (own, own_km) = own_matrix(&own_network(), &pts);
    let o = table(&url, TravelMode::Car, &pts, 100, Duration::from_secs(60)).unwrap();
    let r = ratios(&own, &o.durations_min);
    let median = quantile(&r, 0.5);
    let mut dev: Vec<f64> = r.iter().map(|x| (x - 1.0).abs()).collect();
    dev.sort_by(f64::total_cmp);
    let p90 = quantile(&dev, 0.9);
    let rk = ratios(&own_km, &o.distances_km);
    say(&format!(
        "own graph / OSRM over {} pairs: duration median {median:.3}, p90 |ratio-1| {p90:.3}; \
         distance median {:.3}",
        r.len(),
        quantile(&rk, 0.5)
    ));
    assert!((0.95..=1.05).contains(&median), "median ratio {median}");
    assert!(p90 < 0.15, "p90 of |ratio - 1| = {p90}");
}

fn time<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let t0 = Instant::now();
    let v = f();
    (v, t0.elapsed().as_secs_f64())
}

#[test]
#[ignore = "benchmark: run with --ignored --nocapture, OSRM MLD and CH servers up"]
fn bench_matrices_own_graph_vs_osrm() {
    let mld = osrm_url();
    let ch = url_from("OSRM_CH_URL", "http://127.0.0.1:5001");
    let (bytes, read_s) = time(|| std::fs::read("data/rutland-latest.osm.pbf").unwrap());
    let (net, build_s) = time(|| RoadNetwork::from_pbf(&bytes, TravelMode::Car).unwrap());
    let st = net.stats();
    say(&format!(
        "own graph: read {read_s:.3} s, build {build_s:.3} s: {} junctions, {} arcs, {} chains ({} in the core), {} points",
        st.junctions, st.arcs, st.chains, st.core_chains, st.points
    ));
    say("| places | own graph | OSRM MLD (100 per request) | OSRM MLD (1000) | OSRM CH (100) | OSRM CH (1000) |");
    say("|---|---|---|---|---|---|");
    for k in [300, 1000] {
        let pts = draw(k);
        let (_, own_s) = time(|| own_matrix(&net, &pts));
        let mut cells = vec![format!("{k} x {k}"), format!("{own_s:.3} s")];
        for url in [&mld, &ch] {
            for chunk in [100, 1000] {
                let cell = if server(url) {
                    let (t, s) = time(|| table(url, TravelMode::Car, &pts, chunk, Duration::from_secs(120)));
                    match t {
                        Ok(_) => format!("{s:.3} s"),
                        Err(e) => format!("failed: {e:?}"),
                    }
                } else {
                    "no server".to_string()
                };
                cells.push(cell);
            }
        }
        say(&format!("| {} |", cells.join(" | ")));
    }
}

#[test]
fn one_place_and_blocks_of_one() {
    let url = osrm_url();
    if !server(&url) {
        return;
    }
    let pts = draw(3);
    let one = table(&url, TravelMode::Car, &pts[..1], 100, Duration::from_secs(30)).unwrap();
    assert_eq!(one.durations_min, vec![0.0]);
    assert!(one.snap_m[0] < 1000.0);
    let whole = table(&url, TravelMode::Car, &pts, 100, Duration::from_secs(30)).unwrap();
    let ones = table(&url, TravelMode::Car, &pts, 1, Duration::from_secs(30)).unwrap();
    assert_eq!(whole, ones);
}
