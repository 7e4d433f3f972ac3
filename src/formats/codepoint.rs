//! OS Code-Point Open as Ordnance Survey distributes it, read into a [`PostcodeIndex`]:
//! the zip (`codepo_gb.zip`, with `Data/CSV/*.csv` inside), the unzipped folder (its root,
//! or `Data/CSV` itself) or a single area file (`le.csv`). The shell around the pure index:
//! the only postcode code that touches files.
//!
//! Building the index from the full product (1.7 million rows, each converted from the
//! National Grid to WGS84) takes seconds, so the index is cached: `postcodes-KEY.bin` in
//! the same folder the road-graph cache uses (`$CARE_ROUNDS_CACHE_DIR` if set, `off`
//! turns it off; else `.carerounds-cache/` next to the source; else
//! `$XDG_CACHE_HOME/carerounds` or `~/.cache/carerounds`). KEY is a digest of the source's
//! path and the sizes and modification times of its files, so a new release (or an edited
//! area file) is read afresh. A cache that cannot be written only costs time.

use super::postcode::{IndexBuilder, PostcodeIndex};
use crate::travel::sources::cache;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Why Code-Point Open could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CodepointError {
    /// The path cannot be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The zip cannot be opened or an entry inflated.
    #[error("{path} is not a readable zip: {message}")]
    Zip {
        /// The zip.
        path: PathBuf,
        /// The zip reader's words.
        message: String,
    },
    /// Nothing that looks like Code-Point Open area files.
    #[error(
        "{path} holds no Code-Point Open postcodes: expected the zip as Ordnance Survey \
         distributes it (Data/CSV/*.csv inside), its unzipped folder, or an area file such as le.csv"
    )]
    NoPostcodes {
        /// The file or folder.
        path: PathBuf,
    },
}

/// An index and where it came from.
#[derive(Debug)]
pub struct Loaded {
    /// The postcodes.
    pub index: PostcodeIndex,
    /// The cache file read or written, if any.
    pub cache_file: Option<PathBuf>,
    /// Whether the index was read from the cache (no area file was parsed).
    pub from_cache: bool,
    /// Rows skipped for positional quality 90 (no coordinates); 0 from the cache.
    pub without_position: usize,
    /// Rows skipped as unreadable; 0 from the cache.
    pub unreadable: usize,
}

/// Reads Code-Point Open at `path` (zip, folder or area file), through the cache.
pub fn load(path: &Path) -> Result<Loaded, CodepointError> {
    let io = |source| CodepointError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    let files = if meta.is_dir() {
        area_files(path).map_err(io)?
    } else {
        vec![path.to_path_buf()]
    };
    let cache_file =
        cache_key(path, &files).and_then(|k| Some(cache::dir_for(path)?.join(format!("postcodes-{k}.bin"))));
    if let Some(index) = cache_file
        .as_deref()
        .and_then(|f| std::fs::read(f).ok())
        .and_then(|b| PostcodeIndex::from_bytes(&b))
    {
        return Ok(Loaded {
            index,
            cache_file,
            from_cache: true,
            without_position: 0,
            unreadable: 0,
        });
    }
    let mut builder = IndexBuilder::default();
    let is_zip = !meta.is_dir() && path.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip"));
    if is_zip {
        read_zip(path, &mut builder)?;
    } else {
        for f in &files {
            builder.add_area(&std::fs::read(f).map_err(|source| CodepointError::Io {
                path: f.clone(),
                source,
            })?);
        }
    }
    let (without_position, unreadable) = (builder.without_position, builder.unreadable);
    let index = builder.finish();
    if index.is_empty() {
        return Err(CodepointError::NoPostcodes {
            path: path.to_path_buf(),
        });
    }
    if let Some(f) = &cache_file {
        cache::write_atomic(f, &index.to_bytes());
    }
    Ok(Loaded {
        index,
        cache_file,
        from_cache: false,
        without_position,
        unreadable,
    })
}

/// The area files of a folder: its own `*.csv`, or those of `Data/CSV` below it.
fn area_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let nested = dir.join("Data").join("CSV");
    let dir = if nested.is_dir() {
        nested
    } else {
        dir.to_path_buf()
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")))
        .collect();
    files.sort();
    Ok(files)
}

/// The area files inside the zip: `Data/CSV/*.csv`. `Doc/` holds CSVs too (column
/// headers, code lists) that are not postcodes, hence the folder test.
fn read_zip(path: &Path, builder: &mut IndexBuilder) -> Result<(), CodepointError> {
    let zip_err = |e: zip::result::ZipError| CodepointError::Zip {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(|source| CodepointError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(zip_err)?;
    let mut buf = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(zip_err)?;
        let name = entry.name().to_ascii_lowercase();
        if !(name.ends_with(".csv") && name.contains("data/csv/")) {
            continue;
        }
        buf.clear();
        entry.read_to_end(&mut buf).map_err(|e| CodepointError::Zip {
            path: path.to_path_buf(),
            message: format!("{}: {e}", entry.name()),
        })?;
        builder.add_area(&buf);
    }
    Ok(())
}

/// The cache key: the canonical path and each file's size and modification time.
fn cache_key(path: &Path, files: &[PathBuf]) -> Option<String> {
    let mut text = format!("{}\n", std::fs::canonicalize(path).ok()?.display());
    for f in files {
        let meta = std::fs::metadata(f).ok()?;
        let mtime = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
        text.push_str(&format!("{} {} {}\n", f.display(), meta.len(), mtime.as_nanos()));
    }
    Some(cache::sha256_hex(text.as_bytes())[..24].to_string())
}
