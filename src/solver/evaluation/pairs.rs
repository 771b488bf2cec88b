//! Shipments (pickup-and-delivery pairs) during the search: the test that a sequence of stops
//! keeps every pair whole and in order.
//!
//! Owns: [`PairWalk`]. Must never: be used by the checker ([`crate::solver::check`] judges pairs
//! on its own). Invariant: a sequence passes when every paired order's partner is in it and each
//! pickup comes before its delivery; the two leaf evaluators (`route_state::simulate_plain` and
//! `charging`'s fixed sequence) walk it stop by stop, so every move priced through
//! `route_state::sequence_cost` or `simulate` rejects a split or inverted pair, and no route
//! holding a pair takes an O(1) shortcut (`RouteState::is_fast` is false for it). O(n) per
//! sequence, with scratch only for the pickups still open.

use crate::solver::model::{Pair, PairRole, Problem};

/// The pickups seen in a sequence whose deliveries have not come yet.
#[derive(Clone, Debug, Default)]
pub struct PairWalk {
    open: Vec<u32>,
}

impl PairWalk {
    /// Walk over `order`, the next stop; false when it is a delivery whose pickup did not come
    /// before it.
    #[inline]
    pub fn visit(&mut self, problem: &Problem, order: u32) -> bool {
        match problem.pair(order) {
            None => true,
            Some(Pair {
                role: PairRole::Pickup,
                ..
            }) => {
                self.open.push(order);
                true
            }
            Some(Pair {
                role: PairRole::Delivery,
                partner,
            }) => match self.open.iter().rposition(|&p| p == partner) {
                Some(k) => {
                    self.open.swap_remove(k);
                    true
                }
                None => false,
            },
        }
    }

    /// True when no pickup is left without its delivery.
    #[inline]
    pub fn closed(&self) -> bool {
        self.open.is_empty()
    }
}
