//! A bounded load driver for `cityfreight serve` (loopback only; stops by itself).
//!
//! ```text
//! cargo run --release --example service_load -- URL BODY.json REQUESTS CONCURRENCY [SERVER_PID]
//! ```
//! POSTs `BODY.json` to `URL` `REQUESTS` times from `CONCURRENCY` threads and prints the
//! status counts, p50 / p99 / max latency, throughput, and (with the server's pid) its resident
//! memory before and after. Refuses any host but 127.0.0.1 / localhost.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn rss_kib(pid: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    text.lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 5 {
        eprintln!("usage: service_load URL BODY.json REQUESTS CONCURRENCY [SERVER_PID]");
        std::process::exit(2);
    }
    let url = args[1].clone();
    if !(url.starts_with("http://127.0.0.1:") || url.starts_with("http://localhost:")) {
        eprintln!("service_load only drives a server on loopback (http://127.0.0.1:PORT/...)");
        std::process::exit(2);
    }
    let body = Arc::new(std::fs::read(&args[2]).expect("body file"));
    let requests: usize = args[3].parse().expect("REQUESTS");
    let concurrency: usize = args[4].parse().expect("CONCURRENCY");
    let pid = args.get(5).cloned();
    let before = pid.as_deref().and_then(rss_kib);
    let next = Arc::new(AtomicUsize::new(0));
    let results: Arc<Mutex<Vec<(u16, Duration)>>> =
        Arc::new(Mutex::new(Vec::with_capacity(requests)));
    let started = Instant::now();
    let threads: Vec<_> = (0..concurrency)
        .map(|_| {
            let (url, body, next, results) =
                (url.clone(), body.clone(), next.clone(), results.clone());
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .build()
                    .into();
                while next.fetch_add(1, Ordering::SeqCst) < requests {
                    let t = Instant::now();
                    let status = match agent
                        .post(&url)
                        .header("Content-Type", "application/json")
                        .send(&body[..])
                    {
                        Ok(mut r) => {
                            let s = r.status().as_u16();
                            let _ = r.body_mut().read_to_vec();
                            s
                        }
                        Err(_) => 0,
                    };
                    results.lock().unwrap().push((status, t.elapsed()));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let wall = started.elapsed();
    let after = pid.as_deref().and_then(rss_kib);
    let results = results.lock().unwrap();
    let mut by_status = std::collections::BTreeMap::new();
    for (s, _) in results.iter() {
        *by_status.entry(*s).or_insert(0usize) += 1;
    }
    let mut ok: Vec<Duration> = results
        .iter()
        .filter(|(s, _)| *s == 200)
        .map(|(_, d)| *d)
        .collect();
    ok.sort();
    let pct = |p: f64| -> f64 {
        if ok.is_empty() {
            return f64::NAN;
        }
        let i = ((ok.len() as f64 * p).ceil() as usize).clamp(1, ok.len()) - 1;
        ok[i].as_secs_f64() * 1000.0
    };
    println!(
        "requests {} at concurrency {concurrency} in {:.2} s",
        results.len(),
        wall.as_secs_f64()
    );
    println!("statuses {by_status:?} (0 = connection error)");
    println!(
        "latency of 200s: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; throughput {:.1} req/s",
        pct(0.50),
        pct(0.99),
        ok.last().map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0),
        results.len() as f64 / wall.as_secs_f64()
    );
    if let (Some(b), Some(a)) = (before, after) {
        println!(
            "server RSS: {:.1} MiB before, {:.1} MiB after",
            b as f64 / 1024.0,
            a as f64 / 1024.0
        );
    }
}
