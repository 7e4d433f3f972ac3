//! Inline SVG pictures for the HTML report: route maps drawn from coordinates (an
//! equirectangular projection, fine at the scale of a locality) and day timelines.

use super::day::{DayView, SegmentKind};
use super::markup::esc;
use crate::model::time::format_short;
use std::fmt::Write;

/// Kilometres per degree of latitude (Earth radius 6371.0088 km).
const KM_PER_DEG: f64 = 6371.0088 * std::f64::consts::PI / 180.0;

/// Colour of each side's route: as booked, and the plan.
pub const ROUTE_COLOURS: [&str; 2] = ["#b45309", "#1d4ed8"];

/// One map per view, all drawn to the same scale and extent so they can be compared side
/// by side; `None` when a place has no coordinates.
pub fn route_maps(views: &[&DayView], w: f64, h: f64) -> Option<Vec<String>> {
    let pts: Vec<(f64, f64)> = views
        .iter()
        .flat_map(|v| v.stops.iter())
        .map(|s| s.point.map(|p| (p.lat, p.lon)))
        .collect::<Option<_>>()?;
    if pts.is_empty() {
        return None;
    }
    let lat0 = pts.iter().map(|p| p.0).sum::<f64>() / pts.len() as f64;
    let k = lat0.to_radians().cos();
    let proj = |lat: f64, lon: f64| (lon * k, -lat);
    let xy: Vec<(f64, f64)> = pts.iter().map(|&(la, lo)| proj(la, lo)).collect();
    let (x0, x1) = minmax(xy.iter().map(|p| p.0));
    let (y0, y1) = minmax(xy.iter().map(|p| p.1));
    let pad = 14.0;
    // Pixels per degree; a lone point or a straight line gets a sensible extent.
    let scale = ((w - 2.0 * pad) / (x1 - x0).max(0.002)).min((h - 2.0 * pad) / (y1 - y0).max(0.002));
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let to_px = |lat: f64, lon: f64| {
        let (x, y) = proj(lat, lon);
        (w / 2.0 + (x - cx) * scale, h / 2.0 + (y - cy) * scale)
    };
    let maps = views
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let colour = ROUTE_COLOURS[i.min(1)];
            let mut s = format!(
                "<svg class=\"map\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\">\
                 <rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" class=\"map-bg\"/>"
            );
            if v.stops.iter().filter(|s| s.is_visit).count() == 0 {
                let _ = write!(
                    s,
                    "<text x=\"{}\" y=\"{}\" class=\"map-note\" text-anchor=\"middle\">no visits</text>",
                    w / 2.0,
                    h / 2.0
                );
            }
            let line: Vec<String> = v
                .stops
                .iter()
                .filter_map(|st| st.point)
                .map(|p| {
                    let (x, y) = to_px(p.lat, p.lon);
                    format!("{x:.1},{y:.1}")
                })
                .collect();
            if v.stops.iter().any(|s| s.is_visit) {
                let _ = write!(
                    s,
                    "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.6\" \
                     stroke-linejoin=\"round\" opacity=\"0.85\"/>",
                    line.join(" ")
                );
            }
            let mut n = 0;
            for st in &v.stops {
                let Some(p) = st.point else { continue };
                let (x, y) = to_px(p.lat, p.lon);
                if st.is_visit {
                    n += 1;
                    let _ = write!(
                        s,
                        "<g><title>{n}. {}</title><circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"5.5\" \
                         fill=\"white\" stroke=\"{colour}\" stroke-width=\"1.4\"/>\
                         <text x=\"{x:.1}\" y=\"{:.1}\" \
                         class=\"map-n\" text-anchor=\"middle\">{n}</text></g>",
                        esc(&st.label),
                        y + 2.6
                    );
                } else {
                    let _ = write!(
                        s,
                        "<g><title>{}</title><rect x=\"{:.1}\" y=\"{:.1}\" width=\"9\" height=\"9\" \
                         fill=\"#111827\"/></g>",
                        esc(&st.label),
                        x - 4.5,
                        y - 4.5
                    );
                }
            }
            s.push_str(&scale_bar(scale, w, h));
            s.push_str("</svg>");
            s
        })
        .collect();
    Some(maps)
}

fn minmax(it: impl Iterator<Item = f64>) -> (f64, f64) {
    it.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
        (a.min(x), b.max(x))
    })
}

/// A scale bar of a round length, bottom left. `scale` is pixels per degree of latitude.
fn scale_bar(scale: f64, _w: f64, h: f64) -> String {
    let px_per_km = scale / KM_PER_DEG;
    let km = [0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0]
        .into_iter()
        .rev()
        .find(|&km| km * px_per_km <= 90.0)
        .unwrap_or(0.1);
    let len = km * px_per_km;
    let (x, y) = (8.0, h - 8.0);
    format!(
        "<g class=\"scale\"><line x1=\"{x}\" y1=\"{y}\" x2=\"{:.1}\" y2=\"{y}\" stroke=\"#374151\" \
         stroke-width=\"2\"/><text x=\"{x}\" y=\"{:.1}\" class=\"map-note\">{km} km</text></g>",
        x + len,
        y - 4.0
    )
}

/// A timeline: one bar per `(label, view)` row on a shared axis from `t0` to `t1`
/// (minutes), with hour ticks; shift bounds are marked and overtime outlined.
pub fn timeline(rows: &[(&str, &DayView)], t0: f64, t1: f64, w: f64) -> String {
    let label_w = 78.0;
    let (row_h, bar_h, top) = (20.0, 14.0, 16.0);
    let h = top + row_h * rows.len() as f64 + 2.0;
    let x = |t: f64| label_w + (t - t0) / (t1 - t0) * (w - label_w - 6.0);
    let mut s =
        format!("<svg class=\"gantt\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\">");
    let mut hour = (t0 / 60.0).ceil() * 60.0;
    while hour <= t1 + 1e-9 {
        let _ = write!(
            s,
            "<line x1=\"{0:.1}\" y1=\"{1}\" x2=\"{0:.1}\" y2=\"{h}\" class=\"tick\"/>\
             <text x=\"{0:.1}\" y=\"11\" class=\"tick-label\" text-anchor=\"middle\">{2}</text>",
            x(hour),
            top - 3.0,
            format_short(hour)
        );
        hour += 60.0;
    }
    for (i, (label, v)) in rows.iter().enumerate() {
        let y = top + row_h * i as f64 + (row_h - bar_h) / 2.0;
        let _ = write!(
            s,
            "<text x=\"0\" y=\"{:.1}\" class=\"row-label\">{}</text>",
            y + bar_h - 3.0,
            esc(label)
        );
        if !v.on_duty {
            let _ = write!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" class=\"map-note\">off duty in this plan</text>",
                x(v.shift_start),
                y + bar_h - 3.0
            );
            continue;
        }
        for seg in &v.segments {
            let (a, b) = (x(seg.start.max(t0)), x(seg.end.min(t1)));
            if b <= a {
                continue;
            }
            let (ry, rh) = if seg.kind == SegmentKind::Overtime {
                (y - 2.0, bar_h + 4.0)
            } else {
                (y, bar_h)
            };
            let _ = write!(
                s,
                "<rect x=\"{a:.1}\" y=\"{ry:.1}\" width=\"{:.1}\" height=\"{rh}\" class=\"seg {}\">\
                 <title>{}</title></rect>",
                b - a,
                seg.kind.name(),
                esc(&seg.label)
            );
        }
        for t in [v.shift_start, v.shift_end] {
            let _ = write!(
                s,
                "<line x1=\"{0:.1}\" y1=\"{1:.1}\" x2=\"{0:.1}\" y2=\"{2:.1}\" class=\"shift\"/>",
                x(t),
                y - 3.0,
                y + bar_h + 3.0
            );
        }
    }
    s.push_str("</svg>");
    s
}
