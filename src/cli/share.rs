//! `cityfreight share`: separate versus shared distribution, and who pays what.

use super::common::load_scenario;
use super::CliResult;
use crate::io::share_out::write_share;

use crate::plan::Plan;
use std::path::PathBuf;
use std::time::Instant;

/// Arguments of `share`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Scenario TOML with two or more carriers.
    scenario: PathBuf,
    /// Output folder: allocation.json, comparison.csv/json, and the pooled plan in `pooled/`;
    /// replaced as a whole.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

/// Run `share`.
pub fn run(args: Args) -> CliResult {
    let started = Instant::now();
    let (scenario, network, engine) = load_scenario(&args.scenario)?;
    if scenario.carriers.len() < 2 {
        return Err(format!(
            "{}: sharing needs at least two carriers, the scenario has {}",
            args.scenario.display(),
            scenario.carriers.len()
        )
        .into());
    }

    let report = crate::plan::share::share(&scenario, &network, &engine, &|m| eprintln!("{m}"))?;
    let pooled = Plan {
        scenario: format!("{} (pooled)", scenario.name),
        streets: crate::plan::street_hours(&network, &report.pooled_routes),
        routes: report.pooled_routes.clone(),
        unserved: report.unserved.1.clone(),
        violations: report.violations.clone(),
        kpis: report.kpis.1.clone(),
    };
    write_share(&args.out, &report, &pooled)?;
    eprintln!(
        "separate {:.2} yuan, pooled {:.2} yuan (saving {:.2}); Shapley in the core: {}",
        report.separate_cost,
        report.pooled_cost,
        report.separate_cost - report.pooled_cost,
        report.core_ok
    );
    for c in &report.carriers {
        eprintln!(
            "  {:<8} alone {:>9.2}  shapley {:>9.2}  proportional {:>9.2}",
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
