//! The routable road graph: one compact CSR for all vehicle classes, with a per-class access
//! mask on every edge.
//!
//! Owns: [`RoadGraph`] (nodes, directed edges, roads with geometry, per-class speeds and weekly
//! access), its construction from an [`OsmExtract`](crate::osm::OsmExtract) ([`build`]), the
//! per-class strongly connected components ([`components`]) and snapping ([`snap`]).
//! Must never: read files, print, or run shortest-path queries (that is `routing`).
//!
//! Invariants:
//! * Nodes are dense `u32` indices `0..node_count()`: first the OSM intersections in OSM-id
//!   order, then *turn copies*. A turn copy duplicates an intersection `v` for one incoming road
//!   direction that a turn restriction binds; that direction's edges end at the copy, and the
//!   copy's out-edges are `v`'s minus the banned turns (per class). Restrictions thus live in the
//!   plain node graph, and every speed-up technique built on it honours them.
//! * Edges are sorted by tail (CSR); edge `e` runs along road `edge_road(e)` in direction
//!   `edge_dir(e)`. Several edges may share a road direction (the original and turn copies'
//!   duplicates); they have the same length and duration.
//! * `edge_mask(e)` has bit `c` set iff class `c` may use the edge at some time of the week
//!   (static access, size limits, one-way, turn bans) and both ends lie in the class's largest
//!   strongly connected component. The time-dependent part (conditional rules) is
//!   [`RoadGraph::open_at`].
//! * Units: lengths in centimetres, durations in milliseconds (both `u32` per edge).

pub mod build;
pub mod components;
pub mod snap;

use crate::geometry::LocalProjection;
use crate::osm::access::ClassAccess;
use crate::osm::tags::RoadClass;
use crate::time::WeekTime;
use crate::vehicle::VehicleClass;

pub use build::{build_graph, BuildStats, RestrictionStats};
pub use components::ClassComponents;
pub use snap::{Snap, SnapError, SnapIndex};

/// A class's position in the graph's class list (its bit in edge masks).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClassId(pub u8);

/// Direction along a road's geometry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dir {
    /// From the first geometry point to the last.
    Forward = 0,
    /// From the last to the first.
    Backward = 1,
}

/// A stretch of one OSM way between two intersections (or a way end).
#[derive(Clone, Debug, PartialEq)]
pub struct Road {
    /// Index into the graph's way list (see [`RoadGraph::road_way`]).
    pub way: u32,
    /// Node at the first geometry point.
    pub from: u32,
    /// Node at the last geometry point.
    pub to: u32,
    /// Length along the geometry (cm).
    pub length_cm: u32,
    /// Index into the access rules.
    pub access: u32,
}

/// What the graph keeps of an OSM way.
#[derive(Clone, Debug, PartialEq)]
pub struct WayInfo {
    /// OSM way id.
    pub osm_id: i64,
    /// `highway=*`.
    pub road_class: RoadClass,
    /// `name` or `ref`.
    pub name: Option<String>,
}

/// The road graph. Build with [`build_graph`].
#[derive(Clone, Debug)]
pub struct RoadGraph {
    pub(crate) classes: Vec<VehicleClass>,
    /// `[lon, lat]` per node.
    pub(crate) coords: Vec<[f64; 2]>,
    /// OSM node id per node (a turn copy carries its intersection's id).
    pub(crate) osm_node: Vec<i64>,
    /// The intersection a node stands for (itself, or the node a turn copy was made from).
    pub(crate) original: Vec<u32>,
    pub(crate) first_out: Vec<u32>,
    pub(crate) head: Vec<u32>,
    /// `road << 1 | dir` per edge.
    pub(crate) edge_road: Vec<u32>,
    pub(crate) edge_mask: Vec<u32>,
    /// Edges per road direction: `road_edges[road_edge_start[rd]..road_edge_start[rd + 1]]`.
    pub(crate) road_edge_start: Vec<u32>,
    pub(crate) road_edges: Vec<u32>,
    pub(crate) roads: Vec<Road>,
    /// Geometry of road `r`: `geometry[geometry_start[r]..geometry_start[r + 1]]`, `[lon, lat]`.
    pub(crate) geometry_start: Vec<u32>,
    pub(crate) geometry: Vec<[f64; 2]>,
    /// Duration (ms) per `road * class_count + class`.
    pub(crate) duration_ms: Vec<u32>,
    /// Weekly access per `rules * class_count + class`.
    pub(crate) class_access: Vec<ClassAccess>,
    pub(crate) ways: Vec<WayInfo>,
    pub(crate) projection: LocalProjection,
    pub(crate) components: Vec<ClassComponents>,
    pub(crate) stats: BuildStats,
    /// Every moment of the week at which some conditional access rule switches.
    pub(crate) rule_boundaries: Vec<u32>,
}

impl RoadGraph {
    /// Number of nodes (intersections and turn copies).
    pub fn node_count(&self) -> usize {
        self.coords.len()
    }

    /// Number of directed edges.
    pub fn edge_count(&self) -> usize {
        self.head.len()
    }

    /// Number of roads (undirected stretches between intersections).
    pub fn road_count(&self) -> usize {
        self.roads.len()
    }

    /// The vehicle classes, in bit order.
    pub fn classes(&self) -> &[VehicleClass] {
        &self.classes
    }

    /// Find a class by id.
    pub fn class_id(&self, id: &str) -> Option<ClassId> {
        self.classes
            .iter()
            .position(|c| c.id == id)
            .map(|i| ClassId(i as u8))
    }

    /// The class with this id.
    pub fn class(&self, id: ClassId) -> &VehicleClass {
        &self.classes[id.0 as usize]
    }

    /// Out-edges of `node` as an index range.
    pub fn out_edges(&self, node: u32) -> std::ops::Range<usize> {
        self.first_out[node as usize] as usize..self.first_out[node as usize + 1] as usize
    }

    /// The CSR offsets (`first_out[v]..first_out[v + 1]` are `v`'s out-edges).
    pub fn first_out(&self) -> &[u32] {
        &self.first_out
    }

    /// Head node per edge.
    pub fn heads(&self) -> &[u32] {
        &self.head
    }

    /// Head of edge `e`.
    pub fn head(&self, e: usize) -> u32 {
        self.head[e]
    }

    /// Tail of edge `e` (binary search in the CSR offsets).
    pub fn tail(&self, e: usize) -> u32 {
        (self.first_out.partition_point(|&f| f as usize <= e) - 1) as u32
    }

    /// The road edge `e` runs along.
    pub fn edge_road(&self, e: usize) -> u32 {
        self.edge_road[e] >> 1
    }

    /// The direction along that road.
    pub fn edge_dir(&self, e: usize) -> Dir {
        if self.edge_road[e] & 1 == 0 {
            Dir::Forward
        } else {
            Dir::Backward
        }
    }

    /// May `class` use edge `e` at some time of the week?
    pub fn usable(&self, e: usize, class: ClassId) -> bool {
        self.edge_mask[e] >> class.0 & 1 == 1
    }

    /// May `class` use edge `e` at `t` (static mask and conditional rules)?
    pub fn open_at(&self, e: usize, class: ClassId, t: WeekTime) -> bool {
        self.usable(e, class) && self.road_access(self.edge_road(e), class).is_open_at(t)
    }

    /// Weekly access of `class` to road `road`.
    pub fn road_access(&self, road: u32, class: ClassId) -> &ClassAccess {
        let rules = self.roads[road as usize].access as usize;
        &self.class_access[rules * self.classes.len() + class.0 as usize]
    }

    /// Length of edge `e` (cm).
    pub fn length_cm(&self, e: usize) -> u32 {
        self.roads[self.edge_road(e) as usize].length_cm
    }

    /// Duration of edge `e` for `class` (ms) when open.
    pub fn duration_ms(&self, e: usize, class: ClassId) -> u32 {
        self.road_duration_ms(self.edge_road(e), class)
    }

    /// Duration of a whole road for `class` (ms).
    pub fn road_duration_ms(&self, road: u32, class: ClassId) -> u32 {
        self.duration_ms[road as usize * self.classes.len() + class.0 as usize]
    }

    /// The edges that run along `road` in `dir`.
    pub fn road_dir_edges(&self, road: u32, dir: Dir) -> &[u32] {
        let rd = (road as usize) << 1 | dir as usize;
        &self.road_edges[self.road_edge_start[rd] as usize..self.road_edge_start[rd + 1] as usize]
    }

    /// A road.
    pub fn road(&self, road: u32) -> &Road {
        &self.roads[road as usize]
    }

    /// A road's geometry, `[lon, lat]` from its `from` node to its `to` node.
    pub fn road_geometry(&self, road: u32) -> &[[f64; 2]] {
        &self.geometry[self.geometry_start[road as usize] as usize
            ..self.geometry_start[road as usize + 1] as usize]
    }

    /// The OSM way a road belongs to.
    pub fn road_way(&self, road: u32) -> &WayInfo {
        &self.ways[self.roads[road as usize].way as usize]
    }

    /// `[lon, lat]` of a node.
    pub fn coord(&self, node: u32) -> [f64; 2] {
        self.coords[node as usize]
    }

    /// All node coordinates, `[lon, lat]`.
    pub fn coords(&self) -> &[[f64; 2]] {
        &self.coords
    }

    /// The extent of the nodes: `([min_lon, min_lat], [max_lon, max_lat])`.
    pub fn extent(&self) -> ([f64; 2], [f64; 2]) {
        self.coords
            .iter()
            .fold(([f64::MAX; 2], [f64::MIN; 2]), |(lo, hi), p| {
                (
                    [lo[0].min(p[0]), lo[1].min(p[1])],
                    [hi[0].max(p[0]), hi[1].max(p[1])],
                )
            })
    }

    /// OSM id of the intersection a node stands for.
    pub fn osm_node(&self, node: u32) -> i64 {
        self.osm_node[node as usize]
    }

    /// The intersection a node stands for (itself unless it is a turn copy).
    pub fn original(&self, node: u32) -> u32 {
        self.original[node as usize]
    }

    /// The local planar projection of this extract.
    pub fn projection(&self) -> &LocalProjection {
        &self.projection
    }

    /// Per-class component report.
    pub fn components(&self) -> &[ClassComponents] {
        &self.components
    }

    /// Build counts.
    pub fn stats(&self) -> &BuildStats {
        &self.stats
    }

    /// Number of distinct access rule sets (roads share them).
    pub fn access_rule_count(&self) -> usize {
        self.class_access.len() / self.classes.len()
    }

    /// Weekly access of `class` under access rule set `rules` (`0..access_rule_count()`).
    pub fn rule_access(&self, rules: usize, class: ClassId) -> &ClassAccess {
        &self.class_access[rules * self.classes.len() + class.0 as usize]
    }

    /// Moments of the week (seconds from Monday 00:00) at which some conditional access rule
    /// switches; between two consecutive ones every class's access is constant.
    pub fn rule_boundaries(&self) -> &[u32] {
        &self.rule_boundaries
    }
}
