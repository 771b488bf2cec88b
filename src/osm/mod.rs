//! OpenStreetMap input: reading a PBF extract into the ways, nodes and turn restrictions that
//! delivery vehicles may use, with their tags parsed.
//!
//! Owns: PBF framing and decoding ([`read`]), tag grammars ([`tags`]), the access model
//! ([`access`]) and turn restrictions ([`restriction`]). Must never: build the routing graph or
//! know vehicle-class bit masks (that is `graph`).
//! Invariants: [`OsmExtract`] is a pure function of the file's bytes (parallel decoding merges
//! blobs in file order); every routable way has at least two nodes; access rules are interned so
//! that equal tag sets share one index; nothing here panics on malformed input.

pub mod access;
pub mod read;
pub mod restriction;
pub mod tags;

pub use read::{read_pbf, NodeTable, OsmExtract, OsmWay, ReadStats};

use std::path::PathBuf;

/// Why an extract could not be read. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be opened or read.
    #[error("cannot read OSM file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The bytes are not an OSM PBF file.
    #[error("{path} is not an OSM PBF file: {detail}")]
    NotPbf {
        /// The file.
        path: PathBuf,
        /// What was found instead.
        detail: String,
    },
    /// The file ends in the middle of a block.
    #[error("{path} is truncated: {detail}")]
    Truncated {
        /// The file.
        path: PathBuf,
        /// Where it ends.
        detail: String,
    },
    /// A block could not be decoded.
    #[error("{path}: corrupt data in block {block} (byte offset {offset}): {detail}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// Index of the data block.
        block: usize,
        /// Byte offset of the block in the file.
        offset: u64,
        /// What was wrong.
        detail: String,
    },
    /// The file holds no way that a delivery vehicle may use.
    #[error("{path} has no roads: none of its {ways} ways is a road a delivery vehicle may use (highway=residential, primary, ...)")]
    NoRoads {
        /// The file.
        path: PathBuf,
        /// Ways in the file.
        ways: u64,
    },
}
