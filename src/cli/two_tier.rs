//! `cityfreight two-tier`: direct vans versus night trucks to a consolidation centre and a
//! last-mile fleet from there.

use super::common::{load_scenario, BudgetArg};
use super::CliResult;
use crate::io::two_tier::{read_two_tier, write_two_tier_with};
use crate::plan::kpi::{Kpi, Scope};
use std::path::PathBuf;
use std::time::Instant;

/// Arguments of `two-tier`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Scenario TOML with a `[two_tier]` table (see `src/io/two_tier.rs`; example:
    /// data/scenarios/chengdu-core/scenario.toml).
    scenario: PathBuf,
    /// Output folder: direct/, tier1/, tier2/ plans, comparison.csv/json and the HTML report
    /// (report.html, report.json); replaced as a whole.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    #[command(flatten)]
    budget: BudgetArg,
}

/// Run `two-tier`.
pub fn run(args: Args) -> CliResult {
    let started = Instant::now();
    let (mut scenario, network, engine) = load_scenario(&args.scenario)?;
    args.budget.apply(&mut scenario.solver);
    let two_tier = read_two_tier(&args.scenario, &scenario)?.ok_or_else(|| {
        format!(
            "{}: no [two_tier] table (centre, night_fleet, last_mile_fleet)",
            args.scenario.display()
        )
    })?;
    let progress = |m: &str| eprintln!("[{:6.1} s] {m}", started.elapsed().as_secs_f64());
    let report =
        crate::plan::two_tier::plan_two_tier(&scenario, &two_tier, &network, &engine, &progress)?;
    let page = crate::report::two_tier_page(&scenario, &two_tier, &network.graph, &report);
    write_two_tier_with(&args.out, &report, &crate::report::files(&page))?;
    let row = |scope: &Scope, kpi: &Kpi| {
        (
            report.direct.kpis.get(scope, kpi).unwrap_or(0.0),
            report.kpis.get(scope, kpi).unwrap_or(0.0),
        )
    };
    eprintln!("{:<22} {:>12} {:>12}", Scope::All, "direct", "two-tier");
    for kpi in [
        Kpi::Vehicles,
        Kpi::VehicleKm,
        Kpi::Cost,
        Kpi::CostPerParcel,
        Kpi::LoadFactor,
        Kpi::EnergyElectric,
        Kpi::EnergyFuel,
        Kpi::Co2WellToWheel,
        Kpi::Nox,
        Kpi::OrdersServed,
    ] {
        let (a, b) = row(&Scope::All, &kpi);
        eprintln!("{kpi:<22} {a:>12.2} {b:>12.2}");
    }
    for zone in &scenario.policy.zones {
        let (a, b) = row(&Scope::Zone(zone.id.clone()), &Kpi::VehicleKmInside);
        eprintln!("{:<22} {a:>12.2} {b:>12.2}", format!("km in {}", zone.id));
    }
    let violations: Vec<&crate::plan::PlanViolation> = report
        .direct
        .violations
        .iter()
        .chain(&report.violations)
        .collect();
    eprintln!(
        "checker: {}; wrote {} in {:.1} s",
        if violations.is_empty() {
            "both plans feasible".to_string()
        } else {
            format!("{} violation(s)", violations.len())
        },
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    for v in violations {
        eprintln!("  {v}");
    }
    Ok(())
}
