//! The rules an assembled [`Scenario`] must keep before it is planned, whoever built it (the
//! scenario reader, a sweep variant, a two-tier tier, a library caller).
//!
//! Owns: [`Scenario::validate`], [`ValidationError`], [`Problem`] (a [`Subject`] and the
//! [`Rule`] it breaks). Must never: read files or know where a value was written; the reader
//! renders each [`Subject`] as its file position (table, record, orders file) itself.
//! Invariants: every problem is listed, not only the first, in a stable order (scenario-wide
//! settings, then carriers in order with their fleet entries and orders, then permits, then
//! bays, then the locker settings and lockers); a scenario that validates cannot make the planner index out of range (every class,
//! permit and bay class index is in range).

use super::{DeliveryOrder, FleetEntry, Scenario};
use crate::time::DAY;
use std::fmt;

/// What a problem is about. Indices are positions in the scenario's lists (0-based); ids are
/// the user's.
#[derive(Clone, Debug, PartialEq)]
pub enum Subject {
    /// The weekday of the plan.
    Day,
    /// The solver's budget.
    Solver,
    /// The energy and emission factors.
    Factors,
    /// Walking from bays and the roads where vehicles may not stop.
    Stopping,
    /// A carrier.
    Carrier {
        /// Position in [`Scenario::carriers`].
        carrier: usize,
        /// Its id.
        id: String,
    },
    /// One entry of a carrier's fleet.
    FleetEntry {
        /// Position in [`Scenario::carriers`].
        carrier: usize,
        /// The carrier's id.
        carrier_id: String,
        /// Position in the carrier's fleet.
        entry: usize,
    },
    /// One order of a carrier.
    Order {
        /// Position in [`Scenario::carriers`].
        carrier: usize,
        /// The carrier's id.
        carrier_id: String,
        /// Position in the carrier's orders.
        order: usize,
        /// The order's id (may be empty: that is then the problem).
        id: String,
    },
    /// A permit of the policy.
    Permit {
        /// Its id.
        id: String,
    },
    /// A loading point.
    Bay {
        /// Its id.
        id: String,
    },
    /// A parcel locker or pickup point.
    Locker {
        /// Its id.
        id: String,
        /// Where it was read ([`super::Locker::origin`]).
        origin: String,
    },
    /// The `[lockers]` settings.
    LockerSettings,
    /// A field of a two-tier setup ([`super::two_tier::TwoTier`]); its rules read after the field
    /// (`centre [..] is not ...`, `night_fleet is empty`).
    TwoTier {
        /// The field (`centre`, `unload_s`, `night_fleet`, `last_mile_fleet`).
        field: &'static str,
        /// The fleet entry (position), for the two fleets.
        entry: Option<usize>,
    },
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Day => write!(f, "`day`"),
            Subject::Solver => write!(f, "solver"),
            Subject::Factors => write!(f, "factors"),
            Subject::Stopping => write!(f, "stopping"),
            Subject::Carrier { id, .. } => write!(f, "carrier `{id}`"),
            Subject::FleetEntry {
                carrier_id, entry, ..
            } => write!(f, "carrier `{carrier_id}` fleet entry #{}", entry + 1),
            Subject::Order {
                carrier_id,
                order,
                id,
                ..
            } if id.is_empty() => write!(f, "carrier `{carrier_id}` order #{}", order + 1),
            Subject::Order { carrier_id, id, .. } => {
                write!(f, "carrier `{carrier_id}` order `{id}`")
            }
            Subject::Permit { id } => write!(f, "permit `{id}`"),
            Subject::Bay { id } => write!(f, "bay `{id}`"),
            Subject::Locker { id, origin } if origin.is_empty() => write!(f, "locker `{id}`"),
            Subject::Locker { id, origin } => write!(f, "locker `{id}` ({origin})"),
            Subject::LockerSettings => write!(f, "lockers"),
            Subject::TwoTier { field, entry: None } => write!(f, "two-tier `{field}`"),
            Subject::TwoTier {
                field,
                entry: Some(k),
            } => write!(f, "two-tier `{field}` #{}", k + 1),
        }
    }
}

/// A rule an assembled scenario breaks.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum Rule {
    /// An order whose receiver accepts only a locker has none in reach.
    #[error("accepts only a parcel locker or pickup point, but none within {radius_m} m is open to carrier `{carrier}` and takes its parcels")]
    NoLockerInReach {
        /// The walking radius.
        radius_m: f64,
        /// The order's carrier.
        carrier: String,
    },
    /// `accept_share` outside 0 to 1.
    #[error("`accept_share` must be 0 to 1, got {0}")]
    AcceptShare(f64),
    /// Two lockers with one id.
    #[error("id used twice")]
    DuplicateLocker,
    /// A locker or pickup point that holds nothing.
    #[error("capacity 0: it can hold no parcel (give compartments or `parcels` of at least 1)")]
    LockerEmpty,
    /// A locker off the globe.
    #[error("position {0:?} is not [lon, lat] in degrees")]
    LockerPosition([f64; 2]),
    /// `day` is not 0 (Monday) to 6 (Sunday).
    #[error("must be 0 (Monday) to 6 (Sunday), got {0}")]
    Weekday(u8),
    /// Neither an iteration count nor a time limit.
    #[error("set `iterations` and/or `time_limit_s`")]
    NoBudget,
    /// No worker thread.
    #[error("`threads` must be at least 1")]
    NoThreads,
    /// A time limit that is not a positive number of seconds.
    #[error("`time_limit_s` must be a positive number of seconds, got {0}")]
    TimeLimit(f64),
    /// A factor below zero or not a number.
    #[error("`{name}` must be zero or more, got {value}")]
    Negative {
        /// The field.
        name: &'static str,
        /// Its value.
        value: f64,
    },
    /// `range_factor` outside `(0, 2]`.
    #[error("`range_factor` must be above 0 and at most 2, got {0}")]
    RangeFactor(f64),
    /// `battery_reserve` of the whole pack or more.
    #[error("`battery_reserve` must be below 1, got {0}")]
    BatteryReserve(f64),
    /// Exhaust factors for a class the scenario does not have.
    #[error("`class.{0}`: unknown vehicle class `{0}` (see `cityfreight classes`)")]
    FactorsClass(String),
    /// A class's exhaust factor below zero or not a number.
    #[error("`class.{class}` `{name}` must be zero or more")]
    ClassFactorNegative {
        /// The class id.
        class: String,
        /// The field.
        name: &'static str,
    },
    /// A walking setting below its minimum.
    #[error("`{name}` must be at least {min}, got {value}")]
    AtLeast {
        /// The field.
        name: &'static str,
        /// The minimum.
        min: f64,
        /// Its value.
        value: f64,
    },
    /// Nothing carried per walking loop.
    #[error("`carry_kg` must be positive")]
    NoCarry,
    /// No walking loop allowed.
    #[error("`max_loops` must be at least 1")]
    NoLoops,
    /// A no-stop road that is not a road class.
    #[error("`no_stop_roads`: `{0}` is not a highway=* road class")]
    NoStopRoad(String),
    /// Two carriers with one id.
    #[error("carrier id used twice")]
    DuplicateCarrier,
    /// A depot off the globe.
    #[error("depot {0:?} is not [lon, lat] in degrees")]
    Depot([f64; 2]),
    /// A carrier without orders.
    #[error("no orders")]
    NoOrders,
    /// A class index out of range.
    #[error("class index {index} is not one of the scenario's {classes} vehicle classes")]
    ClassIndex {
        /// The index.
        index: usize,
        /// How many classes there are.
        classes: usize,
    },
    /// A permit index out of range.
    #[error("permit index {index} is not one of the policy's {permits} permits")]
    PermitIndex {
        /// The index.
        index: usize,
        /// How many permits there are.
        permits: usize,
    },
    /// A fleet entry of no vehicles.
    #[error("`count` must be positive, got 0")]
    NoVehicles,
    /// A shift that does not end after it starts within the day.
    #[error("`shift` {} must end after it starts, within the day", span(*.0))]
    Shift((u32, u32)),
    /// A class the permit is not for.
    #[error("class `{class}` is not eligible for permit `{permit}`")]
    NotEligible {
        /// The class id.
        class: String,
        /// The permit id.
        permit: String,
    },
    /// An order without id.
    #[error("empty id")]
    EmptyOrderId,
    /// Two orders of one carrier with one id.
    #[error("order id used twice")]
    DuplicateOrder,
    /// A door off the globe.
    #[error("`{},{}` is not a valid lon,lat", .0[0], .0[1])]
    Door([f64; 2]),
    /// Time windows out of order, overlapping, or not ending after they open.
    #[error("`windows` overlap")]
    Windows,
    /// An order no vehicle of its carrier can carry.
    #[error("weighs {:.1} kg, more than every vehicle of carrier `{carrier}` carries", f64::from(*.weight_g) / 1000.0)]
    TooHeavy {
        /// The order's weight (g).
        weight_g: u32,
        /// The carrier id.
        carrier: String,
    },
    /// More permits held than the total quota.
    #[error("the fleets hold {held} permits, the quota is {quota}")]
    QuotaTotal {
        /// Permits held by all fleets.
        held: u32,
        /// The quota.
        quota: u32,
    },
    /// More permits held by one carrier than its quota.
    #[error("carrier `{carrier}` holds {held} permits, its quota is {quota}")]
    QuotaCarrier {
        /// The carrier id.
        carrier: String,
        /// Permits it holds.
        held: u32,
        /// Its quota.
        quota: u32,
    },
    /// A bay none of the fleets' classes may use.
    #[error("admits none of the fleets' vehicle classes")]
    BayUnused,
    /// A two-tier centre off the globe.
    #[error("{0:?} is not [lon, lat] in degrees")]
    Centre([f64; 2]),
    /// An unloading time beyond four hours.
    #[error("must be 0 to 14400 s, got {0}")]
    UnloadTime(u32),
    /// A two-tier fleet without entries.
    #[error("is empty")]
    EmptyFleet,
    /// A night truck that cannot be unloaded before the last mile starts.
    #[error("its shift starts at {}, too late to unload before the last mile starts at {}", crate::time::clock(i64::from(*.shift_start)), crate::time::clock(i64::from(*.last_mile_start)))]
    UnloadTooLate {
        /// Its shift start (s of the day).
        shift_start: u32,
        /// The last mile's start (s of the day).
        last_mile_start: u32,
    },
    /// An order no last-mile vehicle can carry.
    #[error("cannot carry carrier `{carrier}` order `{order}`: it weighs {:.1} kg, more than every last-mile vehicle carries", f64::from(*.weight_g) / 1000.0)]
    LastMileTooHeavy {
        /// The carrier id.
        carrier: String,
        /// The order id.
        order: String,
        /// Its weight (g).
        weight_g: u32,
    },
}

fn span((a, b): (u32, u32)) -> String {
    format!(
        "{}-{}",
        crate::time::clock(i64::from(a)),
        crate::time::clock(i64::from(b))
    )
}

/// One broken rule and what breaks it.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// What it is about.
    pub at: Subject,
    /// The rule.
    pub rule: Rule,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.rule)
    }
}

/// Every rule a scenario breaks, all at once.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidationError {
    /// The scenario's name.
    pub scenario: String,
    /// The problems, in a stable order (never empty).
    pub problems: Vec<Problem>,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "scenario `{}` has {} problem(s):",
            self.scenario,
            self.problems.len()
        )?;
        for p in &self.problems {
            write!(f, "\n  {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationError {}

/// `Ok` when `problems` is empty, else the error of scenario `name`.
pub(crate) fn verdict(name: &str, problems: Vec<Problem>) -> Result<(), ValidationError> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ValidationError {
            scenario: name.to_string(),
            problems,
        })
    }
}

fn lon_lat_ok([lon, lat]: [f64; 2]) -> bool {
    (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)
}

impl Scenario {
    /// Check every rule of the assembled scenario: the weekday; the solver's budget; factor
    /// ranges (zero or more; `range_factor` in (0, 2]; `battery_reserve` below 1; per-class
    /// factors for known classes); walking settings (speed ≥ 0.1 m/s, detour ≥ 1, something
    /// carried, at least one loop, no-stop roads that are road classes); per carrier: a unique
    /// id, a depot on the globe, orders; per fleet entry: class and permit indices in range,
    /// vehicles, a shift within the day, a class eligible for its permit; per order: an id,
    /// unique in its carrier, a door on the globe, sorted non-overlapping windows, a weight some
    /// vehicle of its carrier carries; per permit: the total and per-carrier quotas; per bay:
    /// class indices in range, admitting some class of the fleets. Every problem is listed.
    pub fn validate(&self) -> Result<(), ValidationError> {
        verdict(&self.name, self.problems())
    }

    /// Every rule the scenario breaks (empty: it validates), in the order of [`Scenario::validate`].
    pub fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        let mut at = |at: Subject, rule: Rule| out.push(Problem { at, rule });
        if self.day > 6 {
            at(Subject::Day, Rule::Weekday(self.day));
        }
        let s = &self.solver;
        if s.iterations.is_none() && s.time_limit_s.is_none() {
            at(Subject::Solver, Rule::NoBudget);
        }
        if let Some(t) = s.time_limit_s.filter(|t| !(t.is_finite() && *t > 0.0)) {
            at(Subject::Solver, Rule::TimeLimit(t));
        }
        if s.threads == 0 {
            at(Subject::Solver, Rule::NoThreads);
        }
        let f = &self.factors;
        for (name, value) in [
            ("grid_kg_co2_per_kwh", f.grid_kg_co2_per_kwh),
            ("diesel_kg_co2_per_l", f.diesel_kg_co2_per_l),
            ("petrol_kg_co2_per_l", f.petrol_kg_co2_per_l),
            ("fuel_upstream_share", f.fuel_upstream_share),
            ("diesel_nox_g_per_km", f.diesel_nox_g_per_km),
            ("diesel_pm25_g_per_km", f.diesel_pm25_g_per_km),
            ("battery_reserve", f.battery_reserve),
        ] {
            if !(value.is_finite() && value >= 0.0) {
                at(Subject::Factors, Rule::Negative { name, value });
            }
        }
        if f.battery_reserve >= 1.0 {
            at(Subject::Factors, Rule::BatteryReserve(f.battery_reserve));
        }
        let r = f.range_factor;
        if !(r.is_finite() && r > 0.0 && r <= 2.0) {
            at(Subject::Factors, Rule::RangeFactor(r));
        }
        for (class, factors) in &f.per_class {
            if !self.classes.iter().any(|c| &c.id == class) {
                at(Subject::Factors, Rule::FactorsClass(class.clone()));
            }
            for (name, v) in [
                ("nox_g_per_km", factors.nox_g_per_km),
                ("pm25_g_per_km", factors.pm25_g_per_km),
            ] {
                if v.is_some_and(|v| !(v.is_finite() && v >= 0.0)) {
                    let class = class.clone();
                    at(Subject::Factors, Rule::ClassFactorNegative { class, name });
                }
            }
        }
        let w = &self.stopping;
        for (name, value, min) in [
            ("walk_m_s", w.walk_m_s, 0.1),
            ("walk_detour", w.walk_detour, 1.0),
        ] {
            if !(value.is_finite() && value >= min) {
                at(Subject::Stopping, Rule::AtLeast { name, min, value });
            }
        }
        if w.carry_g == 0 {
            at(Subject::Stopping, Rule::NoCarry);
        }
        if w.max_loops == 0 {
            at(Subject::Stopping, Rule::NoLoops);
        }
        for road in &w.no_stop_roads {
            if crate::osm::tags::RoadClass::parse(road).is_none() {
                at(Subject::Stopping, Rule::NoStopRoad(road.clone()));
            }
        }
        for (c, carrier) in self.carriers.iter().enumerate() {
            let here = Subject::Carrier {
                carrier: c,
                id: carrier.id.clone(),
            };
            if self.carriers[..c].iter().any(|o| o.id == carrier.id) {
                at(here.clone(), Rule::DuplicateCarrier);
            }
            if !lon_lat_ok(carrier.depot) {
                at(here.clone(), Rule::Depot(carrier.depot));
            }
            if carrier.orders.is_empty() {
                at(here, Rule::NoOrders);
            }
            for (k, entry) in carrier.fleet.iter().enumerate() {
                let subject = || Subject::FleetEntry {
                    carrier: c,
                    carrier_id: carrier.id.clone(),
                    entry: k,
                };
                for rule in self.fleet_entry_rules(entry) {
                    at(subject(), rule);
                }
            }
            let max_payload_g = carrier
                .fleet
                .iter()
                .filter_map(|f| self.classes.get(f.class))
                .map(|c| u64::from(c.payload_kg) * 1000)
                .max()
                .unwrap_or(0);
            for (rule, o) in order_rules(&carrier.orders) {
                at(order_subject(c, &carrier.id, o, &carrier.orders[o]), rule);
            }
            for (o, order) in carrier.orders.iter().enumerate() {
                let accepts = self.lockers.acceptance(&carrier.id, order);
                if accepts == super::Acceptance::Only
                    && self.lockers.in_reach(&carrier.id, order).is_empty()
                {
                    at(
                        order_subject(c, &carrier.id, o, order),
                        Rule::NoLockerInReach {
                            radius_m: self.lockers.radius_m,
                            carrier: carrier.id.clone(),
                        },
                    );
                }
                if u64::from(order.weight_g) > max_payload_g {
                    at(
                        order_subject(c, &carrier.id, o, order),
                        Rule::TooHeavy {
                            weight_g: order.weight_g,
                            carrier: carrier.id.clone(),
                        },
                    );
                }
            }
        }
        // Permit quotas: the fleets may not hold more permits than the policy grants.
        for (p, permit) in self.policy.permits.iter().enumerate() {
            let held: Vec<(&str, u32)> = self
                .carriers
                .iter()
                .map(|c| {
                    let n = c.fleet.iter().filter(|f| f.permit == Some(p));
                    (
                        c.id.as_str(),
                        n.map(|f| f.count).fold(0, u32::saturating_add),
                    )
                })
                .collect();
            let total = held.iter().map(|h| h.1).fold(0, u32::saturating_add);
            let subject = || Subject::Permit {
                id: permit.id.clone(),
            };
            if let Some(quota) = permit.quota_total.filter(|&q| total > q) {
                at(subject(), Rule::QuotaTotal { held: total, quota });
            }
            for (carrier, quota) in &permit.quota_per_carrier {
                let quota = *quota;
                let n = held.iter().filter(|h| h.0 == carrier).map(|h| h.1).sum();
                if n > quota {
                    let carrier = carrier.clone();
                    at(
                        subject(),
                        Rule::QuotaCarrier {
                            carrier,
                            held: n,
                            quota,
                        },
                    );
                }
            }
        }
        let fleet_classes: Vec<usize> = self
            .carriers
            .iter()
            .flat_map(|c| c.fleet.iter().map(|f| f.class))
            .filter(|&c| c < self.classes.len())
            .collect();
        for bay in &self.bays {
            let subject = || Subject::Bay { id: bay.id.clone() };
            let bad: Vec<usize> = bay
                .classes
                .iter()
                .flatten()
                .copied()
                .filter(|&c| c >= self.classes.len())
                .collect();
            for index in bad {
                let classes = self.classes.len();
                at(subject(), Rule::ClassIndex { index, classes });
            }
            if !fleet_classes
                .iter()
                .any(|&c| bay.admits(c, &self.classes[c]))
            {
                at(subject(), Rule::BayUnused);
            }
        }
        let l = &self.lockers;
        if !(l.accept_share.is_finite() && (0.0..=1.0).contains(&l.accept_share)) {
            at(Subject::LockerSettings, Rule::AcceptShare(l.accept_share));
        }
        for (name, value, min) in [
            ("radius_m", l.radius_m, 0.0),
            ("small_l", l.small_l, 0.0),
            ("medium_l", l.medium_l, l.small_l),
            ("large_l", l.large_l, l.medium_l),
        ] {
            if !(value.is_finite() && value >= min) {
                at(Subject::LockerSettings, Rule::AtLeast { name, min, value });
            }
        }
        for (k, locker) in l.list.iter().enumerate() {
            let subject = || Subject::Locker {
                id: locker.id.clone(),
                origin: locker.origin.clone(),
            };
            if l.list[..k].iter().any(|o| o.id == locker.id) {
                at(subject(), Rule::DuplicateLocker);
            }
            if !lon_lat_ok(locker.lon_lat) {
                at(subject(), Rule::LockerPosition(locker.lon_lat));
            }
            if locker.capacity.total() == 0 {
                at(subject(), Rule::LockerEmpty);
            }
        }
        out
    }

    /// The rules one fleet entry breaks: class and permit indices in range, vehicles, a shift
    /// within the day, a class eligible for the permit.
    pub(crate) fn fleet_entry_rules(&self, entry: &FleetEntry) -> Vec<Rule> {
        let mut out = Vec::new();
        let class = self.classes.get(entry.class);
        if class.is_none() {
            out.push(Rule::ClassIndex {
                index: entry.class,
                classes: self.classes.len(),
            });
        }
        let permits = &self.policy.permits;
        let permit = entry.permit.map(|p| (p, permits.get(p)));
        if let Some((index, None)) = permit {
            out.push(Rule::PermitIndex {
                index,
                permits: permits.len(),
            });
        }
        if entry.count == 0 {
            out.push(Rule::NoVehicles);
        }
        if entry.shift.0 >= entry.shift.1 || entry.shift.1 > DAY {
            out.push(Rule::Shift(entry.shift));
        }
        if let (Some(class), Some((_, Some(permit)))) = (class, permit) {
            if !permit.eligible.matches(class) {
                out.push(Rule::NotEligible {
                    class: class.id.clone(),
                    permit: permit.id.clone(),
                });
            }
        }
        out
    }
}

fn order_subject(c: usize, carrier_id: &str, o: usize, order: &DeliveryOrder) -> Subject {
    Subject::Order {
        carrier: c,
        carrier_id: carrier_id.to_string(),
        order: o,
        id: order.id.clone(),
    }
}

/// The rules each of one carrier's orders breaks on its own or with the others (an id, unique;
/// a door on the globe; sorted, non-overlapping windows), with the order's position: the part
/// of [`Scenario::validate`] an orders file alone can be checked against.
pub fn order_rules(orders: &[DeliveryOrder]) -> Vec<(Rule, usize)> {
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (o, order) in orders.iter().enumerate() {
        if order.id.is_empty() {
            out.push((Rule::EmptyOrderId, o));
        } else if !seen.insert(order.id.as_str()) {
            out.push((Rule::DuplicateOrder, o));
        }
        if !lon_lat_ok(order.lon_lat) {
            out.push((Rule::Door(order.lon_lat), o));
        }
        let w = &order.windows;
        if w.iter().any(|&(a, b)| a > b) || w.windows(2).any(|p| p[1].0 <= p[0].1) {
            out.push((Rule::Windows, o));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Carrier, Factors, SolverSettings, Stopping};
    use crate::vehicle::default_classes;

    fn order(id: &str, weight_g: u32) -> DeliveryOrder {
        DeliveryOrder {
            id: id.into(),
            lon_lat: [104.07, 30.67],
            weight_g,
            volume_ml: 1_000,
            parcels: 1,
            service_s: 60,
            windows: vec![(8 * 3600, 12 * 3600)],
            shareable: true,
            pickup: Default::default(),
            locker: None,
        }
    }

    /// One carrier with one e-micro-van and two orders, built in memory.
    fn by_hand() -> Scenario {
        let classes = default_classes();
        let van = classes.iter().position(|c| c.id == "e-micro-van").unwrap();
        Scenario {
            name: "by-hand".into(),
            osm: Default::default(),
            classes,
            policy: Default::default(),
            day: 1,
            carriers: vec![Carrier {
                id: "sf".into(),
                depot: [104.05, 30.7],
                fleet: vec![FleetEntry {
                    class: van,
                    count: 2,
                    permit: None,
                    shift: (6 * 3600, 20 * 3600),
                }],
                orders: vec![order("a", 5_000), order("b", 8_000)],
            }],
            solver: SolverSettings {
                iterations: Some(10),
                time_limit_s: None,
                threads: 1,
                seed: 1,
                local_search: Some(0),
                swap_star: false,
                stop: Default::default(),
            },
            factors: Factors::default(),
            bays: Vec::new(),
            stopping: Stopping::default(),
            stations: Vec::new(),
            osm_stations: false,
            traffic: Default::default(),
            lockers: Default::default(),
        }
    }

    #[test]
    fn locker_rules_name_the_locker_and_the_order() {
        use crate::scenario::{Acceptance, Locker, LockerCapacity, LockerKind};
        let mut s = by_hand();
        s.lockers.accept_share = 1.5;
        let locker = |id: &str, capacity, lon_lat| Locker {
            id: id.into(),
            name: id.into(),
            kind: LockerKind::Locker,
            lon_lat,
            capacity,
            hours: crate::time::Schedule::always(),
            carriers: Some(vec!["jd".into()]),
            service_s: 60,
            per_parcel_s: 10,
            origin: format!("lockers.csv line {}", if id == "x" { 2 } else { 3 }),
        };
        s.lockers.list = vec![
            locker("x", LockerCapacity::Parcels(0), [104.07, 30.67]),
            locker("y", LockerCapacity::Parcels(5), [104.07, 30.67]),
        ];
        // Order `a` accepts only a locker: the one next door admits only `jd`.
        s.carriers[0].orders[0].locker = Some(Acceptance::Only);
        let problems = s.problems();
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(
            text.iter()
                .any(|p| p.starts_with("carrier `sf` order `a`: accepts only")),
            "{text:#?}"
        );
        assert!(
            text.iter()
                .any(|p| p.starts_with("locker `x` (lockers.csv line 2): capacity 0")),
            "{text:#?}"
        );
        assert!(text
            .iter()
            .any(|p| p.contains("`accept_share` must be 0 to 1")));
        assert_eq!(problems.len(), 3, "{text:#?}");
        // Open to every carrier, the locker next door is in reach.
        s.lockers.list[1].carriers = None;
        s.lockers.accept_share = 0.3;
        s.lockers.list[0].capacity = LockerCapacity::Parcels(1);
        assert!(s.validate().is_ok(), "{:?}", s.problems());
    }

    #[test]
    fn a_hand_built_scenario_lists_both_of_its_problems() {
        let mut s = by_hand();
        assert_eq!(s.validate(), Ok(()));
        s.carriers[0].orders[1].id = "a".into();
        s.carriers[0].fleet[0].permit = Some(3);
        let e = s.validate().unwrap_err();
        assert_eq!(e.scenario, "by-hand");
        assert_eq!(
            e.problems,
            vec![
                Problem {
                    at: Subject::FleetEntry {
                        carrier: 0,
                        carrier_id: "sf".into(),
                        entry: 0
                    },
                    rule: Rule::PermitIndex {
                        index: 3,
                        permits: 0
                    },
                },
                Problem {
                    at: Subject::Order {
                        carrier: 0,
                        carrier_id: "sf".into(),
                        order: 1,
                        id: "a".into()
                    },
                    rule: Rule::DuplicateOrder,
                },
            ]
        );
        let text = e.to_string();
        assert!(
            text.contains("2 problem(s)")
                && text.contains("carrier `sf` fleet entry #1: permit index 3")
                && text.contains("carrier `sf` order `a`: order id used twice"),
            "{text}"
        );
    }

    #[test]
    fn each_rule_names_its_subject() {
        let mut s = by_hand();
        s.day = 7;
        s.solver.iterations = None;
        s.factors.range_factor = 0.0;
        s.factors.battery_reserve = 1.0;
        s.stopping.max_loops = 0;
        s.carriers[0].depot = [204.0, 30.0];
        s.carriers[0].fleet[0].count = 0;
        s.carriers[0].fleet[0].shift = (9 * 3600, 8 * 3600);
        s.carriers[0].orders[0].weight_g = 2_000_000;
        s.carriers[0].orders[1].windows = vec![(8 * 3600, 12 * 3600), (11 * 3600, 13 * 3600)];
        s.carriers.push(s.carriers[0].clone());
        s.carriers[1].orders.clear();
        let rules: Vec<(String, Rule)> = s
            .problems()
            .into_iter()
            .map(|p| (p.at.to_string(), p.rule))
            .collect();
        for (at, rule) in [
            ("`day`", Rule::Weekday(7)),
            ("solver", Rule::NoBudget),
            ("factors", Rule::RangeFactor(0.0)),
            ("factors", Rule::BatteryReserve(1.0)),
            ("stopping", Rule::NoLoops),
            ("carrier `sf`", Rule::Depot([204.0, 30.0])),
            ("carrier `sf`", Rule::DuplicateCarrier),
            ("carrier `sf`", Rule::NoOrders),
            ("carrier `sf` fleet entry #1", Rule::NoVehicles),
            (
                "carrier `sf` fleet entry #1",
                Rule::Shift((9 * 3600, 8 * 3600)),
            ),
            ("carrier `sf` order `b`", Rule::Windows),
        ] {
            assert!(
                rules.contains(&(at.to_string(), rule.clone())),
                "missing {at}: {rule} in {rules:#?}"
            );
        }
        assert!(rules
            .iter()
            .any(|(at, r)| at == "carrier `sf` order `a`" && matches!(r, Rule::TooHeavy { .. })));
    }
}
