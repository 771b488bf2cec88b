//! `cityfreight matrix`: travel times and distances between many points for one class and hour band.

use super::common::{
    default_cache, load_network, parse_week_time, require_class, warn_unknown_ways, ClassesArg,
    PolicyArg, TrafficArg,
};
use super::CliResult;
use crate::graph::snap::DEFAULT_MAX_SNAP_M;
use crate::io::matrix_out::{write_matrix, Format};
use crate::io::points::read_points_in;
use crate::matrix::{CacheOutcome, Conditions, MatrixEngine};
use crate::time::WeekTime;
use crate::vehicle::DEFAULT_CLASS;
use crate::zones::ZoneTags;
use std::path::PathBuf;
use std::time::Instant;

/// Arguments of `matrix`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// OpenStreetMap extract (.osm.pbf).
    #[arg(long, value_name = "FILE")]
    osm: PathBuf,
    /// Points CSV with a header `id,lon,lat`.
    #[arg(long, value_name = "FILE")]
    points: PathBuf,
    /// Coordinate system of the points: wgs84 (OSM, GPS), gcj02 (Amap, Tencent) or bd09 (Baidu);
    /// converted to WGS84 before snapping.
    #[arg(long, value_name = "CRS", default_value = "wgs84")]
    crs: crate::io::crs::Crs,
    /// Vehicle class (see `cityfreight classes`).
    #[arg(long, value_name = "CLASS", default_value = DEFAULT_CLASS)]
    class: String,
    /// Departure, `HH:MM` (Monday) or `Tu 08:30`: selects the hour band whose rules and
    /// congestion apply; an entry whose vehicle arrives sooner by waiting for a later band
    /// (as plans do) counts that wait in its duration.
    #[arg(long, value_name = "TIME", value_parser = parse_week_time, default_value = "Mo 10:00")]
    at: WeekTime,
    /// Output file: `.csv`, `.json` or `.bin` (format by extension).
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    out: PathBuf,
    /// Contraction-hierarchy cache file (default: next to the extract, `FILE.cch`).
    #[arg(long, value_name = "FILE", conflicts_with = "no_cache")]
    cache: Option<PathBuf>,
    /// Do not read or write a cache.
    #[arg(long)]
    no_cache: bool,
    /// Largest distance (m) from a point to its road.
    #[arg(long, value_name = "M", default_value_t = DEFAULT_MAX_SNAP_M)]
    max_snap: f64,
    #[command(flatten)]
    classes: ClassesArg,
    #[command(flatten)]
    policy: PolicyArg,
    #[command(flatten)]
    traffic: TrafficArg,
}

/// Run `matrix`.
pub fn run(args: Args) -> CliResult {
    Format::of(&args.out)?;
    let points = read_points_in(&args.points, args.crs)?;
    let classes = args.classes.load()?;
    require_class(&classes, &args.class)?;
    let (policy, permit) = args.policy.load(&classes)?;
    let traffic = args.traffic.load()?;
    let started = Instant::now();
    let network = load_network(&args.osm, &classes)?;
    let graph = &network.graph;
    let class = network.class(&args.class)?;
    let loaded = started.elapsed().as_secs_f64();

    let mut snaps = Vec::with_capacity(points.len());
    let mut unsnapped = Vec::new();
    for p in &points {
        match network
            .snap_index
            .snap(graph, p.lon_lat, class, args.max_snap)
        {
            Ok(s) => snaps.push(Some(s)),
            Err(e) => {
                unsnapped.push((p.id.clone(), e.to_string()));
                snaps.push(None);
            }
        }
    }
    for (id, why) in &unsnapped {
        eprintln!(
            "warning: point `{id}` in {}: {why}; its row and column are unreachable",
            args.points.display()
        );
    }

    let t = Instant::now();
    let cache = if args.no_cache {
        None
    } else {
        Some(
            args.cache
                .clone()
                .unwrap_or_else(|| default_cache(&args.osm)),
        )
    };
    let (engine, outcome) = MatrixEngine::new(graph, cache.as_deref())?;
    let prepared = t.elapsed().as_secs_f64();
    warn_unknown_ways(&traffic, graph);
    let tags = ZoneTags::new(graph, &policy);
    let conditions = Conditions {
        policy: &policy,
        tags: &tags,
        permit,
        traffic: &traffic,
    };
    let bands = conditions.bands(graph, class);
    let band = *bands.band_at(args.at);
    // The band's matrix, each entry improved where waiting for a later band arrives sooner (the
    // plans' rule); the phases are timed over every band computed.
    let (mut customize_s, mut matrix_s) = (0.0, 0.0);
    let (matrix, waits) = Conditions::earliest_matrix(&bands, args.at, |moment| {
        let t = Instant::now();
        let metric = conditions.metric(graph, class, moment);
        let customized = engine.customize(&metric)?;
        customize_s += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let m = engine.matrix(graph, &metric, &customized, &snaps);
        matrix_s += t.elapsed().as_secs_f64();
        Ok::<_, crate::matrix::Error>(m)
    })?;
    let ids: Vec<String> = points.iter().map(|p| p.id.clone()).collect();
    let t = Instant::now();
    write_matrix(&args.out, &ids, &matrix, &unsnapped)?;
    let write_s = t.elapsed().as_secs_f64();

    let cache_note = match &outcome {
        CacheOutcome::Loaded(p) => format!("read cache {}", p.display()),
        CacheOutcome::Saved(p) => format!("built, saved cache {}", p.display()),
        CacheOutcome::NotSaved(p, why) => {
            format!("built; could not save cache {} ({why})", p.display())
        }
        CacheOutcome::Disabled => "built (no cache)".to_string(),
    };
    eprintln!(
        "{n}x{n} matrix for {class} at {at} in band {span} ({metrics} distinct metric(s) this week, {traffic}): {reach} of {total} pairs reachable, {waits} improved by waiting for a later band, {uns} unsnapped point(s)",
        at = args.at,
        traffic = traffic.source,
        n = points.len(),
        class = args.class,
        span = if band.start == 0 && band.end == crate::time::WEEK {
            "all week".to_string()
        } else {
            format!("{} - {}", WeekTime::from_seconds(band.start), WeekTime::from_seconds(band.end))
        },
        metrics = bands.metrics.len(),
        reach = matrix.reachable_count(),
        total = points.len() * points.len(),
        uns = unsnapped.len(),
    );
    eprintln!(
        "timings: load {loaded:.2} s, hierarchy {prepared:.2} s ({cache_note}), customize {:.0} ms, matrix {:.0} ms, write {:.2} s -> {}",
        customize_s * 1000.0,
        matrix_s * 1000.0,
        write_s,
        args.out.display()
    );
    Ok(())
}
