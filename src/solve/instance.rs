//! The solver's internal form: dense indices, flat arrays and precomputed eligibility,
//! built once from a validated [`Problem`] so the search never touches strings.

use crate::model::{Problem, StaffCount};
use crate::travel::TravelMatrix;
use std::sync::Arc;

/// A visit as the solver sees it.
#[derive(Debug, Clone)]
pub struct VisitData {
    /// Place index in the travel matrix.
    pub place: usize,
    /// Service minutes.
    pub duration: f64,
    /// Start windows `(start, end)`, sorted; empty = any time.
    pub windows: Vec<(f64, f64)>,
    /// Minutes a start may run past its window's end.
    pub allowance: f64,
    /// Starts on multiples of this many minutes (`options.round_start_min`); 0: exact
    /// times, as for history, which started when it did.
    pub grid: f64,
    /// Load on the staff member's capacity.
    pub demand: f64,
    /// Needs two staff starting together.
    pub double: bool,
    /// A mixed double-up's roles each staff member can take
    /// ([`crate::model::Visit::roles_of`]); empty when the visit has none.
    pub roles: Vec<u8>,
    /// Must be planned when feasible.
    pub required: bool,
    /// Whether each staff member may serve it under every rule (skills, exclusions,
    /// pins: [`super::rules::allows`]), as a table for the search's hot loops.
    pub eligible: Vec<bool>,
    /// Staff it is pinned to (empty: none), for the pin rule's whole-round check.
    pub pinned: Vec<usize>,
    /// Whether each staff member is preferred (all false when none are named).
    pub preferred: Vec<bool>,
    /// Whether the visit names preferred staff at all.
    pub has_preferred: bool,
    /// Whether each staff member is among those the current plan gives it (re-planning;
    /// all false when none are named).
    pub planned: Vec<bool>,
    /// Whether the visit names planned staff at all.
    pub has_planned: bool,
    /// The start the current plan gives it (re-planning), if any.
    pub planned_start: Option<f64>,
    /// When it started, if it has: history, timed at this start whatever the travel
    /// model says (its staff are pinned).
    pub actual: Option<f64>,
    /// Start-to-start gaps after other visits: `(other, min, max)`.
    pub after: Vec<(usize, f64, Option<f64>)>,
    /// Visits that have a gap after this one: `(other, min, max)` as written on `other`.
    pub before: Vec<(usize, f64, Option<f64>)>,
}

impl VisitData {
    /// Whether staff members `a` and `b` together may make this double-handed visit:
    /// on a mixed double-up, one of them takes each person's `staff_skills`. Each of
    /// them must also be [`VisitData::eligible`].
    #[inline]
    pub fn pair_allowed(&self, a: usize, b: usize) -> bool {
        self.roles.is_empty() || crate::model::roles_pair(self.roles[a], self.roles[b])
    }

    /// The earliest start at or after `earliest` that its windows and grid allow, and its
    /// lateness ([`super::schedule::window_start`]).
    #[inline]
    pub fn start_at(&self, earliest: f64) -> Option<(f64, f64)> {
        super::schedule::window_start(&self.windows, self.allowance, self.grid, earliest)
    }

    /// Whether the visit's start is tied to another visit (double-handed or a gap).
    pub fn coupled(&self) -> bool {
        self.double || !self.after.is_empty() || !self.before.is_empty()
    }
}

/// A staff member as the solver sees it.
#[derive(Debug, Clone)]
pub struct StaffData {
    /// Earliest departure.
    pub shift_start: f64,
    /// Shift end.
    pub shift_end: f64,
    /// Latest return (shift end plus allowed overtime).
    pub latest_return: f64,
    /// Start place.
    pub start_place: usize,
    /// End place.
    pub end_place: usize,
    /// Breaks `(earliest, latest, duration)`, sorted.
    pub breaks: Vec<(f64, f64, f64)>,
    /// Protected office minutes.
    pub admin_min: f64,
    /// Travel limit.
    pub max_travel: f64,
    /// Visit limit.
    pub max_visits: usize,
    /// Capacity.
    pub capacity: f64,
    /// The travel-matrix layer of the staff member's travel mode
    /// ([`TravelMatrix::layer_of`]): walkers and cyclists are timed on their own matrices.
    pub layer: usize,
}

/// Objective weights, copied from the problem.
pub type Weights = crate::model::Objective;

/// The whole internal form.
#[derive(Debug, Clone)]
pub struct Instance {
    /// Travel between places, shared with whoever built it (the shell builds one matrix
    /// per request; the solver, checker and slots read it without copying).
    pub travel: Arc<TravelMatrix>,
    /// Visits by index.
    pub visits: Vec<VisitData>,
    /// Staff by index.
    pub staff: Vec<StaffData>,
    /// Objective weights.
    pub weights: Weights,
    /// Staff whose rounds allow O(1) insertion checks (no breaks, office floor, overtime).
    pub simple_staff: Vec<bool>,
    /// Visits that allow O(1) insertion checks (one hard window at most, no couplings, no
    /// start grid).
    pub simple_visit: Vec<bool>,
    /// Whether any visit is coupled to another.
    pub any_coupled: bool,
    /// Whether any visit has happened (`actual`): only then must ruins skip visits.
    pub any_history: bool,
}

impl Instance {
    /// How many visits at the head of `route` have happened. History stays at the head
    /// of its round (nothing still to come can start before `now`: a re-plan clips every
    /// window to it), so inserting a visit still to come never needs to try a position
    /// among them; late in the day that is most of a round.
    #[inline]
    pub fn history_len(&self, route: &[usize]) -> usize {
        if !self.any_history {
            return 0;
        }
        route
            .iter()
            .take_while(|&&v| self.visits[v].actual.is_some())
            .count()
    }

    /// Travel minutes from place `a` to `b` for staff member `s` (by their travel mode).
    #[inline]
    pub fn time(&self, s: usize, a: usize, b: usize) -> f64 {
        self.travel.time_in(self.staff[s].layer, a, b)
    }

    /// Kilometres from place `a` to `b` for staff member `s`.
    #[inline]
    pub fn dist(&self, s: usize, a: usize, b: usize) -> f64 {
        self.travel.dist_in(self.staff[s].layer, a, b)
    }

    /// Builds the internal form of a problem around its travel matrix (an owned matrix
    /// or a shared `Arc`), taking the eligibility table from `allows(visit, staff)`.
    /// The rules supply it ([`Instance::with_travel`] is defined beside them): they read
    /// the instance, so the instance does not read them.
    pub(crate) fn build(
        problem: &Problem,
        travel: impl Into<Arc<TravelMatrix>>,
        allows: impl Fn(usize, usize) -> bool,
    ) -> Self {
        let travel = travel.into();
        let ns = problem.staff.len();
        let mut visits: Vec<VisitData> = problem
            .visits
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let eligible = (0..ns).map(|s| allows(i, s)).collect();
                let mut preferred = vec![false; ns];
                for &s in &v.preferred_staff {
                    preferred[s] = true;
                }
                let mut planned = vec![false; ns];
                for &s in &v.planned_staff {
                    planned[s] = true;
                }
                VisitData {
                    place: v.place,
                    duration: v.duration,
                    windows: v.windows.iter().map(|w| (w.start, w.end)).collect(),
                    allowance: v.max_lateness.allowance(),
                    grid: match (problem.options.round_start_min, v.actual) {
                        (Some(g), None) => f64::from(g),
                        _ => 0.0,
                    },
                    demand: v.demand,
                    double: v.staff_count == StaffCount::Two,
                    roles: match v.roles {
                        None => Vec::new(),
                        Some(_) => problem.staff.iter().map(|st| v.roles_of(st)).collect(),
                    },
                    required: v.required,
                    eligible,
                    pinned: v.pinned_staff.clone(),
                    preferred,
                    has_preferred: !v.preferred_staff.is_empty(),
                    planned,
                    has_planned: !v.planned_staff.is_empty(),
                    planned_start: v.planned_start,
                    actual: v.actual,
                    // A gap between two visits that have both started is history, not a rule.
                    after: v
                        .after
                        .iter()
                        .filter(|g| v.actual.is_none() || problem.visits[g.visit].actual.is_none())
                        .map(|g| (g.visit, g.min, g.max))
                        .collect(),
                    before: Vec::new(),
                }
            })
            .collect();
        for v in 0..visits.len() {
            for k in 0..visits[v].after.len() {
                let (u, min, max) = visits[v].after[k];
                visits[u].before.push((v, min, max));
            }
        }
        let staff: Vec<StaffData> = problem
            .staff
            .iter()
            .map(|s| StaffData {
                shift_start: s.shift_start,
                shift_end: s.shift_end,
                latest_return: s.shift_end + s.max_overtime_min,
                start_place: s.start_place,
                end_place: s.end_place,
                breaks: s
                    .breaks
                    .iter()
                    .map(|b| (b.earliest, b.latest, b.duration))
                    .collect(),
                admin_min: s.admin_min,
                max_travel: s.max_travel_min.unwrap_or(f64::INFINITY),
                max_visits: s.max_visits.unwrap_or(usize::MAX),
                capacity: s.capacity.unwrap_or(f64::INFINITY),
                layer: travel.layer_of(s.travel_mode),
            })
            .collect();
        let simple_staff = staff
            .iter()
            .map(|s: &StaffData| s.breaks.is_empty() && s.admin_min <= 0.0 && s.latest_return <= s.shift_end)
            .collect();
        let simple_visit = visits
            .iter()
            .map(|v| {
                !v.coupled()
                    && v.actual.is_none()
                    && v.grid == 0.0
                    && (v.windows.is_empty() || (v.windows.len() == 1 && v.allowance == 0.0))
            })
            .collect();
        let any_coupled = visits.iter().any(VisitData::coupled);
        let any_history = visits.iter().any(|v| v.actual.is_some());
        Instance {
            travel,
            visits,
            staff,
            weights: problem.objective,
            simple_staff,
            simple_visit,
            any_coupled,
            any_history,
        }
    }
}
