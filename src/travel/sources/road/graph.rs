//! The routable graph of one travel mode: junctions joined by chains of OSM way segments,
//! stored as a compact forward-star (CSR) array for Dijkstra, and the chains' geometry for
//! snapping places onto the road.
//!
//! Building goes through a `petgraph` graph to keep only the largest strongly connected
//! part of the network as snapping targets, so every snapped place can reach every other
//! (a lane cut off by a one-way error or a barrier would otherwise give "no route").

use super::osm::OsmRoads;
use super::profile::{node_rule, way_speeds, NodeRule, Tags};
use crate::model::TravelMode;
use petgraph::graph::{DiGraph, NodeIndex};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

/// Earth radius of SPEC.md's haversine, metres.
const EARTH_M: f64 = 6_371_008.8;

/// Great-circle metres between two (lat, lon) points.
pub(crate) fn haversine_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (p1, p2) = (a.0.to_radians(), b.0.to_radians());
    let dphi = p2 - p1;
    let dl = (b.1 - a.1).to_radians();
    let h = (dphi / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_M * h.sqrt().min(1.0).asin()
}

/// A run of way segments between two junctions with one speed per direction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Chain {
    /// Junction at the first point.
    pub from: u32,
    /// Junction at the last point.
    pub to: u32,
    /// First point in the point arrays.
    pub start: u32,
    /// One past the last point.
    pub end: u32,
    /// Travel from `from` to `to` is allowed.
    pub fwd: bool,
    /// Travel from `to` to `from` is allowed.
    pub bwd: bool,
    /// Both ends lie in the largest strongly connected part: places may snap here.
    pub core: bool,
}

/// The graph of one mode. Times are seconds, distances metres.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RoadGraph {
    pub mode: TravelMode,
    pub junctions: usize,
    pub first_out: Vec<u32>,
    pub head: Vec<u32>,
    pub arc_time: Vec<f64>,
    pub arc_dist: Vec<f64>,
    pub chains: Vec<Chain>,
    pub lat: Vec<f64>,
    pub lon: Vec<f64>,
    /// Metres from the chain's first point.
    pub cum_dist: Vec<f64>,
    /// Seconds from the chain's first point, forwards (0 when not allowed).
    pub cum_tf: Vec<f64>,
    /// Seconds from the chain's last point, backwards (0 when not allowed).
    pub cum_tb: Vec<f64>,
}

impl RoadGraph {
    /// Builds the graph of `mode` from the roads read from an extract.
    pub(crate) fn build(roads: &OsmRoads, mode: TravelMode) -> RoadGraph {
        // Nodes blocked for this mode, and delays at nodes.
        let mut delay: HashMap<i64, f64> = HashMap::new();
        let mut blocked: HashMap<i64, ()> = HashMap::new();
        for (&id, n) in &roads.nodes {
            if n.tags.is_empty() {
                continue;
            }
            match node_rule(mode, &Tags(&n.tags)) {
                NodeRule::Pass => {}
                NodeRule::Block => {
                    blocked.insert(id, ());
                }
                NodeRule::Delay(s) => {
                    delay.insert(id, s);
                }
            }
        }
        // Runs of usable nodes per usable way, split at blocked or missing nodes.
        let mut runs: Vec<(&[i64], f64, f64, bool, bool)> = Vec::new();
        for w in &roads.ways {
            let Some(sp) = way_speeds(mode, &Tags(&w.tags)) else {
                continue;
            };
            let (fwd, bwd) = (sp.forward.is_some(), sp.backward.is_some());
            if !fwd && !bwd {
                continue;
            }
            let (vf, vb) = (sp.forward.unwrap_or(1.0) / 3.6, sp.backward.unwrap_or(1.0) / 3.6);
            let usable = |id: &i64| roads.nodes.contains_key(id) && !blocked.contains_key(id);
            for run in w.refs.split(|id| !usable(id)) {
                if run.len() >= 2 {
                    runs.push((run, vf, vb, fwd, bwd));
                }
            }
        }
        // Junctions: run ends and nodes used more than once.
        let mut uses: HashMap<i64, u32> = HashMap::new();
        for (run, ..) in &runs {
            for id in run.iter() {
                *uses.entry(*id).or_default() += 1;
            }
            // Ends count twice so that they are always junctions.
            *uses.entry(run[0]).or_default() += 1;
            *uses.entry(run[run.len() - 1]).or_default() += 1;
        }
        let mut junction: HashMap<i64, u32> = HashMap::new();
        let mut g = RoadGraph {
            mode,
            junctions: 0,
            first_out: vec![],
            head: vec![],
            arc_time: vec![],
            arc_dist: vec![],
            chains: vec![],
            lat: vec![],
            lon: vec![],
            cum_dist: vec![],
            cum_tf: vec![],
            cum_tb: vec![],
        };
        let mut id_of = |osm: i64| -> u32 {
            let next = junction.len() as u32;
            *junction.entry(osm).or_insert(next)
        };
        for (run, vf, vb, fwd, bwd) in &runs {
            let mut s = 0;
            for k in 1..run.len() {
                if k == run.len() - 1 || uses[&run[k]] >= 2 {
                    let piece = &run[s..=k];
                    let (from, to) = (id_of(piece[0]), id_of(piece[piece.len() - 1]));
                    g.push_chain(roads, piece, from, to, (*vf, *vb, *fwd, *bwd), &delay);
                    s = k;
                }
            }
        }
        g.junctions = junction.len();
        g.mark_core();
        g.build_csr();
        g
    }

    fn push_chain(
        &mut self,
        roads: &OsmRoads,
        piece: &[i64],
        from: u32,
        to: u32,
        (vf, vb, fwd, bwd): (f64, f64, bool, bool),
        delay: &HashMap<i64, f64>,
    ) {
        let start = self.lat.len();
        let pts: Vec<(f64, f64)> = piece
            .iter()
            .map(|id| {
                let n = &roads.nodes[id];
                (n.lat, n.lon)
            })
            .collect();
        let pen = |i: usize| delay.get(&piece[i]).copied().unwrap_or(0.0);
        let k = pts.len();
        let mut cd = vec![0.0; k];
        for i in 1..k {
            cd[i] = cd[i - 1] + haversine_m(pts[i - 1], pts[i]);
        }
        let mut tf = vec![0.0; k];
        let mut tb = vec![0.0; k];
        if fwd {
            for i in 1..k {
                tf[i] = tf[i - 1] + (cd[i] - cd[i - 1]) / vf + pen(i);
            }
        }
        if bwd {
            for i in (0..k - 1).rev() {
                tb[i] = tb[i + 1] + (cd[i + 1] - cd[i]) / vb + pen(i);
            }
        }
        for (i, p) in pts.iter().enumerate() {
            self.lat.push(p.0);
            self.lon.push(p.1);
            self.cum_dist.push(cd[i]);
            self.cum_tf.push(tf[i]);
            self.cum_tb.push(tb[i]);
        }
        self.chains.push(Chain {
            from,
            to,
            start: start as u32,
            end: self.lat.len() as u32,
            fwd,
            bwd,
            core: false,
        });
    }

    /// Marks the chains inside the largest strongly connected component (petgraph).
    fn mark_core(&mut self) {
        let mut pg: DiGraph<(), ()> = DiGraph::with_capacity(self.junctions, self.chains.len() * 2);
        for _ in 0..self.junctions {
            pg.add_node(());
        }
        for c in &self.chains {
            let (a, b) = (NodeIndex::new(c.from as usize), NodeIndex::new(c.to as usize));
            if c.fwd {
                pg.add_edge(a, b, ());
            }
            if c.bwd {
                pg.add_edge(b, a, ());
            }
        }
        let sccs = petgraph::algo::kosaraju_scc(&pg);
        let mut core = vec![false; self.junctions];
        if let Some(big) = sccs.iter().max_by_key(|c| c.len()) {
            for n in big {
                core[n.index()] = true;
            }
        }
        for c in &mut self.chains {
            c.core = core[c.from as usize] && core[c.to as usize];
        }
    }

    fn build_csr(&mut self) {
        let mut arcs: Vec<(u32, u32, f64, f64)> = Vec::with_capacity(self.chains.len() * 2);
        for c in &self.chains {
            let (s, e) = (c.start as usize, c.end as usize - 1);
            let d = self.cum_dist[e];
            if c.fwd && c.from != c.to {
                arcs.push((c.from, c.to, self.cum_tf[e], d));
            }
            if c.bwd && c.from != c.to {
                arcs.push((c.to, c.from, self.cum_tb[s], d));
            }
        }
        arcs.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)).then(a.2.total_cmp(&b.2)));
        // Parallel arcs: only the fastest matters.
        arcs.dedup_by(|later, first| later.0 == first.0 && later.1 == first.1);
        self.first_out = vec![0; self.junctions + 1];
        for a in &arcs {
            self.first_out[a.0 as usize + 1] += 1;
        }
        for i in 0..self.junctions {
            self.first_out[i + 1] += self.first_out[i];
        }
        self.head = arcs.iter().map(|a| a.1).collect();
        self.arc_time = arcs.iter().map(|a| a.2).collect();
        self.arc_dist = arcs.iter().map(|a| a.3).collect();
    }

    /// Number of arcs.
    pub(crate) fn arcs(&self) -> usize {
        self.head.len()
    }
}

/// A place put on the road: a point on a chain.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Snap {
    pub chain: u32,
    /// Metres from the chain's first point.
    pub off: f64,
    /// Seconds from the chain's first point to here, forwards.
    pub tf: f64,
    /// Seconds from the chain's last point to here, backwards.
    pub tb: f64,
}

/// Reusable Dijkstra state (one per worker thread).
pub(crate) struct Search {
    time: Vec<f64>,
    dist: Vec<f64>,
    seen: Vec<u32>,
    done: Vec<u32>,
    round: u32,
    heap: BinaryHeap<Reverse<(u64, u32)>>,
}

impl Search {
    pub(crate) fn new(n: usize) -> Self {
        Search {
            time: vec![0.0; n],
            dist: vec![0.0; n],
            seen: vec![0; n],
            done: vec![0; n],
            round: 0,
            heap: BinaryHeap::new(),
        }
    }

    fn label(&mut self, v: u32, t: f64, d: f64) {
        let i = v as usize;
        if self.seen[i] != self.round || t < self.time[i] {
            self.seen[i] = self.round;
            self.time[i] = t;
            self.dist[i] = d;
            self.heap.push(Reverse((t.to_bits(), v)));
        }
    }

    /// Time and distance to junction `v` in the last search, if reached.
    fn get(&self, v: u32) -> Option<(f64, f64)> {
        let i = v as usize;
        (self.seen[i] == self.round).then(|| (self.time[i], self.dist[i]))
    }
}

impl RoadGraph {
    /// Fastest (seconds, metres) from `src` to each of `targets`; `needed` flags the
    /// junctions at the ends of the targets' chains and `n_needed` counts them, so the
    /// search stops once they are all settled. Unreachable targets get infinity.
    pub(crate) fn one_to_many(
        &self,
        s: &mut Search,
        src: &Snap,
        targets: &[Snap],
        needed: &[bool],
        n_needed: usize,
        out: &mut [(f64, f64)],
    ) {
        s.round = s.round.wrapping_add(1);
        if s.round == 0 {
            s.seen.iter_mut().for_each(|x| *x = u32::MAX);
            s.done.iter_mut().for_each(|x| *x = u32::MAX);
            s.round = 1;
        }
        s.heap.clear();
        let c = self.chains[src.chain as usize];
        let (cs, ce) = (c.start as usize, c.end as usize - 1);
        let (tf_all, tb_all, d_all) = (self.cum_tf[ce], self.cum_tb[cs], self.cum_dist[ce]);
        if c.fwd {
            s.label(c.to, tf_all - src.tf, d_all - src.off);
        }
        if c.bwd {
            s.label(c.from, tb_all - src.tb, src.off);
        }
        let mut settled_needed = 0;
        while let Some(Reverse((tb, v))) = s.heap.pop() {
            let vi = v as usize;
            let t = f64::from_bits(tb);
            if s.done[vi] == s.round || t > s.time[vi] {
                continue;
            }
            s.done[vi] = s.round;
            if needed[vi] {
                settled_needed += 1;
                if settled_needed == n_needed {
                    break;
                }
            }
            let d = s.dist[vi];
            for a in self.first_out[vi] as usize..self.first_out[vi + 1] as usize {
                s.label(self.head[a], t + self.arc_time[a], d + self.arc_dist[a]);
            }
        }
        for (o, tg) in out.iter_mut().zip(targets) {
            let tc = self.chains[tg.chain as usize];
            let te = tc.end as usize - 1;
            let mut best = (f64::INFINITY, f64::INFINITY);
            let mut offer = |t: f64, d: f64| {
                if t < best.0 {
                    best = (t, d);
                }
            };
            if tc.fwd {
                if let Some((t, d)) = s.get(tc.from) {
                    offer(t + tg.tf, d + tg.off);
                }
            }
            if tc.bwd {
                if let Some((t, d)) = s.get(tc.to) {
                    offer(t + tg.tb, d + (self.cum_dist[te] - tg.off));
                }
            }
            if tg.chain == src.chain {
                if tc.fwd && tg.off >= src.off {
                    offer(tg.tf - src.tf, tg.off - src.off);
                }
                if tc.bwd && tg.off <= src.off {
                    offer(tg.tb - src.tb, src.off - tg.off);
                }
            }
            *o = best;
        }
    }
}
