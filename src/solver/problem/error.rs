//! The one error type of the solver layer.
//!
//! Owns: [`Error`]. Must never: carry a formatted string in place of structure; validation issues
//! stay a list of [`ModelIssue`] values, all of them, not only the first.

use crate::solver::model::ModelIssue;

/// Anything the solver layer rejects.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Problem validation failed; every issue found is listed.
    #[error("invalid problem ({} issue(s)): {}", .0.len(), .0.iter().map(|i| i.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<ModelIssue>),
    /// The worker thread pool could not be built.
    #[error("cannot start {threads} worker threads")]
    ThreadPool {
        /// Requested threads.
        threads: usize,
        /// Cause.
        source: rayon::ThreadPoolBuildError,
    },
    /// No stop criterion was given.
    #[error("no stop criterion: give an iteration limit, a time limit or a no-improvement limit")]
    NoStop,
}
