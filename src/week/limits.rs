//! The weekly limits (`max_week_min`, `max_days`) kept exactly while the days are solved
//! one at a time: each day's problem gets, per staff member, only what the other days
//! leave of their week, so that no day plan the solver returns can break a limit.

use super::expand::DayProblem;
use super::hours::staff_weeks;
use super::Week;
use crate::model::input::{ProblemInput, StaffInput};
use crate::model::time::RawClock;
use crate::model::Plan;

/// Minutes kept back when a shift is cut to the minutes left, for plan times being
/// rounded to the second.
const ROUNDING_MARGIN_MIN: f64 = 2.0 / 60.0;

/// Writes into day `d`'s problem `input` what the weekly limits leave each staff member,
/// given the other days' plans (`others`, `None` for day `d` and days not planned):
/// `max_visits: 0` with no day or minute left, or a shift cut to the minutes left
/// (`strict`: no visits instead). Returns which staff had their shift cut.
pub(super) fn fit_day(
    week: &Week,
    d: usize,
    others: &[Option<&Plan>],
    strict: bool,
    input: &mut ProblemInput,
) -> Vec<bool> {
    let dp = &week.day_problems[d];
    let weeks = staff_weeks(week, others);
    let mut cut = vec![false; input.staff.len()];
    for (j, &i) in dp.week_staff.iter().enumerate() {
        let w = &weeks[i];
        let no_day_left = w.max_days.is_some_and(|m| w.days_worked >= m);
        let fit = match w.max_week_min {
            _ if no_day_left => Fit::None,
            Some(max) => fit_shift(&mut input.staff[j], max - w.total_min - ROUNDING_MARGIN_MIN),
            None => Fit::Whole,
        };
        match fit {
            Fit::Whole => {}
            Fit::Cut if !strict => cut[j] = true,
            Fit::Cut | Fit::None => no_visits(dp, j, input),
        }
    }
    cut
}

/// Gives day staff member `j` their own shift back and no visits that day.
pub(super) fn no_visits(dp: &DayProblem, j: usize, input: &mut ProblemInput) {
    input.staff[j].shift = dp.input.staff[j].shift.clone();
    input.staff[j].max_overtime_min = dp.input.staff[j].max_overtime_min;
    input.staff[j].max_visits = Some(0);
}

/// What the minutes left allow of a shift.
enum Fit {
    /// All of it, overtime included.
    Whole,
    /// Less, and the shift was cut to it.
    Cut,
    /// Too little for the shift's breaks or office time: no visits that day.
    None,
}

/// Cuts `st`'s shift (then its overtime) so that a round cannot take more than `left`
/// minutes from shift start to return.
fn fit_shift(st: &mut StaffInput, left: f64) -> Fit {
    let (Ok(start), Ok(end)) = (st.shift.start.minutes(), st.shift.end.minutes()) else {
        return Fit::None;
    };
    let overtime = st.max_overtime_min.unwrap_or(0.0);
    if end + overtime - start <= left {
        return Fit::Whole;
    }
    let (end, overtime) = if end - start <= left {
        (end, left - (end - start))
    } else {
        (start + left, 0.0)
    };
    let admin = st.admin_min.unwrap_or(0.0);
    let breaks_fit = st.breaks.iter().all(|b| {
        let earliest = b.earliest.minutes().unwrap_or(f64::INFINITY);
        earliest + b.duration_min <= end + overtime
    });
    if end - start <= admin.max(0.0) || !breaks_fit {
        return Fit::None;
    }
    st.shift.end = RawClock::Minutes(end);
    st.max_overtime_min = Some(overtime);
    Fit::Cut
}

/// Whether every staff member keeps within `max_week_min` and `max_days`.
pub(super) fn within(week: &Week, plans: &[Option<&Plan>]) -> bool {
    staff_weeks(week, plans).iter().all(|w| {
        w.max_week_min.is_none_or(|m| w.total_min <= m) && w.max_days.is_none_or(|m| w.days_worked <= m)
    })
}
