//! Import, snapping and route-query benchmarks.
//!
//! Data: the bundled Chengdu extract (always), and a synthetic city when present:
//! `CITYFREIGHT_SYNTHETIC_PBF=path` or `bench-data/city400.osm.pbf` (make it with
//! `benches/make-synthetic-city.sh 400`). Run: `cargo bench --bench graph`.

use cityfreight::graph::{build_graph, ClassId, Snap};
use cityfreight::network::Network;
use cityfreight::osm::read_pbf;
use cityfreight::routing::{route, Dijkstra, Metric};
use cityfreight::time::WeekTime;
use cityfreight::vehicle::default_classes;
mod common;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let classes = default_classes();
    for (name, path) in common::datasets() {
        let big = name.starts_with("synthetic");
        let mut group = c.benchmark_group(format!("graph/{name}"));
        group.sample_size(10);
        group.bench_function("import_and_build", |b| {
            b.iter(|| black_box(Network::load(&path, &classes, &|_, _, _| {}).unwrap()))
        });
        let extract = read_pbf(&path, &|_, _| {}).unwrap();
        group.bench_function("build_from_extract", |b| {
            b.iter(|| black_box(build_graph(&extract, &classes).unwrap()))
        });
        drop(extract);
        let net = Network::load(&path, &classes, &|_, _, _| {}).unwrap();
        let van = ClassId(1);
        let pts: Vec<[f64; 2]> = common::points(&net, 0x9E37_79B9_7F4A_7C15)
            .take(1000)
            .collect();
        group.sample_size(if big { 20 } else { 50 });
        group.bench_function("snap_1000_points", |b| {
            b.iter(|| {
                pts.iter()
                    .filter(|&&p| net.snap_index.snap(&net.graph, p, van, 500.0).is_ok())
                    .count()
            })
        });
        let snaps: Vec<Snap> = pts
            .iter()
            .filter_map(|&p| net.snap_index.snap(&net.graph, p, van, 500.0).ok())
            .collect();
        let metric = Metric::new(&net.graph, van, WeekTime::parse("Mo 10:00").unwrap());
        group.bench_function("metric_for_class_and_time", |b| {
            b.iter(|| {
                black_box(Metric::new(
                    &net.graph,
                    van,
                    WeekTime::parse("Mo 08:00").unwrap(),
                ))
            })
        });
        let mut ws = Dijkstra::new(net.graph.node_count());
        let mut i = 0;
        group.bench_function("route_query_dijkstra", |b| {
            b.iter_batched(
                || {
                    i = (i + 1) % (snaps.len() - 1);
                    (snaps[i], snaps[(i * 7 + 3) % snaps.len()])
                },
                |(from, to)| black_box(route(&net.graph, &metric, &from, &to, &mut ws).ok()),
                BatchSize::SmallInput,
            )
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
