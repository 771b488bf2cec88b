//! Scenario files (TOML) and their orders (CSV).
//!
//! ```toml
//! name = "chengdu-core"
//! osm = "../../osm/chengdu-center-2018.osm.pbf"   # paths are relative to this file
//! policy = "policy.toml"                           # zones, rules, permits (optional)
//! classes = "classes.toml"                         # vehicle classes (optional; defaults)
//! day = "Tu"                                       # weekday of the plan
//!
//! [solver]                                         # iterations and/or time_limit_s
//! iterations = 3000
//! threads = 2
//! seed = 1
//! local_search = 10                                # neighbours per order (0: off; default 10)
//! swap_star = false                                # local search also tries SWAP* (default off)
//!
//! [factors]                                        # override any of scenario::Factors
//! grid_kg_co2_per_kwh = 0.6
//! range_factor = 0.7                               # winter: 30% less battery range
//! class.diesel-medium-truck = { nox_g_per_km = 2.1, pm25_g_per_km = 0.03 }
//!
//! [bays]                                           # loading points (optional)
//! file = "bays.csv"                                # CSV or GeoJSON, see io::bays
//! crs = "gcj02"                                    # its coordinates: wgs84 (default), gcj02, bd09
//! walk_m_s = 1.2                                   # walking speed from bay to door
//! carry_kg = 30                                    # carried per walking loop
//! max_loops = 4                                    # heavier orders are served at the door
//! walk_detour = 1.3                                # walking over straight-line distance
//! no_stop_roads = ["trunk", "primary"]             # doors there are served from bays
//!
//! [traffic]                                        # congestion by hour (optional)
//! profile = "default"                              # the documented city profile, or "free-flow"
//! classes = "traffic.csv"                          # road class x day x hour x factor, see io::traffic
//! ways = "probe-speeds.csv"                        # per OSM way id (probe speeds)
//!
//! [charging]                                       # charging stations (optional)
//! file = "chargers.csv"                            # CSV or GeoJSON, see io::stations
//! crs = "bd09"                                     # as for [bays]
//! osm = true                                       # also public amenity=charging_station nodes
//!
//! [lockers]                                        # parcel lockers, pickup points (optional)
//! file = "lockers.csv"                             # CSV or GeoJSON, see io::lockers
//! crs = "gcj02"                                    # as for [bays]
//! osm = true                                       # also amenity=parcel_locker nodes
//! accept_share = 0.3                               # receivers accepting one, for orders that
//! seed = 1                                         #   do not say (drawn by this seed)
//! cost_per_parcel_cents = 50                       # incentive or service-level penalty
//! radius_m = 500                                   # receivers walk at most this far
//! small_l = 8                                      # compartment sizes: largest parcel in a
//! medium_l = 20                                    #   small, medium and large one (l)
//! large_l = 45
//!
//! [[carrier]]
//! id = "sf"
//! depot = [104.040, 30.705]                        # lon, lat
//! crs = "gcj02"                                    # of depot and orders (default wgs84)
//! orders = "orders-sf.csv"
//! orders_crs = "bd09"                              # the orders' own, if not the carrier's
//! fleet = [ { class = "e-micro-van", count = 3, permit = "green-pass", shift = "07:00-20:00" } ]
//! ```
//! Coordinates are WGS84 unless declared `gcj02` (Amap, Tencent) or `bd09` (Baidu); they are
//! converted to WGS84 on reading ([`super::crs`]), so the rest of the engine sees WGS84 only.
//!
//! Orders CSV (read by [`super::table::read_csv`]: quoted fields, CRLF, a byte order mark, `#`
//! comments, blank lines and extra columns are fine) has the header (any order, any case)
//! `id,lon,lat,weight_kg,volume_m3,parcels,service_s,windows` and optionally
//! `shareable` (`yes`/`no`: may other carriers deliver it when pooling; a carrier's
//! `shareable = false` marks all its orders), and the pickup columns `pickup_weight_kg`,
//! `pickup_volume_m3`, `pickup_parcels` (what the vehicle collects there and carries to the next
//! reload or back to the depot; empty or absent: nothing; zero delivered and something collected:
//! a pure pickup) and `pickup_kind` (`collection` 揽收, `return` 退货, `packaging` 包装物回收;
//! default `collection`), and `locker` (`no`, `yes`, `only`: does the receiver accept a parcel
//! locker or pickup point in reach; empty or absent: the `[lockers]` share decides);
//! `windows` is `HH:MM-HH:MM` ranges joined by `;` (empty: all day). An optional `[two_tier]` table (consolidation centre and tier fleets) is
//! read by `io::two_tier`. Every problem of the scenario and of every
//! orders file is reported at once, each naming its file and record.
//!
//! The reader checks only the file: syntax, names it must resolve to indices (classes, permits),
//! values it cannot read (weekdays, times, negative counts, numbers). The assembled scenario's
//! rules are [`Scenario::validate`]'s, whose problems the reader places in the file (the table,
//! the `[[carrier]]` and fleet record, or the orders file's path with the order's id), after its
//! own.

use super::crs::Crs;
use super::file::{parse_toml, read_text, FileError};
use crate::scenario::{
    Carrier, DeliveryOrder, Factors, FleetEntry, Pickup, PickupKind, Rule, Scenario,
    SolverSettings, Stopping, Subject,
};
use crate::time::{WeekTime, DAY};
use crate::traffic::Traffic;
use crate::vehicle::default_classes;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Why a scenario could not be used: the scenario file's own problems (each naming its file
/// and record, orders files included), or its classes or policy file's.
pub type Error = FileError;

const WHAT: &str = "scenario";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    name: String,
    osm: PathBuf,
    policy: Option<PathBuf>,
    classes: Option<PathBuf>,
    #[serde(default = "monday")]
    day: String,
    #[serde(default)]
    solver: SolverEntry,
    #[serde(default)]
    factors: FactorsEntry,
    #[serde(rename = "carrier")]
    carriers: Vec<CarrierEntry>,
    #[serde(default)]
    bays: BaysEntry,
    #[serde(default)]
    charging: ChargingEntry,
    #[serde(default)]
    traffic: TrafficEntry,
    #[serde(default)]
    lockers: LockersEntry,
    /// Accepted here; read and checked by `io::two_tier`.
    #[allow(dead_code)]
    two_tier: Option<toml::Value>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ChargingEntry {
    file: Option<PathBuf>,
    crs: Option<Crs>,
    #[serde(default)]
    osm: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct TrafficEntry {
    /// `default` (the documented city profile) or `free-flow`.
    profile: Option<String>,
    /// Road class x day x hour x factor, over the profile (`io::traffic`).
    classes: Option<PathBuf>,
    /// OSM way id x day x hour x factor (probe speeds), over both.
    ways: Option<PathBuf>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct LockersEntry {
    file: Option<PathBuf>,
    crs: Option<Crs>,
    #[serde(default)]
    osm: bool,
    accept_share: Option<f64>,
    seed: Option<u64>,
    cost_per_parcel_cents: Option<u32>,
    radius_m: Option<f64>,
    small_l: Option<f64>,
    medium_l: Option<f64>,
    large_l: Option<f64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct BaysEntry {
    file: Option<PathBuf>,
    crs: Option<Crs>,
    walk_m_s: Option<f64>,
    carry_kg: Option<f64>,
    max_loops: Option<u32>,
    walk_detour: Option<f64>,
    no_stop_roads: Option<Vec<String>>,
}

fn yes() -> bool {
    true
}

fn monday() -> String {
    "Mo".to_string()
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SolverEntry {
    iterations: Option<u64>,
    time_limit_s: Option<f64>,
    threads: Option<usize>,
    seed: Option<u64>,
    local_search: Option<usize>,
    swap_star: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FactorsEntry {
    grid_kg_co2_per_kwh: Option<f64>,
    diesel_kg_co2_per_l: Option<f64>,
    petrol_kg_co2_per_l: Option<f64>,
    fuel_upstream_share: Option<f64>,
    diesel_nox_g_per_km: Option<f64>,
    diesel_pm25_g_per_km: Option<f64>,
    battery_reserve: Option<f64>,
    range_factor: Option<f64>,
    #[serde(default)]
    class: std::collections::BTreeMap<String, ClassFactorsEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClassFactorsEntry {
    nox_g_per_km: Option<f64>,
    pm25_g_per_km: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CarrierEntry {
    id: String,
    depot: [f64; 2],
    /// The system of `depot` and, unless `orders_crs` says otherwise, of the orders file.
    #[serde(default)]
    crs: Crs,
    orders: PathBuf,
    orders_crs: Option<Crs>,
    #[serde(default = "yes")]
    shareable: bool,
    fleet: Vec<FleetItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FleetItem {
    class: String,
    count: i64,
    permit: Option<String>,
    #[serde(default = "whole_day")]
    shift: String,
}

fn whole_day() -> String {
    "00:00-24:00".to_string()
}

/// Every file [`read_scenario`] reads for the scenario at `path`, each with its role (`scenario`,
/// `classes`, `policy`, `zones`, `orders sf`, `bays`, `charging`, `lockers`, `osm`), in a fixed
/// order:
/// what a run's content hash covers (`io::runs::content_hash`).
pub fn scenario_inputs(path: &Path) -> Result<Vec<(String, PathBuf)>, Error> {
    let text = read_text(path, WHAT)?;
    let file: ScenarioFile = parse_toml(path, WHAT, &text)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut inputs = vec![("scenario".to_string(), path.to_path_buf())];
    if let Some(c) = &file.classes {
        inputs.push(("classes".into(), dir.join(c)));
    }
    if let Some(p) = &file.policy {
        let policy = dir.join(p);
        let zones = super::policy::policy_inputs(&policy)?;
        inputs.push(("policy".into(), policy));
        inputs.extend(zones.into_iter().map(|z| ("zones".to_string(), z)));
    }
    for c in &file.carriers {
        inputs.push((format!("orders {}", c.id), dir.join(&c.orders)));
    }
    if let Some(f) = &file.bays.file {
        inputs.push(("bays".into(), dir.join(f)));
    }
    if let Some(f) = &file.charging.file {
        inputs.push(("charging".into(), dir.join(f)));
    }
    if let Some(f) = &file.traffic.classes {
        inputs.push(("traffic".into(), dir.join(f)));
    }
    if let Some(f) = &file.traffic.ways {
        inputs.push(("road speeds".into(), dir.join(f)));
    }
    if let Some(f) = &file.lockers.file {
        inputs.push(("lockers".into(), dir.join(f)));
    }
    inputs.push(("osm".into(), dir.join(&file.osm)));
    Ok(inputs)
}

/// Read a scenario, its classes and policy files and every carrier's orders.
pub fn read_scenario(path: &Path) -> Result<Scenario, Error> {
    let text = read_text(path, WHAT)?;
    let file: ScenarioFile = parse_toml(path, WHAT, &text)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let classes = match &file.classes {
        Some(c) => super::classes::read_classes(&dir.join(c))?,
        None => default_classes(),
    };
    let policy = match &file.policy {
        Some(p) => super::policy::read_policy(&dir.join(p), &classes)?,
        None => crate::zones::Policy::default(),
    };
    let mut problems = Vec::new();
    let day = match WeekTime::parse(&format!("{} 00:00", file.day)) {
        Ok(t) => t.weekday(),
        Err(_) => {
            problems.push(format!(
                "`day`: unknown weekday `{}` (Mo, Tu, We, Th, Fr, Sa, Su)",
                file.day
            ));
            0
        }
    };
    let f = &file.factors;
    let defaults = Factors::default();
    let factors = Factors {
        grid_kg_co2_per_kwh: f
            .grid_kg_co2_per_kwh
            .unwrap_or(defaults.grid_kg_co2_per_kwh),
        diesel_kg_co2_per_l: f
            .diesel_kg_co2_per_l
            .unwrap_or(defaults.diesel_kg_co2_per_l),
        petrol_kg_co2_per_l: f
            .petrol_kg_co2_per_l
            .unwrap_or(defaults.petrol_kg_co2_per_l),
        fuel_upstream_share: f
            .fuel_upstream_share
            .unwrap_or(defaults.fuel_upstream_share),
        diesel_nox_g_per_km: f
            .diesel_nox_g_per_km
            .unwrap_or(defaults.diesel_nox_g_per_km),
        diesel_pm25_g_per_km: f
            .diesel_pm25_g_per_km
            .unwrap_or(defaults.diesel_pm25_g_per_km),
        battery_reserve: f.battery_reserve.unwrap_or(defaults.battery_reserve),
        range_factor: f.range_factor.unwrap_or(defaults.range_factor),
        per_class: f
            .class
            .iter()
            .map(|(id, entry)| {
                let factors = crate::scenario::ClassFactors {
                    nox_g_per_km: entry.nox_g_per_km,
                    pm25_g_per_km: entry.pm25_g_per_km,
                };
                (id.clone(), factors)
            })
            .collect(),
    };
    let solver = SolverSettings {
        iterations: file.solver.iterations,
        time_limit_s: file.solver.time_limit_s,
        threads: file.solver.threads.unwrap_or(2).max(1),
        seed: file.solver.seed.unwrap_or(1),
        local_search: file.solver.local_search,
        swap_star: file.solver.swap_star.unwrap_or(false),
        stop: Default::default(),
    };
    let mut carriers = Vec::new();
    let mut places = Vec::new();
    for (c, entry) in file.carriers.iter().enumerate() {
        let here = format!("[[carrier]] #{} (id `{}`)", c + 1, entry.id);
        let mut fleet = Vec::new();
        let mut fleet_records = Vec::new();
        for (k, item) in entry.fleet.iter().enumerate() {
            let at = format!("{here} fleet #{}", k + 1);
            let (class, count, shift) = fleet_basics(
                &at,
                (&item.class, item.count, &item.shift),
                &classes,
                &mut problems,
            );
            let permit = item.permit.as_ref().and_then(|p| {
                let found = policy.permit(p);
                if found.is_none() {
                    problems.push(format!("{at}: unknown permit `{p}`"));
                }
                found
            });
            if let (Some(class), Some(count)) = (class, count) {
                fleet.push(FleetEntry {
                    class,
                    count,
                    permit,
                    shift,
                });
                fleet_records.push(k);
            }
        }
        let orders_path = dir.join(&entry.orders);
        let before = problems.len();
        let orders_crs = entry.orders_crs.unwrap_or(entry.crs);
        let (mut orders, order_lines) = match read_text(&orders_path, "orders file") {
            Ok(text) => {
                let (orders, lines, list) = read_orders(&text, orders_crs);
                problems.extend(
                    list.into_iter()
                        .map(|p| format!("{}: {p}", orders_path.display())),
                );
                (orders, lines)
            }
            Err(e) => {
                problems.push(format!("{here}: {e}"));
                (Vec::new(), Vec::new())
            }
        };
        if !entry.shareable {
            for o in &mut orders {
                o.shareable = false;
            }
        }
        places.push(CarrierPlace {
            here,
            fleet: fleet_records,
            orders_broken: problems.len() > before,
            orders: orders_path,
            order_lines,
        });
        carriers.push(Carrier {
            id: entry.id.clone(),
            depot: entry.crs.to_wgs84(entry.depot),
            fleet,
            orders,
        });
    }
    let mut stopping = Stopping::default();
    let b = &file.bays;
    stopping.walk_m_s = b.walk_m_s.unwrap_or(stopping.walk_m_s);
    stopping.walk_detour = b.walk_detour.unwrap_or(stopping.walk_detour);
    if let Some(kg) = b.carry_kg {
        if kg.is_finite() && kg > 0.0 && kg < 4e6 {
            stopping.carry_g = (kg * 1000.0).round() as u32;
        } else {
            problems.push(format!("[bays] `carry_kg` must be positive, got {kg}"));
        }
    }
    stopping.max_loops = b.max_loops.unwrap_or(stopping.max_loops);
    if let Some(roads) = &b.no_stop_roads {
        stopping.no_stop_roads = roads.clone();
    }
    let bays = match &b.file {
        Some(f) => match super::bays::read_bays_in(&dir.join(f), &classes, b.crs) {
            Ok(bays) => bays,
            Err(e) => {
                problems.push(e.to_string());
                Vec::new()
            }
        },
        None => Vec::new(),
    };
    let stations = match &file.charging.file {
        Some(f) => super::stations::read_stations_in(&dir.join(f), file.charging.crs)
            .unwrap_or_else(|e| {
                problems.push(e.to_string());
                Vec::new()
            }),
        None => Vec::new(),
    };
    let traffic = read_traffic(&file.traffic, dir, &mut problems);
    let l = &file.lockers;
    let defaults = crate::scenario::Lockers::default();
    let lockers = crate::scenario::Lockers {
        list: match &l.file {
            Some(f) => super::lockers::read_lockers_in(&dir.join(f), l.crs).unwrap_or_else(|e| {
                problems.push(e.to_string());
                Vec::new()
            }),
            None => Vec::new(),
        },
        accept_share: l.accept_share.unwrap_or(defaults.accept_share),
        seed: l.seed.unwrap_or(defaults.seed),
        cost_per_parcel_cents: l
            .cost_per_parcel_cents
            .unwrap_or(defaults.cost_per_parcel_cents),
        radius_m: l.radius_m.unwrap_or(defaults.radius_m),
        small_l: l.small_l.unwrap_or(defaults.small_l),
        medium_l: l.medium_l.unwrap_or(defaults.medium_l),
        large_l: l.large_l.unwrap_or(defaults.large_l),
        osm: l.osm,
    };
    for locker in &lockers.list {
        for c in locker.carriers.iter().flatten() {
            if !carriers.iter().any(|x| &x.id == c) {
                problems.push(format!(
                    "[lockers] {}: locker `{}`: `carriers`: unknown carrier `{c}`",
                    locker.origin, locker.id
                ));
            }
        }
    }
    let scenario = Scenario {
        name: file.name,
        osm: dir.join(&file.osm),
        classes,
        policy,
        day,
        carriers,
        solver,
        factors,
        bays,
        stopping,
        stations,
        osm_stations: file.charging.osm,
        traffic,
        lockers,
    };
    // The scenario's own rules, each placed in the file; a carrier whose orders file is already
    // reported is not also reported as having no orders.
    for p in scenario.problems() {
        let quiet = matches!(p.at, Subject::Carrier { carrier, .. } if places[carrier].orders_broken)
            && p.rule == Rule::NoOrders;
        if !quiet {
            problems.push(format!("{}: {}", place(&places, &p.at), p.rule));
        }
    }
    if !problems.is_empty() {
        return Err(FileError::invalid(path, WHAT, problems));
    }
    Ok(scenario)
}

/// The scenario's congestion: its `[traffic]` profile with its files applied over it.
fn read_traffic(entry: &TrafficEntry, dir: &Path, problems: &mut Vec<String>) -> Traffic {
    let mut traffic = match entry.profile.as_deref() {
        None | Some("default") => Traffic::default_city(),
        Some("free-flow") => Traffic::free_flow(),
        Some(other) => {
            problems.push(format!(
                "[traffic] `profile`: unknown profile `{other}` (default, free-flow)"
            ));
            Traffic::default_city()
        }
    };
    if let Some(f) = &entry.classes {
        let path = dir.join(f);
        match super::traffic::read_class_factors(&path, &mut traffic) {
            Ok(()) => traffic.source = format!("{} + {}", traffic.source, path.display()),
            Err(e) => problems.push(e.to_string()),
        }
    }
    if let Some(f) = &entry.ways {
        let path = dir.join(f);
        match super::traffic::read_way_factors(&path, &mut traffic) {
            Ok(()) => traffic.source = format!("{} + {}", traffic.source, path.display()),
            Err(e) => problems.push(e.to_string()),
        }
    }
    traffic
}

/// Where a carrier's parts are in the scenario file, for placing its problems.
struct CarrierPlace {
    /// `[[carrier]] #N (id `ID`)`.
    here: String,
    /// Per fleet entry of the scenario, its record in the file's `fleet` (0-based; entries of
    /// unknown classes are not in the scenario).
    fleet: Vec<usize>,
    /// The orders file.
    orders: PathBuf,
    /// The orders file is unreadable or has problems of its own.
    orders_broken: bool,
    /// Per order of the scenario, its line in the orders file.
    order_lines: Vec<u64>,
}

/// A problem's subject as its place in the scenario file: the table, the `[[carrier]]` record
/// and fleet record, or the orders file (with the order's id) for orders.
fn place(carriers: &[CarrierPlace], at: &Subject) -> String {
    match at {
        Subject::Day => "`day`".to_string(),
        Subject::Solver => "[solver]".to_string(),
        Subject::Factors => "[factors]".to_string(),
        Subject::Stopping => "[bays]".to_string(),
        Subject::Carrier { carrier, .. } => carriers[*carrier].here.clone(),
        Subject::FleetEntry { carrier, entry, .. } => {
            let c = &carriers[*carrier];
            format!("{} fleet #{}", c.here, c.fleet[*entry] + 1)
        }
        Subject::Order {
            carrier, order, id, ..
        } => {
            let path = carriers[*carrier].orders.display();
            let line = carriers[*carrier]
                .order_lines
                .get(*order)
                .map_or(String::new(), |n| format!("line {n}: "));
            if id.is_empty() {
                format!("{path}: {line}order #{}", order + 1)
            } else {
                format!("{path}: {line}order `{id}`")
            }
        }
        Subject::Permit { id } => format!("permit `{id}`"),
        Subject::Bay { id } => format!("[bays] bay `{id}`"),
        Subject::Locker { id, origin } => format!("[lockers] {origin}: locker `{id}`"),
        Subject::LockerSettings => "[lockers]".to_string(),
        Subject::TwoTier { field, entry } => match entry {
            Some(k) => format!("[two_tier] `{field}` #{}", k + 1),
            None => format!("[two_tier] `{field}`"),
        },
    }
}

/// The class index, count and shift of one fleet entry (`class`, `count`, `shift` as written),
/// read the same way for carriers and for the `[two_tier]` fleets: each problem goes to
/// `problems` prefixed with `at`; the class is `None` when unknown (the entry is then left out,
/// so a zero count is reported here too), the count `None` when below zero or too large (zero is
/// a rule of [`Scenario::validate`]) and the shift the whole day when unreadable.
pub(crate) fn fleet_basics(
    at: &str,
    (class, count, shift): (&str, i64, &str),
    classes: &[crate::vehicle::VehicleClass],
    problems: &mut Vec<String>,
) -> (Option<usize>, Option<u32>, (u32, u32)) {
    let index = classes.iter().position(|c| c.id == class);
    if index.is_none() {
        problems.push(format!(
            "{at}: unknown vehicle class `{class}` (see `cityfreight classes`)"
        ));
    }
    // A count of zero is a rule of the scenario, checked there unless the entry is left out.
    let n = u32::try_from(count).ok();
    if n.is_none() || (index.is_none() && count == 0) {
        problems.push(format!("{at}: `count` must be positive, got {count}"));
    }
    let shift = day_range(shift).unwrap_or_else(|e| {
        problems.push(format!("{at}: `shift`: {e}"));
        (0, DAY)
    });
    (index, n, shift)
}

/// `HH:MM-HH:MM` within one day to seconds.
pub(crate) fn day_range(text: &str) -> Result<(u32, u32), String> {
    let (a, b) = text
        .split_once('-')
        .ok_or_else(|| format!("`{text}`: expected HH:MM-HH:MM"))?;
    let start = WeekTime::parse(a).map_err(|e| e.to_string())?.seconds();
    let end = if b.trim() == "24:00" {
        DAY
    } else {
        WeekTime::parse(b).map_err(|e| e.to_string())?.seconds()
    };
    if end <= start {
        return Err(format!(
            "`{text}`: the end must be after the start (within one day)"
        ));
    }
    Ok((start, end))
}

/// WGS84 orders CSV text; on failure every problem: those of the file with their line, then the
/// orders' own rules of [`Scenario::validate`] ([`crate::scenario::validate::order_rules`]: ids,
/// doors, windows) with the order's id.
pub fn parse_orders(text: &str) -> Result<Vec<DeliveryOrder>, Vec<String>> {
    parse_orders_in(text, Crs::Wgs84)
}

/// [`parse_orders`] for coordinates in `crs` (converted to WGS84).
pub fn parse_orders_in(text: &str, crs: Crs) -> Result<Vec<DeliveryOrder>, Vec<String>> {
    let (orders, _, mut problems) = read_orders(text, crs);
    for (rule, o) in crate::scenario::validate::order_rules(&orders) {
        problems.push(match orders[o].id.as_str() {
            "" => format!("order #{}: {rule}", o + 1),
            id => format!("order `{id}`: {rule}"),
        });
    }
    if problems.is_empty() {
        Ok(orders)
    } else {
        Err(problems)
    }
}

/// The readable orders, the line of each, and the problems of the rest (so later checks still
/// see good records);
/// the orders' rules (unique ids, doors on the globe, windows apart) are [`Scenario::validate`]'s.
fn read_orders(text: &str, crs: Crs) -> (Vec<DeliveryOrder>, Vec<u64>, Vec<String>) {
    let table = match super::table::read_csv(text) {
        Ok(Some(table)) => table,
        Ok(None) => {
            return (
                Vec::new(),
                Vec::new(),
                vec!["empty file; expected a header".into()],
            )
        }
        Err(problems) => return (Vec::new(), Vec::new(), problems),
    };
    let need = [
        "id",
        "lon",
        "lat",
        "weight_kg",
        "volume_m3",
        "parcels",
        "service_s",
        "windows",
    ];
    let idx: Vec<Option<usize>> = need.iter().map(|n| table.column(n)).collect();
    let missing: Vec<&str> = need
        .iter()
        .zip(&idx)
        .filter(|(_, i)| i.is_none())
        .map(|(n, _)| *n)
        .collect();
    if !missing.is_empty() {
        return (
            Vec::new(),
            Vec::new(),
            vec![format!(
                "line 1: header lacks column(s) {}",
                missing.join(", ")
            )],
        );
    }
    let col = |k: usize| idx[k].unwrap_or(0);
    let columns = table.columns.len();
    let shareable_col = table.column("shareable");
    // Optional pickup columns (揽收, returns, packaging); absent or empty: nothing collected.
    let pickup_cols = [
        table.column("pickup_weight_kg"),
        table.column("pickup_volume_m3"),
        table.column("pickup_parcels"),
    ];
    let kind_col = table.column("pickup_kind");
    let locker_col = table.column("locker");
    let (mut orders, mut lines, mut problems) = (Vec::new(), Vec::new(), Vec::new());
    for record in &table.records {
        let (n, f) = (record.line, &record.fields);
        if f.len() < columns {
            problems.push(format!("line {n}: {} fields, expected {columns}", f.len()));
            continue;
        }
        let num = |k: usize, problems: &mut Vec<String>| -> f64 {
            match f[col(k)].parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 || k <= 2 => v,
                _ => {
                    problems.push(format!(
                        "line {n}: `{}` must be a number of zero or more, got `{}`",
                        need[k],
                        f[col(k)]
                    ));
                    0.0
                }
            }
        };
        let (lon, lat) = (num(1, &mut problems), num(2, &mut problems));
        let windows = match f[col(7)].as_str() {
            "" => vec![(0, DAY)],
            w => {
                let mut out = Vec::new();
                for part in w.split(';') {
                    match day_range(part) {
                        Ok(r) => out.push(r),
                        Err(e) => problems.push(format!("line {n}: `windows`: {e}")),
                    }
                }
                out.sort_unstable();
                out
            }
        };
        let optional = |k: usize, name: &str, scale: f64, problems: &mut Vec<String>| -> u32 {
            match pickup_cols[k].map(|c| f.get(c).map_or("", String::as_str)) {
                None | Some("") => 0,
                Some(text) => match text.parse::<f64>() {
                    Ok(v) if v.is_finite() && v >= 0.0 && v * scale <= f64::from(u32::MAX) => {
                        (v * scale).round() as u32
                    }
                    _ => {
                        problems.push(format!(
                            "line {n}: `{name}` must be a number of zero or more, got `{text}`"
                        ));
                        0
                    }
                },
            }
        };
        let pickup = Pickup {
            weight_g: optional(0, "pickup_weight_kg", 1000.0, &mut problems),
            volume_ml: optional(1, "pickup_volume_m3", 1e6, &mut problems),
            parcels: optional(2, "pickup_parcels", 1.0, &mut problems),
            kind: match kind_col.map(|k| f.get(k).map_or("", String::as_str)) {
                None | Some("") => PickupKind::Collection,
                Some(text) => PickupKind::parse(text).unwrap_or_else(|| {
                    problems.push(format!(
                        "line {n}: `pickup_kind` must be collection, return or packaging, got `{text}`"
                    ));
                    PickupKind::Collection
                }),
            },
        };
        let id = f[col(0)].clone();
        orders.push(DeliveryOrder {
            id,
            lon_lat: crs.to_wgs84([lon, lat]),
            weight_g: (num(3, &mut problems) * 1000.0).round() as u32,
            volume_ml: (num(4, &mut problems) * 1e6).round() as u32,
            parcels: num(5, &mut problems).round() as u32,
            service_s: num(6, &mut problems).round() as u32,
            windows,
            shareable: match shareable_col.map(|k| f.get(k).map_or("", String::as_str)) {
                None | Some("" | "yes" | "true" | "1") => true,
                Some("no" | "false" | "0") => false,
                Some(other) => {
                    problems.push(format!(
                        "line {n}: `shareable` must be yes or no, got `{other}`"
                    ));
                    true
                }
            },
            pickup,
            locker: match locker_col.map(|k| f.get(k).map_or("", String::as_str)) {
                None | Some("") => None,
                Some(text) => Some(crate::scenario::Acceptance::parse(text).unwrap_or_else(|| {
                    problems.push(format!(
                        "line {n}: `locker` must be no, yes or only, got `{text}`"
                    ));
                    crate::scenario::Acceptance::No
                })),
            },
        });
        lines.push(n);
    }
    (orders, lines, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_with_windows_and_all_problems() {
        let ok = parse_orders("id,lon,lat,weight_kg,volume_m3,parcels,service_s,windows\na,104.06,30.66,2.5,0.01,1,60,08:00-12:00;14:00-18:00\nb,104.07,30.67,1,0.002,1,30,\n").unwrap();
        assert_eq!(
            ok[0].windows,
            vec![(8 * 3600, 12 * 3600), (14 * 3600, 18 * 3600)]
        );
        assert_eq!((ok[0].weight_g, ok[0].volume_ml), (2_500, 10_000));
        assert_eq!(ok[1].windows, vec![(0, DAY)]);
        let bad = parse_orders("id,lon,lat,weight_kg,volume_m3,parcels,service_s,windows\na,104.06,30.66,-2,0,1,60,25:00-26:00\na,104.06,95,1,0,1,60,\n").unwrap_err();
        assert_eq!(bad.len(), 4, "{bad:#?}");
        assert!(
            bad.iter().any(|p| p.contains("weight_kg")) && bad.iter().any(|p| p.contains("25:00"))
        );
        assert!(
            bad.iter().any(|p| p.contains("used twice"))
                && bad.iter().any(|p| p.contains("not a valid lon,lat"))
        );
    }
}
