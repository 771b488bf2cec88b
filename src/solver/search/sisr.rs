//! One SISR search thread: ruin, recreate, simulated-annealing acceptance, and the SISR fleet
//! minimisation step (absence-based acceptance) for the vehicles-first objective.
//!
//! Owns: [`Worker`] and [`SearchParams`]. Must never: read the clock to make a decision other than
//! "stop now" and the temperature of a time-limited run, share mutable data with other workers, or
//! use a generator it did not get from its seed. Invariants: `best` is the best state this worker
//! has seen since its last restart; `current` is the state the annealing walks from.

use crate::solver::model::Problem;
use crate::solver::neighbours::Neighbours;
use crate::solver::recreate::{recreate, RecreateParams, RecreateScratch};
use crate::solver::rng::Rng;
use crate::solver::ruin::{ruin, RuinParams};
use crate::solver::search_state::{Objective, SearchState};
use crate::solver::sites::{plan_fits, Stay};

/// Parameters of the search (ruin, recreate, annealing, epochs).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SearchParams {
    /// Ruin parameters.
    pub ruin: RuinParams,
    /// Recreate parameters.
    pub recreate: RecreateParams,
    /// Start temperature, as a multiple of the initial cost per order.
    pub temperature_start: f64,
    /// End temperature, as a multiple of the initial cost per order.
    pub temperature_end: f64,
    /// Iterations per thread between two synchronisations.
    pub epoch_iterations: u64,
    /// When non-zero, the best plan is polished after every epoch by local search
    /// ([`crate::solver::local_search`]) towards this many nearest neighbours of each order; on
    /// by default (20) for more than 2,000 orders (Belgium A2 at 120 s on one thread: 10.76%
    /// above the best known without, 7.18% with; L1 at 60 s: 0.75% and 0.56%).
    pub polish_neighbours: usize,
    /// When non-zero, the start plan (built by insertion) is descended by local search towards
    /// this many nearest neighbours of each order before the annealing starts; on by default for
    /// more than 2,000 orders, where the insertion start is far from good (Belgium L1: 91.5% above
    /// the best known, 24.8% after the descent).
    pub start_neighbours: usize,
    /// When non-zero, every plan that improves a worker's best is first improved by local search
    /// towards this many nearest neighbours of each order (intensification, as in PyVRP's ILS).
    pub intensify_neighbours: usize,
    /// Local search (start descent, intensification, polish) also tries SWAP*
    /// ([`crate::solver::swap_star`]) between the routes of an order and its neighbour when no
    /// simple move improves. Off by default: measured not to pay on Solomon at equal iterations
    /// (`docs/solver.md`).
    pub swap_star: bool,
    /// Minimise vehicles first, then cost (the hierarchical objective of the VRPTW and E-VRPTW
    /// literature).
    pub vehicles_first: bool,
    /// Under `vehicles_first`: the share of the budget spent on fleet minimisation (removing a
    /// route and re-inserting its orders into the others) before the cost search.
    pub fleet_share: f64,
    /// Under `vehicles_first`: fleet minimisation also ends when no worker has saved a vehicle for
    /// this share of the budget.
    pub fleet_patience: f64,
    /// Probability that an iteration also empties one of the three smallest routes (its orders
    /// are re-inserted with the ruined ones), when some vehicle type has a fixed cost and the
    /// objective is cost. String removal alone rarely empties a route of dozens of stops, so
    /// without this a plan keeps the small routes of its start; a route's fixed cost is what
    /// makes emptying it pay.
    pub route_removal: f64,
}

impl SearchParams {
    /// Defaults for a problem with `orders` orders (granular insertion above 300 orders). The
    /// temperatures were tuned on Solomon and X instances (see `docs/solver.md`); a new route is
    /// always priced, which suits the distance objective (distance-best plans use more vehicles).
    /// Epochs last 20 iterations per order (at least 2,000): restarting every worker from the best
    /// plan too often starves large instances of diversity.
    pub fn for_size(orders: usize) -> Self {
        Self {
            ruin: RuinParams::default(),
            recreate: RecreateParams {
                blink_rate: 0.01,
                granular: if orders > 300 { 40 } else { 0 },
                always_try_new_route: true,
            },
            temperature_start: 1.0,
            temperature_end: 0.01,
            epoch_iterations: (20 * orders as u64).max(2_000),
            polish_neighbours: if orders > 2_000 { 20 } else { 0 },
            intensify_neighbours: 0,
            swap_star: false,
            start_neighbours: if orders > 2_000 { 20 } else { 0 },
            vehicles_first: false,
            fleet_share: 0.5,
            fleet_patience: 0.2,
            route_removal: 0.02,
        }
    }
}

/// A search thread's state.
#[derive(Clone, Debug)]
pub struct Worker {
    /// State the annealing walks from.
    pub current: SearchState,
    /// Its objective.
    pub current_obj: Objective,
    /// Best state since the last restart.
    pub best: SearchState,
    /// Its objective.
    pub best_obj: Objective,
    /// The thread's generator.
    pub rng: Rng,
    candidate: SearchState,
    scratch: RecreateScratch,
    ruined: Vec<bool>,
    /// Orders that local search starts from (intensification).
    focus: Vec<bool>,
    stays: Vec<Stay>,
    /// Fleet minimisation: iterations each order spent unassigned in `current`.
    absence: Vec<u64>,
    /// Some vehicle type has a fixed cost (emptying a route can pay, see
    /// [`SearchParams::route_removal`]).
    fixed_costs: bool,
    /// Iterations run.
    pub iterations: u64,
}

impl Worker {
    /// A worker starting from `start`.
    pub fn new(problem: &Problem, start: &SearchState, rng: Rng, vehicles_first: bool) -> Self {
        let obj = start.objective_for(problem, vehicles_first);
        Self {
            current: start.clone(),
            current_obj: obj,
            best: start.clone(),
            best_obj: obj,
            rng,
            candidate: start.clone(),
            scratch: RecreateScratch::new(problem),
            ruined: Vec::new(),
            focus: Vec::new(),
            stays: Vec::new(),
            absence: vec![0; problem.orders().len()],
            fixed_costs: problem
                .vehicle_types()
                .iter()
                .any(|v| v.fixed_cost > crate::solver::measure::Cost::ZERO),
            iterations: 0,
        }
    }

    /// Restart from `state` (both current and best).
    pub fn restart(&mut self, state: &SearchState, obj: Objective) {
        self.current.clone_from(state);
        self.best.clone_from(state);
        self.current_obj = obj;
        self.best_obj = obj;
    }

    /// One ruin-and-recreate step at temperature `temperature` (in cost units); an
    /// intensification it starts ends early once `stop` answers true (the budget is spent).
    pub fn step(
        &mut self,
        problem: &Problem,
        neighbours: &Neighbours,
        params: &SearchParams,
        temperature: f64,
        stop: &dyn Fn() -> bool,
    ) {
        let feasible = self.ruin_and_recreate(problem, neighbours, params);
        let obj = self.candidate.objective_for(problem, params.vehicles_first);
        let threshold = self.current_obj.cost.0 as f64
            - temperature * self.rng.f64().max(f64::MIN_POSITIVE).ln();
        let (cand, cur) = (
            (obj.missing_required, obj.vehicles),
            (self.current_obj.missing_required, self.current_obj.vehicles),
        );
        let accept = feasible && (cand < cur || (cand == cur && (obj.cost.0 as f64) < threshold));
        if accept {
            std::mem::swap(&mut self.current, &mut self.candidate);
            self.current_obj = obj;
            if self.current_obj < self.best_obj && params.intensify_neighbours > 0 {
                // Around the orders this iteration moved (`candidate` now holds the old plan).
                let (now, old) = (&self.current.where_of, &self.candidate.where_of);
                self.focus.clear();
                self.focus.extend(now.iter().zip(old).map(|(a, b)| a != b));
                crate::solver::local_search::improve_around(
                    problem,
                    &mut self.current,
                    neighbours,
                    (params.intensify_neighbours, 10, params.swap_star),
                    Some(&self.focus),
                    stop,
                );
                self.current_obj = self.current.objective_for(problem, params.vehicles_first);
            }
            if self.current_obj < self.best_obj {
                self.best.clone_from(&self.current);
                self.best_obj = self.current_obj;
            }
        }
        self.iterations += 1;
    }
}

impl Worker {
    /// Start a fleet-minimisation attempt from `current`: take out one random route (its orders
    /// become unassigned) and allow one route fewer. Does nothing with a single route.
    pub fn drop_route(&mut self, problem: &Problem) {
        let n = self.current.routes.len();
        if n <= 1 {
            return;
        }
        let r = self.rng.below(n);
        self.current.remove_route(r);
        self.current.max_routes = (n - 1) as u32;
        self.current_obj = self.current.objective_for(problem, true);
        self.absence.iter_mut().for_each(|a| *a = 0);
    }

    /// Ruin and recreate `current` into `candidate`; true when the candidate may be accepted.
    /// Ruin can break a route whose reloads are placed greedily (removing a stop may move a
    /// reload onto a longer detour), so no candidate with an infeasible route is ever taken; room
    /// and dwell at sites are judged on the whole plan.
    fn ruin_and_recreate(
        &mut self,
        problem: &Problem,
        neighbours: &Neighbours,
        params: &SearchParams,
    ) -> bool {
        self.candidate.clone_from(&self.current);
        if self.fixed_costs
            && !params.vehicles_first
            && params.route_removal > 0.0
            && self.candidate.routes.len() > 1
            && self.rng.f64() < params.route_removal
        {
            let routes = &self.candidate.routes;
            let mut smallest: Vec<usize> = (0..routes.len()).collect();
            smallest.sort_by_key(|&r| (routes[r].len(), r));
            let r = smallest[self.rng.below(smallest.len().min(3))];
            self.candidate.remove_route(r);
        }
        ruin(
            problem,
            &mut self.candidate,
            neighbours,
            &params.ruin,
            &mut self.rng,
            &mut self.ruined,
        );
        recreate(
            problem,
            &mut self.candidate,
            neighbours,
            &params.recreate,
            &mut self.rng,
            &mut self.scratch,
        );
        self.candidate.routes.iter().all(|r| r.feasible)
            && plan_fits(problem, &self.candidate.routes, &mut self.stays)
    }

    /// One fleet-minimisation step (SISR, Christiaens & Vanden Berghe 2020, section 6): ruin and
    /// recreate within `max_routes`; accept when fewer orders are left out or their summed absence
    /// counts are lower. When every order is served, the plan becomes the worker's best (one
    /// vehicle fewer) and the next attempt starts.
    pub fn step_fleet(
        &mut self,
        problem: &Problem,
        neighbours: &Neighbours,
        params: &SearchParams,
    ) {
        if self.current_obj.missing_required == 0 {
            self.drop_route(problem);
        }
        let feasible = self.ruin_and_recreate(problem, neighbours, params);
        let absent = |s: &SearchState| -> u64 {
            s.unassigned.iter().map(|&o| self.absence[o as usize]).sum()
        };
        let accept = feasible
            && (self.candidate.unassigned.len() < self.current.unassigned.len()
                || absent(&self.candidate) < absent(&self.current));
        if accept {
            std::mem::swap(&mut self.current, &mut self.candidate);
            self.current_obj = self.current.objective_for(problem, true);
            if self.current_obj < self.best_obj {
                self.best.clone_from(&self.current);
                self.best.max_routes = u32::MAX;
                self.best_obj = self.current_obj;
            }
        }
        for &o in &self.current.unassigned {
            self.absence[o as usize] += 1;
        }
        self.iterations += 1;
    }
}

/// Temperature at progress `f` in `[0, 1]`: geometric from `start` to `end`.
pub fn temperature(start: f64, end: f64, f: f64) -> f64 {
    start * (end / start).powf(f.clamp(0.0, 1.0))
}
