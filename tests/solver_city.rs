//! City features end to end: waiting for a faster hour band, delivery alternatives (door or bay),
//! multi-trip vehicles with reloads, optional orders with penalties.

mod common;

use cityfreight::solver::check::check;
use cityfreight::solver::measure::{Cost, Duration, Time};
use cityfreight::solver::model::{Alternative, Problem, VehicleType};
use cityfreight::solver::sisr::SearchParams;
use cityfreight::solver::solution::{Route, Solution, Visit};
use cityfreight::solver::solve::{solve, SolveOutcome, SolveParams, StopCriterion};
use cityfreight::solver::travel::Profile;

fn solve_fixed(problem: &Problem) -> SolveOutcome {
    solve(
        problem,
        &StopCriterion {
            max_iterations: Some(500),
            ..Default::default()
        },
        &SolveParams {
            threads: 2,
            seed: 1,
            search: SearchParams::for_size(problem.orders().len()),
        },
        &|_| {},
    )
    .expect("solve")
}

#[test]
fn the_best_plan_waits_for_the_faster_band() {
    // Depot at 0, one customer 40 away. Before t = 100 travel is 3x slower (120), after it 40.
    // The shift opens at 50 and the order must start by 145: leaving at 50 arrives at 170, waiting
    // until 100 arrives at 140.
    let d = common::euclid(&[(0, 0), (40, 0)]);
    let profile = common::banded_profile(&d, 100, 3);
    let mut vt = common::vehicle(10, 1, 400);
    vt.shift.open = Time(50);
    let problem = Problem::new(
        vec!["depot".into(), "shop".into()],
        vec![profile],
        vec![common::order(1, 1, 0, 0, 145)],
        vec![vt.clone()],
    )
    .expect("valid");
    let outcome = solve_fixed(&problem);
    let report = check(&problem, &outcome.solution);
    assert!(report.feasible(), "{:?}", report.violations);
    assert_eq!(outcome.solution.routes.len(), 1);
    // Departure at 100, arrival 140, back at 180: duration 80.
    assert_eq!(report.routes[0].duration, Duration(80));

    // Without the fast band the same order cannot be served.
    let slow_only = Problem::new(
        vec!["depot".into(), "shop".into()],
        vec![Profile::constant(
            "slow",
            d.clone(),
            problem.profiles()[0].bands[0].durations.clone(),
        )],
        vec![common::order(1, 1, 0, 0, 145)],
        vec![vt],
    )
    .expect("valid");
    assert_eq!(solve_fixed(&slow_only).objective.missing_required, 1);
}

#[test]
fn an_order_is_served_at_exactly_one_alternative() {
    // The door (location 1) is 50 away; a loading bay (location 2) 10 away serves it with 20 extra
    // service time (walking). With a window that closes at 45, only the bay works; the cheaper plan
    // anyway uses the bay.
    let d = common::euclid(&[(0, 0), (50, 0), (10, 0)]);
    let mut o = common::order(1, 1, 5, 0, 45);
    o.alternatives.push(Alternative {
        location: 2,
        service: Duration(25),
    });
    let problem = Problem::new(
        vec!["depot".into(), "door".into(), "bay".into()],
        vec![Profile::constant("p", d.clone(), common::as_durations(&d))],
        vec![o],
        vec![common::vehicle(10, 1, 400)],
    )
    .expect("valid");
    let outcome = solve_fixed(&problem);
    let report = check(&problem, &outcome.solution);
    assert!(report.feasible(), "{:?}", report.violations);
    assert_eq!(
        outcome.solution.routes[0].visits,
        vec![Visit::Order {
            order: 0,
            alternative: 1
        }]
    );
    assert_eq!(report.distance.0, 20);
    // Serving both the door and the bay is a violation.
    let both = Solution {
        routes: vec![Route {
            vehicle_type: 0,
            visits: vec![
                Visit::Order {
                    order: 0,
                    alternative: 1,
                },
                Visit::Order {
                    order: 0,
                    alternative: 0,
                },
            ],
        }],
        unserved: vec![],
    };
    assert!(!check(&problem, &both).feasible());
}

fn tricycle(reloads: bool) -> VehicleType {
    let mut vt = common::vehicle(10, 1, 1_000);
    if reloads {
        vt.reload_depots = vec![0];
        vt.reload_time = Duration(15);
    }
    vt
}

#[test]
fn a_small_vehicle_reloads_to_serve_everything() {
    // One e-tricycle of capacity 10 and four orders of 4: it needs at least two trips.
    let d = common::euclid(&[(0, 0), (10, 0), (10, 10), (-10, 0), (-10, -10)]);
    let orders: Vec<_> = (1..=4).map(|i| common::order(i, 4, 5, 0, 900)).collect();
    let make = |reloads| {
        Problem::new(
            (0..5).map(|i| format!("n{i}")).collect(),
            vec![Profile::constant("p", d.clone(), common::as_durations(&d))],
            orders.clone(),
            vec![tricycle(reloads)],
        )
        .expect("valid")
    };
    let problem = make(true);
    let outcome = solve_fixed(&problem);
    let report = check(&problem, &outcome.solution);
    assert!(report.feasible(), "{:?}", report.violations);
    assert_eq!(outcome.objective.missing_required, 0);
    assert_eq!(outcome.solution.routes.len(), 1);
    assert!(report.routes[0].trips >= 2);
    // Two trips, one per side of the depot: 10+10+~14 each way = 2 * (10 + 10 + 14).
    assert_eq!(report.distance.0, 2 * (10 + 10 + 14));
    // Without reloads the same vehicle cannot serve all four.
    assert!(make(false).vehicle_types()[0].reload_depots.is_empty());
    assert_eq!(solve_fixed(&make(false)).objective.missing_required, 2);
}

#[test]
fn optional_orders_are_dropped_only_when_cheaper() {
    // An optional order 100 away (round trip 200): dropped for a penalty of 150, served for 250.
    let d = common::euclid(&[(0, 0), (100, 0), (5, 0)]);
    let make = |penalty| {
        let mut far = common::order(1, 1, 0, 0, 1_000);
        far.penalty = Some(Cost(penalty));
        Problem::new(
            vec!["depot".into(), "far".into(), "near".into()],
            vec![Profile::constant("p", d.clone(), common::as_durations(&d))],
            vec![far, common::order(2, 1, 0, 0, 1_000)],
            vec![common::vehicle(10, 1, 1_000)],
        )
        .expect("valid")
    };
    let cheap = make(150);
    let outcome = solve_fixed(&cheap);
    assert_eq!(outcome.solution.unserved, vec![0]);
    let report = check(&cheap, &outcome.solution);
    assert!(report.feasible());
    assert_eq!(report.cost, Cost(10 + 150));
    let dear = make(250);
    let outcome = solve_fixed(&dear);
    assert!(outcome.solution.unserved.is_empty());
    assert_eq!(check(&dear, &outcome.solution).cost, Cost(200));
}
