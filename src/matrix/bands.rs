//! Hour bands: the stretches of the week in which a class's access rules do not change.
//!
//! Bands come from the union of every conditional rule's switching moments and, under congestion,
//! of the hours at which speeds change ([`Traffic::boundaries`]); bands in which every road has
//! the same access for the class and the same traffic factor share one metric (and so one
//! customization and one matrix).

use super::TravelMatrix;
use crate::graph::{ClassId, RoadGraph};
use crate::routing::Metric;
use crate::time::{WeekTime, WEEK};
use crate::traffic::Traffic;
use crate::zones::{Policy, ZoneTags};

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
    /// `permit` (an index into `policy.permits`) or none, at free-flow speeds.
    pub fn with_policy(
        graph: &RoadGraph,
        class: ClassId,
        policy: &Policy,
        permit: Option<usize>,
    ) -> HourBands {
        HourBands::with_traffic(graph, class, policy, permit, &Traffic::free_flow())
    }

    /// As [`HourBands::with_policy`], and cut where `traffic` changes speeds; a band's metric is
    /// then `Metric::with_policy(..).with_traffic(..)` at its representative moment.
    pub fn with_traffic(
        graph: &RoadGraph,
        class: ClassId,
        policy: &Policy,
        permit: Option<usize>,
        traffic: &Traffic,
    ) -> HourBands {
        let mut starts: Vec<u32> = std::iter::once(0)
            .chain(graph.rule_boundaries().iter().copied())
            .chain(policy.boundaries())
            .chain(traffic.boundaries())
            .collect();
        let traffic_states = traffic.hour_states();
        starts.sort_unstable();
        starts.dedup();
        let mut signatures: Vec<Vec<usize>> = Vec::new();
        let mut metrics = Vec::new();
        let mut bands: Vec<Band> = Vec::new();
        for (i, &start) in starts.iter().enumerate() {
            let end = starts.get(i + 1).copied().unwrap_or(WEEK);
            let t = WeekTime::from_seconds(start);
            let closed_zones = policy.closed_zones(graph.class(class), t, permit);
            let signature: Vec<usize> = (0..graph.access_rule_count())
                .map(|r| usize::from(graph.rule_access(r, class).is_open_at(t)))
                .chain((0..64).map(|z| (closed_zones >> z & 1) as usize))
                .chain(std::iter::once(
                    traffic_states[crate::traffic::hour_of_week(t)],
                ))
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
        &self.bands[self.index_at(t)]
    }

    /// The index in [`HourBands::bands`] of the band containing `t`.
    pub fn index_at(&self, t: WeekTime) -> usize {
        let s = t.seconds();
        self.bands.partition_point(|b| b.start <= s) - 1
    }
}

/// Everything besides the roads that decides how one vehicle class travels at a moment: the
/// city's policy (its zones tagged on the graph), the permit held, and congestion. Route and
/// matrix queries (`cityfreight route --at`, `matrix --at`, `/v1/table`, `/v1/route`) and plans
/// all build their hour bands and metrics here, so they agree on every time.
#[derive(Clone, Copy, Debug)]
pub struct Conditions<'a> {
    /// Zones, rules and permits.
    pub policy: &'a Policy,
    /// The policy's zones on the graph's roads.
    pub tags: &'a ZoneTags,
    /// The permit held (an index into `policy.permits`), if any.
    pub permit: Option<usize>,
    /// Congestion.
    pub traffic: &'a Traffic,
}

impl Conditions<'_> {
    /// The hour bands of `class`.
    pub fn bands(&self, graph: &RoadGraph, class: ClassId) -> HourBands {
        HourBands::with_traffic(graph, class, self.policy, self.permit, self.traffic)
    }

    /// The metric of `class` at `t` (access, closed zones and congestion in force then).
    pub fn metric(&self, graph: &RoadGraph, class: ClassId, t: WeekTime) -> Metric {
        Metric::with_policy(graph, class, t, self.policy, self.tags, self.permit)
            .with_traffic(graph, self.traffic)
    }

    /// The earliest arrival for a vehicle ready at `t`: `now` (driven in the band of `t`, taking
    /// `duration_ms(&now)`), or, where a later band arrives sooner, what `in_band(moment)` gives
    /// for that band's metric moment, after waiting for the band to start. Returns the choice and
    /// its wait (ms). The one rule behind route queries with a wait ([`Conditions::later_bands`]).
    pub fn earliest<T>(
        bands: &HourBands,
        t: WeekTime,
        now: T,
        duration_ms: impl Fn(&T) -> u64,
        mut in_band: impl FnMut(WeekTime) -> Option<T>,
    ) -> (T, u64) {
        let mut arrival = duration_ms(&now);
        let mut best = (now, 0);
        for (offset_ms, metric) in Conditions::later_bands(bands, t, arrival) {
            if offset_ms >= arrival {
                break;
            }
            if let Some(later) = in_band(bands.metrics[metric]) {
                if offset_ms + duration_ms(&later) < arrival {
                    arrival = offset_ms + duration_ms(&later);
                    best = (later, offset_ms);
                }
            }
        }
        best
    }

    /// The matrix for a vehicle ready at `t`: `in_band(moment)` gives the matrix of the band with
    /// that metric moment; the band of `t`'s is improved by every later band that starts before
    /// its longest entry ([`TravelMatrix::wait_for`]). Returns it and how many entries improved.
    pub fn earliest_matrix<E>(
        bands: &HourBands,
        t: WeekTime,
        mut in_band: impl FnMut(WeekTime) -> Result<TravelMatrix, E>,
    ) -> Result<(TravelMatrix, usize), E> {
        let mut m = in_band(bands.metrics[bands.band_at(t).metric])?;
        let longest = (0..m.len())
            .flat_map(|i| (0..m.len()).map(move |j| (i, j)))
            .filter_map(|(i, j)| m.get(i, j).map(|c| c.time_ms))
            .max()
            .unwrap_or(0);
        let mut waits = 0;
        for (offset_ms, metric) in Conditions::later_bands(bands, t, longest) {
            waits += m.wait_for(offset_ms, &in_band(bands.metrics[metric])?);
        }
        Ok((m, waits))
    }

    /// Later bands a vehicle ready at `t` might wait for: every band after the one containing `t`
    /// that starts less than `horizon_ms` after `t` (the week wraps), with its start's offset from
    /// `t` (ms) and its metric index. [`crate::solver::model::Profile::drive`] makes the same
    /// choice over the plan day's bands.
    pub fn later_bands(bands: &HourBands, t: WeekTime, horizon_ms: u64) -> Vec<(u64, usize)> {
        let now = bands.index_at(t);
        let current = bands.bands[now].metric;
        let mut out = Vec::new();
        let n = bands.bands.len();
        for k in 1..n {
            let band = &bands.bands[(now + k) % n];
            let offset_s = (u64::from(band.start) + u64::from(WEEK) - u64::from(t.seconds()))
                % u64::from(WEEK);
            if offset_s * 1000 >= horizon_ms {
                break;
            }
            if band.metric != current {
                out.push((offset_s * 1000, band.metric));
            }
        }
        out
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
