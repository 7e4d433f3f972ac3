//! The plan as CSV, one row per step of each round (start, visits, base, breaks, end), with the
//! columns a booking system needs to take the rounds back: staff, employer, order in the
//! round, visit, client, postcode, planned arrival, start and end, travel minutes, km and
//! miles. The visit rows re-import with `import csv` as a baseline (docs/IMPORT.md).

use super::Names;
use crate::model::input::ProblemInput;
use crate::model::time::format_clock;
use crate::model::{Plan, Step};

/// Kilometres in a mile.
const KM_PER_MILE: f64 = 1.609_344;

/// The header row.
pub const HEADER: [&str; 14] = [
    "staff",
    "organisation",
    "order",
    "step",
    "visit",
    "client",
    "postcode",
    "arrival",
    "start",
    "end",
    "duration",
    "travel_min",
    "distance_km",
    "miles",
];

fn num(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The CSV text of `plan` (only `staff`'s round when given).
pub fn plan_csv(problem: &ProblemInput, plan: &Plan, staff: Option<&str>) -> String {
    let names = Names::of(problem);
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut rows: Vec<Vec<String>> = vec![HEADER.iter().map(|h| h.to_string()).collect()];
    for route in plan.routes.iter().filter(|r| staff.is_none_or(|s| s == r.staff)) {
        let org = names.organisation(&route.staff);
        let mut order = 0;
        for step in &route.steps {
            let mut row = vec![String::new(); HEADER.len()];
            row[0] = route.staff.clone();
            row[1] = org.to_string();
            match step {
                Step::Start { location, time } => {
                    row[3] = "start".into();
                    row[6] = names.postcode(location).into();
                    row[8] = format_clock(time.0);
                }
                Step::Visit {
                    visit,
                    arrival,
                    start,
                    end,
                    travel_min,
                    distance_km,
                    ..
                } => {
                    order += 1;
                    row[2] = order.to_string();
                    row[3] = "visit".into();
                    row[4] = visit.clone();
                    row[5] = names.client(visit).into();
                    row[6] = names.visit_postcode(visit).into();
                    row[7] = format_clock(arrival.0);
                    row[8] = format_clock(start.0);
                    row[9] = format_clock(end.0);
                    row[10] = num(end.0 - start.0);
                    row[11] = num(*travel_min);
                    row[12] = num(*distance_km);
                    row[13] = num(distance_km / KM_PER_MILE);
                }
                Step::Base {
                    location,
                    arrival,
                    departure,
                    travel_min,
                    distance_km,
                } => {
                    // Time at base: arrival, departure (as `end`) and the stay.
                    row[3] = "base".into();
                    row[6] = names.postcode(location).into();
                    row[7] = format_clock(arrival.0);
                    row[9] = format_clock(departure.0);
                    row[10] = num(departure.0 - arrival.0);
                    row[11] = num(*travel_min);
                    row[12] = num(*distance_km);
                    row[13] = num(distance_km / KM_PER_MILE);
                }
                Step::Break { start, end } => {
                    row[3] = "break".into();
                    row[8] = format_clock(start.0);
                    row[9] = format_clock(end.0);
                    row[10] = num(end.0 - start.0);
                }
                Step::End {
                    location,
                    arrival,
                    travel_min,
                    distance_km,
                } => {
                    row[3] = "end".into();
                    row[6] = names.postcode(location).into();
                    row[7] = format_clock(arrival.0);
                    row[11] = num(*travel_min);
                    row[12] = num(*distance_km);
                    row[13] = num(distance_km / KM_PER_MILE);
                }
            }
            rows.push(row);
        }
    }
    for r in &rows {
        // Writing to memory cannot fail.
        let _ = w.write_record(r);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
