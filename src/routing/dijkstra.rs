//! Multi-source, multi-target Dijkstra with a reusable workspace: the reference query that every
//! faster technique is tested against.

use super::metric::{Metric, CLOSED};
use super::route::Seed;
use crate::graph::RoadGraph;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Cost of a path: time first, then distance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PathCost {
    /// Travel time (ms).
    pub time_ms: u64,
    /// Length (cm).
    pub dist_cm: u64,
}

impl PathCost {
    /// Zero cost.
    pub const ZERO: PathCost = PathCost {
        time_ms: 0,
        dist_cm: 0,
    };

    fn plus(self, time_ms: u32, dist_cm: u32) -> PathCost {
        PathCost {
            time_ms: self.time_ms + u64::from(time_ms),
            dist_cm: self.dist_cm + u64::from(dist_cm),
        }
    }
}

const NONE: u32 = u32::MAX;
const FROM_SEED: u32 = 1 << 31;

/// Reusable per-thread query state (sized for one graph).
pub struct Dijkstra {
    cost: Vec<PathCost>,
    /// Edge into the node on the best path, or `FROM_SEED | seed index`.
    pred: Vec<u32>,
    touched: Vec<u32>,
    heap: BinaryHeap<Reverse<(PathCost, u32)>>,
}

/// A found path: its cost, the seeds it uses, and the whole edges between them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundPath {
    /// Total cost including the seeds' costs.
    pub cost: PathCost,
    /// Index of the source seed used.
    pub source: usize,
    /// Index of the target seed used.
    pub target: usize,
    /// Whole edges from the source seed's node to the target seed's node.
    pub edges: Vec<u32>,
}

impl Dijkstra {
    /// A workspace for graphs with `node_count` nodes.
    pub fn new(node_count: usize) -> Dijkstra {
        Dijkstra {
            cost: vec![
                PathCost {
                    time_ms: u64::MAX,
                    dist_cm: u64::MAX
                };
                node_count
            ],
            pred: vec![NONE; node_count],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    fn reset(&mut self) {
        for &v in &self.touched {
            self.cost[v as usize] = PathCost {
                time_ms: u64::MAX,
                dist_cm: u64::MAX,
            };
            self.pred[v as usize] = NONE;
        }
        self.touched.clear();
        self.heap.clear();
    }

    fn improve(&mut self, v: u32, cost: PathCost, pred: u32) {
        let slot = &mut self.cost[v as usize];
        if cost < *slot {
            if slot.time_ms == u64::MAX {
                self.touched.push(v);
            }
            *slot = cost;
            self.pred[v as usize] = pred;
            self.heap.push(Reverse((cost, v)));
        }
    }

    /// Cheapest path from any source seed to any target seed (seeds' costs included), or `None`.
    pub fn shortest(
        &mut self,
        graph: &RoadGraph,
        metric: &Metric,
        sources: &[Seed],
        targets: &[Seed],
    ) -> Option<FoundPath> {
        self.reset();
        for (i, s) in sources.iter().enumerate() {
            self.improve(
                s.node,
                PathCost::ZERO.plus(s.time_ms, s.dist_cm),
                FROM_SEED | i as u32,
            );
        }
        let mut best: Option<(PathCost, usize)> = None;
        while let Some(Reverse((cost, v))) = self.heap.pop() {
            if cost > self.cost[v as usize] {
                continue;
            }
            if best.is_some_and(|(b, _)| cost > b) {
                break;
            }
            for (i, t) in targets.iter().enumerate() {
                if t.node == v {
                    let total = cost.plus(t.time_ms, t.dist_cm);
                    if best.is_none_or(|(b, _)| total < b) {
                        best = Some((total, i));
                    }
                }
            }
            for e in graph.out_edges(v) {
                let time = metric.time_ms[e];
                if time != CLOSED {
                    self.improve(graph.head(e), cost.plus(time, metric.dist_cm[e]), e as u32);
                }
            }
        }
        let (cost, target) = best?;
        let mut edges = Vec::new();
        let mut v = targets[target].node;
        loop {
            let p = self.pred[v as usize];
            if p & FROM_SEED != 0 {
                edges.reverse();
                return Some(FoundPath {
                    cost,
                    source: (p & !FROM_SEED) as usize,
                    target,
                    edges,
                });
            }
            edges.push(p);
            v = graph.tail(p as usize);
        }
    }

    /// Costs from the sources to every node (`None` where unreachable). For tests and oracles.
    pub fn all_costs(
        &mut self,
        graph: &RoadGraph,
        metric: &Metric,
        sources: &[Seed],
    ) -> Vec<Option<PathCost>> {
        let found = self.shortest(graph, metric, sources, &[]);
        debug_assert!(found.is_none());
        self.cost
            .iter()
            .map(|c| (c.time_ms != u64::MAX).then_some(*c))
            .collect()
    }
}
