//! The objective's weights and the solver's options, with their defaults.

use super::fields::{err, non_negative, Result};
use crate::model::error::FieldPath;
use crate::model::error::InputErrorKind::*;
use crate::model::input::{ObjectiveInput, OptionsInput};
use crate::model::problem::{Objective, Options};

pub(super) fn validate_objective(o: ObjectiveInput) -> Result<Objective> {
    let d = Objective::default();
    let p = FieldPath::root().field("objective");
    let w = |v: Option<f64>, def: f64, name: &str| -> Result<f64> {
        non_negative(v.unwrap_or(def), p.field(name), "weight")
    };
    Ok(Objective {
        travel_min: w(o.travel_min, d.travel_min, "travel_min")?,
        distance_km: w(o.distance_km, d.distance_km, "distance_km")?,
        lateness: w(o.lateness, d.lateness, "lateness")?,
        max_lateness: w(o.max_lateness, d.max_lateness, "max_lateness")?,
        preferred_staff: w(o.preferred_staff, d.preferred_staff, "preferred_staff")?,
        overtime: w(o.overtime, d.overtime, "overtime")?,
        moved_visit: w(o.moved_visit, d.moved_visit, "moved_visit")?,
        retimed_min: w(o.retimed_min, d.retimed_min, "retimed_min")?,
        base_min: w(o.base_min, d.base_min, "base_min")?,
        long_wait_min: w(o.long_wait_min, d.long_wait_min, "long_wait_min")?,
    })
}

/// Largest accepted `options.time_limit_s`: one day.
pub const MAX_TIME_LIMIT_S: f64 = 86_400.0;

/// Largest accepted `options.round_start_min`: an hour.
pub const MAX_ROUND_START_MIN: f64 = 60.0;

pub(super) fn validate_options(o: OptionsInput) -> Result<Options> {
    let d = Options::default();
    let time_limit_s = o.time_limit_s.unwrap_or(d.time_limit_s);
    // The upper bound keeps the value within what a timer can hold (a day is plenty).
    if !time_limit_s.is_finite() || !(0.0..=MAX_TIME_LIMIT_S).contains(&time_limit_s) {
        return err(
            OutOfRange,
            FieldPath::root().field("options").field("time_limit_s"),
            format!(
                "time limit must be a number of seconds >= 0 and <= {MAX_TIME_LIMIT_S}, got {time_limit_s}"
            ),
        );
    }
    let round_start_min = match o.round_start_min {
        None => None,
        Some(g) if g.fract() == 0.0 && (1.0..=MAX_ROUND_START_MIN).contains(&g) => Some(g as u32),
        Some(g) => {
            return err(
                OutOfRange,
                FieldPath::root().field("options").field("round_start_min"),
                format!(
                    "round_start_min must be a whole number of minutes from 1 to {MAX_ROUND_START_MIN} (5 rounds starts to 09:05, 09:10, ...), got {g}; leave it out for exact times"
                ),
            )
        }
    };
    Ok(Options {
        time_limit_s,
        seed: o.seed.unwrap_or(d.seed),
        threads: o.threads.unwrap_or(d.threads),
        round_start_min,
    })
}
