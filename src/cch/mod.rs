//! Customizable contraction hierarchies (CCH): fast, re-weightable shortest paths and
//! travel matrices on the road graph.
//!
//! Phases, each its own file:
//! 1. [`Topology`] (`topology.rs`): a validated borrow of the road graph's forward CSR and
//!    planar coordinates; the only input this module reads.
//! 2. [`nested_dissection_order`] (`order.rs`): a metric-independent contraction order.
//! 3. [`Cch`] (`structure.rs`): the chordal supergraph, its elimination tree and the map from
//!    input edges to CCH arcs. Depends on topology and order only; cached on disk by `io.rs`.
//! 4. [`CustomizedMetric`] (`customize.rs`): the arc costs of one metric (one vehicle class and
//!    hour band), rebuilt in parallel whenever a planner closes or re-weights roads.
//! 5. Queries: point-to-point with path unpacking (`query.rs`) and parallel travel matrices
//!    (`many_to_many.rs`).
//!
//! Units: time in milliseconds, distance in centimetres, both `u32` per input edge and `u64`
//! along a path. The metric is lexicographic `(time_ms, dist_cm)`: fastest first, shorter
//! distance breaks ties, and the distance reported is the one of the chosen fastest path.
//! An input edge with `time_ms == u32::MAX` is closed and never appears in a path.
//!
//! This module never does I/O except in `io.rs`, never sees OSM ids, tags or turns (turn
//! restrictions are node splits done by the graph builder), and never exposes "unreachable" as
//! a large number: it is always an explicit `None`.
//!
//! Invariants: node, edge and arc ids are dense `u32` with fewer than `2^31` of each; all results
//! are deterministic for a given input, whatever the number of rayon threads.

mod cost;
mod customize;
mod error;
mod io;
mod many_to_many;
mod order;
mod query;
mod structure;
pub mod synthetic;
mod topology;

pub use cost::{PathCost, Seed};
pub use customize::CustomizedMetric;
pub use error::Error;
pub use io::FORMAT_VERSION;
pub use many_to_many::Matrix;
pub use order::nested_dissection_order;
pub use query::QueryWorkspace;
pub use structure::Cch;
pub use topology::Topology;
