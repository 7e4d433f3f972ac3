//! Which visit of the problem each log record is about. Logs for learning span many days
//! while the problem is one reference day, so this is the monitor's matching (docs/
//! MONITOR.md "Matching") without a plan: a visit id names the visit; a client (with its
//! date) takes that client's visit whose planned start (else first window start) is
//! nearest the logged start, as the monitor's rule 4 takes the nearest planned slot.
//! Staff ids are not checked: who made a visit does not change how long it took, and staff
//! change over the weeks the logs cover. Each record stands alone, so a visit logged
//! on several days counts every day.

use crate::model::{Ids, InputErrorKind, Problem};
use crate::monitor::{LogRead, LogSource, RefusedRow, VisitLog};
use std::collections::HashMap;

/// A record and the problem visit it is about, or its refusal.
pub(crate) enum Resolved<'a> {
    /// Index of the visit in the problem.
    Visit(&'a VisitLog, usize),
    /// Not about any visit of the problem.
    Refused(RefusedRow),
}

/// Every good record of `logs`, resolved in file order.
pub(crate) fn resolve<'a>(problem: &'a Problem, logs: &'a LogRead) -> Vec<Resolved<'a>> {
    let ids = Ids::of(problem);
    let mut of_client: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, v) in problem.visits.iter().enumerate() {
        if !v.client.is_empty() {
            of_client.entry(v.client.as_str()).or_default().push(i);
        }
    }
    let col = |field: &str| {
        logs.columns
            .pairs()
            .iter()
            .find(|p| p.0 == field)
            .map_or(field.to_string(), |p| p.1.to_string())
    };
    let refuse = |at: LogSource, field: &str, msg: String| {
        Resolved::Refused(RefusedRow::new(
            at,
            Some(&col(field)),
            InputErrorKind::UnknownReference,
            msg,
        ))
    };
    logs.records
        .iter()
        .map(|log| {
            if let Some(id) = &log.visit {
                return match ids.visit(id) {
                    Some(v) => Resolved::Visit(log, v),
                    None => refuse(
                        log.source,
                        "visit",
                        format!("visit '{id}' is not in the problem: learn against the problem the logs were made for (its visits[].id)"),
                    ),
                };
            }
            let client = log.client.as_deref().unwrap_or("");
            let reference = |i: usize| {
                let v = &problem.visits[i];
                v.planned_start.or(v.windows.first().map(|w| w.start))
            };
            let nearest = of_client.get(client).and_then(|vs| {
                vs.iter().copied().min_by(|&a, &b| {
                    let d = |i: usize| reference(i).map_or(f64::INFINITY, |s| (s - log.started).abs());
                    d(a).total_cmp(&d(b)).then(a.cmp(&b))
                })
            });
            match nearest {
                Some(v) => Resolved::Visit(log, v),
                None => refuse(
                    log.source,
                    "client",
                    format!("client '{client}' has no visit in the problem: use the problem's visits[].client ids"),
                ),
            }
        })
        .collect()
}
