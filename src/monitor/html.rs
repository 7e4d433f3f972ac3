//! The report as one self-contained page: the team in words, cards, the organisation and
//! staff tables, the visits worst first, and for each staff member a timeline with the
//! planned and the logged day on one axis (the savings report's timeline and style).
//! Inline CSS and SVG only: the page loads nothing.

use super::figures::{MonitorReport, VisitRow};
use super::text::{findings, group_cells, hm, signed, summary, GROUP_HEAD};
use crate::report::markup::esc;
use crate::report::numbers::duration;
use crate::report::svg::timeline;
use std::fmt::Write;

const STYLE: &str = include_str!("../report/report.css");

const EXTRA_STYLE: &str = "tr.bad td.what { color: var(--bad); font-weight: 600; }\n\
    ul.refused li { font-family: ui-monospace, monospace; font-size: 12px; }\n\
    table.visits td:nth-child(-n+4), table.visits thead th { text-align: left; }\n";

/// The page.
pub fn render(r: &MonitorReport) -> String {
    let title = if r.problem.is_empty() {
        "(unnamed problem)"
    } else {
        &r.problem
    };
    let t = esc(title);
    let d = r
        .date
        .as_deref()
        .map(|d| format!(" &middot; {}", esc(d)))
        .unwrap_or_default();
    let shell = Shell {
        title: format!("Planned against actual: {t}"),
        heading: "Planned against actual",
        lead: format!("{t}{d}"),
        plans: "plan",
        cut_short_share: r.cut_short_share,
        style: "",
        generator: &r.generator,
    };
    shell.page(&r.refused, |s| {
        for line in summary(&r.team) {
            let _ = writeln!(s, "<p class=\"verdict\">{}</p>", esc(&line));
        }
        cards(s, &r.team);
        groups(s, r);
        visits(s, r);
        days(s, r, "Each staff member's day");
    })
}

/// What a monitoring page (a day's or a week's) has around its sections.
pub(crate) struct Shell<'a> {
    /// The `<title>`, as HTML (escaped by the caller).
    pub title: String,
    /// The `<h1>`, as HTML.
    pub heading: &'a str,
    /// What the page is of (the problem, the date, the days), as HTML: the start of the
    /// line under the heading.
    pub lead: String,
    /// `plan` or `plans`, for the rest of that line.
    pub plans: &'a str,
    /// The report's `cut_short_share`, for that line too.
    pub cut_short_share: f64,
    /// CSS added after the day page's.
    pub style: &'a str,
    /// Who made the page, for the footer (escaped here).
    pub generator: &'a str,
}

impl Shell<'_> {
    /// The page: head and header, the sections `body` writes, the rows refused (not
    /// counted anywhere above) and the footer.
    pub(crate) fn page<E: std::fmt::Display>(&self, refused: &[E], body: impl FnOnce(&mut String)) -> String {
        let mut s = String::new();
        let _ = write!(
            s,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{title}</title>\n<style>\n{STYLE}{EXTRA_STYLE}{more}</style>\n</head>\n<body>\n\
             <header><h1>{heading}</h1><p class=\"sub\">{lead} &middot; the {plans} against the \
             visit logs &middot; cut short = below {share:.0}% of the planned contact time</p></header>\n",
            title = self.title,
            more = self.style,
            heading = self.heading,
            lead = self.lead,
            plans = self.plans,
            share = self.cut_short_share * 100.0,
        );
        body(&mut s);
        if !refused.is_empty() {
            let _ = writeln!(
                s,
                "<h2>Refused rows ({})</h2>\n<p class=\"note\">Not counted anywhere above; fix them and run again.</p>\n<ul class=\"refused\">",
                refused.len()
            );
            for e in refused {
                let _ = writeln!(s, "<li>{}</li>", esc(&e.to_string()));
            }
            s.push_str("</ul>\n");
        }
        let _ = writeln!(
            s,
            "<footer><p>Made by {}. Definitions of every figure: docs/MONITOR.md.</p></footer>\n</body>\n</html>",
            esc(self.generator)
        );
        s
    }
}

/// The team's cards: each a count that is good at 0.
pub(crate) fn cards(s: &mut String, t: &super::Totals) {
    let items = [
        ("Visits not logged", t.not_logged.to_string(), t.not_logged == 0),
        (
            "Logged but not planned",
            t.unplanned.to_string(),
            t.unplanned == 0,
        ),
        (
            "Overran",
            format!("{} ({})", t.overran, duration(t.overrun_min)),
            t.overran == 0,
        ),
        (
            "Cut short",
            format!("{} ({})", t.cut_short, duration(t.cut_short_min)),
            t.cut_short == 0,
        ),
        (
            "Office time short of admin time",
            duration(t.admin_shortfall_min),
            t.admin_shortfall_min < 0.5,
        ),
    ];
    s.push_str("<div class=\"cards\">\n");
    for (label, value, good) in items {
        let _ = writeln!(
            s,
            "<div class=\"card {}\"><div class=\"card-label\">{}</div><div class=\"card-value\">{}</div></div>",
            if good { "good" } else { "bad" },
            esc(label),
            esc(&value)
        );
    }
    s.push_str("</div>\n");
}

pub(crate) fn group_table(s: &mut String, first: &[&str], rows: Vec<Vec<String>>) {
    s.push_str("<table class=\"figures staff\"><thead><tr>");
    for h in first.iter().chain(GROUP_HEAD.iter()) {
        let _ = write!(s, "<th>{}</th>", esc(h));
    }
    s.push_str("</tr></thead><tbody>\n");
    for row in rows {
        let _ = write!(s, "<tr><th>{}</th>", esc(&row[0]));
        for c in &row[1..] {
            let _ = write!(s, "<td>{}</td>", esc(c));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody></table>\n");
}

fn groups(s: &mut String, r: &MonitorReport) {
    s.push_str("<h2>By organisation</h2>\n");
    let mut rows: Vec<Vec<String>> = r
        .organisations
        .iter()
        .map(|o| {
            let name = if o.organisation.is_empty() {
                "(none)"
            } else {
                &o.organisation
            };
            let mut c = vec![name.to_string(), o.figures.staff.to_string()];
            c.extend(group_cells(&o.figures));
            c
        })
        .collect();
    let mut team = vec!["team".to_string(), r.team.staff.to_string()];
    team.extend(group_cells(&r.team));
    rows.push(team);
    group_table(s, &["Organisation", "staff"], rows);
    s.push_str("<h2>By staff member</h2>\n");
    let rows = r
        .staff
        .iter()
        .map(|st| {
            let mut c = vec![st.staff.clone(), st.organisation.clone()];
            c.extend(group_cells(&st.figures));
            c
        })
        .collect();
    group_table(s, &["Staff", "organisation"], rows);
    s.push_str("<p class=\"note\">p/a: planned / actual minutes. Travel: gaps between a visit's end and the next arrival. Office: the shift less the round.</p>\n");
}

fn visits(s: &mut String, r: &MonitorReport) {
    s.push_str(
        "<h2>Visits, worst first</h2>\n<table class=\"figures staff visits\"><thead><tr><th>Visit</th>\
         <th>Client</th><th>Staff</th><th>Status</th><th>Planned</th><th>Logged</th><th>Planned min</th>\
         <th>Logged min</th><th>Delay</th><th>What</th></tr></thead><tbody>\n",
    );
    let span =
        |t: Option<super::Times>| t.map_or("-".into(), |t| format!("{}-{}", hm(t.start.0), hm(t.end.0)));
    let mins = |m: Option<f64>| m.map_or("-".into(), |m| format!("{m:.0}"));
    for v in &r.visits {
        let what = findings(v, r.cut_short_share);
        let _ =
            writeln!(
            s,
            "<tr class=\"{}\"><th>{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td><td class=\"what\" style=\"text-align:left\">{}</td></tr>",
            if what.is_empty() || only_note(v) { "" } else { "bad" },
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

pub(crate) fn only_note(v: &VisitRow) -> bool {
    v.status == super::VisitStatus::Made && !v.overran && !v.cut_short && !v.late
}

/// The timelines of a day under the heading `title`.
pub(crate) fn days(s: &mut String, r: &MonitorReport, title: &str) {
    let _ = writeln!(s, "<h2>{}</h2>", esc(title));
    s.push_str(
        "<p class=\"legend\"><span class=\"key seg visit\"></span>visit \
         <span class=\"key seg travel\"></span>travel (planned) or gap between visits (logged) \
         <span class=\"key seg wait\"></span>waiting <span class=\"key seg break\"></span>break \
         <span class=\"key seg free\"></span>office time <span class=\"key seg overtime\"></span>overtime \
         &nbsp;&middot;&nbsp; the logged day's first and last legs come from the travel model</p>\n",
    );
    let views = r.days.iter().flat_map(|d| [&d.planned, &d.actual]);
    let t0 = views
        .clone()
        .flat_map(|v| v.segments.iter().map(|g| g.start).chain([v.shift_start]))
        .fold(f64::INFINITY, f64::min);
    let t1 = views
        .flat_map(|v| v.segments.iter().map(|g| g.end).chain([v.shift_end]))
        .fold(f64::NEG_INFINITY, f64::max);
    if !t0.is_finite() || !t1.is_finite() || t1 <= t0 {
        return;
    }
    let (t0, t1) = ((t0 / 60.0).floor() * 60.0, (t1 / 60.0).ceil() * 60.0);
    for (st, d) in r.staff.iter().zip(&r.days) {
        let f = &st.figures;
        let _ = writeln!(
            s,
            "<div class=\"staff-card\"><h4>{} <span class=\"org\">{}</span></h4>\n<p class=\"note\">{} \
             planned, {} logged; contact {} planned, {} logged; office time {} planned, {} left (admin {})</p>",
            esc(&st.staff),
            esc(&st.organisation),
            f.visits_planned,
            f.visits_logged,
            duration(f.contact_min.planned),
            duration(f.contact_min.actual),
            duration(f.office_min.planned),
            duration(f.office_min.actual),
            duration(f.admin_min)
        );
        s.push_str(&timeline(
            &[("Planned", &d.planned), ("Logged", &d.actual)],
            t0,
            t1,
            1000.0,
        ));
        s.push_str("\n</div>\n");
    }
}
