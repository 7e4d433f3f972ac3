//! The report as plain-text tables for people: the team in words, the visits worst first,
//! a table per staff member and per organisation, then the refused rows.

use super::figures::{MonitorReport, Totals, VisitRow, VisitStatus};
use crate::model::time::format_short;
use crate::report::numbers::duration;
use std::fmt::Write;

/// Visits listed in the text (the JSON, CSV and HTML list them all).
pub(crate) const TEXT_VISITS: usize = 50;

/// `HH:MM` (with seconds when not whole minutes).
pub(crate) fn hm(m: f64) -> String {
    format_short(m)
}

/// Minutes as a signed whole number (`+15`, `-5`, `0`).
pub(crate) fn signed(m: f64) -> String {
    let r = m.round();
    if r > 0.0 {
        format!("+{r:.0}")
    } else if r < 0.0 {
        format!("{r:.0}")
    } else {
        "0".into()
    }
}

/// What went wrong with a visit, in words (empty when it went as planned).
pub(crate) fn findings(v: &VisitRow, share: f64) -> String {
    let mut out = Vec::new();
    match v.status {
        VisitStatus::NotLogged => out.push("not logged".to_string()),
        VisitStatus::Unplanned => out.push("logged but not planned".to_string()),
        VisitStatus::OtherStaff => out.push(format!(
            "made by {} instead of {}",
            v.staff,
            v.planned_staff.as_deref().unwrap_or("-")
        )),
        VisitStatus::Made => {}
    }
    if v.overran {
        out.push(format!("overran {:.0} min", v.overrun_min));
    }
    if v.cut_short {
        let pct = 100.0 * v.actual_contact_min.unwrap_or(0.0) / v.planned_contact_min.unwrap_or(1.0);
        out.push(format!(
            "cut short ({pct:.0}% of planned, below {:.0}%)",
            share * 100.0
        ));
    }
    if v.late {
        out.push(format!("late {:.0} min", v.late_min.unwrap_or(0.0)));
    }
    if let Some(e) = v.early_min.filter(|e| *e > 0.5) {
        out.push(format!("early {e:.0} min"));
    }
    if let Some(n) = &v.note {
        out.push(format!("note: {n}"));
    }
    out.join("; ")
}

/// Lays out rows under a header, columns padded to their widest cell: the first `left`
/// columns (names) and a last column headed `what` left-aligned, numbers right-aligned.
pub(crate) fn table(head: &[&str], rows: &[Vec<String>], left: usize) -> String {
    let mut w: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            let pad = w[i] - c.chars().count();
            if i < left || i + 1 == cells.len() && head[i] == "what" {
                s.push_str(c);
                if i + 1 < cells.len() {
                    s.push_str(&" ".repeat(pad));
                }
            } else {
                s.push_str(&" ".repeat(pad));
                s.push_str(c);
            }
            if i + 1 < cells.len() {
                s.push_str("  ");
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(head.to_vec());
    for r in rows {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    out
}

pub(crate) fn visit_cells(v: &VisitRow, share: f64) -> Vec<String> {
    let span =
        |t: Option<super::Times>| t.map_or("-".into(), |t| format!("{}-{}", hm(t.start.0), hm(t.end.0)));
    let mins = |m: Option<f64>| m.map_or("-".into(), |m| format!("{m:.0}"));
    vec![
        v.visit.clone().unwrap_or_else(|| "-".into()),
        if v.client.is_empty() {
            "-".into()
        } else {
            v.client.clone()
        },
        v.staff.clone(),
        span(v.planned),
        span(v.actual),
        mins(v.planned_contact_min),
        mins(v.actual_contact_min),
        v.start_delay_min.map_or("-".into(), signed),
        findings(v, share),
    ]
}

/// `planned → actual` of a figure.
pub(crate) fn pa(f: super::PlannedActual) -> String {
    format!("{:.0}/{:.0}", f.planned, f.actual)
}

/// The header of [`visit_cells`].
pub(crate) const VISIT_HEAD: [&str; 9] = [
    "visit",
    "client",
    "staff",
    "planned",
    "logged",
    "plan min",
    "logged min",
    "delay",
    "what",
];

pub(crate) const GROUP_HEAD: [&str; 13] = [
    "planned",
    "logged",
    "not logged",
    "unplanned",
    "other staff",
    "overran",
    "cut short",
    "late",
    "contact p/a",
    "travel p/a",
    "wait p/a",
    "office p/a",
    "admin short",
];

pub(crate) fn group_cells(t: &Totals) -> Vec<String> {
    vec![
        t.visits_planned.to_string(),
        t.visits_logged.to_string(),
        t.not_logged.to_string(),
        t.unplanned.to_string(),
        t.other_staff.to_string(),
        t.overran.to_string(),
        t.cut_short.to_string(),
        t.late_visits.to_string(),
        pa(t.contact_min),
        pa(t.travel_min),
        pa(t.wait_min),
        pa(t.office_min),
        format!("{:.0}", t.admin_shortfall_min),
    ]
}

/// One sentence per kind of finding for the team.
pub(crate) fn summary(t: &Totals) -> Vec<String> {
    vec![
        format!(
            "{} visits planned, {} logged: {} made as planned, {} by other staff than planned, {} not logged, {} logged but not planned.",
            t.visits_planned, t.visits_logged, t.made, t.other_staff, t.not_logged, t.unplanned
        ),
        format!(
            "Contact time {} planned, {} logged ({} min); {} visit(s) overran by {} in all, {} cut short ({} short).",
            duration(t.contact_min.planned),
            duration(t.contact_min.actual),
            signed(t.contact_min.delta),
            t.overran,
            duration(t.overrun_min),
            t.cut_short,
            duration(t.cut_short_min)
        ),
        format!(
            "Travel between visits {} planned, {} logged ({} min); waiting {} planned, {} logged; {} visit(s) late ({} in all).",
            duration(t.travel_min.planned),
            duration(t.travel_min.actual),
            signed(t.travel_min.delta),
            duration(t.wait_min.planned),
            duration(t.wait_min.actual),
            t.late_visits,
            duration(t.late_min.actual)
        ),
        format!(
            "Office time {} planned, {} left ({} min) against {} of admin time asked; {} short of it.",
            duration(t.office_min.planned),
            duration(t.office_min.actual),
            signed(t.office_min.delta),
            duration(t.admin_min),
            duration(t.admin_shortfall_min)
        ),
    ]
}

/// The text report.
pub fn render(r: &MonitorReport) -> String {
    let mut s = String::new();
    let title = if r.problem.is_empty() {
        "(unnamed problem)"
    } else {
        &r.problem
    };
    let _ = writeln!(s, "Planned against actual: {title}");
    let _ = writeln!(
        s,
        "{}{}; cut short = below {:.0}% of the planned contact time\n",
        r.generator,
        r.date.as_deref().map(|d| format!(", {d}")).unwrap_or_default(),
        r.cut_short_share * 100.0
    );
    for line in summary(&r.team) {
        let _ = writeln!(s, "{line}");
    }
    if !r.refused.is_empty() {
        let _ = writeln!(
            s,
            "{} row(s) of the logs refused (listed at the end, not counted).",
            r.refused.len()
        );
    }
    let shown: Vec<&VisitRow> = r
        .visits
        .iter()
        .filter(|v| v.deviation_min > 0.5 || !findings(v, r.cut_short_share).is_empty())
        .take(TEXT_VISITS)
        .collect();
    let _ = writeln!(
        s,
        "\nVisits, worst first (times HH:MM, minutes; delay = logged start - planned start)"
    );
    if shown.is_empty() {
        let _ = writeln!(s, "  every visit went as planned");
    } else {
        let rows: Vec<Vec<String>> = shown.iter().map(|v| visit_cells(v, r.cut_short_share)).collect();
        s.push_str(&table(&VISIT_HEAD, &rows, 3));
        let rest = r.visits.len() - shown.len();
        if rest > 0 {
            let _ = writeln!(
                s,
                "  ... and {rest} more visit(s) (all are in the json, csv and html outputs)"
            );
        }
    }
    let _ = writeln!(s, "\nBy staff member (p/a = planned/actual minutes)");
    let mut head = vec!["staff", "organisation"];
    head.extend(GROUP_HEAD);
    let rows: Vec<Vec<String>> = r
        .staff
        .iter()
        .map(|st| {
            let mut c = vec![st.staff.clone(), st.organisation.clone()];
            c.extend(group_cells(&st.figures));
            c
        })
        .collect();
    s.push_str(&table(&head, &rows, 2));
    let _ = writeln!(s, "\nBy organisation");
    let mut head = vec!["organisation", "staff"];
    head.extend(GROUP_HEAD);
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
    s.push_str(&table(&head, &rows, 1));
    if !r.refused.is_empty() {
        let _ = writeln!(s, "\nRefused rows ({})", r.refused.len());
        for e in &r.refused {
            let _ = writeln!(s, "  {e}");
        }
    }
    s
}
