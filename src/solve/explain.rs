//! Why a visit is unassigned, in words a scheduler can act on: the missing skill, the
//! exclusions, the hours nobody works, or, when staff could in principle go, the rule
//! that blocks each of the nearest of them (test-inserting the visit into every round).

use super::bounds::{partner_bounds, Fitting};
use super::instance::Instance;
use super::rules;
use super::schedule::{simulate, Block};
use super::solution::Solution;
use crate::model::time::format_short;
use crate::model::Problem;

/// Most staff named in one reason.
const NAMED: usize = 4;

fn windows_text(inst: &Instance, v: usize) -> String {
    let w = &inst.visits[v].windows;
    if w.is_empty() {
        return "at any time".to_string();
    }
    w.iter()
        .map(|&(a, b)| format!("between {} and {}", format_short(a), format_short(b)))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// The reason visit `v` is not in `sol`.
pub(crate) fn reason(problem: &Problem, inst: &Instance, sol: &Solution, v: usize) -> String {
    let vd = &inst.visits[v];
    if let Some(why) = rules::blocks_everyone(problem, v) {
        return why;
    }
    let eligible: Vec<usize> = (0..inst.staff.len()).filter(|&s| vd.eligible[s]).collect();
    let need = if vd.double { 2 } else { 1 };
    let on_duty: Vec<usize> = eligible
        .iter()
        .copied()
        .filter(|&s| {
            let st = &inst.staff[s];
            let arrive = st.shift_start + inst.time(s, st.start_place, vd.place);
            let leave_by = st.latest_return - inst.time(s, vd.place, st.end_place) - vd.duration;
            vd.start_at(arrive).is_some_and(|(s0, _)| s0 <= leave_by)
        })
        .collect();
    if on_duty.len() < need {
        let what = if vd.double {
            "two staff members"
        } else {
            "a staff member"
        };
        return format!(
            "needs {what} who may serve it and can reach it {}; only {} of the {} eligible can",
            windows_text(inst, v),
            on_duty.len(),
            eligible.len()
        );
    }
    // Test-insert into every round of an eligible staff member.
    let (lo, hi) = partner_bounds(inst, v, |u| sol.start_of(u));
    let bounds = Fitting {
        lower: &sol.lower.0,
        visit: v,
        lo,
        hi,
    };
    let mut blocks: Vec<(f64, usize, String)> = Vec::new();
    let mut fits_alone = 0;
    for &s in &on_duty {
        let route = &sol.routes[s];
        let mut seq = Vec::with_capacity(route.len() + 1);
        let mut first_block = None;
        let mut feasible = false;
        for p in 0..=route.len() {
            seq.clear();
            seq.extend_from_slice(&route[..p]);
            seq.push(v);
            seq.extend_from_slice(&route[p..]);
            match simulate(inst, s, &seq, &bounds) {
                Ok(_) => feasible = true,
                Err(b) => {
                    first_block = Some(pick(first_block, b, v));
                }
            }
        }
        let near = std::iter::once(inst.staff[s].start_place)
            .chain(route.iter().map(|&u| inst.visits[u].place))
            .map(|p| inst.time(s, p, vd.place))
            .fold(f64::INFINITY, f64::min);
        let text = if feasible {
            fits_alone += 1;
            "has room, but not at a start its partner visits allow".to_string()
        } else {
            describe(problem, first_block.unwrap_or(Block::Break), v, s)
        };
        blocks.push((near, s, text));
    }
    blocks.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let named: Vec<String> = blocks
        .iter()
        .take(NAMED)
        .map(|(_, s, t)| format!("{} ({t})", problem.staff[*s].id))
        .collect();
    let lead = if vd.double && fits_alone >= 1 {
        "no two staff members are free together"
    } else {
        "no staff member who may serve it is free"
    };
    format!("{lead} {}; nearest: {}", windows_text(inst, v), named.join(", "))
}

/// Keeps the most telling block: the visit's own window over knock-on effects.
fn pick(prev: Option<Block>, b: Block, v: usize) -> Block {
    let rank = |b: &Block| match b {
        Block::Window { visit, .. } if *visit == v => 0,
        Block::Coupling { visit } if *visit == v => 1,
        Block::Rule(_) => 2,
        Block::Admin { .. } => 3,
        Block::ShiftEnd { .. } => 4,
        Block::Break => 5,
        _ => 6,
    };
    match prev {
        Some(p) if rank(&p) <= rank(&b) => p,
        _ => b,
    }
}

fn describe(problem: &Problem, b: Block, v: usize, s: usize) -> String {
    match b {
        Block::Window { visit, start } if visit == v => {
            format!("busy: could start {} at the earliest", format_short(start))
        }
        Block::Window { visit, .. } | Block::Coupling { visit } if visit != v => {
            format!(
                "busy: would make visit '{}' miss its time",
                problem.visits[visit].id
            )
        }
        Block::Coupling { .. } => "cannot meet the start its partner visits need".to_string(),
        Block::Window { .. } => "busy".to_string(),
        Block::Break => "no room for the break".to_string(),
        Block::ShiftEnd { arrival } => {
            format!("would finish at {}, after the shift ends", format_short(arrival))
        }
        Block::Rule(rule) => rules::get(rule).reason(problem, v, Some(s)),
        Block::Admin { free } => format!(
            "would leave {:.0} min of office time, below admin_min",
            free.max(0.0)
        ),
    }
}
