//! Reads the parts of an OpenStreetMap PBF extract that routing needs: ways with a
//! `highway` tag (with the tags the profiles read) and the nodes they pass through.

use super::profile::{NODE_KEYS, WAY_KEYS};
use crate::travel::OsmError;
use osmpbf::{Element, ElementReader};
use std::collections::HashMap;

/// Kept tags of a way or node.
pub(crate) type TagList = Vec<(Box<str>, Box<str>)>;

/// A way that some travel mode might use.
#[derive(Debug, Clone)]
pub(crate) struct OsmWay {
    pub refs: Vec<i64>,
    pub tags: TagList,
}

/// A node on a kept way: position and the tags that matter for routing.
#[derive(Debug, Clone)]
pub(crate) struct OsmNode {
    pub lat: f64,
    pub lon: f64,
    pub tags: TagList,
}

/// The road-network part of an extract.
#[derive(Debug, Default)]
pub(crate) struct OsmRoads {
    pub ways: Vec<OsmWay>,
    pub nodes: HashMap<i64, OsmNode>,
}

fn keep<'a>(tags: impl Iterator<Item = (&'a str, &'a str)>, keys: &[&str]) -> TagList {
    tags.filter(|(k, _)| keys.contains(k))
        .map(|(k, v)| (k.into(), v.into()))
        .collect()
}

/// Reads ways, then the nodes they use, from the bytes of a `.osm.pbf` file (two passes,
/// each decoding blocks in parallel, so memory stays proportional to the road network).
pub(crate) fn read_roads(bytes: &[u8]) -> Result<OsmRoads, OsmError> {
    let ways = ElementReader::new(bytes).par_map_reduce(
        |el| match el {
            Element::Way(w) if w.tags().any(|(k, _)| k == "highway") => {
                let refs: Vec<i64> = w.refs().collect();
                if refs.len() < 2 {
                    return vec![];
                }
                vec![OsmWay {
                    refs,
                    tags: keep(w.tags(), WAY_KEYS),
                }]
            }
            _ => vec![],
        },
        Vec::new,
        |mut a, mut b| {
            a.append(&mut b);
            a
        },
    )?;
    let mut ways = ways;
    // Blocks are reduced in no fixed order; sort for a deterministic graph.
    ways.sort_by(|a, b| a.refs.cmp(&b.refs).then_with(|| a.tags.cmp(&b.tags)));
    let mut needed: Vec<i64> = ways.iter().flat_map(|w| w.refs.iter().copied()).collect();
    needed.sort_unstable();
    needed.dedup();
    let wanted = |id: i64| needed.binary_search(&id).is_ok();
    let nodes = ElementReader::new(bytes).par_map_reduce(
        |el| match el {
            Element::DenseNode(n) if wanted(n.id()) => vec![(
                n.id(),
                OsmNode {
                    lat: n.lat(),
                    lon: n.lon(),
                    tags: keep(n.tags(), NODE_KEYS),
                },
            )],
            Element::Node(n) if wanted(n.id()) => vec![(
                n.id(),
                OsmNode {
                    lat: n.lat(),
                    lon: n.lon(),
                    tags: keep(n.tags(), NODE_KEYS),
                },
            )],
            _ => vec![],
        },
        Vec::new,
        |mut a, mut b| {
            a.append(&mut b);
            a
        },
    )?;
    Ok(OsmRoads {
        ways,
        nodes: nodes.into_iter().collect(),
    })
}
