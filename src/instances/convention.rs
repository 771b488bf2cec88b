//! Distance conventions of the benchmark literature, applied when building the matrices.
//!
//! Owns: [`Convention`]. Must never: be chosen silently; the CLI prints the one used. Invariant: the
//! result is in units of `1 / SCALE` file units ([`crate::instances::SCALE`]), and travel time equals
//! distance.

use crate::instances::{Family, SCALE};

/// How Euclidean distances are turned into integers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Convention {
    /// Double-precision Euclidean distance, kept to 1/`SCALE` (rounded): Solomon and Homberger.
    Exact,
    /// Truncated to one decimal (DIMACS 2021 VRPTW; the 1000-customer Homberger distance BKS).
    Dimacs,
    /// Rounded to the nearest integer (TSPLIB `EUC_2D`; CVRPLIB X).
    Rounded,
}

impl Convention {
    /// Name as printed and accepted by the CLI.
    pub fn name(self) -> &'static str {
        match self {
            Convention::Exact => "exact",
            Convention::Dimacs => "dimacs",
            Convention::Rounded => "rounded",
        }
    }

    /// Parse a CLI name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "exact" => Some(Convention::Exact),
            "dimacs" => Some(Convention::Dimacs),
            "rounded" => Some(Convention::Rounded),
            _ => None,
        }
    }

    /// The convention the best-known solutions of a family use (`customers` decides for Homberger).
    pub fn standard_for(family: Family, customers: usize) -> Self {
        match family {
            Family::Solomon | Family::Evrptw | Family::Vrpspd => Convention::Exact,
            Family::Homberger if customers >= 1000 => Convention::Dimacs,
            Family::Homberger => Convention::Exact,
            Family::CvrplibX => Convention::Rounded,
        }
    }

    /// The scaled integer distance for a Euclidean distance `d` in file units (saturating at
    /// `i64::MAX` like a float cast; readers bound file values by
    /// [`crate::instances::MAX_FILE_VALUE`], so real distances stay far below it).
    pub fn scaled(self, d: f64) -> i64 {
        match self {
            Convention::Exact => (d * SCALE as f64).round() as i64,
            Convention::Dimacs => ((d * 10.0).floor() as i64).saturating_mul(SCALE / 10),
            Convention::Rounded => (d.round() as i64).saturating_mul(SCALE),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conventions_scale_as_documented() {
        let d = 2.0f64.sqrt() * 10.0; // 14.142135...
        assert_eq!(Convention::Exact.scaled(d), 141_421);
        assert_eq!(Convention::Dimacs.scaled(d), 141_000);
        assert_eq!(Convention::Rounded.scaled(d), 140_000);
        assert_eq!(Convention::parse("dimacs"), Some(Convention::Dimacs));
    }

    #[test]
    fn huge_distances_saturate_instead_of_overflowing() {
        for c in [Convention::Exact, Convention::Dimacs, Convention::Rounded] {
            assert_eq!(c.scaled(3e57), i64::MAX, "{c:?}");
        }
    }
}
