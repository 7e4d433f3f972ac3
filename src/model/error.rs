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

/// What sort of fault an [`InputError`] is, so that callers (the HTTP `kind` field, tests,
/// a client deciding whether to retry with a fixed document) need not read the message.
/// Serialised in snake_case: `missing_field`, `out_of_range`, ...
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InputErrorKind {
    /// Not JSON (or not the text format being read): the document cannot be parsed at all.
    Syntax,
    /// A required field is absent.
    MissingField,
    /// A field the format does not have (often a misspelling).
    UnknownField,
    /// A value of the wrong JSON type or shape: a string for a number, a list of the
    /// wrong length, an array where an object belongs.
    WrongType,
    /// A value of the right type that is not one of those accepted: an unknown enum name,
    /// a clock time that is not `HH:MM`, an empty id, a URL that is not a server.
    InvalidValue,
    /// A number outside its allowed range: a negative duration, a latitude past 90.
    OutOfRange,
    /// An id that names no location, staff member or visit of the document.
    UnknownReference,
    /// An id given twice, or a visit booked twice for one staff member.
    Duplicate,
    /// Fields that contradict each other: an end before its start, a max gap below the min
    /// gap, overlapping windows, `after` links in a cycle, a matrix of the wrong size.
    Conflict,
    /// Every field well formed and consistent, yet no plan could keep them, for a reason
    /// known before any search (model/coherence.rs: a double-handed visit without two
    /// qualified staff, a break outside its shift).
    Incoherent,
    /// Valid in the format but not accepted here: road travel over the API, re-optimising
    /// slots.
    Unsupported,
    /// The travel source cannot give the times: an unreadable road extract, a place far from
    /// any road, an OSRM server that does not answer.
    Travel,
}

impl InputErrorKind {
    /// Every kind, for the OpenAPI test and documentation checks.
    pub const ALL: [InputErrorKind; 12] = {
        use InputErrorKind::*;
        [
            Syntax,
            MissingField,
            UnknownField,
            WrongType,
            InvalidValue,
            OutOfRange,
            UnknownReference,
            Duplicate,
            Conflict,
            Incoherent,
            Unsupported,
            Travel,
        ]
    };

    /// The snake_case name the HTTP API writes in `error.kind`.
    pub fn as_str(self) -> &'static str {
        use InputErrorKind::*;
        match self {
            Syntax => "syntax",
            MissingField => "missing_field",
            UnknownField => "unknown_field",
            WrongType => "wrong_type",
            InvalidValue => "invalid_value",
            OutOfRange => "out_of_range",
            UnknownReference => "unknown_reference",
            Duplicate => "duplicate",
            Conflict => "conflict",
            Incoherent => "incoherent",
            Unsupported => "unsupported",
            Travel => "travel",
        }
    }

    /// The kind of a serde_json error. serde_json keeps only the category (syntax, end
    /// of input, data) and erases which `serde::de::Error` constructor a data error came
    /// from, so data errors are told apart by the fixed wording of serde's constructors
    /// (`missing field`, `unknown field`, `invalid type`, ...), read from serde's own
    /// message before any rewording of ours.
    pub fn of_json(e: &serde_json::Error) -> Self {
        use serde_json::error::Category;
        match e.classify() {
            Category::Syntax | Category::Eof | Category::Io => InputErrorKind::Syntax,
            Category::Data => Self::of_serde_message(&e.to_string()),
        }
    }

    /// The kind of a data error from any serde deserializer (JSON bodies, query strings),
    /// from the wording of the `serde::de::Error` constructor that made it.
    pub fn of_serde_message(message: &str) -> Self {
        use InputErrorKind::*;
        let m = message.trim_start();
        if m.starts_with("missing field") {
            MissingField
        } else if m.starts_with("unknown field") {
            UnknownField
        } else if m.starts_with("duplicate field") {
            Duplicate
        } else if m.starts_with("invalid type") || m.starts_with("invalid length") {
            WrongType
        } else if m.starts_with("data did not match any variant") {
            // An untagged enum (a location, a clock time): no form of the value fits.
            WrongType
        } else if m.starts_with("invalid value: integer") || m.starts_with("invalid value: floating point") {
            // A number where the type allows only some: -1 for a count.
            OutOfRange
        } else {
            // `invalid value`, `unknown variant`, and our own `custom` messages (a plan's
            // clock time that does not parse).
            InvalidValue
        }
    }
}

impl fmt::Display for InputErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A problem or plan document that cannot be used, with the field and the fix.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct InputError {
    /// What sort of fault it is.
    pub kind: InputErrorKind,
    /// The offending field.
    pub path: FieldPath,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl InputError {
    /// An error of `kind` at `path`.
    pub fn of(kind: InputErrorKind, path: FieldPath, message: impl Into<String>) -> Self {
        InputError {
            kind,
            path,
            message: message.into(),
        }
    }

    /// Turns a serde_json error with its path into an input error.
    pub fn from_json(err: serde_path_to_error::Error<serde_json::Error>) -> Self {
        let path = err.path().to_string();
        let inner = err.into_inner();
        let kind = InputErrorKind::of_json(&inner);
        let path = if path == "." { String::new() } else { path };
        // A key that could not be read shows as `?`; the object holding it is the place.
        let path = match path.strip_suffix(".?") {
            Some(parent) => parent.to_string(),
            None if path == "?" => String::new(),
            None => path,
        };
        let mut message = inner.to_string();
        // A missing field is named in the path, so the API's `path` points at it.
        let path = match missing_field(&message) {
            Some(field) if path.is_empty() => field.to_string(),
            Some(field) => format!("{path}.{field}"),
            None => path,
        };
        if kind == InputErrorKind::Syntax {
            message = format!("not valid JSON: {message}");
        } else if message.contains("did not match any variant of untagged enum LocationRef") {
            message = "a location must be the id of an entry in `locations` or {\"lat\": .., \"lon\": ..}"
                .to_string();
        } else if message.contains("untagged enum RawClock") {
            message = "a time must be \"HH:MM\", \"HH:MM:SS\" or a number of minutes".to_string();
        } else if message.contains("untagged enum LatenessInput") {
            message = "max_lateness_min must be a number of minutes, \"unbounded\" or null".to_string();
        } else {
            message = readable(&message);
        }
        InputError {
            kind,
            path: FieldPath(path),
            message,
        }
    }
}

/// The field a serde "missing field `x`" message names.
fn missing_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next().filter(|f| !f.is_empty())
}

/// serde's wording with the Rust type names put in a scheduler's words: `expected f64`
/// becomes `expected a number`, `expected struct ShiftInput` becomes `expected an object
/// with start and end`, `map` becomes `an object`. The line and column are dropped: the
/// path says where.
pub fn readable(message: &str) -> String {
    let message = match message.rfind(" at line ") {
        Some(i) if message[i..].contains(" column ") => &message[..i],
        _ => message,
    };
    let (head, expected) = match message.find(", expected ") {
        Some(i) => (&message[..i], Some(&message[i + ", expected ".len()..])),
        None => match message.strip_prefix("expected ") {
            Some(rest) => ("", Some(rest)),
            None => (message, None),
        },
    };
    let head = head
        .replace("invalid type: map", "invalid type: an object")
        .replace("invalid type: sequence", "invalid type: a list")
        .replace("invalid type: unit value", "invalid type: null")
        .replace("invalid type: floating point", "invalid type: the number")
        .replace("invalid type: integer", "invalid type: the number")
        .replace("invalid value: integer", "invalid value: the number")
        .replace("invalid value: floating point", "invalid value: the number");
    match expected {
        None => head,
        // `unknown field `x`, expected one of `a`, `b`` already reads well.
        Some(e) if e.starts_with("one of ") || e.starts_with('`') => format!("{head}, expected {e}"),
        Some(e) if head.is_empty() => format!("expected {}", expected_words(e)),
        Some(e) => format!("{head}, expected {}", expected_words(e)),
    }
}

fn expected_words(e: &str) -> String {
    let e = e.trim();
    match e {
        "f64" | "f32" => return "a number".into(),
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => return "a whole number, 0 or more".into(),
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => return "a whole number".into(),
        "a sequence" => return "a list [..]".into(),
        "a map" => return "an object {..}".into(),
        "a borrowed string" | "a string" | "a str" => return "a string".into(),
        "a boolean" | "bool" => return "true or false".into(),
        "a single character" | "char" => return "a single character".into(),
        _ => {}
    }
    if let Some(n) = e.strip_prefix("an array of length ") {
        return format!("a list of {n} items");
    }
    if let Some(rest) = e.strip_prefix("struct ") {
        let name = rest.split(' ').next().unwrap_or(rest);
        return describe(name).into();
    }
    if let Some(rest) = e.strip_prefix("internally tagged enum ") {
        return match rest {
            "TravelInput" => "an object with a \"mode\"".into(),
            "Step" => "an object with a \"type\"".into(),
            _ => "an object".into(),
        };
    }
    if e.starts_with("enum ") || e.starts_with("tuple struct ") || e.starts_with("unit struct ") {
        return "a value of another kind (see SPEC.md)".into();
    }
    e.to_string()
}

/// What each document object is, for "expected ..." messages.
fn describe(name: &str) -> &'static str {
    match name {
        "ProblemInput" => "a problem object {\"staff\": [..], \"visits\": [..], ..}",
        "StaffInput" => "a staff object with id, shift and start_location",
        "ShiftInput" => "an object with start and end",
        "BreakInput" => "an object with earliest, latest and duration_min",
        "VisitInput" => "a visit object with id, location and duration_min",
        "LocationInput" => "an object with id, lat and lon",
        "PointInput" => "an object with lat and lon",
        "AfterInput" => "an object with visit and min_gap_min or max_gap_min",
        "BaselineInput" => "an object with routes",
        "BaselineRouteInput" => "an object with staff and visits",
        "ObjectiveInput" => "an object of objective weights",
        "OptionsInput" => "an object with time_limit_s, seed, threads or round_start_min",
        "Plan" => "a plan object with routes and summary",
        "RoutePlan" => "a route object with staff and steps",
        "Unassigned" => "an object with visit and reason",
        "Summary" => "a summary object",
        _ => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::readable;

    #[test]
    fn rust_type_names_become_words() {
        let cases = [
            (
                "invalid type: string \"thirty\", expected f64 at line 1 column 20",
                "invalid type: string \"thirty\", expected a number",
            ),
            (
                "invalid type: map, expected struct ShiftInput",
                "invalid type: an object, expected an object with start and end",
            ),
            (
                "invalid type: string \"x\", expected struct ShiftInput",
                "invalid type: string \"x\", expected an object with start and end",
            ),
            (
                "invalid value: integer `-1`, expected u64",
                "invalid value: the number `-1`, expected a whole number, 0 or more",
            ),
            (
                "invalid type: floating point `1.5`, expected usize",
                "invalid type: the number `1.5`, expected a whole number, 0 or more",
            ),
            (
                "invalid length 3, expected struct Plan with 3 elements",
                "invalid length 3, expected a plan object with routes and summary",
            ),
            (
                "invalid type: string \"nursing\", expected a sequence",
                "invalid type: string \"nursing\", expected a list [..]",
            ),
            (
                "unknown field `colour`, expected one of `id`, `name`",
                "unknown field `colour`, expected one of `id`, `name`",
            ),
            (
                "invalid type: sequence, expected struct Whatever",
                "invalid type: a list, expected an object",
            ),
        ];
        for (serde, ours) in cases {
            assert_eq!(readable(serde), ours);
        }
        for (serde, _) in cases {
            let out = readable(serde);
            for word in [
                "f64",
                "u64",
                "usize",
                "struct ",
                "ShiftInput",
                " map,",
                "sequence",
            ] {
                assert!(!out.contains(word), "{out}");
            }
        }
    }
}
