//! Checking a plan someone else made (a traffic police use): every route is rebuilt from the
//! scenario alone and judged by the solver's independent checker, the city's zone rules and the
//! permit quotas, and, over all carriers, room at bays and parcels at lockers. Every violation is listed, in the submitter's terms (vehicle and order ids).

use super::{build_pool, PlanError};
use crate::matrix::MatrixEngine;
use crate::network::Network;
use crate::scenario::Scenario;
use crate::solver::check::{check, Violation};
use crate::solver::measure::Time;
use crate::solver::solution::{Route, Solution, Visit};
use crate::time::{clock, WeekTime, DAY};
use crate::zones::ZoneTags;
use geo::{Contains, Point};

/// A stop as submitted.
#[derive(Clone, Debug, PartialEq)]
pub struct SubmittedStop {
    /// Order id; `None` for a reload at the depot.
    pub order: Option<String>,
    /// Arrival (s after midnight).
    pub arrival_s: i64,
    /// Start of service (s; the arrival when not given).
    pub start_s: i64,
    /// Departure (s).
    pub departure_s: i64,
    /// The loading point it is served from, if any.
    pub bay: Option<String>,
    /// The parcel locker or pickup point it is left at, if any.
    pub locker: Option<String>,
    /// For a charging stop (no order): the station.
    pub station: Option<String>,
    /// For a charging stop: the energy charged (Wh).
    pub charged_wh: i64,
}

/// A route as submitted.
#[derive(Clone, Debug, PartialEq)]
pub struct SubmittedRoute {
    /// Vehicle id (free text).
    pub vehicle: String,
    /// Carrier id.
    pub carrier: String,
    /// Class id.
    pub class: String,
    /// Permit id held.
    pub permit: Option<String>,
    /// Leaves the depot (s).
    pub start_s: i64,
    /// Stops.
    pub stops: Vec<SubmittedStop>,
}

/// A plan as submitted.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SubmittedPlan {
    /// Routes.
    pub routes: Vec<SubmittedRoute>,
    /// `(carrier, order)` pairs declared unserved.
    pub unserved: Vec<(String, String)>,
}

/// Zone fees and penalties a submitted route owes (the charges of `io::policy`, as the solver
/// prices them from the route's stops and times).
#[derive(Clone, Debug, PartialEq)]
pub struct FeeDue {
    /// Vehicle id as submitted.
    pub vehicle: String,
    /// Carrier id.
    pub carrier: String,
    /// Fees and penalties (yuan).
    pub yuan: f64,
}

/// The verdict on a submitted plan.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CheckOutcome {
    /// Every rule the plan breaks (empty: compliant).
    pub violations: Vec<String>,
    /// Per route that owes any: zone fees and penalties due.
    pub fees_due: Vec<FeeDue>,
}

/// Every rule `plan` breaks under `scenario` (empty: compliant).
pub fn check_plan(
    scenario: &Scenario,
    network: &Network,
    engine: &MatrixEngine,
    plan: &SubmittedPlan,
) -> Result<Vec<String>, PlanError> {
    check_plan_outcome(scenario, network, engine, plan).map(|o| o.violations)
}

/// [`check_plan`] with the zone fees each route owes.
pub fn check_plan_outcome(
    scenario: &Scenario,
    network: &Network,
    engine: &MatrixEngine,
    plan: &SubmittedPlan,
) -> Result<CheckOutcome, PlanError> {
    let graph = &network.graph;
    let tags = ZoneTags::new(graph, &scenario.policy);
    let mut out = Vec::new();
    let mut fees_due = Vec::new();
    // Routes of unknown carriers, classes or permits.
    for r in &plan.routes {
        match scenario.carriers.iter().find(|c| c.id == r.carrier) {
            None => out.push(format!("{}: unknown carrier `{}`", r.vehicle, r.carrier)),
            Some(c) => {
                let permit = r.permit.as_ref().and_then(|p| scenario.policy.permit(p));
                if r.permit.is_some() && permit.is_none() {
                    out.push(format!(
                        "{}: unknown permit `{}`",
                        r.vehicle,
                        r.permit.as_deref().unwrap_or("")
                    ));
                }
                let in_fleet = c
                    .fleet
                    .iter()
                    .any(|f| scenario.classes[f.class].id == r.class && f.permit == permit);
                if !in_fleet {
                    out.push(format!(
                        "{}: carrier `{}` has no `{}` {} in its fleet",
                        r.vehicle,
                        c.id,
                        r.class,
                        r.permit
                            .as_ref()
                            .map_or("without a permit".to_string(), |p| format!(
                                "with permit `{p}`"
                            ))
                    ));
                }
            }
        }
    }
    // Permit quotas.
    for permit in &scenario.policy.permits {
        let holders: Vec<&SubmittedRoute> = plan
            .routes
            .iter()
            .filter(|r| r.permit.as_deref() == Some(permit.id.as_str()))
            .collect();
        if let Some(q) = permit.quota_total {
            if holders.len() as u32 > q {
                out.push(format!(
                    "permit `{}`: {} vehicles hold it, the quota is {q}",
                    permit.id,
                    holders.len()
                ));
            }
        }
        for (carrier, q) in &permit.quota_per_carrier {
            let n = holders.iter().filter(|r| &r.carrier == carrier).count() as u32;
            if n > *q {
                out.push(format!(
                    "permit `{}`: carrier `{carrier}` uses {n}, its quota is {q}",
                    permit.id
                ));
            }
        }
    }
    for (ci, carrier) in scenario.carriers.iter().enumerate() {
        let pool = build_pool(
            scenario,
            network,
            engine,
            &tags,
            None,
            &[ci],
            &super::Bookings::default(),
        )?;
        let problem = &pool.problem;
        let mut routes = Vec::new();
        let mut names = Vec::new();
        for r in plan.routes.iter().filter(|r| r.carrier == carrier.id) {
            let permit = r.permit.as_ref().and_then(|p| scenario.policy.permit(p));
            let Some(vt) = carrier
                .fleet
                .iter()
                .position(|f| scenario.classes[f.class].id == r.class && f.permit == permit)
            else {
                continue;
            };
            let class = &scenario.classes[carrier.fleet[vt].class];
            let profile = problem.profile_of(vt as u32);
            let mut visits = Vec::new();
            let (mut at, mut ready) = (0u32, r.start_s);
            for s in &r.stops {
                let location = match &s.order {
                    None => match &s.station {
                        None => {
                            visits.push(Visit::Reload { depot: 0 });
                            0
                        }
                        Some(id) => match scenario.stations.iter().position(|x| &x.id == id) {
                            Some(k) => {
                                visits.push(Visit::Charge {
                                    station: k as u32,
                                    energy: crate::solver::measure::Energy(s.charged_wh),
                                });
                                (pool.first_station + k) as u32
                            }
                            None => {
                                out.push(format!(
                                    "{}: charges at `{id}`, which is not a charging station of the scenario",
                                    r.vehicle
                                ));
                                continue;
                            }
                        },
                    },
                    Some(id) => match carrier.orders.iter().position(|o| &o.id == id) {
                        Some(o) => {
                            let alternatives = &problem.order(o as u32).alternatives;
                            let door = (pool.first_order + o) as u32;
                            let alternative = match (&s.locker, &s.bay) {
                                (Some(locker), _) => {
                                    let at_locker = scenario
                                        .lockers
                                        .list
                                        .iter()
                                        .position(|l| &l.id == locker)
                                        .and_then(|k| {
                                            alternatives.iter().position(|a| {
                                                (a.location as usize)
                                                    .checked_sub(pool.first_locker)
                                                    .is_some_and(|x| pool.locker_locations[x] == k)
                                            })
                                        });
                                    at_locker.unwrap_or_else(|| {
                                        out.push(format!(
                                            "{}: leaves order `{id}` at locker `{locker}`, which is not a parcel locker or pickup point in reach of it that its receiver accepts, open to carrier `{}`, with compartments for its parcels",
                                            r.vehicle, carrier.id
                                        ));
                                        0
                                    })
                                }
                                (None, None) => {
                                    match alternatives.iter().position(|a| a.location == door) {
                                        Some(a) => a,
                                        None => {
                                            out.push(format!(
                                            "{}: delivers order `{id}` at the door, but its receiver accepts only a parcel locker or pickup point",
                                            r.vehicle
                                        ));
                                            0
                                        }
                                    }
                                }
                                (None, Some(bay)) => {
                                    let at_bay =
                                        scenario.bays.iter().position(|b| &b.id == bay).and_then(
                                            |b| {
                                                alternatives.iter().position(|a| {
                                                    (a.location as usize)
                                                        .checked_sub(pool.first_bay)
                                                        .is_some_and(|k| pool.bay_locations[k] == b)
                                                })
                                            },
                                        );
                                    at_bay.unwrap_or_else(|| {
                                        out.push(format!(
                                            "{}: serves order `{id}` from bay `{bay}`, which is not a loading point within walking distance of it (or the order is too heavy to carry)",
                                            r.vehicle
                                        ));
                                        0
                                    })
                                }
                            };
                            visits.push(Visit::Order {
                                order: o as u32,
                                alternative: alternative as u32,
                            });
                            alternatives[alternative].location
                        }
                        None => {
                            out.push(format!(
                                "{}: unknown order `{id}` of carrier `{}`",
                                r.vehicle, carrier.id
                            ));
                            continue;
                        }
                    },
                };
                // Timing: no arrival earlier than the legal road network allows.
                let earliest = profile.arrival(at, location, Time(ready)).0;
                if s.arrival_s < earliest {
                    out.push(format!(
                        "{}: arrives at {} at {}, but leaving the previous stop at {} the earliest legal arrival is {}",
                        r.vehicle,
                        s.order.as_deref().unwrap_or("the depot"),
                        clock(s.arrival_s),
                        clock(ready),
                        if earliest > 10 * i64::from(DAY) { "never (no legal road at that time)".to_string() } else { clock(earliest) }
                    ));
                }
                // Zones: no stop inside a zone closed to the vehicle while it is there.
                let point = if location == 0 {
                    carrier.depot
                } else if location as usize >= pool.first_locker {
                    scenario.lockers.list
                        [pool.locker_locations[location as usize - pool.first_locker]]
                        .lon_lat
                } else if location as usize >= pool.first_station {
                    scenario.stations[location as usize - pool.first_station].lon_lat
                } else if location as usize >= pool.first_bay {
                    scenario.bays[pool.bay_locations[location as usize - pool.first_bay]].lon_lat
                } else {
                    carrier.orders[location as usize - 1].lon_lat
                };
                for instant in [s.arrival_s, s.departure_s] {
                    let t = WeekTime::from_seconds(
                        u32::from(scenario.day) * DAY + instant.clamp(0, i64::from(DAY) - 1) as u32,
                    );
                    let closed = scenario.policy.closed_zones(class, t, permit);
                    for (z, zone) in scenario.policy.zones.iter().enumerate() {
                        if closed >> z & 1 == 1
                            && zone.area.contains(&Point::new(point[0], point[1]))
                        {
                            out.push(format!(
                                "{}: stops in zone `{}` at {}, when it is closed to `{}`",
                                r.vehicle,
                                zone.id,
                                clock(instant),
                                class.id
                            ));
                        }
                    }
                }
                at = location;
                ready = s.departure_s.max(s.arrival_s);
            }

            names.push(r.vehicle.clone());
            routes.push(Route {
                vehicle_type: vt as u32,
                visits,
            });
        }
        let served: std::collections::BTreeSet<u32> =
            routes.iter().flat_map(|r| r.orders()).collect();
        let declared: Vec<u32> = plan
            .unserved
            .iter()
            .filter(|(c, _)| c == &carrier.id)
            .filter_map(|(_, o)| carrier.orders.iter().position(|x| &x.id == o))
            .map(|o| o as u32)
            .collect();
        for (o, order) in carrier.orders.iter().enumerate() {
            if !served.contains(&(o as u32)) && !declared.contains(&(o as u32)) {
                out.push(format!(
                    "carrier `{}`: order `{}` is neither delivered nor reported unserved",
                    carrier.id, order.id
                ));
            }
        }
        let unserved = (0..carrier.orders.len() as u32)
            .filter(|o| !served.contains(o))
            .collect();
        let report = check(problem, &Solution { routes, unserved });
        for (r, rr) in report.routes.iter().enumerate() {
            if rr.fees.0 > 0 {
                fees_due.push(FeeDue {
                    vehicle: names.get(r).cloned().unwrap_or_default(),
                    carrier: carrier.id.clone(),
                    yuan: rr.fees.0 as f64 / super::MILLI_CENTS_PER_YUAN,
                });
            }
        }
        let order_id = |o: &u32| {
            carrier
                .orders
                .get(*o as usize)
                .map_or("?", |x| x.id.as_str())
                .to_string()
        };
        for v in &report.violations {
            let vehicle = |r: &usize| names.get(*r).cloned().unwrap_or_default();
            out.push(match v {
                Violation::Capacity {
                    route,
                    trip,
                    load,
                    capacity,
                } => {
                    format!(
                        "{}: trip {} carries {:.1} kg, capacity {:.1} kg",
                        vehicle(route),
                        trip + 1,
                        load.0[0] as f64 / 1000.0,
                        capacity.0[0] as f64 / 1000.0
                    )
                }
                Violation::TimeWindow {
                    route,
                    order,
                    arrival,
                } => format!(
                    "{}: order `{}` reached at {}, after its last window closed",
                    vehicle(route),
                    order_id(order),
                    clock(arrival.0)
                ),
                Violation::Shift {
                    route,
                    arrival,
                    close,
                } => format!(
                    "{}: back at the depot at {}, after the shift ends at {}",
                    vehicle(route),
                    clock(arrival.0),
                    clock(close.0)
                ),
                Violation::Duration {
                    route,
                    duration,
                    max,
                } => format!(
                    "{}: on duty {:.1} h, at most {:.1} h",
                    vehicle(route),
                    duration.0 as f64 / 3600.0,
                    max.0 as f64 / 3600.0
                ),
                Violation::Distance {
                    route,
                    distance,
                    max,
                } => format!(
                    "{}: drives {:.1} km, its range allows {:.1} km",
                    vehicle(route),
                    distance.0 as f64 / 1000.0,
                    max.0 as f64 / 1000.0
                ),
                Violation::ServedMoreThanOnce { order, times } => format!(
                    "carrier `{}`: order `{}` delivered {times} times",
                    carrier.id,
                    order_id(order)
                ),
                Violation::FleetExceeded {
                    vehicle_type,
                    used,
                    available,
                } => {
                    let f = &carrier.fleet[*vehicle_type as usize];
                    format!(
                        "carrier `{}`: {used} `{}` vehicles used, {available} available",
                        carrier.id, scenario.classes[f.class].id
                    )
                }
                // Room at bays and parcels at lockers are checked over all carriers below.
                Violation::SiteCapacity { .. } | Violation::LockerCapacity { .. } => continue,
                Violation::Dwell {
                    route,
                    site,
                    dwell,
                    max,
                } => format!(
                    "{}: parks {:.0} min at bay `{}`, at most {:.0} min allowed",
                    vehicle(route),
                    dwell.0 as f64 / 60.0,
                    problem.sites()[*site as usize].name,
                    max.0 as f64 / 60.0
                ),
                other => format!("carrier `{}`: {other}", carrier.id),
            });
        }
    }
    out.extend(bay_overflows(scenario, plan));
    out.extend(locker_overflows(scenario, plan));
    Ok(CheckOutcome {
        violations: out,
        fees_due,
    })
}

/// Parcels left at a parcel locker or pickup point beyond its capacity, over all carriers: the
/// day's parcels there by compartment size against its nested limits
/// ([`crate::scenario::LockerCapacity::limits`]). Unknown lockers and orders are reported with
/// each route.
fn locker_overflows(scenario: &Scenario, plan: &SubmittedPlan) -> Vec<String> {
    let lockers = &scenario.lockers;
    let mut held = vec![[0u64; 3]; lockers.list.len()];
    for r in &plan.routes {
        let Some(carrier) = scenario.carriers.iter().find(|c| c.id == r.carrier) else {
            continue;
        };
        for s in &r.stops {
            let (Some(id), Some(order)) = (&s.locker, &s.order) else {
                continue;
            };
            let Some(k) = lockers.list.iter().position(|l| &l.id == id) else {
                continue;
            };
            let Some(order) = carrier.orders.iter().find(|o| &o.id == order) else {
                continue;
            };
            if let Some(need) = lockers.needs(order, lockers.list[k].kind) {
                for (h, n) in held[k].iter_mut().zip(need) {
                    *h += u64::from(n);
                }
            }
        }
    }
    let mut out = Vec::new();
    for (locker, h) in lockers.list.iter().zip(&held) {
        let limits = locker.capacity.limits();
        if h.iter().zip(limits).any(|(h, c)| *h > u64::from(c)) {
            out.push(match locker.capacity {
                crate::scenario::LockerCapacity::Parcels(n) => format!(
                    "{} `{}`: {} parcels left there, capacity {n}",
                    locker.kind.name(),
                    locker.id,
                    h[0]
                ),
                crate::scenario::LockerCapacity::Compartments { small, medium, large } => format!(
                    "{} `{}`: {} parcels left there ({} needing a medium or large compartment, {} a large one), compartments: {small} small, {medium} medium, {large} large",
                    locker.kind.name(),
                    locker.id,
                    h[0],
                    h[1],
                    h[2]
                ),
            });
        }
    }
    out
}

/// Vehicles parked at a bay at once beyond its capacity, over all carriers ([`super::bay_stays`]).
fn bay_overflows(scenario: &Scenario, plan: &SubmittedPlan) -> Vec<String> {
    let stays = super::bay_stays(plan.routes.iter().map(|r| {
        r.stops
            .iter()
            .map(|s| (s.bay.as_deref(), s.start_s, s.departure_s))
    }));
    let mut out = Vec::new();
    for group in stays.chunk_by(|a, b| a.0 == b.0) {
        let Some(bay) = scenario.bays.iter().find(|b| b.id == group[0].0) else {
            out.push(format!("unknown bay `{}`", group[0].0));
            continue;
        };
        let mut open: Vec<(i64, &str)> = Vec::new();
        for &(_, start, end, route) in group {
            open.retain(|&(e, _)| e > start);
            open.push((end, plan.routes[route].vehicle.as_str()));
            if open.len() as u32 > bay.capacity {
                let mut who: Vec<&str> = open.iter().map(|o| o.1).collect();
                who.sort_unstable();
                out.push(format!(
                    "bay `{}`: {} vehicles parked at {} ({}), room for {}",
                    bay.id,
                    open.len(),
                    clock(start),
                    who.join(", "),
                    bay.capacity
                ));
            }
        }
    }
    out
}
