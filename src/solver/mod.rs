//! The vehicle-routing solver: problem model, plan checker and a parallel SISR search.
//!
//! Owns: everything between a validated [`model::Problem`] and a [`solution::Solution`]. Must never:
//! do I/O, print, or derive `Serialize`/`Deserialize` (readers live in [`crate::instances`], output
//! in [`crate::cli`]). Invariants: integer units only ([`measure`]); dense `u32` indices; the checker
//! ([`check`]) shares no code with the search evaluator ([`route_state`], [`charging`]); same seed
//! and thread count with an iteration limit give the same plan ([`solve`]); routes under search hold
//! orders only: reloads and charging stops are placed by the evaluator and appear in the plain
//! [`solution::Solution`] as [`solution::Visit::Reload`] and [`solution::Visit::Charge`]; a problem
//! without battery vehicles never runs battery code (its O(1) insertion path is unchanged).
//!
//! Codemap: [`measure`] units → [`travel`] matrices and hour bands → [`model`] the problem
//! (batteries and charging stations included) → [`solution`] the plan → [`check`] the independent
//! checker. Search: [`route_state`] (per-route evaluator with O(1) insertion checks, duration costs
//! and limits included; battery routes that charge call [`charging`], the charging-stop placement) → [`search_state`] (a whole plan under search) →
//! [`ruin`] + [`recreate`] (SISR operators), [`local_search`] ([`relocate`], [`two_opt_star`]) →
//! [`sites`] (room and dwell at loading bays) → [`sisr`] (one annealing worker, route removal when
//! vehicles have a fixed cost, and the fleet-minimisation step of the vehicles-first objective) → [`solve`] (threads and epochs).
//! [`rng`] and [`neighbours`] support them. [`fees`] prices zone fees on a route's legs (search
//! side; the checker has its own), [`schedule`] times a finished route as the search prices it
//! (what `plan`'s replay and bay booking use, without building search state).

pub mod charging;
pub mod check;
pub mod error;
pub mod fees;
pub mod local_search;
pub mod measure;
pub mod model;
pub mod neighbours;
pub mod recreate;
pub mod relocate;
pub mod rng;
pub mod route_state;
pub mod ruin;
pub mod schedule;
pub mod search_state;
pub mod sisr;
pub mod sites;
pub mod solution;
pub mod solve;
pub mod travel;
pub mod two_opt_star;

pub use error::Error;
