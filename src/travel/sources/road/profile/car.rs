//! Cars: OSRM's `car.lua` speeds per highway type, tagged speed limits (driven at 80 %),
//! caps by surface, and access tags that shut a way to cars.

use super::{directed, first, Tags, WaySpeeds};

/// OSRM drives at 80 % of a tagged speed limit.
const MAXSPEED_FACTOR: f64 = 0.8;

/// Car: OSRM's `car.lua` speeds per highway type, km/h.
fn car_highway_kmh(highway: &str) -> Option<f64> {
    Some(match highway {
        "motorway" => 90.0,
        "motorway_link" => 45.0,
        "trunk" => 85.0,
        "trunk_link" => 40.0,
        "primary" => 65.0,
        "primary_link" => 30.0,
        "secondary" => 55.0,
        "secondary_link" => 25.0,
        "tertiary" => 40.0,
        "tertiary_link" => 20.0,
        "unclassified" | "residential" => 25.0,
        "living_street" => 10.0,
        "service" => 15.0,
        _ => return None,
    })
}

/// Access values that shut a way to everyone in the mode (OSRM's blacklists, less the
/// "restricted" values such as `private` and `destination`, which are usable at the ends).
pub(super) fn car_denied(v: &str) -> bool {
    matches!(
        v,
        "no" | "agricultural"
            | "forestry"
            | "emergency"
            | "psv"
            | "taxi"
            | "share_taxi"
            | "minibus"
            | "bus"
            | "foot"
            | "emergency_vehicle"
            | "restricted"
            | "military"
            | "official"
    )
}

/// The speeds of a way for cars, or `None` when they may not use it.
pub(super) fn car(highway: &str, tags: &Tags) -> Option<WaySpeeds> {
    let base = car_highway_kmh(highway)?;
    if let Some(a) = first(tags, &["motorcar", "motor_vehicle", "vehicle", "access"]) {
        if car_denied(a) {
            return None;
        }
        if highway == "service" && a == "private" {
            return None;
        }
    }
    if tags.get("service") == Some("emergency_access") {
        return None;
    }
    let (mut fwd, mut bwd) = (base, base);
    let limit = |keys: &[&str]| first(tags, keys).and_then(parse_maxspeed);
    let both = limit(&[
        "maxspeed:advisory",
        "maxspeed",
        "source:maxspeed",
        "maxspeed:type",
    ]);
    if let Some(v) = limit(&["maxspeed:forward"]).or(both) {
        fwd = v * MAXSPEED_FACTOR;
    }
    if let Some(v) = limit(&["maxspeed:backward"]).or(both) {
        bwd = v * MAXSPEED_FACTOR;
    }
    if let Some(cap) = surface_cap(tags) {
        fwd = fwd.min(cap);
        bwd = bwd.min(cap);
    }
    if fwd <= 0.0 || bwd <= 0.0 {
        return None;
    }
    let oneway = first(
        tags,
        &[
            "oneway:motorcar",
            "oneway:motor_vehicle",
            "oneway:vehicle",
            "oneway",
        ],
    );
    let implied = matches!(tags.get("junction"), Some("roundabout" | "circular")) || highway == "motorway";
    directed(fwd, bwd, oneway, implied)
}

/// OSRM's caps by surface, track grade and smoothness, km/h.
fn surface_cap(tags: &Tags) -> Option<f64> {
    let surface = tags.get("surface").and_then(|s| match s {
        "cement" | "compacted" | "fine_gravel" => Some(80.0),
        "paving_stones" | "metal" | "bricks" => Some(60.0),
        "grass" | "wood" | "sett" | "grass_paver" | "gravel" | "unpaved" | "ground" | "dirt"
        | "pebblestone" | "tartan" => Some(40.0),
        "cobblestone" | "clay" => Some(30.0),
        "earth" | "stone" | "rocky" | "sand" => Some(20.0),
        "laterite" => Some(15.0),
        "mud" => Some(10.0),
        _ => None,
    });
    let track = tags.get("tracktype").and_then(|s| match s {
        "grade1" => Some(60.0),
        "grade2" => Some(40.0),
        "grade3" => Some(30.0),
        "grade4" => Some(25.0),
        "grade5" => Some(20.0),
        _ => None,
    });
    let smooth = tags.get("smoothness").and_then(|s| match s {
        "intermediate" => Some(80.0),
        "bad" => Some(40.0),
        "very_bad" => Some(20.0),
        "horrible" => Some(10.0),
        "very_horrible" => Some(5.0),
        "impassable" => Some(0.0),
        _ => None,
    });
    [surface, track, smooth].into_iter().flatten().reduce(f64::min)
}

/// A `maxspeed` value in km/h: `50`, `30 mph`, `GB:nsl_single`, `DE:urban`, `none`.
fn parse_maxspeed(v: &str) -> Option<f64> {
    let v = v.trim();
    let lower = v.to_ascii_lowercase();
    let num_end = lower
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(lower.len());
    if num_end > 0 {
        let n: f64 = lower[..num_end].parse().ok()?;
        let unit = lower[num_end..].trim();
        return match unit {
            "" | "km/h" | "kmh" | "kph" => Some(n),
            "mph" => Some(n * 1.609),
            "knots" => Some(n * 1.852),
            _ => None,
        }
        .filter(|s| *s > 0.0);
    }
    let mph = |m: f64| m * 1609.0 / 1000.0;
    match lower.as_str() {
        "gb:nsl_single" | "uk:nsl_single" => Some(mph(60.0)),
        "gb:nsl_dual" | "uk:nsl_dual" | "gb:motorway" | "uk:motorway" => Some(mph(70.0)),
        "none" => Some(140.0),
        _ => match lower.split_once(':').map(|(_, kind)| kind) {
            Some("urban") => Some(50.0),
            Some("rural") => Some(90.0),
            Some("trunk") => Some(110.0),
            Some("motorway") => Some(130.0),
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::tags;
    use super::super::way_speeds;
    use super::*;
    use crate::model::TravelMode;

    #[test]
    fn maxspeed_values() {
        assert_eq!(parse_maxspeed("50"), Some(50.0));
        assert!((parse_maxspeed("30 mph").unwrap() - 48.27).abs() < 1e-9);
        assert!((parse_maxspeed("GB:nsl_single").unwrap() - 96.54).abs() < 1e-9);
        assert_eq!(parse_maxspeed("DE:urban"), Some(50.0));
        assert_eq!(parse_maxspeed("signals"), None);
        assert_eq!(parse_maxspeed("0"), None);
    }

    #[test]
    fn car_speeds_oneways_and_access() {
        let t = tags(&[("highway", "residential")]);
        assert_eq!(
            way_speeds(TravelMode::Car, &Tags(&t)),
            Some(WaySpeeds {
                forward: Some(25.0),
                backward: Some(25.0)
            })
        );
        let t = tags(&[
            ("highway", "unclassified"),
            ("maxspeed", "60 mph"),
            ("oneway", "yes"),
        ]);
        let s = way_speeds(TravelMode::Car, &Tags(&t)).unwrap();
        assert!((s.forward.unwrap() - 60.0 * 1.609 * 0.8).abs() < 1e-9);
        assert_eq!(s.backward, None);
        let t = tags(&[("highway", "primary"), ("junction", "roundabout")]);
        assert_eq!(way_speeds(TravelMode::Car, &Tags(&t)).unwrap().backward, None);
        for denied in [
            vec![("highway", "footway")],
            vec![("highway", "track")],
            vec![("highway", "residential"), ("access", "no")],
            vec![("highway", "service"), ("access", "private")],
            vec![("highway", "residential"), ("motor_vehicle", "agricultural")],
        ] {
            assert_eq!(
                way_speeds(TravelMode::Car, &Tags(&tags(&denied))),
                None,
                "{denied:?}"
            );
        }
        // Private residential streets stay usable: people live on them.
        let t = tags(&[("highway", "residential"), ("access", "private")]);
        assert!(way_speeds(TravelMode::Car, &Tags(&t)).is_some());
    }
}
