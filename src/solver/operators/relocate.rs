//! Relocate: move one order from its route into another route.
//!
//! Owns: [`evaluate`] and [`apply`]. Must never: move within one route (that is
//! [`crate::solver::or_opt`]). Invariant: the delta is exact on every route kind
//! (`tests/solver_moves.rs`): O(1) where both routes are on the fast path (distance-priced, single
//! trip, no battery, no fees), otherwise the insertion check of the receiving route (O(1) where it
//! decides, else simulated) plus the cost of the route that loses the order ([`RouteState::splice_cost`], rolled forward
//! from the removed position).

use crate::solver::measure::Cost;
use crate::solver::model::Problem;
use crate::solver::route_state::RouteState;
use crate::solver::search_state::SearchState;

/// Cost change of removing stop `pos` from `route`, or `None` when the rest breaks a rule.
fn removal_delta(problem: &Problem, route: &RouteState, pos: usize) -> Option<Cost> {
    if route.len() == 1 {
        return Some(Cost::ZERO - route.eval.cost);
    }
    if !route.is_fast() {
        // Reloads may move, a later first stop changes the departure, fees follow the legs.
        let cost = route.splice_cost(problem, pos, std::iter::empty(), route, pos + 1)?;
        return Some(cost - route.eval.cost);
    }
    let profile = problem.profile_of(route.vehicle_type);
    let (prev, u, next) = (route.node(pos), route.node(pos + 1), route.node(pos + 2));
    let dd = profile.distance(prev, next) - profile.distance(prev, u) - profile.distance(u, next);
    if !problem.is_untimed()
        && profile.arrival(prev, next, route.ready_at(pos)) > route.latest_at(pos + 2)
    {
        return None;
    }
    route.distance_change_cost(problem, dd)
}

/// Cost change of moving stop `pos` of route `from` into route `to` before its stop `at`.
pub fn evaluate(
    problem: &Problem,
    state: &SearchState,
    from: usize,
    pos: usize,
    to: usize,
    at: usize,
) -> Option<Cost> {
    let (a, b) = (&state.routes[from], &state.routes[to]);
    if from == to || pos >= a.len() || at > b.len() {
        return None;
    }
    let insert = b.insertion_delta(problem, at, a.stops[pos])?;
    Some(insert + removal_delta(problem, a, pos)?)
}

/// Perform the move (the state may hold an empty route afterwards; compact it later).
pub fn apply(
    problem: &Problem,
    state: &mut SearchState,
    from: usize,
    pos: usize,
    to: usize,
    at: usize,
) {
    let stop = state.routes[from].stops.remove(pos);
    state.routes[from].update(problem);
    state.routes[to].stops.insert(at, stop);
    state.routes[to].update(problem);
    state.index_route(from);
    state.index_route(to);
}
