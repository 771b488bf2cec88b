//! Travel matrices computed once per (vehicle class, permit, metric of an hour band) over every
//! location of a set of carriers, and sliced for each pool of those carriers.
//!
//! `share` plans up to 4,095 coalitions (and sampled ones above 12 carriers); each pool
//! used to customize every profile's metric and compute its matrix again. A [`MatrixCache`] does
//! that once for the union of the carriers' depots and orders; a pool's matrices are then slices
//! of it.
//!
//! Owns: [`MatrixCache`]. Must never: decide who may deliver what (a pool blanks the locations a
//! profile may not visit after slicing).
//! Invariants: a sliced entry equals the entry of a matrix computed for the pool's own points,
//! because every entry of `MatrixEngine::matrix` depends only on its two snapped points (tested:
//! the demo plans the same with and without the cache).

use super::PlanError;
use crate::graph::{ClassId, Snap};
use crate::matrix::{HourBands, MatrixEngine, TravelMatrix};
use crate::network::Network;
use crate::routing::Metric;
use crate::scenario::Scenario;
use crate::time::DAY;
use crate::zones::ZoneTags;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Snapping radius for depots and orders (m).
pub(crate) const SNAP_RADIUS_M: f64 = 500.0;

/// One (class, permit): its snapped locations, hour bands of the plan day and matrices.
pub(crate) struct ProfileMatrices {
    /// Snap of every cached location for the class (`None`: no road it may use nearby).
    pub(crate) snaps: Vec<Option<Snap>>,
    /// Band starts within the plan day (s) and the metric index of each.
    pub(crate) bands: Vec<(u32, usize)>,
    /// Metric per distinct index.
    pub(crate) metrics: BTreeMap<usize, Metric>,
    /// Matrix over all cached locations per distinct metric index.
    pub(crate) matrices: BTreeMap<usize, TravelMatrix>,
}

/// Matrices over the locations of a set of carriers: location `c` is carrier `carriers[c]`'s
/// depot, then come the carriers' orders in scenario order, then every bay, every charging station and every parcel locker of the scenario.
pub(crate) struct MatrixCache {
    /// Scenario carrier index to the location of its depot and of its first order.
    index: BTreeMap<usize, (usize, usize)>,
    /// Location of the scenario's first bay (the charging stations follow the bays).
    first_bay: usize,
    /// Bays in the scenario.
    bays: usize,
    /// Charging stations in the scenario (the parcel lockers follow them).
    stations: usize,
    /// Per (class, permit).
    profiles: BTreeMap<(u8, Option<usize>), ProfileMatrices>,
}

impl MatrixCache {
    /// Matrices for every (class, permit) in the fleets of `carriers` over all their locations.
    pub(crate) fn build(
        scenario: &Scenario,
        network: &Network,
        engine: &MatrixEngine,
        tags: &ZoneTags,
        carriers: &[usize],
    ) -> Result<MatrixCache, PlanError> {
        let graph = &network.graph;
        let mut points: Vec<[f64; 2]> = carriers
            .iter()
            .map(|&c| scenario.carriers[c].depot)
            .collect();
        let mut index = BTreeMap::new();
        for (k, &c) in carriers.iter().enumerate() {
            index.insert(c, (k, points.len()));
            points.extend(scenario.carriers[c].orders.iter().map(|o| o.lon_lat));
        }
        let first_bay = points.len();
        points.extend(scenario.bays.iter().map(|b| b.lon_lat));
        points.extend(scenario.stations.iter().map(|s| s.lon_lat));
        points.extend(scenario.lockers.list.iter().map(|l| l.lon_lat));
        let mut keys: Vec<(u8, Option<usize>)> = carriers
            .iter()
            .flat_map(|&c| scenario.carriers[c].fleet.iter())
            .map(|f| (f.class as u8, f.permit))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let day_start = u32::from(scenario.day) * DAY;
        let mut profiles = BTreeMap::new();
        for key in keys {
            let (class, permit) = (ClassId(key.0), key.1);
            let snaps: Vec<Option<Snap>> = points
                .par_iter()
                .map(|&p| network.snap_index.snap(graph, p, class, SNAP_RADIUS_M).ok())
                .collect();
            let hour_bands =
                HourBands::with_traffic(graph, class, &scenario.policy, permit, &scenario.traffic);
            let day_bands: Vec<(u32, u32, usize)> = hour_bands
                .bands
                .iter()
                .filter(|b| b.end > day_start && b.start < day_start + DAY)
                .map(|b| {
                    let start = b.start.max(day_start) - day_start;
                    (start, b.end.min(day_start + DAY) - day_start, b.metric)
                })
                .collect();
            // Only the bands some vehicle of this class and permit can drive in, from the
            // earliest shift opening to the latest close: under congestion a day has five
            // metrics, and the night's is of no use to a day fleet. The first band kept covers
            // everything before it (the solver's first band starts at `Time::MIN`), where no
            // vehicle of the key drives.
            let (open, close) = carriers
                .iter()
                .flat_map(|&c| scenario.carriers[c].fleet.iter())
                .filter(|f| (f.class as u8, f.permit) == key)
                .fold((DAY, 0), |(o, c), f| (o.min(f.shift.0), c.max(f.shift.1)));
            let mut bands: Vec<(u32, usize)> = day_bands
                .iter()
                .filter(|&&(start, end, _)| end > open && start < close)
                .map(|&(start, _, m)| (start, m))
                .collect();
            if bands.is_empty() {
                bands.push((0, day_bands[0].2));
            }
            let mut metrics = BTreeMap::new();
            let mut matrices = BTreeMap::new();
            for &(_, m) in &bands {
                if metrics.contains_key(&m) {
                    continue;
                }
                let metric = Metric::with_policy(
                    graph,
                    class,
                    hour_bands.metrics[m],
                    &scenario.policy,
                    tags,
                    permit,
                )
                .with_traffic(graph, &scenario.traffic);
                let custom = engine.customize(&metric)?;
                matrices.insert(m, engine.matrix(graph, &metric, &custom, &snaps));
                metrics.insert(m, metric);
            }
            profiles.insert(
                key,
                ProfileMatrices {
                    snaps,
                    bands,
                    metrics,
                    matrices,
                },
            );
        }
        Ok(MatrixCache {
            index,
            first_bay,
            bays: scenario.bays.len(),
            stations: scenario.stations.len(),
            profiles,
        })
    }

    /// The matrices of a class and permit (`None` if no cached carrier's fleet has it).
    pub(crate) fn profile(
        &self,
        class: ClassId,
        permit: Option<usize>,
    ) -> Option<&ProfileMatrices> {
        self.profiles.get(&(class.0, permit))
    }

    /// The cached location of carrier `c`'s depot (`None` if the carrier is not cached).
    pub(crate) fn depot(&self, c: usize) -> Option<usize> {
        self.index.get(&c).map(|&(d, _)| d)
    }

    /// The cached location of carrier `c`'s order `o`.
    pub(crate) fn order(&self, c: usize, o: usize) -> Option<usize> {
        self.index.get(&c).map(|&(_, first)| first + o)
    }

    /// The cached location of the scenario's bay `b`.
    pub(crate) fn bay(&self, b: usize) -> Option<usize> {
        Some(self.first_bay + b)
    }

    /// The cached location of the scenario's charging station `s`.
    pub(crate) fn station(&self, s: usize) -> Option<usize> {
        Some(self.first_bay + self.bays + s)
    }

    /// The cached location of the scenario's parcel locker or pickup point `k`.
    pub(crate) fn locker(&self, k: usize) -> Option<usize> {
        Some(self.first_bay + self.bays + self.stations + k)
    }

    /// Are all of `members` cached?
    pub(crate) fn covers(&self, members: &[usize]) -> bool {
        members.iter().all(|c| self.index.contains_key(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Under congestion a day has five metrics; a fleet working 06:00-20:00 gets matrices only for
    /// the bands it can drive in (not the night's), and the first band kept covers the early hours.
    #[test]
    fn only_the_bands_a_fleet_can_drive_in_get_matrices() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut s = crate::io::scenario::read_scenario(
            &root.join("data/scenarios/chengdu-core/scenario.toml"),
        )
        .unwrap();
        s.policy = crate::zones::Policy::default();
        for f in &mut s.carriers[0].fleet {
            f.permit = None;
        }
        s.carriers[0]
            .fleet
            .retain(|f| s.classes[f.class].id == "e-micro-van");
        s.carriers[0].fleet[0].shift = (6 * 3600, 20 * 3600);
        let network = Network::load(&s.osm, &s.classes, &|_, _, _| {}).unwrap();
        let (engine, _) = MatrixEngine::new(&network.graph, None).unwrap();
        let tags = ZoneTags::new(&network.graph, &s.policy);
        let cache = MatrixCache::build(&s, &network, &engine, &tags, &[0]).unwrap();
        let van = network.graph.class_id("e-micro-van").unwrap();
        let p = cache.profile(van, None).unwrap();
        let starts: Vec<u32> = p.bands.iter().map(|b| b.0 / 3600).collect();
        // Tuesday: shoulder from 06 (covering 00-06), peak 07, day 09, peak 17, day 19.
        assert_eq!(starts, vec![6, 7, 9, 17, 19], "{:?}", p.bands);
        assert_eq!(
            p.matrices.len(),
            4,
            "night and late shoulder are not computed"
        );
        assert_eq!(p.metrics.len(), 4);
    }
}
