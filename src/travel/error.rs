//! Why a travel matrix could not be built, with the field of the problem to look at.

use crate::model::{FieldPath, InputError, InputErrorKind, TravelMode};
use std::path::PathBuf;

/// A road or OSRM travel source that cannot give the matrix. `Display` reads like an input
/// error: `travel.osm_file: cannot read data/x.pbf: No such file or directory (os error 2)`.
#[derive(Debug, thiserror::Error)]
pub enum TravelError {
    /// The extract cannot be read.
    #[error("{path}: cannot read {}: {error}", file.display())]
    Read {
        /// `travel.osm_file`.
        path: FieldPath,
        /// The file as given.
        file: PathBuf,
        /// What the system said.
        error: std::io::Error,
    },
    /// The extract is not a valid OpenStreetMap PBF file.
    #[error("{path}: {} is not a readable OpenStreetMap .osm.pbf extract: {source}", file.display())]
    Osm {
        /// `travel.osm_file`.
        path: FieldPath,
        /// The file as given.
        file: PathBuf,
        /// What the reader said.
        source: OsmError,
    },
    /// Road and OSRM travel read files or call a server, which the core does not do: the
    /// shell builds such matrices with [`crate::travel::sources::build`] and passes them in.
    #[error("{path}: travel mode '{mode}' needs its matrix built by a travel source (carerounds::travel::sources::build)")]
    NeedsSource {
        /// `travel.mode`.
        path: FieldPath,
        /// `road` or `osrm`.
        mode: &'static str,
    },
    /// The extract has no way the mode may use.
    #[error("{path}: {} has no roads usable by {mode}", file.display())]
    NoRoads {
        /// `travel.osm_file` or the staff member's `travel_mode`.
        path: FieldPath,
        /// The file as given.
        file: PathBuf,
        /// The travel mode.
        mode: TravelMode,
    },
    /// A place lies farther from a usable road than `travel.max_snap_m` allows.
    #[error(
        "{path}: the nearest road usable by {mode} is {distance_m:.0} m away, more than \
         travel.max_snap_m = {limit_m} m; check the coordinates (lat, lon order) or raise the limit"
    )]
    TooFar {
        /// The place: `locations[2]`, `visits[5].location`, ...
        path: FieldPath,
        /// The travel mode.
        mode: TravelMode,
        /// Metres to the nearest usable road.
        distance_m: f64,
        /// The limit in force.
        limit_m: f64,
    },
    /// No route joins two places.
    #[error("{path}: no {mode} route from here to {to} on the road network")]
    NoRoute {
        /// The place travelled from.
        path: FieldPath,
        /// The place travelled to.
        to: FieldPath,
        /// The travel mode.
        mode: TravelMode,
    },
    /// OSRM could not put a place on its network (`NoSegment`).
    #[error("{path}: the OSRM server at {url} found no road segment near this place (NoSegment); check the coordinates and that the server holds this area")]
    NoSegment {
        /// The place.
        path: FieldPath,
        /// The server.
        url: String,
    },
    /// The OSRM server cannot be reached or answered with an error.
    #[error("{path}: OSRM server {url}: {message}")]
    Osrm {
        /// `travel.url` or `travel.mode_urls.<mode>`.
        path: FieldPath,
        /// The server.
        url: String,
        /// What went wrong.
        message: String,
    },
}

impl TravelError {
    /// The field of the problem the error is about.
    pub fn path(&self) -> &FieldPath {
        match self {
            TravelError::Read { path, .. }
            | TravelError::Osm { path, .. }
            | TravelError::NoRoads { path, .. }
            | TravelError::TooFar { path, .. }
            | TravelError::NoRoute { path, .. }
            | TravelError::NoSegment { path, .. }
            | TravelError::Osrm { path, .. }
            | TravelError::NeedsSource { path, .. } => path,
        }
    }

    /// The error as an [`InputError`] (path and message), for shells that report input
    /// errors one way.
    pub fn to_input_error(&self) -> InputError {
        let full = self.to_string();
        let prefix = format!("{}: ", self.path());
        let message = full.strip_prefix(&prefix).unwrap_or(&full).to_string();
        InputError::of(InputErrorKind::Travel, self.path().clone(), message)
    }
}

/// Why an OpenStreetMap extract could not be read, kept apart from [`TravelError`] so the
/// road-network reader (which sees bytes, not the problem) has a typed error of its own.
#[derive(Debug, thiserror::Error)]
pub enum OsmError {
    /// A block of the PBF file could not be decoded.
    #[error("{0}")]
    Decode(#[from] osmpbf::Error),
}
