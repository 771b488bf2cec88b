//! # cityfreight
//!
//! An urban delivery route and vehicle-permit optimization engine: OpenStreetMap road graphs per
//! delivery vehicle class, permit zones, loading points, travel-time matrices and a parallel
//! vehicle-routing solver. (The codemap below grows with each module.)

pub mod cli;
pub mod io;
pub mod osm;
pub mod time;
pub mod vehicle;
pub mod geometry;
pub mod graph;
pub mod routing;
pub mod network;
