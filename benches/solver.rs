//! Solver benchmarks: insertion and move evaluation, route update, and a fixed-iteration search on a Solomon
//! and a CVRPLIB X instance.
//!
//! Data: `../shared/data/vrp/solomon/R101.txt` and `../shared/data/vrp/cvrplib-x/X-n101-k25.vrp`
//! relative to the crate root (public benchmark instances, see `../shared/data/README.md`); a bench
//! whose file is absent is skipped with a message. Run: `cargo bench --bench solver`.

use cityfreight::instances::{read_instance, Instance};
use cityfreight::solver::neighbours::Neighbours;
use cityfreight::solver::route_state::{RouteState, Stop};
use cityfreight::solver::search_state::SearchState;
use cityfreight::solver::sisr::SearchParams;
use cityfreight::solver::solve::{solve, SolveParams, StopCriterion};
use cityfreight::solver::{relocate, two_opt_star};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::path::Path;

fn load(rel: &str) -> Option<Instance> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    if !path.exists() {
        eprintln!("skipping: {} not found", path.display());
        return None;
    }
    match read_instance(&path, None) {
        Ok(i) => Some(i),
        Err(e) => {
            eprintln!("skipping: {e}");
            None
        }
    }
}

fn fixed_search(instance: &Instance, iterations: u64) -> cityfreight::solver::solve::SolveOutcome {
    solve(
        &instance.problem,
        &StopCriterion {
            max_iterations: Some(iterations),
            ..Default::default()
        },
        &SolveParams {
            threads: 1,
            seed: 1,
            search: SearchParams::for_size(instance.problem.orders().len()),
        },
        &|_| {},
    )
    .expect("solve")
}

fn evaluation(c: &mut Criterion) {
    let Some(inst) = load("../shared/data/vrp/solomon/R101.txt") else {
        return;
    };
    let p = &inst.problem;
    let state = SearchState::from_solution(p, &fixed_search(&inst, 200).solution);
    let probe = |o: u32| Stop {
        order: o,
        alternative: 0,
        location: p.order(o).alternatives[0].location,
    };
    c.bench_function(
        "insertion_delta R101 (every route and position, 10 orders)",
        |b| {
            b.iter(|| {
                let mut feasible = 0u32;
                for o in 0..10u32 {
                    for r in &state.routes {
                        for pos in 0..=r.len() {
                            feasible += u32::from(r.insertion_delta(p, pos, probe(o)).is_some());
                        }
                    }
                }
                black_box(feasible)
            })
        },
    );
    let neighbours = Neighbours::new(p, 10);
    c.bench_function(
        "relocate + 2-opt* evaluate R101 (10 neighbours of every order)",
        |b| {
            b.iter(|| {
                let mut feasible = 0u32;
                for u in 0..p.orders().len() as u32 {
                    for &v in neighbours.of(u) {
                        let (Some((ra, pa)), Some((rb, pb))) =
                            (state.where_of[u as usize], state.where_of[v as usize])
                        else {
                            continue;
                        };
                        let (ra, pa, rb, pb) = (ra as usize, pa as usize, rb as usize, pb as usize);
                        feasible +=
                            u32::from(relocate::evaluate(p, &state, ra, pa, rb, pb).is_some());
                        feasible +=
                            u32::from(two_opt_star::evaluate(p, &state, ra, pa, rb, pb).is_some());
                    }
                }
                black_box(feasible)
            })
        },
    );
    let longest: RouteState = state
        .routes
        .iter()
        .max_by_key(|r| r.len())
        .cloned()
        .expect("a route");
    c.bench_function("route update R101 (longest route)", |b| {
        let mut r = longest.clone();
        b.iter(|| {
            r.update(p);
            black_box(r.eval)
        })
    });
}

fn search(c: &mut Criterion) {
    let mut group = c.benchmark_group("search 500 iterations, 1 thread");
    group.sample_size(10);
    for rel in [
        "../shared/data/vrp/solomon/R101.txt",
        "../shared/data/vrp/cvrplib-x/X-n101-k25.vrp",
    ] {
        if let Some(inst) = load(rel) {
            group.bench_function(inst.name.clone(), |b| {
                b.iter(|| black_box(fixed_search(&inst, 500).objective))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, evaluation, search);
criterion_main!(benches);
