//! Path costs and query seeds: the values that cross the CCH boundary.
//!
//! [`PathCost`] orders lexicographically by `(time_ms, dist_cm)`. Inside the module an
//! all-`u64::MAX` cost stands for "no path"; it never leaves the module (queries return
//! `Option`). Sums of finite costs cannot overflow: a simple path has fewer than `2^31` edges of
//! at most `u32::MAX` each, and a query adds at most two such paths plus two seeds.

/// Time and distance of a path; ordered by time first, then distance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PathCost {
    /// Travel time in milliseconds.
    pub time_ms: u64,
    /// Distance in centimetres.
    pub dist_cm: u64,
}

impl PathCost {
    /// Internal "no path" marker; never returned to callers.
    pub(crate) const INFINITE: PathCost = PathCost {
        time_ms: u64::MAX,
        dist_cm: u64::MAX,
    };

    pub(crate) fn is_finite(self) -> bool {
        self.time_ms != u64::MAX
    }

    /// Adds two costs; "no path" absorbs everything.
    #[inline]
    pub(crate) fn plus(self, other: PathCost) -> PathCost {
        PathCost {
            time_ms: self.time_ms.saturating_add(other.time_ms),
            dist_cm: self.dist_cm.saturating_add(other.dist_cm),
        }
    }
}

/// A place where a query starts or ends, as a graph node plus a cost.
///
/// For a source the cost is paid before leaving `node` (a phantom start part-way along an edge:
/// the rest of that edge). For a target it is paid after reaching `node` (a phantom end: the
/// first part of the edge). Several seeds form a multi-source or multi-target query whose
/// answer is the minimum over all combinations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seed {
    pub node: u32,
    pub time_ms: u32,
    pub dist_cm: u32,
}

impl Seed {
    /// A seed exactly at `node`, with no extra cost.
    pub fn at(node: u32) -> Seed {
        Seed {
            node,
            time_ms: 0,
            dist_cm: 0,
        }
    }

    pub(crate) fn cost(self) -> PathCost {
        PathCost {
            time_ms: u64::from(self.time_ms),
            dist_cm: u64::from(self.dist_cm),
        }
    }
}
