//! Pickups on a real extract: an express e-tricycle (180 kg payload) delivers in the morning and
//! collects e-commerce returns in the afternoon, on central Chengdu. The returns alone outweigh its
//! payload, so the plan must unload them at the depot (a reload) or use a second tricycle; at no
//! point of any route may the load aboard exceed the payload, and the plan passes the checker.

mod common;

use cityfreight::plan::kpi::{Kpi, Scope};
use cityfreight::scenario::{FleetEntry, Pickup, PickupKind};

#[test]
fn a_tricycle_collecting_returns_never_exceeds_its_payload() {
    let mut s = common::demo_scenario();
    s.carriers.truncate(1);
    let tricycle = s
        .classes
        .iter()
        .position(|c| c.id == "e-tricycle")
        .expect("default class");
    let payload_g = i64::from(s.classes[tricycle].payload_kg) * 1000;
    let carrier = &mut s.carriers[0];
    carrier.fleet = vec![FleetEntry {
        class: tricycle,
        count: 2,
        permit: None,
        shift: (7 * 3600, 19 * 3600),
    }];
    carrier.orders.truncate(12);
    for (i, o) in carrier.orders.iter_mut().enumerate() {
        if i < 6 {
            // Morning deliveries, 20 kg each.
            o.weight_g = 20_000;
            o.windows = vec![(8 * 3600, 12 * 3600)];
        } else {
            // Afternoon returns, 35 kg and 2 parcels each, nothing delivered: 210 kg in all.
            (o.weight_g, o.volume_ml, o.parcels) = (0, 0, 0);
            o.pickup = Pickup {
                weight_g: 35_000,
                volume_ml: 50_000,
                parcels: 2,
                kind: PickupKind::Return,
            };
            o.windows = vec![(13 * 3600, 17 * 3600)];
        }
    }
    let p = common::plan_scenario(&s);
    assert!(p.violations.is_empty(), "{:#?}", p.violations);
    assert!(p.unserved.is_empty(), "{:#?}", p.unserved);
    let mut most = 0;
    for r in &p.routes {
        for stop in &r.stops {
            assert!(
                (0..=payload_g).contains(&stop.load_after_g),
                "{} holds {} g after {:?}",
                r.vehicle,
                stop.load_after_g,
                stop.order
            );
            most = most.max(stop.load_after_g);
        }
    }
    // The returns really ride: some stop leaves with more than all the deliveries together.
    assert!(most > 120_000, "at most {most} g aboard");
    let kpi = |k: Kpi| p.kpis.get(&Scope::All, &k).unwrap_or(f64::NAN);
    assert_eq!(kpi(Kpi::ParcelsPickedUp), 12.0);
    assert_eq!(kpi(Kpi::Returns), 12.0);
    assert!(kpi(Kpi::BackhaulLoadFactor) > 0.0);
}
