//! Customization: the costs of every CCH arc for one metric, computed in parallel.
//!
//! Owns the translation of per-edge `(time_ms, dist_cm)` into arc costs and the witness of each
//! arc cost (the input edge or the middle node of the lower triangle that realises it), which
//! path unpacking follows. Never changes the structure; a new metric is a new customization.
//!
//! Basic customization (Dibbelt, Strasser & Wagner 2016): an arc `(x, y)` starts with the
//! cheapest input edge between its endpoints in each direction and is then relaxed over every
//! lower triangle `z < x < y`. Arcs of rank `x` only read arcs of lower ranks that are
//! descendants of `x` in the elimination tree, so all ranks of one tree height are independent:
//! heights are processed bottom-up, the ranks of one height in parallel. Ties keep the first
//! witness found (smallest input edge id, then lowest middle node), so results do not depend on
//! the thread count.
//!
//! Invariants: `arcs[a].up` is the cost from the lower to the higher end, `arcs[a].down` the
//! reverse; a witness is an input edge id, `VIA | z` for a middle rank `z`, or `NO_WITNESS` iff
//! the cost is infinite.

use rayon::prelude::*;

use super::structure::NO_SLOT;
use super::{Cch, Error, PathCost};

/// Witness tag for a middle node (the lower part is the rank).
pub(crate) const VIA: u32 = 1 << 31;
/// Witness of an arc direction without any path.
pub(crate) const NO_WITNESS: u32 = u32::MAX;
/// Levels with at least this many ranks are customized in parallel.
const PARALLEL_LEVEL: usize = 16;

/// Both directed costs of one CCH arc.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ArcCost {
    pub(crate) up: PathCost,
    pub(crate) down: PathCost,
}

const NO_ARC_COST: ArcCost = ArcCost {
    up: PathCost::INFINITE,
    down: PathCost::INFINITE,
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
            let cost = PathCost {
                time_ms: u64::from(time_ms[e]),
                dist_cm: u64::from(dist_cm[e]),
            };
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
        for level in self.level_first.windows(2) {
            let (first_rank, end_rank) = (level[0], level[1]);
            let start = self.up_first[first_rank as usize] as usize;
            let end = self.up_first[end_rank as usize] as usize;
            let (lower, rest) = arcs.split_at_mut(start);
            let lower: &[ArcCost] = lower;
            let mut level_arcs = &mut rest[..end - start];
            let mut level_witness = &mut witness[start..end];
            let mut jobs = Vec::with_capacity((end_rank - first_rank) as usize);
            for x in first_rank..end_rank {
                let degree = self.up_arcs(x).len();
                let (mine, others) = std::mem::take(&mut level_arcs).split_at_mut(degree);
                let (my_witness, other_witness) =
                    std::mem::take(&mut level_witness).split_at_mut(degree);
                level_arcs = others;
                level_witness = other_witness;
                jobs.push((x, mine, my_witness));
            }
            if jobs.len() >= PARALLEL_LEVEL {
                jobs.into_par_iter()
                    .for_each(|(x, mine, w)| self.relax_rank(x, lower, mine, w));
            } else {
                for (x, mine, w) in jobs {
                    self.relax_rank(x, lower, mine, w);
                }
            }
        }
        Ok(CustomizedMetric {
            cch: self,
            arcs,
            witness,
        })
    }

    /// Relaxes the upward arcs of rank `x` (`mine`, `my_witness`) over all lower triangles;
    /// `lower` holds the final costs of every arc of lower levels.
    fn relax_rank(
        &self,
        x: u32,
        lower: &[ArcCost],
        mine: &mut [ArcCost],
        my_witness: &mut [[u32; 2]],
    ) {
        let heads = &self.up_head[self.up_arcs(x).start as usize..self.up_arcs(x).end as usize];
        let downs = self.down_first[x as usize] as usize..self.down_first[x as usize + 1] as usize;
        for i in downs {
            let z = self.down_tail[i];
            let zx_arc = self.down_arc[i];
            let zx = lower[zx_arc as usize];
            if !zx.up.is_finite() && !zx.down.is_finite() {
                continue;
            }
            let mut k = 0usize;
            for zy_arc in zx_arc + 1..self.up_arcs(z).end {
                let y = self.up_head[zy_arc as usize];
                while k < heads.len() && heads[k] < y {
                    k += 1;
                }
                if k == heads.len() || heads[k] != y {
                    // Only a non-chordal (corrupt) structure gets here.
                    continue;
                }
                let zy = lower[zy_arc as usize];
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
