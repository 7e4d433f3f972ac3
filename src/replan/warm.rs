//! A warm start the solver keeps. The old rounds less what the events took out usually
//! still hold every rule, but an overrun can push a later visit past its window, and the
//! solver refuses a warm start whole when one round breaks a rule (it would then plan the
//! day from scratch, moving visits nobody asked to move). So when the whole start is
//! refused, it is rebuilt: history first, then each visit still to come in the order of
//! its old start, kept where it was when the rounds still hold, left for the solver to
//! place otherwise.

use super::Prepared;
use crate::model::{Plan, Step};
use crate::solve::booked::{from_rounds, rounds_of, starts_of, Instance};
use crate::travel::TravelMatrix;
use std::sync::Arc;

/// The warm start for `prepared` on P''s travel (built by the shell, as for the solve).
/// First P' gives history the room it needs ([`super::room`]: it may ease a staff
/// member's overtime, office floor or breaks, listed in `prepared.eased`), so solve
/// `prepared.validated` as it is after this call.
pub fn warm_start(prepared: &mut Prepared, travel: Arc<TravelMatrix>) -> Plan {
    prepared.eased = super::room::make_room(prepared, &travel);
    let p = &prepared.validated;
    let Some(rounds) = rounds_of(p, &prepared.warm) else {
        return prepared.warm.clone();
    };
    let inst = Instance::with_travel(p, travel);
    let booked = starts_of(p, &prepared.warm);
    let holds = |r: &[Vec<usize>]| from_rounds(&inst, r.to_vec(), Some(&booked)).is_some();
    if holds(&rounds) {
        return prepared.warm.clone();
    }
    let history = |v: usize| p.visits[v].actual.is_some();
    let mut kept: Vec<Vec<usize>> = rounds
        .iter()
        .map(|r| r.iter().copied().filter(|&v| history(v)).collect())
        .collect();
    if !holds(&kept) {
        // History alone cannot be timed: leave it to the solver (it constructs).
        return prepared.warm.clone();
    }
    let mut future: Vec<usize> = rounds
        .iter()
        .flatten()
        .copied()
        .filter(|&v| !history(v))
        .collect();
    future.sort_by(|&a, &b| booked[a].total_cmp(&booked[b]).then(a.cmp(&b)));
    future.dedup();
    for v in future {
        let mut trial = kept.clone();
        for (s, round) in rounds.iter().enumerate() {
            let Some(pos) = round.iter().position(|&u| u == v) else {
                continue;
            };
            let before = trial[s]
                .iter()
                .filter(|&&u| round.iter().position(|&w| w == u).is_some_and(|q| q < pos))
                .count();
            trial[s].insert(before, v);
        }
        if holds(&trial) {
            kept = trial;
        }
    }
    let mut plan = prepared.warm.clone();
    for r in &mut plan.routes {
        let Some(s) = p.staff_index(&r.staff) else {
            continue;
        };
        r.steps.retain(|step| match step {
            Step::Visit { visit, .. } => p.visit_index(visit).is_some_and(|v| kept[s].contains(&v)),
            _ => true,
        });
    }
    plan
}
