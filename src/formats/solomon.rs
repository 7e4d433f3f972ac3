//! The Solomon VRPTW text format (also used by Gehring & Homberger), read into a SPEC
//! problem in matrix mode so that the one solver and the one checker serve both.
//!
//! Travel time equals distance (one unit per minute). With [`Rounding::Dimacs`] each arc's
//! distance and time is truncated to one decimal, `floor(10 d) / 10`, as in the DIMACS 2021
//! VRPTW challenge and PyVRP, so gaps to the published best-known values are comparable.

use crate::model::input::*;
use crate::model::time::RawClock;
use crate::model::InputErrorKind::{self, *};
use crate::model::{FieldPath, InputError};

/// How arc lengths are rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rounding {
    /// Unrounded Euclidean distances.
    #[default]
    Exact,
    /// Truncated to one decimal (DIMACS 2021 convention).
    Dimacs,
}

/// A Solomon instance as a SPEC problem, with the customer numbers of its visits.
#[derive(Debug, Clone)]
pub struct SolomonInstance {
    /// Instance name (first line).
    pub name: String,
    /// The problem: one staff member per vehicle, one visit per customer.
    pub problem: ProblemInput,
}

/// Most vehicles an instance may have: far more than any published one (the 1000-customer
/// Gehring-Homberger instances have 250), few enough that the fleet fits in memory.
const MAX_VEHICLES: usize = 10_000;

fn line_err(kind: InputErrorKind, line: usize, message: impl Into<String>) -> InputError {
    InputError::of(kind, FieldPath::from(format!("line {line}").as_str()), message)
}

/// Reads a Solomon instance.
pub fn read_solomon(text: &str, rounding: Rounding) -> Result<SolomonInstance, InputError> {
    let lines: Vec<&str> = text.lines().collect();
    let name = lines
        .iter()
        .find(|l| !l.trim().is_empty())
        .map(|l| l.trim().to_string())
        .ok_or_else(|| line_err(Syntax, 1, "empty file: expected a Solomon instance"))?;
    let mut fleet: Option<(usize, f64)> = None;
    let mut rows: Vec<[f64; 7]> = Vec::new();
    let mut section = "";
    for (i, raw) in lines.iter().enumerate() {
        let line = raw.trim();
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("VEHICLE") {
            section = "vehicle";
            continue;
        }
        if upper.starts_with("CUSTOMER") {
            section = "customer";
            continue;
        }
        if line.is_empty() || upper.starts_with("NUMBER") || upper.starts_with("CUST") {
            continue;
        }
        let nums: Result<Vec<f64>, _> = line.split_whitespace().map(str::parse::<f64>).collect();
        match section {
            "vehicle" if fleet.is_none() => {
                let nums = nums.map_err(|_| line_err(Syntax, i + 1, "expected 'NUMBER CAPACITY'"))?;
                // One staff member is made per vehicle: an absurd count would exhaust memory.
                if nums.len() != 2
                    || !(1.0..=MAX_VEHICLES as f64).contains(&nums[0])
                    || nums[0].fract() != 0.0
                {
                    return Err(line_err(
                        OutOfRange,
                        i + 1,
                        format!(
                            "expected 'NUMBER CAPACITY' with NUMBER a whole number from 1 to {MAX_VEHICLES}"
                        ),
                    ));
                }
                fleet = Some((nums[0] as usize, nums[1]));
            }
            "customer" => {
                let nums = nums.map_err(|_| {
                    line_err(
                        Syntax,
                        i + 1,
                        "expected 7 numbers: CUST_NO X Y DEMAND READY DUE SERVICE",
                    )
                })?;
                if nums.len() != 7 {
                    return Err(line_err(
                        Syntax,
                        i + 1,
                        format!(
                            "expected 7 numbers (CUST_NO X Y DEMAND READY DUE SERVICE), got {}",
                            nums.len()
                        ),
                    ));
                }
                if nums.iter().any(|v| !v.is_finite()) {
                    return Err(line_err(OutOfRange, i + 1, "numbers must be finite"));
                }
                rows.push([nums[0], nums[1], nums[2], nums[3], nums[4], nums[5], nums[6]]);
            }
            _ => {}
        }
    }
    let (vehicles, capacity) = fleet.ok_or_else(|| line_err(MissingField, 1, "missing VEHICLE section"))?;
    if rows.len() < 2 {
        return Err(line_err(
            MissingField,
            lines.len(),
            "expected a depot row and at least one customer",
        ));
    }
    let n = rows.len();
    let mut durations = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..n {
            if i != j {
                let d = ((rows[i][1] - rows[j][1]).powi(2) + (rows[i][2] - rows[j][2]).powi(2)).sqrt();
                durations[i][j] = match rounding {
                    Rounding::Exact => d,
                    Rounding::Dimacs => (10.0 * d).floor() / 10.0,
                };
            }
        }
    }
    let loc_id = |r: &[f64; 7]| format!("{}", r[0] as i64);
    let locations = rows
        .iter()
        .map(|r| LocationInput {
            id: loc_id(r),
            lat: None,
            lon: None,
            postcode: None,
            address: None,
        })
        .collect();
    let depot = &rows[0];
    let staff = (0..vehicles)
        .map(|k| StaffInput {
            id: format!("vehicle-{}", k + 1),
            organisation: None,
            skills: vec![],
            shift: ShiftInput {
                start: RawClock::Minutes(depot[4]),
                end: RawClock::Minutes(depot[5]),
            },
            start_location: LocationRef::Id(loc_id(depot)),
            end_location: None,
            breaks: vec![],
            admin_min: None,
            max_travel_min: None,
            max_visits: None,
            max_overtime_min: None,
            capacity: Some(capacity),
            travel_mode: None,
        })
        .collect();
    let visits = rows[1..]
        .iter()
        .map(|r| VisitInput {
            id: loc_id(r),
            client: None,
            location: LocationRef::Id(loc_id(r)),
            duration_min: r[6],
            time_windows: Some(vec![[RawClock::Minutes(r[4]), RawClock::Minutes(r[5])]]),
            skills: vec![],
            staff_count: None,
            staff_skills: None,
            priority: None,
            preferred_staff: vec![],
            excluded_staff: vec![],
            pinned_staff: vec![],
            planned_staff: vec![],
            planned_start: None,
            actual: None,
            after: vec![],
            max_lateness_min: None,
            demand: Some(r[3]),
        })
        .collect();
    let problem = ProblemInput {
        name: Some(name.clone()),
        travel: Some(TravelInput::Matrix {
            durations_min: durations.clone(),
            distances_km: durations,
        }),
        locations,
        staff,
        visits,
        baseline: None,
        sources: Vec::new(),
        objective: Some(ObjectiveInput {
            travel_min: Some(1.0),
            distance_km: Some(0.0),
            lateness: Some(0.0),
            max_lateness: Some(0.0),
            preferred_staff: Some(0.0),
            overtime: Some(0.0),
            moved_visit: None,
            retimed_min: None,
            // A vehicle does not call at the depot between customers.
            base_min: Some(0.0),
            // Waiting for a customer's window costs nothing in the VRPTW.
            long_wait_min: Some(0.0),
        }),
        options: None,
    };
    Ok(SolomonInstance { name, problem })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: &str = "TINY\n\nVEHICLE\nNUMBER CAPACITY\n2 10\n\nCUSTOMER\n\
        CUST NO. XCOORD. YCOORD. DEMAND READY DUE SERVICE\n\n\
        0 0 0 0 0 100 0\n1 3 4 5 10 40 10\n2 -3 4 5 0 90 5\n";

    #[test]
    fn reads_the_fleet() {
        let inst = read_solomon(TINY, Rounding::Exact).unwrap();
        assert_eq!(inst.problem.staff.len(), 2);
        assert_eq!(inst.problem.visits.len(), 2);
    }

    #[test]
    fn rejects_fleets_that_are_not_a_sane_whole_number() {
        for number in ["0", "2.5", "NaN", "inf", "10001", "1e12", "1e300"] {
            let text = TINY.replace("\n2 10\n", &format!("\n{number} 10\n"));
            let err = read_solomon(&text, Rounding::Exact).unwrap_err().to_string();
            assert!(err.contains("whole number from 1 to 10000"), "{number}: {err}");
        }
        let text = TINY.replace("\n2 10\n", "\n10000 10\n");
        assert_eq!(
            read_solomon(&text, Rounding::Exact).unwrap().problem.staff.len(),
            10_000
        );
    }
}
