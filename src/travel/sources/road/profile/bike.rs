//! Cyclists: the ways OSRM's `bicycle` profile rides, pushing the bike where only walking
//! is allowed and against a one-way street.

use super::{directed, first, Tags, WaySpeeds};

/// Cycling speed, km/h (OSRM bicycle: 15).
const BIKE_KMH: f64 = 15.0;
/// Pushing a bike where riding is not allowed, km/h (OSRM bicycle: 4).
pub(super) const PUSH_KMH: f64 = 4.0;

/// The speeds of a way for cyclists (pushing where they may not ride), or `None`.
pub(super) fn bike(highway: &str, tags: &Tags) -> Option<WaySpeeds> {
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
