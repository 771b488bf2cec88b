//! Test support: write small OSM PBF fixtures from plain lists, and a plain Dijkstra oracle.
#![allow(dead_code)]

mod cch;
#[allow(unused_imports)]
pub use cch::*;
mod solver;
#[allow(unused_imports)]
pub use solver::*;

use cityfreight::graph::{ClassId, Dir, RoadGraph, Snap};
use cityfreight::time::WeekTime;
use osmpbfreader::fileformat::{Blob, BlobHeader};
use osmpbfreader::osmformat::{
    self, relation::MemberType, HeaderBlock, PrimitiveBlock, PrimitiveGroup, StringTable,
};
use protobuf::{EnumOrUnknown, Message};
use std::path::{Path, PathBuf};

/// Run the `cityfreight` binary with `args` (from the crate root, where cargo runs tests):
/// exit code (-1 when killed), stdout, stderr.
pub fn cityfreight(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cityfreight"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Tags as written in the fixture.
pub type Tags = Vec<(&'static str, &'static str)>;
/// A relation member: kind (`'n'` node, `'w'` way), id, role.
pub type Member = (char, i64, &'static str);

/// A fixture map: nodes `(id, lon, lat)`, ways `(id, node ids, tags)`, relations
/// `(id, members, tags)`.
#[derive(Default)]
pub struct Fixture {
    pub nodes: Vec<(i64, f64, f64)>,
    pub ways: Vec<(i64, Vec<i64>, Tags)>,
    pub relations: Vec<(i64, Vec<Member>, Tags)>,
}

struct Strings(Vec<String>);

impl Strings {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(i) = self.0.iter().position(|x| x == s) {
            return i as u32;
        }
        self.0.push(s.to_string());
        (self.0.len() - 1) as u32
    }
}

fn blob(kind: &str, payload: Vec<u8>) -> Vec<u8> {
    let mut blob = Blob::new();
    blob.raw_size = Some(payload.len() as i32);
    blob.raw = Some(payload);
    let blob_bytes = blob.write_to_bytes().unwrap();
    let mut header = BlobHeader::new();
    header.type_ = Some(kind.to_string());
    header.datasize = Some(blob_bytes.len() as i32);
    let header_bytes = header.write_to_bytes().unwrap();
    let mut out = (header_bytes.len() as u32).to_be_bytes().to_vec();
    out.extend(header_bytes);
    out.extend(blob_bytes);
    out
}

impl Fixture {
    /// PBF bytes (uncompressed blobs, plain nodes).
    pub fn to_pbf(&self) -> Vec<u8> {
        let mut header = HeaderBlock::new();
        header.required_features = vec!["OsmSchema-V0.6".into()];
        let mut out = blob("OSMHeader", header.write_to_bytes().unwrap());
        let mut strings = Strings(vec![String::new()]);
        let mut group = PrimitiveGroup::new();
        for &(id, lon, lat) in &self.nodes {
            let mut n = osmformat::Node::new();
            n.id = Some(id);
            n.lat = Some((lat * 1e7).round() as i64);
            n.lon = Some((lon * 1e7).round() as i64);
            group.nodes.push(n);
        }
        for (id, refs, tags) in &self.ways {
            let mut w = osmformat::Way::new();
            w.id = Some(*id);
            let mut prev = 0;
            for &r in refs {
                w.refs.push(r - prev);
                prev = r;
            }
            for (k, v) in tags {
                w.keys.push(strings.id(k));
                w.vals.push(strings.id(v));
            }
            group.ways.push(w);
        }
        for (id, members, tags) in &self.relations {
            let mut r = osmformat::Relation::new();
            r.id = Some(*id);
            let mut prev = 0;
            for &(kind, m, role) in members {
                r.memids.push(m - prev);
                prev = m;
                r.roles_sid.push(strings.id(role) as i32);
                r.types.push(EnumOrUnknown::new(if kind == 'n' {
                    MemberType::NODE
                } else {
                    MemberType::WAY
                }));
            }
            for (k, v) in tags {
                r.keys.push(strings.id(k));
                r.vals.push(strings.id(v));
            }
            group.relations.push(r);
        }
        let mut block = PrimitiveBlock::new();
        let mut table = StringTable::new();
        table.s = strings.0.into_iter().map(String::into_bytes).collect();
        block.stringtable = protobuf::MessageField::some(table);
        block.granularity = Some(100);
        block.primitivegroup.push(group);
        out.extend(blob("OSMData", block.write_to_bytes().unwrap()));
        out
    }

    /// Write to a file in a fresh temporary folder (kept alive by the returned guard).
    pub fn write(&self, name: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, self.to_pbf()).unwrap();
        (dir, path)
    }
}

/// A bundled extract.
pub fn extract(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/osm")
        .join(name)
}

/// Plain O(n²) Dijkstra on the graph, written from the graph's public accessors only (not from
/// `routing`): lexicographic (time, distance) from a snapped start to a snapped end at `t`.
/// Returns `None` when unreachable.
pub fn route_oracle(
    graph: &RoadGraph,
    class: ClassId,
    t: WeekTime,
    from: &Snap,
    to: &Snap,
) -> Option<(u64, u64)> {
    let n = graph.node_count();
    let weight = |e: usize| -> Option<(u64, u64)> {
        graph.open_at(e, class, t).then(|| {
            (
                u64::from(graph.duration_ms(e, class)),
                u64::from(graph.length_cm(e)),
            )
        })
    };
    let portion = |w: u64, f: f64| (w as f64 * f.clamp(0.0, 1.0)).round() as u64;
    let mut cost: Vec<Option<(u64, u64)>> = vec![None; n];
    let relax = |cost: &mut Vec<Option<(u64, u64)>>, v: usize, c: (u64, u64)| {
        if cost[v].is_none_or(|old| c < old) {
            cost[v] = Some(c);
        }
    };
    let mut best: Option<(u64, u64)> = None;
    for dir in [Dir::Forward, Dir::Backward] {
        let rest = if dir == Dir::Forward {
            1.0 - from.fraction
        } else {
            from.fraction
        };
        for &e in graph.road_dir_edges(from.road, dir) {
            if let Some((t_ms, d_cm)) = weight(e as usize) {
                relax(
                    &mut cost,
                    graph.head(e as usize) as usize,
                    (portion(t_ms, rest), portion(d_cm, rest)),
                );
            }
        }
        // Both on one road, target ahead.
        if from.road == to.road {
            let ahead = if dir == Dir::Forward {
                to.fraction - from.fraction
            } else {
                from.fraction - to.fraction
            };
            if ahead >= 0.0 {
                if let Some(&e) = graph
                    .road_dir_edges(from.road, dir)
                    .iter()
                    .find(|&&e| weight(e as usize).is_some())
                {
                    let (t_ms, d_cm) = weight(e as usize).unwrap();
                    let c = (portion(t_ms, ahead), portion(d_cm, ahead));
                    best = Some(best.map_or(c, |b| b.min(c)));
                }
            }
        }
    }
    let mut done = vec![false; n];
    loop {
        let next = (0..n)
            .filter(|&v| !done[v] && cost[v].is_some())
            .min_by_key(|&v| cost[v]);
        let Some(v) = next else { break };
        done[v] = true;
        let cv = cost[v].unwrap();
        for e in graph.out_edges(v as u32) {
            if let Some((t_ms, d_cm)) = weight(e) {
                relax(
                    &mut cost,
                    graph.head(e) as usize,
                    (cv.0 + t_ms, cv.1 + d_cm),
                );
            }
        }
    }
    for dir in [Dir::Forward, Dir::Backward] {
        let before = if dir == Dir::Forward {
            to.fraction
        } else {
            1.0 - to.fraction
        };
        for &e in graph.road_dir_edges(to.road, dir) {
            if let (Some((t_ms, d_cm)), Some(c)) =
                (weight(e as usize), cost[graph.tail(e as usize) as usize])
            {
                let total = (c.0 + portion(t_ms, before), c.1 + portion(d_cm, before));
                best = Some(best.map_or(total, |b| b.min(total)));
            }
        }
    }
    best
}

/// Copy the demo scenario's data files (not `scenario.toml` itself) into `dir`, so a test can
/// write a changed scenario beside them.
pub fn copy_demo_data(dir: &std::path::Path) {
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/scenarios/chengdu-core");
    for f in [
        "policy.toml",
        "core.geojson",
        "orders-sf.csv",
        "orders-jd.csv",
        "orders-yto.csv",
        "bays.csv",
        "chargers.csv",
    ] {
        std::fs::copy(demo.join(f), dir.join(f)).unwrap();
    }
}

/// The bundled demo scenario (`data/scenarios/chengdu-core`).
pub fn demo_scenario() -> cityfreight::scenario::Scenario {
    cityfreight::io::scenario::read_scenario(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("data/scenarios/chengdu-core/scenario.toml"),
    )
    .unwrap()
}

/// Plan `s` on its own extract, each carrier alone.
pub fn plan_scenario(s: &cityfreight::scenario::Scenario) -> cityfreight::plan::Plan {
    let net = cityfreight::network::Network::load(&s.osm, &s.classes, &|_, _, _| {}).unwrap();
    let (engine, _) = cityfreight::matrix::MatrixEngine::new(&net.graph, None).unwrap();
    cityfreight::plan::plan(s, &net, &engine, &|_| {}).unwrap()
}
