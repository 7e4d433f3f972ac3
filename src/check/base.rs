//! Base steps: a trip to the staff member's base (`start_location`) in a gap between
//! visits, for office time there. Checked on their own terms, from the problem alone: the
//! place, the legs there and back by the matrix (the leg back is the next step's, checked
//! like any leg), an arrival no earlier than travel allows, and a stay that gives at least
//! [`MIN_BASE_STAY_MIN`] of office time once the breaks taken at base are set aside.

use super::fig::{at, num, Fig, TIME_TOL};
use super::{Out, Rule};
use crate::model::problem::MIN_BASE_STAY_MIN;

/// A stay at base whose breaks are still being read (the break steps after a base step
/// that lie within its arrival and departure are taken there).
pub(crate) struct Stay {
    arrival: f64,
    departure: f64,
    on_break: Fig,
}

impl Stay {
    /// A stay from `arrival` to `departure`; a departure before the arrival is a
    /// [`Rule::Timing`] violation.
    pub fn open(arrival: f64, departure: f64, sid: Option<&str>, out: &mut Out) -> Stay {
        if departure < arrival - TIME_TOL {
            out.push(
                Rule::Timing,
                sid,
                None,
                format!(
                    "leaves base {} before arriving there {}",
                    at(departure),
                    at(arrival)
                ),
            );
        }
        Stay {
            arrival,
            departure,
            on_break: Fig::default(),
        }
    }

    /// Takes the break `start`–`end` at base when it lies within the stay; `false` when it
    /// does not (it is then a break between base and the next place).
    pub fn take(&mut self, start: f64, end: f64) -> bool {
        let within = start >= self.arrival - TIME_TOL && end <= self.departure + TIME_TOL;
        if within {
            self.on_break = self.on_break + Fig::clock(end) - Fig::clock(start);
        }
        within
    }

    /// The office minutes the stay gave (departure less arrival less its breaks); a stay
    /// below [`MIN_BASE_STAY_MIN`] is a [`Rule::BaseStay`] violation.
    pub fn close(self, sid: Option<&str>, out: &mut Out) -> Fig {
        let office = (Fig::clock(self.departure) - Fig::clock(self.arrival) - self.on_break).max0();
        if office.value + office.slack < MIN_BASE_STAY_MIN - TIME_TOL {
            out.push(
                Rule::BaseStay,
                sid,
                None,
                format!(
                    "stays at base {}-{} for {} min of office time (breaks set aside); a trip to base must give at least {} min",
                    at(self.arrival),
                    at(self.departure),
                    num(office.value),
                    num(MIN_BASE_STAY_MIN)
                ),
            );
        }
        office
    }
}
