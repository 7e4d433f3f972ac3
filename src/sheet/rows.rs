//! The rows of each staff member's run sheet, built from the problem and the plan: what a
//! person needs on the day, in the order it happens. Times stay exact here (minutes);
//! the renderers round them to the minute.

use crate::formats::export::Names;
use crate::model::input::{LocationRef, PointInput, ProblemInput};
use crate::model::{FieldPath, Ids, InputError, InputErrorKind, Plan, Problem, RoutePlan, Step};
use std::collections::HashMap;

/// Slack for comparing plan times (minutes): plan times are rounded to the second.
const EPS: f64 = 1e-6;

/// Why no sheet can be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SheetError {
    /// The staff member asked for is not in the problem.
    #[error("staff '{id}' is not in the problem; its staff ids are: {}", valid.join(", "))]
    UnknownStaff {
        /// The id asked for.
        id: String,
        /// The problem's staff ids, in its order.
        valid: Vec<String>,
    },
    /// The plan names staff or visits the problem does not have (the path is in the plan).
    #[error(transparent)]
    Plan(#[from] InputError),
}

/// Where a step happens, as a person finds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Where {
    /// The place's `locations` id, or its coordinates for an inline point.
    pub label: String,
    /// Its postcode, when the problem gives one.
    pub postcode: Option<String>,
    /// Its address, when the problem gives one.
    pub address: Option<String>,
}

impl Where {
    /// Postcode and address when known (that is how people find a door); otherwise the
    /// place's id or coordinates.
    pub fn text(&self) -> String {
        let known: Vec<&str> = [&self.postcode, &self.address]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .filter(|s| !s.is_empty())
            .collect();
        if known.is_empty() {
            self.label.clone()
        } else {
            known.join(", ")
        }
    }
}

/// One line of a run sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    /// Leaving the start place.
    Leave {
        /// Departure, minutes since 00:00.
        time: f64,
        /// Where from.
        place: Where,
    },
    /// Travel to the next place (left out between two visits at the same place).
    Travel {
        /// Minutes on the way.
        minutes: f64,
        /// Kilometres.
        km: f64,
        /// Arrival at the next place.
        arrive: f64,
    },
    /// A visit.
    Visit {
        /// Start and end.
        start: f64,
        /// End.
        end: f64,
        /// The visit's id.
        visit: String,
        /// The client reference (empty when the problem gives none).
        client: String,
        /// Where.
        place: Where,
        /// Skills it needs.
        skills: Vec<String>,
        /// Length, minutes.
        duration: f64,
        /// The other staff member(s) making it: a double-handed visit's partner.
        with: Vec<String>,
        /// Minutes at the door before it can start (not counting a break taken there).
        wait: f64,
        /// Minutes past its window.
        late: f64,
    },
    /// Time at base between visits (a trip back for office work in a long gap).
    Base {
        /// Arrival at base.
        start: f64,
        /// Departure for the next visit.
        end: f64,
        /// Where.
        place: Where,
    },
    /// A break.
    Break {
        /// Start.
        start: f64,
        /// End.
        end: f64,
    },
    /// Arriving back at the end place.
    Return {
        /// Arrival.
        time: f64,
        /// Where.
        place: Where,
    },
}

/// One staff member's run sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The problem's name (may be empty).
    pub problem: String,
    /// Staff id.
    pub staff: String,
    /// Employer (may be empty).
    pub organisation: String,
    /// Shift start and end, minutes.
    pub shift: (f64, f64),
    /// The day in order.
    pub rows: Vec<Row>,
    /// Visits in the round.
    pub visits: usize,
    /// Travel minutes and km in the day.
    pub travel_min: f64,
    /// Kilometres.
    pub distance_km: f64,
    /// Office time left in the shift (never below 0; time past the shift is overtime).
    pub free_min: f64,
    /// Minutes back past the shift end.
    pub overtime_min: f64,
}

/// The run sheets of `plan`: for `staff` alone (even if they have no visits), or else one
/// for each staff member whose round has visits, in the plan's order.
pub fn sheets(
    input: &ProblemInput,
    problem: &Problem,
    plan: &Plan,
    staff: Option<&str>,
) -> Result<Vec<Sheet>, SheetError> {
    let ids = Ids::of(problem);
    if let Some(id) = staff {
        if ids.staff(id).is_none() {
            return Err(SheetError::UnknownStaff {
                id: id.to_string(),
                valid: problem.staff.iter().map(|s| s.id.clone()).collect(),
            });
        }
    }
    let route_staff = ids.route_staff(plan)?;
    let served = served_by(&ids, plan)?;
    let names = Names::of(input);
    let mut out = Vec::new();
    for (route, &s) in plan.routes.iter().zip(&route_staff) {
        let has_visits = route.steps.iter().any(|st| matches!(st, Step::Visit { .. }));
        let wanted = match staff {
            Some(id) => route.staff == id,
            None => has_visits,
        };
        if !wanted {
            continue;
        }
        let st = &problem.staff[s];
        let mut sheet = Sheet {
            problem: problem.name.clone(),
            staff: route.staff.clone(),
            organisation: st.organisation.clone(),
            shift: (st.shift_start, st.shift_end),
            rows: Vec::new(),
            visits: 0,
            travel_min: route.travel_min,
            distance_km: route.distance_km,
            free_min: route.free_min.max(0.0),
            overtime_min: 0.0,
        };
        if has_visits {
            sheet.rows = rows(problem, &names, &ids, &served, route);
            sheet.visits = sheet
                .rows
                .iter()
                .filter(|r| matches!(r, Row::Visit { .. }))
                .count();
            if let Some(Row::Return { time, .. }) = sheet.rows.last() {
                sheet.overtime_min = (time - st.shift_end).max(0.0);
            }
        }
        out.push(sheet);
    }
    Ok(out)
}

/// Who makes each visit (by visit id), for partners; a visit the problem does not have is
/// an error at its step.
fn served_by<'p>(ids: &Ids, plan: &'p Plan) -> Result<HashMap<&'p str, Vec<&'p str>>, InputError> {
    let mut served: HashMap<&str, Vec<&str>> = HashMap::new();
    for (ri, route) in plan.routes.iter().enumerate() {
        for (k, step) in route.steps.iter().enumerate() {
            if let Step::Visit { visit, .. } = step {
                if ids.visit(visit).is_none() {
                    return Err(InputError::of(
                        InputErrorKind::UnknownReference,
                        FieldPath::root()
                            .field("routes")
                            .index(ri)
                            .field("steps")
                            .index(k)
                            .field("visit"),
                        format!("visit '{visit}' is not in the problem"),
                    ));
                }
                served.entry(visit).or_default().push(&route.staff);
            }
        }
    }
    Ok(served)
}

/// A place as the sheet shows it.
fn place_of(names: &Names, r: &LocationRef) -> Where {
    let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
    match r {
        LocationRef::Id(id) => Where {
            label: id.clone(),
            postcode: some(names.postcode(r)),
            address: some(names.address(r)),
        },
        LocationRef::Point(p) => Where {
            label: format!("{:.5}, {:.5}", p.lat, p.lon),
            postcode: None,
            address: None,
        },
    }
}

/// The rows of one round with visits. Breaks taken before the arrival at the next place
/// come before the travel to it; a break taken at the door comes after the arrival.
fn rows(
    problem: &Problem,
    names: &Names,
    ids: &Ids,
    served: &HashMap<&str, Vec<&str>>,
    route: &RoutePlan,
) -> Vec<Row> {
    let at = |r: &LocationRef| place_of(names, r);
    let mut rows = Vec::new();
    let mut breaks: Vec<(f64, f64)> = Vec::new();
    let arrive = |rows: &mut Vec<Row>, breaks: &mut Vec<(f64, f64)>, minutes: f64, km: f64, arrival: f64| {
        let (before, after): (Vec<_>, Vec<_>) = breaks.drain(..).partition(|b| b.0 < arrival - EPS);
        rows.extend(before.into_iter().map(|(start, end)| Row::Break { start, end }));
        if minutes > EPS || km > EPS {
            rows.push(Row::Travel {
                minutes,
                km,
                arrive: arrival,
            });
        }
        rows.extend(after.into_iter().map(|(start, end)| Row::Break { start, end }));
    };
    for step in &route.steps {
        match step {
            Step::Start { location, time } => rows.push(Row::Leave {
                time: time.0,
                place: at(location),
            }),
            Step::Break { start, end } => breaks.push((start.0, end.0)),
            Step::Base {
                location,
                arrival,
                departure,
                travel_min,
                distance_km,
            } => {
                arrive(&mut rows, &mut breaks, *travel_min, *distance_km, arrival.0);
                rows.push(Row::Base {
                    start: arrival.0,
                    end: departure.0,
                    place: at(location),
                });
            }
            Step::Visit {
                visit,
                arrival,
                start,
                end,
                travel_min,
                distance_km,
                wait_min,
                late_min,
            } => {
                arrive(&mut rows, &mut breaks, *travel_min, *distance_km, arrival.0);
                // `sheets` has checked every visit id.
                let Some(v) = ids.visit(visit) else { continue };
                let pv = &problem.visits[v];
                let place = &problem.places[pv.place];
                let place = match (&place.id, place.point) {
                    (Some(id), _) => at(&LocationRef::Id(id.clone())),
                    (None, Some(p)) => at(&LocationRef::Point(PointInput {
                        lat: p.lat,
                        lon: p.lon,
                    })),
                    (None, None) => at(&LocationRef::Id(String::new())),
                };
                rows.push(Row::Visit {
                    start: start.0,
                    end: end.0,
                    visit: visit.clone(),
                    client: pv.client.clone(),
                    place,
                    skills: pv.skills.clone(),
                    duration: pv.duration,
                    with: served
                        .get(visit.as_str())
                        .map(|s| {
                            s.iter()
                                .filter(|&&o| o != route.staff)
                                .map(|o| o.to_string())
                                .collect()
                        })
                        .unwrap_or_default(),
                    wait: *wait_min,
                    late: *late_min,
                });
            }
            Step::End {
                location,
                arrival,
                travel_min,
                distance_km,
            } => {
                arrive(&mut rows, &mut breaks, *travel_min, *distance_km, arrival.0);
                rows.push(Row::Return {
                    time: arrival.0,
                    place: at(location),
                });
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(postcode: Option<&str>, address: Option<&str>) -> Where {
        Where {
            label: "c1".into(),
            postcode: postcode.map(Into::into),
            address: address.map(Into::into),
        }
    }

    #[test]
    fn a_place_shows_postcode_and_address_before_its_id() {
        assert_eq!(place(None, None).text(), "c1");
        assert_eq!(place(Some("LE15 6NT"), None).text(), "LE15 6NT");
        assert_eq!(place(None, Some("3 High St")).text(), "3 High St");
        assert_eq!(
            place(Some("LE15 6NT"), Some("3 High St")).text(),
            "LE15 6NT, 3 High St"
        );
    }
}
