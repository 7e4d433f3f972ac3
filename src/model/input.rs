//! The JSON problem exactly as SPEC.md writes it (serde types), before validation.
//!
//! Every struct rejects unknown fields so that a typo is an error, not a silent default.
//! Values are kept raw (clock times as text or numbers, ids as strings) so that
//! [`crate::model::validate()`] can report problems with the path of the field.

use super::problem::TravelMode;
use super::time::RawClock;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A whole problem file.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Problem)]
pub struct ProblemInput {
    /// Free text shown in reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// How travel times and distances are obtained; haversine by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub travel: Option<TravelInput>,
    /// Named places (bases, homes) that staff and visits can refer to by id.
    #[serde(default)]
    pub locations: Vec<LocationInput>,
    /// The staff on duty.
    pub staff: Vec<StaffInput>,
    /// The visits to plan.
    pub visits: Vec<VisitInput>,
    /// The plan as booked today, for reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineInput>,
    /// Weights of the soft objective terms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objective: Option<ObjectiveInput>,
    /// Solver options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<OptionsInput>,
    /// Extension: the data sources the problem's places or travel came from, for
    /// reports to credit (coordinates taken from OS Code-Point Open without `postcode`
    /// fields, say). Reports credit these as well as what they can tell themselves.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SourceInput>,
}

/// `sources[k]`: one data source the problem rests on, as a report credits it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Source)]
pub struct SourceInput {
    /// The source (`OS Code-Point Open`).
    pub source: String,
    /// What the problem used it for (`coordinates of clients' homes`).
    pub used_for: String,
    /// Its licence, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<String>,
    /// The lines the licence asks to be shown.
    #[serde(default)]
    pub attribution: Vec<String>,
}

/// The travel model.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "mode", rename_all = "snake_case", deny_unknown_fields)]
#[schema(as = Travel)]
pub enum TravelInput {
    /// Great-circle distance times a detour factor, at a constant speed.
    Haversine {
        /// Average speed, km/h (default 30).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        speed_kmh: Option<f64>,
        /// Road distance over straight-line distance (default 1.3).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detour_factor: Option<f64>,
    },
    /// Explicit matrices indexed in the order of `locations`.
    Matrix {
        /// Minutes, row = from, column = to.
        durations_min: Vec<Vec<f64>>,
        /// Kilometres, row = from, column = to.
        distances_km: Vec<Vec<f64>>,
    },
    /// Extension: shortest times over an OpenStreetMap road network read from a PBF file.
    Road {
        /// Path of the `.osm.pbf` extract (relative paths are taken from the working directory).
        osm_file: String,
        /// Who travels: `car` (default), `walk` or `bike`. Text, so that a wrong value is
        /// reported with its path (serde loses paths inside internally tagged enums).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        profile: Option<String>,
        /// Farthest a place may lie from the nearest usable road, metres (default 1000).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_snap_m: Option<f64>,
    },
    /// Extension: times and distances from an OSRM server's `table` service.
    Osrm {
        /// Base URL of the server, `http://host:port`.
        url: String,
        /// The profile the server was built with: `car` (default), `walk` or `bike`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        profile: Option<String>,
        /// Farthest a place may lie from the road OSRM snaps it to, metres (default 1000).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_snap_m: Option<f64>,
        /// Most sources (and destinations) per request, as the server's `--max-table-size`
        /// allows (default 100).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_table_size: Option<usize>,
        /// Seconds to wait for each request (default 60).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        timeout_s: Option<f64>,
        /// Servers for the other travel modes staff use (`staff[].travel_mode`), by mode.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mode_urls: Option<BTreeMap<String, String>>,
    },
}

/// An entry of `locations`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Location)]
pub struct LocationInput {
    /// Unique id.
    pub id: String,
    /// WGS84 latitude, degrees (optional in matrix mode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    /// WGS84 longitude, degrees (optional in matrix mode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
    /// Extension: the postcode the place was found by (`import csv`), kept so that
    /// reports, run sheets and exports can show it. Not used for travel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
    /// Extension: the address as a person would read it (`"3 High Street, Oakham"`), so
    /// that run sheets can show where to go. Free text; not used for travel, not checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// A location: the id of a `locations` entry or an inline point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum LocationRef {
    /// Id of an entry in `locations`.
    Id(String),
    /// Inline WGS84 point.
    Point(PointInput),
}

/// An inline WGS84 point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Point)]
pub struct PointInput {
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
}

/// A staff member's working day.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Staff)]
pub struct StaffInput {
    /// Unique id.
    pub id: String,
    /// Employer (free text; reports group by it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// Skills held.
    #[serde(default)]
    pub skills: Vec<String>,
    /// Working hours.
    pub shift: ShiftInput,
    /// Where the day starts.
    pub start_location: LocationRef,
    /// Where the day ends (default: the start location).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_location: Option<LocationRef>,
    /// Breaks to take when the staff member has visits.
    #[serde(default)]
    pub breaks: Vec<BreakInput>,
    /// Protected office time, minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_min: Option<f64>,
    /// Most minutes of travel in the day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_travel_min: Option<f64>,
    /// Most visits in the day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_visits: Option<i64>,
    /// How far past the shift end the route may return, minutes (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_overtime_min: Option<f64>,
    /// Extension: vehicle capacity, in the units of `visits[].demand` (absent = unlimited).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<f64>,
    /// Extension: how this staff member travels (`car`, `walk`, `bike`); absent = the
    /// travel model's profile. Needs travel mode `road` or `osrm` unless it is `car`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub travel_mode: Option<TravelMode>,
}

/// Shift start and end.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Shift)]
pub struct ShiftInput {
    /// Earliest departure from the start location.
    pub start: RawClock,
    /// Latest return to the end location (plus any allowed overtime).
    pub end: RawClock,
}

/// A break: starts between `earliest` and `latest`, lasts `duration_min`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Break)]
pub struct BreakInput {
    /// Earliest start.
    pub earliest: RawClock,
    /// Latest start.
    pub latest: RawClock,
    /// Length, minutes.
    pub duration_min: f64,
}

/// One visit to a client.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Visit)]
pub struct VisitInput {
    /// Unique id.
    pub id: String,
    /// Client id (free text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    /// Where the visit happens.
    pub location: LocationRef,
    /// Length, minutes.
    pub duration_min: f64,
    /// Windows on the visit's START time; absent = any time in the shift.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_windows: Option<Vec<[RawClock; 2]>>,
    /// Skills the staff member must all hold.
    #[serde(default)]
    pub skills: Vec<String>,
    /// 1, or 2 for a double-handed visit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_count: Option<i64>,
    /// Extension, double-handed visits only: the skills of each of the two people, one
    /// list per person (`[["nursing"], ["personal_care"]]`: a nurse and a carer), on top
    /// of `skills`, which both need. Absent: both need only `skills`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_skills: Option<Vec<Vec<String>>>,
    /// Required (default) or optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// Soft: staff the client knows.
    #[serde(default)]
    pub preferred_staff: Vec<String>,
    /// Hard: staff who must not go.
    #[serde(default)]
    pub excluded_staff: Vec<String>,
    /// Extension, hard: the staff who must make the visit (one, or two when
    /// double-handed); re-planning pins what has already happened to who did it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pinned_staff: Vec<String>,
    /// Extension, soft: the staff the current plan gives the visit. Re-planning writes it
    /// so that moving a visit to someone else costs `objective.moved_visit` (few changes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub planned_staff: Vec<String>,
    /// Extension, soft: the start the current plan gives the visit; each minute the new
    /// plan starts it earlier or later costs `objective.retimed_min`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planned_start: Option<RawClock>,
    /// Extension, fact: the visit has started (it is history). Its staff and start are
    /// kept as they are, whatever the travel model says; `duration_min` is its actual (or
    /// expected) length. Re-planning writes it for every visit started before `now`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<ActualInput>,
    /// Gaps after other visits' starts.
    #[serde(default)]
    pub after: Vec<AfterInput>,
    /// How late past its window the visit may start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_lateness_min: Option<LatenessInput>,
    /// Extension: load taken from the staff member's `capacity` (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demand: Option<f64>,
}

/// `visits[k].actual`: who made a visit that has started, and when it started.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Actual)]
pub struct ActualInput {
    /// The staff who made it (one, or two when double-handed).
    pub staff: Vec<String>,
    /// When it started.
    pub start: RawClock,
}

/// Whether a visit must be planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Left unassigned only when no feasible plan includes it.
    #[default]
    Required,
    /// May be dropped when it costs too much.
    Optional,
}

/// `max_lateness_min`: a number of minutes or `"unbounded"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum LatenessInput {
    /// Minutes.
    Minutes(f64),
    /// `"unbounded"`.
    Word(String),
}

/// `after` entry: start-to-start gap after another visit.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = After)]
pub struct AfterInput {
    /// The visit that starts first.
    pub visit: String,
    /// Least gap, minutes (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_gap_min: Option<f64>,
    /// Largest gap, minutes (absent = none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_gap_min: Option<f64>,
}

/// The plan as booked today.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Baseline)]
pub struct BaselineInput {
    /// One entry per staff member with visits.
    pub routes: Vec<BaselineRouteInput>,
}

/// A booked round.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = BaselineRoute)]
pub struct BaselineRouteInput {
    /// Staff id.
    pub staff: String,
    /// Visit ids in booked order.
    pub visits: Vec<String>,
}

/// Objective weights (all optional, all >= 0).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Objective)]
pub struct ObjectiveInput {
    /// Per travel minute (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub travel_min: Option<f64>,
    /// Per km (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
    /// Per late minute (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lateness: Option<f64>,
    /// Per minute of the largest single lateness (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_lateness: Option<f64>,
    /// Per visit not served by a preferred staff member (default 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_staff: Option<f64>,
    /// Per minute past a shift end (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overtime: Option<f64>,
    /// Extension: per visit made by someone not in its `planned_staff` (default 10), so a
    /// re-plan moves a visit to other staff only for a real saving.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved_visit: Option<f64>,
    /// Extension: per minute a visit starts away from its `planned_start` (default 0.05).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retimed_min: Option<f64>,
    /// Extension: per minute of office time at base in a long gap between visits, a
    /// reward weighed against the travel there and back (default 0.5; 0: no base trips).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_min: Option<f64>,
    /// Extension: per minute a staff member waits at one client's door beyond 60 minutes
    /// (default 0.5; 0: waiting costs nothing, as in SPEC v1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub long_wait_min: Option<f64>,
}

/// Solver options.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Options)]
pub struct OptionsInput {
    /// Wall-clock limit, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_limit_s: Option<f64>,
    /// Random seed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Worker threads (0 = all cores).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threads: Option<usize>,
    /// Extension: planned visit starts on a grid of this many minutes past midnight (a
    /// whole number, 1 to 60; e.g. 5 gives 09:05, 09:10), so rounds read as people write
    /// them. A visit whose window holds no such time starts when it can.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round_start_min: Option<f64>,
}
