//! The week report as one self-contained page, in the day page's style: the week in
//! words and cards, a staff × day grid of contact minutes whose cells are coloured by the
//! size of the gap between planned and logged, the week's organisation and staff tables,
//! the worst visits of the week, and each day's timelines (the day page's section).

use super::figures::Totals;
use super::html::{cards, days, group_table, only_note, Shell};
use super::text::{findings, group_cells, hm, signed, summary};
use super::week::WeekReport;
use super::week_text::{day_cell, org_name, span, worst};
use crate::report::markup::esc;
use std::fmt::Write;

const WEEK_STYLE: &str = "table.grid td { text-align: center; white-space: nowrap; }\n\
    table.grid td.g0 { background: #e8f5e9; } table.grid td.g1 { background: #fff8e1; }\n\
    table.grid td.g2 { background: #ffe0b2; } table.grid td.g3 { background: #ffcdd2; }\n\
    table.grid td.none { color: #999; } table.grid tr.sum th, table.grid tr.sum td { font-weight: 600; }\n";

/// The colour class of a cell: by the gap between planned and logged contact minutes,
/// counting a visit not logged as its whole planned time (under 5 min, 15, 30, more).
fn gap_class(t: Option<&Totals>) -> &'static str {
    let Some(t) = t else {
        return "none";
    };
    let gap = t.contact_min.delta.abs();
    match gap {
        g if g < 5.0 => "g0",
        g if g < 15.0 => "g1",
        g if g < 30.0 => "g2",
        _ => "g3",
    }
}

fn grid_row(s: &mut String, class: &str, name: &str, org: &str, cells: &[Option<&Totals>]) {
    let _ = write!(
        s,
        "<tr class=\"{class}\"><th>{}</th><td class=\"none\">{}</td>",
        esc(name),
        esc(org)
    );
    for c in cells {
        let _ = write!(s, "<td class=\"{}\">{}</td>", gap_class(*c), esc(&day_cell(*c)));
    }
    s.push_str("</tr>\n");
}

fn grid(s: &mut String, r: &WeekReport) {
    s.push_str("<h2>Contact minutes by staff member and day</h2>\n<table class=\"figures grid\"><thead><tr><th>Staff</th><th>Organisation</th>");
    for d in &r.dates {
        let _ = write!(s, "<th>{}</th>", esc(d));
    }
    s.push_str("<th>Week</th></tr></thead><tbody>\n");
    for st in &r.staff {
        let mut cells: Vec<Option<&Totals>> = st.days.iter().map(Option::as_ref).collect();
        cells.push(Some(&st.week));
        grid_row(s, "", &st.name, &st.organisation, &cells);
    }
    for o in &r.organisations {
        let mut cells: Vec<Option<&Totals>> = o.days.iter().map(Option::as_ref).collect();
        cells.push(Some(&o.week));
        grid_row(s, "sum", org_name(&o.name), "", &cells);
    }
    let mut cells: Vec<Option<&Totals>> = r.team.days.iter().map(Some).collect();
    cells.push(Some(&r.team.week));
    grid_row(s, "sum", "team", "", &cells);
    s.push_str(
        "</tbody></table>\n<p class=\"note\">Each cell: planned/logged contact minutes; o = visits that \
         overran, l = late starts, u = visits not logged; - = not in that day's problem. Colour: the gap \
         between planned and logged, under 5 minutes, 15, 30, or more.</p>\n",
    );
}

fn groups(s: &mut String, r: &WeekReport) {
    s.push_str("<h2>By organisation, the week</h2>\n");
    let mut rows: Vec<Vec<String>> = r
        .organisations
        .iter()
        .map(|o| {
            let mut c = vec![org_name(&o.name).to_string(), o.week.staff.to_string()];
            c.extend(group_cells(&o.week));
            c
        })
        .collect();
    let mut team = vec!["team".to_string(), r.team.week.staff.to_string()];
    team.extend(group_cells(&r.team.week));
    rows.push(team);
    group_table(s, &["Organisation", "staff"], rows);
    s.push_str("<h2>By staff member, the week</h2>\n");
    let rows = r
        .staff
        .iter()
        .map(|st| {
            let mut c = vec![st.name.clone(), st.organisation.clone()];
            c.extend(group_cells(&st.week));
            c
        })
        .collect();
    group_table(s, &["Staff", "organisation"], rows);
}

fn visits(s: &mut String, r: &WeekReport) {
    s.push_str(
        "<h2>Visits of the week, worst first</h2>\n<table class=\"figures staff visits\"><thead><tr>\
         <th>Date</th><th>Visit</th><th>Client</th><th>Staff</th><th>Status</th><th>Planned</th><th>Logged</th>\
         <th>Planned min</th><th>Logged min</th><th>Delay</th><th>What</th></tr></thead><tbody>\n",
    );
    let span =
        |t: Option<super::Times>| t.map_or("-".into(), |t| format!("{}-{}", hm(t.start.0), hm(t.end.0)));
    let mins = |m: Option<f64>| m.map_or("-".into(), |m| format!("{m:.0}"));
    for (date, v) in worst(r) {
        let what = findings(v, r.cut_short_share);
        let _ =
            writeln!(
            s,
            "<tr class=\"{}\"><th>{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td><td>{}</td><td class=\"what\" style=\"text-align:left\">{}</td></tr>",
            if what.is_empty() || only_note(v) { "" } else { "bad" },
            esc(date),
            esc(v.visit.as_deref().unwrap_or("-")),
            esc(&v.client),
            esc(&v.staff),
            esc(v.status.as_str()),
            esc(&span(v.planned)),
            esc(&span(v.actual)),
            esc(&mins(v.planned_contact_min)),
            esc(&mins(v.actual_contact_min)),
            esc(&v.start_delay_min.map_or("-".into(), signed)),
            esc(&what)
        );
    }
    s.push_str("</tbody></table>\n");
}

/// The page.
pub fn render(r: &WeekReport) -> String {
    let t = esc(&span(r));
    let shell = Shell {
        title: format!("Planned against actual: the week {t}"),
        heading: "Planned against actual: the week",
        lead: t,
        plans: "plans",
        cut_short_share: r.cut_short_share,
        style: WEEK_STYLE,
        generator: &r.generator,
    };
    shell.page(&r.refused, |s| {
        for line in summary(&r.team.week) {
            let _ = writeln!(s, "<p class=\"verdict\">{}</p>", esc(&line));
        }
        cards(s, &r.team.week);
        grid(s, r);
        groups(s, r);
        visits(s, r);
        for d in &r.days {
            days(s, &d.report, &format!("{}: each staff member's day", d.date));
        }
    })
}
