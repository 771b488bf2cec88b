//! The search representation of one route and its evaluator: forward earliest ready times and
//! backward latest arrival times per position, so that inserting an order is checked in O(1).
//!
//! Owns: [`RouteState`], [`Stop`], [`simulate`]. Must never: be used by the checker (which is an
//! independent implementation) or hold user ids. Invariants: after [`RouteState::update`], `ready[i]`
//! is the earliest time the vehicle can leave position `i` (0 = start depot, `n + 1` = end depot,
//! where it is the arrival), and `latest[i]` is the latest arrival at position `i` from which the rest
//! of the route is still feasible. Both are exact with several windows per order and with hour bands,
//! because arrival and service start are monotone in the departure time (see
//! [`crate::solver::travel`]). Vehicle types with reload depots or a duration limit/cost take the
//! O(n) path ([`simulate`]), which places reloads greedily: just before the first order that does not
//! fit the current trip, at the reload depot with the shortest detour (ties: first listed).

use crate::solver::charging::{simulate_battery, Cache, LabelCache};
use crate::solver::fees::FeeMeter;
use crate::solver::load::LoadSegment;
use crate::solver::measure::{Cost, Distance, Duration, Energy, Load, Time};
use crate::solver::model::{latest_arrival, service_start, ChargePolicy, Problem, VehicleType};
use crate::solver::pairs::PairWalk;
use crate::solver::solution::{Route, Visit};
use crate::solver::travel::Profile;

/// An order as placed in a route: which alternative, at which location.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stop {
    /// Order index.
    pub order: u32,
    /// Alternative index within the order.
    pub alternative: u32,
    /// Location of that alternative.
    pub location: u32,
}

/// Totals of a simulated route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RouteEval {
    /// Distance driven.
    pub distance: Distance,
    /// Duration from departure to arrival at the end depot.
    pub duration: Duration,
    /// Fixed + distance + duration cost (0 for an empty route).
    pub cost: Cost,
    /// Charging stops (battery vehicles).
    pub charges: u32,
}

impl RouteEval {
    /// The totals of a route that serves nothing.
    pub const EMPTY: Self = Self {
        distance: Distance::ZERO,
        duration: Duration::ZERO,
        cost: Cost::ZERO,
        charges: 0,
    };
}

/// Departure from the start depot: the latest that still reaches the first stop (`first`:
/// location and service start) in time, never before the shift opens.
pub(crate) fn departure(vt: &VehicleType, profile: &Profile, first: Option<(u32, Time)>) -> Time {
    first.map_or(vt.shift.open, |(loc, start)| {
        profile
            .latest_departure(vt.start, loc, start)
            .max(vt.shift.open)
    })
}

/// The cost of a non-empty route of `vt` from its distance, duration and zone fees: the one
/// pricing rule of the search (fixed + per distance + per duration + fees).
#[inline]
pub(crate) fn route_cost(
    vt: &VehicleType,
    distance: Distance,
    duration: Duration,
    fees: Cost,
) -> Cost {
    vt.fixed_cost
        + Cost(distance.0 * vt.cost_per_distance)
        + Cost(duration.0 * vt.cost_per_duration)
        + fees
}

/// The totals of a route that arrives at its end depot at `end` after driving `distance`, whose
/// first stop is `first` (see [`departure`]) and which owes `fees`: `None` when the shift end, the
/// distance limit or the duration limit breaks.
pub(crate) fn close_route(
    vt: &VehicleType,
    profile: &Profile,
    end: Time,
    distance: Distance,
    first: Option<(u32, Time)>,
    charges: u32,
    fees: Cost,
) -> Option<RouteEval> {
    if end > vt.shift.close || distance > vt.max_distance {
        return None;
    }
    let duration = end - departure(vt, profile, first);
    if duration > vt.max_duration {
        return None;
    }
    Some(RouteEval {
        distance,
        duration,
        cost: route_cost(vt, distance, duration, fees),
        charges,
    })
}

/// Best reload depot between `from` and `to` (shortest detour, ties by list order).
fn best_reload(vt: &VehicleType, profile: &Profile, from: u32, to: u32) -> Option<u32> {
    vt.reload_depots
        .iter()
        .copied()
        .min_by_key(|&r| profile.distance(from, r) + profile.distance(r, to))
}

/// Simulate a whole route of vehicle type `vt` over `stops`, placing reloads greedily; `None` when
/// infeasible. When `reloads` is given, it receives `(index of the stop that follows, depot)` pairs.
/// Battery vehicle types go to [`simulate_battery`], which also places charging stops.
pub fn simulate(
    problem: &Problem,
    vt_index: u32,
    stops: impl Iterator<Item = Stop>,
    reloads: Option<&mut Vec<(usize, u32)>>,
) -> Option<RouteEval> {
    if problem.vehicle_type(vt_index).battery.is_some() {
        return simulate_battery(problem, vt_index, stops, None, None, Cache::None);
    }
    simulate_plain(problem, vt_index, stops, reloads)
}

/// The cost of serving `stops` in this order with one vehicle of type `vt`, exactly as the search
/// prices routes (reloads, durations, zone fees, batteries and charging stops included; zero for no
/// stops), or `None` when a rule breaks: the exact path every move takes where no O(1) check
/// decides it. Loading bays are not judged here (they are shared by routes; see `sites`).
pub fn sequence_cost(
    problem: &Problem,
    vt: u32,
    stops: impl Iterator<Item = Stop> + Clone,
) -> Option<Cost> {
    let v = problem.vehicle_type(vt);
    if v.reload_depots.is_empty() {
        // Single trip: the load profile decides before any schedule is simulated.
        let cap = v.capacity;
        let load = stops.clone().fold(LoadSegment::EMPTY, |acc, s| {
            let o = problem.order(s.order);
            acc.then(LoadSegment::order(o.demand, o.pickup))
        });
        if !load.fits(cap) {
            return None;
        }
    }
    if v.battery.is_some() {
        // When the whole route fits the battery without charging, the plain evaluation is exact
        // (charging only adds distance and time; a route the plain schedule rejects stays
        // infeasible), and it is many times cheaper than placing charging stops.
        let e = simulate_plain(problem, vt, stops.clone(), None)?;
        if fits_without_charging(v, &e, stops.clone().count()) {
            return Some(e.cost);
        }
    }
    simulate(problem, vt, stops, None).map(|e| e.cost)
}

/// [`simulate`] without the battery: no charge is tracked and no charging stop placed (exact for
/// a battery vehicle whose whole route fits its charge, see [`fits_without_charging`]).
pub fn simulate_plain(
    problem: &Problem,
    vt_index: u32,
    stops: impl Iterator<Item = Stop>,
    mut reloads: Option<&mut Vec<(usize, u32)>>,
) -> Option<RouteEval> {
    let vt = problem.vehicle_type(vt_index);
    let profile = problem.profile_of(vt_index);
    let fees = problem.zone_fees(vt_index);
    let mut meter = FeeMeter::default();
    let mut at = vt.start;
    let mut ready = vt.shift.open;
    let mut distance = Distance::ZERO;
    let mut trip = LoadSegment::EMPTY;
    let mut first: Option<(u32, Time)> = None;
    let mut count = 0usize;
    let paired = problem.has_pairs();
    let mut pairs = PairWalk::default();
    for (i, s) in stops.enumerate() {
        let order = problem.order(s.order);
        if paired && !pairs.visit(problem, s.order) {
            return None;
        }
        let here = LoadSegment::order(order.demand, order.pickup);
        if !trip.then(here).fits(vt.capacity) {
            if vt.reload_depots.is_empty() || trip.peak == Load::ZERO {
                return None;
            }
            let depot = best_reload(vt, profile, at, s.location)?;
            distance += profile.distance(at, depot);
            if let Some(f) = fees {
                meter.leg(f, at, depot, ready);
            }
            ready = profile.arrival(at, depot, ready) + vt.reload_time;
            at = depot;
            trip = LoadSegment::EMPTY;
            if !here.fits(vt.capacity) {
                return None;
            }
            if let Some(r) = reloads.as_deref_mut() {
                r.push((i, depot));
            }
        }
        trip = trip.then(here);
        // The first leg is priced when the departure is known (after the loop).
        if let (Some(f), true) = (fees, count > 0) {
            meter.leg(f, at, s.location, ready);
        }
        let arrival = profile.arrival(at, s.location, ready);
        let start = service_start(problem.windows(s.order, s.alternative), arrival)?;
        first.get_or_insert((s.location, start));
        distance += profile.distance(at, s.location);
        ready = start + order.alternatives[s.alternative as usize].service;
        at = s.location;
        count += 1;
    }
    if !pairs.closed() {
        return None;
    }
    if count == 0 {
        return Some(RouteEval::EMPTY);
    }
    distance += profile.distance(at, vt.end);
    let end = profile.arrival(at, vt.end, ready);
    let fees = fees.map_or(Cost::ZERO, |f| {
        if let Some((location, _)) = first {
            meter.leg(f, vt.start, location, departure(vt, profile, first));
        }
        meter.leg(f, at, vt.end, ready);
        meter.total(f)
    });
    close_route(vt, profile, end, distance, first, 0, fees)
}

/// [`RouteState`]'s `jump` when no later stop could move to a later window.
const NO_JUMP: i64 = i64::MAX / 4;

/// What the O(1) checks say about an insertion ([`RouteState::quick_insertion`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quick {
    /// A rule breaks.
    Infeasible,
    /// The delta, exactly.
    Exact(Cost),
    /// The delta is at least this; a full simulation decides.
    AtLeast(Cost),
    /// A full simulation decides.
    Unknown,
}

/// True when a battery vehicle driving `eval`'s route (`stops` orders) needs no charging stop:
/// the whole route's energy stays within capacity minus reserve. Energy is rounded up per leg in
/// the battery model, so one unit per possible leg is allowed for.
pub fn fits_without_charging(vt: &VehicleType, eval: &RouteEval, stops: usize) -> bool {
    vt.battery.as_ref().is_some_and(|b| {
        let legs = 2 * (stops as i64 + 3);
        b.consumption.energy_for(eval.distance).0 + legs <= b.capacity.0 - b.reserve.0
    })
}

/// One route under search, with its cached schedule.
#[derive(Debug)]
pub struct RouteState {
    /// Vehicle type index.
    pub vehicle_type: u32,
    /// Orders in driving order (reloads are implicit, see the module doc).
    pub stops: Vec<Stop>,
    nodes: Vec<u32>,
    ready: Vec<Time>,
    latest: Vec<Time>,
    /// Arrival time at each position (forward schedule; unused at 0).
    arrive: Vec<Time>,
    /// Waiting time summed over the stops from each position to the end (`n + 1`: 0).
    wait_after: Vec<i64>,
    /// For each position `i`: the least over stops `j >= i` with a later window than the one
    /// used of (close of the used window - arrival - `wait_after[j]`), [`NO_JUMP`] when none.
    /// A delay of the arrival at `i` by at most `wait_after[i] + jump[i]` moves no stop to a later
    /// window (see [`RouteState::end_after`]).
    jump: Vec<i64>,
    /// Departure from the start depot (the latest that still reaches the first stop in time).
    departure: Time,
    /// `prefix_load[k]`: the load segment of the first `k` orders.
    prefix_load: Vec<LoadSegment>,
    /// `suffix_load[k]`: the load segment of the orders from `k` on.
    suffix_load: Vec<LoadSegment>,
    cum_dist: Vec<Distance>,
    /// The load segment of all orders as one trip (its peak is the most aboard at any point of a
    /// single-trip route).
    pub load: LoadSegment,
    /// Totals of the route (zero when empty).
    pub eval: RouteEval,
    /// False when the current stops break a rule (only possible right after loading a solution).
    pub feasible: bool,
    /// The O(1) checks decide (see [`RouteState::is_fast`]): `fast_type` and no shipment aboard.
    fast: bool,
    /// The vehicle type alone allows the O(1) checks (single trip, distance-priced, no battery,
    /// no fees).
    fast_type: bool,
    /// The route holds an order of a shipment: every insertion and move is simulated, where
    /// pairs are judged ([`crate::solver::pairs`]).
    paired: bool,
    /// The vehicle type pays zone fees: insertions are simulated (fees depend on order and time).
    fees: bool,
    reloads: bool,
    /// Battery vehicles: energy of the route driven without charging stops.
    energy: Energy,
    battery: bool,
    /// Battery vehicles: the labels of the current route's charging placement.
    labels: LabelCache,
    /// Which [`RouteState::update`] derived the fields above: a fresh number from [`STAMPS`] at
    /// every update, copied by `clone`. See `clone_from`.
    stamp: u64,
}

/// The counter [`RouteState::update`] draws stamps from (shared by the search threads, so two
/// routes never get one stamp by chance).
static STAMPS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl Clone for RouteState {
    fn clone(&self) -> Self {
        Self {
            vehicle_type: self.vehicle_type,
            stops: self.stops.clone(),
            nodes: self.nodes.clone(),
            ready: self.ready.clone(),
            latest: self.latest.clone(),
            arrive: self.arrive.clone(),
            wait_after: self.wait_after.clone(),
            jump: self.jump.clone(),
            departure: self.departure,
            prefix_load: self.prefix_load.clone(),
            suffix_load: self.suffix_load.clone(),
            cum_dist: self.cum_dist.clone(),
            load: self.load,
            eval: self.eval,
            feasible: self.feasible,
            fast: self.fast,
            fast_type: self.fast_type,
            paired: self.paired,
            fees: self.fees,
            reloads: self.reloads,
            energy: self.energy,
            battery: self.battery,
            labels: self.labels.clone(),
            stamp: self.stamp,
        }
    }

    /// Reuses the allocations of `self` (the search copies states every iteration), and copies
    /// nothing when `self` already is `o`: the same stamp means the same update derived both, and
    /// the public fields (which callers may change before calling update) are compared as well.
    /// The search copies the whole plan every iteration, and only the routes the last iteration
    /// changed differ: on a large instance that copy was a seventh of the run.
    fn clone_from(&mut self, o: &Self) {
        if self.stamp == o.stamp
            && self.vehicle_type == o.vehicle_type
            && self.feasible == o.feasible
            && self.eval == o.eval
            && self.load == o.load
            && self.stops == o.stops
        {
            return;
        }
        self.stamp = o.stamp;
        self.vehicle_type = o.vehicle_type;
        self.stops.clone_from(&o.stops);
        self.nodes.clone_from(&o.nodes);
        self.ready.clone_from(&o.ready);
        self.latest.clone_from(&o.latest);
        self.arrive.clone_from(&o.arrive);
        self.wait_after.clone_from(&o.wait_after);
        self.jump.clone_from(&o.jump);
        self.departure = o.departure;
        self.prefix_load.clone_from(&o.prefix_load);
        self.suffix_load.clone_from(&o.suffix_load);
        self.cum_dist.clone_from(&o.cum_dist);
        self.load = o.load;
        self.eval = o.eval;
        self.feasible = o.feasible;
        self.fast = o.fast;
        self.fast_type = o.fast_type;
        self.paired = o.paired;
        self.fees = o.fees;
        self.reloads = o.reloads;
        self.energy = o.energy;
        self.battery = o.battery;
        self.labels.clone_from(&o.labels);
    }
}

impl RouteState {
    /// An empty route of type `vt`.
    pub fn new(problem: &Problem, vt: u32) -> Self {
        let t = problem.vehicle_type(vt);
        let fast_type = t.reload_depots.is_empty()
            && !t.duration_matters()
            && t.battery.is_none()
            && problem.zone_fees(vt).is_none();
        let mut s = Self {
            vehicle_type: vt,
            stops: Vec::new(),
            nodes: Vec::new(),
            ready: Vec::new(),
            latest: Vec::new(),
            arrive: Vec::new(),
            wait_after: Vec::new(),
            jump: Vec::new(),
            departure: t.shift.open,
            prefix_load: Vec::new(),
            suffix_load: Vec::new(),
            cum_dist: Vec::new(),
            load: LoadSegment::EMPTY,
            eval: RouteEval::EMPTY,
            feasible: true,
            fast: fast_type,
            fast_type,
            paired: false,
            fees: problem.zone_fees(vt).is_some(),
            reloads: !t.reload_depots.is_empty(),
            energy: Energy::ZERO,
            battery: t.battery.is_some(),
            labels: LabelCache::default(),
            stamp: 0,
        };
        s.update(problem);
        s
    }

    /// Number of orders.
    pub fn len(&self) -> usize {
        self.stops.len()
    }

    /// True when the route serves nothing.
    pub fn is_empty(&self) -> bool {
        self.stops.is_empty()
    }

    /// Recompute the cached schedule and totals after `stops` changed. O(n · bands).
    pub fn update(&mut self, problem: &Problem) {
        self.stamp = STAMPS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let vt = problem.vehicle_type(self.vehicle_type);
        let profile = problem.profile_of(self.vehicle_type);
        let n = self.stops.len();
        self.paired =
            problem.has_pairs() && self.stops.iter().any(|s| problem.pair(s.order).is_some());
        self.fast = self.fast_type && !self.paired;
        self.nodes.clear();
        self.nodes.push(vt.start);
        self.nodes.extend(self.stops.iter().map(|s| s.location));
        self.nodes.push(vt.end);
        self.ready.clear();
        self.ready.resize(n + 2, Time::MIN);
        self.latest.clear();
        self.latest.resize(n + 2, Time::MIN);
        let segment = |s: &Stop| {
            let o = problem.order(s.order);
            LoadSegment::order(o.demand, o.pickup)
        };
        self.prefix_load.clear();
        self.prefix_load.push(LoadSegment::EMPTY);
        for s in &self.stops {
            let l = self.prefix_load[self.prefix_load.len() - 1].then(segment(s));
            self.prefix_load.push(l);
        }
        self.suffix_load.clear();
        self.suffix_load.resize(n + 1, LoadSegment::EMPTY);
        for k in (0..n).rev() {
            self.suffix_load[k] = segment(&self.stops[k]).then(self.suffix_load[k + 1]);
        }
        self.load = self.prefix_load[n];
        self.cum_dist.clear();
        self.cum_dist.push(Distance::ZERO);
        for w in 1..self.nodes.len() {
            let d = self.cum_dist[w - 1] + profile.distance(self.nodes[w - 1], self.nodes[w]);
            self.cum_dist.push(d);
        }
        let mut feasible = true;
        self.ready[0] = vt.shift.open;
        self.arrive.clear();
        self.arrive.resize(n + 2, Time::MIN);
        self.wait_after.clear();
        self.wait_after.resize(n + 2, 0);
        self.jump.clear();
        self.jump.resize(n + 2, NO_JUMP);
        for i in 1..=n {
            let order = problem.order(self.stops[i - 1].order);
            let arrival = profile.arrival(self.nodes[i - 1], self.nodes[i], self.ready[i - 1]);
            let stop = self.stops[i - 1];
            let windows = problem.windows(stop.order, stop.alternative);
            let start = service_start(windows, arrival).unwrap_or_else(|| {
                feasible = false;
                arrival
            });
            self.arrive[i] = arrival;
            self.ready[i] =
                start + order.alternatives[self.stops[i - 1].alternative as usize].service;
        }
        self.ready[n + 1] = profile.arrival(self.nodes[n], self.nodes[n + 1], self.ready[n]);
        self.arrive[n + 1] = self.ready[n + 1];
        for i in (1..=n).rev() {
            let stop = self.stops[i - 1];
            let service = problem.order(stop.order).alternatives[stop.alternative as usize].service;
            let start = self.ready[i] - service;
            let arrival = self.arrive[i];
            self.wait_after[i] = self.wait_after[i + 1] + (start - arrival).0.max(0);
            let windows = problem.windows(stop.order, stop.alternative);
            let used = windows.iter().position(|w| w.close >= arrival);
            self.jump[i] = match used {
                Some(u) if u + 1 < windows.len() => {
                    self.jump[i + 1].min((windows[u].close - arrival).0 - self.wait_after[i])
                }
                _ => self.jump[i + 1],
            };
        }
        self.departure = departure(
            vt,
            profile,
            self.stops.first().map(|s| {
                let service = problem.order(s.order).alternatives[s.alternative as usize].service;
                (s.location, self.ready[1] - service)
            }),
        );
        self.latest[n + 1] = vt.shift.close;
        for i in (1..=n).rev() {
            if self.latest[i + 1] == Time::MIN {
                break;
            }
            let order = problem.order(self.stops[i - 1].order);
            let leave =
                profile.latest_departure(self.nodes[i], self.nodes[i + 1], self.latest[i + 1]);
            let service = order.alternatives[self.stops[i - 1].alternative as usize].service;
            let stop = self.stops[i - 1];
            self.latest[i] = latest_arrival(
                problem.windows(stop.order, stop.alternative),
                leave - service,
            )
            .unwrap_or(Time::MIN);
        }
        self.latest[0] = if self.latest[1] == Time::MIN {
            Time::MIN
        } else {
            profile.latest_departure(self.nodes[0], self.nodes[1], self.latest[1])
        };
        if self.fast {
            let distance = self.cum_dist[n + 1];
            let departure = self.departure;
            self.feasible = feasible
                && self.load.fits(vt.capacity)
                && self.ready[n + 1] <= vt.shift.close
                && distance <= vt.max_distance;
            self.eval = if n == 0 {
                RouteEval::EMPTY
            } else {
                let duration = self.ready[n + 1] - departure;
                RouteEval {
                    distance,
                    duration,
                    // Fast routes are priced by distance only (no duration cost, no fees).
                    cost: route_cost(vt, distance, duration, Cost::ZERO),
                    charges: 0,
                }
            };
            return;
        }
        if let Some(b) = &vt.battery {
            self.energy = self
                .nodes
                .windows(2)
                .map(|w| b.consumption.energy_for(profile.distance(w[0], w[1])))
                .sum();
        }
        let plain = if self.battery && !self.resumable(vt) {
            simulate_plain(problem, self.vehicle_type, self.stops.iter().copied(), None)
                .filter(|e| fits_without_charging(vt, e, self.stops.len()))
        } else {
            None
        };
        let result = if let Some(e) = plain {
            self.labels.clear();
            Some(e)
        } else if self.battery {
            self.labels.clear();
            simulate_battery(
                problem,
                self.vehicle_type,
                self.stops.iter().copied(),
                None,
                None,
                Cache::Record(&mut self.labels),
            )
        } else {
            simulate(problem, self.vehicle_type, self.stops.iter().copied(), None)
        };
        match result {
            Some(eval) => {
                self.eval = eval;
                self.feasible = feasible;
            }
            None => {
                self.feasible = false;
                self.eval = unchecked_eval(problem, self.vehicle_type, &self.nodes);
            }
        }
    }

    /// True when the O(1) checks decide feasibility and cost exactly (no reloads, duration free,
    /// no shipment aboard).
    #[inline]
    pub fn is_fast(&self) -> bool {
        self.fast
    }

    /// Location at node position `i` (0 = start depot, `len + 1` = end depot).
    #[inline]
    pub fn node(&self, i: usize) -> u32 {
        self.nodes[i]
    }

    /// True when reordering this route's own stops can change only its distance: a fast route
    /// (distance-priced, single trip, no battery, no fees) of a problem without time rules, whose
    /// orders pick nothing up (the vehicle then carries its deliveries out whatever the order, so
    /// the load fits at every point as it did). Intra-route moves are then O(1) or summed from
    /// distances alone.
    #[inline]
    pub fn only_distance_moves(&self, problem: &Problem) -> bool {
        self.fast && problem.is_untimed() && self.load.pickup == Load::ZERO
    }

    /// The cost of changing this route's distance by `dd` (a fast route pays per distance only),
    /// or `None` when the new distance breaks the vehicle's limit.
    #[inline]
    pub fn distance_change_cost(&self, problem: &Problem, dd: Distance) -> Option<Cost> {
        let vt = problem.vehicle_type(self.vehicle_type);
        (self.eval.distance + dd <= vt.max_distance).then(|| Cost(dd.0 * vt.cost_per_distance))
    }

    /// Earliest time the vehicle can leave node position `i`.
    #[inline]
    pub fn ready_at(&self, i: usize) -> Time {
        self.ready[i]
    }

    /// Latest arrival at node position `i` that keeps the rest of the route feasible.
    #[inline]
    pub fn latest_at(&self, i: usize) -> Time {
        self.latest[i]
    }

    /// Load segment of the first `k` stops.
    #[inline]
    pub fn load_of_first(&self, k: usize) -> LoadSegment {
        self.prefix_load[k]
    }

    /// Load segment of the stops from position `k` (0-based) on.
    #[inline]
    pub fn load_from(&self, k: usize) -> LoadSegment {
        self.suffix_load[k]
    }

    /// Distance driven from the start depot to node position `i`.
    #[inline]
    pub fn distance_to(&self, i: usize) -> Distance {
        self.cum_dist[i]
    }

    /// False when the order cannot go anywhere in this route because of its load (single-trip
    /// vehicles only; a vehicle that reloads may always fit it in a new trip).
    #[inline]
    pub fn may_take(&self, problem: &Problem, order: u32) -> bool {
        // Any insertion leaves the depot with all deliveries and returns with all pickups.
        let o = problem.order(order);
        let cap = problem.vehicle_type(self.vehicle_type).capacity;
        self.reloads
            || ((self.load.delivery + o.demand).fits(cap)
                && (self.load.pickup + o.pickup).fits(cap))
    }

    /// Cost change of inserting `stop` before position `pos` of `stops` (`pos == len` appends), or
    /// `None` when the result breaks a rule.
    #[inline]
    pub fn insertion_delta(&self, problem: &Problem, pos: usize, stop: Stop) -> Option<Cost> {
        self.insertion_delta_below(problem, pos, stop, None)
    }

    /// [`RouteState::insertion_delta`], allowed to answer `None` early when the delta cannot be
    /// below `below` (battery routes then skip placing charging stops; other routes ignore it).
    #[inline]
    pub fn insertion_delta_below(
        &self,
        problem: &Problem,
        pos: usize,
        stop: Stop,
        below: Option<Cost>,
    ) -> Option<Cost> {
        match self.quick_insertion(problem, pos, stop) {
            Quick::Infeasible => None,
            Quick::Exact(c) => Some(c),
            Quick::AtLeast(lower) if below.is_some_and(|b| lower >= b) => None,
            Quick::AtLeast(_) | Quick::Unknown => {
                let seq = self.stops[..pos]
                    .iter()
                    .copied()
                    .chain(std::iter::once(stop))
                    .chain(self.stops[pos..].iter().copied());
                if self.battery {
                    let vt = problem.vehicle_type(self.vehicle_type);
                    // When the whole route fits the battery without charging, the plain
                    // evaluation is exact (charging only adds distance and time; a route the
                    // plain schedule rejects stays infeasible). Energy is rounded up per leg in
                    // the battery model, so allow one unit per possible leg.
                    if !self.resumable(vt) {
                        let e = simulate_plain(problem, self.vehicle_type, seq.clone(), None)?;
                        if fits_without_charging(vt, &e, self.stops.len() + 1) {
                            return Some(e.cost - self.eval.cost);
                        }
                        if vt.battery.as_ref().is_some_and(|b| b.stations.is_empty()) {
                            // Over the battery with nowhere to charge.
                            return None;
                        }
                    }
                    let limit = below.map(|b| b + self.eval.cost);
                    // The labels of positions up to `pos` are those of the current route (same
                    // prefix) when no reload can move and only distance is priced.
                    let cache = if self.resumable(vt) {
                        Cache::Resume(&self.labels, pos)
                    } else {
                        Cache::None
                    };
                    simulate_battery(problem, self.vehicle_type, seq, None, limit, cache)
                        .map(|e| e.cost - self.eval.cost)
                } else {
                    simulate(problem, self.vehicle_type, seq, None).map(|e| e.cost - self.eval.cost)
                }
            }
        }
    }

    /// True when a battery route's insertion checks may resume from its recorded labels (no
    /// reloads, only distance priced, full charging); otherwise whole routes are re-evaluated, and
    /// the plain evaluation is used where the route needs no charging.
    #[inline]
    fn resumable(&self, vt: &VehicleType) -> bool {
        !self.reloads
            && !self.fees
            && vt.cost_per_duration == 0
            && vt.max_duration == Duration::MAX
            && vt
                .battery
                .as_ref()
                .is_some_and(|b| b.policy == ChargePolicy::Full)
    }

    /// True for a battery vehicle's route (insertions may need charging stops placed).
    #[inline]
    pub fn is_battery(&self) -> bool {
        self.battery
    }

    /// The O(1) part of an insertion check: exact for routes without reloads whose battery (if
    /// any) needs no charging stop; a lower bound or nothing otherwise, where
    /// [`RouteState::insertion_delta_below`] simulates the route.
    #[inline]
    pub fn quick_insertion(&self, problem: &Problem, pos: usize, stop: Stop) -> Quick {
        if self.reloads || self.paired || problem.pair(stop.order).is_some() {
            // Shipments: the simulation judges the pairs (a lone half is always refused).
            return Quick::Unknown;
        }
        let vt = problem.vehicle_type(self.vehicle_type);
        let order = problem.order(stop.order);
        let loaded = self.prefix_load[pos]
            .then(LoadSegment::order(order.demand, order.pickup))
            .then(self.suffix_load[pos]);
        if !loaded.fits(vt.capacity) {
            return Quick::Infeasible;
        }
        let profile = problem.profile_of(self.vehicle_type);
        let (prev, next) = (self.nodes[pos], self.nodes[pos + 1]);
        let dd = profile.distance(prev, stop.location) + profile.distance(stop.location, next)
            - (self.cum_dist[pos + 1] - self.cum_dist[pos]);
        if self.cum_dist[self.nodes.len() - 1] + dd > vt.max_distance {
            return Quick::Infeasible;
        }
        let timed = !problem.is_untimed();
        // Service start at the new stop and departure from it (computed when times matter).
        let mut at_new = (Time::MIN, Time::MIN);
        if timed || vt.duration_matters() {
            let arrival = profile.arrival(prev, stop.location, self.ready[pos]);
            let Some(start) = service_start(problem.windows(stop.order, stop.alternative), arrival)
            else {
                return Quick::Infeasible;
            };
            let leave = start + order.alternatives[stop.alternative as usize].service;
            if timed && profile.arrival(stop.location, next, leave) > self.latest[pos + 1] {
                return Quick::Infeasible;
            }
            at_new = (start, leave);
        }
        if self.fees {
            // Feasible so far; the fees of the new order of legs and times decide the rest.
            return Quick::Unknown;
        }
        let fixed = if self.stops.is_empty() {
            vt.fixed_cost
        } else {
            Cost::ZERO
        };
        if self.fast {
            return Quick::Exact(fixed + Cost(dd.0 * vt.cost_per_distance));
        }
        // No reloads here, so the route is one plain schedule unless a battery needs charging.
        let plain = |this: &Self| -> Quick {
            let Some(duration) = this.duration_after(problem, pos, stop.location, at_new) else {
                return Quick::Infeasible;
            };
            let distance = this.cum_dist[this.nodes.len() - 1] + dd;
            Quick::Exact(route_cost(vt, distance, duration, Cost::ZERO) - this.eval.cost)
        };
        let Some(b) = vt.battery.as_ref() else {
            return plain(self);
        };
        let e = |x, y| b.consumption.energy_for(profile.distance(x, y));
        let energy = self.energy + e(prev, stop.location) + e(stop.location, next)
            - b.consumption
                .energy_for(self.cum_dist[pos + 1] - self.cum_dist[pos]);
        if self.eval.charges == 0 && energy.0 <= b.capacity.0 - b.reserve.0 {
            // No charging stop before or after: the plain schedule is the route's.
            return if vt.duration_matters() {
                plain(self)
            } else {
                Quick::Exact(fixed + Cost(dd.0 * vt.cost_per_distance))
            };
        }
        if b.stations.is_empty() {
            // Over the battery with nowhere to charge.
            return Quick::Infeasible;
        }
        if vt.cost_per_duration != 0 {
            return Quick::Unknown;
        }
        // Two lower bounds. Charging stops only add distance to the route driven without
        // them. And taking the new order out of the new route leaves a feasible route for
        // the old orders (triangle inequality; a higher charge is never worse), so the
        // delta is at least the order's detour between its neighbours in the new route:
        // its neighbours in the orders' sequence, or any stations.
        let without_stops = vt.fixed_cost
            + Cost((self.cum_dist[self.nodes.len() - 1] + dd).0 * vt.cost_per_distance)
            - self.eval.cost;
        let c = stop.location;
        let d = |x, y| profile.distance(x, y).0;
        let mut detour = dd.0;
        for &s in &b.stations {
            let ls = problem.stations()[s as usize].location;
            detour = detour
                .min(d(prev, c) + d(c, ls) - d(prev, ls))
                .min(d(ls, c) + d(c, next) - d(ls, next));
        }
        detour = detour.min(problem.station_detour(self.vehicle_type, stop.location).0);
        Quick::AtLeast(without_stops.max(fixed + Cost(detour * vt.cost_per_distance)))
    }

    /// Duration of the route (departure to arrival at the end depot) after inserting a stop at
    /// `location` before position `pos`, where service starts at `at_new.0` and the vehicle
    /// leaves at `at_new.1`; `None` when the shift end or the duration limit breaks. The stops
    /// before `pos` keep their times. With one hour band, a delay `d >= 0` of the arrival at the
    /// next stop that moves no stop to a later window reaches the end depot as
    /// `max(0, d - waiting after it)`: O(1). Otherwise the new times are rolled forward until
    /// they meet the old ones (the rest of the route is then unchanged).
    fn duration_after(
        &self,
        problem: &Problem,
        pos: usize,
        location: u32,
        at_new: (Time, Time),
    ) -> Option<Duration> {
        let vt = problem.vehicle_type(self.vehicle_type);
        let profile = problem.profile_of(self.vehicle_type);
        let n = self.stops.len();
        let (start, leave) = at_new;
        let arrival = profile.arrival(location, self.nodes[pos + 1], leave);
        let end = if pos == n {
            arrival
        } else {
            let delay = (arrival - self.arrive[pos + 1]).0;
            if profile.bands.len() == 1
                && delay >= 0
                && delay <= self.wait_after[pos + 1].saturating_add(self.jump[pos + 1])
            {
                self.ready[n + 1] + Duration((delay - self.wait_after[pos + 1]).max(0))
            } else {
                self.end_after(problem, pos + 1, arrival)?
            }
        };
        if end > vt.shift.close {
            return None;
        }
        let departure = if pos == 0 {
            departure(vt, profile, Some((location, start)))
        } else {
            self.departure
        };
        let duration = end - departure;
        (duration <= vt.max_duration).then_some(duration)
    }

    /// Arrival at the end depot when the vehicle arrives at position `from` (an order) at
    /// `arrival`, the stops after it unchanged: rolled forward until the times meet the old ones.
    fn end_after(&self, problem: &Problem, from: usize, mut arrival: Time) -> Option<Time> {
        let profile = problem.profile_of(self.vehicle_type);
        let n = self.stops.len();
        for i in from..=n {
            let stop = self.stops[i - 1];
            let start = service_start(problem.windows(stop.order, stop.alternative), arrival)?;
            let ready =
                start + problem.order(stop.order).alternatives[stop.alternative as usize].service;
            if ready == self.ready[i] {
                return Some(self.ready[n + 1]);
            }
            arrival = profile.arrival(self.nodes[i], self.nodes[i + 1], ready);
        }
        Some(arrival)
    }

    /// A lower bound on [`RouteState::insertion_delta`] (same arguments), or `None` when there is
    /// no cheap one: the fixed cost if the route is empty plus the cost of the detour's distance.
    /// Its duration cost is left out, which is exact only where adding a stop can never shorten
    /// the route's duration: one travel-time band (shortest-path times obey the triangle
    /// inequality), no reloads, and the first stop kept (a new first stop with a late window
    /// could delay the departure more than the return). A battery route that charges has none:
    /// taking the order may save a charging detour.
    #[inline]
    pub fn detour_lower_bound(&self, problem: &Problem, pos: usize, stop: Stop) -> Option<Cost> {
        let profile = problem.profile_of(self.vehicle_type);
        if self.reloads
            || self.fees
            || profile.bands.len() > 1
            || (pos == 0 && !self.stops.is_empty())
            || (self.battery && self.eval.charges > 0)
        {
            return None;
        }
        let vt = problem.vehicle_type(self.vehicle_type);
        let (prev, next) = (self.nodes[pos], self.nodes[pos + 1]);
        let dd = profile.distance(prev, stop.location) + profile.distance(stop.location, next)
            - (self.cum_dist[pos + 1] - self.cum_dist[pos]);
        let fixed = if self.stops.is_empty() {
            vt.fixed_cost
        } else {
            Cost::ZERO
        };
        Some(fixed + Cost(dd.0 * vt.cost_per_distance))
    }

    /// The cost of the route of this vehicle that serves `self.stops[..keep]`, then `middle`,
    /// then `tail.stops[from..]` (`tail` may be this route), exactly as [`sequence_cost`] prices
    /// that sequence; `None` when a rule breaks. The path every move between or within routes
    /// takes where no O(1) check decides it. Where the route is one plain schedule (no reloads,
    /// no fees, no shipments, no charging stop needed), the kept stops keep their times and the
    /// loads come from the prefix and suffix segments, so only the schedule from `keep` on is
    /// rolled forward, and it stops where it meets the tail's own times (same vehicle type:
    /// everything after is then the tail's, which holds with hour bands too, since a leg's
    /// arrival depends only on when it starts). Otherwise the whole sequence is simulated.
    pub fn splice_cost<I>(
        &self,
        problem: &Problem,
        keep: usize,
        middle: I,
        tail: &RouteState,
        from: usize,
    ) -> Option<Cost>
    where
        I: Iterator<Item = Stop> + Clone,
    {
        let whole = || {
            let seq = self.stops[..keep]
                .iter()
                .copied()
                .chain(middle.clone())
                .chain(tail.stops[from..].iter().copied());
            sequence_cost(problem, self.vehicle_type, seq)
        };
        let vt = problem.vehicle_type(self.vehicle_type);
        if self.reloads || self.fees || problem.has_pairs() {
            return whole();
        }
        let order_load = |s: Stop| {
            let o = problem.order(s.order);
            LoadSegment::order(o.demand, o.pickup)
        };
        let load = middle
            .clone()
            .fold(self.prefix_load[keep], |acc, s| acc.then(order_load(s)))
            .then(tail.suffix_load[from]);
        if !load.fits(vt.capacity) {
            return None;
        }
        let profile = problem.profile_of(self.vehicle_type);
        let service = |s: Stop| problem.order(s.order).alternatives[s.alternative as usize].service;
        let (mut at, mut ready, mut distance) =
            (self.nodes[keep], self.ready[keep], self.cum_dist[keep]);
        let mut first = (keep > 0).then(|| (self.nodes[1], self.ready[1] - service(self.stops[0])));
        let mut count = keep;
        for s in middle.clone() {
            let arrival = profile.arrival(at, s.location, ready);
            let start = service_start(problem.windows(s.order, s.alternative), arrival)?;
            first.get_or_insert((s.location, start));
            distance += profile.distance(at, s.location);
            ready = start + service(s);
            at = s.location;
            count += 1;
        }
        let m = tail.stops.len();
        if first.is_none() {
            // No stop kept and none new: the tail's first stop sets the departure (rare).
            return if from == m { Some(Cost::ZERO) } else { whole() };
        }
        let same = tail.vehicle_type == self.vehicle_type;
        let mut end = None;
        for i in from + 1..=m {
            let s = tail.stops[i - 1];
            let arrival = profile.arrival(at, s.location, ready);
            let start = service_start(problem.windows(s.order, s.alternative), arrival)?;
            distance += profile.distance(at, s.location);
            ready = start + service(s);
            at = s.location;
            count += 1;
            if same && ready == tail.ready[i] {
                // From here on the route is the tail's.
                distance += tail.cum_dist[m + 1] - tail.cum_dist[i];
                count += m - i;
                end = Some(tail.ready[m + 1]);
                break;
            }
        }
        let end = end.unwrap_or_else(|| {
            distance += profile.distance(at, vt.end);
            profile.arrival(at, vt.end, ready)
        });
        let eval = close_route(vt, profile, end, distance, first, 0, Cost::ZERO)?;
        if self.battery && !fits_without_charging(vt, &eval, count) {
            return whole(); // charging stops to place
        }
        Some(eval.cost)
    }

    /// Insert `stop` before position `pos` and update.
    pub fn insert(&mut self, problem: &Problem, pos: usize, stop: Stop) {
        self.stops.insert(pos, stop);
        self.update(problem);
    }

    /// The plain route, with reloads (and charging stops) made explicit.
    pub fn to_route(&self, problem: &Problem) -> Route {
        if self.battery {
            let mut visits = Vec::new();
            simulate_battery(
                problem,
                self.vehicle_type,
                self.stops.iter().copied(),
                Some(&mut visits),
                None,
                Cache::None,
            );
            return Route {
                vehicle_type: self.vehicle_type,
                visits,
            };
        }
        let mut reloads = Vec::new();
        simulate(
            problem,
            self.vehicle_type,
            self.stops.iter().copied(),
            Some(&mut reloads),
        );
        let mut visits = Vec::with_capacity(self.stops.len() + reloads.len());
        let mut next = reloads.iter().peekable();
        for (i, s) in self.stops.iter().enumerate() {
            while let Some(&&(at, depot)) = next.peek() {
                if at != i {
                    break;
                }
                visits.push(Visit::Reload { depot });
                next.next();
            }
            visits.push(Visit::Order {
                order: s.order,
                alternative: s.alternative,
            });
        }
        Route {
            vehicle_type: self.vehicle_type,
            visits,
        }
    }
}

/// Distance-only totals for a route that broke a rule (so a loaded infeasible plan still has a cost).
fn unchecked_eval(problem: &Problem, vt: u32, nodes: &[u32]) -> RouteEval {
    let profile = problem.profile_of(vt);
    let distance = nodes.windows(2).map(|w| profile.distance(w[0], w[1])).sum();
    let t = problem.vehicle_type(vt);
    RouteEval {
        distance,
        duration: Duration::ZERO,
        cost: route_cost(t, distance, Duration::ZERO, Cost::ZERO),
        charges: 0,
    }
}
