//! Or-opt: move a string of one to three consecutive orders to another place in the same route
//! (the intra-route relocate; PyVRP's Exchange10/20/30 within a route).
//!
//! Owns: [`evaluate`] and [`apply`]. Invariant: the delta is exact on every route kind: the new
//! order of stops is priced by [`RouteState::splice_cost`] (from the first stop that moves: times, loads with pickups, reloads,
//! durations, fees and batteries all depend on the order), except where only the distance can
//! change ([`RouteState::only_distance_moves`]: a CVRP's routes), where three legs out and three
//! in give it in O(1).

use crate::solver::measure::Cost;
use crate::solver::model::Problem;
use crate::solver::route_state::{RouteState, Stop};
use crate::solver::search_state::SearchState;

/// The stops of `stops` with `stops[from..from + len]` moved to before position `to` of the
/// original sequence (`to` outside the string; `to == stops.len()` appends).
fn moved(
    stops: &[Stop],
    from: usize,
    len: usize,
    to: usize,
) -> impl Iterator<Item = Stop> + Clone + '_ {
    let string = &stops[from..from + len];
    // Four slices in driving order: before, the two stretches that change places, after.
    let (first, second, third, fourth) = if to < from {
        (&stops[..to], string, &stops[to..from], &stops[from + len..])
    } else {
        (&stops[..from], &stops[from + len..to], string, &stops[to..])
    };
    first
        .iter()
        .chain(second)
        .chain(third)
        .chain(fourth)
        .copied()
}

/// Cost change of moving the `len` orders from position `from` of route `r` to before its
/// position `to`, or `None` when the result breaks a rule or the move changes nothing.
pub fn evaluate(
    problem: &Problem,
    state: &SearchState,
    r: usize,
    from: usize,
    len: usize,
    to: usize,
) -> Option<Cost> {
    let route = &state.routes[r];
    let n = route.len();
    if len == 0 || from + len > n || to > n || (from..=from + len).contains(&to) {
        return None;
    }
    if route.only_distance_moves(problem) {
        return distance_delta(problem, route, from, len, to);
    }
    // The route keeps its stops before the first one that moves and its stops after the last.
    let stops = &route.stops;
    let string = stops[from..from + len].iter();
    let cost = if to < from {
        let middle = string.chain(&stops[to..from]).copied();
        route.splice_cost(problem, to, middle, route, from + len)?
    } else {
        let middle = stops[from + len..to].iter().chain(string).copied();
        route.splice_cost(problem, from, middle, route, to)?
    };
    Some(cost - route.eval.cost)
}

/// [`evaluate`] on a route where only the distance can change: the string leaves the legs
/// `prev -> first` and `last -> next` (joining `prev -> next`) and enters between two stops
/// whose leg it splits; that leg is not one the removal touched, since `to` lies outside the
/// string and its two ends.
fn distance_delta(
    problem: &Problem,
    route: &RouteState,
    from: usize,
    len: usize,
    to: usize,
) -> Option<Cost> {
    let d = |a: u32, b: u32| problem.profile_of(route.vehicle_type).distance(a, b);
    // Node position k + 1 is stop k (0 and len + 1 are the depots).
    let (prev, first) = (route.node(from), route.node(from + 1));
    let (last, next) = (route.node(from + len), route.node(from + len + 1));
    let (p, q) = (route.node(to), route.node(to + 1));
    let dd = d(prev, next) - d(prev, first) - d(last, next) + d(p, first) + d(last, q) - d(p, q);
    route.distance_change_cost(problem, dd)
}

/// Perform the move.
pub fn apply(
    problem: &Problem,
    state: &mut SearchState,
    r: usize,
    from: usize,
    len: usize,
    to: usize,
) {
    let stops: Vec<Stop> = moved(&state.routes[r].stops, from, len, to).collect();
    state.routes[r].stops = stops;
    state.routes[r].update(problem);
    state.index_route(r);
}
