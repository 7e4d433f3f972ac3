//! The report as plain-text tables, for a terminal or an email.

use super::build::{CheckSummary, PlanReport, Report, Saving};
use super::figures::{Comparison, Field, Figures};
use super::headline::{self, Card, Tone};
use super::numbers::{delta, duration, money, num, percent, value};
use std::fmt::Write;

/// Figures shown for each organisation (the team table shows them all).
pub(crate) const KEY_FIGURES: &[&str] = &[
    "staff",
    "visits",
    "contact_min",
    "travel_min",
    "distance_miles",
    "cost_gbp",
    "co2_kg",
    "wait_min",
    "free_min",
    "overtime_min",
    "late_visits",
    "outside_window_visits",
    "preferred_share_pct",
];

/// The text report.
pub fn render(r: &Report) -> String {
    let mut s = String::new();
    let title = if r.problem.is_empty() {
        "(unnamed problem)"
    } else {
        &r.problem
    };
    let _ = writeln!(s, "Travel savings and workload: {title}");
    let _ = writeln!(s, "{}\n", r.generator);
    let b = &r.baseline;
    let _ = write!(s, "As booked (baseline): {} visits booked", b.visits_booked);
    if b.not_booked.is_empty() {
        let _ = writeln!(s, ".");
    } else {
        let _ = writeln!(s, "; not booked: {}.", b.not_booked.join(", "));
    }
    let _ = writeln!(s, "  Timed by the same travel model: {}\n", verdict(&b.checker));
    for p in &r.plans {
        plan(&mut s, p);
    }
    assumptions(&mut s, r);
    credits(&mut s, r);
    s
}

fn credits(s: &mut String, r: &Report) {
    if r.credits.is_empty() {
        return;
    }
    let _ = writeln!(s, "\nData sources");
    for c in &r.credits {
        let licence = c.licence.as_ref().map(|l| format!(", {l}")).unwrap_or_default();
        let _ = writeln!(s, "- {}: {}{licence}.", c.source, c.used_for);
        for line in &c.attribution {
            let _ = writeln!(s, "  {line}");
        }
    }
}

/// The headline cards as lines: savings, then trade-offs, a worse one marked `!`.
fn cards(s: &mut String, p: &PlanReport) {
    let line = |s: &mut String, c: &Card| {
        let mark = match c.tone {
            Tone::Warn | Tone::Bad => "! ",
            _ => "  ",
        };
        let _ = writeln!(s, "{mark}{}: {}; {}", c.label, c.value, c.detail.join("; "));
    };
    let _ = writeln!(s, "Savings");
    for c in headline::savings(p) {
        line(s, &c);
    }
    let _ = writeln!(s, "Trade-offs (as booked -> plan; ! = got worse)");
    for c in headline::tradeoffs(p) {
        // One line a flow of contact time: they are read one by one.
        let mark = if c.tone == Tone::Warn { "! " } else { "  " };
        if c.detail.len() == 1 {
            let _ = writeln!(s, "{mark}{}: {}; {}", c.label, c.value, c.detail[0]);
        } else {
            let _ = writeln!(s, "{mark}{}: {}", c.label, c.value);
            for d in &c.detail {
                let _ = writeln!(s, "    {d}");
            }
        }
    }
    let _ = writeln!(s, "* {}", p.extrapolation.note);
    if let Some(v) = &p.staff_time_value {
        let _ = writeln!(s, "{}", v.words());
    }
    s.push('\n');
}

/// `follows every rule` or `breaks 3 rules: time_window 2, shift_end 1`.
pub(crate) fn verdict(c: &CheckSummary) -> String {
    if c.violations == 0 {
        return "the checker finds no violations.".into();
    }
    let rules: Vec<String> = c.by_rule.iter().map(|(k, n)| format!("{k} {n}")).collect();
    format!(
        "the checker finds {} violation(s): {}.",
        c.violations,
        rules.join(", ")
    )
}

/// One sentence with the day's saving.
pub(crate) fn headline(p: &PlanReport) -> String {
    let d = &p.extrapolation.per_day;
    let pct = p
        .team
        .delta_pct
        .travel_min
        .map(|x| format!(" ({})", percent(Some(x))))
        .unwrap_or_default();
    let verb = if d.travel_min >= 0.0 { "saves" } else { "adds" };
    let free = if d.free_min >= 0.0 {
        format!("frees {} of office time", duration(d.free_min))
    } else {
        format!("takes {} of office time", duration(-d.free_min))
    };
    format!(
        "Against the rounds as booked, \"{}\" {verb} {} of travel{pct}, {} miles, {} of mileage and {} kg \
         CO2e a day, and {free}.",
        p.name,
        duration(d.travel_min.abs()),
        num(d.distance_miles.abs(), 1),
        money(d.cost_gbp.abs()),
        num(d.co2_kg.abs(), 1),
    )
}

fn plan(s: &mut String, p: &PlanReport) {
    let _ = writeln!(s, "== Plan \"{}\" ==", p.name);
    let _ = writeln!(s, "Checker: {}", verdict(&p.checker));
    let _ = writeln!(
        s,
        "Visits nobody makes: as booked {}, plan {} ({} listed unassigned in the plan).\n",
        p.visits_not_made.baseline, p.visits_not_made.plan, p.unassigned
    );
    let _ = writeln!(s, "{}\n", headline(p));
    cards(s, p);
    let _ = writeln!(s, "Team");
    s.push_str(&comparison_table(&p.team, |_| true));
    for g in &p.organisations {
        let org = if g.organisation.is_empty() {
            "(no organisation)"
        } else {
            &g.organisation
        };
        let _ = writeln!(s, "\nOrganisation: {org}");
        s.push_str(&comparison_table(&g.figures, |f| KEY_FIGURES.contains(&f.key)));
    }
    let _ = writeln!(s, "\nStaff (as booked -> plan)");
    let cols = [
        "visits",
        "travel_min",
        "distance_miles",
        "cost_gbp",
        "wait_min",
        "free_min",
        "overtime_min",
        "late_visits",
    ];
    let mut rows = vec![{
        let mut h = vec!["staff".to_string(), "organisation".to_string()];
        h.extend(cols.iter().map(|k| heading(field(k))));
        h
    }];
    for st in &p.staff {
        let mut row = vec![st.staff.clone(), st.organisation.clone()];
        for k in cols {
            let (f, i) = (field(k), index(k));
            let (b, pl) = (st.figures.baseline.values()[i], st.figures.plan.values()[i]);
            row.push(format!("{} -> {}", value(b, f), value(pl, f)));
        }
        rows.push(row);
    }
    s.push_str(&table(&rows, 2));
    let x = &p.extrapolation;
    let _ = writeln!(s, "\nSaving (positive = better than as booked)");
    let mut rows = vec![vec![
        String::new(),
        "this day".into(),
        format!("a week (x{})", num(x.days_per_week, 0)),
        format!("a year (x{})", num(x.days_per_year, 0)),
    ]];
    type Get = fn(&Saving) -> String;
    let lines: [(&str, Get); 5] = [
        ("Travel time saved", |v| duration(v.travel_min)),
        ("Miles saved", |v| num(v.distance_miles, 1)),
        ("Mileage saved", |v| money(v.cost_gbp)),
        ("CO2e avoided, kg", |v| num(v.co2_kg, 1)),
        ("Office time freed", |v| duration(v.free_min)),
    ];
    for (label, get) in lines {
        rows.push(vec![
            label.into(),
            get(&x.per_day),
            get(&x.per_week),
            get(&x.per_year),
        ]);
    }
    if let Some(v) = &p.staff_time_value {
        rows.push(vec![
            "Staff driving time saved, value (estimate)".into(),
            money(v.per_day_gbp),
            money(v.per_week_gbp),
            money(v.per_year_gbp),
        ]);
    }
    s.push_str(&table(&rows, 1));
    let _ = writeln!(s, "{}\n", x.note);
}

fn assumptions(s: &mut String, r: &Report) {
    let a = &r.assumptions;
    let _ = writeln!(s, "Assumptions");
    let _ = writeln!(s, "- Travel: {} ({}).", a.travel.description, a.travel.mode);
    for m in &a.mileage_rates {
        let org = if m.organisation.is_empty() {
            "(no organisation)"
        } else {
            &m.organisation
        };
        let _ = writeln!(
            s,
            "- Mileage rate, {org}: {}/mile ({}).",
            money(m.gbp_per_mile),
            m.source
        );
    }
    let _ = writeln!(
        s,
        "- Default mileage rate {}/mile: {}.",
        money(a.default_gbp_per_mile),
        a.default_rate_source
    );
    let _ = writeln!(s, "- CO2e: {} kg per km: {}.", a.co2_kg_per_km, a.co2_source);
    for h in &a.hourly_rates {
        let _ = writeln!(
            s,
            "- Staff cost, {}: {} an hour ({}), for the estimated value of driving time saved.",
            h.organisation,
            money(h.gbp_per_hour),
            h.source
        );
    }
    let _ = writeln!(
        s,
        "- Contact time moved: an organisation losing more than {}% of its booked contact time to \
         another is flagged.",
        num(a.max_org_shift_pct, 1)
    );
    let _ = writeln!(s, "- Miles = km / {}.", a.km_per_mile);
    let _ = writeln!(
        s,
        "- Extrapolation: {} working days a week, {} a year.",
        a.days_per_week, a.days_per_year
    );
    let _ = writeln!(s, "- {}", a.baseline_timing);
}

/// Baseline, plan, change and % for the fields `keep` selects.
fn comparison_table(c: &Comparison, keep: impl Fn(&Field) -> bool) -> String {
    let (b, p, d, pct) = (
        c.baseline.values(),
        c.plan.values(),
        c.delta.values(),
        c.delta_pct.values(),
    );
    let mut rows = vec![vec![
        String::new(),
        "as booked".into(),
        "plan".into(),
        "change".into(),
        "%".into(),
    ]];
    for (i, f) in Figures::FIELDS.iter().enumerate().filter(|(_, f)| keep(f)) {
        rows.push(vec![
            heading(f),
            value(b[i], f),
            value(p[i], f),
            delta(d[i], f),
            percent(pct[i]),
        ]);
    }
    table(&rows, 1)
}

/// `Travel time, min`.
pub(crate) fn heading(f: &Field) -> String {
    match f.unit {
        "" | "%" | "£" => f.label.to_string(),
        u => format!("{}, {u}", f.label),
    }
}

pub(crate) fn field(key: &str) -> &'static Field {
    &Figures::FIELDS[index(key)]
}

pub(crate) fn index(key: &str) -> usize {
    Figures::FIELDS
        .iter()
        .position(|f| f.key == key)
        .unwrap_or_else(|| panic!("no figure {key}"))
}

/// Columns padded to their widest cell: the first `left` left-aligned, the rest right.
fn table(rows: &[Vec<String>], left: usize) -> String {
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width: Vec<usize> = (0..n)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|x| x.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut s = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c > 0 {
                line.push_str("  ");
            }
            let pad = width[c] - cell.chars().count();
            if c < left {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            } else {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            }
        }
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s
}
