//! Travel matrices: the fastest-path time and distance between every source and target.
//!
//! Owns [`Matrix`] and the bucket-based many-to-many search (Knopp et al. 2007) adapted to the
//! CCH elimination tree. Never stores "unreachable" as a number: reachability is a bitmap.
//!
//! 1. For every target (in parallel) a backward elimination-tree search gives upward-only
//!    costs on its ancestors; a downward sweep over the same ancestors gives exact costs. Only
//!    ranks where both agree can be the peak of a shortest up-down path (the upward part of a
//!    shortest path is itself shortest), so only those enter the buckets. On city graphs this
//!    prunes most of the top separators, whose order along the cut line is a bisection order.
//! 2. Buckets are grouped by rank in target order.
//! 3. Sources are processed in blocks of `SOURCE_BLOCK` rows, blocks in parallel, each thread
//!    with its own workspace: the same pruned search forward for every source of the block,
//!    then the block's (rank, source) pairs in rank order, each scanning the bucket of its rank
//!    into that source's row. A bucket is read from memory once per block rather than once
//!    per source; the scan is a branch-free min over packed `u128` costs.
//!
//! Invariants: entries are exact lexicographic minima, identical for every thread count.
//! Values up to `u32::MAX - 1` are stored in the flat `u32` arrays; the rare entry above that
//! lives in a sorted side table, so no value is ever truncated.

use std::ops::{Deref, DerefMut};
use std::sync::{Mutex, PoisonError};

use rayon::prelude::*;

use super::cost::Cost;
use super::query::{Chain, Direction};
use super::{CustomizedMetric, PathCost, Seed};

/// Sources per block of rows (a block's row buffers: `SOURCE_BLOCK * cols * 16` bytes).
const SOURCE_BLOCK: usize = 32;

/// A row-major `rows x cols` matrix of fastest-path times (ms) and their distances (cm).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matrix {
    rows: usize,
    cols: usize,
    time_ms: Vec<u32>,
    dist_cm: Vec<u32>,
    /// Bit `col % 64` of word `row * words_per_row + col / 64` is set iff reachable.
    reachable: Vec<u64>,
    words_per_row: usize,
    /// `(row * cols + col, cost)` of reachable entries that do not fit in `u32`, sorted.
    wide: Vec<(u64, PathCost)>,
}

impl Matrix {
    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Cost of the fastest path from source `row` to target `col`; `None` if unreachable.
    ///
    /// # Panics
    /// If `row >= rows()` or `col >= cols()`.
    pub fn get(&self, row: usize, col: usize) -> Option<PathCost> {
        assert!(
            row < self.rows && col < self.cols,
            "matrix index ({row}, {col}) out of range"
        );
        let word = self.reachable[row * self.words_per_row + col / 64];
        if word >> (col % 64) & 1 == 0 {
            return None;
        }
        let i = row * self.cols + col;
        let (time_ms, dist_cm) = (self.time_ms[i], self.dist_cm[i]);
        if time_ms == u32::MAX || dist_cm == u32::MAX {
            let found = self.wide.binary_search_by_key(&(i as u64), |&(j, _)| j);
            return found.ok().map(|k| self.wide[k].1);
        }
        Some(PathCost {
            time_ms: u64::from(time_ms),
            dist_cm: u64::from(dist_cm),
        })
    }

    /// Number of reachable entries.
    pub fn reachable_count(&self) -> usize {
        self.reachable.iter().map(|w| w.count_ones() as usize).sum()
    }
}

/// Per-thread buffers for one side of the matrix search.
struct SearchSpace {
    /// Multi-seed search: rank-indexed upward and exact costs, allocated on first use.
    general: Option<(Chain, Vec<Cost>)>,
    /// One-seed search: the chain (ranks, ascending) and its costs by chain position.
    path: Vec<u32>,
    path_upward: Vec<Cost>,
    path_exact: Vec<Cost>,
    peaks: Vec<(u32, Cost)>,
}

impl SearchSpace {
    fn new() -> SearchSpace {
        SearchSpace {
            general: None,
            path: Vec::new(),
            path_upward: Vec::new(),
            path_exact: Vec::new(),
            peaks: Vec::new(),
        }
    }

    /// Fills `peaks` with the ranks whose upward-only cost from `seeds` is exact.
    fn search(&mut self, metric: &CustomizedMetric, seeds: &[Seed], direction: Direction) {
        if let [seed] = seeds {
            self.search_one(metric, *seed, direction);
            return;
        }
        let cch = metric.cch;
        let n = cch.node_count() as usize;
        let (chain, exact) = self
            .general
            .get_or_insert_with(|| (Chain::new(n), vec![Cost::INFINITE; n]));
        chain.search(cch, metric.costs(direction), seeds);
        self.peaks.clear();
        let back = metric.costs(direction.reverse());
        for &x in chain.nodes.iter().rev() {
            let upward = chain.cost[x as usize];
            let mut best = upward;
            for a in cch.up_arcs(x) {
                let y = cch.up_head[a as usize] as usize;
                best = best.min(exact[y].plus(back[a as usize]));
            }
            exact[x as usize] = best;
            if upward.is_finite() && upward == best {
                self.peaks.push((x, upward));
            }
        }
    }
}

impl SearchSpace {
    /// [`SearchSpace::search`] for one seed, whose chain is a single tree path: costs are kept
    /// by position on the path (arc `a` leads `hop[a]` positions up), so every relaxation hits
    /// a small, cache-resident array instead of a rank-indexed one.
    fn search_one(&mut self, metric: &CustomizedMetric, seed: Seed, direction: Direction) {
        let cch = metric.cch;
        let (forward, back) = (metric.costs(direction), metric.costs(direction.reverse()));
        self.path.clear();
        let mut next = Some(cch.rank[seed.node as usize]);
        while let Some(x) = next {
            self.path.push(x);
            next = cch.parent(x);
        }
        let len = self.path.len();
        self.path_upward.clear();
        self.path_upward.resize(len, Cost::INFINITE);
        self.path_upward[0] = seed.cost();
        for (i, &x) in self.path.iter().enumerate() {
            let base = self.path_upward[i];
            if !base.is_finite() {
                continue;
            }
            for a in cch.up_arcs(x) {
                let j = i + cch.hop[a as usize] as usize;
                let candidate = base.plus(forward[a as usize]);
                if candidate < self.path_upward[j] {
                    self.path_upward[j] = candidate;
                }
            }
        }
        self.path_exact.clear();
        self.path_exact.resize(len, Cost::INFINITE);
        self.peaks.clear();
        for (i, &x) in self.path.iter().enumerate().rev() {
            let upward = self.path_upward[i];
            let mut best = upward;
            for a in cch.up_arcs(x) {
                let j = i + cch.hop[a as usize] as usize;
                best = best.min(self.path_exact[j].plus(back[a as usize]));
            }
            self.path_exact[i] = best;
            if upward.is_finite() && upward == best {
                self.peaks.push((x, upward));
            }
        }
    }
}

/// Per-thread buffers for one block of rows.
struct BlockSpace {
    /// `(rank, row in block, cost to the rank)` of every peak of the block's sources.
    events: Vec<(u32, u32, Cost)>,
    /// `SOURCE_BLOCK` row buffers of `cols` costs each.
    rows: Vec<u128>,
}

impl CustomizedMetric<'_> {
    /// The matrix of fastest paths from every source (a set of seeds) to every target.
    /// Parallel over blocks of sources with rayon; deterministic.
    ///
    /// # Panics
    /// If a seed node is not a node of the graph.
    pub fn many_to_many(&self, sources: &[Vec<Seed>], targets: &[Vec<Seed>]) -> Matrix {
        let (rows, cols) = (sources.len(), targets.len());
        let words_per_row = cols.div_ceil(64);
        let mut matrix = Matrix {
            rows,
            cols,
            time_ms: vec![0; rows * cols],
            dist_cm: vec![0; rows * cols],
            reachable: vec![0; rows * words_per_row],
            words_per_row,
            wide: Vec::new(),
        };
        if rows == 0 || cols == 0 {
            return matrix;
        }
        // Rayon calls `map_init` once per split job, so workspaces come from pools.
        let spaces = Pool::new();
        let blocks = Pool::new();
        let buckets = Buckets::new(self, &self.peaks_of(targets, Direction::Down, &spaces));
        let source_peaks = self.peaks_of(sources, Direction::Up, &spaces);
        let wide_per_block: Vec<Vec<(u64, PathCost)>> = matrix
            .time_ms
            .par_chunks_mut(cols * SOURCE_BLOCK)
            .zip(matrix.dist_cm.par_chunks_mut(cols * SOURCE_BLOCK))
            .zip(
                matrix
                    .reachable
                    .par_chunks_mut(words_per_row * SOURCE_BLOCK),
            )
            .zip(source_peaks.par_chunks(SOURCE_BLOCK))
            .enumerate()
            .map_init(
                || {
                    blocks.take(|| BlockSpace {
                        events: Vec::new(),
                        rows: vec![u128::MAX; cols * SOURCE_BLOCK],
                    })
                },
                |block, (b, (((time, dist), reach), block_peaks))| {
                    let out = BlockOut {
                        time,
                        dist,
                        reach,
                        words_per_row,
                        cols,
                    };
                    fill_block(&buckets, block, block_peaks, out, b * SOURCE_BLOCK)
                },
            )
            .collect();
        matrix.wide = wide_per_block.into_iter().flatten().collect();
        matrix
    }

    /// Pruned searches of all stops, returned in stop order. Stops are searched in order of
    /// their first seed's rank, so neighbouring searches share most of their chain and its arcs
    /// stay in cache; rayon splits that order into contiguous runs.
    fn peaks_of(
        &self,
        stops: &[Vec<Seed>],
        direction: Direction,
        spaces: &Pool<SearchSpace>,
    ) -> Vec<Vec<(u32, Cost)>> {
        let rank_of = |i: usize| {
            stops[i]
                .first()
                .map_or(u32::MAX, |s| self.cch.rank[s.node as usize])
        };
        let mut order: Vec<usize> = (0..stops.len()).collect();
        order.sort_unstable_by_key(|&i| (rank_of(i), i));
        let found: Vec<Vec<(u32, Cost)>> = order
            .par_iter()
            .map_init(
                || spaces.take(SearchSpace::new),
                |space, &i| {
                    space.search(self, &stops[i], direction);
                    space.peaks.clone()
                },
            )
            .collect();
        let mut by_stop = vec![Vec::new(); stops.len()];
        for (peaks, &i) in found.into_iter().zip(&order) {
            by_stop[i] = peaks;
        }
        by_stop
    }
}

/// Computes the rows of one block and returns its entries too wide for `u32`.
fn fill_block(
    buckets: &Buckets,
    block: &mut BlockSpace,
    source_peaks: &[Vec<(u32, Cost)>],
    out: BlockOut,
    first_row: usize,
) -> Vec<(u64, PathCost)> {
    let cols = out.cols;
    block.events.clear();
    for (j, peaks) in source_peaks.iter().enumerate() {
        block
            .events
            .extend(peaks.iter().map(|&(x, c)| (x, j as u32, c)));
    }
    block.events.sort_unstable_by_key(|&(x, j, _)| (x, j));
    let rows = &mut block.rows[..cols * source_peaks.len()];
    rows.fill(u128::MAX);
    for &(x, j, to_peak) in &block.events {
        let row = &mut rows[j as usize * cols..(j as usize + 1) * cols];
        buckets.scan(x, to_peak, row);
    }
    let mut wide = Vec::new();
    for (j, row) in rows.chunks_exact(cols).enumerate() {
        for (c, &packed) in row.iter().enumerate() {
            let cost = Cost(packed);
            if !cost.is_finite() {
                continue;
            }
            let i = j * cols + c;
            out.reach[j * out.words_per_row + c / 64] |= 1 << (c % 64);
            let exact = cost.to_path_cost();
            match (u32::try_from(exact.time_ms), u32::try_from(exact.dist_cm)) {
                (Ok(t), Ok(d)) if t != u32::MAX && d != u32::MAX => {
                    out.time[i] = t;
                    out.dist[i] = d;
                }
                _ => {
                    out.time[i] = u32::MAX;
                    out.dist[i] = u32::MAX;
                    wide.push((((first_row + j) * cols + c) as u64, exact));
                }
            }
        }
    }
    wide
}

/// The output slices of one block of rows.
struct BlockOut<'m> {
    time: &'m mut [u32],
    dist: &'m mut [u32],
    reach: &'m mut [u64],
    words_per_row: usize,
    cols: usize,
}

/// Target-side search results grouped by rank: bucket of rank `x` is
/// `first[x]..first[x + 1]` in `target`/`cost`, in target order.
struct Buckets {
    first: Vec<usize>,
    target: Vec<u32>,
    cost: Vec<u128>,
}

impl Buckets {
    /// Groups the peaks of every target (in target order) by rank.
    fn new(metric: &CustomizedMetric, peaks: &[Vec<(u32, Cost)>]) -> Buckets {
        let n = metric.cch.node_count() as usize;
        let mut first = vec![0usize; n + 1];
        for &(x, _) in peaks.iter().flatten() {
            first[x as usize + 1] += 1;
        }
        for x in 0..n {
            first[x + 1] += first[x];
        }
        let total = first[n];
        let mut fill = first.clone();
        let mut target = vec![0u32; total];
        let mut cost = vec![u128::MAX; total];
        for (t, list) in peaks.iter().enumerate() {
            for &(x, c) in list {
                let i = fill[x as usize];
                target[i] = t as u32;
                cost[i] = c.0;
                fill[x as usize] += 1;
            }
        }
        Buckets {
            first,
            target,
            cost,
        }
    }

    /// Relaxes `row` with paths through rank `x`, reached at cost `to_peak`. Peaks hold exact
    /// shortest-path costs (both parts below `2^63`, see `cost.rs`), so the sum of two fits.
    #[inline]
    fn scan(&self, x: u32, to_peak: Cost, row: &mut [u128]) {
        let range = self.first[x as usize]..self.first[x as usize + 1];
        for (&t, &from_peak) in self.target[range.clone()].iter().zip(&self.cost[range]) {
            let slot = &mut row[t as usize];
            *slot = (*slot).min(to_peak.0 + from_peak);
        }
    }
}

/// Workspaces shared by the rayon jobs of one matrix computation: a job leases one (or makes
/// one if none is free) and returns it when done, so `O(n)` buffers are allocated once per
/// thread rather than once per job.
struct Pool<T> {
    free: Mutex<Vec<T>>,
}

impl<T> Pool<T> {
    fn new() -> Pool<T> {
        Pool {
            free: Mutex::new(Vec::new()),
        }
    }

    fn take(&self, make: impl FnOnce() -> T) -> Lease<'_, T> {
        let free = self
            .free
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        Lease {
            pool: self,
            item: Some(free.unwrap_or_else(make)),
        }
    }
}

/// A workspace on loan from a [`Pool`].
struct Lease<'p, T> {
    pool: &'p Pool<T>,
    item: Option<T>,
}

impl<T> Deref for Lease<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.item
            .as_ref()
            .unwrap_or_else(|| unreachable!("a lease holds its item until dropped"))
    }
}

impl<T> DerefMut for Lease<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.item
            .as_mut()
            .unwrap_or_else(|| unreachable!("a lease holds its item until dropped"))
    }
}

impl<T> Drop for Lease<'_, T> {
    fn drop(&mut self) {
        if let Some(item) = self.item.take() {
            self.pool
                .free
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(item);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cch::{nested_dissection_order, Cch, Topology};

    #[test]
    fn wide_unreachable_and_empty_entries_are_explicit() {
        // One-way line 0 -> 1 -> 2 with huge times, plus an isolated node 3.
        let (first_out, head) = ([0, 1, 2, 2, 2], [1, 2]);
        let coords = [[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [3.0, 0.0]];
        let (time, dist) = ([u32::MAX - 1; 2], [7, 9]);
        let topo = Topology::new(&first_out, &head, &coords).unwrap();
        let cch = Cch::new(&topo, &nested_dissection_order(&topo)).unwrap();
        let metric = cch.customize(&time, &dist).unwrap();
        let sources = vec![vec![Seed::at(0)], vec![], vec![Seed::at(3)]];
        let targets = vec![
            vec![Seed::at(2)],
            vec![Seed::at(0)],
            vec![Seed::at(1), Seed::at(2)],
        ];
        let matrix = metric.many_to_many(&sources, &targets);
        let wide = PathCost {
            time_ms: 2 * u64::from(u32::MAX - 1),
            dist_cm: 16,
        };
        assert_eq!(matrix.get(0, 0), Some(wide));
        assert_eq!(
            matrix.get(0, 1),
            Some(PathCost {
                time_ms: 0,
                dist_cm: 0
            })
        );
        assert_eq!(
            matrix.get(0, 2),
            Some(PathCost {
                time_ms: u64::from(u32::MAX - 1),
                dist_cm: 7
            })
        );
        for c in 0..3 {
            assert_eq!(
                matrix.get(1, c),
                None,
                "a source without seeds reaches nothing"
            );
            assert_eq!(matrix.get(2, c), None, "node 3 is isolated");
        }
        assert_eq!(matrix.reachable_count(), 3);
        assert_eq!(metric.many_to_many(&[], &targets).rows(), 0);
    }
}
