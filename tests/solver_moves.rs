//! Every local-search move against the independent checker, on every route kind the city uses:
//! for each relocate, swap, 2-opt*, or-opt and 2-opt between the routes (or within a route) of a
//! real plan, `evaluate` is `Some(delta)` exactly when the moved plan is feasible, and then the
//! checker's cost changes by `delta`; the SWAP* move of every pair of routes, when there is one,
//! is feasible and changes the checker's cost by its (negative) delta. Route kinds: distance-priced with windows (the O(1) paths),
//! untimed on an asymmetric matrix with a distance limit (the O(1) intra-route paths),
//! duration-priced with a shift limit, two hour bands, reloading tricycles, a battery with no
//! station, pickups, shipments (pickup-and-delivery pairs), and vehicle types mixed. Local search never makes a plan worse and keeps it
//! feasible on each kind.

mod common;

use cityfreight::solver::check::check;
use cityfreight::solver::local_search::improve;
use cityfreight::solver::measure::{Cost, Distance, Duration, Energy, Time};
use cityfreight::solver::model::{Battery, Consumption, Problem, TimeWindow};
use cityfreight::solver::neighbours::Neighbours;
use cityfreight::solver::search_state::SearchState;
use cityfreight::solver::sisr::SearchParams;
use cityfreight::solver::solve::{solve, SolveParams, StopCriterion};
use cityfreight::solver::travel::{Matrix, Profile};
use cityfreight::solver::{or_opt, relocate, swap, swap_star, two_opt, two_opt_star};

/// The route kinds, as changes to a random VRPTW with 40 orders.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Plain,
    Untimed,
    DurationPriced,
    Banded,
    Reloads,
    Battery,
    Pickups,
    MixedTypes,
    Shipments,
}

const KINDS: [Kind; 9] = [
    Kind::Plain,
    Kind::Untimed,
    Kind::DurationPriced,
    Kind::Banded,
    Kind::Reloads,
    Kind::Battery,
    Kind::Pickups,
    Kind::MixedTypes,
    Kind::Shipments,
];

fn problem(kind: Kind) -> Problem {
    let base = common::random_vrptw(5, 40, 10, 12);
    let mut vts = base.vehicle_types().to_vec();
    let mut profiles = base.profiles().to_vec();
    let mut orders = base.orders().to_vec();
    match kind {
        Kind::Plain => {}
        Kind::Untimed => {
            // A CVRP (no time rule, no pickup: only the distance can change within a route, the
            // O(1) or-opt and the distance-summed 2-opt) on an asymmetric matrix, so a reversal
            // is not free, with a distance limit that refuses some moves.
            for o in &mut orders {
                o.windows = vec![TimeWindow::ALWAYS];
            }
            vts[0].shift.close = Time::MAX;
            vts[0].max_duration = Duration::MAX;
            vts[0].max_distance = Distance(230);
            let d = &profiles[0].distances;
            let skewed = Matrix::from_fn(d.size(), |i, j| {
                Distance(d.get(i as u32, j as u32).0 + if i < j { 9 } else { 0 })
            });
            profiles[0] =
                Profile::constant("skewed", skewed.clone(), common::as_durations(&skewed));
        }
        Kind::DurationPriced => {
            vts[0].cost_per_duration = 2;
            vts[0].fixed_cost = Cost(40);
            vts[0].max_duration = Duration(350);
        }
        Kind::Banded => {
            profiles[0] = common::banded_profile(&profiles[0].distances, 150, 2);
            vts[0].cost_per_duration = 1;
        }
        Kind::Reloads => {
            vts[0].reload_depots = vec![0];
            vts[0].reload_time = Duration(10);
            vts[0].capacity = cityfreight::solver::measure::Load::weight(7);
            vts[0].count = 6;
            for o in &mut orders {
                o.windows[0].close = o.windows[0].close + Duration(300);
            }
            vts[0].shift.close = vts[0].shift.close + Duration(400);
        }
        Kind::Battery => {
            vts[0].battery = Some(
                Battery::new(
                    Energy(260),
                    Consumption {
                        energy: Energy(1),
                        per: cityfreight::solver::measure::Distance(1),
                    },
                )
                .with_reserve(Energy(20)),
            );
        }
        Kind::Pickups => {
            return common::with_pickups(&base, 5, 4);
        }
        Kind::Shipments => {
            // Ten pickup-and-delivery pairs among the 40 orders: moves that split or invert a
            // pair must be refused, moves that keep them whole priced exactly.
            return common::with_shipments(&base, 5, 10, 6);
        }
        Kind::MixedTypes => {
            let mut second = vts[0].clone();
            second.name = "priced van".into();
            second.cost_per_duration = 1;
            second.capacity = cityfreight::solver::measure::Load::weight(9);
            second.count = 5;
            vts[0].count = 6;
            vts.push(second);
        }
    }
    Problem::new(base.locations().to_vec(), profiles, orders, vts).expect("valid variant")
}

fn plan(kind: Kind, iterations: u64) -> (Problem, SearchState) {
    let problem = problem(kind);
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

/// Counts of (feasible, infeasible) moves checked.
#[derive(Default)]
struct Tally {
    some: usize,
    none: usize,
    /// SWAP* moves found (each verified like the others).
    star: usize,
}

fn verify(
    problem: &Problem,
    base: Cost,
    delta: Option<Cost>,
    moved: &SearchState,
    what: &str,
    tally: &mut Tally,
) {
    let r = check(problem, &moved.to_solution(problem));
    match delta {
        Some(d) => {
            assert!(r.feasible(), "{what}: {:?}", r.violations);
            assert_eq!(r.cost - base, d, "{what}");
            tally.some += 1;
        }
        None => {
            assert!(!r.feasible(), "{what}: evaluate said infeasible");
            tally.none += 1;
        }
    }
}

fn check_every_move(kind: Kind) -> Tally {
    let (problem, state) = plan(kind, 5);
    let base = check(&problem, &state.to_solution(&problem));
    assert!(base.feasible(), "{kind:?}: {:?}", base.violations);
    let base = base.cost;
    if let Kind::Shipments = kind {
        // The moves must meet pairs: most of the ten are served.
        let served = (0..problem.orders().len() as u32)
            .filter(|&o| problem.pair(o).is_some() && state.where_of[o as usize].is_some())
            .count();
        assert!(served >= 12, "only {served} paired orders served");
    }
    let mut t = Tally::default();
    let mut scratch = swap_star::Scratch::default();
    let n = state.routes.len();
    for ra in 0..n {
        let la = state.routes[ra].len();
        for rb in 0..n {
            let lb = state.routes[rb].len();
            if ra < rb {
                if let Some((m, d)) = swap_star::best(&problem, &state, ra, rb, &mut scratch) {
                    assert!(d < Cost::ZERO, "{kind:?}: SWAP* returned {d:?}");
                    let mut moved = state.clone();
                    swap_star::apply(&problem, &mut moved, m);
                    verify(&problem, base, Some(d), &moved, "swap*", &mut t);
                    t.star += 1;
                }
            }
            if ra == rb {
                for from in 0..la {
                    for len in 1..=3 {
                        for to in 0..=la {
                            if from + len > la || (from..=from + len).contains(&to) {
                                continue;
                            }
                            let d = or_opt::evaluate(&problem, &state, ra, from, len, to);
                            let mut moved = state.clone();
                            or_opt::apply(&problem, &mut moved, ra, from, len, to);
                            verify(&problem, base, d, &moved, "or-opt", &mut t);
                        }
                    }
                    for j in from + 1..la {
                        let d = two_opt::evaluate(&problem, &state, ra, from, j);
                        let mut moved = state.clone();
                        two_opt::apply(&problem, &mut moved, ra, from, j);
                        verify(&problem, base, d, &moved, "2-opt", &mut t);
                    }
                }
                continue;
            }
            for p in 0..la {
                for q in 0..=lb {
                    let d = relocate::evaluate(&problem, &state, ra, p, rb, q);
                    let mut moved = state.clone();
                    relocate::apply(&problem, &mut moved, ra, p, rb, q);
                    verify(&problem, base, d, &moved, "relocate", &mut t);
                    let d = two_opt_star::evaluate(&problem, &state, ra, p, rb, q);
                    let mut moved = state.clone();
                    two_opt_star::apply(&problem, &mut moved, ra, p, rb, q);
                    verify(&problem, base, d, &moved, "2-opt*", &mut t);
                    if q < lb {
                        let d = swap::evaluate(&problem, &state, ra, p, rb, q);
                        let mut moved = state.clone();
                        swap::apply(&problem, &mut moved, ra, p, rb, q);
                        verify(&problem, base, d, &moved, "swap", &mut t);
                    }
                }
            }
        }
    }
    t
}

#[test]
fn move_deltas_match_the_checker_on_every_route_kind() {
    let mut star = 0;
    for kind in KINDS {
        let t = check_every_move(kind);
        star += t.star;
        assert!(
            t.some > 50 && t.none > 50,
            "{kind:?}: feasible {}, infeasible {}",
            t.some,
            t.none
        );
    }
    // SWAP* only answers with improving moves; plans after 5 iterations have some.
    assert!(star >= KINDS.len(), "SWAP* found {star} moves");
}

#[test]
fn local_search_only_improves_on_every_route_kind() {
    for kind in KINDS {
        let (problem, mut state) = plan(kind, 1);
        let before = check(&problem, &state.to_solution(&problem));
        assert!(before.feasible(), "{kind:?}: {:?}", before.violations);
        let neighbours = Neighbours::new(&problem, 20);
        let moves = improve(&problem, &mut state, &neighbours, 20, 50, true);
        let after = check(&problem, &state.to_solution(&problem));
        assert!(after.feasible(), "{kind:?}: {:?}", after.violations);
        assert!(moves > 0, "{kind:?}: no move");
        assert!(after.cost < before.cost, "{kind:?}");
        assert_eq!(state.objective(&problem).cost, after.cost, "{kind:?}");
    }
}
