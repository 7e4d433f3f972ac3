//! Walkers: the ways OSRM's `foot` profile lists (and England's and Wales's public
//! rights of way), at one walking speed.

use super::{directed, first, Tags, WaySpeeds};

/// Walking speed, km/h (OSRM foot: 5).
pub(super) const WALK_KMH: f64 = 5.0;

/// The speeds of a way for walkers, or `None` when they may not use it.
pub(super) fn walk(highway: &str, tags: &Tags) -> Option<WaySpeeds> {
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
