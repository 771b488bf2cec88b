//! The error type of the CCH layer: invalid input graphs, orders and metrics, and cache files
//! that cannot be read. Owns no logic; every variant keeps the structure a caller needs.

use std::path::PathBuf;

/// Everything that can go wrong when building, customizing, saving or loading a CCH.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The forward CSR or the coordinates are inconsistent; lists every problem found.
    #[error("invalid road graph topology: {}", .problems.join("; "))]
    InvalidTopology { problems: Vec<String> },
    /// The contraction order is not a permutation of the node ids.
    #[error("contraction order is not a permutation of 0..{node_count}: {problem}")]
    InvalidOrder { node_count: u32, problem: String },
    /// A per-edge weight vector does not have one entry per input edge.
    #[error("{what} has {found} entries but the road graph has {expected} edges")]
    MetricLength {
        what: &'static str,
        expected: usize,
        found: usize,
    },
    /// The chordal supergraph would need more arcs than the dense `u32` ids can address.
    #[error("CCH needs {arcs} arcs, more than the supported 2^31")]
    TooManyArcs { arcs: u64 },
    /// Reading or writing a cache file failed.
    #[error("CCH cache I/O: {0}")]
    Io(#[from] std::io::Error),
    /// The file does not start with the CCH magic bytes.
    #[error("not a cityfreight CCH file (bad magic bytes)")]
    BadMagic,
    /// The file was written by another format version.
    #[error("CCH file has format version {found}, this build reads version {expected}")]
    UnsupportedVersion { found: u32, expected: u32 },
    /// The file was built for another road graph: it must be rebuilt.
    #[error("CCH file is stale: built for graph fingerprint {found:016x}, current graph is {expected:016x}")]
    StaleTopology { expected: u64, found: u64 },
    /// The file is truncated, fails its checksum or holds an impossible structure.
    #[error("CCH file is corrupt at byte {offset}: {problem}")]
    Corrupt { offset: u64, problem: &'static str },
    /// An error while handling the file at `path`.
    #[error("{}: {source}", .path.display())]
    AtPath {
        path: PathBuf,
        #[source]
        source: Box<Error>,
    },
}
