//! Which OpenStreetMap ways and nodes each travel mode may use, and how fast.
//!
//! The rules follow OSRM's stock `car`, `foot` and `bicycle` profiles (v26) closely enough
//! that fastest times agree with an OSRM server built from the same extract (measured in
//! BENCHMARKS.md); docs/TRAVEL.md lists the defaults and where they differ.

use crate::model::TravelMode;

/// Tags a way may carry that the profiles read; everything else is dropped when reading.
pub(crate) const WAY_KEYS: &[&str] = &[
    "highway",
    "area",
    "access",
    "vehicle",
    "motor_vehicle",
    "motorcar",
    "foot",
    "bicycle",
    "service",
    "oneway",
    "oneway:vehicle",
    "oneway:motor_vehicle",
    "oneway:motorcar",
    "oneway:foot",
    "oneway:bicycle",
    "cycleway",
    "junction",
    "maxspeed",
    "maxspeed:forward",
    "maxspeed:backward",
    "maxspeed:advisory",
    "source:maxspeed",
    "maxspeed:type",
    "surface",
    "tracktype",
    "smoothness",
    "impassable",
    "status",
];

/// Tags of nodes that can block a way or slow it down.
pub(crate) const NODE_KEYS: &[&str] = &[
    "barrier",
    "highway",
    "access",
    "vehicle",
    "motor_vehicle",
    "motorcar",
    "foot",
    "bicycle",
    "kerb",
    "bollard",
];

/// Seconds lost at a traffic light (OSRM: 2 s).
const SIGNAL_PENALTY_S: f64 = 2.0;
/// Seconds lost opening a gate by car (OSRM car: 60 s).
const GATE_PENALTY_S: f64 = 60.0;
/// OSRM drives at 80 % of a tagged speed limit.
const MAXSPEED_FACTOR: f64 = 0.8;
/// Walking speed, km/h (OSRM foot: 5).
pub(crate) const WALK_KMH: f64 = 5.0;
/// Cycling speed, km/h (OSRM bicycle: 15).
const BIKE_KMH: f64 = 15.0;
/// Pushing a bike where riding is not allowed, km/h (OSRM bicycle: 4).
const PUSH_KMH: f64 = 4.0;

/// Tag lookup over a way's or node's kept tags.
pub(crate) struct Tags<'a>(pub &'a [(Box<str>, Box<str>)]);

impl Tags<'_> {
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| &**k == key).map(|(_, v)| &**v)
    }
}

/// Speeds along and against the way's drawing direction (km/h); `None` = not allowed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct WaySpeeds {
    pub forward: Option<f64>,
    pub backward: Option<f64>,
}

/// What a node does to someone passing it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum NodeRule {
    Pass,
    Block,
    Delay(f64),
}

/// The speeds of a way for `mode`, or `None` when the mode cannot use it at all.
pub(crate) fn way_speeds(mode: TravelMode, tags: &Tags) -> Option<WaySpeeds> {
    let highway = tags.get("highway")?;
    if tags.get("area") == Some("yes")
        || tags.get("impassable") == Some("yes")
        || tags.get("status") == Some("impassable")
    {
        return None;
    }
    match mode {
        TravelMode::Car => car(highway, tags),
        TravelMode::Walk => walk(highway, tags),
        TravelMode::Bike => bike(highway, tags),
    }
}

/// Car: OSRM's `car.lua` speeds per highway type, km/h.
pub(crate) fn car_highway_kmh(highway: &str) -> Option<f64> {
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

fn first<'a>(tags: &'a Tags, keys: &[&str]) -> Option<&'a str> {
    keys.iter().find_map(|k| tags.get(k))
}

/// Access values that shut a way to everyone in the mode (OSRM's blacklists, less the
/// "restricted" values such as `private` and `destination`, which are usable at the ends).
fn car_denied(v: &str) -> bool {
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

fn car(highway: &str, tags: &Tags) -> Option<WaySpeeds> {
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

fn directed(fwd: f64, bwd: f64, oneway: Option<&str>, implied: bool) -> Option<WaySpeeds> {
    match oneway {
        Some("yes" | "1" | "true") => Some(WaySpeeds {
            forward: Some(fwd),
            backward: None,
        }),
        Some("-1") => Some(WaySpeeds {
            forward: None,
            backward: Some(bwd),
        }),
        Some("reversible" | "alternating") => None,
        Some("no" | "0" | "false") => Some(WaySpeeds {
            forward: Some(fwd),
            backward: Some(bwd),
        }),
        _ if implied => Some(WaySpeeds {
            forward: Some(fwd),
            backward: None,
        }),
        _ => Some(WaySpeeds {
            forward: Some(fwd),
            backward: Some(bwd),
        }),
    }
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
pub(crate) fn parse_maxspeed(v: &str) -> Option<f64> {
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

fn walk(highway: &str, tags: &Tags) -> Option<WaySpeeds> {
    let foot = tags.get("foot");
    let listed = matches!(
        highway,
        "primary"
            | "primary_link"
            | "secondary"
            | "secondary_link"
            | "tertiary"
            | "tertiary_link"
            | "unclassified"
            | "residential"
            | "living_street"
            | "service"
            | "track"
            | "path"
            | "steps"
            | "pedestrian"
            | "platform"
            | "footway"
            | "pier"
            // Public rights of way for walkers in England and Wales.
            | "bridleway"
            | "cycleway"
    );
    let allowed = match first(tags, &["foot", "access"]) {
        Some("no" | "agricultural" | "forestry" | "private" | "delivery" | "use_sidepath") => false,
        _ => listed || matches!(foot, Some("yes" | "designated" | "permissive")),
    };
    if !allowed || matches!(highway, "motorway" | "motorway_link") {
        return None;
    }
    let oneway = tags.get("oneway:foot");
    directed(WALK_KMH, WALK_KMH, oneway, false)
}

fn bike(highway: &str, tags: &Tags) -> Option<WaySpeeds> {
    let ride = match highway {
        "cycleway" | "primary" | "primary_link" | "secondary" | "secondary_link" | "tertiary"
        | "tertiary_link" | "residential" | "unclassified" | "living_street" | "service" => Some(BIKE_KMH),
        "track" => Some(12.0),
        "path" => Some(13.0),
        // Cyclists may ride bridleways in England and Wales.
        "bridleway" => Some(12.0),
        _ => None,
    };
    let access = first(tags, &["bicycle", "vehicle", "access"]);
    let denied = matches!(
        access,
        Some("no" | "agricultural" | "forestry" | "private" | "delivery" | "use_sidepath" | "dismount")
    );
    let speed = match (ride, access) {
        _ if denied => None,
        (Some(s), _) => Some(s),
        (None, Some("yes" | "designated" | "permissive")) => Some(BIKE_KMH),
        _ => None,
    };
    let speed = match speed {
        Some(s) => s,
        None => {
            // Push the bike where walking is allowed (OSRM does too).
            return match highway {
                "footway" | "pedestrian" | "steps" if tags.get("foot") != Some("no") => {
                    let kmh = if highway == "steps" { 2.0 } else { PUSH_KMH };
                    Some(WaySpeeds {
                        forward: Some(kmh),
                        backward: Some(kmh),
                    })
                }
                _ => None,
            };
        }
    };
    if matches!(highway, "motorway" | "motorway_link" | "trunk" | "trunk_link") && access.is_none() {
        return None;
    }
    let contraflow = matches!(tags.get("oneway:bicycle"), Some("no"))
        || tags.get("cycleway").is_some_and(|c| c.starts_with("opposite"));
    let oneway = if contraflow {
        Some("no")
    } else {
        first(tags, &["oneway:bicycle", "oneway"])
    };
    let implied = matches!(tags.get("junction"), Some("roundabout" | "circular"));
    match directed(speed, speed, oneway, implied) {
        // Against a one-way street the cyclist walks, as OSRM's profile does.
        Some(WaySpeeds {
            forward: Some(f),
            backward: None,
        }) if !contraflow => Some(WaySpeeds {
            forward: Some(f),
            backward: Some(PUSH_KMH),
        }),
        Some(WaySpeeds {
            forward: None,
            backward: Some(b),
        }) => Some(WaySpeeds {
            forward: Some(PUSH_KMH),
            backward: Some(b),
        }),
        other => other,
    }
}

/// What a node does for `mode`: barriers block, gates and traffic lights delay.
pub(crate) fn node_rule(mode: TravelMode, tags: &Tags) -> NodeRule {
    let signal = if tags.get("highway") == Some("traffic_signals") {
        NodeRule::Delay(SIGNAL_PENALTY_S)
    } else {
        NodeRule::Pass
    };
    match mode {
        TravelMode::Car => {
            if let Some(a) = first(tags, &["motorcar", "motor_vehicle", "vehicle", "access"]) {
                // An access tag settles it; the barrier kind is not looked at (as OSRM).
                return if car_denied(a) { NodeRule::Block } else { signal };
            }
            let Some(barrier) = tags.get("barrier") else {
                return signal;
            };
            match barrier {
                "gate" | "lift_gate" => NodeRule::Delay(GATE_PENALTY_S),
                "cattle_grid" | "border_control" | "toll_booth" | "sally_port" | "no" | "entrance"
                | "height_restrictor" | "arch" => signal,
                "kerb" if matches!(tags.get("kerb"), Some("lowered" | "flush")) => signal,
                "kerb" if tags.get("highway") == Some("crossing") => signal,
                _ if tags.get("bollard") == Some("rising") => signal,
                _ => NodeRule::Block,
            }
        }
        TravelMode::Walk => match (first(tags, &["foot", "access"]), tags.get("barrier")) {
            (Some("no" | "private" | "agricultural" | "forestry" | "delivery"), _) => NodeRule::Block,
            (None, Some("yes" | "wall" | "fence")) => NodeRule::Block,
            _ => signal,
        },
        TravelMode::Bike => match (
            first(tags, &["bicycle", "vehicle", "access"]),
            tags.get("barrier"),
        ) {
            (Some("no" | "private" | "agricultural" | "forestry" | "delivery"), _) => NodeRule::Block,
            (None, Some("yes" | "wall" | "fence" | "block" | "stile" | "turnstile" | "kissing_gate")) => {
                NodeRule::Block
            }
            _ => signal,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(pairs: &[(&str, &str)]) -> Vec<(Box<str>, Box<str>)> {
        pairs.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect()
    }

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

    #[test]
    fn walkers_and_cyclists() {
        let path = tags(&[("highway", "footway")]);
        assert_eq!(
            way_speeds(TravelMode::Walk, &Tags(&path)).unwrap().forward,
            Some(WALK_KMH)
        );
        assert_eq!(
            way_speeds(TravelMode::Bike, &Tags(&path)).unwrap().forward,
            Some(PUSH_KMH)
        );
        let one = tags(&[("highway", "residential"), ("oneway", "yes")]);
        assert_eq!(
            way_speeds(TravelMode::Walk, &Tags(&one)).unwrap().backward,
            Some(WALK_KMH)
        );
        assert_eq!(
            way_speeds(TravelMode::Bike, &Tags(&one)).unwrap().backward,
            Some(PUSH_KMH)
        );
        let trunk = tags(&[("highway", "trunk")]);
        assert_eq!(way_speeds(TravelMode::Walk, &Tags(&trunk)), None);
        assert_eq!(way_speeds(TravelMode::Bike, &Tags(&trunk)), None);
    }

    #[test]
    fn barriers() {
        let bollard = tags(&[("barrier", "bollard")]);
        assert_eq!(node_rule(TravelMode::Car, &Tags(&bollard)), NodeRule::Block);
        assert_eq!(node_rule(TravelMode::Walk, &Tags(&bollard)), NodeRule::Pass);
        let gate = tags(&[("barrier", "gate")]);
        assert_eq!(node_rule(TravelMode::Car, &Tags(&gate)), NodeRule::Delay(60.0));
        let lights = tags(&[("highway", "traffic_signals")]);
        assert_eq!(node_rule(TravelMode::Car, &Tags(&lights)), NodeRule::Delay(2.0));
    }
}
