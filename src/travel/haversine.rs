//! Great-circle distance as SPEC.md defines it: haversine with Earth radius 6371.0088 km
//! (geo's mean radius), so every implementation of the format gets the same numbers.

use crate::model::LatLon;
use geo::{Distance, Haversine, Point};

/// Great-circle distance in km between two WGS84 points.
pub fn haversine_km(a: LatLon, b: LatLon) -> f64 {
    Haversine::distance(Point::new(a.lon, a.lat), Point::new(b.lon, b.lat)) / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_spec_formula() {
        // Oakham (LE15 6HP) to Uppingham (LE15 9PY), by hand with R = 6371.0088 km.
        let a = LatLon {
            lat: 52.668256,
            lon: -0.724806,
        };
        let b = LatLon {
            lat: 52.588368,
            lon: -0.720602,
        };
        let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
        let dphi = p2 - p1;
        let dl = (b.lon - a.lon).to_radians();
        let h = (dphi / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        let expected = 2.0 * 6371.0088 * h.sqrt().asin();
        assert!((haversine_km(a, b) - expected).abs() < 1e-9);
        assert!((expected - 8.89).abs() < 0.05);
    }
}
