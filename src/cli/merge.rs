//! `cityfreight merge DIR`: the tables of a sharded sweep or share, from the run files of its
//! results folder, once every run is there; otherwise every run that is missing or failed, with
//! its error and the shard that holds it.
//!
//! The inputs are read again and every run hash recomputed: if the sweep, the scenario or a file
//! it reads changed since the shards ran, merge says which runs no longer match instead of
//! mixing results of two inputs. The tables are written by the same code as the single-process
//! command, so with iteration budgets they are byte-identical to its output.

use super::common::{load_scenario, BudgetArg};
use super::CliResult;
use crate::io::runs::{Manifest, RunState, RunStore};
use crate::io::share_out::parse_coalition_run;
use crate::io::sweep::{parse_outcome, read_sweep};
use crate::plan::share::{assemble, ShareContext};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Arguments of `merge`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The results folder the shards wrote (`sweep --out DIR`, or `share --runs DIR`).
    dir: PathBuf,
    /// Where the tables go instead of the command's own output folder (`sweep`: DIR itself;
    /// `share`: its `--out`).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// A run that is not usable yet, in words.
fn describe(state: &RunState) -> Option<String> {
    match state {
        RunState::Done(_) => None,
        RunState::Missing => Some("missing: never started".into()),
        RunState::Started(who) => Some(format!(
            "missing: started by {who}, never finished (killed or still running)"
        )),
        RunState::Failed(e) => Some(format!("failed: {e}")),
        RunState::Invalid(e) => Some(format!("invalid result file: {e}")),
    }
}

/// Check that the recomputed run list is the manifest's.
fn same_runs(manifest: &Manifest, now: &[(String, String)]) -> CliResult {
    let was: Vec<(String, String)> = manifest
        .runs
        .iter()
        .map(|r| (r.name.clone(), r.hash.clone()))
        .collect();
    if was == now {
        return Ok(());
    }
    let mut lines = Vec::new();
    for (name, hash) in now {
        match was.iter().find(|(n, _)| n == name) {
            None => lines.push(format!("  {name}: not in the manifest")),
            Some((_, h)) if h != hash => lines.push(format!(
                "  {name}: run {} in the manifest, {} now",
                &h[..12.min(h.len())],
                &hash[..12]
            )),
            Some(_) => {}
        }
    }
    for (name, _) in &was {
        if !now.iter().any(|(n, _)| n == name) {
            lines.push(format!("  {name}: in the manifest, no longer a run"));
        }
    }
    Err(format!(
        "{} changed since the shards ran (its content, or a file it reads); runs that no longer \
         match:\n{}\nre-run the shards into a fresh folder",
        manifest.input.display(),
        lines.join("\n")
    )
    .into())
}

/// Every run's state; an error listing those not done.
fn collect(
    dir: &Path,
    manifest: &Manifest,
    command: &str,
) -> Result<Vec<RunState>, super::BoxError> {
    let store = RunStore::new(dir);
    let states: Vec<RunState> = manifest.runs.iter().map(|r| store.state(&r.hash)).collect();
    let problems: Vec<String> = manifest
        .runs
        .iter()
        .zip(&states)
        .enumerate()
        .filter_map(|(k, (r, s))| {
            describe(s).map(|d| {
                format!(
                    "  {} (run {}, shard {}/{}): {d}",
                    r.name,
                    &r.hash[..12.min(r.hash.len())],
                    k % manifest.shards,
                    manifest.shards
                )
            })
        })
        .collect();
    if problems.is_empty() {
        return Ok(states);
    }
    let mut shards: Vec<usize> = manifest
        .runs
        .iter()
        .zip(&states)
        .enumerate()
        .filter(|(_, (_, s))| describe(s).is_some())
        .map(|(k, _)| k % manifest.shards)
        .collect();
    shards.dedup();
    shards.sort_unstable();
    shards.dedup();
    Err(format!(
        "{} of {} runs in {} are not done:\n{}\nre-run {} alone, e.g.: {command} --shard {}/{}",
        problems.len(),
        manifest.runs.len(),
        dir.display(),
        problems.join("\n"),
        if shards.len() == 1 {
            "that shard"
        } else {
            "those shards"
        },
        shards[0],
        manifest.shards
    )
    .into())
}

/// Run `merge`.
pub fn run(args: Args) -> CliResult {
    let manifest = Manifest::read(&args.dir)?;
    let out = args.out.clone().unwrap_or_else(|| manifest.out.clone());
    match manifest.kind.as_str() {
        "sweep" => {
            let sweep = read_sweep(&manifest.input)?;
            let now: Vec<(String, String)> = sweep
                .variants
                .iter()
                .zip(&sweep.hashes)
                .map(|(v, h)| (v.name.clone(), h.clone()))
                .collect();
            same_runs(&manifest, &now)?;
            let command = format!(
                "cityfreight sweep {} --out {}",
                manifest.input.display(),
                args.dir.display()
            );
            let states = collect(&args.dir, &manifest, &command)?;
            let mut outcomes = Vec::new();
            for (r, s) in manifest.runs.iter().zip(states) {
                let RunState::Done(v) = s else { continue };
                outcomes.push(parse_outcome(&v).ok_or_else(|| {
                    format!(
                        "run {} ({}): its result does not parse with this version; delete it and \
                         re-run its shard",
                        r.hash, r.name
                    )
                })?);
            }
            std::fs::create_dir_all(&out)
                .map_err(|e| format!("cannot create {}: {e}", out.display()))?;
            super::sweep::write_tables(&out, &sweep, &outcomes, None)?;
            let failed = outcomes
                .iter()
                .filter(|o| matches!(o, crate::sweep::Outcome::Failed(_)))
                .count();
            eprintln!(
                "merged {} variants from {} ({failed} failed variants in the table); wrote {}/comparison.csv",
                outcomes.len(),
                args.dir.display(),
                out.display()
            );
            Ok(())
        }
        _ => {
            let budget = BudgetArg {
                iterations: manifest.options["iterations"].as_u64(),
                time_limit: manifest.options["time_limit_s"].as_f64(),
                local_search: manifest.options["local_search"]
                    .as_u64()
                    .map(|k| k as usize),
            };
            let permutations = manifest.options["permutations"].as_u64().unwrap_or(100) as usize;
            let (mut scenario, network, engine) = load_scenario(&manifest.input)?;
            budget.apply(&mut scenario.solver);
            let runs = super::share::share_runs(&manifest.input, &scenario, permutations)?;
            let now: Vec<(String, String)> = runs
                .names
                .iter()
                .cloned()
                .zip(runs.hashes.iter().cloned())
                .collect();
            same_runs(&manifest, &now)?;
            let mut command = format!(
                "cityfreight share {} --out {} --runs {} --permutations {permutations}",
                manifest.input.display(),
                manifest.out.display(),
                args.dir.display()
            );
            if let Some(i) = budget.iterations {
                command.push_str(&format!(" --iterations {i}"));
            }
            if let Some(t) = budget.time_limit {
                command.push_str(&format!(" --time-limit {t}"));
            }
            let states = collect(&args.dir, &manifest, &command)?;
            let mut done = BTreeMap::new();
            for ((&m, r), s) in runs.list.masks.iter().zip(&manifest.runs).zip(states) {
                let RunState::Done(v) = s else { continue };
                let run = parse_coalition_run(&v).ok_or_else(|| {
                    format!(
                        "run {} ({}): its result is not a coalition run; delete it and re-run \
                         its shard",
                        r.hash, r.name
                    )
                })?;
                done.insert(m, run);
            }
            let ctx = ShareContext::new(&scenario, &network, &engine, &|_| {})?;
            let report = assemble(&ctx, &runs.list, &done)?;
            super::share::write_report(&out, &scenario, &network, &report)?;
            eprintln!(
                "merged {} coalitions from {}; wrote {}",
                done.len(),
                args.dir.display(),
                out.display()
            );
            Ok(())
        }
    }
}
