//! Two-tier delivery on the Chengdu demo: night trucks unload every carrier's parcels at the
//! centre before the last mile starts, the last mile delivers every order once, the comparison
//! with direct vans covers the KPIs of the issue, and a centre off the map or unreachable in time
//! is a clear error naming the scenario's `[two_tier]` table.

use cityfreight::io::scenario::read_scenario;
use cityfreight::io::two_tier::read_two_tier;
use cityfreight::matrix::MatrixEngine;
use cityfreight::network::Network;
use cityfreight::plan::kpi::{Kpi, Scope};
use cityfreight::plan::two_tier::plan_two_tier;
use cityfreight::plan::PlanError;
use cityfreight::scenario::two_tier::TwoTier;
use cityfreight::scenario::Scenario;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

mod common;

fn demo_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/scenarios/chengdu-core/scenario.toml")
}

fn demo() -> (Scenario, TwoTier, Network, MatrixEngine) {
    let mut s = read_scenario(&demo_path()).unwrap();
    s.solver.iterations = Some(600);
    let t = read_two_tier(&demo_path(), &s).unwrap().unwrap();
    let net = Network::load(&s.osm, &s.classes, &|_, _, _| {}).unwrap();
    let (engine, _) = MatrixEngine::new(&net.graph, None).unwrap();
    (s, t, net, engine)
}

#[test]
fn loads_arrive_before_the_last_mile_and_every_order_is_delivered_once() {
    let (s, t, net, engine) = demo();
    let r = plan_two_tier(&s, &t, &net, &engine, &|_| {}).unwrap();
    assert!(r.violations.is_empty(), "{:#?}", r.violations);
    assert!(r.direct.violations.is_empty());
    // Tier 1: one truck per carrier, every load unloaded at the centre by 07:00.
    assert!(r.tier1.unserved.is_empty());
    let start = t.last_mile_start() as i64;
    assert_eq!(start, 7 * 3600);
    for route in &r.tier1.routes {
        assert_eq!(route.class, "diesel-light-truck");
        for stop in route.stops.iter().filter(|s| s.order.is_some()) {
            assert!(stop.departure_s <= start, "{}: {stop:?}", route.vehicle);
        }
    }
    // Tier 2: e-tricycles from the centre, starting no earlier than 07:00, each order once.
    let mut seen = BTreeSet::new();
    for route in &r.tier2.routes {
        assert_eq!(
            (route.carrier.as_str(), route.class.as_str()),
            ("hub", "e-tricycle")
        );
        assert!(route.start_s >= start);
        for stop in &route.stops {
            if let Some(o) = &stop.order {
                assert!(seen.insert(o.clone()), "{o} delivered twice");
            }
        }
    }
    let all: usize = s.carriers.iter().map(|c| c.orders.len()).sum();
    assert_eq!(seen.len() + r.tier2.unserved.len(), all);
    // Combined KPIs: the customers' orders and parcels once; vehicles and km of both tiers.
    let get = |kpi: Kpi| r.kpis.get(&Scope::All, &kpi).unwrap();
    assert_eq!(get(Kpi::Orders), all as f64);
    assert_eq!(
        get(Kpi::Parcels),
        r.tier2.kpis.get(&Scope::All, &Kpi::Parcels).unwrap()
    );
    assert_eq!(
        get(Kpi::Vehicles),
        (r.tier1.routes.len() + r.tier2.routes.len()) as f64
    );
    let km = r.tier1.kpis.get(&Scope::All, &Kpi::VehicleKm).unwrap()
        + r.tier2.kpis.get(&Scope::All, &Kpi::VehicleKm).unwrap();
    assert!((get(Kpi::VehicleKm) - km).abs() < 0.01);
    for kpi in [
        Kpi::VehicleKm,
        Kpi::Vehicles,
        Kpi::EnergyElectric,
        Kpi::Co2WellToWheel,
        Kpi::Cost,
        Kpi::CostPerParcel,
        Kpi::LoadFactor,
        Kpi::OnTimeRate,
    ] {
        assert!(
            r.direct.kpis.get(&Scope::All, &kpi).is_some()
                && r.kpis.get(&Scope::All, &kpi).is_some(),
            "{kpi}"
        );
    }
    assert!(r
        .kpis
        .get(&Scope::Zone("core".into()), &Kpi::VehicleKmInside)
        .is_some());
    assert!(r
        .kpis
        .get(&Scope::Permit("green-pass".into()), &Kpi::PermitsUsed)
        .is_some());
}

#[test]
fn a_centre_off_the_map_or_unreachable_in_time_is_a_clear_error() {
    let (s, t, net, engine) = demo();
    let far = TwoTier {
        centre: [104.5, 30.2],
        ..t.clone()
    };
    let e = plan_two_tier(&s, &far, &net, &engine, &|_| {}).unwrap_err();
    let text = e.to_string();
    assert!(matches!(e, PlanError::Unplaceable(_)));
    assert!(text.contains("scenario.toml [two_tier] `centre`"), "{text}");
    // Trucks that may only leave at 06:50 cannot unload for 500 s before 07:00.
    let mut late = t.clone();
    late.unload_s = 500;
    for f in &mut late.night_fleet {
        f.shift = (6 * 3600 + 50 * 60, 7 * 3600);
    }
    let e = plan_two_tier(&s, &late, &net, &engine, &|_| {}).unwrap_err();
    let text = e.to_string();
    assert!(matches!(e, PlanError::TwoTier(_)), "{text}");
    assert!(
        text.contains("[two_tier] `centre`") && text.contains("07:00"),
        "{text}"
    );
}

#[test]
fn a_tier_that_breaks_a_rule_is_rejected_before_planning() {
    let (s, t, net, engine) = demo();
    // Four night trucks per carrier holding the green pass: each tier-1 carrier holds four
    // permits (sf's quota is 3) and together twelve (the quota is 8); the direct plan is valid.
    let green = s.policy.permit("green-pass").unwrap();
    let electric = s
        .classes
        .iter()
        .position(|c| c.id == "e-light-truck")
        .unwrap();
    let mut t = t.clone();
    t.night_fleet[0].class = electric;
    t.night_fleet[0].permit = Some(green);
    t.night_fleet[0].count = 4;
    assert!(t.validate(&s).is_ok());
    let e = plan_two_tier(&s, &t, &net, &engine, &|_| {}).unwrap_err();
    let text = e.to_string();
    let PlanError::Invalid(v) = e else {
        panic!("expected a validation error, got {text}");
    };
    assert!(v.scenario.contains("tier 1"), "{text}");
    assert!(
        text.contains("permit `green-pass`: the fleets hold 12 permits, the quota is 8")
            && text.contains("carrier `sf` holds 4 permits, its quota is 3"),
        "{text}"
    );
    // A last-mile fleet too light for an order: the two-tier setup's own rule.
    let mut heavy = s.clone();
    heavy.carriers[0].orders[0].weight_g = 500_000;
    let e = plan_two_tier(&heavy, &demo().1, &net, &engine, &|_| {}).unwrap_err();
    assert!(
        matches!(e, PlanError::Invalid(_))
            && e.to_string()
                .contains("more than every last-mile vehicle carries"),
        "{e}"
    );
}

#[test]
fn a_bad_two_tier_table_lists_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    let src = demo_path();
    let text = std::fs::read_to_string(&src).unwrap();
    let base = text.split("[two_tier]").next().unwrap().replace(
        "../../osm/",
        &format!("{}/data/osm/", env!("CARGO_MANIFEST_DIR")),
    );
    common::copy_demo_data(dir.path());
    let path = dir.path().join("scenario.toml");
    std::fs::write(
        &path,
        format!(
            "{base}[two_tier]\ncentre = [204.0, 30.7]\nnight_fleet = [ {{ class = \"hovercraft\", count = 0, shift = \"03:00-07:00\" }}, {{ class = \"diesel-light-truck\", count = 1, shift = \"06:55-08:00\" }} ]\nlast_mile_fleet = [ {{ class = \"e-tricycle\", count = 2, shift = \"07:00-25:00\" }} ]\n"
        ),
    )
    .unwrap();
    let s = read_scenario(&path).unwrap();
    let e = read_two_tier(&path, &s).unwrap_err().to_string();
    for needle in [
        "scenario.toml",
        "`centre` [204.0, 30.7]",
        "unknown vehicle class `hovercraft`",
        "`count` must be positive",
        "`last_mile_fleet` #1: `shift`",
        "too late to unload",
    ] {
        assert!(e.contains(needle), "missing `{needle}` in:\n{e}");
    }
    // No table: no two-tier plan.
    std::fs::write(&path, &base).unwrap();
    assert!(read_two_tier(&path, &s).unwrap().is_none());
}

#[test]
fn non_shareable_orders_stay_with_their_carrier() {
    let (mut s, t, net, engine) = demo();
    let own_carrier = s.carriers[0].id.clone();
    for o in &mut s.carriers[0].orders {
        o.shareable = false;
    }
    let own_ids: BTreeSet<String> = s.carriers[0].orders.iter().map(|o| o.id.clone()).collect();
    let r = plan_two_tier(&s, &t, &net, &engine, &|_| {}).unwrap();
    assert!(r.violations.is_empty(), "{:#?}", r.violations);
    // No load of that carrier goes to the centre, and the centre delivers none of its orders.
    assert!(r.tier1.routes.iter().all(|x| x.carrier != own_carrier));
    let prefix = format!("{own_carrier}/");
    for route in &r.tier2.routes {
        for stop in &route.stops {
            let o = stop.order.as_deref().unwrap_or("");
            assert!(!o.starts_with(&prefix), "the centre delivers {o}");
            if own_ids.contains(o) {
                assert_eq!(route.carrier, own_carrier, "{o}");
            }
        }
    }
    // Its own vans deliver them in the last mile, from its depot, each once; the centre's
    // fleet serves the rest.
    let mut seen = BTreeSet::new();
    let mut own_routes = 0;
    for route in r.tier2.routes.iter().filter(|x| x.carrier == own_carrier) {
        own_routes += 1;
        for stop in &route.stops {
            if let Some(o) = &stop.order {
                assert!(seen.insert(o.clone()), "{o} delivered twice");
            }
        }
    }
    assert!(own_routes > 0);
    let unserved: BTreeSet<String> = r
        .tier2
        .unserved
        .iter()
        .filter(|u| u.carrier == own_carrier)
        .map(|u| u.order.clone())
        .collect();
    assert_eq!(
        seen.union(&unserved).cloned().collect::<BTreeSet<_>>(),
        own_ids
    );
    // The combined KPIs still count every customer order once.
    let all: usize = s.carriers.iter().map(|c| c.orders.len()).sum();
    assert_eq!(r.kpis.get(&Scope::All, &Kpi::Orders).unwrap(), all as f64);
    assert_eq!(
        r.kpis.get(&Scope::All, &Kpi::Vehicles).unwrap(),
        (r.tier1.routes.len() + r.tier2.routes.len()) as f64
    );
    // With every order non-shareable there is nothing to send through the centre.
    for c in &mut s.carriers {
        for o in &mut c.orders {
            o.shareable = false;
        }
    }
    let e = plan_two_tier(&s, &t, &net, &engine, &|_| {}).unwrap_err();
    assert!(
        e.to_string().contains("no carrier has a shareable order"),
        "{e}"
    );
}
