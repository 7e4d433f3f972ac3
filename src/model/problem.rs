//! The validated problem: ids resolved to indices, times in minutes, defaults applied.
//!
//! Everything downstream (travel, solver, checker, reports) works on this form and may
//! rely on its invariants: indices are in range, windows are ordered, shifts are sane,
//! `after` links form no cycle.

/// A WGS84 point, degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatLon {
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
}

/// A place travel is measured between: a named location or an inline point.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// The `locations` id, or `None` for an inline point.
    pub id: Option<String>,
    /// Coordinates (absent only for matrix-mode locations without them).
    pub point: Option<LatLon>,
    /// The postcode the coordinates were found by (`locations[].postcode`), kept so that
    /// reports can credit the postcode data they came from.
    pub postcode: Option<String>,
}

/// How someone travels on the road network: picks the ways allowed and the speeds.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum TravelMode {
    /// Driving (OSRM's `car` profile).
    #[default]
    Car,
    /// Walking, on footpaths as well as roads (OSRM's `foot`).
    #[serde(alias = "foot")]
    Walk,
    /// Cycling (OSRM's `bicycle`).
    #[serde(alias = "bicycle")]
    Bike,
}

impl TravelMode {
    /// Every mode, in a fixed order.
    pub const ALL: [TravelMode; 3] = [TravelMode::Car, TravelMode::Walk, TravelMode::Bike];

    /// The name used in documents: `car`, `walk`, `bike`.
    pub fn as_str(self) -> &'static str {
        match self {
            TravelMode::Car => "car",
            TravelMode::Walk => "walk",
            TravelMode::Bike => "bike",
        }
    }
}

impl std::fmt::Display for TravelMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The travel model after defaults.
#[derive(Debug, Clone, PartialEq)]
pub enum TravelModel {
    /// Great-circle distance × detour factor at a constant speed.
    Haversine {
        /// km/h.
        speed_kmh: f64,
        /// Road over straight-line distance.
        detour_factor: f64,
    },
    /// Explicit square matrices over the named locations (row-major, n × n).
    Matrix {
        /// Minutes.
        durations_min: Vec<Vec<f64>>,
        /// Kilometres.
        distances_km: Vec<Vec<f64>>,
    },
    /// Extension: fastest paths over an OpenStreetMap road network (see docs/TRAVEL.md).
    Road {
        /// The `.osm.pbf` extract, as written in the problem.
        osm_file: std::path::PathBuf,
        /// The default travel mode.
        profile: TravelMode,
        /// Farthest a place may lie from a usable road, metres.
        max_snap_m: f64,
    },
    /// Extension: an OSRM server's `table` service (see docs/TRAVEL.md).
    Osrm {
        /// Base URL, `http://host:port`, without a trailing slash.
        url: String,
        /// The default travel mode (the server's profile).
        profile: TravelMode,
        /// Farthest a place may lie from the road OSRM snaps it to, metres.
        max_snap_m: f64,
        /// Most sources or destinations per request.
        max_table_size: usize,
        /// Seconds to wait for each request.
        timeout_s: f64,
        /// Servers for other modes, sorted by mode.
        mode_urls: Vec<(TravelMode, String)>,
    },
}

impl TravelModel {
    /// The mode of staff without their own `travel_mode`; `None` for models that do not
    /// tell modes apart (haversine, matrix: they model driving).
    pub fn profile(&self) -> Option<TravelMode> {
        match self {
            TravelModel::Road { profile, .. } | TravelModel::Osrm { profile, .. } => Some(*profile),
            TravelModel::Haversine { .. } | TravelModel::Matrix { .. } => None,
        }
    }
}

/// A half-open span of the day, minutes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeWindow {
    /// Earliest start.
    pub start: f64,
    /// Latest start (before any allowed lateness).
    pub end: f64,
}

/// A break to be taken by a staff member who has visits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Break {
    /// Earliest start.
    pub earliest: f64,
    /// Latest start.
    pub latest: f64,
    /// Length.
    pub duration: f64,
}

/// A staff member after validation.
#[derive(Debug, Clone, PartialEq)]
pub struct Staff {
    /// Id from the input.
    pub id: String,
    /// Employer ("" when not given).
    pub organisation: String,
    /// Skills held (sorted, unique).
    pub skills: Vec<String>,
    /// Shift start: earliest departure.
    pub shift_start: f64,
    /// Shift end: latest return, before overtime.
    pub shift_end: f64,
    /// Index into [`Problem::places`].
    pub start_place: usize,
    /// Index into [`Problem::places`].
    pub end_place: usize,
    /// Breaks, sorted by earliest start.
    pub breaks: Vec<Break>,
    /// Office time that must stay free.
    pub admin_min: f64,
    /// Most travel minutes, if limited.
    pub max_travel_min: Option<f64>,
    /// Most visits, if limited.
    pub max_visits: Option<usize>,
    /// How far past `shift_end` the route may return.
    pub max_overtime_min: f64,
    /// Capacity, if limited (extension).
    pub capacity: Option<f64>,
    /// How this staff member travels, when not by the travel model's profile (extension).
    /// `None` = the profile. The solver and checker currently time every round with the
    /// profile's matrix; [`crate::travel::TravelMatrix::time_for`] gives this mode's times.
    pub travel_mode: Option<TravelMode>,
}

impl Staff {
    /// Whether this staff member holds every skill in `skills`.
    pub fn has_skills(&self, skills: &[String]) -> bool {
        skills.iter().all(|s| self.skills.binary_search(s).is_ok())
    }
}

impl Visit {
    /// Which of the visit's two roles staff member `s` can take: bit 0 the first, bit 1
    /// the second; both bits when the visit has no roles. Beyond [`Visit::skills`],
    /// which every staff member of the visit needs anyway.
    pub fn roles_of(&self, staff: &Staff) -> u8 {
        match &self.roles {
            None => 0b11,
            Some([a, b]) => u8::from(staff.has_skills(a)) | (u8::from(staff.has_skills(b)) << 1),
        }
    }
}

/// Whether two staff members who can take roles `a` and `b` ([`Visit::roles_of`]) can
/// make a double-handed visit together: one takes the first role, the other the second.
pub fn roles_pair(a: u8, b: u8) -> bool {
    (a & 1 != 0 && b & 2 != 0) || (a & 2 != 0 && b & 1 != 0)
}

/// How many staff a visit needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffCount {
    /// One staff member.
    One,
    /// Double-handed: two different staff start together.
    Two,
}

impl StaffCount {
    /// 1 or 2.
    pub fn get(self) -> usize {
        match self {
            StaffCount::One => 1,
            StaffCount::Two => 2,
        }
    }
}

/// How late past its window a visit may start.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MaxLateness {
    /// Not at all.
    None,
    /// Up to this many minutes.
    Minutes(f64),
    /// Any amount.
    Unbounded,
}

impl MaxLateness {
    /// The allowance in minutes (infinite when unbounded).
    pub fn allowance(self) -> f64 {
        match self {
            MaxLateness::None => 0.0,
            MaxLateness::Minutes(m) => m,
            MaxLateness::Unbounded => f64::INFINITY,
        }
    }
}

/// A start-to-start gap after another visit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gap {
    /// Index of the visit that starts first.
    pub visit: usize,
    /// Least gap, minutes.
    pub min: f64,
    /// Largest gap, minutes, if any.
    pub max: Option<f64>,
}

/// A visit after validation.
#[derive(Debug, Clone, PartialEq)]
pub struct Visit {
    /// Id from the input.
    pub id: String,
    /// Client id ("" when not given).
    pub client: String,
    /// Index into [`Problem::places`].
    pub place: usize,
    /// Length, minutes.
    pub duration: f64,
    /// Windows on the start time, sorted and non-overlapping; empty = any time.
    pub windows: Vec<TimeWindow>,
    /// Required skills.
    pub skills: Vec<String>,
    /// One or two staff.
    pub staff_count: StaffCount,
    /// Each person's own skills on a mixed double-up (a nurse with a carer), beyond
    /// [`Visit::skills`]; `None` when both need only those. Validation allows it only
    /// on double-handed visits.
    pub roles: Option<[Vec<String>; 2]>,
    /// Whether the visit must be planned when any feasible plan allows it.
    pub required: bool,
    /// Indices of preferred staff.
    pub preferred_staff: Vec<usize>,
    /// Indices of excluded staff.
    pub excluded_staff: Vec<usize>,
    /// Indices of the staff the visit is pinned to (empty: not pinned); when given, as
    /// many as [`Visit::staff_count`] needs.
    pub pinned_staff: Vec<usize>,
    /// Indices of the staff the current plan gives it (re-planning; empty: none): anyone
    /// else costs [`Objective::moved_visit`].
    pub planned_staff: Vec<usize>,
    /// The start the current plan gives it (re-planning): each minute away from it costs
    /// [`Objective::retimed_min`].
    pub planned_start: Option<f64>,
    /// When the visit started, if it has (history, set by re-planning): it starts then,
    /// made by its [`Visit::pinned_staff`], whatever its windows and the travel model say.
    pub actual: Option<f64>,
    /// Gaps after other visits.
    pub after: Vec<Gap>,
    /// Lateness allowance.
    pub max_lateness: MaxLateness,
    /// Load (extension; 0 when not given).
    pub demand: f64,
}

/// Objective weights after defaults (SPEC.md `objective`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Objective {
    /// Per travel minute.
    pub travel_min: f64,
    /// Per km.
    pub distance_km: f64,
    /// Per late minute.
    pub lateness: f64,
    /// Per minute of the largest lateness.
    pub max_lateness: f64,
    /// Per visit not served by a preferred staff member.
    pub preferred_staff: f64,
    /// Per overtime minute.
    pub overtime: f64,
    /// Per visit made by staff outside its `planned_staff` (counted once per visit).
    pub moved_visit: f64,
    /// Per minute a visit starts away from its `planned_start`, beyond
    /// [`RETIMED_GRACE_MIN`] ([`retimed_by`]).
    pub retimed_min: f64,
    /// Per minute of office time at base in a long gap between visits, counted against
    /// the travel there and back (a reward: it lowers the objective). 0 turns base
    /// trips off.
    pub base_min: f64,
    /// Per minute a staff member waits at a client's door beyond [`LONG_WAIT_MIN`]
    /// ([`long_wait_by`]): such waits are lost time the search should fill or send to
    /// base, not a free way to park a round. 0 leaves waiting costless, as in SPEC v1.
    pub long_wait_min: f64,
}

/// The least office time, in minutes, a trip to base in a gap between visits must give
/// (breaks taken there not counted): a shorter stay is not worth the drive, and a plan
/// that makes one is refused by the checker. The solver, the plan writer and the checker
/// all use this one figure (docs/EXTENSIONS.md, "Back to base in long gaps").
pub const MIN_BASE_STAY_MIN: f64 = 30.0;

/// Minutes of waiting at one door before it counts as a long wait: shorter waits are the
/// slack any round has (arriving before a window opens, a double-up's partner on the
/// way); past an hour the time is lost, and the objective's `long_wait_min` weighs it.
pub const LONG_WAIT_MIN: f64 = 60.0;

/// The minutes of a wait of `wait` minutes at one door that the objective's
/// `long_wait_min` weighs: those beyond [`LONG_WAIT_MIN`]. The solver, the plan writer and
/// the checker all count long waits through this one rule.
pub fn long_wait_by(wait: f64) -> f64 {
    (wait - LONG_WAIT_MIN).max(0.0)
}

/// Minutes a visit may start away from its planned start before it counts as re-timed:
/// the change list tells people about moves of more than this, so smaller ones cost
/// nothing in the objective either.
pub const RETIMED_GRACE_MIN: f64 = 10.0;

/// The minutes of a start at `start` against the planned `planned` that the objective's
/// `retimed_min` weighs: those beyond [`RETIMED_GRACE_MIN`]. The solver, the plan writer
/// and the checker all count re-timing through this one rule.
pub fn retimed_by(start: f64, planned: f64) -> f64 {
    ((start - planned).abs() - RETIMED_GRACE_MIN).max(0.0)
}

impl Default for Objective {
    fn default() -> Self {
        Objective {
            travel_min: 1.0,
            distance_km: 0.0,
            lateness: 1.0,
            max_lateness: 0.0,
            preferred_staff: 5.0,
            overtime: 1.0,
            // Measured on the re-plan bench (BENCHMARKS.md, "Re-planning the day"): 30 and
            // 0.2 kept changes to a twentieth of a fresh solve's but cost up to 16% travel.
            moved_visit: 10.0,
            retimed_min: 0.05,
            // A minute at base is worth half a travel minute: a trip pays when the stay
            // is at least twice the extra driving (BENCHMARKS.md, "Back to base").
            base_min: 0.5,
            // A minute stuck at a door past the hour costs what a minute at base earns.
            long_wait_min: 0.5,
        }
    }
}

/// Solver options after defaults.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// Wall-clock limit, seconds.
    pub time_limit_s: f64,
    /// Random seed.
    pub seed: u64,
    /// Worker threads, 0 = all cores.
    pub threads: usize,
    /// Planned starts on a grid of this many minutes past midnight (`None`: exact times).
    pub round_start_min: Option<u32>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            time_limit_s: 5.0,
            seed: 1,
            threads: 0,
            round_start_min: None,
        }
    }
}

/// A booked round: staff index and visit indices in booked order.
#[derive(Debug, Clone, PartialEq)]
pub struct BaselineRoute {
    /// Staff index.
    pub staff: usize,
    /// Visit indices in order.
    pub visits: Vec<usize>,
}

/// A validated problem.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Name for reports.
    pub name: String,
    /// Travel model.
    pub travel: TravelModel,
    /// Every place: first the `locations` entries in order, then inline points.
    pub places: Vec<Place>,
    /// How many of `places` are `locations` entries.
    pub named_places: usize,
    /// Staff.
    pub staff: Vec<Staff>,
    /// Visits.
    pub visits: Vec<Visit>,
    /// The booked plan, if given.
    pub baseline: Option<Vec<BaselineRoute>>,
    /// Objective weights.
    pub objective: Objective,
    /// Solver options.
    pub options: Options,
    /// Data sources the problem names for reports to credit (extension `sources`).
    pub sources: Vec<crate::model::input::SourceInput>,
    /// Things in the input that are allowed but probably not meant (a window lying outside
    /// every shift, say), with the field path; carried into the plan's `warnings`.
    pub warnings: Vec<InputWarning>,
}

/// Something in the input that is valid but likely a mistake: kept, and reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputWarning {
    /// The field it concerns, e.g. `visits[3].time_windows[1]`.
    pub path: String,
    /// What looks wrong, in words a scheduler can act on.
    pub message: String,
}

impl std::fmt::Display for InputWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl Problem {
    /// Index of the staff member with this id.
    pub fn staff_index(&self, id: &str) -> Option<usize> {
        self.staff.iter().position(|s| s.id == id)
    }
    /// Index of the visit with this id.
    pub fn visit_index(&self, id: &str) -> Option<usize> {
        self.visits.iter().position(|v| v.id == id)
    }
}
