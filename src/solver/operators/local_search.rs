//! Local search: granular first-improvement descent over the moves between an order and its
//! nearest neighbours. Between routes: [`relocate`] (before or after the neighbour), [`swap`] and
//! [`2-opt*`](crate::solver::two_opt_star) both ways; within a route: [`or_opt`] (strings of one
//! to three orders moved next to the neighbour) and [`two_opt`] (the stretch between them
//! reversed); optionally [`swap_star`] on the two routes when none of these improves. Every route kind takes part: the moves price fast routes in O(1) and the others
//! exactly, rolled forward from the first changed stop
//! ([`RouteState::splice_cost`](crate::solver::route_state::RouteState::splice_cost)).
//!
//! Owns: [`improve`], [`improve_around`]. Must never: accept a move that does not strictly lower the cost (so it
//! terminates), leave a plan whose loading bays overflow (with sites, a move is kept only when the
//! whole plan still fits them, [`plan_fits`], and undone otherwise), or depend on anything but the
//! state and the neighbour lists (it is deterministic). Invariant on return: the state is
//! compacted.

use crate::solver::measure::Cost;
use crate::solver::model::Problem;
use crate::solver::neighbours::Neighbours;
use crate::solver::route_state::RouteState;
use crate::solver::search_state::SearchState;
use crate::solver::sites::{plan_fits, Stay};
use crate::solver::swap_star::{self, SwapStar};
use crate::solver::{or_opt, relocate, swap, two_opt, two_opt_star};
use std::collections::HashMap;

/// One improving move, as found by [`best_move_for`].
#[derive(Clone, Copy, Debug)]
enum Move {
    Relocate(usize, usize, usize, usize),
    Swap(usize, usize, usize, usize),
    TwoOptStar(usize, usize, usize, usize),
    OrOpt(usize, usize, usize, usize),
    TwoOpt(usize, usize, usize),
    SwapStar(SwapStar),
}

impl Move {
    /// The routes the move changes.
    fn routes(self) -> (usize, usize) {
        match self {
            Move::Relocate(a, _, b, _) | Move::Swap(a, _, b, _) | Move::TwoOptStar(a, _, b, _) => {
                (a, b)
            }
            Move::OrOpt(r, ..) | Move::TwoOpt(r, ..) => (r, r),
            Move::SwapStar(m) => (m.ra, m.rb),
        }
    }

    fn apply(self, problem: &Problem, state: &mut SearchState) {
        match self {
            Move::Relocate(a, p, b, q) => relocate::apply(problem, state, a, p, b, q),
            Move::Swap(a, p, b, q) => swap::apply(problem, state, a, p, b, q),
            Move::TwoOptStar(a, p, b, q) => two_opt_star::apply(problem, state, a, p, b, q),
            Move::OrOpt(r, from, len, to) => or_opt::apply(problem, state, r, from, len, to),
            Move::TwoOpt(r, i, j) => two_opt::apply(problem, state, r, i, j),
            Move::SwapStar(m) => swap_star::apply(problem, state, m),
        }
    }
}

/// The first strictly improving move between order `u` (route `ra`, position `pa`) and its
/// neighbour `v` (route `rb`, position `pb`), in a fixed order of trial.
fn first_move(
    problem: &Problem,
    state: &SearchState,
    (ra, pa): (usize, usize),
    (rb, pb): (usize, usize),
) -> Option<Move> {
    let better = |d: Option<Cost>| d.is_some_and(|d| d < Cost::ZERO);
    if ra != rb {
        for at in [pb, pb + 1] {
            if better(relocate::evaluate(problem, state, ra, pa, rb, at)) {
                return Some(Move::Relocate(ra, pa, rb, at));
            }
        }
        if better(swap::evaluate(problem, state, ra, pa, rb, pb)) {
            return Some(Move::Swap(ra, pa, rb, pb));
        }
        if better(two_opt_star::evaluate(problem, state, ra, pa, rb, pb)) {
            return Some(Move::TwoOptStar(ra, pa, rb, pb));
        }
        if better(two_opt_star::evaluate(problem, state, rb, pb, ra, pa)) {
            return Some(Move::TwoOptStar(rb, pb, ra, pa));
        }
        return None;
    }
    // Within one route: bring u next to v.
    let n = state.routes[ra].len();
    for len in 1..=3usize.min(n) {
        if pa + len > n {
            break;
        }
        for to in [pb, pb + 1] {
            if better(or_opt::evaluate(problem, state, ra, pa, len, to)) {
                return Some(Move::OrOpt(ra, pa, len, to));
            }
        }
    }
    // Reverse so that u follows v (u after v) or v follows u.
    let (i, j) = if pa < pb { (pa + 1, pb) } else { (pb + 1, pa) };
    if i < j && better(two_opt::evaluate(problem, state, ra, i, j)) {
        return Some(Move::TwoOpt(ra, i, j));
    }
    None
}

/// Improve `state` with moves towards the first `k` neighbours of each order; at most `max_passes`
/// passes over the orders. With `use_swap_star`, a pair of an order and a neighbour in another route
/// that no simple move improves also tries [`swap_star`] on their two routes (once per pair of
/// routes until one of them changes). Returns the number of moves applied.
pub fn improve(
    problem: &Problem,
    state: &mut SearchState,
    neighbours: &Neighbours,
    k: usize,
    max_passes: usize,
    use_swap_star: bool,
) -> usize {
    improve_around(
        problem,
        state,
        neighbours,
        (k, max_passes, use_swap_star),
        None,
        &|| false,
    )
}

/// [`improve`] (`(k, max_passes, use_swap_star)` as there), starting from the orders marked in
/// `focus` (all when `None`): the first pass tries only them; each later pass tries an order
/// again only when its route or a neighbour's route changed since the order was last tried
/// (PyVRP's last-modified rule). Skipping such a pair loses nothing, since a move's delta depends
/// only on its two routes (with loading bays, also on whether other routes left room); the focus
/// takes the other orders as already tried. It ends early, with the moves made so far kept, once
/// `stop` answers true (asked before each order is tried: the solve driver's time limit or a
/// cancelled job); a `stop` that never answers true changes nothing.
pub fn improve_around(
    problem: &Problem,
    state: &mut SearchState,
    neighbours: &Neighbours,
    (k, max_passes, use_swap_star): (usize, usize, bool),
    focus: Option<&[bool]>,
    stop: &dyn Fn() -> bool,
) -> usize {
    let sites = !problem.sites().is_empty();
    let mut stays: Vec<Stay> = Vec::new();
    let mut saved: (Option<RouteState>, Option<RouteState>) = (None, None);
    let n = problem.orders().len();
    // Move counter at each route's last change, and at each order's last fruitless trial.
    let mut changed = vec![0u64; state.routes.len()];
    let mut tried: Vec<Option<u64>> = match focus {
        Some(f) => f.iter().map(|&x| if x { None } else { Some(0) }).collect(),
        None => vec![None; n],
    };
    let mut moves = 0u64;
    let mut star = swap_star::Scratch::default();
    // Move counter when SWAP* last searched each pair of routes (looked up, never iterated).
    let mut pair_tried: HashMap<(usize, usize), u64> = HashMap::new();
    'passes: for _ in 0..max_passes {
        let before = moves;
        for u in 0..n as u32 {
            if stop() {
                break 'passes;
            }
            let Some((ra, pa)) = state.where_of[u as usize] else {
                continue;
            };
            let since = tried[u as usize];
            let mut applied = false;
            for &v in neighbours.of(u).iter().take(k) {
                let Some((rb, pb)) = state.where_of[v as usize] else {
                    continue;
                };
                let (ra, rb) = (ra as usize, rb as usize);
                if since.is_some_and(|t| t >= changed[ra] && t >= changed[rb]) {
                    continue;
                }
                let mut found = first_move(problem, state, (ra, pa as usize), (rb, pb as usize));
                if found.is_none() && use_swap_star && ra != rb {
                    // SWAP* once per pair of routes until one of them changes.
                    let key = (ra.min(rb), ra.max(rb));
                    let last = pair_tried.get(&key).copied();
                    if !last.is_some_and(|t| t >= changed[ra] && t >= changed[rb]) {
                        pair_tried.insert(key, moves);
                        found = swap_star::best(problem, state, ra, rb, &mut star)
                            .map(|(m, _)| Move::SwapStar(m));
                    }
                }
                let Some(m) = found else {
                    continue;
                };
                let (a, b) = m.routes();
                if sites {
                    save(&mut saved.0, &state.routes[a]);
                    save(&mut saved.1, &state.routes[b]);
                }
                m.apply(problem, state);
                if sites && !plan_fits(problem, &state.routes, &mut stays) {
                    // Undo: the move would overflow a loading bay another route also uses.
                    restore(state, a, &saved.0);
                    restore(state, b, &saved.1);
                    continue;
                }
                moves += 1;
                changed[a] = moves;
                changed[b] = moves;
                applied = true;
                break;
            }
            if !applied {
                tried[u as usize] = Some(moves);
            }
        }
        if moves == before {
            break;
        }
    }
    state.compact();
    moves as usize
}

fn save(slot: &mut Option<RouteState>, route: &RouteState) {
    match slot {
        Some(s) => s.clone_from(route),
        None => *slot = Some(route.clone()),
    }
}

fn restore(state: &mut SearchState, r: usize, slot: &Option<RouteState>) {
    if let Some(s) = slot {
        state.routes[r].clone_from(s);
        state.index_route(r);
    }
}
