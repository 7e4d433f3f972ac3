//! The data sources a report credits: only those the problem actually used, worked out
//! from the problem itself. Crediting OS Code-Point Open under hand-made coordinates, or
//! OpenStreetMap under straight-line travel, would be as wrong as leaving a credit out
//! where a licence asks for it.
//!
//! - Places with a `postcode` were found in OS Code-Point Open (`import csv`), whose Open
//!   Government Licence asks for the Ordnance Survey, Royal Mail and National Statistics
//!   lines.
//! - Road travel (`road`, `osrm`) comes from OpenStreetMap data (ODbL).
//! - A `matrix` was supplied with the problem: it is named, not licensed by us.
//! - Sources the problem names itself (extension `sources`: coordinates from Code-Point
//!   written as plain lat/lon, homes picked from GeoNames) are credited as given.
//! - Route maps are drawn from the coordinates alone, with no map tiles, so they need no
//!   credit of their own.

use crate::model::{Problem, TravelModel};
use serde::Serialize;

/// The lines OS Code-Point Open's licence (OGL v3.0) asks for.
pub const CODE_POINT_ATTRIBUTION: [&str; 3] = [
    "Contains Ordnance Survey data © Crown copyright and database right 2025.",
    "Contains Royal Mail data © Royal Mail copyright and database right 2025.",
    "Contains National Statistics data © Crown copyright and database right 2025.",
];

/// The line OpenStreetMap's licence (ODbL 1.0) asks for.
pub const OSM_ATTRIBUTION: &str = "© OpenStreetMap contributors (ODbL 1.0).";

/// One data source the report's figures rest on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Credit {
    /// The source (`OS Code-Point Open`).
    pub source: String,
    /// What the problem used it for.
    pub used_for: String,
    /// Its licence, when it has one we know.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub licence: Option<String>,
    /// The lines the licence asks to be shown.
    pub attribution: Vec<String>,
}

/// The sources `problem` used, in a fixed order (places, then travel).
pub fn credits(problem: &Problem) -> Vec<Credit> {
    let mut out = Vec::new();
    let postcodes = problem.places.iter().filter(|p| p.postcode.is_some()).count();
    if postcodes > 0 {
        out.push(Credit {
            source: "OS Code-Point Open".into(),
            used_for: format!("coordinates of the {postcodes} place(s) found by postcode"),
            licence: Some("Open Government Licence v3.0".into()),
            attribution: CODE_POINT_ATTRIBUTION.map(String::from).to_vec(),
        });
    }
    match &problem.travel {
        TravelModel::Road { .. } | TravelModel::Osrm { .. } => out.push(Credit {
            source: "OpenStreetMap".into(),
            used_for: "road travel times and distances".into(),
            licence: Some("Open Database Licence 1.0".into()),
            attribution: vec![OSM_ATTRIBUTION.into()],
        }),
        TravelModel::Matrix { .. } => out.push(Credit {
            source: "travel matrix supplied with the problem".into(),
            used_for: "travel times and distances".into(),
            licence: None,
            attribution: Vec::new(),
        }),
        TravelModel::Haversine { .. } => {}
    }
    // What the problem says it used (extension `sources`), unless credited above.
    for s in &problem.sources {
        if !out.iter().any(|c| c.source == s.source) {
            out.push(Credit {
                source: s.source.clone(),
                used_for: s.used_for.clone(),
                licence: s.licence.clone(),
                attribution: s.attribution.clone(),
            });
        }
    }
    out
}
