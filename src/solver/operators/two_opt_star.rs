//! 2-opt*: exchange the tails of two routes. Route `a` keeps its stops up to `p` and continues with
//! the stops of `b` from `q`; route `b` keeps its stops before `q` and continues with the tail of `a`
//! after `p`. With `q = 0` and `p` last it merges two routes.
//!
//! Owns: [`evaluate`] and [`apply`]. Invariant: the delta is exact on every route kind
//! (`tests/solver_moves.rs`): O(1) when both routes are on the fast path with one vehicle type
//! (prefix load segments and distances, forward/backward schedule values of both routes);
//! otherwise both new routes are priced by
//! [`RouteState::splice_cost`](crate::solver::route_state::RouteState::splice_cost) (each keeps its own vehicle type, so
//! tails may change vehicles), after an O(1) load test for single-trip vehicles.

use crate::solver::measure::{Cost, Distance};
use crate::solver::model::Problem;
use crate::solver::search_state::SearchState;

/// Cost change of the tail exchange, or `None` when a rule breaks.
pub fn evaluate(
    problem: &Problem,
    state: &SearchState,
    ra: usize,
    p: usize,
    rb: usize,
    q: usize,
) -> Option<Cost> {
    let (a, b) = (&state.routes[ra], &state.routes[rb]);
    if ra == rb || p >= a.len() || q > b.len() {
        return None;
    }
    let (vt_a, vt_b) = (
        problem.vehicle_type(a.vehicle_type),
        problem.vehicle_type(b.vehicle_type),
    );
    let load_a = a.load_of_first(p + 1).then(b.load_from(q));
    let load_b = b.load_of_first(q).then(a.load_from(p + 1));
    if (vt_a.reload_depots.is_empty() && !load_a.fits(vt_a.capacity))
        || (vt_b.reload_depots.is_empty() && !load_b.fits(vt_b.capacity))
    {
        return None;
    }
    if a.vehicle_type != b.vehicle_type || !a.is_fast() || !b.is_fast() {
        // a keeps its first p + 1 stops and takes b's tail; b keeps q and takes a's.
        let cost_a = a.splice_cost(problem, p + 1, std::iter::empty(), b, q)?;
        let cost_b = b.splice_cost(problem, q, std::iter::empty(), a, p + 1)?;
        return Some(cost_a + cost_b - a.eval.cost - b.eval.cost);
    }
    let vt = vt_a;
    let profile = problem.profile_of(a.vehicle_type);
    let (u, a_next) = (a.node(p + 1), a.node(p + 2));
    let (b_prev, v) = (b.node(q), b.node(q + 1));
    let dist_a =
        a.distance_to(p + 1) + profile.distance(u, v) + (b.eval.distance - b.distance_to(q + 1));
    let b_empty = q == 0 && p + 1 == a.len();
    let dist_b = if b_empty {
        Distance::ZERO
    } else {
        b.distance_to(q)
            + profile.distance(b_prev, a_next)
            + (a.eval.distance - a.distance_to(p + 2))
    };
    if dist_a > vt.max_distance || dist_b > vt.max_distance {
        return None;
    }
    if !problem.is_untimed() {
        if profile.arrival(u, v, a.ready_at(p + 1)) > b.latest_at(q + 1) {
            return None;
        }
        if !b_empty && profile.arrival(b_prev, a_next, b.ready_at(q)) > a.latest_at(p + 2) {
            return None;
        }
    }
    let cost = |d: Distance, used: bool| {
        if used {
            // Fast routes only: priced by distance (no duration cost, no fees).
            crate::solver::route_state::route_cost(
                vt,
                d,
                crate::solver::measure::Duration::ZERO,
                Cost::ZERO,
            )
        } else {
            Cost::ZERO
        }
    };
    Some(cost(dist_a, true) + cost(dist_b, !b_empty) - a.eval.cost - b.eval.cost)
}

/// Perform the exchange (route `b` may be empty afterwards; compact it later).
pub fn apply(problem: &Problem, state: &mut SearchState, ra: usize, p: usize, rb: usize, q: usize) {
    let a_tail = state.routes[ra].stops.split_off(p + 1);
    let b_tail = state.routes[rb].stops.split_off(q);
    state.routes[ra].stops.extend(b_tail);
    state.routes[rb].stops.extend(a_tail);
    state.routes[ra].update(problem);
    state.routes[rb].update(problem);
    state.index_route(ra);
    state.index_route(rb);
}
