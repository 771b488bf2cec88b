//! # cityfreight
//!
//! An urban delivery route and vehicle-permit optimization engine: OpenStreetMap road graphs per
//! delivery vehicle class, permit zones, loading points, travel-time matrices and a parallel
//! vehicle-routing solver. (The codemap below grows with each module.)

/// Customizable contraction hierarchies: contraction order, per-metric customization, paths and parallel travel matrices.
pub mod cch;
pub mod cli;
