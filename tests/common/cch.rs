//! CCH test support: an owned road graph, a lexicographic
//! multi-seed Dijkstra oracle and a checker for returned paths.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use cityfreight::cch::{PathCost, Seed, Topology};

/// An owned directed graph with per-edge time and distance.
#[derive(Clone, Debug)]
pub struct Graph {
    pub first_out: Vec<u32>,
    pub head: Vec<u32>,
    pub coords: Vec<[f64; 2]>,
    pub time_ms: Vec<u32>,
    pub dist_cm: Vec<u32>,
}

impl Graph {
    /// Builds the CSR from `(tail, head, time, dist)` edges; edge ids follow the sorted order.
    pub fn from_edges(
        n: usize,
        mut edges: Vec<(u32, u32, u32, u32)>,
        coords: Vec<[f64; 2]>,
    ) -> Graph {
        edges.sort_by_key(|&(t, h, _, _)| (t, h));
        let mut first_out = vec![0u32; n + 1];
        for &(t, ..) in &edges {
            first_out[t as usize + 1] += 1;
        }
        for v in 0..n {
            first_out[v + 1] += first_out[v];
        }
        Graph {
            first_out,
            head: edges.iter().map(|e| e.1).collect(),
            coords,
            time_ms: edges.iter().map(|e| e.2).collect(),
            dist_cm: edges.iter().map(|e| e.3).collect(),
        }
    }

    pub fn topology(&self) -> Topology<'_> {
        Topology::new(&self.first_out, &self.head, &self.coords).expect("fixture graph is valid")
    }

    pub fn node_count(&self) -> usize {
        self.first_out.len() - 1
    }

    pub fn tail(&self, e: u32) -> u32 {
        (self.first_out.partition_point(|&f| f <= e) - 1) as u32
    }
}

/// Lexicographic (time, dist) multi-source Dijkstra; closed edges (time u32::MAX) skipped.
pub fn oracle(
    graph: &Graph,
    time_ms: &[u32],
    sources: &[Seed],
    targets: &[Seed],
) -> Option<PathCost> {
    let n = graph.node_count();
    let mut best = vec![(u64::MAX, u64::MAX); n];
    let mut heap = BinaryHeap::new();
    for s in sources {
        let c = (u64::from(s.time_ms), u64::from(s.dist_cm));
        if c < best[s.node as usize] {
            best[s.node as usize] = c;
            heap.push(Reverse((c, s.node)));
        }
    }
    while let Some(Reverse((c, v))) = heap.pop() {
        if c > best[v as usize] {
            continue;
        }
        for e in graph.first_out[v as usize]..graph.first_out[v as usize + 1] {
            let t = time_ms[e as usize];
            if t == u32::MAX {
                continue;
            }
            let w = graph.head[e as usize];
            let next = (
                c.0 + u64::from(t),
                c.1 + u64::from(graph.dist_cm[e as usize]),
            );
            if next < best[w as usize] {
                best[w as usize] = next;
                heap.push(Reverse((next, w)));
            }
        }
    }
    targets
        .iter()
        .filter(|t| best[t.node as usize].0 != u64::MAX)
        .map(|t| {
            let b = best[t.node as usize];
            PathCost {
                time_ms: b.0 + u64::from(t.time_ms),
                dist_cm: b.1 + u64::from(t.dist_cm),
            }
        })
        .min()
}

/// Checks that `edges` drive from a source seed to a target seed over open edges and cost
/// exactly `cost` including both seeds; panics with the reason otherwise.
pub fn check_path(
    graph: &Graph,
    time_ms: &[u32],
    sources: &[Seed],
    targets: &[Seed],
    cost: PathCost,
    edges: &[u32],
) {
    let (start, end) = match (edges.first(), edges.last()) {
        (Some(&f), Some(&l)) => (graph.tail(f), graph.head[l as usize]),
        _ => {
            let pairs = sources
                .iter()
                .flat_map(|s| targets.iter().map(move |t| (s, t)));
            let found = pairs.filter(|(s, t)| s.node == t.node).any(|(s, t)| {
                PathCost {
                    time_ms: u64::from(s.time_ms) + u64::from(t.time_ms),
                    dist_cm: u64::from(s.dist_cm) + u64::from(t.dist_cm),
                } == cost
            });
            assert!(
                found,
                "empty path but no source/target pair at one node costs {cost:?}"
            );
            return;
        }
    };
    for pair in edges.windows(2) {
        assert_eq!(
            graph.head[pair[0] as usize],
            graph.tail(pair[1]),
            "edges {pair:?} do not connect"
        );
    }
    let mut time = 0u64;
    let mut dist = 0u64;
    for &e in edges {
        assert_ne!(time_ms[e as usize], u32::MAX, "path uses closed edge {e}");
        time += u64::from(time_ms[e as usize]);
        dist += u64::from(graph.dist_cm[e as usize]);
    }
    let found = sources.iter().filter(|s| s.node == start).any(|s| {
        targets.iter().filter(|t| t.node == end).any(|t| {
            PathCost {
                time_ms: time + u64::from(s.time_ms) + u64::from(t.time_ms),
                dist_cm: dist + u64::from(s.dist_cm) + u64::from(t.dist_cm),
            } == cost
        })
    });
    assert!(
        found,
        "path {start} -> {end} with edge cost ({time}, {dist}) does not match {cost:?}"
    );
}
