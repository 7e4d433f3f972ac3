//! Matching logs to the plan. The rules (docs/MONITOR.md "Matching"):
//!
//! 1. A record whose staff id is not in the problem is refused; so is one dated another
//!    day than the report's `date` (when given), and a second record of the same visit by
//!    the same staff member (the first is kept).
//! 2. A record with a visit id takes that visit's slot planned for its staff member.
//! 3. Records with a visit id left over take a slot of that visit planned for someone
//!    else and not logged by them ("logged by other staff"), in file order.
//! 4. A record with a client (and no visit id) takes, among the slots of that client's
//!    visits still unlogged, one planned for its staff member if any, else anyone's; the
//!    one whose planned start is nearest the logged start.
//! 5. Whatever is left is "logged but not planned": a visit the plan leaves unassigned,
//!    one not in the problem, a client with no unlogged planned visit, or a visit made more
//!    often than planned.

use super::logs::{LogColumns, RefusedRow, VisitLog};
use super::planned::Slot;
use crate::model::Ids;
use crate::model::{InputErrorKind, Problem};
use std::collections::HashMap;

/// What became of each record (by index in the record list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fate {
    /// Refused (its [`RefusedRow`] is in [`Matching::refused`]).
    Refused,
    /// Matched to a slot (index into the slot list).
    Slot(usize),
    /// Logged but not planned; the problem visit if known.
    Unplanned(Option<usize>),
}

/// The outcome of matching.
#[derive(Debug, Clone)]
pub(crate) struct Matching {
    /// By record.
    pub fate: Vec<Fate>,
    /// Staff index of each record (meaningless for refused records).
    pub staff: Vec<usize>,
    /// The record that made each slot.
    pub record_of_slot: Vec<Option<usize>>,
    /// Rows refused by the rules above.
    pub refused: Vec<RefusedRow>,
}

/// Matches `records` to `slots` by the rules of the module docs.
pub(crate) fn match_logs(
    problem: &Problem,
    slots: &[Slot],
    records: &[VisitLog],
    columns: &LogColumns,
    date: Option<&str>,
) -> Matching {
    let n = records.len();
    let mut m = Matching {
        fate: vec![Fate::Unplanned(None); n],
        staff: vec![0; n],
        record_of_slot: vec![None; slots.len()],
        refused: Vec::new(),
    };
    let ids = Ids::of(problem);
    let mut slot_of: HashMap<(usize, usize), usize> = HashMap::new();
    for (i, s) in slots.iter().enumerate() {
        slot_of.insert((s.visit, s.staff), i);
    }
    let mut by_visit: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut by_client: HashMap<&str, Vec<usize>> = HashMap::new();
    for (k, sl) in slots.iter().enumerate() {
        by_visit.entry(sl.visit).or_default().push(k);
        by_client
            .entry(problem.visits[sl.visit].client.as_str())
            .or_default()
            .push(k);
    }
    // The first visit of each client that the plan leaves out (rule 5).
    let mut unplanned_of_client: HashMap<&str, usize> = HashMap::new();
    for (i, v) in problem.visits.iter().enumerate().rev() {
        if !by_visit.contains_key(&i) {
            unplanned_of_client.insert(v.client.as_str(), i);
        }
    }
    let mut seen: HashMap<(String, usize), usize> = HashMap::new();
    let refuse = |m: &mut Matching, r: usize, field: &str, kind, msg: String| {
        m.fate[r] = Fate::Refused;
        m.refused
            .push(RefusedRow::new(records[r].source, Some(field), kind, msg));
    };
    let col = |f: &str| {
        columns
            .pairs()
            .iter()
            .find(|p| p.0 == f)
            .map_or(f.to_string(), |p| p.1.to_string())
    };
    // Rule 1.
    for (r, log) in records.iter().enumerate() {
        let Some(s) = ids.staff(&log.staff) else {
            refuse(
                &mut m,
                r,
                &col("staff"),
                InputErrorKind::UnknownReference,
                format!(
                    "staff '{}' is not in the problem: use the problem's staff ids (staff[].id)",
                    log.staff
                ),
            );
            continue;
        };
        m.staff[r] = s;
        if let (Some(want), Some(got)) = (date, log.date.as_deref()) {
            if want != got {
                refuse(
                    &mut m,
                    r,
                    &col("date"),
                    InputErrorKind::Conflict,
                    format!("dated {got}, but this report is for {want}: report each day with its own plan"),
                );
                continue;
            }
        }
        if let Some(v) = &log.visit {
            if let Some(first) = seen.get(&(v.clone(), s)) {
                refuse(
                    &mut m,
                    r,
                    &col("visit"),
                    InputErrorKind::Duplicate,
                    format!(
                        "visit '{v}' is already logged by '{}' ({}): remove the repeat",
                        log.staff, records[*first].source
                    ),
                );
                continue;
            }
            seen.insert((v.clone(), s), r);
        }
    }
    let live = |m: &Matching, r: usize| m.fate[r] != Fate::Refused;
    // Rule 2.
    for (r, log) in records.iter().enumerate() {
        let Some(v) = log.visit.as_deref().and_then(|v| ids.visit(v)) else {
            continue;
        };
        if !live(&m, r) {
            continue;
        }
        m.fate[r] = Fate::Unplanned(Some(v));
        if let Some(&k) = slot_of.get(&(v, m.staff[r])) {
            m.fate[r] = Fate::Slot(k);
            m.record_of_slot[k] = Some(r);
        }
    }
    // Rule 3.
    for (r, log) in records.iter().enumerate() {
        let Fate::Unplanned(Some(v)) = m.fate[r] else {
            continue;
        };
        if log.visit.is_none() {
            continue;
        }
        let free = by_visit
            .get(&v)
            .and_then(|ks| ks.iter().copied().find(|&k| m.record_of_slot[k].is_none()));
        if let Some(k) = free {
            m.fate[r] = Fate::Slot(k);
            m.record_of_slot[k] = Some(r);
        }
    }
    // Rule 4.
    for (r, log) in records.iter().enumerate() {
        if !live(&m, r) || log.visit.is_some() {
            continue;
        }
        let Some(client) = log.client.as_deref() else {
            continue;
        };
        let s = m.staff[r];
        let of_client = by_client.get(client).map_or(&[][..], Vec::as_slice);
        let nearest = |own: bool| {
            of_client
                .iter()
                .copied()
                .filter(|&k| m.record_of_slot[k].is_none() && (!own || slots[k].staff == s))
                .min_by(|&a, &b| {
                    let d = |k: usize| (slots[k].start - log.started).abs();
                    d(a).total_cmp(&d(b)).then(a.cmp(&b))
                })
        };
        if let Some(k) = nearest(true).or_else(|| nearest(false)) {
            m.fate[r] = Fate::Slot(k);
            m.record_of_slot[k] = Some(r);
        } else {
            // Rule 5: an unplanned visit of this client, if the problem has one.
            let v = unplanned_of_client.get(client).copied();
            m.fate[r] = Fate::Unplanned(v);
        }
    }
    m
}
