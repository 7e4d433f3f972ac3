//! Travel times and distances between places, as one dense matrix per problem.
//!
//! Every consumer (solver, checker, reports, slots) reads the same [`TravelMatrix`], which
//! the shell builds once per request and passes in, so a plan is timed identically
//! wherever it is looked at and nothing in the core reads files or calls a server.
//!
//! Haversine and explicit matrices (SPEC.md) are pure computations from the problem:
//! [`TravelMatrix::computed`]. Road travel (an OpenStreetMap extract routed in-process)
//! and OSRM travel (a server) read files, environment or network, so they live in
//! [`sources`], the adapters the shells call; [`sources::build`] handles every mode.

mod error;
mod haversine;
pub mod sources;

pub use error::{OsmError, TravelError};
pub use haversine::haversine_km;

use crate::model::{FieldPath, Problem, TravelMode, TravelModel};
use rayon::prelude::*;

/// Problems with more places than this build their matrix rows in parallel.
const PARALLEL_FROM: usize = 256;

/// Dense duration (minutes) and distance (km) matrices over [`Problem::places`].
#[derive(Debug, Clone, PartialEq)]
pub struct TravelMatrix {
    n: usize,
    durations: Vec<f64>,
    distances: Vec<f64>,
    /// Matrices of the other travel modes staff use (`staff[].travel_mode`).
    modes: Vec<ModeLayer>,
    /// Metres from each place to the road it was snapped to (road and OSRM sources).
    snap_m: Option<Vec<f64>>,
}

/// The matrices of one further travel mode.
#[derive(Debug, Clone, PartialEq)]
struct ModeLayer {
    mode: TravelMode,
    durations: Vec<f64>,
    distances: Vec<f64>,
}

impl TravelMatrix {
    /// The matrix of a problem whose travel is computed from the problem alone: haversine
    /// (coordinates) or an explicit matrix. Road and OSRM travel need a source (files,
    /// a server) and answer [`TravelError::NeedsSource`]: shells call
    /// [`sources::build`], which handles every mode.
    pub fn computed(problem: &Problem) -> Result<Self, TravelError> {
        match &problem.travel {
            TravelModel::Haversine {
                speed_kmh,
                detour_factor,
            } => Ok(haversine_matrix(problem, *speed_kmh, *detour_factor)),
            TravelModel::Matrix {
                durations_min,
                distances_km,
            } => Ok(explicit_matrix(problem, durations_min, distances_km)),
            TravelModel::Road { .. } | TravelModel::Osrm { .. } => Err(TravelError::NeedsSource {
                path: FieldPath::root().field("travel").field("mode"),
                mode: if matches!(problem.travel, TravelModel::Road { .. }) {
                    "road"
                } else {
                    "osrm"
                },
            }),
        }
    }

    /// A matrix from flat row-major arrays (n × n). Used by tests and benchmark formats.
    pub fn from_flat(n: usize, durations: Vec<f64>, distances: Vec<f64>) -> Self {
        assert_eq!(durations.len(), n * n);
        assert_eq!(distances.len(), n * n);
        TravelMatrix {
            n,
            durations,
            distances,
            modes: Vec::new(),
            snap_m: None,
        }
    }

    /// Number of places.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether there are no places.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Travel minutes from place `a` to place `b`.
    #[inline]
    pub fn time(&self, a: usize, b: usize) -> f64 {
        self.durations[a * self.n + b]
    }

    /// Kilometres from place `a` to place `b`.
    #[inline]
    pub fn dist(&self, a: usize, b: usize) -> f64 {
        self.distances[a * self.n + b]
    }

    /// Travel minutes from `a` to `b` for a staff member travelling by `mode`
    /// ([`crate::model::Staff::travel_mode`]; `None` = the travel model's profile).
    #[inline]
    pub fn time_for(&self, mode: Option<TravelMode>, a: usize, b: usize) -> f64 {
        match self.layer(mode) {
            Some(l) => l.durations[a * self.n + b],
            None => self.time(a, b),
        }
    }

    /// Kilometres from `a` to `b` by `mode`, as [`TravelMatrix::time_for`].
    #[inline]
    pub fn dist_for(&self, mode: Option<TravelMode>, a: usize, b: usize) -> f64 {
        match self.layer(mode) {
            Some(l) => l.distances[a * self.n + b],
            None => self.dist(a, b),
        }
    }

    /// The layer that holds `mode`'s matrices, for [`TravelMatrix::time_in`]: 0 for the
    /// travel model's profile (and for a mode without its own layer), `k` for the k-th
    /// further mode. Lets hot loops pick a staff member's matrices once.
    pub fn layer_of(&self, mode: Option<TravelMode>) -> usize {
        mode.and_then(|m| self.modes.iter().position(|l| l.mode == m))
            .map_or(0, |i| i + 1)
    }

    /// Travel minutes from `a` to `b` in layer `layer` (see [`TravelMatrix::layer_of`]).
    #[inline]
    pub fn time_in(&self, layer: usize, a: usize, b: usize) -> f64 {
        if layer == 0 {
            self.time(a, b)
        } else {
            self.modes[layer - 1].durations[a * self.n + b]
        }
    }

    /// Kilometres from `a` to `b` in layer `layer` (see [`TravelMatrix::layer_of`]).
    #[inline]
    pub fn dist_in(&self, layer: usize, a: usize, b: usize) -> f64 {
        if layer == 0 {
            self.dist(a, b)
        } else {
            self.modes[layer - 1].distances[a * self.n + b]
        }
    }

    fn layer(&self, mode: Option<TravelMode>) -> Option<&ModeLayer> {
        let m = mode?;
        self.modes.iter().find(|l| l.mode == m)
    }

    /// The further travel modes this matrix has layers for (beyond the profile's).
    pub fn modes(&self) -> Vec<TravelMode> {
        self.modes.iter().map(|l| l.mode).collect()
    }

    /// Row-major minutes and km of `mode` (`None` = the profile), n × n.
    pub fn flat(&self, mode: Option<TravelMode>) -> (&[f64], &[f64]) {
        match self.layer(mode) {
            Some(l) => (&l.durations, &l.distances),
            None => (&self.durations, &self.distances),
        }
    }

    /// Metres from each place to the road it was put on, for road and OSRM travel.
    pub fn snap_distances(&self) -> Option<&[f64]> {
        self.snap_m.as_deref()
    }
}

fn haversine_matrix(problem: &Problem, speed_kmh: f64, detour_factor: f64) -> TravelMatrix {
    let n = problem.places.len();
    let points: Vec<_> = problem.places.iter().map(|p| p.point).collect();
    let row = |i: usize| -> Vec<f64> {
        (0..n)
            .map(|j| match (points[i], points[j]) {
                _ if i == j => 0.0,
                (Some(a), Some(b)) => haversine_km(a, b) * detour_factor,
                // Validation guarantees points in haversine mode.
                _ => 0.0,
            })
            .collect()
    };
    let distances: Vec<f64> = if n >= PARALLEL_FROM {
        (0..n).into_par_iter().flat_map_iter(row).collect()
    } else {
        (0..n).flat_map(row).collect()
    };
    let durations = distances.iter().map(|d| d / speed_kmh * 60.0).collect();
    TravelMatrix::from_flat(n, durations, distances)
}

fn explicit_matrix(problem: &Problem, durations_min: &[Vec<f64>], distances_km: &[Vec<f64>]) -> TravelMatrix {
    // Only named locations exist in matrix mode, so places == locations.
    let n = problem.places.len();
    let flat = |m: &[Vec<f64>]| {
        let mut out = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                if i != j {
                    out[i * n + j] = m[i][j];
                }
            }
        }
        out
    };
    TravelMatrix::from_flat(n, flat(durations_min), flat(distances_km))
}

/// The field that defines place `idx`: `locations[i]`, or the first staff or visit field
/// that gave it as an inline point.
pub fn place_path(problem: &Problem, idx: usize) -> FieldPath {
    let root = FieldPath::root();
    if idx < problem.named_places {
        return root.field("locations").index(idx);
    }
    for (i, s) in problem.staff.iter().enumerate() {
        if s.start_place == idx {
            return root.field("staff").index(i).field("start_location");
        }
        if s.end_place == idx {
            return root.field("staff").index(i).field("end_location");
        }
    }
    for (i, v) in problem.visits.iter().enumerate() {
        if v.place == idx {
            return root.field("visits").index(i).field("location");
        }
    }
    root.field("places").index(idx)
}

/// How to build the matrix of a problem whose travel the core cannot compute (road,
/// OSRM), handed to the core by a shell: slots call it when a new visit brings a new
/// place. The I/O stays in the shell's function; the core only sees the result.
#[derive(Clone)]
pub struct TravelSource(std::sync::Arc<SourceFn>);

type SourceFn = dyn Fn(&Problem) -> Result<TravelMatrix, TravelError> + Send + Sync;

impl TravelSource {
    /// A source from a function, usually [`sources::build`].
    pub fn new(f: impl Fn(&Problem) -> Result<TravelMatrix, TravelError> + Send + Sync + 'static) -> Self {
        TravelSource(std::sync::Arc::new(f))
    }

    /// The matrix of `problem`.
    pub fn build(&self, problem: &Problem) -> Result<TravelMatrix, TravelError> {
        (self.0)(problem)
    }
}

impl std::fmt::Debug for TravelSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TravelSource(..)")
    }
}
