//! Times every CCH phase once on the synthetic grid city and reports peak memory; this is the
//! opt-in run for matrices too large for criterion (10,000 x 10,000).
//!
//! `cargo run --release --example cch_scale -- [N] [STOPS]` (defaults: N = 400, STOPS = 1000),
//! e.g. `RAYON_NUM_THREADS=1 cargo run --release --example cch_scale -- 400 1000`.

use std::time::Instant;

use cityfreight::cch::synthetic::grid_city;
use cityfreight::cch::{nested_dissection_order, Cch, Seed};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: u32 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(400);
    let stops: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1000);
    let city = grid_city(n, 42);
    let topo = city.topology()?;
    println!(
        "grid N={n}: {} nodes, {} edges, {} threads",
        topo.node_count(),
        topo.edge_count(),
        rayon::current_num_threads()
    );

    let clock = Instant::now();
    let order = nested_dissection_order(&topo);
    let t_order = clock.elapsed();
    let clock = Instant::now();
    let cch = Cch::new(&topo, &order)?;
    let t_build = clock.elapsed();
    println!(
        "order {:.3} s, build {:.3} s: {} arcs, elimination tree height {}",
        t_order.as_secs_f64(),
        t_build.as_secs_f64(),
        cch.arc_count(),
        cch.tree_height()
    );

    let mut best = f64::INFINITY;
    let mut metric = None;
    for _ in 0..5 {
        let clock = Instant::now();
        metric = Some(cch.customize(&city.time_ms, &city.dist_cm)?);
        best = best.min(clock.elapsed().as_secs_f64());
    }
    let Some(metric) = metric else { return Ok(()) };
    println!("customize {:.1} ms (best of 5)", best * 1e3);

    let pick = |i: u64, salt: u64| {
        let mut z = (i + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ salt;
        z = (z ^ (z >> 31)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        vec![Seed::at(
            ((z ^ (z >> 29)) % u64::from(topo.node_count())) as u32,
        )]
    };
    let sources: Vec<Vec<Seed>> = (0..stops).map(|i| pick(i, 1)).collect();
    let targets: Vec<Vec<Seed>> = (0..stops).map(|i| pick(i, 2)).collect();
    let clock = Instant::now();
    let matrix = metric.many_to_many(&sources, &targets);
    println!(
        "matrix {stops}x{stops} {:.3} s, {} reachable",
        clock.elapsed().as_secs_f64(),
        matrix.reachable_count()
    );
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(line) = status.lines().find(|l| l.starts_with("VmHWM")) {
        println!("peak memory {}", line.trim_start_matches("VmHWM:").trim());
    }
    Ok(())
}
