//! CCH benchmarks on the synthetic grid city (N = 400: 160,000 intersections).
//!
//! Run: `cargo bench --bench cch` (set `CCH_BENCH_N` for another grid size). The 10,000 x
//! 10,000 matrix is not here (criterion would repeat it); run
//! `cargo run --release --example cch_scale -- 400 10000` instead.

use std::hint::black_box;
use std::time::Duration;

use cityfreight::cch::synthetic::{grid_city, GridCity};
use cityfreight::cch::{nested_dissection_order, Cch, Seed};
use criterion::{criterion_group, criterion_main, Criterion};

fn grid_size() -> u32 {
    std::env::var("CCH_BENCH_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(400)
}

/// `count` nodes spread deterministically over the city.
fn stops(city: &GridCity, count: usize, salt: u64) -> Vec<Vec<Seed>> {
    let n = u64::from(city.node_count());
    (0..count as u64)
        .map(|i| {
            let mut z = (i + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ salt;
            z = (z ^ (z >> 31)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            vec![Seed::at(((z ^ (z >> 29)) % n) as u32)]
        })
        .collect()
}

fn bench_cch(c: &mut Criterion) {
    let n = grid_size();
    let city = grid_city(n, 42);
    let Ok(topo) = city.topology() else {
        panic!("generated city is valid")
    };
    let order = nested_dissection_order(&topo);
    let Ok(cch) = Cch::new(&topo, &order) else {
        panic!("order is a permutation")
    };
    let Ok(metric) = cch.customize(&city.time_ms, &city.dist_cm) else {
        panic!("lengths match")
    };

    let mut group = c.benchmark_group(format!("cch_grid{n}"));
    group.sample_size(10).warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("order", |b| {
        b.iter(|| nested_dissection_order(black_box(&topo)))
    });
    group.bench_function("build", |b| b.iter(|| Cch::new(black_box(&topo), &order)));
    group.bench_function("customize", |b| {
        b.iter(|| cch.customize(black_box(&city.time_ms), &city.dist_cm))
    });
    let Ok(mut reused) = cch.customize(&city.time_ms, &city.dist_cm) else {
        panic!("lengths match")
    };
    group.bench_function("recustomize", |b| {
        b.iter(|| reused.recustomize(black_box(&city.time_ms), &city.dist_cm))
    });
    for size in [100, 1000] {
        let (sources, targets) = (stops(&city, size, 1), stops(&city, size, 2));
        group.bench_function(format!("matrix_{size}x{size}"), |b| {
            b.iter(|| metric.many_to_many(black_box(&sources), &targets))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_cch);
criterion_main!(benches);
