//! Time each import stage on an extract: `cargo run --release --example import_stages -- FILE`.
//! Prints read, build and index seconds; run with RAYON_NUM_THREADS=1 and 2 to see the speed-up.

use cityfreight::graph::{build_graph, SnapIndex};
use cityfreight::osm::read_pbf;
use cityfreight::vehicle::default_classes;
use std::time::Instant;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: import_stages FILE.osm.pbf");
        std::process::exit(2);
    };
    let t = Instant::now();
    let extract = match read_pbf(path.as_ref(), &|_, _| {}) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    let read = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let graph = build_graph(&extract, &default_classes()).expect("build");
    let build = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let index = SnapIndex::new(&graph);
    let snap = t.elapsed().as_secs_f64();
    println!(
        "{path}: read {read:.3} s, build {build:.3} s, index {snap:.3} s, total {:.3} s ({} nodes, {} edges, {} segments, {} threads)",
        read + build + snap,
        graph.node_count(),
        graph.edge_count(),
        index.len(),
        rayon::current_num_threads()
    );
}
