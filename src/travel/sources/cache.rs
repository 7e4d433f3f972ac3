//! On-disk cache of built road graphs and computed matrices: where it lives, the keys and
//! paths of its entries, atomic writes, and the matrices' format (the graphs' is the
//! road network's own, `road::codec`).
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

use super::bytes::{R, W};
use crate::model::{LatLon, TravelMode};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Bump when the graph builder or profiles change what they produce.
pub(crate) const FORMAT: u32 = 1;
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
