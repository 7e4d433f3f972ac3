//! A carer taken off a client for the week, worked out on the rounds ([`super::consolidate`]
//! makes it for real): where each of their visits to the client goes, and what that
//! changes of the rounds' costs.
//!
//! Why on the rounds: a candidate place is timed on the day's own problem with the day
//! solver's own timing ([`simulate`], [`RouteTiming::cost`]), one round at a time, which
//! is quick (microseconds) and, for rounds without double-handed or `after`-linked
//! visits, exactly the day's objective; the whole day is re-timed only for moves worth
//! making.
//!
//! [`RouteTiming::cost`]: crate::solve::booked::RouteTiming

use crate::model::{Problem, StaffCount};
use crate::solve::booked::{simulate, Floor, Instance};
use std::collections::{BTreeMap, BTreeSet};

/// One day as the moves edit it: the day's own problem and its solver instance, and
/// each day staff member's round (day visit indices, in order).
pub(super) struct Day<'a> {
    pub problem: &'a Problem,
    pub inst: Instance,
    pub seqs: Vec<Vec<usize>>,
    /// The week client of each day visit.
    pub client: Vec<&'a str>,
}

/// Which carers come off a client and where their visits may go.
pub(super) struct TakeOff<'a> {
    /// The carers who stop seeing the client.
    pub removed: Vec<&'a str>,
    /// Who may take their visits: the client's other carers, or one newcomer with them
    /// when two carers are replaced by one.
    pub to: Vec<&'a str>,
}

/// A move worked out on the rounds: the days it changes, with their new rounds, and the
/// change of the rounds' costs (the continuity cost left out).
pub(super) struct Move {
    pub days: Vec<(usize, Vec<Vec<usize>>)>,
    pub cost: f64,
}

/// Each client's carers over the week, by id: who may take a visit in exchange
/// ([`exchange`]) without the client gaining a carer.
pub(super) type Seen<'a> = BTreeMap<&'a str, BTreeSet<&'a str>>;

/// The move that takes `t.removed` off `client`: each of their visits to the client,
/// on every day, goes to its cheapest place among the rounds of `t.to` who work that
/// day. `None` when some visit has no such place, or is double-handed, or the budget of
/// round timings is spent.
pub(super) fn take_off(
    days: &[Day],
    seen: &Seen,
    client: &str,
    t: &TakeOff,
    budget: &mut usize,
) -> Option<Move> {
    let mut out = Move {
        days: Vec::new(),
        cost: 0.0,
    };
    for (d, day) in days.iter().enumerate() {
        let targets: Vec<usize> = t.to.iter().filter_map(|c| day.problem.staff_index(c)).collect();
        let mut seqs: Option<Vec<Vec<usize>>> = None;
        for x in &t.removed {
            let Some(sx) = day.problem.staff_index(x) else {
                continue;
            };
            let current = seqs.take().unwrap_or_else(|| day.seqs.clone());
            let moved: Vec<usize> = current[sx]
                .iter()
                .copied()
                .filter(|&v| day.client[v] == client)
                .collect();
            if moved.is_empty() {
                seqs = Some(current);
                continue;
            }
            if moved
                .iter()
                .any(|&v| day.problem.visits[v].staff_count == StaffCount::Two)
            {
                return None;
            }
            let (next, delta) = moved_on_day(day, current, sx, &moved, (&targets, seen), budget)?;
            out.cost += delta;
            seqs = Some(next);
        }
        if let Some(seqs) = seqs.filter(|s| *s != day.seqs) {
            out.days.push((d, seqs));
        }
    }
    (!out.days.is_empty()).then_some(out)
}

/// Each client's carers over the week.
pub(super) fn seen<'a>(days: &'a [Day]) -> Seen<'a> {
    let mut out = Seen::new();
    for day in days {
        for (s, seq) in day.seqs.iter().enumerate() {
            for &v in seq {
                out.entry(day.client[v])
                    .or_default()
                    .insert(day.problem.staff[s].id.as_str());
            }
        }
    }
    out
}

/// `seqs` (day `day`'s rounds) with the visits `moved` taken out of staff member
/// `sx`'s round and each put, earliest window first, at its cheapest place in one of
/// the `targets`' rounds, or there in exchange for one of the target's visits
/// ([`exchange`]); and what that changes of the rounds' costs. `None` when some visit
/// finds no place or the budget is spent.
fn moved_on_day(
    day: &Day,
    mut seqs: Vec<Vec<usize>>,
    sx: usize,
    moved: &[usize],
    (targets, seen): (&[usize], &Seen),
    budget: &mut usize,
) -> Option<(Vec<Vec<usize>>, f64)> {
    let before = cost(day, sx, &seqs[sx], budget)?;
    seqs[sx].retain(|v| !moved.contains(v));
    let mut delta = cost(day, sx, &seqs[sx], budget)? - before;
    let mut order = moved.to_vec();
    order.sort_by(|&a, &b| {
        earliest(day.problem, a)
            .total_cmp(&earliest(day.problem, b))
            .then(a.cmp(&b))
    });
    for v in order {
        let mut best: Option<(f64, Vec<Vec<usize>>)> = None;
        for &t in targets
            .iter()
            .filter(|&&t| t != sx && day.inst.visits[v].eligible[t])
        {
            let now = cost(day, t, &seqs[t], budget)?;
            if let Some((c, p)) = cheapest_place(day, t, &seqs[t], v, budget) {
                if best.as_ref().is_none_or(|b| c - now < b.0) {
                    let mut next = seqs.clone();
                    next[t].insert(p, v);
                    best = Some((c - now, next));
                }
            }
            if let Some((d, next)) = exchange(day, t, v, &seqs, seen, budget) {
                if best.as_ref().is_none_or(|b| d < b.0) {
                    best = Some((d, next));
                }
            }
        }
        if *budget == 0 {
            return None;
        }
        let (d, next) = best?;
        seqs = next;
        delta += d;
    }
    Some((seqs, delta))
}

/// Why an exchange: the target's round is often full (its shift, its windows, its
/// weekly minutes), and the cheapest way to make room for `v` is to give one of its
/// visits, `u`, to another round. Only to a carer who already sees `u`'s client that
/// week (`seen`; the carer whose visits are moving, say, whose round is now shorter),
/// so that no client gains a carer. Returns the change of the rounds' costs and the new
/// rounds, for the best such exchange.
fn exchange(
    day: &Day,
    t: usize,
    v: usize,
    seqs: &[Vec<usize>],
    seen: &Seen,
    budget: &mut usize,
) -> Option<(f64, Vec<Vec<usize>>)> {
    let now_t = cost(day, t, &seqs[t], budget)?;
    let mut best: Option<(f64, Vec<Vec<usize>>)> = None;
    for (i, &u) in seqs[t].iter().enumerate() {
        if day.client[u] == day.client[v] || day.problem.visits[u].staff_count == StaffCount::Two {
            continue;
        }
        let receivers: Vec<usize> = seen
            .get(day.client[u])
            .into_iter()
            .flatten()
            .filter_map(|r| day.problem.staff_index(r))
            .filter(|&r| r != t && day.inst.visits[u].eligible[r])
            .collect();
        if receivers.is_empty() {
            continue;
        }
        let mut kept = seqs[t].clone();
        kept.remove(i);
        let Some((ct, pt)) = cheapest_place(day, t, &kept, v, budget) else {
            continue;
        };
        for r in receivers {
            let Some(now_r) = cost(day, r, &seqs[r], budget) else {
                continue;
            };
            let Some((cr, pr)) = cheapest_place(day, r, &seqs[r], u, budget) else {
                continue;
            };
            let d = ct - now_t + cr - now_r;
            if best.as_ref().is_none_or(|b| d < b.0) {
                let mut next = seqs.to_vec();
                next[t] = kept.clone();
                next[t].insert(pt, v);
                next[r].insert(pr, u);
                best = Some((d, next));
            }
        }
    }
    best
}

/// The cost of staff member `s`'s round `seq` with visit `v` at its cheapest place, and
/// that place; `None` when no place can be timed (or the budget is spent).
fn cheapest_place(day: &Day, s: usize, seq: &[usize], v: usize, budget: &mut usize) -> Option<(f64, usize)> {
    let mut best: Option<(f64, usize)> = None;
    let mut with = Vec::with_capacity(seq.len() + 1);
    for p in 0..=seq.len() {
        with.clear();
        with.extend_from_slice(&seq[..p]);
        with.push(v);
        with.extend_from_slice(&seq[p..]);
        if let Some(c) = cost(day, s, &with, budget) {
            if best.is_none_or(|b| c < b.0) {
                best = Some((c, p));
            }
        }
    }
    best
}

/// The cost of staff member `s`'s round `seq` on its own (every rule of a round, its
/// share of the day's objective), or `None` when it cannot be timed or the budget is
/// spent.
fn cost(day: &Day, s: usize, seq: &[usize], budget: &mut usize) -> Option<f64> {
    *budget = budget.checked_sub(1)?;
    simulate(&day.inst, s, seq, &Floor(&[]))
        .ok()
        .map(|t| t.cost(&day.inst))
}

/// The opening of visit `v`'s first window (minus infinity when it has none).
fn earliest(problem: &Problem, v: usize) -> f64 {
    problem.visits[v]
        .windows
        .first()
        .map_or(f64::NEG_INFINITY, |w| w.start)
}
