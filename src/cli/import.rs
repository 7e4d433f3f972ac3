//! `carerounds import`: converts a benchmark instance from another format into a SPEC
//! problem file.

use super::bad;
use anyhow::{Context, Result};
use carerounds::formats::mankowska::read_mankowska;
use carerounds::model::validate;
use clap::ValueEnum;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `import`.
#[derive(clap::Args)]
pub struct ImportArgs {
    /// Format of the file.
    #[arg(value_enum)]
    format: ImportFormat,
    /// The instance file.
    file: PathBuf,
    /// Write the problem here (otherwise to stdout).
    #[arg(long, short)]
    out: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum ImportFormat {
    /// Mankowska et al. (2014) home health care instances, iolab-uniud/hhcrsp JSON.
    Mankowska,
}

/// Runs `import`: the problem as compact JSON (travel matrices make pretty output huge),
/// validated before it is written. Exit 2 for a file that cannot be converted.
pub fn run(args: ImportArgs) -> Result<ExitCode> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let name = args
        .file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let input = match args.format {
        ImportFormat::Mankowska => read_mankowska(&text, &name).map_err(|e| bad(&args.file, e))?,
    };
    let problem = validate(&input).map_err(|e| bad(&args.file, e))?;
    let json = serde_json::to_string(&input).context("cannot encode the problem")? + "\n";
    match &args.out {
        Some(path) => {
            std::fs::write(path, json).with_context(|| format!("cannot write {}", path.display()))?;
            println!(
                "{}: {} staff, {} visits ({} double services) written to {}",
                args.file.display(),
                problem.staff.len(),
                problem.visits.len(),
                problem.visits.iter().filter(|v| !v.after.is_empty()).count(),
                path.display()
            );
        }
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error.
            if let Err(e) = out.write_all(json.as_bytes()).and_then(|()| out.flush()) {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    return Err(e).context("cannot write to stdout");
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
