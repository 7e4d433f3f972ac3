//! The report as CSV for spreadsheets: one row per staff member per plan, with the
//! baseline, plan and change of every figure (RFC 4180 quoting, `\n` line ends, empty cells
//! for undefined values such as the preferred-staff share of someone with no such visits).
//! The last two columns, `gbp_per_hour` and `staff_time_value_gbp`, are the hourly rate
//! given for the staff member's organisation and the estimated value of the driving time
//! they save (empty when no rate is given).

use super::build::Report;
use super::figures::Figures;

/// The CSV text, header first.
pub fn render(r: &Report) -> String {
    let mut head = vec!["plan".to_string(), "staff".into(), "organisation".into()];
    for side in ["baseline", "plan", "delta"] {
        head.extend(Figures::FIELDS.iter().map(|f| format!("{side}_{}", f.key)));
    }
    head.extend(["gbp_per_hour".into(), "staff_time_value_gbp".into()]);
    let mut out = line(&head);
    let rate = |org: &str| {
        r.assumptions
            .hourly_rates
            .iter()
            .find(|h| h.organisation == org)
            .map(|h| h.gbp_per_hour)
    };
    for p in &r.plans {
        for st in &p.staff {
            let mut row = vec![text(&p.name), text(&st.staff), text(&st.organisation)];
            let c = &st.figures;
            for side in [&c.baseline, &c.plan, &c.delta] {
                row.extend(
                    side.values()
                        .into_iter()
                        .map(|v| v.map(|x| x.to_string()).unwrap_or_default()),
                );
            }
            let h = rate(&st.organisation);
            let saved = c.baseline.travel_min - c.plan.travel_min;
            let value = h.map(|h| ((saved / 60.0 * h) * 1e4).round() / 1e4 + 0.0);
            row.extend([h, value].map(|v| v.map(|x| x.to_string()).unwrap_or_default()));
            out.push_str(&line(&row));
        }
    }
    out
}

fn line(cells: &[String]) -> String {
    let mut s = cells.iter().map(|c| quote(c)).collect::<Vec<_>>().join(",");
    s.push('\n');
    s
}

/// A text cell (a name, an id) that a spreadsheet would run as a formula when it starts
/// with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'` (OWASP's advice
/// on CSV injection). Numbers are written by us and never pass through here, so a
/// negative change stays a number.
fn text(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// Quotes a cell that holds a comma, quote or line break (doubling quotes inside).
fn quote(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::{quote, text};

    #[test]
    fn formulas_in_text_cells_are_neutralised() {
        for bad in ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx"] {
            assert!(text(bad).starts_with('\''), "{bad}");
        }
        assert_eq!(text("NHS"), "NHS");
        assert_eq!(text("Ann-Marie"), "Ann-Marie");
    }

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(quote("NHS"), "NHS");
        assert_eq!(quote("Rutland, County"), "\"Rutland, County\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
