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
//! vehicle type can serve alone are never tried. A shipment (pickup-and-delivery pair) is
//! inserted as one unit when its pickup comes up: every pickup position and every later delivery
//! position of each candidate route, priced exactly (`best_pair_in_route`); it stays unserved as a
//! whole, and an optional one is worth serving when it costs less than both orders' penalties.

use crate::solver::lockers::LockerBook;
use crate::solver::measure::{Cost, Distance};
use crate::solver::model::{service_start, Pair, PairRole, Problem};
use crate::solver::neighbours::Neighbours;
use crate::solver::rng::Rng;
use crate::solver::route_state::{sequence_cost, Quick, RouteState, Stop};
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
                if let Some(pair) = problem.pair(o) {
                    // A shipment is servable when some vehicle type serves the pair alone.
                    let (p, d) = pickup_first(o, pair);
                    return empties.iter().any(|e| {
                        let mut best = None;
                        best_pair_in_route(
                            problem,
                            e,
                            p,
                            d,
                            0.0,
                            &mut Rng::new(0, 0),
                            &mut best,
                            None,
                        );
                        best.is_some()
                    });
                }
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

/// True when a stop at a site keeps the site's dwell limit and finds room there. The stop joins
/// the route's stops next to it at the same location into one stay (as `sites::route_stays`
/// counts it): the stay runs from the service start of the first of them (the stops before the
/// new one keep their times) to the departure after the last (the stops after it rolled forward
/// from the new stop's departure), and the whole stay must keep the dwell limit and find room.
/// Later stops elsewhere may still shift; the acceptance test in [`crate::solver::sisr`] is exact.
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
    let max_dwell = problem.sites()[site as usize].max_dwell(route.vehicle_type);
    let service_of = |s: &Stop| problem.order(s.order).alternatives[s.alternative as usize].service;
    if service_of(&stop) > max_dwell {
        return false;
    }
    let profile = problem.profile_of(route.vehicle_type);
    let arrival = profile.arrival(route.node(pos), stop.location, route.ready_at(pos));
    let Some(start) = service_start(problem.windows(stop.order, stop.alternative), arrival) else {
        return false;
    };
    // The stay's first service start: the earliest of the run of stops just before at the same
    // location (node position k + 1 holds stop k; it leaves at `ready_at(k + 1)`).
    let mut stay_start = start;
    let mut k = pos;
    while k > 0 && route.stops[k - 1].location == stop.location {
        stay_start = route.ready_at(k) - service_of(&route.stops[k - 1]);
        k -= 1;
    }
    // The stay's end: the departure after the run of stops just after at the same location.
    let mut leave = start + service_of(&stop);
    for s in route.stops[pos..]
        .iter()
        .take_while(|s| s.location == stop.location)
    {
        let arrival = profile.arrival(stop.location, s.location, leave);
        let Some(start) = service_start(problem.windows(s.order, s.alternative), arrival) else {
            return false;
        };
        leave = start + service_of(s);
    }
    leave - stay_start <= max_dwell && book.has_room(problem, site, index, stay_start, leave)
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

/// A shipment's orders as (pickup, delivery), given one of them and its side of the pair.
fn pickup_first(o: u32, pair: Pair) -> (u32, u32) {
    match pair.role {
        PairRole::Pickup => (o, pair.partner),
        PairRole::Delivery => (pair.partner, o),
    }
}

/// A shipment's placement in one route: the delta, the pickup's position and stop, the
/// delivery's position (in the route before either is inserted, at or after the pickup's) and
/// stop.
type PairAt = (Cost, usize, Stop, usize, Stop);

/// Best placement of the shipment `(p, d)` into `route`: every pickup position `i` (blinking
/// with `blink_rate`) and every delivery position `j >= i`, priced exactly by
/// [`sequence_cost`], so O(n^2) evaluations of O(n) each per route (fine for the tens of stops
/// per route of VROOM requests; a position pair whose distance lower bound cannot beat the best so
/// far, here or `outer`, is skipped). The prefix before the pickup is unchanged, so a pickup
/// position whose window has closed on arrival is skipped whole. Shipments are never at sites or
/// lockers ([`Problem::with_pairs`]), so no book is consulted.
#[allow(clippy::too_many_arguments)] // plain values on the hot path, no bundling struct
fn best_pair_in_route(
    problem: &Problem,
    route: &RouteState,
    p: u32,
    d: u32,
    blink_rate: f64,
    rng: &mut Rng,
    best: &mut Option<PairAt>,
    outer: Option<Cost>,
) {
    let stop = |o: u32| {
        let alt = problem.order(o).alternatives[0];
        Stop {
            order: o,
            alternative: 0,
            location: alt.location,
        }
    };
    let (sp, sd) = (stop(p), stop(d));
    let vt = problem.vehicle_type(route.vehicle_type);
    let (op, od) = (problem.order(p), problem.order(d));
    // Leaving with every delivery aboard and returning with every pickup must fit (single trip).
    if !(route.load.delivery + op.demand + od.demand).fits(vt.capacity)
        || !(route.load.pickup + op.pickup + od.pickup).fits(vt.capacity)
    {
        return;
    }
    let profile = problem.profile_of(route.vehicle_type);
    let extra = problem.alternative_cost(p, 0) + problem.alternative_cost(d, 0);
    let to_beat = |best: &Option<PairAt>| match (best.map(|b| b.0), outer) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let n = route.len();
    for i in 0..=n {
        if blink_rate > 0.0 && rng.f64() < blink_rate {
            continue;
        }
        let arrival = profile.arrival(route.node(i), sp.location, route.ready_at(i));
        if service_start(problem.windows(p, 0), arrival).is_none() {
            continue;
        }
        let lb_p = route.detour_lower_bound(problem, i, sp);
        for j in i..=n {
            if let Some(beat) = to_beat(best) {
                let lb_d = route.detour_lower_bound(problem, j, sd);
                let lb = match (lb_p, lb_d) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => a.or(b),
                };
                if lb.is_some_and(|lb| lb + extra >= beat) {
                    continue;
                }
            }
            let seq = route.stops[..i]
                .iter()
                .copied()
                .chain(std::iter::once(sp))
                .chain(route.stops[i..j].iter().copied())
                .chain(std::iter::once(sd))
                .chain(route.stops[j..].iter().copied());
            let Some(cost) = sequence_cost(problem, route.vehicle_type, seq) else {
                continue;
            };
            let delta = cost - route.eval.cost + extra;
            if best.is_none_or(|b| delta < b.0) {
                *best = Some((delta, i, sp, j, sd));
            }
        }
    }
}

/// Cheapest placement of the shipment `(p, d)`: the `candidates` routes, then (when there is
/// room for a route and none took it, or a new route is always priced) a new route of each type
/// with vehicles left.
#[allow(clippy::too_many_arguments)] // plain values on the hot path, no bundling struct
fn place_pair(
    problem: &Problem,
    state: &SearchState,
    scratch: &RecreateScratch,
    candidates: &[u32],
    p: u32,
    d: u32,
    params: &RecreateParams,
    rng: &mut Rng,
) -> Option<(Option<usize>, u32, PairAt)> {
    let mut best: Option<(Option<usize>, u32, PairAt)> = None;
    for &r in candidates {
        let mut here = None;
        best_pair_in_route(
            problem,
            &state.routes[r as usize],
            p,
            d,
            params.blink_rate,
            rng,
            &mut here,
            best.map(|b| b.2 .0),
        );
        if let Some(at) = here {
            if best.is_none_or(|b| at.0 < b.2 .0) {
                best = Some((Some(r as usize), 0, at));
            }
        }
    }
    let room = (state.routes.len() as u32) < state.max_routes;
    if room && (best.is_none() || params.always_try_new_route) {
        for (v, empty) in scratch.empties.iter().enumerate() {
            if state.used[v] >= problem.vehicle_types()[v].count {
                continue;
            }
            let mut here = None;
            best_pair_in_route(
                problem,
                empty,
                p,
                d,
                0.0,
                rng,
                &mut here,
                best.map(|b| b.2 .0),
            );
            if let Some(at) = here {
                if best.is_none_or(|b| at.0 < b.2 .0) {
                    best = Some((None, v as u32, at));
                }
            }
        }
    }
    best
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
    if problem.has_pairs() {
        // A shipment is placed once, from its pickup, when both its orders wait (a delivery
        // whose pickup is routed, possible only in a loaded plan, is tried alone and fails).
        let waiting = &state.where_of;
        todo.retain(|&o| match problem.pair(o) {
            Some(pr) if pr.role == PairRole::Delivery => waiting[pr.partner as usize].is_some(),
            _ => true,
        });
    }
    for order in todo {
        if !scratch.servable[order as usize] {
            state.unassigned.push(order);
            if let Some(pr) = problem.pair(order) {
                if pr.role == PairRole::Pickup && state.where_of[pr.partner as usize].is_none() {
                    state.unassigned.push(pr.partner);
                }
            }
            continue;
        }
        if let Some(pr) = problem.pair(order) {
            if pr.role == PairRole::Pickup && state.where_of[pr.partner as usize].is_none() {
                insert_pair(
                    problem, state, neighbours, params, rng, scratch, order, pr.partner,
                );
                continue;
            }
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

/// Place the shipment `(p, d)` where it is cheapest (granular candidates first, as for single
/// orders), or leave both unserved: when no route takes it, or when it is optional and costs
/// more than both orders' penalties.
#[allow(clippy::too_many_arguments)] // plain values on the hot path, no bundling struct
fn insert_pair(
    problem: &Problem,
    state: &mut SearchState,
    neighbours: &Neighbours,
    params: &RecreateParams,
    rng: &mut Rng,
    scratch: &mut RecreateScratch,
    p: u32,
    d: u32,
) {
    let mut candidates = std::mem::take(&mut scratch.candidates);
    candidates.clear();
    let granular_used = params.granular > 0 && state.routes.len() > 8;
    if granular_used {
        for &nb in neighbours.of(p).iter().take(params.granular) {
            if let Some((r, _)) = state.where_of[nb as usize] {
                if !candidates.contains(&r) {
                    candidates.push(r);
                }
            }
        }
    } else {
        candidates.extend(0..state.routes.len() as u32);
    }
    let mut best = place_pair(problem, state, scratch, &candidates, p, d, params, rng);
    if best.is_none() && granular_used {
        candidates.clear();
        candidates.extend(0..state.routes.len() as u32);
        best = place_pair(problem, state, scratch, &candidates, p, d, params, rng);
    }
    scratch.candidates = candidates;
    let worth = match (best, problem.order(p).penalty, problem.order(d).penalty) {
        (Some(b), Some(a), Some(c)) => b.2 .0 < a + c,
        (Some(_), _, _) => true,
        (None, _, _) => false,
    };
    let Some((route, new_type, (_, i, sp, j, sd))) = best.filter(|_| worth) else {
        state.unassigned.push(p);
        state.unassigned.push(d);
        return;
    };
    let r = match route {
        Some(r) => r,
        None => {
            state
                .routes
                .push(scratch.empties[new_type as usize].clone());
            state.used[new_type as usize] += 1;
            state.routes.len() - 1
        }
    };
    let rs = &mut state.routes[r];
    rs.stops.insert(j, sd);
    rs.stops.insert(i, sp);
    rs.update(problem);
    state.index_route(r);
    if !problem.sites().is_empty() {
        scratch.book.refresh(problem, &state.routes, r);
    }
    if scratch.mark.len() < state.routes.len() {
        scratch.mark.resize(state.routes.len(), 0);
    }
}
