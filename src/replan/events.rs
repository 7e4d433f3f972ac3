//! The events document: what happened since the day was planned (docs/REPLAN.md).
//!
//! ```json
//! {"now": "10:40",
//!  "events": [
//!   {"type": "staff_absent", "staff": "cw_anna", "from": "10:40"},
//!   {"type": "visit_times", "visit": "v031", "start": "09:55", "end": "11:20"},
//!   {"type": "visit_cancelled", "visit": "v044"},
//!   {"type": "visit_added", "visit": {"id": "u1", "location": {"lat": 52.67, "lon": -0.73},
//!    "duration_min": 45, "time_windows": [["11:30", "14:00"]], "skills": ["nursing"]}},
//!   {"type": "pin", "visit": "v050", "staff": "dn_tom", "start": "13:00"}
//!  ]}
//! ```
//!
//! Like the problem, the serde types keep values raw (times as written, ids as strings)
//! so that [`super::prepare`] can report a fault with the path of its field.

use crate::model::input::VisitInput;
use crate::model::time::RawClock;
use serde::{Deserialize, Serialize};

/// A whole events document.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Events {
    /// The time of the re-plan: what started before it is history.
    pub now: RawClock,
    /// What happened, in any order.
    #[serde(default)]
    pub events: Vec<Event>,
    /// Weights of the re-plan's objective (few changes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<Weights>,
}

/// One thing that happened. Tagged by `type`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// A staff member cannot work (any more): their visits not yet started go to others.
    StaffAbsent {
        /// Staff id.
        staff: String,
        /// Absent from this time; absent = the whole day.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<RawClock>,
    },
    /// When a visit really started (and ended, or is expected to end).
    VisitTimes {
        /// Visit id.
        visit: String,
        /// When it started (at or before `now`).
        start: RawClock,
        /// When it ended; absent = still in progress.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        end: Option<RawClock>,
        /// When a visit in progress is expected to end (default: start + its duration).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expected_end: Option<RawClock>,
    },
    /// A visit that will not happen.
    VisitCancelled {
        /// Visit id.
        visit: String,
    },
    /// A new visit to fit in (a SPEC visit).
    VisitAdded {
        /// The visit, as in a problem's `visits`.
        visit: Box<VisitInput>,
    },
    /// Fix a visit to a staff member (two for a double-handed visit), and optionally a start.
    Pin {
        /// Visit id.
        visit: String,
        /// Staff id, or a list of two for a double-handed visit.
        staff: PinStaff,
        /// The start time (at or after `now`); absent = any time its windows allow.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        start: Option<RawClock>,
    },
}

/// `pin.staff`: one id, or a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum PinStaff {
    /// One staff member.
    One(String),
    /// Two staff members (a double-handed visit).
    Many(Vec<String>),
}

impl PinStaff {
    /// The ids, in the order given.
    pub fn ids(&self) -> Vec<String> {
        match self {
            PinStaff::One(s) => vec![s.clone()],
            PinStaff::Many(v) => v.clone(),
        }
    }
}

/// `weights`: the objective of the re-plan.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ReplanWeights)]
pub struct Weights {
    /// Cost of each visit made by someone other than the old plan's staff (default 10,
    /// or the problem's `objective.moved_visit`): higher = fewer changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved_visit: Option<f64>,
    /// Cost of each minute a visit still to come starts away from its old start (default
    /// 0.05, or the problem's `objective.retimed_min`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retimed_min: Option<f64>,
}

impl Event {
    /// The event's `type`, as written.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::StaffAbsent { .. } => "staff_absent",
            Event::VisitTimes { .. } => "visit_times",
            Event::VisitCancelled { .. } => "visit_cancelled",
            Event::VisitAdded { .. } => "visit_added",
            Event::Pin { .. } => "pin",
        }
    }
}

/// Parses an events document, naming the field of any fault.
pub fn parse_events(json: &str) -> Result<Events, crate::model::InputError> {
    let json = json.strip_prefix('\u{feff}').unwrap_or(json);
    let de = &mut serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize(de).map_err(crate::model::InputError::from_json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_example_parses() {
        let text = r#"{"now": "10:40",
         "events": [
          {"type": "staff_absent", "staff": "cw_anna", "from": "10:40"},
          {"type": "visit_times", "visit": "v031", "start": "09:55", "end": "11:20"},
          {"type": "visit_cancelled", "visit": "v044"},
          {"type": "visit_added", "visit": {"id": "u1", "client": "c90", "location": {"lat": 52.67, "lon": -0.73}, "duration_min": 45, "time_windows": [["11:30", "14:00"]], "skills": ["nursing"]}},
          {"type": "pin", "visit": "v050", "staff": "dn_tom", "start": "13:00"},
          {"type": "pin", "visit": "v051", "staff": ["a", "b"]}
         ], "weights": {"moved_visit": 60}}"#;
        let e = parse_events(text).expect("parses");
        assert_eq!(e.events.len(), 6);
        assert!(matches!(&e.events[5], Event::Pin { staff: PinStaff::Many(v), .. } if v.len() == 2));
        assert_eq!(e.weights.and_then(|w| w.moved_visit), Some(60.0));
    }

    #[test]
    fn unknown_fields_and_types_are_errors() {
        let e = parse_events(r#"{"now": "10:40", "event": []}"#).unwrap_err();
        assert_eq!(e.kind, crate::model::InputErrorKind::UnknownField);
        let e =
            parse_events(r#"{"now": "10:40", "events": [{"type": "staff_ill", "staff": "a"}]}"#).unwrap_err();
        assert!(e.path.as_str().starts_with("events[0]"), "{e}");
        let e = parse_events(
            r#"{"now": "10:40", "events": [{"type": "visit_cancelled", "visit": "a", "why": 1}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.kind, crate::model::InputErrorKind::UnknownField, "{e}");
    }
}
