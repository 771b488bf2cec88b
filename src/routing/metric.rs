//! A metric: travel time and length of every edge for one class at one moment.

use crate::graph::{ClassId, RoadGraph};
use crate::time::WeekTime;
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

    /// Is edge `e` open?
    pub fn is_open(&self, e: usize) -> bool {
        self.time_ms[e] != CLOSED
    }

    /// Number of closed edges.
    pub fn closed_count(&self) -> usize {
        self.time_ms.iter().filter(|&&t| t == CLOSED).count()
    }
}
