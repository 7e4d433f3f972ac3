//! British National Grid (OSGB36) eastings and northings to WGS84 latitude and longitude,
//! so that Code-Point Open positions can be used by the haversine, road and OSRM travel
//! models, which all work in WGS84.
//!
//! Two steps, as Ordnance Survey's "A guide to coordinate systems in Great Britain"
//! describes them: the inverse Transverse Mercator projection on the Airy 1830 ellipsoid
//! (the guide's series formulas, annex C), giving OSGB36 latitude and longitude; then the
//! 7-parameter Helmert transformation OSGB36 → WGS84 through Cartesian coordinates. The
//! Helmert step is accurate to a few metres (OS quotes about 5 m; EPSG:1314 about 2 m), far
//! below what matters for travel between homes; OSTN15 would be ~0.1 m but needs a 15 MB
//! grid file.

use crate::model::LatLon;

/// Airy 1830 semi-major and semi-minor axes, metres.
const AIRY_A: f64 = 6_377_563.396;
const AIRY_B: f64 = 6_356_256.909;
/// National Grid: scale factor on the central meridian, true origin and false origin.
const F0: f64 = 0.999_601_271_7;
const PHI0_DEG: f64 = 49.0;
const LAMBDA0_DEG: f64 = -2.0;
const E0: f64 = 400_000.0;
const N0: f64 = -100_000.0;
/// WGS84 (GRS80 to the precision that matters here) axes, metres.
const WGS_A: f64 = 6_378_137.0;
const WGS_B: f64 = 6_356_752.314_245;
/// OSGB36 → WGS84 Helmert parameters (the OS guide's table, signs for this direction):
/// translations in metres, scale in ppm, rotations in arc seconds.
const TX: f64 = 446.448;
const TY: f64 = -125.157;
const TZ: f64 = 542.060;
const S_PPM: f64 = -20.4894;
const RX_SEC: f64 = 0.1502;
const RY_SEC: f64 = 0.2470;
const RZ_SEC: f64 = 0.8421;

/// Meridional arc from the true origin's latitude to `phi` (radians), the guide's C3.
fn meridional_arc(phi: f64) -> f64 {
    let n = (AIRY_A - AIRY_B) / (AIRY_A + AIRY_B);
    let (n2, n3) = (n * n, n * n * n);
    let phi0 = PHI0_DEG.to_radians();
    let (d, s) = (phi - phi0, phi + phi0);
    AIRY_B
        * F0
        * ((1.0 + n + 1.25 * n2 + 1.25 * n3) * d - (3.0 * n + 3.0 * n2 + 21.0 / 8.0 * n3) * d.sin() * s.cos()
            + (15.0 / 8.0 * n2 + 15.0 / 8.0 * n3) * (2.0 * d).sin() * (2.0 * s).cos()
            - 35.0 / 24.0 * n3 * (3.0 * d).sin() * (3.0 * s).cos())
}

/// OSGB36 latitude and longitude (degrees, on Airy 1830) of a National Grid point, by the
/// inverse projection only. Exposed for the OS guide's worked example, which stops here.
pub fn grid_to_osgb36(easting: f64, northing: f64) -> LatLon {
    let e2 = 1.0 - (AIRY_B * AIRY_B) / (AIRY_A * AIRY_A);
    let phi0 = PHI0_DEG.to_radians();
    let mut phi = (northing - N0) / (AIRY_A * F0) + phi0;
    // The guide iterates until the arc is within 0.01 mm; 10 rounds are far more than
    // the 3-4 it takes anywhere in Great Britain, and bound the loop on odd input.
    for _ in 0..10 {
        let m = meridional_arc(phi);
        let rest = northing - N0 - m;
        if rest.abs() < 1e-5 {
            break;
        }
        phi += rest / (AIRY_A * F0);
    }
    let (sin, cos, tan) = (phi.sin(), phi.cos(), phi.tan());
    let nu = AIRY_A * F0 / (1.0 - e2 * sin * sin).sqrt();
    let rho = AIRY_A * F0 * (1.0 - e2) / (1.0 - e2 * sin * sin).powf(1.5);
    let eta2 = nu / rho - 1.0;
    let (t2, t4, t6) = (tan * tan, tan.powi(4), tan.powi(6));
    let sec = 1.0 / cos;
    let vii = tan / (2.0 * rho * nu);
    let viii = tan / (24.0 * rho * nu.powi(3)) * (5.0 + 3.0 * t2 + eta2 - 9.0 * t2 * eta2);
    let ix = tan / (720.0 * rho * nu.powi(5)) * (61.0 + 90.0 * t2 + 45.0 * t4);
    let x = sec / nu;
    let xi = sec / (6.0 * nu.powi(3)) * (nu / rho + 2.0 * t2);
    let xii = sec / (120.0 * nu.powi(5)) * (5.0 + 28.0 * t2 + 24.0 * t4);
    let xiia = sec / (5040.0 * nu.powi(7)) * (61.0 + 662.0 * t2 + 1320.0 * t4 + 720.0 * t6);
    let de = easting - E0;
    let lat = phi - vii * de.powi(2) + viii * de.powi(4) - ix * de.powi(6);
    let lon = LAMBDA0_DEG.to_radians() + x * de - xi * de.powi(3) + xii * de.powi(5) - xiia * de.powi(7);
    LatLon {
        lat: lat.to_degrees(),
        lon: lon.to_degrees(),
    }
}

/// Geodetic (radians, height 0) to Cartesian on the ellipsoid with axes `a`, `b`.
fn to_cartesian(lat: f64, lon: f64, a: f64, b: f64) -> [f64; 3] {
    let e2 = 1.0 - (b * b) / (a * a);
    let nu = a / (1.0 - e2 * lat.sin().powi(2)).sqrt();
    [
        nu * lat.cos() * lon.cos(),
        nu * lat.cos() * lon.sin(),
        (1.0 - e2) * nu * lat.sin(),
    ]
}

/// Cartesian to geodetic (degrees) on the ellipsoid with axes `a`, `b`, by the guide's
/// iteration (B.2), which converges to well below a millimetre in a few rounds.
fn to_geodetic(p: [f64; 3], a: f64, b: f64) -> LatLon {
    let e2 = 1.0 - (b * b) / (a * a);
    let r = (p[0] * p[0] + p[1] * p[1]).sqrt();
    let lon = p[1].atan2(p[0]);
    let mut lat = p[2].atan2(r * (1.0 - e2));
    for _ in 0..10 {
        let nu = a / (1.0 - e2 * lat.sin().powi(2)).sqrt();
        let next = (p[2] + e2 * nu * lat.sin()).atan2(r);
        let done = (next - lat).abs() < 1e-12;
        lat = next;
        if done {
            break;
        }
    }
    LatLon {
        lat: lat.to_degrees(),
        lon: lon.to_degrees(),
    }
}

/// OSGB36 latitude and longitude (degrees) to WGS84, by the Helmert transformation.
pub fn osgb36_to_wgs84(p: LatLon) -> LatLon {
    let [x, y, z] = to_cartesian(p.lat.to_radians(), p.lon.to_radians(), AIRY_A, AIRY_B);
    let sec = |s: f64| (s / 3600.0).to_radians();
    let (rx, ry, rz) = (sec(RX_SEC), sec(RY_SEC), sec(RZ_SEC));
    let s1 = 1.0 + S_PPM * 1e-6;
    let out = [
        TX + s1 * (x - rz * y + ry * z),
        TY + s1 * (rz * x + y - rx * z),
        TZ + s1 * (-ry * x + rx * y + z),
    ];
    to_geodetic(out, WGS_A, WGS_B)
}

/// WGS84 latitude and longitude (degrees) of a National Grid easting and northing
/// (metres), as Code-Point Open gives them.
pub fn grid_to_wgs84(easting: f64, northing: f64) -> LatLon {
    osgb36_to_wgs84(grid_to_osgb36(easting, northing))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dms(d: f64, m: f64, s: f64) -> f64 {
        d + m / 60.0 + s / 3600.0
    }

    #[test]
    fn the_os_guide_worked_example() {
        // "A guide to coordinate systems in Great Britain", annex C.2.
        let p = grid_to_osgb36(651_409.903, 313_177.270);
        assert!((p.lat - dms(52.0, 39.0, 27.2531)).abs() * 3600.0 < 1e-3, "{p:?}");
        assert!((p.lon - dms(1.0, 43.0, 4.5177)).abs() * 3600.0 < 1e-3, "{p:?}");
    }

    #[test]
    fn a_cartesian_round_trip_is_exact() {
        let p = LatLon { lat: 52.6, lon: -0.7 };
        let c = to_cartesian(p.lat.to_radians(), p.lon.to_radians(), WGS_A, WGS_B);
        let q = to_geodetic(c, WGS_A, WGS_B);
        assert!((p.lat - q.lat).abs() < 1e-10 && (p.lon - q.lon).abs() < 1e-10);
    }
}
