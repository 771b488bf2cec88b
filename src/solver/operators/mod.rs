//! The operators: SISR's ruin ([`ruin`]) and recreate ([`recreate`]), and local search
//! ([`local_search`] over [`relocate`] and [`two_opt_star`]). Each asks the evaluation layer
//! whether a move is feasible and what it costs.

pub mod local_search;
pub(crate) mod recreate;
pub mod relocate;
pub(crate) mod ruin;
pub mod two_opt_star;
