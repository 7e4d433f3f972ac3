//! Ruin: which visits to take out before re-inserting them.
//!
//! Mostly SISR's adjacent string removal (Christiaens & Vanden Berghe 2020): strings of
//! consecutive visits cut from several rounds near a random seed visit, sometimes keeping
//! a middle part ("split string"), so that re-insertion can rebuild a neighbourhood of
//! the plan. A small share of iterations use random removal for diversity.

use super::instance::Instance;
use super::solution::Solution;
use fastrand::Rng;
use std::borrow::Cow;

/// SISR parameters (the paper's defaults).
#[derive(Debug, Clone, Copy)]
pub struct RuinParams {
    /// Average number of visits removed.
    pub avg_removed: f64,
    /// Longest string.
    pub max_string: f64,
    /// Probability of a split string rather than a plain one.
    pub split_rate: f64,
    /// Probability of random removal instead of strings.
    pub random_rate: f64,
}

impl Default for RuinParams {
    fn default() -> Self {
        RuinParams {
            avg_removed: 10.0,
            max_string: 10.0,
            split_rate: 0.5,
            random_rate: 0.05,
        }
    }
}

/// Each visit's other visits, nearest first by travel plus how far apart their windows
/// open; the "granular" neighbourhood used by string removal.
pub fn neighbours(inst: &Instance, keep: usize) -> Vec<Vec<usize>> {
    let n = inst.visits.len();
    let open = |v: usize| inst.visits[v].windows.first().map_or(0.0, |w| w.0);
    (0..n)
        .map(|v| {
            let pv = inst.visits[v].place;
            let mut others: Vec<(f64, usize)> = (0..n)
                .filter(|&u| u != v)
                .map(|u| {
                    let pu = inst.visits[u].place;
                    let t = inst.travel.time(pv, pu).min(inst.travel.time(pu, pv));
                    (t + 0.1 * (open(u) - open(v)).abs(), u)
                })
                .collect();
            let k = keep.min(others.len());
            if k < others.len() {
                others.select_nth_unstable_by(k, |a, b| a.0.total_cmp(&b.0));
                others.truncate(k);
            }
            others.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            others.into_iter().map(|(_, u)| u).collect()
        })
        .collect()
}

/// Chooses visits to remove from `sol`: only visits that may move (what has happened
/// stays, see `Instance` visits' `actual`), so that a re-plan late in the day ruins as
/// many of the visits still to come as a plan made in the morning does.
///
/// When required visits are unassigned, a third of the removals start next to one of
/// them (the rounds around a visit that does not fit are the ones to rebuild, and a seed
/// drawn among placed visits rarely lands there on a large day) and a third empty the
/// time it needs in the rounds that may serve it ([`slot`]).
pub(crate) fn choose(
    inst: &Instance,
    sol: &Solution,
    near: &[Vec<usize>],
    params: &RuinParams,
    rng: &mut Rng,
) -> Vec<usize> {
    // The rounds as they are when nothing has happened (no copy on the hot path).
    let routes: Cow<[Vec<usize>]> = if inst.any_history {
        let movable = |v: usize| inst.visits[v].actual.is_none();
        Cow::Owned(
            sol.routes
                .iter()
                .map(|r| r.iter().copied().filter(|&v| movable(v)).collect())
                .collect(),
        )
    } else {
        Cow::Borrowed(&sol.routes)
    };
    let placed: usize = routes.iter().map(Vec::len).sum();
    if placed == 0 {
        return Vec::new();
    }
    if rng.f64() < params.random_rate {
        let k = rng.usize(1..=(params.avg_removed as usize).clamp(1, placed));
        let mut all: Vec<usize> = routes.iter().flatten().copied().collect();
        all.sort_unstable();
        all.dedup();
        rng.shuffle(&mut all);
        all.truncate(k);
        return all;
    }
    let stuck: Vec<usize> = sol
        .unassigned
        .iter()
        .copied()
        .filter(|&v| inst.visits[v].required)
        .collect();
    if stuck.is_empty() {
        return strings(&routes, near, params, rng, placed, None);
    }
    let v = stuck[rng.usize(..stuck.len())];
    match rng.usize(0..3) {
        0 => {
            let removed = slot(inst, &routes, sol, v, params, rng);
            if removed.is_empty() {
                strings(&routes, near, params, rng, placed, Some(v))
            } else {
                removed
            }
        }
        1 => strings(&routes, near, params, rng, placed, Some(v)),
        _ => strings(&routes, near, params, rng, placed, None),
    }
}

/// Slot removal for a required visit `v` left out: from one to three of the rounds that
/// may serve it, the visits still to come that start within one of its windows (widened
/// by its duration before and half an hour after). String removal around `v` cuts the
/// rounds of the visits *near* it in place and time; what keeps `v` out is often the
/// time of the staff who *may* make it (the only nurses left in the evening after an
/// absence), and emptying that time in their rounds is the move that lets `v` in first
/// (`search::recreate` inserts it before the visits removed here).
fn slot(
    inst: &Instance,
    routes: &[Vec<usize>],
    sol: &Solution,
    v: usize,
    params: &RuinParams,
    rng: &mut Rng,
) -> Vec<usize> {
    let visit = &inst.visits[v];
    if visit.windows.is_empty() {
        return Vec::new();
    }
    let (open, close) = visit.windows[rng.usize(..visit.windows.len())];
    let (from, to) = (open - visit.duration, close + 30.0);
    let mut rounds: Vec<usize> = (0..routes.len())
        .filter(|&s| visit.eligible[s] && inst.staff[s].max_visits > 0)
        .filter(|&s| inst.staff[s].shift_start < to && inst.staff[s].latest_return > from)
        .collect();
    rng.shuffle(&mut rounds);
    rounds.truncate(rng.usize(1..=3));
    let mut removed: Vec<usize> = rounds
        .iter()
        .flat_map(|&s| routes[s].iter().copied())
        .filter(|&u| (from..=to).contains(&sol.starts[u]))
        .collect();
    // No larger than a big string removal: the rest of the plan stays as it is.
    let cap = (3.0 * params.avg_removed) as usize;
    if removed.len() > cap {
        rng.shuffle(&mut removed);
        removed.truncate(cap);
    }
    removed.sort_unstable();
    removed.dedup();
    removed
}

/// String removal over `routes` (the movable visits of each round, in order) around
/// `seed`, or around a random placed visit.
fn strings(
    routes: &[Vec<usize>],
    near: &[Vec<usize>],
    params: &RuinParams,
    rng: &mut Rng,
    placed: usize,
    seed: Option<usize>,
) -> Vec<usize> {
    let used = routes.iter().filter(|r| !r.is_empty()).count().max(1);
    let avg_len = placed as f64 / used as f64;
    let ls_max = params.max_string.min(avg_len);
    let ks_max = 4.0 * params.avg_removed / (1.0 + ls_max) - 1.0;
    let ks = (rng.f64() * ks_max).floor() as usize + 1;
    // Where each visit is: its round (first one for double-handed visits).
    let mut route_of = vec![usize::MAX; near.len()];
    for (r, route) in routes.iter().enumerate() {
        for &v in route {
            if route_of[v] == usize::MAX {
                route_of[v] = r;
            }
        }
    }
    let seed = seed.unwrap_or_else(|| {
        let seeds: Vec<usize> = (0..near.len()).filter(|&v| route_of[v] != usize::MAX).collect();
        seeds[rng.usize(..seeds.len())]
    });
    let mut ruined = vec![false; routes.len()];
    let mut removed = Vec::new();
    let mut count = 0;
    for &c in std::iter::once(&seed).chain(near[seed].iter()) {
        if count >= ks {
            break;
        }
        let r = route_of[c];
        if r == usize::MAX || ruined[r] {
            continue;
        }
        ruined[r] = true;
        count += 1;
        let route = &routes[r];
        let len = route.len();
        let lt_max = (len as f64).min(ls_max);
        let lt = ((rng.f64() * lt_max).floor() as usize + 1).min(len);
        let pos = route.iter().position(|&v| v == c).unwrap_or(0);
        if rng.f64() < params.split_rate && lt < len {
            // A string of lt + m visits of which m in the middle stay.
            let mut m = 1;
            while lt + m < len && rng.f64() < 0.5 {
                m += 1;
            }
            let total = lt + m;
            let start = string_start(pos, total, len, rng);
            let keep_from = start + rng.usize(0..=lt);
            for (k, &v) in route[start..start + total].iter().enumerate() {
                let i = start + k;
                if i < keep_from || i >= keep_from + m {
                    removed.push(v);
                }
            }
        } else {
            let start = string_start(pos, lt, len, rng);
            removed.extend_from_slice(&route[start..start + lt]);
        }
    }
    removed.sort_unstable();
    removed.dedup();
    removed
}

/// A random start for a string of `len_s` visits that contains position `pos`.
fn string_start(pos: usize, len_s: usize, len: usize, rng: &mut Rng) -> usize {
    let lo = (pos + 1).saturating_sub(len_s);
    let hi = pos.min(len - len_s);
    if lo >= hi {
        hi
    } else {
        rng.usize(lo..=hi)
    }
}
