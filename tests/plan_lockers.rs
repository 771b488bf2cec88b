//! Parcel lockers and pickup points on the Chengdu extract (the bundled `chengdu-lockers`
//! scenario, changed per test): a locker never holds more than its capacity, whether carriers
//! are planned one after another or pooled; a receiver who accepts a locker is served there when
//! the door is on a road where vans may not stop; `check` finds an over-full locker in an edited
//! plan.json; bad lockers and `only` orders out of reach are clear errors with file and line.

mod common;

use cityfreight::io::plan_in::parse_plan;
use cityfreight::io::plan_out::plan_json;
use cityfreight::matrix::MatrixEngine;
use cityfreight::network::Network;
use cityfreight::plan::check::check_plan;
use cityfreight::plan::kpi::{Kpi, Scope};
use cityfreight::plan::{plan, plan_pooled, Plan};
use cityfreight::scenario::{Acceptance, LockerCapacity, Scenario};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/scenarios/chengdu-lockers")
}

fn lockers_scenario() -> Scenario {
    cityfreight::io::scenario::read_scenario(&folder().join("scenario.toml")).unwrap()
}

fn load(s: &Scenario) -> (Network, MatrixEngine) {
    let net = Network::load(&s.osm, &s.classes, &|_, _, _| {}).unwrap();
    let (engine, _) = MatrixEngine::new(&net.graph, None).unwrap();
    (net, engine)
}

/// Every receiver accepts a locker at no cost, there are no bays, and each locker or pickup
/// point holds `parcels`: lockers are the only way to the doors where vans may not stop, and
/// they fill up.
fn tight(parcels: u32) -> Scenario {
    let mut s = lockers_scenario();
    s.bays.clear();
    s.lockers.cost_per_parcel_cents = 0;
    for l in &mut s.lockers.list {
        l.capacity = LockerCapacity::Parcels(parcels);
    }
    for c in &mut s.carriers {
        for o in &mut c.orders {
            o.locker = Some(Acceptance::Yes);
        }
    }
    s.solver.iterations = Some(800);
    s
}

/// Parcels per locker id, counted from the plan's stops (each order's parcels, at least one).
fn parcels_at_lockers(s: &Scenario, p: &Plan) -> BTreeMap<String, u32> {
    let mut held = BTreeMap::new();
    for r in &p.routes {
        for stop in &r.stops {
            let (Some(locker), Some(order), Some(carrier)) =
                (&stop.locker, &stop.order, &stop.order_carrier)
            else {
                continue;
            };
            let c = s.carriers.iter().find(|c| &c.id == carrier).unwrap();
            let o = c.orders.iter().find(|o| &o.id == order).unwrap();
            *held.entry(locker.clone()).or_insert(0) += o.parcels.max(1);
        }
    }
    held
}

#[test]
fn lockers_never_hold_more_than_their_capacity_across_carriers_and_pooled() {
    let s = tight(3);
    let (net, engine) = load(&s);
    let alone = plan(&s, &net, &engine, &|_| {}).unwrap();
    let pooled = plan_pooled(&s, &net, &engine, &|_| {}).unwrap();
    for (name, p) in [("alone", &alone), ("pooled", &pooled)] {
        assert!(p.violations.is_empty(), "{name}: {:?}", p.violations);
        let held = parcels_at_lockers(&s, p);
        assert!(!held.is_empty(), "{name}: no order left at a locker");
        for (id, n) in &held {
            assert!(*n <= 3, "{name}: locker {id} holds {n} parcels, capacity 3");
            let kpi = p
                .kpis
                .get(&Scope::Locker(id.clone()), &Kpi::ParcelsLeft)
                .unwrap();
            assert_eq!(kpi, f64::from(*n), "{name}: KPI of {id}");
        }
        // The capacity binds: some locker is full.
        assert!(held.values().any(|&n| n == 3), "{name}: {held:?}");
        let orders = p.kpis.get(&Scope::All, &Kpi::OrdersToLockers).unwrap();
        let visits = p.kpis.get(&Scope::All, &Kpi::LockerVisits).unwrap();
        assert_eq!(
            p.kpis.get(&Scope::All, &Kpi::StopsSaved),
            Some(orders - visits)
        );
    }
    // `check` (which judges each carrier's own routes, so not a pooled plan) agrees the plan
    // made one carrier after another is compliant.
    let verdict = check_plan(&s, &net, &engine, &parse_plan(&plan_json(&alone)).unwrap()).unwrap();
    assert!(verdict.is_empty(), "{verdict:#?}");
    // The report's data carries the lockers as places and the stops left at them.
    let page = cityfreight::report::plan_page(&s, &net.graph, &alone);
    assert_eq!(page["places"]["lockers"].as_array().unwrap().len(), 12);
    let at_lockers = page["plans"][0]["routes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["stops"].as_array().unwrap())
        .filter(|st| st.get("locker").is_some())
        .count();
    assert_eq!(
        Some(at_lockers as f64),
        alone.kpis.get(&Scope::All, &Kpi::OrdersToLockers)
    );
    // Planned one after another, carriers share every locker: the sum over carriers counts.
    let by_carrier: BTreeMap<&str, usize> = alone
        .routes
        .iter()
        .filter(|r| r.stops.iter().any(|s| s.locker.is_some()))
        .map(|r| (r.carrier.as_str(), 1))
        .collect();
    assert!(by_carrier.len() >= 2, "{by_carrier:?}");
}

#[test]
fn an_order_on_a_no_stop_road_goes_to_a_locker_when_its_receiver_accepts() {
    // Without bays or lockers, doors on trunk and primary roads cannot be served.
    let mut none = lockers_scenario();
    none.bays.clear();
    none.lockers.list.clear();
    none.solver.iterations = Some(600);
    let (net, engine) = load(&none);
    let without = plan(&none, &net, &engine, &|_| {}).unwrap();
    let stranded: Vec<(String, String)> = without
        .unserved
        .iter()
        .map(|u| (u.carrier.clone(), u.order.clone()))
        .collect();
    assert!(!stranded.is_empty());
    // The same orders, their receivers accepting a locker: each one with a locker in reach is
    // now left at one.
    let mut with = none.clone();
    with.lockers = lockers_scenario().lockers;
    for c in &mut with.carriers {
        for o in &mut c.orders {
            if stranded.contains(&(c.id.clone(), o.id.clone())) {
                o.locker = Some(Acceptance::Yes);
            } else {
                o.locker = Some(Acceptance::No);
            }
        }
    }
    let p = plan(&with, &net, &engine, &|_| {}).unwrap();
    assert!(p.violations.is_empty(), "{:?}", p.violations);
    let mut at_lockers = 0;
    for (carrier, order) in &stranded {
        let c = with.carriers.iter().find(|c| &c.id == carrier).unwrap();
        let o = c.orders.iter().find(|o| &o.id == order).unwrap();
        let in_reach = !with.lockers.in_reach(carrier, o).is_empty();
        let stop =
            p.routes.iter().flat_map(|r| &r.stops).find(|s| {
                s.order.as_ref() == Some(order) && s.order_carrier.as_ref() == Some(carrier)
            });
        if in_reach {
            let stop = stop.unwrap_or_else(|| panic!("{carrier}/{order} not served"));
            assert!(stop.locker.is_some(), "{carrier}/{order} not at a locker");
            at_lockers += 1;
        } else {
            assert!(stop.is_none(), "{carrier}/{order}: served without a locker");
        }
    }
    assert!(
        at_lockers >= 3,
        "{at_lockers} stranded orders reached a locker"
    );
    // Nobody else goes to a locker.
    assert_eq!(
        p.kpis.get(&Scope::All, &Kpi::OrdersToLockers),
        Some(f64::from(at_lockers))
    );
}

#[test]
fn check_reports_an_over_full_locker_in_an_edited_plan() {
    let s = tight(3);
    let (net, engine) = load(&s);
    let p = plan(&s, &net, &engine, &|_| {}).unwrap();
    let held = parcels_at_lockers(&s, &p);
    let (full, _) = held.iter().find(|(_, &n)| n == 3).expect("a full locker");
    // Move one more order, served at its door, to the full locker (one in reach of it).
    let mut json = plan_json(&p);
    let mut moved = None;
    'routes: for r in json["routes"].as_array_mut().unwrap() {
        let carrier = r["carrier"].as_str().unwrap().to_string();
        for stop in r["stops"].as_array_mut().unwrap() {
            let Some(order) = stop["order"].as_str().map(str::to_string) else {
                continue;
            };
            if stop.get("locker").is_some() {
                continue;
            }
            let c = s.carriers.iter().find(|c| c.id == carrier).unwrap();
            let o = c.orders.iter().find(|o| o.id == order).unwrap();
            let k = s.lockers.list.iter().position(|l| &l.id == full).unwrap();
            if s.lockers.in_reach(&carrier, o).contains(&k) {
                stop["locker"] = serde_json::json!(full);
                stop["bay"] = serde_json::Value::Null;
                moved = Some((order, o.parcels.max(1)));
                break 'routes;
            }
        }
    }
    let (moved, parcels) = moved.expect("an order at its door in reach of the full locker");
    let verdict = check_plan(&s, &net, &engine, &parse_plan(&json).unwrap()).unwrap();
    let over = format!(
        "locker `{full}`: {} parcels left there, capacity 3",
        3 + parcels
    );
    assert!(
        verdict.iter().any(|v| v.contains(&over)),
        "moved {moved} to {full}; expected `{over}` in {verdict:#?}"
    );
    // Serving an order that accepts no locker there is also reported.
    let mut no = s.clone();
    for c in &mut no.carriers {
        for o in &mut c.orders {
            if o.id == moved {
                o.locker = Some(Acceptance::No);
            }
        }
    }
    let verdict = check_plan(&no, &net, &engine, &parse_plan(&json).unwrap()).unwrap();
    assert!(
        verdict
            .iter()
            .any(|v| v.contains(&format!("leaves order `{moved}` at locker `{full}`"))),
        "{verdict:#?}"
    );
}

/// The lockers scenario in a temporary folder with `lockers.csv` replaced, and (if given) the
/// sf orders file too.
fn scenario_with(dir: &Path, lockers: &str, sf_orders: Option<&str>) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let core = folder().join("../chengdu-core").canonicalize().unwrap();
    let toml = std::fs::read_to_string(folder().join("scenario.toml"))
        .unwrap()
        .replace(
            "../../osm/",
            &format!("{}/", core.join("../../osm").display()),
        )
        .replace("../chengdu-core/", &format!("{}/", core.display()));
    let toml = match sf_orders {
        Some(text) => {
            std::fs::write(dir.join("orders-sf.csv"), text).unwrap();
            toml.replace(
                &format!("{}/orders-sf.csv", core.display()),
                "orders-sf.csv",
            )
        }
        None => toml,
    };
    std::fs::write(dir.join("scenario.toml"), toml).unwrap();
    std::fs::write(dir.join("lockers.csv"), lockers).unwrap();
    dir.join("scenario.toml")
}

const HEADER: &str = "id,name,kind,lon,lat,small,medium,large,parcels,hours,carriers\n";

#[test]
fn bad_lockers_and_out_of_reach_only_orders_are_errors_with_file_and_line() {
    let tmp = std::env::temp_dir().join(format!("cityfreight-lockers-{}", std::process::id()));
    // Zero capacity and an unknown carrier: reading fails, naming the file and line.
    let path = scenario_with(
        &tmp.join("zero"),
        &format!(
            "{HEADER}a,A,locker,104.07,30.68,0,0,0,,,*\nb,B,pickup_point,104.07,30.67,,,,0,,*\nc,C,locker,104.07,30.66,4,,,,,ems\n"
        ),
        None,
    );
    let err = cityfreight::io::scenario::read_scenario(&path)
        .unwrap_err()
        .to_string();
    for expected in [
        "lockers.csv line 2: locker `a`: capacity 0",
        "lockers.csv line 3: locker `b`: capacity 0",
        "lockers.csv line 4: locker `c`: `carriers`: unknown carrier `ems`",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in:\n{err}");
    }
    // An `only` order with no locker in reach: the orders file, its line and the order.
    let orders = "id,lon,lat,weight_kg,volume_m3,parcels,service_s,windows,locker\n\
                  sf-a,104.0690,30.6846,2,0.005,1,60,,only\n\
                  sf-b,104.0200,30.7400,2,0.005,1,60,,only\n\
                  sf-c,104.0690,30.6846,2,0.090,1,60,,only\n";
    let path = scenario_with(
        &tmp.join("only"),
        &format!("{HEADER}lk,L,locker,104.069451,30.684693,4,2,1,,,*\n"),
        Some(orders),
    );
    let err = cityfreight::io::scenario::read_scenario(&path)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("orders-sf.csv: line 3: order `sf-b`: accepts only a parcel locker"),
        "{err}"
    );
    // Too large for the largest compartment (90 l).
    assert!(err.contains("line 4: order `sf-c`: accepts only"), "{err}");
    assert!(!err.contains("sf-a"), "{err}");
    // A locker off the map: the plan cannot start, and says which line.
    let path = scenario_with(
        &tmp.join("off-map"),
        &format!("{HEADER}lk,L,locker,104.069451,30.684693,4,2,1,,,*\nfar,F,locker,103.50,30.10,4,2,1,,,*\n"),
        None,
    );
    let s = cityfreight::io::scenario::read_scenario(&path).unwrap();
    let (net, engine) = load(&s);
    let err = plan(&s, &net, &engine, &|_| {}).unwrap_err().to_string();
    assert!(err.contains("locker `far` (lockers.csv line 3)"), "{err}");
    std::fs::remove_dir_all(&tmp).ok();
}

#[test]
fn share_pools_lockers_across_carriers_in_the_pooled_plan() {
    let s = tight(3);
    let (net, engine) = load(&s);
    let report = cityfreight::plan::share::share(&s, &net, &engine, &|_| {}).unwrap();
    assert!(report.violations.is_empty(), "{:?}", report.violations);
    let pooled = Plan {
        scenario: s.name.clone(),
        routes: report.pooled_routes.clone(),
        unserved: report.unserved.1.clone(),
        violations: Vec::new(),
        streets: Vec::new(),
        kpis: report.kpis.1.clone(),
    };
    let held = parcels_at_lockers(&s, &pooled);
    assert!(held.values().any(|&n| n == 3), "{held:?}");
    assert!(held.values().all(|&n| n <= 3), "{held:?}");
    // One locker serves several carriers' parcels in the pooled plan.
    let carriers_at = |id: &str| {
        let mut c: Vec<&str> = pooled
            .routes
            .iter()
            .flat_map(|r| &r.stops)
            .filter(|st| st.locker.as_deref() == Some(id))
            .filter_map(|st| st.order_carrier.as_deref())
            .collect();
        c.sort_unstable();
        c.dedup();
        c.len()
    };
    assert!(held.keys().any(|id| carriers_at(id) >= 2), "{held:?}");
}
