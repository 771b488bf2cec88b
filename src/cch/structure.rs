//! The metric-independent CCH: chordal supergraph, elimination tree and the input-edge map.
//!
//! Owns the construction from a topology and an order, and the derived indexes every later
//! phase relies on. Never looks at weights or coordinates.
//!
//! Internally nodes are renumbered by *rank*. [`Cch::new`] contracts in the given order, then
//! re-ranks nodes by a postorder of the elimination tree (children in given-order sequence):
//! a topological order of the same tree, so it yields the same chordal supergraph, and it makes
//! every subtree a contiguous range of ranks and of arcs. Customization splits its work on
//! those ranges, and memory locality follows the nested dissection.
//!
//! Invariants:
//! * arcs are undirected pairs `{low, high}` stored once, in the upward CSR of `low`
//!   (`up_first`/`up_head`), heads strictly ascending; arc ids follow rank order;
//! * the parent of `r` in the elimination tree is its lowest upward neighbour; every upward
//!   neighbour of `r` is an ancestor of `r` (checked on load), so the upward neighbours of a lower
//!   neighbour `z` of `r` that lie above `r` are upward neighbours of `r`;
//! * ranks are a postorder: the subtree of `x` is exactly the ranks `subtree_first[x]..=x`;
//!   `child_first`/`child` list the children of each rank, ascending;
//! * `edge_slot[e] = 2 * arc + dir` (dir 0: input edge runs low -> high, 1: high -> low), or
//!   `NO_SLOT` for a self-loop, which can never be part of a shortest path.

use super::topology::MAX_IDS;
use super::{Error, Topology};

/// `edge_slot` marker for self-loops.
pub(crate) const NO_SLOT: u32 = u32::MAX;

/// A customizable contraction hierarchy of one road graph and one order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cch {
    pub(crate) fingerprint: u64,
    pub(crate) edge_count: u32,
    /// Node id -> rank.
    pub(crate) rank: Vec<u32>,
    /// Rank -> node id.
    pub(crate) node_of_rank: Vec<u32>,
    pub(crate) up_first: Vec<u32>,
    pub(crate) up_head: Vec<u32>,
    /// Downward adjacency: for rank `y`, the arcs `(z, y)` with `z < y`, ascending in `z`, as
    /// `[z, arc, end of z's upward arcs]` (the end saves a random access when customizing).
    pub(crate) down_first: Vec<u32>,
    pub(crate) down: Vec<[u32; 3]>,
    /// For each arc, the number of parent steps from its lower to its higher end (the higher end
    /// is an ancestor): lets a one-seed search index its chain by position.
    pub(crate) hop: Vec<u32>,
    /// Elimination-tree parent of each rank, `NO_PARENT` for roots (derived, for fast walks).
    pub(crate) parent: Vec<u32>,
    pub(crate) subtree_first: Vec<u32>,
    pub(crate) child_first: Vec<u32>,
    pub(crate) child: Vec<u32>,
    pub(crate) edge_slot: Vec<u32>,
}

impl Cch {
    /// Builds the CCH of `topo` for the contraction order `order` (`order[i]` is the node
    /// contracted `i`-th, e.g. from [`super::nested_dissection_order`]).
    pub fn new(topo: &Topology, order: &[u32]) -> Result<Cch, Error> {
        let n = topo.node_count() as usize;
        let first_rank = ranks_of_order(order, n)?;
        // Initial upward neighbourhoods in the given order, then elimination with fill-in.
        let mut up: Vec<Vec<u32>> = vec![Vec::new(); n];
        for v in 0..n as u32 {
            for e in topo.out_edges(v) {
                let w = topo.head()[e as usize];
                let (a, b) = (first_rank[v as usize], first_rank[w as usize]);
                if a != b {
                    up[a.min(b) as usize].push(a.max(b));
                }
            }
        }
        for r in 0..n {
            let mut list = std::mem::take(&mut up[r]);
            list.sort_unstable();
            list.dedup();
            if let Some((&parent, rest)) = list.split_first() {
                up[parent as usize].extend_from_slice(rest);
            }
            up[r] = list;
        }
        let arc_count: usize = up.iter().map(Vec::len).sum();
        if arc_count >= MAX_IDS {
            return Err(Error::TooManyArcs {
                arcs: arc_count as u64,
            });
        }
        // Re-rank by a postorder of the elimination tree.
        let parent: Vec<u32> = up
            .iter()
            .map(|l| l.first().copied().unwrap_or(NO_PARENT))
            .collect();
        let first_of_new = postorder(&parent);
        let mut new_of_first = vec![0u32; n];
        for (x, &r) in first_of_new.iter().enumerate() {
            new_of_first[r as usize] = x as u32;
        }
        let mut up_first = Vec::with_capacity(n + 1);
        up_first.push(0u32);
        let mut up_head = Vec::with_capacity(arc_count);
        for &r in &first_of_new {
            let start = up_head.len();
            up_head.extend(up[r as usize].iter().map(|&y| new_of_first[y as usize]));
            up_head[start..].sort_unstable();
            up_first.push(up_head.len() as u32);
        }
        drop(up);
        let rank: Vec<u32> = first_rank
            .iter()
            .map(|&r| new_of_first[r as usize])
            .collect();
        Cch::from_parts(topo, rank, up_first, up_head).map_err(|_| Error::InvalidOrder {
            node_count: n as u32,
            problem: "internal: contraction produced an inconsistent structure".to_string(),
        })
    }

    /// Completes a CCH from its stored parts, deriving and checking every index. Fails with a
    /// static description when the parts are inconsistent (used when reading a file).
    pub(crate) fn from_parts(
        topo: &Topology,
        rank: Vec<u32>,
        up_first: Vec<u32>,
        up_head: Vec<u32>,
    ) -> Result<Cch, &'static str> {
        let n = topo.node_count() as usize;
        if rank.len() != n || up_first.len() != n + 1 || up_first.first() != Some(&0) {
            return Err("array lengths do not match the graph");
        }
        if up_first[n] as usize != up_head.len() || up_head.len() >= MAX_IDS {
            return Err("arc count does not match the upward index");
        }
        let mut node_of_rank = vec![u32::MAX; n];
        for (v, &r) in rank.iter().enumerate() {
            match node_of_rank.get_mut(r as usize) {
                Some(slot) if *slot == u32::MAX => *slot = v as u32,
                _ => return Err("ranks are not a permutation"),
            }
        }
        let mut parent = vec![NO_PARENT; n];
        for x in 0..n {
            let (a, b) = (up_first[x] as usize, up_first[x + 1] as usize);
            if a > b || b > up_head.len() {
                return Err("upward index decreases");
            }
            let heads = &up_head[a..b];
            if heads.first().is_some_and(|&y| y as usize <= x)
                || heads.windows(2).any(|w| w[0] >= w[1])
                || heads.last().is_some_and(|&y| y as usize >= n)
            {
                return Err("upward heads are not ascending ranks above the tail");
            }
            if let Some(&p) = heads.first() {
                parent[x] = p;
            }
        }
        if postorder(&parent)
            .iter()
            .enumerate()
            .any(|(x, &r)| x as u32 != r)
        {
            return Err("ranks are not a postorder of the elimination tree");
        }
        let (child_first, child) = children(&parent);
        let mut subtree_first: Vec<u32> = (0..n as u32).collect();
        for x in 0..n {
            if parent[x] != NO_PARENT {
                let p = parent[x] as usize;
                subtree_first[p] = subtree_first[p].min(subtree_first[x]);
            }
        }
        let mut depth = vec![0u32; n];
        for x in (0..n).rev() {
            if parent[x] != NO_PARENT {
                depth[x] = depth[parent[x] as usize] + 1;
            }
        }
        let mut hop = Vec::with_capacity(up_head.len());
        for x in 0..n {
            for &y in &up_head[up_first[x] as usize..up_first[x + 1] as usize] {
                if subtree_first[y as usize] as usize > x {
                    return Err("an upward neighbour is not an ancestor");
                }
                hop.push(depth[x] - depth[y as usize]);
            }
        }
        let mut down_first = vec![0u32; n + 1];
        for &y in &up_head {
            down_first[y as usize + 1] += 1;
        }
        for y in 0..n {
            down_first[y + 1] += down_first[y];
        }
        let mut fill = down_first.clone();
        let mut down = vec![[0u32; 3]; up_head.len()];
        for x in 0..n {
            for a in up_first[x]..up_first[x + 1] {
                let y = up_head[a as usize] as usize;
                down[fill[y] as usize] = [x as u32, a, up_first[x + 1]];
                fill[y] += 1;
            }
        }
        let mut edge_slot = Vec::with_capacity(topo.edge_count() as usize);
        for v in 0..n as u32 {
            for e in topo.out_edges(v) {
                let w = topo.head()[e as usize];
                let (a, b) = (rank[v as usize], rank[w as usize]);
                if a == b {
                    edge_slot.push(NO_SLOT);
                    continue;
                }
                let (low, high) = (a.min(b) as usize, a.max(b));
                let range = up_first[low] as usize..up_first[low + 1] as usize;
                let Ok(i) = up_head[range.clone()].binary_search(&high) else {
                    return Err("an input edge has no CCH arc");
                };
                edge_slot.push(2 * (range.start + i) as u32 + u32::from(a > b));
            }
        }
        Ok(Cch {
            fingerprint: topo.fingerprint(),
            edge_count: topo.edge_count(),
            rank,
            node_of_rank,
            up_first,
            up_head,
            down_first,
            down,
            hop,
            parent,
            subtree_first,
            child_first,
            child,
            edge_slot,
        })
    }

    pub fn node_count(&self) -> u32 {
        self.rank.len() as u32
    }

    /// Number of input edges this CCH maps.
    pub fn edge_count(&self) -> u32 {
        self.edge_count
    }

    /// Number of arcs of the chordal supergraph (each carries an upward and a downward cost).
    pub fn arc_count(&self) -> u32 {
        self.up_head.len() as u32
    }

    /// Height of the elimination tree (ranks on its longest root path).
    pub fn tree_height(&self) -> u32 {
        let mut depth = vec![0u32; self.rank.len()];
        for x in (0..self.node_count()).rev() {
            if let Some(p) = self.parent(x) {
                depth[x as usize] = depth[p as usize] + 1;
            }
        }
        depth.iter().max().map_or(0, |&d| d + 1)
    }

    /// Children of rank `x` in the elimination tree, ascending.
    pub(crate) fn children(&self, x: u32) -> &[u32] {
        &self.child
            [self.child_first[x as usize] as usize..self.child_first[x as usize + 1] as usize]
    }

    /// Fingerprint of the topology this CCH was built for.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// Arc ids leaving rank `x` upwards.
    #[inline]
    pub(crate) fn up_arcs(&self, x: u32) -> std::ops::Range<u32> {
        self.up_first[x as usize]..self.up_first[x as usize + 1]
    }

    /// Elimination-tree parent of rank `x`.
    #[inline]
    pub(crate) fn parent(&self, x: u32) -> Option<u32> {
        let p = self.parent[x as usize];
        (p != NO_PARENT).then_some(p)
    }

    /// Lower endpoint (rank) of arc `a`.
    pub(crate) fn arc_tail(&self, a: u32) -> u32 {
        (self.up_first.partition_point(|&f| f <= a) - 1) as u32
    }

    /// Arc between ranks `low < high`; exists by chordality whenever it is asked for.
    pub(crate) fn find_arc(&self, low: u32, high: u32) -> Option<u32> {
        let range = self.up_arcs(low);
        self.up_head[range.start as usize..range.end as usize]
            .binary_search(&high)
            .ok()
            .map(|i| range.start + i as u32)
    }
}

/// Parent marker of elimination-tree roots.
const NO_PARENT: u32 = u32::MAX;

/// Children lists (CSR, ascending) of a parent array.
fn children(parent: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let n = parent.len();
    let mut first = vec![0u32; n + 1];
    for &p in parent.iter().filter(|&&p| p != NO_PARENT) {
        first[p as usize + 1] += 1;
    }
    for x in 0..n {
        first[x + 1] += first[x];
    }
    let mut fill = first.clone();
    let mut child = vec![0u32; first[n] as usize];
    for (x, &p) in parent.iter().enumerate().filter(|(_, &p)| p != NO_PARENT) {
        child[fill[p as usize] as usize] = x as u32;
        fill[p as usize] += 1;
    }
    (first, child)
}

/// Postorder of the forest given by `parent` (each parent above its children): roots
/// ascending, children ascending. Returns the nodes in visiting order.
fn postorder(parent: &[u32]) -> Vec<u32> {
    let (first, child) = children(parent);
    let mut out = Vec::with_capacity(parent.len());
    let mut stack: Vec<(u32, u32)> = Vec::new();
    for root in (0..parent.len() as u32).filter(|&x| parent[x as usize] == NO_PARENT) {
        stack.push((root, first[root as usize]));
        while let Some(top) = stack.last_mut() {
            let (x, next) = *top;
            if next < first[x as usize + 1] {
                top.1 += 1;
                let c = child[next as usize];
                stack.push((c, first[c as usize]));
            } else {
                out.push(x);
                stack.pop();
            }
        }
    }
    out
}

/// Inverse of the order, checking it is a permutation of `0..n`.
fn ranks_of_order(order: &[u32], n: usize) -> Result<Vec<u32>, Error> {
    let invalid = |problem: String| Error::InvalidOrder {
        node_count: n as u32,
        problem,
    };
    if order.len() != n {
        return Err(invalid(format!("it has {} entries", order.len())));
    }
    let mut rank = vec![u32::MAX; n];
    for (i, &v) in order.iter().enumerate() {
        match rank.get_mut(v as usize) {
            None => return Err(invalid(format!("order[{i}] = {v} is not a node"))),
            Some(r) if *r != u32::MAX => {
                return Err(invalid(format!("node {v} appears twice (at {r} and {i})")))
            }
            Some(r) => *r = i as u32,
        }
    }
    Ok(rank)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cch::nested_dissection_order;
    use crate::cch::synthetic::grid_city;

    #[test]
    fn supergraph_is_chordal_and_subtrees_are_contiguous() {
        let city = grid_city(17, 5);
        let topo = city.topology().unwrap();
        let cch = Cch::new(&topo, &nested_dissection_order(&topo)).unwrap();
        for x in 0..cch.node_count() {
            let heads: Vec<u32> = cch.up_arcs(x).map(|a| cch.up_head[a as usize]).collect();
            if let Some((&parent, rest)) = heads.split_first() {
                for &y in rest {
                    assert!(
                        cch.find_arc(parent, y).is_some(),
                        "missing fill arc {parent}-{y}"
                    );
                }
            }
        }
        for x in 0..cch.node_count() {
            let first = cch.subtree_first[x as usize];
            for y in first..x {
                let mut up = y;
                while up < x {
                    up = cch
                        .parent(up)
                        .expect("a rank below x in its subtree has a parent");
                }
                assert_eq!(
                    up, x,
                    "rank {y} lies in the range of {x} but not in its subtree"
                );
            }
        }
        for e in 0..topo.edge_count() {
            let slot = cch.edge_slot[e as usize];
            assert_ne!(slot, NO_SLOT, "the grid has no self-loops");
            let tail = cch.arc_tail(slot / 2);
            let head = cch.up_head[(slot / 2) as usize];
            let v = (0..topo.node_count())
                .find(|&v| topo.out_edges(v).contains(&e))
                .unwrap();
            let w = topo.head()[e as usize];
            let (rv, rw) = (cch.rank[v as usize], cch.rank[w as usize]);
            assert_eq!((tail, head), (rv.min(rw), rv.max(rw)));
        }
    }

    #[test]
    fn rejects_orders_that_are_not_permutations() {
        let coords = [[0.0, 0.0]; 3];
        let topo = Topology::new(&[0, 1, 2, 2], &[1, 2], &coords).unwrap();
        assert!(matches!(
            Cch::new(&topo, &[0, 1]),
            Err(Error::InvalidOrder { .. })
        ));
        assert!(matches!(
            Cch::new(&topo, &[0, 1, 1]),
            Err(Error::InvalidOrder { .. })
        ));
        assert!(matches!(
            Cch::new(&topo, &[0, 1, 7]),
            Err(Error::InvalidOrder { .. })
        ));
        assert!(Cch::new(&topo, &[2, 0, 1]).is_ok());
    }
}
