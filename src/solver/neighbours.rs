//! Neighbour lists: for each order, the other orders sorted by distance (nearest first).
//!
//! Owns: [`Neighbours`]. Must never: change during a search (built once per solve, shared read-only
//! by every thread). Invariant: distances are measured between the orders' first alternatives with
//! the first vehicle type's profile (or profile 0); ties are broken by order index, so the lists are
//! deterministic.

use crate::solver::model::Problem;

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
        let lists = (0..n)
            .map(|i| {
                let mut v: Vec<u32> = (0..n as u32).filter(|&j| j as usize != i).collect();
                v.sort_by_key(|&j| {
                    let a = profile.distance(loc(i), loc(j as usize));
                    let b = profile.distance(loc(j as usize), loc(i));
                    (a.min(b), j)
                });
                v.truncate(keep);
                v
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
