//! [`Day::book`]: the day's plan with one of the options [`Day::slots`] gave, the named
//! rounds re-timed and written by the solver's plan writer.

use super::{describe, BookError, Day, SlotOption};
use crate::model::input::VisitInput;
use crate::model::Plan;
use crate::solve::booked::{simulate, write_plan, Fitting, Instance};

impl Day {
    /// The day's plan with `visit` booked as `option` says (an option [`Day::slots`]
    /// returned for this visit): the named rounds re-timed, every other round as booked.
    pub fn book(&self, visit: &VisitInput, option: &SlotOption) -> Result<Plan, BookError> {
        let (problem, travel) = self.extend(visit)?;
        let inst = Instance::with_travel(&problem, travel);
        let v = problem.visits.len() - 1;
        let bad = |m: String| BookError::Option(m);
        if option.staff.len() != inst.visits[v].double as usize + 1
            || option.after_visit.len() != option.staff.len()
        {
            return Err(bad("it names the wrong number of staff for the visit".into()));
        }
        let mut routes = self.routes.clone();
        let mut timings = Vec::with_capacity(routes.len());
        for (s, b) in self.base.iter().enumerate() {
            match b {
                Some(t) => timings.push(t.clone()),
                None => {
                    return Err(bad(format!(
                        "the booked round of '{}' cannot be kept",
                        problem.staff[s].id
                    )))
                }
            }
        }
        let mut placed = Vec::new();
        for (id, after) in option.staff.iter().zip(&option.after_visit) {
            let s = problem
                .staff_index(id)
                .ok_or_else(|| bad(format!("unknown staff id '{id}'")))?;
            let pos = match after {
                None => 0,
                Some(a) => {
                    routes[s]
                        .iter()
                        .position(|&x| problem.visits[x].id == *a)
                        .ok_or_else(|| bad(format!("'{a}' is not in the round of '{id}'")))?
                        + 1
                }
            };
            routes[s].insert(pos, v);
            placed.push((s, pos));
        }
        // Times in an option are rounded to the second: allow half a second either way,
        // then start every side together at the latest of them.
        let half = 0.5 / 60.0;
        let mut start = f64::NEG_INFINITY;
        for pass in 0..2 {
            for &(s, pos) in &placed {
                let (lo, hi) = if pass == 0 {
                    (option.start.0 - half, option.start.0 + half)
                } else {
                    (start, start)
                };
                let bounds = Fitting {
                    lower: &self.lower,
                    visit: v,
                    lo,
                    hi,
                };
                let t = simulate(&inst, s, &routes[s], &bounds)
                    .map_err(|b| bad(format!("it no longer fits: {}", describe(&problem, b))))?;
                start = start.max(t.stops[pos].start);
                timings[s] = t;
            }
        }
        Ok(write_plan(&problem, &inst, &timings, &self.unassigned))
    }
}
