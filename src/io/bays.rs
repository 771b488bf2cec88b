//! Loading point (bay) files: CSV or GeoJSON.
//!
//! CSV header (columns in any order; only `id,lon,lat` required):
//! `id,lon,lat,capacity,hours,max_dwell_min,clean_extra_min,classes,max_length_m,radius_m`.
//! GeoJSON: a FeatureCollection of Point features whose properties have the same names (`id` may
//! also be the feature id). Defaults: capacity 1, hours always (`hours` is the opening_hours
//! subset of [`crate::time::Schedule::parse`]), 30 min dwell, no extra for clean-energy vehicles,
//! every class (`classes` lists class ids joined by `;`), any length, 150 m walking radius.
//! Coordinates are WGS84 unless the scenario's `[bays]` table declares `crs = "gcj02"` or
//! `"bd09"` (or a GeoJSON file names it in its `crs` member); they are converted to WGS84 here.
//! CSV is read by [`super::table::read_csv`]: quoted fields, CRLF, a byte order mark and
//! Chinese text are fine. Every problem of the file is reported at once, with its line or JSON path; a bay that no class
//! of the scenario may use is an error.

use super::crs::{resolve, Crs};
use super::features::{csv_rows, geojson_rows, hours, id_and_position, is_geojson, number, Rows};
use super::file::{read_text, FileError};
use crate::scenario::Bay;
use crate::vehicle::VehicleClass;
use std::path::Path;

/// Why a bays file could not be used.
pub type Error = FileError;

const WHAT: &str = "bays file";

/// Read a WGS84 bays file (`.geojson`/`.json` as GeoJSON, anything else as CSV; a GeoJSON
/// `crs` member is honoured).
pub fn read_bays(path: &Path, classes: &[VehicleClass]) -> Result<Vec<Bay>, Error> {
    read_bays_in(path, classes, None)
}

/// Read a bays file whose coordinates are in `crs` (`None`: WGS84 unless a GeoJSON file's
/// `crs` member says otherwise), converted to WGS84.
pub fn read_bays_in(
    path: &Path,
    classes: &[VehicleClass],
    crs: Option<Crs>,
) -> Result<Vec<Bay>, Error> {
    let text = read_text(path, WHAT)?;
    let parsed = if is_geojson(path) {
        geojson_rows(&text, &KNOWN).and_then(|(rows, in_file)| {
            let crs = resolve(crs, in_file).map_err(|e| vec![e])?;
            bays_from(rows, classes, crs)
        })
    } else {
        csv_rows(&text, &KNOWN, &["id", "lon", "lat"])
            .and_then(|rows| bays_from(rows, classes, crs.unwrap_or_default()))
    };
    parsed.map_err(|problems| FileError::invalid(path, WHAT, problems))
}

/// Parse WGS84 bays CSV; on failure every problem with its line number.
pub fn parse_bays_csv(text: &str, classes: &[VehicleClass]) -> Result<Vec<Bay>, Vec<String>> {
    bays_from(
        csv_rows(text, &KNOWN, &["id", "lon", "lat"])?,
        classes,
        Crs::Wgs84,
    )
}

/// Parse bays GeoJSON; on failure every problem with its JSON path.
pub fn parse_bays_geojson(text: &str, classes: &[VehicleClass]) -> Result<Vec<Bay>, Vec<String>> {
    let (rows, crs) = geojson_rows(text, &KNOWN)?;
    bays_from(rows, classes, crs.unwrap_or_default())
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
fn bays_from(rows: Rows, classes: &[VehicleClass], crs: Crs) -> Result<Vec<Bay>, Vec<String>> {
    let mut problems = Vec::new();
    let mut bays: Vec<Bay> = Vec::new();
    for (at, f) in rows {
        let p = &mut problems;
        let seen: Vec<&str> = bays.iter().map(|b| b.id.as_str()).collect();
        let (id, lon_lat) = id_and_position(&f, &seen, "bay", crs, p, &at);
        let capacity = number(&f, "capacity", 1.0, 0.0, p, &at);
        let max_dwell_min = number(&f, "max_dwell_min", 30.0, 0.0, p, &at);
        let clean_extra_min = number(&f, "clean_extra_min", 0.0, 0.0, p, &at);
        let radius_m = number(&f, "radius_m", 150.0, 0.0, p, &at);
        let max_length_m = f
            .get("max_length_m")
            .map(|_| number(&f, "max_length_m", 0.0, 0.0, p, &at));
        if capacity < 1.0 || capacity.fract() != 0.0 {
            p.push(format!(
                "{at}: `capacity`: expected a whole number of vehicles, at least 1, got {capacity}"
            ));
        }
        if max_dwell_min <= 0.0 {
            p.push(format!(
                "{at}: `max_dwell_min`: a bay where no vehicle may stay"
            ));
        }
        let hours = hours(&f, p, &at);
        let allowed = f.get("classes").map(|list| {
            list.split(';')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .filter_map(|c| {
                    let found = classes.iter().position(|k| k.id == c);
                    if found.is_none() {
                        p.push(format!(
                            "{at}: `classes`: unknown vehicle class `{c}` (see `cityfreight classes`)"
                        ));
                    }
                    found
                })
                .collect::<Vec<usize>>()
        });
        let bay = Bay {
            id,
            lon_lat,
            capacity: capacity as u32,
            hours,
            max_dwell_s: (max_dwell_min * 60.0).round() as u32,
            clean_extra_s: (clean_extra_min * 60.0).round() as u32,
            classes: allowed,
            max_length_mm: max_length_m.map(|m| (m * 1000.0).round() as u32),
            radius_m,
        };
        if !classes.iter().enumerate().any(|(c, k)| bay.admits(c, k)) {
            p.push(format!(
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
