//! `cityfreight plan`: a scenario in, a checked plan, GeoJSON and KPIs out.

use super::common::load_scenario;
use super::CliResult;
use crate::io::plan_out::write_plan_with;
use crate::plan::kpi::{Kpi, Scope};

use std::path::PathBuf;
use std::time::Instant;

/// Arguments of `plan`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Scenario TOML (see `src/io/scenario.rs`; example: data/scenarios/chengdu-core/scenario.toml).
    scenario: PathBuf,
    /// Output folder for plan.json, routes.geojson, kpis.json/csv, streets.csv and the HTML
    /// report (report.html, its data in report.json); replaced as a whole (written to a temporary sibling folder, then renamed over it).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Coordinate system of the positions in plan.json and routes.geojson: wgs84 (default),
    /// gcj02 (to overlay on Amap or Tencent maps) or bd09 (Baidu maps).
    #[arg(long, value_name = "CRS", default_value = "wgs84")]
    output_crs: crate::io::crs::Crs,
    /// Plan all carriers as one pool (shared distribution) instead of each alone.
    #[arg(long)]
    pooled: bool,
    #[command(flatten)]
    budget: super::common::BudgetArg,
}

/// Run `plan`.
pub fn run(args: Args) -> CliResult {
    let started = Instant::now();
    let (mut scenario, network, engine) = load_scenario(&args.scenario)?;
    args.budget.apply(&mut scenario.solver);
    let progress = |msg: &str| eprintln!("[{:6.1} s] {msg}", started.elapsed().as_secs_f64());
    let plan = if args.pooled {
        crate::plan::plan_pooled(&scenario, &network, &engine, &progress)?
    } else {
        crate::plan::plan(&scenario, &network, &engine, &progress)?
    };
    let report = crate::report::files(&crate::report::plan_page(&scenario, &network.graph, &plan));
    write_plan_with(&args.out, &plan, args.output_crs, &report)?;
    let k = &plan.kpis;
    let get = |kpi: Kpi| k.get(&Scope::All, &kpi).unwrap_or(0.0);
    eprintln!(
        "{}: {} routes, {:.1} km, {} of {} orders served, cost {:.2} yuan ({:.2} per parcel), CO2 {:.1} kg well-to-wheel; checker: {}",
        plan.scenario,
        plan.routes.len(),
        get(Kpi::VehicleKm),
        get(Kpi::OrdersServed),
        get(Kpi::Orders),
        get(Kpi::Cost),
        get(Kpi::CostPerParcel),
        get(Kpi::Co2WellToWheel),
        if plan.violations.is_empty() { "feasible".to_string() } else { format!("{} violation(s)", plan.violations.len()) }
    );
    for u in &plan.unserved {
        eprintln!(
            "unserved: carrier {} order {}: {}",
            u.carrier, u.order, u.reason
        );
    }
    eprintln!(
        "wrote {} (report: {}) in {:.1} s",
        args.out.display(),
        args.out.join(crate::report::PAGE_FILE).display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
