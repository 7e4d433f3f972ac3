//! How figures are written for people: fixed decimals, thousands separators, signs.

use super::figures::Field;

/// `x` with `decimals` decimals and thousands separators (`12,345.6`).
pub fn num(x: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, x.abs());
    let (int, frac) = s.split_once('.').map_or((s.as_str(), ""), |(i, f)| (i, f));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let negative = x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0');
    let mut out = String::from(if negative { "-" } else { "" });
    out.push_str(&grouped);
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// A figure's value as a table shows it (`£` before money, `%` after shares; `-` when
/// undefined).
pub fn value(x: Option<f64>, f: &Field) -> String {
    match x {
        None => "-".into(),
        Some(x) if f.unit == "£" => money(x),
        Some(x) if f.unit == "%" => format!("{}%", num(x, f.decimals)),
        Some(x) => num(x, f.decimals),
    }
}

/// `£1,234.56` (`-£3.20` when negative).
pub fn money(x: f64) -> String {
    let n = num(x, 2);
    match n.strip_prefix('-') {
        Some(rest) => format!("-£{rest}"),
        None => format!("£{n}"),
    }
}

/// A change with its sign (`+12.5`, `-3`, `0`); a percentage's change in points.
pub fn delta(x: Option<f64>, f: &Field) -> String {
    match x {
        None => "-".into(),
        Some(x) => {
            let v = value(Some(x), f).replace('%', " pts");
            let zero = num(x.abs(), f.decimals)
                .trim_start_matches(['0', '.', ','])
                .is_empty();
            if v.starts_with('-') || zero {
                v
            } else {
                format!("+{v}")
            }
        }
    }
}

/// A change in % (`-27.3%`), or "" when undefined.
pub fn percent(x: Option<f64>) -> String {
    match x {
        None => String::new(),
        Some(x) => {
            let v = num(x, 1);
            if v.starts_with('-') || v.trim_start_matches(['0', '.']).is_empty() {
                format!("{v}%")
            } else {
                format!("+{v}%")
            }
        }
    }
}

/// Minutes as `45 min`, `3 h 05 min`, or whole hours from 100 h (`6,003 h`), sign kept.
pub fn duration(minutes: f64) -> String {
    let sign = if minutes < -0.5 { "-" } else { "" };
    let m = minutes.abs().round() as u64;
    if m < 60 {
        format!("{sign}{m} min")
    } else if m < 6000 {
        format!("{sign}{} h {:02} min", m / 60, m % 60)
    } else {
        format!("{sign}{} h", num((minutes.abs() / 60.0).round(), 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::figures::Figures;

    fn field(key: &str) -> Field {
        *Figures::FIELDS.iter().find(|f| f.key == key).unwrap()
    }

    #[test]
    fn writes_numbers_for_people() {
        assert_eq!(num(1234567.891, 1), "1,234,567.9");
        assert_eq!(num(-0.04, 1), "0.0");
        assert_eq!(num(-12.0, 0), "-12");
        assert_eq!(value(Some(5.72), &field("cost_gbp")), "£5.72");
        assert_eq!(delta(Some(-1.57), &field("cost_gbp")), "-£1.57");
        assert_eq!(delta(Some(30.0), &field("travel_min")), "+30");
        assert_eq!(delta(Some(0.0), &field("travel_min")), "0");
        assert_eq!(delta(Some(66.666), &field("preferred_share_pct")), "+66.7 pts");
        assert_eq!(percent(Some(-27.2727)), "-27.3%");
        assert_eq!(percent(Some(4.7619)), "+4.8%");
        assert_eq!(percent(None), "");
        assert_eq!(duration(125.0), "2 h 05 min");
        assert_eq!(duration(-30.0), "-30 min");
        assert_eq!(duration(360_156.0), "6,003 h");
        assert_eq!(delta(Some(0.0), &field("preferred_share_pct")), "0.0 pts");
    }
}
