//! Reading a PBF file: framing, parallel decoding of data blocks, and the way filter.
//!
//! Owns: [`read_pbf`] and the [`OsmExtract`] it returns. Blobs are framed here (not with
//! osmpbfreader's reader, which asserts on a truncated file) and decoded in parallel with rayon;
//! results are merged in file order, so the extract does not depend on thread count. String-table
//! indices are bounds-checked, so a corrupt block is an error, never a panic.

use super::access::{parse_conditional, AccessKey, AccessRules};
use super::restriction::{MemberKind, TurnRestriction};
use super::tags::{self, Oneway, RoadClass};
use super::Error;
use osmpbfreader::fileformat::{Blob, BlobHeader};
use osmpbfreader::osmformat::{relation::MemberType, PrimitiveBlock};
use protobuf::Message;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Largest blob header and blob the PBF specification allows.
const MAX_HEADER: u32 = 64 * 1024;
const MAX_BLOB: i32 = 32 * 1024 * 1024;

/// Node coordinates, sorted by OSM id, in decimicro degrees (10⁻⁷°).
#[derive(Clone, Debug, Default)]
pub struct NodeTable {
    ids: Vec<i64>,
    coords: Vec<[i32; 2]>,
}

impl NodeTable {
    /// Coordinates `[lon, lat]` in degrees of an OSM node, if the extract has it.
    pub fn lon_lat(&self, id: i64) -> Option<[f64; 2]> {
        let i = self.ids.binary_search(&id).ok()?;
        let [lon, lat] = self.coords[i];
        Some([f64::from(lon) * 1e-7, f64::from(lat) * 1e-7])
    }

    /// Position of an OSM node in the table.
    pub fn position(&self, id: i64) -> Option<usize> {
        self.ids.binary_search(&id).ok()
    }

    /// OSM id and `[lon, lat]` (degrees) at a position.
    pub fn entry(&self, position: usize) -> (i64, [f64; 2]) {
        let [lon, lat] = self.coords[position];
        (
            self.ids[position],
            [f64::from(lon) * 1e-7, f64::from(lat) * 1e-7],
        )
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when there are no nodes.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// A way that some delivery vehicle may use, with its routing tags parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct OsmWay {
    /// OSM way id.
    pub id: i64,
    /// Node ids in way order (at least two).
    pub nodes: Vec<i64>,
    /// `highway=*`.
    pub road: RoadClass,
    /// Direction rules.
    pub oneway: Oneway,
    /// `maxspeed` (km/h).
    pub maxspeed_kmh: Option<f64>,
    /// `maxspeed:hgv` (km/h), for heavy vehicles.
    pub maxspeed_hgv_kmh: Option<f64>,
    /// `maxweight` (kg).
    pub maxweight_kg: Option<u32>,
    /// `maxheight` (mm).
    pub maxheight_mm: Option<u32>,
    /// `maxlength` (mm).
    pub maxlength_mm: Option<u32>,
    /// `maxwidth` (mm).
    pub maxwidth_mm: Option<u32>,
    /// `motorroad=yes`: closed to non-motor vehicles (e-tricycles).
    pub motorroad: bool,
    /// Index into [`OsmExtract::access_rules`].
    pub access: u32,
    /// `name` (or `ref`), for reports.
    pub name: Option<String>,
}

/// Counts a user reads to judge an import.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadStats {
    /// Bytes in the file.
    pub bytes: u64,
    /// Nodes in the file.
    pub nodes: u64,
    /// Ways in the file.
    pub ways: u64,
    /// Relations in the file.
    pub relations: u64,
    /// Ways kept as roads.
    pub road_ways: u64,
    /// Roads with an access tag (plain or conditional).
    pub ways_with_access_tags: u64,
    /// Roads with a `*:conditional` access rule cityfreight applies.
    pub ways_with_conditional: u64,
    /// Roads with a size or weight limit.
    pub ways_with_limits: u64,
    /// Turn-restriction relations read (all kinds).
    pub restrictions_read: u64,
    /// Tags or relations that could not be used, with the reason (`way 123 hgv:conditional=...: ...`).
    pub skipped: Vec<String>,
}

/// A node tagged `amenity=charging_station`, with the tags a planner needs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OsmCharger {
    /// OSM node id.
    pub id: i64,
    /// `[lon, lat]`.
    pub lon_lat: [f64; 2],
    /// `name`.
    pub name: Option<String>,
    /// `capacity` (vehicles that can charge at once), as tagged.
    pub capacity: Option<String>,
    /// `opening_hours`, as tagged.
    pub opening_hours: Option<String>,
    /// `access`, as tagged.
    pub access: Option<String>,
    /// The highest `socket:*:output` or `charging_station:output` value, as tagged (e.g. `50 kW`).
    pub output: Option<String>,
}

/// A node tagged `amenity=parcel_locker` (智能快件箱), with the tags a planner needs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OsmLocker {
    /// OSM node id.
    pub id: i64,
    /// `[lon, lat]`.
    pub lon_lat: [f64; 2],
    /// `name`.
    pub name: Option<String>,
    /// `operator` or `brand` (丰巢, 菜鸟, ...).
    pub operator: Option<String>,
    /// `capacity` (compartments), as tagged.
    pub capacity: Option<String>,
    /// `opening_hours`, as tagged.
    pub opening_hours: Option<String>,
}

/// Everything cityfreight keeps from an extract.
#[derive(Clone, Debug, Default)]
pub struct OsmExtract {
    /// The file it came from.
    pub path: PathBuf,
    /// Coordinates of every node in the file.
    pub nodes: NodeTable,
    /// Roads, in file order.
    pub ways: Vec<OsmWay>,
    /// Distinct access rule sets; `OsmWay::access` indexes this. Index 0 is "no tags".
    pub access_rules: Vec<AccessRules>,
    /// Turn restrictions, in file order.
    pub restrictions: Vec<TurnRestriction>,
    /// Charging stations tagged on nodes, in file order.
    pub chargers: Vec<OsmCharger>,
    /// Parcel lockers tagged on nodes, in file order.
    pub lockers: Vec<OsmLocker>,
    /// Counts.
    pub stats: ReadStats,
}

/// What one data block contributed.
#[derive(Default)]
struct Chunk {
    node_ids: Vec<i64>,
    node_coords: Vec<[i32; 2]>,
    ways: Vec<(OsmWay, AccessRules)>,
    restrictions: Vec<TurnRestriction>,
    chargers: Vec<OsmCharger>,
    lockers: Vec<OsmLocker>,
    stats: ReadStats,
}

/// Read a PBF extract. `progress(done, total)` is called with blocks decoded so far.
pub fn read_pbf(path: &Path, progress: &(dyn Fn(u64, u64) + Sync)) -> Result<OsmExtract, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let blobs = frame(path, &bytes)?;
    let total = blobs.len() as u64;
    let done = std::sync::atomic::AtomicU64::new(0);
    let chunks: Vec<Result<Chunk, Error>> = blobs
        .par_iter()
        .enumerate()
        .map(|(index, (offset, blob))| {
            let chunk = decode(blob).map_err(|detail| Error::Corrupt {
                path: path.to_path_buf(),
                block: index,
                offset: *offset,
                detail,
            });
            progress(
                done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1,
                total,
            );
            chunk
        })
        .collect();
    let mut extract = OsmExtract {
        path: path.to_path_buf(),
        access_rules: vec![AccessRules::default()],
        ..OsmExtract::default()
    };
    extract.stats.bytes = bytes.len() as u64;
    let mut interned: HashMap<AccessRules, u32> = HashMap::from([(AccessRules::default(), 0)]);
    let (mut ids, mut coords) = (Vec::new(), Vec::new());
    for chunk in chunks {
        let chunk = chunk?;
        ids.extend(chunk.node_ids);
        coords.extend(chunk.node_coords);
        for (mut way, rules) in chunk.ways {
            let next = extract.access_rules.len() as u32;
            way.access = *interned.entry(rules.clone()).or_insert_with(|| {
                extract.access_rules.push(rules);
                next
            });
            extract.ways.push(way);
        }
        extract.restrictions.extend(chunk.restrictions);
        extract.chargers.extend(chunk.chargers);
        extract.lockers.extend(chunk.lockers);
        let (s, c) = (&mut extract.stats, chunk.stats);
        s.nodes += c.nodes;
        s.ways += c.ways;
        s.relations += c.relations;
        s.road_ways += c.road_ways;
        s.ways_with_access_tags += c.ways_with_access_tags;
        s.ways_with_conditional += c.ways_with_conditional;
        s.ways_with_limits += c.ways_with_limits;
        s.restrictions_read += c.restrictions_read;
        s.skipped.extend(c.skipped);
    }
    extract.nodes = sorted_table(ids, coords);
    if extract.ways.is_empty() {
        return Err(Error::NoRoads {
            path: path.to_path_buf(),
            ways: extract.stats.ways,
        });
    }
    Ok(extract)
}

fn sorted_table(ids: Vec<i64>, coords: Vec<[i32; 2]>) -> NodeTable {
    if ids.windows(2).all(|w| w[0] < w[1]) {
        return NodeTable { ids, coords };
    }
    let mut pairs: Vec<(i64, [i32; 2])> = ids.into_iter().zip(coords).collect();
    pairs.sort_by_key(|p| p.0);
    pairs.dedup_by_key(|p| p.0);
    let (ids, coords) = pairs.into_iter().unzip();
    NodeTable { ids, coords }
}

/// Split the file into data blobs (with their byte offsets), checking the framing.
fn frame(path: &Path, bytes: &[u8]) -> Result<Vec<(u64, Blob)>, Error> {
    let not_pbf = |detail: String| Error::NotPbf {
        path: path.to_path_buf(),
        detail,
    };
    let truncated = |detail: String| Error::Truncated {
        path: path.to_path_buf(),
        detail,
    };
    if bytes.is_empty() {
        return Err(not_pbf("the file is empty".to_string()));
    }
    let mut blobs = Vec::new();
    let mut pos = 0usize;
    let mut first = true;
    while pos < bytes.len() {
        let offset = pos as u64;
        let Some(len_bytes) = bytes.get(pos..pos + 4) else {
            return Err(truncated(format!(
                "{} stray bytes at the end (offset {offset})",
                bytes.len() - pos
            )));
        };
        let header_len =
            u32::from_be_bytes([len_bytes[0], len_bytes[1], len_bytes[2], len_bytes[3]]);
        if header_len > MAX_HEADER {
            return Err(if first {
                not_pbf(format!("the first 4 bytes give a header length of {header_len} bytes (a PBF header is at most 64 KiB)"))
            } else {
                Error::Corrupt {
                    path: path.to_path_buf(),
                    block: blobs.len(),
                    offset,
                    detail: format!("blob header length {header_len}"),
                }
            });
        }
        pos += 4;
        let header_bytes = bytes.get(pos..pos + header_len as usize).ok_or_else(|| {
            truncated(format!(
                "the file ends inside a blob header at offset {offset}"
            ))
        })?;
        let header = BlobHeader::parse_from_bytes(header_bytes).map_err(|e| {
            if first {
                not_pbf(format!("no blob header at the start ({e})"))
            } else {
                Error::Corrupt {
                    path: path.to_path_buf(),
                    block: blobs.len(),
                    offset,
                    detail: format!("blob header: {e}"),
                }
            }
        })?;
        if first && header.type_() != "OSMHeader" {
            return Err(not_pbf(format!(
                "the first block is `{}`, expected `OSMHeader`",
                header.type_().escape_debug()
            )));
        }
        pos += header_len as usize;
        let size = header.datasize();
        if !(0..=MAX_BLOB).contains(&size) {
            return Err(Error::Corrupt {
                path: path.to_path_buf(),
                block: blobs.len(),
                offset,
                detail: format!("blob size {size}"),
            });
        }
        let blob_bytes = bytes.get(pos..pos + size as usize).ok_or_else(|| {
            truncated(format!(
                "the file ends inside a {}-byte block that starts at offset {offset}",
                size
            ))
        })?;
        pos += size as usize;
        if header.type_() == "OSMData" {
            let blob = Blob::parse_from_bytes(blob_bytes).map_err(|e| Error::Corrupt {
                path: path.to_path_buf(),
                block: blobs.len(),
                offset,
                detail: e.to_string(),
            })?;
            blobs.push((offset, blob));
        }
        first = false;
    }
    Ok(blobs)
}

/// A string-table lookup that fails instead of panicking.
struct Strings<'a>(&'a [Vec<u8>]);

impl Strings<'_> {
    fn get(&self, index: impl TryInto<usize>) -> Result<&str, String> {
        let i = index
            .try_into()
            .map_err(|_| "negative string index".to_string())?;
        let bytes = self
            .0
            .get(i)
            .ok_or_else(|| format!("string index {i} outside the table of {}", self.0.len()))?;
        std::str::from_utf8(bytes).map_err(|_| format!("string {i} is not UTF-8"))
    }
}

/// A charging station from a node's tags (string indices into the block's table).
fn charger(
    id: i64,
    lon_lat: [f64; 2],
    pairs: impl Iterator<Item = (usize, usize)>,
    strings: &Strings,
) -> OsmCharger {
    let mut c = OsmCharger {
        id,
        lon_lat,
        ..OsmCharger::default()
    };
    let mut best_kw = 0.0;
    for (k, v) in pairs {
        let (Ok(key), Ok(value)) = (strings.get(k), strings.get(v)) else {
            continue;
        };
        match key {
            "name" => c.name = Some(value.to_string()),
            "capacity" => c.capacity = Some(value.to_string()),
            "opening_hours" => c.opening_hours = Some(value.to_string()),
            "access" => c.access = Some(value.to_string()),
            k if (k.starts_with("socket:") && k.ends_with(":output"))
                || k == "charging_station:output" =>
            {
                let kw = super::tags::power_kw(value).unwrap_or(0.0);
                if kw > best_kw || c.output.is_none() {
                    best_kw = best_kw.max(kw);
                    c.output = Some(value.to_string());
                }
            }
            _ => {}
        }
    }
    c
}

/// A parcel locker from a node's tags (string indices into the block's table).
fn locker(
    id: i64,
    lon_lat: [f64; 2],
    pairs: impl Iterator<Item = (usize, usize)>,
    strings: &Strings,
) -> OsmLocker {
    let mut l = OsmLocker {
        id,
        lon_lat,
        ..OsmLocker::default()
    };
    for (k, v) in pairs {
        let (Ok(key), Ok(value)) = (strings.get(k), strings.get(v)) else {
            continue;
        };
        match key {
            "name" => l.name = Some(value.to_string()),
            "operator" => l.operator = Some(value.to_string()),
            "brand" if l.operator.is_none() => l.operator = Some(value.to_string()),
            "capacity" => l.capacity = Some(value.to_string()),
            "opening_hours" => l.opening_hours = Some(value.to_string()),
            _ => {}
        }
    }
    l
}

fn decode(blob: &Blob) -> Result<Chunk, String> {
    let block: PrimitiveBlock =
        osmpbfreader::primitive_block_from_blob(blob).map_err(|e| e.to_string())?;
    let strings = Strings(&block.stringtable.s);
    let granularity = i64::from(block.granularity.unwrap_or(100));
    let (lat_offset, lon_offset) = (block.lat_offset.unwrap_or(0), block.lon_offset.unwrap_or(0));
    let to_decimicro = |offset: i64, raw: i64| -> Result<i32, String> {
        granularity
            .checked_mul(raw)
            .and_then(|v| v.checked_add(offset))
            .and_then(|v| i32::try_from(v / 100).ok())
            .ok_or_else(|| "coordinate out of range".to_string())
    };
    let mut chunk = Chunk::default();
    // Charging stations: only blocks whose string table has both strings can hold one.
    let index_of = |text: &str| {
        block
            .stringtable
            .s
            .iter()
            .position(|b| b.as_slice() == text.as_bytes())
    };
    let charging = index_of("amenity").zip(index_of("charging_station"));
    let parcel_locker = index_of("amenity").zip(index_of("parcel_locker"));
    for group in &block.primitivegroup {
        for node in &group.nodes {
            if let Some((amenity, station)) = charging {
                let pairs = node
                    .keys
                    .iter()
                    .zip(&node.vals)
                    .map(|(&k, &v)| (k as usize, v as usize));
                if pairs.clone().any(|kv| kv == (amenity, station)) {
                    chunk.chargers.push(charger(
                        node.id.unwrap_or(0),
                        [
                            f64::from(to_decimicro(lon_offset, node.lon.unwrap_or(0))?) / 1e7,
                            f64::from(to_decimicro(lat_offset, node.lat.unwrap_or(0))?) / 1e7,
                        ],
                        pairs,
                        &strings,
                    ));
                }
            }
            if let Some(tag) = parcel_locker {
                let pairs = node
                    .keys
                    .iter()
                    .zip(&node.vals)
                    .map(|(&k, &v)| (k as usize, v as usize));
                if pairs.clone().any(|kv| kv == tag) {
                    chunk.lockers.push(locker(
                        node.id.unwrap_or(0),
                        [
                            f64::from(to_decimicro(lon_offset, node.lon.unwrap_or(0))?) / 1e7,
                            f64::from(to_decimicro(lat_offset, node.lat.unwrap_or(0))?) / 1e7,
                        ],
                        pairs,
                        &strings,
                    ));
                }
            }
            chunk.node_ids.push(node.id.unwrap_or(0));
            chunk.node_coords.push([
                to_decimicro(lon_offset, node.lon.unwrap_or(0))?,
                to_decimicro(lat_offset, node.lat.unwrap_or(0))?,
            ]);
        }
        if let Some(dense) = group.dense.as_ref() {
            if dense.lat.len() != dense.id.len() || dense.lon.len() != dense.id.len() {
                return Err("dense node arrays of different lengths".to_string());
            }
            let (mut id, mut lat, mut lon) = (0i64, 0i64, 0i64);
            // keys_vals: per node, key/value string indices ending with a 0.
            let mut kv = 0usize;
            for i in 0..dense.id.len() {
                id = id.wrapping_add(dense.id[i]);
                lat = lat.wrapping_add(dense.lat[i]);
                lon = lon.wrapping_add(dense.lon[i]);
                if !dense.keys_vals.is_empty() {
                    // A node without its closing 0 ends the array: later nodes have no tags.
                    let start = kv.min(dense.keys_vals.len());
                    while kv < dense.keys_vals.len() && dense.keys_vals[kv] != 0 {
                        kv += 2;
                    }
                    let end = kv.min(dense.keys_vals.len());
                    kv += 1;
                    if let Some((amenity, station)) = charging {
                        let pairs = dense.keys_vals[start..end]
                            .chunks_exact(2)
                            .map(|p| (p[0] as usize, p[1] as usize));
                        if pairs.clone().any(|kv| kv == (amenity, station)) {
                            chunk.chargers.push(charger(
                                id,
                                [
                                    f64::from(to_decimicro(lon_offset, lon)?) / 1e7,
                                    f64::from(to_decimicro(lat_offset, lat)?) / 1e7,
                                ],
                                pairs,
                                &strings,
                            ));
                        }
                    }
                    if let Some(tag) = parcel_locker {
                        let pairs = dense.keys_vals[start..end]
                            .chunks_exact(2)
                            .map(|p| (p[0] as usize, p[1] as usize));
                        if pairs.clone().any(|kv| kv == tag) {
                            chunk.lockers.push(locker(
                                id,
                                [
                                    f64::from(to_decimicro(lon_offset, lon)?) / 1e7,
                                    f64::from(to_decimicro(lat_offset, lat)?) / 1e7,
                                ],
                                pairs,
                                &strings,
                            ));
                        }
                    }
                }
                chunk.node_ids.push(id);
                chunk.node_coords.push([
                    to_decimicro(lon_offset, lon)?,
                    to_decimicro(lat_offset, lat)?,
                ]);
            }
        }
        chunk.stats.nodes +=
            (group.nodes.len() + group.dense.as_ref().map_or(0, |d| d.id.len())) as u64;
        for way in &group.ways {
            chunk.stats.ways += 1;
            if way.keys.len() != way.vals.len() {
                return Err(format!(
                    "way {}: {} keys but {} values",
                    way.id.unwrap_or(0),
                    way.keys.len(),
                    way.vals.len()
                ));
            }
            let mut tags = Vec::with_capacity(way.keys.len());
            for (k, v) in way.keys.iter().zip(&way.vals) {
                tags.push((strings.get(*k)?, strings.get(*v)?));
            }
            let mut node = 0i64;
            let nodes = way.refs.iter().map(|d| {
                node = node.wrapping_add(*d);
                node
            });
            if let Some(parsed) = road_way(
                way.id.unwrap_or(0),
                &tags,
                nodes.collect(),
                &mut chunk.stats,
            ) {
                chunk.ways.push(parsed);
            }
        }
        for relation in &group.relations {
            chunk.stats.relations += 1;
            if relation.keys.len() != relation.vals.len()
                || relation.roles_sid.len() != relation.memids.len()
                || relation.types.len() != relation.memids.len()
            {
                return Err(format!(
                    "relation {}: arrays of different lengths",
                    relation.id.unwrap_or(0)
                ));
            }
            let mut tags = Vec::with_capacity(relation.keys.len());
            for (k, v) in relation.keys.iter().zip(&relation.vals) {
                tags.push((strings.get(*k)?, strings.get(*v)?));
            }
            let tag = |key: &str| {
                tags.iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| v.to_string())
            };
            if !tag("type").is_some_and(|t| t.starts_with("restriction")) {
                continue;
            }
            let mut members = Vec::with_capacity(relation.memids.len());
            let mut member = 0i64;
            for i in 0..relation.memids.len() {
                member = member.wrapping_add(relation.memids[i]);
                let kind = match relation.types[i].enum_value() {
                    Ok(MemberType::NODE) => MemberKind::Node,
                    Ok(MemberType::WAY) => MemberKind::Way,
                    _ => MemberKind::Relation,
                };
                members.push((
                    kind,
                    member,
                    strings.get(relation.roles_sid[i])?.to_string(),
                ));
            }
            let id = relation.id.unwrap_or(0);
            chunk.stats.restrictions_read += 1;
            match TurnRestriction::from_relation(id, tag, members.into_iter()) {
                Ok(Some(r)) => chunk.restrictions.push(r),
                Ok(None) => {}
                Err(why) => chunk
                    .stats
                    .skipped
                    .push(format!("relation {id} (turn restriction): {why}")),
            }
        }
    }
    Ok(chunk)
}

/// Keep a way if it is a road some delivery vehicle may use; parse its routing tags.
fn road_way(
    id: i64,
    tags: &[(&str, &str)],
    nodes: Vec<i64>,
    stats: &mut ReadStats,
) -> Option<(OsmWay, AccessRules)> {
    let tag = |key: &str| tags.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    let road = RoadClass::parse(tag("highway")?)?;
    if tag("area") == Some("yes") || nodes.len() < 2 {
        return None;
    }
    let mut skipped = |key: &str, value: &str, why: &str| {
        stats.skipped.push(format!("way {id} {key}={value}: {why}"))
    };
    let mut rules = AccessRules::default();
    for (i, key) in AccessKey::ALL.iter().enumerate() {
        if let Some(value) = tag(key.tag()) {
            rules.plain[i] = tags::access_value(value);
            if rules.plain[i].is_none() {
                skipped(
                    key.tag(),
                    value,
                    "access value with no meaning for delivery; ignored",
                );
            }
        }
        let conditional_key = format!("{}:conditional", key.tag());
        if let Some(value) = tag(&conditional_key) {
            match parse_conditional(*key, value) {
                Ok(parsed) => rules.conditional.extend(parsed),
                Err(e) => skipped(&conditional_key, value, &e.to_string()),
            }
        }
    }
    let mut parse_limit = |key: &str, parse: fn(&str) -> Option<u32>| {
        let value = tag(key)?;
        let parsed = parse(value);
        if parsed.is_none()
            && !matches!(
                value,
                "none" | "default" | "below_default" | "no_sign" | "unsigned"
            )
        {
            skipped(key, value, "unreadable limit; ignored");
        }
        parsed
    };
    let maxweight_kg = parse_limit("maxweight", tags::maxweight_kg);
    let maxheight_mm = parse_limit("maxheight", tags::size_mm);
    let maxlength_mm = parse_limit("maxlength", tags::size_mm);
    let maxwidth_mm = parse_limit("maxwidth", tags::size_mm);
    stats.road_ways += 1;
    stats.ways_with_access_tags += u64::from(!rules.is_empty());
    stats.ways_with_conditional += u64::from(!rules.conditional.is_empty());
    stats.ways_with_limits += u64::from(
        maxweight_kg
            .or(maxheight_mm)
            .or(maxlength_mm)
            .or(maxwidth_mm)
            .is_some(),
    );
    let way = OsmWay {
        id,
        nodes,
        road,
        oneway: tags::oneway(tag("oneway"), tag("junction"), road),
        maxspeed_kmh: tag("maxspeed").and_then(tags::maxspeed_kmh),
        maxspeed_hgv_kmh: tag("maxspeed:hgv").and_then(tags::maxspeed_kmh),
        maxweight_kg,
        maxheight_mm,
        maxlength_mm,
        maxwidth_mm,
        motorroad: tag("motorroad") == Some("yes"),
        access: 0,
        name: tag("name").or_else(|| tag("ref")).map(str::to_string),
    };
    Some((way, rules))
}

#[cfg(test)]
mod tests {
    use super::*;
    use osmpbfreader::osmformat::{DenseNodes, Node, PrimitiveGroup, StringTable};

    /// A raw (uncompressed) blob holding one block of `group` with the given strings.
    fn raw_blob(group: PrimitiveGroup, strings: &[&str], granularity: i32) -> Blob {
        let mut block = PrimitiveBlock::new();
        let mut table = StringTable::new();
        table.s = strings.iter().map(|s| s.as_bytes().to_vec()).collect();
        block.stringtable = protobuf::MessageField::some(table);
        block.granularity = Some(granularity);
        block.primitivegroup.push(group);
        let payload = block.write_to_bytes().expect("encode a block");
        let mut blob = Blob::new();
        blob.raw_size = Some(payload.len() as i32);
        blob.raw = Some(payload);
        blob
    }

    /// A raw blob holding one plain node at the given raw coordinates.
    fn one_node_blob(granularity: i32, lat: i64, lon: i64) -> Blob {
        let mut node = Node::new();
        node.id = Some(1);
        node.lat = Some(lat);
        node.lon = Some(lon);
        let mut group = PrimitiveGroup::new();
        group.nodes.push(node);
        raw_blob(group, &[""], granularity)
    }

    #[test]
    fn dense_tags_without_their_closing_zero_end_the_array() {
        // Found by the pbf fuzz target: the second node's tag slice started past the end.
        let mut dense = DenseNodes::new();
        dense.id = vec![1, 1];
        dense.lat = vec![0, 0];
        dense.lon = vec![0, 0];
        dense.keys_vals = vec![1, 2, 1, 2, 1, 2, 1, 2];
        let mut group = PrimitiveGroup::new();
        group.dense = protobuf::MessageField::some(dense);
        let blob = raw_blob(group, &["", "amenity", "charging_station"], 100);
        let chunk = decode(&blob).expect("a readable block");
        assert_eq!(chunk.node_ids, vec![1, 2]);
        assert_eq!(chunk.chargers.len(), 1, "only the first node carries tags");
    }

    #[test]
    fn parcel_lockers_on_dense_and_plain_nodes() {
        // Dense: node 1 a locker with its name, node 2 a charger, node 3 untagged.
        let mut dense = DenseNodes::new();
        dense.id = vec![1, 1, 1];
        dense.lat = vec![306_600_000, 0, 0];
        dense.lon = vec![1_040_600_000, 0, 0];
        dense.keys_vals = vec![1, 2, 4, 5, 0, 1, 3, 0, 0];
        let mut group = PrimitiveGroup::new();
        group.dense = protobuf::MessageField::some(dense);
        let strings = [
            "",
            "amenity",
            "parcel_locker",
            "charging_station",
            "name",
            "丰巢",
        ];
        let chunk = decode(&raw_blob(group, &strings, 100)).expect("a readable block");
        assert_eq!(chunk.lockers.len(), 1);
        assert_eq!(chunk.lockers[0].id, 1);
        assert_eq!(chunk.lockers[0].name.as_deref(), Some("丰巢"));
        assert!((chunk.lockers[0].lon_lat[1] - 30.66).abs() < 1e-9);
        assert_eq!(chunk.chargers.len(), 1);
        // A plain node.
        let mut node = Node::new();
        node.id = Some(9);
        node.lat = Some(0);
        node.lon = Some(0);
        node.keys = vec![1];
        node.vals = vec![2];
        let mut group = PrimitiveGroup::new();
        group.nodes.push(node);
        let chunk = decode(&raw_blob(group, &strings, 100)).expect("a readable block");
        assert_eq!(chunk.lockers.len(), 1);
        assert_eq!(chunk.lockers[0].id, 9);
    }

    #[test]
    fn coordinates_beyond_i64_are_an_error_not_an_overflow() {
        // granularity × raw coordinate overflowed i64 (a panic in debug builds).
        let e = decode(&one_node_blob(1000, i64::MAX / 100, 0)).err();
        assert_eq!(e.as_deref(), Some("coordinate out of range"));
        let e = decode(&one_node_blob(100, 0, i64::MIN / 2)).err();
        assert_eq!(e.as_deref(), Some("coordinate out of range"));
        let ok = decode(&one_node_blob(100, 306_600_000, 1_040_600_000)).expect("in range");
        assert_eq!(ok.node_coords, vec![[1_040_600_000, 306_600_000]]);
    }
}
