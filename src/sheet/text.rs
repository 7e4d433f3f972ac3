//! Run sheets as plain text: a heading per staff member, then one line per step in
//! columns (time, client, where, needs, with, notes), travel indented between places.
//! About 100 columns at most for a typical day, so it prints on A4 in a small font.

use super::rows::{Row, Sheet};
use super::LEGEND;
use crate::model::time::format_minute as hhmm;
use crate::report::numbers::duration;
use std::fmt::Write;

/// The column headings.
const HEAD: [&str; 6] = ["time", "client", "where", "needs", "with", "notes"];

/// All sheets, one after another.
pub(super) fn render(sheets: &[Sheet]) -> String {
    let mut s = String::new();
    if sheets.is_empty() {
        s.push_str("No staff member has visits in this plan: no run sheets.\n");
    }
    for (i, sheet) in sheets.iter().enumerate() {
        if i > 0 {
            s.push_str("\n\n");
        }
        one(&mut s, sheet);
    }
    s
}

/// The heading lines shared with the HTML page: who, the day, the round in figures.
pub(super) fn heading(sheet: &Sheet) -> (String, String) {
    let who = if sheet.organisation.is_empty() {
        format!("Run sheet: {}", sheet.staff)
    } else {
        format!("Run sheet: {} ({})", sheet.staff, sheet.organisation)
    };
    let mut figures = format!(
        "Shift {}-{} · {} visit{} · travel {:.0} min, {:.1} km · office time left {}",
        hhmm(sheet.shift.0),
        hhmm(sheet.shift.1),
        sheet.visits,
        if sheet.visits == 1 { "" } else { "s" },
        sheet.travel_min,
        sheet.distance_km,
        duration(sheet.free_min)
    );
    if sheet.overtime_min.round() > 0.0 {
        let _ = write!(figures, " · overtime {}", duration(sheet.overtime_min));
    }
    (who, figures)
}

/// The cells of a row other than travel: time, client, where, needs, with, notes.
pub(super) fn cells(row: &Row) -> Option<[String; 6]> {
    Some(match row {
        Row::Leave { time, place } => [
            hhmm(*time),
            "leave".into(),
            place.text(),
            String::new(),
            String::new(),
            String::new(),
        ],
        Row::Return { time, place } => [
            hhmm(*time),
            "back".into(),
            place.text(),
            String::new(),
            String::new(),
            String::new(),
        ],
        Row::Base { start, end, place } => [
            format!("{}-{}", hhmm(*start), hhmm(*end)),
            "base".into(),
            place.text(),
            String::new(),
            String::new(),
            "office time".into(),
        ],
        Row::Break { start, end } => [
            format!("{}-{}", hhmm(*start), hhmm(*end)),
            "break".into(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ],
        Row::Visit {
            start,
            end,
            visit,
            client,
            place,
            skills,
            duration,
            with,
            wait,
            late,
        } => {
            let mut needs = format!("{duration:.0} min");
            if !skills.is_empty() {
                let _ = write!(needs, ": {}", skills.join(", "));
            }
            let mut notes = Vec::new();
            if wait.round() > 0.0 {
                notes.push(format!("wait {wait:.0} min"));
            }
            if late.round() > 0.0 {
                notes.push(format!("{late:.0} min late"));
            }
            [
                format!("{}-{}", hhmm(*start), hhmm(*end)),
                if client.is_empty() {
                    visit.clone()
                } else {
                    client.clone()
                },
                place.text(),
                needs,
                with.join(", "),
                notes.join(", "),
            ]
        }
        Row::Travel { .. } => return None,
    })
}

/// A travel row in words.
pub(super) fn travel(row: &Row) -> Option<String> {
    match row {
        Row::Travel { minutes, km, arrive } => Some(format!(
            "travel {minutes:.0} min, {km:.1} km, arrive {}",
            hhmm(*arrive)
        )),
        _ => None,
    }
}

fn one(s: &mut String, sheet: &Sheet) {
    let (who, figures) = heading(sheet);
    let _ = writeln!(s, "{who}");
    if !sheet.problem.is_empty() {
        let _ = writeln!(s, "{}", sheet.problem);
    }
    let _ = writeln!(s, "{figures}\n");
    if sheet.rows.is_empty() {
        let _ = writeln!(s, "No visits planned.");
        return;
    }
    let table: Vec<Option<[String; 6]>> = sheet.rows.iter().map(cells).collect();
    let mut width = HEAD.map(str::len);
    for cells in table.iter().flatten() {
        for (w, c) in width.iter_mut().zip(cells) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: [&str; 6]| {
        let mut l = String::new();
        for (k, (c, w)) in cells.iter().zip(width).enumerate() {
            if k > 0 {
                l.push_str("  ");
            }
            let _ = write!(l, "{c:<w$}");
        }
        l.trim_end().to_string()
    };
    let _ = writeln!(s, "{}", line(HEAD));
    for (row, cells) in sheet.rows.iter().zip(&table) {
        match cells {
            Some(c) => {
                let _ = writeln!(s, "{}", line([&c[0], &c[1], &c[2], &c[3], &c[4], &c[5]]));
            }
            None => {
                let words = travel(row).unwrap_or_default();
                let _ = writeln!(s, "{:w$}  {words}", "", w = width[0]);
            }
        }
    }
    let _ = writeln!(s, "\n{}", LEGEND.join("\n"));
}
