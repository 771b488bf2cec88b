//! Schedules as priced: every route leaves its depot at the departure the solver priced (the
//! latest that still reaches its first stop in time), so no vehicle idles for hours at its first
//! door; `streets.csv` counts a vehicle only in the hours it drives; the solver's timetable
//! ([`cityfreight::solver::schedule`]) spans exactly the duration the independent checker
//! recomputes.

mod common;

use cityfreight::plan::Plan;
use cityfreight::scenario::Scenario;
use cityfreight::solver::check::check;
use cityfreight::solver::measure::{Cost, Duration};
use cityfreight::solver::model::Problem;
use cityfreight::solver::schedule::schedule;
use cityfreight::solver::sisr::SearchParams;
use cityfreight::solver::solve::{solve, SolveParams, StopCriterion};
use std::collections::{BTreeMap, BTreeSet};

fn demo() -> Scenario {
    common::demo_scenario()
}

fn run(s: &Scenario) -> Plan {
    common::plan_scenario(s)
}

/// No route waits more than a minute at its first stop, and each leaves when its first leg does.
fn assert_no_idle_start(p: &Plan) {
    assert!(!p.routes.is_empty());
    for r in &p.routes {
        let first = &r.stops[0];
        assert!(
            first.start_s - first.arrival_s <= 60,
            "{} arrives at its first stop at {} and waits until {}",
            r.vehicle,
            cityfreight::time::clock(first.arrival_s),
            cityfreight::time::clock(first.start_s)
        );
        assert_eq!(r.start_s, r.legs[0].depart_s, "{}", r.vehicle);
    }
}

/// Every (street, hour) row counts only vehicles that drive in that hour: some leg of theirs is
/// under way (from its departure to its arrival) during it.
fn assert_streets_only_in_driving_hours(p: &Plan) {
    let mut driving: BTreeMap<&str, BTreeSet<u32>> = BTreeMap::new();
    for r in &p.routes {
        let arrivals = r.stops.iter().map(|s| s.arrival_s).chain([r.end_s]);
        for (leg, arrival) in r.legs.iter().zip(arrivals) {
            let hours = (leg.depart_s / 3600) as u32..=(arrival / 3600) as u32;
            driving.entry(&r.vehicle).or_default().extend(hours);
        }
        for leg in &r.legs {
            for &(_, _, enter_s) in &leg.streets {
                let hour = (enter_s / 3600) as u32;
                assert!(
                    driving[r.vehicle.as_str()].contains(&hour),
                    "{} is counted on a street at {}h, when it does not drive",
                    r.vehicle,
                    hour
                );
            }
        }
    }
    let hours_with_traffic: BTreeSet<u32> = driving.values().flatten().copied().collect();
    for row in &p.streets {
        assert!(
            hours_with_traffic.contains(&row.hour),
            "streets row at {}h",
            row.hour
        );
    }
}

#[test]
fn demo_routes_leave_when_priced_and_streets_count_driving_hours_only() {
    let p = run(&demo());
    assert!(p.violations.is_empty(), "{:#?}", p.violations);
    assert_no_idle_start(&p);
    assert_streets_only_in_driving_hours(&p);
}

#[test]
fn an_afternoon_window_is_reached_by_leaving_in_the_afternoon() {
    // One carrier whose orders may only be delivered 14:00-16:00: its vehicles leave shortly
    // before, not at the 07:00 shift opening, and the morning streets see none of them.
    let mut s = demo();
    s.carriers.truncate(1);
    let carrier = &mut s.carriers[0];
    carrier.orders.truncate(6);
    for o in &mut carrier.orders {
        o.windows = vec![(14 * 3600, 16 * 3600)];
    }
    let p = run(&s);
    assert!(p.violations.is_empty(), "{:#?}", p.violations);
    assert_eq!(p.unserved.len(), 0, "{:#?}", p.unserved);
    assert_no_idle_start(&p);
    assert_streets_only_in_driving_hours(&p);
    for r in &p.routes {
        assert!(
            r.start_s >= 12 * 3600,
            "{} leaves at {}",
            r.vehicle,
            r.start_s
        );
    }
    assert!(p.streets.iter().all(|row| row.hour >= 12));
}

/// The timetable's span is the duration the independent checker prices, and times never run
/// backwards, on banded and unbanded problems with duration costs.
#[test]
fn the_solver_timetable_spans_the_checked_duration() {
    let mut checked = 0;
    for seed in 0..12u64 {
        let base = common::random_vrptw(seed, 25, 6, 20);
        let d = base.profiles()[0].distances.clone();
        let profile = if seed % 2 == 0 {
            common::banded_profile(&d, 150, 2)
        } else {
            base.profiles()[0].clone()
        };
        let mut vts = base.vehicle_types().to_vec();
        vts[0].cost_per_duration = 2;
        vts[0].fixed_cost = Cost(30);
        let mut orders = base.orders().to_vec();
        for o in &mut orders {
            o.windows[0].open = o.windows[0].open + Duration(200);
            o.windows[0].close = o.windows[0].close + Duration(200);
        }
        vts[0].shift.close = vts[0].shift.close + Duration(400);
        let problem = Problem::new(base.locations().to_vec(), vec![profile], orders, vts).unwrap();
        let outcome = solve(
            &problem,
            &StopCriterion {
                max_iterations: Some(300),
                time_limit: None,
                max_no_improvement: None,
            },
            &SolveParams {
                threads: 1,
                seed,
                search: SearchParams::for_size(25),
            },
            &|_| {},
        )
        .unwrap();
        let report = check(&problem, &outcome.solution);
        assert!(report.feasible(), "{:?}", report.violations);
        for (route, checked_route) in outcome.solution.routes.iter().zip(&report.routes) {
            let t = schedule(&problem, route);
            assert_eq!(t.end - t.departure, checked_route.duration, "seed {seed}");
            let mut now = t.departure;
            for v in &t.visits {
                assert!(now <= v.arrival && v.arrival <= v.start && v.start <= v.departure);
                now = v.departure;
            }
            assert!(now <= t.end);
            checked += 1;
        }
    }
    assert!(checked > 30, "only {checked} routes");
}
