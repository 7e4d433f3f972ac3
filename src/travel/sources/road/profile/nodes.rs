//! What a node does to someone passing it, per mode: barriers block, gates and traffic
//! lights delay.

use super::car::car_denied;
use super::{first, NodeRule, Tags};
use crate::model::TravelMode;

/// Seconds lost at a traffic light (OSRM: 2 s).
const SIGNAL_PENALTY_S: f64 = 2.0;
/// Seconds lost opening a gate by car (OSRM car: 60 s).
const GATE_PENALTY_S: f64 = 60.0;

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
    use super::super::tests::tags;
    use super::*;

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
