//! The home health care routing and scheduling instances of Mankowska, Meisel & Bierwirth
//! (*Health Care Manag. Sci.* 17:15–30, 2014), in the JSON form published by Ceschia, Di
//! Gaspero, Rosati & Schaerf (github `iolab-uniud/hhcrsp`), read into a SPEC problem so that
//! the one solver and the one checker serve them too.
//!
//! The mapping (that of the reference conversions that come with the data, but for the
//! value of the non-binding shift end):
//! - **Travel:** matrix mode over the locations `d, p1, …, pn` (the depot, then the patients
//!   in file order), with `durations_min` = `distances_km` = the instance's distance matrix.
//!   When the file has no `distances` member, the matrix is recomputed from the planar
//!   coordinates: Euclidean, rounded to 3 decimals, which gives the published matrices of
//!   sets E-G entry for entry (some of A-D differ by 0.001 in a few entries; their bundled
//!   copies keep the matrix).
//! - **Staff:** one per caregiver, `skills` = its abilities, starting and ending at the
//!   depot. The model has no end of day, so the shift is `[0, H]` with `H` a bound that no
//!   schedule starting every visit as early as it may can reach.
//! - **Visits:** one per (patient, service), id `"<patient>-<service>"`, `client` = the
//!   patient, the patient's window on the start, `skills` = the service, lateness
//!   unbounded. The second service of a patient who needs two gets `after` the first:
//!   `0/0` for simultaneous services, the instance's `[min, max]` for sequential ones.
//! - **Objective:** travel 1, lateness 1, largest lateness 1, distance, preferred staff
//!   and base time 0 (no trips to the depot between patients; overtime keeps its default, but the shift end never binds), so the SPEC objective
//!   is exactly 3 × Mankowska's (distance + total tardiness + largest tardiness) / 3.
//!
//! The problem is built as JSON and read through the SPEC serde types, so optional fields
//! added to those types need no change here.

use crate::model::input::ProblemInput;
use crate::model::InputErrorKind::{self, *};
use crate::model::{FieldPath, InputError};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;

/// The instance file (iolab-uniud/hhcrsp format, Mankowska family).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInstance {
    patients: Vec<RawPatient>,
    services: Vec<RawService>,
    caregivers: Vec<RawCaregiver>,
    central_offices: Vec<RawOffice>,
    /// Depot then patients; absent in the trimmed copies under `data/mankowska/`.
    #[serde(default)]
    distances: Option<Vec<Vec<f64>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPatient {
    id: String,
    location: [f64; 2],
    time_window: [f64; 2],
    required_caregivers: Vec<RawRequirement>,
    #[serde(default)]
    synchronization: Option<RawSync>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequirement {
    service: String,
    #[serde(default)]
    duration: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
enum RawSync {
    Simultaneous,
    Sequential { distance: [f64; 2] },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawService {
    id: String,
    default_duration: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCaregiver {
    id: String,
    abilities: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOffice {
    id: String,
    location: [f64; 2],
}

fn error(kind: InputErrorKind, path: FieldPath, message: impl Into<String>) -> InputError {
    InputError::of(kind, path, message)
}

fn patient_path(i: usize) -> FieldPath {
    FieldPath::root().field("patients").index(i)
}

/// Euclidean distance rounded to 3 decimals, as in the published matrices. Formatting
/// rounds the exact binary value correctly, as Python's `round(x, 3)` does, so the
/// recomputed matrix equals the published one entry for entry.
fn rounded_distance(a: [f64; 2], b: [f64; 2]) -> f64 {
    let d = (a[0] - b[0]).hypot(a[1] - b[1]);
    format!("{d:.3}").parse().unwrap_or(d)
}

/// The shift end `H` used for every caregiver: a multiple of 60 minutes no schedule that
/// starts each visit as early as travel, windows and couplings allow can reach.
///
/// Such a start lies at the end of a chain of "this start waits for that one" steps
/// beginning at a window opening (at most `max_open`): each visit occurs at most once on the
/// chain and adds at most its duration plus the longest arc, and each coupling adds at
/// most its least gap. The return adds one more arc.
fn shift_bound(max_open: f64, durations: &[f64], longest_arc: f64, min_gaps: &[f64]) -> f64 {
    let chain = max_open
        + durations.iter().map(|d| d + longest_arc).sum::<f64>()
        + min_gaps.iter().sum::<f64>()
        + longest_arc;
    (chain / 60.0).ceil().max(1.0) * 60.0
}

/// Reads a Mankowska instance (iolab JSON) into a SPEC problem named `name` (usually the
/// file stem, e.g. `InstanzCPLEX_HCSRP_10_1`). Faults are reported with the path of the
/// field in the instance file.
pub fn read_mankowska(text: &str, name: &str) -> Result<ProblemInput, InputError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    let raw: RawInstance = serde_path_to_error::deserialize(de).map_err(InputError::from_json)?;
    convert(&raw, name)
}

fn convert(raw: &RawInstance, name: &str) -> Result<ProblemInput, InputError> {
    let root = FieldPath::root();
    let [office] = raw.central_offices.as_slice() else {
        return Err(error(
            InvalidValue,
            root.field("central_offices"),
            format!(
                "expected exactly one central office (the depot), found {}",
                raw.central_offices.len()
            ),
        ));
    };
    let default_duration: HashMap<&str, f64> = raw
        .services
        .iter()
        .map(|s| (s.id.as_str(), s.default_duration))
        .collect();
    for (i, s) in raw.services.iter().enumerate() {
        if !s.default_duration.is_finite() || s.default_duration < 0.0 {
            return Err(error(
                OutOfRange,
                root.field("services").index(i).field("default_duration"),
                format!("must be a finite number >= 0, got {}", s.default_duration),
            ));
        }
    }
    let points: Vec<[f64; 2]> = std::iter::once(office.location)
        .chain(raw.patients.iter().map(|p| p.location))
        .collect();
    let n = points.len();
    let matrix = match &raw.distances {
        Some(m) => {
            let path = root.field("distances");
            if m.len() != n {
                return Err(error(
                    Conflict,
                    path,
                    format!(
                        "expected {n} rows (the depot and {} patients), found {}",
                        n - 1,
                        m.len()
                    ),
                ));
            }
            if let Some(i) = m.iter().position(|row| row.len() != n) {
                return Err(error(
                    Conflict,
                    path.index(i),
                    format!("expected {n} columns, found {}", m[i].len()),
                ));
            }
            m.clone()
        }
        None => points
            .iter()
            .map(|&a| points.iter().map(|&b| rounded_distance(a, b)).collect())
            .collect(),
    };
    let longest_arc = matrix.iter().flatten().copied().fold(0.0, f64::max);

    let mut visits: Vec<Value> = Vec::new();
    let mut durations: Vec<f64> = Vec::new();
    let mut min_gaps: Vec<f64> = Vec::new();
    let mut max_open = 0.0f64;
    for (i, p) in raw.patients.iter().enumerate() {
        let path = patient_path(i);
        let [open, close] = p.time_window;
        if !(open.is_finite() && close.is_finite() && 0.0 <= open && open <= close) {
            return Err(error(
                OutOfRange,
                path.field("time_window"),
                format!("expected [e, l] with 0 <= e <= l, got [{open}, {close}]"),
            ));
        }
        max_open = max_open.max(open);
        let count = p.required_caregivers.len();
        if !(1..=2).contains(&count) {
            return Err(error(
                OutOfRange,
                path.field("required_caregivers"),
                format!("a patient needs one or two services, found {count}"),
            ));
        }
        let gap = match (&p.synchronization, count) {
            (None, _) => None,
            (Some(_), 1) => {
                return Err(error(
                    Conflict,
                    path.field("synchronization"),
                    "synchronization needs two required_caregivers, found one",
                ))
            }
            (Some(RawSync::Simultaneous), _) => Some((0.0, 0.0)),
            (Some(RawSync::Sequential { distance: [lo, hi] }), _) => {
                if !(lo.is_finite() && hi.is_finite() && 0.0 <= *lo && lo <= hi) {
                    return Err(error(
                        OutOfRange,
                        path.field("synchronization").field("distance"),
                        format!("expected [min, max] with 0 <= min <= max, got [{lo}, {hi}]"),
                    ));
                }
                Some((*lo, *hi))
            }
        };
        let mut first: Option<String> = None;
        for (k, req) in p.required_caregivers.iter().enumerate() {
            let rpath = path.field("required_caregivers").index(k);
            let duration = match (req.duration, default_duration.get(req.service.as_str())) {
                (Some(d), _) if d.is_finite() && d >= 0.0 => d,
                (Some(d), _) => {
                    return Err(error(
                        OutOfRange,
                        rpath.field("duration"),
                        format!("must be a finite number >= 0, got {d}"),
                    ))
                }
                (None, Some(&d)) => d,
                (None, None) => {
                    return Err(error(
                        UnknownReference,
                        rpath.field("service"),
                        format!(
                            "service '{}' is not in `services`, and no duration is given",
                            req.service
                        ),
                    ))
                }
            };
            durations.push(duration);
            let id = format!("{}-{}", p.id, req.service);
            let mut visit = json!({
                "id": id,
                "client": p.id,
                "location": p.id,
                "duration_min": duration,
                "skills": [req.service],
                "time_windows": [[open, close]],
                "max_lateness_min": "unbounded",
            });
            if let (Some(reference), Some((lo, hi))) = (&first, gap) {
                visit["after"] = json!([{"visit": reference, "min_gap_min": lo, "max_gap_min": hi}]);
                min_gaps.push(lo);
            }
            first.get_or_insert(id);
            visits.push(visit);
        }
    }
    let end = shift_bound(max_open, &durations, longest_arc, &min_gaps);
    let staff: Vec<Value> = raw
        .caregivers
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "skills": c.abilities,
                "shift": {"start": 0, "end": end},
                "start_location": office.id,
                "end_location": office.id,
            })
        })
        .collect();
    let locations: Vec<Value> = std::iter::once(&office.id)
        .chain(raw.patients.iter().map(|p| &p.id))
        .map(|id| json!({ "id": id }))
        .collect();
    let doc = json!({
        "name": format!("{name} (HHCRSP mankowska, iolab-uniud/hhcrsp)"),
        "travel": {"mode": "matrix", "durations_min": matrix, "distances_km": matrix},
        "locations": locations,
        "staff": staff,
        "visits": visits,
        "objective": {"travel_min": 1, "distance_km": 0, "lateness": 1, "max_lateness": 1,
                      "preferred_staff": 0, "base_min": 0, "long_wait_min": 0},
    });
    serde_json::from_value(doc).map_err(|e| {
        let kind = InputErrorKind::of_json(&e);
        error(kind, root, format!("cannot build the problem: {e}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: &str = r#"{
        "patients": [
            {"id": "p1", "location": [3.0, 4.0], "time_window": [10.0, 130.0],
             "required_caregivers": [{"service": "s1", "duration": 12.0}]},
            {"id": "p2", "location": [0.0, 1.0], "time_window": [50.0, 170.0],
             "required_caregivers": [{"service": "s1"}, {"service": "s2", "duration": 15.0}],
             "synchronization": {"type": "sequential", "distance": [20, 40]}},
            {"id": "p3", "location": [1.0, 1.0], "time_window": [0.0, 120.0],
             "required_caregivers": [{"service": "s1"}, {"service": "s2"}],
             "synchronization": {"type": "simultaneous"}}
        ],
        "services": [{"id": "s1", "default_duration": 11.0}, {"id": "s2", "default_duration": 13.0}],
        "caregivers": [{"id": "c1", "abilities": ["s1"]}, {"id": "c2", "abilities": ["s1", "s2"]}],
        "central_offices": [{"id": "d", "location": [0.0, 0.0]}]
    }"#;

    #[test]
    fn converts_services_syncs_and_matrix() {
        let p = read_mankowska(TINY, "tiny").unwrap();
        let problem = crate::model::validate(&p).unwrap();
        assert_eq!(problem.visits.len(), 5);
        let ids: Vec<&str> = problem.visits.iter().map(|v| v.id.as_str()).collect();
        assert_eq!(ids, ["p1-s1", "p2-s1", "p2-s2", "p3-s1", "p3-s2"]);
        assert_eq!(problem.visits[1].duration, 11.0);
        assert_eq!(problem.visits[2].duration, 15.0);
        let gap = problem.visits[2].after[0];
        assert_eq!((gap.visit, gap.min, gap.max), (1, 20.0, Some(40.0)));
        let gap = problem.visits[4].after[0];
        assert_eq!((gap.visit, gap.min, gap.max), (3, 0.0, Some(0.0)));
        let crate::model::TravelModel::Matrix { durations_min, .. } = &problem.travel else {
            panic!("matrix mode expected");
        };
        assert_eq!(durations_min[0][1], 5.0);
        assert_eq!(durations_min[2][3], 1.0);
        assert_eq!(durations_min[0][3], 1.414);
        assert_eq!(problem.objective.max_lateness, 1.0);
        assert!(problem
            .staff
            .iter()
            .all(|s| s.shift_end >= 60.0 && s.shift_end % 60.0 == 0.0));
    }

    #[test]
    fn faults_name_the_field() {
        let bad = TINY.replace("[10.0, 130.0]", "[140.0, 130.0]");
        let e = read_mankowska(&bad, "x").unwrap_err();
        assert_eq!(e.path.as_str(), "patients[0].time_window");
        let bad = TINY.replace("\"duration\": 15.0", "\"duration\": 15.0, \"skill\": 1");
        let e = read_mankowska(&bad, "x").unwrap_err();
        assert!(e.message.contains("skill"), "{e}");
        let bad = TINY.replace(
            "{\"service\": \"s1\"}, {\"service\": \"s2\"}",
            "{\"service\": \"s9\"}",
        );
        let e = read_mankowska(&bad, "x").unwrap_err();
        assert_eq!(e.path.as_str(), "patients[2].synchronization");
    }

    #[test]
    fn rounding_matches_the_published_matrices() {
        // Entries of InstanzCPLEX_HCSRP_10_1: depot (85, 26) to p1 (47, 32) and to p5 (69, 9).
        assert_eq!(rounded_distance([85.0, 26.0], [47.0, 32.0]), 38.471);
        assert_eq!(rounded_distance([85.0, 26.0], [69.0, 9.0]), 23.345);
    }
}
