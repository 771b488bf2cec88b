//! Times every CCH phase on the synthetic grid city and reports peak memory; this is the opt-in
//! run for matrices too large for criterion (10,000 x 10,000).
//!
//! `cargo run --release --example cch_scale -- [N] [STOPS]` (defaults: N = 400, STOPS = 1000),
//! e.g. `RAYON_NUM_THREADS=1 cargo run --release --example cch_scale -- 400 1000`.
//!
//! Each phase prints its best wall-clock time and the process CPU time per run (Linux
//! `/proc/self/stat`, 10 ms ticks): on a shared machine the CPU time of a one-thread run is the
//! better estimate of the uncontended time.

use std::time::Instant;

use cityfreight::cch::synthetic::grid_city;
use cityfreight::cch::{nested_dissection_order, Cch, Seed};

/// User + system CPU seconds of this process so far, if the platform exposes them.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_name = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// Runs `f` `repeats` times; returns the last result, the best wall time and the mean CPU time.
fn timed<T>(repeats: u32, mut f: impl FnMut() -> T) -> (T, f64, f64) {
    let cpu_start = cpu_seconds().unwrap_or(f64::NAN);
    let mut best = f64::INFINITY;
    let mut out = None;
    for _ in 0..repeats {
        let clock = Instant::now();
        out = Some(f());
        best = best.min(clock.elapsed().as_secs_f64());
    }
    let cpu = (cpu_seconds().unwrap_or(f64::NAN) - cpu_start) / f64::from(repeats);
    let Some(out) = out else {
        unreachable!("repeats is at least one")
    };
    (out, best, cpu)
}

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

    let (order, wall, cpu) = timed(1, || nested_dissection_order(&topo));
    println!(
        "order      wall {:8.1} ms  cpu {:8.1} ms",
        wall * 1e3,
        cpu * 1e3
    );
    let (cch, wall, cpu) = timed(1, || Cch::new(&topo, &order));
    let cch = cch?;
    println!(
        "build      wall {:8.1} ms  cpu {:8.1} ms  ({} arcs, elimination tree height {})",
        wall * 1e3,
        cpu * 1e3,
        cch.arc_count(),
        cch.tree_height()
    );
    let (metric, wall, cpu) = timed(5, || cch.customize(&city.time_ms, &city.dist_cm));
    let mut metric = metric?;
    println!(
        "customize  wall {:8.1} ms  cpu {:8.1} ms  (best / mean of 5)",
        wall * 1e3,
        cpu * 1e3
    );
    let (done, wall, cpu) = timed(5, || metric.recustomize(&city.time_ms, &city.dist_cm));
    done?;
    println!(
        "recustomize wall {:7.1} ms  cpu {:8.1} ms  (best / mean of 5)",
        wall * 1e3,
        cpu * 1e3
    );

    let pick = |i: u64, salt: u64| {
        let mut z = (i + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ salt;
        z = (z ^ (z >> 31)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        vec![Seed::at(
            ((z ^ (z >> 29)) % u64::from(topo.node_count())) as u32,
        )]
    };
    let sources: Vec<Vec<Seed>> = (0..stops).map(|i| pick(i, 1)).collect();
    let targets: Vec<Vec<Seed>> = (0..stops).map(|i| pick(i, 2)).collect();
    let repeats = if stops <= 1000 { 3 } else { 1 };
    let (matrix, wall, cpu) = timed(repeats, || metric.many_to_many(&sources, &targets));
    println!(
        "matrix     wall {:8.1} ms  cpu {:8.1} ms  ({stops}x{stops}, best / mean of {repeats}, {} reachable)",
        wall * 1e3,
        cpu * 1e3,
        matrix.reachable_count()
    );
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(line) = status.lines().find(|l| l.starts_with("VmHWM")) {
        println!("peak memory {}", line.trim_start_matches("VmHWM:").trim());
    }
    Ok(())
}
