//! On-disk cache of built road graphs and computed matrices.
//!
//! Keys are SHA-256 digests: a graph's of the extract's bytes, the travel mode and the
//! format version; a matrix's of its graph key and the places' coordinates. A changed
//! extract, profile rules (bump [`FORMAT`]) or place list therefore never reads a stale
//! entry. The extract's digest itself is remembered per path, size and modification time,
//! so a warm run does not hash the file again.
//!
//! Where: `$CARE_ROUNDS_CACHE_DIR` if set (empty or `off` turns caching off), else
//! `.carerounds-cache/` next to the extract, else `$XDG_CACHE_HOME/carerounds` (or
//! `~/.cache/carerounds`). A cache that cannot be written is skipped silently: it only
//! saves time.

use super::road::{Graph, GraphChain};
use crate::model::{LatLon, TravelMode};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Bump when the graph builder or profiles change what they produce.
pub(crate) const FORMAT: u32 = 1;
const GRAPH_MAGIC: &[u8; 4] = b"CRRG";
const MATRIX_MAGIC: &[u8; 4] = b"CRRM";

/// The cache folder for graphs built from `pbf`, created if need be.
pub(crate) fn dir_for(pbf: &Path) -> Option<PathBuf> {
    if let Some(v) = std::env::var_os("CARE_ROUNDS_CACHE_DIR") {
        if v.is_empty() || v == "off" {
            return None;
        }
        let d = PathBuf::from(v);
        return std::fs::create_dir_all(&d).ok().map(|_| d);
    }
    let beside = pbf.parent().map(|p| p.join(".carerounds-cache"));
    let user = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .map(|d| d.join("carerounds"));
    [beside, user]
        .into_iter()
        .flatten()
        .find(|d| std::fs::create_dir_all(d).is_ok() && writable(d))
}

fn writable(d: &Path) -> bool {
    let probe = d.join(format!(".probe-{}", std::process::id()));
    let ok = std::fs::write(&probe, b"").is_ok();
    let _ = std::fs::remove_file(&probe);
    ok
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of `bytes`, as hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The remembered digest of `file` when its size and modification time are unchanged.
pub(crate) fn remembered_digest(dir: &Path, file: &Path) -> Option<String> {
    let text = std::fs::read_to_string(stamp_path(dir, file)?).ok()?;
    let (stamp, digest) = text.trim().rsplit_once(' ')?;
    (stamp == file_stamp(file)?).then(|| digest.to_string())
}

/// Remembers `digest` for `file` at its current size and modification time.
pub(crate) fn remember_digest(dir: &Path, file: &Path, digest: &str) {
    if let (Some(path), Some(stamp)) = (stamp_path(dir, file), file_stamp(file)) {
        write_atomic(&path, format!("{stamp} {digest}\n").as_bytes());
    }
}

fn stamp_path(dir: &Path, file: &Path) -> Option<PathBuf> {
    let canon = std::fs::canonicalize(file).ok()?;
    let key = sha256_hex(canon.to_string_lossy().as_bytes());
    Some(dir.join(format!("stamp-{}.txt", &key[..16])))
}

fn file_stamp(file: &Path) -> Option<String> {
    let meta = std::fs::metadata(file).ok()?;
    let mtime = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some(format!("{} {}", meta.len(), mtime.as_nanos()))
}

/// Key of the graph of `mode` built from the extract with this digest.
pub(crate) fn graph_key(file_digest: &str, mode: TravelMode) -> String {
    let k = sha256_hex(format!("graph v{FORMAT} {file_digest} {mode}").as_bytes());
    k[..32].to_string()
}

/// Key of the matrix between `points` on the graph `graph_key`.
pub(crate) fn matrix_key(graph_key: &str, points: &[LatLon]) -> String {
    let mut h = Sha256::new();
    h.update(format!("matrix v{FORMAT} {graph_key} {}", points.len()).as_bytes());
    for p in points {
        h.update(p.lat.to_le_bytes());
        h.update(p.lon.to_le_bytes());
    }
    hex(&h.finalize())[..32].to_string()
}

pub(crate) fn graph_path(dir: &Path, key: &str) -> PathBuf {
    dir.join(format!("graph-{key}.bin"))
}

pub(crate) fn matrix_path(dir: &Path, key: &str) -> PathBuf {
    dir.join(format!("matrix-{key}.bin"))
}

/// Writes through a temporary file and a rename, so a reader never sees half a file.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) {
    // Unique per process and call: threads of one process may write the same entry.
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let k = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = path.with_extension(format!("tmp{}-{k}", std::process::id()));
    if std::fs::write(&tmp, bytes).is_ok() && std::fs::rename(&tmp, path).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

struct W(Vec<u8>);

impl W {
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn f64s(&mut self, v: &[f64]) {
        self.u64(v.len() as u64);
        for x in v {
            self.0.extend_from_slice(&x.to_le_bytes());
        }
    }
    fn u32s(&mut self, v: &[u32]) {
        self.u64(v.len() as u64);
        for x in v {
            self.u32(*x);
        }
    }
}

struct R<'a>(&'a [u8]);

impl R<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        if self.0.len() < n {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn len(&mut self, each: usize) -> Option<usize> {
        let n = usize::try_from(self.u64()?).ok()?;
        (n.checked_mul(each)? <= self.0.len()).then_some(n)
    }
    fn f64s(&mut self) -> Option<Vec<f64>> {
        let n = self.len(8)?;
        let raw = self.take(n * 8)?;
        Some(
            raw.chunks_exact(8)
                .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
                .collect(),
        )
    }
    fn u32s(&mut self) -> Option<Vec<u32>> {
        let n = self.len(4)?;
        let raw = self.take(n * 4)?;
        Some(
            raw.chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        )
    }
}

fn mode_code(m: TravelMode) -> u32 {
    match m {
        TravelMode::Car => 0,
        TravelMode::Walk => 1,
        TravelMode::Bike => 2,
    }
}

pub(crate) fn encode_graph(g: &Graph) -> Vec<u8> {
    let mut w = W(Vec::new());
    w.0.extend_from_slice(GRAPH_MAGIC);
    w.u32(FORMAT);
    w.u32(mode_code(g.mode));
    w.u64(g.junctions as u64);
    w.u32s(&g.first_out);
    w.u32s(&g.head);
    w.f64s(&g.arc_time);
    w.f64s(&g.arc_dist);
    let mut chains = Vec::with_capacity(g.chains.len() * 5);
    for c in &g.chains {
        let flags = u32::from(c.fwd) | u32::from(c.bwd) << 1 | u32::from(c.core) << 2;
        chains.extend_from_slice(&[c.from, c.to, c.start, c.end, flags]);
    }
    w.u32s(&chains);
    for v in [&g.lat, &g.lon, &g.cum_dist, &g.cum_tf, &g.cum_tb] {
        w.f64s(v);
    }
    w.0
}

pub(crate) fn decode_graph(bytes: &[u8]) -> Option<Graph> {
    let mut r = R(bytes);
    if r.take(4)? != GRAPH_MAGIC || r.u32()? != FORMAT {
        return None;
    }
    let mode = *TravelMode::ALL
        .iter()
        .find(|m| mode_code(**m) == r_peek(&mut r))?;
    let junctions = usize::try_from(r.u64()?).ok()?;
    let first_out = r.u32s()?;
    let head = r.u32s()?;
    let arc_time = r.f64s()?;
    let arc_dist = r.f64s()?;
    let raw = r.u32s()?;
    let chains = raw
        .chunks_exact(5)
        .map(|c| GraphChain {
            from: c[0],
            to: c[1],
            start: c[2],
            end: c[3],
            fwd: c[4] & 1 != 0,
            bwd: c[4] & 2 != 0,
            core: c[4] & 4 != 0,
        })
        .collect::<Vec<_>>();
    let (lat, lon, cum_dist, cum_tf, cum_tb) = (r.f64s()?, r.f64s()?, r.f64s()?, r.f64s()?, r.f64s()?);
    // Reject anything inconsistent rather than index out of bounds later.
    let points = lat.len();
    let arcs = head.len();
    let ok = first_out.len() == junctions + 1
        && first_out.windows(2).all(|w| w[0] <= w[1])
        && first_out.last().is_some_and(|&l| l as usize == arcs)
        && head.iter().all(|&h| (h as usize) < junctions)
        && arc_time.len() == arcs
        && arc_dist.len() == arcs
        && [lon.len(), cum_dist.len(), cum_tf.len(), cum_tb.len()]
            .iter()
            .all(|&l| l == points)
        && chains.iter().all(|c| {
            (c.from as usize) < junctions
                && (c.to as usize) < junctions
                && c.start < c.end
                && c.end as usize <= points
                && c.end - c.start >= 2
        })
        && r.0.is_empty();
    ok.then_some(Graph {
        mode,
        junctions,
        first_out,
        head,
        arc_time,
        arc_dist,
        chains,
        lat,
        lon,
        cum_dist,
        cum_tf,
        cum_tb,
    })
}

fn r_peek(r: &mut R) -> u32 {
    r.u32().unwrap_or(u32::MAX)
}

/// A cached matrix: n, durations (min), distances (km), snap distances (m).
pub(crate) type CachedMatrix = (Vec<f64>, Vec<f64>, Vec<f64>);

pub(crate) fn encode_matrix(dur: &[f64], dist: &[f64], snap_m: &[f64]) -> Vec<u8> {
    let mut w = W(Vec::new());
    w.0.extend_from_slice(MATRIX_MAGIC);
    w.u32(FORMAT);
    w.f64s(dur);
    w.f64s(dist);
    w.f64s(snap_m);
    w.0
}

pub(crate) fn decode_matrix(bytes: &[u8], n: usize) -> Option<CachedMatrix> {
    let mut r = R(bytes);
    if r.take(4)? != MATRIX_MAGIC || r.u32()? != FORMAT {
        return None;
    }
    let (dur, dist, snap) = (r.f64s()?, r.f64s()?, r.f64s()?);
    (dur.len() == n * n && dist.len() == n * n && snap.len() == n && r.0.is_empty())
        .then_some((dur, dist, snap))
}
