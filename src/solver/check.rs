//! The independent plan checker: recomputes every route of a [`Solution`] from the [`Problem`] alone
//! and lists each violated rule.
//!
//! Owns: [`check`], [`Violation`], [`CheckReport`]. Must never: call into the search code or its
//! evaluator ([`crate::solver::route_state`]); its whole value is being a second, simple
//! implementation of the rules (schedule, hour bands, windows, loads, trips, limits, fleet). The
//! schedule it checks: a vehicle is ready at its start depot at `shift.open`, drives to each stop
//! (waiting for a faster hour band when that arrives sooner), starts service at the first window
//! still open, reloads take `reload_time`, and must reach its end depot by `shift.close`. Route
//! duration runs from the latest departure that still reaches the first stop in time for that
//! schedule, to the arrival at the end depot. Battery vehicles leave full; every leg uses
//! `ceil(distance * energy / per)` of the consumption ratio; the charge on arrival anywhere
//! (including the end depot) must be at least the reserve; a charging stop must be at one of the
//! type's stations, must not fill above the capacity (under the full policy it must fill exactly to
//! it), and the whole charge, `ceil(energy * time / per)` long, must fit inside one opening window
//! (waiting for the opening is allowed). Loads: each trip (from a depot to the next reload or the
//! end depot) leaves carrying its orders' deliveries; at each order the load drops by the delivery
//! and rises by the pickup, and it must fit the capacity at every point of the trip. Parcel
//! lockers: the amounts of every order served at one, plus its booking, fit its capacity in each
//! dimension; service there starts and ends inside one of its windows; each order's locker cost
//! is part of the total. Shipments (pickup-and-delivery pairs): both orders served by one route,
//! the pickup first and no reload between them, or neither served; the load walk above holds them
//! aboard from the pickup to the delivery (whose pickup amount is negative).

use crate::solver::measure::{Cost, Distance, Duration, Energy, Load, Time};
use crate::solver::model::{ChargePolicy, PairRole, Problem, TimeWindow};
use crate::solver::solution::{Solution, Visit};
use crate::solver::travel::Profile;

/// One broken rule.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Violation {
    /// A route names a vehicle type that does not exist.
    #[error("route {route}: unknown vehicle type {vehicle_type}")]
    UnknownVehicleType {
        /// Route number.
        route: usize,
        /// The bad index.
        vehicle_type: u32,
    },
    /// More routes of a type than vehicles.
    #[error("vehicle type {vehicle_type}: {used} routes but only {available} vehicles")]
    FleetExceeded {
        /// Vehicle type.
        vehicle_type: u32,
        /// Routes using it.
        used: u32,
        /// Vehicles available.
        available: u32,
    },
    /// A visit names an order that does not exist.
    #[error("route {route}: unknown order {order}")]
    UnknownOrder {
        /// Route number.
        route: usize,
        /// The bad index.
        order: u32,
    },
    /// A visit names an alternative the order does not have.
    #[error("route {route}: order {order} has no alternative {alternative}")]
    BadAlternative {
        /// Route number.
        route: usize,
        /// Order.
        order: u32,
        /// The bad alternative.
        alternative: u32,
    },
    /// An order is served more than once (two alternatives, or twice the same).
    #[error("order {order} is served {times} times")]
    ServedMoreThanOnce {
        /// Order.
        order: u32,
        /// Times served.
        times: u32,
    },
    /// A required order is not served.
    #[error("required order {order} is not served")]
    RequiredUnserved {
        /// Order.
        order: u32,
    },
    /// The unserved list disagrees with the routes.
    #[error("order {order}: the unserved list disagrees with the routes")]
    UnservedListWrong {
        /// Order.
        order: u32,
    },
    /// A reload at a location that is not one of the type's reload depots.
    #[error("route {route}: location {depot} is not a reload depot of its vehicle type")]
    NotReloadDepot {
        /// Route number.
        route: usize,
        /// Location.
        depot: u32,
    },
    /// A trip carries more than the capacity at some point (deliveries still aboard plus pickups
    /// already collected).
    #[error("route {route}, trip {trip}: load {load:?} exceeds capacity {capacity:?}")]
    Capacity {
        /// Route number.
        route: usize,
        /// Trip number (0 = before the first reload).
        trip: usize,
        /// The most aboard at any point of the trip, per dimension.
        load: Load,
        /// Capacity.
        capacity: Load,
    },
    /// Service cannot start inside any window.
    #[error("route {route}: order {order} reached at {arrival:?}, after its last window closed")]
    TimeWindow {
        /// Route number.
        route: usize,
        /// Order.
        order: u32,
        /// Arrival time.
        arrival: Time,
    },
    /// The end depot is reached after the shift.
    #[error("route {route}: reaches its end depot at {arrival:?}, shift ends {close:?}")]
    Shift {
        /// Route number.
        route: usize,
        /// Arrival at the end depot.
        arrival: Time,
        /// Shift end.
        close: Time,
    },
    /// Route duration above the limit.
    #[error("route {route}: duration {duration:?} above maximum {max:?}")]
    Duration {
        /// Route number.
        route: usize,
        /// Duration.
        duration: Duration,
        /// Limit.
        max: Duration,
    },
    /// A charging stop by a vehicle without a battery, at an unknown station, or at a station the
    /// vehicle type may not use.
    #[error("route {route}: charging at station {station} is not allowed for its vehicle type")]
    NotAllowedStation {
        /// Route number.
        route: usize,
        /// Station index.
        station: u32,
    },
    /// The charge fell below the reserve on arrival somewhere (reported once per route).
    #[error("route {route}: charge {charge:?} below the reserve {reserve:?} on arrival at visit {visit}")]
    BelowReserve {
        /// Route number.
        route: usize,
        /// Visit number (the number of visits for the end depot).
        visit: usize,
        /// Charge on arrival.
        charge: Energy,
        /// Reserve.
        reserve: Energy,
    },
    /// A charging stop fills above the capacity, or (full policy) not up to it.
    #[error(
        "route {route}: charging at station {station} ends at {charge:?}, capacity {capacity:?}"
    )]
    BadChargeAmount {
        /// Route number.
        route: usize,
        /// Station index.
        station: u32,
        /// Charge after the stop.
        charge: Energy,
        /// Capacity.
        capacity: Energy,
    },
    /// No opening window of the station holds the whole charge.
    #[error("route {route}: station {station} is not open from {arrival:?} for {duration:?}")]
    StationClosed {
        /// Route number.
        route: usize,
        /// Station index.
        station: u32,
        /// Arrival at the station.
        arrival: Time,
        /// Charging time.
        duration: Duration,
    },
    /// Route distance above the limit.
    #[error("route {route}: distance {distance:?} above maximum {max:?}")]
    Distance {
        /// Route number.
        route: usize,
        /// Distance.
        distance: Distance,
        /// Limit.
        max: Distance,
    },
    /// A stay at a site outside its opening hours.
    #[error("route {route}: stays at site {site} from {start:?} to {end:?}, outside its hours")]
    SiteClosed {
        /// Route number.
        route: usize,
        /// Site index.
        site: u32,
        /// Start of the stay.
        start: Time,
        /// End of the stay.
        end: Time,
    },
    /// A stay at a site longer than the vehicle may stay.
    #[error("route {route}: stays {dwell:?} at site {site}, longest allowed {max:?}")]
    Dwell {
        /// Route number.
        route: usize,
        /// Site index.
        site: u32,
        /// Length of the stay.
        dwell: Duration,
        /// Limit.
        max: Duration,
    },
    /// A parcel locker or pickup point holds more than its capacity (orders served there over
    /// the whole plan, plus what other problems booked), in some dimension.
    #[error("locker {locker}: holds {held:?}, capacity {capacity:?}")]
    LockerCapacity {
        /// Locker index.
        locker: u32,
        /// What it holds.
        held: Load,
        /// Its capacity.
        capacity: Load,
    },
    /// The two orders of a shipment are served by different routes.
    #[error("shipment of orders {pickup} and {delivery}: served by routes {pickup_route} and {delivery_route}")]
    PairSplit {
        /// Pickup order.
        pickup: u32,
        /// Delivery order.
        delivery: u32,
        /// Route serving the pickup.
        pickup_route: usize,
        /// Route serving the delivery.
        delivery_route: usize,
    },
    /// A shipment's delivery comes before its pickup.
    #[error(
        "route {route}: order {delivery} delivers before order {pickup} picks the shipment up"
    )]
    PairOrder {
        /// Route number.
        route: usize,
        /// Pickup order.
        pickup: u32,
        /// Delivery order.
        delivery: u32,
    },
    /// One order of a shipment is served and the other is not.
    #[error("shipment of orders {pickup} and {delivery}: order {unserved} is not served but its partner is")]
    PairHalfServed {
        /// Pickup order.
        pickup: u32,
        /// Delivery order.
        delivery: u32,
        /// The one left out.
        unserved: u32,
    },
    /// A reload between a shipment's pickup and delivery (it would be unloaded there).
    #[error(
        "route {route}: a reload between order {pickup}'s pickup and order {delivery}'s delivery"
    )]
    PairAcrossReload {
        /// Route number.
        route: usize,
        /// Pickup order.
        pickup: u32,
        /// Delivery order.
        delivery: u32,
    },
    /// More vehicles at a site at once than it has room for.
    #[error("site {site}: {vehicles} vehicles at {at:?}, room for {capacity}")]
    SiteCapacity {
        /// Site index.
        site: u32,
        /// When the count is first exceeded.
        at: Time,
        /// Vehicles there then.
        vehicles: u32,
        /// Room.
        capacity: u32,
    },
}

/// What the checker recomputed for one route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteReport {
    /// Distance driven.
    pub distance: Distance,
    /// Duration (see the module doc).
    pub duration: Duration,
    /// Fixed + distance + duration cost, plus zone fees.
    pub cost: Cost,
    /// Zone fees and soft penalties (part of `cost`).
    pub fees: Cost,
    /// Number of trips (reloads + 1).
    pub trips: usize,
}

/// The checker's verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckReport {
    /// Every broken rule; empty means feasible.
    pub violations: Vec<Violation>,
    /// Per route, in solution order.
    pub routes: Vec<RouteReport>,
    /// Total distance.
    pub distance: Distance,
    /// Total cost, including penalties of unserved optional orders and the cost of orders served
    /// at parcel lockers.
    pub cost: Cost,
    /// Vehicles used (non-empty routes).
    pub vehicles: usize,
}

impl CheckReport {
    /// True when no rule is broken.
    pub fn feasible(&self) -> bool {
        self.violations.is_empty()
    }
}

/// Earliest arrival at `j` when ready at `i` at `t`, trying every later band start (brute force).
fn arrive(profile: &Profile, i: u32, j: u32, t: Time) -> Time {
    let mut best = Time::MAX;
    for (k, band) in profile.bands.iter().enumerate() {
        let band_end = profile.bands.get(k + 1).map_or(Time::MAX, |b| b.start);
        if band_end <= t {
            continue;
        }
        let depart = t.max(band.start);
        best = best.min(depart + band.durations.get(i, j));
    }
    best
}

/// Latest ready time at `i` that still reaches `j` by `by`.
fn latest_ready(profile: &Profile, i: u32, j: u32, by: Time) -> Time {
    let mut best = Time::MIN;
    for (k, band) in profile.bands.iter().enumerate() {
        let band_last = profile
            .bands
            .get(k + 1)
            .map_or(Time::MAX, |b| Time(b.start.0 - 1));
        let t = (by - band.durations.get(i, j)).min(band_last);
        if t >= band.start {
            best = best.max(t);
        }
    }
    best
}

/// Zone fees of a route of vehicle type `v` driving `legs` (from, to, ready to leave at): for each
/// charge, every leg that leaves while it is in force and ends inside one of its zones owes the
/// charge's day fee (once per route), and its entry fee for each such zone the leg's start lies
/// outside of.
fn fees_due(problem: &Problem, v: u32, legs: &[(u32, u32, Time)]) -> Cost {
    let Some(fees) = problem.zone_fees(v) else {
        return Cost::ZERO;
    };
    let mut total = 0i64;
    for charge in &fees.charges {
        let mut day_due = false;
        for &(a, b, t) in legs {
            if !charge.windows.iter().any(|w| w.open <= t && t <= w.close) {
                continue;
            }
            for z in 0..64 {
                let bit = 1u64 << z;
                if charge.zones & bit == 0 || fees.inside[b as usize] & bit == 0 {
                    continue;
                }
                day_due = true;
                if fees.inside[a as usize] & bit == 0 {
                    total += charge.per_entry.0;
                }
            }
        }
        if day_due {
            total += charge.per_day.0;
        }
    }
    Cost(total)
}

/// The site at `location`, found by scanning the sites (not through the problem's index).
fn site_of(problem: &Problem, location: u32) -> Option<(u32, &crate::solver::model::Site)> {
    problem
        .sites()
        .iter()
        .enumerate()
        .find(|(_, s)| s.location == location || s.aliases.contains(&location))
        .map(|(i, s)| (i as u32, s))
}

/// The parcel locker at `location`, if any (found by scanning, not through the problem's index).
fn locker_of(problem: &Problem, location: u32) -> Option<(u32, &crate::solver::model::Locker)> {
    problem
        .lockers()
        .iter()
        .enumerate()
        .find(|(_, l)| l.location == location || l.aliases.contains(&location))
        .map(|(i, l)| (i as u32, l))
}

/// Earliest `t >= from` such that `[t, t + service]` lies inside one of `windows`.
fn first_fit(windows: &[TimeWindow], from: Time, service: Duration) -> Option<Time> {
    windows.iter().find_map(|w| {
        let t = from.max(w.open);
        (w.close == Time::MAX || t + service <= w.close).then_some(t)
    })
}

/// Dwell, hours and room of every stay at a site.
fn check_stays(
    problem: &Problem,
    solution: &Solution,
    stays: &[(u32, usize, Time, Time)],
    violations: &mut Vec<Violation>,
) {
    for &(site, route, start, end) in stays.iter() {
        let s = &problem.sites()[site as usize];
        let vt = solution.routes[route].vehicle_type;
        let max = s.max_dwell(vt);
        if end - start > max {
            violations.push(Violation::Dwell {
                route,
                site,
                dwell: end - start,
                max,
            });
        }
        if !s
            .windows
            .iter()
            .any(|w| w.open <= start && (w.close == Time::MAX || end <= w.close))
        {
            violations.push(Violation::SiteClosed {
                route,
                site,
                start,
                end,
            });
        }
    }
    // Sweep each site's stays (and stays booked by others) in time order; a stay that ends when
    // another starts does not overlap.
    let mut stays: Vec<(u32, usize, Time, Time)> = stays.to_vec();
    for (site, s) in problem.sites().iter().enumerate() {
        stays.extend(
            s.booked
                .iter()
                .map(|&(a, b)| (site as u32, usize::MAX, a, b)),
        );
    }
    stays.sort_by_key(|&(site, _, start, end)| (site, start, end));
    for group in stays.chunk_by(|a, b| a.0 == b.0) {
        let site = group[0].0;
        let capacity = problem.sites()[site as usize].capacity;
        let mut ends: Vec<Time> = Vec::new();
        for &(_, _, start, end) in group {
            ends.retain(|&e| e > start);
            ends.push(end);
            if ends.len() as u32 > capacity {
                violations.push(Violation::SiteCapacity {
                    site,
                    at: start,
                    vehicles: ends.len() as u32,
                    capacity,
                });
                break;
            }
        }
    }
}

/// Shipments: both orders served by one route, the pickup first and in the same trip, or
/// neither served. `served_at` gives each served order's (route, visit, trip).
fn check_pairs(
    problem: &Problem,
    served_at: &[Option<(usize, usize, usize)>],
    violations: &mut Vec<Violation>,
) {
    for o in 0..problem.orders().len() as u32 {
        let Some(pair) = problem.pair(o) else {
            continue;
        };
        if pair.role != PairRole::Pickup {
            continue;
        }
        let (pickup, delivery) = (o, pair.partner);
        match (served_at[pickup as usize], served_at[delivery as usize]) {
            (None, None) => {}
            (Some(_), None) | (None, Some(_)) => violations.push(Violation::PairHalfServed {
                pickup,
                delivery,
                unserved: if served_at[pickup as usize].is_none() {
                    pickup
                } else {
                    delivery
                },
            }),
            (Some((rp, vp, tp)), Some((rd, vd, td))) => {
                if rp != rd {
                    violations.push(Violation::PairSplit {
                        pickup,
                        delivery,
                        pickup_route: rp,
                        delivery_route: rd,
                    });
                } else if vd < vp {
                    violations.push(Violation::PairOrder {
                        route: rp,
                        pickup,
                        delivery,
                    });
                } else if tp != td {
                    violations.push(Violation::PairAcrossReload {
                        route: rp,
                        pickup,
                        delivery,
                    });
                }
            }
        }
    }
}

/// `ceil(x * num / den)` in 128 bits.
fn ceil_mul_div(x: i64, num: i64, den: i64) -> i64 {
    let (p, d) = (x as i128 * num as i128, den.max(1) as i128);
    (p / d + i128::from(p % d > 0)) as i64
}

/// Check `solution` against `problem`.
pub fn check(problem: &Problem, solution: &Solution) -> CheckReport {
    let mut violations = Vec::new();
    let mut served = vec![0u32; problem.orders().len()];
    let mut used = vec![0u32; problem.vehicle_types().len()];
    let mut reports = Vec::new();
    // Stays at sites: (site, route, start, end), consecutive stops at one site merged.
    let mut stays: Vec<(u32, usize, Time, Time)> = Vec::new();
    let mut locker_used = vec![Load::ZERO; problem.lockers().len()];
    let mut locker_cost = Cost::ZERO;
    // Where each order is served: (route, visit number, trip), for the shipment rules.
    let mut served_at: Vec<Option<(usize, usize, usize)>> = vec![None; problem.orders().len()];
    for (r, route) in solution.routes.iter().enumerate() {
        let Some(vt) = problem.vehicle_types().get(route.vehicle_type as usize) else {
            violations.push(Violation::UnknownVehicleType {
                route: r,
                vehicle_type: route.vehicle_type,
            });
            continue;
        };
        if route.visits.is_empty() {
            reports.push(RouteReport {
                distance: Distance::ZERO,
                duration: Duration::ZERO,
                cost: Cost::ZERO,
                fees: Cost::ZERO,
                trips: 0,
            });
            continue;
        }
        used[route.vehicle_type as usize] += 1;
        let profile = &problem.profiles()[vt.profile as usize];
        let mut at = vt.start;
        let mut ready = vt.shift.open;
        let mut distance = Distance::ZERO;
        let mut trip = 0;
        // (delivery, pickup) of each order of the current trip.
        let mut load: Vec<(Load, Load)> = Vec::new();
        let mut first_start: Option<(u32, Time)> = None;
        // Every leg driven: (from, to, ready to leave at), for the zone fees.
        let mut legs: Vec<(u32, u32, Time)> = Vec::new();
        let battery = vt.battery.as_ref();
        let mut charge = battery.map_or(0, |b| b.capacity.0);
        let mut below_reported = false;
        let drive = |violations: &mut Vec<Violation>,
                     charge: &mut i64,
                     below_reported: &mut bool,
                     from: u32,
                     to: u32,
                     visit: usize| {
            let Some(b) = battery else { return };
            *charge -= ceil_mul_div(
                profile.distance(from, to).0,
                b.consumption.energy.0,
                b.consumption.per.0,
            );
            if *charge < b.reserve.0 && !*below_reported {
                *below_reported = true;
                violations.push(Violation::BelowReserve {
                    route: r,
                    visit,
                    charge: Energy(*charge),
                    reserve: b.reserve,
                });
            }
        };
        let close_trip = |violations: &mut Vec<Violation>, trip: usize, orders: &[(Load, Load)]| {
            let mut aboard = Load::ZERO;
            for &(delivery, _) in orders {
                aboard += delivery;
            }
            let mut load = aboard;
            for &(delivery, pickup) in orders {
                aboard = aboard - delivery + pickup;
                for (most, now) in load.0.iter_mut().zip(aboard.0) {
                    *most = (*most).max(now);
                }
            }
            if !load.fits(vt.capacity) {
                violations.push(Violation::Capacity {
                    route: r,
                    trip,
                    load,
                    capacity: vt.capacity,
                });
            }
        };
        for (vi, visit) in route.visits.iter().enumerate() {
            let (loc, start, service) = match *visit {
                Visit::Order { order, alternative } => {
                    let Some(o) = problem.orders().get(order as usize) else {
                        violations.push(Violation::UnknownOrder { route: r, order });
                        continue;
                    };
                    let Some(alt) = o.alternatives.get(alternative as usize) else {
                        violations.push(Violation::BadAlternative {
                            route: r,
                            order,
                            alternative,
                        });
                        continue;
                    };
                    served[order as usize] += 1;
                    served_at[order as usize] = Some((r, vi, trip));
                    load.push((o.demand, o.pickup));
                    drive(
                        &mut violations,
                        &mut charge,
                        &mut below_reported,
                        at,
                        alt.location,
                        vi,
                    );
                    let arrival = arrive(profile, at, alt.location, ready);
                    let site = site_of(problem, alt.location);
                    let locker = locker_of(problem, alt.location);
                    if let Some((k, _)) = locker {
                        match problem.locker_use(order, alternative) {
                            Some(u) => {
                                locker_used[k as usize] += u.amount;
                                locker_cost += u.cost;
                            }
                            None => violations.push(Violation::BadAlternative {
                                route: r,
                                order,
                                alternative,
                            }),
                        }
                    }
                    // Service ends inside the opening hours of a site or locker, if any.
                    let hours = site
                        .map(|(_, s)| s.windows.as_slice())
                        .or(locker.map(|(_, l)| l.windows.as_slice()));
                    let earliest = match hours {
                        Some(w) => first_fit(w, arrival, alt.service),
                        None => Some(arrival),
                    };
                    let start = match earliest.and_then(|a| {
                        // Service starts inside an order window and ends inside a site's or
                        // locker's window.
                        let mut t = a;
                        loop {
                            let w = o.windows.iter().find(|w| w.close >= t)?;
                            t = t.max(w.open);
                            match hours {
                                None => return Some(t),
                                Some(hours) => {
                                    let u = first_fit(hours, t, alt.service)?;
                                    if u == t {
                                        return Some(t);
                                    }
                                    t = u;
                                }
                            }
                        }
                    }) {
                        Some(start) => {
                            if let Some((site, _)) = site {
                                match stays.last_mut() {
                                    Some(last)
                                        if last.0 == site && last.1 == r && at == alt.location =>
                                    {
                                        last.3 = start + alt.service
                                    }
                                    _ => stays.push((site, r, start, start + alt.service)),
                                }
                            }
                            start
                        }
                        None => {
                            violations.push(Violation::TimeWindow {
                                route: r,
                                order,
                                arrival,
                            });
                            arrival
                        }
                    };
                    (alt.location, start, alt.service)
                }
                Visit::Reload { depot } => {
                    if !vt.reload_depots.contains(&depot) {
                        violations.push(Violation::NotReloadDepot { route: r, depot });
                    }
                    close_trip(&mut violations, trip, &load);
                    trip += 1;
                    load.clear();
                    drive(
                        &mut violations,
                        &mut charge,
                        &mut below_reported,
                        at,
                        depot,
                        vi,
                    );
                    (depot, arrive(profile, at, depot, ready), vt.reload_time)
                }
                Visit::Charge { station, energy } => {
                    let st = problem.stations().get(station as usize);
                    let (Some(st), Some(b)) = (st, battery) else {
                        violations.push(Violation::NotAllowedStation { route: r, station });
                        continue;
                    };
                    if !b.stations.contains(&station) {
                        violations.push(Violation::NotAllowedStation { route: r, station });
                    }
                    drive(
                        &mut violations,
                        &mut charge,
                        &mut below_reported,
                        at,
                        st.location,
                        vi,
                    );
                    charge += energy.0;
                    let full_missed = b.policy == ChargePolicy::Full && charge != b.capacity.0;
                    if charge > b.capacity.0 || full_missed || energy.0 < 0 {
                        violations.push(Violation::BadChargeAmount {
                            route: r,
                            station,
                            charge: Energy(charge),
                            capacity: b.capacity,
                        });
                    }
                    let arrival = arrive(profile, at, st.location, ready);
                    let duration = Duration(ceil_mul_div(energy.0, st.rate.time.0, st.rate.per.0));
                    let start = st.windows.iter().find_map(|w| {
                        let s = arrival.max(w.open);
                        (s + duration <= w.close).then_some(s)
                    });
                    let start = start.unwrap_or_else(|| {
                        violations.push(Violation::StationClosed {
                            route: r,
                            station,
                            arrival,
                            duration,
                        });
                        arrival
                    });
                    (st.location, start, duration)
                }
            };
            distance += profile.distance(at, loc);
            legs.push((at, loc, ready));
            first_start.get_or_insert((loc, start));
            ready = start + service;
            at = loc;
        }
        close_trip(&mut violations, trip, &load);
        drive(
            &mut violations,
            &mut charge,
            &mut below_reported,
            at,
            vt.end,
            route.visits.len(),
        );
        distance += profile.distance(at, vt.end);
        legs.push((at, vt.end, ready));
        let end_arrival = arrive(profile, at, vt.end, ready);
        if end_arrival > vt.shift.close {
            violations.push(Violation::Shift {
                route: r,
                arrival: end_arrival,
                close: vt.shift.close,
            });
        }
        let departure = match first_start {
            Some((loc, start)) => latest_ready(profile, vt.start, loc, start).max(vt.shift.open),
            None => vt.shift.open,
        };
        // The first leg leaves at the departure the duration is measured from.
        if let Some(first_leg) = legs.first_mut() {
            first_leg.2 = departure;
        }
        let duration = end_arrival - departure;
        if duration > vt.max_duration {
            violations.push(Violation::Duration {
                route: r,
                duration,
                max: vt.max_duration,
            });
        }
        if distance > vt.max_distance {
            violations.push(Violation::Distance {
                route: r,
                distance,
                max: vt.max_distance,
            });
        }
        let fees = fees_due(problem, route.vehicle_type, &legs);
        let cost = vt.fixed_cost
            + Cost(distance.0 * vt.cost_per_distance)
            + Cost(duration.0 * vt.cost_per_duration)
            + fees;
        reports.push(RouteReport {
            distance,
            duration,
            cost,
            fees,
            trips: trip + 1,
        });
    }
    check_stays(problem, solution, &stays, &mut violations);
    for (k, (used, l)) in locker_used.iter().zip(problem.lockers()).enumerate() {
        let held = *used + l.booked;
        if (0..held.0.len()).any(|d| held.0[d] > l.capacity.0[d]) {
            violations.push(Violation::LockerCapacity {
                locker: k as u32,
                held,
                capacity: l.capacity,
            });
        }
    }
    for (v, (&u, vt)) in used.iter().zip(problem.vehicle_types()).enumerate() {
        if u > vt.count {
            violations.push(Violation::FleetExceeded {
                vehicle_type: v as u32,
                used: u,
                available: vt.count,
            });
        }
    }
    let mut listed = vec![false; problem.orders().len()];
    for &o in &solution.unserved {
        if let Some(l) = listed.get_mut(o as usize) {
            *l = true;
        } else {
            violations.push(Violation::UnservedListWrong { order: o });
        }
    }
    check_pairs(problem, &served_at, &mut violations);
    let mut cost: Cost = reports.iter().map(|r| r.cost).sum::<Cost>() + locker_cost;
    for (o, order) in problem.orders().iter().enumerate() {
        let o32 = o as u32;
        match served[o] {
            0 => {
                match order.penalty {
                    None => violations.push(Violation::RequiredUnserved { order: o32 }),
                    Some(p) => cost += p,
                }
                if !listed[o] {
                    violations.push(Violation::UnservedListWrong { order: o32 });
                }
            }
            1 => {
                if listed[o] {
                    violations.push(Violation::UnservedListWrong { order: o32 });
                }
            }
            times => violations.push(Violation::ServedMoreThanOnce { order: o32, times }),
        }
    }
    CheckReport {
        violations,
        distance: reports.iter().map(|r| r.distance).sum(),
        vehicles: used.iter().map(|&u| u as usize).sum(),
        routes: reports,
        cost,
    }
}
