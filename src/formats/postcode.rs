//! UK postcodes: spelling as people type them, and an index from postcode to WGS84 point
//! built from OS Code-Point Open rows.
//!
//! The index is two sorted arrays (keys, points) rather than a hash map: it is built once,
//! written to and read from the disk cache as it lies in memory (no re-hashing of 1.7
//! million entries on every import), a lookup is a binary search (about 21 comparisons),
//! and the postcodes of one outward code lie side by side, which is what suggesting the
//! nearest valid spelling needs. Pure: bytes in, index out; files are [`super::codepoint`]'s.

use super::osgb::grid_to_wgs84;
use crate::model::LatLon;

/// A postcode in standard form (`LE15 6SA`) from any usual spelling (`le156sa`,
/// `LE15  6SA`, ` le15 6sa `), or `None` when it cannot be a UK postcode: an outward code
/// of a letter or two, a digit and an optional digit or letter, then an inward code of a
/// digit and two letters.
pub fn normalise(text: &str) -> Option<String> {
    let squeezed: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let b = squeezed.as_bytes();
    if !(5..=7).contains(&b.len()) || !b.iter().all(u8::is_ascii_alphanumeric) {
        return None;
    }
    let (out, inward) = b.split_at(b.len() - 3);
    let letters = out.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    let outward_ok = (1..=2).contains(&letters)
        && out.get(letters).is_some_and(u8::is_ascii_digit)
        && out.len() - letters <= 2;
    let inward_ok = inward[0].is_ascii_digit() && inward[1..].iter().all(u8::is_ascii_alphabetic);
    (outward_ok && inward_ok).then(|| format!("{} {}", &squeezed[..out.len()], &squeezed[out.len()..]))
}

/// The postcode's letters and digits without the space, packed big-endian into a `u64`
/// (zero-padded), so that keys sort as the text does.
fn key(normalised: &str) -> u64 {
    let mut k = [0u8; 8];
    for (slot, b) in k.iter_mut().zip(normalised.bytes().filter(|b| *b != b' ')) {
        *slot = b;
    }
    u64::from_be_bytes(k)
}

/// The postcode in standard form of a key.
fn unkey(k: u64) -> String {
    let bytes: Vec<u8> = k.to_be_bytes().into_iter().take_while(|b| *b != 0).collect();
    let s = String::from_utf8_lossy(&bytes).into_owned();
    let cut = s.len().saturating_sub(3);
    format!("{} {}", &s[..cut], &s[cut..])
}

/// Microdegrees: 0.1 m of precision, and half the size of `f64` pairs.
fn micro(x: f64) -> i32 {
    (x * 1e6).round() as i32
}

/// Postcodes and their WGS84 points.
#[derive(Clone, Default, PartialEq)]
pub struct PostcodeIndex {
    keys: Vec<u64>,
    points: Vec<[i32; 2]>,
}

/// The count only: the full index of Great Britain is 1.7 million entries, which a
/// settings dump (the server's `Config`) should not print.
impl std::fmt::Debug for PostcodeIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostcodeIndex")
            .field("postcodes", &self.keys.len())
            .finish()
    }
}

/// Collects Code-Point Open rows; [`IndexBuilder::finish`] sorts them into an index.
#[derive(Debug, Default)]
pub struct IndexBuilder {
    rows: Vec<(u64, [i32; 2])>,
    /// Rows of positional quality 90 (no coordinates), skipped as Code-Point advises.
    pub without_position: usize,
    /// Rows that are not Code-Point rows (too few cells, a postcode or coordinate that
    /// cannot be read), skipped.
    pub unreadable: usize,
}

impl IndexBuilder {
    /// Adds the rows of one Code-Point Open area file (`Data/CSV/le.csv`): no header,
    /// columns `PC, PQ, EA, NO, ...`, quoted text, Latin-1 (only the ASCII postcode and
    /// numbers are read, so the encoding does not matter).
    pub fn add_area(&mut self, bytes: &[u8]) {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut rec = csv::ByteRecord::new();
        loop {
            match reader.read_byte_record(&mut rec) {
                Ok(false) => break,
                Ok(true) => {}
                Err(_) => {
                    self.unreadable += 1;
                    continue;
                }
            }
            let text = |i: usize| {
                rec.get(i)
                    .and_then(|c| std::str::from_utf8(c).ok())
                    .map(str::trim)
            };
            if text(1) == Some("90") {
                self.without_position += 1;
                continue;
            }
            let num = |i: usize| text(i).and_then(|c| c.parse::<f64>().ok());
            match (text(0).and_then(normalise), num(2), num(3)) {
                (Some(pc), Some(e), Some(n)) if e > 0.0 && n > 0.0 => {
                    let p = grid_to_wgs84(e, n);
                    self.rows.push((key(&pc), [micro(p.lat), micro(p.lon)]));
                }
                _ => self.unreadable += 1,
            }
        }
    }

    /// The index; a postcode given twice keeps its first point.
    pub fn finish(mut self) -> PostcodeIndex {
        self.rows.sort_by_key(|r| r.0);
        self.rows.dedup_by_key(|r| r.0);
        PostcodeIndex {
            keys: self.rows.iter().map(|r| r.0).collect(),
            points: self.rows.iter().map(|r| r.1).collect(),
        }
    }
}

const MAGIC: &[u8; 4] = b"CRPC";
/// Bump when the conversion or the layout changes, so old caches are rebuilt.
const VERSION: u32 = 1;

impl PostcodeIndex {
    /// How many postcodes it holds.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The point of a postcode in any usual spelling.
    pub fn get(&self, postcode: &str) -> Option<LatLon> {
        let k = key(&normalise(postcode)?);
        let i = self.keys.binary_search(&k).ok()?;
        let [lat, lon] = self.points[i];
        Some(LatLon {
            lat: f64::from(lat) / 1e6,
            lon: f64::from(lon) / 1e6,
        })
    }

    /// Up to `n` valid postcodes nearest in spelling to `text` (fewest letters changed),
    /// from its own outward code (`LE15` for `LE15 6XX`), else from its postcode area
    /// (`LE`): the likely slips are in the inward code, and a scan of one area is quick.
    pub fn suggestions(&self, text: &str, n: usize) -> Vec<String> {
        let squeezed: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if squeezed.len() < 4 || !squeezed.is_ascii() {
            return Vec::new();
        }
        let outward = &squeezed[..squeezed.len().saturating_sub(3).max(2)];
        let area: String = squeezed
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .take(2)
            .collect();
        for (prefix, exact) in [(outward, true), (area.as_str(), false)] {
            if prefix.is_empty() {
                continue;
            }
            let mut found: Vec<(usize, String)> = self
                .with_prefix(prefix)
                .map(unkey)
                .filter(|pc| {
                    let out = pc.split(' ').next().unwrap_or_default();
                    if exact {
                        out == prefix
                    } else {
                        out.chars()
                            .take_while(char::is_ascii_alphabetic)
                            .eq(prefix.chars())
                    }
                })
                .map(|pc| (edit_distance(&pc.replace(' ', ""), &squeezed), pc))
                .collect();
            if !found.is_empty() {
                found.sort();
                return found.into_iter().take(n).map(|f| f.1).collect();
            }
        }
        Vec::new()
    }

    /// The keys whose text starts with `prefix` (at most 8 bytes).
    fn with_prefix(&self, prefix: &str) -> impl Iterator<Item = u64> + '_ {
        let lo = key(prefix);
        let shift = 8usize.saturating_sub(prefix.len()) * 8;
        let hi = if shift >= 64 {
            u64::MAX
        } else {
            lo | ((1u64 << shift) - 1)
        };
        let start = self.keys.partition_point(|k| *k < lo);
        self.keys[start..].iter().copied().take_while(move |k| *k <= hi)
    }

    /// The cache file's bytes: magic, version, count, keys, points (little-endian).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(16 + self.keys.len() * 16);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&(self.keys.len() as u64).to_le_bytes());
        for k in &self.keys {
            out.extend_from_slice(&k.to_le_bytes());
        }
        for p in &self.points {
            out.extend_from_slice(&p[0].to_le_bytes());
            out.extend_from_slice(&p[1].to_le_bytes());
        }
        out
    }

    /// Reads [`PostcodeIndex::to_bytes`]; `None` for another version or a truncated or
    /// corrupt file (which the caller rebuilds), never a panic.
    pub fn from_bytes(bytes: &[u8]) -> Option<PostcodeIndex> {
        let head = bytes.get(..16)?;
        if &head[..4] != MAGIC || head[4..8] != VERSION.to_le_bytes() {
            return None;
        }
        let n = usize::try_from(u64::from_le_bytes(head[8..16].try_into().ok()?)).ok()?;
        let body = &bytes[16..];
        if body.len() != n.checked_mul(16)? {
            return None;
        }
        let (kb, pb) = body.split_at(n * 8);
        let keys: Vec<u64> = kb
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default()))
            .collect();
        if keys.windows(2).any(|w| w[0] >= w[1]) {
            return None;
        }
        let i32_at = |c: &[u8]| i32::from_le_bytes(c.try_into().unwrap_or_default());
        let points = pb
            .chunks_exact(8)
            .map(|c| [i32_at(&c[..4]), i32_at(&c[4..])])
            .collect();
        Some(PostcodeIndex { keys, points })
    }
}

/// Levenshtein distance between two short ASCII strings.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_are_normalised() {
        assert_eq!(normalise("le156sa").as_deref(), Some("LE15 6SA"));
        assert_eq!(normalise(" LE15  6SA ").as_deref(), Some("LE15 6SA"));
        assert_eq!(normalise("b11ay").as_deref(), Some("B1 1AY"));
        assert_eq!(normalise("ec1a1bb").as_deref(), Some("EC1A 1BB"));
        assert_eq!(normalise("B1  1AY").as_deref(), Some("B1 1AY"));
        for bad in [
            "",
            "LE15",
            "LE15 6S1",
            "123 4AB",
            "LEE15 6SA",
            "LE15-6SA",
            "LE156SAA",
        ] {
            assert_eq!(normalise(bad), None, "{bad}");
        }
    }

    fn sample() -> PostcodeIndex {
        let mut b = IndexBuilder::default();
        b.add_area(
            b"\"LE15 6NT\",10,485525,308885,\"E92000001\"\n\"LE15 6HP\",10,486394,308620,\"E92000001\"\n\
              \"LE15 6NU\",10,485600,308900,\"E92000001\"\n\"LE15 9ZZ\",90,,,\n\"LE16 8AA\",10,480000,290000\n\
              \"LE1 1AA\",10,459318,304176\nnonsense\n",
        );
        assert_eq!((b.without_position, b.unreadable), (1, 1));
        b.finish()
    }

    #[test]
    fn lookups_and_suggestions() {
        let ix = sample();
        assert_eq!(ix.len(), 5);
        assert!(ix.get("le156nt").is_some());
        assert!(ix.get("LE15 9ZZ").is_none());
        assert_eq!(
            ix.suggestions("LE15 6NX", 3),
            ["LE15 6NT", "LE15 6NU", "LE15 6HP"]
        );
        // No LE17: the nearest in the LE area.
        assert_eq!(ix.suggestions("LE17 8AA", 1), ["LE16 8AA"]);
        assert!(ix.suggestions("ZZ1 1AA", 3).is_empty());
    }

    #[test]
    fn the_cache_bytes_round_trip_and_reject_damage() {
        let ix = sample();
        let bytes = ix.to_bytes();
        assert_eq!(PostcodeIndex::from_bytes(&bytes), Some(ix));
        assert_eq!(PostcodeIndex::from_bytes(&bytes[..bytes.len() - 1]), None);
        assert_eq!(PostcodeIndex::from_bytes(b"CRPC"), None);
    }
}
