//! Snapping a coordinate to the nearest road segment a vehicle class may use.
//!
//! Owns: the R-tree (rstar) of road segments in the graph's local planar projection, and
//! [`Snap`], a position *on a road* (road index and fraction of its length), not just a node.
//! Must never: route. Invariants: every indexed segment belongs to a road with at least one
//! edge some class may use; a snap for class `c` lies on a road with an edge `c` may use.

use super::{ClassId, Dir, RoadGraph};
use rstar::primitives::{GeomWithData, Line};
use rstar::{PointDistance, RTree};

/// Default maximum distance from a coordinate to its road (m).
pub const DEFAULT_MAX_SNAP_M: f64 = 500.0;

/// A position on a road.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Snap {
    /// The road.
    pub road: u32,
    /// Position along the road's geometry, 0 at its `from` node, 1 at its `to` node.
    pub fraction: f64,
    /// The snapped point `[lon, lat]`.
    pub point: [f64; 2],
    /// Distance from the given coordinate to the snapped point (m).
    pub distance_m: f64,
    /// Index of the geometry segment the point lies on.
    pub segment: u32,
}

/// Why a coordinate could not be snapped.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SnapError {
    /// Not a valid WGS84 coordinate.
    #[error("{lon},{lat} is not a valid longitude,latitude pair")]
    Invalid {
        /// Longitude as given.
        lon: f64,
        /// Latitude as given.
        lat: f64,
    },
    /// Outside the map's extent (by more than the maximum snap distance).
    #[error("{lon},{lat} is outside the map (roads span lon {min_lon:.5}..{max_lon:.5}, lat {min_lat:.5}..{max_lat:.5})")]
    OutsideMap {
        /// Longitude.
        lon: f64,
        /// Latitude.
        lat: f64,
        /// Map extent.
        min_lon: f64,
        /// Map extent.
        max_lon: f64,
        /// Map extent.
        min_lat: f64,
        /// Map extent.
        max_lat: f64,
    },
    /// The nearest road the class may use is too far.
    #[error("{lon},{lat} is {distance_m:.0} m from the nearest road usable by `{class}` (limit {max_m:.0} m)")]
    TooFar {
        /// Longitude.
        lon: f64,
        /// Latitude.
        lat: f64,
        /// The class.
        class: String,
        /// Distance to the nearest usable road (m).
        distance_m: f64,
        /// The limit (m).
        max_m: f64,
    },
    /// The class may use no road at all.
    #[error("no road in the map is usable by `{class}`")]
    NoRoad {
        /// The class.
        class: String,
    },
}

type Segment = GeomWithData<Line<[f64; 2]>, (u32, u32)>;

/// The spatial index of a graph's road segments.
pub struct SnapIndex {
    tree: RTree<Segment>,
    /// Per road, bit `c` set if class `c` may use some edge along it.
    road_mask: Vec<u32>,
    extent: [f64; 4],
}

impl SnapIndex {
    /// Index every segment of every road some class may use.
    pub fn new(graph: &RoadGraph) -> SnapIndex {
        let proj = graph.projection();
        let mut road_mask = vec![0u32; graph.road_count()];
        for (e, &rd) in graph.edge_road.iter().enumerate() {
            road_mask[(rd >> 1) as usize] |= graph.edge_mask[e];
        }
        let mut segments = Vec::new();
        let mut extent = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        for road in 0..graph.road_count() as u32 {
            if road_mask[road as usize] == 0 {
                continue;
            }
            let geometry = graph.road_geometry(road);
            for (i, w) in geometry.windows(2).enumerate() {
                segments.push(GeomWithData::new(
                    Line::new(proj.project(w[0]), proj.project(w[1])),
                    (road, i as u32),
                ));
            }
            for p in geometry {
                extent = [
                    extent[0].min(p[0]),
                    extent[1].min(p[1]),
                    extent[2].max(p[0]),
                    extent[3].max(p[1]),
                ];
            }
        }
        SnapIndex {
            tree: RTree::bulk_load(segments),
            road_mask,
            extent,
        }
    }

    /// Snap `[lon, lat]` to the nearest road `class` may use, at most `max_m` metres away.
    pub fn snap(
        &self,
        graph: &RoadGraph,
        lon_lat: [f64; 2],
        class: ClassId,
        max_m: f64,
    ) -> Result<Snap, SnapError> {
        let [lon, lat] = lon_lat;
        if !(lon.is_finite()
            && lat.is_finite()
            && (-180.0..=180.0).contains(&lon)
            && (-90.0..=90.0).contains(&lat))
        {
            return Err(SnapError::Invalid { lon, lat });
        }
        let proj = graph.projection();
        let [min_lon, min_lat, max_lon, max_lat] = self.extent;
        let q = proj.project(lon_lat);
        let (lo, hi) = (
            proj.project([min_lon, min_lat]),
            proj.project([max_lon, max_lat]),
        );
        if q[0] < lo[0] - max_m
            || q[0] > hi[0] + max_m
            || q[1] < lo[1] - max_m
            || q[1] > hi[1] + max_m
        {
            return Err(SnapError::OutsideMap {
                lon,
                lat,
                min_lon,
                max_lon,
                min_lat,
                max_lat,
            });
        }
        let bit = 1u32 << class.0;
        let class_name = || graph.class(class).id.clone();
        // The nearest segment is almost always usable: try it before the (slower) ordered scan.
        let usable = |s: &&Segment| self.road_mask[s.data.0 as usize] & bit != 0;
        let nearest = self
            .tree
            .nearest_neighbor(&q)
            .filter(usable)
            .map(|s| (s, s.distance_2(&q)));
        let Some((segment, d2)) = nearest.or_else(|| {
            self.tree
                .nearest_neighbor_iter_with_distance_2(&q)
                .find(|(s, _)| usable(s))
        }) else {
            return Err(SnapError::NoRoad {
                class: class_name(),
            });
        };
        let distance_m = d2.sqrt();
        if distance_m > max_m {
            return Err(SnapError::TooFar {
                lon,
                lat,
                class: class_name(),
                distance_m,
                max_m,
            });
        }
        let (road, seg) = segment.data;
        let on_line = segment.geom().nearest_point(&q);
        Ok(Snap {
            road,
            fraction: fraction_along(graph, road, seg, on_line),
            point: proj.unproject(on_line),
            distance_m,
            segment: seg,
        })
    }

    /// Number of indexed segments.
    pub fn len(&self) -> usize {
        self.tree.size()
    }

    /// True when no segment is indexed.
    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }
}

/// Fraction of the road's planar length from its start to `point` on segment `seg`.
fn fraction_along(graph: &RoadGraph, road: u32, seg: u32, point: [f64; 2]) -> f64 {
    let proj = graph.projection();
    let len = |a: [f64; 2], b: [f64; 2]| ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt();
    let (mut total, mut before) = (0.0, 0.0);
    let geometry = graph.road_geometry(road);
    let mut prev = proj.project(geometry[0]);
    for (i, &p) in geometry.iter().enumerate().skip(1) {
        let here = proj.project(p);
        let l = len(prev, here);
        if i <= seg as usize {
            before += l;
        } else if i == seg as usize + 1 {
            before += len(prev, point);
        }
        total += l;
        prev = here;
    }
    if total <= 0.0 {
        return 0.0;
    }
    (before / total).clamp(0.0, 1.0)
}

impl Snap {
    /// The part of the road's geometry from the snapped point onwards in `dir`
    /// (snapped point first).
    pub fn geometry_after(&self, graph: &RoadGraph, dir: Dir) -> Vec<[f64; 2]> {
        let g = graph.road_geometry(self.road);
        let s = self.segment as usize;
        let mut out = vec![self.point];
        match dir {
            Dir::Forward => out.extend_from_slice(&g[s + 1..]),
            Dir::Backward => out.extend(g[..=s].iter().rev()),
        }
        out
    }

    /// The part of the road's geometry before the snapped point in `dir` (snapped point last).
    pub fn geometry_before(&self, graph: &RoadGraph, dir: Dir) -> Vec<[f64; 2]> {
        let mut after = self.geometry_after(graph, opposite(dir));
        after.reverse();
        after
    }
}

fn opposite(dir: Dir) -> Dir {
    match dir {
        Dir::Forward => Dir::Backward,
        Dir::Backward => Dir::Forward,
    }
}
