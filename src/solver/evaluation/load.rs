//! Load segments: what a stretch of a route does to the vehicle's load when orders both deliver and
//! pick up (simultaneous pickup and delivery; 揽收, returns, packaging recovery).
//!
//! Owns: [`LoadSegment`] and its O(1) concatenation, in the style of Vidal's segment concatenation
//! and PyVRP's `LoadSegment`. Must never: know routes, times or vehicles; the checker
//! ([`crate::solver::check`]) walks the load profile point by point on its own.
//!
//! Invariant: a trip leaves its depot carrying the deliveries of all its orders; at each order the
//! load drops by the delivery and rises by the pickup; the load must fit the capacity at every
//! point, dimension by dimension. For a stretch `S` of orders entered with exactly `S`'s own
//! deliveries aboard, [`LoadSegment::peak`] is the highest load at any point inside `S` (per
//! dimension); the peak of `A` then `B` is `max(peak(A) + delivery(B), peak(B) + pickup(A))`,
//! because `B`'s deliveries ride through `A` and `A`'s pickups ride through `B`. Without pickups the
//! peak is the delivered total, as before. Shipments (pickup-and-delivery pairs) are a pickup
//! of `+s` at the pickup order and `-s` at the delivery order: every term above is linear in the
//! loads, so the concatenation stays the exact maximum over every point whatever the signs; with
//! the pickup first the load never drops below what the plain orders hold, and the shipment adds
//! nothing to what leaves the depot or comes back (tested against the walked profile).

use crate::solver::measure::{Load, LOAD_DIMS};

/// The load summary of a stretch of orders (see the module doc).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LoadSegment {
    /// Delivered by the stretch's orders.
    pub delivery: Load,
    /// Picked up by the stretch's orders.
    pub pickup: Load,
    /// Highest load inside the stretch, entered with its own deliveries aboard.
    pub peak: Load,
}

/// Dimension-wise maximum.
#[inline]
pub fn max_load(a: Load, b: Load) -> Load {
    let mut r = [0; LOAD_DIMS];
    for (k, v) in r.iter_mut().enumerate() {
        *v = a.0[k].max(b.0[k]);
    }
    Load(r)
}

impl LoadSegment {
    /// The stretch with no orders.
    pub const EMPTY: Self = Self {
        delivery: Load::ZERO,
        pickup: Load::ZERO,
        peak: Load::ZERO,
    };

    /// One order delivering `delivery` and picking up `pickup`.
    #[inline]
    pub fn order(delivery: Load, pickup: Load) -> Self {
        Self {
            delivery,
            pickup,
            peak: max_load(delivery, pickup),
        }
    }

    /// `self` followed by `next`.
    #[inline]
    pub fn then(self, next: Self) -> Self {
        Self {
            delivery: self.delivery + next.delivery,
            pickup: self.pickup + next.pickup,
            peak: max_load(self.peak + next.delivery, next.peak + self.pickup),
        }
    }

    /// True when the stretch, driven as one trip, never exceeds `capacity`.
    #[inline]
    pub fn fits(self, capacity: Load) -> bool {
        self.peak.fits(capacity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The load at every point of a trip, walked as the module doc says.
    fn walked_peak(orders: &[(Load, Load)]) -> Load {
        let mut load = orders.iter().fold(Load::ZERO, |l, o| l + o.0);
        let mut peak = load;
        for &(d, p) in orders {
            load = load - d + p;
            peak = max_load(peak, load);
        }
        peak
    }

    fn load() -> impl Strategy<Value = Load> {
        (0i64..20, 0i64..20, 0i64..3).prop_map(|(a, b, c)| Load([a, b, c]))
    }

    proptest! {
        #[test]
        fn concatenation_equals_the_walked_profile(
            orders in proptest::collection::vec((load(), load()), 0..12),
            cut in 0usize..12,
        ) {
            let cut = cut.min(orders.len());
            let seg = |s: &[(Load, Load)]| {
                s.iter().fold(LoadSegment::EMPTY, |acc, &(d, p)| acc.then(LoadSegment::order(d, p)))
            };
            let whole = seg(&orders);
            prop_assert_eq!(whole.peak, walked_peak(&orders));
            // Any split concatenates to the same segment (associativity as used by the moves).
            prop_assert_eq!(seg(&orders[..cut]).then(seg(&orders[cut..])), whole);
        }
    }

    /// `orders` with shipments inserted: each `(amount, i, j)` puts a pickup of `amount`
    /// (pickup `+amount`) before position `i` and its delivery (pickup `-amount`) before position
    /// `j >= i` of the orders as they were, as `Problem::with_pairs` represents them.
    fn with_shipments(
        orders: &[(Load, Load)],
        shipments: &[(Load, usize, usize)],
    ) -> Vec<(Load, Load)> {
        let mut out = orders.to_vec();
        for &(s, i, j) in shipments {
            let n = out.len();
            let (i, j) = (i.min(n), j.min(n));
            let (i, j) = (i.min(j), i.max(j));
            out.insert(j, (Load::ZERO, Load::ZERO - s));
            out.insert(i, (Load::ZERO, s));
        }
        out
    }

    proptest! {
        #[test]
        fn concatenation_stays_exact_with_shipments_picked_up_first(
            orders in proptest::collection::vec((load(), load()), 0..8),
            shipments in proptest::collection::vec((load(), 0usize..10, 0usize..10), 0..4),
            cut in 0usize..20,
        ) {
            let all = with_shipments(&orders, &shipments);
            let cut = cut.min(all.len());
            let seg = |s: &[(Load, Load)]| {
                s.iter().fold(LoadSegment::EMPTY, |acc, &(d, p)| acc.then(LoadSegment::order(d, p)))
            };
            let whole = seg(&all);
            // The walk sees each shipment aboard from its pickup to its delivery only.
            prop_assert_eq!(whole.peak, walked_peak(&all));
            prop_assert_eq!(seg(&all[..cut]).then(seg(&all[cut..])), whole);
            // Shipments add nothing to what leaves the depot or comes back.
            prop_assert_eq!(whole.delivery, seg(&orders).delivery);
            prop_assert_eq!(whole.pickup, seg(&orders).pickup);
        }
    }

    #[test]
    fn a_shipment_is_aboard_only_between_its_pickup_and_delivery() {
        let s = Load::weight(6);
        let p = LoadSegment::order(Load::ZERO, s);
        let d = LoadSegment::order(Load::ZERO, Load::ZERO - s);
        let drop = LoadSegment::order(Load::weight(4), Load::ZERO);
        // Deliver 4 first, then carry the shipment: never more than 6 aboard.
        assert_eq!(drop.then(p).then(d).peak, Load::weight(6));
        // Carry the shipment while the 4 are still aboard: 10.
        assert_eq!(p.then(drop).then(d).peak, Load::weight(10));
        // Picked up and delivered in one stretch, it leaves nothing behind.
        assert_eq!(p.then(d).pickup, Load::ZERO);
    }

    #[test]
    fn deliveries_only_peak_at_the_depot() {
        let s = LoadSegment::order(Load::weight(3), Load::ZERO)
            .then(LoadSegment::order(Load::weight(4), Load::ZERO));
        assert_eq!(s.peak, Load::weight(7));
        // A pickup early in the trip rides with the later deliveries.
        let s = LoadSegment::order(Load::ZERO, Load::weight(5))
            .then(LoadSegment::order(Load::weight(4), Load::ZERO));
        assert_eq!(s.peak, Load::weight(9));
        // The same orders the other way round never hold more than 5.
        let s = LoadSegment::order(Load::weight(4), Load::ZERO)
            .then(LoadSegment::order(Load::ZERO, Load::weight(5)));
        assert_eq!(s.peak, Load::weight(5));
    }
}
