//! SWAP* (Vidal 2022, "Hybrid genetic search for the CVRP: open-source implementation and SWAP*
//! neighborhood"): exchange an order `u` of route A with an order `v` of route B, each inserted
//! at its best position in the other route rather than in the other's place.
//!
//! Owns: [`SwapStar`], [`best`] and [`apply`]. Must never: pair orders of one route, or return a
//! move whose delta it did not price through the evaluator. Invariant: the returned delta is
//! exact on every route kind (`tests/solver_moves.rs`), because the candidates found by the
//! distance estimate below are priced by [`sequence_cost`], the evaluator's simulated path.
//!
//! How the candidates are found (Vidal's preprocessing): for every `u` of A, the three cheapest
//! positions in B by detour (`d(p, u) + d(u, q) - d(p, q)`), kept only where inserting `u` there
//! is feasible with B as it is when B's route is fast (O(1) check); the same for every `v` of B in
//! A. The best position of `u` in B without `v` is then either `v`'s own place or one of the
//! three not next to `v`, so every pair is estimated in O(1): O(|A| · |B|) per route pair. On a
//! fast route with the triangle inequality, removing `v` never makes an insertion that was
//! feasible with `v` infeasible; elsewhere (duration-priced routes, reloads, batteries, fees,
//! city matrices) the estimate is only a guide, and the exact pricing decides. The
//! [`MAX_TRIED`] best estimates below zero are priced, cheapest first; the first exact
//! improvement is the move.

use crate::solver::measure::Cost;
use crate::solver::model::Problem;
use crate::solver::route_state::{sequence_cost, Quick, RouteState, Stop};
use crate::solver::search_state::SearchState;

/// Estimated moves priced exactly per route pair, cheapest estimate first.
pub const MAX_TRIED: usize = 4;

/// One SWAP* move: stop `i` of route `ra` goes to route `rb` before position `to_b` of `rb`
/// without its stop `j`, and stop `j` of `rb` goes to `ra` before position `to_a` of `ra` without
/// stop `i`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SwapStar {
    /// Route of `u`.
    pub ra: usize,
    /// Position of `u` in `ra`.
    pub i: usize,
    /// Route of `v`.
    pub rb: usize,
    /// Position of `v` in `rb`.
    pub j: usize,
    /// Where `v` goes in `ra` once `u` is out (0 ..= len(ra) - 1).
    pub to_a: usize,
    /// Where `u` goes in `rb` once `v` is out (0 ..= len(rb) - 1).
    pub to_b: usize,
}

/// Reusable buffers of [`best`].
#[derive(Clone, Debug, Default)]
pub struct Scratch {
    top_a: Vec<Top3>,
    top_b: Vec<Top3>,
    candidates: Vec<(Cost, SwapStar)>,
    seq_a: Vec<Stop>,
    seq_b: Vec<Stop>,
}

/// The three cheapest insertion positions of one order in one route: (detour cost, position).
#[derive(Clone, Copy, Debug)]
struct Top3([(Cost, usize); 3]);

const NONE: (Cost, usize) = (Cost(i64::MAX), usize::MAX);

impl Top3 {
    fn push(&mut self, c: Cost, p: usize) {
        let t = &mut self.0;
        if c < t[2].0 {
            t[2] = (c, p);
            if t[2].0 < t[1].0 {
                t.swap(1, 2);
                if t[1].0 < t[0].0 {
                    t.swap(0, 1);
                }
            }
        }
    }

    /// The cheapest position not next to the stop at `j` (inserting before `j` or `j + 1`
    /// uses one of its arcs).
    fn best_away_from(&self, j: usize) -> (Cost, usize) {
        self.0
            .iter()
            .copied()
            .find(|&(_, p)| p != usize::MAX && p != j && p != j + 1)
            .unwrap_or(NONE)
    }
}

fn arc_cost(problem: &Problem, r: &RouteState, from: u32, to: u32) -> i64 {
    let per = problem.vehicle_type(r.vehicle_type).cost_per_distance;
    problem.profile_of(r.vehicle_type).distance(from, to).0 * per
}

/// Detour cost of `stop` between positions `p - 1` and `p` of `r` (nodes `p` and `p + 1`).
fn detour(problem: &Problem, r: &RouteState, p: usize, stop: Stop) -> i64 {
    let (a, b) = (r.node(p), r.node(p + 1));
    arc_cost(problem, r, a, stop.location) + arc_cost(problem, r, stop.location, b)
        - arc_cost(problem, r, a, b)
}

/// Fill `top` with the three best positions in `to` of every stop of `from`.
fn preprocess(problem: &Problem, from: &RouteState, to: &RouteState, top: &mut Vec<Top3>) {
    top.clear();
    let fast = to.is_fast();
    for &s in &from.stops {
        let mut t = Top3([NONE; 3]);
        for p in 0..=to.len() {
            if fast {
                match to.quick_insertion(problem, p, s) {
                    Quick::Exact(c) => t.push(c, p),
                    Quick::Infeasible => {}
                    // Not on a fast route; kept as an estimate.
                    Quick::AtLeast(_) | Quick::Unknown => {
                        t.push(Cost(detour(problem, to, p, s)), p)
                    }
                }
            } else {
                t.push(Cost(detour(problem, to, p, s)), p);
            }
        }
        top.push(t);
    }
}

/// Estimated cost change of `u` taking `v`'s place at position `j` of `r`.
fn replace_cost(problem: &Problem, r: &RouteState, j: usize, u: Stop) -> i64 {
    let (p, v, q) = (r.node(j), r.node(j + 1), r.node(j + 2));
    arc_cost(problem, r, p, u.location) + arc_cost(problem, r, u.location, q)
        - arc_cost(problem, r, p, v)
        - arc_cost(problem, r, v, q)
}

/// Estimated cost change of taking stop `j` out of `r`.
fn removal_cost(problem: &Problem, r: &RouteState, j: usize) -> i64 {
    let (p, v, q) = (r.node(j), r.node(j + 1), r.node(j + 2));
    arc_cost(problem, r, p, q) - arc_cost(problem, r, p, v) - arc_cost(problem, r, v, q)
}

/// Best insertion of `u` into `r` without its stop `j`: (estimated cost including `j`'s removal,
/// position in `r` without `j`).
fn best_into(problem: &Problem, r: &RouteState, j: usize, u: Stop, top: &Top3) -> (i64, usize) {
    let in_place = replace_cost(problem, r, j, u);
    let (c, p) = top.best_away_from(j);
    if p != usize::MAX {
        let away = c.0.saturating_add(removal_cost(problem, r, j));
        if away < in_place {
            // Positions after `j` shift down by one once `j` is out.
            return (away, if p > j { p - 1 } else { p });
        }
    }
    (in_place, j)
}

/// `r`'s stops without position `out`, with `s` inserted before position `at` of what is left.
fn rebuilt(r: &RouteState, out: usize, at: usize, s: Stop, into: &mut Vec<Stop>) {
    into.clear();
    into.extend(
        r.stops
            .iter()
            .enumerate()
            .filter(|&(k, _)| k != out)
            .map(|(_, s)| *s),
    );
    into.insert(at, s);
}

/// The best improving SWAP* move between routes `ra` and `rb` and its exact cost change, or
/// `None` when no priced candidate improves.
pub fn best(
    problem: &Problem,
    state: &SearchState,
    ra: usize,
    rb: usize,
    scratch: &mut Scratch,
) -> Option<(SwapStar, Cost)> {
    let (a, b) = (&state.routes[ra], &state.routes[rb]);
    if ra == rb || a.is_empty() || b.is_empty() {
        return None;
    }
    let single_trip = |r: &RouteState| {
        problem
            .vehicle_type(r.vehicle_type)
            .reload_depots
            .is_empty()
    };
    let (single_a, single_b) = (single_trip(a), single_trip(b));
    preprocess(problem, a, b, &mut scratch.top_a);
    preprocess(problem, b, a, &mut scratch.top_b);
    scratch.candidates.clear();
    let (cap_a, cap_b) = (
        problem.vehicle_type(a.vehicle_type).capacity,
        problem.vehicle_type(b.vehicle_type).capacity,
    );
    for (i, &u) in a.stops.iter().enumerate() {
        let ou = problem.order(u.order);
        for (j, &v) in b.stops.iter().enumerate() {
            let ov = problem.order(v.order);
            // A single trip leaves with all its deliveries and ends with all its pickups aboard.
            if single_a
                && !((a.load.delivery - ou.demand + ov.demand).fits(cap_a)
                    && (a.load.pickup - ou.pickup + ov.pickup).fits(cap_a))
            {
                continue;
            }
            if single_b
                && !((b.load.delivery - ov.demand + ou.demand).fits(cap_b)
                    && (b.load.pickup - ov.pickup + ou.pickup).fits(cap_b))
            {
                continue;
            }
            let (cu, to_b) = best_into(problem, b, j, u, &scratch.top_a[i]);
            let (cv, to_a) = best_into(problem, a, i, v, &scratch.top_b[j]);
            let est = cu.saturating_add(cv);
            if est < 0 {
                scratch.candidates.push((
                    Cost(est),
                    SwapStar {
                        ra,
                        i,
                        rb,
                        j,
                        to_a,
                        to_b,
                    },
                ));
            }
        }
    }
    let n = scratch.candidates.len().min(MAX_TRIED);
    if n == 0 {
        return None;
    }
    scratch
        .candidates
        .select_nth_unstable_by_key(n - 1, |&(c, m)| (c, m.i, m.j));
    scratch.candidates[..n].sort_unstable_by_key(|&(c, m)| (c, m.i, m.j));
    for k in 0..n {
        let m = scratch.candidates[k].1;
        rebuilt(a, m.i, m.to_a, b.stops[m.j], &mut scratch.seq_a);
        rebuilt(b, m.j, m.to_b, a.stops[m.i], &mut scratch.seq_b);
        let Some(ca) = sequence_cost(problem, a.vehicle_type, scratch.seq_a.iter().copied()) else {
            continue;
        };
        let Some(cb) = sequence_cost(problem, b.vehicle_type, scratch.seq_b.iter().copied()) else {
            continue;
        };
        let delta = ca + cb - a.eval.cost - b.eval.cost;
        if delta < Cost::ZERO {
            return Some((m, delta));
        }
    }
    None
}

/// Perform the move.
pub fn apply(problem: &Problem, state: &mut SearchState, m: SwapStar) {
    let u = state.routes[m.ra].stops.remove(m.i);
    let v = state.routes[m.rb].stops.remove(m.j);
    state.routes[m.ra].stops.insert(m.to_a, v);
    state.routes[m.rb].stops.insert(m.to_b, u);
    state.routes[m.ra].update(problem);
    state.routes[m.rb].update(problem);
    state.index_route(m.ra);
    state.index_route(m.rb);
}
