//! From a scenario to a checked delivery plan: per carrier, build the solver's problem (one
//! routing profile per vehicle class and permit, with the hour bands of the plan day under the
//! city's policy), solve it, replay each route's schedule, route every leg on the road graph
//! for geometry and zone statistics, and compute the KPIs. Locations of a problem, in order: the
//! members' depots, their orders' doors, the bays within walking distance of some order (solver
//! sites; per carrier aliases for unshared orders when pooling), the charging stations, the
//! parcel lockers and pickup points in reach of some order whose receiver accepts one (solver
//! lockers, aliased the same way).
//!
//! Phases, one file each: `pool.rs` builds one solver problem from a pool of carriers, `solve.rs`
//! searches it and runs the independent checker, `replay.rs` replays the solved routes on the road
//! graph with the solver's own timetable; this file runs them per pool and holds the outputs.
//!
//! Owns: [`plan`], [`Plan`] and its parts, and the unit conversions between the road layers
//! (milliseconds, centimetres) and the solver (seconds, metres, milli-cents). Must never: read or
//! write files (that is `io` and `cli`).
//! Invariants: every returned plan has been checked by `solver::check` against the problem it
//! was built from (its verdict is in [`Plan::violations`]); orders no vehicle can serve legally
//! are listed in [`Plan::unserved`] with a reason, never dropped; each carrier is planned alone
//! (pooling carriers is shared distribution, planned elsewhere), around the bay stays and locker
//! parcels booked by the carriers planned before it, so no bay holds more vehicles than it has
//! room for and no locker more parcels than its capacity.

pub mod check;
pub mod kpi;
mod matrices;
mod pool;
mod replay;
pub mod share;
mod solve;
pub mod two_tier;

pub(crate) use pool::{build_pool, Pool};
pub(crate) use replay::{bay_stays, street_hours, unpack};
pub(crate) use solve::{solve_pool, SolvedPool};

pub use kpi::Kpis;

use crate::graph::{ClassId, Snap, SnapError};
use crate::matrix::MatrixEngine;
use crate::network::Network;
use crate::routing::{route, Dijkstra, Metric};
use crate::scenario::Acceptance;
use crate::scenario::Scenario;
use crate::solver::check::check;
use crate::solver::fees::{ZoneCharge, ZoneFees};
use crate::solver::measure::Energy as SolverEnergy;
use crate::solver::measure::{Cost, Distance, Duration, Load, Time};
use crate::solver::model::{
    Alternative, Battery, ChargePolicy, ChargeRate, ChargingStation, Consumption,
    Locker as SolverLocker, LockerUse, Order, Problem, Site, TimeWindow, VehicleType,
};
use crate::solver::sisr::SearchParams;
use crate::solver::solution::Visit;
use crate::solver::solve::{solve_until, Progress, SolveParams, StopCriterion};
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
    /// The scenario's [`crate::scenario::SolverSettings::stop`] flag was raised.
    #[error("cancelled: the search stopped after {iterations} iterations")]
    Cancelled {
        /// Iterations of the search that was running (summed over its threads; 0 if none was).
        iterations: u64,
    },
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
    /// Load on board after the stop (g): deliveries still aboard plus pickups collected.
    pub load_after_g: i64,
    /// Battery after the stop (Wh), for battery vehicles.
    pub battery_after_wh: Option<i64>,
    /// The loading point the order is served from (`None`: at the door).
    pub bay: Option<String>,
    /// Walking between the bay and the door, every loop there and back (m; 0 at the door).
    pub walk_m: f64,
    /// The parcel locker or pickup point the order is left at (`None`: at the door or a bay).
    pub locker: Option<String>,
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
    /// Every entry counted in `zone_entries`: (zone index, when the vehicle turns into the
    /// zone's first road, s after midnight), in driving order.
    pub zone_entry_times: Vec<(usize, i64)>,
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

/// A rule a plan breaks, as the independent checker or the replay on the road graph found it.
/// Its `Display` is the line written to `plan.json`'s `violations`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlanViolation {
    /// The solver's independent checker, for the pool (`sf` or `sf+jd`).
    #[error("carrier `{pool}`: {violation}")]
    Checker {
        /// The pool's carriers, `+`-joined.
        pool: String,
        /// What the checker found.
        violation: crate::solver::check::Violation,
    },
    /// A leg starts or ends at a location not on any road the vehicle's class may use.
    #[error("{vehicle}: leg {from} -> {to} uses a location not on any road the class may use")]
    OffRoad {
        /// Vehicle id.
        vehicle: String,
        /// Pool location the leg leaves.
        from: u32,
        /// Pool location it drives to.
        to: u32,
    },
    /// No legal road path for a leg under the rules in force when it departs.
    #[error("{vehicle}: no legal road path for the leg departing {}", crate::time::clock(*depart_s))]
    NoLegalPath {
        /// Vehicle id.
        vehicle: String,
        /// Departure (s after midnight).
        depart_s: i64,
    },
    /// Two-tier: a night truck unloads after the last mile starts.
    #[error("{vehicle}: load {load} unloaded at {}, after the last mile starts ({})", crate::time::clock(*unloaded_s), crate::time::clock(*last_mile_s))]
    LateUnload {
        /// Vehicle id.
        vehicle: String,
        /// The load (tier-1 order id).
        load: String,
        /// Its departure from the centre (s).
        unloaded_s: i64,
        /// When the last mile starts (s).
        last_mile_s: i64,
    },
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
    pub violations: Vec<PlanViolation>,
    /// Delivery vehicles per street per hour.
    pub streets: Vec<StreetHour>,
    /// The numbers planners read.
    pub kpis: Kpis,
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
    // Every parcel locker and pickup point must be on a road some class of the fleets may use.
    let mut classes: Vec<u8> = scenario
        .carriers
        .iter()
        .flat_map(|c| c.fleet.iter().map(|f| f.class as u8))
        .collect();
    classes.sort_unstable();
    classes.dedup();
    for l in &scenario.lockers.list {
        let errors: Vec<SnapError> = classes
            .iter()
            .filter_map(|&c| {
                network
                    .snap_index
                    .snap(graph, l.lon_lat, ClassId(c), SNAP_RADIUS_M)
                    .err()
            })
            .collect();
        if errors.len() == classes.len() {
            if let Some(e) = errors.first() {
                unplaceable.push(format!("{} `{}` ({}): {e}", l.kind.name(), l.id, l.origin));
            }
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
    let mut booked = Bookings {
        stays: vec![Vec::new(); scenario.bays.len()],
        lockers: vec![[0; 3]; scenario.lockers.list.len()],
    };
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

/// Add the bay stays and locker use of a solved pool to `booked` (per scenario bay and locker).
fn book_stays(solved: &SolvedPool, booked: &mut Bookings) {
    let problem = &solved.pool.problem;
    for s in crate::solver::schedule::solution_stays(problem, &solved.solution) {
        let b = solved.pool.bays[s.site as usize];
        booked.stays[b].push((s.start.0, s.end.0));
    }
    for route in &solved.solution.routes {
        for v in &route.visits {
            let Visit::Order { order, alternative } = *v else {
                continue;
            };
            let location = problem.order(order).alternatives[alternative as usize].location;
            if let (Some(k), Some(u)) = (
                problem.locker_at(location),
                problem.locker_use(order, alternative),
            ) {
                let held = &mut booked.lockers[solved.pool.lockers[k as usize]];
                for (h, a) in held.iter_mut().zip(u.amount.0) {
                    *h += a;
                }
            }
        }
    }
}

/// What vehicles planned earlier took: stays at each scenario bay, `(start s, end s)`, and the
/// parcels each scenario locker holds (its three nested limits, see
/// [`crate::scenario::LockerCapacity::limits`]).
#[derive(Clone, Debug, Default)]
pub(crate) struct Bookings {
    pub(crate) stays: Vec<Vec<(i64, i64)>>,
    pub(crate) lockers: Vec<[i64; 3]>,
}

/// `sf+jd`: the ids of a pool's carriers, for messages.
fn pool_label(scenario: &Scenario, members: &[usize]) -> String {
    members
        .iter()
        .map(|&c| scenario.carriers[c].id.as_str())
        .collect::<Vec<_>>()
        .join("+")
}

#[cfg(test)]
mod tests {
    use super::PlanViolation;
    use crate::solver::check::Violation;
    use crate::solver::measure::Time;

    #[test]
    fn violations_are_typed_and_read_as_plan_json_lines() {
        let v = PlanViolation::NoLegalPath {
            vehicle: "sf/e-tricycle/1".into(),
            depart_s: 8 * 3600 + 30 * 60,
        };
        assert_eq!(
            v.to_string(),
            "sf/e-tricycle/1: no legal road path for the leg departing 08:30:00"
        );
        let checker = Violation::Shift {
            route: 0,
            arrival: Time(3600),
            close: Time(1800),
        };
        let v = PlanViolation::Checker {
            pool: "sf+jd".into(),
            violation: checker.clone(),
        };
        assert_eq!(v.to_string(), format!("carrier `sf+jd`: {checker}"));
        assert!(matches!(
            v,
            PlanViolation::Checker {
                violation: Violation::Shift { .. },
                ..
            }
        ));
    }
}
