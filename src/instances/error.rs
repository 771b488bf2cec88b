//! The error type of the instance layer.
//!
//! Owns: [`InstanceError`]. Must never: lose the file or line of bad input.

use std::path::PathBuf;

/// Anything that goes wrong reading an instance or the best-known table.
#[derive(Debug, thiserror::Error)]
pub enum InstanceError {
    /// The file cannot be read.
    #[error("{}: cannot read the file", path.display())]
    Io {
        /// File.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// The content is malformed.
    #[error("{}:{line}: {message}", path.display())]
    Parse {
        /// File.
        path: PathBuf,
        /// 1-based line (0 when the problem is the file as a whole).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The content parsed but does not make a valid problem.
    #[error("{}: not a valid problem", path.display())]
    Model {
        /// File.
        path: PathBuf,
        /// Cause.
        source: crate::solver::Error,
    },
}
