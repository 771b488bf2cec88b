//! The vehicle-routing solver: problem model, plan checker and a parallel SISR search.
//!
//! Owns: everything between a validated [`model::Problem`] and a [`solution::Solution`]. Must never:
//! do I/O, print, or derive `Serialize`/`Deserialize` (readers live in [`crate::instances`], output
//! in [`crate::cli`]). Invariants: integer units only ([`measure`]); dense `u32` indices; the checker
//! ([`check`]) shares no code with the search evaluator ([`route_state`], `charging`); same seed
//! and thread count with an iteration limit give the same plan ([`solve`]); routes under search hold
//! orders only: reloads and charging stops are placed by the evaluator and appear in the plain
//! [`solution::Solution`] as [`solution::Visit::Reload`] and [`solution::Visit::Charge`]; a problem
//! without battery vehicles never runs battery code (its O(1) insertion path is unchanged).
//!
//! Public face: [`Problem`] (validated), [`Solution`], [`solve()`] with [`StopCriterion`],
//! [`SolveParams`] and [`SearchParams`], [`check::check`] (the independent checker),
//! [`schedule::schedule`] (a finished route's timetable) and [`fees`] (zone charges); the
//! evaluation and search internals that the crate's integration tests and benches exercise
//! ([`route_state`], [`load`], [`search_state`], [`local_search`] and its moves [`relocate`],
//! [`swap`], [`two_opt_star`], [`or_opt`], [`two_opt`], [`neighbours`], [`rng`]) are public for
//! them; ruin, recreate, the charging-stop placement and
//! bay sites are crate-private.
//!
//! Codemap, by layer (folders): `problem/` — [`measure`] units → [`travel`] matrices and hour
//! bands → [`model`] the problem (batteries, charging stations and shipments included) →
//! [`solution`] the plan. [`check`] — the independent checker. `evaluation/` — where each constraint is checked
//! during the search: [`route_state`] (per-route evaluator with O(1) insertion checks, duration
//! costs and limits included, the one pricing rule `route_cost`, `sequence_cost`, the exact
//! price of any order of stops, and `RouteState::splice_cost`, the same price for a route's kept
//! prefix, new stops and a tail, rolled forward from the first change, which every move off the
//! O(1) paths takes; battery routes that charge call
//! `charging`, the charging-stop placement), [`load`] (load segments: deliveries, pickups and
//! the peak aboard, concatenated in O(1), shipments included), `sites` (room and dwell at loading
//! bays), `lockers` (parcels held by lockers and pickup points, a cumulative capacity), `pairs`
//! (shipments, i.e. pickup-and-delivery pairs, kept whole and pickup first in every simulated
//! sequence; routes holding one take no O(1) shortcut),
//! [`fees`] (zone fees), [`schedule`] (the timetable `plan` replays). `operators/` — `ruin` +
//! `recreate` (SISR), [`local_search`] ([`relocate`], [`swap`], [`two_opt_star`] between routes,
//! [`or_opt`], [`two_opt`] within one; every route kind, loading bays kept inside the move;
//! `ruin` removes a shipment whole and `recreate` inserts it as one unit: every pickup and later
//! delivery position, priced exactly). `search/` — [`search_state`] (a whole plan under search),
//! [`sisr`] (one annealing worker, route removal
//! when vehicles have a fixed cost, and the fleet-minimisation step of the vehicles-first
//! objective), [`solve`] (threads and epochs), [`rng`] and [`neighbours`].

pub mod check;
pub mod evaluation;
pub mod operators;
pub mod problem;
pub mod search;

// The layers' modules under their short paths (`solver::model`, `solver::route_state`, ...), which
// the rest of the crate, the tests and the benches use.
pub(crate) use evaluation::{charging, lockers, pairs, sites};
pub use evaluation::{fees, load, route_state, schedule};
pub use operators::{local_search, or_opt, relocate, swap, swap_star, two_opt, two_opt_star};
pub(crate) use operators::{recreate, ruin};
pub use problem::{error, measure, model, solution, travel};
pub use search::{neighbours, rng, search_state, sisr, solve};

pub use error::Error;
pub use model::Problem;
pub use search::sisr::SearchParams;
pub use search::solve::{solve, solve_until, SolveOutcome, SolveParams, StopCriterion, StopFlag};
pub use solution::Solution;
