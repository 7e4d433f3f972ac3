//! Road-network travel from an OpenStreetMap extract: read the PBF, keep the ways a travel
//! mode may use, build a graph, snap places to the nearest usable road and compute the
//! many-to-many fastest times (one Dijkstra per place, in parallel).
//!
//! Built graphs and computed matrices are cached on disk (see docs/TRAVEL.md), so a second run
//! over the same extract and places reads the matrix back instead of routing again.

mod codec;
mod graph;
mod osm;
mod profile;

use crate::model::{LatLon, TravelMode};
use crate::travel::OsmError;
use graph::{RoadGraph, Search, Snap};
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Line};
use rstar::RTree;

pub(crate) use graph::haversine_m;

/// Metres per degree of latitude on SPEC.md's sphere.
const M_PER_DEG: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;

type Segment = GeomWithData<Line<[f64; 2]>, (u32, u32)>;

/// The road network of one travel mode, ready to snap places and route between them.
pub struct RoadNetwork {
    graph: RoadGraph,
    tree: RTree<Segment>,
    origin: (f64, f64, f64),
}

/// Where a place meets the road network.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SnappedPlace {
    /// Metres from the place to the nearest point of a usable road.
    pub distance_m: f64,
    snap: Snap,
}

/// Size of a built network, for logs and benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NetworkStats {
    /// Junctions (graph nodes).
    pub junctions: usize,
    /// Directed arcs between junctions.
    pub arcs: usize,
    /// Chains of way segments between junctions.
    pub chains: usize,
    /// Chains in the largest strongly connected part (where places may snap).
    pub core_chains: usize,
    /// Way points kept for snapping.
    pub points: usize,
}

impl RoadNetwork {
    /// Reads an `.osm.pbf` extract from memory and builds the network of `mode`.
    pub fn from_pbf(bytes: &[u8], mode: TravelMode) -> Result<RoadNetwork, OsmError> {
        let roads = osm::read_roads(bytes)?;
        Ok(Self::from_graph(RoadGraph::build(&roads, mode)))
    }

    /// Builds the networks of several modes from one reading of the extract.
    pub fn from_pbf_modes(bytes: &[u8], modes: &[TravelMode]) -> Result<Vec<RoadNetwork>, OsmError> {
        let roads = osm::read_roads(bytes)?;
        Ok(modes
            .iter()
            .map(|&m| Self::from_graph(RoadGraph::build(&roads, m)))
            .collect())
    }

    fn from_graph(graph: RoadGraph) -> RoadNetwork {
        let n = graph.lat.len().max(1) as f64;
        let lat0 = graph.lat.iter().sum::<f64>() / n;
        let lon0 = graph.lon.iter().sum::<f64>() / n;
        let origin = (lat0, lon0, lat0.to_radians().cos());
        let mut segs = Vec::new();
        for (ci, c) in graph.chains.iter().enumerate() {
            if !c.core {
                continue;
            }
            for i in c.start as usize..c.end as usize - 1 {
                let a = project(origin, graph.lat[i], graph.lon[i]);
                let b = project(origin, graph.lat[i + 1], graph.lon[i + 1]);
                segs.push(GeomWithData::new(Line::new(a, b), (ci as u32, i as u32)));
            }
        }
        RoadNetwork {
            graph,
            tree: RTree::bulk_load(segs),
            origin,
        }
    }

    /// The travel mode this network serves.
    pub fn mode(&self) -> TravelMode {
        self.graph.mode
    }

    /// Sizes of the graph.
    pub fn stats(&self) -> NetworkStats {
        NetworkStats {
            junctions: self.graph.junctions,
            arcs: self.graph.arcs(),
            chains: self.graph.chains.len(),
            core_chains: self.graph.chains.iter().filter(|c| c.core).count(),
            points: self.graph.lat.len(),
        }
    }

    /// Puts `p` on the nearest road of the network's connected core; `None` when the
    /// network has no roads at all.
    pub fn snap(&self, p: LatLon) -> Option<SnappedPlace> {
        let q = project(self.origin, p.lat, p.lon);
        let seg = self.tree.nearest_neighbor(&q)?;
        let (ci, i) = seg.data;
        let g = &self.graph;
        let (a, b) = (seg.geom().from, seg.geom().to);
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let len2 = dx * dx + dy * dy;
        let f = if len2 > 0.0 {
            (((q[0] - a[0]) * dx + (q[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let i = i as usize;
        let lerp = |v: &[f64]| v[i] + f * (v[i + 1] - v[i]);
        let on = (lerp(&g.lat), lerp(&g.lon));
        Some(SnappedPlace {
            distance_m: haversine_m((p.lat, p.lon), on),
            snap: Snap {
                chain: ci,
                off: lerp(&g.cum_dist),
                tf: lerp(&g.cum_tf),
                tb: lerp(&g.cum_tb),
            },
        })
    }

    /// Fastest travel between snapped places: row-major (minutes, km) matrices, or the
    /// first pair (from, to) with no route.
    pub fn matrix(&self, places: &[SnappedPlace]) -> Result<(Vec<f64>, Vec<f64>), (usize, usize)> {
        let n = places.len();
        let g = &self.graph;
        let snaps: Vec<Snap> = places.iter().map(|p| p.snap).collect();
        let mut needed = vec![false; g.junctions];
        for s in &snaps {
            let c = g.chains[s.chain as usize];
            needed[c.from as usize] = true;
            needed[c.to as usize] = true;
        }
        let n_needed = needed.iter().filter(|&&x| x).count();
        let rows: Vec<Vec<(f64, f64)>> = (0..n)
            .into_par_iter()
            .map_init(
                || Search::new(g.junctions),
                |search, i| {
                    let mut row = vec![(0.0, 0.0); n];
                    g.one_to_many(search, &snaps[i], &snaps, &needed, n_needed, &mut row);
                    row
                },
            )
            .collect();
        let mut dur = vec![0.0; n * n];
        let mut dist = vec![0.0; n * n];
        for (i, row) in rows.iter().enumerate() {
            for (j, &(t, d)) in row.iter().enumerate() {
                if i == j {
                    continue;
                }
                if !t.is_finite() {
                    return Err((i, j));
                }
                dur[i * n + j] = t / 60.0;
                dist[i * n + j] = d / 1000.0;
            }
        }
        Ok((dur, dist))
    }

    /// The network as bytes for the disk cache.
    pub(crate) fn encode(&self) -> Vec<u8> {
        codec::encode_graph(&self.graph)
    }

    /// A network back from [`RoadNetwork::encode`]'s bytes.
    pub(crate) fn decode(bytes: &[u8]) -> Option<RoadNetwork> {
        codec::decode_graph(bytes).map(Self::from_graph)
    }
}

/// Local equirectangular metres around `origin` (fine for choosing the nearest road;
/// lengths themselves are great-circle).
fn project(origin: (f64, f64, f64), lat: f64, lon: f64) -> [f64; 2] {
    [
        (lon - origin.1) * origin.2 * M_PER_DEG,
        (lat - origin.0) * M_PER_DEG,
    ]
}

#[cfg(test)]
mod tests {
    use super::osm::{OsmNode, OsmRoads, OsmWay};
    use super::*;

    fn node(lat: f64, lon: f64, tags: &[(&str, &str)]) -> OsmNode {
        OsmNode {
            lat,
            lon,
            tags: tags.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect(),
        }
    }

    fn way(refs: &[i64], tags: &[(&str, &str)]) -> OsmWay {
        OsmWay {
            refs: refs.to_vec(),
            tags: tags.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect(),
        }
    }

    fn net(roads: &OsmRoads) -> RoadNetwork {
        RoadNetwork::from_graph(RoadGraph::build(roads, TravelMode::Car))
    }

    fn at(lat: f64, lon: f64) -> LatLon {
        LatLon { lat, lon }
    }

    /// A triangle: 1 → 2 one way (east), 2 – 3 – 1 both ways.
    fn triangle() -> OsmRoads {
        let mut r = OsmRoads::default();
        r.nodes.insert(1, node(52.0, 0.0, &[]));
        r.nodes.insert(2, node(52.0, 0.01, &[]));
        r.nodes.insert(3, node(52.01, 0.005, &[]));
        r.ways
            .push(way(&[1, 2], &[("highway", "residential"), ("oneway", "yes")]));
        r.ways.push(way(&[2, 3, 1], &[("highway", "residential")]));
        r
    }

    #[test]
    fn along_one_road_both_ways() {
        let mut r = OsmRoads::default();
        for (i, lon) in [0.0, 0.005, 0.01].iter().enumerate() {
            r.nodes.insert(i as i64 + 1, node(52.0, *lon, &[]));
        }
        r.ways.push(way(&[1, 2, 3], &[("highway", "residential")]));
        let n = net(&r);
        let p = n.snap(at(52.0001, 0.001)).unwrap();
        let q = n.snap(at(51.9999, 0.009)).unwrap();
        assert!((p.distance_m - 11.1).abs() < 0.2, "{}", p.distance_m);
        let (t, d) = n.matrix(&[p, q]).unwrap();
        let km = haversine_m((52.0, 0.001), (52.0, 0.009)) / 1000.0;
        assert!((d[1] - km).abs() < 1e-3, "{} vs {km}", d[1]);
        assert!((t[1] - km / 25.0 * 60.0).abs() < 1e-3);
        assert!((t[2] - t[1]).abs() < 1e-9 && (d[2] - d[1]).abs() < 1e-9);
        assert_eq!((t[0], t[3]), (0.0, 0.0));
    }

    #[test]
    fn one_way_streets_send_you_round() {
        let r = triangle();
        let n = net(&r);
        let p = n.snap(at(51.9999, 0.0025)).unwrap();
        let q = n.snap(at(51.9999, 0.0075)).unwrap();
        let (_, d) = n.matrix(&[p, q]).unwrap();
        let side = haversine_m((52.0, 0.0), (52.0, 0.01)) / 1000.0;
        let legs =
            (haversine_m((52.0, 0.01), (52.01, 0.005)) + haversine_m((52.01, 0.005), (52.0, 0.0))) / 1000.0;
        // With the flow: half the side. Against it: on to node 2, round by 3 to 1, then on.
        assert!((d[1] - side / 2.0).abs() < 1e-3, "{}", d[1]);
        assert!((d[2] - (side / 4.0 + legs + side / 4.0)).abs() < 1e-3, "{}", d[2]);
    }

    #[test]
    fn bollards_block_cars_and_places_snap_to_the_connected_part() {
        let mut r = triangle();
        // A spur from 3 north to 5, cut by a bollard at 4, and a lane beyond it.
        r.nodes.insert(4, node(52.015, 0.005, &[("barrier", "bollard")]));
        r.nodes.insert(5, node(52.02, 0.005, &[]));
        r.nodes.insert(6, node(52.02, 0.006, &[]));
        r.ways.push(way(&[3, 4, 5, 6], &[("highway", "residential")]));
        let n = net(&r);
        // By the lane beyond the bollard: cars cannot get there, so the place goes to the
        // triangle, a kilometre south; walkers pass bollards and use the lane.
        let s = n.snap(at(52.0201, 0.0055)).unwrap();
        assert!(s.distance_m > 1000.0, "{}", s.distance_m);
        let walk = RoadNetwork::from_graph(RoadGraph::build(&r, TravelMode::Walk));
        let w = walk.snap(at(52.0201, 0.0055)).unwrap().distance_m;
        assert!((w - 11.1).abs() < 0.2, "{w}");
    }

    #[test]
    fn graph_round_trips_through_the_cache_format() {
        let n = net(&triangle());
        let back = RoadNetwork::decode(&n.encode()).unwrap();
        assert_eq!(back.graph, n.graph);
        let bytes = n.encode();
        assert!(RoadNetwork::decode(&bytes[..bytes.len() - 3]).is_none());
    }
}
