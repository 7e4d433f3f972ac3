//! Travel from an OSRM server's `table` service (`/table/v1/{profile}/{coordinates}`,
//! annotations duration and distance). Tables larger than the server's
//! `--max-table-size` are asked for in blocks of sources × destinations, in parallel.

use super::{assemble, check_snaps, place_path, points, staff_modes, Layer};
use crate::model::{FieldPath, LatLon, Problem, TravelMode};
use crate::travel::{TravelError, TravelMatrix};
use rayon::prelude::*;
use std::time::Duration;

/// Why a table could not be had from the server.
#[derive(Debug, Clone, PartialEq)]
pub enum OsrmFailure {
    /// Connection, timeout or HTTP trouble, or an error code other than `NoSegment`.
    Server(String),
    /// The server could not snap the point with this index.
    NoSegment(usize),
    /// No route from the first point to the second.
    NoRoute(usize, usize),
}

/// A full table from the server: row-major minutes and km, and each point's snap metres.
#[derive(Debug, Clone, PartialEq)]
pub struct OsrmTable {
    /// Minutes, row = from.
    pub durations_min: Vec<f64>,
    /// Kilometres, row = from.
    pub distances_km: Vec<f64>,
    /// Metres from each point to where the server snapped it.
    pub snap_m: Vec<f64>,
}

/// The `{profile}` path segment; osrm-routed serves whatever data it loaded, so this is
/// for proxies and logs.
fn profile_name(mode: TravelMode) -> &'static str {
    match mode {
        TravelMode::Car => "driving",
        TravelMode::Walk => "walking",
        TravelMode::Bike => "cycling",
    }
}

/// Asks `url` for the table between `points`, `max` sources and destinations at a time.
pub fn table(
    url: &str,
    mode: TravelMode,
    points: &[LatLon],
    max: usize,
    timeout: Duration,
) -> Result<OsrmTable, OsrmFailure> {
    let n = points.len();
    let agent = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .build(),
    );
    let max = max.max(1);
    let blocks: Vec<(usize, usize)> = (0..n)
        .step_by(max)
        .flat_map(|s| (0..n).step_by(max).map(move |d| (s, d)))
        .collect();
    let results: Vec<Result<Block, OsrmFailure>> = blocks
        .par_iter()
        .map(|&(s, d)| {
            let src = s..(s + max).min(n);
            let dst = d..(d + max).min(n);
            request(&agent, url, mode, points, src, dst)
        })
        .collect();
    let mut out = OsrmTable {
        durations_min: vec![0.0; n * n],
        distances_km: vec![0.0; n * n],
        snap_m: vec![0.0; n],
    };
    for r in results {
        let b = r?;
        for (a, i) in b.src.clone().enumerate() {
            out.snap_m[i] = b.snap[a];
            for (c, j) in b.dst.clone().enumerate() {
                if i == j {
                    continue;
                }
                let (t, d) = b.cells[a * b.dst.len() + c];
                match (t, d) {
                    (Some(t), Some(d)) => {
                        out.durations_min[i * n + j] = t / 60.0;
                        out.distances_km[i * n + j] = d / 1000.0;
                    }
                    _ => return Err(OsrmFailure::NoRoute(i, j)),
                }
            }
        }
    }
    Ok(out)
}

struct Block {
    src: std::ops::Range<usize>,
    dst: std::ops::Range<usize>,
    cells: Vec<(Option<f64>, Option<f64>)>,
    snap: Vec<f64>,
}

fn request(
    agent: &ureq::Agent,
    url: &str,
    mode: TravelMode,
    points: &[LatLon],
    src: std::ops::Range<usize>,
    dst: std::ops::Range<usize>,
) -> Result<Block, OsrmFailure> {
    use std::fmt::Write;
    // One place: OSRM wants two coordinates, so it is sent as source and as destination.
    let same = src == dst && src.len() > 1;
    // The coordinates sent: the sources, then the destinations unless they are the same.
    let sent: Vec<usize> = if same {
        src.clone().collect()
    } else {
        src.clone().chain(dst.clone()).collect()
    };
    let mut q = format!("{url}/table/v1/{}/", profile_name(mode));
    for (k, &i) in sent.iter().enumerate() {
        let p = points[i];
        let _ = write!(q, "{}{:.6},{:.6}", if k > 0 { ";" } else { "" }, p.lon, p.lat);
    }
    q.push_str("?annotations=duration,distance");
    if !same {
        let list = |r: std::ops::Range<usize>| r.map(|k| k.to_string()).collect::<Vec<_>>().join(";");
        let _ = write!(
            q,
            "&sources={}&destinations={}",
            list(0..src.len()),
            list(src.len()..sent.len())
        );
    }
    let mut resp = agent
        .get(&q)
        .call()
        .map_err(|e| OsrmFailure::Server(format!("cannot reach the server: {e}")))?;
    let status = resp.status().as_u16();
    let body = resp
        .body_mut()
        .with_config()
        .limit(1 << 30)
        .read_to_string()
        .map_err(|e| OsrmFailure::Server(format!("cannot read the answer: {e}")))?;
    let json: serde_json::Value = serde_json::from_str(&body).map_err(|_| {
        let head: String = body.chars().take(200).collect();
        OsrmFailure::Server(format!("HTTP {status}, not an OSRM answer: {head}"))
    })?;
    let code = json.get("code").and_then(|c| c.as_str()).unwrap_or("");
    if code != "Ok" {
        let message = json.get("message").and_then(|m| m.as_str()).unwrap_or("");
        if code == "NoSegment" {
            // "Could not find a matching segment for coordinate 3"
            if let Some(k) = message
                .rsplit(' ')
                .next()
                .and_then(|w| w.parse::<usize>().ok())
                .and_then(|k| sent.get(k))
            {
                return Err(OsrmFailure::NoSegment(*k));
            }
        }
        let hint = if code == "TooBig" {
            " (lower travel.max_table_size to the server's --max-table-size)"
        } else {
            ""
        };
        return Err(OsrmFailure::Server(format!(
            "HTTP {status}, {code}: {message}{hint}"
        )));
    }
    let grid = |key: &str| -> Result<Vec<Option<f64>>, OsrmFailure> {
        let rows = json
            .get(key)
            .and_then(|v| v.as_array())
            .ok_or_else(|| OsrmFailure::Server(format!("the answer has no '{key}'")))?;
        if rows.len() != src.len() {
            return Err(OsrmFailure::Server(format!(
                "'{key}' has {} rows, expected {}",
                rows.len(),
                src.len()
            )));
        }
        let mut out = Vec::with_capacity(src.len() * dst.len());
        for row in rows {
            let row = row
                .as_array()
                .filter(|r| r.len() == dst.len())
                .ok_or_else(|| OsrmFailure::Server(format!("a row of '{key}' has the wrong length")))?;
            out.extend(row.iter().map(|v| v.as_f64()));
        }
        Ok(out)
    };
    let durations = grid("durations")?;
    let distances = grid("distances")?;
    let snap = json
        .get("sources")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .map(|s| s.get("distance").and_then(|d| d.as_f64()).unwrap_or(0.0))
                .collect::<Vec<_>>()
        })
        .filter(|s| s.len() == src.len())
        .ok_or_else(|| OsrmFailure::Server("the answer has no 'sources'".into()))?;
    Ok(Block {
        src,
        dst,
        cells: durations.into_iter().zip(distances).collect(),
        snap,
    })
}

/// The servers of an OSRM travel model: one for the profile, others per further mode.
pub(super) struct Servers<'a> {
    pub(super) url: &'a str,
    pub(super) profile: TravelMode,
    pub(super) mode_urls: &'a [(TravelMode, String)],
}

/// The matrix of an OSRM travel model: one table per server the staff's modes need.
pub(super) fn matrix(
    problem: &Problem,
    servers: &Servers<'_>,
    max_snap_m: f64,
    max_table_size: usize,
    timeout_s: f64,
) -> Result<TravelMatrix, TravelError> {
    let Servers {
        url,
        profile,
        mode_urls,
    } = *servers;
    let pts = points(problem);
    let travel = FieldPath::root().field("travel");
    let mut servers = vec![(profile, url.to_string(), travel.field("url"))];
    for mode in staff_modes(problem) {
        if let Some((_, u)) = mode_urls.iter().find(|(m, _)| *m == mode) {
            servers.push((mode, u.clone(), travel.field("mode_urls").field(mode.as_str())));
        }
    }
    let mut layers = Vec::new();
    for (mode, url, path) in servers {
        let t = table(
            &url,
            mode,
            &pts,
            max_table_size,
            Duration::from_secs_f64(timeout_s),
        )
        .map_err(|f| match f {
            OsrmFailure::Server(message) => TravelError::Osrm {
                path: path.clone(),
                url: url.clone(),
                message,
            },
            OsrmFailure::NoSegment(i) => TravelError::NoSegment {
                path: place_path(problem, i),
                url: url.clone(),
            },
            OsrmFailure::NoRoute(i, j) => TravelError::NoRoute {
                path: place_path(problem, i),
                to: place_path(problem, j),
                mode,
            },
        })?;
        check_snaps(problem, mode, &t.snap_m, max_snap_m)?;
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
