//! A planning scenario: the extract, vehicle classes, the city's policy, carriers with depots,
//! fleets and orders, the day, and the solver's budget. Plain data, validated by `io::scenario`.
//!
//! Owns: [`Scenario`], [`Carrier`], [`FleetEntry`], [`DeliveryOrder`], [`Factors`]. Must never:
//! read files (that is `io::scenario`) or plan (that is `plan`).
//! Units: times are seconds after midnight of the plan day; weights grams, volumes millilitres;
//! money in cents; coordinates `[lon, lat]` degrees.

pub mod two_tier;

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
}

impl Default for Factors {
    /// Typical values, to be overridden per city in the scenario's `[factors]` table: diesel
    /// 2.68 kg CO2/L and grid 0.54 kg CO2/kWh (national 2022 average) from DOMAIN.md; petrol
    /// 2.31 kg/L; 20% fuel upstream; China VI diesel NOx 0.10 g/km and PM2.5 0.005 g/km (order of
    /// the type-approval limits for N1 vehicles); battery reserve 20%.
    fn default() -> Factors {
        Factors {
            grid_kg_co2_per_kwh: 0.54,
            diesel_kg_co2_per_l: 2.68,
            petrol_kg_co2_per_l: 2.31,
            fuel_upstream_share: 0.20,
            diesel_nox_g_per_km: 0.10,
            diesel_pm25_g_per_km: 0.005,
            battery_reserve: 0.20,
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
}
