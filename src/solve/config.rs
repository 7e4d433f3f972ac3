//! One validated solve configuration: time limit, worker threads, seed and work budget.
//!
//! The CLI (`solve --seconds --threads --seed --work --wall-clock`), the server (a
//! request's `options`, capped by `--max-threads` and `--max-time-limit-s`) and library
//! callers all build a [`SolveConfig`] from the same three inputs: the problem's
//! [`Options`], the caller's [`Overrides`] and the [`Caps`] of where it runs. Defaults,
//! caps and the warnings a capped request puts in the plan are therefore worked out in
//! one place, and [`super::Solver`] only reads the result.
//!
//! ```
//! use carerounds::model::Options;
//! use carerounds::solve::config::{Caps, Overrides, SolveConfig};
//! use std::time::Duration;
//!
//! let asked = Overrides { threads: Some(64), time_limit_s: Some(120.0), ..Overrides::default() };
//! let caps = Caps { cores: 8, max_threads: Some(4), max_time_limit: Some(Duration::from_secs(30)) };
//! let config = SolveConfig::new(&Options::default(), asked, caps).unwrap();
//! assert_eq!((config.threads(), config.time_limit().as_secs()), (4, 30));
//! assert_eq!(config.warnings().len(), 2);
//! ```

use crate::model::validate::MAX_TIME_LIMIT_S;
use crate::model::Options;
use std::time::Duration;

/// Work units per second of time limit in deterministic mode: measured on the reference
/// machine (BENCHMARKS.md) so that a run takes about its time limit there.
pub const WORK_PER_SECOND: f64 = 6.0e7;

/// The cores of this machine: the most worker threads a run uses unless [`Caps`] says
/// fewer. More threads than cores only slow a run down, and an unchecked request for
/// 100,000 threads would exhaust the process.
pub fn machine_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// What the caller asked for on top of the problem's options (CLI flags, library calls);
/// `None` keeps the problem's value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    /// Time limit, seconds, as typed (checked like `options.time_limit_s`).
    pub time_limit_s: Option<f64>,
    /// Worker threads, 0 = all the run may use.
    pub threads: Option<usize>,
    /// Random seed.
    pub seed: Option<u64>,
    /// Work units per worker instead of the ones derived from the time limit
    /// (deterministic mode only; the time limit still ends the run if it comes first).
    pub work_budget: Option<u64>,
    /// `Some(false)`: search until the wall-clock limit (plans may differ between runs).
    /// Default: deterministic.
    pub deterministic: Option<bool>,
}

/// What the place a run happens in allows: the machine's cores and, on a server, its
/// `--max-threads` and `--max-time-limit-s`. A request for more is cut to these and the
/// plan says so in `warnings`, so that clients learn their request was capped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Caps {
    /// The machine's cores ([`machine_threads`]); no run uses more threads.
    pub cores: usize,
    /// A further cap on threads (a server's `--max-threads`), at most `cores`.
    pub max_threads: Option<usize>,
    /// The longest time limit accepted (a server's `--max-time-limit-s`).
    pub max_time_limit: Option<Duration>,
}

impl Caps {
    /// This machine's cores and no other cap (the CLI and library default).
    pub fn machine() -> Caps {
        Caps {
            cores: machine_threads(),
            max_threads: None,
            max_time_limit: None,
        }
    }

    /// A server's caps on this machine: `--max-threads` and `--max-time-limit-s`. A
    /// negative or NaN time cap allows nothing; an infinite one allows anything.
    pub fn server(max_threads: usize, max_time_limit_s: f64) -> Caps {
        let s = max_time_limit_s;
        Caps {
            max_threads: Some(max_threads),
            max_time_limit: Some(Duration::try_from_secs_f64(s).unwrap_or(if s > 0.0 {
                Duration::MAX
            } else {
                Duration::ZERO
            })),
            ..Caps::machine()
        }
    }

    /// The most threads a run may use here (at least one).
    pub fn threads(&self) -> usize {
        let cores = self.cores.max(1);
        self.max_threads.map_or(cores, |m| m.clamp(1, cores))
    }
}

/// A configuration that cannot be run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// The time limit is not a number of seconds in `0..=86400`.
    #[error("time limit must be a number of seconds >= 0 and <= {MAX_TIME_LIMIT_S}, got {0}")]
    TimeLimit(f64),
}

/// The settings a run uses, validated once, with the warnings for the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct SolveConfig {
    options: Options,
    overrides: Overrides,
    caps: Caps,
    time_limit: Duration,
    threads: usize,
    seed: u64,
    work: Option<u64>,
    warnings: Vec<String>,
}

impl SolveConfig {
    /// Applies `overrides` to the problem's `options`, then `caps`: a thread count above
    /// the caps runs on the caps, a time limit above the server's is cut to it, each with
    /// a warning. Fails when the time limit is not a number of seconds in `0..=86400`.
    pub fn new(options: &Options, overrides: Overrides, caps: Caps) -> Result<SolveConfig, ConfigError> {
        let secs = overrides.time_limit_s.unwrap_or(options.time_limit_s);
        if !secs.is_finite() || !(0.0..=MAX_TIME_LIMIT_S).contains(&secs) {
            return Err(ConfigError::TimeLimit(secs));
        }
        Ok(SolveConfig::within_range(options, overrides, caps, secs))
    }

    /// [`SolveConfig::new`] once the time limit `secs` is known to be in range.
    fn within_range(options: &Options, overrides: Overrides, caps: Caps, secs: f64) -> SolveConfig {
        let asked_limit = Duration::from_secs_f64(secs);
        let mut warnings = Vec::new();
        let max_threads = caps.threads();
        let threads = match overrides.threads.unwrap_or(options.threads) {
            0 => max_threads,
            t if t <= max_threads => t,
            t => {
                warnings.push(format!(
                    "options.threads: {t} threads were asked for; this run used {max_threads} (the cores available to it)"
                ));
                max_threads
            }
        };
        let time_limit = match caps.max_time_limit {
            Some(max) if asked_limit > max => {
                warnings.push(format!(
                    "options.time_limit_s: {} s was asked for; this server allows at most {} s",
                    asked_limit.as_secs_f64(),
                    max.as_secs_f64()
                ));
                max
            }
            _ => asked_limit,
        };
        let work = overrides.deterministic.unwrap_or(true).then(|| {
            overrides
                .work_budget
                .unwrap_or((time_limit.as_secs_f64() * WORK_PER_SECOND) as u64)
        });
        SolveConfig {
            options: *options,
            seed: overrides.seed.unwrap_or(options.seed),
            overrides,
            caps,
            time_limit,
            threads,
            work,
            warnings,
        }
    }

    /// The problem's own options on this machine, nothing overridden. Never fails: a
    /// validated problem's time limit is always in range, and options built by hand get
    /// the nearest limit that is (below 0 s: 0 s; above a day: a day), or the default
    /// limit when theirs is not a number, so that [`super::Solver::new`] cannot panic.
    pub fn of(options: &Options) -> SolveConfig {
        let secs = options.time_limit_s;
        let secs = if secs.is_nan() {
            Options::default().time_limit_s
        } else {
            secs.clamp(0.0, MAX_TIME_LIMIT_S)
        };
        let options = Options {
            time_limit_s: secs,
            ..*options
        };
        SolveConfig::within_range(&options, Overrides::default(), Caps::machine(), secs)
    }

    /// The same inputs with `change` made to the overrides, validated again.
    pub fn with_overrides(&self, change: impl FnOnce(&mut Overrides)) -> Result<SolveConfig, ConfigError> {
        let mut overrides = self.overrides.clone();
        change(&mut overrides);
        SolveConfig::new(&self.options, overrides, self.caps)
    }

    /// The same inputs under other caps.
    pub fn with_caps(&self, caps: Caps) -> Result<SolveConfig, ConfigError> {
        SolveConfig::new(&self.options, self.overrides.clone(), caps)
    }

    /// The time limit the run keeps (after the server's cap).
    pub fn time_limit(&self) -> Duration {
        self.time_limit
    }

    /// Worker threads the run uses (never 0, never above the caps).
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Random seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Whether the run is deterministic (a fixed amount of work rather than the clock).
    pub fn deterministic(&self) -> bool {
        self.work.is_some()
    }

    /// Work units per worker in deterministic mode; `None` in wall-clock mode.
    pub fn work_budget(&self) -> Option<u64> {
        self.work
    }

    /// What the plan's `warnings` say about capped requests, in order.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The overrides it was built from.
    pub fn overrides(&self) -> &Overrides {
        &self.overrides
    }

    /// The caps it was built under.
    pub fn caps(&self) -> Caps {
        self.caps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps(cores: usize, max_threads: Option<usize>, max_s: Option<u64>) -> Caps {
        Caps {
            cores,
            max_threads,
            max_time_limit: max_s.map(Duration::from_secs),
        }
    }

    fn options(time_limit_s: f64, seed: u64, threads: usize) -> Options {
        Options {
            time_limit_s,
            seed,
            threads,
            ..Options::default()
        }
    }

    #[test]
    fn defaults_come_from_the_options() {
        let c = SolveConfig::new(&options(2.5, 9, 3), Overrides::default(), caps(8, None, None)).unwrap();
        assert_eq!(c.time_limit(), Duration::from_millis(2500));
        assert_eq!((c.seed(), c.threads()), (9, 3));
        assert!(c.deterministic());
        assert_eq!(c.work_budget(), Some((2.5 * WORK_PER_SECOND) as u64));
        assert!(c.warnings().is_empty());
    }

    #[test]
    fn zero_threads_means_all_the_caps_allow() {
        let o = options(1.0, 1, 0);
        assert_eq!(
            SolveConfig::new(&o, Overrides::default(), caps(8, None, None))
                .unwrap()
                .threads(),
            8
        );
        let c = SolveConfig::new(&o, Overrides::default(), caps(8, Some(2), None)).unwrap();
        assert_eq!(c.threads(), 2);
        assert!(c.warnings().is_empty(), "asking for 'all' is not capped");
    }

    #[test]
    fn overrides_win_over_options() {
        let o = Overrides {
            time_limit_s: Some(0.3),
            threads: Some(1),
            seed: Some(42),
            work_budget: Some(1000),
            deterministic: None,
        };
        let c = SolveConfig::new(&options(5.0, 1, 0), o, caps(4, None, None)).unwrap();
        assert_eq!(c.time_limit(), Duration::from_millis(300));
        assert_eq!((c.threads(), c.seed(), c.work_budget()), (1, 42, Some(1000)));
    }

    #[test]
    fn wall_clock_has_no_work_budget() {
        let o = Overrides {
            deterministic: Some(false),
            work_budget: Some(1000),
            ..Overrides::default()
        };
        let c = SolveConfig::new(&Options::default(), o, caps(4, None, None)).unwrap();
        assert!(!c.deterministic());
        assert_eq!(c.work_budget(), None);
    }

    #[test]
    fn threads_above_the_caps_are_cut_with_a_warning() {
        let o = Overrides {
            threads: Some(3000),
            ..Overrides::default()
        };
        let c = SolveConfig::new(&Options::default(), o.clone(), caps(16, Some(4), None)).unwrap();
        assert_eq!(c.threads(), 4);
        assert_eq!(
            c.warnings(),
            ["options.threads: 3000 threads were asked for; this run used 4 (the cores available to it)"]
        );
        // A server cap above the machine's cores is cut to the cores.
        let c = SolveConfig::new(&Options::default(), o, caps(2, Some(64), None)).unwrap();
        assert_eq!(c.threads(), 2);
    }

    #[test]
    fn a_time_limit_above_the_server_cap_is_cut_with_a_warning() {
        let c = SolveConfig::new(
            &options(120.0, 1, 1),
            Overrides::default(),
            caps(4, None, Some(30)),
        )
        .unwrap();
        assert_eq!(c.time_limit(), Duration::from_secs(30));
        assert_eq!(
            c.work_budget(),
            Some((30.0 * WORK_PER_SECOND) as u64),
            "work follows the kept limit"
        );
        assert_eq!(
            c.warnings(),
            ["options.time_limit_s: 120 s was asked for; this server allows at most 30 s"]
        );
        let within = SolveConfig::new(
            &options(30.0, 1, 1),
            Overrides::default(),
            caps(4, None, Some(30)),
        )
        .unwrap();
        assert!(within.warnings().is_empty());
    }

    #[test]
    fn both_caps_warn_threads_first() {
        let c = SolveConfig::new(
            &options(60.0, 1, 99),
            Overrides::default(),
            caps(4, None, Some(1)),
        )
        .unwrap();
        assert_eq!(c.warnings().len(), 2);
        assert!(c.warnings()[0].starts_with("options.threads"));
        assert!(c.warnings()[1].starts_with("options.time_limit_s"));
    }

    #[test]
    fn server_caps_from_settings() {
        let c = Caps::server(0, -1.0);
        assert_eq!((c.threads(), c.max_time_limit), (1, Some(Duration::ZERO)));
        assert_eq!(Caps::server(1, f64::INFINITY).max_time_limit, Some(Duration::MAX));
        assert_eq!(Caps::server(1, f64::NAN).max_time_limit, Some(Duration::ZERO));
    }

    #[test]
    fn bad_time_limits_are_rejected() {
        for s in [-1.0, f64::NAN, f64::INFINITY, 86_400.5] {
            let o = Overrides {
                time_limit_s: Some(s),
                ..Overrides::default()
            };
            let e = SolveConfig::new(&Options::default(), o, Caps::machine()).unwrap_err();
            assert!(matches!(e, ConfigError::TimeLimit(_)), "{s}");
        }
        assert!(SolveConfig::new(&options(86_400.0, 1, 0), Overrides::default(), Caps::machine()).is_ok());
    }

    #[test]
    fn the_options_own_config_never_fails() {
        let day = Duration::from_secs_f64(MAX_TIME_LIMIT_S);
        let default = Duration::from_secs_f64(Options::default().time_limit_s);
        for (s, kept) in [
            (2.5, Duration::from_millis(2500)),
            (-1.0, Duration::ZERO),
            (f64::NEG_INFINITY, Duration::ZERO),
            (86_400.5, day),
            (f64::INFINITY, day),
            (1e300, day),
            (f64::NAN, default),
        ] {
            let c = SolveConfig::of(&options(s, 7, 1));
            assert_eq!(c.time_limit(), kept, "{s}");
            assert_eq!((c.seed(), c.threads()), (7, 1), "{s}");
            assert!(c.warnings().is_empty(), "{s}");
            // What Solver's setters do next must not fail either.
            let again = c
                .with_overrides(|o| o.seed = Some(8))
                .expect("the kept limit is valid");
            assert_eq!((again.time_limit(), again.seed()), (kept, 8), "{s}");
        }
    }

    #[test]
    fn changing_overrides_revalidates_under_the_same_caps() {
        let c = SolveConfig::new(&Options::default(), Overrides::default(), caps(4, Some(2), None)).unwrap();
        let more = c.with_overrides(|o| o.threads = Some(8)).unwrap();
        assert_eq!(more.threads(), 2);
        assert_eq!(more.warnings().len(), 1);
        assert!(c.with_overrides(|o| o.time_limit_s = Some(-3.0)).is_err());
    }
}
