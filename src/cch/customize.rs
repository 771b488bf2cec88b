//! Customization: the costs of every CCH arc for one metric, computed in parallel.
//!
//! Owns the translation of per-edge `(time_ms, dist_cm)` into arc costs and the witness of each
//! arc cost (the input edge or the middle node of the lower triangle that realises it), which
//! path unpacking follows. Never changes the structure; a new metric is a new customization.
//!
//! Basic customization (Dibbelt, Strasser & Wagner 2016): an arc `(x, y)` starts with the
//! cheapest input edge between its endpoints in each direction and is then relaxed over every
//! lower triangle `z < x < y`. Arcs of rank `x` only read arcs of its descendants in the
//! elimination tree, and ranks are a postorder, so disjoint subtrees own disjoint arc ranges
//! and are customized in parallel (rayon), each bottom-up. Ties keep the first
//! witness found (smallest input edge id, then lowest middle node), so results do not depend on
//! the thread count.
//!
//! Invariants: `arcs[a].up` is the cost from the lower to the higher end, `arcs[a].down` the
//! reverse; a witness is an input edge id, `VIA | z` for a middle rank `z`, or `NO_WITNESS` iff
//! the cost is infinite.

use rayon::prelude::*;

use super::cost::Cost;
use super::structure::NO_SLOT;
use super::{Cch, Error};

/// Witness tag for a middle node (the lower part is the rank).
pub(crate) const VIA: u32 = 1 << 31;
/// Witness of an arc direction without any path.
pub(crate) const NO_WITNESS: u32 = u32::MAX;
/// Subtrees with at most this many ranks are customized by one thread.
const SEQUENTIAL_SUBTREE: u32 = 1024;

/// A subtree root with the arc costs and witnesses of its subtree.
type Subtree<'s> = (u32, &'s mut [ArcCost], &'s mut [[u32; 2]]);

/// Both directed costs of one CCH arc.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ArcCost {
    pub(crate) up: Cost,
    pub(crate) down: Cost,
}

const NO_ARC_COST: ArcCost = ArcCost {
    up: Cost::INFINITE,
    down: Cost::INFINITE,
};

/// A CCH with the arc costs of one metric; answers queries and builds matrices.
#[derive(Clone, Debug)]
pub struct CustomizedMetric<'a> {
    pub(crate) cch: &'a Cch,
    pub(crate) arcs: Vec<ArcCost>,
    /// `[up, down]` witnesses per arc.
    pub(crate) witness: Vec<[u32; 2]>,
}

impl Cch {
    /// Customizes the CCH for one metric given per input edge; `time_ms[e] == u32::MAX` closes
    /// edge `e`. Both slices need one entry per input edge.
    pub fn customize(
        &self,
        time_ms: &[u32],
        dist_cm: &[u32],
    ) -> Result<CustomizedMetric<'_>, Error> {
        let m = self.edge_count as usize;
        for (what, found) in [("time_ms", time_ms.len()), ("dist_cm", dist_cm.len())] {
            if found != m {
                return Err(Error::MetricLength {
                    what,
                    expected: m,
                    found,
                });
            }
        }
        let arc_count = self.arc_count() as usize;
        let mut arcs = vec![NO_ARC_COST; arc_count];
        let mut witness = vec![[NO_WITNESS; 2]; arc_count];
        for (e, &slot) in self.edge_slot.iter().enumerate() {
            if slot == NO_SLOT || time_ms[e] == u32::MAX {
                continue;
            }
            let cost = Cost::new(time_ms[e], dist_cm[e]);
            let (a, dir) = ((slot / 2) as usize, (slot % 2) as usize);
            let current = if dir == 0 {
                &mut arcs[a].up
            } else {
                &mut arcs[a].down
            };
            if cost < *current {
                *current = cost;
                witness[a][dir] = e as u32;
            }
        }
        let roots: Vec<u32> = (0..self.node_count())
            .filter(|&x| self.parent(x).is_none())
            .collect();
        let jobs = self.split_subtrees(&roots, &mut arcs, &mut witness, 0);
        jobs.into_par_iter()
            .for_each(|(root, a, w)| self.customize_subtree(root, a, w));
        Ok(CustomizedMetric {
            cch: self,
            arcs,
            witness,
        })
    }

    /// Splits the arc arrays (starting at arc id `base`) into the pieces of the given subtrees,
    /// which must be disjoint and ascending.
    fn split_subtrees<'s>(
        &self,
        subtree_roots: &[u32],
        mut arcs: &'s mut [ArcCost],
        mut witness: &'s mut [[u32; 2]],
        mut base: usize,
    ) -> Vec<Subtree<'s>> {
        let mut jobs = Vec::with_capacity(subtree_roots.len());
        for &root in subtree_roots {
            let start = self.up_first[self.subtree_first[root as usize] as usize] as usize;
            let end = self.up_first[root as usize + 1] as usize;
            let (_, rest) = std::mem::take(&mut arcs).split_at_mut(start - base);
            let (piece, rest) = rest.split_at_mut(end - start);
            arcs = rest;
            let (_, rest_witness) = std::mem::take(&mut witness).split_at_mut(start - base);
            let (witness_piece, rest_witness) = rest_witness.split_at_mut(end - start);
            witness = rest_witness;
            base = end;
            jobs.push((root, piece, witness_piece));
        }
        jobs
    }

    /// Customizes the subtree of `root`; `arcs`/`witness` hold exactly its arcs.
    ///
    /// Descends from `root` while only one child subtree is large; at a node with several
    /// large child subtrees those are customized in parallel, then the remaining ranks in
    /// ascending order (every rank's descendants are then final).
    fn customize_subtree(&self, root: u32, arcs: &mut [ArcCost], witness: &mut [[u32; 2]]) {
        let first = self.subtree_first[root as usize];
        let base = self.up_first[first as usize] as usize;
        let mut branch = root;
        let large: Vec<u32> = loop {
            let large: Vec<u32> = self
                .children(branch)
                .iter()
                .copied()
                .filter(|&c| c + 1 - self.subtree_first[c as usize] > SEQUENTIAL_SUBTREE)
                .collect();
            match large.as_slice() {
                [only] => branch = *only,
                _ => break large,
            }
        };
        if large.len() > 1 {
            let jobs = self.split_subtrees(&large, arcs, witness, base);
            jobs.into_par_iter()
                .for_each(|(c, a, w)| self.customize_subtree(c, a, w));
        }
        let mut done = large
            .iter()
            .map(|&c| (self.subtree_first[c as usize], c))
            .peekable();
        let mut x = first;
        while x <= root {
            if let Some(&(skip_from, skip_to)) = done.peek() {
                if x == skip_from {
                    x = skip_to + 1;
                    done.next();
                    continue;
                }
            }
            let local = self.up_first[x as usize] as usize - base;
            let degree = self.up_arcs(x).len();
            let (lower, rest) = arcs.split_at_mut(local);
            let (_, rest_witness) = witness.split_at_mut(local);
            self.relax_rank(
                x,
                lower,
                base,
                &mut rest[..degree],
                &mut rest_witness[..degree],
            );
            x += 1;
        }
    }

    /// Relaxes the upward arcs of rank `x` (`mine`, `my_witness`) over all lower triangles;
    /// `lower[a - base]` holds the final cost of every arc `a` of a descendant of `x`.
    fn relax_rank(
        &self,
        x: u32,
        lower: &[ArcCost],
        base: usize,
        mine: &mut [ArcCost],
        my_witness: &mut [[u32; 2]],
    ) {
        let heads = &self.up_head[self.up_arcs(x).start as usize..self.up_arcs(x).end as usize];
        let downs = self.down_first[x as usize] as usize..self.down_first[x as usize + 1] as usize;
        for i in downs {
            let [z, zx_arc, z_end] = self.down[i];
            let zx = lower[zx_arc as usize - base];
            if !zx.up.is_finite() && !zx.down.is_finite() {
                continue;
            }
            let mut k = 0usize;
            for zy_arc in zx_arc + 1..z_end {
                let y = self.up_head[zy_arc as usize];
                while k < heads.len() && heads[k] < y {
                    k += 1;
                }
                if k == heads.len() || heads[k] != y {
                    // Only a non-chordal (corrupt) structure gets here.
                    continue;
                }
                let zy = lower[zy_arc as usize - base];
                let x_to_y = zx.down.plus(zy.up);
                if x_to_y < mine[k].up {
                    mine[k].up = x_to_y;
                    my_witness[k][0] = VIA | z;
                }
                let y_to_x = zy.down.plus(zx.up);
                if y_to_x < mine[k].down {
                    mine[k].down = y_to_x;
                    my_witness[k][1] = VIA | z;
                }
            }
        }
    }
}

impl CustomizedMetric<'_> {
    /// The structure this metric customizes.
    pub fn cch(&self) -> &Cch {
        self.cch
    }
}
