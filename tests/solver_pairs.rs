//! Shipments (pickup-and-delivery pairs) through the whole search: every plan the solver returns
//! keeps each pair in one route, pickup first, or leaves it out whole, and the independent checker
//! agrees; the checker names a split, inverted or half-served pair; validation names every bad
//! shipment at once; the same seed and iteration limit give the same plan.

mod common;

use cityfreight::solver::check::{check, Violation};
use cityfreight::solver::error::Error;
use cityfreight::solver::measure::{Cost, Duration, Load};
use cityfreight::solver::model::{PairRole, Problem, Shipment};
use cityfreight::solver::sisr::SearchParams;
use cityfreight::solver::solution::{Route, Solution, Visit};
use cityfreight::solver::solve::{solve, SolveParams, StopCriterion};

fn run(problem: &Problem, iterations: u64, seed: u64) -> Solution {
    solve(
        problem,
        &StopCriterion {
            max_iterations: Some(iterations),
            ..Default::default()
        },
        &SolveParams {
            threads: 1,
            seed,
            search: SearchParams::for_size(problem.orders().len()),
        },
        &|_| {},
    )
    .expect("solve")
    .solution
}

/// Where each order is served: (route, position among the route's orders).
fn positions(problem: &Problem, s: &Solution) -> Vec<Option<(usize, usize)>> {
    let mut at = vec![None; problem.orders().len()];
    for (r, route) in s.routes.iter().enumerate() {
        for (k, o) in route.orders().enumerate() {
            at[o as usize] = Some((r, k));
        }
    }
    at
}

#[test]
fn solved_plans_keep_every_shipment_whole_and_in_order() {
    let mut served_pairs = 0;
    for seed in 1..=4u64 {
        let problem = common::with_shipments(&common::random_vrptw(seed, 30, 8, 12), seed, 8, 8);
        let solution = run(&problem, 1_500, seed);
        let report = check(&problem, &solution);
        assert!(report.feasible(), "seed {seed}: {:?}", report.violations);
        // The same rule, read off the plan directly.
        let at = positions(&problem, &solution);
        for o in 0..problem.orders().len() as u32 {
            let Some(pair) = problem.pair(o) else {
                continue;
            };
            if pair.role != PairRole::Pickup {
                continue;
            }
            match (at[o as usize], at[pair.partner as usize]) {
                (None, None) => {}
                (Some((rp, kp)), Some((rd, kd))) => {
                    assert_eq!(rp, rd, "seed {seed}: pair {o} split");
                    assert!(kp < kd, "seed {seed}: pair {o} delivered first");
                    served_pairs += 1;
                }
                other => panic!("seed {seed}: pair {o} half served: {other:?}"),
            }
        }
    }
    assert!(served_pairs >= 20, "only {served_pairs} pairs served");
}

#[test]
fn same_seed_and_iterations_give_the_same_plan() {
    let problem = common::with_shipments(&common::random_vrptw(3, 30, 8, 12), 3, 8, 8);
    assert_eq!(run(&problem, 800, 9), run(&problem, 800, 9));
}

/// Depot 0 and three points on a line at distance 10, 20, 30; capacity 10. Order 0 delivers 6
/// at point 1; the shipment (orders 1 then 2) carries 8 from point 2 to point 3.
fn line() -> Problem {
    let pts = [(0, 0), (10, 0), (20, 0), (30, 0)];
    let d = common::euclid(&pts);
    let orders = vec![
        common::order(1, 6, 0, 0, 1_000),
        common::order(2, 0, 0, 0, 1_000),
        common::order(3, 0, 0, 0, 1_000),
    ];
    Problem::new(
        (0..4).map(|i| format!("n{i}")).collect(),
        vec![cityfreight::solver::travel::Profile::constant(
            "line",
            d.clone(),
            common::as_durations(&d),
        )],
        orders,
        vec![common::vehicle(10, 2, 1_000)],
    )
    .and_then(|p| {
        p.with_pairs(vec![Shipment {
            pickup: 1,
            delivery: 2,
            amount: Load::weight(8),
        }])
    })
    .expect("valid")
}

fn route(orders: &[u32]) -> Route {
    Route {
        vehicle_type: 0,
        visits: orders
            .iter()
            .map(|&order| Visit::Order {
                order,
                alternative: 0,
            })
            .collect(),
    }
}

#[test]
fn the_shipment_is_aboard_between_its_ends_only() {
    let p = line();
    // Deliver the 6 first, then carry the 8: never more than 8 aboard; one van, 60 m.
    let s = run(&p, 300, 1);
    let r = check(&p, &s);
    assert!(r.feasible(), "{:?}", r.violations);
    assert_eq!(s.routes.len(), 1);
    assert_eq!(s.routes[0].orders().collect::<Vec<_>>(), vec![0, 1, 2]);
    assert_eq!(r.cost, Cost(60));
    // Picking the 8 up before dropping the 6 would hold 14.
    let v = check(
        &p,
        &Solution {
            routes: vec![route(&[1, 0, 2])],
            unserved: vec![],
        },
    )
    .violations;
    assert!(
        v.iter()
            .any(|v| matches!(v, Violation::Capacity { load, .. } if *load == Load::weight(14))),
        "{v:?}"
    );
}

#[test]
fn checker_names_split_inverted_and_half_served_shipments() {
    let p = line();
    let judge = |routes: Vec<Route>, unserved: Vec<u32>| check(&p, &Solution { routes, unserved });
    let v = judge(vec![route(&[0, 2, 1])], vec![]).violations;
    assert!(
        v.iter().any(|v| matches!(
            v,
            Violation::PairOrder {
                pickup: 1,
                delivery: 2,
                ..
            }
        )),
        "{v:?}"
    );
    let v = judge(vec![route(&[0, 1]), route(&[2])], vec![]).violations;
    assert!(
        v.iter().any(|v| matches!(
            v,
            Violation::PairSplit {
                pickup_route: 0,
                delivery_route: 1,
                ..
            }
        )),
        "{v:?}"
    );
    let v = judge(vec![route(&[0, 1])], vec![2]).violations;
    assert!(
        v.iter()
            .any(|v| matches!(v, Violation::PairHalfServed { unserved: 2, .. })),
        "{v:?}"
    );
    assert!(judge(vec![route(&[0, 1, 2])], vec![]).feasible());
}

#[test]
fn validation_names_every_bad_shipment() {
    let base = common::random_vrptw(1, 6, 2, 10);
    let mut orders = base.orders().to_vec();
    orders[4].pickup = Load::weight(1);
    orders[5].penalty = Some(Cost(10));
    let mut vts = base.vehicle_types().to_vec();
    vts[0].reload_depots = vec![0];
    vts[0].reload_time = Duration(5);
    let p = Problem::new(
        base.locations().to_vec(),
        base.profiles().to_vec(),
        orders,
        vts,
    )
    .expect("valid without shipments");
    let sh = |pickup, delivery, amount| Shipment {
        pickup,
        delivery,
        amount: Load::weight(amount),
    };
    let err = p
        .with_pairs(vec![
            sh(0, 9, 1),  // no order 9
            sh(1, 1, 1),  // one order both ends
            sh(2, 3, -1), // negative amount
            sh(3, 4, 1),  // order 3 twice; order 4 picks up its own
            sh(0, 5, 1),  // 0 required, 5 optional
        ])
        .unwrap_err();
    let Error::Invalid(issues) = err else {
        panic!("expected a validation error, got {err}");
    };
    let text: Vec<String> = issues.iter().map(|i| i.to_string()).collect();
    for needle in [
        "reloads with shipments",
        "must both exist",
        "both its pickup and its delivery",
        "negative amount",
        "already in another shipment",
        "picks up an amount of its own",
        "required and the other optional",
    ] {
        assert!(
            text.iter().any(|t| t.contains(needle)),
            "{needle}: {text:?}"
        );
    }
}

#[test]
fn insertion_checks_refuse_a_lone_or_inverted_half() {
    use cityfreight::solver::route_state::{RouteState, Stop};
    let p = line();
    let stop = |order: u32| Stop {
        order,
        alternative: 0,
        location: order + 1,
    };
    // An empty fast route: a pickup alone, or a delivery alone, is refused.
    let empty = RouteState::new(&p, 0);
    assert!(empty.is_fast());
    assert_eq!(empty.insertion_delta(&p, 0, stop(1)), None);
    assert_eq!(empty.insertion_delta(&p, 0, stop(2)), None);
    // A route holding the pickup: the delivery fits after it only.
    let mut r = RouteState::new(&p, 0);
    r.stops = vec![stop(0), stop(1)];
    r.update(&p);
    assert!(
        !r.is_fast(),
        "a route with a shipment aboard takes no O(1) shortcut"
    );
    assert_eq!(r.insertion_delta(&p, 2, stop(2)), Some(Cost(20)));
    assert_eq!(r.insertion_delta(&p, 1, stop(2)), None);
    assert_eq!(r.insertion_delta(&p, 0, stop(2)), None);
    // A plain order still goes anywhere it fits, priced exactly.
    let mut q = RouteState::new(&p, 0);
    q.stops = vec![stop(1), stop(2)];
    q.update(&p);
    assert_eq!(q.insertion_delta(&p, 0, stop(0)), Some(Cost(0)));
    // ... but not while the 8 are aboard (6 + 8 > 10).
    assert_eq!(q.insertion_delta(&p, 1, stop(0)), None);
}
