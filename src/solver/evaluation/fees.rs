//! Zone fees and soft penalties in the search: what a leg and a day cost a vehicle type.
//!
//! Owns: [`ZoneFees`], [`ZoneCharge`], [`FeeMeter`]. Must never: be used by the checker
//! ([`crate::solver::check`] prices fees with its own code). Invariants: a leg from location `a`
//! to location `b` by a vehicle ready to leave `a` at `t` enters zone `z` when `b` lies in `z` and
//! `a` does not; each charge in force at `t` (its windows hold `t`) whose zones include `z` costs
//! its `per_entry` for that entry, and its `per_day` once per route when any leg in force ends in
//! one of its zones. Fees are never negative, so they only add to a route's cost; they depend on
//! the order of the stops and on time, which is why routes of a vehicle type with fees take the
//! simulated (exact) insertion path.

use crate::solver::measure::{Cost, Time};
use crate::solver::model::TimeWindow;

/// One charge that applies to a vehicle type: a city's fee rule or a planner's penalty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZoneCharge {
    /// The zones it covers (bit `z` = zone `z` of [`ZoneFees::inside`]).
    pub zones: u64,
    /// When it is in force (for a leg's departure), sorted and disjoint.
    pub windows: Vec<TimeWindow>,
    /// Cost of each entry into one of its zones.
    pub per_entry: Cost,
    /// Cost once per route that ends a leg in one of its zones while it is in force.
    pub per_day: Cost,
}

impl ZoneCharge {
    /// Is the charge in force for a leg leaving at `t`?
    #[inline]
    pub fn in_force(&self, t: Time) -> bool {
        self.windows.iter().any(|w| w.open <= t && t <= w.close)
    }
}

/// The fees of one vehicle type: which zones each location lies in, and the charges.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ZoneFees {
    /// Per location: the zones it lies in (bit mask).
    pub inside: Vec<u64>,
    /// At most 64 charges.
    pub charges: Vec<ZoneCharge>,
}

/// Fees along one route, leg by leg.
#[derive(Clone, Copy, Debug, Default)]
pub struct FeeMeter {
    /// Entry fees so far.
    entries: Cost,
    /// Charges whose day fee is due (bit per charge).
    day_due: u64,
}

impl FeeMeter {
    /// Price the leg `a -> b` left at `t`.
    #[inline]
    pub fn leg(&mut self, fees: &ZoneFees, a: u32, b: u32, t: Time) {
        self.leg_with(fees, a, b, t, |_, _, _, _| {});
    }

    /// [`FeeMeter::leg`], telling `owed` what each charge in force for the leg bills:
    /// `(charge, zones entered, zones of the charge that hold b, day fee newly due)`.
    #[inline]
    pub fn leg_with(
        &mut self,
        fees: &ZoneFees,
        a: u32,
        b: u32,
        t: Time,
        mut owed: impl FnMut(usize, u64, u64, bool),
    ) {
        let into = fees.inside[b as usize];
        if into == 0 {
            return;
        }
        let entered = into & !fees.inside[a as usize];
        for (c, charge) in fees.charges.iter().enumerate() {
            if into & charge.zones == 0 || !charge.in_force(t) {
                continue;
            }
            let entered = entered & charge.zones;
            self.entries += Cost(charge.per_entry.0 * i64::from(entered.count_ones()));
            let newly_due = self.day_due >> c & 1 == 0;
            self.day_due |= 1 << c;
            owed(c, entered, into & charge.zones, newly_due);
        }
    }

    /// Entry fees plus every day fee due.
    pub fn total(&self, fees: &ZoneFees) -> Cost {
        let day: i64 = fees
            .charges
            .iter()
            .enumerate()
            .filter(|(c, _)| self.day_due >> c & 1 == 1)
            .map(|(_, charge)| charge.per_day.0)
            .sum();
        self.entries + Cost(day)
    }
}
