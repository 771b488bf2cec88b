//! Hour bands: the stretches of the week in which a class's access rules do not change.
//!
//! Bands come from the union of every conditional rule's switching moments; consecutive bands in
//! which every road has the same access for the class share one metric (and so one
//! customization and one matrix).

use crate::graph::{ClassId, RoadGraph};
use crate::time::{WeekTime, WEEK};
use crate::zones::Policy;

/// A stretch `[start, end)` of the week (seconds since Monday 00:00) with constant access.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Band {
    /// First second of the band.
    pub start: u32,
    /// First second after the band.
    pub end: u32,
    /// Index of the band's metric in [`HourBands::metrics`].
    pub metric: usize,
}

/// The hour bands of one class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HourBands {
    /// The class.
    pub class: ClassId,
    /// Bands in week order, covering the whole week.
    pub bands: Vec<Band>,
    /// One representative moment per distinct metric (the start of its first band).
    pub metrics: Vec<WeekTime>,
}

impl HourBands {
    /// The bands of `class` on `graph` (OSM conditional rules only).
    pub fn new(graph: &RoadGraph, class: ClassId) -> HourBands {
        HourBands::with_policy(graph, class, &Policy::default(), None)
    }

    /// The bands of `class` under OSM conditional rules and a city policy, for a vehicle holding
    /// `permit` (an index into `policy.permits`) or none.
    pub fn with_policy(
        graph: &RoadGraph,
        class: ClassId,
        policy: &Policy,
        permit: Option<usize>,
    ) -> HourBands {
        let mut starts: Vec<u32> = std::iter::once(0)
            .chain(graph.rule_boundaries().iter().copied())
            .chain(policy.boundaries())
            .collect();
        starts.sort_unstable();
        starts.dedup();
        let mut signatures: Vec<Vec<bool>> = Vec::new();
        let mut metrics = Vec::new();
        let mut bands: Vec<Band> = Vec::new();
        for (i, &start) in starts.iter().enumerate() {
            let end = starts.get(i + 1).copied().unwrap_or(WEEK);
            let t = WeekTime::from_seconds(start);
            let closed_zones = policy.closed_zones(graph.class(class), t, permit);
            let signature: Vec<bool> = (0..graph.access_rule_count())
                .map(|r| graph.rule_access(r, class).is_open_at(t))
                .chain((0..64).map(|z| closed_zones >> z & 1 == 1))
                .collect();
            let metric = match signatures.iter().position(|s| *s == signature) {
                Some(m) => m,
                None => {
                    signatures.push(signature);
                    metrics.push(t);
                    metrics.len() - 1
                }
            };
            match bands.last_mut() {
                Some(last) if last.metric == metric => last.end = end,
                _ => bands.push(Band { start, end, metric }),
            }
        }
        HourBands {
            class,
            bands,
            metrics,
        }
    }

    /// The band containing `t`.
    pub fn band_at(&self, t: WeekTime) -> &Band {
        let s = t.seconds();
        let i = self.bands.partition_point(|b| b.start <= s) - 1;
        &self.bands[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::build_graph;
    use crate::osm::read_pbf;
    use crate::vehicle::default_classes;

    #[test]
    fn night_truck_ban_gives_trucks_two_metrics_and_vans_one() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("data/osm/nh-access-restriction.osm.pbf");
        let graph = build_graph(&read_pbf(&path, &|_, _| {}).unwrap(), &default_classes()).unwrap();
        let truck = HourBands::new(&graph, graph.class_id("diesel-medium-truck").unwrap());
        assert_eq!(truck.metrics.len(), 2, "{truck:?}");
        // 19:00-06:00 every night: bands alternate, and the week is covered without gaps.
        assert_eq!(truck.bands.first().unwrap().start, 0);
        assert_eq!(truck.bands.last().unwrap().end, WEEK);
        assert!(truck
            .bands
            .windows(2)
            .all(|w| w[0].end == w[1].start && w[0].metric != w[1].metric));
        let noon = truck.band_at(WeekTime::parse("We 12:00").unwrap()).metric;
        let night = truck.band_at(WeekTime::parse("We 20:00").unwrap()).metric;
        assert_ne!(noon, night);
        assert_eq!(
            truck.band_at(WeekTime::parse("Th 05:00").unwrap()).metric,
            night
        );
        let van = HourBands::new(&graph, graph.class_id("e-micro-van").unwrap());
        assert_eq!((van.metrics.len(), van.bands.len()), (1, 1));
    }
}
