//! Swap: exchange two orders of different routes (each takes the other's place).
//!
//! Owns: [`evaluate`] and [`apply`]. Must never: swap within one route (that is
//! [`crate::solver::or_opt`]). Invariant: the delta is exact on every route kind
//! (`tests/solver_moves.rs`): O(1) where both routes are on the fast path (load segments around the
//! position, the distance change, and the new stop's service against the next position's latest
//! arrival), otherwise both new routes are priced by
//! [`RouteState::splice_cost`] (each rolled forward from the swapped position).

use crate::solver::measure::{Cost, Distance};
use crate::solver::model::{service_start, Problem};
use crate::solver::route_state::{RouteState, Stop};
use crate::solver::search_state::SearchState;

/// Distance change of putting `stop` at position `i` of the fast route `r` instead of its own
/// order, or `None` when a rule breaks.
fn fast_replace(problem: &Problem, r: &RouteState, i: usize, stop: Stop) -> Option<Distance> {
    let vt = problem.vehicle_type(r.vehicle_type);
    let profile = problem.profile_of(r.vehicle_type);
    let order = problem.order(stop.order);
    let load = r
        .load_of_first(i)
        .then(crate::solver::load::LoadSegment::order(
            order.demand,
            order.pickup,
        ))
        .then(r.load_from(i + 1));
    if !load.fits(vt.capacity) {
        return None;
    }
    let (prev, old, next) = (r.node(i), r.node(i + 1), r.node(i + 2));
    let dd = profile.distance(prev, stop.location) + profile.distance(stop.location, next)
        - profile.distance(prev, old)
        - profile.distance(old, next);
    if r.eval.distance + dd > vt.max_distance {
        return None;
    }
    if !problem.is_untimed() {
        let arrival = profile.arrival(prev, stop.location, r.ready_at(i));
        let start = service_start(problem.windows(stop.order, stop.alternative), arrival)?;
        let leave = start + order.alternatives[stop.alternative as usize].service;
        if profile.arrival(stop.location, next, leave) > r.latest_at(i + 2) {
            return None;
        }
    }
    Some(dd)
}

/// Cost change of exchanging stop `i` of route `ra` with stop `j` of route `rb`.
pub fn evaluate(
    problem: &Problem,
    state: &SearchState,
    ra: usize,
    i: usize,
    rb: usize,
    j: usize,
) -> Option<Cost> {
    let (a, b) = (&state.routes[ra], &state.routes[rb]);
    if ra == rb || i >= a.len() || j >= b.len() {
        return None;
    }
    let (u, v) = (a.stops[i], b.stops[j]);
    if a.is_fast() && b.is_fast() {
        let da = fast_replace(problem, a, i, v)?;
        let db = fast_replace(problem, b, j, u)?;
        let per = |r: &RouteState| problem.vehicle_type(r.vehicle_type).cost_per_distance;
        return Some(Cost(da.0 * per(a) + db.0 * per(b)));
    }
    let cost_a = a.splice_cost(problem, i, std::iter::once(v), a, i + 1)?;
    let cost_b = b.splice_cost(problem, j, std::iter::once(u), b, j + 1)?;
    Some(cost_a + cost_b - a.eval.cost - b.eval.cost)
}

/// Perform the exchange.
pub fn apply(problem: &Problem, state: &mut SearchState, ra: usize, i: usize, rb: usize, j: usize) {
    let u = state.routes[ra].stops[i];
    let v = std::mem::replace(&mut state.routes[rb].stops[j], u);
    state.routes[ra].stops[i] = v;
    state.routes[ra].update(problem);
    state.routes[rb].update(problem);
    state.index_route(ra);
    state.index_route(rb);
}
