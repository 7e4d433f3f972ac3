//! Which OpenStreetMap ways and nodes each travel mode may use, and how fast.
//!
//! The rules follow OSRM's stock `car`, `foot` and `bicycle` profiles (v26) closely enough
//! that fastest times agree with an OSRM server built from the same extract (measured in
//! BENCHMARKS.md); docs/TRAVEL.md lists the defaults and where they differ.
//!
//! The tags read and the shapes of an answer are here, with the way rule's dispatch and
//! the one-way rule every mode shares; each mode's ways are in its own file (`car`,
//! `walk`, `bike`) and what nodes (barriers, gates, lights) do in `nodes`.

mod bike;
mod car;
mod nodes;
mod walk;

use crate::model::TravelMode;

pub(crate) use nodes::node_rule;

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
        TravelMode::Car => car::car(highway, tags),
        TravelMode::Walk => walk::walk(highway, tags),
        TravelMode::Bike => bike::bike(highway, tags),
    }
}

fn first<'a>(tags: &'a Tags, keys: &[&str]) -> Option<&'a str> {
    keys.iter().find_map(|k| tags.get(k))
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

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use bike::PUSH_KMH;
    use walk::WALK_KMH;

    /// Tags from pairs, as the reader keeps them.
    pub(super) fn tags(pairs: &[(&str, &str)]) -> Vec<(Box<str>, Box<str>)> {
        pairs.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect()
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
}
