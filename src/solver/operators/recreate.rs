//! The recreate operator of SISR: greedy insertion with blinks. Orders are sorted (random, largest
//! demand, farthest, closest), then each goes to its cheapest feasible position, where every position
//! is skipped ("blinked") with a small probability.
//!
//! Owns: [`recreate`], [`RecreateParams`], [`RecreateScratch`]. Must never: remove an order from a
//! route, or open a route while an existing one can take the order (as in the paper). Invariants:
//! candidate routes are visited in a fixed order and ties keep the first candidate, so the outcome
//! depends only on the state and the generator. With a granular limit, only routes that hold one of
//! the order's nearest neighbours are tried (plus a new route), nearest neighbour's route first;
//! otherwise, and when none of those has room, every route by increasing index. Orders that no
//! vehicle type can serve alone are never tried.

use crate::solver::lockers::LockerBook;
use crate::solver::measure::{Cost, Distance};
use crate::solver::model::{service_start, Problem};
use crate::solver::neighbours::Neighbours;
use crate::solver::rng::Rng;
use crate::solver::route_state::{Quick, RouteState, Stop};
use crate::solver::search_state::SearchState;
use crate::solver::sites::SiteBook;

/// Recreate parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RecreateParams {
    /// Probability of skipping a position (paper: 0.01).
    pub blink_rate: f64,
    /// When non-zero, only routes holding one of this many nearest neighbours are tried.
    pub granular: usize,
    /// Also price a new route when an existing route can take the order (the cheaper wins).
    pub always_try_new_route: bool,
}

impl Default for RecreateParams {
    fn default() -> Self {
        Self {
            blink_rate: 0.01,
            granular: 0,
            always_try_new_route: false,
        }
    }
}

/// Per-worker scratch: empty route templates and marks.
#[derive(Clone, Debug)]
pub struct RecreateScratch {
    empties: Vec<RouteState>,
    mark: Vec<u32>,
    stamp: u32,
    candidates: Vec<u32>,
    depot_distance: Vec<Distance>,
    book: SiteBook,
    lockers: LockerBook,
    positions: Vec<(Cost, usize, Stop)>,
    /// False for an order that no vehicle type can serve even on a route of its own (no
    /// alternative reachable, windows outside every shift, ...): recreate never tries it again.
    servable: Vec<bool>,
}

impl RecreateScratch {
    /// Scratch for `problem`.
    pub fn new(problem: &Problem) -> Self {
        let empties: Vec<RouteState> = (0..problem.vehicle_types().len() as u32)
            .map(|v| RouteState::new(problem, v))
            .collect();
        let depot_distance = match problem.vehicle_types().first() {
            Some(vt) => {
                let p = &problem.profiles()[vt.profile as usize];
                problem
                    .orders()
                    .iter()
                    .map(|o| p.distance(vt.start, o.alternatives[0].location))
                    .collect()
            }
            None => vec![Distance::ZERO; problem.orders().len()],
        };
        let servable = (0..problem.orders().len() as u32)
            .map(|o| {
                empties.iter().any(|e| {
                    problem
                        .order(o)
                        .alternatives
                        .iter()
                        .enumerate()
                        .any(|(a, alt)| {
                            let stop = Stop {
                                order: o,
                                alternative: a as u32,
                                location: alt.location,
                            };
                            e.insertion_delta(problem, 0, stop).is_some()
                        })
                })
            })
            .collect();
        Self {
            empties,
            servable,
            mark: Vec::new(),
            stamp: 0,
            candidates: Vec::new(),
            depot_distance,
            book: SiteBook::default(),
            lockers: LockerBook::default(),
            positions: Vec::new(),
        }
    }
}

/// What limits placements beyond the route itself: room at sites, parcels at lockers.
#[derive(Clone, Copy)]
struct Books<'a> {
    sites: Option<&'a SiteBook>,
    lockers: Option<&'a LockerBook>,
}

/// Where an order goes.
#[derive(Clone, Copy, Debug)]
struct Placement {
    delta: Cost,
    route: Option<usize>,
    new_type: u32,
    pos: usize,
    stop: Stop,
}

/// True when a stop at a site keeps the site's dwell limit and finds room there (judged on the
/// new stop alone; the acceptance test in [`crate::solver::sisr`] is exact).
fn site_allows(
    problem: &Problem,
    book: &SiteBook,
    route: &RouteState,
    index: u32,
    pos: usize,
    stop: Stop,
) -> bool {
    let Some(site) = problem.site_at(stop.location) else {
        return true;
    };
    let service = problem.order(stop.order).alternatives[stop.alternative as usize].service;
    if service > problem.sites()[site as usize].max_dwell(route.vehicle_type) {
        return false;
    }
    let profile = problem.profile_of(route.vehicle_type);
    let arrival = profile.arrival(route.node(pos), stop.location, route.ready_at(pos));
    match service_start(problem.windows(stop.order, stop.alternative), arrival) {
        Some(start) => book.has_room(problem, site, index, start, start + service),
        None => false,
    }
}

/// Best placement of `order` into `route` (number `index`; positions blink with `blink_rate`).
/// `outer` is the best delta found in other routes: positions whose lower bound cannot beat it
/// are skipped, and battery positions that may need charging stops are simulated by increasing
/// lower bound until the bound reaches the best known delta (`cands` is scratch space).
#[allow(clippy::too_many_arguments)] // plain values on the hot path, no bundling struct
fn best_in_route(
    problem: &Problem,
    route: &RouteState,
    index: u32,
    books: Books,
    order: u32,
    blink_rate: f64,
    rng: &mut Rng,
    best: &mut Option<(Cost, usize, Stop)>,
    outer: Option<Cost>,
    cands: &mut Vec<(Cost, usize, Stop)>,
) {
    if !route.may_take(problem, order) {
        return;
    }
    let o = problem.order(order);
    // The delta to beat: the best placement so far, here or in an earlier route.
    let to_beat = |best: &Option<(Cost, usize, Stop)>| match (best.map(|b| b.0), outer) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    // Only strictly cheaper placements that find room at their site and locker are taken; a
    // locker's cost (never negative, so the distance lower bound still holds) joins the delta.
    let take = |best: &mut Option<(Cost, usize, Stop)>, d: Cost, pos: usize, stop: Stop| {
        let d = d + problem.alternative_cost(order, stop.alternative);
        if best.is_none_or(|(b, _, _)| d < b)
            && books
                .sites
                .is_none_or(|b| site_allows(problem, b, route, index, pos, stop))
            && books.lockers.is_none_or(|l| l.fits(problem, stop))
        {
            *best = Some((d, pos, stop));
        }
    };
    // Every position in driving order: the distance lower bound first (only strictly cheaper
    // placements are taken, so skipping one that cannot beat the best so far never changes the
    // choice), then the O(1) checks, which are exact unless reloads or charging stops are
    // involved. Battery routes that may need charging keep their candidates with a lower bound
    // and simulate them by increasing bound until the bound reaches the best delta.
    cands.clear();
    for pos in 0..=route.len() {
        if blink_rate > 0.0 && rng.f64() < blink_rate {
            continue;
        }
        for (a, alt) in o.alternatives.iter().enumerate() {
            let stop = Stop {
                order,
                alternative: a as u32,
                location: alt.location,
            };
            if let (Some(beat), Some(lb)) =
                (to_beat(best), route.detour_lower_bound(problem, pos, stop))
            {
                if lb >= beat {
                    continue;
                }
            }
            match route.quick_insertion(problem, pos, stop) {
                Quick::Infeasible => {}
                Quick::Exact(d) => take(best, d, pos, stop),
                Quick::AtLeast(lb) if route.is_battery() => cands.push((lb, pos, stop)),
                Quick::Unknown if route.is_battery() => cands.push((Cost(-Cost::MAX.0), pos, stop)),
                Quick::AtLeast(_) | Quick::Unknown => {
                    if let Some(d) = route.insertion_delta(problem, pos, stop) {
                        take(best, d, pos, stop);
                    }
                }
            }
        }
    }
    cands.sort_by_key(|&(lb, pos, stop)| (lb, pos, stop.alternative));
    for &(lb, pos, stop) in cands.iter() {
        let bound = to_beat(best);
        if bound.is_some_and(|b| lb >= b) {
            break;
        }
        if let Some(d) = route.insertion_delta_below(problem, pos, stop, bound) {
            take(best, d, pos, stop);
        }
    }
}

/// Cheapest placement of `order` into one of the `candidates` routes.
#[allow(clippy::too_many_arguments)] // plain values on the hot path, no bundling struct
fn scan_routes(
    problem: &Problem,
    state: &SearchState,
    books: Books,
    candidates: &[u32],
    order: u32,
    params: &RecreateParams,
    rng: &mut Rng,
    cands: &mut Vec<(Cost, usize, Stop)>,
) -> Option<Placement> {
    let mut best: Option<Placement> = None;
    for &r in candidates {
        let mut in_route = None;
        best_in_route(
            problem,
            &state.routes[r as usize],
            r,
            books,
            order,
            params.blink_rate,
            rng,
            &mut in_route,
            best.map(|b| b.delta),
            cands,
        );
        if let Some((delta, pos, stop)) = in_route {
            if best.is_none_or(|b| delta < b.delta) {
                best = Some(Placement {
                    delta,
                    route: Some(r as usize),
                    new_type: 0,
                    pos,
                    stop,
                });
            }
        }
    }
    best
}

/// Sort `unassigned` the SISR way, then insert each order where it is cheapest.
pub fn recreate(
    problem: &Problem,
    state: &mut SearchState,
    neighbours: &Neighbours,
    params: &RecreateParams,
    rng: &mut Rng,
    scratch: &mut RecreateScratch,
) {
    let mut todo = std::mem::take(&mut state.unassigned);
    rng.shuffle(&mut todo);
    let pick = rng.below(11);
    if pick < 4 {
        // random order: keep the shuffle
    } else if pick < 8 {
        todo.sort_by_key(|&o| {
            let order = problem.order(o);
            std::cmp::Reverse(order.demand.0.max(order.pickup.0))
        });
    } else if pick < 10 {
        todo.sort_by_key(|&o| std::cmp::Reverse(scratch.depot_distance[o as usize]));
    } else {
        todo.sort_by_key(|&o| scratch.depot_distance[o as usize]);
    }
    scratch
        .mark
        .resize(state.routes.len().max(scratch.mark.len()), 0);
    let sites = !problem.sites().is_empty();
    if sites {
        scratch.book.fill(problem, &state.routes);
    }
    let lockers = !problem.lockers().is_empty();
    if lockers {
        scratch.lockers.fill(problem, &state.routes);
    }
    for order in todo {
        if !scratch.servable[order as usize] {
            state.unassigned.push(order);
            continue;
        }
        let books = Books {
            sites: sites.then_some(&scratch.book),
            lockers: lockers.then_some(&scratch.lockers),
        };
        let mut best: Option<Placement>;
        scratch.candidates.clear();
        let granular_used = params.granular > 0 && state.routes.len() > 8;
        if granular_used {
            scratch.stamp = scratch.stamp.wrapping_add(1);
            if scratch.stamp == 0 {
                scratch.mark.iter_mut().for_each(|m| *m = 0);
                scratch.stamp = 1;
            }
            scratch
                .mark
                .resize(state.routes.len().max(scratch.mark.len()), 0);
            for &nb in neighbours.of(order).iter().take(params.granular) {
                if let Some((r, _)) = state.where_of[nb as usize] {
                    if scratch.mark[r as usize] != scratch.stamp {
                        scratch.mark[r as usize] = scratch.stamp;
                        scratch.candidates.push(r);
                    }
                }
            }
            // Nearest neighbour's route first: a good placement found early lets the lower
            // bound skip most positions of the routes after it.
        } else {
            scratch.candidates.extend(0..state.routes.len() as u32);
        }
        best = scan_routes(
            problem,
            state,
            books,
            &scratch.candidates,
            order,
            params,
            rng,
            &mut scratch.positions,
        );
        if best.is_none() && granular_used {
            scratch.candidates.clear();
            scratch.candidates.extend(0..state.routes.len() as u32);
            best = scan_routes(
                problem,
                state,
                books,
                &scratch.candidates,
                order,
                params,
                rng,
                &mut scratch.positions,
            );
        }
        let room = (state.routes.len() as u32) < state.max_routes;
        if room && (best.is_none() || params.always_try_new_route) {
            for (v, empty) in scratch.empties.iter().enumerate() {
                if state.used[v] >= problem.vehicle_types()[v].count {
                    continue;
                }
                let mut in_route = None;
                best_in_route(
                    problem,
                    empty,
                    u32::MAX,
                    books,
                    order,
                    0.0,
                    rng,
                    &mut in_route,
                    best.map(|b| b.delta),
                    &mut scratch.positions,
                );
                if let Some((delta, pos, stop)) = in_route {
                    if best.is_none_or(|b| delta < b.delta) {
                        best = Some(Placement {
                            delta,
                            route: None,
                            new_type: v as u32,
                            pos,
                            stop,
                        });
                    }
                }
            }
        }
        let worth = match (best, problem.order(order).penalty) {
            (Some(b), Some(p)) => b.delta < p,
            (Some(_), None) => true,
            (None, _) => false,
        };
        match best {
            Some(b) if worth => {
                let r = match b.route {
                    Some(r) => r,
                    None => {
                        state
                            .routes
                            .push(scratch.empties[b.new_type as usize].clone());
                        state.used[b.new_type as usize] += 1;
                        state.routes.len() - 1
                    }
                };
                state.routes[r].insert(problem, b.pos, b.stop);
                state.index_route(r);
                if sites {
                    scratch.book.refresh(problem, &state.routes, r);
                }
                if lockers {
                    scratch.lockers.take(problem, b.stop);
                }
                if scratch.mark.len() < state.routes.len() {
                    scratch.mark.resize(state.routes.len(), 0);
                }
            }
            _ => state.unassigned.push(order),
        }
    }
}
