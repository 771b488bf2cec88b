//! `cityfreight share`: separate versus shared distribution, and who pays what; in one process,
//! or one shard of the coalition runs on a cluster (`--shard I/N --runs DIR`, then
//! `cityfreight merge DIR`).

use super::common::{load_scenario, ShardArg};
use super::CliResult;
use crate::io::runs::{absolute, run_hash, scenario_hash, who, Manifest, ManifestRun, RunStore};
use crate::io::share_out::{
    coalition_key, coalition_run_json, parse_coalition_run, write_share_with, RUN_KIND,
};
use crate::network::Network;
use crate::plan::share::{
    assemble, coalition_list, plan_coalitions, CoalitionList, CoalitionRun, ShapleyMethod,
    ShareContext, ShareParams, ShareReport,
};
use crate::plan::Plan;
use crate::scenario::Scenario;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Arguments of `share`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Scenario TOML with two or more carriers.
    scenario: PathBuf,
    /// Output folder: allocation.json, comparison.csv/json, the pooled plan in `pooled/` and
    /// the HTML report (report.html, report.json); replaced as a whole (by `cityfreight merge`
    /// when sharded).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Above 12 carriers, Shapley values are sampled over this many random orders of the
    /// carriers (seeded by the scenario's solver seed); each value is printed with its 95%
    /// half-width.
    #[arg(long, value_name = "N", default_value_t = 100)]
    permutations: usize,
    /// Results folder for the coalition runs (one file each, by content hash): a rerun plans
    /// only the runs not there yet; required when sharded, where every shard must see it.
    #[arg(long, value_name = "DIR")]
    runs: Option<PathBuf>,
    #[command(flatten)]
    budget: super::common::BudgetArg,
    #[command(flatten)]
    shard: ShardArg,
}

/// The coalition list of a scenario, and each coalition's run hash.
pub(crate) struct ShareRuns {
    pub(crate) list: CoalitionList,
    pub(crate) hashes: Vec<String>,
    pub(crate) names: Vec<String>,
}

/// The runs `share` plans for `scenario` (read from `path`, budget already applied).
pub(crate) fn share_runs(
    path: &Path,
    scenario: &Scenario,
    permutations: usize,
) -> Result<ShareRuns, super::BoxError> {
    let params = ShareParams {
        permutations,
        seed: scenario.solver.seed,
    };
    let list = coalition_list(scenario, &params)?;
    let content = scenario_hash(path)?;
    let names: Vec<Vec<String>> = list
        .masks
        .iter()
        .map(|&m| {
            (0..list.carriers)
                .filter(|i| m >> i & 1 == 1)
                .map(|i| scenario.carriers[i].id.clone())
                .collect()
        })
        .collect();
    let hashes = names
        .iter()
        .map(|members| {
            run_hash(
                RUN_KIND,
                &content,
                &coalition_key(members, &scenario.solver),
            )
        })
        .collect();
    Ok(ShareRuns {
        list,
        hashes,
        names: names.into_iter().map(|m| m.join("+")).collect(),
    })
}

/// The manifest of a share's results folder.
pub(crate) fn share_manifest(
    path: &Path,
    out: &Path,
    args_budget: &super::common::BudgetArg,
    permutations: usize,
    runs: &ShareRuns,
    shards: usize,
) -> Manifest {
    Manifest {
        kind: "share".into(),
        input: absolute(path),
        out: absolute(out),
        options: serde_json::json!({
            "iterations": args_budget.iterations,
            "time_limit_s": args_budget.time_limit,
            "local_search": args_budget.local_search,
            "permutations": permutations,
        }),
        shards,
        runs: runs
            .names
            .iter()
            .zip(&runs.hashes)
            .map(|(name, hash)| ManifestRun {
                name: name.clone(),
                hash: hash.clone(),
            })
            .collect(),
    }
}

/// Run `share`.
pub fn run(args: Args) -> CliResult {
    let started = Instant::now();
    let shard = args.shard.resolve()?;
    if shard.count > 1 && args.runs.is_none() {
        return Err(format!(
            "shard {shard}: a sharded share needs --runs DIR, a results folder every shard sees"
        )
        .into());
    }
    let (mut scenario, network, engine) = load_scenario(&args.scenario)?;
    args.budget.apply(&mut scenario.solver);
    if scenario.carriers.len() < 2 {
        return Err(format!(
            "{}: sharing needs at least two carriers, the scenario has {}",
            args.scenario.display(),
            scenario.carriers.len()
        )
        .into());
    }
    let runs = share_runs(&args.scenario, &scenario, args.permutations)?;
    let store = args.runs.as_deref().map(RunStore::new);
    if let Some(dir) = &args.runs {
        share_manifest(
            &args.scenario,
            &args.out,
            &args.budget,
            args.permutations,
            &runs,
            shard.count,
        )
        .write(dir)?;
    }
    let progress = |m: &str| eprintln!("[{:6.1} s] {m}", started.elapsed().as_secs_f64());
    let ctx = ShareContext::new(&scenario, &network, &engine, &progress)?;
    let hash_of: BTreeMap<u64, &str> = runs
        .list
        .masks
        .iter()
        .zip(&runs.hashes)
        .map(|(&m, h)| (m, h.as_str()))
        .collect();
    let mine: Vec<u64> = shard
        .positions(runs.list.masks.len())
        .map(|k| runs.list.masks[k])
        .collect();
    let mut done: BTreeMap<u64, CoalitionRun> = BTreeMap::new();
    if let Some(store) = &store {
        for &m in &mine {
            if let Some(run) = store
                .done(hash_of[&m])
                .as_ref()
                .and_then(parse_coalition_run)
            {
                done.insert(m, run);
            }
        }
    }
    let todo: Vec<u64> = mine
        .iter()
        .copied()
        .filter(|m| !done.contains_key(m))
        .collect();
    let resumed = done.len();
    let me = who(&shard);
    if let Some(store) = &store {
        for &m in &todo {
            store.mark_started(hash_of[&m], &me)?;
        }
    }
    let write_errors = std::sync::Mutex::new(Vec::new());
    let planned = plan_coalitions(&ctx, &runs.list, &todo, &progress, &|m, result| {
        let Some(store) = &store else { return };
        let name = ctx.names(m).join("+");
        let written = match result {
            Ok(run) => store.store_done(hash_of[&m], RUN_KIND, &name, coalition_run_json(run)),
            Err(e) => store.store_error(hash_of[&m], RUN_KIND, &name, &e.to_string()),
        };
        if let Err(e) = written {
            write_errors.lock().map(|mut w| w.push(e.to_string())).ok();
        }
    });
    if let Some(e) = write_errors
        .into_inner()
        .ok()
        .and_then(|w| w.into_iter().next())
    {
        return Err(e.into());
    }
    let mut failed = Vec::new();
    for (m, result) in todo.iter().zip(planned) {
        match result {
            Ok(run) => {
                done.insert(*m, run);
            }
            Err(e) => failed.push((ctx.names(*m).join("+"), e)),
        }
    }
    if shard.count > 1 {
        eprintln!(
            "shard {shard}: {} of the {} coalitions ({resumed} resumed), {} failed; results in \
             {}. When every shard is done: cityfreight merge {}",
            mine.len(),
            runs.list.masks.len(),
            failed.len(),
            args.runs.as_deref().unwrap_or(Path::new("?")).display(),
            args.runs.as_deref().unwrap_or(Path::new("?")).display(),
        );
    }
    if let Some((name, e)) = failed.into_iter().next() {
        return Err(format!("coalition {name} could not be planned: {e}").into());
    }
    if shard.count > 1 {
        return Ok(());
    }
    let report = assemble(&ctx, &runs.list, &done)?;
    write_report(&args.out, &scenario, &network, &report)?;
    eprintln!(
        "wrote {} in {:.1} s",
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Write the share outputs of `report` into `out` (as one set) and print the allocation: the
/// same for one process and for `cityfreight merge`.
pub(crate) fn write_report(
    out: &Path,
    scenario: &Scenario,
    network: &Network,
    report: &ShareReport,
) -> CliResult {
    let pooled = Plan {
        scenario: format!("{} (pooled)", scenario.name),
        streets: crate::plan::street_hours(network, &report.pooled_routes),
        routes: report.pooled_routes.clone(),
        unserved: report.unserved.1.clone(),
        violations: report.violations.clone(),
        kpis: report.kpis.1.clone(),
    };
    let page = crate::report::share_page(scenario, &network.graph, report, &pooled);
    write_share_with(out, report, &pooled, &crate::report::files(&page))?;
    eprintln!(
        "separate {:.2} yuan, pooled {:.2} yuan (saving {:.2}); Shapley in the core: {}",
        report.separate_cost,
        report.pooled_cost,
        report.separate_cost - report.pooled_cost,
        report.core_ok
    );
    if let ShapleyMethod::Sampled { permutations, seed } = report.method {
        eprintln!(
            "Shapley values sampled over {permutations} orders of the carriers (seed {seed}): \
             ± 95% half-width (normal approximation) / Hoeffding 95% bound; the core check covers \
             the {} planned coalitions",
            report.coalitions.len()
        );
    }
    for c in &report.carriers {
        let error = match report.method {
            ShapleyMethod::Exact => String::new(),
            ShapleyMethod::Sampled { .. } => format!(
                " ± {:.2} / {:.2}",
                c.error.half_width_95, c.error.hoeffding_95
            ),
        };
        eprintln!(
            "  {:<8} alone {:>9.2}  shapley {:>9.2}{error}  proportional {:>9.2}",
            c.id, c.standalone_cost, c.shapley, c.proportional
        );
    }
    if !report.pooled_worse_than_split.is_empty() {
        eprintln!(
            "note: the pooled plan of {} cost more than running them split; the split cost is used",
            report.pooled_worse_than_split.join(", ")
        );
    }
    Ok(())
}
