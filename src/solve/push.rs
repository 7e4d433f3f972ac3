//! Incremental insertion: the cost of putting a visit at each position of a round, found
//! by resuming the round's forward pass ([`step`]) at the insertion point and pushing the
//! delay through the stops after it, stopping as soon as a stop starts as before with the
//! same breaks behind it (everything after it is then the same).
//!
//! This covers what the O(1) slack check in `insert` cannot: soft windows (lateness),
//! several windows per visit, breaks, coupled visits held by their lower bounds,
//! overtime and an office-time floor. A full re-timing costs O(n) per position; the push
//! usually stops after one or two stops, because waiting time absorbs the delay.
//!
//! When the push moves a coupled start (a double-handed visit's other side, a visit tied
//! by a gap), the partners' rounds move too: a [`Cascade`] follows the chain through
//! rounds without breaks. Rounds with breaks are not cascaded into (the position is not
//! offered), since a delay there can move a break.
//!
//! The result is the same as re-timing the whole round with [`simulate`] and comparing
//! costs (tests/suite/incremental.rs checks that on random rounds).
//!
//! [`simulate`]: super::schedule::simulate

use super::couple::EPS;
use super::instance::{Instance, StaffData};
use super::price::{partner_bounds, preference_cost, room, Best};
use super::schedule::{finish, step, Cursor, Mode, RouteTiming};
use super::solution::Solution;

/// Work units per re-timed stop: one forward step costs about as much as three O(1)
/// slack checks, the unit of the search's deterministic clock.
const STEP_UNITS: u64 = 3;

/// Whether a cascade can push round `r` (no breaks to re-place).
pub(crate) fn pushable(inst: &Instance, r: usize) -> bool {
    inst.staff[r].breaks.is_empty()
}

/// Cheapest feasible position of `v` in round `r` by forward push; `all` collects every
/// feasible position when given. A position that moves coupled starts is costed by a
/// `Cascade` through the partners' rounds, or, when `later` is given, left there
/// to be costed only if it can still beat the best found anywhere (see `settle_later`).
/// The round must be `pushable` and `v` eligible for it.
pub fn best_by_push(
    inst: &Instance,
    sol: &Solution,
    v: usize,
    r: usize,
    blink: &mut dyn FnMut() -> bool,
    mut all: Option<&mut Vec<Best>>,
    mut later: Option<&mut Vec<Deferred>>,
) -> Option<Best> {
    let st = &inst.staff[r];
    let route = &sol.routes[r];
    let old = &sol.timings[r];
    let vd = &inst.visits[v];
    let max_travel = room(inst, sol, v, r)?;
    let (lo, hi) = partner_bounds(inst, sol, v);
    let lo = lo.max(sol.lower.0[v]);
    if lo > hi + EPS {
        return None;
    }
    let w = &inst.weights;
    let tm = &inst.travel;
    let layer = st.layer;
    let unpref = preference_cost(inst, v, r);
    let mut best: Option<Best> = None;
    let mut spent = 0u64;
    // A visit still to come goes after the round's history; history itself (a solve
    // from scratch places it too) may go anywhere among it.
    let first = if vd.actual.is_some() {
        0
    } else {
        inst.history_len(route)
    };
    for p in first..=route.len() {
        spent += STEP_UNITS;
        let (prev_place, prev_end) = if p == 0 {
            (st.start_place, st.shift_start)
        } else {
            let u = route[p - 1];
            (
                inst.visits[u].place,
                old.stops[p - 1].start + inst.visits[u].duration,
            )
        };
        let next_place = route.get(p).map_or(st.end_place, |&u| inst.visits[u].place);
        let dt = tm.time_in(layer, prev_place, vd.place) + tm.time_in(layer, vd.place, next_place)
            - tm.time_in(layer, prev_place, next_place);
        if old.travel + dt > max_travel {
            continue;
        }
        // Resume the forward pass where the old round stood before position p.
        let breaks_before = old.breaks.iter().take_while(|b| b.2 < p).count();
        let mut cur = Cursor {
            t: prev_end,
            place: prev_place,
            next_break: breaks_before,
        };
        // No upper bound from the partners here: a start past it is met by moving them
        // later (a cascade), not refused.
        let Ok(stop_v) = step(inst, r, &mut cur, v, (lo, f64::INFINITY), p, None, Mode::Strict) else {
            continue;
        };
        let (start, late_v) = (stop_v.start, stop_v.late);
        let break_before_v = cur.next_break > breaks_before;
        let dd = tm.dist_in(layer, prev_place, vd.place) + tm.dist_in(layer, vd.place, next_place)
            - tm.dist_in(layer, prev_place, next_place);
        let floor = w.travel_min * dt + w.distance_km * dd + w.lateness * late_v + unpref;
        // Pushing only adds lateness and overtime (with travel that keeps the triangle
        // inequality), so a position that cannot beat the best so far is not pushed.
        if all.is_none() && best.is_some_and(|b| floor >= b.0 - 1e-12) {
            continue;
        }
        // Push the delay through the rest of the round, until a stop starts as before
        // with the same breaks behind it: from there on nothing changes.
        let mut late_delta = late_v;
        let mut end = None;
        let mut ok = true;
        let mut spread = start > hi + EPS;
        let mut k = p;
        while !spread {
            spent += STEP_UNITS;
            let Some(&u) = route.get(k) else {
                match finish(inst, r, &mut cur, k + 1, None, Mode::Strict) {
                    Ok(e) => end = Some(e),
                    Err(_) => ok = false,
                }
                break;
            };
            let ud = &inst.visits[u];
            let Ok(stop) = step(
                inst,
                r,
                &mut cur,
                u,
                (sol.lower.0[u], f64::INFINITY),
                k + 1,
                None,
                Mode::Strict,
            ) else {
                ok = false;
                break;
            };
            let was = old.stops[k];
            if stop.start == was.start && cur.next_break == old.breaks.iter().take_while(|b| b.2 <= k).count()
            {
                break;
            }
            if ud.coupled() && (stop.start - was.start).abs() > EPS {
                // A coupled start moves: its partners' rounds move too.
                spread = true;
                break;
            }
            late_delta += stop.late - was.late;
            k += 1;
        }
        let mut extra = 0.0;
        if spread {
            let bound = floor + w.lateness * (late_delta - late_v);
            if all.is_none() && best.is_some_and(|b| bound >= b.0 - 1e-12) {
                // The lateness added before the cascade already rules this position out.
                continue;
            }
            if let Some(later) = later.as_deref_mut() {
                later.push(Deferred {
                    bound,
                    floor,
                    route: r,
                    pos: p,
                    start,
                });
                continue;
            }
            let (cost, steps) = Cascade::run(inst, sol, r, p, v, start);
            spent += steps * STEP_UNITS;
            let Some(cost) = cost else {
                continue;
            };
            // The cascade re-times this round's tail too.
            late_delta = late_v;
            extra = cost;
            end = None;
            ok = true;
        }
        if !ok {
            continue;
        }
        let mut round_extra = 0.0;
        if !spread {
            let end = end.unwrap_or(old.end);
            let depart = if p == 0 && break_before_v {
                st.shift_start
            } else if p == 0 {
                (start - tm.time_in(layer, st.start_place, vd.place)).max(st.shift_start)
            } else {
                old.depart
            };
            let Some(over) = round_end(st, old, end, depart) else {
                continue;
            };
            round_extra = w.overtime * over;
        }
        if blink() {
            continue;
        }
        let delta = floor + w.lateness * (late_delta - late_v) + round_extra + extra;
        if let Some(all) = all.as_deref_mut() {
            all.push((delta, p, start));
        }
        if best.is_none_or(|b| delta < b.0 - 1e-12) {
            best = Some((delta, p, start));
        }
    }
    sol.spend(spent);
    best
}

/// A position whose cost needs a cascade, kept until the cheap positions of every round
/// are known: most never need costing.
#[derive(Debug, Clone, Copy)]
pub struct Deferred {
    /// A lower bound on its cost change (cascades only add lateness and overtime).
    pub bound: f64,
    /// Its cost change before the cascade: travel, the visit's own lateness, preference.
    pub floor: f64,
    /// Round.
    pub route: usize,
    /// Position.
    pub pos: usize,
    /// The visit's start.
    pub start: f64,
}

/// Costs deferred positions, lowest bound first, while they can still beat `best`
/// (`(delta, round, position)`); returns the new best.
pub(crate) fn settle_later(
    inst: &Instance,
    sol: &Solution,
    v: usize,
    later: &mut [Deferred],
    mut best: Option<(f64, usize, usize)>,
    blink: &mut dyn FnMut() -> bool,
) -> Option<(f64, usize, usize)> {
    later.sort_by(|a, b| a.bound.total_cmp(&b.bound));
    for d in later.iter() {
        if best.is_some_and(|b| d.bound >= b.0 - 1e-12) {
            break;
        }
        let (cost, steps) = Cascade::run(inst, sol, d.route, d.pos, v, d.start);
        sol.spend(steps * STEP_UNITS);
        let Some(extra) = cost else {
            continue;
        };
        let delta = d.floor + extra;
        if best.is_none_or(|b| delta < b.0 - 1e-12) && !blink() {
            best = Some((delta, d.route, d.pos));
        }
    }
    best
}

/// Checks a round's new end and departure against its shift and office time; returns
/// the change in overtime minutes.
fn round_end(st: &StaffData, old: &RouteTiming, end: f64, depart: f64) -> Option<f64> {
    if end > st.latest_return + 1e-9 {
        return None;
    }
    let free = (st.shift_end - st.shift_start) - (end - depart);
    if st.admin_min > 0.0 && free < st.admin_min - 1e-9 {
        return None;
    }
    Some((end - st.shift_end).max(0.0) - old.overtime)
}

/// Stops re-timed per cascade at most; a longer chain of coupled moves is not offered.
const CASCADE_STEPS: u64 = 400;

/// New starts for one round touched by a cascade, by index in the round before the
/// insertion.
struct Touched {
    route: usize,
    starts: Vec<f64>,
    lates: Vec<f64>,
    bound: Vec<f64>,
    end: Option<f64>,
}

/// The coupled moves that an insertion sets off: a coupled start that moves later
/// raises the lower bound of its partners (the other side of a double-handed visit, a
/// visit that must follow with a minimum gap, a visit it must follow within a maximum
/// gap), whose rounds are pushed in turn, until every coupling holds again.
///
/// This is the least fixpoint that `couple::settle` computes over the whole plan, found
/// locally: starts only move later, so the first value that satisfies a bound is final.
struct Cascade<'a> {
    inst: &'a Instance,
    sol: &'a Solution,
    /// The round the visit goes into, its position and start.
    r0: usize,
    p: usize,
    v: usize,
    start: f64,
    touched: Vec<Touched>,
    queue: Vec<(usize, usize)>,
    steps: u64,
}

impl<'a> Cascade<'a> {
    /// Weighted change in lateness and overtime of every other stop and round (the
    /// inserted visit's own lateness excluded), or `None` when a window, shift end,
    /// office time, break or the inserted visit itself stops it; and the stops re-timed.
    fn run(
        inst: &'a Instance,
        sol: &'a Solution,
        r0: usize,
        p: usize,
        v: usize,
        start: f64,
    ) -> (Option<f64>, u64) {
        let mut c = Cascade {
            inst,
            sol,
            r0,
            p,
            v,
            start,
            touched: Vec::new(),
            queue: Vec::new(),
            steps: 0,
        };
        let cost = c.cost();
        (cost, c.steps)
    }

    fn cost(&mut self) -> Option<f64> {
        let (inst, sol, r0, p, v, start) = (self.inst, self.sol, self.r0, self.p, self.v, self.start);
        let i0 = self.touch(r0);
        self.queue.push((i0, p));
        // The new visit's own partners, where its start leaves them too early.
        self.raise_partners(v, start)?;
        while let Some((i, k)) = self.queue.pop() {
            self.propagate(i, k)?;
        }
        let w = &inst.weights;
        let mut cost = 0.0;
        for t in &self.touched {
            let r = t.route;
            let old = &sol.timings[r];
            let st = &inst.staff[r];
            let late: f64 = t.lates.iter().sum::<f64>() - old.stops.iter().map(|s| s.late).sum::<f64>();
            let end = t.end.unwrap_or(old.end);
            let depart = if r == r0 && p == 0 {
                (start - inst.time(r, st.start_place, inst.visits[v].place)).max(st.shift_start)
            } else if let Some(&s0) = t.starts.first() {
                let first = inst.visits[sol.routes[r][0]].place;
                (s0 - inst.time(r, st.start_place, first)).max(st.shift_start)
            } else {
                old.depart
            };
            cost += w.lateness * late + w.overtime * round_end(st, old, end, depart)?;
        }
        Some(cost)
    }

    /// Index of round `r` in `touched`, adding it with its current timing.
    fn touch(&mut self, r: usize) -> usize {
        if let Some(i) = self.touched.iter().position(|t| t.route == r) {
            return i;
        }
        let old = &self.sol.timings[r];
        self.touched.push(Touched {
            route: r,
            starts: old.stops.iter().map(|s| s.start).collect(),
            lates: old.stops.iter().map(|s| s.late).collect(),
            bound: vec![f64::NEG_INFINITY; old.stops.len()],
            end: None,
        });
        self.touched.len() - 1
    }

    /// Raises whatever visit `u` starting at `s` leaves too early: visits that must
    /// follow it by a minimum gap, visits it must follow within a maximum gap, and the
    /// other side of a double-handed visit.
    fn raise_partners(&mut self, u: usize, s: f64) -> Option<()> {
        let ud = &self.inst.visits[u];
        for &(w, _, max) in &ud.after {
            if let Some(max) = max {
                self.raise(w, s - max)?;
            }
        }
        for &(w, min, _) in &ud.before {
            self.raise(w, s + min)?;
        }
        if ud.double {
            self.raise(u, s)?;
        }
        Some(())
    }

    /// Requires visit `u` to start no earlier than `at`.
    fn raise(&mut self, u: usize, at: f64) -> Option<()> {
        if u == self.v {
            return (self.start >= at - EPS).then_some(());
        }
        if !self.sol.placed[u] {
            return Some(());
        }
        let slots: Vec<(usize, usize)> = self.sol.slots_of(u).collect();
        for (r, k) in slots {
            if r == self.r0 && k < self.p {
                // Before the insertion point: moving it would move the new visit.
                if self.sol.timings[r].stops[k].start < at - EPS {
                    return None;
                }
                continue;
            }
            let i = self.touch(r);
            let t = &mut self.touched[i];
            if t.starts[k] < at - EPS {
                t.bound[k] = t.bound[k].max(at);
                self.queue.push((i, k));
            }
        }
        Some(())
    }

    /// Re-times touched round `i` from index `k` until a start is unchanged.
    fn propagate(&mut self, i: usize, k: usize) -> Option<()> {
        let inst = self.inst;
        let r = self.touched[i].route;
        if !pushable(inst, r) {
            return None;
        }
        let st = &inst.staff[r];
        let route = &self.sol.routes[r];
        let tm = &inst.travel;
        let layer = st.layer;
        let (mut place, mut t) = if r == self.r0 && k == self.p {
            let vd = &inst.visits[self.v];
            (vd.place, self.start + vd.duration)
        } else if k == 0 {
            (st.start_place, st.shift_start)
        } else {
            let u = route[k - 1];
            (
                inst.visits[u].place,
                self.touched[i].starts[k - 1] + inst.visits[u].duration,
            )
        };
        for j in k..=route.len() {
            self.steps += 1;
            if self.steps > CASCADE_STEPS {
                return None;
            }
            let Some(&u) = route.get(j) else {
                self.touched[i].end = Some(t + tm.time_in(layer, place, st.end_place));
                break;
            };
            let ud = &inst.visits[u];
            let ready = (t + tm.time_in(layer, place, ud.place))
                .max(self.sol.lower.0[u])
                .max(self.touched[i].bound[j]);
            let (s, late) = ud.start_at(ready)?;
            let was = self.touched[i].starts[j];
            if s == was {
                break;
            }
            self.touched[i].starts[j] = s;
            self.touched[i].lates[j] = late;
            if ud.coupled() && s > was + EPS {
                self.raise_partners(u, s)?;
            }
            t = s + ud.duration;
            place = ud.place;
        }
        Some(())
    }
}
