//! The search against exhaustive enumeration on tiny VRPTW instances, with and without
//! simultaneous pickups, and with shipments (pickup-and-delivery pairs): with a fixed seed and an iteration limit it must find the optimum, and the
//! checker must accept its plan.

mod common;

use cityfreight::solver::check::check;
use cityfreight::solver::measure::Cost;
use cityfreight::solver::model::Problem;
use cityfreight::solver::sisr::SearchParams;
use cityfreight::solver::solution::{Route, Solution, Visit};
use cityfreight::solver::solve::{solve, SolveParams, StopCriterion};

/// Every permutation of `items`.
fn permutations(items: &[u32]) -> Vec<Vec<u32>> {
    if items.len() <= 1 {
        return vec![items.to_vec()];
    }
    let mut out = Vec::new();
    for i in 0..items.len() {
        let mut rest = items.to_vec();
        let x = rest.remove(i);
        for mut p in permutations(&rest) {
            p.insert(0, x);
            out.push(p);
        }
    }
    out
}

/// Every non-decreasing list of `k` cut positions in `0..=n`.
fn cuts(n: usize, k: usize) -> Vec<Vec<usize>> {
    if k == 0 {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    for rest in cuts(n, k - 1) {
        let lo = rest.last().copied().unwrap_or(0);
        for c in lo..=n {
            let mut v = rest.clone();
            v.push(c);
            out.push(v);
        }
    }
    out
}

/// Cheapest feasible plan by enumeration, judged by the checker.
fn brute_force(problem: &Problem) -> Option<Cost> {
    let n = problem.orders().len();
    let k = problem.vehicle_types()[0].count as usize;
    let orders: Vec<u32> = (0..n as u32).collect();
    let mut best: Option<Cost> = None;
    for perm in permutations(&orders) {
        for cut in cuts(n, k - 1) {
            let mut bounds = vec![0];
            bounds.extend(cut);
            bounds.push(n);
            let routes = bounds
                .windows(2)
                .filter(|w| w[1] > w[0])
                .map(|w| Route {
                    vehicle_type: 0,
                    visits: perm[w[0]..w[1]]
                        .iter()
                        .map(|&order| Visit::Order {
                            order,
                            alternative: 0,
                        })
                        .collect(),
                })
                .collect();
            let report = check(
                problem,
                &Solution {
                    routes,
                    unserved: Vec::new(),
                },
            );
            if report.feasible() && best.is_none_or(|b| report.cost < b) {
                best = Some(report.cost);
            }
        }
    }
    best
}

#[test]
fn finds_the_optimum_of_tiny_instances() {
    finds_the_optimum(|seed, vehicles| common::random_vrptw(seed, 6, vehicles, 10));
}

#[test]
fn finds_the_optimum_of_tiny_pickup_and_delivery_instances() {
    // Pickups up to 5 per order against a capacity of 10: the order of stops decides whether a
    // route fits, not only its total.
    finds_the_optimum(|seed, vehicles| {
        common::with_pickups(&common::random_vrptw(seed, 6, vehicles, 10), seed, 5)
    });
}

#[test]
fn finds_the_optimum_of_tiny_shipment_instances() {
    // Two pickup-and-delivery pairs of up to 6 units (against a capacity of 10) among six
    // orders: the enumeration judges every order of stops with the checker, which refuses split
    // or inverted pairs, so the optimum keeps each pair in one route, pickup first.
    finds_the_optimum(|seed, vehicles| {
        common::with_shipments(&common::random_vrptw(seed, 6, vehicles, 10), seed, 2, 6)
    });
}

fn finds_the_optimum(make: impl Fn(u64, u32) -> Problem) {
    let mut compared = 0;
    for seed in 1..=8u64 {
        let vehicles = if seed % 2 == 0 { 2 } else { 3 };
        let problem = make(seed, vehicles);
        let optimum = brute_force(&problem);
        let outcome = solve(
            &problem,
            &StopCriterion {
                max_iterations: Some(3_000),
                ..Default::default()
            },
            &SolveParams {
                threads: 1,
                seed: 7,
                search: SearchParams::for_size(6),
            },
            &|_| {},
        )
        .expect("solve");
        let report = check(&problem, &outcome.solution);
        match optimum {
            Some(opt) => {
                assert!(report.feasible(), "seed {seed}: {:?}", report.violations);
                assert_eq!(report.cost, opt, "seed {seed}");
                assert_eq!(outcome.objective.cost, opt, "seed {seed}");
                compared += 1;
            }
            None => assert!(outcome.objective.missing_required > 0, "seed {seed}"),
        }
    }
    assert!(compared >= 4, "too few feasible fixtures ({compared})");
}
