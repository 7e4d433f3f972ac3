//! The change list: what the new plan changes for each staff member against the old one.
//!
//! Complete by construction: every visit whose staff changed is removed from someone's
//! list or added to someone's (or both), and every visit kept by the same staff whose
//! start moved by more than [`RETIMED_MIN`] minutes is re-timed in each of their lists.

use crate::model::time::Clock;
use crate::model::{Plan, Step, Unassigned};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A start that moves by more than this many minutes is a change people are told about.
pub const RETIMED_MIN: f64 = crate::model::problem::RETIMED_GRACE_MIN;

/// A visit left out of the new problem because it can no longer be made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Missed {
    /// Visit id.
    pub visit: String,
    /// Why, in words a scheduler can act on.
    pub reason: String,
}

/// A rule of P' eased for one staff member so that what has happened can stay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Eased {
    /// Staff id.
    pub staff: String,
    /// The field of the staff member in P' that changed: `max_overtime_min`, `admin_min`
    /// or `breaks`.
    pub rule: String,
    /// What it means for them, in words.
    pub reason: String,
}

/// The change list of a re-plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Changes {
    /// The time of the re-plan.
    pub now: Clock,
    /// Per staff member whose day changed, in the problem's staff order.
    pub staff: Vec<StaffChanges>,
    /// Visits cancelled by the events.
    pub cancelled: Vec<String>,
    /// Visits that can no longer be made (their windows closed before `now`).
    pub missed: Vec<Missed>,
    /// Visits added by the events.
    pub added: Vec<String>,
    /// The new plan's unassigned visits, with their reasons.
    pub unassigned: Vec<Unassigned>,
    /// Rules of P' eased for staff whose visits in progress need it (a visit running past
    /// the shift end gives overtime), so history stays as it happened.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub eased: Vec<Eased>,
    /// Counts.
    pub totals: Totals,
}

/// What changed for one staff member.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffChanges {
    /// Staff id.
    pub staff: String,
    /// Visits they now make and did not.
    pub added: Vec<AddedVisit>,
    /// Visits they no longer make.
    pub removed: Vec<RemovedVisit>,
    /// Visits they still make, starting more than 10 minutes earlier or later.
    pub retimed: Vec<RetimedVisit>,
}

/// Why a visit joined a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AddedBecause {
    /// It was with other staff (`from`).
    Moved,
    /// A new visit (`visit_added`).
    New,
    /// The old plan left it unassigned.
    WasUnassigned,
}

/// Why a visit left a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RemovedBecause {
    /// Someone else makes it now (`to`).
    Moved,
    /// It is cancelled.
    Cancelled,
    /// It can no longer be made.
    Missed,
    /// The new plan leaves it unassigned (see `unassigned`).
    Unassigned,
}

/// A visit that joined a round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddedVisit {
    /// Visit id.
    pub visit: String,
    /// Its start in the new plan.
    pub start: Clock,
    /// Why.
    pub because: AddedBecause,
    /// Who made it in the old plan (besides this staff member).
    pub from: Vec<String>,
}

/// A visit that left a round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemovedVisit {
    /// Visit id.
    pub visit: String,
    /// Its start in the old plan.
    pub start: Clock,
    /// Why.
    pub because: RemovedBecause,
    /// Who makes it in the new plan (besides this staff member).
    pub to: Vec<String>,
}

/// A visit whose start moved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RetimedVisit {
    /// Visit id.
    pub visit: String,
    /// Start in the old plan.
    pub from: Clock,
    /// Start in the new plan.
    pub to: Clock,
}

/// Counts over the change list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ChangeTotals)]
pub struct Totals {
    /// Visits made by other staff than in the old plan (both plans make them).
    pub moved: usize,
    /// Visits kept by the same staff whose start moved by more than 10 minutes.
    pub retimed: usize,
    /// Staff members with at least one change.
    pub staff_affected: usize,
}

/// Who makes each visit and when, by visit id.
fn assignments(plan: &Plan) -> BTreeMap<&str, (BTreeSet<&str>, f64)> {
    let mut out: BTreeMap<&str, (BTreeSet<&str>, f64)> = BTreeMap::new();
    for r in &plan.routes {
        for step in &r.steps {
            if let Step::Visit { visit, start, .. } = step {
                let e = out.entry(visit.as_str()).or_insert((BTreeSet::new(), start.0));
                e.0.insert(r.staff.as_str());
                e.1 = e.1.max(start.0);
            }
        }
    }
    out
}

/// What the events decided before any solving: for [`compare`].
#[derive(Debug, Clone, Default)]
pub struct Decided<'a> {
    /// The time of the re-plan, minutes.
    pub now: f64,
    /// Staff ids, in the problem's order.
    pub staff: Vec<&'a str>,
    /// Cancelled visit ids.
    pub cancelled: &'a [String],
    /// Missed visits.
    pub missed: &'a [Missed],
    /// Added visit ids.
    pub added: &'a [String],
    /// Rules eased for history.
    pub eased: &'a [Eased],
}

/// The change list from `old` to `new`.
pub fn compare(old: &Plan, new: &Plan, decided: &Decided) -> Changes {
    let (a, b) = (assignments(old), assignments(new));
    let cancelled: BTreeSet<&str> = decided.cancelled.iter().map(String::as_str).collect();
    let missed: BTreeSet<&str> = decided.missed.iter().map(|m| m.visit.as_str()).collect();
    let added: BTreeSet<&str> = decided.added.iter().map(String::as_str).collect();
    let others = |set: Option<&BTreeSet<&str>>, me: &str| -> Vec<String> {
        set.map(|s| s.iter().filter(|x| **x != me).map(|x| x.to_string()).collect())
            .unwrap_or_default()
    };
    let mut staff = Vec::new();
    for &me in &decided.staff {
        let mut c = StaffChanges {
            staff: me.to_string(),
            ..StaffChanges::default()
        };
        for (&v, (who, start)) in &a {
            if !who.contains(me) {
                continue;
            }
            match b.get(v) {
                Some((now_who, now_start)) if now_who.contains(me) => {
                    if (now_start - start).abs() > RETIMED_MIN {
                        c.retimed.push(RetimedVisit {
                            visit: v.to_string(),
                            from: Clock(*start),
                            to: Clock(*now_start),
                        });
                    }
                }
                other => {
                    let because = if cancelled.contains(v) {
                        RemovedBecause::Cancelled
                    } else if missed.contains(v) {
                        RemovedBecause::Missed
                    } else if other.is_none() {
                        RemovedBecause::Unassigned
                    } else {
                        RemovedBecause::Moved
                    };
                    c.removed.push(RemovedVisit {
                        visit: v.to_string(),
                        start: Clock(*start),
                        because,
                        to: others(other.map(|o| &o.0), me),
                    });
                }
            }
        }
        for (&v, (who, start)) in &b {
            if !who.contains(me) || a.get(v).is_some_and(|(w, _)| w.contains(me)) {
                continue;
            }
            let before = a.get(v);
            let because = if added.contains(v) {
                AddedBecause::New
            } else if before.is_none() {
                AddedBecause::WasUnassigned
            } else {
                AddedBecause::Moved
            };
            c.added.push(AddedVisit {
                visit: v.to_string(),
                start: Clock(*start),
                because,
                from: others(before.map(|o| &o.0), me),
            });
        }
        c.added.sort_by(|x, y| x.start.0.total_cmp(&y.start.0));
        c.removed.sort_by(|x, y| x.start.0.total_cmp(&y.start.0));
        c.retimed.sort_by(|x, y| x.to.0.total_cmp(&y.to.0));
        if !(c.added.is_empty() && c.removed.is_empty() && c.retimed.is_empty()) {
            staff.push(c);
        }
    }
    let mut totals = Totals {
        staff_affected: staff.len(),
        ..Totals::default()
    };
    for (v, (who, start)) in &a {
        if let Some((now_who, now_start)) = b.get(v) {
            if who != now_who {
                totals.moved += 1;
            } else if (now_start - start).abs() > RETIMED_MIN {
                totals.retimed += 1;
            }
        }
    }
    Changes {
        now: Clock(decided.now),
        staff,
        cancelled: decided.cancelled.to_vec(),
        missed: decided.missed.to_vec(),
        added: decided.added.to_vec(),
        unassigned: new.unassigned.clone(),
        eased: decided.eased.to_vec(),
        totals,
    }
}

/// The visit ids the change list names for someone (added, removed or re-timed).
pub fn named(changes: &Changes) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for s in &changes.staff {
        out.extend(s.added.iter().map(|x| x.visit.clone()));
        out.extend(s.removed.iter().map(|x| x.visit.clone()));
        out.extend(s.retimed.iter().map(|x| x.visit.clone()));
    }
    out
}
