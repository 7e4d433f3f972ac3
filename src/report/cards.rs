//! The HTML report's card for each staff member: their route as booked and in the plan on
//! two maps of the same scale, a few figures, and both days on one timeline.

use super::build::{PlanReport, Report};
use super::figures::{Comparison, Figures};
use super::markup::{esc, tone};
use super::numbers::{duration, num, value};
use super::svg::{route_maps, timeline, ROUTE_COLOURS};
use super::text::{field, heading, index};
use std::fmt::Write;

/// The legend, then one card per staff member in problem order.
pub(crate) fn staff_days(s: &mut String, r: &Report, p: &PlanReport) {
    s.push_str("<h3>Each staff member's day</h3>\n");
    let _ = writeln!(
        s,
        "<p class=\"legend\"><span class=\"key\" style=\"background:{}\"></span>as booked \
         <span class=\"key\" style=\"background:{}\"></span>plan &nbsp;&middot;&nbsp; \
         <span class=\"key seg visit\"></span>visit <span class=\"key seg travel\"></span>travel \
         <span class=\"key seg wait\"></span>waiting <span class=\"key seg break\"></span>break \
         <span class=\"key seg free\"></span>free office time \
         <span class=\"key seg overtime\"></span>overtime \
         &nbsp;&middot;&nbsp; &#9632; start/end place, numbered circles: visits in order</p>",
        ROUTE_COLOURS[0], ROUTE_COLOURS[1]
    );
    if !r.has_coordinates {
        s.push_str(
            "<p class=\"note\">Route maps are not drawn: this problem's places have no coordinates \
             (travel comes from a matrix).</p>\n",
        );
    }
    let views = r.baseline_days.iter().chain(p.days.iter());
    let t0 = views
        .clone()
        .flat_map(|v| v.segments.iter().map(|g| g.start).chain([v.shift_start]))
        .fold(f64::INFINITY, f64::min);
    let t1 = views
        .flat_map(|v| v.segments.iter().map(|g| g.end).chain([v.shift_end]))
        .fold(f64::NEG_INFINITY, f64::max);
    let (t0, t1) = ((t0 / 60.0).floor() * 60.0, (t1 / 60.0).ceil() * 60.0);
    for (k, st) in p.staff.iter().enumerate() {
        let (before, after) = (&r.baseline_days[k], &p.days[k]);
        let c = &st.figures;
        let _ = writeln!(
            s,
            "<div class=\"staff-card\"><h4>{} <span class=\"org\">{}</span></h4>",
            esc(&st.staff),
            esc(&st.organisation)
        );
        s.push_str("<div class=\"day\">");
        let caption = |f: &Figures| {
            format!(
                "{} visits, {} travel, {} miles",
                num(f.visits, 0),
                duration(f.travel_min),
                num(f.distance_miles, 1)
            )
        };
        if let Some(maps) = route_maps(&[before, after], 300.0, 210.0) {
            for (m, (side, f)) in maps.iter().zip([("As booked", &c.baseline), ("Plan", &c.plan)]) {
                let _ = write!(
                    s,
                    "<figure>{m}<figcaption><b>{side}</b>: {}</figcaption></figure>",
                    esc(&caption(f))
                );
            }
        }
        mini_table(s, c);
        s.push_str("</div>\n");
        s.push_str(&timeline(
            &[("As booked", before), ("Plan", after)],
            t0,
            t1,
            1000.0,
        ));
        s.push_str("\n</div>\n");
    }
}

fn mini_table(s: &mut String, c: &Comparison) {
    s.push_str("<table class=\"mini\"><thead><tr><th></th><th>Booked</th><th>Plan</th></tr></thead><tbody>");
    for key in [
        "travel_min",
        "distance_miles",
        "cost_gbp",
        "wait_min",
        "free_min",
        "overtime_min",
        "late_visits",
    ] {
        let (f, i) = (field(key), index(key));
        let _ = write!(
            s,
            "<tr><th>{}</th><td>{}</td><td class=\"{}\">{}</td></tr>",
            esc(&heading(f)),
            esc(&value(c.baseline.values()[i], f)),
            tone(f, c.delta.values()[i]),
            esc(&value(c.plan.values()[i], f))
        );
    }
    s.push_str("</tbody></table>");
}
