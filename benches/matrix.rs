//! Travel-matrix benchmarks on imported OSM graphs: CCH preprocessing, customization for a
//! class, and 100 x 100 / 1000 x 1000 matrices (seeds, same-road stretches and all).
//!
//! Data: the bundled Chengdu extract, and the synthetic 160k-intersection city when present
//! (`CITYFREIGHT_SYNTHETIC_PBF` or `bench-data/city400.osm.pbf`; make it with
//! `benches/make-synthetic-city.sh 400`). Run: `cargo bench --bench matrix`; compare threads with
//! `RAYON_NUM_THREADS=1 cargo bench --bench matrix`.

use cityfreight::cch::{nested_dissection_order, Cch, Topology};
use cityfreight::graph::{ClassId, Snap};
use cityfreight::matrix::MatrixEngine;
use cityfreight::network::Network;
use cityfreight::routing::Metric;
use cityfreight::time::WeekTime;
use cityfreight::vehicle::default_classes;
mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

fn snapped(net: &Network, class: ClassId, count: usize) -> Vec<Option<Snap>> {
    let g = &net.graph;
    let mut pts = common::points(net, 0x2545_F491_4F6C_DD1D);
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let Some(p) = pts.next() else { break };
        if let Ok(s) = net.snap_index.snap(g, p, class, 500.0) {
            out.push(Some(s));
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    for (name, path) in common::datasets() {
        let net = Network::load(&path, &default_classes(), &|_, _, _| {}).unwrap();
        let g = &net.graph;
        let van = g.class_id("e-micro-van").unwrap();
        let mut group = c.benchmark_group(format!("matrix/{name}"));
        group.sample_size(10);
        let projected: Vec<[f64; 2]> = g
            .coords()
            .iter()
            .map(|&p| g.projection().project(p))
            .collect();
        let topo = Topology::new(g.first_out(), g.heads(), &projected).unwrap();
        group.bench_function("preprocess_order_and_cch", |b| {
            b.iter(|| black_box(Cch::new(&topo, &nested_dissection_order(&topo)).unwrap()))
        });
        let (engine, _) = MatrixEngine::new(g, None).unwrap();
        let metric = Metric::new(g, van, WeekTime::parse("Mo 10:00").unwrap());
        group.bench_function("customize", |b| {
            b.iter(|| black_box(engine.customize(&metric).unwrap()))
        });
        let customized = engine.customize(&metric).unwrap();
        let points = snapped(&net, van, 1000);
        group.bench_function("matrix_100x100", |b| {
            b.iter(|| black_box(engine.matrix(g, &metric, &customized, &points[..100])))
        });
        group.bench_function("matrix_1000x1000", |b| {
            b.iter(|| black_box(engine.matrix(g, &metric, &customized, &points)))
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
