//! Same seed and thread count (with an iteration limit) give the same plan; the plan is feasible.

mod common;

use cityfreight::solver::check::check;
use cityfreight::solver::sisr::SearchParams;
use cityfreight::solver::solve::{solve, SolveOutcome, SolveParams, StopCriterion};

fn run(threads: usize, seed: u64) -> SolveOutcome {
    let problem = common::random_vrptw(11, 60, 12, 20);
    let mut search = SearchParams::for_size(60);
    search.epoch_iterations = 150;
    let outcome = solve(
        &problem,
        &StopCriterion {
            max_iterations: Some(600),
            ..Default::default()
        },
        &SolveParams {
            threads,
            seed,
            search,
        },
        &|_| {},
    )
    .expect("solve");
    let report = check(&problem, &outcome.solution);
    assert!(report.feasible(), "{:?}", report.violations);
    assert_eq!(report.cost, outcome.objective.cost);
    outcome
}

#[test]
fn same_seed_same_plan_with_two_threads() {
    let a = run(2, 42);
    let b = run(2, 42);
    assert_eq!(a.solution, b.solution);
    assert_eq!(a.iterations, 1_200);
}

#[test]
fn same_seed_same_plan_with_one_thread() {
    assert_eq!(run(1, 9).solution, run(1, 9).solution);
}

#[test]
fn the_search_improves_on_its_start() {
    let problem = common::random_vrptw(11, 60, 12, 20);
    let params = SolveParams {
        threads: 1,
        seed: 3,
        search: SearchParams::for_size(60),
    };
    let short = solve(
        &problem,
        &StopCriterion {
            max_iterations: Some(1),
            ..Default::default()
        },
        &params,
        &|_| {},
    )
    .expect("solve");
    let long = solve(
        &problem,
        &StopCriterion {
            max_iterations: Some(2_000),
            ..Default::default()
        },
        &params,
        &|_| {},
    )
    .expect("solve");
    assert!(
        long.objective < short.objective,
        "{:?} vs {:?}",
        long.objective,
        short.objective
    );
}

#[test]
fn polishing_keeps_the_plan_feasible_and_reproducible() {
    let problem = common::random_vrptw(4, 50, 12, 20);
    let mut search = SearchParams::for_size(50);
    search.epoch_iterations = 100;
    search.polish_neighbours = 10;
    let go = || {
        solve(
            &problem,
            &StopCriterion {
                max_iterations: Some(400),
                ..Default::default()
            },
            &SolveParams {
                threads: 2,
                seed: 8,
                search,
            },
            &|_| {},
        )
        .expect("solve")
    };
    let (a, b) = (go(), go());
    assert_eq!(a.solution, b.solution);
    let report = check(&problem, &a.solution);
    assert!(report.feasible(), "{:?}", report.violations);
    assert_eq!(report.cost, a.objective.cost);
}

/// A raised stop flag also ends the local search outside the workers: with the flag raised before
/// the solve, the start descent stops before its first order, so the plan is the insertion start
/// whether the descent is on or off; with the flag down the descent changes that plan.
#[test]
fn a_raised_flag_ends_the_start_descent() {
    use cityfreight::solver::solve::{solve_until, StopFlag};
    let problem = common::random_vrptw(11, 60, 12, 20);
    let run = |descend: usize, flag: &StopFlag| {
        let mut search = SearchParams::for_size(60);
        search.start_neighbours = descend;
        solve_until(
            &problem,
            &StopCriterion {
                max_iterations: Some(1),
                ..Default::default()
            },
            &SolveParams {
                threads: 1,
                seed: 3,
                search,
            },
            &|_| {},
            flag,
        )
        .expect("solve")
    };
    let raised = StopFlag::raisable();
    raised.raise();
    let start = run(0, &raised).solution;
    assert_eq!(run(20, &raised).solution, start);
    let descended = run(20, &StopFlag::default());
    assert_ne!(descended.solution, start);
    assert!(check(&problem, &descended.solution).feasible());
}
