//! Writing a plan: `plan.json` (routes with stop times, loads, battery, permit), `routes.geojson`
//! (each route's road geometry and its stops, for QGIS or any GeoJSON viewer), `kpis.json` and
//! `kpis.csv`. The files are written as one set: into a temporary sibling folder that is then
//! renamed over the output folder ([`super::atomic::write_dir_atomically`]), so a failure part-way
//! never leaves new files next to old ones.

use super::atomic::{write_dir_atomically, DirError};
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

/// The `plan.json` value.
pub fn plan_json(plan: &Plan) -> Value {
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
                "stops": r.stops.iter().map(|s| json!({
                    "order": s.order, "kind": if s.order.is_some() { "delivery" } else if s.station.is_some() { "charge" } else { "reload" },
                    "station": s.station, "charged_kwh": (s.charged_wh > 0).then(|| round(s.charged_wh as f64 / 1000.0, 3)),
                    "lon": round(s.lon_lat[0], 7), "lat": round(s.lon_lat[1], 7),
                    "arrival": clock(s.arrival_s), "start": clock(s.start_s), "departure": clock(s.departure_s),
                    "load_after_kg": round(s.load_after_g as f64 / 1000.0, 3),
                    "battery_after_kwh": s.battery_after_wh.map(|w| round(w as f64 / 1000.0, 3)),
                    "bay": s.bay, "walk_m": round(s.walk_m, 1),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "scenario": plan.scenario,
        "feasible": plan.violations.is_empty(),
        "violations": plan.violations,
        "routes": routes,
        "unserved": plan.unserved.iter().map(|u| json!({"carrier": u.carrier, "order": u.order, "reason": u.reason})).collect::<Vec<_>>(),
    })
}

/// The `routes.geojson` value: a LineString per route and a Point per stop.
pub fn routes_geojson(plan: &Plan) -> Value {
    let mut features = Vec::new();
    for r in &plan.routes {
        features.push(json!({
            "type": "Feature",
            "properties": {"vehicle": r.vehicle, "carrier": r.carrier, "class": r.class, "permit": r.permit, "distance_m": round(r.distance_m, 1)},
            "geometry": {"type": "LineString", "coordinates": r.geometry.iter().map(|p| [round(p[0], 7), round(p[1], 7)]).collect::<Vec<_>>()},
        }));
        for (k, s) in r.stops.iter().enumerate() {
            features.push(json!({
                "type": "Feature",
                "properties": {"vehicle": r.vehicle, "sequence": k + 1, "order": s.order, "bay": s.bay, "station": s.station, "arrival": clock(s.arrival_s), "departure": clock(s.departure_s)},
                "geometry": {"type": "Point", "coordinates": [round(s.lon_lat[0], 7), round(s.lon_lat[1], 7)]},
            }));
        }
    }
    json!({"type": "FeatureCollection", "features": features})
}

/// `streets.csv`: delivery vehicles and vehicle-km per street and departure hour, busiest first.
pub fn streets_csv(plan: &Plan) -> String {
    let mut csv = String::from("osm_way,name,highway,hour,vehicles,vehicle_km\n");
    for s in &plan.streets {
        let name = s
            .name
            .as_deref()
            .unwrap_or("")
            .replace([',', '"', '\n'], " ");
        csv.push_str(&format!(
            "{},{},{},{},{},{}\n",
            s.osm_way,
            name,
            s.road_class,
            s.hour,
            s.vehicles,
            round(s.vehicle_km, 3)
        ));
    }
    csv
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
    Ok(write_dir_atomically(dir, |tmp| {
        write_plan_files(tmp, plan)
    })?)
}

/// Write the plan's files into `dir` (created if needed), each file directly: for folders that
/// are themselves being written as one set (see [`write_plan`]).
pub fn write_plan_files(dir: &Path, plan: &Plan) -> Result<(), Error> {
    let err = |path: PathBuf| move |source| Error { path, source };
    std::fs::create_dir_all(dir).map_err(err(dir.to_path_buf()))?;
    let pretty = |v: &Value| serde_json::to_vec_pretty(v).unwrap_or_default();
    let files: [(&str, Vec<u8>); 5] = [
        ("streets.csv", streets_csv(plan).into_bytes()),
        ("plan.json", pretty(&plan_json(plan))),
        (
            "routes.geojson",
            serde_json::to_vec(&routes_geojson(plan)).unwrap_or_default(),
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
        ("kpis.csv", {
            let mut csv = String::from("scope,kpi,value,unit\n");
            for r in &plan.kpis.rows {
                csv.push_str(&format!("{},{},{},{}\n", r.scope, r.kpi, r.value, r.unit()));
            }
            csv.into_bytes()
        }),
    ];
    for (name, bytes) in files {
        let path = dir.join(name);
        std::fs::write(&path, &bytes).map_err(err(path.clone()))?;
    }
    Ok(())
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
