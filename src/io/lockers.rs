//! Parcel locker and pickup point files (智能快件箱, 自提点): CSV or GeoJSON.
//!
//! CSV header (columns in any order; only `id,lon,lat` required):
//! `id,name,kind,lon,lat,small,medium,large,parcels,hours,carriers,service_s,per_parcel_s`.
//! GeoJSON: a FeatureCollection of Point features whose properties have the same names (`id` may
//! also be the feature id). `kind` is `locker` (default) or `pickup_point`. A locker gives its
//! compartments by size (`small`, `medium`, `large` counts; a parcel goes into its size or a
//! larger one, sizes by the scenario's `[lockers]` `small_l`, `medium_l`, `large_l`) or just a
//! parcel count (`parcels`); a pickup point gives `parcels` per day. `hours` is the
//! opening_hours subset of [`crate::time::Schedule::parse`] (default: always); `carriers` lists
//! the carrier ids that may use it, joined by `;` (empty or `*`: every carrier, as for most shared
//! lockers); `service_s` is the time per order served there (default 60 s) and `per_parcel_s`
//! per parcel (default 10 s). `name` is free text (Chinese fine). Coordinates are WGS84 unless the
//! scenario's `[lockers]` table declares `crs` (or a GeoJSON file names it in its `crs` member).
//! Every problem of the file is reported at once with its line or JSON path; a capacity of zero
//! is a rule of the scenario ([`crate::scenario::Scenario::validate`]), reported there with the
//! locker's line.

use super::crs::{resolve, Crs};
use super::features::{csv_rows, geojson_rows, hours, id_and_position, is_geojson, number, Rows};
use super::file::{read_text, FileError};
use crate::scenario::{Locker, LockerCapacity, LockerKind};
use std::path::Path;

/// Why a lockers file could not be used.
pub type Error = FileError;

const WHAT: &str = "lockers file";

const KNOWN: [&str; 13] = [
    "id",
    "name",
    "kind",
    "lon",
    "lat",
    "small",
    "medium",
    "large",
    "parcels",
    "hours",
    "carriers",
    "service_s",
    "per_parcel_s",
];

/// Read a lockers file whose coordinates are in `crs` (`None`: WGS84 unless a GeoJSON file's
/// `crs` member says otherwise), converted to WGS84. Each locker's `origin` names the file and
/// line (or JSON path).
pub fn read_lockers_in(path: &Path, crs: Option<Crs>) -> Result<Vec<Locker>, Error> {
    let text = read_text(path, WHAT)?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let parsed = if is_geojson(path) {
        geojson_rows(&text, &KNOWN).and_then(|(rows, in_file)| {
            let crs = resolve(crs, in_file).map_err(|e| vec![e])?;
            lockers_from(rows, crs, &name)
        })
    } else {
        csv_rows(&text, &KNOWN, &["id", "lon", "lat"])
            .and_then(|rows| lockers_from(rows, crs.unwrap_or_default(), &name))
    };
    parsed.map_err(|problems| FileError::invalid(path, WHAT, problems))
}

/// Parse WGS84 lockers CSV; on failure every problem with its line number.
pub fn parse_lockers_csv(text: &str) -> Result<Vec<Locker>, Vec<String>> {
    lockers_from(
        csv_rows(text, &KNOWN, &["id", "lon", "lat"])?,
        Crs::Wgs84,
        "lockers",
    )
}

/// Parse lockers GeoJSON; on failure every problem with its JSON path.
pub fn parse_lockers_geojson(text: &str) -> Result<Vec<Locker>, Vec<String>> {
    let (rows, crs) = geojson_rows(text, &KNOWN)?;
    lockers_from(rows, crs.unwrap_or_default(), "lockers")
}

/// A whole count field (`None` when absent or empty).
fn count(
    f: &super::features::Fields,
    name: &str,
    problems: &mut Vec<String>,
    at: &str,
) -> Option<u32> {
    if f.get(name).is_none_or(|v| v.trim().is_empty()) {
        return None;
    }
    let v = number(f, name, 0.0, 0.0, problems, at);
    if v.fract() != 0.0 || v > f64::from(u32::MAX) {
        problems.push(format!("{at}: `{name}`: expected a whole number, got {v}"));
        return Some(0);
    }
    Some(v as u32)
}

/// Turn rows of fields into lockers, collecting every problem.
fn lockers_from(rows: Rows, crs: Crs, file: &str) -> Result<Vec<Locker>, Vec<String>> {
    let mut problems = Vec::new();
    let mut lockers: Vec<Locker> = Vec::new();
    for (at, f) in rows {
        let p = &mut problems;
        let seen: Vec<&str> = lockers.iter().map(|l| l.id.as_str()).collect();
        let (id, lon_lat) = id_and_position(&f, &seen, "locker", crs, p, &at);
        let kind = match f.get("kind").map(|k| k.trim()) {
            None | Some("" | "locker") => LockerKind::Locker,
            Some("pickup_point" | "pickup point" | "station") => LockerKind::PickupPoint,
            Some(other) => {
                p.push(format!(
                    "{at}: `kind`: expected locker or pickup_point, got `{other}`"
                ));
                LockerKind::Locker
            }
        };
        let sizes = [
            count(&f, "small", p, &at),
            count(&f, "medium", p, &at),
            count(&f, "large", p, &at),
        ];
        let parcels = count(&f, "parcels", p, &at);
        let by_size = sizes.iter().any(Option::is_some);
        let capacity = match (kind, by_size, parcels) {
            (LockerKind::Locker, true, None) => LockerCapacity::Compartments {
                small: sizes[0].unwrap_or(0),
                medium: sizes[1].unwrap_or(0),
                large: sizes[2].unwrap_or(0),
            },
            (_, false, Some(n)) => LockerCapacity::Parcels(n),
            (LockerKind::Locker, true, Some(_)) => {
                p.push(format!(
                    "{at}: give compartments (`small`, `medium`, `large`) or `parcels`, not both"
                ));
                LockerCapacity::Parcels(0)
            }
            (LockerKind::PickupPoint, true, _) => {
                p.push(format!(
                    "{at}: a pickup point has `parcels` per day, not compartments"
                ));
                LockerCapacity::Parcels(0)
            }
            (_, false, None) => {
                p.push(format!(
                    "{at}: no capacity: give compartments (`small`, `medium`, `large`) or `parcels`"
                ));
                LockerCapacity::Parcels(0)
            }
        };
        let carriers = f.get("carriers").and_then(|list| {
            let ids: Vec<String> = list
                .split(';')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect();
            (!ids.is_empty() && !ids.iter().any(|c| c == "*")).then_some(ids)
        });
        let service_s = number(&f, "service_s", 60.0, 0.0, p, &at);
        let per_parcel_s = number(&f, "per_parcel_s", 10.0, 0.0, p, &at);
        let hours = hours(&f, p, &at);
        lockers.push(Locker {
            name: f.get("name").cloned().unwrap_or_else(|| id.clone()),
            id,
            kind,
            lon_lat,
            capacity,
            hours,
            carriers,
            service_s: service_s.min(86_400.0).round() as u32,
            per_parcel_s: per_parcel_s.min(86_400.0).round() as u32,
            origin: format!("{file} {at}"),
        });
    }
    if problems.is_empty() {
        Ok(lockers)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_lockers_and_pickup_points() {
        let text = "id,name,kind,lon,lat,small,medium,large,parcels,hours,carriers,service_s\n\
                    L1,丰巢 春熙路,locker,104.08,30.65,40,20,6,,,*,90\n\
                    P1,菜鸟驿站,pickup_point,104.07,30.66,,,,300,Mo-Su 08:00-21:00,sf;jd,\n";
        let l = parse_lockers_csv(text).expect("valid");
        assert_eq!(l.len(), 2);
        assert_eq!(
            l[0].capacity,
            LockerCapacity::Compartments {
                small: 40,
                medium: 20,
                large: 6
            }
        );
        assert_eq!(l[0].carriers, None);
        assert_eq!(l[0].service_s, 90);
        assert_eq!(l[0].name, "丰巢 春熙路");
        assert_eq!(l[1].kind, LockerKind::PickupPoint);
        assert_eq!(l[1].capacity, LockerCapacity::Parcels(300));
        assert_eq!(
            l[1].carriers.as_deref(),
            Some(&["sf".to_string(), "jd".into()][..])
        );
        assert_eq!(l[1].origin, "lockers line 3");
        assert!(l[1].admits("jd") && !l[1].admits("yto"));
    }

    #[test]
    fn csv_lists_every_problem_with_its_line() {
        let text = "id,kind,lon,lat,small,parcels,hours\n\
                    L1,kiosk,104.08,30.65,4,,\n\
                    L1,locker,104.08,95,2,3,25:00-26:00\n\
                    P1,pickup_point,104.07,30.66,5,,\n\
                    X,locker,104.07,30.66,,,\n";
        let all = parse_lockers_csv(text).unwrap_err().join("\n");
        for expected in [
            "line 2: `kind`",
            "line 3: locker id `L1` used twice",
            "line 3: `lon`,`lat`",
            "line 3: give compartments",
            "line 3: `hours`",
            "line 4: a pickup point has `parcels`",
            "line 5: no capacity",
        ] {
            assert!(all.contains(expected), "missing `{expected}` in:\n{all}");
        }
    }

    #[test]
    fn geojson_points() {
        let text = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","id":"g1","geometry":{"type":"Point","coordinates":[104.06,30.66]},
             "properties":{"kind":"pickup_point","parcels":120,"carriers":["sf"]}}]}"#;
        let l = parse_lockers_geojson(text).expect("valid");
        assert_eq!(l[0].id, "g1");
        assert_eq!(l[0].capacity, LockerCapacity::Parcels(120));
        assert_eq!(l[0].origin, "lockers $.features[0].properties");
    }
}
