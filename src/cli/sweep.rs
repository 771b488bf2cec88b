//! `cityfreight sweep`: plan every variant of a base scenario and compare them.

use super::common::load_scenario;
use super::CliResult;
use crate::io::sweep::{load_outcome, read_sweep, store_outcome, write_comparison};
use crate::sweep::{run, Outcome};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;

/// Arguments of `sweep`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Sweep TOML (see `src/io/sweep.rs`; example: data/scenarios/chengdu-core/sweep.toml).
    sweep: PathBuf,
    /// Output folder: comparison.csv/json, the HTML report (report.html, report.json) and one
    /// result file per variant (for resuming).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

/// Run `sweep`.
pub fn run_sweep(args: Args) -> CliResult {
    let sweep = read_sweep(&args.sweep)?;
    let (base, network, engine) = load_scenario(&sweep.base)?;
    std::fs::create_dir_all(&args.out)
        .map_err(|e| format!("cannot create {}: {e}", args.out.display()))?;
    let fingerprint = |name: &str| {
        sweep
            .variants
            .iter()
            .position(|v| v.name == name)
            .map(|i| sweep.fingerprints[i].clone())
            .unwrap_or_default()
    };
    let resumed = sweep
        .variants
        .iter()
        .filter(|v| load_outcome(&args.out, v, &fingerprint(&v.name)).is_some())
        .count();
    let bar = ProgressBar::new(sweep.variants.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{spinner} variants [{bar:30}] {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_position(resumed as u64);
    let write_errors = std::sync::Mutex::new(Vec::new());
    let outcomes = run(
        &base,
        &sweep.variants,
        &network,
        &engine,
        &|v| load_outcome(&args.out, v, &fingerprint(&v.name)),
        &|v, outcome| {
            if let Err(e) = store_outcome(&args.out, v, &fingerprint(&v.name), outcome) {
                write_errors.lock().map(|mut w| w.push(e.to_string())).ok();
            }
            bar.inc(1);
            bar.set_message(v.name.clone());
        },
    );
    bar.finish_and_clear();
    if let Some(e) = write_errors
        .into_inner()
        .ok()
        .and_then(|w| w.into_iter().next())
    {
        return Err(e.into());
    }
    write_comparison(&args.out, &sweep, &outcomes)?;
    let page = crate::report::sweep_page(&base, &network.graph, &sweep, &outcomes);
    for (name, bytes) in crate::report::files(&page) {
        let path = args.out.join(name);
        crate::io::atomic::write_atomically(&path, &bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    let failed: Vec<String> = sweep
        .variants
        .iter()
        .zip(&outcomes)
        .filter_map(|(v, o)| match o {
            Outcome::Failed(e) => Some(format!("{}: {e}", v.name)),
            Outcome::Planned(_) => None,
        })
        .collect();
    eprintln!(
        "{} variants ({resumed} resumed from {}), {} failed; wrote {}/comparison.csv",
        sweep.variants.len(),
        args.out.display(),
        failed.len(),
        args.out.display()
    );
    for f in &failed {
        eprintln!("  failed: {f}");
    }
    Ok(())
}
