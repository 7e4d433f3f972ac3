//! The plan read against the problem: each staff member's planned visits ("slots": one
//! per visit and staff member, so a double-handed visit has two) with the plan's own
//! times, and the plan's office time. Errors name the plan field at fault.

use crate::model::Ids;
use crate::model::{FieldPath, InputError, InputErrorKind, Plan, Problem, Step};

/// A visit as planned for one staff member.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Slot {
    /// Problem visit index.
    pub visit: usize,
    /// Problem staff index.
    pub staff: usize,
    /// Planned arrival, start and end.
    pub arrival: f64,
    pub start: f64,
    pub end: f64,
    /// The plan's waiting and lateness at this visit.
    pub wait: f64,
    pub late: f64,
    /// Arrival less the end of the staff member's previous planned visit (`None` for the
    /// first visit of the round).
    pub gap: Option<f64>,
}

/// One staff member's planned day.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct PlannedDay {
    /// Whether the plan has a route for them.
    pub on_duty: bool,
    /// Departure and return.
    pub depart: f64,
    pub ret: f64,
    /// Indices into the slot list, in round order.
    pub slots: Vec<usize>,
    /// Breaks (start, end).
    pub breaks: Vec<(f64, f64)>,
    /// Travel before each slot (the plan's `travel_min`; from base after a trip there),
    /// and home.
    pub legs: Vec<f64>,
    pub home_leg: f64,
    /// Trips to base in gaps: arrival, departure and the travel there.
    pub bases: Vec<(f64, f64, f64)>,
}

/// The slots of the plan and each staff member's day (by staff index).
pub(crate) fn read_plan(problem: &Problem, plan: &Plan) -> Result<(Vec<Slot>, Vec<PlannedDay>), InputError> {
    let ids = Ids::of(problem);
    let mut slots = Vec::new();
    let mut days: Vec<PlannedDay> = problem
        .staff
        .iter()
        .map(|s| PlannedDay {
            depart: s.shift_start,
            ret: s.shift_start,
            ..Default::default()
        })
        .collect();
    let staff_of = ids.route_staff(plan)?;
    let routes = FieldPath::root().field("routes");
    for (ri, (route, &s)) in plan.routes.iter().zip(&staff_of).enumerate() {
        let path = routes.index(ri);
        let day = &mut days[s];
        day.on_duty = true;
        let mut prev_end = None;
        for (k, step) in route.steps.iter().enumerate() {
            match step {
                Step::Start { time, .. } => {
                    day.depart = time.0;
                    day.ret = time.0;
                }
                Step::End {
                    arrival, travel_min, ..
                } => {
                    day.ret = arrival.0;
                    day.home_leg = *travel_min;
                }
                Step::Break { start, end } => day.breaks.push((start.0, end.0)),
                Step::Base {
                    arrival,
                    departure,
                    travel_min,
                    ..
                } => day.bases.push((arrival.0, departure.0, *travel_min)),
                Step::Visit {
                    visit,
                    arrival,
                    start,
                    end,
                    travel_min,
                    wait_min,
                    late_min,
                    ..
                } => {
                    let at = path.field("steps").index(k).field("visit");
                    let v = ids.visit(visit).ok_or_else(|| {
                        InputError::of(
                            InputErrorKind::UnknownReference,
                            at.clone(),
                            format!("visit '{visit}' is not in the problem"),
                        )
                    })?;
                    if day.slots.iter().any(|&i| slots_visit(&slots, i) == v) {
                        return Err(InputError::of(
                            InputErrorKind::Duplicate,
                            at,
                            format!("visit '{visit}' is twice in the route of '{}'", route.staff),
                        ));
                    }
                    day.slots.push(slots.len());
                    day.legs.push(*travel_min);
                    slots.push(Slot {
                        visit: v,
                        staff: s,
                        arrival: arrival.0,
                        start: start.0,
                        end: end.0,
                        wait: *wait_min,
                        late: *late_min,
                        gap: prev_end.map(|e: f64| (arrival.0 - e).max(0.0)),
                    });
                    prev_end = Some(end.0);
                }
            }
        }
    }
    Ok((slots, days))
}

fn slots_visit(slots: &[Slot], i: usize) -> usize {
    slots[i].visit
}
