//! Fastest paths on the road graph for one vehicle class at one moment of the week.
//!
//! Owns: [`Metric`] (per-edge travel time and length for a class at a time; closed edges marked
//! [`CLOSED`]), [`Seed`]s (where a query starts and ends on a snapped road), the reference
//! [`Dijkstra`] query and [`Route`] assembly with geometry. Must never: read files, print, or
//! decide access (it reads `RoadGraph::open_at`).
//!
//! Semantics: paths minimise travel time, ties broken by shorter distance (lexicographic
//! `(time_ms, dist_cm)`); every speed-up technique must give the same answer. Conditional rules
//! are evaluated at the departure time for the whole trip (the hour-band model: the solver
//! departs in a band and uses that band's matrix). A query starts part-way along the source road
//! (the rest of that road in a direction the vehicle may drive) and ends part-way along the target
//! road; both are expressed as seeds with initial/final costs, so point-to-point, matrix and
//! oracle code share one definition.

pub mod dijkstra;
pub mod metric;
pub mod route;

pub use dijkstra::{Dijkstra, PathCost};
pub use metric::{Metric, CLOSED};
pub use route::{route, source_seeds, target_seeds, Route, RouteError, Seed};
