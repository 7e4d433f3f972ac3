//! `carerounds import csv`: a booking system's export (visits and staff CSV, a mapping,
//! Code-Point Open for postcodes) into a SPEC problem. Reads the files and hands the text
//! to [`carerounds::formats::booking`]; writes nothing unless the whole import is valid
//! (or `--skip-bad-rows` lists what it left out). Exit 2 with every fault for bad input.

use super::import::write_out;
use super::read;
use anyhow::{Context, Result};
use carerounds::formats::booking::{import, Export, ImportError, Mapping};
use carerounds::formats::codepoint;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Arguments of `import csv`.
#[derive(clap::Args)]
pub struct CsvArgs {
    /// The visits file: one row per visit (or per booked staff member of a visit).
    #[arg(long, value_name = "VISITS.csv")]
    visits: PathBuf,
    /// The staff rota: one row per staff member on duty.
    #[arg(long, value_name = "STAFF.csv")]
    staff: PathBuf,
    /// Which column holds what, and what the export's codes mean (docs/IMPORT.md).
    /// Without it, headers must use the documented names.
    #[arg(long, value_name = "MAPPING.toml")]
    mapping: Option<PathBuf>,
    /// OS Code-Point Open: the zip as Ordnance Survey distributes it, its unzipped folder
    /// or one area file. Needed when the files give postcodes (not lat/lon). The index is
    /// cached beside it (docs/IMPORT.md).
    #[arg(long, value_name = "CODEPOINT")]
    postcodes: Option<PathBuf>,
    /// Write the problem here (otherwise to stdout).
    #[arg(long, short, value_name = "PROBLEM.json")]
    out: Option<PathBuf>,
    /// Leave out the rows at fault (and rows that depend on them), listing each, instead
    /// of writing nothing.
    #[arg(long)]
    skip_bad_rows: bool,
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// Runs `import csv`. Messages go to stderr, so stdout carries only the problem.
pub fn run(args: CsvArgs) -> Result<ExitCode> {
    let mapping = match &args.mapping {
        Some(path) => match Mapping::from_toml(&read(path)?) {
            Ok(m) => m,
            Err(e) => {
                eprintln!("error: {}: {e}", path.display());
                return Ok(ExitCode::from(2));
            }
        },
        None => Mapping::default(),
    };
    let index = match &args.postcodes {
        None => None,
        Some(path) => {
            let t = Instant::now();
            match codepoint::load(path) {
                Ok(l) => {
                    eprintln!(
                        "postcodes: {} from {} in {:.2} s{}",
                        l.index.len(),
                        if l.from_cache {
                            "the cache"
                        } else {
                            "Code-Point Open"
                        },
                        t.elapsed().as_secs_f64(),
                        l.cache_file
                            .as_ref()
                            .map(|f| format!(" (cache {})", f.display()))
                            .unwrap_or_default()
                    );
                    Some(l.index)
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    return Ok(ExitCode::from(2));
                }
            }
        }
    };
    let (visits, staff) = (read(&args.visits)?, read(&args.staff)?);
    let (visits_name, staff_name) = (file_name(&args.visits), file_name(&args.staff));
    let export = Export {
        visits_name: &visits_name,
        visits: &visits,
        staff_name: &staff_name,
        staff: &staff,
    };
    let stem = args
        .visits
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let t = Instant::now();
    let imported = match import(&export, &mapping, index.as_ref(), args.skip_bad_rows, &stem) {
        Ok(i) => i,
        Err(ImportError::Mapping(m)) => {
            let at = args
                .mapping
                .as_ref()
                .map_or("mapping".to_string(), |p| p.display().to_string());
            eprintln!("error: {at}: {m}");
            return Ok(ExitCode::from(2));
        }
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("nothing written: fix the rows above (or pass --skip-bad-rows to leave them out)");
            return Ok(ExitCode::from(2));
        }
    };
    if !imported.skipped.is_empty() {
        eprintln!(
            "skipped {} fault(s), leaving out their rows:",
            imported.skipped.len()
        );
        for e in &imported.skipped {
            eprintln!("  {e}");
        }
    }
    let p = &imported.problem;
    let json = serde_json::to_string_pretty(p).context("cannot encode the problem")? + "\n";
    write_out(args.out.as_deref(), &json)?;
    let booked: usize = p.baseline.as_ref().map_or(0, |b| b.routes.len());
    let took = t.elapsed().as_secs_f64();
    eprintln!(
        "{}: {} staff, {} visits, {} places, {} booked rounds (read and checked in {took:.3} s){}",
        visits_name,
        p.staff.len(),
        p.visits.len(),
        p.locations.len(),
        booked,
        args.out
            .as_ref()
            .map(|o| format!(", written to {}", o.display()))
            .unwrap_or_default()
    );
    Ok(ExitCode::SUCCESS)
}
