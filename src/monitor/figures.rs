//! The figures of the monitoring report, as serialised (docs/MONITOR.md defines each).
//! Minutes throughout; clock times as `"HH:MM:SS"`.

use super::logs::RefusedRow;
use crate::model::time::Clock;
use serde::Serialize;

/// Share of the planned contact time below which a visit counts as cut short.
pub const CUT_SHORT_SHARE: f64 = 0.75;

/// A figure as planned and as logged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PlannedActual {
    /// In the plan.
    pub planned: f64,
    /// In the logs.
    pub actual: f64,
    /// `actual - planned`.
    pub delta: f64,
}

impl PlannedActual {
    /// Both sides, with the delta.
    pub fn new(planned: f64, actual: f64) -> Self {
        PlannedActual {
            planned,
            actual,
            delta: actual - planned,
        }
    }

    /// Adds another's sides (and so its delta).
    pub fn add(&mut self, o: PlannedActual) {
        *self = PlannedActual::new(self.planned + o.planned, self.actual + o.actual);
    }
}

/// How a visit fared against the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VisitStatus {
    /// Logged by the staff member it was planned for.
    Made,
    /// Logged by someone other than the staff member it was planned for.
    OtherStaff,
    /// Planned, and no log matches it.
    NotLogged,
    /// Logged, and no planned visit matches it.
    Unplanned,
}

impl VisitStatus {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            VisitStatus::Made => "made",
            VisitStatus::OtherStaff => "other_staff",
            VisitStatus::NotLogged => "not_logged",
            VisitStatus::Unplanned => "unplanned",
        }
    }
}

/// Arrival, start of care and end of care.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Times {
    /// At the door.
    pub arrival: Clock,
    /// Care starts.
    pub start: Clock,
    /// Care ends.
    pub end: Clock,
}

/// One planned visit (per staff member: a double-handed visit has two rows), or one
/// logged visit that matches nothing planned.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct VisitRow {
    /// Visit id (absent for a client record that matches no visit of the problem).
    pub visit: Option<String>,
    /// Client id ("" when neither the problem nor the log gives one).
    pub client: String,
    /// How it fared.
    pub status: VisitStatus,
    /// Who made it (who logged it; for a visit not logged, who was planned).
    pub staff: String,
    /// Who was planned (absent for unplanned visits).
    pub planned_staff: Option<String>,
    /// The organisation of `staff`.
    pub organisation: String,
    /// The log's CSV row (header = 1), when logged from CSV.
    pub row: Option<usize>,
    /// The log's index in a JSON array, when logged from JSON.
    pub index: Option<usize>,
    /// The log's note code (`no_access`, ...).
    pub note: Option<String>,
    /// The plan's times.
    pub planned: Option<Times>,
    /// The logged times.
    pub actual: Option<Times>,
    /// Contact time (start to end): planned and actual; absent on the side without times.
    pub planned_contact_min: Option<f64>,
    /// Logged contact time.
    pub actual_contact_min: Option<f64>,
    /// Arrival less the end of the staff member's previous visit, planned.
    pub planned_travel_min: Option<f64>,
    /// The same gap in the logs (the previous visit that staff member logged).
    pub actual_travel_min: Option<f64>,
    /// Start less arrival, planned.
    pub planned_wait_min: Option<f64>,
    /// Start less arrival, logged.
    pub actual_wait_min: Option<f64>,
    /// Logged start less planned start (negative: earlier).
    pub start_delay_min: Option<f64>,
    /// Lateness of the plan's start against the visit's windows.
    pub planned_late_min: Option<f64>,
    /// Lateness of the logged start against the visit's windows.
    pub late_min: Option<f64>,
    /// How long before its first window opened the logged start was.
    pub early_min: Option<f64>,
    /// Logged contact past the planned contact.
    pub overrun_min: f64,
    /// Logged contact longer than planned.
    pub overran: bool,
    /// Logged contact below the report's `cut_short_share` of planned, with no note.
    pub cut_short: bool,
    /// Logged start past its window.
    pub late: bool,
    /// How far from the plan, for ordering (worst first): |start delay| + |contact delta|;
    /// a visit not logged counts its planned contact, an unplanned one its logged contact.
    pub deviation_min: f64,
}

/// Figures that add up over staff, for a staff member, an organisation or the team.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = MonitorTotals)]
pub struct Totals {
    /// Staff members counted.
    pub staff: usize,
    /// Planned visits (per staff member).
    pub visits_planned: usize,
    /// Records kept (not refused).
    pub visits_logged: usize,
    /// Planned visits made by their planned staff.
    pub made: usize,
    /// Visits logged by this staff member (or group) that were planned for someone else.
    pub other_staff: usize,
    /// Planned visits no log matches.
    pub not_logged: usize,
    /// Logged visits no planned visit matches.
    pub unplanned: usize,
    /// Logged visits longer than planned.
    pub overran: usize,
    /// Logged visits cut short.
    pub cut_short: usize,
    /// Logged visits that started past their window.
    pub late_visits: usize,
    /// Contact time.
    pub contact_min: PlannedActual,
    /// Gaps between a visit's end and the next arrival.
    pub travel_min: PlannedActual,
    /// Waiting at the door (start less arrival).
    pub wait_min: PlannedActual,
    /// Lateness against windows.
    pub late_min: PlannedActual,
    /// Logged contact past planned, summed over visits that overran.
    pub overrun_min: f64,
    /// Planned contact minus logged contact, summed over visits cut short.
    pub cut_short_min: f64,
    /// Office time: the shift less the round, from departure to return (planned, logged).
    pub office_min: PlannedActual,
    /// Office time the problem asks to keep (`admin_min`).
    pub admin_min: f64,
    /// `admin_min` less actual office time, where positive (summed over staff).
    pub admin_shortfall_min: f64,
    /// Return past the shift end.
    pub overtime_min: PlannedActual,
}

impl Totals {
    /// Adds a member's figures.
    pub fn add(&mut self, o: &Totals) {
        self.staff += o.staff;
        self.visits_planned += o.visits_planned;
        self.visits_logged += o.visits_logged;
        self.made += o.made;
        self.other_staff += o.other_staff;
        self.not_logged += o.not_logged;
        self.unplanned += o.unplanned;
        self.overran += o.overran;
        self.cut_short += o.cut_short;
        self.late_visits += o.late_visits;
        self.contact_min.add(o.contact_min);
        self.travel_min.add(o.travel_min);
        self.wait_min.add(o.wait_min);
        self.late_min.add(o.late_min);
        self.overrun_min += o.overrun_min;
        self.cut_short_min += o.cut_short_min;
        self.office_min.add(o.office_min);
        self.admin_min += o.admin_min;
        self.admin_shortfall_min += o.admin_shortfall_min;
        self.overtime_min.add(o.overtime_min);
    }
}

/// A staff member's figures.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StaffRow {
    /// Staff id.
    pub staff: String,
    /// Organisation.
    pub organisation: String,
    /// Figures.
    pub figures: Totals,
}

/// An organisation's figures (the sum of its staff).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct OrganisationRow {
    /// Organisation ("" for staff without one).
    pub organisation: String,
    /// Figures.
    pub figures: Totals,
}

/// The monitoring report: planned against actual.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MonitorReport {
    /// The problem's name.
    pub problem: String,
    /// carerounds and its version.
    pub generator: String,
    /// The day reported, when given (records dated otherwise are refused).
    pub date: Option<String>,
    /// Share of planned contact below which a visit is cut short (0.75).
    pub cut_short_share: f64,
    /// Every visit, worst first (largest `deviation_min`).
    pub visits: Vec<VisitRow>,
    /// Each staff member, in problem order.
    pub staff: Vec<StaffRow>,
    /// Each organisation, in order of first appearance among the staff.
    pub organisations: Vec<OrganisationRow>,
    /// The team.
    pub team: Totals,
    /// Rows of the logs that were refused, with the reason; none of them is counted.
    pub refused: Vec<RefusedRow>,
    /// For the HTML timelines.
    #[serde(skip)]
    pub days: Vec<super::timeline::StaffDays>,
}
