//! Travel-time matrices per vehicle class and hour band, on top of the CCH.
//!
//! Owns: [`HourBands`] (which moments of the week share a metric), [`MatrixEngine`] (the
//! metric-independent CCH of a road graph, loaded from or saved to a cache file next to the
//! extract) and [`TravelMatrix`] (fastest-path time and its distance between snapped points).
//! Must never: read points or write outputs (that is `io` and `cli`), or decide access.
//!
//! Invariants: every entry equals what `routing::route` returns for the same pair, class and
//! moment — the same seeds (positions part-way along roads) go into the CCH, and pairs on one road
//! get the direct stretch when it is cheaper; unreachable pairs (and rows/columns of points that
//! could not be snapped) are `None`, never a large number.

pub mod bands;

pub use bands::{Band, Conditions, HourBands};

use crate::cch::{self, Cch, CustomizedMetric, PathCost, Topology};
use crate::graph::{RoadGraph, Snap};
use crate::routing::route::same_road;
use crate::routing::{source_seeds, target_seeds, Metric};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Why a matrix engine could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The CCH could not be built.
    #[error("building the contraction hierarchy: {0}")]
    Cch(#[from] cch::Error),
}

/// What happened with the cache file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CacheOutcome {
    /// A valid cache was read.
    Loaded(PathBuf),
    /// Built and saved for next time.
    Saved(PathBuf),
    /// Built; the cache could not be written (read-only folder, ...), with the reason.
    NotSaved(PathBuf, String),
    /// No cache requested.
    Disabled,
}

/// The metric-independent part of fast matrices for one road graph.
pub struct MatrixEngine {
    cch: Cch,
}

impl MatrixEngine {
    /// Prepare the CCH of `graph`: read it from `cache` if that file matches the graph (same
    /// topology fingerprint and format version), otherwise build it and try to save it there.
    pub fn new(
        graph: &RoadGraph,
        cache: Option<&Path>,
    ) -> Result<(MatrixEngine, CacheOutcome), Error> {
        let projected: Vec<[f64; 2]> = graph
            .coords()
            .iter()
            .map(|&p| graph.projection().project(p))
            .collect();
        let topo = Topology::new(graph.first_out(), graph.heads(), &projected)?;
        let Some(path) = cache else {
            let cch = Cch::new(&topo, &cch::nested_dissection_order(&topo))?;
            return Ok((MatrixEngine { cch }, CacheOutcome::Disabled));
        };
        if let Ok(file) = std::fs::File::open(path) {
            if let Ok(cch) = Cch::read_from(std::io::BufReader::new(file), &topo) {
                return Ok((
                    MatrixEngine { cch },
                    CacheOutcome::Loaded(path.to_path_buf()),
                ));
            }
        }
        let cch = Cch::new(&topo, &cch::nested_dissection_order(&topo))?;
        let outcome = match cch.save(path) {
            Ok(()) => CacheOutcome::Saved(path.to_path_buf()),
            Err(e) => CacheOutcome::NotSaved(path.to_path_buf(), e.to_string()),
        };
        Ok((MatrixEngine { cch }, outcome))
    }

    /// The CCH.
    pub fn cch(&self) -> &Cch {
        &self.cch
    }

    /// Customize for one metric (one class in one hour band, or any re-weighting).
    pub fn customize(&self, metric: &Metric) -> Result<CustomizedMetric<'_>, Error> {
        Ok(self.cch.customize(&metric.time_ms, &metric.dist_cm)?)
    }

    /// The matrix between snapped points (`None` for points that could not be snapped: their
    /// rows and columns are unreachable). Rows are sources, columns targets, both `points`.
    pub fn matrix(
        &self,
        graph: &RoadGraph,
        metric: &Metric,
        customized: &CustomizedMetric<'_>,
        points: &[Option<Snap>],
    ) -> TravelMatrix {
        let convert = |seeds: Vec<crate::routing::Seed>| {
            seeds
                .into_iter()
                .map(|s| cch::Seed {
                    node: s.node,
                    time_ms: s.time_ms,
                    dist_cm: s.dist_cm,
                })
                .collect::<Vec<_>>()
        };
        let sources: Vec<Vec<cch::Seed>> = points
            .iter()
            .map(|p| {
                p.as_ref()
                    .map(|s| convert(source_seeds(graph, metric, s)))
                    .unwrap_or_default()
            })
            .collect();
        let targets: Vec<Vec<cch::Seed>> = points
            .iter()
            .map(|p| {
                p.as_ref()
                    .map(|s| convert(target_seeds(graph, metric, s)))
                    .unwrap_or_default()
            })
            .collect();
        let inner = customized.many_to_many(&sources, &targets);
        // Pairs on one road: the direct stretch may beat every path through a node.
        let mut by_road: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
        for (i, p) in points.iter().enumerate() {
            if let Some(s) = p {
                by_road.entry(s.road).or_default().push(i);
            }
        }
        let mut overrides = BTreeMap::new();
        for members in by_road.values() {
            for &i in members {
                for &j in members {
                    let (Some(a), Some(b)) = (&points[i], &points[j]) else {
                        continue;
                    };
                    if let Some((direct, _)) = same_road(graph, metric, a, b) {
                        let direct = PathCost {
                            time_ms: direct.time_ms,
                            dist_cm: direct.dist_cm,
                        };
                        if inner.get(i, j).is_none_or(|c| direct <= c) {
                            overrides.insert((i, j), direct);
                        }
                    }
                }
            }
        }
        let mut row_overrides = vec![Vec::new(); points.len()];
        for ((i, j), cost) in overrides {
            row_overrides[i].push((j, cost));
        }
        TravelMatrix {
            inner,
            row_overrides,
        }
    }
}

/// Fastest-path times and their distances between points, row-major.
#[derive(Clone, Debug)]
pub struct TravelMatrix {
    inner: cch::Matrix,
    /// Per row, the (column, cost) pairs where the direct stretch along one road beats the
    /// hierarchy's answer (sorted by column; usually just the diagonal).
    row_overrides: Vec<Vec<(usize, PathCost)>>,
}

impl TravelMatrix {
    /// Number of points.
    pub fn len(&self) -> usize {
        self.inner.rows()
    }

    /// True for a matrix of no points.
    pub fn is_empty(&self) -> bool {
        self.inner.rows() == 0
    }

    /// The fastest path from point `from` to point `to`: `None` if unreachable.
    #[inline]
    pub fn get(&self, from: usize, to: usize) -> Option<PathCost> {
        let row = &self.row_overrides[from];
        match row.binary_search_by_key(&to, |&(col, _)| col) {
            Ok(k) => Some(row[k].1),
            Err(_) => self.inner.get(from, to),
        }
    }

    /// Earliest arrival for a vehicle ready at the moment this matrix's band is in force: each
    /// reachable entry becomes `offset + later` where a later band (starting `offset` ms from
    /// that moment, with matrix `later` over the same points) arrives sooner, as the solver's
    /// `Profile::drive` decides (the vehicle waits, then drives in that band); an entry
    /// unreachable at that moment stays unreachable. Returns how many entries wait.
    pub fn wait_for(&mut self, offset_ms: u64, later: &TravelMatrix) -> usize {
        let mut waits = 0;
        for i in 0..self.len() {
            let mut row = Vec::with_capacity(self.row_overrides[i].len());
            for j in 0..self.len() {
                let current = self.get(i, j);
                let waited = later.get(i, j).map(|l| PathCost {
                    time_ms: l.time_ms + offset_ms,
                    dist_cm: l.dist_cm,
                });
                match (current, waited) {
                    (Some(c), Some(w)) if w.time_ms < c.time_ms => {
                        row.push((j, w));
                        waits += 1;
                    }
                    _ => {
                        if let Ok(k) = self.row_overrides[i].binary_search_by_key(&j, |&(c, _)| c) {
                            row.push(self.row_overrides[i][k]);
                        }
                    }
                }
            }
            self.row_overrides[i] = row;
        }
        waits
    }

    /// Reachable entries.
    pub fn reachable_count(&self) -> usize {
        let newly_reachable = (0..self.len())
            .map(|i| {
                self.row_overrides[i]
                    .iter()
                    .filter(|(j, _)| self.inner.get(i, *j).is_none())
                    .count()
            })
            .sum::<usize>();
        self.inner.reachable_count() + newly_reachable
    }
}
