//! Multi-day client moves, run after the passes of day solves ([`super::solve`]).
//!
//! Why: the passes change one day at a time, and a client seen by two carers on two
//! days each is a local minimum for one-day changes. Moving one of those visits to the
//! other carer costs travel and saves nothing, since the second carer still comes on
//! the other day; the carer count only drops when *all* of a client's visits held by
//! one carer move at once. So a move here takes carers off a client for the whole week
//! ([`super::take_off`]): one carer X, each of X's visits to the client, on every day,
//! going to the cheapest feasible place in the round of another carer the client
//! already sees who works that day; or two carers at once, replaced by one newcomer who
//! works all their days (with a client's carers spread over the week's rotas, often
//! the only move that lowers their count). Which carer stays is chosen by the week's
//! objective, not by who is most frequent.
//!
//! A move whose estimate (the rounds' costs plus the continuity cost) is a saving is
//! made for real: each changed day is re-timed as a whole on its own problem
//! (double-handed starts and gaps settled), and the move is kept only if each changed
//! day passes the day checker, the week keeps its weekly limits ([`limits::within`])
//! and the week's objective strictly improves. Visits that are double-handed are not
//! moved (a move needing one leaves the client as they are).
//!
//! Deterministic: clients, carers, days and places are taken in sorted order and the
//! work is bounded by a count of round timings (a share of the week's work,
//! [`WORK_PER_TIMING`]); the week's clock stops it early, as a promise
//! ([`Clock::room_to_improve`]).

use super::clock::Clock;
use super::continuity::by_client;
use super::limits;
use super::solve::{Score, WeekSolver};
use super::take_off::{seen, take_off, Day, Move, TakeOff};
use super::Week;
use crate::model::input::{BaselineInput, BaselineRouteInput};
use crate::model::{Plan, Problem};
use crate::solve::booked::{rounds_of as seqs_of, Instance};

/// Work units one round timing counts for against [`Clock::improve_work`]: a timing
/// takes well under a microsecond on the reference machine (0.3 µs measured, with the
/// whole-day re-timings of the moves made), where a second of time limit is
/// [`crate::solve::config::WORK_PER_SECOND`] units; so a 30 s week gets 4.5 million
/// timings (about 1.5 s), a bound that keeps the week deterministic.
const WORK_PER_TIMING: u64 = 20;

/// Sweeps over the clients: a move can make room for another client's, so a second
/// sweep finds some; more find few.
const SWEEPS: usize = 3;

/// Moves, best estimate first, made for real per client before giving up on it: a move
/// whose estimate is a saving is rarely refused on the whole day.
const TRIES: usize = 3;

/// What the moves did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Consolidated {
    /// Moves kept (each takes one carer or more off one client).
    pub moves: usize,
    /// Whether the clock stopped them before they were done.
    pub stopped: bool,
}

/// The round timings all the moves of a week may spend (each call of [`consolidate`]
/// takes from it): a share of the week's work.
pub(super) fn budget(clock: &Clock) -> usize {
    (clock.improve_work() / WORK_PER_TIMING) as usize
}

/// Makes every move that lowers the week's objective, in place: `plans` (one per day,
/// each passing the day checker) stay plans the day checker passes, within the weekly
/// limits.
pub(super) fn consolidate(
    solver: &WeekSolver,
    plans: &mut [Option<Plan>],
    clock: &Clock,
    budget: &mut usize,
) -> Consolidated {
    let week = solver.week();
    let mut out = Consolidated::default();
    if week.continuity.per_extra_staff <= 0.0 {
        return out;
    }
    let Some(mut days) = days_of(solver, plans) else {
        return out;
    };
    let mut score = solver.score(plans);
    for _ in 0..SWEEPS {
        let before = out.moves;
        for client in clients_in_order(week, plans) {
            loop {
                if !clock.room_to_improve() {
                    out.stopped = true;
                    return out;
                }
                let seen = seen(&days);
                let carers = carers_of(&days, &client);
                let mut moves: Vec<(f64, Move)> = candidates(week, &days, &client, &carers)
                    .iter()
                    .filter_map(|t| {
                        let m = take_off(&days, &seen, &client, t, budget)?;
                        Some((
                            m.cost - continuity_gain(week, &days, &client, carers.len(), &m),
                            m,
                        ))
                    })
                    .filter(|(estimate, _)| *estimate < 0.0)
                    .collect();
                moves.sort_by(|a, b| a.0.total_cmp(&b.0));
                let kept = moves
                    .iter()
                    .take(TRIES)
                    .find_map(|(_, m)| made(solver, plans, &days, m, score));
                let Some((new_plans, new_score)) = kept else {
                    break;
                };
                // The new plans' rounds (always readable: they were made from the day's
                // own problem); a move whose rounds could not be read is not kept.
                let Some(new_seqs) = new_plans
                    .iter()
                    .map(|(d, p)| seqs_of(days[*d].problem, p))
                    .collect::<Option<Vec<_>>>()
                else {
                    break;
                };
                for ((d, p), seqs) in new_plans.into_iter().zip(new_seqs) {
                    days[d].seqs = seqs;
                    plans[d] = Some(p);
                }
                score = new_score;
                out.moves += 1;
            }
            if *budget == 0 {
                return out;
            }
        }
        if out.moves == before {
            break;
        }
    }
    out
}

/// The moves to try for `client`: each carer taken off, the others taking their visits;
/// and each two carers replaced by one newcomer who works every day they come and may
/// make all their visits (the other carers may take some too).
fn candidates<'a>(week: &'a Week, days: &'a [Day], client: &str, carers: &[&'a str]) -> Vec<TakeOff<'a>> {
    if carers.len() <= week.continuity.target_staff.max(1) {
        return Vec::new();
    }
    let others =
        |gone: &[&str]| -> Vec<&'a str> { carers.iter().copied().filter(|c| !gone.contains(c)).collect() };
    let mut out: Vec<TakeOff> = carers
        .iter()
        .map(|&x| TakeOff {
            removed: vec![x],
            to: others(&[x]),
        })
        .collect();
    for (i, &x) in carers.iter().enumerate() {
        for &y in &carers[i + 1..] {
            for n in newcomers(week, days, client, carers, [x, y]) {
                let mut to = others(&[x, y]);
                to.push(n);
                out.push(TakeOff {
                    removed: vec![x, y],
                    to,
                });
            }
        }
    }
    out
}

/// Newcomers tried per two carers replaced: those whose rounds pass nearest the
/// visits to move ([`detour`]), so that a client with many carers costs a bounded share
/// of the budget.
const NEWCOMERS: usize = 4;

/// Staff who do not see `client` but work every day on which `pair` make visits to
/// them, and may make each of those visits: the [`NEWCOMERS`] whose rounds pass nearest
/// those visits (ties in the week's order).
fn newcomers<'a>(
    week: &'a Week,
    days: &[Day],
    client: &str,
    carers: &[&str],
    pair: [&str; 2],
) -> Vec<&'a str> {
    let visits: Vec<(&Day, usize)> = days
        .iter()
        .flat_map(|day| {
            pair.iter()
                .filter_map(|x| day.problem.staff_index(x))
                .flat_map(move |s| day.seqs[s].iter().map(move |&v| (day, v)))
        })
        .filter(|(day, v)| day.client[*v] == client)
        .collect();
    let mut near: Vec<(f64, usize)> = week
        .staff
        .iter()
        .enumerate()
        .filter(|(_, n)| !carers.contains(&n.id.as_str()))
        .filter_map(|(i, n)| {
            let mut sum = 0.0;
            for (day, v) in &visits {
                let s = day.problem.staff_index(&n.id)?;
                if !day.inst.visits[*v].eligible[s] {
                    return None;
                }
                sum += detour(day, s, *v);
            }
            Some((sum, i))
        })
        .collect();
    near.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    near.into_iter()
        .take(NEWCOMERS)
        .map(|(_, i)| week.staff[i].id.as_str())
        .collect()
}

/// Minutes from the nearest place of staff member `s`'s round (their start when it
/// has no visits) to visit `v`: a cheap guess at what taking `v` would cost them.
fn detour(day: &Day, s: usize, v: usize) -> f64 {
    let to = day.inst.visits[v].place;
    let start = day.inst.staff[s].start_place;
    day.seqs[s]
        .iter()
        .map(|&u| day.inst.visits[u].place)
        .chain(std::iter::once(start))
        .map(|p| day.inst.time(s, p, to))
        .fold(f64::INFINITY, f64::min)
}

/// What move `m` saves of the continuity cost: the carers beyond the target it takes
/// off `client`, who sees `before` carers now, priced.
fn continuity_gain(week: &Week, days: &[Day], client: &str, before: usize, m: &Move) -> f64 {
    let extra = |n: usize| n.saturating_sub(week.continuity.target_staff);
    let after = {
        let mut moved: Vec<&str> = Vec::new();
        for (d, day) in days.iter().enumerate() {
            let seqs = m.days.iter().find(|(e, _)| *e == d).map_or(&day.seqs, |(_, s)| s);
            for (s, seq) in seqs.iter().enumerate() {
                if seq.iter().any(|&v| day.client[v] == client) {
                    moved.push(day.problem.staff[s].id.as_str());
                }
            }
        }
        moved.sort_unstable();
        moved.dedup();
        moved.len()
    };
    (extra(before) as f64 - extra(after) as f64) * week.continuity.per_extra_staff
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
        .map(|(c, (n, staff))| (n.saturating_sub(staff.values().max().copied().unwrap_or(0)), c))
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
