//! The mapping file (TOML): which column of the export holds what, and what the export's
//! codes mean (roles and skill codes → skills, time bands → windows, priority words).
//! Every key is optional: a column whose header already is the documented name (any case,
//! spaces or underscores: `Visit ID`, `visit_id`) is found without one. Unknown keys are
//! errors, so a misspelt key is not silently ignored. docs/IMPORT.md lists every key.

use super::cells::squash;
use crate::model::input::Priority;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Column names of the visits file, by field. `None`: the documented name, if present.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct VisitColumns {
    pub visit_id: Option<String>,
    pub client: Option<String>,
    pub postcode: Option<String>,
    pub lat: Option<String>,
    pub lon: Option<String>,
    pub duration: Option<String>,
    pub earliest: Option<String>,
    pub latest: Option<String>,
    pub time_band: Option<String>,
    pub skills: Option<String>,
    pub staff_count: Option<String>,
    pub priority: Option<String>,
    pub preferred_staff: Option<String>,
    pub excluded_staff: Option<String>,
    pub after: Option<String>,
    pub min_gap: Option<String>,
    pub max_gap: Option<String>,
    pub staff: Option<String>,
    pub order: Option<String>,
    pub booked_start: Option<String>,
}

/// Column names of the staff file, by field.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct StaffColumns {
    pub staff_id: Option<String>,
    pub organisation: Option<String>,
    pub role: Option<String>,
    pub skills: Option<String>,
    pub shift_start: Option<String>,
    pub shift_end: Option<String>,
    pub postcode: Option<String>,
    pub lat: Option<String>,
    pub lon: Option<String>,
    pub end_postcode: Option<String>,
    pub break_earliest: Option<String>,
    pub break_latest: Option<String>,
    pub break_duration: Option<String>,
    pub admin: Option<String>,
    pub max_travel: Option<String>,
    pub max_visits: Option<String>,
    pub max_overtime: Option<String>,
}

/// A whole mapping file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// The problem's name (default: the visits file's name).
    pub name: Option<String>,
    /// Columns of the visits file.
    #[serde(default)]
    pub visits: VisitColumns,
    /// Columns of the staff file.
    #[serde(default)]
    pub staff: StaffColumns,
    /// A staff member's role code → the skills it brings (`"RN" = ["nursing"]`).
    #[serde(default)]
    pub roles: BTreeMap<String, Vec<String>>,
    /// A visit's skill code → the skills it needs (`"INS" = ["insulin"]`); staff skill
    /// cells use it too.
    #[serde(default)]
    pub skills: BTreeMap<String, Vec<String>>,
    /// A time band → its window on the visit's start (`"AM" = ["07:30", "11:30"]`).
    #[serde(default)]
    pub time_bands: BTreeMap<String, [String; 2]>,
    /// A priority word → `"required"` or `"optional"`.
    #[serde(default)]
    pub priorities: BTreeMap<String, Priority>,
}

impl Mapping {
    /// Reads a mapping file; the message names the line and the key at fault.
    pub fn from_toml(text: &str) -> Result<Mapping, String> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())
    }
}

/// A documented field name, the header the mapping gives for it, and other usual names.
pub(crate) struct Field {
    pub key: &'static str,
    pub named: Option<String>,
    pub aliases: &'static [&'static str],
}

impl VisitColumns {
    pub(crate) fn fields(&self) -> Vec<Field> {
        let f = |key, named: &Option<String>, aliases| Field {
            key,
            named: named.clone(),
            aliases,
        };
        vec![
            f("visit_id", &self.visit_id, &["id", "visit"]),
            f("client", &self.client, &["client_id"]),
            f("postcode", &self.postcode, &["post_code"]),
            f("lat", &self.lat, &["latitude"]),
            f("lon", &self.lon, &["longitude", "lng"]),
            f("duration", &self.duration, &["duration_min"]),
            f("earliest", &self.earliest, &[]),
            f("latest", &self.latest, &[]),
            f("time_band", &self.time_band, &[]),
            f("skills", &self.skills, &[]),
            f("staff_count", &self.staff_count, &[]),
            f("priority", &self.priority, &[]),
            f("preferred_staff", &self.preferred_staff, &[]),
            f("excluded_staff", &self.excluded_staff, &[]),
            f("after", &self.after, &[]),
            f("min_gap", &self.min_gap, &["min_gap_min"]),
            f("max_gap", &self.max_gap, &["max_gap_min"]),
            f("staff", &self.staff, &[]),
            f("order", &self.order, &[]),
            f("booked_start", &self.booked_start, &[]),
        ]
    }
}

impl StaffColumns {
    pub(crate) fn fields(&self) -> Vec<Field> {
        let f = |key, named: &Option<String>, aliases| Field {
            key,
            named: named.clone(),
            aliases,
        };
        vec![
            f("staff_id", &self.staff_id, &["id", "staff"]),
            f("organisation", &self.organisation, &["organization", "employer"]),
            f("role", &self.role, &[]),
            f("skills", &self.skills, &[]),
            f("shift_start", &self.shift_start, &[]),
            f("shift_end", &self.shift_end, &[]),
            f("postcode", &self.postcode, &["post_code", "base_postcode"]),
            f("lat", &self.lat, &["latitude"]),
            f("lon", &self.lon, &["longitude", "lng"]),
            f("end_postcode", &self.end_postcode, &[]),
            f("break_earliest", &self.break_earliest, &[]),
            f("break_latest", &self.break_latest, &[]),
            f("break_duration", &self.break_duration, &[]),
            f("admin", &self.admin, &["admin_min"]),
            f("max_travel", &self.max_travel, &["max_travel_min"]),
            f("max_visits", &self.max_visits, &[]),
            f("max_overtime", &self.max_overtime, &["max_overtime_min"]),
        ]
    }
}

/// Where each field's column is in a header.
pub(crate) struct Columns {
    found: Vec<(&'static str, Option<usize>)>,
}

impl Columns {
    /// Finds each field: the mapping's name if it gives one (an absent column is then an
    /// error: the mapping promised it), else the documented name or an alias. Returns the
    /// fields the mapping named that the header lacks, as (field, name).
    pub(crate) fn find(
        fields: &[Field],
        column: impl Fn(&str) -> Option<usize>,
    ) -> (Columns, Vec<(&'static str, String)>) {
        let mut missing = Vec::new();
        let found = fields
            .iter()
            .map(|f| {
                let at = match &f.named {
                    Some(name) => {
                        let at = column(name);
                        if at.is_none() {
                            missing.push((f.key, name.clone()));
                        }
                        at
                    }
                    None => std::iter::once(f.key)
                        .chain(f.aliases.iter().copied())
                        .find_map(|n| column(&squash(n))),
                };
                (f.key, at)
            })
            .collect();
        (Columns { found }, missing)
    }

    /// The column of a field.
    pub(crate) fn get(&self, key: &str) -> Option<usize> {
        self.found.iter().find(|(k, _)| *k == key).and_then(|(_, at)| *at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mapping_reads_and_rejects_unknown_keys() {
        let m = Mapping::from_toml(
            "name = \"x\"\n[visits]\nvisit_id = \"Visit Ref\"\n[roles]\nRN = [\"nursing\"]\n\
             [time_bands]\nAM = [\"07:30\", \"11:30\"]\n[priorities]\nFlexible = \"optional\"\n",
        )
        .unwrap();
        assert_eq!(m.visits.visit_id.as_deref(), Some("Visit Ref"));
        assert_eq!(m.roles["RN"], ["nursing"]);
        assert_eq!(m.priorities["Flexible"], Priority::Optional);
        let e = Mapping::from_toml("[visits]\nvisit_ref = \"Visit Ref\"\n").unwrap_err();
        assert!(e.contains("visit_ref") && e.contains("line 2"), "{e}");
    }
}
