//! A metric: travel time and length of every edge for one class at one moment.

use crate::graph::{ClassId, RoadGraph};
use crate::time::WeekTime;
use crate::traffic::{scale_ms, Traffic};
use crate::zones::{Policy, ZoneTags};
use rayon::prelude::*;

/// Marks an edge the class may not use at this time.
pub const CLOSED: u32 = u32::MAX;

/// Per-edge weights for one class at one moment of the week.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Metric {
    /// The class.
    pub class: ClassId,
    /// The moment the conditional rules were evaluated at.
    pub at: WeekTime,
    /// Travel time per edge (ms), [`CLOSED`] if closed.
    pub time_ms: Vec<u32>,
    /// Length per edge (cm).
    pub dist_cm: Vec<u32>,
}

impl Metric {
    /// Evaluate every edge for `class` at `at` (in parallel).
    pub fn new(graph: &RoadGraph, class: ClassId, at: WeekTime) -> Metric {
        let time_ms = (0..graph.edge_count())
            .into_par_iter()
            .map(|e| {
                if graph.open_at(e, class, at) {
                    graph.duration_ms(e, class)
                } else {
                    CLOSED
                }
            })
            .collect();
        let dist_cm = (0..graph.edge_count())
            .into_par_iter()
            .map(|e| graph.length_cm(e))
            .collect();
        Metric {
            class,
            at,
            time_ms,
            dist_cm,
        }
    }

    /// As [`Metric::new`], and also closed on every road that meets a zone in `closed_zones`
    /// (a bit mask over the policy's zones, from `Policy::closed_zones`).
    pub fn with_zones(
        graph: &RoadGraph,
        class: ClassId,
        at: WeekTime,
        tags: &ZoneTags,
        closed_zones: u64,
    ) -> Metric {
        let mut metric = Metric::new(graph, class, at);
        if closed_zones != 0 {
            metric
                .time_ms
                .par_iter_mut()
                .enumerate()
                .for_each(|(e, t)| {
                    if tags.road(graph.edge_road(e)) & closed_zones != 0 {
                        *t = CLOSED;
                    }
                });
        }
        metric
    }

    /// The metric of `class` at `at` under a city policy, for a vehicle holding `permit`.
    pub fn with_policy(
        graph: &RoadGraph,
        class: ClassId,
        at: WeekTime,
        policy: &Policy,
        tags: &ZoneTags,
        permit: Option<usize>,
    ) -> Metric {
        let closed = policy.closed_zones(graph.class(class), at, permit);
        Metric::with_zones(graph, class, at, tags, closed)
    }

    /// This metric under congestion: every open edge's time scaled by `traffic`'s factor for its
    /// road at the metric's moment. Free flow leaves it unchanged.
    pub fn with_traffic(mut self, graph: &RoadGraph, traffic: &Traffic) -> Metric {
        if traffic.is_free_flow() {
            return self;
        }
        let factors = traffic.road_factors(graph, self.at);
        self.time_ms.par_iter_mut().enumerate().for_each(|(e, t)| {
            if *t != CLOSED {
                *t = scale_ms(*t, factors[graph.edge_road(e) as usize]);
            }
        });
        self
    }

    /// Is edge `e` open?
    pub fn is_open(&self, e: usize) -> bool {
        self.time_ms[e] != CLOSED
    }

    /// Number of closed edges.
    pub fn closed_count(&self) -> usize {
        self.time_ms.iter().filter(|&&t| t == CLOSED).count()
    }
}
