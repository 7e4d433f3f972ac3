//! Contact time moved between organisations: the trade-off an integrated team's savings
//! can hide. A plan that cuts travel by giving NHS visits to council carers (or the other
//! way) moves work, and its cost, from one employer to the other; each organisation's
//! manager needs to see how much, and to be warned when it passes a set share.
//!
//! A visit moves its length from an organisation whose staff made it as booked to one whose
//! staff make it in the plan, counted in staff-minutes like `contact_min`: a double-handed
//! visit booked for two NHS nurses and planned for one nurse and one carer moves one
//! length. A visit the plan does not make moves nothing (it is counted as not made).

use super::analyse::Analysis;
use crate::model::Problem;
use serde::Serialize;

/// Contact time moved between organisations by one plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContactMoved {
    /// Organisations losing more than this % of their booked contact time are flagged.
    pub max_share_pct: f64,
    /// Minutes moved from one organisation to another, for each pair with any.
    pub flows: Vec<Flow>,
    /// Each organisation's contact time as booked and in the plan, and what moved.
    pub organisations: Vec<OrgMoved>,
}

/// Minutes of contact time moved from one organisation to another.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flow {
    /// Made by this organisation's staff as booked.
    pub from: String,
    /// Made by this organisation's staff in the plan.
    pub to: String,
    /// Staff-minutes with clients moved.
    pub contact_min: f64,
}

/// One organisation's contact time and what moved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrgMoved {
    /// Organisation as the problem writes it.
    pub organisation: String,
    /// Staff-minutes with clients as booked.
    pub baseline_contact_min: f64,
    /// Staff-minutes with clients in the plan.
    pub plan_contact_min: f64,
    /// Minutes moved to other organisations.
    pub moved_out_min: f64,
    /// Minutes moved in from other organisations.
    pub moved_in_min: f64,
    /// `100 × moved_out_min / baseline_contact_min` (`null` with no booked contact time).
    pub moved_out_share_pct: Option<f64>,
    /// `moved_out_share_pct` is above `max_share_pct`.
    pub flagged: bool,
}

impl ContactMoved {
    /// Organisations flagged, in problem order.
    pub fn flagged(&self) -> impl Iterator<Item = &OrgMoved> {
        self.organisations.iter().filter(|o| o.flagged)
    }
}

/// How many staff of each organisation (by index into `orgs`) make each visit.
fn staff_by_org(problem: &Problem, orgs: &[String], a: &Analysis) -> Vec<Vec<f64>> {
    let mut out = vec![vec![0.0; orgs.len()]; problem.visits.len()];
    for (s, day) in a.days.iter().enumerate() {
        let o = orgs
            .iter()
            .position(|o| *o == problem.staff[s].organisation)
            .expect("every staff member's organisation is listed");
        for &v in &day.visits {
            out[v][o] += 1.0;
        }
    }
    out
}

fn round(x: f64) -> f64 {
    (x * 1e4).round() / 1e4 + 0.0
}

/// What moved between the organisations `orgs` from `base` to `plan`.
pub(crate) fn contact_moved(
    problem: &Problem,
    orgs: &[String],
    base: &Analysis,
    plan: &Analysis,
    max_share_pct: f64,
) -> ContactMoved {
    let (b, p) = (
        staff_by_org(problem, orgs, base),
        staff_by_org(problem, orgs, plan),
    );
    let n = orgs.len();
    let mut flow = vec![vec![0.0; n]; n];
    let (mut before, mut after) = (vec![0.0; n], vec![0.0; n]);
    for (v, visit) in problem.visits.iter().enumerate() {
        let d = visit.duration;
        let lost: Vec<f64> = (0..n).map(|o| (b[v][o] - p[v][o]).max(0.0) * d).collect();
        let gained: Vec<f64> = (0..n).map(|o| (p[v][o] - b[v][o]).max(0.0) * d).collect();
        // A visit's lost and gained minutes are paired pro rata; unmatched losses are
        // visits (or second staff) the plan drops, not moves.
        let scale = lost.iter().sum::<f64>().max(gained.iter().sum());
        for o in 0..n {
            before[o] += b[v][o] * d;
            after[o] += p[v][o] * d;
            if scale > 0.0 && lost[o] > 0.0 {
                for (t, g) in gained.iter().enumerate() {
                    flow[o][t] += lost[o] * g / scale;
                }
            }
        }
    }
    let mut flows = Vec::new();
    for (from, row) in flow.iter().enumerate() {
        for (to, &m) in row.iter().enumerate() {
            if from != to && m > 0.0 {
                flows.push(Flow {
                    from: orgs[from].clone(),
                    to: orgs[to].clone(),
                    contact_min: round(m),
                });
            }
        }
    }
    let organisations = (0..n)
        .map(|o| {
            let out: f64 = (0..n).filter(|&t| t != o).map(|t| flow[o][t]).sum();
            let inn: f64 = (0..n).filter(|&f| f != o).map(|f| flow[f][o]).sum();
            let share = (before[o] > 0.0).then(|| 100.0 * out / before[o]);
            OrgMoved {
                organisation: orgs[o].clone(),
                baseline_contact_min: round(before[o]),
                plan_contact_min: round(after[o]),
                moved_out_min: round(out),
                moved_in_min: round(inn),
                moved_out_share_pct: share.map(round),
                flagged: share.is_some_and(|s| s > max_share_pct + 1e-9),
            }
        })
        .collect();
    ContactMoved {
        max_share_pct,
        flows,
        organisations,
    }
}
