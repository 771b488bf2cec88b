//! The one solution type: routes of visits per vehicle, plus the orders left unserved.
//!
//! Owns: [`Solution`], [`Route`], [`Visit`]. Must never: cache derived values (times, loads, costs);
//! those are recomputed by the checker ([`crate::solver::check`]) or by the search representation
//! ([`crate::solver::route_state`]). Invariant: indices refer to the [`crate::solver::model::Problem`]
//! the solution was made for; the checker, not this type, says whether the plan is valid.

use crate::solver::measure::Energy;

/// One stop of a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Visit {
    /// Serve `order` through its alternative number `alternative`.
    Order {
        /// Order index.
        order: u32,
        /// Index into the order's alternatives.
        alternative: u32,
    },
    /// Reload at the depot location `depot` (starts a new trip).
    Reload {
        /// Location index of the reload depot.
        depot: u32,
    },
    /// Charge `energy` at charging station `station` (battery vehicles; the charge starts as soon
    /// as the station is open and takes the station's linear charging time).
    Charge {
        /// Station index (into [`crate::solver::model::Problem::stations`]).
        station: u32,
        /// Energy added.
        energy: Energy,
    },
}

/// One vehicle's route; the start and end depots are implicit.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Route {
    /// Vehicle type index.
    pub vehicle_type: u32,
    /// Stops in driving order.
    pub visits: Vec<Visit>,
}

impl Route {
    /// Orders served, in driving order.
    pub fn orders(&self) -> impl Iterator<Item = u32> + '_ {
        self.visits.iter().filter_map(|v| match v {
            Visit::Order { order, .. } => Some(*order),
            Visit::Reload { .. } | Visit::Charge { .. } => None,
        })
    }
}

/// A routing plan.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Solution {
    /// Non-empty routes.
    pub routes: Vec<Route>,
    /// Orders not served.
    pub unserved: Vec<u32>,
}
