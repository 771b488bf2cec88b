//! `cityfreight share`: separate versus shared distribution, and who pays what.

use super::common::load_scenario;
use super::CliResult;
use crate::io::share_out::write_share_with;
use crate::plan::share::{share_with, ShapleyMethod, ShareParams};

use crate::plan::Plan;
use std::path::PathBuf;
use std::time::Instant;

/// Arguments of `share`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Scenario TOML with two or more carriers.
    scenario: PathBuf,
    /// Output folder: allocation.json, comparison.csv/json, the pooled plan in `pooled/` and
    /// the HTML report (report.html, report.json); replaced as a whole.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Above 8 carriers, Shapley values are sampled over this many random orders of the
    /// carriers (seeded by the scenario's solver seed); each value is printed with its 95%
    /// half-width.
    #[arg(long, value_name = "N", default_value_t = 100)]
    permutations: usize,
    #[command(flatten)]
    budget: super::common::BudgetArg,
}

/// Run `share`.
pub fn run(args: Args) -> CliResult {
    let started = Instant::now();
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

    let params = ShareParams {
        permutations: args.permutations,
        seed: scenario.solver.seed,
    };
    let report = share_with(&scenario, &network, &engine, &params, &|m| {
        eprintln!("[{:6.1} s] {m}", started.elapsed().as_secs_f64())
    })?;
    let pooled = Plan {
        scenario: format!("{} (pooled)", scenario.name),
        streets: crate::plan::street_hours(&network, &report.pooled_routes),
        routes: report.pooled_routes.clone(),
        unserved: report.unserved.1.clone(),
        violations: report.violations.clone(),
        kpis: report.kpis.1.clone(),
    };
    let page = crate::report::share_page(&scenario, &network.graph, &report, &pooled);
    write_share_with(&args.out, &report, &pooled, &crate::report::files(&page))?;
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
    eprintln!(
        "wrote {} in {:.1} s",
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
