//! Continuity of care over the week, counted once: which staff each client saw, how
//! many, and how much of their care came from their main carer. The solver prices it,
//! the checker recomputes it, the report prints it.

use super::Week;
use crate::model::{Plan, Step};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Who made each planned visit of a day: visit id → staff ids (two when double-handed).
pub fn served(plan: &Plan) -> HashMap<&str, Vec<&str>> {
    let mut out: HashMap<&str, Vec<&str>> = HashMap::new();
    for r in &plan.routes {
        for s in &r.steps {
            if let Step::Visit { visit, .. } = s {
                out.entry(visit.as_str()).or_default().push(r.staff.as_str());
            }
        }
    }
    out
}

/// One client's week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClientWeek {
    /// Client id.
    pub client: String,
    /// Visits planned over the week.
    pub visits: usize,
    /// Each staff member who came and how many of the visits they made, most first
    /// (ties by id).
    pub staff: Vec<(String, usize)>,
    /// Share of the visits their main (most frequent) carer made, 0 to 1.
    pub main_share: f64,
}

/// The continuity of a week plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    /// Clients with at least one planned visit, by id.
    pub clients: Vec<ClientWeek>,
    /// Mean of distinct staff per client.
    pub mean_staff: f64,
    /// Share of all planned visits made by the client's main carer.
    pub main_share: f64,
    /// Distinct staff beyond `continuity.target_staff`, summed over clients.
    pub extra_staff: usize,
    /// `extra_staff` × `continuity.per_extra_staff`.
    pub cost: f64,
}

/// Each client's planned visits in `plans` (one per day; `None` for a day not planned
/// yet) and how many of them each staff member made (both of a double-up count).
pub(super) fn by_client<'p>(
    week: &'p Week,
    plans: &[Option<&'p Plan>],
) -> BTreeMap<&'p str, (usize, BTreeMap<&'p str, usize>)> {
    let index: HashMap<&str, usize> = week
        .visits
        .iter()
        .enumerate()
        .map(|(k, v)| (v.id.as_str(), k))
        .collect();
    let mut by_client: BTreeMap<&str, (usize, BTreeMap<&str, usize>)> = BTreeMap::new();
    for plan in plans.iter().flatten() {
        for (visit, staff) in served(plan) {
            let Some(&k) = index.get(visit) else { continue };
            let entry = by_client.entry(week.visits[k].client.as_str()).or_default();
            entry.0 += 1;
            for s in staff {
                *entry.1.entry(s).or_default() += 1;
            }
        }
    }
    by_client
}

/// The continuity of `plans` (one per day; `None` for a day not planned yet).
pub fn figures(week: &Week, plans: &[Option<&Plan>]) -> Figures {
    let by_client = by_client(week, plans);
    let target = week.continuity.target_staff;
    let (mut visits, mut by_main, mut distinct, mut extra) = (0, 0, 0, 0);
    let clients: Vec<ClientWeek> = by_client
        .into_iter()
        .map(|(client, (n, counts))| {
            let mut staff: Vec<(String, usize)> =
                counts.into_iter().map(|(s, c)| (s.to_string(), c)).collect();
            staff.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let main = staff.first().map_or(0, |s| s.1);
            visits += n;
            by_main += main;
            distinct += staff.len();
            extra += staff.len().saturating_sub(target);
            ClientWeek {
                client: client.to_string(),
                visits: n,
                main_share: main as f64 / n as f64,
                staff,
            }
        })
        .collect();
    let mean_staff = if clients.is_empty() {
        0.0
    } else {
        distinct as f64 / clients.len() as f64
    };
    let main_share = if visits == 0 {
        0.0
    } else {
        by_main as f64 / visits as f64
    };
    Figures {
        clients,
        mean_staff,
        main_share,
        extra_staff: extra,
        cost: extra as f64 * week.continuity.per_extra_staff,
    }
}
