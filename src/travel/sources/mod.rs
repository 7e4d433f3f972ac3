//! Adapters that build a [`TravelMatrix`] from outside the process: an OpenStreetMap
//! extract routed in-process ([`road`], with the on-disk cache of built graphs and
//! matrices), and an OSRM server ([`osrm`]).
//!
//! This is the only travel code that touches files, environment variables or the
//! network. Shells (CLI, server, tests, benches) call [`build`] once per request and pass
//! the matrix to the core (solver, checker, reports, slots), which never builds one
//! itself; a failure comes back here as a [`TravelError`] for the shell to report.

mod bytes;
pub(crate) mod cache;
mod extract;
pub mod osrm;
pub mod road;

use super::{place_path, ModeLayer, TravelError, TravelMatrix};
use crate::model::{FieldPath, LatLon, Problem, TravelMode, TravelModel};

/// Builds the matrix the problem's travel model defines, reading the extract (and the disk
/// cache) for road travel and calling the server for OSRM travel. Haversine and explicit
/// matrices are computed ([`TravelMatrix::computed`]) and never fail.
pub fn build(problem: &Problem) -> Result<TravelMatrix, TravelError> {
    match &problem.travel {
        TravelModel::Haversine { .. } | TravelModel::Matrix { .. } => TravelMatrix::computed(problem),
        TravelModel::Road {
            osm_file,
            profile,
            max_snap_m,
        } => extract::road_matrix(problem, osm_file, *profile, *max_snap_m),
        TravelModel::Osrm {
            url,
            profile,
            max_snap_m,
            max_table_size,
            timeout_s,
            mode_urls,
        } => osrm::matrix(
            problem,
            &osrm::Servers {
                url,
                profile: *profile,
                mode_urls,
            },
            *max_snap_m,
            *max_table_size,
            *timeout_s,
        ),
    }
}

/// The further modes staff travel by, sorted, without the profile.
pub(super) fn staff_modes(problem: &Problem) -> Vec<TravelMode> {
    let mut modes: Vec<TravelMode> = problem.staff.iter().filter_map(|s| s.travel_mode).collect();
    modes.sort();
    modes.dedup();
    if let Some(p) = problem.travel.profile() {
        modes.retain(|m| *m != p);
    }
    modes
}

/// Every place's coordinates, in matrix order.
pub(super) fn points(problem: &Problem) -> Vec<LatLon> {
    // Validation requires coordinates outside matrix mode.
    problem
        .places
        .iter()
        .map(|p| p.point.unwrap_or(LatLon { lat: 0.0, lon: 0.0 }))
        .collect()
}

/// One mode's matrices and snap distances.
pub(super) struct Layer {
    pub(super) durations: Vec<f64>,
    pub(super) distances: Vec<f64>,
    pub(super) snap_m: Vec<f64>,
}

pub(super) fn assemble(n: usize, mut layers: Vec<(TravelMode, Layer)>) -> TravelMatrix {
    let (_, main) = layers.remove(0);
    TravelMatrix {
        n,
        durations: main.durations,
        distances: main.distances,
        modes: layers
            .into_iter()
            .map(|(mode, l)| ModeLayer {
                mode,
                durations: l.durations,
                distances: l.distances,
            })
            .collect(),
        snap_m: Some(main.snap_m),
    }
}

/// Where the error about `mode` points: the profile's field, or the first staff member who
/// travels that way.
pub(super) fn mode_path(problem: &Problem, mode: TravelMode, profile_field: FieldPath) -> FieldPath {
    match problem.staff.iter().position(|s| s.travel_mode == Some(mode)) {
        Some(i) => FieldPath::root().field("staff").index(i).field("travel_mode"),
        None => profile_field,
    }
}

/// The first place farther from the road than `limit_m` allows, as an error naming it.
pub(super) fn check_snaps(
    problem: &Problem,
    mode: TravelMode,
    snap_m: &[f64],
    limit_m: f64,
) -> Result<(), TravelError> {
    match snap_m.iter().position(|&d| d > limit_m) {
        Some(i) => Err(TravelError::TooFar {
            path: place_path(problem, i),
            mode,
            distance_m: snap_m[i],
            limit_m,
        }),
        None => Ok(()),
    }
}
