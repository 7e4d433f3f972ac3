//! The estimator: visit logs read against a problem give, per visit type and per client
//! and type, the ratio of the visit length actually spent to the length planned.
//!
//! Ratios rather than minutes, so that one client's 30-minute morning and 15-minute
//! evening visits of the same type pool their evidence, and so that a figure learned on
//! one week's problem carries to the next week's, whose booked lengths may differ.
//! A client's figures are shrunk toward its type's by the weight `n / (n + k)`: with few
//! records a client is mostly its type, with many mostly itself (a credibility weight, as
//! in Bühlmann's model, with `k` fixed instead of estimated).

use super::document::{sorted, ClientEstimate, Durations, TypeEstimate, VERSION};
use super::matching::{resolve, Resolved};
use super::quantile::quantile;
use super::{Settings, MAX_RATIO, NOT_MADE_NOTES};
use crate::model::Problem;
use crate::monitor::{LogRead, RefusedRow};
use serde::Serialize;
use std::collections::BTreeMap;

/// What the estimator did with the records, for the summary people read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Records behind the estimates.
    pub used: usize,
    /// Records whose note says the visit did not happen ([`NOT_MADE_NOTES`]).
    pub not_made: usize,
    /// Records left out as absurd: a length of 0 or less, or over 5 times the plan.
    pub absurd: usize,
    /// Rows refused: by the log reader (bad cells) or here (a visit or client not in
    /// the problem).
    pub refused: usize,
    /// Client-and-type groups estimated.
    pub clients: usize,
    /// Visit types estimated.
    pub types: usize,
}

/// The estimator's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Learned {
    /// The figures (DURATIONS.json).
    pub durations: Durations,
    /// What became of the records.
    pub counts: Counts,
    /// Every refused row, with the index of its log read in the list given to [`learn`]
    /// (for the file name), in order: per read, the reader's refusals first.
    pub refused: Vec<(usize, RefusedRow)>,
}

/// Learns from `logs` (any number of files, of any number of days) read against
/// `problem`, whose visits give each record its client, type and planned length.
pub fn learn(problem: &Problem, logs: &[LogRead], settings: &Settings) -> Learned {
    let mut counts = Counts::default();
    let mut refused = Vec::new();
    let mut by_type: BTreeMap<Vec<String>, Vec<f64>> = BTreeMap::new();
    let mut by_client: BTreeMap<(String, Vec<String>), Vec<f64>> = BTreeMap::new();
    let types: Vec<Vec<String>> = problem.visits.iter().map(|v| sorted(&v.skills)).collect();
    let resolved = logs.iter().enumerate().flat_map(|(f, read)| {
        refused.extend(read.refused.iter().map(|r| (f, r.clone())));
        resolve(problem, read).into_iter().map(move |r| (f, r))
    });
    let mut late_refused = Vec::new();
    for (f, r) in resolved {
        let (log, v) = match r {
            Resolved::Refused(row) => {
                late_refused.push((f, row));
                continue;
            }
            Resolved::Visit(log, v) => (log, v),
        };
        let not_made = log
            .note
            .as_deref()
            .is_some_and(|n| NOT_MADE_NOTES.iter().any(|m| m.eq_ignore_ascii_case(n.trim())));
        if not_made {
            counts.not_made += 1;
            continue;
        }
        let visit = &problem.visits[v];
        let length = log.contact_min();
        let ratio = length / visit.duration;
        if !(length > 0.0 && visit.duration > 0.0 && ratio.is_finite() && ratio <= MAX_RATIO) {
            counts.absurd += 1;
            continue;
        }
        counts.used += 1;
        by_type.entry(types[v].clone()).or_default().push(ratio);
        if !visit.client.is_empty() {
            by_client
                .entry((visit.client.clone(), types[v].clone()))
                .or_default()
                .push(ratio);
        }
    }
    refused.extend(late_refused);
    refused.sort_by_key(|(f, _)| *f);
    counts.refused = refused.len();
    let figures = |mut x: Vec<f64>| {
        x.sort_by(f64::total_cmp);
        let m = quantile(&x, 0.5).unwrap_or(1.0);
        let q = quantile(&x, settings.quantile).unwrap_or(1.0);
        (m, q, x.len())
    };
    let mut type_figures = BTreeMap::new();
    let mut out_types = Vec::new();
    for (skills, x) in by_type {
        let (m, q, n) = figures(x);
        type_figures.insert(skills.clone(), (m, q));
        out_types.push(TypeEstimate {
            skills,
            ratio_median: round4(m),
            ratio_planning: round4(q),
            records: n,
        });
    }
    let mut out_clients = Vec::new();
    for ((client, skills), x) in by_client {
        let (m, q, n) = figures(x);
        // Every client record is also a record of its type, so the type exists.
        let (tm, tq) = type_figures.get(&skills).copied().unwrap_or((m, q));
        let w = n as f64 / (n as f64 + settings.k);
        out_clients.push(ClientEstimate {
            client,
            skills,
            ratio_median: round4(w * m + (1.0 - w) * tm),
            ratio_planning: round4(w * q + (1.0 - w) * tq),
            records: n,
        });
    }
    counts.clients = out_clients.len();
    counts.types = out_types.len();
    Learned {
        durations: Durations {
            version: VERSION,
            quantile: settings.quantile,
            k: settings.k,
            clients: out_clients,
            types: out_types,
        },
        counts,
        refused,
    }
}

/// Four decimals: a ratio to 0.01% of a visit is more than any plan uses, and the file
/// stays readable.
fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}
