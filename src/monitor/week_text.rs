//! The week report as text (a staff × day table of contact minutes, then the week's
//! organisation and staff figures, the worst visits of the week and the refused rows) and
//! as CSV (the day CSV's rows of every day, with the date and the log set in front).

use super::figures::{Totals, VisitRow};
use super::table::{cells, text as cell_text, write, CSV_COLUMNS};
use super::text::{findings, group_cells, summary, table, visit_cells, GROUP_HEAD, TEXT_VISITS, VISIT_HEAD};
use super::week::{WeekReport, WeekRow};
use std::fmt::Write;

/// A staff × day cell: planned/logged contact minutes, then the counts that are not 0
/// (`o` overran, `l` late, `u` not logged); `-` on a day the staff member is not in.
pub(crate) fn day_cell(t: Option<&Totals>) -> String {
    let Some(t) = t else {
        return "-".into();
    };
    let mut c = format!("{:.0}/{:.0}", t.contact_min.planned, t.contact_min.actual);
    for (n, k) in [(t.overran, 'o'), (t.late_visits, 'l'), (t.not_logged, 'u')] {
        if n > 0 {
            let _ = write!(c, " {k}{n}");
        }
    }
    c
}

/// The name shown for an organisation.
pub(crate) fn org_name(o: &str) -> &str {
    if o.is_empty() {
        "(none)"
    } else {
        o
    }
}

/// Every visit of the week that did not go as planned, worst first, with its date.
pub(crate) fn worst(r: &WeekReport) -> Vec<(&str, &VisitRow)> {
    let mut all: Vec<(&str, &VisitRow)> = r
        .days
        .iter()
        .flat_map(|d| d.report.visits.iter().map(move |v| (d.date.as_str(), v)))
        .filter(|(_, v)| v.deviation_min > 0.5 || !findings(v, r.cut_short_share).is_empty())
        .collect();
    all.sort_by(|a, b| {
        b.1.deviation_min
            .total_cmp(&a.1.deviation_min)
            .then_with(|| a.0.cmp(b.0))
            .then_with(|| a.1.staff.cmp(&b.1.staff))
    });
    all
}

fn day_cells(w: &WeekRow) -> impl Iterator<Item = String> + '_ {
    w.days
        .iter()
        .map(|d| day_cell(d.as_ref()))
        .chain([day_cell(Some(&w.week))])
}

/// The staff × day table's rows.
fn staff_grid(r: &WeekReport) -> Vec<Vec<String>> {
    r.staff
        .iter()
        .map(|st| {
            let mut c = vec![st.name.clone(), st.organisation.clone()];
            c.extend(day_cells(st));
            c
        })
        .collect()
}

/// The organisation × day table's rows, the team last.
fn organisation_grid(r: &WeekReport) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = r
        .organisations
        .iter()
        .map(|o| {
            let mut c = vec![org_name(&o.name).to_string(), o.week.staff.to_string()];
            c.extend(day_cells(o));
            c
        })
        .collect();
    let mut team = vec!["team".to_string(), r.team.week.staff.to_string()];
    team.extend(r.team.days.iter().map(|d| day_cell(Some(d))));
    team.push(day_cell(Some(&r.team.week)));
    rows.push(team);
    rows
}

fn group_rows(rows: &[WeekRow], org: bool) -> Vec<Vec<String>> {
    rows.iter()
        .map(|w| {
            let mut c = if org {
                vec![org_name(&w.name).to_string(), w.week.staff.to_string()]
            } else {
                vec![w.name.clone(), w.organisation.clone()]
            };
            c.extend(group_cells(&w.week));
            c
        })
        .collect()
}

/// The title line's span of days.
pub(crate) fn span(r: &WeekReport) -> String {
    match (r.dates.first(), r.dates.last()) {
        (Some(a), Some(b)) if a != b => format!("{a} to {b} ({} days)", r.dates.len()),
        (Some(a), _) => format!("{a} (1 day)"),
        _ => "no days".into(),
    }
}

/// The text report.
pub fn render(r: &WeekReport) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Planned against actual, the week: {}", span(r));
    let _ = writeln!(
        s,
        "{}; cut short = below {:.0}% of the planned contact time\n",
        r.generator,
        r.cut_short_share * 100.0
    );
    for line in summary(&r.team.week) {
        let _ = writeln!(s, "{line}");
    }
    if !r.refused.is_empty() {
        let _ = writeln!(
            s,
            "{} row(s) of the logs refused (listed at the end, not counted).",
            r.refused.len()
        );
    }
    let _ = writeln!(
        s,
        "\nContact minutes by staff member and day (planned/logged; o = overran, l = late, u = not logged)"
    );
    let mut head = vec!["staff", "organisation"];
    head.extend(r.dates.iter().map(String::as_str));
    head.push("week");
    s.push_str(&table(&head, &staff_grid(r), 2));
    let _ = writeln!(s, "\nContact minutes by organisation and day");
    head[..2].copy_from_slice(&["organisation", "staff"]);
    s.push_str(&table(&head, &organisation_grid(r), 1));
    let _ = writeln!(s, "\nBy organisation, the week (p/a = planned/actual minutes)");
    let mut head = vec!["organisation", "staff"];
    head.extend(GROUP_HEAD);
    let mut rows = group_rows(&r.organisations, true);
    let mut team = vec!["team".to_string(), r.team.week.staff.to_string()];
    team.extend(group_cells(&r.team.week));
    rows.push(team);
    s.push_str(&table(&head, &rows, 1));
    let _ = writeln!(s, "\nBy staff member, the week");
    let mut head = vec!["staff", "organisation"];
    head.extend(GROUP_HEAD);
    s.push_str(&table(&head, &group_rows(&r.staff, false), 2));
    let _ = writeln!(
        s,
        "\nVisits of the week, worst first (times HH:MM, minutes; delay = logged start - planned start)"
    );
    let worst = worst(r);
    if worst.is_empty() {
        let _ = writeln!(s, "  every visit went as planned");
    } else {
        let rows: Vec<Vec<String>> = worst
            .iter()
            .take(TEXT_VISITS)
            .map(|(d, v)| {
                let mut c = vec![d.to_string()];
                c.extend(visit_cells(v, r.cut_short_share));
                c
            })
            .collect();
        let mut head = vec!["date"];
        head.extend(VISIT_HEAD);
        s.push_str(&table(&head, &rows, 4));
        if worst.len() > TEXT_VISITS {
            let _ = writeln!(
                s,
                "  ... and {} more visit(s) (all are in the json, csv and html outputs)",
                worst.len() - TEXT_VISITS
            );
        }
    }
    if !r.refused.is_empty() {
        let _ = writeln!(s, "\nRefused rows ({})", r.refused.len());
        for e in &r.refused {
            let _ = writeln!(s, "  {e}");
        }
    }
    s
}

/// The CSV: `date`, `logs` (the log set of the visit's record), then the day CSV's
/// columns; the days in date order, each day's visits worst first.
pub fn csv(r: &WeekReport) -> String {
    let mut head = vec!["date".to_string(), "logs".to_string()];
    head.extend(CSV_COLUMNS.iter().map(|c| c.to_string()));
    let rows = r.days.iter().flat_map(|d| {
        d.report.visits.iter().zip(&d.sources).map(|(v, src)| {
            let mut c = vec![d.date.clone(), cell_text(src.as_deref().unwrap_or(""))];
            c.extend(cells(v, r.cut_short_share));
            c
        })
    });
    write(std::iter::once(head).chain(rows))
}
