//! 2-opt: reverse a stretch of one route.
//!
//! Owns: [`evaluate`] and [`apply`]. Invariant: the delta is exact on every route kind: the new
//! order of stops is priced by [`RouteState::splice_cost`] from the stretch on (time windows and pickups make a reversed stretch
//! differ in more than its two end legs); where only the distance can change
//! ([`crate::solver::route_state::RouteState::only_distance_moves`]) it is summed from distances
//! alone.

use crate::solver::measure::{Cost, Distance};
use crate::solver::model::Problem;
use crate::solver::route_state::RouteState;
use crate::solver::search_state::SearchState;

/// Cost change of reversing positions `i..=j` (`i < j`) of route `r`, or `None` when a rule
/// breaks.
pub fn evaluate(
    problem: &Problem,
    state: &SearchState,
    r: usize,
    i: usize,
    j: usize,
) -> Option<Cost> {
    let route = &state.routes[r];
    if i >= j || j >= route.len() {
        return None;
    }
    if route.only_distance_moves(problem) {
        return distance_delta(problem, route, i, j);
    }
    let stretch = route.stops[i..=j].iter().rev().copied();
    let cost = route.splice_cost(problem, i, stretch, route, j + 1)?;
    Some(cost - route.eval.cost)
}

/// [`evaluate`] on a route where only the distance can change: the two end legs, and the
/// stretch driven backwards (equal to forwards on a symmetric matrix, but summed so that any
/// matrix is exact).
fn distance_delta(problem: &Problem, route: &RouteState, i: usize, j: usize) -> Option<Cost> {
    let d = |a: u32, b: u32| problem.profile_of(route.vehicle_type).distance(a, b);
    // Node position k + 1 is stop k.
    let (before, start) = (route.node(i), route.node(i + 1));
    let (end, after) = (route.node(j + 1), route.node(j + 2));
    let forwards = route.distance_to(j + 1) - route.distance_to(i + 1);
    let backwards: Distance = (i + 1..=j)
        .map(|k| d(route.node(k + 1), route.node(k)))
        .sum();
    let dd =
        d(before, end) + d(start, after) - d(before, start) - d(end, after) + backwards - forwards;
    route.distance_change_cost(problem, dd)
}

/// Perform the reversal.
pub fn apply(problem: &Problem, state: &mut SearchState, r: usize, i: usize, j: usize) {
    state.routes[r].stops[i..=j].reverse();
    state.routes[r].update(problem);
    state.index_route(r);
}
