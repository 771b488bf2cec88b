//! `cityfreight solve`: a VROOM JSON problem solved offline, answered in VROOM's output shape
//! (the same mapping as `POST /v1/solve`).

use super::common::ClassesArg;
use super::serve::load_roads;
use super::CliResult;
use crate::service::mapping::{self, Limits};
use crate::service::vroom::Input;
use std::path::PathBuf;

/// Arguments of `solve`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// VROOM input JSON.
    input: PathBuf,
    /// Output file (default: standard output).
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    out: Option<PathBuf>,
    /// OpenStreetMap extract to route on (for vehicles whose `profile` is a vehicle class).
    #[arg(long, value_name = "FILE")]
    osm: Option<PathBuf>,
    /// City policy TOML applied when routing on the extract.
    #[arg(long, value_name = "FILE", requires = "osm")]
    policy: Option<PathBuf>,
    /// Search threads at most (a request's `cityfreight.threads` is capped by it).
    #[arg(long, value_name = "N", default_value_t = 1)]
    threads: usize,
    #[command(flatten)]
    classes: ClassesArg,
    #[command(flatten)]
    traffic: super::common::TrafficArg,
}

/// Run `solve`.
pub fn run(args: Args) -> CliResult {
    let bytes = std::fs::read(&args.input).map_err(|e| format!("{}: {e}", args.input.display()))?;
    let input: Input = crate::service::error::parse_json(&bytes)
        .map_err(|e| format!("{}: {e}", args.input.display()))?;
    let roads = load_roads(
        args.osm.as_deref(),
        args.policy.as_deref(),
        &args.classes,
        &args.traffic,
    )?;
    let limits = Limits {
        max_locations: usize::MAX / 4,
        max_vehicles: usize::MAX / 4,
        time_limit: std::time::Duration::from_secs(24 * 3600),
        max_threads: args.threads.max(1),
    };
    let output = mapping::run(&input, roads.as_deref(), &limits)
        .map_err(|e| format!("{}: {e}", args.input.display()))?;
    let text = serde_json::to_string_pretty(&output)?;
    match &args.out {
        Some(path) => crate::io::atomic::write_atomically(path, text.as_bytes())
            .map_err(|e| format!("{}: {e}", path.display()))?,
        None => println!("{text}"),
    }
    Ok(())
}
