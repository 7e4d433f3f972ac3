//! Input errors that name the field at fault, e.g.
//! `visits[3].time_windows[0]: end 08:00 is before start 09:00`.

use std::fmt;

/// Where in the problem document a value sits, written as `staff[2].shift.end`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldPath(String);

impl FieldPath {
    /// The document root.
    pub fn root() -> Self {
        FieldPath(String::new())
    }
    /// `self.name`.
    pub fn field(&self, name: &str) -> Self {
        if self.0.is_empty() {
            FieldPath(name.to_string())
        } else {
            FieldPath(format!("{}.{name}", self.0))
        }
    }
    /// `self[i]`.
    pub fn index(&self, i: usize) -> Self {
        FieldPath(format!("{}[{i}]", self.0))
    }
    /// The path as text (empty for the root).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for FieldPath {
    fn from(s: &str) -> Self {
        FieldPath(s.to_string())
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() { "(document)" } else { &self.0 })
    }
}

/// A problem or plan document that cannot be used, with the field and the fix.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct InputError {
    /// The offending field.
    pub path: FieldPath,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl InputError {
    /// An error at `path`.
    pub fn new(path: FieldPath, message: impl Into<String>) -> Self {
        InputError {
            path,
            message: message.into(),
        }
    }

    /// Turns a serde_json error with its path into an input error.
    pub fn from_json(err: serde_path_to_error::Error<serde_json::Error>) -> Self {
        let path = err.path().to_string();
        let inner = err.into_inner();
        let path = if path == "." { String::new() } else { path };
        // A key that could not be read shows as `?`; the object holding it is the place.
        let path = match path.strip_suffix(".?") {
            Some(parent) => parent.to_string(),
            None if path == "?" => String::new(),
            None => path,
        };
        let mut message = inner.to_string();
        if inner.is_syntax() || inner.is_eof() {
            message = format!("not valid JSON: {message}");
        } else if message.contains("did not match any variant of untagged enum LocationRef") {
            message = "a location must be the id of an entry in `locations` or {\"lat\": .., \"lon\": ..}"
                .to_string();
        } else if message.contains("untagged enum RawClock") {
            message = "a time must be \"HH:MM\", \"HH:MM:SS\" or a number of minutes".to_string();
        } else if message.contains("untagged enum LatenessInput") {
            message = "max_lateness_min must be a number of minutes, \"unbounded\" or null".to_string();
        }
        InputError {
            path: FieldPath(path),
            message,
        }
    }
}
