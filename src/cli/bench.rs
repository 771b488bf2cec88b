//! The `bench` and `bench-suite` subcommands: solve benchmark instances, check the plans, and
//! compare with best-known solutions.
//!
//! Owns: argument parsing, text/JSON/CSV output and progress bars for benchmarking. Must never:
//! compute a cost or a verdict itself (the checker does) or round before the gap is computed.
//! Invariants: printed costs are in file units (internal cost / [`SCALE`]); the convention used is
//! always printed; the CSV is written to a temporary file in the target folder and then renamed.

use crate::cli::CliResult;
use crate::instances::bks::{BksEntry, BksTable};
use crate::instances::{read_instance, Convention, Instance, SCALE};
use crate::solver::check::check;
use crate::solver::sisr::SearchParams;
use crate::solver::solution::Visit;
use crate::solver::solve::{solve, Progress, SolveParams, StopCriterion};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Options shared by both subcommands.
#[derive(clap::Args, Debug, Clone)]
pub struct SolveOptions {
    /// Wall-clock limit per instance, in seconds (default 5 when no iteration limit is given).
    #[arg(long)]
    time_limit: Option<f64>,
    /// Wall-clock limit per 100 customers, in seconds (the CVRPLIB X convention); overrides
    /// --time-limit.
    #[arg(long)]
    time_per_100: Option<f64>,
    /// Iterations per thread (reproducible runs).
    #[arg(long)]
    iterations: Option<u64>,
    /// Stop after this many iterations per thread without a new best plan.
    #[arg(long)]
    max_no_improvement: Option<u64>,
    /// Start temperature, as a multiple of the initial cost per order (default: the solver's).
    #[arg(long)]
    temperature_start: Option<f64>,
    /// End temperature, as a multiple of the initial cost per order (default: the solver's).
    #[arg(long)]
    temperature_end: Option<f64>,
    /// Iterations per thread between synchronisations (default: the solver's).
    #[arg(long)]
    epoch: Option<u64>,
    /// Open a new route only when no existing route can take an order (the SISR paper's rule);
    /// by default a new route is always priced.
    #[arg(long)]
    lazy_new_routes: bool,
    /// Neighbours per order for polishing the best plan after each epoch by local search (0: off;
    /// default 20 above 2,000 customers, else off).
    #[arg(long)]
    polish: Option<usize>,
    /// Neighbours per order for local search on every plan that improves a worker's best
    /// (intensification; 0: off, the default).
    #[arg(long)]
    intensify: Option<usize>,
    /// Neighbours per order for the local-search descent of the start plan (0: off; default 20
    /// above 2,000 customers, else off).
    #[arg(long)]
    descend_start: Option<usize>,
    /// Let local search try SWAP* between two routes when no simple move improves (default:
    /// off).
    #[arg(long)]
    swap_star: Option<bool>,
    /// Minimise vehicles first, then distance (default: on for families whose best-known
    /// solutions are hierarchical, such as E-VRPTW).
    #[arg(long)]
    vehicles_first: Option<bool>,
    /// Share of the budget spent on fleet minimisation under --vehicles-first (default: the
    /// solver's).
    #[arg(long)]
    fleet_share: Option<f64>,
    /// Worker threads.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Best-known-solution table (default: ../shared/data/vrp/bks.csv from the crate root).
    #[arg(long)]
    bks: Option<PathBuf>,
    /// Distance convention: exact, dimacs or rounded (default: the one the family's BKS use).
    #[arg(long, value_parser = parse_convention)]
    convention: Option<Convention>,
}

fn parse_convention(s: &str) -> Result<Convention, String> {
    Convention::parse(s).ok_or_else(|| format!("unknown convention {s:?} (exact, dimacs, rounded)"))
}

/// Arguments of `bench`.
#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    /// Instance file (Solomon/Homberger text or VRPLIB).
    file: PathBuf,
    #[command(flatten)]
    options: SolveOptions,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// Arguments of `bench-suite`.
#[derive(clap::Args, Debug)]
pub struct SuiteArgs {
    /// Folders of instances (files ending in .sol are skipped).
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    #[command(flatten)]
    options: SolveOptions,
    /// CSV file to write.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// One instance's result, as printed in JSON.
#[derive(Serialize, Debug)]
struct BenchReport {
    instance: String,
    convention: &'static str,
    cost: f64,
    distance: f64,
    vehicles: usize,
    routes: Vec<Vec<u32>>,
    feasible: bool,
    violations: Vec<String>,
    bks: Option<f64>,
    bks_objective: Option<String>,
    bks_vehicles: Option<u32>,
    gap_percent: Option<f64>,
    vehicles_first: bool,
    charges: usize,
    time_s: f64,
    iterations: u64,
    iterations_per_s: f64,
    threads: usize,
    seed: u64,
}

fn default_bks() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/vrp/bks.csv")
}

fn load_bks(
    options: &SolveOptions,
) -> Result<Option<BksTable>, Box<dyn std::error::Error + Send + Sync>> {
    match &options.bks {
        Some(p) => Ok(Some(BksTable::read(p)?)),
        None => {
            let p = default_bks();
            if !p.exists() {
                return Ok(None);
            }
            let mut table = BksTable::read(&p)?;
            // The VRPSPD and Belgium sets keep their best-known values in their own folders.
            for set in ["vrpspd", "belgium"] {
                let own = p.with_file_name(set).join("bks.csv");
                if own.exists() {
                    table = table.merged(BksTable::read(&own)?);
                }
            }
            Ok(Some(table))
        }
    }
}

fn run_one(
    instance: &Instance,
    options: &SolveOptions,
    bks: Option<&BksEntry>,
    bar: &ProgressBar,
) -> Result<BenchReport, Box<dyn std::error::Error + Send + Sync>> {
    let problem = &instance.problem;
    let stop = StopCriterion {
        max_iterations: options.iterations,
        time_limit: match (
            options
                .time_per_100
                .map(|s| s * problem.orders().len() as f64 / 100.0)
                .or(options.time_limit),
            options.iterations,
        ) {
            (Some(s), _) => Some(Duration::from_secs_f64(s)),
            (None, Some(_)) => None,
            (None, None) if options.max_no_improvement.is_some() => None,
            (None, None) => Some(Duration::from_secs(5)),
        },
        max_no_improvement: options.max_no_improvement,
    };
    let mut search = SearchParams::for_size(problem.orders().len());
    if let Some(t) = options.temperature_start {
        search.temperature_start = t;
    }
    if let Some(t) = options.temperature_end {
        search.temperature_end = t;
    }
    if options.lazy_new_routes {
        search.recreate.always_try_new_route = false;
    }
    if let Some(k) = options.polish {
        search.polish_neighbours = k;
    }
    if let Some(k) = options.intensify {
        search.intensify_neighbours = k;
    }
    if let Some(k) = options.descend_start {
        search.start_neighbours = k;
    }
    if let Some(b) = options.swap_star {
        search.swap_star = b;
    }
    if let Some(e) = options.epoch {
        search.epoch_iterations = e;
    }
    search.vehicles_first = options
        .vehicles_first
        .unwrap_or(instance.family.vehicles_first());
    if let Some(s) = options.fleet_share {
        search.fleet_share = s;
    }
    let params = SolveParams {
        threads: options.threads,
        seed: options.seed,
        search,
    };
    let progress = |p: &Progress| {
        bar.set_position((p.fraction * 1000.0) as u64);
        bar.set_message(format!("{:.2}", p.best.cost.0 as f64 / SCALE as f64));
    };
    let outcome = solve(problem, &stop, &params, &progress)?;
    let report = check(problem, &outcome.solution);
    let cost = report.cost.0 as f64 / SCALE as f64;
    let routes = outcome
        .solution
        .routes
        .iter()
        .map(|r| {
            r.visits
                .iter()
                .filter_map(|v| match v {
                    Visit::Order { order, .. } => Some(instance.customer_ids[*order as usize]),
                    Visit::Reload { .. } | Visit::Charge { .. } => None,
                })
                .collect()
        })
        .collect();
    let time_s = outcome.elapsed.as_secs_f64();
    let charges = outcome
        .solution
        .routes
        .iter()
        .flat_map(|r| &r.visits)
        .filter(|v| matches!(v, Visit::Charge { .. }))
        .count();
    Ok(BenchReport {
        instance: instance.name.clone(),
        convention: instance.convention.name(),
        cost,
        distance: report.distance.0 as f64 / SCALE as f64,
        vehicles: report.vehicles,
        routes,
        feasible: report.feasible(),
        violations: report.violations.iter().map(|v| v.to_string()).collect(),
        bks: bks.map(|b| b.distance),
        bks_objective: bks.map(|b| b.objective.clone()),
        bks_vehicles: bks.and_then(|b| b.vehicles),
        gap_percent: bks.map(|b| (cost - b.distance) / b.distance * 100.0),
        vehicles_first: search.vehicles_first,
        charges,
        time_s,
        iterations: outcome.iterations,
        iterations_per_s: outcome.iterations as f64 / time_s.max(1e-9),
        threads: options.threads,
        seed: options.seed,
    })
}

fn bar(len: u64, template: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(len), indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}

/// `cityfreight bench FILE ...`
pub fn run_bench(args: &BenchArgs) -> CliResult {
    let instance = read_instance(&args.file, args.options.convention)?;
    let table = load_bks(&args.options)?;
    let entry = table
        .as_ref()
        .and_then(|t| t.lookup(instance.family, &instance.name));
    let pb = bar(1000, "{spinner} {elapsed_precise} [{bar:40}] best {msg}");
    let r = run_one(&instance, &args.options, entry, &pb)?;
    pb.finish_and_clear();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
        return Ok(());
    }
    println!("instance    {}", r.instance);
    println!(
        "convention  {} (costs in file units; internal scale {SCALE})",
        r.convention
    );
    println!("cost        {:.4}", r.cost);
    match r.bks_vehicles {
        Some(b) => println!("vehicles    {} (bks {b})", r.vehicles),
        None => println!("vehicles    {}", r.vehicles),
    }
    if r.charges > 0 {
        println!("charges     {} charging stops", r.charges);
    }
    println!(
        "objective   {}",
        if r.vehicles_first {
            "vehicles first, then distance"
        } else {
            "distance"
        }
    );
    for (i, route) in r.routes.iter().enumerate() {
        let ids: Vec<String> = route.iter().map(|c| c.to_string()).collect();
        println!("route {:>3}: {}", i + 1, ids.join(" "));
    }
    if r.feasible {
        println!("checker     feasible");
    } else {
        println!("checker     INFEASIBLE ({} violations)", r.violations.len());
        for v in &r.violations {
            println!("  {v}");
        }
    }
    match (r.bks, r.gap_percent, &r.bks_objective) {
        (Some(b), Some(g), Some(o)) => println!("bks         {b} ({o} objective); gap {g:.3}%"),
        _ => println!("bks         unknown for this instance"),
    }
    println!(
        "time        {:.2} s, {} iterations ({:.0}/s, {} threads, seed {})",
        r.time_s, r.iterations, r.iterations_per_s, r.threads, r.seed
    );
    Ok(())
}

/// Instance files in `dirs`, sorted by name within each folder.
fn collect_files(
    dirs: &[PathBuf],
) -> Result<Vec<PathBuf>, Box<dyn std::error::Error + Send + Sync>> {
    let mut all = Vec::new();
    for d in dirs {
        let mut files: Vec<PathBuf> = std::fs::read_dir(d)
            .map_err(|e| format!("{}: {e}", d.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.is_file()
                    && p.extension()
                        .is_none_or(|x| x != "sol" && x != "csv" && x != "md")
            })
            .collect();
        files.sort();
        all.extend(files);
    }
    Ok(all)
}

/// `cityfreight bench-suite DIR... ...`
pub fn run_suite(args: &SuiteArgs) -> CliResult {
    let files = collect_files(&args.dirs)?;
    let table = load_bks(&args.options)?;
    let pb = bar(
        files.len() as u64,
        "{elapsed_precise} [{bar:40}] {pos}/{len} {msg}",
    );
    let mut csv = crate::io::table::CsvOut::new([
        "instance",
        "convention",
        "customers",
        "cost",
        "vehicles",
        "feasible",
        "bks",
        "bks_objective",
        "bks_vehicles",
        "gap_percent",
        "time_s",
        "iterations",
        "threads",
        "seed",
    ]);
    let mut gaps = Vec::new();
    let mut infeasible = 0;
    let (mut with_bks_vehicles, mut vehicles_at_most) = (0, 0);
    for file in &files {
        let instance = read_instance(file, args.options.convention)?;
        pb.set_message(instance.name.clone());
        let entry = table
            .as_ref()
            .and_then(|t| t.lookup(instance.family, &instance.name));
        let inner = ProgressBar::hidden();
        let r = run_one(&instance, &args.options, entry, &inner)?;
        if !r.feasible {
            infeasible += 1;
        }
        if let Some(g) = r.gap_percent {
            gaps.push(g);
        }
        if let Some(bv) = r.bks_vehicles {
            with_bks_vehicles += 1;
            if r.vehicles as u32 <= bv {
                vehicles_at_most += 1;
            }
        }
        pb.suspend(|| {
            println!(
                "{:<14} cost {:>12.2} veh {:>3}{} {} gap {}",
                r.instance,
                r.cost,
                r.vehicles,
                r.bks_vehicles
                    .map_or(String::new(), |b| format!(" (bks {b:>3})")),
                if r.feasible {
                    "feasible  "
                } else {
                    "INFEASIBLE"
                },
                r.gap_percent.map_or("-".into(), |g| format!("{g:.3}%"))
            )
        });
        csv.row([
            r.instance.clone(),
            r.convention.to_string(),
            instance.problem.orders().len().to_string(),
            format!("{:.4}", r.cost),
            r.vehicles.to_string(),
            r.feasible.to_string(),
            r.bks.map_or(String::new(), |b| b.to_string()),
            r.bks_objective.clone().unwrap_or_default(),
            r.bks_vehicles.map_or(String::new(), |b| b.to_string()),
            r.gap_percent.map_or(String::new(), |g| format!("{g:.4}")),
            format!("{:.3}", r.time_s),
            r.iterations.to_string(),
            r.threads.to_string(),
            r.seed.to_string(),
        ]);
        pb.inc(1);
    }
    pb.finish_and_clear();
    if let Some(out) = &args.out {
        let dir = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        tmp.write_all(&csv.into_bytes())?;
        tmp.persist(out).map_err(|e| e.error)?;
        println!("wrote {}", out.display());
    }
    let n = gaps.len();
    if n > 0 {
        let mean = gaps.iter().sum::<f64>() / n as f64;
        let mut sorted = gaps.clone();
        sorted.sort_by(f64::total_cmp);
        let median = if n % 2 == 1 {
            sorted[n / 2]
        } else {
            (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
        };
        println!(
            "{} instances, {} with a BKS: mean gap {mean:.3}%, median gap {median:.3}%, {infeasible} infeasible",
            files.len(),
            n
        );
        if with_bks_vehicles > 0 {
            println!(
                "vehicles <= bks on {vehicles_at_most} of {with_bks_vehicles} instances with a bks vehicle count"
            );
        }
    } else {
        println!(
            "{} instances, none with a BKS; {infeasible} infeasible",
            files.len()
        );
    }
    Ok(())
}
