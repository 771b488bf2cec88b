//! From two snapped positions to a route: seeds, the query, the same-road case, and geometry.

use super::dijkstra::{Dijkstra, PathCost};
use super::metric::{Metric, CLOSED};
use crate::graph::{Dir, RoadGraph, Snap};

/// Where a query may start or end: a node, with the cost of the partial road before it (for a
/// source: from the snapped point to the node) or after it (for a target: from the node to the
/// snapped point), and the edge that partial road belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seed {
    /// Graph node.
    pub node: u32,
    /// Time of the partial road (ms).
    pub time_ms: u32,
    /// Length of the partial road (cm).
    pub dist_cm: u32,
    /// The edge along whose road the partial stretch lies.
    pub edge: u32,
}

/// `part` of a whole weight, rounded to the unit.
fn part(whole: u32, fraction: f64) -> u32 {
    (f64::from(whole) * fraction.clamp(0.0, 1.0)).round() as u32
}

/// Share of the road between the snapped point and the edge's head (the rest of the way).
fn rest_fraction(snap: &Snap, dir: Dir) -> f64 {
    match dir {
        Dir::Forward => 1.0 - snap.fraction,
        Dir::Backward => snap.fraction,
    }
}

/// Seeds to leave a snapped position: along its road, to the head of every open edge.
pub fn source_seeds(graph: &RoadGraph, metric: &Metric, snap: &Snap) -> Vec<Seed> {
    seeds(graph, metric, snap, true)
}

/// Seeds to reach a snapped position: from the tail of every open edge along its road.
pub fn target_seeds(graph: &RoadGraph, metric: &Metric, snap: &Snap) -> Vec<Seed> {
    seeds(graph, metric, snap, false)
}

/// Source seeds (the rest of the road to each open edge's head) or target seeds (the part of
/// the road from each open edge's tail); the cheapest per node.
fn seeds(graph: &RoadGraph, metric: &Metric, snap: &Snap, source: bool) -> Vec<Seed> {
    let mut seeds = Vec::new();
    for dir in [Dir::Forward, Dir::Backward] {
        for &e in graph.road_dir_edges(snap.road, dir) {
            let (time, dist) = (metric.time_ms[e as usize], metric.dist_cm[e as usize]);
            if time != CLOSED {
                let rest = rest_fraction(snap, dir);
                let (node, f) = if source {
                    (graph.head(e as usize), rest)
                } else {
                    (graph.tail(e as usize), 1.0 - rest)
                };
                seeds.push(Seed {
                    node,
                    time_ms: part(time, f),
                    dist_cm: part(dist, f),
                    edge: e,
                });
            }
        }
    }
    seeds.sort_unstable_by_key(|s| (s.node, s.time_ms, s.dist_cm, s.edge));
    seeds.dedup_by_key(|s| s.node);
    seeds
}

/// The direct way along one road when both positions lie on it, in an open direction with the
/// target ahead.
pub fn same_road(
    graph: &RoadGraph,
    metric: &Metric,
    from: &Snap,
    to: &Snap,
) -> Option<(PathCost, Dir)> {
    if from.road != to.road {
        return None;
    }
    let mut best: Option<(PathCost, Dir)> = None;
    for dir in [Dir::Forward, Dir::Backward] {
        let ahead = match dir {
            Dir::Forward => to.fraction - from.fraction,
            Dir::Backward => from.fraction - to.fraction,
        };
        if ahead < 0.0 {
            continue;
        }
        let Some(&e) = graph
            .road_dir_edges(from.road, dir)
            .iter()
            .find(|&&e| metric.time_ms[e as usize] != CLOSED)
        else {
            continue;
        };
        let cost = PathCost {
            time_ms: u64::from(part(metric.time_ms[e as usize], ahead)),
            dist_cm: u64::from(part(metric.dist_cm[e as usize], ahead)),
        };
        if best.is_none_or(|(b, _)| cost < b) {
            best = Some((cost, dir));
        }
    }
    best
}

/// A route between two snapped positions.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    /// Travel time (ms).
    pub duration_ms: u64,
    /// Length (cm).
    pub distance_cm: u64,
    /// Road geometry, `[lon, lat]`, from the snapped start to the snapped end.
    pub geometry: Vec<[f64; 2]>,
    /// The whole edges driven (excluding the partial first and last roads).
    pub edges: Vec<u32>,
    /// The edge along whose road the route starts and the one along whose road it ends.
    pub first_edge: Option<u32>,
    /// See `first_edge`.
    pub last_edge: Option<u32>,
}

/// Why no route was found.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RouteError {
    /// The target cannot be reached from the source for this class at this time.
    #[error("no route for `{class}` at {at}: the destination cannot be reached (roads closed or one-way)")]
    Unreachable {
        /// The class.
        class: String,
        /// The moment.
        at: String,
    },
}

/// The fastest route from `from` to `to` under `metric`.
pub fn route(
    graph: &RoadGraph,
    metric: &Metric,
    from: &Snap,
    to: &Snap,
    workspace: &mut Dijkstra,
) -> Result<Route, RouteError> {
    let sources = source_seeds(graph, metric, from);
    let targets = target_seeds(graph, metric, to);
    let found = workspace.shortest(graph, metric, &sources, &targets);
    let direct = same_road(graph, metric, from, to);
    match (found, direct) {
        (found, Some((cost, dir))) if found.as_ref().is_none_or(|f| cost <= f.cost) => {
            let mut geometry = from.geometry_after(graph, dir);
            let take = match dir {
                Dir::Forward => (to.segment as i64 - from.segment as i64).max(0) as usize,
                Dir::Backward => (from.segment as i64 - to.segment as i64).max(0) as usize,
            };
            geometry.truncate(1 + take);
            geometry.push(to.point);
            dedup(&mut geometry);
            let edge = graph.road_dir_edges(from.road, dir).first().copied();
            Ok(Route {
                duration_ms: cost.time_ms,
                distance_cm: cost.dist_cm,
                geometry,
                edges: Vec::new(),
                first_edge: edge,
                last_edge: edge,
            })
        }
        (Some(found), _) => {
            let (s, t) = (sources[found.source], targets[found.target]);
            let mut geometry = from.geometry_after(graph, graph.edge_dir(s.edge as usize));
            for &e in &found.edges {
                let g = graph.road_geometry(graph.edge_road(e as usize));
                match graph.edge_dir(e as usize) {
                    Dir::Forward => geometry.extend_from_slice(g),
                    Dir::Backward => geometry.extend(g.iter().rev()),
                }
            }
            geometry.extend(to.geometry_before(graph, graph.edge_dir(t.edge as usize)));
            dedup(&mut geometry);
            Ok(Route {
                duration_ms: found.cost.time_ms,
                distance_cm: found.cost.dist_cm,
                geometry,
                edges: found.edges,
                first_edge: Some(s.edge),
                last_edge: Some(t.edge),
            })
        }
        _ => Err(RouteError::Unreachable {
            class: graph.class(metric.class).id.clone(),
            at: metric.at.to_string(),
        }),
    }
}

fn dedup(points: &mut Vec<[f64; 2]>) {
    points.dedup_by(|a, b| (a[0] - b[0]).abs() < 1e-9 && (a[1] - b[1]).abs() < 1e-9);
}
