//! # cityfreight
//!
//! An urban delivery route and vehicle-permit optimization engine: OpenStreetMap road graphs per
//! delivery vehicle class, permit zones, loading points, travel-time matrices and a parallel
//! vehicle-routing solver. (The codemap below grows with each module.)

pub mod cli;
/// Benchmark instance readers (Solomon, Gehring-Homberger, VRPLIB) and best-known solutions.
pub mod instances;
/// The VRP solver: problem model, independent checker, parallel SISR search.
pub mod solver;
