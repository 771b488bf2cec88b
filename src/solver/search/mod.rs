//! The search: a whole plan under search ([`search_state`]), one annealing worker with route
//! removal and fleet minimisation ([`sisr`]), threads and epochs ([`solve`]), neighbour lists
//! ([`neighbours`]) and the seeded random numbers ([`rng`]).

pub mod neighbours;
pub mod rng;
pub mod search_state;
pub mod sisr;
pub mod solve;
