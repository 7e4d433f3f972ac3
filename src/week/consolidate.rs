//! Multi-day client moves, run after the passes of day solves ([`super::solve`]).
//!
//! Why: the passes change one day at a time, and a client seen by two carers on two
//! days each is a local minimum for one-day changes. Moving one of those visits to the
//! other carer costs travel and saves nothing, since the second carer still comes on
//! the other day; the carer count only drops when *all* of a client's visits held by
//! one carer move at once. So a move here takes one of the client's carers, X, off the
//! client for the whole week: each of X's visits to the client, on every day, goes to
//! the cheapest feasible place in the round of another carer the client already sees
//! who works that day, so the client sees one carer fewer. Which carer to take off is
//! chosen by the week's objective, so the carer who stays is the one the week is best
//! with, not only the most frequent.
//!
//! Places are found by timing candidate rounds on the day's own problem with the day
//! solver's own timing ([`simulate`], [`RouteTiming::cost`]), one round at a time. A
//! move whose estimate (the rounds' costs plus the continuity cost) is a saving is then
//! made for real: each changed day is re-timed as a whole ([`super::solve`]'s
//! re-timing, double-handed starts and gaps settled), and the move is kept only if each
//! changed day passes the day checker, the week keeps its weekly limits
//! ([`limits::within`]) and the week's objective strictly improves. Clients with
//! double-handed visits held by X are left as they are (moving one of the two staff
//! would need the partner's round re-planned too).
//!
//! Deterministic: clients, carers, days and places are taken in sorted order and the
//! work is bounded by a count of round timings (a share of the week's work,
//! [`WORK_PER_TIMING`]); the week's clock stops
//! it early, as a promise ([`Clock::room_to_improve`]).

use super::clock::Clock;
use super::continuity::by_client;
use super::limits;
use super::solve::{Score, WeekSolver};
use super::Week;
use crate::model::input::{BaselineInput, BaselineRouteInput};
use crate::model::{Plan, Problem, StaffCount};
use crate::solve::booked::{simulate, Floor, Instance};
use std::collections::BTreeSet;

/// Work units one round timing (one [`simulate`]) counts for against
/// [`Clock::improve_work`]: about 1.7 µs on the reference machine, where a second of
/// time limit is [`crate::solve::config::WORK_PER_SECOND`] units; so a 30 s week gets
/// about 900,000 timings (1.5 s), a bound that keeps the week deterministic.
const WORK_PER_TIMING: u64 = 100;

/// Sweeps over the clients: a move can make room for another client's, so a second
/// sweep finds some; more find few.
const SWEEPS: usize = 3;

/// Moves, best estimate first, made for real per client before giving up on it: a move
/// whose estimate is a saving is rarely refused on the whole day.
const TRIES: usize = 3;

/// What the moves did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Consolidated {
    /// Moves kept (each takes one carer off one client).
    pub moves: usize,
    /// Whether the clock stopped them before they were done.
    pub stopped: bool,
}

/// One day as the moves edit it: the day's own problem and its solver instance, and
/// each day staff member's round (day visit indices, in order).
struct Day<'a> {
    problem: &'a Problem,
    inst: Instance,
    seqs: Vec<Vec<usize>>,
    /// The week client of each day visit.
    client: Vec<&'a str>,
}

/// A move worked out on the rounds: the days it changes, with their new rounds, and the
/// estimated change of the week's objective (below zero: a saving).
struct Move {
    days: Vec<(usize, Vec<Vec<usize>>)>,
    estimate: f64,
}

/// Makes every move that lowers the week's objective, in place: `plans` (one per day,
/// each passing the day checker) stay plans the day checker passes, within the weekly
/// limits.
pub(super) fn consolidate(solver: &WeekSolver, plans: &mut [Option<Plan>], clock: &Clock) -> Consolidated {
    let week = solver.week();
    let mut out = Consolidated::default();
    if week.continuity.per_extra_staff <= 0.0 {
        return out;
    }
    let Some(mut days) = days_of(solver, plans) else {
        return out;
    };
    let mut budget = (clock.improve_work() / WORK_PER_TIMING) as usize;
    let mut score = solver.score(plans);
    let t0 = std::time::Instant::now();
    for _ in 0..SWEEPS {
        if std::env::var("DBG_MOVES").is_ok() {
            eprintln!("sweep: moves {} budget {} t {:?}", out.moves, budget, t0.elapsed());
        }
        let before = out.moves;
        for client in clients_in_order(week, plans) {
            loop {
                if !clock.room_to_improve() {
                    out.stopped = true;
                    return out;
                }
                let carers = carers_of(&days, &client);
                if carers.len() <= week.continuity.target_staff.max(1) {
                    break;
                }
                let gain = week.continuity.per_extra_staff;
                let all: Vec<Move> = carers
                    .iter()
                    .filter_map(|&x| take_off(&days, &client, x, &carers, &mut budget))
                    .map(|m| Move {
                        estimate: m.estimate - gain,
                        ..m
                    })
                    .collect();
                if std::env::var("DBG_MOVES").is_ok() {
                    let ests: Vec<String> = all.iter().map(|m| format!("{:.0}", m.estimate)).collect();
                    eprintln!("carers {} possible {} est [{}]", carers.len(), all.len(), ests.join(" "));
                }
                let mut moves: Vec<Move> = all.into_iter().filter(|m| m.estimate < 0.0).collect();
                moves.sort_by(|a, b| a.estimate.total_cmp(&b.estimate));
                let kept = moves
                    .iter()
                    .take(TRIES)
                    .find_map(|m| made(solver, plans, &days, m, score));
                let Some((new_plans, new_score)) = kept else {
                    break;
                };
                for (d, p) in new_plans {
                    days[d].seqs = seqs_of(days[d].problem, &p).unwrap_or_default();
                    plans[d] = Some(p);
                }
                score = new_score;
                out.moves += 1;
            }
            if budget == 0 {
                return out;
            }
        }
        if out.moves == before {
            break;
        }
    }
    out
}

/// Each day's editable form, or `None` when a day has no plan or names staff or
/// visits its problem lacks (never for the week's own plans).
fn days_of<'a>(solver: &'a WeekSolver, plans: &[Option<Plan>]) -> Option<Vec<Day<'a>>> {
    let week = solver.week();
    plans
        .iter()
        .enumerate()
        .map(|(d, plan)| {
            let dp = &week.day_problems[d];
            Some(Day {
                problem: &dp.problem,
                inst: Instance::with_travel(&dp.problem, solver.travel(d)),
                seqs: seqs_of(&dp.problem, plan.as_ref()?)?,
                client: dp
                    .week_visit
                    .iter()
                    .map(|&k| week.visits[k].client.as_str())
                    .collect(),
            })
        })
        .collect()
}

/// The rounds of `plan`, one per day staff member (day visit indices, in order).
fn seqs_of(problem: &Problem, plan: &Plan) -> Option<Vec<Vec<usize>>> {
    let mut seqs = vec![Vec::new(); problem.staff.len()];
    for r in &plan.routes {
        let s = problem.staff_index(&r.staff)?;
        seqs[s] = r
            .visit_ids()
            .map(|v| problem.visit_index(v))
            .collect::<Option<_>>()?;
    }
    Some(seqs)
}

/// The rounds `seqs` as a problem's `baseline` (rounds without visits left out).
fn rounds_of(problem: &Problem, seqs: &[Vec<usize>]) -> BaselineInput {
    BaselineInput {
        routes: seqs
            .iter()
            .enumerate()
            .filter(|(_, seq)| !seq.is_empty())
            .map(|(s, seq)| BaselineRouteInput {
                staff: problem.staff[s].id.clone(),
                visits: seq.iter().map(|&v| problem.visits[v].id.clone()).collect(),
            })
            .collect(),
    }
}

/// The clients seeing more than one carer, most promising first: fewest visits held by
/// carers other than their main one (the fewest visits to move), ties by id.
fn clients_in_order(week: &Week, plans: &[Option<Plan>]) -> Vec<String> {
    let with: Vec<Option<&Plan>> = plans.iter().map(Option::as_ref).collect();
    let mut clients: Vec<(usize, &str)> = by_client(week, &with)
        .into_iter()
        .filter(|(_, (_, staff))| staff.len() > 1)
        .map(|(c, (n, staff))| (n - staff.values().max().copied().unwrap_or(0), c))
        .collect();
    clients.sort();
    clients.into_iter().map(|(_, c)| c.to_string()).collect()
}

/// The staff who see `client` over the week, by id.
fn carers_of<'a>(days: &'a [Day], client: &str) -> Vec<&'a str> {
    let mut carers: Vec<&str> = days
        .iter()
        .flat_map(|day| {
            day.seqs
                .iter()
                .enumerate()
                .filter(|(_, seq)| seq.iter().any(|&v| day.client[v] == client))
                .map(|(s, _)| day.problem.staff[s].id.as_str())
        })
        .collect();
    carers.sort_unstable();
    carers.dedup();
    carers
}

/// The clients other than `client` whom staff member `x` sees over the week.
fn clients_of<'a>(days: &'a [Day], x: &str, client: &str) -> BTreeSet<&'a str> {
    days.iter()
        .filter_map(|day| Some((day, day.problem.staff_index(x)?)))
        .flat_map(|(day, s)| day.seqs[s].iter().map(|&v| day.client[v]))
        .filter(|&c| c != client)
        .collect()
}

/// The move that takes carer `x` off `client` for the week: each of x's visits to the
/// client goes to its cheapest place among the rounds of the client's other `carers`
/// working that day. `None` when some visit has no such place, or is double-handed, or
/// the budget of round timings is spent. The estimate leaves out the continuity gain.
fn take_off(days: &[Day], client: &str, x: &str, carers: &[&str], budget: &mut usize) -> Option<Move> {
    let mut out = Move {
        days: Vec::new(),
        estimate: 0.0,
    };
    let x_sees = clients_of(days, x, client);
    for (d, day) in days.iter().enumerate() {
        let Some(sx) = day.problem.staff_index(x) else {
            continue;
        };
        let moved: Vec<usize> = day.seqs[sx]
            .iter()
            .copied()
            .filter(|&v| day.client[v] == client)
            .collect();
        if moved.is_empty() {
            continue;
        }
        if moved
            .iter()
            .any(|&v| day.problem.visits[v].staff_count == StaffCount::Two)
        {
            return None;
        }
        let targets: Vec<usize> = carers
            .iter()
            .filter(|&&c| c != x)
            .filter_map(|c| day.problem.staff_index(c))
            .collect();
        let (seqs, delta) = moved_on_day(day, sx, &moved, &targets, &x_sees, budget)?;
        out.estimate += delta;
        out.days.push((d, seqs));
    }
    (!out.days.is_empty()).then_some(out)
}

/// Day `day`'s rounds with the visits `moved` taken out of staff member `sx`'s round and
/// each put, earliest window first, at its cheapest place in one of the `targets`'
/// rounds, or there in exchange for one of the target's visits that goes to `sx`
/// ([`exchange`]); and what that changes of the rounds' costs. `None` when some visit
/// finds no place or the budget is spent.
fn moved_on_day(
    day: &Day,
    sx: usize,
    moved: &[usize],
    targets: &[usize],
    x_sees: &BTreeSet<&str>,
    budget: &mut usize,
) -> Option<(Vec<Vec<usize>>, f64)> {
    let mut seqs = day.seqs.clone();
    let before = cost(day, sx, &seqs[sx], budget)?;
    seqs[sx].retain(|v| !moved.contains(v));
    let mut delta = cost(day, sx, &seqs[sx], budget)? - before;
    let mut order = moved.to_vec();
    order.sort_by(|&a, &b| earliest(day.problem, a).total_cmp(&earliest(day.problem, b)).then(a.cmp(&b)));
    for v in order {
        let mut best: Option<(f64, Vec<Vec<usize>>)> = None;
        for &t in targets.iter().filter(|&&t| day.inst.visits[v].eligible[t]) {
            let now = cost(day, t, &seqs[t], budget)?;
            if let Some((c, p)) = cheapest_place(day, t, &seqs[t], v, budget) {
                if best.as_ref().is_none_or(|b| c - now < b.0) {
                    let mut next = seqs.clone();
                    next[t].insert(p, v);
                    best = Some((c - now, next));
                }
            }
            if let Some((d, next)) = exchange(day, (sx, t), v, &seqs, x_sees, budget) {
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
/// weekly minutes), and the cheapest way to make room is to give one of its visits to
/// `sx`, whose round the move has just made shorter. Only visits of clients `sx`
/// already sees that week (`x_sees`) are given, so no client gains a carer. Returns the
/// change of the two rounds' costs and the new rounds, for the best such exchange.
fn exchange(
    day: &Day,
    (sx, t): (usize, usize),
    v: usize,
    seqs: &[Vec<usize>],
    x_sees: &BTreeSet<&str>,
    budget: &mut usize,
) -> Option<(f64, Vec<Vec<usize>>)> {
    let now = cost(day, t, &seqs[t], budget)? + cost(day, sx, &seqs[sx], budget)?;
    let mut best: Option<(f64, Vec<Vec<usize>>)> = None;
    for (i, &u) in seqs[t].iter().enumerate() {
        let given = x_sees.contains(day.client[u])
            && day.problem.visits[u].staff_count == StaffCount::One
            && day.inst.visits[u].eligible[sx];
        if !given {
            continue;
        }
        let mut kept = seqs[t].clone();
        kept.remove(i);
        let Some((ct, pt)) = cheapest_place(day, t, &kept, v, budget) else {
            continue;
        };
        let Some((cx, px)) = cheapest_place(day, sx, &seqs[sx], u, budget) else {
            continue;
        };
        let d = ct + cx - now;
        if best.as_ref().is_none_or(|b| d < b.0) {
            let mut next = seqs.to_vec();
            kept.insert(pt, v);
            next[t] = kept;
            next[sx].insert(px, u);
            best = Some((d, next));
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

/// Move `m` made for real: each changed day re-timed as a whole on its own problem; the
/// new day plans and the week's score, when every changed day passes the day checker,
/// the weekly limits hold and the score is below `score`.
fn made(
    solver: &WeekSolver,
    plans: &[Option<Plan>],
    days: &[Day],
    m: &Move,
    score: Score,
) -> Option<(Vec<(usize, Plan)>, Score)> {
    let mut new_plans = Vec::with_capacity(m.days.len());
    let mut week: Vec<Option<Plan>> = plans.to_vec();
    for (d, seqs) in &m.days {
        let old = plans[*d].as_ref()?;
        let Some(plan) = solver.checked_rounds(*d, &rounds_of(days[*d].problem, seqs), old) else {
            if std::env::var("DBG_MOVES").is_ok() {
                eprintln!("  made est {:.1}: day {d} refused", m.estimate);
            }
            return None;
        };
        week[*d] = Some(plan.clone());
        new_plans.push((*d, plan));
    }
    let with: Vec<Option<&Plan>> = week.iter().map(Option::as_ref).collect();
    if !limits::within(solver.week(), &with) {
        if std::env::var("DBG_MOVES").is_ok() {
            eprintln!("  made est {:.1}: limits", m.estimate);
        }
        return None;
    }
    let new_score = solver.score(&week);
    if std::env::var("DBG_MOVES").is_ok() {
        eprintln!("  made est {:.1} real {:?} vs {:?}", m.estimate, new_score, score);
    }
    (new_score < score).then_some((new_plans, new_score))
}
