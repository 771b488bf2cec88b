//! Integer measure types of the solver: [`Distance`], [`Duration`], [`Time`], [`Cost`], [`Energy`]
//! and [`Load`].
//!
//! Owns: the newtypes and the arithmetic between them. Must never: hold an `f64`, or convert from user
//! units (that happens in the readers and the CLI). Invariant: every quantity inside the solver is an
//! `i64` in a unit fixed by whoever built the [`crate::solver::model::Problem`]. The city model uses
//! metres, seconds, cost in milli-cents and energy in watt-hours; benchmark readers use a documented scale factor (see
//! [`crate::instances`]). All arithmetic is saturating-free plain `i64`: values stay far below 2^62.

use std::ops::{Add, AddAssign, Sub, SubAssign};

macro_rules! measure {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub i64);

        impl $name {
            /// The zero value.
            pub const ZERO: Self = Self(0);
            /// A value larger than any reachable one, still safe to add to.
            pub const MAX: Self = Self(i64::MAX / 4);
            /// The raw integer.
            pub fn get(self) -> i64 {
                self.0
            }
        }
        impl Add for $name {
            type Output = Self;
            fn add(self, o: Self) -> Self {
                Self(self.0 + o.0)
            }
        }
        impl Sub for $name {
            type Output = Self;
            fn sub(self, o: Self) -> Self {
                Self(self.0 - o.0)
            }
        }
        impl AddAssign for $name {
            fn add_assign(&mut self, o: Self) {
                self.0 += o.0;
            }
        }
        impl SubAssign for $name {
            fn sub_assign(&mut self, o: Self) {
                self.0 -= o.0;
            }
        }
        impl std::iter::Sum for $name {
            fn sum<I: Iterator<Item = Self>>(it: I) -> Self {
                Self(it.map(|v| v.0).sum())
            }
        }
    };
}

measure!(
    /// A travelled distance (metres in the city model; scaled file units for benchmarks).
    Distance
);
measure!(
    /// A span of time (seconds in the city model; scaled file units for benchmarks).
    Duration
);
measure!(
    /// An amount of battery energy (watt-hours in the city model; scaled file units for benchmarks).
    Energy
);
measure!(
    /// A cost (milli-cents in the city model; for benchmarks equal to the scaled distance).
    Cost
);

/// A point in time, in the same unit as [`Duration`], counted from the start of the planning day.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(pub i64);

impl Time {
    /// The earliest representable time (an open lower bound).
    pub const MIN: Self = Self(-(i64::MAX / 4));
    /// The latest representable time (an open upper bound).
    pub const MAX: Self = Self(i64::MAX / 4);
    /// The raw integer.
    pub fn get(self) -> i64 {
        self.0
    }
}

impl Add<Duration> for Time {
    type Output = Time;
    fn add(self, d: Duration) -> Time {
        Time(self.0 + d.0)
    }
}

impl Sub<Duration> for Time {
    type Output = Time;
    fn sub(self, d: Duration) -> Time {
        Time(self.0 - d.0)
    }
}

impl Sub for Time {
    type Output = Duration;
    fn sub(self, o: Time) -> Duration {
        Duration(self.0 - o.0)
    }
}

/// Number of load dimensions: weight, volume, parcels.
pub const LOAD_DIMS: usize = 3;

/// A multi-dimensional load: `[weight in grams, volume in cm3, parcels]`.
/// Benchmark readers put the file's single demand in the first dimension.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Load(pub [i64; LOAD_DIMS]);

impl Load {
    /// The empty load.
    pub const ZERO: Self = Self([0; LOAD_DIMS]);

    /// A load with only the weight (first) dimension set.
    pub fn weight(w: i64) -> Self {
        Self([w, 0, 0])
    }

    /// True when every dimension of `self` is at most the same dimension of `cap`.
    pub fn fits(self, cap: Load) -> bool {
        self.0.iter().zip(cap.0.iter()).all(|(a, c)| a <= c)
    }

    /// Sum of the amounts by which `self` exceeds `cap` (0 when it fits).
    pub fn excess(self, cap: Load) -> i64 {
        self.0
            .iter()
            .zip(cap.0.iter())
            .map(|(a, c)| (a - c).max(0))
            .sum()
    }

    /// True when some dimension is negative.
    pub fn has_negative(self) -> bool {
        self.0.iter().any(|&a| a < 0)
    }
}

impl Add for Load {
    type Output = Load;
    fn add(self, o: Load) -> Load {
        let mut r = self;
        r += o;
        r
    }
}

impl AddAssign for Load {
    fn add_assign(&mut self, o: Load) {
        for (a, b) in self.0.iter_mut().zip(o.0.iter()) {
            *a += b;
        }
    }
}

impl Sub for Load {
    type Output = Load;
    fn sub(self, o: Load) -> Load {
        let mut r = self;
        for (a, b) in r.0.iter_mut().zip(o.0.iter()) {
            *a -= b;
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_fits_and_excess() {
        let cap = Load([10, 5, 2]);
        assert!(Load([10, 5, 2]).fits(cap));
        assert!(!Load([11, 0, 0]).fits(cap));
        assert_eq!(Load([12, 6, 0]).excess(cap), 3);
    }

    #[test]
    fn time_and_duration_arithmetic() {
        assert_eq!(Time(10) + Duration(5), Time(15));
        assert_eq!(Time(10) - Time(4), Duration(6));
        assert_eq!(Distance(3) + Distance(4), Distance(7));
    }
}
