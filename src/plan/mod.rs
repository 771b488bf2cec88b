//! From a scenario to a checked delivery plan: per carrier, build the solver's problem (one
//! routing profile per vehicle class and permit, with the hour bands of the plan day under the
//! city's policy), solve it, replay each route's schedule, route every leg on the road graph
//! for geometry and zone statistics, and compute the KPIs. Locations of a problem, in order: the
//! members' depots, their orders' doors, the bays within walking distance of some order (solver
//! sites; per carrier aliases for unshared orders when pooling), the charging stations.
//!
//! Owns: [`plan`], [`Plan`] and its parts, and the unit conversions between the road layers
//! (milliseconds, centimetres) and the solver (seconds, metres, milli-cents). Must never: read or
//! write files (that is `io` and `cli`).
//! Invariants: every returned plan has been checked by `solver::check` against the problem it
//! was built from (its verdict is in [`Plan::violations`]); orders no vehicle can serve legally
//! are listed in [`Plan::unserved`] with a reason, never dropped; each carrier is planned alone
//! (pooling carriers is shared distribution, planned elsewhere), around the bay stays booked by
//! the carriers planned before it, so no bay holds more vehicles than it has room for.

pub mod check;
pub mod kpi;
mod matrices;
pub mod share;
pub mod two_tier;

pub use kpi::Kpis;

use crate::graph::{ClassId, Snap, SnapError};
use crate::matrix::MatrixEngine;
use crate::network::Network;
use crate::routing::{route, Dijkstra, Metric};
use crate::scenario::Scenario;
use crate::solver::check::check;
use crate::solver::fees::{ZoneCharge, ZoneFees};
use crate::solver::measure::Energy as SolverEnergy;
use crate::solver::measure::{Cost, Distance, Duration, Load, Time};
use crate::solver::model::{
    Alternative, Battery, ChargePolicy, ChargeRate, ChargingStation, Consumption, Order, Problem,
    Site, TimeWindow, VehicleType,
};
use crate::solver::sisr::SearchParams;
use crate::solver::solution::Visit;
use crate::solver::solve::{solve, Progress, SolveParams, StopCriterion};
use crate::solver::travel::{Band, Matrix, Profile};
use crate::vehicle::{Category, Energy};
use crate::zones::{Effect, ZoneTags};
use matrices::{MatrixCache, SNAP_RADIUS_M};
use std::collections::BTreeMap;

/// Distance the solver sees for a pair with no legal path (m): far beyond any city route.
const NO_PATH_M: i64 = 1_000_000_000;
/// Penalty for leaving an order unserved (milli-cents: 10,000 yuan), so the search serves every
/// order it legally can and reports the rest.
const UNSERVED_PENALTY: i64 = 1_000_000_000;
/// Solver money (milli-cents) per cent of the scenario's fees and costs.
const MILLI_CENTS_PER_CENT: i64 = 1000;
/// Solver money (milli-cents) per yuan.
pub(crate) const MILLI_CENTS_PER_YUAN: f64 = 100_000.0;
/// Centimetres (road layers) per kilometre.
const CM_PER_KM: f64 = 100_000.0;
/// Time an e-tricycle spends reloading at its depot between trips (s).
const RELOAD_S: i64 = 300;

/// Why a plan could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The scenario breaks rules of [`Scenario::validate`], all listed.
    #[error(transparent)]
    Invalid(#[from] crate::scenario::ValidationError),
    /// Locations that cannot be placed on the map, all at once.
    #[error("{} location(s) cannot be placed on the map:\n  {}", .0.len(), .0.join("\n  "))]
    Unplaceable(Vec<String>),
    /// The solver rejected the problem.
    #[error("carrier `{carrier}`: {source}")]
    Solver {
        /// The carrier.
        carrier: String,
        /// The solver's error.
        source: crate::solver::error::Error,
    },
    /// The hierarchy could not be customized.
    #[error(transparent)]
    Matrix(#[from] crate::matrix::Error),
    /// Cost sharing is limited to 64 carriers.
    #[error("{carriers} carriers: cost sharing handles at most {max}")]
    TooManyCarriers {
        /// Carriers in the scenario.
        carriers: usize,
        /// The limit.
        max: usize,
    },
    /// Two-tier delivery cannot work as declared (the message names the scenario's table).
    #[error("{0}")]
    TwoTier(String),
    /// A broken invariant of the planner itself.
    #[error("internal error: {0}")]
    Internal(String),
}

/// One stop of a planned route.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedStop {
    /// Order id, or `None` for a reload at the depot or a charging stop.
    pub order: Option<String>,
    /// The carrier whose order it is (another carrier's when pooling).
    pub order_carrier: Option<String>,
    /// Where, `[lon, lat]` (the snapped point).
    pub lon_lat: [f64; 2],
    /// Arrival (s after midnight).
    pub arrival_s: i64,
    /// Start of service (s), after any wait for the window.
    pub start_s: i64,
    /// Departure (s).
    pub departure_s: i64,
    /// Load on board after the stop (g).
    pub load_after_g: i64,
    /// Battery after the stop (Wh), for battery vehicles.
    pub battery_after_wh: Option<i64>,
    /// The loading point the order is served from (`None`: at the door).
    pub bay: Option<String>,
    /// Walking between the bay and the door, every loop there and back (m; 0 at the door).
    pub walk_m: f64,
    /// The charging station of a charging stop (`order` is then `None`).
    pub station: Option<String>,
    /// Energy charged at this stop (Wh; 0 unless a charging stop).
    pub charged_wh: i64,
}

/// One vehicle's day.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedRoute {
    /// Vehicle id, `carrier/class/n`.
    pub vehicle: String,
    /// Carrier id.
    pub carrier: String,
    /// Class id.
    pub class: String,
    /// Permit held, if any.
    pub permit: Option<String>,
    /// Leaves the depot (s).
    pub start_s: i64,
    /// Back at the depot (s).
    pub end_s: i64,
    /// Stops in order.
    pub stops: Vec<PlannedStop>,
    /// Distance driven (m), from the road legs.
    pub distance_m: f64,
    /// Road geometry of the whole day, `[lon, lat]`.
    pub geometry: Vec<[f64; 2]>,
    /// Per zone of the policy: km driven inside.
    pub km_in_zone: Vec<f64>,
    /// Per zone: entries from outside.
    pub zone_entries: Vec<u32>,
    /// Trips (reloads + 1).
    pub trips: usize,
    /// The road legs between stops (depot to first stop, ..., last stop to depot).
    pub legs: Vec<PlannedLeg>,
    /// Cost (yuan) as the checker computed it, zone fees and penalties included.
    pub cost_yuan: f64,
    /// Per zone of the policy: the fees the route owes there (yuan; see `io::policy`).
    pub zone_fees_yuan: Vec<f64>,
    /// The planner's soft penalties the route incurs (yuan, part of `cost_yuan`; not money paid).
    pub penalties_yuan: f64,
}

/// One drive between two stops.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedLeg {
    /// Departure (s after midnight); the leg is routed under the rules in force then.
    pub depart_s: i64,
    /// Length (m).
    pub distance_m: f64,
    /// Zones (bit mask over the policy's zones) whose roads the leg drives.
    pub zones: u64,
    /// The streets driven, in order: (a road of the OSM way, centimetres on that way, when the
    /// vehicle turns into it, s after midnight, from the road graph's edge times).
    pub streets: Vec<(u32, u64, i64)>,
}

/// Delivery traffic on one street in one hour (for traffic police).
#[derive(Clone, Debug, PartialEq)]
pub struct StreetHour {
    /// OSM way id.
    pub osm_way: i64,
    /// Street name (`name` or `ref`), if tagged.
    pub name: Option<String>,
    /// `highway=*`.
    pub road_class: &'static str,
    /// Hour of the day in which vehicles turn into it (0..24; 24+ the next day).
    pub hour: u32,
    /// Distinct delivery vehicles.
    pub vehicles: usize,
    /// Vehicle-km driven on it in that hour.
    pub vehicle_km: f64,
}

/// An order left unserved, with the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unserved {
    /// Carrier id.
    pub carrier: String,
    /// Order id.
    pub order: String,
    /// Why.
    pub reason: String,
}

/// A checked plan for all carriers.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// Scenario name.
    pub scenario: String,
    /// Routes of all carriers.
    pub routes: Vec<PlannedRoute>,
    /// Orders not served.
    pub unserved: Vec<Unserved>,
    /// What the independent checker found (empty: the plan keeps every rule it checks).
    pub violations: Vec<String>,
    /// Delivery vehicles per street per hour.
    pub streets: Vec<StreetHour>,
    /// The numbers planners read.
    pub kpis: Kpis,
}

/// One routing profile of a carrier: a class and a permit.
struct ProfileSpec {
    class: ClassId,
    permit: Option<usize>,
    /// The carrier whose vehicles use it, when pooling (their view of others' unshared orders).
    owner: Option<usize>,
    /// Snapped locations (`None`: not on a road this class may use).
    snaps: Vec<Option<Snap>>,
    /// Band starts within the plan day (s) and the metric index of each.
    bands: Vec<(u32, usize)>,
    /// Metric per distinct index.
    metrics: BTreeMap<usize, Metric>,
}

/// Plan every carrier of `scenario` on `network` (built with `scenario.classes`), each alone.
pub fn plan(
    scenario: &Scenario,
    network: &Network,
    engine: &MatrixEngine,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<Plan, PlanError> {
    let groups: Vec<Vec<usize>> = (0..scenario.carriers.len()).map(|c| vec![c]).collect();
    plan_groups(scenario, network, engine, &groups, progress)
}

/// Plan all carriers of `scenario` as one pool (shared distribution, 共同配送): every vehicle
/// from its own carrier's depot, unshared orders only by their own carrier's vehicles.
pub fn plan_pooled(
    scenario: &Scenario,
    network: &Network,
    engine: &MatrixEngine,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<Plan, PlanError> {
    let everyone: Vec<usize> = (0..scenario.carriers.len()).collect();
    plan_groups(scenario, network, engine, &[everyone], progress)
}

/// Plan each group of carriers as one pool.
fn plan_groups(
    scenario: &Scenario,
    network: &Network,
    engine: &MatrixEngine,
    groups: &[Vec<usize>],
    progress: &(dyn Fn(&str) + Sync),
) -> Result<Plan, PlanError> {
    scenario.validate()?;
    let graph = &network.graph;
    let tags = ZoneTags::new(graph, &scenario.policy);
    // Every depot and order must be placeable for some class of its carrier.
    let mut unplaceable = Vec::new();
    for c in &scenario.carriers {
        let place = |lon_lat: [f64; 2], what: String, out: &mut Vec<String>| {
            let errors: Vec<SnapError> = c
                .fleet
                .iter()
                .filter_map(|f| {
                    network
                        .snap_index
                        .snap(graph, lon_lat, ClassId(f.class as u8), SNAP_RADIUS_M)
                        .err()
                })
                .collect();
            if errors.len() == c.fleet.len() {
                if let Some(e) = errors.first() {
                    out.push(format!("carrier `{}` {what}: {e}", c.id));
                }
            }
        };
        place(c.depot, "depot".to_string(), &mut unplaceable);
        for o in &c.orders {
            place(o.lon_lat, format!("order `{}`", o.id), &mut unplaceable);
        }
    }
    if !unplaceable.is_empty() {
        return Err(PlanError::Unplaceable(unplaceable));
    }
    let mut routes = Vec::new();
    let mut unserved = Vec::new();
    let mut violations = Vec::new();
    // Bays are shared by all carriers: each pool is planned around the stays of the pools
    // planned before it (scenario order).
    let mut booked: Vec<Vec<(i64, i64)>> = vec![Vec::new(); scenario.bays.len()];
    for members in groups {
        progress(&format!("planning {}", pool_label(scenario, members)));
        let solved = solve_pool(
            scenario,
            network,
            engine,
            &tags,
            None,
            members,
            scenario.solver.threads,
            progress,
            &booked,
        )?;
        book_stays(&solved, &mut booked);
        progress(&format!(
            "{}: searched, replaying routes on the road graph",
            pool_label(scenario, members)
        ));
        let (r, u, v) = unpack(scenario, network, &tags, &solved);
        routes.extend(r);
        unserved.extend(u);
        violations.extend(v);
    }
    let kpis = Kpis::compute(scenario, &routes, &unserved);
    let streets = street_hours(network, &routes);
    Ok(Plan {
        scenario: scenario.name.clone(),
        routes,
        unserved,
        violations,
        streets,
        kpis,
    })
}

/// Add the bay stays of a solved pool to `booked` (per scenario bay).
fn book_stays(solved: &SolvedPool, booked: &mut [Vec<(i64, i64)>]) {
    for s in crate::solver::schedule::solution_stays(&solved.pool.problem, &solved.solution) {
        let b = solved.pool.bays[s.site as usize];
        booked[b].push((s.start.0, s.end.0));
    }
}

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

/// Stays at each scenario bay taken by vehicles planned earlier, `(start s, end s)`.
pub(crate) type Bookings = [Vec<(i64, i64)>];

/// One way a door can be served from a bay: the bay (scenario index), the walk (m, every loop
/// there and back) and its time (s).
fn bay_options(
    scenario: &Scenario,
    order: &crate::scenario::DeliveryOrder,
) -> Vec<(usize, f64, i64)> {
    let stop = &scenario.stopping;
    let loops = order.weight_g.div_ceil(stop.carry_g).max(1);
    if loops > stop.max_loops {
        return Vec::new();
    }
    scenario
        .bays
        .iter()
        .enumerate()
        .filter_map(|(b, bay)| {
            let straight = crate::geometry::haversine_m(order.lon_lat, bay.lon_lat);
            (straight <= bay.radius_m).then(|| {
                let walk = f64::from(loops) * 2.0 * straight * stop.walk_detour;
                (b, walk, (walk / stop.walk_m_s).ceil() as i64)
            })
        })
        .collect()
}

pub(crate) fn build_pool(
    scenario: &Scenario,
    network: &Network,
    engine: &MatrixEngine,
    tags: &ZoneTags,
    cache: Option<&MatrixCache>,
    members: &[usize],
    booked: &Bookings,
) -> Result<Pool, PlanError> {
    // Matrices over the members' locations, unless a cache over more carriers has them.
    let own;
    let cache = match cache {
        Some(c) if c.covers(members) => c,
        _ => {
            own = MatrixCache::build(scenario, network, engine, tags, members)?;
            &own
        }
    };
    // Locations: the members' depots (location k is member k's depot), then their orders.
    let mut points: Vec<[f64; 2]> = members
        .iter()
        .map(|&c| scenario.carriers[c].depot)
        .collect();
    let mut names: Vec<String> = members
        .iter()
        .map(|&c| format!("{} depot", scenario.carriers[c].id))
        .collect();
    let mut order_refs = Vec::new();
    for &c in members {
        for (o, order) in scenario.carriers[c].orders.iter().enumerate() {
            points.push(order.lon_lat);
            names.push(format!("{}/{}", scenario.carriers[c].id, order.id));
            order_refs.push((c, o));
        }
    }
    let first_order = members.len();
    // Pooled, each carrier's vehicles get their own profile when some member keeps orders to
    // itself: those orders are unreachable in the other carriers' profiles.
    let per_owner = members.len() > 1
        && members
            .iter()
            .any(|&c| scenario.carriers[c].orders.iter().any(|o| !o.shareable));
    // Then the bays within walking distance of some order.
    let options: Vec<Vec<(usize, f64, i64)>> = order_refs
        .iter()
        .map(|&(c, o)| bay_options(scenario, &scenario.carriers[c].orders[o]))
        .collect();
    let mut bays: Vec<usize> = options.iter().flatten().map(|o| o.0).collect();
    bays.sort_unstable();
    bays.dedup();
    // A bay location per bay, plus, when pooling, one per bay and carrier with unshared orders
    // there (only that carrier's vehicles reach it; both are the same site).
    let owner_of = |l: usize| {
        let (c, o) = order_refs[l];
        (per_owner && !scenario.carriers[c].orders[o].shareable).then_some(c)
    };
    let mut bay_locations: Vec<(usize, Option<usize>)> = bays.iter().map(|&b| (b, None)).collect();
    for (l, opts) in options.iter().enumerate() {
        if let Some(c) = owner_of(l) {
            bay_locations.extend(opts.iter().map(|o| (o.0, Some(c))));
        }
    }
    bay_locations[bays.len()..].sort_unstable();
    let mut tail = bay_locations.split_off(bays.len());
    tail.dedup();
    bay_locations.extend(tail);
    let first_bay = points.len();
    for &(b, owner) in &bay_locations {
        points.push(scenario.bays[b].lon_lat);
        names.push(match owner {
            None => format!("bay {}", scenario.bays[b].id),
            Some(c) => format!(
                "bay {} ({} only)",
                scenario.bays[b].id, scenario.carriers[c].id
            ),
        });
    }
    // Then the charging stations (battery vehicles only).
    let first_station = points.len();
    for st in &scenario.stations {
        points.push(st.lon_lat);
        names.push(format!("charger {}", st.id));
    }
    let no_stop: Vec<&str> = scenario
        .stopping
        .no_stop_roads
        .iter()
        .map(String::as_str)
        .collect();
    let day_start = u32::from(scenario.day) * crate::time::DAY;
    let mut specs: Vec<ProfileSpec> = Vec::new();
    let mut profiles = Vec::new();
    let mut vehicle_types = Vec::new();
    let mut vehicle_refs = Vec::new();
    for (k, &c) in members.iter().enumerate() {
        let carrier = &scenario.carriers[c];
        for (f, entry) in carrier.fleet.iter().enumerate() {
            let class_id = ClassId(entry.class as u8);
            let owner = if per_owner { Some(c) } else { None };
            let profile = match specs
                .iter()
                .position(|s| s.class == class_id && s.permit == entry.permit && s.owner == owner)
            {
                Some(p) => p,
                None => {
                    let cached = cache
                        .profile(class_id, entry.permit)
                        .ok_or_else(|| missing_profile(scenario, entry))?;
                    // Pool location to cached location; `None` where this profile may not go.
                    let global: Vec<Option<usize>> = (0..points.len())
                        .map(|l| {
                            if l < first_order {
                                return cache.depot(members[l]);
                            }
                            if l >= first_station {
                                let battery =
                                    scenario.classes[entry.class].energy == Energy::BatteryElectric;
                                return battery.then(|| cache.station(l - first_station)).flatten();
                            }
                            if l >= first_bay {
                                let (b, only) = bay_locations[l - first_bay];
                                let barred = only.is_some_and(|o| o != c)
                                    || !scenario.bays[b]
                                        .admits(entry.class, &scenario.classes[entry.class]);
                                return (!barred).then(|| cache.bay(b)).flatten();
                            }
                            let (oc, oo) = order_refs[l - first_order];
                            let foreign = oc != c && !scenario.carriers[oc].orders[oo].shareable;
                            // No stopping on the roads the city reserves for traffic: those doors
                            // are served from bays.
                            let barred = cache
                                .order(oc, oo)
                                .and_then(|g| cached.snaps[g])
                                .is_some_and(|snap| {
                                    no_stop.contains(
                                        &network.graph.road_way(snap.road).road_class.name(),
                                    )
                                });
                            (!foreign && !barred).then(|| cache.order(oc, oo)).flatten()
                        })
                        .collect();
                    let snaps: Vec<Option<Snap>> = global
                        .iter()
                        .map(|g| g.and_then(|g| cached.snaps[g]))
                        .collect();
                    let bands = cached.bands.clone();
                    let metrics = cached.metrics.clone();
                    let n = points.len();
                    let matrices: BTreeMap<usize, (Matrix<Duration>, Matrix<Distance>)> = cached
                        .matrices
                        .iter()
                        .map(|(&m, tm)| {
                            let get = |i: usize, j: usize| match (global[i], global[j]) {
                                (Some(a), Some(b)) => tm.get(a, b),
                                _ => None,
                            };
                            let durations = par_matrix(n, |i, j| {
                                get(i, j).map_or(Duration::MAX, |c| {
                                    Duration(c.time_ms.div_ceil(1000) as i64)
                                })
                            });
                            let distances = par_matrix(n, |i, j| {
                                get(i, j).map_or(Distance(NO_PATH_M), |c| {
                                    Distance((c.dist_cm as i64 + 50) / 100)
                                })
                            });
                            (m, (durations, distances))
                        })
                        .collect();
                    // The solver keeps one distance matrix per profile (durations are per band): per
                    // pair, the distance of the band in force at 10:00 when the pair is reachable
                    // then, otherwise of the first band in which it is.
                    let ten = bands
                        .iter()
                        .rev()
                        .find(|(s, _)| *s <= 10 * 3600)
                        .map_or(bands[0].1, |b| b.1);
                    let mut order: Vec<&Matrix<Distance>> = Vec::new();
                    for m in std::iter::once(ten).chain(bands.iter().map(|b| b.1)) {
                        if !order.iter().any(|d| std::ptr::eq(*d, &matrices[&m].1)) {
                            order.push(&matrices[&m].1);
                        }
                    }
                    let distances = match order.as_slice() {
                        [only] => (*only).clone(),
                        _ => par_matrix(n, |i, j| {
                            order
                                .iter()
                                .map(|d| d.get(i as u32, j as u32))
                                .find(|d| d.0 < NO_PATH_M)
                                .unwrap_or(Distance(NO_PATH_M))
                        }),
                    };
                    let solver_bands = bands
                        .iter()
                        .enumerate()
                        .map(|(k, &(start, m))| Band {
                            start: if k == 0 {
                                Time::MIN
                            } else {
                                Time(i64::from(start))
                            },
                            durations: matrices[&m].0.clone(),
                        })
                        .collect();
                    let class = &scenario.classes[entry.class];
                    let permit = entry
                        .permit
                        .map(|p| format!("+{}", scenario.policy.permits[p].id))
                        .unwrap_or_default();
                    profiles.push(Profile {
                        name: format!("{}{permit}", class.id),
                        distances,
                        bands: solver_bands,
                    });
                    specs.push(ProfileSpec {
                        class: class_id,
                        permit: entry.permit,
                        owner,
                        snaps,
                        bands,
                        metrics,
                    });
                    specs.len() - 1
                }
            };
            let class = &scenario.classes[entry.class];
            let permit_fee = entry
                .permit
                .map_or(0, |p| scenario.policy.permits[p].fee_cents);
            // Battery vehicles: charge (Wh) falls with distance at `use_per_km` (more when
            // `range_factor` < 1), stays above the reserve, and is topped up just enough at the
            // scenario's charging stations.
            let battery = match (class.energy, class.battery_wh) {
                (Energy::BatteryElectric, Some(wh)) if class.use_per_km > 0 => Some(
                    Battery::new(
                        SolverEnergy(i64::from(wh)),
                        Consumption {
                            energy: SolverEnergy(i64::from(class.use_per_km)),
                            per: Distance(
                                (1000.0 * scenario.factors.range_factor).round().max(1.0) as i64,
                            ),
                        },
                    )
                    .with_reserve(SolverEnergy(
                        (f64::from(wh) * scenario.factors.battery_reserve).round() as i64,
                    ))
                    // E-tricycles run on the battery they leave with (their reloads at the depot
                    // are for parcels); vans and trucks may stop at any charging station.
                    .with_stations(if class.category == Category::ETricycle {
                        Vec::new()
                    } else {
                        (0..scenario.stations.len() as u32).collect()
                    })
                    .with_policy(ChargePolicy::Partial),
                ),
                _ => None,
            };
            let tricycle = class.category == Category::ETricycle;
            vehicle_types.push(VehicleType {
                name: format!("{}/{}", carrier.id, class.id),
                capacity: Load([
                    i64::from(class.payload_kg) * 1000,
                    i64::from(class.volume_l) * 1000,
                    1_000_000,
                ]),
                start: k as u32,
                end: k as u32,
                shift: TimeWindow {
                    open: Time(i64::from(entry.shift.0)),
                    close: Time(i64::from(entry.shift.1)),
                },
                max_duration: Duration(i64::from(class.shift_s)),
                max_distance: Distance::MAX,
                fixed_cost: Cost(
                    (i64::from(class.cost_per_day) + i64::from(permit_fee)) * MILLI_CENTS_PER_CENT,
                ),
                cost_per_distance: i64::from(class.cost_per_km),
                cost_per_duration: i64::from(class.cost_per_hour) * 1000 / 3600,
                count: entry.count,
                profile: profile as u32,
                reload_depots: if tricycle { vec![k as u32] } else { Vec::new() },
                reload_time: Duration(RELOAD_S),
                battery,
            });
            vehicle_refs.push((c, f));
        }
    }
    let bay_location = |l: usize, b: usize| {
        let key = (b, owner_of(l));
        (first_bay + bay_locations.iter().position(|x| *x == key).unwrap_or(0)) as u32
    };
    let orders = order_refs
        .iter()
        .enumerate()
        .map(|(l, &(c, o))| (l, &scenario.carriers[c].orders[o]))
        .map(|(l, d)| Order {
            id: d.id.clone(),
            alternatives: std::iter::once(Alternative {
                location: (first_order + l) as u32,
                service: Duration(i64::from(d.service_s)),
            })
            .chain(options[l].iter().map(|&(b, _, walk_s)| Alternative {
                location: bay_location(l, b),
                service: Duration(i64::from(d.service_s) + walk_s),
            }))
            .collect(),
            demand: Load([
                i64::from(d.weight_g),
                i64::from(d.volume_ml),
                i64::from(d.parcels),
            ]),
            windows: d
                .windows
                .iter()
                .map(|&(a, b)| TimeWindow {
                    open: Time(i64::from(a)),
                    close: Time(i64::from(b)),
                })
                .collect(),
            penalty: Some(Cost(UNSERVED_PENALTY)),
        })
        .collect();
    let day_start = i64::from(day_start);
    let sites = bays
        .iter()
        .enumerate()
        .map(|(k, &b)| {
            let bay = &scenario.bays[b];
            let windows = day_windows(&bay.hours, day_start);
            let max_dwell = vehicle_refs
                .iter()
                .map(|&(c, f)| {
                    let class = &scenario.classes[scenario.carriers[c].fleet[f].class];
                    let extra = if class.energy.is_new_energy() {
                        bay.clean_extra_s
                    } else {
                        0
                    };
                    Duration(i64::from(bay.max_dwell_s + extra))
                })
                .collect();
            Site {
                name: bay.id.clone(),
                location: (first_bay + k) as u32,
                aliases: (bays.len()..bay_locations.len())
                    .filter(|&x| bay_locations[x].0 == b)
                    .map(|x| (first_bay + x) as u32)
                    .collect(),
                capacity: bay.capacity,
                windows,
                max_dwell,
                booked: booked
                    .get(b)
                    .map(|v| v.iter().map(|&(a, e)| (Time(a), Time(e))).collect())
                    .unwrap_or_default(),
            }
        })
        .collect();
    let stations = scenario
        .stations
        .iter()
        .enumerate()
        .map(|(k, st)| ChargingStation {
            name: st.id.clone(),
            location: (first_station + k) as u32,
            rate: ChargeRate {
                time: Duration(3600),
                per: SolverEnergy((st.power_kw * 1000.0).round().max(1.0) as i64),
            },
            windows: day_windows(&st.hours, day_start),
        })
        .collect();
    // Zone fees and penalties per vehicle type, over the locations its class snaps to.
    let mut fee_rules = Vec::new();
    let fees: Vec<Option<ZoneFees>> = vehicle_types
        .iter()
        .zip(&vehicle_refs)
        .map(|(vt, &(c, f))| {
            let class = &scenario.classes[scenario.carriers[c].fleet[f].class];
            let (fees, rules) = zone_fees(scenario, tags, &specs[vt.profile as usize], class);
            fee_rules.push(rules);
            fees
        })
        .collect();
    let problem = Problem::with_stations(names, profiles, orders, vehicle_types, stations)
        .and_then(|p| p.with_sites(sites))
        .and_then(|p| p.with_zone_fees(fees))
        .map_err(|source| PlanError::Solver {
            carrier: pool_label(scenario, members),
            source,
        })?;
    Ok(Pool {
        members: members.to_vec(),
        problem,
        specs,
        orders: order_refs,
        vehicle_types: vehicle_refs,
        first_order,
        first_bay,
        first_station,
        bays,
        bay_locations: bay_locations.iter().map(|x| x.0).collect(),
        walks: options
            .iter()
            .map(|o| std::iter::once(0.0).chain(o.iter().map(|x| x.1)).collect())
            .collect(),
        fee_rules,
    })
}

/// The policy's fee and penalty rules that apply to `class` on the plan day, as solver charges
/// over the pool's locations (each location in the zones its road meets, snapped for `spec`),
/// and the rule behind each charge. `None` when none applies. Permits do not exempt from fees.
fn zone_fees(
    scenario: &Scenario,
    tags: &ZoneTags,
    spec: &ProfileSpec,
    class: &crate::vehicle::VehicleClass,
) -> (Option<ZoneFees>, Vec<usize>) {
    let day_start = i64::from(u32::from(scenario.day) * crate::time::DAY);
    let mut rules = Vec::new();
    let charges: Vec<ZoneCharge> = scenario
        .policy
        .rules
        .iter()
        .enumerate()
        .filter(|(_, r)| r.vehicles.matches(class))
        .filter_map(|(k, r)| {
            let (entry, day) = match r.effect {
                Effect::Fee {
                    per_entry_cents,
                    per_day_cents,
                } => (per_entry_cents, per_day_cents),
                Effect::Penalty { per_entry_cents } => (per_entry_cents, 0),
                Effect::Forbid | Effect::PermitRequired => return None,
            };
            let windows = day_windows(&r.hours, day_start);
            if windows.is_empty() || entry + day == 0 {
                return None;
            }
            rules.push(k);
            Some(ZoneCharge {
                zones: r.zones.iter().fold(0, |m, &z| m | 1 << z),
                windows,
                per_entry: Cost(i64::from(entry) * MILLI_CENTS_PER_CENT),
                per_day: Cost(i64::from(day) * MILLI_CENTS_PER_CENT),
            })
        })
        .collect();
    if charges.is_empty() {
        return (None, rules);
    }
    let inside = spec
        .snaps
        .iter()
        .map(|s| s.map_or(0, |s| tags.road(s.road)))
        .collect();
    (Some(ZoneFees { inside, charges }), rules)
}

/// A weekly schedule as solver windows in seconds of the plan day (starting `day_start` s after
/// Monday 00:00), the next day included for late shifts; always open stays unbounded.
fn day_windows(hours: &crate::time::Schedule, day_start: i64) -> Vec<TimeWindow> {
    if *hours == crate::time::Schedule::always() {
        return vec![TimeWindow::ALWAYS];
    }
    let day = i64::from(crate::time::DAY);
    let mut w: Vec<TimeWindow> = Vec::new();
    for shift in [0, i64::from(crate::time::WEEK)] {
        for &(a, e) in hours.intervals() {
            let (a, e) = (
                i64::from(a) + shift - day_start,
                i64::from(e) + shift - day_start,
            );
            if e > -day && a < 2 * day {
                match w.last_mut() {
                    Some(last) if last.close.0 >= a => last.close = Time(e),
                    _ => w.push(TimeWindow {
                        open: Time(a),
                        close: Time(e),
                    }),
                }
            }
        }
    }
    w
}

/// One routing problem for a set of carriers (one carrier when planning alone).
pub(crate) struct Pool {
    /// The carriers (scenario indices); location `k` is member `k`'s depot.
    members: Vec<usize>,
    pub(crate) problem: Problem,
    specs: Vec<ProfileSpec>,
    /// Problem order index to `(carrier, order)` indices in the scenario.
    pub(crate) orders: Vec<(usize, usize)>,
    /// Problem vehicle type index to `(carrier, fleet entry)`.
    pub(crate) vehicle_types: Vec<(usize, usize)>,
    /// Location index of the first order (before it: the members' depots).
    pub(crate) first_order: usize,
    /// Location index of the first bay (after the orders).
    pub(crate) first_bay: usize,
    /// Location index of the first charging station (station `k` is scenario station `k`).
    pub(crate) first_station: usize,
    /// Scenario bay index of each site (site `k` is bay `bays[k]`).
    pub(crate) bays: Vec<usize>,
    /// Scenario bay index of each bay location (from `first_bay` on).
    pub(crate) bay_locations: Vec<usize>,
    /// Per problem order and alternative: walking metres, all loops (0 at the door).
    pub(crate) walks: Vec<Vec<f64>>,
    /// Per problem vehicle type: the policy rule behind each of its zone charges.
    pub(crate) fee_rules: Vec<Vec<usize>>,
}

/// An `n` x `n` solver matrix with `f(i, j)` in every cell, rows in parallel.
fn par_matrix<T: Copy + Send>(n: usize, f: impl Fn(usize, usize) -> T + Sync) -> Matrix<T> {
    use rayon::prelude::*;
    if n == 0 {
        return Matrix::from_fn(0, f);
    }
    let mut data = vec![f(0, 0); n * n];
    data.par_chunks_mut(n).enumerate().for_each(|(i, row)| {
        for (j, cell) in row.iter_mut().enumerate() {
            *cell = f(i, j);
        }
    });
    Matrix::from_vec(n, data).unwrap_or_else(|| Matrix::from_fn(n, f))
}

/// A fleet entry's class and permit are missing from the matrix cache (a bug, reported as one).
fn missing_profile(scenario: &Scenario, entry: &crate::scenario::FleetEntry) -> PlanError {
    PlanError::Internal(format!(
        "no matrices for class `{}` with permit {:?}",
        scenario.classes[entry.class].id,
        entry.permit.map(|p| &scenario.policy.permits[p].id)
    ))
}

/// `sf+jd`: the ids of a pool's carriers, for messages.
fn pool_label(scenario: &Scenario, members: &[usize]) -> String {
    members
        .iter()
        .map(|&c| scenario.carriers[c].id.as_str())
        .collect::<Vec<_>>()
        .join("+")
}

impl Pool {
    /// The scenario order behind problem order `o`.
    pub(crate) fn order<'s>(
        &self,
        scenario: &'s Scenario,
        o: u32,
    ) -> &'s crate::scenario::DeliveryOrder {
        let (c, i) = self.orders[o as usize];
        &scenario.carriers[c].orders[i]
    }
}

/// A solved pool: the problem, the best plan found and the checker's verdict on it.
pub(crate) struct SolvedPool {
    pub(crate) pool: Pool,
    pub(crate) solution: crate::solver::solution::Solution,
    pub(crate) report: crate::solver::check::CheckReport,
}

impl SolvedPool {
    /// True when no vehicle type of the pool can reach any location of order `o` (its door, or
    /// a bay in walking distance): unserved whatever the search does.
    pub(crate) fn unreachable(&self, o: u32) -> bool {
        let pool = &self.pool;
        let at_door = pool
            .specs
            .iter()
            .any(|s| s.snaps[pool.first_order + o as usize].is_some());
        let anywhere = pool.problem.orders()[o as usize]
            .alternatives
            .iter()
            .any(|a| {
                pool.specs
                    .iter()
                    .any(|s| s.snaps[a.location as usize].is_some())
            });
        !(at_door || anywhere)
    }
}

/// Build and solve the problem of `members` with `threads` search threads.
#[allow(clippy::too_many_arguments)]
pub(crate) fn solve_pool(
    scenario: &Scenario,
    network: &Network,
    engine: &MatrixEngine,
    tags: &ZoneTags,
    cache: Option<&MatrixCache>,
    members: &[usize],
    threads: usize,
    progress: &(dyn Fn(&str) + Sync),
    booked: &Bookings,
) -> Result<SolvedPool, PlanError> {
    let pool = build_pool(scenario, network, engine, tags, cache, members, booked)?;
    progress(&format!(
        "{}: problem built ({} orders, {} locations), searching",
        pool_label(scenario, members),
        pool.problem.orders().len(),
        pool.problem.locations().len()
    ));
    let stop = StopCriterion {
        max_iterations: scenario.solver.iterations,
        time_limit: scenario
            .solver
            .time_limit_s
            .map(std::time::Duration::from_secs_f64),
        max_no_improvement: None,
    };
    let params = SolveParams {
        threads,
        seed: scenario.solver.seed,
        search: SearchParams::for_size(pool.problem.orders().len()),
    };
    // Unserved orders are optional at a penalty in the solver; the routes' cost is the rest.
    let routes_yuan = |cost: Cost, unserved: usize| {
        (cost.0 - unserved as i64 * UNSERVED_PENALTY) as f64 / MILLI_CENTS_PER_YUAN
    };
    // A long search reports each tenth of its budget (short ones, as in the demo, stay quiet).
    let search_started = std::time::Instant::now();
    let report = |p: &Progress| {
        if p.fraction < 1.0 && search_started.elapsed() >= std::time::Duration::from_secs(3) {
            progress(&format!(
                "{}: {:.0}% of the search, best routes cost {:.2} yuan, {} orders unserved",
                pool_label(scenario, members),
                p.fraction * 100.0,
                routes_yuan(p.best.cost, p.unserved),
                p.unserved
            ));
        }
    };
    let outcome =
        solve(&pool.problem, &stop, &params, &report).map_err(|source| PlanError::Solver {
            carrier: pool_label(scenario, members),
            source,
        })?;
    let unserved = outcome.solution.unserved.len();
    progress(&format!(
        "{}: {} iterations in {:.1} s, routes cost {:.2} yuan, {} orders unserved",
        pool_label(scenario, members),
        outcome.iterations,
        outcome.elapsed.as_secs_f64(),
        routes_yuan(outcome.objective.cost, unserved),
        unserved
    ));
    let report = check(&pool.problem, &outcome.solution);
    Ok(SolvedPool {
        pool,
        solution: outcome.solution,
        report,
    })
}

/// Routes, unserved orders and violations of a solved pool, in user terms.
pub(crate) fn unpack(
    scenario: &Scenario,
    network: &Network,
    tags: &ZoneTags,
    solved: &SolvedPool,
) -> (Vec<PlannedRoute>, Vec<Unserved>, Vec<String>) {
    let SolvedPool {
        pool,
        solution,
        report,
    } = solved;
    let label = pool_label(scenario, &pool.members);
    let mut violations: Vec<String> = report
        .violations
        .iter()
        .map(|v| format!("carrier `{label}`: {v}"))
        .collect();
    let mut unserved = Vec::new();
    for &o in &solution.unserved {
        let (c, _) = pool.orders[o as usize];
        let order = &pool.problem.orders()[o as usize];
        let reason = if !solved.unreachable(o) {
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
) -> (PlannedRoute, Vec<String>) {
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
        let (bay, walk_m) = match v {
            Visit::Order { order, alternative } if location as usize >= pool.first_bay => (
                Some(
                    scenario.bays[pool.bay_locations[location as usize - pool.first_bay]]
                        .id
                        .clone(),
                ),
                pool.walks[*order as usize][*alternative as usize],
            ),
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
            Visit::Order { order, .. } => load -= i64::from(pool.order(scenario, *order).weight_g),
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
            issues.push(format!(
                "{vehicle}: leg {from} -> {to} uses a location not on any road the class may use"
            ));
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
            issues.push(format!(
                "{vehicle}: no legal road path for the leg departing {}",
                crate::time::clock(depart)
            ));
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
        trips: trip + 1,
        legs: planned_legs,
        cost_yuan: 0.0,
        zone_fees_yuan,
        penalties_yuan,
    };
    (planned, issues)
}

/// What a route of problem vehicle type `v` driving `legs` (from, to, ready to leave at) owes
/// under the zone charges the solver priced it with: fees per zone (entry fees in the zone
/// entered; a day fee in the first of the charge's zones the route stops in) and soft penalties,
/// in yuan. They add up to the checker's `fees` for the route (tested).
fn fee_breakdown(
    scenario: &Scenario,
    pool: &Pool,
    v: u32,
    legs: &[(u32, u32, i64)],
) -> (Vec<f64>, f64) {
    let mut per_zone = vec![0i64; scenario.policy.zones.len()];
    let mut penalties = 0i64;
    if let Some(fees) = pool.problem.zone_fees(v) {
        for (c, charge) in fees.charges.iter().enumerate() {
            let rule = &scenario.policy.rules[pool.fee_rules[v as usize][c]];
            let penalty = matches!(rule.effect, Effect::Penalty { .. });
            let mut day_zone: Option<usize> = None;
            for &(a, b, t) in legs {
                let into = fees.inside[b as usize] & charge.zones;
                if into == 0 || !charge.in_force(Time(t)) {
                    continue;
                }
                let entered = into & !fees.inside[a as usize];
                for (z, owed) in per_zone.iter_mut().enumerate() {
                    if entered >> z & 1 == 1 {
                        if penalty {
                            penalties += charge.per_entry.0;
                        } else {
                            *owed += charge.per_entry.0;
                        }
                    }
                }
                day_zone.get_or_insert(into.trailing_zeros() as usize);
            }
            if let Some(z) = day_zone {
                per_zone[z] += charge.per_day.0;
            }
        }
    }
    let yuan = |m: i64| m as f64 / MILLI_CENTS_PER_YUAN;
    (per_zone.into_iter().map(yuan).collect(), yuan(penalties))
}
