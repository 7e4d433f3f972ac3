//! Visit logs from JSON: an array of objects with the fields of the CSV header (`staff`,
//! `visit`, `client`, `date`, `arrived`, `started`, `ended`, `note`). Times are
//! `"HH:MM"`, `"HH:MM:SS"` or numbers of minutes since 00:00. Each element is checked on
//! its own, so one bad element refuses only itself.

use super::logs::{LogFileError, LogRead, LogSource, RawLog, RefusedRow, LOG_FIELDS};
use crate::model::time::format_clock;
use crate::model::InputErrorKind;
use serde_json::Value;

/// Reads a JSON array of log objects.
pub fn read_json(text: &str) -> Result<LogRead, LogFileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value: Value =
        serde_json::from_str(text).map_err(|e| LogFileError::Syntax(format!("not valid JSON: {e}")))?;
    match value {
        Value::Array(items) => Ok(read_values(&items)),
        _ => Err(LogFileError::Syntax(
            "expected a JSON array of log objects [{\"staff\", \"visit\", \"arrived\", \"ended\"}, ..]"
                .into(),
        )),
    }
}

/// Reads already parsed log objects (the HTTP API's `logs`).
pub fn read_values(items: &[Value]) -> LogRead {
    let mut out = LogRead::default();
    for (i, item) in items.iter().enumerate() {
        match one(i, item) {
            Ok(log) => out.records.push(log),
            Err(r) => out.refused.push(r),
        }
    }
    out
}

fn one(i: usize, item: &Value) -> Result<super::VisitLog, RefusedRow> {
    let at = LogSource::Index(i);
    let Value::Object(map) = item else {
        return Err(RefusedRow::new(
            at,
            None,
            InputErrorKind::WrongType,
            "expected an object {\"staff\", \"visit\", \"arrived\", \"ended\"}",
        ));
    };
    if let Some(k) = map.keys().find(|k| !LOG_FIELDS.contains(&k.as_str())) {
        return Err(RefusedRow::new(
            at,
            Some(k),
            InputErrorKind::UnknownField,
            format!("unknown field, expected one of {}", LOG_FIELDS.join(", ")),
        ));
    }
    // Text of every field; numbers of minutes are written as clock text so that both
    // readers share one set of checks.
    let mut texts: [Option<String>; 8] = Default::default();
    for (slot, field) in texts.iter_mut().zip(LOG_FIELDS) {
        let is_time = matches!(field, "arrived" | "started" | "ended");
        *slot = match map.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) if is_time => match n.as_f64() {
                Some(m) if m.is_finite() && m >= 0.0 => Some(format_clock(m)),
                _ => {
                    return Err(RefusedRow::new(
                        at,
                        Some(field),
                        InputErrorKind::OutOfRange,
                        format!("{n} is not a number of minutes >= 0 (or \"HH:MM\")"),
                    ))
                }
            },
            Some(other) => {
                let want = if is_time {
                    "a time \"HH:MM\" or \"HH:MM:SS\""
                } else {
                    "a string"
                };
                return Err(RefusedRow::new(
                    at,
                    Some(field),
                    InputErrorKind::WrongType,
                    format!("{other} is not {want}"),
                ));
            }
        };
    }
    let get = |f: &str| texts[LOG_FIELDS.iter().position(|x| *x == f).unwrap_or(0)].as_deref();
    let raw = RawLog {
        staff: get("staff"),
        visit: get("visit"),
        client: get("client"),
        date: get("date"),
        arrived: get("arrived"),
        started: get("started"),
        ended: get("ended"),
        note: get("note"),
    };
    raw.check(at, &|f| f.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_bad_element_refuses_only_itself() {
        let r = read_json(
            r#"[{"staff": "ann", "visit": "v1", "arrived": "09:00", "ended": 570},
                {"staff": "ann", "visit": "v2", "arrived": "10:00", "ended": "9:00"},
                {"staff": "ann", "visit": "v3", "arrived": "10:00", "ended": "11:00", "colour": "red"},
                7]"#,
        )
        .unwrap();
        assert_eq!(r.records.len(), 1);
        assert_eq!(r.records[0].ended, 570.0);
        let got: Vec<_> = r
            .refused
            .iter()
            .map(|e| (e.index, e.column.as_deref(), e.kind))
            .collect();
        assert_eq!(
            got,
            [
                (Some(1), Some("ended"), InputErrorKind::Conflict),
                (Some(2), Some("colour"), InputErrorKind::UnknownField),
                (Some(3), None, InputErrorKind::WrongType),
            ]
        );
        assert!(r.refused[0].to_string().starts_with("logs[1].ended: "));
        assert!(read_json("{}").is_err());
    }
}
