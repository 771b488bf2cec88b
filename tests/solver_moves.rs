//! Relocate and 2-opt* deltas against the independent checker: for every move between an order and
//! its neighbours in a real plan, `evaluate` is `Some(delta)` exactly when the moved plan is feasible,
//! and then the checker's cost changes by `delta`. Local search never makes a plan worse.

mod common;

use cityfreight::solver::check::check;
use cityfreight::solver::local_search::improve;
use cityfreight::solver::neighbours::Neighbours;
use cityfreight::solver::search_state::SearchState;
use cityfreight::solver::sisr::SearchParams;
use cityfreight::solver::solve::{solve, SolveParams, StopCriterion};
use cityfreight::solver::{relocate, two_opt_star};

fn plan(iterations: u64) -> (cityfreight::solver::model::Problem, SearchState) {
    let problem = common::random_vrptw(5, 40, 10, 12);
    let outcome = solve(
        &problem,
        &StopCriterion {
            max_iterations: Some(iterations),
            ..Default::default()
        },
        &SolveParams {
            threads: 1,
            seed: 2,
            search: SearchParams::for_size(40),
        },
        &|_| {},
    )
    .expect("solve");
    let state = SearchState::from_solution(&problem, &outcome.solution);
    (problem, state)
}

#[test]
fn move_deltas_match_the_checker() {
    let (problem, state) = plan(5);
    let base = check(&problem, &state.to_solution(&problem));
    assert!(base.feasible());
    let (mut some, mut none) = (0, 0);
    let mut verify = |delta: Option<cityfreight::solver::measure::Cost>, moved: &SearchState| {
        let r = check(&problem, &moved.to_solution(&problem));
        match delta {
            Some(d) => {
                assert!(r.feasible(), "{:?}", r.violations);
                assert_eq!(r.cost - base.cost, d);
                some += 1;
            }
            None => {
                assert!(!r.feasible());
                none += 1;
            }
        }
    };
    for ra in 0..state.routes.len() {
        for rb in 0..state.routes.len() {
            if ra == rb {
                continue;
            }
            for p in 0..state.routes[ra].len() {
                for q in 0..=state.routes[rb].len() {
                    let d = relocate::evaluate(&problem, &state, ra, p, rb, q);
                    let mut moved = state.clone();
                    relocate::apply(&problem, &mut moved, ra, p, rb, q);
                    verify(d, &moved);
                    let d = two_opt_star::evaluate(&problem, &state, ra, p, rb, q);
                    let mut moved = state.clone();
                    two_opt_star::apply(&problem, &mut moved, ra, p, rb, q);
                    verify(d, &moved);
                }
            }
        }
    }
    assert!(some > 50 && none > 50, "some {some}, none {none}");
}

#[test]
fn local_search_only_improves() {
    let (problem, mut state) = plan(1);
    let before = check(&problem, &state.to_solution(&problem));
    let neighbours = Neighbours::new(&problem, 20);
    let moves = improve(&problem, &mut state, &neighbours, 20, 50);
    let after = check(&problem, &state.to_solution(&problem));
    assert!(after.feasible(), "{:?}", after.violations);
    assert!(moves > 0);
    assert!(after.cost < before.cost);
    assert_eq!(state.objective(&problem).cost, after.cost);
}
