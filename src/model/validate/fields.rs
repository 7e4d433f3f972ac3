//! The checks of single fields that every part of the document shares (clock times,
//! numbers that must not be negative, ids), each failing with the path of its field.

use crate::model::error::InputErrorKind::{self, *};
use crate::model::error::{FieldPath, InputError};
use crate::model::time::{ClockError, RawClock};
use std::collections::HashMap;

pub(super) type Result<T> = std::result::Result<T, InputError>;

pub(super) fn err<T>(kind: InputErrorKind, path: FieldPath, message: impl Into<String>) -> Result<T> {
    Err(InputError::of(kind, path, message))
}

pub(super) fn minutes(raw: &RawClock, path: FieldPath) -> Result<f64> {
    raw.minutes().map_err(|e| {
        let kind = match e {
            ClockError::Minutes(_) => OutOfRange,
            ClockError::Text(_) => InvalidValue,
        };
        InputError::of(kind, path, e.to_string())
    })
}

pub(super) fn non_negative(v: f64, path: FieldPath, what: &str) -> Result<f64> {
    if !v.is_finite() || v < 0.0 {
        return err(
            OutOfRange,
            path,
            format!("{what} must be a finite number >= 0, got {v}"),
        );
    }
    Ok(v)
}

fn check_id(id: &str, path: FieldPath) -> Result<()> {
    if id.trim().is_empty() {
        return err(InvalidValue, path, "id must be a non-empty string");
    }
    Ok(())
}

/// Builds the id → index map of a list, rejecting duplicates.
pub(super) fn index_ids<'a>(
    ids: impl Iterator<Item = &'a str>,
    list: &str,
) -> Result<HashMap<&'a str, usize>> {
    let mut map = HashMap::new();
    for (i, id) in ids.enumerate() {
        let path = FieldPath::root().field(list).index(i).field("id");
        check_id(id, path.clone())?;
        if let Some(first) = map.insert(id, i) {
            return err(
                Duplicate,
                path,
                format!("duplicate id '{id}' (also {list}[{first}]); ids must be unique"),
            );
        }
    }
    Ok(map)
}
