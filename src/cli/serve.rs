//! `cityfreight serve`: the HTTP service (see [`crate::service`]).

use super::common::{default_cache, load_network, warn_unknown_ways, ClassesArg, TrafficArg};
use super::CliResult;
use crate::service::auth::Tokens;
use crate::service::mapping::Limits;
use crate::service::roads::Roads;
use crate::service::{AppState, Config, DEFAULT_BODY_LIMIT};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// Arguments of `serve`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// OpenStreetMap extract to route on (vehicles whose `profile` is a class of it); without
    /// it only `matrices` requests are answered.
    #[arg(long, value_name = "FILE")]
    osm: Option<PathBuf>,
    /// Address to listen on (port 0: any free port, printed on start).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:3000")]
    addr: SocketAddr,
    /// City policy TOML (zones, rules, permits) applied to every route, table and solve.
    #[arg(long, value_name = "FILE", requires = "osm")]
    policy: Option<PathBuf>,
    /// Bearer tokens TOML (`[[token]]` with `role` = planner | police | carrier:ID and
    /// `secret`); without it every caller is a planner.
    #[arg(long, value_name = "FILE")]
    tokens: Option<PathBuf>,
    /// Folder for scenario jobs (/v1/plans, /v1/shares, /v1/checks): their inputs and results
    /// are kept there across restarts; without it those routes answer 400.
    #[arg(long, value_name = "DIR", requires = "osm")]
    data: Option<PathBuf>,
    /// Largest request body (bytes).
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_BODY_LIMIT)]
    body_limit: usize,
    /// CPU requests (solves, tables, routes) running at once (default: the cores).
    #[arg(long, value_name = "N")]
    workers: Option<usize>,
    /// CPU requests waiting for a worker at most; more are refused with 503 and Retry-After.
    #[arg(long, value_name = "N", default_value_t = 64)]
    queue: usize,
    /// Most locations per request (jobs + 2 per vehicle; table sources + destinations).
    #[arg(long, value_name = "N", default_value_t = 2_000)]
    max_locations: usize,
    /// Most vehicles per request.
    #[arg(long, value_name = "N", default_value_t = 200)]
    max_vehicles: usize,
    /// Longest search per solve request (s); a request's own `cityfreight.time_limit` is capped by it.
    #[arg(long, value_name = "S", default_value_t = 30.0)]
    time_limit: f64,
    #[command(flatten)]
    classes: ClassesArg,
    #[command(flatten)]
    traffic: TrafficArg,
}

/// Load the extract (if any) as a [`Roads`], leaking it for the life of the process (the
/// customized metrics the server caches borrow it).
pub(crate) fn load_roads(
    osm: Option<&std::path::Path>,
    policy: Option<&std::path::Path>,
    classes: &ClassesArg,
    traffic: &TrafficArg,
) -> Result<Option<Arc<Roads>>, super::BoxError> {
    let Some(osm) = osm else { return Ok(None) };
    let classes = classes.load()?;
    let traffic = traffic.load()?;
    let policy = match policy {
        Some(p) => crate::io::policy::read_policy(p, &classes)?,
        None => crate::zones::Policy::default(),
    };
    let network: &'static _ = Box::leak(Box::new(load_network(osm, &classes)?));
    let (engine, _) =
        crate::matrix::MatrixEngine::new(&network.graph, Some(default_cache(osm).as_path()))?;
    let engine: &'static _ = Box::leak(Box::new(engine));
    warn_unknown_ways(&traffic, &network.graph);
    Ok(Some(Arc::new(Roads::with_traffic(
        network, engine, policy, traffic,
    ))))
}

/// Run `serve` until Ctrl-C or SIGTERM, then finish the requests in flight.
pub fn run(args: Args) -> CliResult {
    if !(args.time_limit.is_finite() && args.time_limit > 0.0) {
        return Err("--time-limit must be a positive number of seconds".into());
    }
    let roads = load_roads(
        args.osm.as_deref(),
        args.policy.as_deref(),
        &args.classes,
        &args.traffic,
    )?;
    let tokens = args.tokens.as_deref().map(Tokens::read).transpose()?;
    let defaults = Config::default();
    let workers = args.workers.map_or(defaults.workers, |w| w.max(1));
    let mut config = Config {
        body_limit: args.body_limit,
        queue: args.queue,
        workers,
        ..defaults
    };
    config.limits = Limits {
        max_locations: args.max_locations,
        max_vehicles: args.max_vehicles,
        time_limit: std::time::Duration::from_secs_f64(args.time_limit),
        max_threads: config.workers,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.addr).await?;
        eprintln!(
            "cityfreight serving on http://{} ({} workers, queue {}, {}{})",
            listener.local_addr()?,
            config.workers,
            config.queue,
            if roads.is_some() {
                "extract loaded"
            } else {
                "matrices only"
            },
            match &tokens {
                Some(t) => format!(", {} tokens", t.len()),
                None => ", no authentication".to_string(),
            }
        );
        let mut state = AppState::new(config, roads, tokens);
        if let (Some(data), Some(osm)) = (&args.data, &args.osm) {
            let store = crate::service::jobs::JobStore::open(data)?;
            let absolute =
                |p: &std::path::Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
            state = state.with_jobs(store, absolute(osm), args.policy.as_deref().map(absolute));
        }
        let state = Arc::new(state);
        crate::service::serve(listener, state, shutdown_signal()).await?;
        eprintln!("cityfreight: shut down");
        Ok::<(), super::BoxError>(())
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
