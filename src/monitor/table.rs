//! The report as CSV: one row per visit, worst first, with the planned and logged times
//! and every per-visit figure (empty cells where a side has none). Text cells that a
//! spreadsheet would run as formulas get a leading `'`, as in the savings report.

use super::figures::{MonitorReport, Times, VisitRow};
use crate::model::time::format_clock;

/// The header, in order.
pub const CSV_COLUMNS: [&str; 31] = [
    "visit",
    "client",
    "status",
    "staff",
    "planned_staff",
    "organisation",
    "row",
    "index",
    "note",
    "planned_arrival",
    "planned_start",
    "planned_end",
    "actual_arrival",
    "actual_start",
    "actual_end",
    "planned_contact_min",
    "actual_contact_min",
    "planned_travel_min",
    "actual_travel_min",
    "planned_wait_min",
    "actual_wait_min",
    "start_delay_min",
    "planned_late_min",
    "late_min",
    "early_min",
    "overrun_min",
    "overran",
    "cut_short",
    "late",
    "deviation_min",
    "findings",
];

pub(crate) fn text(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

fn num(x: Option<f64>) -> String {
    x.map(|x| x.to_string()).unwrap_or_default()
}

fn clocks(t: Option<Times>) -> [String; 3] {
    match t {
        Some(t) => [
            format_clock(t.arrival.0),
            format_clock(t.start.0),
            format_clock(t.end.0),
        ],
        None => Default::default(),
    }
}

/// One visit's cells, in [`CSV_COLUMNS`] order (the week's CSV puts its date first).
pub(crate) fn cells(v: &VisitRow, share: f64) -> Vec<String> {
    let mut row = vec![
        text(v.visit.as_deref().unwrap_or("")),
        text(&v.client),
        v.status.as_str().to_string(),
        text(&v.staff),
        text(v.planned_staff.as_deref().unwrap_or("")),
        text(&v.organisation),
        v.row.map(|x| x.to_string()).unwrap_or_default(),
        v.index.map(|x| x.to_string()).unwrap_or_default(),
        text(v.note.as_deref().unwrap_or("")),
    ];
    row.extend(clocks(v.planned));
    row.extend(clocks(v.actual));
    row.extend([
        num(v.planned_contact_min),
        num(v.actual_contact_min),
        num(v.planned_travel_min),
        num(v.actual_travel_min),
        num(v.planned_wait_min),
        num(v.actual_wait_min),
        num(v.start_delay_min),
        num(v.planned_late_min),
        num(v.late_min),
        num(v.early_min),
        num(Some(v.overrun_min)),
        v.overran.to_string(),
        v.cut_short.to_string(),
        v.late.to_string(),
        num(Some(v.deviation_min)),
        text(&super::text::findings(v, share)),
    ]);
    row
}

/// Rows as CSV text, `\n` line ends.
pub(crate) fn write(rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    for row in rows {
        let _ = w.write_record(&row);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The CSV text, header first.
pub fn render(r: &MonitorReport) -> String {
    let head = CSV_COLUMNS.iter().map(|c| c.to_string()).collect();
    write(std::iter::once(head).chain(r.visits.iter().map(|v| cells(v, r.cut_short_share))))
}
