//! Loading point (bay) files: CSV or GeoJSON.
//!
//! CSV header (columns in any order; only `id,lon,lat` required):
//! `id,lon,lat,capacity,hours,max_dwell_min,clean_extra_min,classes,max_length_m,radius_m`.
//! GeoJSON: a FeatureCollection of Point features whose properties have the same names (`id` may
//! also be the feature id). Defaults: capacity 1, hours always (`hours` is the opening_hours
//! subset of [`crate::time::Schedule::parse`]), 30 min dwell, no extra for clean-energy vehicles,
//! every class (`classes` lists class ids joined by `;`), any length, 150 m walking radius.
//! Every problem of the file is reported at once, with its line or JSON path; a bay that no class
//! of the scenario may use is an error.

use crate::scenario::Bay;
use crate::time::Schedule;
use crate::vehicle::VehicleClass;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Why a bays file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be read.
    #[error("cannot read bays file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file has problems, each with its line or JSON path.
    #[error("bays file {path} has {} problem(s):\n  {}", problems.len(), problems.join("\n  "))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// One line per problem.
        problems: Vec<String>,
    },
}

/// Read a bays file (`.geojson`/`.json` as GeoJSON, anything else as CSV).
pub fn read_bays(path: &Path, classes: &[VehicleClass]) -> Result<Vec<Bay>, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let geojson = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("geojson") || e.eq_ignore_ascii_case("json"));
    let parsed = if geojson {
        parse_bays_geojson(&text, classes)
    } else {
        parse_bays_csv(&text, classes)
    };
    parsed.map_err(|problems| Error::Invalid {
        path: path.to_path_buf(),
        problems,
    })
}

/// One bay's fields as text, from a CSV row or a feature's properties.
type Fields = BTreeMap<String, String>;

/// Parse bays CSV; on failure every problem with its line number.
pub fn parse_bays_csv(text: &str, classes: &[VehicleClass]) -> Result<Vec<Bay>, Vec<String>> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let Some((_, header)) = lines.next() else {
        return Err(vec![
            "line 1: empty file; expected a header starting `id,lon,lat`".into(),
        ]);
    };
    let columns: Vec<String> = header.split(',').map(|c| c.trim().to_string()).collect();
    let mut problems = Vec::new();
    for required in ["id", "lon", "lat"] {
        if !columns.iter().any(|c| c == required) {
            problems.push(format!("header: missing column `{required}`"));
        }
    }
    for c in &columns {
        if !KNOWN.contains(&c.as_str()) {
            problems.push(format!(
                "header: unknown column `{c}` (known: {})",
                KNOWN.join(", ")
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut rows = Vec::new();
    for (n, line) in lines {
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        if cells.len() != columns.len() {
            problems.push(format!(
                "line {}: {} fields, the header has {}",
                n + 1,
                cells.len(),
                columns.len()
            ));
            continue;
        }
        let fields: Fields = columns
            .iter()
            .zip(&cells)
            .filter(|(_, v)| !v.is_empty())
            .map(|(c, v)| (c.clone(), v.to_string()))
            .collect();
        rows.push((format!("line {}", n + 1), fields));
    }
    finish(rows, classes, problems)
}

/// Parse bays GeoJSON; on failure every problem with its JSON path.
pub fn parse_bays_geojson(text: &str, classes: &[VehicleClass]) -> Result<Vec<Bay>, Vec<String>> {
    let value: Value = serde_json::from_str(text).map_err(|e| vec![format!("not JSON: {e}")])?;
    let Some(features) = value.get("features").and_then(Value::as_array) else {
        return Err(vec![
            "$: expected a FeatureCollection with a `features` array".into(),
        ]);
    };
    let mut problems = Vec::new();
    let mut rows = Vec::new();
    for (i, f) in features.iter().enumerate() {
        let at = format!("$.features[{i}]");
        let geometry = f.get("geometry");
        let kind = geometry.and_then(|g| g.get("type")).and_then(Value::as_str);
        let coords = geometry
            .and_then(|g| g.get("coordinates"))
            .and_then(Value::as_array)
            .filter(|c| c.len() >= 2)
            .and_then(|c| Some([c[0].as_f64()?, c[1].as_f64()?]));
        let (Some("Point"), Some([lon, lat])) = (kind, coords) else {
            problems.push(format!(
                "{at}.geometry: expected a Point with [lon, lat] coordinates"
            ));
            continue;
        };
        let mut fields = Fields::new();
        if let Some(props) = f.get("properties").and_then(Value::as_object) {
            for (k, v) in props {
                if !KNOWN.contains(&k.as_str()) {
                    problems.push(format!(
                        "{at}.properties.{k}: unknown property (known: {})",
                        KNOWN.join(", ")
                    ));
                    continue;
                }
                let text = match v {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    Value::Array(items) => items
                        .iter()
                        .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                        .collect::<Vec<_>>()
                        .join(";"),
                    Value::Null => continue,
                    other => other.to_string(),
                };
                fields.insert(k.clone(), text);
            }
        }
        if !fields.contains_key("id") {
            if let Some(id) = f.get("id") {
                fields.insert(
                    "id".into(),
                    id.as_str().map_or_else(|| id.to_string(), str::to_string),
                );
            }
        }
        fields.insert("lon".into(), lon.to_string());
        fields.insert("lat".into(), lat.to_string());
        rows.push((format!("{at}.properties"), fields));
    }
    finish(rows, classes, problems)
}

const KNOWN: [&str; 10] = [
    "id",
    "lon",
    "lat",
    "capacity",
    "hours",
    "max_dwell_min",
    "clean_extra_min",
    "classes",
    "max_length_m",
    "radius_m",
];

/// Turn rows of fields into bays, collecting every problem.
fn finish(
    rows: Vec<(String, Fields)>,
    classes: &[VehicleClass],
    mut problems: Vec<String>,
) -> Result<Vec<Bay>, Vec<String>> {
    let mut bays: Vec<Bay> = Vec::new();
    for (at, f) in rows {
        let mut bad = |what: String| problems.push(format!("{at}: {what}"));
        let id = f.get("id").cloned().unwrap_or_default();
        if id.is_empty() {
            bad("missing `id`".into());
        } else if bays.iter().any(|b| b.id == id) {
            bad(format!("bay id `{id}` used twice"));
        }
        let mut number = |name: &str, default: f64, min: f64| -> f64 {
            match f.get(name).map(|v| v.parse::<f64>()) {
                None => default,
                Some(Ok(v)) if v.is_finite() && v >= min => v,
                Some(_) => {
                    bad(format!(
                        "`{name}`: expected a number of at least {min}, got `{}`",
                        f[name]
                    ));
                    default
                }
            }
        };
        let lon = number("lon", f64::NAN, -180.0);
        let lat = number("lat", f64::NAN, -90.0);
        let capacity = number("capacity", 1.0, 0.0);
        let max_dwell_min = number("max_dwell_min", 30.0, 0.0);
        let clean_extra_min = number("clean_extra_min", 0.0, 0.0);
        let radius_m = number("radius_m", 150.0, 0.0);
        let max_length_m = f
            .get("max_length_m")
            .map(|_| number("max_length_m", 0.0, 0.0));
        if !(lon <= 180.0 && lat <= 90.0) {
            bad(format!(
                "`lon`,`lat` {},{} is not a longitude,latitude pair in degrees",
                f.get("lon").map_or("?", String::as_str),
                f.get("lat").map_or("?", String::as_str)
            ));
        }
        if capacity < 1.0 || capacity.fract() != 0.0 {
            bad(format!(
                "`capacity`: expected a whole number of vehicles, at least 1, got {capacity}"
            ));
        }
        if max_dwell_min <= 0.0 {
            bad("`max_dwell_min`: a bay where no vehicle may stay".into());
        }
        let hours = match f.get("hours").map(|h| Schedule::parse(h)) {
            None => Schedule::always(),
            Some(Ok(s)) if !s.is_empty() => s,
            Some(Ok(_)) => {
                bad("`hours`: never open".into());
                Schedule::always()
            }
            Some(Err(e)) => {
                bad(format!("`hours`: {e}"));
                Schedule::always()
            }
        };
        let allowed = f.get("classes").map(|list| {
            list.split(';')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .filter_map(|c| {
                    let found = classes.iter().position(|k| k.id == c);
                    if found.is_none() {
                        problems.push(format!(
                            "{at}: `classes`: unknown vehicle class `{c}` (see `cityfreight classes`)"
                        ));
                    }
                    found
                })
                .collect::<Vec<usize>>()
        });
        let bay = Bay {
            id,
            lon_lat: [lon, lat],
            capacity: capacity as u32,
            hours,
            max_dwell_s: (max_dwell_min * 60.0).round() as u32,
            clean_extra_s: (clean_extra_min * 60.0).round() as u32,
            classes: allowed,
            max_length_mm: max_length_m.map(|m| (m * 1000.0).round() as u32),
            radius_m,
        };
        if !classes.iter().enumerate().any(|(c, k)| bay.admits(c, k)) {
            problems.push(format!(
                "{at}: bay `{}` admits no vehicle class (check `classes` and `max_length_m`)",
                bay.id
            ));
        }
        bays.push(bay);
    }
    if problems.is_empty() {
        Ok(bays)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vehicle::default_classes;

    #[test]
    fn csv_with_defaults_and_limits() {
        let text = "id,lon,lat,capacity,hours,classes,max_length_m\n\
                    b1,104.06,30.66,2,Mo-Fr 07:00-19:00,e-tricycle;e-micro-van,6\n\
                    b2,104.07,30.67,,,,\n";
        let bays = parse_bays_csv(text, &default_classes()).expect("valid");
        assert_eq!(bays.len(), 2);
        assert_eq!(bays[0].capacity, 2);
        assert_eq!(bays[0].classes.as_ref().map(Vec::len), Some(2));
        assert_eq!(bays[1].capacity, 1);
        assert_eq!(bays[1].max_dwell_s, 1800);
        assert!((bays[1].radius_m - 150.0).abs() < 1e-9);
    }

    #[test]
    fn csv_lists_every_problem_with_its_line() {
        let text = "id,lon,lat,capacity,hours,classes,max_length_m\n\
                    b1,104.06,30.66,0,25:00-26:00,hovercraft,\n\
                    b1,200,30.67,1,,,1\n";
        let problems = parse_bays_csv(text, &default_classes()).unwrap_err();
        let all = problems.join("\n");
        for expected in [
            "line 2: `capacity`",
            "line 2: `hours`",
            "line 2: `classes`: unknown vehicle class `hovercraft`",
            "line 3: bay id `b1` used twice",
            "line 3: `lon`,`lat`",
            "line 3: bay `b1` admits no vehicle class",
        ] {
            assert!(all.contains(expected), "missing `{expected}` in:\n{all}");
        }
    }

    #[test]
    fn geojson_points_with_properties() {
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","id":"g1","geometry":{"type":"Point","coordinates":[104.06,30.66]},
             "properties":{"capacity":3,"classes":["e-tricycle"]}},
            {"type":"Feature","geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]},
             "properties":{"id":"x"}},
            {"type":"Feature","geometry":{"type":"Point","coordinates":[104.0,30.0]},
             "properties":{"id":"y","colour":"red"}}]}"#;
        let problems = parse_bays_geojson(text, &default_classes()).unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].starts_with("$.features[1].geometry"));
        assert!(problems[1].starts_with("$.features[2].properties.colour"));
        let ok = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","id":"g1","geometry":{"type":"Point","coordinates":[104.06,30.66]},
             "properties":{"capacity":3,"classes":["e-tricycle"]}}]}"#;
        let bays = parse_bays_geojson(ok, &default_classes()).expect("valid");
        assert_eq!(bays[0].id, "g1");
        assert_eq!(bays[0].capacity, 3);
    }
}
