//! Builds the report: each visit's row, then each staff member's figures from the rows and
//! the logged round, then organisations and the team as sums.

use super::figures::{
    MonitorReport, OrganisationRow, PlannedActual, StaffRow, Times, Totals, VisitRow, VisitStatus,
};
use super::logs::{LogRead, LogSource, VisitLog};
use super::matching::{match_logs, Fate};
use super::planned::{read_plan, PlannedDay, Slot};
use super::timeline::{actual_day, planned_day, planned_office, ActualVisit};
use super::{MonitorError, MonitorOptions};
use crate::check::TIME_TOL;
use crate::model::time::Clock;
use crate::model::{Plan, Problem, Visit};
use crate::solve::booked::late_by;
use crate::travel::TravelMatrix;

/// `(late, early)` minutes of a start at `s` against the visit's windows: late by the least
/// over the windows already open (the checker's rule), early by how long before the first
/// window opens. No windows: neither.
fn lateness(v: &Visit, s: f64) -> (f64, f64) {
    if v.windows.is_empty() {
        return (0.0, 0.0);
    }
    match late_by(v.windows.iter().map(|w| (w.start, w.end)), s, TIME_TOL) {
        l if l == f64::INFINITY => (0.0, v.windows[0].start - s),
        l if l <= TIME_TOL => (0.0, 0.0),
        l => (l, 0.0),
    }
}

fn times(arrival: f64, start: f64, end: f64) -> Times {
    Times {
        arrival: Clock(arrival),
        start: Clock(start),
        end: Clock(end),
    }
}

/// The report. `records` as read (the refused rows are carried into the report).
pub(crate) fn build(
    problem: &Problem,
    travel: &TravelMatrix,
    plan: &Plan,
    logs: &LogRead,
    options: &MonitorOptions,
) -> Result<MonitorReport, MonitorError> {
    options.check()?;
    let (slots, days) = read_plan(problem, plan).map_err(MonitorError::Plan)?;
    let records = &logs.records;
    let m = match_logs(problem, &slots, records, &logs.columns, options.date.as_deref());
    let share = options.cut_short_share;
    // Logged gaps: each staff member's kept records in arrival order.
    let mut by_staff: Vec<Vec<usize>> = vec![Vec::new(); problem.staff.len()];
    for (r, f) in m.fate.iter().enumerate() {
        if *f != Fate::Refused {
            by_staff[m.staff[r]].push(r);
        }
    }
    let mut gap: Vec<Option<f64>> = vec![None; records.len()];
    for list in &mut by_staff {
        list.sort_by(|&a, &b| records[a].arrived.total_cmp(&records[b].arrived).then(a.cmp(&b)));
        for w in list.windows(2) {
            gap[w[1]] = Some((records[w[1]].arrived - records[w[0]].ended).max(0.0));
        }
    }
    let visit_of = |r: usize| match m.fate[r] {
        Fate::Slot(k) => Some(slots[k].visit),
        Fate::Unplanned(v) => v,
        Fate::Refused => None,
    };
    let mut rows = Vec::new();
    for (k, sl) in slots.iter().enumerate() {
        let rec = m.record_of_slot[k].map(|r| (r, &records[r]));
        rows.push(row(
            problem,
            Some(sl),
            rec,
            rec.map(|(r, _)| m.staff[r]),
            rec.and_then(|(r, _)| gap[r]),
            share,
        ));
    }
    for (r, log) in records.iter().enumerate() {
        if let Fate::Unplanned(v) = m.fate[r] {
            let mut row = row(problem, None, Some((r, log)), Some(m.staff[r]), gap[r], share);
            if let Some(v) = v {
                row.visit = Some(problem.visits[v].id.clone());
                let (late, early) = lateness(&problem.visits[v], log.started);
                (row.late_min, row.early_min, row.late) = (Some(late), Some(early), late > 0.0);
                if row.client.is_empty() {
                    row.client = problem.visits[v].client.clone();
                }
            }
            rows.push(row);
        }
    }
    // Staff figures: each row counts for its planned staff member and for its maker.
    let staff_ix: std::collections::HashMap<&str, usize> = problem
        .staff
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let mut rows_of: Vec<Vec<usize>> = vec![Vec::new(); problem.staff.len()];
    for (i, row) in rows.iter().enumerate() {
        let planned = row
            .planned_staff
            .as_deref()
            .and_then(|id| staff_ix.get(id).copied());
        let maker = (row.status != VisitStatus::NotLogged)
            .then(|| staff_ix.get(row.staff.as_str()).copied())
            .flatten();
        for s in planned.into_iter().chain(maker.filter(|m| Some(*m) != planned)) {
            rows_of[s].push(i);
        }
    }
    let mut staff_rows = Vec::new();
    let mut pictures = Vec::new();
    for (s, st) in problem.staff.iter().enumerate() {
        let mut t = Totals {
            staff: 1,
            admin_min: st.admin_min,
            ..Default::default()
        };
        for &i in &rows_of[s] {
            let row = &rows[i];
            let planned_here = row.planned_staff.as_deref() == Some(st.id.as_str());
            let made_here = row.status != VisitStatus::NotLogged && row.staff == st.id;
            if planned_here {
                t.visits_planned += 1;
                t.contact_min
                    .add(PlannedActual::new(row.planned_contact_min.unwrap_or(0.0), 0.0));
                t.travel_min
                    .add(PlannedActual::new(row.planned_travel_min.unwrap_or(0.0), 0.0));
                t.wait_min
                    .add(PlannedActual::new(row.planned_wait_min.unwrap_or(0.0), 0.0));
                t.late_min
                    .add(PlannedActual::new(row.planned_late_min.unwrap_or(0.0), 0.0));
                t.made += (row.status == VisitStatus::Made) as usize;
                t.not_logged += (row.status == VisitStatus::NotLogged) as usize;
            }
            if made_here {
                t.visits_logged += 1;
                t.contact_min
                    .add(PlannedActual::new(0.0, row.actual_contact_min.unwrap_or(0.0)));
                t.travel_min
                    .add(PlannedActual::new(0.0, row.actual_travel_min.unwrap_or(0.0)));
                t.wait_min
                    .add(PlannedActual::new(0.0, row.actual_wait_min.unwrap_or(0.0)));
                t.late_min
                    .add(PlannedActual::new(0.0, row.late_min.unwrap_or(0.0)));
                t.other_staff += (row.status == VisitStatus::OtherStaff) as usize;
                t.unplanned += (row.status == VisitStatus::Unplanned) as usize;
                t.overran += row.overran as usize;
                t.cut_short += row.cut_short as usize;
                t.late_visits += row.late as usize;
                t.overrun_min += row.overrun_min;
                if row.cut_short {
                    t.cut_short_min +=
                        row.planned_contact_min.unwrap_or(0.0) - row.actual_contact_min.unwrap_or(0.0);
                }
            }
        }
        let day: &PlannedDay = &days[s];
        let logged: Vec<ActualVisit> = by_staff[s]
            .iter()
            .map(|&r| ActualVisit {
                log: &records[r],
                visit: visit_of(r),
            })
            .collect();
        let actual = actual_day(problem, travel, s, &logged);
        let planned_office = planned_office(problem, s, day);
        t.office_min = PlannedActual::new(planned_office, actual.office_min);
        t.admin_shortfall_min = (st.admin_min - actual.office_min).max(0.0);
        let planned_overtime = if day.on_duty {
            (day.ret - st.shift_end).max(0.0)
        } else {
            0.0
        };
        t.overtime_min = PlannedActual::new(planned_overtime, actual.overtime_min);
        pictures.push(super::timeline::StaffDays {
            planned: planned_day(problem, s, day, &slots),
            actual: actual.view,
        });
        staff_rows.push(StaffRow {
            staff: st.id.clone(),
            organisation: st.organisation.clone(),
            figures: t,
        });
    }
    let mut organisations: Vec<OrganisationRow> = Vec::new();
    let mut team = Totals::default();
    for r in &staff_rows {
        team.add(&r.figures);
        match organisations
            .iter_mut()
            .find(|o| o.organisation == r.organisation)
        {
            Some(o) => o.figures.add(&r.figures),
            None => organisations.push(OrganisationRow {
                organisation: r.organisation.clone(),
                figures: r.figures.clone(),
            }),
        }
    }
    rows.sort_by(|a, b| {
        b.deviation_min
            .total_cmp(&a.deviation_min)
            .then_with(|| a.staff.cmp(&b.staff))
            .then_with(|| start_of(a).total_cmp(&start_of(b)))
    });
    let mut refused = logs.refused.clone();
    refused.extend(m.refused);
    refused.sort_by_key(|r| r.source());
    Ok(MonitorReport {
        problem: problem.name.clone(),
        generator: format!("carerounds {}", env!("CARGO_PKG_VERSION")),
        date: options.date.clone(),
        cut_short_share: share,
        visits: rows,
        staff: staff_rows,
        organisations,
        team,
        refused,
        days: pictures,
    })
}

fn start_of(r: &VisitRow) -> f64 {
    r.planned.or(r.actual).map_or(0.0, |t| t.start.0)
}

/// One visit's row: a planned slot with its record, if any, or a record alone.
fn row(
    problem: &Problem,
    slot: Option<&Slot>,
    rec: Option<(usize, &VisitLog)>,
    logged_by: Option<usize>,
    gap: Option<f64>,
    share: f64,
) -> VisitRow {
    let log = rec.map(|(_, l)| l);
    let visit = slot.map(|s| &problem.visits[s.visit]);
    let planned_staff = slot.map(|s| problem.staff[s.staff].id.clone());
    let staff_ix = logged_by.or(slot.map(|s| s.staff)).unwrap_or(0);
    let status = match (slot, logged_by) {
        (Some(s), Some(b)) if s.staff == b => VisitStatus::Made,
        (Some(_), Some(_)) => VisitStatus::OtherStaff,
        (Some(_), None) => VisitStatus::NotLogged,
        (None, _) => VisitStatus::Unplanned,
    };
    let planned_contact = slot.map(|s| s.end - s.start);
    let actual_contact = log.map(VisitLog::contact_min);
    let (late, early) = match (visit, log) {
        (Some(v), Some(l)) => {
            let (a, b) = lateness(v, l.started);
            (Some(a), Some(b))
        }
        _ => (None, None),
    };
    let (overrun, overran, cut_short) = match (planned_contact, actual_contact) {
        (Some(p), Some(a)) => (
            if a > p + TIME_TOL { a - p } else { 0.0 },
            a > p + TIME_TOL,
            a < share * p - TIME_TOL && log.is_some_and(|l| l.note.is_none()),
        ),
        _ => (0.0, false, false),
    };
    let start_delay = match (slot, log) {
        (Some(s), Some(l)) => Some(l.started - s.start),
        _ => None,
    };
    let deviation = match (planned_contact, actual_contact) {
        (Some(p), Some(a)) => start_delay.unwrap_or(0.0).abs() + (a - p).abs(),
        (Some(p), None) => p,
        (None, Some(a)) => a,
        (None, None) => 0.0,
    };
    let (row, index) = match log.map(|l| l.source) {
        Some(LogSource::Row(r)) => (Some(r), None),
        Some(LogSource::Index(i)) => (None, Some(i)),
        None => (None, None),
    };
    VisitRow {
        visit: visit
            .map(|v| v.id.clone())
            .or_else(|| log.and_then(|l| l.visit.clone())),
        client: visit
            .map(|v| v.client.clone())
            .filter(|c| !c.is_empty())
            .or_else(|| log.and_then(|l| l.client.clone()))
            .unwrap_or_default(),
        status,
        staff: problem.staff[staff_ix].id.clone(),
        planned_staff,
        organisation: problem.staff[staff_ix].organisation.clone(),
        row,
        index,
        note: log.and_then(|l| l.note.clone()),
        planned: slot.map(|s| times(s.arrival, s.start, s.end)),
        actual: log.map(|l| times(l.arrived, l.started, l.ended)),
        planned_contact_min: planned_contact,
        actual_contact_min: actual_contact,
        planned_travel_min: slot.and_then(|s| s.gap),
        actual_travel_min: gap,
        planned_wait_min: slot.map(|s| s.wait),
        actual_wait_min: log.map(|l| l.started - l.arrived),
        start_delay_min: start_delay,
        planned_late_min: slot.map(|s| s.late),
        late_min: late,
        early_min: early,
        overrun_min: overrun,
        overran,
        cut_short,
        late: late.is_some_and(|l| l > 0.0),
        deviation_min: deviation,
    }
}
