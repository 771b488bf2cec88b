//! The command-line layer: argument parsing (clap), progress bars, JSON/text output.
//!
//! Owns: every `println!`, every exit code, every conversion from user units (HH:MM, lon/lat
//! strings) to internal ones. Must never: hold algorithmic logic; a subcommand parses its
//! arguments, calls the library, and prints. Errors from the library layers are printed with
//! their full context (file, record, argument) and give exit code 1; usage errors give 2 (clap);
//! a plan that `check` finds not compliant gives 4.
//! Invariant: [`main`] is the one exit point: subcommands return a [`CliResult`] or, for
//! `check`, a [`Verdict`], and never call `std::process::exit` (a test scans `src/` for it).

pub mod bench;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod check;
mod classes;
mod common;
mod graph;
mod matrix;
mod merge;
mod plan;
mod report;
mod route;
mod serve;
mod share;
mod solve;
mod sweep;
mod two_tier;

/// cityfreight: urban delivery routes under permit zones, loading points and clean-energy fleets.
#[derive(Parser, Debug)]
#[command(name = "cityfreight", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// List the vehicle classes (built-in defaults, or a TOML file's).
    Classes(classes::Args),
    /// Inspect the road graph of an extract.
    #[command(subcommand)]
    Graph(graph::GraphCommand),
    /// Fastest route for a vehicle class between two coordinates.
    Route(route::Args),
    /// Travel-time and distance matrix between points for a class and hour band.
    Matrix(matrix::Args),
    /// Plan deliveries for a scenario: plan.json, routes.geojson, kpis.json/csv.
    Plan(plan::Args),
    /// Check a plan someone else made against a scenario: every violated rule (exit 4 if any).
    Check(check::Args),
    /// Separate versus shared distribution (共同配送): coalition costs, Shapley and proportional shares, core check.
    Share(share::Args),
    /// Direct vans versus two-tier delivery (night trucks to a consolidation centre, a last-mile fleet from there).
    TwoTier(two_tier::Args),
    /// Plan every variant of a base scenario (in parallel, resumable, shardable) and compare their KPIs.
    Sweep(sweep::Args),
    /// Build a sharded sweep's or share's tables from its results folder, or list the runs missing or failed.
    Merge(merge::Args),
    /// Rebuild an output folder's report.html from its report.json, or write a policy's public notice alone.
    Report(report::Args),
    /// Solve a VROOM JSON problem offline, answered in VROOM's output shape.
    Solve(solve::Args),
    /// Serve the HTTP API: VROOM-compatible /v1/solve, /v1/table, /v1/route.
    Serve(serve::Args),
    /// Solve one benchmark instance, check the plan and compare with the best-known solution.
    Bench(bench::BenchArgs),
    /// Solve every instance in folders; write a CSV and print mean and median gaps.
    BenchSuite(bench::SuiteArgs),
}

/// What a subcommand that judges something found, for the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Done (exit 0).
    Done,
    /// The checked plan breaks rules (exit 4).
    NotCompliant,
}

/// Parse the command line, run the subcommand, and turn its result into an exit code: 0 when
/// done, 4 when `check` finds the plan not compliant, 1 on any error (printed with its causes).
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(Verdict::Done) => ExitCode::SUCCESS,
        Ok(Verdict::NotCompliant) => ExitCode::from(4),
        Err(err) => {
            let message = err.to_string();
            eprintln!("error: {message}");
            let mut source = std::error::Error::source(&*err);
            while let Some(cause) = source {
                let text = cause.to_string();
                if !message.contains(&text) {
                    eprintln!("  caused by: {text}");
                }
                source = cause.source();
            }
            ExitCode::FAILURE
        }
    }
}

/// Run a subcommand: its verdict, or its error.
fn run(command: Command) -> Result<Verdict, BoxError> {
    let done = |result: CliResult| result.map(|()| Verdict::Done);
    match command {
        Command::Classes(args) => done(classes::run(args)),
        Command::Graph(command) => done(graph::run(command)),
        Command::Route(args) => done(route::run(args)),
        Command::Matrix(args) => done(matrix::run(args)),
        Command::Plan(args) => done(plan::run(args)),
        Command::Check(args) => check::run(args),
        Command::Share(args) => done(share::run(args)),
        Command::Sweep(args) => done(sweep::run_sweep(args)),
        Command::Merge(args) => done(merge::run(args)),
        Command::TwoTier(args) => done(two_tier::run(args)),
        Command::Report(args) => done(report::run(args)),
        Command::Solve(args) => done(solve::run(args)),
        Command::Serve(args) => done(serve::run(args)),
        Command::Bench(args) => done(bench::run_bench(&args)),
        Command::BenchSuite(args) => done(bench::run_suite(&args)),
    }
}

/// Any library error, boxed with its context.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What every subcommand but `check` returns.
pub(crate) type CliResult = Result<(), BoxError>;
