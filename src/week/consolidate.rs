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
//! work is bounded by a count of round timings ([`MAX_TIMINGS`]); the week's clock stops
//! it early, as a promise ([`Clock::room_to_improve`]).

use super::clock::Clock;
use super::continuity::by_client;
use super::limits;
use super::solve::{Score, WeekSolver};
use super::Week;
use crate::model::input::{BaselineInput, BaselineRouteInput};
use crate::model::{Plan, Problem, StaffCount};
use crate::solve::booked::{simulate, Floor, Instance};

/// Round timings (one [`simulate`] each) the moves may spend over the whole week: a
/// bound that keeps the week deterministic and quick (about a second on a 900-visit
/// week), well above what a few sweeps over the clients take.
const MAX_TIMINGS: usize = 1_000_000;

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
    let mut budget = MAX_TIMINGS;
    let mut score = solver.score(plans);
    for _ in 0..SWEEPS {
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
                let mut moves: Vec<Move> = carers
                    .iter()
                    .filter_map(|&x| take_off(&days, &client, x, &carers, &mut budget))
                    .map(|m| Move {
                        estimate: m.estimate - gain,
                        ..m
                    })
                    .filter(|m| m.estimate < 0.0)
                    .collect();
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

/// The move that takes carer `x` off `client` for the week: each of x's visits to the
/// client goes to its cheapest place among the rounds of the client's other `carers`
/// working that day. `None` when some visit has no such place, or is double-handed, or
/// the budget of round timings is spent. The estimate leaves out the continuity gain.
fn take_off(days: &[Day], client: &str, x: &str, carers: &[&str], budget: &mut usize) -> Option<Move> {
    let mut out = Move {
        days: Vec::new(),
        estimate: 0.0,
    };
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
        let (seqs, delta) = moved_on_day(day, sx, &moved, &targets, budget)?;
        out.estimate += delta;
        out.days.push((d, seqs));
    }
    (!out.days.is_empty()).then_some(out)
}

/// Day `day`'s rounds with the visits `moved` taken out of staff member `sx`'s round and
/// each put, earliest window first, at its cheapest place in one of the `targets`'
/// rounds; and what that changes of the rounds' costs.
fn moved_on_day(
    day: &Day,
    sx: usize,
    moved: &[usize],
    targets: &[usize],
    budget: &mut usize,
) -> Option<(Vec<Vec<usize>>, f64)> {
    let mut seqs = day.seqs.clone();
    let before = cost(day, sx, &seqs[sx], budget)?;
    seqs[sx].retain(|v| !moved.contains(v));
    let mut delta = cost(day, sx, &seqs[sx], budget)? - before;
    let mut order = moved.to_vec();
    order.sort_by(|&a, &b| earliest(day.problem, a).total_cmp(&earliest(day.problem, b)).then(a.cmp(&b)));
    for v in order {
        let mut best: Option<(f64, usize, usize)> = None;
        for &t in targets {
            if !day.inst.visits[v].eligible[t] {
                continue;
            }
            let now = cost(day, t, &seqs[t], budget)?;
            for p in 0..=seqs[t].len() {
                let mut seq = seqs[t].clone();
                seq.insert(p, v);
                let Some(c) = cost(day, t, &seq, budget) else {
                    if *budget == 0 {
                        return None;
                    }
                    continue;
                };
                if best.is_none_or(|b| c - now < b.0) {
                    best = Some((c - now, t, p));
                }
            }
        }
        let (d, t, p) = best?;
        seqs[t].insert(p, v);
        delta += d;
    }
    Some((seqs, delta))
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
        let plan = solver.checked_rounds(*d, &rounds_of(days[*d].problem, seqs), old)?;
        week[*d] = Some(plan.clone());
        new_plans.push((*d, plan));
    }
    let with: Vec<Option<&Plan>> = week.iter().map(Option::as_ref).collect();
    if !limits::within(solver.week(), &with) {
        return None;
    }
    let new_score = solver.score(&week);
    (new_score < score).then_some((new_plans, new_score))
}
