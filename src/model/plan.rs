//! The plan document (SPEC.md "Plan"): what the solver returns and the checker reads.

use super::input::{BaselineInput, BaselineRouteInput, LocationRef};
use super::time::Clock;
use serde::{Deserialize, Serialize};

/// A day's plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// One route per staff member.
    pub routes: Vec<RoutePlan>,
    /// Visits not planned, each with its reason.
    #[serde(default)]
    pub unassigned: Vec<Unassigned>,
    /// Totals and the objective.
    pub summary: Summary,
    /// Notes for the reader that do not make the plan wrong: input that looks mistaken
    /// (with its field path), or a request the server capped (threads, time limit).
    /// Left out of the document when empty (SPEC extension, docs/EXTENSIONS.md).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// One staff member's day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Route)]
pub struct RoutePlan {
    /// Staff id.
    pub staff: String,
    /// Start, visits and breaks in time order, end.
    pub steps: Vec<Step>,
    /// Minutes travelling.
    pub travel_min: f64,
    /// Kilometres travelled.
    pub distance_km: f64,
    /// Minutes with clients.
    pub visit_min: f64,
    /// Minutes waiting for windows to open.
    pub wait_min: f64,
    /// Minutes on breaks.
    pub break_min: f64,
    /// Shift length less travel, visits, breaks and waiting: time for office work.
    pub free_min: f64,
}

impl Plan {
    /// The plan's rounds in the form of a problem's `baseline` (who makes which visits, in
    /// order; rounds without visits left out): what [`crate::retime::retime`] times again,
    /// and what a problem's baseline holds.
    pub fn rounds(&self) -> BaselineInput {
        BaselineInput {
            routes: self
                .routes
                .iter()
                .filter(|r| r.visit_ids().next().is_some())
                .map(|r| BaselineRouteInput {
                    staff: r.staff.clone(),
                    visits: r.visit_ids().map(str::to_string).collect(),
                })
                .collect(),
        }
    }
}

impl RoutePlan {
    /// The ids of the round's visits, in order.
    pub fn visit_ids(&self) -> impl Iterator<Item = &str> + '_ {
        self.steps.iter().filter_map(|s| match s {
            Step::Visit { visit, .. } => Some(visit.as_str()),
            _ => None,
        })
    }
}

/// A step of a route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Step {
    /// Leaving the start location.
    Start {
        /// Where.
        location: LocationRef,
        /// Departure time.
        time: Clock,
    },
    /// A visit.
    Visit {
        /// Visit id.
        visit: String,
        /// Arrival at the client.
        arrival: Clock,
        /// Service start.
        start: Clock,
        /// Service end.
        end: Clock,
        /// Travel from the previous place, minutes.
        travel_min: f64,
        /// Distance from the previous place, km.
        distance_km: f64,
        /// Waiting before the start, minutes (not counting breaks).
        wait_min: f64,
        /// Minutes past the end of the window.
        late_min: f64,
    },
    /// A trip to base (the staff member's `start_location`) in a long gap between two
    /// visits, for office time there (extension: docs/EXTENSIONS.md). The next step's
    /// `travel_min` is the leg back from base; breaks listed after it and within
    /// `arrival`..`departure` are taken at base.
    Base {
        /// Where: the staff member's start location.
        location: LocationRef,
        /// Arrival at base.
        arrival: Clock,
        /// Departure from base, in time for the next visit.
        departure: Clock,
        /// Travel from the previous place, minutes.
        travel_min: f64,
        /// Distance from the previous place, km.
        distance_km: f64,
    },
    /// A break.
    Break {
        /// Start.
        start: Clock,
        /// End.
        end: Clock,
    },
    /// Arriving at the end location.
    End {
        /// Where.
        location: LocationRef,
        /// Arrival time.
        arrival: Clock,
        /// Travel from the previous place, minutes.
        travel_min: f64,
        /// Distance from the previous place, km.
        distance_km: f64,
    },
}

/// A visit left out of the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Unassigned {
    /// Visit id.
    pub visit: String,
    /// Why, in words a scheduler can act on.
    pub reason: String,
}

/// Totals over the plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    /// Minutes travelling.
    pub travel_min: f64,
    /// Kilometres travelled.
    pub distance_km: f64,
    /// Visits planned.
    pub visits_assigned: usize,
    /// Visits left out.
    pub visits_unassigned: usize,
    /// Office time left, minutes.
    pub free_min: f64,
    /// Minutes returned past shift ends.
    pub overtime_min: f64,
    /// Late minutes in total.
    pub lateness_min: f64,
    /// Largest single lateness.
    pub max_lateness_min: f64,
    /// The weighted objective of SPEC.md.
    pub objective: f64,
}
