//! `cityfreight sweep`: plan every variant of a base scenario and compare them, in one process or
//! as one shard of a cluster job (`--shard I/N`, or the scheduler's environment).

use super::common::{load_scenario, ShardArg};
use super::CliResult;
use crate::io::runs::{absolute, who, Manifest, ManifestRun, RunStore};
use crate::io::sweep::{load_outcome, read_sweep, store_outcome, write_comparison, Sweep};
use crate::network::Network;
use crate::scenario::Scenario;
use crate::sweep::{run, Outcome, Variant};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};

/// Arguments of `sweep`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Sweep TOML (see `src/io/sweep.rs`; example: data/scenarios/chengdu-core/sweep.toml).
    sweep: PathBuf,
    /// Output folder: comparison.csv/json, the HTML report (report.html, report.json),
    /// manifest.json and one result file per variant in runs/ (for resuming; the shared results
    /// folder when sharded).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    #[command(flatten)]
    shard: ShardArg,
}

/// The manifest of a sweep's results folder.
pub(crate) fn sweep_manifest(path: &Path, out: &Path, sweep: &Sweep, shards: usize) -> Manifest {
    Manifest {
        kind: "sweep".into(),
        input: absolute(path),
        out: absolute(out),
        options: serde_json::json!({}),
        shards,
        runs: sweep
            .variants
            .iter()
            .zip(&sweep.hashes)
            .map(|(v, h)| ManifestRun {
                name: v.name.clone(),
                hash: h.clone(),
            })
            .collect(),
    }
}

/// Write a whole sweep's tables into `out`: `comparison.csv`/`.json` and the HTML report, which
/// needs the base scenario and its road graph (`loaded` when the caller has them, else loaded
/// here): the same for one process and for `cityfreight merge`.
pub(crate) fn write_tables(
    out: &Path,
    sweep: &Sweep,
    outcomes: &[Outcome],
    loaded: Option<(&Scenario, &Network)>,
) -> CliResult {
    write_comparison(out, sweep, outcomes)?;
    let own;
    let (base, network) = match loaded {
        Some(pair) => pair,
        None => {
            own = load_scenario(&sweep.base)?;
            (&own.0, &own.1)
        }
    };
    let page = crate::report::sweep_page(base, &network.graph, sweep, outcomes);
    for (name, bytes) in crate::report::files(&page) {
        let path = out.join(name);
        crate::io::atomic::write_atomically(&path, &bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

/// Run `sweep`.
pub fn run_sweep(args: Args) -> CliResult {
    let shard = args.shard.resolve()?;
    let sweep = read_sweep(&args.sweep)?;
    std::fs::create_dir_all(&args.out)
        .map_err(|e| format!("cannot create {}: {e}", args.out.display()))?;
    let store = RunStore::new(&args.out);
    sweep_manifest(&args.sweep, &args.out, &sweep, shard.count).write(&args.out)?;
    let hash = |v: &Variant| {
        sweep
            .variants
            .iter()
            .position(|x| x.name == v.name)
            .map(|i| sweep.hashes[i].clone())
            .unwrap_or_default()
    };
    let mine: Vec<Variant> = shard
        .positions(sweep.variants.len())
        .map(|k| sweep.variants[k].clone())
        .collect();
    let resumed = mine
        .iter()
        .filter(|v| load_outcome(&store, &hash(v)).is_some())
        .count();
    let (outcomes, loaded) = if resumed == mine.len() {
        // Nothing to plan: no need to load the network.
        let outcomes: Vec<Outcome> = mine
            .iter()
            .filter_map(|v| load_outcome(&store, &hash(v)))
            .collect();
        (outcomes, None)
    } else {
        let (base, network, engine) = load_scenario(&sweep.base)?;
        let bar = ProgressBar::new(mine.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{spinner} variants [{bar:30}] {pos}/{len} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_position(resumed as u64);
        let write_errors = std::sync::Mutex::new(Vec::new());
        let me = who(&shard);
        let outcomes = run(
            &base,
            &mine,
            &network,
            &engine,
            &|v| {
                let done = load_outcome(&store, &hash(v));
                if done.is_none() {
                    // About to plan it: leave the start marker `merge` reports if we never finish.
                    if let Err(e) = store.mark_started(&hash(v), &me) {
                        write_errors.lock().map(|mut w| w.push(e.to_string())).ok();
                    }
                }
                done
            },
            &|v, outcome| {
                if let Err(e) = store_outcome(&store, v, &hash(v), outcome) {
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
        (outcomes, Some((base, network)))
    };
    let failed: Vec<String> = mine
        .iter()
        .zip(&outcomes)
        .filter_map(|(v, o)| match o {
            Outcome::Failed(e) => Some(format!("{}: {e}", v.name)),
            Outcome::Planned(_) => None,
        })
        .collect();
    if shard.count == 1 {
        write_tables(
            &args.out,
            &sweep,
            &outcomes,
            loaded.as_ref().map(|(b, n)| (b, n)),
        )?;
        eprintln!(
            "{} variants ({resumed} resumed from {}), {} failed; wrote {}/comparison.csv",
            sweep.variants.len(),
            args.out.display(),
            failed.len(),
            args.out.display()
        );
    } else {
        eprintln!(
            "shard {shard}: {} of the sweep's {} variants ({resumed} resumed), {} failed; \
             results in {}/runs. When every shard is done: cityfreight merge {}",
            mine.len(),
            sweep.variants.len(),
            failed.len(),
            args.out.display(),
            args.out.display()
        );
    }
    for f in &failed {
        eprintln!("  failed: {f}");
    }
    Ok(())
}
