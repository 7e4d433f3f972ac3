//! Solving the week: the day solver on each day in turn, the week's terms given to each
//! day as terms of its own problem.
//!
//! - **Weekly limits** are kept exactly: before a day is solved, each staff member's
//!   minutes and working days on the other days are counted ([`super::limits`]); a
//!   staff member with no days or minutes left gets `max_visits: 0` on that day, and one
//!   with fewer minutes left than their shift gets a shift cut to them. A day plan that
//!   would still break a limit is never kept.
//! - **Continuity** is priced as each day's solver already prices few changes: each visit
//!   of a client gets as `planned_staff` the staff who see that client on the other days,
//!   and `objective.moved_visit` is `continuity.per_extra_staff`, so that giving the visit
//!   to someone new costs what one more carer costs the week (exactly so while the client
//!   sees at most one new carer that day).
//! - **Passes.** The first pass solves the days in order, each seeing the days before it
//!   (its visits' `planned_staff`: the staff their client sees there). Each later pass
//!   solves every day again from its current plan (a warm start) against the same week,
//!   drawn to each client's main carers (the `target_staff` who make most of their visits
//!   and work that day), so that a client's visits on several days can move to one
//!   carer in the same pass; then each day keeps its old or its new plan, whichever makes
//!   the week's objective (unassigned required visits, then the days' objectives plus the
//!   continuity cost) lower within the weekly limits (all new first, then each day turned
//!   over in turn). Planned alone ([`WeekSolver::alone`]), days get no continuity terms
//!   and one pass.
//! - **Multi-day client moves** follow each pass ([`super::consolidate`]): carers
//!   taken off one client on every day at once, kept only when the week's objective
//!   improves, since a client seen by two carers on two days each is a local minimum
//!   for changes made one day at a time.
//!
//! The week holds each day's plan as a plan of the day's own problem, one the day checker
//! passes: the continuity term is taken out of its objective, and a day with a shift cut
//! is re-timed on the day's own problem ([`crate::retime`]); a plan that does not pass is
//! not kept (the strict attempt, without cuts, follows).
//! Deterministic per seed and threads (the default): each day solve runs on a fixed share
//! of the week's work budget (the time limit turned into work as every solve's is, or
//! `--work`); the time limit stays a promise ([`Clock`]).

use super::clock::Clock;
use super::consolidate;
use super::continuity::{by_client, figures, served};
use super::limits;
use super::plan::WeekPlan;
use super::Week;
use crate::model::input::{BaselineInput, ObjectiveInput};
use crate::model::{validate, InputError, Plan, Problem};
use crate::retime::retime;
use crate::solve::config::{ConfigError, SolveConfig};
use crate::solve::{Solver, StopReason};
use crate::travel::TravelMatrix;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Passes over the days when planning together (the first, then improving ones).
pub const DEFAULT_PASSES: usize = 4;

/// Why a week could not be solved.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WeekSolveError {
    /// The travel matrices are not one per day.
    #[error("{got} travel matrices for {days} days")]
    Travel {
        /// Days of the week.
        days: usize,
        /// Matrices given.
        got: usize,
    },
    /// The time limit, shared out between the days, is not one a day solve can run on.
    #[error("time limit: {0}")]
    Config(#[from] ConfigError),
    /// A day's problem with the week's terms could not be built (a bug: the week's own
    /// day problems are valid).
    #[error("{day}: {source}")]
    Day {
        /// The day's key.
        day: String,
        /// The fault.
        source: InputError,
    },
    /// No plan within the weekly limits came out for a day (a bug: staff without room
    /// are given no visits).
    #[error("{0}: no plan within the weekly limits")]
    NoPlan(String),
}

/// A configured week solve: `WeekSolver::new(&week, travel).config(c).run()`.
pub struct WeekSolver<'a> {
    week: &'a Week,
    travel: Vec<Arc<TravelMatrix>>,
    config: SolveConfig,
    alone: bool,
    passes: usize,
    client_moves: bool,
}

/// The result of a week solve.
#[derive(Debug, Clone)]
pub struct WeekSolved {
    /// The week plan.
    pub plan: WeekPlan,
    /// `TimeLimit` when the clock stopped a day solve or left a pass unfinished (the plan
    /// may then depend on timing), else `Completed`.
    pub stop: StopReason,
    /// Wall-clock time used.
    pub elapsed: Duration,
    /// Day solves run.
    pub day_solves: usize,
    /// Day plans replaced by better ones after the first pass.
    pub improved: usize,
    /// Multi-day client moves kept after the passes (each takes one carer off one
    /// client for the week; [`super::consolidate`]).
    pub client_moves: usize,
}

impl<'a> WeekSolver<'a> {
    /// A run over one travel matrix per day (each day problem's own), with the first
    /// day's `options` (the week's).
    pub fn new(week: &'a Week, travel: Vec<Arc<TravelMatrix>>) -> Self {
        WeekSolver {
            week,
            travel,
            config: SolveConfig::of(&week.day_problems[0].problem.options),
            alone: false,
            passes: DEFAULT_PASSES,
            client_moves: true,
        }
    }
    /// The configuration: its time limit is the whole week's, its threads and seed every
    /// day solve's.
    pub fn config(mut self, config: SolveConfig) -> Self {
        self.config = config;
        self
    }
    /// Plan each day on its own (no continuity terms, one pass), weekly limits kept: the
    /// comparison the benchmarks make.
    pub fn alone(mut self, alone: bool) -> Self {
        self.alone = alone;
        self
    }
    /// Passes over the days when planning together (at least 1).
    pub fn passes(mut self, passes: usize) -> Self {
        self.passes = passes.max(1);
        self
    }

    /// Whether the multi-day client moves follow each pass (the default; off, the week
    /// is planned by day solves only: the comparison their tests make).
    pub fn client_moves(mut self, on: bool) -> Self {
        self.client_moves = on;
        self
    }

    /// Solves the week.
    pub fn run(self) -> Result<WeekSolved, WeekSolveError> {
        let t0 = Instant::now();
        let week = self.week;
        let n = week.days.len();
        if self.travel.len() != n {
            return Err(WeekSolveError::Travel {
                days: n,
                got: self.travel.len(),
            });
        }
        let passes = if self.alone { 1 } else { self.passes };
        let clock = Clock::new(&self.config, t0, n * passes);
        let mut plans: Vec<Option<Plan>> = vec![None; n];
        let (mut stop, mut day_solves, mut improved) = (StopReason::Completed, 0, 0);
        let seed_of = |pass: usize, d: usize| self.config.seed().wrapping_add((pass * n + d) as u64);
        // The first pass: each day in order, seeing the days before it (always run: every
        // day needs a plan, if only a greedy one when the clock has run out).
        let first = if self.alone { None } else { Some(Hint::Seen) };
        for d in 0..n {
            plans[d] = self.day_plan(d, &plans, first, (&clock, seed_of(0, d)), &mut stop)?;
            day_solves += 1;
        }
        // After each pass, whole clients at once: carers taken off a client on every day
        // together, which no day solve can do on its own; the next pass starts from them.
        let mut budget = consolidate::budget(&clock);
        let mut client_moves = self.move_clients(&mut plans, &clock, &mut budget, &mut stop);
        // Later passes: every day against the same week, drawn to each client's main
        // carer, so that a client's days can move to one carer together; then each day
        // keeps the plan, old or new, that makes the week better.
        for pass in 1..passes {
            let current = plans.clone();
            let mut fresh: Vec<Option<Plan>> = vec![None; n];
            for (d, new) in fresh.iter_mut().enumerate() {
                if !clock.room_for_a_solve() {
                    stop = StopReason::TimeLimit;
                    break;
                }
                *new = self.day_plan(
                    d,
                    &current,
                    Some(Hint::Main),
                    (&clock, seed_of(pass, d)),
                    &mut stop,
                )?;
                day_solves += 1;
            }
            improved += self.combine(&mut plans, &fresh);
            client_moves += self.move_clients(&mut plans, &clock, &mut budget, &mut stop);
        }
        let plans = plans
            .into_iter()
            .enumerate()
            .map(|(d, p)| p.ok_or_else(|| WeekSolveError::NoPlan(week.days[d].key.clone())))
            .collect::<Result<Vec<Plan>, _>>()?;
        Ok(WeekSolved {
            plan: WeekPlan::of(week, plans),
            stop,
            elapsed: t0.elapsed(),
            day_solves,
            improved,
            client_moves,
        })
    }

    /// The multi-day client moves on `plans` ([`super::consolidate`]; none when planning
    /// days alone), within what is left of `budget`: how many were kept.
    fn move_clients(
        &self,
        plans: &mut [Option<Plan>],
        clock: &Clock,
        budget: &mut usize,
        stop: &mut StopReason,
    ) -> usize {
        if self.alone || !self.client_moves {
            return 0;
        }
        let done = consolidate::consolidate(self, plans, clock, budget);
        if done.stopped {
            *stop = StopReason::TimeLimit;
        }
        done.moves
    }

    /// Day `d` solved against the others in `plans`: the plan, re-timed on the day's own
    /// problem, or `None` when no plan within the weekly limits came out (the day keeps
    /// the plan it has; a first plan is always found, since the strict attempt gives
    /// staff without room no visits).
    fn day_plan(
        &self,
        d: usize,
        plans: &[Option<Plan>],
        hint: Option<Hint>,
        (clock, seed): (&Clock, u64),
        stop: &mut StopReason,
    ) -> Result<Option<Plan>, WeekSolveError> {
        for strict in [false, true] {
            let (problem, cut) = self.day_problem(d, plans, hint, strict)?;
            let (limit, work) = clock.day_solve();
            let config = self.config.with_overrides(|o| {
                o.time_limit_s = Some(limit);
                o.work_budget = work;
                o.seed = Some(seed);
            })?;
            let mut solver = Solver::new(&problem, self.travel[d].clone()).config(config);
            if let Some(p) = &plans[d] {
                solver = solver.start_from(p.clone());
            }
            let solved = solver.run();
            if solved.stop == StopReason::TimeLimit {
                *stop = StopReason::TimeLimit;
            }
            let Some(plan) = self.as_day_plan(d, &problem, cut, &solved.plan) else {
                continue;
            };
            let mut with: Vec<Option<&Plan>> = plans.iter().map(Option::as_ref).collect();
            with[d] = Some(&plan);
            if limits::within(self.week, &with) {
                return Ok(Some(plan));
            }
        }
        Ok(None)
    }

    /// `plan`, solved on `solved_on` (day `d`'s problem with the week's terms), as a plan
    /// of the day's own problem that passes the day checker, or `None`. With no shift
    /// cut, the two problems differ only in the continuity term, taken out of the
    /// objective; with one, the rounds are re-timed on the day's own problem.
    fn as_day_plan(&self, d: usize, solved_on: &Problem, cut: bool, plan: &Plan) -> Option<Plan> {
        let out = if cut {
            self.retimed(d, plan).ok()?
        } else {
            let served = served(plan);
            let moved: usize = solved_on
                .visits
                .iter()
                .filter(|v| !v.planned_staff.is_empty())
                .map(|v| {
                    let planned = |id: &str| v.planned_staff.iter().any(|&s| solved_on.staff[s].id == id);
                    served
                        .get(v.id.as_str())
                        .map_or(0, |staff| staff.iter().filter(|s| !planned(s)).count())
                })
                .sum();
            let mut out = plan.clone();
            out.summary.objective -= solved_on.objective.moved_visit * moved as f64;
            out
        };
        self.passing(d, out)
    }

    /// `plan` when the day checker passes it on day `d`'s own problem: the one test every
    /// day plan the week keeps has passed.
    fn passing(&self, d: usize, plan: Plan) -> Option<Plan> {
        let problem = &self.week.day_problems[d].problem;
        crate::check::check(problem, &self.travel[d], &plan)
            .is_empty()
            .then_some(plan)
    }

    /// Day `d`'s problem with the week's terms, given the other days' plans, and whether
    /// a shift was cut to the minutes left.
    fn day_problem(
        &self,
        d: usize,
        plans: &[Option<Plan>],
        hint: Option<Hint>,
        strict: bool,
    ) -> Result<(Problem, bool), WeekSolveError> {
        let dp = &self.week.day_problems[d];
        let others: Vec<Option<&Plan>> = (0..plans.len())
            .map(|e| if e == d { None } else { plans[e].as_ref() })
            .collect();
        let mut input = dp.input.clone();
        let cut = limits::fit_day(self.week, d, &others, strict, &mut input);
        if let Some(hint) = hint.filter(|_| self.week.continuity.per_extra_staff > 0.0) {
            let all: Vec<Option<&Plan>> = plans.iter().map(Option::as_ref).collect();
            self.continuity_terms(d, hint, &others, &all, &mut input);
        }
        match validate(&input) {
            Ok(p) => Ok((p, cut.iter().any(|&c| c))),
            // A cut shift may leave a visit's windows outside every shift: those staff
            // then have no visits that day instead.
            Err(_) if cut.iter().any(|&c| c) => {
                for (j, _) in cut.iter().enumerate().filter(|(_, c)| **c) {
                    limits::no_visits(dp, j, &mut input);
                }
                validate(&input)
                    .map(|p| (p, false))
                    .map_err(|source| self.day_error(d, source))
            }
            Err(source) => Err(self.day_error(d, source)),
        }
    }

    fn day_error(&self, d: usize, source: InputError) -> WeekSolveError {
        WeekSolveError::Day {
            day: self.week.days[d].key.clone(),
            source,
        }
    }

    /// The continuity term of day `d`: each visit costs `continuity.per_extra_staff`
    /// when made by someone not in its `planned_staff`, which is, by `hint`, the staff its
    /// client sees on the other days (once they are `target_staff`), or the client's main
    /// carers over the whole week who work that day (else those the client sees).
    fn continuity_terms(
        &self,
        d: usize,
        hint: Hint,
        others: &[Option<&Plan>],
        all: &[Option<&Plan>],
        input: &mut crate::model::input::ProblemInput,
    ) {
        let week = self.week;
        let target = week.continuity.target_staff;
        let seen = by_client(week, others);
        let main = match hint {
            Hint::Seen => BTreeMap::new(),
            Hint::Main => by_client(week, all),
        };
        let today: BTreeSet<&str> = input.staff.iter().map(|s| s.id.as_str()).collect();
        let dp = &week.day_problems[d];
        for (j, &k) in dp.week_visit.iter().enumerate() {
            let client = week.visits[k].client.as_str();
            let mut planned: Vec<&str> = Vec::new();
            if let Some((_, counts)) = main.get(client) {
                let mut ranked: Vec<(&str, usize)> = counts.iter().map(|(s, n)| (*s, *n)).collect();
                ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
                planned = ranked
                    .iter()
                    .take(target)
                    .map(|r| r.0)
                    .filter(|s| today.contains(s))
                    .collect();
            }
            if planned.is_empty() {
                match seen.get(client) {
                    Some((_, counts)) if counts.len() >= target => {
                        planned = counts.keys().copied().filter(|s| today.contains(s)).collect();
                    }
                    _ => continue,
                }
            }
            input.visits[j].planned_staff = planned.iter().map(|s| s.to_string()).collect();
        }
        let objective = input.objective.get_or_insert_with(ObjectiveInput::default);
        objective.moved_visit = Some(week.continuity.per_extra_staff);
    }

    /// Makes `plans` the best week, by the week's objective and within the weekly limits,
    /// of each day's current plan or its `fresh` one: all fresh, then each day turned over
    /// in turn while that helps. Returns the days that changed.
    fn combine(&self, plans: &mut [Option<Plan>], fresh: &[Option<Plan>]) -> usize {
        let feasible =
            |p: &[Option<Plan>]| limits::within(self.week, &p.iter().map(Option::as_ref).collect::<Vec<_>>());
        let mut best: Vec<Option<Plan>> = plans.to_vec();
        let mut best_score = self.score(&best);
        let all: Vec<Option<Plan>> = plans
            .iter()
            .zip(fresh)
            .map(|(p, f)| f.clone().or_else(|| p.clone()))
            .collect();
        if feasible(&all) && self.score(&all) < best_score {
            best_score = self.score(&all);
            best = all;
        }
        for d in 0..plans.len() {
            let Some(f) = &fresh[d] else { continue };
            let mut other = best.clone();
            other[d] = if best[d].as_ref() == Some(f) {
                plans[d].clone()
            } else {
                Some(f.clone())
            };
            if feasible(&other) && self.score(&other) < best_score {
                best_score = self.score(&other);
                best = other;
            }
        }
        let changed = best.iter().zip(plans.iter()).filter(|(b, p)| b != p).count();
        plans.clone_from_slice(&best);
        changed
    }

    /// `plan` re-timed on day `d`'s own problem, keeping the solver's reasons for the
    /// visits it left out.
    fn retimed(&self, d: usize, plan: &Plan) -> Result<Plan, WeekSolveError> {
        self.retimed_rounds(d, &plan.rounds(), plan)
    }

    /// `rounds` timed on day `d`'s own problem, keeping `old`'s reasons for the visits
    /// left out (its warnings too), when the day checker passes the plan: how the
    /// multi-day moves ([`super::consolidate`]) make a changed day for real.
    pub(super) fn checked_rounds(&self, d: usize, rounds: &BaselineInput, old: &Plan) -> Option<Plan> {
        let mut out = self.retimed_rounds(d, rounds, old).ok()?;
        out.warnings = old.warnings.clone();
        self.passing(d, out)
    }

    /// `rounds` timed on day `d`'s own problem, keeping `plan`'s reasons for the visits
    /// it left out.
    fn retimed_rounds(&self, d: usize, rounds: &BaselineInput, plan: &Plan) -> Result<Plan, WeekSolveError> {
        let problem = &self.week.day_problems[d].problem;
        let mut out =
            retime(problem, self.travel[d].clone(), rounds).map_err(|source| self.day_error(d, source))?;
        let reasons: HashMap<&str, &str> = plan
            .unassigned
            .iter()
            .map(|u| (u.visit.as_str(), u.reason.as_str()))
            .collect();
        for u in &mut out.unassigned {
            if let Some(r) = reasons.get(u.visit.as_str()) {
                u.reason = r.to_string();
            }
        }
        Ok(out)
    }

    /// The week being solved.
    pub(super) fn week(&self) -> &'a Week {
        self.week
    }

    /// Day `d`'s travel matrix.
    pub(super) fn travel(&self, d: usize) -> Arc<TravelMatrix> {
        self.travel[d].clone()
    }

    /// The week's objective, lexicographic: unassigned required visits, then the days'
    /// objectives plus the continuity cost.
    pub(super) fn score(&self, plans: &[Option<Plan>]) -> Score {
        let with: Vec<Option<&Plan>> = plans.iter().map(Option::as_ref).collect();
        let mut unassigned = 0;
        let mut cost = figures(self.week, &with).cost;
        for (d, p) in plans.iter().enumerate() {
            let Some(p) = p else { continue };
            cost += p.summary.objective;
            let problem = &self.week.day_problems[d].problem;
            unassigned += p
                .unassigned
                .iter()
                .filter(|u| {
                    problem
                        .visit_index(&u.visit)
                        .is_some_and(|v| problem.visits[v].required)
                })
                .count();
        }
        (unassigned, OrdF64(cost))
    }
}

/// Which staff a day's continuity term treats as the client's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hint {
    /// Those the client sees on the other days.
    Seen,
    /// The client's main carers over the week.
    Main,
}

/// The week's objective as [`WeekSolver::score`] orders it.
pub(super) type Score = (usize, OrdF64);

/// A cost that orders as a number (never NaN: sums of finite figures).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub(super) struct OrdF64(f64);
