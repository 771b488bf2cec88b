//! Point feature files shared by bays and charging stations: a CSV with a header, or a GeoJSON
//! FeatureCollection of Points whose properties carry the same names. Both become rows of named
//! text fields with their place in the file (`line 7`, `$.features[3].properties`), so one
//! validator serves both formats.
//!
//! Coordinates are in the system the scenario declares for the file (`crs` in `[bays]` or
//! `[charging]`: `wgs84`, the default, `gcj02` or `bd09`, see [`super::crs`]); a GeoJSON file may
//! also name it in its `crs` member, which must then agree. They are WGS84 once read.
//!
//! Invariants: every problem is reported (unknown columns or properties, ragged rows, non-Point
//! geometry), never only the first; `lon` and `lat` always come from the geometry in GeoJSON.

use super::crs::{geojson_crs, Crs};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// One feature's fields as text (empty CSV cells and JSON nulls are absent).
pub type Fields = BTreeMap<String, String>;

/// Rows of fields with where each came from.
pub type Rows = Vec<(String, Fields)>;

/// True when `path` names a GeoJSON file (`.geojson` or `.json`).
pub fn is_geojson(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("geojson") || e.eq_ignore_ascii_case("json"))
}

/// CSV rows (read by [`super::table::read_csv`]: quoted fields, CRLF, `#` comments, a BOM);
/// `known` lists the allowed columns, `required` those that must be present.
pub fn csv_rows(text: &str, known: &[&str], required: &[&str]) -> Result<Rows, Vec<String>> {
    let Some(table) = super::table::read_csv(text)? else {
        return Err(vec![format!(
            "line 1: empty file; expected a header with {}",
            required.join(",")
        )]);
    };
    let columns = &table.columns;
    let mut problems = Vec::new();
    for r in required {
        if !columns.iter().any(|c| c == r) {
            problems.push(format!("header: missing column `{r}`"));
        }
    }
    for c in columns {
        if !known.contains(&c.as_str()) {
            problems.push(format!(
                "header: unknown column `{c}` (known: {})",
                known.join(", ")
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut rows = Vec::new();
    for record in table.records {
        let cells = &record.fields;
        if cells.len() != columns.len() {
            problems.push(format!(
                "line {}: {} fields, the header has {}",
                record.line,
                cells.len(),
                columns.len()
            ));
            continue;
        }
        let fields: Fields = columns
            .iter()
            .zip(cells)
            .filter(|(_, v)| !v.is_empty())
            .map(|(c, v)| (c.clone(), v.clone()))
            .collect();
        rows.push((format!("line {}", record.line), fields));
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// GeoJSON Point features as rows (`id` may also be the feature id; arrays join with `;`),
/// with the coordinate system its `crs` member names, if any ([`super::crs::geojson_crs`]).
pub fn geojson_rows(text: &str, known: &[&str]) -> Result<(Rows, Option<Crs>), Vec<String>> {
    let value: Value = serde_json::from_str(text).map_err(|e| vec![format!("not JSON: {e}")])?;
    let crs = geojson_crs(&value).map_err(|e| vec![e])?;
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
                if !known.contains(&k.as_str()) {
                    problems.push(format!(
                        "{at}.properties.{k}: unknown property (known: {})",
                        known.join(", ")
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
    if problems.is_empty() {
        Ok((rows, crs))
    } else {
        Err(problems)
    }
}

/// A number field: `default` when absent; a problem (and `default`) when not a number of at
/// least `min`.
pub fn number(
    f: &Fields,
    name: &str,
    default: f64,
    min: f64,
    problems: &mut Vec<String>,
    at: &str,
) -> f64 {
    match f.get(name).map(|v| v.parse::<f64>()) {
        None => default,
        Some(Ok(v)) if v.is_finite() && v >= min => v,
        Some(_) => {
            problems.push(format!(
                "{at}: `{name}`: expected a number of at least {min}, got `{}`",
                f[name]
            ));
            default
        }
    }
}

/// The `id`, `lon` and `lat` of a row (converted from `crs` to WGS84), with problems for a
/// missing or repeated id and for a position that is not in degrees.
pub fn id_and_position(
    f: &Fields,
    seen: &[&str],
    what: &str,
    crs: Crs,
    problems: &mut Vec<String>,
    at: &str,
) -> (String, [f64; 2]) {
    let id = f.get("id").cloned().unwrap_or_default();
    if id.is_empty() {
        problems.push(format!("{at}: missing `id`"));
    } else if seen.contains(&id.as_str()) {
        problems.push(format!("{at}: {what} id `{id}` used twice"));
    }
    let lon = number(f, "lon", f64::NAN, -180.0, problems, at);
    let lat = number(f, "lat", f64::NAN, -90.0, problems, at);
    if !(lon <= 180.0 && lat <= 90.0) {
        problems.push(format!(
            "{at}: `lon`,`lat` {},{} is not a longitude,latitude pair in degrees",
            f.get("lon").map_or("?", String::as_str),
            f.get("lat").map_or("?", String::as_str)
        ));
        return (id, [lon, lat]);
    }
    (id, crs.to_wgs84([lon, lat]))
}

/// Opening hours (`Schedule::parse` subset); always open when absent.
pub fn hours(f: &Fields, problems: &mut Vec<String>, at: &str) -> crate::time::Schedule {
    use crate::time::Schedule;
    match f.get("hours").map(|h| Schedule::parse(h)) {
        None => Schedule::always(),
        Some(Ok(s)) if !s.is_empty() => s,
        Some(Ok(_)) => {
            problems.push(format!("{at}: `hours`: never open"));
            Schedule::always()
        }
        Some(Err(e)) => {
            problems.push(format!("{at}: `hours`: {e}"));
            Schedule::always()
        }
    }
}
