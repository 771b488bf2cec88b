//! Zones from GeoJSON (what planners draw in QGIS): a FeatureCollection of Polygon or
//! MultiPolygon features, each with a string `id` property (or feature `id`) and an optional
//! `name`. Coordinates are WGS84 unless the file's `crs` member (`{"type": "name", "properties":
//! {"name": "gcj02"}}`) or the policy's `zones_crs` names `gcj02` or `bd09` (they must agree when
//! both are given); every vertex is then converted to WGS84 here. Every problem is reported at
//! once, with its JSON path.

use super::crs::{geojson_crs, resolve, Crs};
use super::file::{parse_json, read_text, FileError};
use crate::zones::{Zone, MAX_ZONES};
use geo::{Coord, LineString, MultiPolygon, Polygon, Validation};
use serde_json::Value;
use std::path::Path;

/// Why a zones file could not be used.
pub type Error = FileError;

const WHAT: &str = "zones file";

/// Read zones from a GeoJSON file (WGS84 unless its `crs` member names `gcj02` or `bd09`).
pub fn read_zones(path: &Path) -> Result<Vec<Zone>, Error> {
    read_zones_in(path, None)
}

/// Read zones from a GeoJSON file whose coordinates are in `crs` (declared by the policy's
/// `zones_crs`; `None`: the file's `crs` member, else WGS84), converted to WGS84.
pub fn read_zones_in(path: &Path, crs: Option<Crs>) -> Result<Vec<Zone>, Error> {
    let text = read_text(path, WHAT)?;
    let value = parse_json(path, WHAT, &text)?;
    parse_zones_in(&value, crs).map_err(|problems| FileError::invalid(path, WHAT, problems))
}

/// Zones from parsed GeoJSON (WGS84 unless its `crs` member says otherwise); on failure every
/// problem with its JSON path.
pub fn parse_zones(value: &Value) -> Result<Vec<Zone>, Vec<String>> {
    parse_zones_in(value, None)
}

/// Zones from parsed GeoJSON in `crs` (see [`read_zones_in`]); on failure every problem with
/// its JSON path.
pub fn parse_zones_in(value: &Value, crs: Option<Crs>) -> Result<Vec<Zone>, Vec<String>> {
    let crs = geojson_crs(value)
        .and_then(|in_file| resolve(crs, in_file))
        .map_err(|e| vec![e])?;
    let mut problems = Vec::new();
    let features: Vec<&Value> = match value.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => match value.get("features").and_then(Value::as_array) {
            Some(f) => f.iter().collect(),
            None => {
                return Err(vec![
                    "$.features: a FeatureCollection needs a `features` array".into(),
                ])
            }
        },
        Some("Feature") => vec![value],
        other => {
            return Err(vec![format!(
                "$.type: expected \"FeatureCollection\" or \"Feature\", found {other:?}"
            )])
        }
    };
    let mut zones = Vec::new();
    for (i, feature) in features.iter().enumerate() {
        let here = format!("$.features[{i}]");
        let props = feature.get("properties");
        let id = props
            .and_then(|p| p.get("id"))
            .or_else(|| feature.get("id"))
            .and_then(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            });
        let Some(id) = id else {
            problems.push(format!("{here}.properties.id: every zone needs an id"));
            continue;
        };
        let name = props
            .and_then(|p| p.get("name"))
            .and_then(Value::as_str)
            .unwrap_or(&id)
            .to_string();
        let geometry = feature.get("geometry");
        let kind = geometry.and_then(|g| g.get("type")).and_then(Value::as_str);
        let coords = geometry.and_then(|g| g.get("coordinates"));
        let polygons: Vec<(String, &Value)> = match (kind, coords) {
            (Some("Polygon"), Some(c)) => vec![(format!("{here}.geometry.coordinates"), c)],
            (Some("MultiPolygon"), Some(Value::Array(ps))) => ps
                .iter()
                .enumerate()
                .map(|(k, p)| (format!("{here}.geometry.coordinates[{k}]"), p))
                .collect(),
            _ => {
                problems.push(format!("{here}.geometry: zone `{id}` needs a Polygon or MultiPolygon geometry, found {kind:?}"));
                continue;
            }
        };
        let before = problems.len();
        let mut parts = Vec::new();
        for (at, rings) in polygons {
            if let Some(p) = polygon(&at, rings, crs, &mut problems) {
                parts.push(p);
            }
        }
        let area = MultiPolygon::new(parts);
        if problems.len() == before {
            for e in area.validation_errors() {
                problems.push(format!(
                    "{here}.geometry: zone `{id}` is not a valid area: {e}"
                ));
            }
        }
        if zones.iter().any(|z: &Zone| z.id == id) {
            problems.push(format!(
                "{here}.properties.id: zone id `{id}` is used twice"
            ));
        }
        zones.push(Zone { id, name, area });
    }
    if zones.len() > MAX_ZONES {
        problems.push(format!(
            "{} zones: at most {MAX_ZONES} are supported",
            zones.len()
        ));
    }
    if problems.is_empty() {
        Ok(zones)
    } else {
        Err(problems)
    }
}

fn polygon(at: &str, rings: &Value, crs: Crs, problems: &mut Vec<String>) -> Option<Polygon<f64>> {
    let Some(rings) = rings.as_array().filter(|r| !r.is_empty()) else {
        problems.push(format!("{at}: expected an array of linear rings"));
        return None;
    };
    let mut out = Vec::new();
    for (r, ring) in rings.iter().enumerate() {
        let at = format!("{at}[{r}]");
        let Some(points) = ring.as_array() else {
            problems.push(format!("{at}: expected an array of [lon, lat] positions"));
            return None;
        };
        let mut coords = Vec::with_capacity(points.len());
        for (k, p) in points.iter().enumerate() {
            match p.as_array().map(|a| {
                (
                    a.first().and_then(Value::as_f64),
                    a.get(1).and_then(Value::as_f64),
                )
            }) {
                Some((Some(x), Some(y)))
                    if (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y) =>
                {
                    let [x, y] = crs.to_wgs84([x, y]);
                    coords.push(Coord { x, y })
                }
                _ => {
                    problems.push(format!(
                        "{at}[{k}]: expected a [lon, lat] position in degrees, found {p}"
                    ));
                    return None;
                }
            }
        }
        if coords.len() < 4 {
            problems.push(format!(
                "{at}: a linear ring needs at least 4 positions, found {}",
                coords.len()
            ));
            return None;
        }
        if coords.first() != coords.last() {
            problems.push(format!(
                "{at}: the ring does not close (its last position must equal its first)"
            ));
            return None;
        }
        out.push(LineString::new(coords));
    }
    let exterior = out.remove(0);
    Some(Polygon::new(exterior, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(id: &str, x: f64) -> Value {
        serde_json::json!({"type": "Feature", "properties": {"id": id}, "geometry": {"type": "Polygon", "coordinates": [[[x, 0.0], [x + 1.0, 0.0], [x + 1.0, 1.0], [x, 1.0], [x, 0.0]]]}})
    }

    #[test]
    fn reads_a_feature_collection() {
        let fc = serde_json::json!({"type": "FeatureCollection", "features": [square("a", 0.0), square("b", 5.0)]});
        let zones = parse_zones(&fc).unwrap();
        assert_eq!(
            zones.iter().map(|z| z.id.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
    }

    #[test]
    fn lists_every_problem_with_its_path() {
        let open = serde_json::json!({"type": "Feature", "properties": {"id": "open"}, "geometry": {"type": "Polygon", "coordinates": [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]]}});
        let bowtie = serde_json::json!({"type": "Feature", "properties": {"id": "bowtie"}, "geometry": {"type": "Polygon", "coordinates": [[[0.0, 0.0], [1.0, 1.0], [1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]]}});
        let point = serde_json::json!({"type": "Feature", "properties": {"id": "p"}, "geometry": {"type": "Point", "coordinates": [0.0, 0.0]}});
        let fc = serde_json::json!({"type": "FeatureCollection", "features": [open, bowtie, point, square("a", 0.0), square("a", 3.0)]});
        let problems = parse_zones(&fc).unwrap_err();
        assert_eq!(problems.len(), 4, "{problems:#?}");
        assert!(problems[0].contains("$.features[0]") && problems[0].contains("does not close"));
        assert!(
            problems[1].contains("$.features[1]") && problems[1].contains("bowtie"),
            "{}",
            problems[1]
        );
        assert!(problems[2].contains("$.features[2].geometry"));
        assert!(problems[3].contains("used twice"));
    }
}
