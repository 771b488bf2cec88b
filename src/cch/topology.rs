//! The road graph as the CCH sees it: a validated borrow of a forward CSR plus planar
//! coordinates, and the fingerprint that ties a cached CCH to one graph.
//!
//! Owns validation of the CSR (so later phases may index without checks) and the undirected
//! neighbourhood used by the ordering. Never copies or mutates the caller's arrays.
//!
//! Invariants after [`Topology::new`]: `first_out.len() == n + 1`, `first_out[0] == 0`,
//! non-decreasing, `first_out[n] == head.len()`, every head `< n`, `coords.len() == n`, all
//! coordinates finite, and both `n` and the edge count below `2^31`.

use super::Error;

/// Largest node or edge count: ids must fit in 31 bits (the top bit tags internal ids).
pub(crate) const MAX_IDS: usize = 1 << 31;

/// Forward CSR of the road graph: out-edges of node `v` are `first_out[v]..first_out[v + 1]`,
/// `head[e]` is the target of edge `e`. Input edge ids are positions in `head`. `coords` are
/// planar metres (x east, y north), one per node; they guide the ordering only.
#[derive(Clone, Copy, Debug)]
pub struct Topology<'a> {
    first_out: &'a [u32],
    head: &'a [u32],
    coords: &'a [[f64; 2]],
}

impl<'a> Topology<'a> {
    /// Validates and wraps the arrays; reports every problem found, not only the first.
    pub fn new(
        first_out: &'a [u32],
        head: &'a [u32],
        coords: &'a [[f64; 2]],
    ) -> Result<Topology<'a>, Error> {
        let mut problems = Vec::new();
        if first_out.is_empty() {
            problems.push("first_out is empty (it needs node_count + 1 entries)".to_string());
        } else {
            let n = first_out.len() - 1;
            if n >= MAX_IDS {
                problems.push(format!("{n} nodes, at most 2^31 - 1 are supported"));
            }
            if head.len() >= MAX_IDS {
                problems.push(format!(
                    "{} edges, at most 2^31 - 1 are supported",
                    head.len()
                ));
            }
            if first_out[0] != 0 {
                problems.push(format!("first_out[0] is {}, expected 0", first_out[0]));
            }
            if let Some(v) = first_out.windows(2).position(|w| w[0] > w[1]) {
                problems.push(format!("first_out decreases at node {v}"));
            }
            if first_out[n] as usize != head.len() {
                problems.push(format!(
                    "first_out[{n}] is {}, expected the edge count {}",
                    first_out[n],
                    head.len()
                ));
            }
            if let Some(e) = head.iter().position(|&h| h as usize >= n) {
                problems.push(format!(
                    "head[{e}] = {} is not a node (node count {n})",
                    head[e]
                ));
            }
            if coords.len() != n {
                problems.push(format!("{} coordinates for {n} nodes", coords.len()));
            }
            if let Some(v) = coords
                .iter()
                .position(|c| !c[0].is_finite() || !c[1].is_finite())
            {
                problems.push(format!("coordinate of node {v} is not finite"));
            }
        }
        if problems.is_empty() {
            Ok(Topology {
                first_out,
                head,
                coords,
            })
        } else {
            Err(Error::InvalidTopology { problems })
        }
    }

    pub fn node_count(&self) -> u32 {
        (self.first_out.len() - 1) as u32
    }

    pub fn edge_count(&self) -> u32 {
        self.head.len() as u32
    }

    pub fn first_out(&self) -> &'a [u32] {
        self.first_out
    }

    pub fn head(&self) -> &'a [u32] {
        self.head
    }

    pub fn coords(&self) -> &'a [[f64; 2]] {
        self.coords
    }

    /// Edge ids leaving `node`.
    pub fn out_edges(&self, node: u32) -> std::ops::Range<u32> {
        self.first_out[node as usize]..self.first_out[node as usize + 1]
    }

    /// Fingerprint of the CSR (FNV-1a over little-endian 32-bit words of the counts,
    /// `first_out` and `head`). Coordinates are excluded: they influence the order's quality,
    /// never the correctness of a CCH.
    pub fn fingerprint(&self) -> u64 {
        let mut hash = Fnv64::new();
        hash.word(self.node_count());
        hash.word(self.edge_count());
        self.first_out.iter().for_each(|&w| hash.word(w));
        self.head.iter().for_each(|&w| hash.word(w));
        hash.finish()
    }

    /// Undirected simple neighbourhood in CSR form (no self-loops, no duplicates, sorted).
    pub(crate) fn undirected(&self) -> (Vec<u32>, Vec<u32>) {
        let n = self.node_count() as usize;
        let mut degree = vec![0u32; n + 1];
        for v in 0..n as u32 {
            for e in self.out_edges(v) {
                let w = self.head[e as usize];
                if w != v {
                    degree[v as usize] += 1;
                    degree[w as usize] += 1;
                }
            }
        }
        let mut first = vec![0u32; n + 1];
        for v in 0..n {
            first[v + 1] = first[v] + degree[v];
        }
        let mut fill = first.clone();
        let mut adj = vec![0u32; first[n] as usize];
        for v in 0..n as u32 {
            for e in self.out_edges(v) {
                let w = self.head[e as usize];
                if w != v {
                    adj[fill[v as usize] as usize] = w;
                    fill[v as usize] += 1;
                    adj[fill[w as usize] as usize] = v;
                    fill[w as usize] += 1;
                }
            }
        }
        // Sort and deduplicate each list, compacting in place.
        let mut out_first = vec![0u32; n + 1];
        let mut len = 0usize;
        for v in 0..n {
            let (a, b) = (first[v] as usize, first[v + 1] as usize);
            adj[a..b].sort_unstable();
            let mut last = u32::MAX;
            for i in a..b {
                let w = adj[i];
                if w != last {
                    adj[len] = w;
                    len += 1;
                    last = w;
                }
            }
            out_first[v + 1] = len as u32;
        }
        adj.truncate(len);
        (out_first, adj)
    }
}

/// 64-bit FNV-1a over 32-bit words: the fingerprint and file checksum.
pub(crate) struct Fnv64(u64);

impl Fnv64 {
    pub(crate) fn new() -> Fnv64 {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }

    #[inline]
    pub(crate) fn word(&mut self, w: u32) {
        self.0 = (self.0 ^ u64::from(w)).wrapping_mul(0x0000_0100_0000_01b3);
    }

    pub(crate) fn bytes(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(4);
        for c in &mut chunks {
            self.word(u32::from_le_bytes([c[0], c[1], c[2], c[3]]));
        }
        for &b in chunks.remainder() {
            self.word(u32::from(b));
        }
    }

    pub(crate) fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_every_problem_at_once() {
        let coords = [[0.0, 0.0]; 2];
        let err = Topology::new(&[1, 0, 3], &[0, 5], &coords).unwrap_err();
        let Error::InvalidTopology { problems } = err else {
            panic!("wrong error {err}")
        };
        assert_eq!(problems.len(), 4, "{problems:?}");
    }

    #[test]
    fn undirected_neighbourhood_is_simple_and_symmetric() {
        // 0 -> 1 twice, 1 -> 0, 2 -> 2 (self-loop), 1 -> 2.
        let coords = [[0.0, 0.0]; 3];
        let topo = Topology::new(&[0, 2, 4, 5], &[1, 1, 0, 2, 2], &coords).unwrap();
        let (first, adj) = topo.undirected();
        assert_eq!(first, vec![0, 1, 3, 4]);
        assert_eq!(adj, vec![1, 0, 2, 1]);
    }

    #[test]
    fn fingerprint_changes_with_heads() {
        let coords = [[0.0, 0.0]; 2];
        let a = Topology::new(&[0, 1, 1], &[1], &coords)
            .unwrap()
            .fingerprint();
        let b = Topology::new(&[0, 1, 1], &[0], &coords)
            .unwrap()
            .fingerprint();
        assert_ne!(a, b);
    }
}
