//! DOMAIN.md scenario 2, the bundled `data/scenarios/chengdu-peak-ban` sweep: a peak-only
//! fuel-truck ban keeps every diesel truck out of the core in the peaks but lets them in between;
//! an all-day ban keeps them out all day, stranding the core orders of the truck-only carriers
//! until their trucks are electric; congestion by hour makes the same day take longer than free
//! flow would.

mod common;

use cityfreight::io::scenario::read_scenario;
use cityfreight::io::sweep::read_sweep;
use cityfreight::matrix::MatrixEngine;
use cityfreight::network::Network;
use cityfreight::plan::kpi::{Kpi, Scope};
use cityfreight::plan::{plan, Plan};
use cityfreight::sweep::apply;
use std::path::Path;

fn in_peak(s: i64) -> bool {
    let (a, b, c, d) = (7 * 3600, 9 * 3600, 17 * 3600, 19 * 3600 + 1800);
    (a..b).contains(&s) || (c..d).contains(&s)
}

#[test]
fn the_peak_ban_sweep_shows_what_each_ban_costs() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/scenarios/chengdu-peak-ban");
    let sweep = read_sweep(&dir.join("sweep.toml")).unwrap();
    let names: Vec<&str> = sweep.variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "peak-ban",
            "all-day-ban",
            "all-day-ban-electric",
            "no-ban",
            "peak-ban-free-flow",
            "all-day-ban-free-flow"
        ]
    );
    let mut base = read_scenario(&sweep.base).unwrap();
    assert!(
        !base.traffic.is_free_flow(),
        "the scenario plans under congestion"
    );
    base.solver.iterations = Some(400);
    let net = Network::load(&base.osm, &base.classes, &|_, _, _| {}).unwrap();
    let (engine, _) = MatrixEngine::new(&net.graph, None).unwrap();
    let run = |name: &str| -> Plan {
        let v = sweep.variants.iter().find(|v| v.name == name).unwrap();
        let s = apply(&base, v).unwrap();
        let p = plan(&s, &net, &engine, &|_| {}).unwrap();
        assert!(p.violations.is_empty(), "{name}: {:?}", p.violations);
        p
    };
    let kpi = |p: &Plan, k: Kpi| p.kpis.get(&Scope::All, &k).unwrap();
    let core_entries = |p: &Plan| -> Vec<i64> {
        p.routes
            .iter()
            .filter(|r| r.class.starts_with("diesel"))
            .flat_map(|r| r.zone_entry_times.iter().map(|&(_, t)| t))
            .collect()
    };

    let peak = run("peak-ban");
    let entries = core_entries(&peak);
    assert!(
        !entries.is_empty(),
        "diesel trucks still serve the core between the peaks"
    );
    assert!(
        entries.iter().all(|&t| !in_peak(t)),
        "no diesel truck enters the core in a peak: {entries:?}"
    );

    let all_day = run("all-day-ban");
    assert!(core_entries(&all_day).is_empty());
    let stranded = kpi(&all_day, Kpi::Unserved) - kpi(&peak, Kpi::Unserved);
    assert!(
        stranded > 30.0,
        "{stranded} more orders unserved under the all-day ban"
    );

    let electric = run("all-day-ban-electric");
    assert_eq!(kpi(&electric, Kpi::Unserved), kpi(&peak, Kpi::Unserved));
    assert_eq!(kpi(&electric, Kpi::Nox), 0.0);
    assert!(kpi(&peak, Kpi::Nox) > 0.0);

    let free = run("peak-ban-free-flow");
    assert!(
        kpi(&free, Kpi::VehicleHours) < kpi(&peak, Kpi::VehicleHours),
        "free flow: {} h, congested: {} h",
        kpi(&free, Kpi::VehicleHours),
        kpi(&peak, Kpi::VehicleHours)
    );
    assert_eq!(
        kpi(&peak, Kpi::NightDeliveryShare),
        0.0,
        "no order asks for the night"
    );

    // sf's receivers take parcels only 05:00-06:00: a night delivery (22:00-06:00) for each.
    let mut night = apply(&base, &sweep.variants[0]).unwrap();
    for o in &mut night.carriers[0].orders {
        o.windows = vec![(5 * 3600, 6 * 3600 - 1)];
    }
    let p = plan(&night, &net, &engine, &|_| {}).unwrap();
    let parcels = |c: usize| -> u32 {
        let c = &night.carriers[c];
        p.routes
            .iter()
            .flat_map(|r| &r.stops)
            .filter(|s| s.order_carrier.as_deref() == Some(c.id.as_str()))
            .filter_map(|s| {
                c.orders
                    .iter()
                    .find(|o| Some(o.id.as_str()) == s.order.as_deref())
            })
            .map(|o| o.parcels)
            .sum()
    };
    let total: u32 = (0..3).map(parcels).sum();
    let expected = f64::from(parcels(0)) / f64::from(total);
    assert!(parcels(0) > 0);
    let got = kpi(&p, Kpi::NightDeliveryShare);
    assert!(
        (got - expected).abs() < 5e-4,
        "night share {got}, expected {expected} ({} of {total} parcels)",
        parcels(0)
    );
}
