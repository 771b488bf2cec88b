//! Path costs and query seeds: the values that cross the CCH boundary, and the packed cost
//! used inside it.
//!
//! [`PathCost`] orders lexicographically by `(time_ms, dist_cm)`. Inside the module a cost is a
//! [`Cost`]: the integer `time * 2^64 + dist` in a `u128`, so one integer comparison is the
//! lexicographic comparison and one addition adds both parts. `u128::MAX` means "no path"; it
//! never leaves the module (queries return `Option`).
//!
//! Why the packing is exact: addition is exact integer addition (saturating at "no path" only
//! when the sum exceeds `u128`). Every value the algorithms compare is the cost of some walk,
//! and the family always contains the lexicographically best walk, which is a simple path of
//! fewer than `2^31` edges of weight below `2^32`: both its parts are below `2^63`, so its key is
//! `(T, D)` exactly. Any other walk `(T', D')` is lexicographically no better, so `T' > T` (key
//! at least `(T + 1) * 2^64`, above the optimum's key even if `D'` carried) or `T' = T` and
//! `D' >= D`. Hence the minimum key is the optimum's key, decoded without loss.

/// Time and distance of a path; ordered by time first, then distance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PathCost {
    /// Travel time in milliseconds.
    pub time_ms: u64,
    /// Distance in centimetres.
    pub dist_cm: u64,
}

/// Packed internal cost `time * 2^64 + dist`; `Cost::INFINITE` is "no path".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Cost(pub(crate) u128);

impl Cost {
    pub(crate) const INFINITE: Cost = Cost(u128::MAX);

    #[inline]
    pub(crate) fn new(time_ms: u32, dist_cm: u32) -> Cost {
        Cost((u128::from(time_ms) << 64) | u128::from(dist_cm))
    }

    #[inline]
    pub(crate) fn is_finite(self) -> bool {
        self.0 != u128::MAX
    }

    /// Adds two costs; "no path" absorbs everything.
    #[inline]
    pub(crate) fn plus(self, other: Cost) -> Cost {
        Cost(self.0.saturating_add(other.0))
    }

    /// The public form of a finite cost.
    pub(crate) fn to_path_cost(self) -> PathCost {
        PathCost {
            time_ms: (self.0 >> 64) as u64,
            dist_cm: self.0 as u64,
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

    pub(crate) fn cost(self) -> Cost {
        Cost::new(self.time_ms, self.dist_cm)
    }
}
