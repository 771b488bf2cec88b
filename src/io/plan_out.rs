//! Writing a plan: `plan.json` (routes with stop times, loads, battery, permit), `routes.geojson`
//! (each route's road geometry and its stops, for QGIS or any GeoJSON viewer), `kpis.json` and
//! `kpis.csv`. The files are written as one set: into a temporary sibling folder that is then
//! renamed over the output folder ([`super::atomic::write_dir_atomically`]), so a failure part-way
//! never leaves new files next to old ones.
//!
//! Coordinates are WGS84 unless an output system is asked for (`cityfreight plan --output-crs
//! gcj02` or `bd09`, for display on Amap, Tencent or Baidu basemaps): then every position in
//! `plan.json` and `routes.geojson` is converted and the files say so (`"crs": "gcj02"` in
//! `plan.json`, a GeoJSON `crs` member in `routes.geojson`). The CSV files are written by the
//! `csv` crate: a street name with a comma or quote is quoted, not altered.

use super::atomic::{write_dir_atomically, DirError};
use super::crs::Crs;
use super::table::CsvOut;
use crate::plan::Plan;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// Why the plan could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}: {source}")]
pub struct Error {
    /// The file.
    pub path: PathBuf,
    /// The I/O error.
    pub source: std::io::Error,
}

pub use crate::time::clock;

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

/// The `plan.json` value (WGS84).
pub fn plan_json(plan: &Plan) -> Value {
    plan_json_in(plan, Crs::Wgs84)
}

/// A position in `crs`, rounded to 7 decimals (about 1 cm).
fn position(crs: Crs, lon_lat: [f64; 2]) -> [f64; 2] {
    let [x, y] = crs.from_wgs84(lon_lat);
    [round(x, 7), round(y, 7)]
}

/// The `plan.json` value with positions in `crs` (and a `crs` member unless WGS84).
pub fn plan_json_in(plan: &Plan, crs: Crs) -> Value {
    let routes: Vec<Value> = plan
        .routes
        .iter()
        .map(|r| {
            json!({
                "vehicle": r.vehicle, "carrier": r.carrier, "class": r.class, "permit": r.permit,
                "start": clock(r.start_s), "end": clock(r.end_s), "distance_m": round(r.distance_m, 1), "trips": r.trips,
                "cost_yuan": round(r.cost_yuan, 2),
                "zone_fees_yuan": round(r.zone_fees_yuan.iter().sum::<f64>(), 2),
                "penalties_yuan": round(r.penalties_yuan, 2),
                "stops": r.stops.iter().map(|s| with_locker(s, json!({
                    "order": s.order, "kind": if s.order.is_some() { "delivery" } else if s.station.is_some() { "charge" } else { "reload" },
                    "station": s.station, "charged_kwh": (s.charged_wh > 0).then(|| round(s.charged_wh as f64 / 1000.0, 3)),
                    "lon": position(crs, s.lon_lat)[0], "lat": position(crs, s.lon_lat)[1],
                    "arrival": clock(s.arrival_s), "start": clock(s.start_s), "departure": clock(s.departure_s),
                    "load_after_kg": round(s.load_after_g as f64 / 1000.0, 3),
                    "battery_after_kwh": s.battery_after_wh.map(|w| round(w as f64 / 1000.0, 3)),
                    "bay": s.bay, "walk_m": round(s.walk_m, 1),
                }))).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut out = json!({
        "scenario": plan.scenario,
        "feasible": plan.violations.is_empty(),
        "violations": plan.violations.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "routes": routes,
        "unserved": plan.unserved.iter().map(|u| json!({"carrier": u.carrier, "order": u.order, "reason": u.reason})).collect::<Vec<_>>(),
    });
    if crs != Crs::Wgs84 {
        out["crs"] = json!(crs.name());
    }
    out
}

/// The `routes.geojson` value: a LineString per route and a Point per stop (WGS84).
pub fn routes_geojson(plan: &Plan) -> Value {
    routes_geojson_in(plan, Crs::Wgs84)
}

/// The `routes.geojson` value with positions in `crs` (named in a `crs` member unless WGS84).
pub fn routes_geojson_in(plan: &Plan, crs: Crs) -> Value {
    let mut features = Vec::new();
    for r in &plan.routes {
        features.push(json!({
            "type": "Feature",
            "properties": {"vehicle": r.vehicle, "carrier": r.carrier, "class": r.class, "permit": r.permit, "distance_m": round(r.distance_m, 1)},
            "geometry": {"type": "LineString", "coordinates": r.geometry.iter().map(|&p| position(crs, p)).collect::<Vec<_>>()},
        }));
        for (k, s) in r.stops.iter().enumerate() {
            features.push(json!({
                "type": "Feature",
                "properties": {"vehicle": r.vehicle, "sequence": k + 1, "order": s.order, "bay": s.bay, "station": s.station, "arrival": clock(s.arrival_s), "departure": clock(s.departure_s)},
                "geometry": {"type": "Point", "coordinates": position(crs, s.lon_lat)},
            }));
        }
    }
    let mut out = json!({"type": "FeatureCollection", "features": features});
    if crs != Crs::Wgs84 {
        out["crs"] = json!({"type": "name", "properties": {"name": crs.name()}});
    }
    out
}

/// `streets.csv`: delivery vehicles and vehicle-km per street and departure hour, busiest first.
pub fn streets_csv(plan: &Plan) -> String {
    let mut csv = CsvOut::new([
        "osm_way",
        "name",
        "highway",
        "hour",
        "vehicles",
        "vehicle_km",
    ]);
    for s in &plan.streets {
        csv.row([
            s.osm_way.to_string(),
            s.name.clone().unwrap_or_default(),
            s.road_class.to_string(),
            s.hour.to_string(),
            s.vehicles.to_string(),
            round(s.vehicle_km, 3).to_string(),
        ]);
    }
    csv.into_string()
}

/// `kpis.csv`: `scope,kpi,value,unit`, one row per KPI.
pub fn kpis_csv(plan: &Plan) -> String {
    let mut csv = CsvOut::new(["scope", "kpi", "value", "unit"]);
    for r in &plan.kpis.rows {
        csv.row([
            r.scope.to_string(),
            r.kpi.to_string(),
            r.value.to_string(),
            r.unit().to_string(),
        ]);
    }
    csv.into_string()
}

impl From<DirError<Error>> for Error {
    fn from(e: DirError<Error>) -> Error {
        match e {
            DirError::Io { path, source } => Error { path, source },
            DirError::Write(e) => e,
        }
    }
}

/// Make `dir` hold exactly this plan's `plan.json`, `routes.geojson`, `kpis.json`, `kpis.csv` and
/// `streets.csv`, replacing any earlier contents as one set.
pub fn write_plan(dir: &Path, plan: &Plan) -> Result<(), Error> {
    write_plan_in(dir, plan, Crs::Wgs84)
}

/// [`write_plan`] with the positions of `plan.json` and `routes.geojson` in `crs`.
pub fn write_plan_in(dir: &Path, plan: &Plan, crs: Crs) -> Result<(), Error> {
    write_plan_with(dir, plan, crs, &[])
}

/// [`write_plan_in`] with `extra` files (name, bytes; e.g. the HTML report) in the same set.
pub fn write_plan_with(
    dir: &Path,
    plan: &Plan,
    crs: Crs,
    extra: &[(&str, Vec<u8>)],
) -> Result<(), Error> {
    Ok(write_dir_atomically(dir, |tmp| {
        write_plan_files_in(tmp, plan, crs)?;
        write_extra(tmp, extra)
    })?)
}

/// Write each `(name, bytes)` into `dir`.
pub fn write_extra(dir: &Path, extra: &[(&str, Vec<u8>)]) -> Result<(), Error> {
    for (name, bytes) in extra {
        let path = dir.join(name);
        std::fs::write(&path, bytes).map_err(|source| Error { path, source })?;
    }
    Ok(())
}

/// Write the plan's files into `dir` (created if needed), each file directly: for folders that
/// are themselves being written as one set (see [`write_plan`]).
pub fn write_plan_files(dir: &Path, plan: &Plan) -> Result<(), Error> {
    write_plan_files_in(dir, plan, Crs::Wgs84)
}

/// [`write_plan_files`] with the positions of `plan.json` and `routes.geojson` in `crs`.
pub fn write_plan_files_in(dir: &Path, plan: &Plan, crs: Crs) -> Result<(), Error> {
    let err = |path: PathBuf| move |source| Error { path, source };
    std::fs::create_dir_all(dir).map_err(err(dir.to_path_buf()))?;
    let pretty = |v: &Value| serde_json::to_vec_pretty(v).unwrap_or_default();
    let files: [(&str, Vec<u8>); 5] = [
        ("streets.csv", streets_csv(plan).into_bytes()),
        ("plan.json", pretty(&plan_json_in(plan, crs))),
        (
            "routes.geojson",
            serde_json::to_vec(&routes_geojson_in(plan, crs)).unwrap_or_default(),
        ),
        (
            "kpis.json",
            pretty(&json!(plan
                .kpis
                .rows
                .iter()
                .map(|r| json!({"scope": r.scope.to_string(), "kpi": r.kpi.to_string(), "value": r.value, "unit": r.unit()}))
                .collect::<Vec<_>>())),
        ),
        ("kpis.csv", kpis_csv(plan).into_bytes()),
    ];
    for (name, bytes) in files {
        let path = dir.join(name);
        std::fs::write(&path, &bytes).map_err(err(path.clone()))?;
    }
    Ok(())
}

/// A stop's JSON with its `locker` (only for orders left at a parcel locker or pickup point, so
/// plans without lockers read as before).
fn with_locker(stop: &crate::plan::PlannedStop, mut value: serde_json::Value) -> serde_json::Value {
    if let Some(locker) = &stop.locker {
        value["locker"] = json!(locker);
    }
    value
}

#[cfg(test)]
mod tests {
    use super::clock;

    #[test]
    fn clocks() {
        assert_eq!(clock(0), "00:00:00");
        assert_eq!(clock(8 * 3600 + 5 * 60 + 7), "08:05:07");
        assert_eq!(clock(86_400 + 3600), "01:00:00+1d");
    }
}
