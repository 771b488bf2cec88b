//! The independent checker catches deliberately broken plans, one rule at a time.

mod common;

use cityfreight::solver::check::{check, Violation};
use cityfreight::solver::measure::{Distance, Duration};
use cityfreight::solver::model::Problem;
use cityfreight::solver::solution::{Route, Solution, Visit};
use cityfreight::solver::travel::Profile;

/// Depot at (0,0); three customers on a line at x = 10, 20, 30; two vans of capacity 10.
fn line() -> Problem {
    let d = common::euclid(&[(0, 0), (10, 0), (20, 0), (30, 0)]);
    let mut vt = common::vehicle(10, 2, 200);
    vt.reload_depots = vec![0];
    vt.reload_time = Duration(5);
    Problem::new(
        (0..4).map(|i| format!("n{i}")).collect(),
        vec![Profile::constant(
            "line",
            d.clone(),
            common::as_durations(&d),
        )],
        vec![
            common::order(1, 4, 2, 0, 100),
            common::order(2, 4, 2, 0, 100),
            common::order(3, 4, 2, 25, 40),
        ],
        vec![vt],
    )
    .expect("valid")
}

fn visit(order: u32) -> Visit {
    Visit::Order {
        order,
        alternative: 0,
    }
}

fn plan(routes: Vec<Vec<Visit>>) -> Solution {
    Solution {
        routes: routes
            .into_iter()
            .map(|visits| Route {
                vehicle_type: 0,
                visits,
            })
            .collect(),
        unserved: Vec::new(),
    }
}

#[test]
fn a_valid_plan_passes_with_its_cost() {
    let p = line();
    let r = check(&p, &plan(vec![vec![visit(0), visit(1)], vec![visit(2)]]));
    assert!(r.feasible(), "{:?}", r.violations);
    assert_eq!(r.distance, Distance(40 + 60));
    assert_eq!(r.vehicles, 2);
}

#[test]
fn capacity_is_per_trip() {
    let p = line();
    let r = check(&p, &plan(vec![vec![visit(2), visit(0), visit(1)]]));
    assert!(r
        .violations
        .iter()
        .any(|v| matches!(v, Violation::Capacity { trip: 0, .. })));
    // A reload between the orders splits the load into two trips.
    let r = check(
        &p,
        &plan(vec![vec![
            visit(2),
            Visit::Reload { depot: 0 },
            visit(0),
            visit(1),
        ]]),
    );
    assert!(r.feasible(), "{:?}", r.violations);
    assert_eq!(r.routes[0].trips, 2);
}

#[test]
fn late_arrival_is_a_window_violation() {
    let p = line();
    // Order 2 (x = 30) closes at 40; going 1 -> 2 -> 3 arrives at 10+2+10+2+10 = 34: fine.
    assert!(check(&p, &plan(vec![vec![visit(0), visit(1), visit(2)]]))
        .violations
        .iter()
        .all(|v| !matches!(v, Violation::TimeWindow { .. })));
    // Going 3 last after a detour 2 -> 1 -> 3 arrives at 20+2+10+2+20 = 54 > 40.
    let r = check(&p, &plan(vec![vec![visit(1), visit(0), visit(2)]]));
    assert!(r
        .violations
        .iter()
        .any(|v| matches!(v, Violation::TimeWindow { order: 2, .. })));
}

#[test]
fn missing_duplicate_and_unknown_orders_are_reported() {
    let p = line();
    let r = check(&p, &plan(vec![vec![visit(0), visit(0)], vec![visit(9)]]));
    assert!(r
        .violations
        .contains(&Violation::ServedMoreThanOnce { order: 0, times: 2 }));
    assert!(r
        .violations
        .contains(&Violation::RequiredUnserved { order: 1 }));
    assert!(r
        .violations
        .contains(&Violation::UnknownOrder { route: 1, order: 9 }));
}

#[test]
fn fleet_shift_duration_distance_and_reload_rules() {
    let p = line();
    let r = check(
        &p,
        &plan(vec![vec![visit(0)], vec![visit(1)], vec![visit(2)]]),
    );
    assert!(r.violations.iter().any(|v| matches!(
        v,
        Violation::FleetExceeded {
            used: 3,
            available: 2,
            ..
        }
    )));
    let r = check(
        &p,
        &plan(vec![
            vec![visit(0), Visit::Reload { depot: 3 }, visit(1)],
            vec![visit(2)],
        ]),
    );
    assert!(r
        .violations
        .contains(&Violation::NotReloadDepot { route: 0, depot: 3 }));

    let mut vts = p.vehicle_types().to_vec();
    vts[0].shift.close = cityfreight::solver::measure::Time(50);
    vts[0].max_duration = Duration(45);
    vts[0].max_distance = Distance(50);
    let tight = Problem::new(
        p.locations().to_vec(),
        p.profiles().to_vec(),
        p.orders().to_vec(),
        vts,
    )
    .expect("valid");
    let r = check(
        &tight,
        &plan(vec![vec![visit(0), visit(1)], vec![visit(2)]]),
    );
    assert!(r
        .violations
        .iter()
        .any(|v| matches!(v, Violation::Shift { route: 1, .. })));
    assert!(r
        .violations
        .iter()
        .any(|v| matches!(v, Violation::Duration { route: 1, .. })));
    assert!(r
        .violations
        .iter()
        .any(|v| matches!(v, Violation::Distance { route: 1, .. })));
    assert!(!r
        .violations
        .iter()
        .any(|v| matches!(v, Violation::Distance { route: 0, .. })));
}

#[test]
fn the_unserved_list_must_match() {
    let p = line();
    let mut s = plan(vec![vec![visit(0), visit(1)], vec![visit(2)]]);
    s.unserved.push(1);
    let r = check(&p, &s);
    assert_eq!(
        r.violations,
        vec![Violation::UnservedListWrong { order: 1 }]
    );
}

/// A pickup collected early rides with the deliveries still aboard: order 0 picks up 7 and
/// delivers nothing, order 1 delivers 4 (capacity 10). Picking up first holds 4 + 7 = 11 after the
/// first stop; delivering first never holds more than 7. A reload in between unloads the pickup.
#[test]
fn the_load_profile_counts_pickups_until_the_depot() {
    use cityfreight::solver::measure::Load;
    let base = line();
    let mut orders = base.orders().to_vec();
    orders[0].demand = Load::ZERO;
    orders[0].pickup = Load::weight(7);
    let p = Problem::new(
        base.locations().to_vec(),
        base.profiles().to_vec(),
        orders,
        base.vehicle_types().to_vec(),
    )
    .unwrap();
    let r = check(&p, &plan(vec![vec![visit(0), visit(1)], vec![visit(2)]]));
    assert!(
        r.violations.contains(&Violation::Capacity {
            route: 0,
            trip: 0,
            load: Load::weight(11),
            capacity: p.vehicle_types()[0].capacity,
        }),
        "{:?}",
        r.violations
    );
    let r = check(&p, &plan(vec![vec![visit(1), visit(0)], vec![visit(2)]]));
    assert!(r.feasible(), "{:?}", r.violations);
    let reload = Visit::Reload { depot: 0 };
    let r = check(
        &p,
        &plan(vec![vec![visit(0), reload, visit(1)], vec![visit(2)]]),
    );
    assert!(r.feasible(), "{:?}", r.violations);
}
