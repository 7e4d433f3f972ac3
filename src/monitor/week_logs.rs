//! Placing the week's log records on its days (docs/MONITOR.md "A week"): a record goes to
//! the day its `date` names; a record without a date goes to the one day whose plan holds
//! its visit id. A date that is none of the days, or an undated visit planned on no day or
//! on several, is refused with the row and the fix (give the date).
//!
//! Records reach each day's [`MonitorReport`](super::MonitorReport) renumbered
//! `Index(k)`, `k` unique over the week, so that rows of two files with the same row
//! number stay apart inside one day; [`Placed::origin`] turns `k` back into the file and
//! its own row.

use super::logs::{LogColumns, LogRead, LogSource, RefusedRow, VisitLog};
use super::week::{LogSet, WeekRefusal};
use crate::model::{InputErrorKind, Plan, Step};
use std::collections::HashSet;

/// The records of each day, and where every record came from.
pub(crate) struct Placed {
    /// One log read per day (in the order of the dates given): the day's records,
    /// renumbered, with default column names (refusals are mapped back by [`Placed::back`]).
    pub days: Vec<LogRead>,
    /// By week-wide record number: the log set and the record's own row or index.
    pub origin: Vec<(usize, LogSource)>,
    /// Records no day takes, and every row the readers refused.
    pub refused: Vec<WeekRefusal>,
}

/// The visit ids a plan holds.
fn planned_ids(plan: &Plan) -> HashSet<&str> {
    plan.routes
        .iter()
        .flat_map(|r| &r.steps)
        .filter_map(|s| match s {
            Step::Visit { visit, .. } => Some(visit.as_str()),
            _ => None,
        })
        .collect()
}

/// Places every record of `logs` on one of `dates` (whose plans are `plans`).
pub(crate) fn place(dates: &[&str], plans: &[&Plan], logs: &[LogSet]) -> Placed {
    let ids: Vec<HashSet<&str>> = plans.iter().map(|p| planned_ids(p)).collect();
    let mut out = Placed {
        days: vec![LogRead::default(); dates.len()],
        origin: Vec::new(),
        refused: Vec::new(),
    };
    let list = dates.join(", ");
    for (s, set) in logs.iter().enumerate() {
        for r in &set.logs.refused {
            out.refused.push(WeekRefusal::new(set.name, None, r.clone()));
        }
        let date_col = set.logs.columns.date.as_str();
        for rec in &set.logs.records {
            let refuse = |kind, message: String| {
                let row = RefusedRow::new(rec.source, Some(date_col), kind, message);
                WeekRefusal::new(set.name, None, row)
            };
            let day = match (&rec.date, &rec.visit) {
                (Some(d), _) => dates.iter().position(|x| x == d).ok_or_else(|| {
                    refuse(
                        InputErrorKind::Conflict,
                        format!("dated {d}, which is none of the days reported ({list}): give that day's problem and plan, or fix the date"),
                    )
                }),
                (None, Some(v)) => {
                    let on: Vec<usize> = (0..dates.len()).filter(|&i| ids[i].contains(v.as_str())).collect();
                    match on[..] {
                        [i] => Ok(i),
                        [] => Err(refuse(
                            InputErrorKind::MissingField,
                            format!("no date, and visit '{v}' is planned on none of the days reported ({list}): give the date (YYYY-MM-DD)"),
                        )),
                        _ => {
                            let days: Vec<&str> = on.iter().map(|&i| dates[i]).collect();
                            Err(refuse(
                                InputErrorKind::Conflict,
                                format!("no date, and visit '{v}' is planned on {}: give the date (YYYY-MM-DD) to say which day", days.join(" and ")),
                            ))
                        }
                    }
                }
                // The readers refuse a record with neither; kept as a refusal, not a panic.
                (None, None) => Err(refuse(
                    InputErrorKind::MissingField,
                    "no date and no visit id: give the date (YYYY-MM-DD)".into(),
                )),
            };
            match day {
                Ok(i) => {
                    let k = out.origin.len();
                    out.origin.push((s, rec.source));
                    out.days[i].records.push(VisitLog {
                        source: LogSource::Index(k),
                        ..rec.clone()
                    });
                }
                Err(r) => out.refused.push(r),
            }
        }
    }
    out
}

impl Placed {
    /// The log set and own source of a renumbered source (`None`: not renumbered here).
    pub fn origin_of(&self, at: LogSource) -> Option<(usize, LogSource)> {
        match at {
            LogSource::Index(k) => self.origin.get(k).copied(),
            LogSource::Row(_) => None,
        }
    }

    /// A day's refusal as the week lists it: the file's row, and the file's column name.
    pub fn back(&self, logs: &[LogSet], date: &str, r: &RefusedRow) -> WeekRefusal {
        let Some((s, at)) = self.origin_of(r.source()) else {
            return WeekRefusal::new("", Some(date), r.clone());
        };
        let set = &logs[s];
        let column = r.column.as_deref().map(|c| column_in(&set.logs.columns, c));
        let row = RefusedRow::new(at, column.as_deref(), r.kind, self.message(logs, &r.message));
        WeekRefusal::new(set.name, Some(date), row)
    }

    /// `message` with a renumbered record it cites (`(logs[12])`: the first of a repeat)
    /// written as its file and row.
    fn message(&self, logs: &[LogSet], message: &str) -> String {
        let Some((head, rest)) = message.split_once("(logs[") else {
            return message.to_string();
        };
        let Some((k, tail)) = rest.split_once("])") else {
            return message.to_string();
        };
        match k.parse::<usize>().ok().and_then(|k| self.origin.get(k)) {
            Some(&(s, at)) => format!("{head}({} {at}){tail}", logs[s].name),
            None => message.to_string(),
        }
    }
}

/// The header name in `columns` of the field a day report named with the default name.
fn column_in(columns: &LogColumns, default_name: &str) -> String {
    let defaults = LogColumns::default();
    let field = defaults
        .pairs()
        .into_iter()
        .find(|p| p.1 == default_name)
        .map(|p| p.0);
    match field {
        Some(f) => columns
            .pairs()
            .into_iter()
            .find(|p| p.0 == f)
            .map_or(default_name.to_string(), |p| p.1.to_string()),
        None => default_name.to_string(),
    }
}
