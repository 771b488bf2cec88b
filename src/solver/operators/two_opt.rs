//! 2-opt: reverse a stretch of one route.
//!
//! Owns: [`evaluate`] and [`apply`]. Invariant: the delta is exact on every route kind: the new
//! order of stops is priced by [`sequence_cost`] (time windows and pickups make a reversed stretch
//! differ in more than its two end legs).

use crate::solver::measure::Cost;
use crate::solver::model::Problem;
use crate::solver::route_state::{sequence_cost, Stop};
use crate::solver::search_state::SearchState;

fn reversed(stops: &[Stop], i: usize, j: usize) -> impl Iterator<Item = Stop> + Clone + '_ {
    stops[..i]
        .iter()
        .chain(stops[i..=j].iter().rev())
        .chain(&stops[j + 1..])
        .copied()
}

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
    let cost = sequence_cost(problem, route.vehicle_type, reversed(&route.stops, i, j))?;
    Some(cost - route.eval.cost)
}

/// Perform the reversal.
pub fn apply(problem: &Problem, state: &mut SearchState, r: usize, i: usize, j: usize) {
    state.routes[r].stops[i..=j].reverse();
    state.routes[r].update(problem);
    state.index_route(r);
}
