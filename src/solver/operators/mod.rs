//! The operators: SISR's ruin ([`ruin`]) and recreate ([`recreate`]), and local search
//! ([`local_search`]) over inter-route moves ([`relocate`], [`swap`], [`two_opt_star`]) and
//! intra-route moves ([`or_opt`], [`two_opt`]), one file each with `evaluate` and `apply`. Each
//! asks the evaluation layer whether a move is feasible and what it costs, on every route kind.

pub mod local_search;
pub mod or_opt;
pub(crate) mod recreate;
pub mod relocate;
pub(crate) mod ruin;
pub mod swap;
pub mod swap_star;
pub mod two_opt;
pub mod two_opt_star;
