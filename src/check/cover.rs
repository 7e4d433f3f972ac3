//! Across routes: every visit served the right number of times or listed unassigned, and
//! the `after` gaps between served visits.

use super::fig::{at, num, TIME_TOL};
use super::route::RouteResult;
use super::{Ctx, Occurrence, Out, Rule};
use crate::model::{Plan, StaffCount};

/// Where each visit is served, by visit index, in plan order.
pub(crate) type Served<'a> = Vec<Vec<Occurrence<'a>>>;

/// Checks coverage and returns each visit's occurrences.
pub(crate) fn check_coverage<'a>(
    ctx: &Ctx,
    plan: &Plan,
    routes: &[RouteResult<'a>],
    out: &mut Out,
) -> Served<'a> {
    let visits = &ctx.problem.visits;
    let mut served: Served<'a> = vec![Vec::new(); visits.len()];
    for o in routes.iter().flat_map(|r| &r.occurrences) {
        served[o.visit].push(*o);
    }
    let mut listed = vec![0usize; visits.len()];
    for u in &plan.unassigned {
        match ctx.visit_ids.get(u.visit.as_str()) {
            Some(&i) => listed[i] += 1,
            None => out.push(
                Rule::UnknownVisit,
                None,
                Some(&u.visit),
                format!(
                    "unassigned lists '{}', which is not a visit of the problem",
                    u.visit
                ),
            ),
        }
        if u.reason.trim().is_empty() {
            out.push(
                Rule::UnassignedReason,
                None,
                Some(&u.visit),
                "is unassigned without a reason; say why so a scheduler can act on it".into(),
            );
        }
    }
    for (i, v) in visits.iter().enumerate() {
        let occ = &served[i];
        let vid = Some(v.id.as_str());
        let by = || occ.iter().map(|o| o.staff_id).collect::<Vec<_>>().join(", ");
        if occ.is_empty() && listed[i] == 0 {
            out.push(
                Rule::Coverage,
                None,
                vid,
                "is neither in a route nor listed as unassigned".into(),
            );
        }
        if !occ.is_empty() && listed[i] > 0 {
            out.push(
                Rule::Coverage,
                None,
                vid,
                format!("is served (by {}) and also listed as unassigned", by()),
            );
        }
        if listed[i] > 1 {
            out.push(
                Rule::Coverage,
                None,
                vid,
                format!("is listed as unassigned {} times", listed[i]),
            );
        }
        if occ.is_empty() {
            continue;
        }
        match v.staff_count {
            StaffCount::One if occ.len() > 1 => out.push(
                Rule::Coverage,
                None,
                vid,
                format!(
                    "is served {} times (by {}); it needs one staff member",
                    occ.len(),
                    by()
                ),
            ),
            StaffCount::One => {}
            StaffCount::Two => {
                let mut ids: Vec<&str> = occ.iter().map(|o| o.staff_id).collect();
                ids.sort_unstable();
                ids.dedup();
                if occ.len() != 2 || ids.len() != 2 {
                    out.push(
                        Rule::DoubleHanded,
                        None,
                        vid,
                        format!(
                            "needs two different staff, served {} time(s) by {}",
                            occ.len(),
                            by()
                        ),
                    );
                } else if let Some(why) = roles_uncovered(ctx, v, occ[0].staff_id, occ[1].staff_id) {
                    out.push(Rule::Skills, None, vid, why);
                } else if (occ[0].start - occ[1].start).abs() > TIME_TOL {
                    out.push(
                        Rule::DoubleHanded,
                        None,
                        vid,
                        format!(
                            "{} starts {} and {} starts {}; double-handed visits start together",
                            occ[0].staff_id,
                            at(occ[0].start),
                            occ[1].staff_id,
                            at(occ[1].start)
                        ),
                    );
                }
            }
        }
    }
    served
}

/// Why staff `a` and `b` do not cover a mixed double-up's two people (`staff_skills`):
/// one of them must hold the first list and the other the second.
fn roles_uncovered(ctx: &Ctx, v: &crate::model::Visit, a: &str, b: &str) -> Option<String> {
    let [first, second] = v.roles.as_ref()?;
    let staff = |id: &str| ctx.problem.staff.iter().find(|s| s.id == id);
    let (sa, sb) = (staff(a)?, staff(b)?);
    let holds = |s: &crate::model::Staff, list: &[String]| list.iter().all(|k| s.skills.contains(k));
    let covered = (holds(sa, first) && holds(sb, second)) || (holds(sa, second) && holds(sb, first));
    (!covered).then(|| {
        format!(
            "is a mixed double-up needing one person with [{}] and one with [{}]; {a} and {b} do not cover both",
            first.join(", "),
            second.join(", ")
        )
    })
}

/// `after` gaps between served visits (first occurrence of each).
pub(crate) fn check_gaps(ctx: &Ctx, served: &Served, out: &mut Out) {
    for (i, v) in ctx.problem.visits.iter().enumerate() {
        let Some(later) = served[i].first() else {
            continue;
        };
        for gap in &v.after {
            let Some(first) = served[gap.visit].first() else {
                continue;
            };
            let u = &ctx.problem.visits[gap.visit];
            if v.actual.is_some() && u.actual.is_some() {
                // Both are history: what happened is not a plan to check.
                continue;
            }
            let diff = later.start - first.start;
            let sid = Some(later.staff_id);
            let vid = Some(v.id.as_str());
            if diff < gap.min - TIME_TOL {
                out.push(
                    Rule::Gap,
                    sid,
                    vid,
                    format!(
                        "starts {} min after '{}' starts; it must wait at least {} min",
                        num(diff),
                        u.id,
                        num(gap.min)
                    ),
                );
            }
            if let Some(max) = gap.max {
                if diff > max + TIME_TOL {
                    out.push(
                        Rule::Gap,
                        sid,
                        vid,
                        format!(
                            "starts {} min after '{}' starts; it must start within {} min",
                            num(diff),
                            u.id,
                            num(max)
                        ),
                    );
                }
            }
            if gap.min == 0.0 && gap.max == Some(0.0) {
                let both: Vec<&str> = served[i]
                    .iter()
                    .filter(|a| served[gap.visit].iter().any(|b| b.staff_id == a.staff_id))
                    .map(|a| a.staff_id)
                    .collect();
                for s in both {
                    out.push(
                        Rule::Gap,
                        Some(s),
                        vid,
                        format!(
                            "serves both this visit and '{}', which start together and need different staff",
                            u.id
                        ),
                    );
                }
            }
        }
    }
}
