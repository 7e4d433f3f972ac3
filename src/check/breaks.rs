//! Breaks: where a route places them between its place steps, and whether they are the
//! staff member's breaks, each taken once, when and as long as it should be.

use super::fig::{at, hm, num, TIME_TOL};
use super::{Out, Rule};
use crate::model::Staff;

/// A break step waiting for the next place step.
pub(crate) struct Pending {
    pub start: f64,
    pub end: f64,
    /// The duration it stands for: the matched break's, else the step's own.
    pub duration: f64,
}

/// Break steps between two place steps lie within `[from, to]` and do not overlap.
pub(crate) fn check_between(pending: &[Pending], from: f64, to: f64, sid: Option<&str>, out: &mut Out) {
    for (i, b) in pending.iter().enumerate() {
        if b.start < from - TIME_TOL || b.end > to + TIME_TOL {
            out.push(
                Rule::Break,
                sid,
                None,
                format!(
                    "break {}-{} is not between the previous step's end {} and the next step's start {}",
                    at(b.start),
                    at(b.end),
                    at(from),
                    at(to)
                ),
            );
        }
        if i > 0 && b.start < pending[i - 1].end - TIME_TOL {
            let a = &pending[i - 1];
            out.push(
                Rule::Break,
                sid,
                None,
                format!(
                    "break {}-{} overlaps or precedes break {}-{}",
                    at(b.start),
                    at(b.end),
                    at(a.start),
                    at(a.end)
                ),
            );
        }
    }
}

/// Each of the staff member's breaks taken once, in order, when and as long as it should.
pub(crate) fn check_breaks(s: &Staff, taken: &[(f64, f64)], has_visits: bool, out: &mut Out) {
    let sid = Some(s.id.as_str());
    if !has_visits {
        if !taken.is_empty() {
            out.push(
                Rule::Break,
                sid,
                None,
                format!(
                    "takes {} break(s) without visits; breaks are only for staff with visits",
                    taken.len()
                ),
            );
        }
        return;
    }
    if taken.len() != s.breaks.len() {
        out.push(
            Rule::Break,
            sid,
            None,
            format!("takes {} break(s); the shift has {}", taken.len(), s.breaks.len()),
        );
    }
    for (k, (&(start, end), b)) in taken.iter().zip(&s.breaks).enumerate() {
        if start < b.earliest - TIME_TOL || start > b.latest + TIME_TOL {
            out.push(
                Rule::Break,
                sid,
                None,
                format!(
                    "break {} starts {}, outside {}-{}",
                    k + 1,
                    at(start),
                    hm(b.earliest),
                    hm(b.latest)
                ),
            );
        }
        if ((end - start) - b.duration).abs() > TIME_TOL {
            out.push(
                Rule::Break,
                sid,
                None,
                format!(
                    "break {} lasts {} min ({}-{}); it should last {} min",
                    k + 1,
                    num(end - start),
                    at(start),
                    at(end),
                    num(b.duration)
                ),
            );
        }
    }
}
