//! The O(1) insertion check of the search evaluator against a full route simulation, on random routes
//! with several time windows per order and two hour bands.

mod common;

use cityfreight::solver::measure::{Duration, Time};
use cityfreight::solver::model::{Problem, TimeWindow};
use cityfreight::solver::rng::Rng;
use cityfreight::solver::route_state::{simulate, RouteState, Stop};
use proptest::prelude::*;

fn banded_multi_window(seed: u64) -> Problem {
    let mut rng = Rng::new(seed, 5);
    let mut pts = vec![(50, 50)];
    for _ in 0..8 {
        pts.push((rng.below(101) as i64, rng.below(101) as i64));
    }
    let d = common::euclid(&pts);
    let orders = (1..=8u32)
        .map(|i| {
            let mut o = common::order(i, 1 + rng.below(4) as i64, 3, 0, 0);
            let a = rng.below(300) as i64;
            let b = a + 20 + rng.below(60) as i64;
            let c = b + 10 + rng.below(100) as i64;
            o.windows = vec![
                TimeWindow {
                    open: Time(a),
                    close: Time(b),
                },
                TimeWindow {
                    open: Time(c),
                    close: Time(c + 10 + rng.below(80) as i64),
                },
            ];
            o
        })
        .collect();
    let mut vt = common::vehicle(12, 1, 700);
    vt.max_distance = cityfreight::solver::measure::Distance(400);
    Problem::new(
        (0..pts.len()).map(|i| format!("n{i}")).collect(),
        vec![common::banded_profile(&d, 150, 3)],
        orders,
        vec![vt],
    )
    .expect("valid")
}

/// Compare every insertion into one random route; returns (feasible insertions, all insertions).
fn compare(seed: u64, take: usize) -> (usize, usize) {
    compare_on(&banded_multi_window(seed), seed, take)
}

/// [`compare`] on a given problem (orders 0..8 at locations 1..9).
fn compare_on(problem: &Problem, seed: u64, take: usize) -> (usize, usize) {
    let mut rng = Rng::new(seed, 1);
    let mut ids: Vec<u32> = (0..8).collect();
    rng.shuffle(&mut ids);
    let stop = |o: u32| Stop {
        order: o,
        alternative: 0,
        location: o + 1,
    };
    let route: Vec<Stop> = ids[..take].iter().map(|&o| stop(o)).collect();
    let Some(base) = simulate(problem, 0, route.iter().copied(), None) else {
        return (0, 0);
    };
    let mut rs = RouteState::new(problem, 0);
    rs.stops = route.clone();
    rs.update(problem);
    assert!(rs.feasible);
    assert_eq!(rs.eval, base);
    let (mut feasible, mut all) = (0, 0);
    for &o in &ids[take..] {
        for pos in 0..=route.len() {
            let mut with = route.clone();
            with.insert(pos, stop(o));
            let full = simulate(problem, 0, with.iter().copied(), None).map(|e| e.cost - base.cost);
            assert_eq!(
                rs.insertion_delta(problem, pos, stop(o)),
                full,
                "seed {seed} take {take} order {o} pos {pos}"
            );
            feasible += usize::from(full.is_some());
            all += 1;
        }
    }
    (feasible, all)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn insertion_check_matches_simulation(seed in 0u64..10_000, take in 0usize..5) {
        compare(seed, take);
    }
}

#[test]
fn insertion_check_matches_simulation_on_many_routes() {
    let (mut feasible, mut all) = (0, 0);
    for seed in 0..300 {
        let (f, a) = compare(seed, 1 + (seed as usize % 4));
        feasible += f;
        all += a;
    }
    // Both outcomes must be exercised for the comparison to mean something.
    assert!(feasible > 100, "only {feasible} feasible insertions");
    assert!(
        all - feasible > 100,
        "only {} infeasible insertions",
        all - feasible
    );
}

/// Variants of [`banded_multi_window`] whose insertion checks take the duration path: a duration
/// cost and limit; `one_band` keeps only the first hour band; `one_window` keeps only each
/// order's first window (widened), otherwise the first is short and the second long; `battery` adds a battery with no stations that some routes
/// exceed.
fn duration_variant(seed: u64, one_band: bool, one_window: bool, battery: bool) -> Problem {
    use cityfreight::solver::measure::{Cost, Energy};
    use cityfreight::solver::model::{Battery, Consumption};
    let base = banded_multi_window(seed);
    let mut profile = base.profiles()[0].clone();
    if one_band {
        profile.bands.truncate(1);
    }
    let mut orders = base.orders().to_vec();
    if one_window {
        for o in &mut orders {
            o.windows.truncate(1);
            o.windows[0].close = o.windows[0].close + Duration(60);
        }
    } else {
        // A short first window and a long second one: delays often move a stop to the second.
        for o in &mut orders {
            let a = o.windows[0].open;
            o.windows[0].close = a + Duration(15);
            o.windows[1] = TimeWindow {
                open: a + Duration(60),
                close: Time(650),
            };
        }
    }
    let mut vts = base.vehicle_types().to_vec();
    vts[0].cost_per_duration = 3;
    vts[0].fixed_cost = Cost(50);
    vts[0].max_duration = Duration(200 + (seed % 4) as i64 * 200);
    if battery {
        vts[0].battery = Some(
            Battery::new(
                Energy(150 + (seed % 7) as i64 * 40),
                Consumption {
                    energy: Energy(1),
                    per: cityfreight::solver::measure::Distance(1),
                },
            )
            .with_reserve(Energy(10)),
        );
    }
    Problem::new(base.locations().to_vec(), vec![profile], orders, vts).expect("valid")
}

#[test]
fn duration_costs_are_checked_exactly_without_simulating() {
    for (one_band, one_window, battery) in [
        (false, false, false),
        (true, false, false),
        (true, true, false),
        (false, true, false),
        (true, true, true),
        (false, false, true),
    ] {
        let (mut feasible, mut all) = (0, 0);
        for seed in 0..300 {
            let p = duration_variant(seed, one_band, one_window, battery);
            let (f, a) = compare_on(&p, seed, seed as usize % 6);
            feasible += f;
            all += a;
        }
        let case = (one_band, one_window, battery);
        assert!(
            feasible > 100,
            "{case:?}: only {feasible} feasible insertions"
        );
        assert!(
            all - feasible > 100,
            "{case:?}: only {} infeasible",
            all - feasible
        );
    }
}

#[test]
fn duration_cost_takes_the_full_path() {
    let problem = banded_multi_window(3);
    let mut vts = problem.vehicle_types().to_vec();
    vts[0].cost_per_duration = 2;
    vts[0].max_duration = Duration(500);
    let p = Problem::new(
        problem.locations().to_vec(),
        problem.profiles().to_vec(),
        problem.orders().to_vec(),
        vts,
    )
    .expect("valid");
    let rs = RouteState::new(&p, 0);
    for o in 0..8u32 {
        let s = Stop {
            order: o,
            alternative: 0,
            location: o + 1,
        };
        let full = simulate(&p, 0, std::iter::once(s), None).map(|e| e.cost);
        assert_eq!(rs.insertion_delta(&p, 0, s), full, "order {o}");
    }
}

#[test]
fn untimed_problems_skip_the_schedule_but_agree_with_simulation() {
    use cityfreight::solver::model::VehicleType;
    let mut rng = Rng::new(17, 0);
    let pts: Vec<(i64, i64)> = (0..12)
        .map(|_| (rng.below(100) as i64, rng.below(100) as i64))
        .collect();
    let d = common::euclid(&pts);
    let orders = (1..12u32)
        .map(|i| {
            let mut o = common::order(i, 1 + rng.below(4) as i64, 0, 0, 0);
            o.windows = vec![TimeWindow::ALWAYS];
            o
        })
        .collect();
    let vt = VehicleType {
        shift: TimeWindow {
            open: Time(0),
            close: Time::MAX,
        },
        ..common::vehicle(15, 3, 0)
    };
    let problem = Problem::new(
        (0..12).map(|i| format!("n{i}")).collect(),
        vec![cityfreight::solver::travel::Profile::constant(
            "p",
            d.clone(),
            common::as_durations(&d),
        )],
        orders,
        vec![vt],
    )
    .expect("valid");
    assert!(problem.is_untimed());
    let stop = |o: u32| Stop {
        order: o,
        alternative: 0,
        location: o + 1,
    };
    let route: Vec<Stop> = (0..4).map(stop).collect();
    let mut rs = RouteState::new(&problem, 0);
    rs.stops = route.clone();
    rs.update(&problem);
    let base = rs.eval.cost;
    for o in 4..11u32 {
        for pos in 0..=route.len() {
            let mut with = route.clone();
            with.insert(pos, stop(o));
            let full = simulate(&problem, 0, with.iter().copied(), None).map(|e| e.cost - base);
            assert_eq!(rs.insertion_delta(&problem, pos, stop(o)), full);
        }
    }
}

#[test]
fn the_insertion_lower_bound_never_exceeds_the_true_cost_change() {
    // One band (the bound is only offered there), several windows per order, and a duration
    // cost: recreate skips a placement when this bound cannot beat the best so far, so it must
    // never be above the exact change.
    let (mut bounded, mut checked) = (0, 0);
    for seed in 0..200u64 {
        let banded = banded_multi_window(seed);
        let d = banded.profiles()[0].distances.clone();
        let mut profile = banded.profiles()[0].clone();
        profile.bands = vec![cityfreight::solver::travel::Band {
            start: Time::MIN,
            durations: common::as_durations(&d),
        }];
        let mut vts = banded.vehicle_types().to_vec();
        vts[0].cost_per_duration = 3;
        vts[0].fixed_cost = cityfreight::solver::measure::Cost(50);
        let p = Problem::new(
            banded.locations().to_vec(),
            vec![profile],
            banded.orders().to_vec(),
            vts,
        )
        .expect("valid");
        let mut rng = Rng::new(seed, 9);
        let mut ids: Vec<u32> = (0..8).collect();
        rng.shuffle(&mut ids);
        let take = seed as usize % 5;
        let stop = |o: u32| Stop {
            order: o,
            alternative: 0,
            location: o + 1,
        };
        let route: Vec<Stop> = ids[..take].iter().map(|&o| stop(o)).collect();
        let mut rs = RouteState::new(&p, 0);
        rs.stops = route.clone();
        rs.update(&p);
        if !rs.feasible {
            continue;
        }
        for &o in &ids[take..] {
            for pos in 0..=route.len() {
                let exact = rs.insertion_delta(&p, pos, stop(o));
                if let (Some(lb), Some(exact)) = (rs.detour_lower_bound(&p, pos, stop(o)), exact) {
                    assert!(
                        lb <= exact,
                        "seed {seed} order {o} pos {pos}: {lb:?} > {exact:?}"
                    );
                    bounded += 1;
                }
                checked += 1;
            }
        }
    }
    assert!(
        bounded > 100,
        "only {bounded} of {checked} insertions bounded"
    );
}

#[test]
fn a_delay_that_moves_a_stop_to_its_next_window_is_priced_exactly() {
    // Depot at (0, 0); A at (10, 0) opens at 10 to 12, then 100 to 650; B at (5, 5). Alone, A
    // is served at 10. With B first, the vehicle reaches A at 17: too late for the first window,
    // so service waits until 100 and the route ends 83 later than the delay alone would say.
    let d = common::euclid(&[(0, 0), (10, 0), (5, 5), (20, 0)]);
    let mut a = common::order(1, 1, 3, 10, 12);
    a.windows.push(TimeWindow {
        open: Time(100),
        close: Time(650),
    });
    let b = common::order(2, 1, 3, 0, 650);
    let c = common::order(3, 1, 3, 0, 650);
    let mut vt = common::vehicle(10, 1, 700);
    vt.cost_per_duration = 2;
    let problem = Problem::new(
        (0..4).map(|i| format!("n{i}")).collect(),
        vec![cityfreight::solver::travel::Profile::constant(
            "p",
            d.clone(),
            common::as_durations(&d),
        )],
        vec![a, b, c],
        vec![vt],
    )
    .expect("valid");
    let stop = |o: u32| Stop {
        order: o,
        alternative: 0,
        location: o + 1,
    };
    let mut rs = RouteState::new(&problem, 0);
    rs.stops = vec![stop(0), stop(2)];
    rs.update(&problem);
    let base = simulate(&problem, 0, rs.stops.iter().copied(), None).expect("feasible");
    let with = [stop(1), stop(0), stop(2)];
    let full = simulate(&problem, 0, with.iter().copied(), None).expect("feasible");
    assert!(full.duration.0 > base.duration.0 + 80, "{full:?} {base:?}");
    assert_eq!(
        rs.insertion_delta(&problem, 0, stop(1)),
        Some(full.cost - base.cost)
    );
}

/// With simultaneous pickups the O(1) insertion check (load segments) still equals the simulation,
/// on plain and duration-priced routes, and the simulation's verdict on load agrees with the
/// independent checker walking the load profile point by point.
#[test]
fn pickups_are_checked_exactly_and_as_the_checker_walks_them() {
    use cityfreight::solver::check::{check, Violation};
    use cityfreight::solver::solution::{Route, Solution, Visit};
    let (mut feasible, mut all, mut over) = (0, 0, 0);
    for seed in 0..300 {
        let base = if seed % 2 == 0 {
            banded_multi_window(seed)
        } else {
            duration_variant(seed, true, true, false)
        };
        let p = common::with_pickups(&base, seed, 4);
        let (f, a) = compare_on(&p, seed, 2 + seed as usize % 5);
        feasible += f;
        all += a;
        // One route of every order in a seeded order: the load verdicts agree.
        let mut ids: Vec<u32> = (0..8).collect();
        Rng::new(seed, 3).shuffle(&mut ids);
        let take = &ids[..3 + seed as usize % 5];
        let stops = take.iter().map(|&o| Stop {
            order: o,
            alternative: 0,
            location: o + 1,
        });
        let simulated = simulate(&p, 0, stops, None);
        let report = check(
            &p,
            &Solution {
                routes: vec![Route {
                    vehicle_type: 0,
                    visits: take
                        .iter()
                        .map(|&order| Visit::Order {
                            order,
                            alternative: 0,
                        })
                        .collect(),
                }],
                unserved: Vec::new(),
            },
        );
        let capacity = report
            .violations
            .iter()
            .any(|v| matches!(v, Violation::Capacity { .. }));
        over += usize::from(capacity);
        if capacity {
            assert!(
                simulated.is_none(),
                "seed {seed}: simulation missed a load peak"
            );
        }
    }
    assert!(feasible > 100, "only {feasible} feasible insertions");
    assert!(all - feasible > 100, "only {} infeasible", all - feasible);
    assert!(over > 20, "only {over} routes over capacity");
}

#[test]
fn a_copied_route_answers_as_its_source() {
    // `clone_from` skips the copy when the target already holds the source (same stamp and
    // stops); a target left with a changed source's old schedule would price insertions wrong.
    let problem = banded_multi_window(3);
    let stop = |o: u32| Stop {
        order: o,
        alternative: 0,
        location: o + 1,
    };
    let deltas = |rs: &RouteState| -> Vec<_> {
        (0..8)
            .flat_map(|o| (0..=rs.len()).map(move |pos| (o, pos)))
            .filter(|&(o, _)| rs.stops.iter().all(|s| s.order != o))
            .map(|(o, pos)| rs.insertion_delta(&problem, pos, stop(o)))
            .collect()
    };
    let mut source = RouteState::new(&problem, 0);
    source.stops = vec![stop(2), stop(5)];
    source.update(&problem);
    let mut copy = source.clone();
    copy.clone_from(&source);
    assert_eq!(deltas(&copy), deltas(&source));
    // The source changes and is updated: the copy follows.
    source.stops.insert(1, stop(0));
    source.update(&problem);
    assert_ne!(deltas(&copy), deltas(&source), "the change must show");
    copy.clone_from(&source);
    assert_eq!(copy.stops, source.stops);
    assert_eq!(copy.eval, source.eval);
    assert_eq!(deltas(&copy), deltas(&source));
    // A caller changed the stops and has not updated yet: the copy still takes them.
    source.stops.pop();
    copy.clone_from(&source);
    assert_eq!(copy.stops, source.stops);
}

/// `RouteState::splice_cost` (the keep-roll-meet path every move takes off the O(1) paths)
/// against the whole sequence simulated, on duration-priced routes with two hour bands, short and
/// long windows (so that schedules wait and meet again) and a battery some routes exceed: every
/// kept prefix of a route, followed by unrouted orders or none, then a tail of the same route or
/// of another.
#[test]
fn splices_match_the_simulation() {
    use cityfreight::solver::route_state::sequence_cost;
    let stop = |o: u32| Stop {
        order: o,
        alternative: 0,
        location: o + 1,
    };
    let (mut feasible, mut all) = (0usize, 0usize);
    for seed in 0..200u64 {
        let problem = duration_variant(seed, false, false, seed % 3 == 0);
        let mut rng = Rng::new(seed, 9);
        let mut ids: Vec<u32> = (0..8).collect();
        rng.shuffle(&mut ids);
        let (ka, kb) = (1 + seed as usize % 4, 1 + (seed as usize / 4) % 3);
        let route = |ids: &[u32]| {
            let mut rs = RouteState::new(&problem, 0);
            rs.stops = ids.iter().map(|&o| stop(o)).collect();
            rs.update(&problem);
            rs
        };
        let (a, b) = (route(&ids[..ka]), route(&ids[ka..ka + kb]));
        let spare: Vec<Stop> = ids[ka + kb..].iter().map(|&o| stop(o)).collect();
        for keep in 0..=a.len() {
            for middle in [&spare[..0], &spare[..1], &spare[..2.min(spare.len())]] {
                let tails = (keep..=a.len())
                    .map(|f| (&a, f))
                    .chain((0..=b.len()).map(|f| (&b, f)));
                for (tail, from) in tails {
                    let seq: Vec<Stop> = a.stops[..keep]
                        .iter()
                        .chain(middle)
                        .chain(&tail.stops[from..])
                        .copied()
                        .collect();
                    let want = sequence_cost(&problem, 0, seq.iter().copied());
                    let got = a.splice_cost(&problem, keep, middle.iter().copied(), tail, from);
                    assert_eq!(got, want, "seed {seed}: {seq:?}");
                    feasible += usize::from(want.is_some());
                    all += 1;
                }
            }
        }
    }
    assert!(feasible > 500, "only {feasible} feasible splices");
    assert!(all - feasible > 500, "only {} infeasible", all - feasible);
}
