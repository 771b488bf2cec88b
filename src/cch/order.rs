//! Metric-independent contraction order by geometric nested dissection.
//!
//! Owns the choice of separators; knows nothing about weights. The order is `order[rank] =
//! node`: separators are contracted last, so they sit at the top of the elimination tree.
//!
//! Algorithm (a sweep-cut variant of inertial flow, Schild & Sommer 2015): for each part of
//! the graph and each of four directions (x, y and both diagonals), nodes are taken in order of
//! their projection; every prefix between 20 % and 80 % of the part is a candidate cut and we
//! keep the one with the smallest normalised cut `crossing edges / (left * right)`. This finds
//! the cheap cuts along arterials that a flow computation would find on city grids, in linear
//! time per level (the four sorted node lists are computed once and filtered down the
//! recursion). The endpoints of the cut edges on the side with fewer of them (on a tie: more
//! incident edges) form the node separator; separator nodes are ranked in bisection order along the cut line (middle node
//! highest), which keeps upward search spaces small. Disconnected parts are ordered one
//! component after the other. Both halves are ordered in parallel with `rayon::join`.
//!
//! Invariants: the result is a permutation of `0..n`, identical for every thread count.

use std::cmp::Reverse;

use rayon::prelude::*;

use super::topology::Topology;

/// Parts at most this small are ordered by degree instead of dissected.
const SMALL_PART: usize = 8;
/// Parts at least this large split their recursion across rayon tasks.
const PARALLEL_PART: usize = 4096;
/// Candidate cuts keep at least this fraction (1/x) of the part on each side.
const BALANCE_DIVISOR: usize = 5;

/// Computes a nested-dissection contraction order: `order[rank] = node`.
pub fn nested_dissection_order(topo: &Topology) -> Vec<u32> {
    let n = topo.node_count() as usize;
    let (first, adj) = topo.undirected();
    let coords = topo.coords();
    let lists: Vec<Vec<u32>> = (0..4)
        .into_par_iter()
        .map(|d| {
            let mut ids: Vec<u32> = (0..n as u32).collect();
            ids.sort_unstable_by(|&a, &b| {
                projection(coords[a as usize], d)
                    .total_cmp(&projection(coords[b as usize], d))
                    .then(a.cmp(&b))
            });
            ids
        })
        .collect();
    let Ok(sorted) = <[Vec<u32>; 4]>::try_from(lists) else {
        unreachable!("four directions give four lists")
    };
    let whole = Part {
        global: (0..n as u32).collect(),
        first,
        adj,
        sorted,
    };
    let mut order = Vec::with_capacity(n);
    dissect(whole, &mut order);
    order
}

/// Projection of a point on direction `d`: 0 = x, 1 = y, 2 = x + y, 3 = x - y.
fn projection(p: [f64; 2], d: usize) -> f64 {
    match d {
        0 => p[0],
        1 => p[1],
        2 => p[0] + p[1],
        _ => p[0] - p[1],
    }
}

/// The direction along a cut made perpendicular to direction `d`.
fn along_cut(d: usize) -> usize {
    [1, 0, 3, 2][d]
}

/// An induced subgraph with local ids `0..len`.
struct Part {
    /// Local id -> node id of the whole graph.
    global: Vec<u32>,
    /// Local undirected CSR.
    first: Vec<u32>,
    adj: Vec<u32>,
    /// Local ids sorted by each projection.
    sorted: [Vec<u32>; 4],
}

impl Part {
    fn len(&self) -> usize {
        self.global.len()
    }

    fn neighbours(&self, v: u32) -> &[u32] {
        &self.adj[self.first[v as usize] as usize..self.first[v as usize + 1] as usize]
    }

    /// The induced subgraphs on each group; `group[v]` is a group index or `u32::MAX` (dropped).
    fn split(&self, group: &[u32], group_count: usize) -> Vec<Part> {
        let mut local = vec![u32::MAX; self.len()];
        let mut parts: Vec<Part> = (0..group_count)
            .map(|_| Part {
                global: Vec::new(),
                first: vec![0],
                adj: Vec::new(),
                sorted: Default::default(),
            })
            .collect();
        for v in 0..self.len() {
            if let Some(p) = parts.get_mut(group[v] as usize) {
                local[v] = p.global.len() as u32;
                p.global.push(self.global[v]);
            }
        }
        for v in 0..self.len() as u32 {
            let g = group[v as usize];
            let Some(p) = parts.get_mut(g as usize) else {
                continue;
            };
            for &w in self.neighbours(v) {
                if group[w as usize] == g {
                    p.adj.push(local[w as usize]);
                }
            }
            p.first.push(p.adj.len() as u32);
        }
        for (d, list) in self.sorted.iter().enumerate() {
            for &v in list {
                if let Some(p) = parts.get_mut(group[v as usize] as usize) {
                    p.sorted[d].push(local[v as usize]);
                }
            }
        }
        parts
    }

    /// Connected-component label of every local node and the number of components.
    fn components(&self) -> (Vec<u32>, usize) {
        let mut label = vec![u32::MAX; self.len()];
        let mut count = 0u32;
        let mut stack = Vec::new();
        for start in 0..self.len() as u32 {
            if label[start as usize] != u32::MAX {
                continue;
            }
            label[start as usize] = count;
            stack.push(start);
            while let Some(v) = stack.pop() {
                for &w in self.neighbours(v) {
                    if label[w as usize] == u32::MAX {
                        label[w as usize] = count;
                        stack.push(w);
                    }
                }
            }
            count += 1;
        }
        (label, count as usize)
    }
}

/// Appends the contraction order of `part` (global ids) to `order`.
fn dissect(part: Part, order: &mut Vec<u32>) {
    let k = part.len();
    if k <= SMALL_PART {
        let mut ids: Vec<u32> = (0..k as u32).collect();
        ids.sort_by_key(|&v| (part.neighbours(v).len(), v));
        order.extend(ids.iter().map(|&v| part.global[v as usize]));
        return;
    }
    let (label, count) = part.components();
    if count > 1 {
        for piece in part.split(&label, count) {
            dissect(piece, order);
        }
        return;
    }
    let cut = best_cut(&part);
    let side = cut.separator_side;
    // Group 0 = before the cut, 1 = after, u32::MAX = separator.
    let mut group: Vec<u32> = vec![0; k];
    for &v in &part.sorted[cut.direction][cut.prefix..] {
        group[v as usize] = 1;
    }
    let mut separator_mark = vec![false; k];
    for &v in &part.sorted[cut.direction] {
        if group[v as usize] == side
            && part
                .neighbours(v)
                .iter()
                .any(|&w| group[w as usize] != side)
        {
            separator_mark[v as usize] = true;
        }
    }
    // Along the cut line, in bisection order.
    let line: Vec<u32> = part.sorted[along_cut(cut.direction)]
        .iter()
        .copied()
        .filter(|&v| separator_mark[v as usize])
        .map(|v| part.global[v as usize])
        .collect();
    for (g, &is_sep) in group.iter_mut().zip(&separator_mark) {
        if is_sep {
            *g = u32::MAX;
        }
    }
    let mut halves = part.split(&group, 2).into_iter();
    let (Some(left), Some(right)) = (halves.next(), halves.next()) else {
        unreachable!("split into two groups returns two parts")
    };
    drop(part);
    if k >= PARALLEL_PART {
        let (mut a, mut b) = (
            Vec::with_capacity(left.len()),
            Vec::with_capacity(right.len()),
        );
        rayon::join(|| dissect(left, &mut a), || dissect(right, &mut b));
        order.extend(a);
        order.extend(b);
    } else {
        dissect(left, order);
        dissect(right, order);
    }
    bisection_order(&line, order);
}

/// Appends `line` so that its middle element comes last, recursively (halves first).
fn bisection_order(line: &[u32], order: &mut Vec<u32>) {
    if line.is_empty() {
        return;
    }
    let mid = line.len() / 2;
    bisection_order(&line[..mid], order);
    bisection_order(&line[mid + 1..], order);
    order.push(line[mid]);
}

struct Cut {
    direction: usize,
    /// Nodes `sorted[direction][..prefix]` lie before the cut.
    prefix: usize,
    /// Group (0 before, 1 after) whose cut-edge endpoints become the separator.
    separator_side: u32,
}

/// The best sweep cut over the four directions of a connected part with more than
/// `SMALL_PART` nodes.
fn best_cut(part: &Part) -> Cut {
    let k = part.len();
    let low = (k / BALANCE_DIVISOR).max(1);
    let high = k - low;
    // (score, distance from the middle, direction, prefix); smaller is better.
    let mut best: Option<(f64, usize, usize, usize)> = None;
    let mut position = vec![0u32; k];
    for d in 0..4 {
        let list = &part.sorted[d];
        for (i, &v) in list.iter().enumerate() {
            position[v as usize] = i as u32;
        }
        let mut crossing: i64 = 0;
        for (i, &v) in list.iter().enumerate().take(high) {
            for &w in part.neighbours(v) {
                if position[w as usize] < i as u32 {
                    crossing -= 1;
                } else {
                    crossing += 1;
                }
            }
            let prefix = i + 1;
            if prefix < low {
                continue;
            }
            let score = crossing as f64 / (prefix as f64 * (k - prefix) as f64);
            let candidate = (score, prefix.abs_diff(k / 2), d, prefix);
            let better = match best {
                None => true,
                Some(b) => (candidate.0, candidate.1, candidate.2) < (b.0, b.1, b.2),
            };
            if better {
                best = Some(candidate);
            }
        }
    }
    let (_, _, direction, prefix) = best.unwrap_or((0.0, 0, 0, k / 2));
    // Count distinct cut-edge endpoints on each side; the smaller side is the separator. On a
    // tie, the side whose endpoints have more neighbours: on roads those are the intersections
    // of the through road the cut runs along, so shortest paths cross the separator *along*
    // it, and the bisection order then keeps upward search spaces small.
    let list = &part.sorted[direction];
    let mut before = vec![false; k];
    for &v in &list[..prefix] {
        before[v as usize] = true;
    }
    let mut endpoints = [0usize; 2];
    let mut degrees = [0usize; 2];
    for &v in list {
        let side = usize::from(!before[v as usize]);
        if part
            .neighbours(v)
            .iter()
            .any(|&w| before[w as usize] != before[v as usize])
        {
            endpoints[side] += 1;
            degrees[side] += part.neighbours(v).len();
        }
    }
    Cut {
        direction,
        prefix,
        separator_side: u32::from(
            (endpoints[1], Reverse(degrees[1])) < (endpoints[0], Reverse(degrees[0])),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cch::synthetic::grid_city;

    fn is_permutation(order: &[u32], n: usize) -> bool {
        let mut seen = vec![false; n];
        order.len() == n
            && order
                .iter()
                .all(|&v| (v as usize) < n && !std::mem::replace(&mut seen[v as usize], true))
    }

    #[test]
    fn order_is_a_permutation_on_a_grid_city() {
        let city = grid_city(23, 7);
        let topo = city.topology().unwrap();
        let order = nested_dissection_order(&topo);
        assert!(is_permutation(&order, 23 * 23));
    }

    #[test]
    fn order_handles_isolated_nodes_and_components() {
        // Two triangles and two isolated nodes, 20 nodes in all.
        let n = 20u32;
        let mut first = vec![0u32];
        let mut head = Vec::new();
        for v in 0..n {
            if v < 6 {
                let base = v / 3 * 3;
                head.push(base + (v + 1) % 3);
            }
            first.push(head.len() as u32);
        }
        let coords: Vec<[f64; 2]> = (0..n)
            .map(|v| [f64::from(v % 5), f64::from(v / 5)])
            .collect();
        let topo = Topology::new(&first, &head, &coords).unwrap();
        assert!(is_permutation(&nested_dissection_order(&topo), n as usize));
    }

    #[test]
    fn bisection_order_puts_the_middle_last() {
        let mut out = Vec::new();
        bisection_order(&[10, 11, 12, 13, 14], &mut out);
        assert_eq!(out, vec![10, 11, 13, 14, 12]);
    }
}
