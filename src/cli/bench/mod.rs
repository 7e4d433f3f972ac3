//! `carerounds bench`: solves a named benchmark suite and reports the gap to best-known.
//!
//! Every plan goes through the checker. For the VRPTW suites (Solomon, Gehring-Homberger)
//! distances follow the DIMACS 2021 convention by default (arcs truncated to one decimal),
//! matching `bks.csv`'s `distance_only_dimacs_trunc1` rows. The `mankowska` suite (home
//! health care with double services) is read by [`carerounds::formats::mankowska`] and reported in
//! Mankowska's units: the SPEC objective / 3.
//!
//! One file per kind of suite (`vrptw` for Solomon and Gehring-Homberger, `mankowska`),
//! and the runs they share in `runs` (the pool of runs, the instance files, one checked
//! solve).

mod mankowska;
mod runs;
mod vrptw;

use anyhow::Result;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `carerounds bench`.
#[derive(clap::Args)]
pub struct BenchArgs {
    /// Suite: a folder under --data holding the instances and `bks.csv` (`solomon`: the 56
    /// Solomon instances; `homberger`: the 60 Gehring-Homberger 200s, both `*.txt`;
    /// `mankowska`: the 70 Mankowska et al. 2014 home care instances, `*.json`, sets A-G).
    #[arg(long, default_value = "solomon")]
    suite: String,
    /// Folder that holds the suites.
    #[arg(long, default_value = "data")]
    data: PathBuf,
    /// Only instances whose name starts with one of these (comma-separated), e.g. `C1,R101`;
    /// for `mankowska` also a set letter or a label, e.g. `A,C3`.
    #[arg(long)]
    only: Option<String>,
    /// Time limit per run, seconds.
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,
    /// Seeds per instance (1..=N).
    #[arg(long, default_value_t = 1)]
    seeds: u64,
    /// Solver threads per run.
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Runs at the same time (each with --threads threads).
    #[arg(long, default_value_t = 1)]
    jobs: usize,
    /// Use a fixed amount of work per run instead of the whole time limit.
    #[arg(long)]
    deterministic: bool,
    /// Arc rounding of the VRPTW suites: DIMACS (truncated to one decimal) or exact.
    #[arg(long, default_value = "dimacs")]
    rounding: String,
    /// Also write one CSV row per run here.
    #[arg(long)]
    csv: Option<PathBuf>,
}

/// Runs the suite and prints the table.
pub fn run(args: BenchArgs) -> Result<ExitCode> {
    if args.suite == "mankowska" {
        mankowska::run(&args)
    } else {
        vrptw::run(&args)
    }
}
