//! Run sheets as one self-contained HTML page: a section per staff member, a printed A4
//! page each (print CSS breaks the page between them). Inline CSS only: the page loads
//! nothing, so it opens offline and prints as it is. The cells are the text sheet's.

use super::rows::{Row, Sheet};
use super::text::{cells, heading, travel};
use super::LEGEND;
use crate::report::markup::esc;
use std::fmt::Write;

const STYLE: &str = include_str!("sheet.css");

/// Class of each column, in the text sheet's order.
const COLUMNS: [(&str, &str); 6] = [
    ("time", "Time"),
    ("client", "Client"),
    ("where", "Where"),
    ("needs", "Needs"),
    ("with", "With"),
    ("notes", "Notes"),
];

/// The page.
pub(super) fn render(sheets: &[Sheet]) -> String {
    let title = sheets
        .first()
        .map(|s| s.problem.as_str())
        .filter(|p| !p.is_empty())
        .unwrap_or("the plan");
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Run sheets: {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n",
        esc(title)
    );
    if sheets.is_empty() {
        s.push_str("<p class=\"empty\">No staff member has visits in this plan: no run sheets.</p>\n");
    }
    for sheet in sheets {
        one(&mut s, sheet);
    }
    s.push_str("</body>\n</html>\n");
    s
}

fn one(s: &mut String, sheet: &Sheet) {
    let (_, figures) = heading(sheet);
    let org = if sheet.organisation.is_empty() {
        String::new()
    } else {
        format!(" <span class=\"org\">({})</span>", esc(&sheet.organisation))
    };
    let _ = writeln!(
        s,
        "<section class=\"sheet\">\n<h1>Run sheet: {}{org}</h1>",
        esc(&sheet.staff)
    );
    if !sheet.problem.is_empty() {
        let _ = writeln!(s, "<p class=\"sub\">{}</p>", esc(&sheet.problem));
    }
    let _ = writeln!(s, "<p class=\"figures\">{}</p>", esc(&figures));
    if sheet.rows.is_empty() {
        s.push_str("<p class=\"empty\">No visits planned.</p>\n</section>\n");
        return;
    }
    s.push_str("<table>\n<thead><tr>");
    for (class, name) in COLUMNS {
        let _ = write!(s, "<th class=\"{class}\">{name}</th>");
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for row in &sheet.rows {
        if let Some(words) = travel(row) {
            let _ = writeln!(
                s,
                "<tr class=\"travel\"><td></td><td colspan=\"5\">{}</td></tr>",
                esc(&words)
            );
            continue;
        }
        let Some(c) = cells(row) else { continue };
        let class = match row {
            Row::Break { .. } => "break",
            Row::Leave { .. } | Row::Return { .. } | Row::Base { .. } => "end",
            _ => "visit",
        };
        let _ = write!(s, "<tr class=\"{class}\">");
        for ((col, _), cell) in COLUMNS.iter().zip(&c) {
            let _ = write!(s, "<td class=\"{col}\">{}</td>", esc(cell));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table>\n");
    let _ = writeln!(
        s,
        "<p class=\"legend\">{}</p>\n</section>",
        LEGEND.map(esc).join("<br>")
    );
}
