//! From an OSM extract and a set of vehicle classes to a [`RoadGraph`].
//!
//! Steps: cut ways into roads at intersections; per road and class decide static access (tags,
//! road class, size limits, `motorroad`) and duration (`maxspeed`, `maxspeed:hgv`, road default,
//! class speed cap); add directed edges per one-way rules; apply turn restrictions by splitting
//! via nodes; lay the edges out as CSR; keep each class's largest strongly connected component.
//! Everything is deterministic: ways in file order, nodes in OSM-id order.

use super::components::largest_components;
use super::{Road, RoadGraph, WayInfo};
use crate::geometry::{haversine_m, LocalProjection};
use crate::osm::access::ClassAccess;
use crate::osm::restriction::{TurnKind, Via};
use crate::osm::tags::{Oneway, RoadClass};
use crate::osm::OsmExtract;
use crate::vehicle::{Category, VehicleClass, MAX_CLASSES};
use std::collections::HashMap;

/// What the build did with turn restrictions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RestrictionStats {
    /// Restrictions in the extract (usable ones).
    pub read: u64,
    /// Applied to the graph.
    pub applied: u64,
    /// Via-way restrictions (kept, not applied).
    pub via_way: u64,
    /// Restrictions whose ways or via node are not in the graph (clipped extract, non-road ways).
    pub unmatched: u64,
    /// Restrictions skipped while reading (bad values, conditional), see the read stats.
    pub unreadable: u64,
    /// Turn copies of via nodes added.
    pub turn_copies: u64,
    /// Applied restrictions binding each class (in class order).
    pub applied_per_class: Vec<u64>,
}

/// Counts from the build.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BuildStats {
    /// Intersections (before turn copies).
    pub intersections: u64,
    /// Roads.
    pub roads: u64,
    /// Way pieces dropped because their nodes are missing from the extract.
    pub missing_node_refs: u64,
    /// Turn restrictions.
    pub restrictions: RestrictionStats,
    /// Tags and relations that could not be used (from reading).
    pub skipped: Vec<String>,
    /// Total length of all roads (m).
    pub road_length_m: u64,
}

/// Why a graph could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// More classes than edge masks hold.
    #[error("{0} vehicle classes given; at most {MAX_CLASSES} are supported")]
    TooManyClasses(usize),
    /// No class may use any road.
    #[error("{path}: no road in the extract is usable by any vehicle class")]
    NothingUsable {
        /// The extract.
        path: String,
    },
}

/// Build the road graph of `extract` for `classes`.
pub fn build_graph(
    extract: &OsmExtract,
    classes: &[VehicleClass],
) -> Result<RoadGraph, BuildError> {
    if classes.len() > MAX_CLASSES || classes.is_empty() {
        return Err(BuildError::TooManyClasses(classes.len()));
    }
    let nc = classes.len();
    let mut stats = BuildStats::default();
    let table = &extract.nodes;

    // 1. Which OSM nodes are graph nodes: way ends, nodes used more than once, and the ends of
    //    runs cut by missing nodes. Counted per position in the node table.
    let index_of = |id: i64| table.position(id);
    let mut uses = vec![0u8; table.len()];
    for way in &extract.ways {
        let positions: Vec<Option<usize>> = way.nodes.iter().map(|&n| index_of(n)).collect();
        for (i, p) in positions.iter().enumerate() {
            let Some(p) = *p else { continue };
            let is_end = i == 0
                || i + 1 == positions.len()
                || positions[i - 1].is_none()
                || positions[i + 1].is_none();
            uses[p] = uses[p].saturating_add(if is_end { 2 } else { 1 });
        }
    }
    let mut node_of = vec![u32::MAX; table.len()];
    let mut coords = Vec::new();
    let mut osm_node = Vec::new();
    for (p, &u) in uses.iter().enumerate() {
        if u >= 2 {
            node_of[p] = coords.len() as u32;
            let (id, coord) = table.entry(p);
            coords.push(coord);
            osm_node.push(id);
        }
    }
    stats.intersections = coords.len() as u64;

    // 2. Cut ways into roads; per road and class, static access and duration.
    let mut roads = Vec::new();
    let mut geometry_start = vec![0u32];
    let mut geometry: Vec<[f64; 2]> = Vec::new();
    let mut duration_ms = Vec::new();
    let mut ways = Vec::with_capacity(extract.ways.len());
    let mut edges: Vec<Edge> = Vec::new();
    let mut compiled: HashMap<(u32, RoadClass), u32> = HashMap::new();
    let mut access_table: Vec<ClassAccess> = Vec::new();
    for (way_index, way) in extract.ways.iter().enumerate() {
        ways.push(WayInfo {
            osm_id: way.id,
            road_class: way.road,
            name: way.name.clone(),
        });
        // Access depends on the rules and (for defaults) the road class: compile each pair once.
        let next = (access_table.len() / nc) as u32;
        let access = *compiled.entry((way.access, way.road)).or_insert_with(|| {
            let rules = &extract.access_rules[way.access as usize];
            access_table.extend(classes.iter().map(|c| rules.for_class(c, way.road)));
            next
        });
        let static_mask = static_mask(
            way,
            classes,
            &access_table[access as usize * nc..(access as usize + 1) * nc],
        );
        let mut piece: Vec<[f64; 2]> = Vec::new();
        let mut piece_start: Option<u32> = None;
        for &id in &way.nodes {
            let Some(p) = index_of(id) else {
                if piece_start.is_some() {
                    stats.missing_node_refs += 1;
                }
                piece.clear();
                piece_start = None;
                continue;
            };
            let (_, coord) = table.entry(p);
            piece.push(coord);
            let node = node_of[p];
            if node == u32::MAX {
                continue;
            }
            if let Some(from) = piece_start {
                let road = roads.len() as u32;
                let length_m: f64 = piece.windows(2).map(|w| haversine_m(w[0], w[1])).sum();
                let length_cm = (length_m * 100.0).round().min(f64::from(u32::MAX - 1)) as u32;
                stats.road_length_m += length_m as u64;
                roads.push(Road {
                    way: way_index as u32,
                    from,
                    to: node,
                    length_cm,
                    access,
                });
                geometry.extend_from_slice(&piece);
                geometry_start.push(geometry.len() as u32);
                for class in classes {
                    duration_ms.push(duration(length_m, way, class));
                }
                let (fwd, bwd) = match way.oneway {
                    Oneway::No => (true, true),
                    Oneway::Forward => (true, false),
                    Oneway::Backward => (false, true),
                    Oneway::Closed => (false, false),
                };
                if fwd && static_mask != 0 {
                    edges.push(Edge {
                        tail: from,
                        head: node,
                        road_dir: road << 1,
                        mask: static_mask,
                    });
                }
                if bwd && static_mask != 0 {
                    edges.push(Edge {
                        tail: node,
                        head: from,
                        road_dir: road << 1 | 1,
                        mask: static_mask,
                    });
                }
            }
            piece.clear();
            piece.push(coord);
            piece_start = Some(node);
        }
    }
    stats.roads = roads.len() as u64;
    if edges.is_empty() {
        return Err(BuildError::NothingUsable {
            path: extract.path.display().to_string(),
        });
    }

    // 3. Turn restrictions by splitting via nodes.
    let mut original: Vec<u32> = (0..coords.len() as u32).collect();
    stats.restrictions = apply_restrictions(
        extract,
        classes,
        &node_of,
        &roads,
        &mut edges,
        &mut coords,
        &mut osm_node,
        &mut original,
    );

    // 4. CSR by tail (stable: keeps build order within a node).
    let n = coords.len();
    let mut first_out = vec![0u32; n + 1];
    for e in &edges {
        first_out[e.tail as usize + 1] += 1;
    }
    for v in 0..n {
        first_out[v + 1] += first_out[v];
    }
    let mut slot = first_out.clone();
    let mut order = vec![0usize; edges.len()];
    for (i, e) in edges.iter().enumerate() {
        order[slot[e.tail as usize] as usize] = i;
        slot[e.tail as usize] += 1;
    }
    let head: Vec<u32> = order.iter().map(|&i| edges[i].head).collect();
    let edge_road: Vec<u32> = order.iter().map(|&i| edges[i].road_dir).collect();
    let mut edge_mask: Vec<u32> = order.iter().map(|&i| edges[i].mask).collect();

    // 5. Largest strongly connected component per class.
    let components = largest_components(&first_out, &head, &mut edge_mask, classes);

    // 6. Edges per road direction.
    let mut road_edge_start = vec![0u32; roads.len() * 2 + 1];
    for &rd in &edge_road {
        road_edge_start[rd as usize + 1] += 1;
    }
    for i in 0..roads.len() * 2 {
        road_edge_start[i + 1] += road_edge_start[i];
    }
    let mut fill = road_edge_start.clone();
    let mut road_edges = vec![0u32; edge_road.len()];
    for (e, &rd) in edge_road.iter().enumerate() {
        road_edges[fill[rd as usize] as usize] = e as u32;
        fill[rd as usize] += 1;
    }

    let projection = LocalProjection::centred_on(centre(&coords));
    let mut rule_boundaries: Vec<u32> = extract
        .access_rules
        .iter()
        .flat_map(|r| r.boundaries())
        .collect();
    rule_boundaries.sort_unstable();
    rule_boundaries.dedup();
    stats.skipped = extract.stats.skipped.clone();
    stats.restrictions.unreadable = extract
        .stats
        .skipped
        .iter()
        .filter(|s| s.starts_with("relation"))
        .count() as u64;
    Ok(RoadGraph {
        classes: classes.to_vec(),
        coords,
        osm_node,
        original,
        first_out,
        head,
        edge_road,
        edge_mask,
        road_edge_start,
        road_edges,
        roads,
        geometry_start,
        geometry,
        duration_ms,
        class_access: access_table,
        ways,
        projection,
        components,
        stats,
        rule_boundaries,
    })
}

#[derive(Clone, Copy, Debug)]
struct Edge {
    tail: u32,
    head: u32,
    road_dir: u32,
    mask: u32,
}

fn centre(coords: &[[f64; 2]]) -> [f64; 2] {
    let (mut min, mut max) = ([f64::MAX; 2], [f64::MIN; 2]);
    for c in coords {
        for k in 0..2 {
            min[k] = min[k].min(c[k]);
            max[k] = max[k].max(c[k]);
        }
    }
    [(min[0] + max[0]) / 2.0, (min[1] + max[1]) / 2.0]
}

/// Classes that may use the way at some time, ignoring direction and turns.
fn static_mask(way: &crate::osm::OsmWay, classes: &[VehicleClass], access: &[ClassAccess]) -> u32 {
    let mut mask = 0u32;
    for (c, class) in classes.iter().enumerate() {
        let fits = way.maxweight_kg.is_none_or(|w| class.gross_weight_kg <= w)
            && way.maxheight_mm.is_none_or(|h| class.height_mm <= h)
            && way.maxlength_mm.is_none_or(|l| class.length_mm <= l)
            && way.maxwidth_mm.is_none_or(|w| class.width_mm <= w);
        let motorroad_ok = !(way.motorroad && class.category == Category::ETricycle);
        if fits && motorroad_ok && access[c].ever_open() {
            mask |= 1 << c;
        }
    }
    mask
}

/// Free-flow duration (ms) of `length_m` on `way` for `class`.
fn duration(length_m: f64, way: &crate::osm::OsmWay, class: &VehicleClass) -> u32 {
    let posted = if class.is_hgv() {
        way.maxspeed_hgv_kmh.or(way.maxspeed_kmh)
    } else {
        way.maxspeed_kmh
    };
    let speed_kmh = posted
        .unwrap_or_else(|| way.road.default_speed_kmh())
        .min(f64::from(class.speed_cap_kmh))
        .max(1.0);
    (length_m / (speed_kmh / 3.6) * 1000.0)
        .round()
        .min(f64::from(u32::MAX - 1)) as u32
}

/// Split via nodes so that banned turns become missing edges (per class).
#[allow(clippy::too_many_arguments)]
fn apply_restrictions(
    extract: &OsmExtract,
    classes: &[VehicleClass],
    node_of: &[u32],
    roads: &[Road],
    edges: &mut Vec<Edge>,
    coords: &mut Vec<[f64; 2]>,
    osm_node: &mut Vec<i64>,
    original: &mut Vec<u32>,
) -> RestrictionStats {
    let mut stats = RestrictionStats {
        read: extract.restrictions.len() as u64,
        applied_per_class: vec![0; classes.len()],
        ..RestrictionStats::default()
    };
    let way_id = |road_dir: u32| extract.ways[roads[(road_dir >> 1) as usize].way as usize].id;
    // Edges into and out of each via node.
    let mut via_nodes: HashMap<u32, (Vec<usize>, Vec<usize>)> = HashMap::new();
    let mut wanted = Vec::new();
    for r in &extract.restrictions {
        match r.via {
            Via::Node(id) => match extract
                .nodes
                .position(id)
                .map(|p| node_of[p])
                .filter(|&v| v != u32::MAX)
            {
                Some(v) => {
                    via_nodes.entry(v).or_default();
                    wanted.push((r, v));
                }
                None => stats.unmatched += 1,
            },
            Via::Ways(_) => stats.via_way += 1,
        }
    }
    for (i, e) in edges.iter().enumerate() {
        if let Some(entry) = via_nodes.get_mut(&e.head) {
            entry.0.push(i);
        }
        if let Some(entry) = via_nodes.get_mut(&e.tail) {
            entry.1.push(i);
        }
    }
    // Banned (incoming road direction, outgoing road direction) pairs per class mask.
    let mut bans: HashMap<(u32, u32), Vec<(u32, u32)>> = HashMap::new(); // (via, in road_dir) -> [(out road_dir, mask)]
    let mut ban_keys: Vec<(u32, u32)> = Vec::new();
    for (r, v) in wanted {
        let mask: u32 = classes
            .iter()
            .enumerate()
            .filter(|(_, c)| r.applies_to(c))
            .map(|(i, _)| 1u32 << i)
            .sum();
        let (ins, outs) = &via_nodes[&v];
        let from: Vec<u32> = ins
            .iter()
            .map(|&i| edges[i].road_dir)
            .filter(|&rd| way_id(rd) == r.from_way)
            .collect();
        let to_exists = outs.iter().any(|&i| way_id(edges[i].road_dir) == r.to_way);
        if from.is_empty() || !to_exists {
            stats.unmatched += 1;
            continue;
        }
        stats.applied += 1;
        for (c, count) in stats.applied_per_class.iter_mut().enumerate() {
            *count += u64::from(mask >> c & 1);
        }
        if mask == 0 {
            continue;
        }
        for in_rd in from {
            let list = bans.entry((v, in_rd)).or_insert_with(|| {
                ban_keys.push((v, in_rd));
                Vec::new()
            });
            for &o in outs {
                let out_rd = edges[o].road_dir;
                let banned = match r.kind {
                    TurnKind::No => way_id(out_rd) == r.to_way,
                    TurnKind::Only => way_id(out_rd) != r.to_way,
                };
                if banned {
                    list.push((out_rd, mask));
                }
            }
        }
    }
    // One copy per (via, incoming road direction); redirect that direction's edges to the copy.
    let mut copy_of: HashMap<(u32, u32), u32> = HashMap::new();
    for &(v, in_rd) in &ban_keys {
        let copy = coords.len() as u32;
        coords.push(coords[v as usize]);
        osm_node.push(osm_node[v as usize]);
        original.push(v);
        copy_of.insert((v, in_rd), copy);
    }
    stats.turn_copies = ban_keys.len() as u64;
    for e in edges.iter_mut() {
        if let Some(&copy) = copy_of.get(&(e.head, e.road_dir)) {
            e.head = copy;
        }
    }
    // The copy's out-edges: the via node's, minus the banned turns.
    let mut added = Vec::new();
    for &(v, in_rd) in &ban_keys {
        let copy = copy_of[&(v, in_rd)];
        let list = &bans[&(v, in_rd)];
        for &o in &via_nodes[&v].1 {
            let out = edges[o];
            let banned: u32 = list
                .iter()
                .filter(|(rd, _)| *rd == out.road_dir)
                .fold(0, |m, (_, mask)| m | mask);
            let mask = out.mask & !banned;
            if mask != 0 {
                added.push(Edge {
                    tail: copy,
                    head: out.head,
                    road_dir: out.road_dir,
                    mask,
                });
            }
        }
    }
    edges.extend(added);
    stats
}
