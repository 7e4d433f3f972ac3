//! `carerounds matrix`: writes the travel matrix a problem's travel model gives, over every
//! place (its `locations`, then inline staff and visit locations), in SPEC `matrix` form so
//! that any source (haversine, road network, OSRM) can be inspected and re-used.

use super::{bad, read};
use crate::cli::stdout::put;
use anyhow::{Context, Result};
use carerounds::model::input::{LocationInput, LocationRef, TravelInput};
use carerounds::model::{parse_input, validate, Problem};
use carerounds::travel::{place_path, sources, TravelMatrix};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// Arguments of `carerounds matrix`.
#[derive(clap::Args)]
pub struct MatrixArgs {
    /// Problem file (SPEC JSON).
    problem: PathBuf,
    /// Write the matrix here (otherwise to stdout).
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// Also write the problem rewritten to use this matrix: travel mode "matrix", every
    /// inline location turned into a `locations` entry named by its field path.
    #[arg(long, value_name = "PROBLEM.json")]
    problem_out: Option<PathBuf>,
}

/// Runs `carerounds matrix`.
pub fn run(args: MatrixArgs) -> Result<ExitCode> {
    let text = read(&args.problem)?;
    let input = parse_input(&text).map_err(|e| bad(&args.problem, e))?;
    let problem = validate(&input).map_err(|e| bad(&args.problem, e))?;
    let t0 = Instant::now();
    let m = sources::build(&problem).map_err(|e| bad(&args.problem, e.to_input_error()))?;
    let elapsed = t0.elapsed().as_secs_f64();
    let ids = place_ids(&problem);
    let n = problem.places.len();
    let rows =
        |flat: &[f64]| -> Vec<Vec<f64>> { flat.chunks(n.max(1)).take(n).map(<[f64]>::to_vec).collect() };
    let (dur, dist) = m.flat(None);
    let locations: Vec<Value> = problem
        .places
        .iter()
        .zip(&ids)
        .map(|(p, id)| match p.point {
            Some(pt) => json!({"id": id, "lat": pt.lat, "lon": pt.lon}),
            None => json!({"id": id}),
        })
        .collect();
    let mut doc = json!({
        "source": input.travel.as_ref().map(|t| serde_json::to_value(t).unwrap_or(Value::Null)),
        "locations": locations,
        "travel": {"mode": "matrix", "durations_min": rows(dur), "distances_km": rows(dist)},
    });
    if let Some(snap) = m.snap_distances() {
        doc["snap_m"] = json!(snap.iter().map(|d| (d * 10.0).round() / 10.0).collect::<Vec<_>>());
        doc["attribution"] = json!("© OpenStreetMap contributors (ODbL)");
    }
    let modes = m.modes();
    if !modes.is_empty() {
        let mut by_mode = serde_json::Map::new();
        for mode in modes {
            let (d, k) = m.flat(Some(mode));
            by_mode.insert(
                mode.to_string(),
                json!({"durations_min": rows(d), "distances_km": rows(k)}),
            );
        }
        doc["modes"] = Value::Object(by_mode);
    }
    let out = serde_json::to_string(&doc)? + "\n";
    match &args.out {
        Some(path) => {
            std::fs::write(path, &out).with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => put!("{out}"),
    }
    if let Some(path) = &args.problem_out {
        let rewritten = rewrite(input, &problem, &ids, m.flat(None));
        std::fs::write(path, serde_json::to_string_pretty(&rewritten)? + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    eprintln!("{}", summary(&problem, &m, &ids, elapsed));
    Ok(ExitCode::SUCCESS)
}

/// One id per place: the `locations` id, or the field path of an inline point.
fn place_ids(problem: &Problem) -> Vec<String> {
    problem
        .places
        .iter()
        .enumerate()
        .map(|(i, p)| match &p.id {
            Some(id) => id.clone(),
            None => place_path(problem, i).to_string(),
        })
        .collect()
}

fn summary(problem: &Problem, m: &TravelMatrix, ids: &[String], secs: f64) -> String {
    let n = problem.places.len();
    let mut s = format!("{n} x {n} matrix in {secs:.2} s");
    if let Some(snap) = m.snap_distances() {
        if let Some((i, far)) = snap.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)) {
            let mut sorted = snap.to_vec();
            sorted.sort_by(f64::total_cmp);
            s += &format!(
                "; places to road: median {:.0} m, farthest {far:.0} m ({})",
                sorted[sorted.len() / 2],
                ids[i]
            );
        }
    }
    s
}

/// The input with every inline location named and travel replaced by the matrix.
fn rewrite(
    mut input: carerounds::model::input::ProblemInput,
    problem: &Problem,
    ids: &[String],
    (dur, dist): (&[f64], &[f64]),
) -> carerounds::model::input::ProblemInput {
    let n = problem.places.len();
    for (i, p) in problem.places.iter().enumerate().skip(problem.named_places) {
        input.locations.push(LocationInput {
            id: ids[i].clone(),
            lat: p.point.map(|x| x.lat),
            lon: p.point.map(|x| x.lon),
            postcode: None,
            address: None,
        });
    }
    for (s, sp) in input.staff.iter_mut().zip(&problem.staff) {
        s.start_location = LocationRef::Id(ids[sp.start_place].clone());
        s.end_location = Some(LocationRef::Id(ids[sp.end_place].clone()));
        // Matrix travel has one mode: driving.
        s.travel_mode = None;
    }
    for (v, vp) in input.visits.iter_mut().zip(&problem.visits) {
        v.location = LocationRef::Id(ids[vp.place].clone());
    }
    let rows = |flat: &[f64]| flat.chunks(n.max(1)).take(n).map(<[f64]>::to_vec).collect();
    input.travel = Some(TravelInput::Matrix {
        durations_min: rows(dur),
        distances_km: rows(dist),
    });
    input
}
