//! The problem model: an immutable, validated description of one routing day.
//!
//! Owns: [`Problem`] and its parts (locations, orders with alternatives and time windows, vehicle
//! types with profiles, shifts, limits, costs and reload depots, charging stations and batteries,
//! sites with limited room, parcel lockers with a cumulative capacity, shipments: pickup-and-delivery
//! pairs). Must never: do I/O, read files, or know about the search.
//! Invariants after [`Problem::new`] / [`Problem::with_stations`]: every index points inside its
//! list; every order has at least one alternative and one time window; windows (of orders and
//! stations) are sorted and disjoint; every vehicle type's profile exists; demands and capacities
//! are non-negative; a battery's reserve is below its capacity and its rates have positive
//! denominators. After [`Problem::with_sites`]: at most one site per location, every site has
//! room for a vehicle, and [`Problem::windows`] gives each alternative's service windows narrowed
//! to its site's hours. After [`Problem::with_lockers`]: at most one locker per location and none
//! at a site, every alternative at a locker has exactly one [`LockerUse`], and its windows are
//! narrowed to the locker's hours. After [`Problem::with_pairs`]: each order is in at most one
//! [`Shipment`], [`Problem::pair`] points both ways, a delivery order's `pickup` is minus its
//! shipment's amount (the only negative amounts), and no vehicle type reloads. All quantities use the integer units of [`crate::solver::measure`]; the
//! builder of the problem documents its scale. Rates (energy per distance, charging time per
//! energy) are exact ratios of two integers, rounded up when applied.

use crate::solver::error::Error;
use crate::solver::measure::{Cost, Distance, Duration, Energy, Load, Time};
use crate::solver::travel::Profile;

/// A closed time window `[open, close]` for the start of service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeWindow {
    /// Earliest start.
    pub open: Time,
    /// Latest start.
    pub close: Time,
}

impl TimeWindow {
    /// A window that is always open.
    pub const ALWAYS: Self = Self {
        open: Time::MIN,
        close: Time::MAX,
    };
}

/// One way to serve an order: a location (the door, or a loading point nearby) and the service time
/// spent there (a bay adds the walking time).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Alternative {
    /// Location index.
    pub location: u32,
    /// Service time at that location.
    pub service: Duration,
}

/// A place with room for a few vehicles at once where they park to serve orders (a loading bay).
/// An order alternative whose location is a site's location is served from the site. A vehicle
/// occupies the site from the start of service to its departure (one that arrives early waits off
/// the site); consecutive stops of one route at the same site are one stay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Site {
    /// Name, for output only.
    pub name: String,
    /// Location index (at most one site per location).
    pub location: u32,
    /// More locations of the same site (the same bay as seen by different vehicles, for example
    /// one carrier's own orders when pooling).
    pub aliases: Vec<u32>,
    /// Vehicles that may stay at once (at least 1).
    pub capacity: u32,
    /// Opening windows, sorted and disjoint: every stay lies inside one of them.
    pub windows: Vec<TimeWindow>,
    /// Longest stay per vehicle type (empty: no limit).
    pub max_dwell: Vec<Duration>,
    /// Stays of vehicles outside this problem (other carriers planned before), `(start, end)`:
    /// each takes room for one vehicle.
    pub booked: Vec<(Time, Time)>,
}

impl Site {
    /// Longest stay for vehicle type `vt`.
    #[inline]
    pub fn max_dwell(&self, vt: u32) -> Duration {
        self.max_dwell
            .get(vt as usize)
            .copied()
            .unwrap_or(Duration::MAX)
    }
}

/// A place that keeps parcels for their receivers (a parcel locker 智能快件箱 or a pickup point
/// 自提点): a cumulative capacity, unlike a [`Site`]'s room for vehicles at once. Every order
/// served through an alternative at one of its locations uses that alternative's
/// [`LockerUse::amount`] of it for the whole day; the sum over the plan plus `booked` must stay
/// within `capacity` in every dimension (the builder documents what the dimensions mean, for
/// example parcels by compartment size). Service at a locker must start and end within one of
/// its windows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Locker {
    /// Name, for output only.
    pub name: String,
    /// Location index (at most one locker, and no site, per location).
    pub location: u32,
    /// More locations of the same locker (as seen by different vehicles when pooling).
    pub aliases: Vec<u32>,
    /// What it holds, per dimension (each non-negative).
    pub capacity: Load,
    /// Already taken by orders outside this problem (other carriers planned before).
    pub booked: Load,
    /// Opening windows, sorted and disjoint (at least one).
    pub windows: Vec<TimeWindow>,
}

/// What serving order `order` through its alternative `alternative` (at a locker's location)
/// takes from the locker and costs (an incentive paid to the receiver, or a service-level
/// penalty), on top of the route's own cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LockerUse {
    /// Order index.
    pub order: u32,
    /// Alternative index within the order.
    pub alternative: u32,
    /// Taken from the locker's capacity (each dimension non-negative).
    pub amount: Load,
    /// Cost of serving the order there (non-negative).
    pub cost: Cost,
}

/// An order: exactly one of its alternatives is served, within one of its windows.
#[derive(Clone, Debug, PartialEq)]
pub struct Order {
    /// User id, for output only.
    pub id: String,
    /// Candidate ways to serve it (at least one).
    pub alternatives: Vec<Alternative>,
    /// Demand delivered.
    pub demand: Load,
    /// Amount picked up (parcels sent, e-commerce returns, packaging for recovery): aboard from
    /// this order to the next reload or the end depot, where it is unloaded. Zero for a pure
    /// delivery; an order with zero `demand` is a pure pickup. See [`crate::solver::load`].
    /// Never negative as given; [`Problem::with_pairs`] adds a shipment's amount to its pickup
    /// order's and subtracts it from its delivery order's (the load falls by it there).
    pub pickup: Load,
    /// Windows for the start of service, sorted and disjoint (at least one).
    pub windows: Vec<TimeWindow>,
    /// `None`: the order is required. `Some(p)`: optional, leaving it unserved costs `p`.
    pub penalty: Option<Cost>,
}

/// Which half of a shipment an order is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PairRole {
    /// Where the shipment is loaded.
    Pickup,
    /// Where it is unloaded (after the pickup, by the same vehicle).
    Delivery,
}

/// A shipment (pickup-and-delivery pair) as given to [`Problem::with_pairs`]: order `pickup`
/// loads `amount`, which rides aboard until order `delivery` unloads it. Both are served by the
/// same route, the pickup first, or both are unserved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shipment {
    /// Order index of the pickup.
    pub pickup: u32,
    /// Order index of the delivery.
    pub delivery: u32,
    /// What rides from one to the other (each dimension non-negative).
    pub amount: Load,
}

/// An order's side of a shipment: its partner and its role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pair {
    /// The other order of the shipment.
    pub partner: u32,
    /// This order's role.
    pub role: PairRole,
}

/// A vehicle type: `count` identical vehicles.
#[derive(Clone, Debug, PartialEq)]
pub struct VehicleType {
    /// Name, for output only.
    pub name: String,
    /// Capacity per trip.
    pub capacity: Load,
    /// Start depot location.
    pub start: u32,
    /// End depot location.
    pub end: u32,
    /// Leave the start depot no earlier than `shift.open`, reach the end depot no later than `shift.close`.
    pub shift: TimeWindow,
    /// Maximum route duration ([`Duration::MAX`]: none).
    pub max_duration: Duration,
    /// Maximum route distance ([`Distance::MAX`]: none).
    pub max_distance: Distance,
    /// Cost of using one vehicle.
    pub fixed_cost: Cost,
    /// Cost per distance unit.
    pub cost_per_distance: i64,
    /// Cost per duration unit of route duration.
    pub cost_per_duration: i64,
    /// Vehicles available.
    pub count: u32,
    /// Index of the routing profile (matrices) the type drives with.
    pub profile: u32,
    /// Depots where the vehicle may reload between trips (empty: a single trip).
    pub reload_depots: Vec<u32>,
    /// Time spent at a reload depot.
    pub reload_time: Duration,
    /// Battery for electric vehicles (`None`: range is not modelled beyond `max_distance`).
    pub battery: Option<Battery>,
}

/// Energy used per distance: `energy` per `per` distance units (an exact ratio).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Consumption {
    /// Energy used ...
    pub energy: Energy,
    /// ... per this distance (positive).
    pub per: Distance,
}

impl Consumption {
    /// Energy to drive `d`, rounded up.
    #[inline]
    pub fn energy_for(self, d: Distance) -> Energy {
        Energy(ceil_ratio(d.0, self.energy.0, self.per.0))
    }
}

/// Linear charging speed: `time` per `per` energy units (an exact ratio).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChargeRate {
    /// Time spent charging ...
    pub time: Duration,
    /// ... this much energy (positive).
    pub per: Energy,
}

impl ChargeRate {
    /// Time to charge `e`, rounded up.
    #[inline]
    pub fn time_for(self, e: Energy) -> Duration {
        Duration(ceil_ratio(e.0, self.time.0, self.per.0))
    }
}

/// `ceil(x * num / den)` for non-negative `x`, `num` and positive `den`, without overflow.
#[inline]
fn ceil_ratio(x: i64, num: i64, den: i64) -> i64 {
    if den == 1 {
        return x * num;
    }
    match x.checked_mul(num) {
        Some(p) => p / den + i64::from(p % den > 0),
        None => {
            let p = i128::from(x) * i128::from(num);
            let d = i128::from(den);
            (p / d + i128::from(p % d > 0)) as i64
        }
    }
}

/// How much a vehicle charges at a station.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ChargePolicy {
    /// Every charging stop fills the battery (Schneider, Stenger & Goeke 2014).
    #[default]
    Full,
    /// A charging stop adds just enough to reach the next charging stop (or the end depot) with the
    /// reserve left; never more than the capacity.
    Partial,
}

/// A vehicle type's battery. The vehicle leaves its start depot full; charge is never below
/// `reserve` on arrival anywhere; charging happens only at `stations`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Battery {
    /// Usable capacity.
    pub capacity: Energy,
    /// Consumption per distance.
    pub consumption: Consumption,
    /// Charge that must remain at every arrival (below `capacity`).
    pub reserve: Energy,
    /// Indices (into [`Problem::stations`]) of the stations the type may use.
    pub stations: Vec<u32>,
    /// Charging policy.
    pub policy: ChargePolicy,
}

impl Battery {
    /// A battery that charges to full, with no reserve and no station yet.
    pub fn new(capacity: Energy, consumption: Consumption) -> Self {
        Self {
            capacity,
            consumption,
            reserve: Energy::ZERO,
            stations: Vec::new(),
            policy: ChargePolicy::Full,
        }
    }

    /// The same battery with a reserve.
    pub fn with_reserve(mut self, reserve: Energy) -> Self {
        self.reserve = reserve;
        self
    }

    /// The same battery allowed at `stations` (indices into [`Problem::stations`]).
    pub fn with_stations(mut self, stations: Vec<u32>) -> Self {
        self.stations = stations;
        self
    }

    /// The same battery with another charging policy.
    pub fn with_policy(mut self, policy: ChargePolicy) -> Self {
        self.policy = policy;
        self
    }
}

/// A charging station: where, how fast (linear charging), and when it is open. A charge must start
/// and end inside one of its windows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChargingStation {
    /// Name, for output only.
    pub name: String,
    /// Location index.
    pub location: u32,
    /// Charging speed.
    pub rate: ChargeRate,
    /// Opening windows, sorted and disjoint (at least one).
    pub windows: Vec<TimeWindow>,
}

impl VehicleType {
    /// The same vehicle type with a battery.
    pub fn with_battery(mut self, battery: Battery) -> Self {
        self.battery = Some(battery);
        self
    }

    /// True when route duration matters (a limit or a cost), which needs a full route evaluation.
    pub fn duration_matters(&self) -> bool {
        self.max_duration < Duration::MAX || self.cost_per_duration != 0
    }
}

/// Everything wrong with a candidate problem, collected (not only the first).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ModelIssue {
    /// An index is outside its list.
    #[error("{what} {index}: {field} refers to {value}, but only {limit} exist")]
    BadIndex {
        /// Entity kind.
        what: &'static str,
        /// Entity index.
        index: usize,
        /// Field name.
        field: &'static str,
        /// Offending value.
        value: u32,
        /// Size of the referenced list.
        limit: usize,
    },
    /// A structural rule is broken.
    #[error("{what} {index}: {message}")]
    Invalid {
        /// Entity kind.
        what: &'static str,
        /// Entity index.
        index: usize,
        /// What is wrong.
        message: String,
    },
}

/// An immutable, validated routing problem.
#[derive(Clone, Debug)]
pub struct Problem {
    locations: Vec<String>,
    profiles: Vec<Profile>,
    orders: Vec<Order>,
    vehicle_types: Vec<VehicleType>,
    stations: Vec<ChargingStation>,
    /// Per vehicle type: the stations worth trying on each arc (see [`Problem::stations_between`]).
    arc_stations: Vec<Option<ArcStations>>,
    /// Per vehicle type with a battery: per location, the shortest detour to visit it between two
    /// of the type's stations (see [`Problem::station_detour`]).
    station_detours: Vec<Vec<Distance>>,
    untimed: bool,
    sites: Vec<Site>,
    /// Per location: the site there (empty when there are no sites).
    site_at: Vec<Option<u32>>,
    /// Per order and alternative: windows for the start of service (empty when there are no
    /// sites: the order's own windows apply).
    alt_windows: Vec<Vec<Vec<TimeWindow>>>,
    /// Per vehicle type: its zone fees (empty when no vehicle type pays any).
    zone_fees: Vec<Option<crate::solver::fees::ZoneFees>>,
    lockers: Vec<Locker>,
    /// Per location: the locker there (empty when there are no lockers).
    locker_at: Vec<Option<u32>>,
    /// Per order and alternative: the locker use (empty when there are no lockers).
    locker_uses: Vec<Vec<Option<LockerUse>>>,
    /// Per order: its side of a shipment (empty when there are no shipments).
    pairs: Vec<Option<Pair>>,
}

/// For every arc `(a, b)` of one battery vehicle type, the stations it may use that no other one
/// dominates: another station dominates when it is no farther from `a`, no farther from `b`, no
/// slower to reach or leave in any hour band, charges no slower and has the same windows (ties: the
/// lower index stays). A dominated station can never give a cheaper, earlier or fuller stop.
#[derive(Clone, Debug)]
struct ArcStations {
    n: usize,
    offsets: Vec<u32>,
    stations: Vec<u32>,
}

/// Build the table above, or `None` when it would be too large (the full list is used then).
fn arc_stations(
    profile: &Profile,
    battery: &Battery,
    stations: &[ChargingStation],
) -> Option<ArcStations> {
    let n = profile.distances.size();
    let k = battery.stations.len();
    if (n * n).saturating_mul(k * k) > 50_000_000 {
        return None;
    }
    let loc = |s: u32| stations[s as usize].location;
    let dominates = |x: u32, y: u32, a: u32, b: u32| -> bool {
        let (sx, sy) = (&stations[x as usize], &stations[y as usize]);
        let (lx, ly) = (loc(x), loc(y));
        let no_worse = profile.distance(a, lx) <= profile.distance(a, ly)
            && profile.distance(lx, b) <= profile.distance(ly, b)
            && profile.bands.iter().all(|band| {
                band.durations.get(a, lx) <= band.durations.get(a, ly)
                    && band.durations.get(lx, b) <= band.durations.get(ly, b)
            })
            && i128::from(sx.rate.time.0) * i128::from(sy.rate.per.0)
                <= i128::from(sy.rate.time.0) * i128::from(sx.rate.per.0)
            && sx.windows == sy.windows;
        if !no_worse {
            return false;
        }
        let same = profile.distance(a, lx) == profile.distance(a, ly)
            && profile.distance(lx, b) == profile.distance(ly, b)
            && profile.bands.iter().all(|band| {
                band.durations.get(a, lx) == band.durations.get(a, ly)
                    && band.durations.get(lx, b) == band.durations.get(ly, b)
            })
            && i128::from(sx.rate.time.0) * i128::from(sy.rate.per.0)
                == i128::from(sy.rate.time.0) * i128::from(sx.rate.per.0);
        !same || x < y
    };
    let mut offsets = Vec::with_capacity(n * n + 1);
    let mut out = Vec::new();
    offsets.push(0u32);
    for a in 0..n as u32 {
        for b in 0..n as u32 {
            for &s in &battery.stations {
                if !battery
                    .stations
                    .iter()
                    .any(|&t| t != s && dominates(t, s, a, b))
                {
                    out.push(s);
                }
            }
            offsets.push(out.len() as u32);
        }
    }
    Some(ArcStations {
        n,
        offsets,
        stations: out,
    })
}

/// Issues of sorted, disjoint, non-empty windows.
fn window_issues(windows: &[TimeWindow]) -> Vec<String> {
    let mut out = Vec::new();
    if windows.is_empty() {
        out.push("no time window".into());
    }
    for (w, win) in windows.iter().enumerate() {
        if win.open > win.close {
            out.push(format!("window {w} opens after it closes"));
        }
        if w > 0 && win.open <= windows[w - 1].close {
            out.push(format!("window {w} is not after window {}", w - 1));
        }
    }
    out
}

impl Problem {
    /// Validate and freeze a problem without charging stations. `locations` are user names
    /// (output only).
    pub fn new(
        locations: Vec<String>,
        profiles: Vec<Profile>,
        orders: Vec<Order>,
        vehicle_types: Vec<VehicleType>,
    ) -> Result<Self, Error> {
        Self::with_stations(locations, profiles, orders, vehicle_types, Vec::new())
    }

    /// Validate and freeze a problem with charging stations (used by vehicle types with a
    /// [`Battery`]).
    pub fn with_stations(
        locations: Vec<String>,
        profiles: Vec<Profile>,
        orders: Vec<Order>,
        vehicle_types: Vec<VehicleType>,
        stations: Vec<ChargingStation>,
    ) -> Result<Self, Error> {
        let mut issues = Vec::new();
        let n_loc = locations.len();
        let idx = |issues: &mut Vec<ModelIssue>, what, index, field, value: u32, limit: usize| {
            if value as usize >= limit {
                issues.push(ModelIssue::BadIndex {
                    what,
                    index,
                    field,
                    value,
                    limit,
                });
            }
        };
        let invalid = |issues: &mut Vec<ModelIssue>, what, index, message: String| {
            issues.push(ModelIssue::Invalid {
                what,
                index,
                message,
            })
        };
        for (p, prof) in profiles.iter().enumerate() {
            if prof.distances.size() != n_loc {
                invalid(
                    &mut issues,
                    "profile",
                    p,
                    "distance matrix size differs from location count".into(),
                );
            }
            if prof.bands.is_empty() || prof.bands[0].start != Time::MIN {
                invalid(
                    &mut issues,
                    "profile",
                    p,
                    "the first band must start at Time::MIN".into(),
                );
            }
            for (b, band) in prof.bands.iter().enumerate() {
                if band.durations.size() != n_loc {
                    invalid(
                        &mut issues,
                        "profile",
                        p,
                        format!("band {b}: duration matrix size differs from location count"),
                    );
                }
                if b > 0 && band.start <= prof.bands[b - 1].start {
                    invalid(
                        &mut issues,
                        "profile",
                        p,
                        format!("band {b}: starts are not increasing"),
                    );
                }
            }
        }
        for (o, order) in orders.iter().enumerate() {
            if order.alternatives.is_empty() {
                invalid(&mut issues, "order", o, "no alternative location".into());
            }
            for alt in &order.alternatives {
                idx(
                    &mut issues,
                    "order",
                    o,
                    "alternative location",
                    alt.location,
                    n_loc,
                );
                if alt.service.0 < 0 {
                    invalid(&mut issues, "order", o, "negative service time".into());
                }
            }
            for message in window_issues(&order.windows) {
                invalid(&mut issues, "order", o, message);
            }
            if order.demand.has_negative() {
                invalid(&mut issues, "order", o, "negative demand".into());
            }
            if order.pickup.has_negative() {
                invalid(&mut issues, "order", o, "negative pickup".into());
            }
            if matches!(order.penalty, Some(p) if p.0 < 0) {
                invalid(&mut issues, "order", o, "negative penalty".into());
            }
        }
        for (v, vt) in vehicle_types.iter().enumerate() {
            idx(&mut issues, "vehicle type", v, "start", vt.start, n_loc);
            idx(&mut issues, "vehicle type", v, "end", vt.end, n_loc);
            idx(
                &mut issues,
                "vehicle type",
                v,
                "profile",
                vt.profile,
                profiles.len(),
            );
            for &r in &vt.reload_depots {
                idx(&mut issues, "vehicle type", v, "reload depot", r, n_loc);
            }
            if vt.capacity.has_negative() {
                invalid(&mut issues, "vehicle type", v, "negative capacity".into());
            }
            if vt.shift.open > vt.shift.close {
                invalid(
                    &mut issues,
                    "vehicle type",
                    v,
                    "shift opens after it closes".into(),
                );
            }
            if vt.cost_per_distance < 0 || vt.cost_per_duration < 0 || vt.fixed_cost.0 < 0 {
                invalid(&mut issues, "vehicle type", v, "negative cost".into());
            }
            if let Some(b) = &vt.battery {
                if b.capacity.0 <= 0 {
                    invalid(
                        &mut issues,
                        "vehicle type",
                        v,
                        "battery capacity is not positive".into(),
                    );
                }
                if b.reserve.0 < 0 || b.reserve >= b.capacity {
                    invalid(
                        &mut issues,
                        "vehicle type",
                        v,
                        "battery reserve must be at least 0 and below the capacity".into(),
                    );
                }
                if b.consumption.energy.0 < 0 || b.consumption.per.0 <= 0 {
                    invalid(
                        &mut issues,
                        "vehicle type",
                        v,
                        "consumption needs energy >= 0 per a positive distance".into(),
                    );
                }
                for &s in &b.stations {
                    idx(
                        &mut issues,
                        "vehicle type",
                        v,
                        "battery station",
                        s,
                        stations.len(),
                    );
                }
            }
        }
        for (s, st) in stations.iter().enumerate() {
            idx(&mut issues, "station", s, "location", st.location, n_loc);
            if st.rate.time.0 < 0 || st.rate.per.0 <= 0 {
                invalid(
                    &mut issues,
                    "station",
                    s,
                    "charging rate needs time >= 0 per a positive energy".into(),
                );
            }
            for message in window_issues(&st.windows) {
                invalid(&mut issues, "station", s, message);
            }
        }
        if issues.is_empty() {
            let untimed = orders
                .iter()
                .all(|o| o.windows.iter().any(|w| w.close >= Time::MAX))
                && vehicle_types
                    .iter()
                    .all(|v| v.shift.close >= Time::MAX && v.max_duration >= Duration::MAX)
                && stations
                    .iter()
                    .all(|s| s.windows.iter().any(|w| w.close >= Time::MAX));
            let arc_stations = vehicle_types
                .iter()
                .map(|vt| {
                    let b = vt.battery.as_ref()?;
                    arc_stations(&profiles[vt.profile as usize], b, &stations)
                })
                .collect();
            let station_detours = vehicle_types
                .iter()
                .map(|vt| {
                    let Some(b) = vt.battery.as_ref() else {
                        return Vec::new();
                    };
                    let p = &profiles[vt.profile as usize];
                    let locs: Vec<u32> = b
                        .stations
                        .iter()
                        .map(|&s| stations[s as usize].location)
                        .collect();
                    (0..n_loc as u32)
                        .map(|c| {
                            let mut best = Distance::MAX;
                            for &x in &locs {
                                for &y in &locs {
                                    best = best.min(
                                        p.distance(x, c) + p.distance(c, y) - p.distance(x, y),
                                    );
                                }
                            }
                            best
                        })
                        .collect()
                })
                .collect();
            Ok(Self {
                locations,
                profiles,
                orders,
                vehicle_types,
                stations,
                arc_stations,
                station_detours,
                untimed,
                sites: Vec::new(),
                site_at: Vec::new(),
                alt_windows: Vec::new(),
                zone_fees: Vec::new(),
                lockers: Vec::new(),
                locker_at: Vec::new(),
                locker_uses: Vec::new(),
                pairs: Vec::new(),
            })
        } else {
            Err(Error::Invalid(issues))
        }
    }

    /// Add sites (loading bays) with limited room. Validates every site (all issues at once) and
    /// narrows the service windows of the alternatives served from a site so that service ends
    /// inside the site's hours (an alternative may end with no window: it is then never used).
    pub fn with_sites(mut self, sites: Vec<Site>) -> Result<Self, Error> {
        let mut issues = self.pairs_added_before("sites");
        let n_loc = self.locations.len();
        let mut site_at = vec![None; n_loc];
        for (s, site) in sites.iter().enumerate() {
            let mut invalid = |message: String| {
                issues.push(ModelIssue::Invalid {
                    what: "site",
                    index: s,
                    message,
                })
            };
            for &location in std::iter::once(&site.location).chain(&site.aliases) {
                if location as usize >= n_loc {
                    invalid(format!(
                        "location {location} does not exist ({n_loc} locations)"
                    ));
                    continue;
                }
                if let Some(other) = site_at[location as usize] {
                    invalid(format!("location {location} is also site {other}'s"));
                }
                site_at[location as usize] = Some(s as u32);
            }
            if site.capacity == 0 {
                invalid("capacity 0: no vehicle can ever stop there".into());
            }
            if site.windows.is_empty() {
                invalid("no opening window".into());
            }
            for (w, win) in site.windows.iter().enumerate() {
                if win.open > win.close {
                    invalid(format!("window {w} opens after it closes"));
                }
                if w > 0 && win.open <= site.windows[w - 1].close {
                    invalid(format!("window {w} is not after window {}", w - 1));
                }
            }
            if !site.max_dwell.is_empty() && site.max_dwell.len() != self.vehicle_types.len() {
                invalid(format!(
                    "{} dwell limits for {} vehicle types",
                    site.max_dwell.len(),
                    self.vehicle_types.len()
                ));
            }
        }
        if !issues.is_empty() {
            return Err(Error::Invalid(issues));
        }
        if sites.is_empty() {
            return Ok(self);
        }
        self.alt_windows = self
            .orders
            .iter()
            .map(|order| {
                order
                    .alternatives
                    .iter()
                    .map(|alt| match site_at[alt.location as usize] {
                        None => order.windows.clone(),
                        Some(s) => intersect(
                            &order.windows,
                            &service_starts(&sites[s as usize].windows, alt.service),
                        ),
                    })
                    .collect()
            })
            .collect();
        self.site_at = site_at;
        self.sites = sites;
        self.untimed = false;
        Ok(self)
    }

    /// Add zone fees and soft penalties per vehicle type (`None`: the type pays none). Validates
    /// every entry (all issues at once): one entry per vehicle type, a zone mask per location, at
    /// most 64 charges, no negative amount, sorted and disjoint windows.
    pub fn with_zone_fees(
        mut self,
        fees: Vec<Option<crate::solver::fees::ZoneFees>>,
    ) -> Result<Self, Error> {
        let mut issues = Vec::new();
        if fees.len() != self.vehicle_types.len() {
            issues.push(ModelIssue::Invalid {
                what: "zone fees",
                index: 0,
                message: format!(
                    "{} entries for {} vehicle types",
                    fees.len(),
                    self.vehicle_types.len()
                ),
            });
        }
        for (v, f) in fees.iter().enumerate() {
            let Some(f) = f else { continue };
            let mut invalid = |message: String| {
                issues.push(ModelIssue::Invalid {
                    what: "zone fees of vehicle type",
                    index: v,
                    message,
                })
            };
            if f.inside.len() != self.locations.len() {
                invalid(format!(
                    "{} zone masks for {} locations",
                    f.inside.len(),
                    self.locations.len()
                ));
            }
            if f.charges.len() > 64 {
                invalid(format!("{} charges, at most 64", f.charges.len()));
            }
            for (c, charge) in f.charges.iter().enumerate() {
                if charge.per_entry.0 < 0 || charge.per_day.0 < 0 {
                    invalid(format!("charge {c} has a negative amount"));
                }
                if !window_issues(&charge.windows).is_empty() {
                    invalid(format!("charge {c}: windows must be sorted and disjoint"));
                }
            }
        }
        if !issues.is_empty() {
            return Err(Error::Invalid(issues));
        }
        self.zone_fees = if fees.iter().any(Option::is_some) {
            fees
        } else {
            Vec::new()
        };
        Ok(self)
    }

    /// Add parcel lockers and pickup points with a cumulative capacity, and what each order
    /// served at one takes and costs. Validates everything (all issues at once): locations exist
    /// and hold no site or other locker, non-negative capacities, bookings and amounts, sorted
    /// windows; every use names an existing alternative at a locker's location, and every
    /// alternative at a locker's location has exactly one use. Narrows the service windows of
    /// those alternatives so that service starts and ends inside the locker's hours. Call after
    /// [`Problem::with_sites`].
    pub fn with_lockers(
        mut self,
        lockers: Vec<Locker>,
        uses: Vec<LockerUse>,
    ) -> Result<Self, Error> {
        let mut issues = self.pairs_added_before("lockers");
        let n_loc = self.locations.len();
        let mut locker_at = vec![None; n_loc];
        for (k, locker) in lockers.iter().enumerate() {
            let mut invalid = |message: String| {
                issues.push(ModelIssue::Invalid {
                    what: "locker",
                    index: k,
                    message,
                })
            };
            for &location in std::iter::once(&locker.location).chain(&locker.aliases) {
                if location as usize >= n_loc {
                    invalid(format!(
                        "location {location} does not exist ({n_loc} locations)"
                    ));
                    continue;
                }
                if let Some(other) = locker_at[location as usize] {
                    invalid(format!("location {location} is also locker {other}'s"));
                }
                if self.site_at(location).is_some() {
                    invalid(format!("location {location} is also a site's"));
                }
                locker_at[location as usize] = Some(k as u32);
            }
            if locker.capacity.0.iter().any(|&c| c < 0) || locker.booked.0.iter().any(|&c| c < 0) {
                invalid("negative capacity or booking".into());
            }
            for message in window_issues(&locker.windows) {
                invalid(message);
            }
        }
        let mut locker_uses: Vec<Vec<Option<LockerUse>>> = self
            .orders
            .iter()
            .map(|o| vec![None; o.alternatives.len()])
            .collect();
        for (u, lu) in uses.iter().enumerate() {
            let mut invalid = |message: String| {
                issues.push(ModelIssue::Invalid {
                    what: "locker use",
                    index: u,
                    message,
                })
            };
            let Some(slot) = locker_uses
                .get_mut(lu.order as usize)
                .and_then(|a| a.get_mut(lu.alternative as usize))
            else {
                invalid(format!(
                    "order {} has no alternative {}",
                    lu.order, lu.alternative
                ));
                continue;
            };
            let location =
                self.orders[lu.order as usize].alternatives[lu.alternative as usize].location;
            if locker_at
                .get(location as usize)
                .copied()
                .flatten()
                .is_none()
            {
                invalid(format!("location {location} is no locker's"));
            }
            if lu.amount.0.iter().any(|&a| a < 0) || lu.cost.0 < 0 {
                invalid("negative amount or cost".into());
            }
            if slot.replace(*lu).is_some() {
                invalid("a second use for the same alternative".into());
            }
        }
        for (o, order) in self.orders.iter().enumerate() {
            for (a, alt) in order.alternatives.iter().enumerate() {
                let at_locker = locker_at
                    .get(alt.location as usize)
                    .copied()
                    .flatten()
                    .is_some();
                if at_locker && locker_uses[o][a].is_none() {
                    issues.push(ModelIssue::Invalid {
                        what: "order",
                        index: o,
                        message: format!("alternative {a} is at a locker but has no locker use"),
                    });
                }
            }
        }
        if !issues.is_empty() {
            return Err(Error::Invalid(issues));
        }
        if lockers.is_empty() {
            return Ok(self);
        }
        let alt_windows: Vec<Vec<Vec<TimeWindow>>> = (0..self.orders.len())
            .map(|o| {
                let order = &self.orders[o];
                (0..order.alternatives.len())
                    .map(|a| {
                        let alt = &order.alternatives[a];
                        let own = self.windows(o as u32, a as u32);
                        match locker_at[alt.location as usize] {
                            None => own.to_vec(),
                            Some(k) => intersect(
                                own,
                                &service_starts(&lockers[k as usize].windows, alt.service),
                            ),
                        }
                    })
                    .collect()
            })
            .collect();
        self.alt_windows = alt_windows;
        self.locker_at = locker_at;
        self.lockers = lockers;
        self.locker_uses = locker_uses;
        self.untimed = false;
        Ok(self)
    }

    /// One issue when shipments were already added (sites and lockers must come first, so that
    /// [`Problem::with_pairs`] can judge the orders' places).
    fn pairs_added_before(&self, what: &'static str) -> Vec<ModelIssue> {
        if self.pairs.is_empty() {
            return Vec::new();
        }
        vec![ModelIssue::Invalid {
            what,
            index: 0,
            message: "add sites and lockers before shipments (with_pairs)".into(),
        }]
    }

    /// Add shipments (pickup-and-delivery pairs, see [`Shipment`]). Validates every shipment
    /// (all issues at once): both orders exist and differ, no order is in two shipments, the
    /// amount is non-negative, neither order picks anything up of its own, each has exactly one
    /// alternative and it is not at a site or a locker (the search places a pair as one unit and
    /// does not book bays or lockers for it), both are required or both optional, and no vehicle
    /// type reloads (a reload would unload an open shipment). The orders keep their `demand`
    /// (delivered from the depot as usual). Then adds `amount` to the pickup order's `pickup` and
    /// subtracts it from the delivery order's, so the load rises by it at the pickup and falls by
    /// it at the delivery (exact in [`crate::solver::load`]'s concatenation whenever the pickup
    /// comes first). An unserved optional pair pays both orders' penalties (give the delivery a
    /// zero penalty for one penalty per pair). Call after [`Problem::with_sites`] and
    /// [`Problem::with_lockers`].
    pub fn with_pairs(mut self, shipments: Vec<Shipment>) -> Result<Self, Error> {
        let mut issues = Vec::new();
        let n = self.orders.len();
        let mut pairs: Vec<Option<Pair>> = vec![None; n];
        if !shipments.is_empty() {
            for (v, vt) in self.vehicle_types.iter().enumerate() {
                if !vt.reload_depots.is_empty() {
                    issues.push(ModelIssue::Invalid {
                        what: "vehicle type",
                        index: v,
                        message: "reloads with shipments are not supported (a reload would unload a shipment still aboard)".into(),
                    });
                }
            }
        }
        for (k, sh) in shipments.iter().enumerate() {
            let mut invalid = |message: String| {
                issues.push(ModelIssue::Invalid {
                    what: "shipment",
                    index: k,
                    message,
                })
            };
            let (p, d) = (sh.pickup as usize, sh.delivery as usize);
            if p >= n || d >= n {
                invalid(format!(
                    "orders {} and {} must both exist ({n} orders)",
                    sh.pickup, sh.delivery
                ));
                continue;
            }
            if p == d {
                invalid(format!("order {p} is both its pickup and its delivery"));
                continue;
            }
            if sh.amount.has_negative() {
                invalid("negative amount".into());
            }
            for (o, role) in [(p, PairRole::Pickup), (d, PairRole::Delivery)] {
                let order = &self.orders[o];
                if pairs[o].is_some() {
                    invalid(format!("order {o} is already in another shipment"));
                }
                if order.pickup != Load::ZERO {
                    invalid(format!("order {o} picks up an amount of its own"));
                }
                if order.alternatives.len() != 1 {
                    invalid(format!(
                        "order {o} has {} alternatives; a shipment's orders need exactly one",
                        order.alternatives.len()
                    ));
                } else {
                    let at = order.alternatives[0].location;
                    if self.site_at(at).is_some() || self.locker_at(at).is_some() {
                        invalid(format!(
                            "order {o} is served at a site or locker, which shipments do not support"
                        ));
                    }
                }
                let partner = if role == PairRole::Pickup { d } else { p };
                pairs[o] = Some(Pair {
                    partner: partner as u32,
                    role,
                });
            }
            if self.orders[p].penalty.is_some() != self.orders[d].penalty.is_some() {
                invalid("one order is required and the other optional".into());
            }
        }
        if !issues.is_empty() {
            return Err(Error::Invalid(issues));
        }
        if shipments.is_empty() {
            return Ok(self);
        }
        for sh in &shipments {
            self.orders[sh.pickup as usize].pickup = sh.amount;
            self.orders[sh.delivery as usize].pickup = Load::ZERO - sh.amount;
        }
        self.pairs = pairs;
        Ok(self)
    }

    /// Order `o`'s side of a shipment, if it is in one.
    #[inline]
    pub fn pair(&self, o: u32) -> Option<Pair> {
        self.pairs.get(o as usize).copied().flatten()
    }

    /// True when some orders are shipments (see [`Problem::with_pairs`]).
    #[inline]
    pub fn has_pairs(&self) -> bool {
        !self.pairs.is_empty()
    }

    /// Parcel lockers and pickup points; empty for most problems.
    pub fn lockers(&self) -> &[Locker] {
        &self.lockers
    }

    /// The locker at location `location`, if any.
    #[inline]
    pub fn locker_at(&self, location: u32) -> Option<u32> {
        self.locker_at.get(location as usize).copied().flatten()
    }

    /// What serving order `o` through alternative `a` takes from a locker, and costs (`None`:
    /// not at a locker).
    #[inline]
    pub fn locker_use(&self, o: u32, a: u32) -> Option<&LockerUse> {
        self.locker_uses
            .get(o as usize)
            .and_then(|alts| alts.get(a as usize))
            .and_then(Option::as_ref)
    }

    /// The cost of serving order `o` through alternative `a` beyond the route's (zero unless at
    /// a locker).
    #[inline]
    pub fn alternative_cost(&self, o: u32, a: u32) -> Cost {
        self.locker_use(o, a).map_or(Cost::ZERO, |u| u.cost)
    }

    /// The zone fees vehicle type `v` pays, if any.
    #[inline]
    pub fn zone_fees(&self, v: u32) -> Option<&crate::solver::fees::ZoneFees> {
        self.zone_fees.get(v as usize).and_then(Option::as_ref)
    }

    /// Sites (loading bays); empty for most problems.
    pub fn sites(&self) -> &[Site] {
        &self.sites
    }

    /// The site at location `location`, if any.
    #[inline]
    pub fn site_at(&self, location: u32) -> Option<u32> {
        self.site_at.get(location as usize).copied().flatten()
    }

    /// Windows for the start of service of order `o` through its alternative `a`: the order's
    /// windows, narrowed by the site's hours when the alternative is served from a site.
    #[inline]
    pub fn windows(&self, o: u32, a: u32) -> &[TimeWindow] {
        if self.alt_windows.is_empty() {
            &self.orders[o as usize].windows
        } else {
            &self.alt_windows[o as usize][a as usize]
        }
    }

    /// Location names.
    pub fn locations(&self) -> &[String] {
        &self.locations
    }

    /// Routing profiles.
    pub fn profiles(&self) -> &[Profile] {
        &self.profiles
    }

    /// Orders.
    pub fn orders(&self) -> &[Order] {
        &self.orders
    }

    /// Vehicle types.
    pub fn vehicle_types(&self) -> &[VehicleType] {
        &self.vehicle_types
    }

    /// Charging stations.
    pub fn stations(&self) -> &[ChargingStation] {
        &self.stations
    }

    /// The stations vehicle type `v` should try between locations `a` and `b`: its battery's
    /// stations without those another one dominates on that arc (empty without a battery).
    #[inline]
    pub fn stations_between(&self, v: u32, a: u32, b: u32) -> &[u32] {
        match &self.arc_stations[v as usize] {
            Some(t) => {
                let i = a as usize * t.n + b as usize;
                &t.stations[t.offsets[i] as usize..t.offsets[i + 1] as usize]
            }
            None => self.vehicle_types[v as usize]
                .battery
                .as_ref()
                .map_or(&[], |b| &b.stations),
        }
    }

    /// The shortest detour to visit `location` between two stations of vehicle type `v`
    /// ([`Distance::MAX`] without stations).
    #[inline]
    pub fn station_detour(&self, v: u32, location: u32) -> Distance {
        self.station_detours[v as usize]
            .get(location as usize)
            .copied()
            .unwrap_or(Distance::MAX)
    }

    /// The order with index `o`.
    #[inline]
    pub fn order(&self, o: u32) -> &Order {
        &self.orders[o as usize]
    }

    /// The vehicle type with index `v`.
    #[inline]
    pub fn vehicle_type(&self, v: u32) -> &VehicleType {
        &self.vehicle_types[v as usize]
    }

    /// The profile vehicle type `v` drives with.
    #[inline]
    pub fn profile_of(&self, v: u32) -> &Profile {
        &self.profiles[self.vehicle_types[v as usize].profile as usize]
    }

    /// True when no time rule can ever be broken (every order has a window that never closes, no
    /// shift end, no duration limit): insertion checks then skip the schedule.
    pub fn is_untimed(&self) -> bool {
        self.untimed
    }

    /// Total number of vehicles over all types.
    pub fn fleet_size(&self) -> u32 {
        self.vehicle_types.iter().map(|v| v.count).sum()
    }
}

/// The windows in which a service of length `service` may start so as to end inside `windows`.
fn service_starts(windows: &[TimeWindow], service: Duration) -> Vec<TimeWindow> {
    windows
        .iter()
        .filter_map(|w| {
            let close = if w.close == Time::MAX {
                Time::MAX
            } else {
                w.close - service
            };
            (close >= w.open).then_some(TimeWindow {
                open: w.open,
                close,
            })
        })
        .collect()
}

/// The intersection of two sorted, disjoint window lists.
fn intersect(a: &[TimeWindow], b: &[TimeWindow]) -> Vec<TimeWindow> {
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let open = a[i].open.max(b[j].open);
        let close = a[i].close.min(b[j].close);
        if open <= close {
            out.push(TimeWindow { open, close });
        }
        if a[i].close < b[j].close {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// Earliest feasible start of service for an arrival at `arrival`, or `None` when every window has
/// closed. Windows must be sorted and disjoint.
#[inline]
pub fn service_start(windows: &[TimeWindow], arrival: Time) -> Option<Time> {
    windows
        .iter()
        .find(|w| w.close >= arrival)
        .map(|w| w.open.max(arrival))
}

/// Latest arrival from which service can start no later than `latest_start`, or `None`.
#[inline]
pub fn latest_arrival(windows: &[TimeWindow], latest_start: Time) -> Option<Time> {
    windows
        .iter()
        .rev()
        .find(|w| w.open <= latest_start)
        .map(|w| w.close.min(latest_start))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::travel::Matrix;

    #[test]
    fn multi_window_start_and_latest() {
        let w = [
            TimeWindow {
                open: Time(10),
                close: Time(20),
            },
            TimeWindow {
                open: Time(50),
                close: Time(60),
            },
        ];
        assert_eq!(service_start(&w, Time(5)), Some(Time(10)));
        assert_eq!(service_start(&w, Time(25)), Some(Time(50)));
        assert_eq!(service_start(&w, Time(61)), None);
        assert_eq!(latest_arrival(&w, Time(55)), Some(Time(55)));
        assert_eq!(latest_arrival(&w, Time(40)), Some(Time(20)));
        assert_eq!(latest_arrival(&w, Time(5)), None);
    }

    #[test]
    fn validation_collects_every_issue() {
        let m = Matrix::from_fn(1, |_, _| Distance(0));
        let t = Matrix::from_fn(1, |_, _| Duration(0));
        let order = Order {
            id: "a".into(),
            alternatives: vec![Alternative {
                location: 7,
                service: Duration(0),
            }],
            demand: Load([-1, 0, 0]),
            pickup: Load::ZERO,
            windows: vec![],
            penalty: None,
        };
        let err = Problem::new(
            vec!["depot".into()],
            vec![Profile::constant("p", m, t)],
            vec![order],
            vec![],
        )
        .unwrap_err();
        let Error::Invalid(issues) = err else {
            panic!("expected a validation error, got {err}");
        };
        assert_eq!(issues.len(), 3, "{issues:?}");
    }
}
