//! Travel data of one routing profile: a distance matrix and piecewise-constant duration matrices by
//! departure hour band, plus the time-dependent arrival functions every other module uses.
//!
//! Owns: [`Matrix`] (and [`Cell`], what it stores), [`Profile`], [`Profile::arrival`] and [`Profile::latest_departure`]. Must never:
//! know about orders, vehicles or routes. Invariants: matrices are square over the problem's
//! locations; band starts are strictly increasing and the first band starts at [`Time::MIN`] (it
//! covers everything before the second band). A vehicle may wait before leaving, so the arrival
//! function `arrival(i, j, t) = min over t' >= t of t' + duration_band(t')(i, j)` is monotone
//! non-decreasing in `t`: that is what makes forward/backward slack (and O(1) insertion checks) exact
//! with hour bands.

use crate::solver::measure::{Distance, Duration, Time};

/// What a [`Matrix`] cell can hold: a value stored as its raw representation, so that two
/// matrices of different measures with equal cells (a benchmark's distances and durations, which
/// its files give as one table) can share one buffer through [`Matrix::view_as`].
pub trait Cell: Copy {
    /// The stored representation.
    type Raw: Copy + PartialEq + std::fmt::Debug + Send + Sync;
    /// The value of a stored cell.
    fn from_raw(raw: Self::Raw) -> Self;
    /// The stored form of a value.
    fn into_raw(self) -> Self::Raw;
}

macro_rules! measure_cell {
    ($($name:ident),*) => {$(
        impl Cell for $name {
            type Raw = i64;
            #[inline]
            fn from_raw(raw: i64) -> Self {
                $name(raw)
            }
            #[inline]
            fn into_raw(self) -> i64 {
                self.0
            }
        }
    )*};
}
measure_cell!(Distance, Duration);

impl Cell for bool {
    type Raw = bool;
    #[inline]
    fn from_raw(raw: bool) -> Self {
        raw
    }
    #[inline]
    fn into_raw(self) -> bool {
        self
    }
}

/// A dense square matrix over location indices, row-major. Immutable once built; a clone shares
/// its cells (hour bands with the same travel times hold one matrix, not a copy each), and so
/// does a [`Matrix::view_as`] of the same cells as another measure.
pub struct Matrix<T: Cell> {
    n: usize,
    data: std::sync::Arc<[T::Raw]>,
}

impl<T: Cell> Clone for Matrix<T> {
    fn clone(&self) -> Self {
        Self {
            n: self.n,
            data: self.data.clone(),
        }
    }
}

impl<T: Cell> PartialEq for Matrix<T> {
    fn eq(&self, other: &Self) -> bool {
        self.n == other.n && self.data == other.data
    }
}

impl<T: Cell> std::fmt::Debug for Matrix<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matrix")
            .field("n", &self.n)
            .field("data", &self.data)
            .finish()
    }
}

impl<T: Cell> Matrix<T> {
    /// Build from row-major data; `None` when `data.len() != n * n`.
    pub fn from_vec(n: usize, data: Vec<T>) -> Option<Self> {
        (data.len() == n * n).then(|| Self {
            n,
            data: data.into_iter().map(T::into_raw).collect(),
        })
    }

    /// Build by calling `f(i, j)` for every cell, row by row.
    pub fn from_fn(n: usize, mut f: impl FnMut(usize, usize) -> T) -> Self {
        // A range mapped has an exact length, so the shared buffer is allocated once and
        // written in place: no second copy of a large matrix while it is built.
        Self {
            n,
            data: (0..n * n).map(|k| f(k / n, k % n).into_raw()).collect(),
        }
    }

    /// The same cells read as another measure, sharing this matrix's buffer (no copy): a
    /// benchmark whose durations equal its distances holds one table, not two.
    pub fn view_as<U: Cell<Raw = T::Raw>>(&self) -> Matrix<U> {
        Matrix {
            n: self.n,
            data: self.data.clone(),
        }
    }

    /// Side length.
    pub fn size(&self) -> usize {
        self.n
    }

    /// The cell `(i, j)`.
    #[inline]
    pub fn get(&self, i: u32, j: u32) -> T {
        T::from_raw(self.data[i as usize * self.n + j as usize])
    }
}

/// One hour band: from `start` (inclusive) until the next band's start, travel takes `durations`.
#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    /// First departure time of the band.
    pub start: Time,
    /// Travel durations for departures inside the band.
    pub durations: Matrix<Duration>,
}

/// One leg as [`Profile::drive`] times it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Drive {
    /// When the vehicle leaves (the moment it is ready, or a later band's start).
    pub depart: Time,
    /// The band it drives in (index into [`Profile::bands`]).
    pub band: usize,
    /// When it arrives.
    pub arrival: Time,
}

/// A routing profile (for example "e-tricycle" or "light truck"), chosen by the vehicle type.
#[derive(Clone, Debug, PartialEq)]
pub struct Profile {
    /// Name, for reports.
    pub name: String,
    /// Distances (not time dependent).
    pub distances: Matrix<Distance>,
    /// Hour bands; see the module invariants.
    pub bands: Vec<Band>,
}

impl Profile {
    /// A profile whose travel time never changes during the day.
    pub fn constant(name: &str, distances: Matrix<Distance>, durations: Matrix<Duration>) -> Self {
        Self {
            name: name.to_string(),
            distances,
            bands: vec![Band {
                start: Time::MIN,
                durations,
            }],
        }
    }

    /// True when the profile has a single band.
    #[inline]
    pub fn is_constant(&self) -> bool {
        self.bands.len() == 1
    }

    /// Distance from `i` to `j`.
    #[inline]
    pub fn distance(&self, i: u32, j: u32) -> Distance {
        self.distances.get(i, j)
    }

    /// Earliest arrival at `j` for a vehicle ready to leave `i` at `t`, waiting for a faster band when
    /// that arrives sooner.
    #[inline]
    pub fn arrival(&self, i: u32, j: u32, t: Time) -> Time {
        if self.bands.len() == 1 {
            return t + self.bands[0].durations.get(i, j);
        }
        self.banded_arrival(i, j, t)
    }

    /// [`Profile::arrival`] with several bands.
    #[inline(never)]
    fn banded_arrival(&self, i: u32, j: u32, t: Time) -> Time {
        self.drive(i, j, t).arrival
    }

    /// How a vehicle ready to leave `i` at `t` drives to `j`: it leaves at once, or waits for a
    /// later band whose travel time makes it arrive sooner (ties: the earlier departure). This is
    /// the one decision behind [`Profile::arrival`]; a replay on the road graph routes the leg in
    /// [`Drive::band`] from [`Drive::depart`].
    pub fn drive(&self, i: u32, j: u32, t: Time) -> Drive {
        let k = self.band_index(t);
        let mut best = Drive {
            depart: t,
            band: k,
            arrival: t + self.bands[k].durations.get(i, j),
        };
        for (b, band) in self.bands.iter().enumerate().skip(k + 1) {
            if band.start >= best.arrival {
                break;
            }
            let arrival = band.start + band.durations.get(i, j);
            if arrival < best.arrival {
                best = Drive {
                    depart: band.start,
                    band: b,
                    arrival,
                };
            }
        }
        best
    }

    /// Latest time one may be ready at `i` and still reach `j` by `latest` (may return a value below
    /// every band start, or [`Time::MIN`] when impossible).
    #[inline]
    pub fn latest_departure(&self, i: u32, j: u32, latest: Time) -> Time {
        if self.bands.len() == 1 {
            return latest - self.bands[0].durations.get(i, j);
        }
        let mut best = Time::MIN;
        for (k, b) in self.bands.iter().enumerate() {
            let mut t = latest - b.durations.get(i, j);
            if let Some(next) = self.bands.get(k + 1) {
                t = t.min(Time(next.start.0 - 1));
            }
            if t >= b.start && t > best {
                best = t;
            }
        }
        best
    }

    /// Index of the band containing `t`.
    #[inline]
    fn band_index(&self, t: Time) -> usize {
        self.bands
            .partition_point(|b| b.start <= t)
            .saturating_sub(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_band() -> Profile {
        // Before 100 the trip 0 -> 1 takes 80; from 100 on it takes 10.
        let d = Matrix::from_fn(2, |i, j| Distance(if i == j { 0 } else { 5 }));
        let slow = Matrix::from_fn(2, |i, j| Duration(if i == j { 0 } else { 80 }));
        let fast = Matrix::from_fn(2, |i, j| Duration(if i == j { 0 } else { 10 }));
        Profile {
            name: "t".into(),
            distances: d,
            bands: vec![
                Band {
                    start: Time::MIN,
                    durations: slow,
                },
                Band {
                    start: Time(100),
                    durations: fast,
                },
            ],
        }
    }

    #[test]
    fn waiting_for_faster_band_is_used() {
        let p = two_band();
        assert_eq!(p.arrival(0, 1, Time(0)), Time(80));
        // Leaving at 50 gives 130 directly, but waiting until 100 gives 110.
        assert_eq!(p.arrival(0, 1, Time(50)), Time(110));
        assert_eq!(p.arrival(0, 1, Time(200)), Time(210));
    }

    #[test]
    fn latest_departure_inverts_arrival() {
        let p = two_band();
        for latest in [50, 79, 80, 105, 110, 111, 300] {
            let t = p.latest_departure(0, 1, Time(latest));
            if t > Time::MIN {
                assert!(p.arrival(0, 1, t) <= Time(latest), "latest {latest}");
                assert!(
                    p.arrival(0, 1, Time(t.0 + 1)) > Time(latest),
                    "latest {latest}"
                );
            }
        }
    }

    #[test]
    fn a_cloned_matrix_shares_its_cells() {
        let m = Matrix::from_fn(3, |i, j| Duration((i * 3 + j) as i64));
        let c = m.clone();
        assert!(std::sync::Arc::ptr_eq(&m.data, &c.data));
        assert_eq!(c.get(2, 1), Duration(7));
    }

    #[test]
    fn a_view_as_another_measure_shares_its_cells() {
        let m = Matrix::from_fn(3, |i, j| Distance((i * 3 + j) as i64));
        let d: Matrix<Duration> = m.view_as();
        assert!(std::sync::Arc::ptr_eq(&m.data, &d.data));
        assert_eq!(d.get(2, 1), Duration(7));
    }

    #[test]
    fn arrival_is_monotone() {
        let p = two_band();
        let mut prev = Time::MIN;
        for t in 0..300 {
            let a = p.arrival(0, 1, Time(t));
            assert!(a >= prev);
            prev = a;
        }
    }
}
