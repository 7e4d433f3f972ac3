//! `carerounds import`: converts a benchmark instance (`import mankowska FILE`) or a
//! booking system's CSV export (`import csv --visits .. --staff ..`) into a SPEC problem.

use super::bad;
use crate::cli::stdout::{put, putln};
use anyhow::{Context, Result};
use carerounds::formats::mankowska::read_mankowska;
use carerounds::model::validate;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `import`.
#[derive(clap::Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    format: ImportFormat,
}

#[derive(clap::Subcommand)]
enum ImportFormat {
    /// Mankowska et al. (2014) home health care instances, iolab-uniud/hhcrsp JSON.
    Mankowska(MankowskaArgs),
    /// A booking system's CSV export: visits and the staff rota, with postcodes
    /// (docs/IMPORT.md).
    Csv(super::import_csv::CsvArgs),
}

/// Arguments of `import mankowska`.
#[derive(clap::Args)]
struct MankowskaArgs {
    /// The instance file.
    file: PathBuf,
    /// Write the problem here (otherwise to stdout).
    #[arg(long, short)]
    out: Option<PathBuf>,
}

/// Runs `import`.
pub fn run(args: ImportArgs) -> Result<ExitCode> {
    match args.format {
        ImportFormat::Mankowska(a) => mankowska(a),
        ImportFormat::Csv(a) => super::import_csv::run(a),
    }
}

/// Writes `json` to `out`, or to stdout when there is none (a closed pipe is no error).
pub(crate) fn write_out(out: Option<&std::path::Path>, json: &str) -> Result<()> {
    match out {
        Some(path) => std::fs::write(path, json).with_context(|| format!("cannot write {}", path.display())),
        None => {
            put!("{json}");
            Ok(())
        }
    }
}

/// Runs `import mankowska`: the problem as compact JSON (travel matrices make pretty output huge),
/// validated before it is written. Exit 2 for a file that cannot be converted.
fn mankowska(args: MankowskaArgs) -> Result<ExitCode> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let name = args
        .file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let input = read_mankowska(&text, &name).map_err(|e| bad(&args.file, e))?;
    let problem = validate(&input).map_err(|e| bad(&args.file, e))?;
    let json = serde_json::to_string(&input).context("cannot encode the problem")? + "\n";
    write_out(args.out.as_deref(), &json)?;
    if let Some(path) = &args.out {
        putln!(
            "{}: {} staff, {} visits ({} double services) written to {}",
            args.file.display(),
            problem.staff.len(),
            problem.visits.len(),
            problem.visits.iter().filter(|v| !v.after.is_empty()).count(),
            path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
