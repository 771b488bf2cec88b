//! The problem layer: integer measures ([`measure`]), travel matrices and hour bands
//! ([`travel`]), the validated problem ([`model`]), the plain solution ([`solution`]) and the
//! solver's errors ([`error`]). Nothing here searches or evaluates routes.

pub mod error;
pub mod measure;
pub mod model;
pub mod solution;
pub mod travel;
