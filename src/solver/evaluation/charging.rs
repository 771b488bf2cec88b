//! Charging-stop placement for battery vehicles: given the orders of a route in driving order,
//! decide where to stop at a charging station so that the route keeps its battery above the
//! reserve, meets every window and is as cheap as possible.
//!
//! Owns: [`simulate_battery`]. Must never: be used by the checker, or change the order of the
//! route's orders. Invariants: reloads are placed first, with the same greedy rule as
//! [`crate::solver::route_state::simulate`] (they depend on load only); then a labelling dynamic
//! programme over the arcs of that fixed sequence chooses, on each arc, to drive directly, through
//! one station, or (only when no single station bridges the arc) through two. A label is (distance,
//! ready time, charge); a label is dropped when another one at the same position is no longer, no
//! later and holds no less charge. A label that can finish the route without charging only drives
//! on. The search over stations assumes full recharges (the [`ChargePolicy::Full`] timing); for
//! [`ChargePolicy::Partial`] the chosen stops then charge just enough to reach the next charging
//! stop (or the end depot) with the reserve, which is never slower, and the schedule is replayed
//! with those amounts. The result is exact for full recharges up to the cap of [`MAX_LABELS`]
//! labels per position and the two-stations-per-arc limit.

use crate::solver::fees::FeeMeter;
use crate::solver::load::LoadSegment;
use crate::solver::measure::{Cost, Distance, Duration, Energy, Load, Time};
use crate::solver::model::{
    latest_arrival, service_start, Battery, ChargePolicy, Problem, TimeWindow, VehicleType,
};
use crate::solver::route_state::{close_route, departure, route_cost, RouteEval, Stop};
use crate::solver::solution::Visit;
use crate::solver::travel::Profile;

/// Labels kept per position (the shortest ones win when there are more).
pub const MAX_LABELS: usize = 16;

const NONE: u32 = u32::MAX;

/// A fixed node of the route: an order or a reload, in driving order.
#[derive(Clone, Copy, Debug)]
struct Fixed {
    location: u32,
    /// Order index, or [`NONE`] for a reload.
    order: u32,
    alternative: u32,
    service: Duration,
}

/// The labels of a route's last full labelling, by position, so that an insertion at position
/// `p` restarts from the labels of position `p` (the prefix is unchanged). Kept by the search
/// representation ([`crate::solver::route_state::RouteState`]); filled by [`simulate_battery`].
#[derive(Clone, Debug, Default)]
pub struct LabelCache {
    labels: Vec<Label>,
    /// Layer `k` is `labels[starts[k]..starts[k + 1]]`.
    starts: Vec<u32>,
}

impl LabelCache {
    /// Forget everything (the next insertion runs a full labelling).
    pub fn clear(&mut self) {
        self.labels.clear();
        self.starts.clear();
    }
}

/// How [`simulate_battery`] uses a [`LabelCache`].
pub enum Cache<'a> {
    /// Neither read nor write.
    None,
    /// Store this labelling's layers.
    Record(&'a mut LabelCache),
    /// Start from the stored layer of position `.1` (whose prefix this route shares); the answer
    /// then carries the distance and cost only.
    Resume(&'a LabelCache, usize),
}

/// One partial schedule ending at a fixed position.
#[derive(Clone, Copy, Debug)]
struct Label {
    dist: i64,
    ready: Time,
    soc: i64,
    /// Location and start time of the first visited node (for the route duration).
    first: (u32, Time),
    parent: u32,
    /// Stations visited on the arc into this position ([`NONE`]: none).
    via: [u32; 2],
}

/// Start of a charge of length `dur` arriving at `arrival`: the first window that holds it whole.
#[inline]
pub(crate) fn charge_start(windows: &[TimeWindow], arrival: Time, dur: Duration) -> Option<Time> {
    windows.iter().find_map(|w| {
        let s = arrival.max(w.open);
        (s + dur <= w.close).then_some(s)
    })
}

/// Best reload depot between `from` and `to` (the same rule as the plain evaluator).
fn best_reload(vt: &VehicleType, profile: &Profile, from: u32, to: u32) -> Option<u32> {
    vt.reload_depots
        .iter()
        .copied()
        .min_by_key(|&r| profile.distance(from, r) + profile.distance(r, to))
}

/// Build the fixed sequence (orders with greedily placed reloads); `None` when a load cannot fit
/// or a shipment is split or inverted ([`crate::solver::pairs`]).
fn fixed_sequence(
    problem: &Problem,
    vt: &VehicleType,
    profile: &Profile,
    stops: impl Iterator<Item = Stop>,
    out: &mut Vec<Fixed>,
) -> Option<()> {
    let mut trip = LoadSegment::EMPTY;
    let mut at = vt.start;
    let paired = problem.has_pairs();
    let mut pairs = crate::solver::pairs::PairWalk::default();
    for s in stops {
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
            out.push(Fixed {
                location: depot,
                order: NONE,
                alternative: 0,
                service: vt.reload_time,
            });
            trip = LoadSegment::EMPTY;
            if !here.fits(vt.capacity) {
                return None;
            }
        }
        trip = trip.then(here);
        out.push(Fixed {
            location: s.location,
            order: s.order,
            alternative: s.alternative,
            service: order.alternatives[s.alternative as usize].service,
        });
        at = s.location;
    }
    pairs.closed().then_some(())
}

/// Service start at fixed node `f` for an arrival at `arrival` (`None`: every window closed).
#[inline]
fn start_at(problem: &Problem, f: &Fixed, arrival: Time) -> Option<Time> {
    if f.order == NONE {
        Some(arrival)
    } else {
        service_start(problem.windows(f.order, f.alternative), arrival)
    }
}

/// Everything the labelling needs about the vehicle.
struct Ctx<'a> {
    problem: &'a Problem,
    vt_index: u32,
    vt: &'a VehicleType,
    battery: &'a Battery,
    profile: &'a Profile,
}

impl Ctx<'_> {
    #[inline]
    fn energy(&self, a: u32, b: u32) -> i64 {
        self.battery
            .consumption
            .energy_for(self.profile.distance(a, b))
            .0
    }

    /// Drive from `at` (ready at `ready` with `soc`) to station `s`, charge to full; returns
    /// (location, distance driven, ready after charging, charge start) or `None`.
    #[inline]
    fn via_station(
        &self,
        at: u32,
        ready: Time,
        soc: i64,
        s: u32,
    ) -> Option<(u32, i64, Time, Time)> {
        let st = &self.problem.stations()[s as usize];
        let left = soc - self.energy(at, st.location);
        if left < self.battery.reserve.0 {
            return None;
        }
        let arrival = self.profile.arrival(at, st.location, ready);
        let dur = st.rate.time_for(Energy(self.battery.capacity.0 - left));
        let start = charge_start(&st.windows, arrival, dur)?;
        Some((
            st.location,
            self.profile.distance(at, st.location).0,
            start + dur,
            start,
        ))
    }
}

/// Add `l` to `layer` unless dominated; drop the labels it dominates; keep at most [`MAX_LABELS`].
fn push_label(layer: &mut Vec<Label>, l: Label) {
    for e in layer.iter() {
        if e.dist <= l.dist && e.ready <= l.ready && e.soc >= l.soc {
            return;
        }
    }
    layer.retain(|e| !(l.dist <= e.dist && l.ready <= e.ready && l.soc >= e.soc));
    if layer.len() >= MAX_LABELS {
        let (worst, w) = layer
            .iter()
            .enumerate()
            .max_by_key(|(i, e)| (e.dist, e.ready, std::cmp::Reverse(*i)))
            .map(|(i, e)| (i, e.dist))
            .expect("a full layer");
        if l.dist >= w {
            return;
        }
        layer.swap_remove(worst);
    }
    layer.push(l);
}

/// Simulate a battery route of type `vt_index` over `stops`, placing reloads greedily and charging
/// stops by the labelling of the module doc; `None` when no placement is feasible. When `visits` is
/// given it receives the whole route (orders, reloads and charges with their energy). With
/// `below`, and no duration cost, labels whose distance cost plus the direct distance still to
/// drive reaches `below` are dropped, so `None` also means "not cheaper than `below`".
pub fn simulate_battery(
    problem: &Problem,
    vt_index: u32,
    stops: impl Iterator<Item = Stop>,
    visits: Option<&mut Vec<Visit>>,
    below: Option<Cost>,
    cache: Cache,
) -> Option<RouteEval> {
    let vt = problem.vehicle_type(vt_index);
    let battery = vt.battery.as_ref()?;
    let profile = problem.profile_of(vt_index);
    let mut fixed = Vec::new();
    fixed_sequence(problem, vt, profile, stops, &mut fixed)?;
    if fixed.is_empty() {
        if let Some(v) = visits {
            v.clear();
        }
        return Some(RouteEval::EMPTY);
    }
    let ctx = Ctx {
        problem,
        vt_index,
        vt,
        battery,
        profile,
    };
    let m = fixed.len();
    let loc = |k: usize| -> u32 {
        if k == 0 {
            vt.start
        } else if k <= m {
            fixed[k - 1].location
        } else {
            vt.end
        }
    };
    // Direct energy and distance from position k to the end.
    let mut suffix_energy = vec![0i64; m + 2];
    let mut suffix_dist = vec![0i64; m + 2];
    for k in (0..=m).rev() {
        suffix_energy[k] = suffix_energy[k + 1] + ctx.energy(loc(k), loc(k + 1));
        suffix_dist[k] = suffix_dist[k + 1] + profile.distance(loc(k), loc(k + 1)).0;
    }
    // Latest time to be ready to leave each position, driving on without charging (stops only
    // delay, so a label later than this can never finish).
    let mut latest_ready = vec![Time::MIN; m + 2];
    latest_ready[m + 1] = vt.shift.close;
    let mut latest_arrival_next = vt.shift.close;
    for k in (0..=m).rev() {
        let leave = profile.latest_departure(loc(k), loc(k + 1), latest_arrival_next);
        latest_ready[k] = leave;
        if k == 0 {
            break;
        }
        let f = &fixed[k - 1];
        latest_arrival_next = if f.order == NONE {
            leave - f.service
        } else {
            latest_arrival(problem.windows(f.order, f.alternative), leave - f.service)?
        };
    }
    if vt.shift.open > latest_ready[0] {
        return None;
    }
    let cap = battery.capacity.0;
    let reserve = battery.reserve.0;
    // Largest distance a label may reach (with the direct rest of the route) under `below`.
    let max_dist = match below {
        Some(b) if vt.cost_per_duration == 0 && vt.cost_per_distance > 0 => {
            let room = b.0 - vt.fixed_cost.0;
            // dist * cpd < room  <=>  dist <= (room - 1) / cpd
            if room <= 0 {
                return None;
            }
            ((room - 1) / vt.cost_per_distance).min(vt.max_distance.0)
        }
        _ => vt.max_distance.0,
    };
    let mut arena: Vec<Label> = vec![Label {
        dist: 0,
        ready: vt.shift.open,
        soc: cap,
        first: (NONE, Time::MIN),
        parent: NONE,
        via: [NONE, NONE],
    }];
    let mut k0 = 0;
    let resumed = if let Cache::Resume(c, p) = &cache {
        match (c.starts.get(*p), c.starts.get(*p + 1)) {
            (Some(&a), Some(&b)) if b > a && *p <= m => {
                arena.clear();
                arena.extend(
                    c.labels[a as usize..b as usize]
                        .iter()
                        .filter(|l| l.ready <= latest_ready[*p])
                        .map(|l| Label { parent: NONE, ..*l }),
                );
                k0 = *p;
                true
            }
            _ => false,
        }
    } else {
        false
    };
    if arena.is_empty() {
        return None;
    }
    let mut starts: Vec<u32> = vec![0];
    let mut layer_start = 0usize;
    let mut next: Vec<Label> = Vec::new();
    for k in k0..=m {
        let (a, b) = (loc(k), loc(k + 1));
        let layer_end = arena.len();
        next.clear();
        // Arrive at position k + 1 from `from` (ready at `ready`), making the label.
        let arrive = |next: &mut Vec<Label>,
                      parent: usize,
                      from: u32,
                      ready: Time,
                      soc: i64,
                      dist: i64,
                      first: (u32, Time),
                      via: [u32; 2]| {
            let arrival = profile.arrival(from, b, ready);
            let (start, ready_b) = if k == m {
                if arrival > vt.shift.close {
                    return;
                }
                (arrival, arrival)
            } else {
                let f = &fixed[k];
                let Some(start) = start_at(problem, f, arrival) else {
                    return;
                };
                (start, start + f.service)
            };
            if dist + suffix_dist[k + 1] > max_dist || ready_b > latest_ready[k + 1] {
                return;
            }
            let first = if first.0 == NONE { (b, start) } else { first };
            push_label(
                next,
                Label {
                    dist,
                    ready: ready_b,
                    soc,
                    first,
                    parent: parent as u32,
                    via,
                },
            );
        };
        for (offset, &l) in arena[layer_start..layer_end].iter().enumerate() {
            let li = layer_start + offset;
            let e_direct = ctx.energy(a, b);
            let d_direct = profile.distance(a, b).0;
            if l.soc - e_direct >= reserve {
                arrive(
                    &mut next,
                    li,
                    a,
                    l.ready,
                    l.soc - e_direct,
                    l.dist + d_direct,
                    l.first,
                    [NONE, NONE],
                );
            }
            if l.soc - reserve >= suffix_energy[k] {
                continue; // finishes without charging: stations only add distance and time
            }
            let mut bridged = false;
            for &s in problem.stations_between(vt_index, a, b) {
                let Some((ls, d1, ready_s, start_s)) = ctx.via_station(a, l.ready, l.soc, s) else {
                    continue;
                };
                let soc_b = cap - ctx.energy(ls, b);
                if soc_b < reserve {
                    continue;
                }
                bridged = true;
                let first = if l.first.0 == NONE {
                    (ls, start_s)
                } else {
                    l.first
                };
                arrive(
                    &mut next,
                    li,
                    ls,
                    ready_s,
                    soc_b,
                    l.dist + d1 + profile.distance(ls, b).0,
                    first,
                    [s, NONE],
                );
            }
            if bridged {
                continue;
            }
            for &s1 in &battery.stations {
                let Some((l1, d1, r1, start1)) = ctx.via_station(a, l.ready, l.soc, s1) else {
                    continue;
                };
                for &s2 in &battery.stations {
                    if s2 == s1 {
                        continue;
                    }
                    let Some((l2, d2, r2, _)) = ctx.via_station(l1, r1, cap, s2) else {
                        continue;
                    };
                    let soc_b = cap - ctx.energy(l2, b);
                    if soc_b < reserve {
                        continue;
                    }
                    let first = if l.first.0 == NONE {
                        (l1, start1)
                    } else {
                        l.first
                    };
                    arrive(
                        &mut next,
                        li,
                        l2,
                        r2,
                        soc_b,
                        l.dist + d1 + d2 + profile.distance(l2, b).0,
                        first,
                        [s1, s2],
                    );
                }
            }
        }
        if next.is_empty() {
            return None;
        }
        layer_start = arena.len();
        arena.extend_from_slice(&next);
        starts.push(layer_start as u32);
    }
    starts.push(arena.len() as u32);
    // Choose the cheapest complete label that respects the duration limit.
    let duration_of = |l: &Label| -> Duration {
        let departure = profile
            .latest_departure(vt.start, l.first.0, l.first.1)
            .max(vt.shift.open);
        l.ready - departure
    };
    let best = (layer_start..arena.len())
        .filter(|&i| duration_of(&arena[i]) <= vt.max_duration)
        .min_by_key(|&i| {
            let l = &arena[i];
            (
                l.dist * vt.cost_per_distance + duration_of(l).0 * vt.cost_per_duration,
                l.dist,
                i,
            )
        })?;
    if resumed {
        let l = &arena[best];
        // Resumed only without fees (see `RouteState::resumable`).
        return Some(RouteEval {
            distance: Distance(l.dist),
            duration: duration_of(l),
            cost: route_cost(vt, Distance(l.dist), duration_of(l), Cost::ZERO),
            charges: 0,
        });
    }
    if let Cache::Record(c) = cache {
        c.labels.clone_from(&arena);
        c.starts = starts;
    }
    // Rebuild the chosen route: fixed nodes and the stations on the arcs into them.
    let mut vias = vec![[NONE, NONE]; m + 1];
    let mut i = best;
    for k in (0..=m).rev() {
        vias[k] = arena[i].via;
        i = arena[i].parent as usize;
    }
    let mut route: Vec<(u32, Option<u32>)> = Vec::with_capacity(m + 4); // (location, station)
    for (k, via) in vias.iter().enumerate() {
        for &s in via.iter().filter(|&&s| s != NONE) {
            route.push((problem.stations()[s as usize].location, Some(s)));
        }
        if k < m {
            route.push((fixed[k].location, None));
        }
    }
    replay(&ctx, &fixed, &route, visits)
}

/// Replay the chosen route with the policy's charge amounts: totals, or `None` if a rule breaks.
fn replay(
    ctx: &Ctx,
    fixed: &[Fixed],
    route: &[(u32, Option<u32>)],
    visits: Option<&mut Vec<Visit>>,
) -> Option<RouteEval> {
    let (problem, vt, battery, profile) = (ctx.problem, ctx.vt, ctx.battery, ctx.profile);
    let cap = battery.capacity.0;
    let reserve = battery.reserve.0;
    // Energy needed from each charging stop to the next one (or the end depot).
    let mut need = vec![0i64; route.len()];
    let mut acc = 0i64;
    let mut next_loc = vt.end;
    for (j, &(l, s)) in route.iter().enumerate().rev() {
        acc += ctx.energy(l, next_loc);
        if s.is_some() {
            need[j] = acc;
            acc = 0;
        }
        next_loc = l;
    }
    let mut out = visits;
    if let Some(v) = out.as_deref_mut() {
        v.clear();
    }
    let mut at = vt.start;
    let mut ready = vt.shift.open;
    let mut soc = cap;
    let mut distance = Distance::ZERO;
    let mut first: Option<(u32, Time)> = None;
    let mut charges = 0u32;
    let mut f = 0usize;
    let fees = problem.zone_fees(ctx.vt_index);
    let mut meter = FeeMeter::default();
    for (j, &(l, s)) in route.iter().enumerate() {
        distance += profile.distance(at, l);
        // The first leg is priced when the departure is known (after the loop).
        if let (Some(fz), true) = (fees, j > 0) {
            meter.leg(fz, at, l, ready);
        }
        soc -= ctx.energy(at, l);
        if soc < reserve {
            return None;
        }
        let arrival = profile.arrival(at, l, ready);
        let start = match s {
            Some(s) => {
                let st = &problem.stations()[s as usize];
                let amount = match battery.policy {
                    ChargePolicy::Full => cap - soc,
                    ChargePolicy::Partial => (need[j] + reserve - soc).clamp(0, cap - soc),
                };
                let dur = st.rate.time_for(Energy(amount));
                let start = charge_start(&st.windows, arrival, dur)?;
                soc += amount;
                ready = start + dur;
                charges += 1;
                if let Some(v) = out.as_deref_mut() {
                    v.push(Visit::Charge {
                        station: s,
                        energy: Energy(amount),
                    });
                }
                start
            }
            None => {
                let fx = &fixed[f];
                f += 1;
                let start = start_at(problem, fx, arrival)?;
                ready = start + fx.service;
                if let Some(v) = out.as_deref_mut() {
                    v.push(if fx.order == NONE {
                        Visit::Reload { depot: fx.location }
                    } else {
                        Visit::Order {
                            order: fx.order,
                            alternative: fx.alternative,
                        }
                    });
                }
                start
            }
        };
        first.get_or_insert((l, start));
        at = l;
    }
    distance += profile.distance(at, vt.end);
    soc -= ctx.energy(at, vt.end);
    let end = profile.arrival(at, vt.end, ready);
    if soc < reserve {
        return None;
    }
    let fees = fees.map_or(Cost::ZERO, |fz| {
        if let Some((location, _)) = first {
            meter.leg(fz, vt.start, location, departure(vt, profile, first));
        }
        meter.leg(fz, at, vt.end, ready);
        meter.total(fz)
    });
    close_route(vt, profile, end, distance, first, charges, fees)
}
