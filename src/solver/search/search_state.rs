//! The mutable search representation of a whole plan: the routes under search, the orders not yet
//! placed, where each order sits, and the objective.
//!
//! Owns: [`SearchState`] and [`Objective`]; loading from and unloading to the plain
//! [`Solution`]. Must never: decide anything random (operators do) or be shared between threads.
//! Invariants: `routes` holds no empty route after [`SearchState::compact`]; `where_of[o]` is
//! `Some((route, position))` exactly for the orders in routes; `used[v]` counts routes of type `v`;
//! recreate never opens a route beyond `max_routes` (fleet minimisation lowers it).

use crate::solver::measure::Cost;
use crate::solver::model::Problem;
use crate::solver::route_state::{RouteState, Stop};
use crate::solver::solution::{Solution, Visit};

/// The value the search minimises, compared lexicographically: required orders left out first, then
/// vehicles (only under the vehicles-first objective; 0 otherwise), then cost (routes plus penalties
/// of unserved optional orders and the cost of orders served at parcel lockers).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Objective {
    /// Required orders not served.
    pub missing_required: u32,
    /// Routes used, under the vehicles-first objective (0 otherwise).
    pub vehicles: u32,
    /// Total cost.
    pub cost: Cost,
}

/// A plan under search.
#[derive(Debug)]
pub struct SearchState {
    /// Non-empty routes (between compactions, possibly empty ones).
    pub routes: Vec<RouteState>,
    /// Orders not in any route, in the order they were removed.
    pub unassigned: Vec<u32>,
    /// Route and position of each order.
    pub where_of: Vec<Option<(u32, u32)>>,
    /// Routes per vehicle type.
    pub used: Vec<u32>,
    /// Recreate opens no route beyond this many (`u32::MAX`: no limit besides the fleet).
    pub max_routes: u32,
}

impl Clone for SearchState {
    fn clone(&self) -> Self {
        Self {
            routes: self.routes.clone(),
            unassigned: self.unassigned.clone(),
            where_of: self.where_of.clone(),
            used: self.used.clone(),
            max_routes: self.max_routes,
        }
    }

    /// Reuses allocations, route by route.
    fn clone_from(&mut self, o: &Self) {
        self.routes.clone_from(&o.routes);
        self.unassigned.clone_from(&o.unassigned);
        self.where_of.clone_from(&o.where_of);
        self.used.clone_from(&o.used);
        self.max_routes = o.max_routes;
    }
}

impl SearchState {
    /// The plan that serves nothing.
    pub fn empty(problem: &Problem) -> Self {
        Self {
            routes: Vec::new(),
            unassigned: (0..problem.orders().len() as u32).collect(),
            where_of: vec![None; problem.orders().len()],
            used: vec![0; problem.vehicle_types().len()],
            max_routes: u32::MAX,
        }
    }

    /// Load a plain solution (reload visits are dropped: the evaluator places reloads itself).
    /// Orders it does not mention are unassigned.
    pub fn from_solution(problem: &Problem, solution: &Solution) -> Self {
        let mut s = Self::empty(problem);
        s.unassigned.clear();
        for route in &solution.routes {
            let mut rs = RouteState::new(problem, route.vehicle_type);
            for v in &route.visits {
                if let Visit::Order { order, alternative } = *v {
                    let location = problem.order(order).alternatives[alternative as usize].location;
                    rs.stops.push(Stop {
                        order,
                        alternative,
                        location,
                    });
                }
            }
            rs.update(problem);
            s.used[route.vehicle_type as usize] += 1;
            s.routes.push(rs);
        }
        s.compact();
        for o in 0..problem.orders().len() as u32 {
            if s.where_of[o as usize].is_none() {
                s.unassigned.push(o);
            }
        }
        s
    }

    /// Unload to the plain solution.
    pub fn to_solution(&self, problem: &Problem) -> Solution {
        let mut unserved = self.unassigned.clone();
        unserved.sort_unstable();
        Solution {
            routes: self
                .routes
                .iter()
                .filter(|r| !r.is_empty())
                .map(|r| r.to_route(problem))
                .collect(),
            unserved,
        }
    }

    /// Current objective (cost only after the missing orders).
    pub fn objective(&self, problem: &Problem) -> Objective {
        self.objective_for(problem, false)
    }

    /// Current objective; `vehicles_first` counts routes before cost.
    pub fn objective_for(&self, problem: &Problem, vehicles_first: bool) -> Objective {
        let mut missing_required = 0;
        let mut cost: Cost = self.routes.iter().map(|r| r.eval.cost).sum();
        if !problem.lockers().is_empty() {
            // Incentives or service-level penalties of orders served at lockers.
            for s in self.routes.iter().flat_map(|r| r.stops.iter()) {
                cost += problem.alternative_cost(s.order, s.alternative);
            }
        }
        for &o in &self.unassigned {
            match problem.order(o).penalty {
                None => missing_required += 1,
                Some(p) => cost += p,
            }
        }
        Objective {
            missing_required,
            vehicles: if vehicles_first {
                self.routes.iter().filter(|r| !r.is_empty()).count() as u32
            } else {
                0
            },
            cost,
        }
    }

    /// Refresh `where_of` for route `r`.
    pub fn index_route(&mut self, r: usize) {
        for (p, s) in self.routes[r].stops.iter().enumerate() {
            self.where_of[s.order as usize] = Some((r as u32, p as u32));
        }
    }

    /// Drop empty routes and re-index every order.
    pub fn compact(&mut self) {
        let used = &mut self.used;
        self.routes.retain(|r| {
            if r.is_empty() {
                used[r.vehicle_type as usize] -= 1;
                false
            } else {
                true
            }
        });
        self.where_of.iter_mut().for_each(|w| *w = None);
        for r in 0..self.routes.len() {
            self.index_route(r);
        }
    }

    /// Take route `r` out: its orders become unassigned (the state is compacted).
    pub fn remove_route(&mut self, r: usize) {
        let orders: Vec<u32> = self.routes[r].stops.iter().map(|s| s.order).collect();
        self.routes[r].stops.clear();
        for o in orders {
            self.where_of[o as usize] = None;
            self.unassigned.push(o);
        }
        self.compact();
    }

    /// Average number of orders per route (at least 1).
    pub fn mean_route_len(&self) -> f64 {
        let n: usize = self.routes.iter().map(|r| r.len()).sum();
        if self.routes.is_empty() {
            1.0
        } else {
            (n as f64 / self.routes.len() as f64).max(1.0)
        }
    }
}
