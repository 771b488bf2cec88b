//! Customization: the costs of every CCH arc for one metric, computed in parallel.
//!
//! Owns the translation of per-edge `(time_ms, dist_cm)` into arc costs and the witness of each
//! arc cost (the input edge or the middle node of the lower triangle that realises it), which
//! path unpacking follows. Never changes the structure; a new metric is a new customization
//! (or `recustomize`, which refills the same buffers).
//!
//! Basic customization (Dibbelt, Strasser & Wagner 2016): an arc `(x, y)` starts with the
//! cheapest input edge between its endpoints in each direction and is then relaxed over every
//! lower triangle `z < x < y`. Arcs of rank `x` only read arcs of its descendants in the
//! elimination tree, and ranks are a postorder, so disjoint subtrees own disjoint arc ranges
//! and are customized in parallel (rayon), each bottom-up. Ties keep the first
//! witness found (smallest input edge id, then lowest middle node), so results do not depend on
//! the thread count.
//!
//! Invariants: `up[a]` is the cost from the lower to the higher end of arc `a`, `down[a]` the
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
/// Ranks with at least this many lower neighbours split their upward arcs across threads...
const SPLIT_DOWN_DEGREE: usize = 256;
/// ...into ranges of at least this many arcs.
const SPLIT_MIN_ARCS: usize = 16;

/// A CCH with the arc costs of one metric; answers queries and builds matrices.
#[derive(Clone, Debug)]
pub struct CustomizedMetric<'a> {
    pub(crate) cch: &'a Cch,
    /// Cost from the lower to the higher end of each arc.
    pub(crate) up: Vec<Cost>,
    /// Cost from the higher to the lower end of each arc.
    pub(crate) down: Vec<Cost>,
    /// `[up, down]` witnesses per arc.
    pub(crate) witness: Vec<[u32; 2]>,
}

/// Mutable views of the metric arrays over one contiguous range of arcs.
struct ArcSlices<'s> {
    up: &'s mut [Cost],
    down: &'s mut [Cost],
    witness: &'s mut [[u32; 2]],
}

impl<'s> ArcSlices<'s> {
    /// Splits off the first `mid` arcs.
    fn split_at(self, mid: usize) -> (ArcSlices<'s>, ArcSlices<'s>) {
        let (up_a, up_b) = self.up.split_at_mut(mid);
        let (down_a, down_b) = self.down.split_at_mut(mid);
        let (witness_a, witness_b) = self.witness.split_at_mut(mid);
        (
            ArcSlices {
                up: up_a,
                down: down_a,
                witness: witness_a,
            },
            ArcSlices {
                up: up_b,
                down: down_b,
                witness: witness_b,
            },
        )
    }

    fn reborrow(&mut self) -> ArcSlices<'_> {
        ArcSlices {
            up: self.up,
            down: self.down,
            witness: self.witness,
        }
    }
}

impl Cch {
    /// Customizes the CCH for one metric given per input edge; `time_ms[e] == u32::MAX` closes
    /// edge `e`. Both slices need one entry per input edge.
    pub fn customize(
        &self,
        time_ms: &[u32],
        dist_cm: &[u32],
    ) -> Result<CustomizedMetric<'_>, Error> {
        let mut metric = CustomizedMetric {
            cch: self,
            up: Vec::new(),
            down: Vec::new(),
            witness: Vec::new(),
        };
        metric.recustomize(time_ms, dist_cm)?;
        Ok(metric)
    }

    /// Splits `arcs` (which starts at arc id `base`) into the arcs of the given subtrees, which
    /// must be disjoint and ascending.
    fn split_subtrees<'s>(
        &self,
        subtree_roots: &[u32],
        mut arcs: ArcSlices<'s>,
        mut base: usize,
    ) -> Vec<(u32, ArcSlices<'s>)> {
        let mut jobs = Vec::with_capacity(subtree_roots.len());
        for &root in subtree_roots {
            let start = self.up_first[self.subtree_first[root as usize] as usize] as usize;
            let end = self.up_first[root as usize + 1] as usize;
            let (_, rest) = arcs.split_at(start - base);
            let (piece, rest) = rest.split_at(end - start);
            arcs = rest;
            base = end;
            jobs.push((root, piece));
        }
        jobs
    }

    /// Customizes the subtree of `root`; `arcs` holds exactly its arcs.
    ///
    /// Descends from `root` while only one child subtree is large; at a node with several
    /// large child subtrees those are customized in parallel, then the remaining ranks in
    /// ascending order (every rank's descendants are then final).
    fn customize_subtree(&self, root: u32, mut arcs: ArcSlices) {
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
            let jobs = self.split_subtrees(&large, arcs.reborrow(), base);
            jobs.into_par_iter()
                .for_each(|(c, piece)| self.customize_subtree(c, piece));
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
            let (lower, mine) = arcs.reborrow().split_at(local);
            self.relax_rank(x, &lower, base, mine);
            x += 1;
        }
    }

    /// Relaxes the upward arcs of rank `x` (the first arcs of `mine`) over all lower
    /// triangles; `lower.up[a - base]` etc. hold the final costs of every arc `a` of a
    /// descendant of `x`.
    fn relax_rank(&self, x: u32, lower: &ArcSlices, base: usize, mine: ArcSlices) {
        let (mine, _) = mine.split_at(self.up_arcs(x).len());
        self.relax_arcs(x, lower, base, mine, 0);
    }

    /// Relaxes the upward arcs `offset..offset + mine.len()` of rank `x`. The heavy ranks at
    /// the top of the tree, which no subtree split can spread, halve their arc range across
    /// rayon tasks (each task scans every lower neighbour but relaxes only its own arcs).
    fn relax_arcs(&self, x: u32, lower: &ArcSlices, base: usize, mine: ArcSlices, offset: usize) {
        let len = mine.up.len();
        let downs = self.down_first[x as usize] as usize..self.down_first[x as usize + 1] as usize;
        if len == 0 {
            return;
        }
        if downs.len() >= SPLIT_DOWN_DEGREE && len >= 2 * SPLIT_MIN_ARCS {
            let half = len / 2;
            let (first, second) = mine.split_at(half);
            rayon::join(
                || self.relax_arcs(x, lower, base, first, offset),
                || self.relax_arcs(x, lower, base, second, offset + half),
            );
            return;
        }
        let all = self.up_arcs(x);
        let heads = &self.up_head[all.start as usize + offset..all.start as usize + offset + len];
        let last = heads[len - 1];
        let ArcSlices {
            up: my_up,
            down: my_down,
            witness: my_witness,
        } = mine;
        for &[z, zx_arc, z_end] in &self.down[downs] {
            let zx = zx_arc as usize - base;
            let (zx_up, zx_down) = (lower.up[zx], lower.down[zx]);
            if !zx_up.is_finite() && !zx_down.is_finite() {
                continue;
            }
            let (mut from, to) = (zx_arc as usize + 1, z_end as usize);
            if offset > 0 {
                from += self.up_head[from..to].partition_point(|&y| y < heads[0]);
            }
            let z_heads = &self.up_head[from..to];
            let z_up = &lower.up[from - base..to - base];
            let z_down = &lower.down[from - base..to - base];
            let mut k = 0usize;
            for ((&y, &zy_up), &zy_down) in z_heads.iter().zip(z_up).zip(z_down) {
                if y > last {
                    break;
                }
                while k < len && heads[k] < y {
                    k += 1;
                }
                if k == len || heads[k] != y {
                    // Only a non-chordal (corrupt) structure gets here.
                    continue;
                }
                let x_to_y = zx_down.plus(zy_up);
                if x_to_y < my_up[k] {
                    my_up[k] = x_to_y;
                    my_witness[k][0] = VIA | z;
                }
                let y_to_x = zy_down.plus(zx_up);
                if y_to_x < my_down[k] {
                    my_down[k] = y_to_x;
                    my_witness[k][1] = VIA | z;
                }
            }
        }
    }
}

impl CustomizedMetric<'_> {
    /// Replaces this metric by the one of new per-edge weights (same rules as
    /// [`Cch::customize`]), reusing its buffers: the cheap path when a planner closes a zone
    /// and re-runs.
    pub fn recustomize(&mut self, time_ms: &[u32], dist_cm: &[u32]) -> Result<(), Error> {
        let cch = self.cch;
        let m = cch.edge_count as usize;
        for (what, found) in [("time_ms", time_ms.len()), ("dist_cm", dist_cm.len())] {
            if found != m {
                return Err(Error::MetricLength {
                    what,
                    expected: m,
                    found,
                });
            }
        }
        let arc_count = cch.arc_count() as usize;
        let (up, down, witness) = (&mut self.up, &mut self.down, &mut self.witness);
        up.clear();
        up.resize(arc_count, Cost::INFINITE);
        down.clear();
        down.resize(arc_count, Cost::INFINITE);
        witness.clear();
        witness.resize(arc_count, [NO_WITNESS; 2]);
        for (e, &slot) in cch.edge_slot.iter().enumerate() {
            if slot == NO_SLOT || time_ms[e] == u32::MAX {
                continue;
            }
            let cost = Cost::new(time_ms[e], dist_cm[e]);
            let (a, dir) = ((slot / 2) as usize, (slot % 2) as usize);
            let current = if dir == 0 { &mut up[a] } else { &mut down[a] };
            if cost < *current {
                *current = cost;
                witness[a][dir] = e as u32;
            }
        }
        let roots: Vec<u32> = (0..cch.node_count())
            .filter(|&x| cch.parent(x).is_none())
            .collect();
        let all = ArcSlices { up, down, witness };
        let jobs = cch.split_subtrees(&roots, all, 0);
        jobs.into_par_iter()
            .for_each(|(root, arcs)| cch.customize_subtree(root, arcs));
        Ok(())
    }

    /// The structure this metric customizes.
    pub fn cch(&self) -> &Cch {
        self.cch
    }

    /// Arc costs searched in `direction`.
    pub(crate) fn costs(&self, direction: super::query::Direction) -> &[Cost] {
        match direction {
            super::query::Direction::Up => &self.up,
            super::query::Direction::Down => &self.down,
        }
    }
}
