//! Rules across fields: inputs whose every field is well formed but which cannot lead to a
//! feasible plan, for a reason that is known before any search. They are input errors
//! (CLI exit 2, HTTP 422) naming the field to change, because the solver could only fail
//! on them later with a vaguer message, or not at all (a break outside the shift silently
//! makes its staff member unusable).
//!
//! (A break that cannot fall within its shift is checked where breaks are read, in
//! `validate`, because only there is its position in the input known.)
//!
//! What is allowed but probably not meant becomes an [`InputWarning`] carried into the
//! plan. A visit that no one can serve for a reason the scheduler may accept (no staff
//! member holds a skill today) stays valid: the plan lists it as unassigned with the
//! reason, so the rest of the day is still planned.

use super::error::{FieldPath, InputError, InputErrorKind};
use super::problem::{roles_pair, InputWarning, Problem, StaffCount, Visit};
use super::time::format_short;

/// Checks the rules that span fields; returns the warnings, or the first error.
pub fn check(problem: &Problem) -> Result<Vec<InputWarning>, InputError> {
    let mut warnings = Vec::new();
    for (i, s) in problem.staff.iter().enumerate() {
        let path = FieldPath::root().field("staff").index(i);
        let shift = s.shift_end - s.shift_start;
        let hours = format!("{}-{}", format_short(s.shift_start), format_short(s.shift_end));
        if s.admin_min > shift + 1e-9 {
            return Err(InputError::of(
                InputErrorKind::Incoherent,
                path.field("admin_min"),
                format!(
                    "{} min of admin time is longer than the shift {hours} ({} min): no plan can keep it; \
                     lower admin_min or lengthen the shift",
                    num(s.admin_min),
                    num(shift)
                ),
            ));
        }
        let breaks: f64 = s.breaks.iter().map(|b| b.duration).sum();
        if s.admin_min > 0.0 && s.admin_min + breaks > shift + 1e-9 {
            warnings.push(InputWarning {
                path: path.field("admin_min").as_str().to_string(),
                message: format!(
                    "{} min of admin time and {} min of breaks fill the shift {hours}: this staff member can make no visits",
                    num(s.admin_min),
                    num(breaks)
                ),
            });
        }
    }
    let longest = problem
        .staff
        .iter()
        .map(|s| s.shift_end + s.max_overtime_min - s.shift_start)
        .fold(0.0f64, f64::max);
    for (i, v) in problem.visits.iter().enumerate() {
        let path = FieldPath::root().field("visits").index(i);
        if v.duration > longest + 1e-9 {
            return Err(InputError::of(InputErrorKind::Incoherent,
                path.field("duration_min"),
                format!(
                    "{} min is longer than every shift (the longest, with overtime, is {} min); check the duration",
                    num(v.duration),
                    num(longest)
                ),
            ));
        }
        pinned(problem, v, &path)?;
        if v.staff_count == StaffCount::Two {
            two_staff(problem, v, &path)?;
        }
    }
    Ok(warnings)
}

/// A visit pinned to staff who may not make it (a skill missing, or excluded) has no plan.
fn pinned(problem: &Problem, v: &Visit, path: &FieldPath) -> Result<(), InputError> {
    for &s in &v.pinned_staff {
        let st = &problem.staff[s];
        let why = if let Some(skill) = v.skills.iter().find(|k| !st.skills.contains(k)) {
            format!("'{}' lacks skill '{skill}'", st.id)
        } else if v.roles_of(st) == 0 {
            format!("'{}' holds neither person's staff_skills", st.id)
        } else if v.excluded_staff.contains(&s) {
            format!("'{}' is also in excluded_staff", st.id)
        } else {
            continue;
        };
        return Err(InputError::of(
            InputErrorKind::Incoherent,
            path.field("pinned_staff"),
            format!(
                "the visit is pinned to staff who may not make it: {why}; pin someone who may, or unpin it"
            ),
        ));
    }
    if let [a, b] = v.pinned_staff[..] {
        let (sa, sb) = (&problem.staff[a], &problem.staff[b]);
        if !roles_pair(v.roles_of(sa), v.roles_of(sb)) {
            return Err(InputError::of(
                InputErrorKind::Incoherent,
                path.field("pinned_staff"),
                format!(
                    "'{}' and '{}' cannot make the visit together: one of them must hold each person's staff_skills; pin a pair that does, or unpin it",
                    sa.id, sb.id
                ),
            ));
        }
    }
    Ok(())
}

/// A double-handed visit needs two different staff members who may both serve it.
fn two_staff(problem: &Problem, v: &Visit, path: &FieldPath) -> Result<(), InputError> {
    let holders: Vec<usize> = (0..problem.staff.len())
        .filter(|&s| problem.staff[s].has_skills(&v.skills))
        .collect();
    let eligible: Vec<usize> = holders
        .iter()
        .copied()
        .filter(|s| !v.excluded_staff.contains(s))
        .collect();
    if eligible.len() >= 2 {
        return roles_staffed(problem, v, &eligible, path);
    }
    let eligible = eligible.len();
    let needs = if v.skills.is_empty() {
        "it needs two staff members".to_string()
    } else {
        format!("it needs two staff members with {}", v.skills.join(", "))
    };
    let (field, why, fix) = if holders.len() < 2 {
        (
            "skills",
            format!(
                "{} of the {} staff hold(s) them",
                holders.len(),
                problem.staff.len()
            ),
            "give a second staff member the skills, or set staff_count to 1",
        )
    } else {
        (
            "excluded_staff",
            format!("{} hold them but only {eligible} is not excluded", holders.len()),
            "remove someone from excluded_staff, or set staff_count to 1",
        )
    };
    let field = if v.skills.is_empty() && field == "skills" {
        "staff_count"
    } else {
        field
    };
    Err(InputError::of(
        InputErrorKind::Incoherent,
        path.field(field),
        format!("a double-handed visit: {needs}, but {why}; {fix}"),
    ))
}

/// A mixed double-up needs someone for each person's `staff_skills` among `eligible`.
fn roles_staffed(
    problem: &Problem,
    v: &Visit,
    eligible: &[usize],
    path: &FieldPath,
) -> Result<(), InputError> {
    let Some([first, second]) = &v.roles else {
        return Ok(());
    };
    let roles: Vec<u8> = eligible.iter().map(|&s| v.roles_of(&problem.staff[s])).collect();
    let paired = (0..roles.len()).any(|i| (i + 1..roles.len()).any(|j| roles_pair(roles[i], roles[j])));
    if paired {
        return Ok(());
    }
    let count = |bit: u8| roles.iter().filter(|&&r| r & bit != 0).count();
    let list = |l: &[String]| {
        if l.is_empty() {
            "no further skills".to_string()
        } else {
            l.join(", ")
        }
    };
    Err(InputError::of(
        InputErrorKind::Incoherent,
        path.field("staff_skills"),
        format!(
            "a mixed double-up needs one person with {} and another with {}, but of the {} staff who may make it {} hold the first and {} the second, and no two cover both; give someone the skills, or change staff_skills",
            list(first),
            list(second),
            eligible.len(),
            count(1),
            count(2)
        ),
    ))
}

/// Minutes as a person writes them: `30`, `7.5`.
pub(super) fn num(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round() as i64)
    } else {
        format!("{x:.1}")
    }
}
