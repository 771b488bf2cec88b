//! The numbers planners read (DOMAIN.md "KPIs"), computed from a plan and its scenario.
//!
//! Rows `(scope, kpi, value)` with a typed [`Scope`] (`all`, `carrier:ID`, `zone:ID`,
//! `permit:ID`, `bay:ID`, `locker:ID`; locker rows only in scenarios with lockers) and a typed [`Kpi`] that carries its CSV name and unit in one place, so
//! a misspelt KPI is a compile error and tables of variants line up row by row. Energy: battery
//! vehicles use `use_per_km` Wh/km, combustion vehicles `use_per_km` ml/km; CO2 tank-to-wheel
//! from fuel, well-to-wheel adds the fuel upstream share and grid electricity (battery use grows
//! as `range_factor` shrinks); NOx and PM2.5 from [`crate::scenario::Factors::exhaust_g_per_km`]
//! (per-class factors, else the diesel defaults scaled ×2 per emission standard below China VI).

use super::{PlannedRoute, PlannedStop, Unserved, CM_PER_KM};
use crate::scenario::Scenario;
use crate::scenario::{DeliveryOrder, PickupKind};
use crate::time::DAY;
use crate::vehicle::Energy;
use std::borrow::Cow;
use std::fmt;

/// What a KPI row is about; written `all`, `carrier:ID`, `zone:ID`, `permit:ID`, `bay:ID`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// The whole plan.
    All,
    /// One carrier (by id).
    Carrier(String),
    /// One zone of the policy (by id).
    Zone(String),
    /// One permit of the policy (by id).
    Permit(String),
    /// One loading bay (by id).
    Bay(String),
    /// One parcel locker or pickup point (by id).
    Locker(String),
}

impl Scope {
    /// The scope written as `text` (`all`, `carrier:ID`, ...), if it is one.
    pub fn parse(text: &str) -> Option<Scope> {
        if text == "all" {
            return Some(Scope::All);
        }
        let (kind, id) = text.split_once(':')?;
        let id = id.to_string();
        match kind {
            "carrier" => Some(Scope::Carrier(id)),
            "zone" => Some(Scope::Zone(id)),
            "permit" => Some(Scope::Permit(id)),
            "bay" => Some(Scope::Bay(id)),
            "locker" => Some(Scope::Locker(id)),
            _ => None,
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::All => f.pad("all"),
            Scope::Carrier(id) => f.pad(&format!("carrier:{id}")),
            Scope::Zone(id) => f.pad(&format!("zone:{id}")),
            Scope::Permit(id) => f.pad(&format!("permit:{id}")),
            Scope::Bay(id) => f.pad(&format!("bay:{id}")),
            Scope::Locker(id) => f.pad(&format!("locker:{id}")),
        }
    }
}

/// One KPI: its name in the written files ([`Kpi::name`]) and its unit ([`Kpi::unit`]).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kpi {
    /// Vehicles used (`vehicles`, vehicles).
    Vehicles,
    /// Vehicles of one class used (`vehicles_CLASS`, vehicles).
    VehiclesOfClass(String),
    /// Distance driven (`vehicle_km`, km).
    VehicleKm,
    /// Time on the road, from leaving the depot to coming back (`vehicle_hours`, h).
    VehicleHours,
    /// Distance driven in the traffic peaks, 07:00-09:00 and 17:00-19:00 (`peak_vehicle_km`, km;
    /// each street counted in the hour the vehicle turns into it).
    PeakVehicleKm,
    /// Parcels delivered at night, service starting 22:00-06:00 (夜间配送), over all parcels
    /// delivered (`night_delivery_share`, share).
    NightDeliveryShare,
    /// Orders (`orders`, orders).
    Orders,
    /// Orders served (`orders_served`, orders).
    OrdersServed,
    /// Orders not served (`unserved`, orders).
    Unserved,
    /// On-time rate (`on_time_rate`, share).
    OnTimeRate,
    /// Parcels delivered (`parcels`, parcels).
    Parcels,
    /// Parcels collected: 揽收, returns and packaging (`parcels_picked_up`, parcels; only in
    /// scenarios with pickups).
    ParcelsPickedUp,
    /// Of those, e-commerce returns (`returns`, parcels).
    Returns,
    /// Packaging collected for recovery (`packaging_kg`, kg).
    PackagingKg,
    /// Picked-up weight over capacity driven (`backhaul_load_factor`, share).
    BackhaulLoadFactor,
    /// Cost (`cost`, yuan), zone fees and penalties included, and the cost of orders left at
    /// parcel lockers.
    Cost,
    /// Zone fees owed (`zone_fees`, yuan; see `io::policy`).
    ZoneFees,
    /// The planner's soft zone penalties (`zone_penalties`, yuan).
    ZonePenalties,
    /// Cost per parcel (`cost_per_parcel`, yuan).
    CostPerParcel,
    /// Delivered weight over capacity driven (`load_factor`, share).
    LoadFactor,
    /// Orders served from bays (`stops_at_bays`, orders).
    StopsAtBays,
    /// Charging stops (`charging_stops`, stops).
    ChargingStops,
    /// Energy charged on the way (`energy_charged`, kWh).
    EnergyCharged,
    /// Cost of that energy (`charging_cost`, yuan).
    ChargingCost,
    /// Walking between bays and doors (`walk_km`, km).
    WalkKm,
    /// Electricity used (`energy_electric`, kWh).
    EnergyElectric,
    /// Fuel used (`energy_fuel`, L).
    EnergyFuel,
    /// CO2 tank-to-wheel (`co2_tank_to_wheel`, kg).
    Co2TankToWheel,
    /// CO2 well-to-wheel (`co2_well_to_wheel`, kg).
    Co2WellToWheel,
    /// NOx (`nox`, g).
    Nox,
    /// PM2.5 (`pm25`, g).
    Pm25,
    /// Distance driven inside a zone (`vehicle_km_inside`, km).
    VehicleKmInside,
    /// Entries into a zone (`entries`, entries).
    Entries,
    /// Vehicles entering a zone (`vehicles_entering`, vehicles).
    VehiclesEntering,
    /// Zone fees owed in a zone (`fees`, yuan).
    Fees,
    /// Orders served from a bay (`stops`, orders).
    Stops,
    /// A bay's room (`capacity`, vehicles).
    Capacity,
    /// Most vehicles at a bay at once (`peak_vehicles`, vehicles).
    PeakVehicles,
    /// Vehicle-hours at a bay over its room and open hours (`occupancy`, share).
    Occupancy,
    /// Vehicles beyond a bay's room at its peak (`overflow`, vehicles).
    Overflow,
    /// Vehicles driving with a permit (`permits_used`, vehicles).
    PermitsUsed,
    /// A permit's total quota (`quota`, vehicles).
    Quota,
    /// Parcels left at parcel lockers (`parcels_to_lockers`, parcels; only in scenarios with
    /// lockers, as are the next five).
    ParcelsToLockers,
    /// Parcels left at pickup points (`parcels_to_pickup_points`, parcels).
    ParcelsToPickupPoints,
    /// Orders left at a locker or pickup point instead of the door (`orders_to_lockers`, orders).
    OrdersToLockers,
    /// Vehicle stops at lockers and pickup points, consecutive orders at one counted once
    /// (`locker_visits`, stops).
    LockerVisits,
    /// Door stops saved: orders left at lockers minus locker visits (`stops_saved`, stops).
    StopsSaved,
    /// Incentives or service-level penalties of orders left at lockers (`locker_cost`, yuan;
    /// part of `cost`).
    LockerCost,
    /// Parcels left at one locker or pickup point (`parcels_left`, parcels).
    ParcelsLeft,
    /// What one holds (`parcel_capacity`, parcels).
    ParcelCapacity,
    /// Parcels left over what it holds (`fill`, share; never above 1 in a checked plan).
    Fill,
}

impl Kpi {
    /// Every KPI with a fixed name (all but [`Kpi::VehiclesOfClass`]).
    pub const FIXED: [Kpi; 50] = [
        Kpi::Vehicles,
        Kpi::VehicleKm,
        Kpi::VehicleHours,
        Kpi::PeakVehicleKm,
        Kpi::NightDeliveryShare,
        Kpi::Orders,
        Kpi::OrdersServed,
        Kpi::Unserved,
        Kpi::OnTimeRate,
        Kpi::Parcels,
        Kpi::ParcelsPickedUp,
        Kpi::Returns,
        Kpi::PackagingKg,
        Kpi::BackhaulLoadFactor,
        Kpi::Cost,
        Kpi::ZoneFees,
        Kpi::ZonePenalties,
        Kpi::CostPerParcel,
        Kpi::LoadFactor,
        Kpi::StopsAtBays,
        Kpi::ChargingStops,
        Kpi::EnergyCharged,
        Kpi::ChargingCost,
        Kpi::WalkKm,
        Kpi::EnergyElectric,
        Kpi::EnergyFuel,
        Kpi::Co2TankToWheel,
        Kpi::Co2WellToWheel,
        Kpi::Nox,
        Kpi::Pm25,
        Kpi::VehicleKmInside,
        Kpi::Entries,
        Kpi::VehiclesEntering,
        Kpi::Fees,
        Kpi::Stops,
        Kpi::Capacity,
        Kpi::PeakVehicles,
        Kpi::Occupancy,
        Kpi::Overflow,
        Kpi::PermitsUsed,
        Kpi::Quota,
        Kpi::ParcelsToLockers,
        Kpi::ParcelsToPickupPoints,
        Kpi::OrdersToLockers,
        Kpi::LockerVisits,
        Kpi::StopsSaved,
        Kpi::LockerCost,
        Kpi::ParcelsLeft,
        Kpi::ParcelCapacity,
        Kpi::Fill,
    ];

    /// The name and unit of a KPI with a fixed name.
    fn fixed(&self) -> Option<(&'static str, &'static str)> {
        Some(match self {
            Kpi::VehiclesOfClass(_) => return None,
            Kpi::Vehicles => ("vehicles", "vehicles"),
            Kpi::VehicleKm => ("vehicle_km", "km"),
            Kpi::VehicleHours => ("vehicle_hours", "h"),
            Kpi::PeakVehicleKm => ("peak_vehicle_km", "km"),
            Kpi::NightDeliveryShare => ("night_delivery_share", "share"),
            Kpi::Orders => ("orders", "orders"),
            Kpi::OrdersServed => ("orders_served", "orders"),
            Kpi::Unserved => ("unserved", "orders"),
            Kpi::OnTimeRate => ("on_time_rate", "share"),
            Kpi::Parcels => ("parcels", "parcels"),
            Kpi::ParcelsPickedUp => ("parcels_picked_up", "parcels"),
            Kpi::Returns => ("returns", "parcels"),
            Kpi::PackagingKg => ("packaging_kg", "kg"),
            Kpi::BackhaulLoadFactor => ("backhaul_load_factor", "share"),
            Kpi::Cost => ("cost", "yuan"),
            Kpi::ZoneFees => ("zone_fees", "yuan"),
            Kpi::ZonePenalties => ("zone_penalties", "yuan"),
            Kpi::CostPerParcel => ("cost_per_parcel", "yuan"),
            Kpi::LoadFactor => ("load_factor", "share"),
            Kpi::StopsAtBays => ("stops_at_bays", "orders"),
            Kpi::ChargingStops => ("charging_stops", "stops"),
            Kpi::EnergyCharged => ("energy_charged", "kWh"),
            Kpi::ChargingCost => ("charging_cost", "yuan"),
            Kpi::WalkKm => ("walk_km", "km"),
            Kpi::EnergyElectric => ("energy_electric", "kWh"),
            Kpi::EnergyFuel => ("energy_fuel", "L"),
            Kpi::Co2TankToWheel => ("co2_tank_to_wheel", "kg"),
            Kpi::Co2WellToWheel => ("co2_well_to_wheel", "kg"),
            Kpi::Nox => ("nox", "g"),
            Kpi::Pm25 => ("pm25", "g"),
            Kpi::VehicleKmInside => ("vehicle_km_inside", "km"),
            Kpi::Entries => ("entries", "entries"),
            Kpi::VehiclesEntering => ("vehicles_entering", "vehicles"),
            Kpi::Fees => ("fees", "yuan"),
            Kpi::Stops => ("stops", "orders"),
            Kpi::Capacity => ("capacity", "vehicles"),
            Kpi::PeakVehicles => ("peak_vehicles", "vehicles"),
            Kpi::Occupancy => ("occupancy", "share"),
            Kpi::Overflow => ("overflow", "vehicles"),
            Kpi::ParcelsToLockers => ("parcels_to_lockers", "parcels"),
            Kpi::ParcelsToPickupPoints => ("parcels_to_pickup_points", "parcels"),
            Kpi::OrdersToLockers => ("orders_to_lockers", "orders"),
            Kpi::LockerVisits => ("locker_visits", "stops"),
            Kpi::StopsSaved => ("stops_saved", "stops"),
            Kpi::LockerCost => ("locker_cost", "yuan"),
            Kpi::ParcelsLeft => ("parcels_left", "parcels"),
            Kpi::ParcelCapacity => ("parcel_capacity", "parcels"),
            Kpi::Fill => ("fill", "share"),
            Kpi::PermitsUsed => ("permits_used", "vehicles"),
            Kpi::Quota => ("quota", "vehicles"),
        })
    }

    /// The name in `kpis.csv`, `kpis.json` and comparison tables, e.g. `vehicle_km`.
    pub fn name(&self) -> Cow<'static, str> {
        match (self, self.fixed()) {
            (_, Some((name, _))) => Cow::Borrowed(name),
            (Kpi::VehiclesOfClass(class), None) => Cow::Owned(format!("vehicles_{class}")),
            (_, None) => Cow::Borrowed(""),
        }
    }

    /// The unit, e.g. `km`.
    pub fn unit(&self) -> &'static str {
        self.fixed().map_or("vehicles", |(_, unit)| unit)
    }

    /// The KPI named `name` ([`Kpi::name`]), if any; fixed names first, then `vehicles_CLASS`.
    pub fn parse(name: &str) -> Option<Kpi> {
        Kpi::FIXED
            .iter()
            .find(|k| k.name() == name)
            .cloned()
            .or_else(|| {
                let class = name.strip_prefix("vehicles_")?;
                (!class.is_empty()).then(|| Kpi::VehiclesOfClass(class.to_string()))
            })
    }
}

impl fmt::Display for Kpi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.name())
    }
}

/// One KPI value.
#[derive(Clone, Debug, PartialEq)]
pub struct KpiRow {
    /// What it is about.
    pub scope: Scope,
    /// Which KPI (its name and unit).
    pub kpi: Kpi,
    /// Value, in the KPI's unit.
    pub value: f64,
}

impl KpiRow {
    /// The unit of the row's KPI.
    pub fn unit(&self) -> &'static str {
        self.kpi.unit()
    }
}

/// All KPI rows of a plan.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Kpis {
    /// Rows in a stable order.
    pub rows: Vec<KpiRow>,
}

impl Kpis {
    /// The value of `kpi` in `scope`.
    pub fn get(&self, scope: &Scope, kpi: &Kpi) -> Option<f64> {
        self.rows
            .iter()
            .find(|r| &r.scope == scope && &r.kpi == kpi)
            .map(|r| r.value)
    }

    /// Compute the KPIs of `routes` (and `unserved` orders) under `scenario`.
    pub fn compute(scenario: &Scenario, routes: &[PlannedRoute], unserved: &[Unserved]) -> Kpis {
        let mut k = Kpis::default();
        let scopes: Vec<(Scope, Option<&str>)> = std::iter::once((Scope::All, None))
            .chain(
                scenario
                    .carriers
                    .iter()
                    .map(|c| (Scope::Carrier(c.id.clone()), Some(c.id.as_str()))),
            )
            .collect();
        for (scope, carrier) in &scopes {
            let rs: Vec<&PlannedRoute> = routes
                .iter()
                .filter(|r| carrier.is_none_or(|c| r.carrier == c))
                .collect();
            let orders: usize = scenario
                .carriers
                .iter()
                .filter(|c| carrier.is_none_or(|id| c.id == id))
                .map(|c| c.orders.len())
                .sum();
            let missed = unserved
                .iter()
                .filter(|u| carrier.is_none_or(|c| u.carrier == c))
                .count();
            let parcels: u64 = rs
                .iter()
                .flat_map(|r| delivered(scenario, r))
                .map(|o| u64::from(o.parcels))
                .sum();
            let (mut km, mut kwh, mut litres, mut co2_ttw, mut co2_wtw, mut nox, mut pm, mut cost) =
                (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
            let (mut delivered_kg, mut capacity_kg, mut picked_kg) = (0.0, 0.0, 0.0);
            let at_lockers = locker_use(scenario, &rs);
            cost += at_lockers.cost_yuan;
            for r in &rs {
                let class = scenario.classes.iter().find(|c| c.id == r.class);
                let route_km = r.distance_m / 1000.0;
                km += route_km;
                cost += r.cost_yuan;
                if let Some(c) = class {
                    capacity_kg += f64::from(c.payload_kg) * r.trips as f64;
                    let f = &scenario.factors;
                    match c.energy {
                        Energy::BatteryElectric => {
                            let e = route_km * f64::from(c.use_per_km) / f.range_factor / 1000.0;
                            kwh += e;
                            co2_wtw += e * f.grid_kg_co2_per_kwh;
                        }
                        Energy::Diesel
                        | Energy::Petrol
                        | Energy::Cng
                        | Energy::PlugInHybrid
                        | Energy::FuelCell => {
                            let l = route_km * f64::from(c.use_per_km) / 1000.0;
                            litres += l;
                            let per_l = if c.energy == Energy::Petrol {
                                f.petrol_kg_co2_per_l
                            } else {
                                f.diesel_kg_co2_per_l
                            };
                            let t = if c.energy == Energy::FuelCell {
                                0.0
                            } else {
                                l * per_l
                            };
                            co2_ttw += t;
                            co2_wtw += t * (1.0 + f.fuel_upstream_share);
                        }
                    }
                    let (n, p) = f.exhaust_g_per_km(c);
                    nox += route_km * n;
                    pm += route_km * p;
                }
                delivered_kg += delivered(scenario, r)
                    .map(|o| f64::from(o.weight_g) / 1000.0)
                    .sum::<f64>();
                picked_kg += delivered(scenario, r)
                    .map(|o| f64::from(o.pickup.weight_g) / 1000.0)
                    .sum::<f64>();
            }
            let mut push = |kpi: Kpi, value: f64| k.push(scope, kpi, value);
            push(Kpi::Vehicles, rs.len() as f64);
            for class in &scenario.classes {
                let n = rs.iter().filter(|r| r.class == class.id).count();
                if n > 0 {
                    push(Kpi::VehiclesOfClass(class.id.clone()), n as f64);
                }
            }
            push(Kpi::VehicleKm, km);
            let hours: f64 = rs
                .iter()
                .map(|r| (r.end_s - r.start_s) as f64 / 3600.0)
                .sum();
            push(Kpi::VehicleHours, hours);
            let peak_km: f64 = rs
                .iter()
                .flat_map(|r| &r.legs)
                .flat_map(|l| &l.streets)
                .filter(|&&(_, _, enter_s)| in_peak(enter_s))
                .map(|&(_, cm, _)| cm as f64 / CM_PER_KM)
                .sum();
            push(Kpi::PeakVehicleKm, peak_km);
            let night_parcels: u64 = rs
                .iter()
                .flat_map(|r| {
                    r.stops
                        .iter()
                        .filter(|s| at_night(s.start_s))
                        .filter_map(|s| order_at(scenario, s))
                })
                .map(|o| u64::from(o.parcels))
                .sum();
            push(
                Kpi::NightDeliveryShare,
                if parcels > 0 {
                    night_parcels as f64 / parcels as f64
                } else {
                    0.0
                },
            );
            push(Kpi::Orders, orders as f64);
            push(Kpi::OrdersServed, (orders - missed) as f64);
            push(Kpi::Unserved, missed as f64);
            push(Kpi::OnTimeRate, if orders > missed { 1.0 } else { 0.0 });
            push(Kpi::Parcels, parcels as f64);
            let with_pickups = scenario
                .carriers
                .iter()
                .any(|c| c.orders.iter().any(|o| !o.pickup.is_none()));
            if with_pickups {
                let served: Vec<&DeliveryOrder> =
                    rs.iter().flat_map(|r| delivered(scenario, r)).collect();
                let parcels_of = |kind: Option<PickupKind>| -> f64 {
                    served
                        .iter()
                        .filter(|o| kind.is_none_or(|k| o.pickup.kind == k))
                        .map(|o| f64::from(o.pickup.parcels))
                        .sum()
                };
                push(Kpi::ParcelsPickedUp, parcels_of(None));
                push(Kpi::Returns, parcels_of(Some(PickupKind::Return)));
                let packaging: f64 = served
                    .iter()
                    .filter(|o| o.pickup.kind == PickupKind::Packaging)
                    .map(|o| f64::from(o.pickup.weight_g) / 1000.0)
                    .sum();
                push(Kpi::PackagingKg, packaging);
                push(
                    Kpi::BackhaulLoadFactor,
                    if capacity_kg > 0.0 {
                        picked_kg / capacity_kg
                    } else {
                        0.0
                    },
                );
            }
            push(Kpi::Cost, cost);
            let fees: f64 = rs.iter().flat_map(|r| &r.zone_fees_yuan).sum();
            push(Kpi::ZoneFees, fees);
            let penalties: f64 = rs.iter().map(|r| r.penalties_yuan).sum();
            push(Kpi::ZonePenalties, penalties);
            push(
                Kpi::CostPerParcel,
                if parcels > 0 {
                    cost / parcels as f64
                } else {
                    0.0
                },
            );
            push(
                Kpi::LoadFactor,
                if capacity_kg > 0.0 {
                    delivered_kg / capacity_kg
                } else {
                    0.0
                },
            );
            let from_bays = rs
                .iter()
                .flat_map(|r| &r.stops)
                .filter(|s| s.bay.is_some())
                .count();
            let walk_km: f64 = rs
                .iter()
                .flat_map(|r| &r.stops)
                .map(|s| s.walk_m / 1000.0)
                .sum();
            push(Kpi::StopsAtBays, from_bays as f64);
            let charges: Vec<&super::PlannedStop> = rs
                .iter()
                .flat_map(|r| &r.stops)
                .filter(|s| s.station.is_some())
                .collect();
            let charged_kwh: f64 = charges.iter().map(|s| s.charged_wh as f64 / 1000.0).sum();
            let charging_yuan: f64 = charges
                .iter()
                .map(|s| {
                    let price = scenario
                        .stations
                        .iter()
                        .find(|st| Some(&st.id) == s.station.as_ref())
                        .map_or(0.0, |st| f64::from(st.price_cents_per_kwh) / 100.0);
                    price * s.charged_wh as f64 / 1000.0
                })
                .sum();
            push(Kpi::ChargingStops, charges.len() as f64);
            push(Kpi::EnergyCharged, charged_kwh);
            push(Kpi::ChargingCost, charging_yuan);
            push(Kpi::WalkKm, walk_km);
            push(Kpi::EnergyElectric, kwh);
            push(Kpi::EnergyFuel, litres);
            push(Kpi::Co2TankToWheel, co2_ttw);
            push(Kpi::Co2WellToWheel, co2_wtw);
            push(Kpi::Nox, nox);
            push(Kpi::Pm25, pm);
            if !scenario.lockers.list.is_empty() {
                let u = &at_lockers;
                push(Kpi::ParcelsToLockers, u.parcels[0] as f64);
                push(Kpi::ParcelsToPickupPoints, u.parcels[1] as f64);
                push(Kpi::OrdersToLockers, u.orders as f64);
                push(Kpi::LockerVisits, u.visits as f64);
                push(Kpi::StopsSaved, u.orders as f64 - u.visits as f64);
                push(Kpi::LockerCost, u.cost_yuan);
            }
        }
        let all: Vec<&PlannedRoute> = routes.iter().collect();
        let held = locker_use(scenario, &all).held;
        for (locker, &parcels) in scenario.lockers.list.iter().zip(&held) {
            let scope = Scope::Locker(locker.id.clone());
            let capacity = locker.capacity.total();
            k.push(&scope, Kpi::ParcelsLeft, parcels as f64);
            k.push(&scope, Kpi::ParcelCapacity, f64::from(capacity));
            k.push(
                &scope,
                Kpi::Fill,
                if capacity > 0 {
                    parcels as f64 / f64::from(capacity)
                } else {
                    0.0
                },
            );
        }
        for (z, zone) in scenario.policy.zones.iter().enumerate() {
            let scope = Scope::Zone(zone.id.clone());
            let km: f64 = routes.iter().map(|r| r.km_in_zone[z]).sum();
            let entries: u32 = routes.iter().map(|r| r.zone_entries[z]).sum();
            let vehicles = routes.iter().filter(|r| r.zone_entries[z] > 0).count();
            let fees: f64 = routes.iter().map(|r| r.zone_fees_yuan[z]).sum();
            for (kpi, value) in [
                (Kpi::VehicleKmInside, km),
                (Kpi::Entries, f64::from(entries)),
                (Kpi::VehiclesEntering, vehicles as f64),
                (Kpi::Fees, fees),
            ] {
                k.push(&scope, kpi, value);
            }
        }
        let stays = super::bay_stays(routes.iter().map(|r| {
            r.stops
                .iter()
                .map(|s| (s.bay.as_deref(), s.start_s, s.departure_s))
        }));
        for bay in &scenario.bays {
            let scope = Scope::Bay(bay.id.clone());
            let use_ = bay_use(routes, &stays, &bay.id);
            let open_h = bay
                .hours
                .intervals()
                .iter()
                .map(|&(a, e)| {
                    let day = u32::from(scenario.day) * crate::time::DAY;
                    f64::from(e.min(day + crate::time::DAY).saturating_sub(a.max(day))) / 3600.0
                })
                .sum::<f64>();
            for (kpi, value) in [
                (Kpi::Stops, use_.stops as f64),
                (Kpi::Capacity, f64::from(bay.capacity)),
                (Kpi::PeakVehicles, use_.peak as f64),
                (
                    Kpi::Occupancy,
                    if open_h > 0.0 {
                        use_.hours / (open_h * f64::from(bay.capacity))
                    } else {
                        0.0
                    },
                ),
                (
                    Kpi::Overflow,
                    use_.peak.saturating_sub(bay.capacity as usize) as f64,
                ),
            ] {
                k.push(&scope, kpi, value);
            }
        }
        for permit in &scenario.policy.permits {
            let scope = Scope::Permit(permit.id.clone());
            let used = routes
                .iter()
                .filter(|r| r.permit.as_deref() == Some(permit.id.as_str()))
                .count();
            // Counts, not rounded.
            k.rows.push(KpiRow {
                scope: scope.clone(),
                kpi: Kpi::PermitsUsed,
                value: used as f64,
            });
            if let Some(q) = permit.quota_total {
                k.rows.push(KpiRow {
                    scope,
                    kpi: Kpi::Quota,
                    value: f64::from(q),
                });
            }
        }
        k
    }

    /// Add a row with `value` rounded to three decimals (and no negative zero).
    fn push(&mut self, scope: &Scope, kpi: Kpi, value: f64) {
        self.rows.push(KpiRow {
            scope: scope.clone(),
            kpi,
            value: (value * 1000.0).round() / 1000.0 + 0.0,
        });
    }
}

/// How a bay was used: stops served from it, most vehicles parked at once, vehicle-hours parked.
struct BayUse {
    stops: usize,
    peak: usize,
    hours: f64,
}

/// How bay `id` was used, from the plan's stays ([`super::bay_stays`]) swept in time order.
fn bay_use(routes: &[PlannedRoute], stays: &[(&str, i64, i64, usize)], id: &str) -> BayUse {
    let stops = routes
        .iter()
        .flat_map(|r| &r.stops)
        .filter(|s| s.bay.as_deref() == Some(id))
        .count();
    let here: Vec<(i64, i64)> = stays
        .iter()
        .filter(|s| s.0 == id)
        .map(|s| (s.1, s.2))
        .collect();
    let mut open: Vec<i64> = Vec::new();
    let mut peak = 0;
    for &(start, end) in &here {
        open.retain(|&e| e > start);
        open.push(end);
        peak = peak.max(open.len());
    }
    BayUse {
        stops,
        peak,
        hours: here.iter().map(|(a, e)| (e - a) as f64 / 3600.0).sum(),
    }
}

/// Is a moment (s after midnight of the plan day) in a traffic peak, 07:00-09:00 or 17:00-19:00?
fn in_peak(s: i64) -> bool {
    let hour = s.rem_euclid(i64::from(DAY)) / 3600;
    (7..9).contains(&hour) || (17..19).contains(&hour)
}

/// Is a moment (s after midnight of the plan day) at night, 22:00-06:00?
fn at_night(s: i64) -> bool {
    let hour = s.rem_euclid(i64::from(DAY)) / 3600;
    !(6..22).contains(&hour)
}

/// What routes left at parcel lockers and pickup points.
struct LockerUse {
    /// Parcels at lockers, at pickup points.
    parcels: [u64; 2],
    /// Orders left at either.
    orders: u64,
    /// Stops there (consecutive orders of a route at one locker: one stop).
    visits: u64,
    /// Their incentives or penalties (yuan).
    cost_yuan: f64,
    /// Parcels per scenario locker.
    held: Vec<u64>,
}

/// Parcels, orders, visits and cost at lockers over `routes` (an order's parcels, at least one,
/// as the planner counts them against a locker's capacity).
fn locker_use(scenario: &Scenario, routes: &[&PlannedRoute]) -> LockerUse {
    let lockers = &scenario.lockers;
    let mut u = LockerUse {
        parcels: [0; 2],
        orders: 0,
        visits: 0,
        cost_yuan: 0.0,
        held: vec![0; lockers.list.len()],
    };
    if lockers.list.is_empty() {
        return u;
    }
    for r in routes {
        let mut previous: Option<&str> = None;
        for s in &r.stops {
            let here = s.locker.as_deref();
            if let Some(id) = here {
                let order = order_at(scenario, s);
                let parcels = u64::from(order.map_or(1, |o| o.parcels.max(1)));
                if let Some(k) = lockers.list.iter().position(|l| l.id == id) {
                    let kind = lockers.list[k].kind;
                    u.parcels[usize::from(kind == crate::scenario::LockerKind::PickupPoint)] +=
                        parcels;
                    u.held[k] += parcels;
                }
                u.orders += 1;
                u.cost_yuan += parcels as f64 * f64::from(lockers.cost_per_parcel_cents) / 100.0;
                if previous != here {
                    u.visits += 1;
                }
            }
            previous = here;
        }
    }
    u
}

/// The orders a route delivers (looked up in their own carrier's list, which pooling may make
/// another carrier's than the vehicle's).
fn delivered<'s>(
    scenario: &'s Scenario,
    route: &'s PlannedRoute,
) -> impl Iterator<Item = &'s DeliveryOrder> + 's {
    route
        .stops
        .iter()
        .filter_map(move |s| order_at(scenario, s))
}

/// The order a stop serves, in its own carrier's list (`None` for depot and charging stops).
fn order_at<'s>(scenario: &'s Scenario, stop: &PlannedStop) -> Option<&'s DeliveryOrder> {
    let (carrier, order) = (stop.order_carrier.as_deref()?, stop.order.as_deref()?);
    scenario
        .carriers
        .iter()
        .find(|c| c.id == carrier)?
        .orders
        .iter()
        .find(|o| o.id == order)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_scopes_read_back() {
        for kpi in Kpi::FIXED
            .iter()
            .cloned()
            .chain([Kpi::VehiclesOfClass("e-tricycle".into())])
        {
            assert_eq!(Kpi::parse(&kpi.name()), Some(kpi.clone()), "{kpi}");
        }
        assert_eq!(
            Kpi::VehiclesOfClass("e-tricycle".into()).to_string(),
            "vehicles_e-tricycle"
        );
        assert_eq!(Kpi::VehiclesOfClass("x".into()).unit(), "vehicles");
        assert_eq!(
            (Kpi::VehicleKm.name(), Kpi::VehicleKm.unit()),
            ("vehicle_km".into(), "km")
        );
        assert_eq!(Kpi::parse("vehicle_kms"), None);
        assert_eq!(format!("{:<12}|", Kpi::Nox), "nox         |");
        for scope in [
            Scope::All,
            Scope::Carrier("sf".into()),
            Scope::Zone("core".into()),
            Scope::Permit("green-pass".into()),
            Scope::Bay("bay-01".into()),
        ] {
            assert_eq!(Scope::parse(&scope.to_string()), Some(scope));
        }
        assert_eq!(Scope::Carrier("sf".into()).to_string(), "carrier:sf");
        assert_eq!(Scope::parse("fleet:sf"), None);
    }
}
