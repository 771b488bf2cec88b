//! `cityfreight check`: list every rule a submitted plan breaks (a traffic police use).

use super::common::load_scenario;
use super::{BoxError, Verdict};
use crate::io::plan_in::read_plan;

use std::path::PathBuf;

/// Arguments of `check`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Scenario TOML the plan claims to serve.
    scenario: PathBuf,
    /// The plan (`plan.json` as `cityfreight plan` writes it).
    plan: PathBuf,
    /// Also write the verdict as an HTML report into this folder (report.html with the
    /// violations on the map, its data in report.json); replaced as a whole.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// Run `check`: prints the verdict and returns it ([`super::main`] exits 0 when the plan is
/// compliant, 4 when it breaks rules).
pub(crate) fn run(args: Args) -> Result<Verdict, BoxError> {
    let submitted = read_plan(&args.plan)?;
    let (scenario, network, engine) = load_scenario(&args.scenario)?;
    let outcome = crate::plan::check::check_plan_outcome(&scenario, &network, &engine, &submitted)?;
    // Zone fees and penalties due (a verdict on money, not on rules).
    if !outcome.fees_due.is_empty() {
        let total: f64 = outcome.fees_due.iter().map(|f| f.yuan).sum();
        println!("zone fees and penalties due: {total:.2} yuan");
        for f in &outcome.fees_due {
            println!("  {} ({}): {:.2} yuan", f.vehicle, f.carrier, f.yuan);
        }
    }
    if let Some(dir) = &args.out {
        let page = crate::report::check_page(&scenario, &network.graph, &submitted, &outcome);
        crate::io::atomic::write_dir_atomically(dir, |tmp| {
            crate::io::plan_out::write_extra(tmp, &crate::report::files(&page))
        })
        .map_err(crate::io::plan_out::Error::from)?;
        eprintln!("report: {}", dir.join(crate::report::PAGE_FILE).display());
    }
    let violations = &outcome.violations;
    if violations.is_empty() {
        println!(
            "{}: compliant ({} routes checked against {})",
            args.plan.display(),
            submitted.routes.len(),
            args.scenario.display()
        );
        return Ok(Verdict::Done);
    }
    println!("{}: {} violation(s)", args.plan.display(), violations.len());
    for v in violations {
        println!("  {v}");
    }
    Ok(Verdict::NotCompliant)
}
