//! The column mapping of CSV logs: which header cell holds which field of a record.

use super::logs::LogFileError;
use serde::{Deserialize, Serialize};

/// The header name of each field of a log. Defaults: the field names (`staff`, `visit`,
/// `client`, `date`, `arrived`, `started`, `ended`, `note`). Header cells are matched
/// ignoring case and surrounding spaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LogColumns {
    /// Staff id column (required).
    pub staff: String,
    /// Visit id column (this or `client` required).
    pub visit: String,
    /// Client id column.
    pub client: String,
    /// Date column (`YYYY-MM-DD`).
    pub date: String,
    /// Arrival column (required).
    pub arrived: String,
    /// Start-of-care column (optional: defaults to the arrival).
    pub started: String,
    /// End-of-care column (required).
    pub ended: String,
    /// Reason-code column (optional).
    pub note: String,
}

impl Default for LogColumns {
    fn default() -> Self {
        LogColumns {
            staff: "staff".into(),
            visit: "visit".into(),
            client: "client".into(),
            date: "date".into(),
            arrived: "arrived".into(),
            started: "started".into(),
            ended: "ended".into(),
            note: "note".into(),
        }
    }
}

/// The fields of a log, in the default header's order, then `client` and `date`.
pub const LOG_FIELDS: [&str; 8] = [
    "staff", "visit", "arrived", "started", "ended", "note", "client", "date",
];

impl LogColumns {
    /// Maps `field` (one of [`LOG_FIELDS`]) to the header name `column`, as the CLI's
    /// `--column arrived="Check in"` does.
    pub fn set(&mut self, field: &str, column: &str) -> Result<(), LogFileError> {
        let column = column.trim().to_string();
        if column.is_empty() {
            return Err(LogFileError::Mapping(format!(
                "{field}: the header name is empty"
            )));
        }
        match field.trim() {
            "staff" => self.staff = column,
            "visit" => self.visit = column,
            "client" => self.client = column,
            "date" => self.date = column,
            "arrived" => self.arrived = column,
            "started" => self.started = column,
            "ended" => self.ended = column,
            "note" => self.note = column,
            other => {
                return Err(LogFileError::Mapping(format!(
                    "'{other}' is not a log field (one of {})",
                    LOG_FIELDS.join(", ")
                )))
            }
        }
        Ok(())
    }

    /// `(field, header name)` for every field, in [`LOG_FIELDS`] order.
    pub fn pairs(&self) -> [(&'static str, &str); 8] {
        [
            ("staff", &self.staff),
            ("visit", &self.visit),
            ("arrived", &self.arrived),
            ("started", &self.started),
            ("ended", &self.ended),
            ("note", &self.note),
            ("client", &self.client),
            ("date", &self.date),
        ]
    }

    /// Refuses two fields mapped to the same header name.
    pub fn check(&self) -> Result<(), LogFileError> {
        let pairs = self.pairs();
        for (i, (f, c)) in pairs.iter().enumerate() {
            if c.trim().is_empty() {
                return Err(LogFileError::Mapping(format!("{f}: the header name is empty")));
            }
            if let Some((g, _)) = pairs[..i]
                .iter()
                .find(|(_, d)| d.trim().eq_ignore_ascii_case(c.trim()))
            {
                return Err(LogFileError::Mapping(format!(
                    "{g} and {f} are both mapped to the header '{c}'"
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapping_refuses_unknown_fields_and_clashes() {
        let mut c = LogColumns::default();
        c.set("arrived", "Check in").unwrap();
        assert_eq!(c.arrived, "Check in");
        assert!(c.set("colour", "x").is_err());
        c.set("ended", "check IN").unwrap();
        assert!(c.check().is_err());
    }
}
