//! A planning scenario: the extract, vehicle classes, the city's policy, carriers with depots,
//! fleets and orders, the day, and the solver's budget. Plain data, with its rules in one place:
//! [`Scenario::validate`] (in `validate.rs`).
//!
//! Owns: [`Scenario`], [`Carrier`], [`FleetEntry`], [`DeliveryOrder`], [`Factors`], parcel
//! lockers and pickup points ([`lockers`]), and the
//! rules of an assembled scenario ([`ValidationError`]). Must never: read files (that is
//! `io::scenario`) or plan (that is `plan`).
//!
//! Validation: [`Scenario::validate`] holds every rule about the assembled scenario (weekday,
//! solver budget, factor and walking ranges, unique carrier ids, depots and doors on the globe,
//! class and permit indices in range, vehicles and shifts per fleet entry, permit eligibility,
//! total and per-carrier permit quotas, unique order ids, sorted windows, orders some vehicle of
//! their carrier carries, bays some fleet class may use, parcel lockers with a capacity and a
//! position, `only` orders with a locker in reach, a locker share between 0 and 1) and lists every problem at once, each a
//! [`Problem`]: a [`Subject`] (the carrier, fleet entry, order, permit or bay, by position and id)
//! and the [`Rule`] it breaks. Whoever builds a scenario goes through it: the reader
//! (`io::scenario`, which keeps only what is about the file: syntax, names it cannot resolve to
//! indices, unreadable values, and renders each subject as its file position — the table, the
//! `[[carrier]]` record, the orders file's path), sweep variants (`sweep::apply`), two-tier tiers
//! (`plan::two_tier`, after [`two_tier::TwoTier::validate`]), and the planning entry points
//! (`plan::plan`, `plan::plan_pooled`, `plan::share::share`), so a scenario built by hand gets
//! the validation error rather than a solver panic or a silent plan.
//! Units: times are seconds after midnight of the plan day; weights grams, volumes millilitres;
//! money in cents; coordinates `[lon, lat]` degrees.

pub mod lockers;
pub mod two_tier;
pub mod validate;

pub use lockers::{Acceptance, Locker, LockerCapacity, LockerKind, Lockers};

pub use validate::{Problem, Rule, Subject, ValidationError};

use crate::osm::read::OsmCharger;
use crate::time::Schedule;
use crate::vehicle::VehicleClass;
use crate::zones::Policy;
use std::path::PathBuf;

/// One delivery order of a carrier.
#[derive(Clone, Debug, PartialEq)]
pub struct DeliveryOrder {
    /// The carrier's id for it.
    pub id: String,
    /// Destination `[lon, lat]`.
    pub lon_lat: [f64; 2],
    /// Weight (g).
    pub weight_g: u32,
    /// Volume (ml).
    pub volume_ml: u32,
    /// Parcels.
    pub parcels: u32,
    /// Service time at the door (s).
    pub service_s: u32,
    /// Time windows for the start of service, `[open, close]` seconds of the day, sorted.
    pub windows: Vec<(u32, u32)>,
    /// May other carriers' vehicles deliver it when carriers pool (共同配送)?
    pub shareable: bool,
    /// What the vehicle collects there (zero: a pure delivery; zero weight, volume and parcels
    /// delivered with a pickup: a pure pickup).
    pub pickup: Pickup,
    /// Does the receiver accept a parcel locker or pickup point? `None`: the order does not
    /// say, [`Lockers::acceptance`] decides by the scenario's share.
    pub locker: Option<Acceptance>,
}

/// What an order collects: parcels sent (揽收), e-commerce returns (退货) or packaging for
/// recovery and reuse (包装物回收), carried to the next reload or back to the depot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pickup {
    /// Weight (g).
    pub weight_g: u32,
    /// Volume (ml).
    pub volume_ml: u32,
    /// Parcels.
    pub parcels: u32,
    /// Why it is collected (for the KPIs).
    pub kind: PickupKind,
}

impl Pickup {
    /// True when nothing is collected.
    pub fn is_none(&self) -> bool {
        self.weight_g == 0 && self.volume_ml == 0 && self.parcels == 0
    }
}

/// Why an order's pickup is collected.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum PickupKind {
    /// Parcels a sender or shop hands over (揽收).
    #[default]
    Collection,
    /// E-commerce returns (退货).
    Return,
    /// Packaging collected for recovery and reuse (包装物回收).
    Packaging,
}

impl PickupKind {
    /// The name used in orders CSV files and KPI names.
    pub fn name(self) -> &'static str {
        match self {
            PickupKind::Collection => "collection",
            PickupKind::Return => "return",
            PickupKind::Packaging => "packaging",
        }
    }

    /// Parse a CSV name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "collection" | "pickup" => Some(PickupKind::Collection),
            "return" => Some(PickupKind::Return),
            "packaging" => Some(PickupKind::Packaging),
            _ => None,
        }
    }
}

/// Vehicles of one class in a carrier's fleet.
#[derive(Clone, Debug, PartialEq)]
pub struct FleetEntry {
    /// Index into [`Scenario::classes`].
    pub class: usize,
    /// How many.
    pub count: u32,
    /// Index into the policy's permits: every vehicle of this entry holds it.
    pub permit: Option<usize>,
    /// Shift `[start, end]`, seconds of the day.
    pub shift: (u32, u32),
}

/// An express company.
#[derive(Clone, Debug, PartialEq)]
pub struct Carrier {
    /// Id (as in permit quotas).
    pub id: String,
    /// Depot `[lon, lat]`.
    pub depot: [f64; 2],
    /// Fleet.
    pub fleet: Vec<FleetEntry>,
    /// Orders.
    pub orders: Vec<DeliveryOrder>,
}

/// Energy and emission factors (documented defaults in [`Factors::default`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Factors {
    /// kg CO2 per kWh of grid electricity (well-to-wheel for battery vehicles).
    pub grid_kg_co2_per_kwh: f64,
    /// kg CO2 per litre of diesel burnt (tank-to-wheel).
    pub diesel_kg_co2_per_l: f64,
    /// kg CO2 per litre of petrol burnt (tank-to-wheel).
    pub petrol_kg_co2_per_l: f64,
    /// Upstream share added to fuel CO2 for well-to-wheel (fraction).
    pub fuel_upstream_share: f64,
    /// NOx g/km for a China VI diesel light commercial vehicle (scaled by older standards).
    pub diesel_nox_g_per_km: f64,
    /// PM2.5 g/km for a China VI diesel light commercial vehicle.
    pub diesel_pm25_g_per_km: f64,
    /// Battery reserve kept on every route (share of the pack).
    pub battery_reserve: f64,
    /// Battery range as a share of the nominal range (0.7: a winter day with 30% less range);
    /// battery vehicles use `use_per_km / range_factor`.
    pub range_factor: f64,
    /// Exhaust factors per class id, replacing the diesel defaults for that class.
    pub per_class: Vec<(String, ClassFactors)>,
}

/// Exhaust factors of one class (scenario `[factors.class.ID]`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClassFactors {
    /// NOx (g/km).
    pub nox_g_per_km: Option<f64>,
    /// PM2.5 (g/km).
    pub pm25_g_per_km: Option<f64>,
}

impl Factors {
    /// NOx and PM2.5 (g/km) of `class`: its own factors when the scenario gives them, else for
    /// diesel the China VI defaults doubled per standard below VI, else zero (no exhaust counted
    /// for battery, fuel-cell, petrol and gas vehicles unless given).
    pub fn exhaust_g_per_km(&self, class: &crate::vehicle::VehicleClass) -> (f64, f64) {
        let own = self
            .per_class
            .iter()
            .find(|(id, _)| *id == class.id)
            .map(|x| &x.1);
        let (nox, pm) = if class.energy == crate::vehicle::Energy::Diesel {
            let scale = 2f64.powi(6 - i32::from(class.emission_standard.unwrap_or(6)));
            (
                self.diesel_nox_g_per_km * scale,
                self.diesel_pm25_g_per_km * scale,
            )
        } else {
            (0.0, 0.0)
        };
        (
            own.and_then(|f| f.nox_g_per_km).unwrap_or(nox),
            own.and_then(|f| f.pm25_g_per_km).unwrap_or(pm),
        )
    }
}

impl Default for Factors {
    /// Typical values, to be overridden per city in the scenario's `[factors]` table: diesel
    /// 2.68 kg CO2/L and grid 0.54 kg CO2/kWh (national 2022 average) from DOMAIN.md; petrol
    /// 2.31 kg/L; 20% fuel upstream; China VI diesel NOx 0.10 g/km and PM2.5 0.005 g/km (order of
    /// the type-approval limits for N1 vehicles), doubled per standard below VI; battery reserve
    /// 20%; nominal range. Per-class exhaust factors replace the diesel rule (see
    /// [`Factors::exhaust_g_per_km`]).
    fn default() -> Factors {
        Factors {
            grid_kg_co2_per_kwh: 0.54,
            diesel_kg_co2_per_l: 2.68,
            petrol_kg_co2_per_l: 2.31,
            fuel_upstream_share: 0.20,
            diesel_nox_g_per_km: 0.10,
            diesel_pm25_g_per_km: 0.005,
            battery_reserve: 0.20,
            range_factor: 1.0,
            per_class: Vec::new(),
        }
    }
}

/// The solver's budget and determinism settings.
#[derive(Clone, Debug, PartialEq)]
pub struct SolverSettings {
    /// Iterations per worker (deterministic), if set.
    pub iterations: Option<u64>,
    /// Wall-clock limit per carrier (s), if set.
    pub time_limit_s: Option<f64>,
    /// Worker threads.
    pub threads: usize,
    /// Seed.
    pub seed: u64,
    /// Local search towards this many nearest neighbours of each order (0: ruin and recreate
    /// only): the start plan is descended, each worker's new best is improved before it is kept,
    /// and the best plan is polished after each epoch (see `docs/solver.md`). `None`:
    /// [`SolverSettings::DEFAULT_LOCAL_SEARCH`], at every size.
    pub local_search: Option<usize>,
    /// Local search also tries SWAP* between two routes when no simple move improves
    /// (`[solver] swap_star = true`; off by default, see `docs/solver.md` for what it was
    /// measured to give).
    pub swap_star: bool,
    /// Raised by another thread to stop the scenario's searches early (the service cancelling a
    /// job): planning then ends with [`crate::plan::PlanError::Cancelled`]. Never read from a
    /// file; the default can never be raised.
    pub stop: crate::solver::StopFlag,
}

impl SolverSettings {
    /// Neighbours per order for local search when a scenario does not say, at every size:
    /// measured to pay at 150 orders (the demo: 864.23 -> 809.50 yuan at 1,500 iterations) and
    /// at 10,000 (the pooled scale plan at 3,000 iterations: 21,396.56 yuan off, 20,606.72 on,
    /// and off given 14,000 iterations, about the same search time, 20,788.24; `docs/solver.md`).
    pub const DEFAULT_LOCAL_SEARCH: usize = 10;

    /// Neighbours per order for local search.
    pub fn local_search(&self) -> usize {
        self.local_search.unwrap_or(Self::DEFAULT_LOCAL_SEARCH)
    }
}

/// A loading point (curbside bay, 装卸点): where vehicles may park to serve the doors around it.
#[derive(Clone, Debug, PartialEq)]
pub struct Bay {
    /// The user's id.
    pub id: String,
    /// `[lon, lat]`.
    pub lon_lat: [f64; 2],
    /// Vehicles at once.
    pub capacity: u32,
    /// Opening hours (weekly).
    pub hours: crate::time::Schedule,
    /// Longest stay (s).
    pub max_dwell_s: u32,
    /// Extra stay allowed to clean-energy vehicles (s).
    pub clean_extra_s: u32,
    /// Classes (indices into the scenario's classes) that may use it; `None`: every class.
    pub classes: Option<Vec<usize>>,
    /// Longest vehicle (mm); `None`: any.
    pub max_length_mm: Option<u32>,
    /// Doors within this straight-line distance (m) may be served from it.
    pub radius_m: f64,
}

/// A charging station (a file, or tagged in OSM).
#[derive(Clone, Debug, PartialEq)]
pub struct ChargingStation {
    /// The user's id (`osm-node-N` for tagged stations).
    pub id: String,
    /// `[lon, lat]`.
    pub lon_lat: [f64; 2],
    /// Charging power (kW); charging is linear at this power.
    pub power_kw: f64,
    /// Vehicles that can charge at once.
    pub connectors: u32,
    /// Opening hours (weekly).
    pub hours: crate::time::Schedule,
    /// Price (cents per kWh).
    pub price_cents_per_kwh: u32,
}

/// Power assumed for a charging station that does not say (kW).
pub const DEFAULT_POWER_KW: f64 = 60.0;

/// Public charging stations tagged in the extract (nodes with `amenity=charging_station` whose
/// `access` is absent, `yes`, `public` or `permissive`), with `capacity` as connectors, the highest
/// `socket:*:output` as power (60 kW when untagged) and `opening_hours` when it parses (otherwise
/// always open); one note per station left out or read loosely.
pub fn stations_from_osm(chargers: &[OsmCharger]) -> (Vec<ChargingStation>, Vec<String>) {
    let mut notes = Vec::new();
    let mut out = Vec::new();
    for c in chargers {
        let public = c
            .access
            .as_deref()
            .is_none_or(|a| matches!(a, "yes" | "public" | "permissive"));
        if !public {
            notes.push(format!(
                "node {}: access={} — not a public charger, left out",
                c.id,
                c.access.as_deref().unwrap_or("")
            ));
            continue;
        }
        let hours = match c.opening_hours.as_deref().map(Schedule::parse) {
            None => Schedule::always(),
            Some(Ok(s)) if !s.is_empty() => s,
            Some(_) => {
                notes.push(format!(
                    "node {}: opening_hours={} not understood — taken as always open",
                    c.id,
                    c.opening_hours.as_deref().unwrap_or("")
                ));
                Schedule::always()
            }
        };
        let power_kw = c
            .output
            .as_deref()
            .and_then(crate::osm::tags::power_kw)
            .unwrap_or(DEFAULT_POWER_KW);
        let connectors = c
            .capacity
            .as_deref()
            .and_then(|v| v.trim().parse::<u32>().ok())
            .filter(|&n| n > 0)
            .unwrap_or(1);
        out.push(ChargingStation {
            id: format!("osm-node-{}", c.id),
            lon_lat: c.lon_lat,
            power_kw,
            connectors,
            hours,
            price_cents_per_kwh: 120,
        });
    }
    (out, notes)
}

/// How doors are served from bays, and where vehicles may not stop.
#[derive(Clone, Debug, PartialEq)]
pub struct Stopping {
    /// Walking speed (m/s).
    pub walk_m_s: f64,
    /// What a courier carries per walking loop (g).
    pub carry_g: u32,
    /// Most loops for one order from a bay (heavier orders go to the door).
    pub max_loops: u32,
    /// Walking distance over straight-line distance.
    pub walk_detour: f64,
    /// `highway=*` classes where vehicles may not stop: their doors are served from bays.
    pub no_stop_roads: Vec<String>,
}

impl Default for Stopping {
    fn default() -> Self {
        Self {
            walk_m_s: 1.2,
            carry_g: 30_000,
            max_loops: 4,
            walk_detour: 1.3,
            no_stop_roads: vec!["trunk".into(), "primary".into()],
        }
    }
}

impl Scenario {
    /// Add the extract's public charging stations when the scenario asks for them
    /// (`[charging] osm = true`); returns notes on the stations left out or read loosely.
    pub fn add_osm_stations(&mut self, chargers: &[OsmCharger]) -> Vec<String> {
        if !self.osm_stations {
            return Vec::new();
        }
        let (stations, notes) = stations_from_osm(chargers);
        self.stations.extend(stations);
        notes
    }
}

impl Scenario {
    /// Add the extract's parcel lockers when the scenario asks for them (`[lockers] osm =
    /// true`), see [`lockers::lockers_from_osm`]; returns notes on those read loosely.
    pub fn add_osm_lockers(&mut self, tagged: &[crate::osm::read::OsmLocker]) -> Vec<String> {
        if !self.lockers.osm {
            return Vec::new();
        }
        let (found, notes) = lockers::lockers_from_osm(tagged);
        self.lockers.list.extend(found);
        notes
    }
}

impl Bay {
    /// True when vehicles of `class` (index `c` in `classes`) may use the bay.
    pub fn admits(&self, c: usize, class: &VehicleClass) -> bool {
        self.classes.as_ref().is_none_or(|list| list.contains(&c))
            && self.max_length_mm.is_none_or(|max| class.length_mm <= max)
    }
}

/// Everything one planning run needs.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Name.
    pub name: String,
    /// The OSM extract.
    pub osm: PathBuf,
    /// Vehicle classes.
    pub classes: Vec<VehicleClass>,
    /// Zones, rules and permits.
    pub policy: Policy,
    /// Weekday of the plan (0 = Monday).
    pub day: u8,
    /// Carriers.
    pub carriers: Vec<Carrier>,
    /// Solver budget.
    pub solver: SolverSettings,
    /// Factors.
    pub factors: Factors,
    /// Loading points (bays).
    pub bays: Vec<Bay>,
    /// Walking from bays, and roads where vehicles may not stop.
    pub stopping: Stopping,
    /// Charging stations from the scenario's file.
    pub stations: Vec<ChargingStation>,
    /// Also use the public charging stations tagged in the extract.
    pub osm_stations: bool,
    /// Congestion by hour (`[traffic]`; the default city profile unless the scenario asks for
    /// free flow): every matrix, timetable, KPI and check of the scenario uses it.
    pub traffic: crate::traffic::Traffic,
    /// Parcel lockers and pickup points, and who may use them.
    pub lockers: Lockers,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vehicle::default_classes;

    #[test]
    fn osm_chargers_public_only() {
        let tesla = OsmCharger {
            id: 1,
            lon_lat: [104.0, 30.6],
            access: Some("customers".into()),
            ..OsmCharger::default()
        };
        let public = OsmCharger {
            id: 2,
            lon_lat: [104.1, 30.6],
            capacity: Some("4".into()),
            output: Some("120 kW".into()),
            opening_hours: Some("Mo-Fr 08:00-20:00".into()),
            ..OsmCharger::default()
        };
        let (stations, notes) = stations_from_osm(&[tesla, public]);
        assert_eq!(stations.len(), 1);
        assert_eq!(stations[0].connectors, 4);
        assert!((stations[0].power_kw - 120.0).abs() < 1e-9);
        assert_eq!(notes.len(), 1);
    }

    #[test]
    fn exhaust_factors_per_class_replace_the_diesel_rule() {
        let classes = default_classes();
        let diesel = classes
            .iter()
            .find(|c| c.id == "diesel-light-truck")
            .unwrap();
        let van = classes.iter().find(|c| c.id == "e-micro-van").unwrap();
        let mut f = Factors::default();
        let scale = 2f64.powi(6 - i32::from(diesel.emission_standard.unwrap_or(6)));
        assert_eq!(f.exhaust_g_per_km(diesel), (0.10 * scale, 0.005 * scale));
        assert_eq!(f.exhaust_g_per_km(van), (0.0, 0.0));
        f.per_class.push((
            diesel.id.clone(),
            ClassFactors {
                nox_g_per_km: Some(0.8),
                pm25_g_per_km: None,
            },
        ));
        assert_eq!(f.exhaust_g_per_km(diesel), (0.8, 0.005 * scale));
    }

    #[test]
    fn local_search_is_on_by_default_and_a_scenario_can_set_it() {
        let mut solver = SolverSettings {
            iterations: Some(10),
            time_limit_s: None,
            threads: 1,
            seed: 1,
            local_search: None,
            swap_star: false,
            stop: Default::default(),
        };
        assert_eq!(solver.local_search(), SolverSettings::DEFAULT_LOCAL_SEARCH);
        assert_eq!(SolverSettings::DEFAULT_LOCAL_SEARCH, 10);
        solver.local_search = Some(7);
        assert_eq!(solver.local_search(), 7);
        solver.local_search = Some(0);
        assert_eq!(solver.local_search(), 0);
    }
}
