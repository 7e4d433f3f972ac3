//! A road matrix from an OpenStreetMap extract: reads the file (or the disk cache of its
//! digest, graphs and matrices), builds the networks of the modes not cached, snaps and
//! routes.

use super::{assemble, cache, check_snaps, mode_path, place_path, points, road, staff_modes, Layer};
use crate::model::{FieldPath, Problem, TravelMode};
use crate::travel::{TravelError, TravelMatrix};
use std::path::Path;

pub(super) fn road_matrix(
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
            .map_err(|source| TravelError::Osm {
                path: file_path.clone(),
                file: osm_file.to_path_buf(),
                source,
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
