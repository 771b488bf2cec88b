//! Arguments and helpers several subcommands share: loading a network with a progress bar,
//! reading classes, parsing coordinates and times.

use crate::network::{Network, Stage};
use crate::vehicle::{default_classes, VehicleClass};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};

/// `--classes FILE`: vehicle classes from TOML instead of the defaults.
#[derive(clap::Args, Debug, Clone)]
pub struct ClassesArg {
    /// Vehicle classes TOML file (defaults plus overrides; see `cityfreight classes --help`).
    #[arg(long, value_name = "FILE")]
    pub classes: Option<PathBuf>,
}

impl ClassesArg {
    /// The classes to use.
    pub fn load(&self) -> Result<Vec<VehicleClass>, crate::io::classes::Error> {
        match &self.classes {
            Some(path) => crate::io::classes::read_classes(path),
            None => Ok(default_classes()),
        }
    }
}

/// `--policy FILE [--permit ID]`: a city's zones, rules and permits.
#[derive(clap::Args, Debug, Clone)]
pub struct PolicyArg {
    /// Policy TOML (zones GeoJSON, access rules, permits): see `src/io/policy.rs`.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// The vehicle holds this permit (an id from the policy).
    #[arg(long, value_name = "ID", requires = "policy")]
    pub permit: Option<String>,
}

impl PolicyArg {
    /// The policy (empty without `--policy`) and the permit index.
    pub fn load(
        &self,
        classes: &[VehicleClass],
    ) -> Result<(crate::zones::Policy, Option<usize>), Box<dyn std::error::Error + Send + Sync>>
    {
        let Some(path) = &self.policy else {
            return Ok((crate::zones::Policy::default(), None));
        };
        let policy = crate::io::policy::read_policy(path, classes)?;
        let permit = match &self.permit {
            Some(id) => Some(policy.permit(id).ok_or_else(|| {
                let known: Vec<&str> = policy.permits.iter().map(|p| p.id.as_str()).collect();
                format!(
                    "--permit `{id}` is not a permit of {} (permits: {})",
                    path.display(),
                    known.join(", ")
                )
            })?),
            None => None,
        };
        Ok((policy, permit))
    }
}

/// `--free-flow` / `--traffic CSV` / `--road-speeds CSV`: congestion for a query at a moment.
#[derive(clap::Args, Debug, Clone)]
pub struct TrafficArg {
    /// Free-flow speeds at every hour (default: the documented congestion profile of a large
    /// Chinese city, see `src/traffic.rs`).
    #[arg(long, conflicts_with_all = ["traffic", "road_speeds"])]
    pub free_flow: bool,
    /// Congestion factors per road class, day and hour (`road_class,day,hour,factor`, see
    /// `src/io/traffic.rs`), over the default profile.
    #[arg(long, value_name = "CSV")]
    pub traffic: Option<PathBuf>,
    /// Congestion factors per OSM way, day and hour (`way_id,day,hour,factor`: probe speeds).
    #[arg(long, value_name = "CSV")]
    pub road_speeds: Option<PathBuf>,
}

impl TrafficArg {
    /// The traffic the options ask for.
    pub fn load(
        &self,
    ) -> Result<crate::traffic::Traffic, Box<dyn std::error::Error + Send + Sync>> {
        if self.free_flow {
            return Ok(crate::traffic::Traffic::free_flow());
        }
        let mut traffic = crate::traffic::Traffic::default_city();
        if let Some(path) = &self.traffic {
            crate::io::traffic::read_class_factors(path, &mut traffic)?;
        }
        if let Some(path) = &self.road_speeds {
            crate::io::traffic::read_way_factors(path, &mut traffic)?;
        }
        Ok(traffic)
    }
}

/// Warn (on stderr) about ways of a road speeds file that the extract does not have.
pub fn warn_unknown_ways(traffic: &crate::traffic::Traffic, graph: &crate::graph::RoadGraph) {
    let unknown = crate::io::traffic::unknown_ways(traffic, graph);
    if !unknown.is_empty() {
        let first: Vec<String> = unknown.iter().take(5).map(|w| w.to_string()).collect();
        eprintln!(
            "warning: {} way id(s) of the road speeds are not in the extract and were skipped (first: {})",
            unknown.len(),
            first.join(", ")
        );
    }
}

/// `--iterations N` / `--time-limit S` / `--local-search K`: override the scenario's solver settings.
#[derive(clap::Args, Debug, Clone)]
pub struct BudgetArg {
    /// Iterations per search thread (deterministic), instead of the scenario's budget.
    #[arg(long, value_name = "N")]
    pub iterations: Option<u64>,
    /// Wall-clock limit per solved problem (s), instead of the scenario's budget (not
    /// deterministic; with `--iterations` too, whichever comes first).
    #[arg(long, value_name = "S")]
    pub time_limit: Option<f64>,
    /// Local search towards K nearest neighbours of each order, instead of the scenario's
    /// `[solver] local_search` (0: ruin and recreate only; default 10).
    #[arg(long, value_name = "K")]
    pub local_search: Option<usize>,
}

impl BudgetArg {
    /// Replace the scenario's budget when either option is given, and its local search when
    /// `--local-search` is.
    pub fn apply(&self, solver: &mut crate::scenario::SolverSettings) {
        if let Some(k) = self.local_search {
            solver.local_search = Some(k);
        }
        if self.iterations.is_some() || self.time_limit.is_some() {
            solver.iterations = self.iterations;
            solver.time_limit_s = self.time_limit.filter(|t| t.is_finite() && *t > 0.0);
            if solver.iterations.is_none() && solver.time_limit_s.is_none() {
                solver.iterations = Some(1);
            }
        }
    }
}

/// Load a network, showing progress on stderr when it is a terminal.
pub fn load_network(
    path: &Path,
    classes: &[VehicleClass],
) -> Result<Network, crate::network::LoadError> {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let progress = |stage: Stage, done: u64, total: u64| match stage {
        Stage::Decoding => {
            bar.set_message(format!("reading {name}"));
            bar.set_length(total);
            bar.set_position(done);
        }
        Stage::Building => bar.set_message("building graph"),
        Stage::Indexing => bar.set_message("indexing road segments"),
    };
    let network = Network::load(path, classes, &progress);
    bar.finish_and_clear();
    network
}

/// Parse `LON,LAT` in degrees.
pub fn parse_lon_lat(text: &str) -> Result<[f64; 2], String> {
    let (lon, lat) = text
        .split_once(',')
        .ok_or_else(|| format!("`{text}`: expected LON,LAT (e.g. 104.07,30.66)"))?;
    let lon: f64 = lon
        .trim()
        .parse()
        .map_err(|_| format!("`{lon}` is not a longitude"))?;
    let lat: f64 = lat
        .trim()
        .parse()
        .map_err(|_| format!("`{lat}` is not a latitude"))?;
    if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
        return Err(format!("`{text}`: longitude must be within -180..180 and latitude within -90..90 (order is LON,LAT)"));
    }
    Ok([lon, lat])
}

/// Parse a departure time: `HH:MM` (Monday) or `Tu 08:30`.
pub fn parse_week_time(text: &str) -> Result<crate::time::WeekTime, String> {
    crate::time::WeekTime::parse(text).map_err(|e| e.to_string())
}

/// `HH:MM` of a week second (for listing rule boundaries).
pub fn week_clock(seconds: u32) -> String {
    crate::time::WeekTime::from_seconds(seconds).to_string()
}

/// `--class C` must name one of `classes`.
pub fn require_class(classes: &[VehicleClass], id: &str) -> Result<(), String> {
    if classes.iter().any(|c| c.id == id) {
        Ok(())
    } else {
        Err(format!(
            "unknown vehicle class `{id}` given to --class (see `cityfreight classes`)"
        ))
    }
}

/// The contraction-hierarchy cache beside an extract: `FILE.osm.pbf` -> `FILE.osm.pbf.cch`.
pub fn default_cache(osm: &Path) -> PathBuf {
    let mut name = osm
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".cch");
    osm.with_file_name(name)
}

/// Read a scenario, load its extract, and prepare the matrix engine (cached beside the extract).
pub fn load_scenario(
    path: &Path,
) -> Result<
    (
        crate::scenario::Scenario,
        Network,
        crate::matrix::MatrixEngine,
    ),
    Box<dyn std::error::Error + Send + Sync>,
> {
    let mut scenario = crate::io::scenario::read_scenario(path)?;
    let network = load_network(&scenario.osm, &scenario.classes)?;
    for note in scenario.add_osm_stations(&network.chargers) {
        eprintln!("charging stations from OSM: {note}");
    }
    warn_unknown_ways(&scenario.traffic, &network.graph);
    for note in scenario.add_osm_lockers(&network.lockers) {
        eprintln!("parcel lockers from OSM: {note}");
    }
    let (engine, _) = crate::matrix::MatrixEngine::new(
        &network.graph,
        Some(default_cache(&scenario.osm).as_path()),
    )?;
    Ok((scenario, network, engine))
}

/// `--shard I/N` / `--shard-count N`: which runs of a sweep or share table this process plans.
#[derive(clap::Args, Debug, Clone)]
pub struct ShardArg {
    /// Plan only shard I of N (runs I, I+N, I+2N, ... of the run list; I from 0) and store their
    /// results; `cityfreight merge` writes the tables once every shard is done. Without it: from
    /// SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT (a Slurm job array), else JOB_COMPLETION_INDEX
    /// with --shard-count (a Kubernetes Indexed Job), else every run.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// The shard count when the index comes from JOB_COMPLETION_INDEX (the Job's completions).
    #[arg(long, value_name = "N")]
    pub shard_count: Option<usize>,
}

impl ShardArg {
    /// The shard: `--shard`, else the scheduler's environment, else every run.
    pub fn resolve(&self) -> Result<crate::shard::Shard, String> {
        match &self.shard {
            Some(text) => {
                if self.shard_count.is_some() {
                    return Err("give either --shard I/N or --shard-count N, not both".into());
                }
                crate::shard::Shard::parse(text).map_err(|e| format!("--shard {e}"))
            }
            None => crate::shard::Shard::from_env(&|k| std::env::var(k).ok(), self.shard_count),
        }
    }
}
