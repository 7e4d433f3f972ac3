//! The document's places: the named `locations`, then each point given inline where a
//! staff member or visit names one (it joins the list when it is met). From here on staff
//! and visits refer to places by index.

use super::fields::{err, index_ids, Result};
use crate::model::error::InputErrorKind::*;
use crate::model::error::{FieldPath, InputError};
use crate::model::input::{LocationRef, ProblemInput};
use crate::model::problem::{LatLon, Place};
use std::collections::HashMap;

fn check_point(lat: f64, lon: f64, path: &FieldPath) -> Result<LatLon> {
    if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
        return err(
            OutOfRange,
            path.field("lat"),
            format!("latitude {lat} is outside -90..90"),
        );
    }
    if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
        return err(
            OutOfRange,
            path.field("lon"),
            format!("longitude {lon} is outside -180..180"),
        );
    }
    Ok(LatLon { lat, lon })
}

/// The places known so far, and the ids of the named ones.
pub(super) struct Places<'a> {
    ids: HashMap<&'a str, usize>,
    /// Named places first, in document order, then inline points as they are met.
    pub(super) places: Vec<Place>,
    matrix_mode: bool,
}

impl<'a> Places<'a> {
    /// The named `locations`, checked. Under travel mode "matrix" (`matrix_mode`) they
    /// need no coordinates, and no point may be given inline.
    pub(super) fn named(input: &'a ProblemInput, matrix_mode: bool) -> Result<Self> {
        let root = FieldPath::root();
        let loc_ids = index_ids(input.locations.iter().map(|l| l.id.as_str()), "locations")?;
        let mut named = Vec::with_capacity(input.locations.len());
        for (i, l) in input.locations.iter().enumerate() {
            let path = root.field("locations").index(i);
            let point = match (l.lat, l.lon) {
                (Some(lat), Some(lon)) => Some(check_point(lat, lon, &path)?),
                (None, None) if matrix_mode => None,
                (None, _) => {
                    return err(
                        MissingField,
                        path.field("lat"),
                        "lat is required (degrees, WGS84)",
                    )
                }
                (_, None) => {
                    return err(
                        MissingField,
                        path.field("lon"),
                        "lon is required (degrees, WGS84)",
                    )
                }
            };
            named.push(Place {
                id: Some(l.id.clone()),
                point,
                postcode: l.postcode.clone(),
            });
        }
        Ok(Places {
            ids: loc_ids,
            places: named,
            matrix_mode,
        })
    }

    /// The index of the place `loc` names, adding an inline point to the list.
    pub(super) fn resolve(&mut self, loc: &LocationRef, path: FieldPath) -> Result<usize> {
        match loc {
            LocationRef::Id(id) => self.ids.get(id.as_str()).copied().ok_or_else(|| {
                InputError::of(
                    UnknownReference,
                    path,
                    format!("unknown location '{id}': add it to `locations` or give {{\"lat\", \"lon\"}}"),
                )
            }),
            LocationRef::Point(p) => {
                if self.matrix_mode {
                    return err(
                        Conflict,
                        path,
                        "with travel mode \"matrix\" every location must be the id of a `locations` entry",
                    );
                }
                let point = check_point(p.lat, p.lon, &path)?;
                self.places.push(Place {
                    id: None,
                    point: Some(point),
                    postcode: None,
                });
                Ok(self.places.len() - 1)
            }
        }
    }
}
