//! The library's front door for routing: load an extract for a set of vehicle classes, then snap
//! and route.
//!
//! Owns: [`Network`] (graph + snap index + what the reader reported) and [`Stage`]d progress.
//! Must never: print (progress goes to the caller's callback) or parse command-line text.

use crate::graph::{build_graph, ClassId, RoadGraph, Snap, SnapError, SnapIndex};
use crate::matrix::Conditions;
use crate::osm::{read_pbf, ReadStats};
use crate::routing::{route, Dijkstra, Metric, Route, RouteError};
use crate::time::WeekTime;
use crate::vehicle::VehicleClass;
use std::path::Path;

/// A step of loading, for progress reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Decoding PBF blocks: `(done, total)` blocks.
    Decoding,
    /// Building the graph.
    Building,
    /// Building the spatial index.
    Indexing,
}

/// Why a network could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The extract could not be read.
    #[error(transparent)]
    Osm(#[from] crate::osm::Error),
    /// The graph could not be built.
    #[error(transparent)]
    Build(#[from] crate::graph::build::BuildError),
}

/// Why a route request failed. Each variant says which end or which input.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// The class is not in the network.
    #[error("unknown vehicle class `{0}` (see `cityfreight classes`)")]
    UnknownClass(String),
    /// The start could not be snapped.
    #[error("start point: {0}")]
    From(SnapError),
    /// The destination could not be snapped.
    #[error("destination: {0}")]
    To(SnapError),
    /// No path.
    #[error(transparent)]
    Route(#[from] RouteError),
}

/// A routable road network.
pub struct Network {
    /// The graph.
    pub graph: RoadGraph,
    /// The snap index.
    pub snap_index: SnapIndex,
    /// What reading the extract reported.
    pub read_stats: ReadStats,
    /// Charging stations tagged in the extract (`amenity=charging_station` nodes).
    pub chargers: Vec<crate::osm::read::OsmCharger>,
    /// Parcel lockers tagged in the extract (`amenity=parcel_locker` nodes).
    pub lockers: Vec<crate::osm::read::OsmLocker>,
}

/// A route for a vehicle ready to leave at a moment, under [`Conditions`]: it leaves at once, or
/// waits for a later hour band whose travel time makes it arrive sooner (the rule of the solver's
/// `Profile::drive`), so leaving later never arrives earlier.
#[derive(Clone, Debug, PartialEq)]
pub struct TimedRoute {
    /// The route driven, with its snapped ends.
    pub answer: RouteAnswer,
    /// When the vehicle was ready.
    pub ready: WeekTime,
    /// Waiting before it leaves (ms; 0 unless a later band is faster).
    pub wait_ms: u64,
    /// From ready to arrival (ms): the wait plus the route's duration.
    pub arrival_ms: u64,
}

/// A route with where its ends were snapped.
#[derive(Clone, Debug, PartialEq)]
pub struct RouteAnswer {
    /// The route.
    pub route: Route,
    /// Where the start was snapped.
    pub from: Snap,
    /// Where the destination was snapped.
    pub to: Snap,
}

impl Network {
    /// Read `path` and build the graph and snap index for `classes`.
    pub fn load(
        path: &Path,
        classes: &[VehicleClass],
        progress: &(dyn Fn(Stage, u64, u64) + Sync),
    ) -> Result<Network, LoadError> {
        let extract = read_pbf(path, &|done, total| progress(Stage::Decoding, done, total))?;
        progress(Stage::Building, 0, 1);
        let graph = build_graph(&extract, classes)?;
        progress(Stage::Indexing, 0, 1);
        let snap_index = SnapIndex::new(&graph);
        Ok(Network {
            graph,
            snap_index,
            read_stats: extract.stats,
            chargers: extract.chargers,
            lockers: extract.lockers,
        })
    }

    /// The class id for a class name.
    pub fn class(&self, id: &str) -> Result<ClassId, RequestError> {
        self.graph
            .class_id(id)
            .ok_or_else(|| RequestError::UnknownClass(id.to_string()))
    }

    /// The earliest-arriving route for `class` from `from` to `to` (`[lon, lat]`), ready at
    /// `at`, under the default city congestion profile and no city policy (OSM rules only; use
    /// [`Network::route_at`] with [`Conditions`] for a policy, a permit or other traffic); both
    /// points must lie within `max_snap_m` of a road the class may use.
    pub fn route(
        &self,
        from: [f64; 2],
        to: [f64; 2],
        class: &str,
        at: WeekTime,
        max_snap_m: f64,
    ) -> Result<TimedRoute, RequestError> {
        let class = self.class(class)?;
        let from = self
            .snap_index
            .snap(&self.graph, from, class, max_snap_m)
            .map_err(RequestError::From)?;
        let to = self
            .snap_index
            .snap(&self.graph, to, class, max_snap_m)
            .map_err(RequestError::To)?;
        let policy = crate::zones::Policy::default();
        let tags = crate::zones::ZoneTags::new(&self.graph, &policy);
        let traffic = crate::traffic::Traffic::default_city();
        let conditions = Conditions {
            policy: &policy,
            tags: &tags,
            permit: None,
            traffic: &traffic,
        };
        self.route_at(&from, &to, class, at, &conditions)
    }

    /// The earliest-arriving route from `from` to `to` for `class` ready at `ready` under
    /// `conditions` (see [`TimedRoute`]). No route when none exists at `ready`.
    pub fn route_at(
        &self,
        from: &Snap,
        to: &Snap,
        class: ClassId,
        ready: WeekTime,
        conditions: &Conditions,
    ) -> Result<TimedRoute, RequestError> {
        let graph = &self.graph;
        let now = self.route_with(from, to, &conditions.metric(graph, class, ready))?;
        let bands = conditions.bands(graph, class);
        let (answer, wait_ms) = Conditions::earliest(
            &bands,
            ready,
            now,
            |a| a.route.duration_ms,
            |moment| {
                self.route_with(from, to, &conditions.metric(graph, class, moment))
                    .ok()
            },
        );
        Ok(TimedRoute {
            arrival_ms: wait_ms + answer.route.duration_ms,
            answer,
            ready,
            wait_ms,
        })
    }

    /// The fastest route between two snapped positions under `metric` (for example one built
    /// with a city policy by `Metric::with_policy`).
    pub fn route_with(
        &self,
        from: &Snap,
        to: &Snap,
        metric: &Metric,
    ) -> Result<RouteAnswer, RequestError> {
        let (from, to) = (*from, *to);
        let mut workspace = Dijkstra::new(self.graph.node_count());
        let route = route(&self.graph, metric, &from, &to, &mut workspace)?;
        Ok(RouteAnswer { route, from, to })
    }
}
