//! The report as one self-contained HTML page for meetings and printing: headline saving,
//! summary tables, and per staff member route maps (before and after) and a day timeline.
//! Inline CSS and SVG only: the page loads nothing, so it opens offline and prints as is.

use super::build::{PlanReport, Report, Saving};
use super::cards;
use super::figures::{Comparison, Figures};
use super::headline;
use super::markup::{esc, tone};
use super::numbers::{delta, duration, money, num, percent, value};
use super::text::{field, heading, headline, index, verdict, KEY_FIGURES};
use std::fmt::Write;

const STYLE: &str = include_str!("report.css");

/// The page.
pub fn render(r: &Report) -> String {
    let title = if r.problem.is_empty() {
        "(unnamed problem)"
    } else {
        &r.problem
    };
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Travel savings and workload: {t}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n\
         <header><h1>Travel savings and workload</h1><p class=\"sub\">{t} &middot; the rounds as booked \
         compared with {n} optimised plan(s)</p></header>\n",
        t = esc(title),
        n = r.plans.len()
    );
    let b = &r.baseline;
    let _ = writeln!(
        s,
        "<p class=\"verdict\"><b>As booked:</b> {} visits booked{}. Timed by the same travel model, {}</p>",
        b.visits_booked,
        if b.not_booked.is_empty() {
            String::new()
        } else {
            format!("; not booked: {}", esc(&b.not_booked.join(", ")))
        },
        esc(&verdict(&b.checker))
    );
    for (i, p) in r.plans.iter().enumerate() {
        plan(&mut s, r, p, i);
    }
    assumptions(&mut s, r);
    s.push_str("<footer>\n");
    if r.has_coordinates {
        s.push_str("<p>Route maps are drawn from the problem's coordinates alone (no map tiles).</p>\n");
    }
    for c in &r.credits {
        let _ = write!(
            s,
            "<p><b>{}</b>: {}{}.",
            esc(&c.source),
            esc(&c.used_for),
            c.licence
                .as_ref()
                .map(|l| format!(", {}", esc(l)))
                .unwrap_or_default()
        );
        for line in &c.attribution {
            let _ = write!(s, "<br>{}", esc(line));
        }
        s.push_str("</p>\n");
    }
    let _ = writeln!(
        s,
        "<p>Made by {}.</p>\n</footer>\n</body>\n</html>",
        esc(&r.generator)
    );
    s
}

fn plan(s: &mut String, r: &Report, p: &PlanReport, i: usize) {
    let _ = writeln!(
        s,
        "<section class=\"plan{}\">\n<h2>As booked &rarr; &ldquo;{}&rdquo;</h2>",
        if i > 0 { " next" } else { "" },
        esc(&p.name)
    );
    let _ = writeln!(s, "<p class=\"headline\">{}</p>", esc(&headline(p)));
    cards(s, p);
    let _ = writeln!(
        s,
        "<p class=\"verdict\"><b>Checker:</b> {} Visits nobody makes: as booked {}, plan {} ({} \
         listed unassigned).</p>",
        esc(&verdict(&p.checker)),
        p.visits_not_made.baseline,
        p.visits_not_made.plan,
        p.unassigned
    );
    s.push_str("<h3>Team</h3>\n");
    comparison_table(s, &p.team);
    organisations(s, p);
    staff_table(s, p);
    extrapolation(s, p);
    cards::staff_days(s, r, p);
    s.push_str("</section>\n");
}

fn cards(s: &mut String, p: &PlanReport) {
    let row = |s: &mut String, class: &str, title: &str, cards: Vec<headline::Card>| {
        let _ = writeln!(
            s,
            "<div class=\"cards-title\">{title}</div>\n<div class=\"cards {class}\">"
        );
        for c in cards {
            let _ = writeln!(
                s,
                "<div class=\"card {}\"><div class=\"card-label\">{}</div>\
                 <div class=\"card-value\">{}</div><div class=\"card-year\">{}</div></div>",
                c.tone.class(),
                esc(&c.label),
                esc(&c.value),
                c.detail.iter().map(|d| esc(d)).collect::<Vec<_>>().join("<br>")
            );
        }
        s.push_str("</div>\n");
    };
    row(s, "savings", "Savings", headline::savings(p));
    row(
        s,
        "tradeoffs",
        "Trade-offs (as booked &rarr; plan; amber: got worse)",
        headline::tradeoffs(p),
    );
    let _ = writeln!(s, "<p class=\"note\">* {}</p>", esc(&p.extrapolation.note));
    if let Some(v) = &p.staff_time_value {
        let _ = writeln!(s, "<p class=\"note\">{}</p>", esc(&v.words()));
    }
}

fn comparison_table(s: &mut String, c: &Comparison) {
    let (b, p, d, pct) = (
        c.baseline.values(),
        c.plan.values(),
        c.delta.values(),
        c.delta_pct.values(),
    );
    s.push_str(
        "<table class=\"figures\"><thead><tr><th>Figure</th><th>As booked</th><th>Plan</th>\
         <th>Change</th><th>%</th></tr></thead><tbody>\n",
    );
    for (i, f) in Figures::FIELDS.iter().enumerate() {
        let _ = writeln!(
            s,
            "<tr><th>{}</th><td>{}</td><td>{}</td><td class=\"{t}\">{}</td><td class=\"{t}\">{}</td></tr>",
            esc(&heading(f)),
            esc(&value(b[i], f)),
            esc(&value(p[i], f)),
            esc(&delta(d[i], f)),
            esc(&percent(pct[i])),
            t = tone(f, d[i])
        );
    }
    s.push_str("</tbody></table>\n");
}

fn organisations(s: &mut String, p: &PlanReport) {
    s.push_str("<h3>By organisation</h3>\n<table class=\"figures\"><thead><tr><th rowspan=\"2\">Figure</th>");
    for g in &p.organisations {
        let name = if g.organisation.is_empty() {
            "(none)"
        } else {
            &g.organisation
        };
        let _ = write!(s, "<th colspan=\"3\" class=\"group\">{}</th>", esc(name));
    }
    s.push_str("</tr><tr>");
    for _ in &p.organisations {
        s.push_str("<th class=\"group\">As booked</th><th>Plan</th><th>Change</th>");
    }
    s.push_str("</tr></thead><tbody>\n");
    for key in KEY_FIGURES {
        let (f, i) = (field(key), index(key));
        let _ = write!(s, "<tr><th>{}</th>", esc(&heading(f)));
        for g in &p.organisations {
            let c = &g.figures;
            let d = c.delta.values()[i];
            let _ = write!(
                s,
                "<td class=\"group\">{}</td><td>{}</td><td class=\"{}\">{}</td>",
                esc(&value(c.baseline.values()[i], f)),
                esc(&value(c.plan.values()[i], f)),
                tone(f, d),
                esc(&delta(d, f))
            );
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody></table>\n");
}

fn staff_table(s: &mut String, p: &PlanReport) {
    let cols = [
        "visits",
        "travel_min",
        "distance_miles",
        "cost_gbp",
        "wait_min",
        "free_min",
        "overtime_min",
        "late_visits",
        "preferred_share_pct",
    ];
    s.push_str(
        "<h3>By staff member</h3>\n<table class=\"figures staff\"><thead><tr><th>Staff</th>\
         <th class=\"org\">Organisation</th>",
    );
    for k in cols {
        let _ = write!(s, "<th>{}</th>", esc(&heading(field(k))));
    }
    s.push_str("</tr></thead><tbody>\n");
    for st in &p.staff {
        let _ = write!(
            s,
            "<tr><th>{}</th><td class=\"org\">{}</td>",
            esc(&st.staff),
            esc(&st.organisation)
        );
        for k in cols {
            let (f, i) = (field(k), index(k));
            let c = &st.figures;
            let _ = write!(
                s,
                "<td class=\"{}\">{} &rarr; {}</td>",
                tone(f, c.delta.values()[i]),
                esc(&value(c.baseline.values()[i], f)),
                esc(&value(c.plan.values()[i], f))
            );
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody></table>\n<p class=\"note\">Each cell: as booked &rarr; plan.</p>\n");
}

fn extrapolation(s: &mut String, p: &PlanReport) {
    let x = &p.extrapolation;
    let _ = writeln!(
        s,
        "<h3>Saving over time (extrapolated)</h3>\n<table class=\"figures\"><thead><tr><th></th>\
         <th>This day</th><th>A week (&times;{}) *</th><th>A year (&times;{}) *</th></tr></thead><tbody>",
        num(x.days_per_week, 0),
        num(x.days_per_year, 0)
    );
    type Get = fn(&Saving) -> String;
    let lines: [(&str, Get); 5] = [
        ("Travel time saved", |v| duration(v.travel_min)),
        ("Miles saved", |v| num(v.distance_miles, 1)),
        ("Mileage saved", |v| money(v.cost_gbp)),
        ("CO2e avoided, kg", |v| num(v.co2_kg, 1)),
        ("Office time freed", |v| duration(v.free_min)),
    ];
    for (label, get) in lines {
        let _ = writeln!(
            s,
            "<tr><th>{label}</th><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&get(&x.per_day)),
            esc(&get(&x.per_week)),
            esc(&get(&x.per_year))
        );
    }
    if let Some(v) = &p.staff_time_value {
        let _ = writeln!(
            s,
            "<tr><th>Staff driving time saved, value (estimate)</th><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&money(v.per_day_gbp)),
            esc(&money(v.per_week_gbp)),
            esc(&money(v.per_year_gbp))
        );
    }
    let _ = writeln!(s, "</tbody></table>\n<p class=\"note\">* {}</p>", esc(&x.note));
}

fn assumptions(s: &mut String, r: &Report) {
    let a = &r.assumptions;
    s.push_str("<section class=\"assumptions\"><h2>Assumptions</h2>\n<ul>\n");
    let _ = writeln!(
        s,
        "<li><b>Travel:</b> {} ({}).</li>",
        esc(&a.travel.description),
        esc(&a.travel.mode)
    );
    for m in &a.mileage_rates {
        let org = if m.organisation.is_empty() {
            "(no organisation)"
        } else {
            &m.organisation
        };
        let _ = writeln!(
            s,
            "<li><b>Mileage rate, {}:</b> {} a mile ({}).</li>",
            esc(org),
            esc(&money(m.gbp_per_mile)),
            esc(&m.source)
        );
    }
    let _ = writeln!(
        s,
        "<li><b>Default mileage rate:</b> {} a mile: {}.</li>",
        esc(&money(a.default_gbp_per_mile)),
        esc(&a.default_rate_source)
    );
    let _ = writeln!(
        s,
        "<li><b>CO2e:</b> {} kg per km: {}.</li>",
        a.co2_kg_per_km,
        esc(&a.co2_source)
    );
    for h in &a.hourly_rates {
        let _ = writeln!(
            s,
            "<li><b>Staff cost, {}:</b> {} an hour ({}), for the estimated value of driving time saved.</li>",
            esc(&h.organisation),
            esc(&money(h.gbp_per_hour)),
            esc(&h.source)
        );
    }
    let _ = writeln!(
        s,
        "<li><b>Contact time moved:</b> an organisation losing more than {}% of its booked contact \
         time to another is flagged.</li>",
        num(a.max_org_shift_pct, 1)
    );
    let _ = writeln!(s, "<li><b>Miles</b> = km / {}.</li>", a.km_per_mile);
    let _ = writeln!(
        s,
        "<li><b>Extrapolation:</b> {} working days a week, {} a year.</li>",
        a.days_per_week, a.days_per_year
    );
    let _ = writeln!(
        s,
        "<li><b>Baseline timing:</b> {}</li>\n</ul>\n</section>",
        esc(&a.baseline_timing)
    );
}
