//! Relocate: move one order from its route into another route.
//!
//! Owns: [`evaluate`] and [`apply`]. Must never: move within one route (ruin-and-recreate covers it)
//! or handle routes off the O(1) path (reloads, duration rules): [`evaluate`] returns `None` there.
//! Invariant: the delta is exact for the routes it accepts (`tests/solver_moves.rs`).

use crate::solver::measure::Cost;
use crate::solver::model::Problem;
use crate::solver::route_state::RouteState;
use crate::solver::search_state::SearchState;

/// Cost change of removing stop `pos` from `route`, or `None` when the rest breaks a rule.
fn removal_delta(problem: &Problem, route: &RouteState, pos: usize) -> Option<Cost> {
    if route.len() == 1 {
        return Some(Cost::ZERO - route.eval.cost);
    }
    let vt = problem.vehicle_type(route.vehicle_type);
    let profile = problem.profile_of(route.vehicle_type);
    let (prev, u, next) = (route.node(pos), route.node(pos + 1), route.node(pos + 2));
    let dd = profile.distance(prev, next) - profile.distance(prev, u) - profile.distance(u, next);
    if route.eval.distance + dd > vt.max_distance {
        return None;
    }
    if !problem.is_untimed()
        && profile.arrival(prev, next, route.ready_at(pos)) > route.latest_at(pos + 2)
    {
        return None;
    }
    Some(Cost(dd.0 * vt.cost_per_distance))
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
    if from == to || !a.is_fast() || !b.is_fast() || at > b.len() {
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
