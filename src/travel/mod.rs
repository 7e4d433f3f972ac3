//! Travel times and distances between places, as one dense matrix built once per problem.
//!
//! Every consumer (solver, checker, reports) asks the same [`TravelMatrix`], so a plan is
//! timed identically wherever it is looked at.
//!
//! Sources: haversine and explicit matrices (SPEC.md), and the extensions `road` (an
//! OpenStreetMap extract routed in-process, [`road`]) and `osrm` (an OSRM server,
//! [`osrm`]). The last two read files or call a server and so can fail:
//! [`TravelMatrix::try_build`] reports why. Their matrices are kept in a small process-wide
//! memo, so that [`TravelMatrix::build`] after a successful `try_build` of the same problem
//! returns the same matrix without routing again.

mod cache;
mod error;
mod haversine;
pub mod osrm;
pub mod road;

pub use error::TravelError;
pub use haversine::haversine_km;

use crate::model::{FieldPath, LatLon, Problem, TravelMode, TravelModel};
use rayon::prelude::*;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Problems with more places than this build their matrix rows in parallel.
const PARALLEL_FROM: usize = 256;

/// Road and OSRM matrices remembered per process (most recent last).
const MEMO_ENTRIES: usize = 8;

static MEMO: Mutex<Vec<(String, Arc<TravelMatrix>)>> = Mutex::new(Vec::new());

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
    /// Builds the matrix the problem's travel model defines.
    ///
    /// # Panics
    /// For `road` and `osrm` travel when the source fails (missing file, server down, a
    /// place too far from a road). Shells call [`TravelMatrix::try_build`] first, which
    /// reports the failure as an error and leaves the matrix in the memo for this call.
    pub fn build(problem: &Problem) -> Self {
        match Self::try_build(problem) {
            Ok(m) => m,
            Err(e) => panic!("{e} (call TravelMatrix::try_build first to handle travel errors)"),
        }
    }

    /// Builds the matrix the problem's travel model defines, or says why it cannot.
    /// Haversine and matrix travel never fail.
    pub fn try_build(problem: &Problem) -> Result<Self, TravelError> {
        match &problem.travel {
            TravelModel::Haversine {
                speed_kmh,
                detour_factor,
            } => Ok(haversine_matrix(problem, *speed_kmh, *detour_factor)),
            TravelModel::Matrix {
                durations_min,
                distances_km,
            } => Ok(explicit_matrix(problem, durations_min, distances_km)),
            TravelModel::Road { .. } | TravelModel::Osrm { .. } => {
                let key = memo_key(problem);
                if let Some(m) = memo_get(&key) {
                    return Ok((*m).clone());
                }
                let m = match &problem.travel {
                    TravelModel::Road {
                        osm_file,
                        profile,
                        max_snap_m,
                    } => road_matrix(problem, osm_file, *profile, *max_snap_m)?,
                    TravelModel::Osrm { .. } => osrm_matrix(problem)?,
                    _ => unreachable!("handled above"),
                };
                memo_put(key, &m);
                Ok(m)
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

/// The further modes staff travel by, sorted, without the profile.
fn staff_modes(problem: &Problem) -> Vec<TravelMode> {
    let mut modes: Vec<TravelMode> = problem.staff.iter().filter_map(|s| s.travel_mode).collect();
    modes.sort();
    modes.dedup();
    if let Some(p) = problem.travel.profile() {
        modes.retain(|m| *m != p);
    }
    modes
}

fn points(problem: &Problem) -> Vec<LatLon> {
    // Validation requires coordinates outside matrix mode.
    problem
        .places
        .iter()
        .map(|p| p.point.unwrap_or(LatLon { lat: 0.0, lon: 0.0 }))
        .collect()
}

fn memo_key(problem: &Problem) -> String {
    use std::fmt::Write;
    let mut key = format!("{:?} {:?}", problem.travel, staff_modes(problem));
    if let TravelModel::Road { osm_file, .. } = &problem.travel {
        // A replaced extract must not be answered from memory.
        if let Ok(meta) = std::fs::metadata(osm_file) {
            let _ = write!(key, " {} {:?}", meta.len(), meta.modified().ok());
        }
    }
    for p in points(problem) {
        let _ = write!(key, " {:x},{:x}", p.lat.to_bits(), p.lon.to_bits());
    }
    cache::sha256_hex(key.as_bytes())
}

fn memo_get(key: &str) -> Option<Arc<TravelMatrix>> {
    let mut memo = MEMO.lock().unwrap_or_else(|e| e.into_inner());
    let pos = memo.iter().position(|(k, _)| k == key)?;
    let entry = memo.remove(pos);
    let m = entry.1.clone();
    memo.push(entry);
    Some(m)
}

fn memo_put(key: String, m: &TravelMatrix) {
    let mut memo = MEMO.lock().unwrap_or_else(|e| e.into_inner());
    memo.retain(|(k, _)| *k != key);
    if memo.len() >= MEMO_ENTRIES {
        memo.remove(0);
    }
    memo.push((key, Arc::new(m.clone())));
}

/// One mode's matrices and snap distances.
struct Layer {
    durations: Vec<f64>,
    distances: Vec<f64>,
    snap_m: Vec<f64>,
}

fn assemble(n: usize, mut layers: Vec<(TravelMode, Layer)>) -> TravelMatrix {
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
fn mode_path(problem: &Problem, mode: TravelMode, profile_field: FieldPath) -> FieldPath {
    match problem.staff.iter().position(|s| s.travel_mode == Some(mode)) {
        Some(i) => FieldPath::root().field("staff").index(i).field("travel_mode"),
        None => profile_field,
    }
}

fn check_snaps(problem: &Problem, mode: TravelMode, snap_m: &[f64], limit_m: f64) -> Result<(), TravelError> {
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

fn road_matrix(
    problem: &Problem,
    osm_file: &Path,
    profile: TravelMode,
    max_snap_m: f64,
) -> Result<TravelMatrix, TravelError> {
    let file_path = FieldPath::root().field("travel").field("osm_file");
    let pts = points(problem);
    let n = pts.len();
    let mut modes = vec![profile];
    modes.extend(staff_modes(problem));
    let dir = cache::dir_for(osm_file);
    let mut bytes: Option<Vec<u8>> = None;
    let read = |bytes: &mut Option<Vec<u8>>| -> Result<(), TravelError> {
        if bytes.is_none() {
            *bytes = Some(std::fs::read(osm_file).map_err(|error| TravelError::Read {
                path: file_path.clone(),
                file: osm_file.to_path_buf(),
                error,
            })?);
        }
        Ok(())
    };
    let digest = match dir.as_deref().and_then(|d| cache::remembered_digest(d, osm_file)) {
        Some(d) => d,
        None => {
            read(&mut bytes)?;
            let d = cache::sha256_hex(bytes.as_deref().unwrap_or_default());
            if let Some(dir) = &dir {
                cache::remember_digest(dir, osm_file, &d);
            }
            d
        }
    };
    let mut layers: Vec<(TravelMode, Option<Layer>)> = Vec::new();
    for &mode in &modes {
        let gkey = cache::graph_key(&digest, mode);
        let cached = dir.as_deref().and_then(|d| {
            let bytes = std::fs::read(cache::matrix_path(d, &cache::matrix_key(&gkey, &pts))).ok()?;
            cache::decode_matrix(&bytes, n)
        });
        layers.push((
            mode,
            cached.map(|(durations, distances, snap_m)| Layer {
                durations,
                distances,
                snap_m,
            }),
        ));
    }
    // Networks for the modes whose matrix is not cached: from the graph cache, else built
    // from one reading of the extract.
    let missing: Vec<TravelMode> = layers
        .iter()
        .filter(|(_, l)| l.is_none())
        .map(|(m, _)| *m)
        .collect();
    let mut networks: Vec<road::RoadNetwork> = Vec::new();
    let mut to_build = Vec::new();
    for &mode in &missing {
        let gkey = cache::graph_key(&digest, mode);
        match dir
            .as_deref()
            .and_then(|d| std::fs::read(cache::graph_path(d, &gkey)).ok())
            .and_then(|b| road::RoadNetwork::decode(&b))
        {
            Some(net) => networks.push(net),
            None => to_build.push(mode),
        }
    }
    if !to_build.is_empty() {
        read(&mut bytes)?;
        let built = road::RoadNetwork::from_pbf_modes(bytes.as_deref().unwrap_or_default(), &to_build)
            .map_err(|message| TravelError::Osm {
                path: file_path.clone(),
                file: osm_file.to_path_buf(),
                message,
            })?;
        for net in built {
            if let Some(d) = &dir {
                cache::write_atomic(
                    &cache::graph_path(d, &cache::graph_key(&digest, net.mode())),
                    &net.encode(),
                );
            }
            networks.push(net);
        }
    }
    let mut out = Vec::with_capacity(layers.len());
    for (mode, layer) in layers {
        let path_for_mode = mode_path(problem, mode, FieldPath::root().field("travel").field("profile"));
        let layer = match layer {
            Some(l) => l,
            None => {
                let Some(net) = networks.iter().find(|net| net.mode() == mode) else {
                    unreachable!("a network was built for every missing mode")
                };
                let mut snapped = Vec::with_capacity(n);
                for p in &pts {
                    snapped.push(net.snap(*p).ok_or_else(|| TravelError::NoRoads {
                        path: if mode == profile {
                            file_path.clone()
                        } else {
                            path_for_mode.clone()
                        },
                        file: osm_file.to_path_buf(),
                        mode,
                    })?);
                }
                let snap_m: Vec<f64> = snapped.iter().map(|s| s.distance_m).collect();
                check_snaps(problem, mode, &snap_m, max_snap_m)?;
                let (durations, distances) = net.matrix(&snapped).map_err(|(i, j)| TravelError::NoRoute {
                    path: place_path(problem, i),
                    to: place_path(problem, j),
                    mode,
                })?;
                if let Some(d) = &dir {
                    let key = cache::matrix_key(&cache::graph_key(&digest, mode), &pts);
                    cache::write_atomic(
                        &cache::matrix_path(d, &key),
                        &cache::encode_matrix(&durations, &distances, &snap_m),
                    );
                }
                Layer {
                    durations,
                    distances,
                    snap_m,
                }
            }
        };
        check_snaps(problem, mode, &layer.snap_m, max_snap_m)?;
        out.push((mode, layer));
    }
    Ok(assemble(n, out))
}

fn osrm_matrix(problem: &Problem) -> Result<TravelMatrix, TravelError> {
    let TravelModel::Osrm {
        url,
        profile,
        max_snap_m,
        max_table_size,
        timeout_s,
        mode_urls,
    } = &problem.travel
    else {
        unreachable!("called for osrm travel only")
    };
    let pts = points(problem);
    let travel = FieldPath::root().field("travel");
    let mut servers = vec![(*profile, url.clone(), travel.field("url"))];
    for mode in staff_modes(problem) {
        if let Some((_, u)) = mode_urls.iter().find(|(m, _)| *m == mode) {
            servers.push((mode, u.clone(), travel.field("mode_urls").field(mode.as_str())));
        }
    }
    let mut layers = Vec::new();
    for (mode, url, path) in servers {
        let t = osrm::table(
            &url,
            mode,
            &pts,
            *max_table_size,
            Duration::from_secs_f64(*timeout_s),
        )
        .map_err(|f| match f {
            osrm::OsrmFailure::Server(message) => TravelError::Osrm {
                path: path.clone(),
                url: url.clone(),
                message,
            },
            osrm::OsrmFailure::NoSegment(i) => TravelError::NoSegment {
                path: place_path(problem, i),
                url: url.clone(),
            },
            osrm::OsrmFailure::NoRoute(i, j) => TravelError::NoRoute {
                path: place_path(problem, i),
                to: place_path(problem, j),
                mode,
            },
        })?;
        check_snaps(problem, mode, &t.snap_m, *max_snap_m)?;
        layers.push((
            mode,
            Layer {
                durations: t.durations_min,
                distances: t.distances_km,
                snap_m: t.snap_m,
            },
        ));
    }
    Ok(assemble(pts.len(), layers))
}
