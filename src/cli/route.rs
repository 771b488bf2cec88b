//! `cityfreight route`: the fastest path for a vehicle class between two coordinates.

use super::common::{
    load_network, parse_lon_lat, parse_week_time, require_class, warn_unknown_ways, ClassesArg,
    PolicyArg, TrafficArg,
};
use super::CliResult;
use crate::graph::snap::DEFAULT_MAX_SNAP_M;
use crate::matrix::Conditions;
use crate::time::WeekTime;
use crate::vehicle::DEFAULT_CLASS;
use crate::zones::ZoneTags;
use std::path::PathBuf;

/// Arguments of `route`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// OpenStreetMap extract (.osm.pbf).
    #[arg(long, value_name = "FILE")]
    osm: PathBuf,
    /// Start, `LON,LAT` in degrees.
    #[arg(long, value_name = "LON,LAT", value_parser = parse_lon_lat, allow_hyphen_values = true)]
    from: [f64; 2],
    /// Destination, `LON,LAT` in degrees.
    #[arg(long, value_name = "LON,LAT", value_parser = parse_lon_lat, allow_hyphen_values = true)]
    to: [f64; 2],
    /// Coordinate system of `--from` and `--to`: wgs84 (OSM, GPS), gcj02 (Amap, Tencent) or
    /// bd09 (Baidu); converted to WGS84 before snapping. Output stays WGS84.
    #[arg(long, value_name = "CRS", default_value = "wgs84")]
    crs: crate::io::crs::Crs,
    /// Vehicle class (see `cityfreight classes`).
    #[arg(long, value_name = "CLASS", default_value = DEFAULT_CLASS)]
    class: String,
    /// Departure, `HH:MM` (Monday) or `Tu 08:30`: conditional rules, zones and congestion in force
    /// then apply (a vehicle may wait for a later, faster hour band, reported as a wait).
    #[arg(long, value_name = "TIME", value_parser = parse_week_time, default_value = "Mo 10:00")]
    at: WeekTime,
    /// Largest distance (m) from a point to its road.
    #[arg(long, value_name = "M", default_value_t = DEFAULT_MAX_SNAP_M)]
    max_snap: f64,
    /// Print JSON (`duration_s`, `distance_m`, `geometry` as a GeoJSON LineString).
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    classes: ClassesArg,
    #[command(flatten)]
    policy: PolicyArg,
    #[command(flatten)]
    traffic: TrafficArg,
}

/// Run `route`.
pub fn run(args: Args) -> CliResult {
    let classes = args.classes.load()?;
    require_class(&classes, &args.class)?;
    let (policy, permit) = args.policy.load(&classes)?;
    let traffic = args.traffic.load()?;
    let network = load_network(&args.osm, &classes)?;
    let g = &network.graph;
    let class = network.class(&args.class)?;
    let from = network
        .snap_index
        .snap(g, args.crs.to_wgs84(args.from), class, args.max_snap)
        .map_err(|e| format!("--from: {e}"))?;
    let to = network
        .snap_index
        .snap(g, args.crs.to_wgs84(args.to), class, args.max_snap)
        .map_err(|e| format!("--to: {e}"))?;
    warn_unknown_ways(&traffic, g);
    let tags = ZoneTags::new(g, &policy);
    let conditions = Conditions {
        policy: &policy,
        tags: &tags,
        permit,
        traffic: &traffic,
    };
    let closed = policy.closed_zones(g.class(class), args.at, permit);
    let closed_zones: Vec<&str> = policy
        .zones
        .iter()
        .enumerate()
        .filter(|(z, _)| closed >> z & 1 == 1)
        .map(|(_, zone)| zone.id.as_str())
        .collect();
    let timed = network
        .route_at(&from, &to, class, args.at, &conditions)
        .map_err(|e| {
            if closed_zones.is_empty() {
                e.to_string()
            } else {
                format!(
                    "{e}; zones closed to `{}` at {}: {}",
                    args.class,
                    args.at,
                    closed_zones.join(", ")
                )
            }
        })?;
    let answer = &timed.answer;
    let r = &answer.route;
    let duration_s = timed.arrival_ms as f64 / 1000.0;
    let wait_s = timed.wait_ms as f64 / 1000.0;
    let distance_m = r.distance_cm as f64 / 100.0;
    if args.json {
        let value = serde_json::json!({
            "duration_s": (duration_s * 1000.0).round() / 1000.0,
            "wait_s": wait_s,
            "drive_s": (r.duration_ms as f64).round() / 1000.0,
            "traffic": traffic.source,
            "distance_m": (distance_m * 100.0).round() / 100.0,
            "geometry": {"type": "LineString", "coordinates": r.geometry.iter().map(|p| [round7(p[0]), round7(p[1])]).collect::<Vec<_>>()},
            "class": args.class,
                        "at": args.at.to_string(),
            "closed_zones": closed_zones,
            "from": {"snapped": [round7(answer.from.point[0]), round7(answer.from.point[1])], "snap_distance_m": (answer.from.distance_m * 10.0).round() / 10.0},
            "to": {"snapped": [round7(answer.to.point[0]), round7(answer.to.point[1])], "snap_distance_m": (answer.to.distance_m * 10.0).round() / 10.0},
        });
        println!("{}", serde_json::to_string(&value)?);
    } else {
        let waiting = if timed.wait_ms > 0 {
            format!(" (waits {wait_s:.0} s for a faster hour band)")
        } else {
            String::new()
        };
        println!(
            "{} at {} ({}): {:.0} s ({:.1} min){waiting}, {:.0} m, {} road segments; start snapped {:.0} m, destination {:.0} m",
            args.class,
            args.at,
            traffic.source,
            duration_s,
            duration_s / 60.0,
            distance_m,
            r.geometry.len().saturating_sub(1),
            answer.from.distance_m,
            answer.to.distance_m
        );
    }
    Ok(())
}

fn round7(x: f64) -> f64 {
    (x * 1e7).round() / 1e7
}
