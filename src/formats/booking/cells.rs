//! Cell values as spreadsheets and booking systems write them: clock times (`09:00`,
//! `9:00`, `0900`, `09:00:00`, `9:30 am`), durations (`30`, `30m`, `30 mins`, `0:30`,
//! `1h30`, `1h 30m`, `1.5h`), counts, and lists of codes or ids in one cell
//! (`nursing; insulin`, `cw_anna & cw_ben`).

/// Minutes since 00:00 of a clock time, or `None`. Hours may pass 23 (a twilight shift
/// ending `25:00`), up to 47; minutes and seconds must be below 60.
pub(crate) fn time(cell: &str) -> Option<f64> {
    let lower = cell.trim().to_ascii_lowercase();
    let (body, pm) = match (lower.strip_suffix("am"), lower.strip_suffix("pm")) {
        (Some(b), _) => (b.trim_end().trim_end_matches('.'), Some(false)),
        (_, Some(b)) => (b.trim_end().trim_end_matches('.'), Some(true)),
        _ => (lower.as_str(), None),
    };
    let digits = |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = if body.contains(':') || body.contains('.') {
        body.split([':', '.']).collect()
    } else if (3..=4).contains(&body.len()) {
        // `0900`, `900`: the last two digits are the minutes.
        let (h, m) = body.split_at(body.len() - 2);
        vec![h, m]
    } else if pm.is_some() {
        vec![body, "00"]
    } else {
        return None;
    };
    if !(2..=3).contains(&parts.len()) || !parts.iter().all(|p| digits(p)) || parts[1].len() != 2 {
        return None;
    }
    let n: Vec<u32> = parts.iter().filter_map(|p| p.parse().ok()).collect();
    let (mut h, m, s) = (n[0], n[1], n.get(2).copied().unwrap_or(0));
    if m > 59 || s > 59 || h > 47 {
        return None;
    }
    if let Some(pm) = pm {
        if !(1..=12).contains(&h) {
            return None;
        }
        h = match (h, pm) {
            (12, false) => 0,
            (12, true) => 12,
            (h, true) => h + 12,
            (h, false) => h,
        };
    }
    Some(f64::from(h) * 60.0 + f64::from(m) + f64::from(s) / 60.0)
}

/// Minutes of a duration, or `None`: a bare number is minutes.
pub(crate) fn duration(cell: &str) -> Option<f64> {
    let s: String = cell.trim().to_ascii_lowercase().split_whitespace().collect();
    if s.is_empty() {
        return None;
    }
    let number = |t: &str| t.parse::<f64>().ok().filter(|x| x.is_finite() && *x >= 0.0);
    if let Some((h, m)) = s.split_once(':') {
        let whole = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if !whole(h) || !whole(m) || m.len() != 2 {
            return None;
        }
        let (h, m) = (number(h)?, number(m)?);
        return (m < 60.0).then_some(h * 60.0 + m);
    }
    let minutes_word = |t: &str| -> Option<f64> {
        let t = ["minutes", "minute", "mins", "min", "m"]
            .iter()
            .find_map(|w| t.strip_suffix(w))
            .unwrap_or(t);
        if t.is_empty() {
            Some(0.0)
        } else {
            number(t)
        }
    };
    for h in ["hours", "hour", "hrs", "hr", "h"] {
        if let Some((hours, rest)) = s.split_once(h) {
            let hours = number(hours)?;
            return Some(hours * 60.0 + minutes_word(rest)?);
        }
    }
    let t = ["minutes", "minute", "mins", "min", "m"]
        .iter()
        .find_map(|w| s.strip_suffix(w))
        .unwrap_or(&s);
    number(t)
}

/// A whole number ≥ 0 (`2`, `2.0`), or `None`.
pub(crate) fn count(cell: &str) -> Option<i64> {
    let x: f64 = cell.trim().parse().ok()?;
    (x.is_finite() && x >= 0.0 && x.fract() == 0.0 && x < 1e9).then_some(x as i64)
}

/// The entries of a list cell: separated by `,` `;` `|` `+` or `&`, trimmed, blanks dropped.
pub(crate) fn list(cell: &str) -> Vec<&str> {
    cell.split([',', ';', '|', '+', '&'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// A header or mapping name reduced to letters and digits, lower case, so that
/// `Visit Ref`, `visit_ref` and `VISIT-REF` name the same column.
pub(crate) fn squash(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_times_in_spreadsheet_spellings() {
        for (cell, m) in [
            ("09:00", 540.0),
            ("9:00", 540.0),
            ("0900", 540.0),
            ("900", 540.0),
            (" 09:00:30 ", 540.5),
            ("9.30", 570.0),
            ("9:30 am", 570.0),
            ("2:15 PM", 855.0),
            ("12pm", 720.0),
            ("12:10 am", 10.0),
            ("25:00", 1500.0),
        ] {
            assert_eq!(time(cell), Some(m), "{cell}");
        }
        for bad in [
            "", "25:70", "9", "9:0", "09:00:75", "13pm", "noon", "48:00", "09-00", "90000",
        ] {
            assert_eq!(time(bad), None, "{bad}");
        }
    }

    #[test]
    fn durations_in_spreadsheet_spellings() {
        for (cell, m) in [
            ("30", 30.0),
            ("30m", 30.0),
            ("30 mins", 30.0),
            ("0:30", 30.0),
            ("1:05", 65.0),
            ("1h30", 90.0),
            ("1h 30m", 90.0),
            ("1h", 60.0),
            ("1.5h", 90.0),
            ("2 hours", 120.0),
            ("12.5", 12.5),
        ] {
            assert_eq!(duration(cell), Some(m), "{cell}");
        }
        for bad in ["", "half an hour", "-5", "0:75", "1h-3", "m", "1:5"] {
            assert_eq!(duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn lists_counts_and_names() {
        assert_eq!(list(" cw_anna & cw_ben "), ["cw_anna", "cw_ben"]);
        assert_eq!(list("RN;INS,, |x"), ["RN", "INS", "x"]);
        assert_eq!(count("2"), Some(2));
        assert_eq!(count("2.0"), Some(2));
        assert_eq!(count("1.5"), None);
        assert_eq!(squash("Visit Ref"), squash("visit_ref"));
    }
}
