//! The headline cards of a plan, shared by the text and HTML reports: the savings, and
//! next to them the trade-offs a manager must weigh against them (continuity of care,
//! waiting, contact time moved between organisations). A saving alone reads as a free
//! lunch; a trade-off that got worse is shown as a warning in every format.

use super::build::{PlanReport, Saving};
use super::numbers::{duration, money, num};
use super::staff_time::StaffTimeValue;

/// How a card is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tone {
    /// Better than as booked.
    Good,
    /// A saving that went the wrong way.
    Bad,
    /// A trade-off that got worse: a cost of the plan.
    Warn,
    /// No change, or not defined.
    Neutral,
}

impl Tone {
    /// CSS class.
    pub fn class(self) -> &'static str {
        match self {
            Tone::Good => "good",
            Tone::Bad => "bad",
            Tone::Warn => "warn",
            Tone::Neutral => "neutral",
        }
    }
}

/// One card: a label, the figure, a line under it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Card {
    /// What the figure is.
    pub label: String,
    /// The figure.
    pub value: String,
    /// Lines under it: the year's figure, the change, or what moved (one line a flow).
    pub detail: Vec<String>,
    /// How it is shown.
    pub tone: Tone,
}

/// The savings a day, with the extrapolated year under each (and the estimated value of
/// the driving time saved, when hourly rates are given).
pub(crate) fn savings(p: &PlanReport) -> Vec<Card> {
    let (d, y) = (&p.extrapolation.per_day, &p.extrapolation.per_year);
    type Get = fn(&Saving) -> String;
    let items: [(&str, Get, f64); 5] = [
        ("Travel time saved", |v| duration(v.travel_min), d.travel_min),
        ("Miles saved", |v| num(v.distance_miles, 1), d.distance_miles),
        ("Mileage saved", |v| money(v.cost_gbp), d.cost_gbp),
        ("CO2e avoided", |v| format!("{} kg", num(v.co2_kg, 1)), d.co2_kg),
        ("Office time freed", |v| duration(v.free_min), d.free_min),
    ];
    let mut out: Vec<Card> = items
        .into_iter()
        .map(|(label, get, sign)| Card {
            label: format!("{label} a day"),
            value: get(d),
            detail: vec![format!("a year*: {}", get(y))],
            tone: if sign >= 0.0 { Tone::Good } else { Tone::Bad },
        })
        .collect();
    if let Some(v) = &p.staff_time_value {
        out.push(staff_time_card(v));
    }
    out
}

fn staff_time_card(v: &StaffTimeValue) -> Card {
    Card {
        label: "Staff driving time saved, value a day (estimate)".into(),
        value: money(v.per_day_gbp),
        detail: {
            let mut d = vec![format!("a year*: {}", money(v.per_year_gbp))];
            if !v.not_costed.is_empty() {
                let costed: Vec<&str> = v.organisations.iter().map(|o| o.organisation.as_str()).collect();
                d.push(format!(
                    "{} only (no rate for {})",
                    costed.join(", "),
                    v.not_costed.join(", ")
                ));
            }
            d
        },
        tone: if v.per_day_gbp >= 0.0 {
            Tone::Good
        } else {
            Tone::Bad
        },
    }
}

/// `50%`, or `n/a` when no visit names preferred staff.
fn share(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".into(), |x| format!("{}%", num(x, 1)))
}

/// The trade-offs: preferred-staff share and waiting before → after, and contact time moved
/// between organisations; each a warning when it got worse.
pub(crate) fn tradeoffs(p: &PlanReport) -> Vec<Card> {
    let (b, pl, d) = (&p.team.baseline, &p.team.plan, &p.team.delta);
    let points = d.preferred_share_pct.unwrap_or(0.0);
    let continuity = Card {
        label: "Preferred-staff share".into(),
        value: format!(
            "{} → {}",
            share(b.preferred_share_pct),
            share(pl.preferred_share_pct)
        ),
        detail: vec![match d.preferred_share_pct {
            None => "no visit names preferred staff".into(),
            Some(x) if x.abs() < 0.05 => "no change".into(),
            Some(x) => format!("{}{} points", if x > 0.0 { "+" } else { "" }, num(x, 1)),
        }],
        tone: worse_if(-points, 0.05),
    };
    let waiting = Card {
        label: "Waiting at doors".into(),
        value: format!("{} → {}", duration(b.wait_min), duration(pl.wait_min)),
        detail: vec![if d.wait_min.abs() < 0.5 {
            "no change".into()
        } else {
            format!(
                "{}{}",
                if d.wait_min > 0.0 { "+" } else { "" },
                duration(d.wait_min)
            )
        }],
        tone: worse_if(d.wait_min, 0.5),
    };
    let m = &p.contact_moved;
    let total: f64 = m.flows.iter().map(|f| f.contact_min).sum();
    let detail = if m.flows.is_empty() {
        vec!["none".to_string()]
    } else {
        m.flows
            .iter()
            .map(|f| {
                let org = m.organisations.iter().find(|o| o.organisation == f.from);
                let pct = org
                    .and_then(|o| o.moved_out_share_pct)
                    .map(|x| format!(", {}% of {}'s booked contact time", num(x, 1), f.from))
                    .unwrap_or_default();
                let over = if org.is_some_and(|o| o.flagged) {
                    format!(", over the {}% limit", num(m.max_share_pct, 0))
                } else {
                    String::new()
                };
                format!("{} → {} {}{pct}{over}", f.from, f.to, duration(f.contact_min))
            })
            .collect()
    };
    let moved = Card {
        label: "Contact time moved between organisations".into(),
        value: duration(total),
        detail,
        tone: if m.flagged().next().is_some() {
            Tone::Warn
        } else {
            Tone::Neutral
        },
    };
    vec![continuity, waiting, moved]
}

/// Warn when `worse` (positive = worse) passes `tol`, good when it falls below `-tol`.
fn worse_if(worse: f64, tol: f64) -> Tone {
    if worse > tol {
        Tone::Warn
    } else if worse < -tol {
        Tone::Good
    } else {
        Tone::Neutral
    }
}
