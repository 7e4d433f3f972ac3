//! The `travel` object and `staff[].travel_mode`: which travel model a problem asks for,
//! with its defaults and limits. A file of its own because the road and OSRM modes
//! brought enough settings of their own to crowd out the rules about staff and visits.

use super::fields::{err, non_negative, Result};
use crate::model::error::FieldPath;
use crate::model::error::InputErrorKind::*;
use crate::model::input::{ProblemInput, TravelInput};
use crate::model::problem::{TravelMode, TravelModel};

/// The travel model the document asks for, defaults filled in and limits checked.
pub(super) fn travel_model(input: &ProblemInput) -> Result<TravelModel> {
    let path = FieldPath::root().field("travel");
    match &input.travel {
        None => Ok(TravelModel::Haversine {
            speed_kmh: 30.0,
            detour_factor: 1.3,
        }),
        Some(TravelInput::Haversine {
            speed_kmh,
            detour_factor,
        }) => {
            let speed = speed_kmh.unwrap_or(30.0);
            if !speed.is_finite() || speed <= 0.0 {
                return err(
                    OutOfRange,
                    path.field("speed_kmh"),
                    format!("speed must be > 0 km/h, got {speed}"),
                );
            }
            let detour = detour_factor.unwrap_or(1.3);
            if !detour.is_finite() || detour < 1.0 {
                return err(OutOfRange,
                    path.field("detour_factor"),
                    format!("detour factor must be >= 1 (roads are never shorter than a straight line), got {detour}"),
                );
            }
            Ok(TravelModel::Haversine {
                speed_kmh: speed,
                detour_factor: detour,
            })
        }
        Some(TravelInput::Matrix {
            durations_min,
            distances_km,
        }) => {
            let n = input.locations.len();
            for (name, m) in [("durations_min", durations_min), ("distances_km", distances_km)] {
                let mpath = path.field(name);
                if m.len() != n {
                    return err(
                        Conflict,
                        mpath,
                        format!(
                            "matrix has {} rows but `locations` has {n} entries; it must be {n} x {n}",
                            m.len()
                        ),
                    );
                }
                for (i, row) in m.iter().enumerate() {
                    if row.len() != n {
                        return err(
                            Conflict,
                            mpath.index(i),
                            format!(
                                "row has {} entries; the matrix must be square, {n} x {n}",
                                row.len()
                            ),
                        );
                    }
                    // The path is built only for a bad entry: a 1,000-place matrix has
                    // two million of them, and formatting each path cost seconds.
                    if let Some(j) = row.iter().position(|v| !v.is_finite() || *v < 0.0) {
                        non_negative(row[j], mpath.index(i).index(j), "matrix entry")?;
                    }
                }
            }
            Ok(TravelModel::Matrix {
                durations_min: durations_min.clone(),
                distances_km: distances_km.clone(),
            })
        }
        Some(TravelInput::Road {
            osm_file,
            profile,
            max_snap_m,
        }) => {
            if osm_file.trim().is_empty() {
                return err(
                    InvalidValue,
                    path.field("osm_file"),
                    "give the path of an OpenStreetMap extract (.osm.pbf)",
                );
            }
            Ok(TravelModel::Road {
                osm_file: osm_file.into(),
                profile: parse_mode(profile.as_deref(), path.field("profile"))?,
                max_snap_m: max_snap(*max_snap_m, &path)?,
            })
        }
        Some(TravelInput::Osrm {
            url,
            profile,
            max_snap_m,
            max_table_size,
            timeout_s,
            mode_urls,
        }) => {
            let url = osrm_url(url, path.field("url"))?;
            let max_table_size = max_table_size.unwrap_or(DEFAULT_MAX_TABLE_SIZE);
            if max_table_size < 1 {
                return err(
                    OutOfRange,
                    path.field("max_table_size"),
                    "must be at least 1 (the server's --max-table-size, 100 by default)",
                );
            }
            let timeout_s = timeout_s.unwrap_or(DEFAULT_OSRM_TIMEOUT_S);
            if !timeout_s.is_finite() || !(0.0..=3600.0).contains(&timeout_s) || timeout_s == 0.0 {
                return err(
                    OutOfRange,
                    path.field("timeout_s"),
                    format!("timeout must be > 0 and <= 3600 seconds, got {timeout_s}"),
                );
            }
            let mut urls = Vec::new();
            for (name, u) in mode_urls.iter().flatten() {
                let mode = parse_mode(Some(name), path.field("mode_urls").field(name))?;
                urls.push((mode, osrm_url(u, path.field("mode_urls").field(name))?));
            }
            urls.sort_by_key(|(m, _)| *m);
            Ok(TravelModel::Osrm {
                url,
                profile: parse_mode(profile.as_deref(), path.field("profile"))?,
                max_snap_m: max_snap(*max_snap_m, &path)?,
                max_table_size,
                timeout_s,
                mode_urls: urls,
            })
        }
    }
}

/// Default `travel.max_snap_m`: a rural address point can sit a few hundred metres up a
/// private drive, but a kilometre from any road is a wrong coordinate.
pub const DEFAULT_MAX_SNAP_M: f64 = 1000.0;
/// Default `travel.max_table_size`: osrm-routed's own default.
pub const DEFAULT_MAX_TABLE_SIZE: usize = 100;
/// Default `travel.timeout_s` for OSRM requests.
pub const DEFAULT_OSRM_TIMEOUT_S: f64 = 60.0;

fn max_snap(v: Option<f64>, path: &FieldPath) -> Result<f64> {
    let m = v.unwrap_or(DEFAULT_MAX_SNAP_M);
    if !m.is_finite() || m <= 0.0 {
        return err(
            OutOfRange,
            path.field("max_snap_m"),
            format!("must be a distance in metres > 0, got {m}"),
        );
    }
    Ok(m)
}

/// A travel mode name (`car`, `walk`, `bike`, or OSRM's `foot`, `bicycle`); absent = car.
fn parse_mode(name: Option<&str>, path: FieldPath) -> Result<TravelMode> {
    match name {
        None | Some("car") => Ok(TravelMode::Car),
        Some("walk" | "foot") => Ok(TravelMode::Walk),
        Some("bike" | "bicycle") => Ok(TravelMode::Bike),
        Some(other) => err(
            InvalidValue,
            path,
            format!("unknown travel mode '{other}': use \"car\", \"walk\" or \"bike\""),
        ),
    }
}

fn osrm_url(url: &str, path: FieldPath) -> Result<String> {
    let u = url.trim().trim_end_matches('/');
    let Some(rest) = u.strip_prefix("http://") else {
        return err(
            InvalidValue,
            path,
            format!("'{url}' is not an http:// URL (an OSRM server such as http://127.0.0.1:5000)"),
        );
    };
    if rest.is_empty() || rest.contains(char::is_whitespace) || rest.contains(['?', '#']) {
        return err(
            InvalidValue,
            path,
            format!("'{url}' is not a server address like http://127.0.0.1:5000"),
        );
    }
    Ok(u.to_string())
}

/// `staff[].travel_mode`, kept only when it differs from the travel model's profile.
pub(super) fn travel_mode(
    mode: Option<TravelMode>,
    travel: &TravelModel,
    path: FieldPath,
) -> Result<Option<TravelMode>> {
    let Some(mode) = mode else { return Ok(None) };
    match travel {
        TravelModel::Haversine { .. } | TravelModel::Matrix { .. } => {
            if mode == TravelMode::Car {
                Ok(None)
            } else {
                err(
                    Conflict,
                    path,
                    format!(
                        "travel mode '{mode}' needs road travel: set travel.mode to \"road\" or \"osrm\" \
                         (haversine and matrix travel model driving)"
                    ),
                )
            }
        }
        TravelModel::Road { profile, .. } => Ok((mode != *profile).then_some(mode)),
        TravelModel::Osrm {
            profile, mode_urls, ..
        } => {
            if mode == *profile {
                Ok(None)
            } else if mode_urls.iter().any(|(m, _)| *m == mode) {
                Ok(Some(mode))
            } else {
                err(
                    Conflict,
                    path,
                    format!(
                        "the OSRM server serves '{profile}'; for '{mode}' give the URL of a server \
                         built with that profile in travel.mode_urls.{mode}"
                    ),
                )
            }
        }
    }
}
