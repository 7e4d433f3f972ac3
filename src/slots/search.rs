//! [`Day::slots`]: every feasible position of a new visit in every eligible round (two
//! rounds at a common start when double-handed), ranked by the plan's cost increase.

use super::{BookError, Day, SlotOption, Slots, EPS, MAX_K, PAIR_BUDGET, SHIFT_TOL};
use crate::model::input::VisitInput;
use crate::model::time::Clock;
use crate::model::Problem;
use crate::solve::booked::{
    blocks_everyone, partner_bounds, same_moment, simulate, Block, Fitting, Instance, RouteTiming,
};

/// A feasible single-round insertion.
#[derive(Debug, Clone, Copy)]
struct Cand {
    staff: usize,
    pos: usize,
    start: f64,
    delta: f64,
    travel: f64,
    distance: f64,
    late: f64,
    shifted: usize,
}

impl Day {
    /// The best `k` ways to book `visit` (cheapest first).
    pub fn slots(&self, visit: &VisitInput, k: usize) -> Result<Slots, BookError> {
        if k == 0 || k > MAX_K {
            return Err(BookError::K(k));
        }
        let (problem, travel) = self.extend(visit)?;
        let inst = Instance::with_travel(&problem, travel);
        let v = problem.visits.len() - 1;
        let vd = &inst.visits[v];
        // Bounds from gaps to booked visits (a gap to an unassigned visit does not apply).
        let booked = |u: usize| self.lower.get(u).copied().filter(|&s| s > f64::NEG_INFINITY);
        let (lo, hi) = partner_bounds(&inst, v, booked);
        let same_moment: Vec<usize> = same_moment(&inst, v).filter(|&u| booked(u).is_some()).collect();
        let mut cands = Vec::new();
        let mut blocks: Vec<Block> = Vec::new();
        let mut eligible = 0;
        if lo <= hi + EPS {
            for s in 0..inst.staff.len() {
                if !vd.eligible[s] {
                    continue;
                }
                eligible += 1;
                let Some(base) = &self.base[s] else { continue };
                if same_moment.iter().any(|u| self.routes[s].contains(u)) {
                    continue;
                }
                self.insertions(&inst, s, base, v, (lo, hi), &mut cands, &mut blocks);
            }
        }
        let mut options = if vd.double {
            self.pairs(&inst, v, &cands, k)
        } else {
            cands.sort_by(|a, b| a.delta.total_cmp(&b.delta).then(a.start.total_cmp(&b.start)));
            let mut out: Vec<SlotOption> = Vec::with_capacity(k);
            for c in &cands {
                let dup = out
                    .iter()
                    .any(|o| o.staff[0] == problem.staff[c.staff].id && (o.start.0 - c.start).abs() < 0.5);
                if !dup {
                    out.push(self.option(&inst, v, &[*c], c.start));
                }
                if out.len() == k {
                    break;
                }
            }
            out
        };
        options.sort_by(|a, b| {
            a.added_cost
                .total_cmp(&b.added_cost)
                .then(a.start.0.total_cmp(&b.start.0))
                .then_with(|| a.staff.cmp(&b.staff))
        });
        options.truncate(k);
        let reason = options
            .is_empty()
            .then(|| no_option_reason(&problem, v, eligible, lo > hi + EPS, &blocks));
        Ok(Slots {
            options,
            reason,
            skipped: self.skipped.clone(),
        })
    }

    /// Every feasible position of `v` in staff `s`'s round.
    #[allow(clippy::too_many_arguments)]
    fn insertions(
        &self,
        inst: &Instance,
        s: usize,
        base: &RouteTiming,
        v: usize,
        (lo, hi): (f64, f64),
        out: &mut Vec<Cand>,
        blocks: &mut Vec<Block>,
    ) {
        let route = &self.routes[s];
        let bounds = Fitting {
            lower: &self.lower,
            visit: v,
            lo,
            hi,
        };
        let base_cost = base.cost(inst);
        let mut seq = Vec::with_capacity(route.len() + 1);
        for p in 0..=route.len() {
            seq.clear();
            seq.extend_from_slice(&route[..p]);
            seq.push(v);
            seq.extend_from_slice(&route[p..]);
            let t = match simulate(inst, s, &seq, &bounds) {
                Ok(t) => t,
                Err(b) => {
                    blocks.push(b);
                    continue;
                }
            };
            if let Some(c) = self.cand(inst, s, p, base, base_cost, &t) {
                out.push(c);
            }
        }
    }

    /// The candidate for a timed round with the new visit at `p`, unless a tied visit moved.
    fn cand(
        &self,
        inst: &Instance,
        s: usize,
        p: usize,
        base: &RouteTiming,
        base_cost: f64,
        t: &RouteTiming,
    ) -> Option<Cand> {
        let mut shifted = 0;
        for (k, st) in t.stops.iter().enumerate() {
            if k == p {
                continue;
            }
            let old = base.stops[if k < p { k } else { k - 1 }].start;
            if (st.start - old).abs() > SHIFT_TOL {
                if inst.visits[st.visit].coupled() {
                    return None;
                }
                shifted += 1;
            } else if inst.visits[st.visit].coupled() && (st.start - old).abs() > EPS {
                return None;
            }
        }
        Some(Cand {
            staff: s,
            pos: p,
            start: t.stops[p].start,
            delta: t.cost(inst) - base_cost,
            travel: t.travel - base.travel,
            distance: t.distance - base.distance,
            late: t.stops[p].late,
            shifted,
        })
    }

    /// Options for a double-handed visit: two rounds at a common start, cheapest first.
    /// Pairs are timed in order of the sum of their single costs (a lower bound: a later
    /// start never costs less), stopping once `k` options beat every bound left.
    fn pairs(&self, inst: &Instance, v: usize, cands: &[Cand], k: usize) -> Vec<SlotOption> {
        let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
        for (i, a) in cands.iter().enumerate() {
            for (j, b) in cands.iter().enumerate().skip(i + 1) {
                if a.staff != b.staff && inst.visits[v].pair_allowed(a.staff, b.staff) {
                    pairs.push((a.delta + b.delta, i, j));
                }
            }
        }
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut found: Vec<(f64, [Cand; 2], f64)> = Vec::new();
        for &(bound, i, j) in pairs.iter().take(PAIR_BUDGET) {
            if found.len() >= k && bound >= found[k - 1].0 - 1e-9 {
                break;
            }
            let start = cands[i].start.max(cands[j].start);
            let (Some(a), Some(b)) = (
                self.at(inst, v, &cands[i], start),
                self.at(inst, v, &cands[j], start),
            ) else {
                continue;
            };
            let cost = a.delta + b.delta;
            let dup = found.iter().any(|f| {
                let same = |x: &Cand, y: &Cand| x.staff == y.staff;
                ((same(&f.1[0], &a) && same(&f.1[1], &b)) || (same(&f.1[0], &b) && same(&f.1[1], &a)))
                    && (f.2 - start).abs() < 0.5
            });
            if dup {
                continue;
            }
            let at = found.partition_point(|f| f.0 <= cost);
            found.insert(at, (cost, [a, b], start));
        }
        found.truncate(k);
        found
            .iter()
            .map(|(_, c, start)| self.option(inst, v, c, *start))
            .collect()
    }

    /// Re-times `c`'s round with the new visit's start fixed at `start`.
    fn at(&self, inst: &Instance, v: usize, c: &Cand, start: f64) -> Option<Cand> {
        let base = self.base[c.staff].as_ref()?;
        let route = &self.routes[c.staff];
        let mut seq = Vec::with_capacity(route.len() + 1);
        seq.extend_from_slice(&route[..c.pos]);
        seq.push(v);
        seq.extend_from_slice(&route[c.pos..]);
        let bounds = Fitting {
            lower: &self.lower,
            visit: v,
            lo: start,
            hi: start,
        };
        let t = simulate(inst, c.staff, &seq, &bounds).ok()?;
        if (t.stops[c.pos].start - start).abs() > EPS {
            return None;
        }
        self.cand(inst, c.staff, c.pos, base, base.cost(inst), &t)
    }

    /// The option for one or two timed insertions; names come from the booked problem
    /// (the new visit's own id is never needed).
    fn option(&self, inst: &Instance, v: usize, cands: &[Cand], start: f64) -> SlotOption {
        let problem = &self.problem;
        let vd = &inst.visits[v];
        let r4 = |x: f64| (x * 1e4).round() / 1e4;
        SlotOption {
            staff: cands.iter().map(|c| problem.staff[c.staff].id.clone()).collect(),
            start: Clock(start),
            end: Clock(start + vd.duration),
            added_travel_min: r4(cands.iter().map(|c| c.travel).sum()),
            added_distance_km: r4(cands.iter().map(|c| c.distance).sum()),
            late_min: r4(cands.iter().map(|c| c.late).fold(0.0, f64::max)),
            added_cost: r4(cands.iter().map(|c| c.delta).sum()),
            after_visit: cands
                .iter()
                .map(|c| (c.pos > 0).then(|| problem.visits[self.routes[c.staff][c.pos - 1]].id.clone()))
                .collect(),
            shifted_visits: cands.iter().map(|c| c.shifted).sum(),
            preferred: cands.iter().any(|c| vd.preferred[c.staff]),
        }
    }
}

/// Why no staff member can take the visit.
fn no_option_reason(
    problem: &Problem,
    v: usize,
    eligible: usize,
    gap_conflict: bool,
    blocks: &[Block],
) -> String {
    if gap_conflict {
        return "its `after` gaps cannot all be met by the booked starts".to_string();
    }
    if eligible == 0 {
        return blocks_everyone(problem, v).unwrap_or_else(|| "no staff member may serve it".to_string());
    }
    let mut window = 0;
    let mut shift = 0;
    let mut breaks = 0;
    let mut limits = 0;
    let mut tied = 0;
    for b in blocks {
        match b {
            Block::Window { visit, .. } if *visit == v => window += 1,
            Block::Window { .. } | Block::Coupling { .. } => tied += 1,
            Block::ShiftEnd { .. } => shift += 1,
            Block::Break => breaks += 1,
            _ => limits += 1,
        }
    }
    let mut parts = Vec::new();
    for (n, what) in [
        (window, "miss its windows"),
        (tied, "would push another visit past its window or partner"),
        (shift, "would end after the shift"),
        (breaks, "leave no time for a break"),
        (limits, "break a limit (visits, travel, capacity or office time)"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    }
    if parts.is_empty() {
        format!("{eligible} eligible staff, but no position keeps the booked visits in place")
    } else {
        format!(
            "no position in the {eligible} eligible staff members' rounds works: of the positions tried, {}",
            parts.join("; ")
        )
    }
}
