//! `cityfreight graph info`: what an extract holds for each vehicle class.

use super::common::{load_network, require_class, week_clock, ClassesArg};
use super::CliResult;
use crate::graph::ClassId;
use crate::osm::access::ClassAccess;
use std::path::PathBuf;

/// `graph` subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum GraphCommand {
    /// Import an extract and report nodes, edges, and per class the reachable share, dropped
    /// components and restriction counts.
    Info(InfoArgs),
}

/// Arguments of `graph info`.
#[derive(clap::Args, Debug)]
pub struct InfoArgs {
    /// OpenStreetMap extract (.osm.pbf).
    #[arg(long, value_name = "FILE")]
    osm: PathBuf,
    /// Report only this vehicle class.
    #[arg(long, value_name = "CLASS")]
    class: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    classes: ClassesArg,
}

/// Run a `graph` subcommand.
pub fn run(command: GraphCommand) -> CliResult {
    match command {
        GraphCommand::Info(args) => info(args),
    }
}

fn info(args: InfoArgs) -> CliResult {
    let classes = args.classes.load()?;
    if let Some(c) = &args.class {
        require_class(&classes, c)?;
    }
    let started = std::time::Instant::now();
    let network = load_network(&args.osm, &classes)?;
    let elapsed = started.elapsed().as_secs_f64();
    let g = &network.graph;
    let s = g.stats();
    let r = &s.restrictions;
    let mut per_class = Vec::new();
    for (i, comp) in g.components().iter().enumerate() {
        if args.class.as_ref().is_some_and(|c| c != &comp.class) {
            continue;
        }
        let class = ClassId(i as u8);
        let (mut never, mut sometimes) = (0u64, 0u64);
        for road in 0..g.road_count() as u32 {
            match g.road_access(road, class) {
                ClassAccess::Never => never += 1,
                ClassAccess::During(_) => sometimes += 1,
                ClassAccess::Always => {}
            }
        }
        let size_limited = (0..g.road_count() as u32)
            .filter(|&road| {
                g.road_access(road, class).ever_open() && !road_has_static_access(g, road, class)
            })
            .count();
        per_class.push(serde_json::json!({
            "class": comp.class,
            "reachable_share": (comp.reachable_share() * 10_000.0).round() / 10_000.0,
            "usable_nodes": comp.usable_nodes,
            "kept_nodes": comp.kept_nodes,
            "kept_edges": comp.kept_edges,
            "dropped_components": comp.dropped_components,
            "dropped_nodes": comp.dropped_nodes,
            "restrictions": {
                "turn_restrictions": r.applied_per_class.get(i).copied().unwrap_or(0),
                "roads_closed_by_tags": never,
                "roads_with_time_rules": sometimes,
                "roads_closed_by_limits_or_direction_or_component": size_limited,
            },
        }));
    }
    let value = serde_json::json!({
        "file": args.osm.display().to_string(),
        "bytes": network.read_stats.bytes,
        "nodes": g.node_count(),
        "edges": g.edge_count(),
        "roads": g.road_count(),
        "intersections": s.intersections,
        "road_length_km": (s.road_length_m as f64 / 100.0).round() / 10.0,
        "osm": {
            "nodes": network.read_stats.nodes, "ways": network.read_stats.ways, "relations": network.read_stats.relations,
            "road_ways": network.read_stats.road_ways, "ways_with_access_tags": network.read_stats.ways_with_access_tags,
            "ways_with_conditional_rules": network.read_stats.ways_with_conditional, "ways_with_limits": network.read_stats.ways_with_limits,
        },
        "turn_restrictions": {
            "read": r.read, "applied": r.applied, "via_way_not_applied": r.via_way, "unmatched": r.unmatched,
            "unreadable": r.unreadable, "turn_copies": r.turn_copies,
        },
        "rule_boundaries": g.rule_boundaries().iter().map(|&b| week_clock(b)).collect::<Vec<_>>(),
        "classes": per_class,
        "skipped_tags": s.skipped.len(),
        "skipped_examples": s.skipped.iter().take(20).collect::<Vec<_>>(),
        "missing_node_refs": s.missing_node_refs,
        "import_s": (elapsed * 1000.0).round() / 1000.0,
    });
    if args.json {
        println!("{}", serde_json::to_string_pretty(&value)?);
        return Ok(());
    }
    println!(
        "{}: {} nodes, {} edges, {} roads ({:.1} km), imported in {:.2} s",
        args.osm.display(),
        g.node_count(),
        g.edge_count(),
        g.road_count(),
        s.road_length_m as f64 / 1000.0,
        elapsed
    );
    println!(
        "turn restrictions: {} read, {} applied, {} via-way (not applied), {} unmatched, {} unreadable; {} turn copies",
        r.read, r.applied, r.via_way, r.unmatched, r.unreadable, r.turn_copies
    );
    if !g.rule_boundaries().is_empty() {
        println!(
            "conditional rules switch at: {}",
            g.rule_boundaries()
                .iter()
                .map(|&b| week_clock(b))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    println!(
        "{:<22} {:>10} {:>10} {:>10} {:>9} {:>9} {:>8} {:>8}",
        "class", "reachable", "nodes", "edges", "dropped", "(nodes)", "closed", "timed"
    );
    for c in value["classes"].as_array().into_iter().flatten() {
        println!(
            "{:<22} {:>9.1}% {:>10} {:>10} {:>9} {:>9} {:>8} {:>8}",
            c["class"].as_str().unwrap_or(""),
            c["reachable_share"].as_f64().unwrap_or(0.0) * 100.0,
            c["kept_nodes"].as_u64().unwrap_or(0),
            c["kept_edges"].as_u64().unwrap_or(0),
            c["dropped_components"].as_u64().unwrap_or(0),
            c["dropped_nodes"].as_u64().unwrap_or(0),
            c["restrictions"]["roads_closed_by_tags"]
                .as_u64()
                .unwrap_or(0),
            c["restrictions"]["roads_with_time_rules"]
                .as_u64()
                .unwrap_or(0),
        );
    }
    if !s.skipped.is_empty() {
        println!(
            "{} tags or relations could not be used (see --json for examples)",
            s.skipped.len()
        );
    }
    Ok(())
}

fn road_has_static_access(g: &crate::graph::RoadGraph, road: u32, class: ClassId) -> bool {
    [crate::graph::Dir::Forward, crate::graph::Dir::Backward]
        .iter()
        .any(|&d| {
            g.road_dir_edges(road, d)
                .iter()
                .any(|&e| g.usable(e as usize, class))
        })
}
