//! Pins: a visit that names `pinned_staff` is made by exactly those staff (one, or two
//! for a double-handed visit). Re-planning pins what has already happened, or is under
//! way, to the staff who are doing it, so the rest of the day moves around them.

use super::{Round, Rule};
use crate::model::Problem;
use crate::solve::instance::Instance;

/// `visits[k].pinned_staff`.
pub(super) struct Pin;

impl Rule for Pin {
    fn name(&self) -> &'static str {
        "pin"
    }

    fn allows(&self, problem: &Problem, v: usize, s: usize) -> bool {
        let pinned = &problem.visits[v].pinned_staff;
        pinned.is_empty() || pinned.contains(&s)
    }

    fn room(&self, _: &Instance, _: &Round, _: usize) -> Option<f64> {
        // Whom a visit may go to is in the eligibility table, checked before room is asked.
        Some(f64::INFINITY)
    }

    fn holds(&self, inst: &Instance, round: &Round) -> bool {
        round.visits.iter().all(|&v| {
            let pinned = &inst.visits[v].pinned;
            pinned.is_empty() || pinned.contains(&round.staff)
        })
    }

    fn reason(&self, problem: &Problem, v: usize, s: Option<usize>) -> String {
        let names: Vec<String> = problem.visits[v]
            .pinned_staff
            .iter()
            .map(|&p| format!("'{}'", problem.staff[p].id))
            .collect();
        match s {
            Some(_) => format!("it is pinned to {}", names.join(" and ")),
            None => format!("it is pinned to {}, who may not serve it", names.join(" and ")),
        }
    }

    fn interchangeable(&self, inst: &Instance, a: usize, b: usize) -> bool {
        inst.visits
            .iter()
            .all(|v| v.pinned.contains(&a) == v.pinned.contains(&b))
    }
}

#[cfg(test)]
mod tests {
    use crate::model::parse_problem;
    use crate::solve::instance::Instance;
    use crate::travel::TravelMatrix;
    use serde_json::json;

    fn problem(pinned: serde_json::Value) -> crate::model::Problem {
        let doc = json!({
            "staff": [
                {"id": "ann", "shift": {"start": "08:00", "end": "16:00"}, "start_location": {"lat": 52.6, "lon": -0.7}},
                {"id": "bob", "shift": {"start": "08:00", "end": "16:00"}, "start_location": {"lat": 52.6, "lon": -0.7}}
            ],
            "visits": [
                {"id": "v1", "location": {"lat": 52.61, "lon": -0.71}, "duration_min": 30, "pinned_staff": pinned}
            ]
        });
        parse_problem(&doc.to_string()).unwrap()
    }

    #[test]
    fn a_pinned_visit_is_eligible_only_for_its_staff() {
        let p = problem(json!(["bob"]));
        let inst = Instance::with_travel(&p, TravelMatrix::computed(&p).unwrap());
        assert_eq!(inst.visits[0].eligible, vec![false, true]);
        assert!(
            !super::super::interchangeable(&inst, 0, 1),
            "ann and bob differ for the pin"
        );
    }

    #[test]
    fn an_unpinned_visit_is_eligible_for_everyone() {
        let p = problem(json!([]));
        let inst = Instance::with_travel(&p, TravelMatrix::computed(&p).unwrap());
        assert_eq!(inst.visits[0].eligible, vec![true, true]);
        assert!(super::super::interchangeable(&inst, 0, 1));
    }

    #[test]
    fn a_round_with_a_visit_pinned_elsewhere_breaks_the_pin() {
        let p = problem(json!(["bob"]));
        let inst = Instance::with_travel(&p, TravelMatrix::computed(&p).unwrap());
        let round = super::Round {
            staff: 0,
            visits: &[0],
            load: 0.0,
            travel: 0.0,
        };
        assert_eq!(
            super::super::broken(&inst, &round).map(|id| super::super::get(id).name()),
            Some("eligibility")
        );
        assert!(!super::Rule::holds(&super::Pin, &inst, &round));
        let round = super::Round { staff: 1, ..round };
        assert!(super::super::broken(&inst, &round).is_none());
    }
}
