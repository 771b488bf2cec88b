//! The numbers planners read (DOMAIN.md "KPIs"), computed from a plan and its scenario.
//!
//! Rows `(scope, kpi, value, unit)` with scope `all`, `carrier:ID`, `zone:ID` or `permit:ID`, so
//! tables of variants line up row by row. Energy: battery vehicles use `use_per_km` Wh/km,
//! combustion vehicles `use_per_km` ml/km; CO2 tank-to-wheel from fuel, well-to-wheel adds the
//! fuel upstream share and grid electricity (battery use grows as `range_factor` shrinks); NOx
//! and PM2.5 from [`crate::scenario::Factors::exhaust_g_per_km`] (per-class factors, else the
//! diesel defaults scaled ×2 per emission standard below China VI).

use super::{PlannedRoute, Unserved};
use crate::scenario::DeliveryOrder;
use crate::scenario::Scenario;
use crate::vehicle::Energy;

/// One KPI value.
#[derive(Clone, Debug, PartialEq)]
pub struct KpiRow {
    /// `all`, `carrier:ID`, `zone:ID` or `permit:ID`.
    pub scope: String,
    /// Name, e.g. `vehicle_km`.
    pub kpi: String,
    /// Value.
    pub value: f64,
    /// Unit, e.g. `km`.
    pub unit: String,
}

/// All KPI rows of a plan.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Kpis {
    /// Rows in a stable order.
    pub rows: Vec<KpiRow>,
}

impl Kpis {
    /// The value of `kpi` in `scope`.
    pub fn get(&self, scope: &str, kpi: &str) -> Option<f64> {
        self.rows
            .iter()
            .find(|r| r.scope == scope && r.kpi == kpi)
            .map(|r| r.value)
    }

    /// Compute the KPIs of `routes` (and `unserved` orders) under `scenario`.
    pub fn compute(scenario: &Scenario, routes: &[PlannedRoute], unserved: &[Unserved]) -> Kpis {
        let mut k = Kpis::default();
        let scopes: Vec<(String, Option<&str>)> = std::iter::once(("all".to_string(), None))
            .chain(
                scenario
                    .carriers
                    .iter()
                    .map(|c| (format!("carrier:{}", c.id), Some(c.id.as_str()))),
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
            let (mut delivered_kg, mut capacity_kg) = (0.0, 0.0);
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
            }
            let mut push = |kpi: &str, value: f64, unit: &str| {
                k.rows.push(KpiRow {
                    scope: scope.clone(),
                    kpi: kpi.into(),
                    value: (value * 1000.0).round() / 1000.0 + 0.0,
                    unit: unit.into(),
                })
            };
            push("vehicles", rs.len() as f64, "vehicles");
            for class in &scenario.classes {
                let n = rs.iter().filter(|r| r.class == class.id).count();
                if n > 0 {
                    push(&format!("vehicles_{}", class.id), n as f64, "vehicles");
                }
            }
            push("vehicle_km", km, "km");
            let hours: f64 = rs
                .iter()
                .map(|r| (r.end_s - r.start_s) as f64 / 3600.0)
                .sum();
            push("vehicle_hours", hours, "h");
            push("orders", orders as f64, "orders");
            push("orders_served", (orders - missed) as f64, "orders");
            push("unserved", missed as f64, "orders");
            push(
                "on_time_rate",
                if orders > missed { 1.0 } else { 0.0 },
                "share",
            );
            push("parcels", parcels as f64, "parcels");
            push("cost", cost, "yuan");
            let fees: f64 = rs.iter().flat_map(|r| &r.zone_fees_yuan).sum();
            push("zone_fees", fees, "yuan");
            let penalties: f64 = rs.iter().map(|r| r.penalties_yuan).sum();
            push("zone_penalties", penalties, "yuan");
            push(
                "cost_per_parcel",
                if parcels > 0 {
                    cost / parcels as f64
                } else {
                    0.0
                },
                "yuan",
            );
            push(
                "load_factor",
                if capacity_kg > 0.0 {
                    delivered_kg / capacity_kg
                } else {
                    0.0
                },
                "share",
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
            push("stops_at_bays", from_bays as f64, "orders");
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
            push("charging_stops", charges.len() as f64, "stops");
            push("energy_charged", charged_kwh, "kWh");
            push("charging_cost", charging_yuan, "yuan");
            push("walk_km", walk_km, "km");
            push("energy_electric", kwh, "kWh");
            push("energy_fuel", litres, "L");
            push("co2_tank_to_wheel", co2_ttw, "kg");
            push("co2_well_to_wheel", co2_wtw, "kg");
            push("nox", nox, "g");
            push("pm25", pm, "g");
        }
        for (z, zone) in scenario.policy.zones.iter().enumerate() {
            let scope = format!("zone:{}", zone.id);
            let km: f64 = routes.iter().map(|r| r.km_in_zone[z]).sum();
            let entries: u32 = routes.iter().map(|r| r.zone_entries[z]).sum();
            let vehicles = routes.iter().filter(|r| r.zone_entries[z] > 0).count();
            let fees: f64 = routes.iter().map(|r| r.zone_fees_yuan[z]).sum();
            for (kpi, value, unit) in [
                ("vehicle_km_inside", km, "km"),
                ("entries", f64::from(entries), "entries"),
                ("vehicles_entering", vehicles as f64, "vehicles"),
                ("fees", fees, "yuan"),
            ] {
                k.rows.push(KpiRow {
                    scope: scope.clone(),
                    kpi: kpi.into(),
                    value: (value * 1000.0).round() / 1000.0 + 0.0,
                    unit: unit.into(),
                });
            }
        }
        let stays = super::bay_stays(routes.iter().map(|r| {
            r.stops
                .iter()
                .map(|s| (s.bay.as_deref(), s.start_s, s.departure_s))
        }));
        for bay in &scenario.bays {
            let scope = format!("bay:{}", bay.id);
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
            for (kpi, value, unit) in [
                ("stops", use_.stops as f64, "orders"),
                ("capacity", f64::from(bay.capacity), "vehicles"),
                ("peak_vehicles", use_.peak as f64, "vehicles"),
                (
                    "occupancy",
                    if open_h > 0.0 {
                        use_.hours / (open_h * f64::from(bay.capacity))
                    } else {
                        0.0
                    },
                    "share",
                ),
                (
                    "overflow",
                    use_.peak.saturating_sub(bay.capacity as usize) as f64,
                    "vehicles",
                ),
            ] {
                k.rows.push(KpiRow {
                    scope: scope.clone(),
                    kpi: kpi.into(),
                    value: (value * 1000.0).round() / 1000.0 + 0.0,
                    unit: unit.into(),
                });
            }
        }
        for permit in &scenario.policy.permits {
            let scope = format!("permit:{}", permit.id);
            let used = routes
                .iter()
                .filter(|r| r.permit.as_deref() == Some(permit.id.as_str()))
                .count();
            k.rows.push(KpiRow {
                scope: scope.clone(),
                kpi: "permits_used".into(),
                value: used as f64,
                unit: "vehicles".into(),
            });
            if let Some(q) = permit.quota_total {
                k.rows.push(KpiRow {
                    scope,
                    kpi: "quota".into(),
                    value: f64::from(q),
                    unit: "vehicles".into(),
                });
            }
        }
        k
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

/// The orders a route delivers (looked up in their own carrier's list, which pooling may make
/// another carrier's than the vehicle's).
fn delivered<'s>(
    scenario: &'s Scenario,
    route: &'s PlannedRoute,
) -> impl Iterator<Item = &'s DeliveryOrder> + 's {
    route.stops.iter().filter_map(move |s| {
        let (carrier, order) = (s.order_carrier.as_deref()?, s.order.as_deref()?);
        scenario
            .carriers
            .iter()
            .find(|c| c.id == carrier)?
            .orders
            .iter()
            .find(|o| o.id == order)
    })
}
