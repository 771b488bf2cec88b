//! Local search that polishes a plan with [`relocate`] and
//! [`2-opt*`](crate::solver::two_opt_star) moves between an order and its nearest neighbours
//! (granular neighbourhoods), first improvement, until no move improves.
//!
//! Owns: [`improve`]. Must never: accept a move that does not strictly lower the cost (so it
//! terminates), or depend on anything but the state and the neighbour lists (it is deterministic).
//! Invariant on return: the state is compacted.

use crate::solver::measure::Cost;
use crate::solver::model::Problem;
use crate::solver::neighbours::Neighbours;
use crate::solver::search_state::SearchState;
use crate::solver::{relocate, two_opt_star};

/// Improve `state` with moves towards the first `k` neighbours of each order; at most `max_passes`
/// passes over the orders. Returns the number of moves applied.
pub fn improve(
    problem: &Problem,
    state: &mut SearchState,
    neighbours: &Neighbours,
    k: usize,
    max_passes: usize,
) -> usize {
    let mut moves = 0;
    for _ in 0..max_passes {
        let before = moves;
        for u in 0..problem.orders().len() as u32 {
            for &v in neighbours.of(u).iter().take(k) {
                let (Some((ra, pa)), Some((rb, pb))) =
                    (state.where_of[u as usize], state.where_of[v as usize])
                else {
                    continue;
                };
                let (ra, pa, rb, pb) = (ra as usize, pa as usize, rb as usize, pb as usize);
                if ra == rb {
                    continue;
                }
                let mut applied = false;
                for at in [pb, pb + 1] {
                    if relocate::evaluate(problem, state, ra, pa, rb, at)
                        .is_some_and(|d| d < Cost::ZERO)
                    {
                        relocate::apply(problem, state, ra, pa, rb, at);
                        applied = true;
                        break;
                    }
                }
                if !applied
                    && two_opt_star::evaluate(problem, state, ra, pa, rb, pb)
                        .is_some_and(|d| d < Cost::ZERO)
                {
                    two_opt_star::apply(problem, state, ra, pa, rb, pb);
                    applied = true;
                }
                if !applied
                    && two_opt_star::evaluate(problem, state, rb, pb, ra, pa)
                        .is_some_and(|d| d < Cost::ZERO)
                {
                    two_opt_star::apply(problem, state, rb, pb, ra, pa);
                    applied = true;
                }
                if applied {
                    moves += 1;
                    break;
                }
            }
        }
        if moves == before {
            break;
        }
    }
    state.compact();
    moves
}
