//! Planning with what was learned: each visit's `duration_min` becomes its planned length
//! times the learned ratio, the client's (for that visit type) where there is one, else
//! the type's. Applied to the problem document before validation, so every later step
//! (validation, solve, check, re-plan, slots) sees one consistent problem, and the plan
//! that comes out passes `check` against the problem written with it.

use super::document::{sorted, Durations};
use crate::model::input::ProblemInput;
use serde::Serialize;
use std::collections::HashMap;

/// Which learned figure to plan with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Use {
    /// The upper quantile (`ratio_planning`): lengths most visits fit in, for plans that
    /// should hold.
    #[default]
    Planning,
    /// The median (`ratio_median`): the expected length, for forecasts.
    Expected,
}

/// Which estimate changed a visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The client's own figure (shrunk toward its type).
    Client,
    /// The visit type's figure (the client had no records of this type).
    Type,
}

/// One visit whose length changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Changed {
    /// The visit id.
    pub visit: String,
    /// `duration_min` before.
    pub from_min: f64,
    /// `duration_min` after: whole minutes, at least 1.
    pub to_min: f64,
    /// Records behind the figure used.
    pub records: usize,
    /// Whose figure.
    pub basis: Basis,
}

/// `problem` with learned lengths, and the visits that changed, in problem order. Visits
/// with `actual` (history, as re-planning writes it) keep theirs: they have happened.
/// A visit with no estimate, or whose new length rounds to its old one, is not listed.
pub fn apply(problem: &ProblemInput, durations: &Durations, use_: Use) -> (ProblemInput, Vec<Changed>) {
    let pick = |median: f64, planning: f64| match use_ {
        Use::Planning => planning,
        Use::Expected => median,
    };
    let clients: HashMap<(&str, Vec<String>), (f64, usize)> = durations
        .clients
        .iter()
        .map(|c| {
            (
                (c.client.as_str(), sorted(&c.skills)),
                (pick(c.ratio_median, c.ratio_planning), c.records),
            )
        })
        .collect();
    let types: HashMap<Vec<String>, (f64, usize)> = durations
        .types
        .iter()
        .map(|t| {
            (
                sorted(&t.skills),
                (pick(t.ratio_median, t.ratio_planning), t.records),
            )
        })
        .collect();
    let mut out = problem.clone();
    let mut changed = Vec::new();
    for v in &mut out.visits {
        if v.actual.is_some() {
            continue;
        }
        let skills = sorted(&v.skills);
        let client = v.client.as_deref().unwrap_or("");
        let found = clients
            .get(&(client, skills.clone()))
            .map(|&(r, n)| (r, n, Basis::Client))
            .or_else(|| types.get(&skills).map(|&(r, n)| (r, n, Basis::Type)));
        let Some((ratio, records, basis)) = found else {
            continue;
        };
        if !(v.duration_min.is_finite() && v.duration_min > 0.0) {
            continue; // validation names it
        }
        let to = (v.duration_min * ratio).round().max(1.0);
        if to != v.duration_min {
            changed.push(Changed {
                visit: v.id.clone(),
                from_min: v.duration_min,
                to_min: to,
                records,
                basis,
            });
            v.duration_min = to;
        }
    }
    (out, changed)
}

/// The change of most minutes (the first of equals), for one-line summaries.
pub fn largest(changed: &[Changed]) -> Option<&Changed> {
    changed.iter().fold(None, |best: Option<&Changed>, c| match best {
        Some(b) if (b.to_min - b.from_min).abs() >= (c.to_min - c.from_min).abs() => Some(b),
        _ => Some(c),
    })
}
