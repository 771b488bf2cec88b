//! Point-to-point queries on a customized CCH: elimination-tree search and path unpacking.
//!
//! Owns the per-thread [`QueryWorkspace`] and the upward chain search shared with the matrix
//! builder. Never allocates per query once a workspace exists; never mutates the metric.
//!
//! An elimination-tree query (Dibbelt, Strasser & Wagner 2016) visits exactly the ancestors of
//! the seeds, in ascending rank, relaxing every upward arc: forward with upward costs from the
//! sources, backward with downward costs from the targets. The answer is the best sum over
//! ranks reached by both. Multi-seed queries start from the union of the seeds' chains.
//!
//! Invariants: chain costs are only read for ranks stamped with the current epoch; the meeting
//! rank is the lowest rank of minimum cost, so results are deterministic.

use super::cost::Cost;
use super::customize::{NO_WITNESS, VIA};
use super::{Cch, CustomizedMetric, PathCost, Seed};

/// Predecessor marker of a chain rank that was reached directly from a seed.
const NO_ARC: u32 = u32::MAX;

/// Which cost of an arc a search uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    /// From the lower to the higher end (forward search from sources).
    Up,
    /// From the higher to the lower end (backward search from targets).
    Down,
}

impl Direction {
    pub(crate) fn reverse(self) -> Direction {
        match self {
            Direction::Up => Direction::Down,
            Direction::Down => Direction::Up,
        }
    }

    fn index(self) -> usize {
        match self {
            Direction::Up => 0,
            Direction::Down => 1,
        }
    }
}

/// One upward elimination-tree search: tentative costs over the ancestors of a seed set.
#[derive(Clone, Debug)]
pub(crate) struct Chain {
    pub(crate) cost: Vec<Cost>,
    pred: Vec<u32>,
    stamp: Vec<u32>,
    epoch: u32,
    /// Ranks of the current chain, ascending after [`Chain::search`].
    pub(crate) nodes: Vec<u32>,
}

impl Chain {
    pub(crate) fn new(node_count: usize) -> Chain {
        Chain {
            cost: vec![Cost::INFINITE; node_count],
            pred: vec![NO_ARC; node_count],
            stamp: vec![0; node_count],
            epoch: 0,
            nodes: Vec::new(),
        }
    }

    #[inline]
    pub(crate) fn contains(&self, x: u32) -> bool {
        self.stamp[x as usize] == self.epoch
    }

    /// Collects the ancestors of the seeds and runs the upward search over the arc `costs` of
    /// one direction.
    ///
    /// # Panics
    /// If a seed node is not a node of the graph.
    pub(crate) fn search(&mut self, cch: &Cch, costs: &[Cost], seeds: &[Seed]) {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.stamp.fill(0);
            self.epoch = 1;
        }
        self.nodes.clear();
        for seed in seeds {
            let mut x = cch.rank[seed.node as usize];
            while !self.contains(x) {
                self.stamp[x as usize] = self.epoch;
                self.cost[x as usize] = Cost::INFINITE;
                self.pred[x as usize] = NO_ARC;
                self.nodes.push(x);
                match cch.parent(x) {
                    Some(p) => x = p,
                    None => break,
                }
            }
        }
        for seed in seeds {
            let x = cch.rank[seed.node as usize] as usize;
            if seed.cost() < self.cost[x] {
                self.cost[x] = seed.cost();
            }
        }
        if seeds.len() > 1 {
            self.nodes.sort_unstable(); // one seed's chain is already ascending
        }
        for &x in &self.nodes {
            let base = self.cost[x as usize];
            if !base.is_finite() {
                continue;
            }
            for a in cch.up_arcs(x) {
                let y = cch.up_head[a as usize] as usize;
                let candidate = base.plus(costs[a as usize]);
                if candidate < self.cost[y] {
                    self.cost[y] = candidate;
                    self.pred[y] = a;
                }
            }
        }
    }
}

/// Reusable buffers for queries on one CCH; make one per thread.
#[derive(Clone, Debug)]
pub struct QueryWorkspace {
    forward: Chain,
    backward: Chain,
    stack: Vec<(u32, Direction)>,
}

impl QueryWorkspace {
    pub fn new(cch: &Cch) -> QueryWorkspace {
        let n = cch.node_count() as usize;
        QueryWorkspace {
            forward: Chain::new(n),
            backward: Chain::new(n),
            stack: Vec::new(),
        }
    }
}

impl CustomizedMetric<'_> {
    /// Cost of the best path from any source seed to any target seed, seed costs included;
    /// `None` if no target is reachable. Allocates a workspace; see [`Self::query_with`].
    ///
    /// # Panics
    /// If a seed node is not a node of the graph.
    pub fn query(&self, sources: &[Seed], targets: &[Seed]) -> Option<PathCost> {
        self.query_with(&mut QueryWorkspace::new(self.cch), sources, targets)
    }

    /// [`Self::query`] with a reusable workspace.
    pub fn query_with(
        &self,
        ws: &mut QueryWorkspace,
        sources: &[Seed],
        targets: &[Seed],
    ) -> Option<PathCost> {
        self.meet(ws, sources, targets)
            .map(|(cost, _)| cost.to_path_cost())
    }

    /// Like [`Self::query`], plus the path as input edge ids in driving order (empty when the
    /// best pair is a source and a target at the same node).
    pub fn path(&self, sources: &[Seed], targets: &[Seed]) -> Option<(PathCost, Vec<u32>)> {
        self.path_with(&mut QueryWorkspace::new(self.cch), sources, targets)
    }

    /// [`Self::path`] with a reusable workspace.
    pub fn path_with(
        &self,
        ws: &mut QueryWorkspace,
        sources: &[Seed],
        targets: &[Seed],
    ) -> Option<(PathCost, Vec<u32>)> {
        let (cost, meeting) = self.meet(ws, sources, targets)?;
        let cch = self.cch;
        let mut hops = Vec::new();
        let mut x = meeting;
        while ws.forward.pred[x as usize] != NO_ARC {
            let a = ws.forward.pred[x as usize];
            hops.push((a, Direction::Up));
            x = cch.arc_tail(a);
        }
        hops.reverse();
        let mut x = meeting;
        while ws.backward.pred[x as usize] != NO_ARC {
            let a = ws.backward.pred[x as usize];
            hops.push((a, Direction::Down));
            x = cch.arc_tail(a);
        }
        let mut edges = Vec::new();
        for (a, direction) in hops {
            self.unpack(a, direction, &mut ws.stack, &mut edges);
        }
        Some((cost.to_path_cost(), edges))
    }

    /// Runs both searches; returns the best cost and the lowest rank realising it.
    fn meet(
        &self,
        ws: &mut QueryWorkspace,
        sources: &[Seed],
        targets: &[Seed],
    ) -> Option<(Cost, u32)> {
        if ws.forward.cost.len() != self.cch.node_count() as usize {
            *ws = QueryWorkspace::new(self.cch); // made for another CCH
        }
        ws.forward.search(self.cch, &self.up, sources);
        ws.backward.search(self.cch, &self.down, targets);
        let mut best: Option<(Cost, u32)> = None;
        for &x in &ws.forward.nodes {
            if !ws.backward.contains(x) {
                continue;
            }
            let total = ws.forward.cost[x as usize].plus(ws.backward.cost[x as usize]);
            if total.is_finite() && improves(best, total) {
                best = Some((total, x));
            }
        }
        best
    }

    /// Appends the input edges of arc `a` driven in `direction`.
    fn unpack(
        &self,
        a: u32,
        direction: Direction,
        stack: &mut Vec<(u32, Direction)>,
        edges: &mut Vec<u32>,
    ) {
        let cch = self.cch;
        stack.clear();
        stack.push((a, direction));
        while let Some((a, direction)) = stack.pop() {
            let w = self.witness[a as usize][direction.index()];
            if w == NO_WITNESS {
                continue; // unreachable for a finite cost
            }
            if w & VIA == 0 {
                edges.push(w);
                continue;
            }
            let z = w & !VIA;
            let (x, y) = (cch.arc_tail(a), cch.up_head[a as usize]);
            let (Some(zx), Some(zy)) = (cch.find_arc(z, x), cch.find_arc(z, y)) else {
                continue; // only a corrupt structure lacks a triangle arc
            };
            // x -> y is x -> z (zx downwards) then z -> y (zy upwards); y -> x mirrors it.
            match direction {
                Direction::Up => {
                    stack.push((zy, Direction::Up));
                    stack.push((zx, Direction::Down));
                }
                Direction::Down => {
                    stack.push((zx, Direction::Up));
                    stack.push((zy, Direction::Down));
                }
            }
        }
    }
}

/// Whether `candidate` beats the best so far (strictly, so the first minimum is kept).
fn improves(best: Option<(Cost, u32)>, candidate: Cost) -> bool {
    match best {
        None => true,
        Some((cost, _)) => candidate < cost,
    }
}
