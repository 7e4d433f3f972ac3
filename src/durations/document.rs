//! DURATIONS.json (docs/DURATIONS.md): what the estimator learned, in a form that can be
//! kept, reviewed and passed to `solve`, `replan`, `slots` or the API. Ids and ratios
//! only: no names, no times of day, no places.
//!
//! Reading one checks every figure, so a hand-edited file fails with the field at fault
//! (`clients[2].ratio_planning: ...`) rather than planning with nonsense.

use super::MAX_RATIO;
use crate::model::{FieldPath, InputError, InputErrorKind};
use serde::{Deserialize, Serialize};

/// The format version this build writes and reads.
pub const VERSION: u32 = 1;

/// The learned figures. Ratios are actual over planned visit length (`ended - started`
/// against the visit's `duration_min`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Durations {
    /// Always 1.
    pub version: u32,
    /// The share of the planning quantile (0.8: the 80th percentile), linear
    /// interpolation (Hyndman & Fan type 7).
    pub quantile: f64,
    /// The shrinkage constant: a client's figure weighs `n / (n + k)` against its visit
    /// type's, with `n` its records.
    pub k: f64,
    /// Per client and visit type, already shrunk toward the type.
    #[serde(default)]
    pub clients: Vec<ClientEstimate>,
    /// Per visit type (the visit's skills, sorted; `[]` is the type of visits without
    /// skills).
    #[serde(default)]
    pub types: Vec<TypeEstimate>,
}

/// One client's visits of one type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientEstimate {
    /// The client id (`visits[].client`).
    pub client: String,
    /// The visit type: its skills, sorted.
    #[serde(default)]
    pub skills: Vec<String>,
    /// Expected ratio: the median, shrunk.
    pub ratio_median: f64,
    /// Ratio to plan with: the `quantile`, shrunk.
    pub ratio_planning: f64,
    /// Log records behind the figures.
    pub records: usize,
}

/// One visit type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TypeEstimate {
    /// The skills, sorted (`[]`: no skills).
    #[serde(default)]
    pub skills: Vec<String>,
    /// Expected ratio: the median.
    pub ratio_median: f64,
    /// Ratio to plan with: the `quantile`.
    pub ratio_planning: f64,
    /// Log records behind the figures.
    pub records: usize,
}

/// Reads DURATIONS.json, with the path of any fault.
pub fn parse_durations(json: &str) -> Result<Durations, InputError> {
    let json = json.strip_prefix('\u{feff}').unwrap_or(json);
    let de = &mut serde_json::Deserializer::from_str(json);
    let d: Durations = serde_path_to_error::deserialize(de).map_err(InputError::from_json)?;
    d.check()?;
    Ok(d)
}

impl Durations {
    /// Refuses figures no estimator writes: another version, a quantile outside (0, 1),
    /// a negative `k`, ratios that are not in (0, 5], no records, or a group twice.
    pub fn check(&self) -> Result<(), InputError> {
        let root = FieldPath::root();
        let bad = |path: FieldPath, kind, msg: String| Err(InputError::of(kind, path, msg));
        if self.version != VERSION {
            return bad(
                root.field("version"),
                InputErrorKind::Unsupported,
                format!(
                    "version {} is not supported: this build reads version {VERSION} (write the file again with `carerounds durations`)",
                    self.version
                ),
            );
        }
        if !(self.quantile > 0.0 && self.quantile < 1.0) {
            return bad(
                root.field("quantile"),
                InputErrorKind::OutOfRange,
                format!(
                    "{} is not a share between 0 and 1 (0.8 is the 80th percentile)",
                    self.quantile
                ),
            );
        }
        if !(self.k.is_finite() && self.k >= 0.0) {
            return bad(
                root.field("k"),
                InputErrorKind::OutOfRange,
                format!(
                    "{} is not a number of records, 0 or more (5 is the default)",
                    self.k
                ),
            );
        }
        let figures = |at: FieldPath, median: f64, planning: f64, records: usize| {
            for (name, r) in [("ratio_median", median), ("ratio_planning", planning)] {
                if !(r > 0.0 && r <= MAX_RATIO) {
                    return bad(
                        at.field(name),
                        InputErrorKind::OutOfRange,
                        format!(
                            "{r} is not a ratio of actual to planned length above 0 and at most {MAX_RATIO}"
                        ),
                    );
                }
            }
            if records == 0 {
                return bad(
                    at.field("records"),
                    InputErrorKind::OutOfRange,
                    "0: an estimate needs at least one record (remove the entry)".into(),
                );
            }
            Ok(())
        };
        let mut seen = std::collections::BTreeSet::new();
        for (i, c) in self.clients.iter().enumerate() {
            let at = root.field("clients").index(i);
            figures(at.clone(), c.ratio_median, c.ratio_planning, c.records)?;
            if c.client.trim().is_empty() {
                return bad(
                    at.field("client"),
                    InputErrorKind::MissingField,
                    "empty: give the client id".into(),
                );
            }
            if !seen.insert((c.client.as_str(), sorted(&c.skills))) {
                return bad(
                    at,
                    InputErrorKind::Duplicate,
                    format!(
                        "client '{}' with skills {:?} appears twice: keep one entry",
                        c.client, c.skills
                    ),
                );
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, t) in self.types.iter().enumerate() {
            let at = root.field("types").index(i);
            figures(at.clone(), t.ratio_median, t.ratio_planning, t.records)?;
            if !seen.insert(sorted(&t.skills)) {
                return bad(
                    at,
                    InputErrorKind::Duplicate,
                    format!(
                        "the type with skills {:?} appears twice: keep one entry",
                        t.skills
                    ),
                );
            }
        }
        Ok(())
    }
}

/// A visit type: the skills sorted, without repeats.
pub(crate) fn sorted(skills: &[String]) -> Vec<String> {
    let mut s: Vec<String> = skills.iter().map(|s| s.trim().to_string()).collect();
    s.sort();
    s.dedup();
    s
}
