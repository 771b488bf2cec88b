//! Which roads lie in which zone: computed once per graph and policy.

use super::{Policy, MAX_ZONES};
use crate::graph::RoadGraph;
use geo::{BoundingRect, Intersects, LineString};
use rayon::prelude::*;

/// Per road, a bit mask of the zones its geometry meets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZoneTags {
    road_zones: Vec<u64>,
}

impl ZoneTags {
    /// Tag every road of `graph` with the zones of `policy` (in parallel over roads).
    pub fn new(graph: &RoadGraph, policy: &Policy) -> ZoneTags {
        assert!(
            policy.zones.len() <= MAX_ZONES,
            "policy validation keeps zones within {MAX_ZONES}"
        );
        let boxes: Vec<_> = policy
            .zones
            .iter()
            .map(|z| z.area.bounding_rect())
            .collect();
        let road_zones = (0..graph.road_count() as u32)
            .into_par_iter()
            .map(|road| {
                let line: LineString<f64> = graph
                    .road_geometry(road)
                    .iter()
                    .map(|p| (p[0], p[1]))
                    .collect();
                let Some(bbox) = line.bounding_rect() else {
                    return 0;
                };
                let mut mask = 0u64;
                for (z, zone) in policy.zones.iter().enumerate() {
                    if boxes[z].is_some_and(|b| b.intersects(&bbox)) && zone.area.intersects(&line)
                    {
                        mask |= 1 << z;
                    }
                }
                mask
            })
            .collect();
        ZoneTags { road_zones }
    }

    /// Zones (bit mask) road `road` meets.
    pub fn road(&self, road: u32) -> u64 {
        self.road_zones[road as usize]
    }

    /// Number of roads in zone `zone`.
    pub fn roads_in(&self, zone: usize) -> usize {
        self.road_zones
            .iter()
            .filter(|&&m| m >> zone & 1 == 1)
            .count()
    }
}
