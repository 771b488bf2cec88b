//! Simultaneous pickup and delivery on the published benchmarks (two bundled instances in
//! `data/vrp/vrpspd/`): the reader gives each customer its delivery and pickup, the solver's plan
//! passes the checker, which walks every route's load profile, and lands near the best known.

use cityfreight::instances::bks::BksTable;
use cityfreight::instances::{read_instance, Family};
use cityfreight::solver::check::check;
use cityfreight::solver::measure::Load;
use cityfreight::solver::sisr::SearchParams;
use cityfreight::solver::solve::{solve, SolveParams, StopCriterion};
use std::path::{Path, PathBuf};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/vrp/vrpspd")
        .join(name)
}

#[test]
fn both_formats_read_with_pickups_and_deliveries() {
    let d = read_instance(&data("CON3-0.vrpspd"), None).unwrap();
    assert_eq!(d.family, Family::Vrpspd);
    assert_eq!(d.problem.orders().len(), 50);
    // The explicit matrix is 10⁴ x the distance, which is the instances' internal scale.
    assert_eq!(d.problem.profiles()[0].distance(0, 1).0, 174_413);
    let s = read_instance(&data("CMT1X.vrpspd"), None).unwrap();
    assert_eq!(s.family, Family::Vrpspd);
    assert_eq!(s.problem.orders().len(), 50);
    for inst in [&d, &s] {
        let orders = inst.problem.orders();
        assert!(orders
            .iter()
            .all(|o| o.pickup != Load::ZERO || o.demand != Load::ZERO));
        assert!(orders.iter().any(|o| o.pickup != Load::ZERO));
    }
}

#[test]
fn plans_pass_the_checker_near_the_best_known() {
    let table = BksTable::read(&data("bks.csv")).unwrap();
    for (file, within) in [("CON3-0.vrpspd", 2.0), ("CMT1X.vrpspd", 2.0)] {
        let inst = read_instance(&data(file), None).unwrap();
        let outcome = solve(
            &inst.problem,
            &StopCriterion {
                max_iterations: Some(4_000),
                ..Default::default()
            },
            &SolveParams {
                threads: 1,
                seed: 1,
                search: SearchParams::for_size(inst.problem.orders().len()),
            },
            &|_| {},
        )
        .unwrap();
        let report = check(&inst.problem, &outcome.solution);
        assert!(report.feasible(), "{file}: {:?}", report.violations);
        let bks = table.lookup(inst.family, &inst.name).unwrap().distance;
        let cost = report.cost.0 as f64 / cityfreight::instances::SCALE as f64;
        let gap = (cost - bks) / bks * 100.0;
        assert!(gap < within, "{file}: {cost} against {bks} ({gap:.2}%)");
        // Pickups decide: some route would break its capacity if the pickups rode from the
        // start (the load profile, not the start load, is what fits).
        let cap = inst.problem.vehicle_types()[0].capacity;
        let tight = outcome.solution.routes.iter().any(|r| {
            let (mut d, mut p) = (Load::ZERO, Load::ZERO);
            for v in &r.visits {
                if let cityfreight::solver::solution::Visit::Order { order, .. } = v {
                    let o = &inst.problem.orders()[*order as usize];
                    d += o.demand;
                    p += o.pickup;
                }
            }
            !(d + p).fits(cap)
        });
        assert!(tight, "{file}: no route depends on the load profile");
    }
}
