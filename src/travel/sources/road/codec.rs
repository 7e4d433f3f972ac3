//! The road graph's binary form in the disk cache: a magic number and the cache's format
//! version, then the graph's arrays. A graph read back is checked for consistency (every
//! index in range), so a corrupt cache entry is rebuilt rather than trusted.

use super::graph::{Chain, RoadGraph};
use crate::model::TravelMode;
use crate::travel::sources::bytes::{R, W};
use crate::travel::sources::cache::FORMAT;

const GRAPH_MAGIC: &[u8; 4] = b"CRRG";

fn mode_code(m: TravelMode) -> u32 {
    match m {
        TravelMode::Car => 0,
        TravelMode::Walk => 1,
        TravelMode::Bike => 2,
    }
}

pub(super) fn encode_graph(g: &RoadGraph) -> Vec<u8> {
    let mut w = W(Vec::new());
    w.0.extend_from_slice(GRAPH_MAGIC);
    w.u32(FORMAT);
    w.u32(mode_code(g.mode));
    w.u64(g.junctions as u64);
    w.u32s(&g.first_out);
    w.u32s(&g.head);
    w.f64s(&g.arc_time);
    w.f64s(&g.arc_dist);
    let mut chains = Vec::with_capacity(g.chains.len() * 5);
    for c in &g.chains {
        let flags = u32::from(c.fwd) | u32::from(c.bwd) << 1 | u32::from(c.core) << 2;
        chains.extend_from_slice(&[c.from, c.to, c.start, c.end, flags]);
    }
    w.u32s(&chains);
    for v in [&g.lat, &g.lon, &g.cum_dist, &g.cum_tf, &g.cum_tb] {
        w.f64s(v);
    }
    w.0
}

pub(super) fn decode_graph(bytes: &[u8]) -> Option<RoadGraph> {
    let mut r = R(bytes);
    if r.take(4)? != GRAPH_MAGIC || r.u32()? != FORMAT {
        return None;
    }
    let mode = *TravelMode::ALL
        .iter()
        .find(|m| mode_code(**m) == r_peek(&mut r))?;
    let junctions = usize::try_from(r.u64()?).ok()?;
    let first_out = r.u32s()?;
    let head = r.u32s()?;
    let arc_time = r.f64s()?;
    let arc_dist = r.f64s()?;
    let raw = r.u32s()?;
    let chains = raw
        .chunks_exact(5)
        .map(|c| Chain {
            from: c[0],
            to: c[1],
            start: c[2],
            end: c[3],
            fwd: c[4] & 1 != 0,
            bwd: c[4] & 2 != 0,
            core: c[4] & 4 != 0,
        })
        .collect::<Vec<_>>();
    let (lat, lon, cum_dist, cum_tf, cum_tb) = (r.f64s()?, r.f64s()?, r.f64s()?, r.f64s()?, r.f64s()?);
    // Reject anything inconsistent rather than index out of bounds later.
    let points = lat.len();
    let arcs = head.len();
    let ok = first_out.len() == junctions + 1
        && first_out.windows(2).all(|w| w[0] <= w[1])
        && first_out.last().is_some_and(|&l| l as usize == arcs)
        && head.iter().all(|&h| (h as usize) < junctions)
        && arc_time.len() == arcs
        && arc_dist.len() == arcs
        && [lon.len(), cum_dist.len(), cum_tf.len(), cum_tb.len()]
            .iter()
            .all(|&l| l == points)
        && chains.iter().all(|c| {
            (c.from as usize) < junctions
                && (c.to as usize) < junctions
                && c.start < c.end
                && c.end as usize <= points
                && c.end - c.start >= 2
        })
        && r.0.is_empty();
    ok.then_some(RoadGraph {
        mode,
        junctions,
        first_out,
        head,
        arc_time,
        arc_dist,
        chains,
        lat,
        lon,
        cum_dist,
        cum_tf,
        cum_tb,
    })
}

fn r_peek(r: &mut R) -> u32 {
    r.u32().unwrap_or(u32::MAX)
}
