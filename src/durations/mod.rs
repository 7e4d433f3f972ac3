//! Learned durations (docs/DURATIONS.md): visit logs say what each client's visits really
//! take; planning with that instead of the booked guess keeps rounds on time.
//!
//! [`learn`] reads logs (from [`crate::monitor::read_csv`] or
//! [`read_json`](crate::monitor::read_json)) against a problem and estimates, per visit
//! type and per client, the ratio of actual to planned visit length: the median and an
//! upper quantile ([`Settings::quantile`]), the client's shrunk toward its type's.
//! [`apply`] writes the learned lengths into a problem document. Both are pure.
//!
//! ```
//! use carerounds::durations::{apply, learn, Settings, Use};
//! use carerounds::model::{parse_input, validate};
//! use carerounds::monitor::{read_csv, LogColumns};
//!
//! let input = parse_input(r#"{
//!     "locations": [{"id": "base", "lat": 52.95, "lon": -1.15}],
//!     "staff": [{"id": "ann", "shift": {"start": "08:00", "end": "16:00"}, "start_location": "base"}],
//!     "visits": [{"id": "v1", "client": "c1", "location": {"lat": 52.96, "lon": -1.17},
//!                 "duration_min": 30, "time_windows": [["09:00", "10:00"]]}]
//! }"#).unwrap();
//! let logs = read_csv("staff,visit,arrived,started,ended,note\n\
//!                      ann,v1,09:00,,09:45,\n\
//!                      ann,v1,09:00,,09:45,\n\
//!                      ann,v1,09:05,,09:10,no_access\n", &LogColumns::default()).unwrap();
//! let learned = learn(&validate(&input).unwrap(), &[logs], &Settings::default());
//! assert_eq!(learned.counts.used, 2);
//! assert_eq!(learned.counts.not_made, 1);
//! assert_eq!(learned.durations.types[0].ratio_median, 1.5);
//! let (planned, changed) = apply(&input, &learned.durations, Use::Planning);
//! assert_eq!(planned.visits[0].duration_min, 45.0);
//! assert_eq!(changed[0].from_min, 30.0);
//! ```

mod apply;
mod document;
mod estimate;
mod matching;
mod quantile;

pub use apply::{apply, largest, Basis, Changed, Use};
pub use document::{parse_durations, ClientEstimate, Durations, TypeEstimate, VERSION};
pub use estimate::{learn, Counts, Learned};
pub use quantile::quantile;

/// Note codes that mean the visit did not happen, so its length says nothing about how
/// long care takes: nobody answered, the client was away, in hospital, or declined, or
/// the visit was cancelled at the door. Matched ignoring case. Other notes (such as a
/// reason for leaving early) keep the record.
pub const NOT_MADE_NOTES: &[&str] = &[
    "no_access",
    "client_in_hospital",
    "client_not_home",
    "client_away",
    "refused",
    "declined",
    "cancelled",
    "not_made",
];

/// A ratio above this is a record error (a check-out forgotten until the evening), not
/// a long visit: such records are counted and left out.
pub const MAX_RATIO: f64 = 5.0;

/// The planning quantile unless said otherwise: the 80th percentile.
pub const DEFAULT_QUANTILE: f64 = 0.8;

/// The shrinkage constant unless said otherwise: a client with 5 records is half itself,
/// half its type; with 2, 2/7 itself.
pub const DEFAULT_K: f64 = 5.0;

/// Estimator settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Share of the planning quantile, strictly between 0 and 1.
    pub quantile: f64,
    /// Shrinkage constant, 0 or more (0: no shrinkage).
    pub k: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            quantile: DEFAULT_QUANTILE,
            k: DEFAULT_K,
        }
    }
}
