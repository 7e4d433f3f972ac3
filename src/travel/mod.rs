//! Travel times and distances between places, as one dense matrix built once per problem.
//!
//! Every consumer (solver, checker, reports) asks the same [`TravelMatrix`], so a plan is
//! timed identically wherever it is looked at.

mod haversine;

pub use haversine::haversine_km;

use crate::model::{Problem, TravelModel};
use rayon::prelude::*;

/// Problems with more places than this build their matrix rows in parallel.
const PARALLEL_FROM: usize = 256;

/// Dense duration (minutes) and distance (km) matrices over [`Problem::places`].
#[derive(Debug, Clone, PartialEq)]
pub struct TravelMatrix {
    n: usize,
    durations: Vec<f64>,
    distances: Vec<f64>,
}

impl TravelMatrix {
    /// Builds the matrix the problem's travel model defines.
    pub fn build(problem: &Problem) -> Self {
        let n = problem.places.len();
        match &problem.travel {
            TravelModel::Haversine {
                speed_kmh,
                detour_factor,
            } => {
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
                TravelMatrix {
                    n,
                    durations,
                    distances,
                }
            }
            TravelModel::Matrix {
                durations_min,
                distances_km,
            } => {
                // Only named locations exist in matrix mode, so places == locations.
                let flat = |m: &Vec<Vec<f64>>| {
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
                TravelMatrix {
                    n,
                    durations: flat(durations_min),
                    distances: flat(distances_km),
                }
            }
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
}
