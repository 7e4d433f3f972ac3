//! Skills and exclusions: a visit goes only to staff who hold every skill it needs, and
//! one person's `staff_skills` on a mixed double-up, and are not in its `excluded_staff`.
//! Whether two staff members together cover both people of a mixed double-up is a rule
//! of the pair, not of a round: [`VisitData::pair_allowed`](crate::solve::instance::VisitData::pair_allowed).

use super::{Round, Rule};
use crate::model::Problem;
use crate::solve::instance::Instance;

/// Skills and `excluded_staff`.
pub(super) struct Eligibility;

impl Rule for Eligibility {
    fn name(&self) -> &'static str {
        "eligibility"
    }

    fn allows(&self, problem: &Problem, v: usize, s: usize) -> bool {
        let visit = &problem.visits[v];
        let st = &problem.staff[s];
        st.has_skills(&visit.skills) && visit.roles_of(st) != 0 && !visit.excluded_staff.contains(&s)
    }

    fn room(&self, _: &Instance, _: &Round, _: usize) -> Option<f64> {
        // The eligibility table (every rule's `allows`) is checked before room is asked.
        Some(f64::INFINITY)
    }

    fn holds(&self, inst: &Instance, round: &Round) -> bool {
        round.visits.iter().all(|&v| inst.visits[v].eligible[round.staff])
    }

    fn reason(&self, problem: &Problem, v: usize, s: Option<usize>) -> String {
        let visit = &problem.visits[v];
        let lacks = |s: usize| visit.skills.iter().find(|k| !problem.staff[s].skills.contains(k));
        if let Some(s) = s {
            return match lacks(s) {
                Some(k) => format!("lacks skill '{k}'"),
                None if visit.roles_of(&problem.staff[s]) == 0 => {
                    "holds neither person's staff_skills".to_string()
                }
                None => "is in its excluded_staff".to_string(),
            };
        }
        let skilled: Vec<usize> = (0..problem.staff.len()).filter(|&s| lacks(s).is_none()).collect();
        if !skilled.is_empty() {
            return if skilled.iter().any(|&s| visit.roles_of(&problem.staff[s]) != 0) {
                "every staff member with the skills it needs is in its excluded_staff".to_string()
            } else {
                "no staff member with the skills it needs holds either person's staff_skills".to_string()
            };
        }
        let missing = visit
            .skills
            .iter()
            .find(|k| !problem.staff.iter().any(|s| s.skills.contains(k)));
        match missing {
            Some(k) => format!("no staff member holds skill '{k}'"),
            None => format!(
                "no single staff member holds all of the skills {}",
                visit
                    .skills
                    .iter()
                    .map(|k| format!("'{k}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    fn interchangeable(&self, inst: &Instance, a: usize, b: usize) -> bool {
        inst.visits.iter().all(|v| v.eligible[a] == v.eligible[b])
    }
}
