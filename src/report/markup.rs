//! The pieces of markup every part of the HTML page shares (the page itself, the staff
//! cards, the SVG pictures): escaping text, and the tone a change in a figure is shown in.

use super::figures::{Better, Field};

/// Escapes text for HTML and SVG.
pub(super) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `good`, `bad` or "" for a change of `d` in a figure (no tone for a change that rounds
/// to zero at the decimals shown).
pub(super) fn tone(f: &Field, d: Option<f64>) -> &'static str {
    let half_unit = 0.5 * 10f64.powi(-(f.decimals as i32));
    let d = d.filter(|d| d.abs() >= half_unit);
    match (f.better, d) {
        (Better::Lower, Some(d)) if d < 0.0 => "good",
        (Better::Lower, Some(d)) if d > 0.0 => "bad",
        (Better::Higher, Some(d)) if d > 0.0 => "good",
        (Better::Higher, Some(d)) if d < 0.0 => "bad",
        _ => "",
    }
}
