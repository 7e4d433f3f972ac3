//! A visit still to come can only start from `now`: its windows are clipped to it.
//!
//! Each window `[a, b]` with `b >= now` becomes `[max(a, now), b]`; windows that closed
//! before `now` are dropped. When none is left but the lateness allowance still reaches
//! past `now`, the visit gets one window `[now, now]` with the allowance that is left;
//! otherwise it can no longer be made (missed). A visit without windows may start from
//! `now` until the latest shift end.

use crate::model::input::LatenessInput;
use crate::model::time::{format_short, RawClock};

/// What clipping made of a visit's windows.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Clipped {
    /// The new `time_windows` and `max_lateness_min`.
    Kept(Option<Vec<[RawClock; 2]>>, Option<LatenessInput>),
    /// It cannot be made any more, and why.
    Missed(String),
}

fn clock(m: f64) -> RawClock {
    RawClock::Text(format_short(m))
}

/// The allowance in minutes, or `None` for a value validation will refuse.
fn allowance(l: &Option<LatenessInput>) -> Option<f64> {
    match l {
        None => Some(0.0),
        Some(LatenessInput::Minutes(m)) if m.is_finite() && *m >= 0.0 => Some(*m),
        Some(LatenessInput::Word(w)) if w == "unbounded" => Some(f64::INFINITY),
        Some(_) => None,
    }
}

/// Clips `windows` (with lateness `late`) to `now`; `day` is the earliest shift start and
/// the latest shift end (with overtime). Values that do not parse are left as they are,
/// for validation to report with their path.
pub(super) fn clip(
    windows: &Option<Vec<[RawClock; 2]>>,
    late: &Option<LatenessInput>,
    now: f64,
    day: (f64, f64),
) -> Clipped {
    let unchanged = Clipped::Kept(windows.clone(), late.clone());
    let Some(ws) = windows else {
        if now <= day.0 {
            return unchanged;
        }
        return Clipped::Kept(Some(vec![[clock(now), clock(day.1.max(now))]]), late.clone());
    };
    let mut parsed = Vec::with_capacity(ws.len());
    for [a, b] in ws {
        match (a.minutes(), b.minutes()) {
            (Ok(x), Ok(y)) if x <= y => parsed.push((x, y)),
            _ => return unchanged,
        }
    }
    let Some(allow) = allowance(late) else {
        return unchanged;
    };
    if parsed.is_empty() || parsed.iter().all(|&(a, _)| a >= now) {
        return unchanged;
    }
    let mut out = Vec::new();
    for (k, &(a, b)) in parsed.iter().enumerate() {
        if b < now {
            continue;
        }
        let start = if a >= now { ws[k][0].clone() } else { clock(now) };
        out.push([start, ws[k][1].clone()]);
    }
    if !out.is_empty() {
        return Clipped::Kept(Some(out), late.clone());
    }
    let last = parsed.iter().map(|&(_, b)| b).fold(f64::NEG_INFINITY, f64::max);
    if last + allow >= now {
        let left = match late {
            Some(LatenessInput::Word(w)) => LatenessInput::Word(w.clone()),
            _ => LatenessInput::Minutes(allow - (now - last)),
        };
        return Clipped::Kept(Some(vec![[clock(now), clock(now)]]), Some(left));
    }
    let why = if allow > 0.0 {
        format!(
            "its last window closed at {} and it may start at most {} min late (until {}), before now {}",
            format_short(last),
            super::num(allow),
            format_short(last + allow),
            format_short(now)
        )
    } else {
        format!(
            "its last window closed at {}, before now {}, and it may not start late",
            format_short(last),
            format_short(now)
        )
    };
    Clipped::Missed(why)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(a: &str, b: &str) -> [RawClock; 2] {
        [RawClock::Text(a.into()), RawClock::Text(b.into())]
    }

    const DAY: (f64, f64) = (480.0, 990.0);

    #[test]
    fn windows_are_clipped_to_now() {
        let ws = Some(vec![
            w("08:00", "09:00"),
            w("10:00", "11:00"),
            w("12:00", "13:00"),
        ]);
        let got = clip(&ws, &None, 630.0, DAY);
        assert_eq!(
            got,
            Clipped::Kept(Some(vec![w("10:30", "11:00"), w("12:00", "13:00")]), None)
        );
        // Nothing to clip before the first window opens.
        assert_eq!(clip(&ws, &None, 470.0, DAY), Clipped::Kept(ws.clone(), None));
    }

    #[test]
    fn lateness_left_gives_one_window_at_now() {
        let ws = Some(vec![w("08:00", "09:00")]);
        let late = Some(LatenessInput::Minutes(45.0));
        assert_eq!(
            clip(&ws, &late, 555.0, DAY),
            Clipped::Kept(
                Some(vec![w("09:15", "09:15")]),
                Some(LatenessInput::Minutes(30.0))
            )
        );
        assert!(matches!(clip(&ws, &late, 600.0, DAY), Clipped::Missed(_)));
        assert!(matches!(clip(&ws, &None, 541.0, DAY), Clipped::Missed(m) if m.contains("09:00")));
        let unb = Some(LatenessInput::Word("unbounded".into()));
        assert!(matches!(
            clip(&ws, &unb, 900.0, DAY),
            Clipped::Kept(_, Some(LatenessInput::Word(_)))
        ));
    }

    #[test]
    fn no_windows_means_from_now_to_the_end_of_the_day() {
        assert_eq!(clip(&None, &None, 400.0, DAY), Clipped::Kept(None, None));
        assert_eq!(
            clip(&None, &None, 640.0, DAY),
            Clipped::Kept(Some(vec![w("10:40", "16:30")]), None)
        );
    }
}
