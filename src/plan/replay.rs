//! Replaying solved routes on the road graph: the solver's own timetable
//! ([`crate::solver::schedule`]), each leg routed in the hour band it drives in (geometry, streets
//! with the time the vehicle turns into them, kilometres and entries per zone), loads and battery
//! after each stop, fees per zone, and the per-street-per-hour table. Never re-derives timing.

use super::*;
use crate::solver::fees::FeeMeter;

/// Stays at bays, from each route's stops `(bay, start of service, departure)` in driving order:
/// a vehicle occupies a bay from the start of service to its departure, and consecutive stops at
/// one bay are one stay. Returns `(bay, start, end, route)` sorted by bay, then time.
pub(crate) fn bay_stays<'a, R, S>(routes: R) -> Vec<(&'a str, i64, i64, usize)>
where
    R: IntoIterator<Item = S>,
    S: IntoIterator<Item = (Option<&'a str>, i64, i64)>,
{
    let mut stays: Vec<(&str, i64, i64, usize)> = Vec::new();
    for (r, stops) in routes.into_iter().enumerate() {
        let mut previous: Option<&str> = None;
        for (bay, start, departure) in stops {
            match (bay, previous) {
                (Some(b), Some(p)) if b == p => {
                    if let Some(last) = stays.last_mut() {
                        last.2 = departure;
                    }
                }
                (Some(b), _) => stays.push((b, start, departure, r)),
                _ => {}
            }
            previous = bay;
        }
    }
    stays.sort_by_key(|&(b, start, end, r)| (b, start, end, r));
    stays
}

/// Aggregate the legs' streets by OSM way and departure hour; busiest first.
pub(crate) fn street_hours(network: &Network, routes: &[PlannedRoute]) -> Vec<StreetHour> {
    let graph = &network.graph;
    let mut table: BTreeMap<(i64, u32), (std::collections::BTreeSet<&str>, u64, u32)> =
        BTreeMap::new();
    for r in routes {
        for leg in &r.legs {
            for &(road, cm, enter_s) in &leg.streets {
                // The hour the vehicle is on the street, not the hour its leg began.
                let hour = (enter_s.max(0) / 3600) as u32;
                let entry = table
                    .entry((graph.road_way(road).osm_id, hour))
                    .or_insert_with(|| (Default::default(), 0, road));
                entry.0.insert(r.vehicle.as_str());
                entry.1 += cm;
            }
        }
    }
    let mut rows: Vec<StreetHour> = table
        .into_iter()
        .map(|((osm_way, hour), (vehicles, cm, road))| {
            let way = graph.road_way(road);
            StreetHour {
                osm_way,
                name: way.name.clone(),
                road_class: way.road_class.name(),
                hour,
                vehicles: vehicles.len(),
                vehicle_km: cm as f64 / CM_PER_KM,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.vehicles
            .cmp(&a.vehicles)
            .then(a.hour.cmp(&b.hour))
            .then(a.osm_way.cmp(&b.osm_way))
    });
    rows
}

/// Routes, unserved orders and violations of a solved pool, in user terms.
pub(crate) fn unpack(
    scenario: &Scenario,
    network: &Network,
    tags: &ZoneTags,
    solved: &SolvedPool,
) -> (Vec<PlannedRoute>, Vec<Unserved>, Vec<PlanViolation>) {
    let SolvedPool {
        pool,
        solution,
        report,
    } = solved;
    let label = pool_label(scenario, &pool.members);
    let mut violations: Vec<PlanViolation> = report
        .violations
        .iter()
        .map(|v| PlanViolation::Checker {
            pool: label.clone(),
            violation: v.clone(),
        })
        .collect();
    let mut unserved = Vec::new();
    for &o in &solution.unserved {
        let (c, _) = pool.orders[o as usize];
        let order = &pool.problem.orders()[o as usize];
        let at_lockers = order
            .alternatives
            .iter()
            .any(|a| pool.problem.locker_at(a.location).is_some());
        let reason = if !solved.unreachable(o) && at_lockers {
            "no vehicle can serve it within its time windows, shift, capacity, range, bays and the zone rules, and no parcel locker in reach has room or opening hours for it"
        } else if !solved.unreachable(o) {
            "no vehicle can serve it within its time windows, shift, capacity, range, bays and the zone rules"
        } else if order.alternatives.len() == 1
            && pool.specs.iter().any(|s| {
                network
                    .snap_index
                    .snap(
                        &network.graph,
                        pool.order(scenario, o).lon_lat,
                        s.class,
                        SNAP_RADIUS_M,
                    )
                    .is_ok()
            })
        {
            "its door is on a road where vehicles may not stop, and no loading point is within walking distance"
        } else {
            "no road near it is open to any vehicle class that may serve it"
        };
        unserved.push(Unserved {
            carrier: scenario.carriers[c].id.clone(),
            order: pool.order(scenario, o).id.clone(),
            reason: reason.to_string(),
        });
    }
    let mut routes = Vec::new();
    let mut used_per_type: BTreeMap<u32, u32> = BTreeMap::new();
    for (r, sol_route) in solution.routes.iter().enumerate() {
        let n = used_per_type.entry(sol_route.vehicle_type).or_insert(0);
        *n += 1;
        let (planned, issues) = replay(scenario, network, tags, pool, sol_route, *n);
        violations.extend(issues);
        let cost_yuan = report
            .routes
            .get(r)
            .map_or(0.0, |rr| rr.cost.0 as f64 / MILLI_CENTS_PER_YUAN);
        routes.push(PlannedRoute {
            cost_yuan,
            ..planned
        });
    }
    (routes, unserved, violations)
}

/// Replay one route: times, loads, battery, and the road legs.
#[allow(clippy::too_many_arguments)]
fn replay(
    scenario: &Scenario,
    network: &Network,
    tags: &ZoneTags,
    pool: &Pool,
    sol_route: &crate::solver::solution::Route,
    number: u32,
) -> (PlannedRoute, Vec<PlanViolation>) {
    let graph = &network.graph;
    let problem = &pool.problem;
    let spec = &pool.specs[problem.vehicle_type(sol_route.vehicle_type).profile as usize];
    let vt = problem.vehicle_type(sol_route.vehicle_type);
    let (vehicle_carrier, fleet_entry) = pool.vehicle_types[sol_route.vehicle_type as usize];
    let carrier = &scenario.carriers[vehicle_carrier];
    let entry = &carrier.fleet[fleet_entry];
    let class = &scenario.classes[entry.class];
    let profile = problem.profile_of(sol_route.vehicle_type);
    let zones = scenario.policy.zones.len();
    // Trips: the orders between reloads, for the loads on board.
    let mut trip_loads = vec![0i64];
    for v in &sol_route.visits {
        match v {
            Visit::Order { order, .. } => {
                *trip_loads.last_mut().unwrap_or(&mut 0) +=
                    i64::from(pool.order(scenario, *order).weight_g)
            }
            Visit::Reload { .. } => trip_loads.push(0),
            Visit::Charge { .. } => {}
        }
    }
    let mut trip = 0;
    let mut load = trip_loads[0];
    // The timetable the solver priced: leave the depot just in time for the first stop.
    let timetable = crate::solver::schedule::schedule(problem, sol_route);
    let mut t = timetable.departure.0;
    let start_s = t;
    let mut at = vt.start;
    let mut stops = Vec::new();
    let mut legs: Vec<(u32, u32, i64)> = Vec::new();
    for (v, times) in sol_route.visits.iter().zip(&timetable.visits) {
        let location = crate::solver::schedule::place(problem, v);
        let l = location as usize;
        let locker = match v {
            Visit::Order { .. } if l >= pool.first_locker => Some(
                scenario.lockers.list[pool.locker_locations[l - pool.first_locker]]
                    .id
                    .clone(),
            ),
            _ => None,
        };
        let (bay, walk_m) = match v {
            Visit::Order { order, alternative }
                if (pool.first_bay..pool.first_station).contains(&l) =>
            {
                (
                    Some(
                        scenario.bays[pool.bay_locations[location as usize - pool.first_bay]]
                            .id
                            .clone(),
                    ),
                    pool.walks[*order as usize][*alternative as usize],
                )
            }
            _ => (None, 0.0),
        };
        legs.push((at, location, t));
        let (arrival, start, departure) = (times.arrival.0, times.start.0, times.departure.0);
        let (station, charged_wh) = match v {
            Visit::Charge { station, energy } => (
                Some(scenario.stations[*station as usize].id.clone()),
                energy.0,
            ),
            _ => (None, 0),
        };
        match v {
            Visit::Order { order, .. } => {
                let o = pool.order(scenario, *order);
                // Deliveries leave the vehicle, pickups ride to the next reload or the depot.
                load += i64::from(o.pickup.weight_g) - i64::from(o.weight_g);
            }
            Visit::Reload { .. } => {
                trip += 1;
                load = trip_loads[trip];
            }
            Visit::Charge { .. } => {}
        }
        let (order, order_carrier) = match v {
            Visit::Order { order, .. } => {
                let (c, _) = pool.orders[*order as usize];
                (
                    Some(pool.order(scenario, *order).id.clone()),
                    Some(scenario.carriers[c].id.clone()),
                )
            }
            Visit::Reload { .. } | Visit::Charge { .. } => (None, None),
        };
        let lon_lat = spec.snaps[location as usize].map_or([f64::NAN; 2], |s| s.point);
        stops.push(PlannedStop {
            order,
            order_carrier,
            lon_lat,
            arrival_s: arrival,
            start_s: start,
            departure_s: departure,
            load_after_g: load,
            battery_after_wh: None,
            bay,
            walk_m,
            locker,
            station,
            charged_wh,
        });
        t = departure;
        at = location;
    }
    legs.push((at, vt.end, t));
    let end_s = timetable.end.0;
    let (zone_fees_yuan, penalties_yuan) =
        fee_breakdown(scenario, pool, sol_route.vehicle_type, &legs);
    // Road legs under the metric of the band each leg departs in.
    let mut ws = Dijkstra::new(graph.node_count());
    let mut geometry = Vec::new();
    let (mut distance_m, mut km_in_zone, mut zone_entries) =
        (0.0, vec![0.0; zones], vec![0u32; zones]);
    let mut zone_entry_times = Vec::new();
    let mut cumulative_m = Vec::new();
    let mut planned_legs = Vec::new();
    let mut issues = Vec::new();
    let vehicle = format!("{}/{}/{}", carrier.id, class.id, number);
    let mut inside = 0u64;
    for &(from, to, ready) in &legs {
        // Leave when the solver's arrival function would: in the band that arrives first.
        let drive = profile.drive(from, to, Time(ready));
        let depart = drive.depart.0;
        let band = spec.bands[drive.band].1;
        let (Some(a), Some(b)) = (spec.snaps[from as usize], spec.snaps[to as usize]) else {
            issues.push(PlanViolation::OffRoad {
                vehicle: vehicle.clone(),
                from,
                to,
            });
            cumulative_m.push(distance_m);
            continue;
        };
        let metric = &spec.metrics[&band];
        if let Ok(leg) = route(graph, metric, &a, &b, &mut ws) {
            distance_m += leg.distance_cm as f64 / 100.0;
            let mut leg_zones = 0u64;
            geometry.extend(leg.geometry.iter().copied());
            let all = leg
                .first_edge
                .into_iter()
                .chain(leg.edges.iter().copied())
                .chain(leg.last_edge);
            let mut streets: Vec<(u32, u64, i64)> = Vec::new();
            let mut driven_ms = 0u64;
            for e in all {
                let road = graph.edge_road(e as usize);
                let enter_s = depart + (driven_ms / 1000) as i64;
                match streets.last_mut() {
                    Some((r, cm, _)) if graph.road(*r).way == graph.road(road).way => {
                        *cm += u64::from(graph.length_cm(e as usize))
                    }
                    _ => streets.push((road, u64::from(graph.length_cm(e as usize)), enter_s)),
                }
                driven_ms += u64::from(metric.time_ms[e as usize]);
                let mask = tags.road(road);
                leg_zones |= mask;
                for (z, km) in km_in_zone.iter_mut().enumerate() {
                    if mask >> z & 1 == 1 {
                        *km += f64::from(graph.length_cm(e as usize)) / CM_PER_KM;
                        if inside >> z & 1 == 0 {
                            zone_entries[z] += 1;
                            zone_entry_times.push((z, enter_s));
                        }
                    }
                }
                inside = mask;
            }
            planned_legs.push(PlannedLeg {
                depart_s: depart,
                distance_m: leg.distance_cm as f64 / 100.0,
                zones: leg_zones,
                streets,
            });
        } else {
            issues.push(PlanViolation::NoLegalPath {
                vehicle: vehicle.clone(),
                depart_s: depart,
            });
        }
        cumulative_m.push(distance_m);
    }
    if let Some(wh) = class.battery_wh {
        let mut charged = 0;
        for (k, stop) in stops.iter_mut().enumerate() {
            charged += stop.charged_wh;
            stop.battery_after_wh = Some(
                i64::from(wh) + charged
                    - (cumulative_m[k] / 1000.0 * f64::from(class.use_per_km)
                        / scenario.factors.range_factor)
                        .round() as i64,
            );
        }
    }

    let start_s = planned_legs.first().map_or(start_s, |l| l.depart_s);
    let planned = PlannedRoute {
        vehicle,
        carrier: carrier.id.clone(),
        class: class.id.clone(),
        permit: entry.permit.map(|p| scenario.policy.permits[p].id.clone()),
        start_s,
        end_s,
        stops,
        distance_m,
        geometry,
        km_in_zone,
        zone_entries,
        zone_entry_times,
        trips: trip + 1,
        legs: planned_legs,
        cost_yuan: 0.0,
        zone_fees_yuan,
        penalties_yuan,
    };
    (planned, issues)
}

/// What a route of problem vehicle type `v` driving `legs` (from, to, ready to leave at) owes
/// under the zone charges the solver priced it with ([`FeeMeter::leg_with`]): fees per zone (entry
/// fees in the zone entered; a day fee in the first of the charge's zones the route stops in) and
/// soft penalties, in yuan. They add up to the checker's `fees` for the route (tested).
fn fee_breakdown(
    scenario: &Scenario,
    pool: &Pool,
    v: u32,
    legs: &[(u32, u32, i64)],
) -> (Vec<f64>, f64) {
    let mut per_zone = vec![0i64; scenario.policy.zones.len()];
    let mut penalties = 0i64;
    if let Some(fees) = pool.problem.zone_fees(v) {
        let mut meter = FeeMeter::default();
        for &(a, b, t) in legs {
            meter.leg_with(fees, a, b, Time(t), |c, entered, into, newly_due| {
                let charge = &fees.charges[c];
                let rule = &scenario.policy.rules[pool.fee_rules[v as usize][c]];
                let penalty = matches!(rule.effect, Effect::Penalty { .. });
                for (z, owed) in per_zone.iter_mut().enumerate() {
                    if entered >> z & 1 == 1 {
                        if penalty {
                            penalties += charge.per_entry.0;
                        } else {
                            *owed += charge.per_entry.0;
                        }
                    }
                }
                if newly_due {
                    per_zone[into.trailing_zeros() as usize] += charge.per_day.0;
                }
            });
        }
    }
    let yuan = |m: i64| m as f64 / MILLI_CENTS_PER_YUAN;
    (per_zone.into_iter().map(yuan).collect(), yuan(penalties))
}
