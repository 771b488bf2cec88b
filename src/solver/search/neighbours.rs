//! Neighbour lists: for each order, the other orders sorted by distance (nearest first).
//!
//! Owns: [`Neighbours`]. Must never: change during a search (built once per solve, shared read-only
//! by every thread). Invariant: distances are measured between the orders' first alternatives with
//! the first vehicle type's profile (or profile 0); ties are broken by order index, so the lists are
//! deterministic.

use crate::solver::measure::Distance;
use crate::solver::model::Problem;
use rayon::prelude::*;

/// Sorted neighbour lists.
#[derive(Clone, Debug)]
pub struct Neighbours {
    lists: Vec<Vec<u32>>,
}

impl Neighbours {
    /// Build the lists, keeping at most `keep` neighbours per order.
    pub fn new(problem: &Problem, keep: usize) -> Self {
        let n = problem.orders().len();
        let profile_index = problem
            .vehicle_types()
            .first()
            .map_or(0, |v| v.profile as usize);
        let Some(profile) = problem.profiles().get(profile_index) else {
            return Self {
                lists: vec![Vec::new(); n],
            };
        };
        let loc = |o: usize| problem.orders()[o].alternatives[0].location;
        // Keys computed once per pair; the `keep` nearest selected in linear time, then sorted:
        // the same lists as a full sort (keys are unique: ties broken by index), in O(n) per order
        // instead of O(n log n) key lookups. Rows in parallel (each row alone: deterministic).
        let lists = (0..n)
            .into_par_iter()
            .map(|i| {
                let mut v: Vec<(Distance, u32)> = (0..n as u32)
                    .filter(|&j| j as usize != i)
                    .map(|j| {
                        let a = profile.distance(loc(i), loc(j as usize));
                        let b = profile.distance(loc(j as usize), loc(i));
                        (a.min(b), j)
                    })
                    .collect();
                if v.len() > keep && keep > 0 {
                    v.select_nth_unstable(keep - 1);
                }
                v.truncate(keep);
                v.sort_unstable();
                v.into_iter().map(|(_, j)| j).collect()
            })
            .collect();
        Self { lists }
    }

    /// Neighbours of order `o`, nearest first.
    #[inline]
    pub fn of(&self, o: u32) -> &[u32] {
        &self.lists[o as usize]
    }
}
