//! Tolerances, and recomputed figures that carry the slack clock rounding allows.

use crate::model::time::{format_clock, format_short};
use std::ops::{Add, Sub};

/// How far a plan time may fall short of the earliest moment the problem allows, in
/// minutes: 1.5 s, since plan times are rounded to whole seconds.
pub const TIME_TOL: f64 = 0.025;

/// The rounding error of one plan time, in minutes (half a second).
const READING: f64 = 0.5 / 60.0;

/// A recomputed figure and how far an honest claim may differ from it because the plan
/// times it was derived from were rounded.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Fig {
    pub value: f64,
    pub slack: f64,
}

impl Fig {
    /// A figure from the problem or the matrix: no rounding.
    pub fn exact(value: f64) -> Fig {
        Fig { value, slack: 0.0 }
    }

    /// A time read from the plan (rounded to the second).
    pub fn clock(value: f64) -> Fig {
        Fig {
            value,
            slack: READING,
        }
    }

    /// A figure read off `n` rounded plan times.
    pub fn readings(value: f64, n: usize) -> Fig {
        Fig {
            value,
            slack: READING * n as f64,
        }
    }

    /// `max(0, self)`; the slack carries over (the map is 1-Lipschitz).
    pub fn max0(self) -> Fig {
        Fig {
            value: self.value.max(0.0),
            slack: self.slack,
        }
    }

    /// `|self|`; the slack carries over (the map is 1-Lipschitz).
    pub fn abs(self) -> Fig {
        Fig {
            value: self.value.abs(),
            slack: self.slack,
        }
    }

    /// The larger of two figures, with the larger slack.
    pub fn max(self, other: Fig) -> Fig {
        Fig {
            value: self.value.max(other.value),
            slack: self.slack.max(other.slack),
        }
    }

    /// `weight × self`.
    pub fn scale(self, weight: f64) -> Fig {
        Fig {
            value: self.value * weight,
            slack: self.slack * weight.abs(),
        }
    }

    /// Whether `claimed` is this figure: `|claimed - value| <= 0.01 + 1e-6 |value| + slack`.
    pub fn matches(self, claimed: f64) -> bool {
        (claimed - self.value).abs() <= figure_tol(self.value) + self.slack
    }
}

/// The base tolerance of a figure: 0.01 + 1e-6 × |value|.
pub(crate) fn figure_tol(value: f64) -> f64 {
    0.01 + 1e-6 * value.abs()
}

impl Add for Fig {
    type Output = Fig;
    fn add(self, o: Fig) -> Fig {
        Fig {
            value: self.value + o.value,
            slack: self.slack + o.slack,
        }
    }
}

impl Sub for Fig {
    type Output = Fig;
    fn sub(self, o: Fig) -> Fig {
        Fig {
            value: self.value - o.value,
            slack: self.slack + o.slack,
        }
    }
}

impl std::iter::Sum for Fig {
    fn sum<I: Iterator<Item = Fig>>(iter: I) -> Fig {
        iter.fold(Fig::default(), Add::add)
    }
}

/// Minutes as a short number for messages: at most three decimals, no trailing zeros.
pub(crate) fn num(x: f64) -> String {
    let s = format!("{x:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// A plan time for messages (`HH:MM:SS`).
pub(crate) fn at(minutes: f64) -> String {
    format_clock(minutes)
}

/// A problem time for messages (`HH:MM`, seconds only when present).
pub(crate) fn hm(minutes: f64) -> String {
    format_short(minutes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_accumulates_over_rounded_times() {
        // 09:00:00.4 rounded to 09:00:00, 08:10:00.6 rounded to 08:10:01: a solver working
        // unrounded claims 49.9967 min of waiting; read off the plan it is 49.9833.
        let wait = Fig::clock(540.0) - Fig::clock(490.0 + 1.0 / 60.0);
        assert!(wait.matches(50.0 - 0.2 / 60.0));
        assert!(!wait.matches(49.9));
        assert!(Fig::exact(45.0).matches(45.009));
        assert!(!Fig::exact(45.0).matches(45.02));
        assert!(!Fig::exact(1.0).matches(f64::NAN));
        assert_eq!(Fig::clock(-3.0).max0().value, 0.0);
        assert_eq!(Fig::clock(2.0).scale(-2.0).slack, 2.0 * READING);
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(num(0.0), "0");
        assert_eq!(num(12.5), "12.5");
        assert_eq!(num(1.0 / 3.0), "0.333");
        assert_eq!(num(-0.0001), "0");
        assert_eq!(num(240.0), "240");
    }
}
