//! Zone fees and penalties count: in the solver's cost (a leg that enters a charged zone pays
//! the entry fee, a vehicle pays a day fee once), in the checker, in the plan's route costs and
//! KPIs (fees per zone and per carrier), and in the police `check` (fees due).

mod common;

use cityfreight::io::plan_out::plan_json;
use cityfreight::matrix::MatrixEngine;
use cityfreight::network::Network;
use cityfreight::plan::kpi::{Kpi, Scope};
use cityfreight::plan::Plan;
use cityfreight::scenario::Scenario;
use cityfreight::solver::check::check;
use cityfreight::solver::fees::{ZoneCharge, ZoneFees};
use cityfreight::solver::measure::{Cost, Time};
use cityfreight::solver::model::{Problem, TimeWindow};
use cityfreight::solver::sisr::SearchParams;
use cityfreight::solver::solve::{solve, SolveParams, StopCriterion};
use cityfreight::time::Schedule;
use cityfreight::zones::{Effect, VehicleSelector, ZoneRule};

fn demo() -> Scenario {
    common::demo_scenario()
}

fn run(s: &Scenario) -> Plan {
    common::plan_scenario(s)
}

fn kpi(p: &Plan, scope: Scope, kpi: Kpi) -> f64 {
    p.kpis.get(&scope, &kpi).unwrap_or(f64::NAN)
}

/// An optional order inside a charged zone whose entry fee exceeds its penalty for being left
/// unserved: without the fee the solver serves it, with the fee it leaves it (and the day fee
/// and entry fee it would owe show up in the checker when it is forced to serve it anyway).
#[test]
fn an_entry_fee_is_part_of_the_solver_cost() {
    let points = [(0, 0), (10, 0), (20, 0)];
    let d = common::euclid(&points);
    let mut optional = common::order(2, 1, 0, 0, 1000);
    optional.penalty = Some(Cost(300));
    let orders = vec![common::order(1, 1, 0, 0, 1000), optional];
    let base = Problem::new(
        (0..3).map(|i| format!("n{i}")).collect(),
        vec![cityfreight::solver::travel::Profile::constant(
            "line",
            d.clone(),
            common::as_durations(&d),
        )],
        orders,
        vec![common::vehicle(10, 1, 1000)],
    )
    .unwrap();
    let fees = ZoneFees {
        // Locations 2 and 4 are inside zone 0.
        inside: vec![0, 0, 1],
        charges: vec![ZoneCharge {
            zones: 1,
            windows: vec![TimeWindow::ALWAYS],
            per_entry: Cost(500),
            per_day: Cost(7),
        }],
    };
    let charged = base.clone().with_zone_fees(vec![Some(fees)]).unwrap();
    let solve_it = |p: &Problem| {
        let outcome = solve(
            p,
            &StopCriterion {
                max_iterations: Some(2000),
                time_limit: None,
                max_no_improvement: None,
            },
            &SolveParams {
                threads: 1,
                seed: 7,
                search: SearchParams::for_size(4),
            },
            &|_| {},
        )
        .unwrap();
        let report = check(p, &outcome.solution);
        assert!(report.feasible(), "{:?}", report.violations);
        assert_eq!(
            report.cost, outcome.objective.cost,
            "search and checker agree"
        );
        report
    };
    let free = solve_it(&base);
    assert_eq!(free.routes[0].fees, Cost::ZERO);
    assert_eq!(
        free.routes[0].distance.0, 40,
        "both orders served without a fee"
    );
    let paid = solve_it(&charged);
    assert_eq!(
        paid.routes[0].distance.0, 20,
        "the charged order is left unserved"
    );
    // Served anyway, the route owes one entry and the day fee.
    let forced = check(
        &charged,
        &cityfreight::solver::solution::Solution {
            routes: vec![cityfreight::solver::solution::Route {
                vehicle_type: 0,
                visits: (0..2)
                    .map(|o| cityfreight::solver::solution::Visit::Order {
                        order: o,
                        alternative: 0,
                    })
                    .collect(),
            }],
            unserved: Vec::new(),
        },
    );
    assert_eq!(forced.routes[0].fees, Cost(507));
    // Outside the charge's hours nothing is owed.
    let mut off_hours = charged.clone();
    off_hours = off_hours
        .with_zone_fees(vec![Some(ZoneFees {
            inside: vec![0, 0, 1],
            charges: vec![ZoneCharge {
                zones: 1,
                windows: vec![TimeWindow {
                    open: Time(5000),
                    close: Time(6000),
                }],
                per_entry: Cost(500),
                per_day: Cost(7),
            }],
        })])
        .unwrap();
    let off = solve_it(&off_hours);
    assert_eq!(
        (off.routes[0].fees, off.routes[0].distance.0),
        (Cost::ZERO, 40)
    );
}

/// A congestion charge on the demo's core zone (20 yuan per entry and 30 yuan per day, all
/// vehicles, 07:00-19:00) and a soft penalty: both are in the route costs, the KPIs per zone and
/// per carrier, and the police check's fees due.
#[test]
fn demo_zone_fees_reach_costs_kpis_and_the_police_check() {
    let mut s = demo();
    let base = run(&s);
    s.policy.rules.push(ZoneRule {
        id: "core-charge".into(),
        zones: vec![0],
        vehicles: VehicleSelector::default(),
        hours: Schedule::parse("07:00-19:00").unwrap(),
        effect: Effect::Fee {
            per_entry_cents: 2000,
            per_day_cents: 3000,
        },
    });
    s.policy.rules.push(ZoneRule {
        id: "core-quiet".into(),
        zones: vec![0],
        vehicles: VehicleSelector {
            classes: Some(vec!["e-micro-van".into()]),
            ..Default::default()
        },
        hours: Schedule::parse("07:00-19:00").unwrap(),
        effect: Effect::Penalty {
            per_entry_cents: 500,
        },
    });
    let p = run(&s);
    assert!(p.violations.is_empty(), "{:#?}", p.violations);
    let fees = kpi(&p, Scope::All, Kpi::ZoneFees);
    assert!(fees >= 30.0, "fees {fees}");
    assert_eq!(kpi(&base, Scope::All, Kpi::ZoneFees), 0.0);
    // Per carrier and per zone they add up to the total.
    let per_carrier: f64 = s
        .carriers
        .iter()
        .map(|c| kpi(&p, Scope::Carrier(c.id.clone()), Kpi::ZoneFees))
        .sum();
    assert!((per_carrier - fees).abs() < 1e-6);
    assert!((kpi(&p, Scope::Zone("core".into()), Kpi::Fees) - fees).abs() < 1e-6);
    // Every route that stops in the core pays the day fee once, and fees are part of its cost.
    for r in &p.routes {
        let owed: f64 = r.zone_fees_yuan.iter().sum();
        assert!(owed == 0.0 || owed >= 30.0, "{}: {owed}", r.vehicle);
        assert!(r.cost_yuan >= owed + r.penalties_yuan);
        if r.class != "e-micro-van" {
            assert_eq!(r.penalties_yuan, 0.0);
        }
    }
    // The police check finds the same amounts due.
    let net = Network::load(&s.osm, &s.classes, &|_, _, _| {}).unwrap();
    let (engine, _) = MatrixEngine::new(&net.graph, None).unwrap();
    let submitted = cityfreight::io::plan_in::parse_plan(&plan_json(&p)).unwrap();
    let outcome =
        cityfreight::plan::check::check_plan_outcome(&s, &net, &engine, &submitted).unwrap();
    assert!(outcome.violations.is_empty(), "{:#?}", outcome.violations);
    let due: f64 = outcome.fees_due.iter().map(|f| f.yuan).sum();
    let owed = fees + kpi(&p, Scope::All, Kpi::ZonePenalties);
    assert!((due - owed).abs() < 0.01, "check {due}, plan {owed}");
    // `share` prices each carrier alone with the checker's route costs, fees included: with the
    // charge its separate cost rises by at least the day fees of the routes that pay them.
    let shared = cityfreight::plan::share::share(&s, &net, &engine, &|_| {}).unwrap();
    let unshared = cityfreight::plan::share::share(&demo(), &net, &engine, &|_| {}).unwrap();
    let day_fees = 30.0
        * p.routes
            .iter()
            .filter(|r| r.zone_fees_yuan.iter().sum::<f64>() > 0.0)
            .count() as f64;
    assert!(
        shared.separate_cost >= unshared.separate_cost + day_fees,
        "share {} with the charge, {} without, day fees {day_fees}",
        shared.separate_cost,
        unshared.separate_cost
    );
}
