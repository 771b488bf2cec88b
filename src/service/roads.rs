//! The loaded extract as the service sees it: snapping, travel matrices and routes for a vehicle
//! class, a permit and a moment of the week under the server's city policy.
//!
//! Owns: [`Roads`] (network, CCH engine, policy, zone tags and a cache of customized metrics per
//! class, permit and hour band). Must never: parse JSON or know VROOM's shapes. Invariants: a
//! matrix entry equals what [`crate::matrix::MatrixEngine::matrix`] returns for the same points,
//! class and band (the cache only saves the customization, keyed by the band's metric moment,
//! which determines the metric); the cache holds at most one entry per (class, permit, band
//! metric) of the week, so it is bounded by the policy, not by the requests.

use crate::cch::CustomizedMetric;
use crate::graph::{ClassId, Snap, SnapError};
use crate::matrix::{Conditions, HourBands, MatrixEngine, TravelMatrix};
use crate::network::Network;
use crate::routing::{Dijkstra, Metric, Route};
use crate::time::WeekTime;
use crate::traffic::Traffic;
use crate::zones::{Policy, ZoneTags};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// Largest distance (m) from a point to the road it is snapped to.
pub const SNAP_RADIUS_M: f64 = crate::graph::snap::DEFAULT_MAX_SNAP_M;

/// A metric and its customization.
pub struct Customized {
    /// Per-edge weights.
    pub metric: Metric,
    /// The CCH under those weights.
    pub custom: CustomizedMetric<'static>,
}

type Key = (u8, Option<usize>);

/// The extract, its CCH and the city policy, shared by every request.
pub struct Roads {
    /// The road network.
    pub network: &'static Network,
    engine: &'static MatrixEngine,
    /// The city's zones, rules and permits (empty without `--policy`).
    pub policy: Policy,
    /// Congestion by hour (the default city profile unless `serve` is told otherwise).
    pub traffic: Traffic,
    tags: ZoneTags,
    bands: Mutex<BTreeMap<Key, Arc<HourBands>>>,
    customized: Mutex<BTreeMap<(Key, u32), Arc<Customized>>>,
}

impl Roads {
    /// Wrap a loaded network, its matrix engine and a policy (already checked against the
    /// network's classes), under the default congestion profile.
    pub fn new(network: &'static Network, engine: &'static MatrixEngine, policy: Policy) -> Self {
        Self::with_traffic(network, engine, policy, Traffic::default_city())
    }

    /// As [`Roads::new`] under `traffic`.
    pub fn with_traffic(
        network: &'static Network,
        engine: &'static MatrixEngine,
        policy: Policy,
        traffic: Traffic,
    ) -> Self {
        let tags = ZoneTags::new(&network.graph, &policy);
        Self {
            network,
            engine,
            policy,
            traffic,
            tags,
            bands: Mutex::new(BTreeMap::new()),
            customized: Mutex::new(BTreeMap::new()),
        }
    }

    /// The CCH engine (for planning whole scenarios).
    pub fn engine(&self) -> &'static MatrixEngine {
        self.engine
    }

    /// The class id of a class name.
    pub fn class(&self, name: &str) -> Option<ClassId> {
        self.network.graph.class_id(name)
    }

    /// Class names of the network.
    pub fn class_names(&self) -> Vec<String> {
        self.network
            .graph
            .classes()
            .iter()
            .map(|c| c.id.clone())
            .collect()
    }

    /// The permit index of a permit id.
    pub fn permit(&self, id: &str) -> Option<usize> {
        self.policy.permit(id)
    }

    /// The hour bands of a class holding `permit` under the policy.
    pub fn bands(&self, class: ClassId, permit: Option<usize>) -> Arc<HourBands> {
        let key = (class.0, permit);
        if let Some(b) = lock(&self.bands).get(&key) {
            return b.clone();
        }
        let bands = Arc::new(self.conditions(permit).bands(&self.network.graph, class));
        lock(&self.bands).insert(key, bands.clone());
        bands
    }

    /// The customized metric of the band that `at` falls in.
    pub fn customized(
        &self,
        class: ClassId,
        permit: Option<usize>,
        at: WeekTime,
    ) -> Result<Arc<Customized>, String> {
        let bands = self.bands(class, permit);
        let band = *bands.band_at(at);
        let moment = bands.metrics[band.metric];
        self.customized_at(class, permit, moment)
    }

    /// The customized metric for exactly `moment` (a band's metric moment).
    fn customized_at(
        &self,
        class: ClassId,
        permit: Option<usize>,
        moment: WeekTime,
    ) -> Result<Arc<Customized>, String> {
        let key = ((class.0, permit), moment.seconds());
        if let Some(c) = lock(&self.customized).get(&key) {
            return Ok(c.clone());
        }
        let metric = self
            .conditions(permit)
            .metric(&self.network.graph, class, moment);
        let custom = self
            .engine
            .customize(&metric)
            .map_err(|e| format!("customizing the road metric: {e}"))?;
        let entry = Arc::new(Customized { metric, custom });
        lock(&self.customized).insert(key, entry.clone());
        Ok(entry)
    }

    /// The policy, zone tags, a permit and the traffic as one [`Conditions`].
    pub fn conditions(&self, permit: Option<usize>) -> Conditions<'_> {
        Conditions {
            policy: &self.policy,
            tags: &self.tags,
            permit,
            traffic: &self.traffic,
        }
    }

    /// The matrix between `points` for a vehicle ready at `at`: the band's matrix, with each
    /// entry improved by waiting for a later band where that arrives sooner (the rule of plans and
    /// of `cityfreight matrix --at`).
    pub fn matrix_at(
        &self,
        class: ClassId,
        permit: Option<usize>,
        at: WeekTime,
        points: &[Option<Snap>],
    ) -> Result<TravelMatrix, String> {
        let bands = self.bands(class, permit);
        let (m, _) = Conditions::earliest_matrix(&bands, at, |moment| {
            Ok::<_, String>(self.matrix(&*self.customized_at(class, permit, moment)?, points))
        })?;
        Ok(m)
    }

    /// The earliest-arriving route for a vehicle ready at `at` and its wait (ms) before leaving.
    pub fn route_at(
        &self,
        class: ClassId,
        permit: Option<usize>,
        at: WeekTime,
        from: &Snap,
        to: &Snap,
    ) -> Result<Option<(Route, u64)>, String> {
        let Some(now) = self.route(&*self.customized(class, permit, at)?, from, to) else {
            return Ok(None);
        };
        let bands = self.bands(class, permit);
        let mut failed = None;
        let best = Conditions::earliest(
            &bands,
            at,
            now,
            |r| r.duration_ms,
            |moment| match self.customized_at(class, permit, moment) {
                Ok(c) => self.route(&c, from, to),
                Err(e) => {
                    failed = Some(e);
                    None
                }
            },
        );
        match failed {
            Some(e) => Err(e),
            None => Ok(Some(best)),
        }
    }

    /// A metric without the policy (how the roads are, whatever the city rules), for judging
    /// whether a leg is closed by the policy or by the roads themselves.
    pub fn free(&self, class: ClassId, at: WeekTime) -> Result<Arc<Customized>, String> {
        let bands = HourBands::new(&self.network.graph, class);
        let band = *bands.band_at(at);
        let moment = bands.metrics[band.metric];
        let key = ((class.0, Some(usize::MAX)), moment.seconds());
        if let Some(c) = lock(&self.customized).get(&key) {
            return Ok(c.clone());
        }
        let metric = Metric::new(&self.network.graph, class, moment);
        let custom = self
            .engine
            .customize(&metric)
            .map_err(|e| format!("customizing the road metric: {e}"))?;
        let entry = Arc::new(Customized { metric, custom });
        lock(&self.customized).insert(key, entry.clone());
        Ok(entry)
    }

    /// Snap `[lon, lat]` for `class`.
    pub fn snap(&self, lon_lat: [f64; 2], class: ClassId) -> Result<Snap, SnapError> {
        self.network
            .snap_index
            .snap(&self.network.graph, lon_lat, class, SNAP_RADIUS_M)
    }

    /// The matrix between `points` (rows and columns; `None`: unreachable row and column).
    pub fn matrix(&self, c: &Customized, points: &[Option<Snap>]) -> TravelMatrix {
        self.engine
            .matrix(&self.network.graph, &c.metric, &c.custom, points)
    }

    /// The fastest route between two snapped points under `c`.
    pub fn route(&self, c: &Customized, from: &Snap, to: &Snap) -> Option<Route> {
        let mut workspace = Dijkstra::new(self.network.graph.node_count());
        crate::routing::route(&self.network.graph, &c.metric, from, to, &mut workspace).ok()
    }

    /// Ids of the zones closed to `class` holding `permit` at `at`.
    pub fn closed_zones(&self, class: ClassId, permit: Option<usize>, at: WeekTime) -> Vec<String> {
        let closed = self
            .policy
            .closed_zones(self.network.graph.class(class), at, permit);
        self.policy
            .zones
            .iter()
            .enumerate()
            .filter(|(z, _)| closed >> z & 1 == 1)
            .map(|(_, zone)| zone.id.clone())
            .collect()
    }
}

/// Lock a cache, recovering from a poisoned lock (a panicking request must not take the cache
/// down with it: entries are only ever inserted whole).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
