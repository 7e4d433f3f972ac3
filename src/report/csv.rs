//! The report as CSV for spreadsheets: one row per staff member per plan, with the
//! baseline, plan and change of every figure (RFC 4180 quoting, `\n` line ends, empty cells
//! for undefined values such as the preferred-staff share of someone with no such visits).

use super::build::Report;
use super::figures::Figures;

/// The CSV text, header first.
pub fn render(r: &Report) -> String {
    let mut head = vec!["plan".to_string(), "staff".into(), "organisation".into()];
    for side in ["baseline", "plan", "delta"] {
        head.extend(Figures::FIELDS.iter().map(|f| format!("{side}_{}", f.key)));
    }
    let mut out = line(&head);
    for p in &r.plans {
        for st in &p.staff {
            let mut row = vec![p.name.clone(), st.staff.clone(), st.organisation.clone()];
            let c = &st.figures;
            for side in [&c.baseline, &c.plan, &c.delta] {
                row.extend(
                    side.values()
                        .into_iter()
                        .map(|v| v.map(|x| x.to_string()).unwrap_or_default()),
                );
            }
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
    use super::quote;

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(quote("NHS"), "NHS");
        assert_eq!(quote("Rutland, County"), "\"Rutland, County\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
