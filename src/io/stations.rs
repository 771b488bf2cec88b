//! Charging station files (CSV or GeoJSON, like bays) and stations tagged in the OSM extract.
//!
//! CSV header (columns in any order; `id,lon,lat` required):
//! `id,lon,lat,power_kw,connectors,hours,price_per_kwh`. GeoJSON: Point features with the same
//! properties. Defaults: 60 kW, 1 connector, always open, 1.2 yuan/kWh. Every problem is
//! reported at once with its line or JSON path. From OSM ([`from_osm`]): nodes tagged
//! `amenity=charging_station` that the public may use (`access` absent, `yes`, `public` or
//! `permissive`), with `capacity` as connectors, the highest `socket:*:output` as power and
//! `opening_hours` when our parser reads it (otherwise always open, noted).

use super::features::{csv_rows, geojson_rows, hours, id_and_position, is_geojson, number, Rows};
use crate::osm::read::OsmCharger;
use crate::scenario::ChargingStation;
use crate::time::Schedule;
use std::path::{Path, PathBuf};

/// Why a stations file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be read.
    #[error("cannot read charging stations file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file has problems, each with its line or JSON path.
    #[error("charging stations file {path} has {} problem(s):\n  {}", problems.len(), problems.join("\n  "))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// One line per problem.
        problems: Vec<String>,
    },
}

const KNOWN: [&str; 7] = [
    "id",
    "lon",
    "lat",
    "power_kw",
    "connectors",
    "hours",
    "price_per_kwh",
];

/// Power assumed for a station that does not say (kW).
pub const DEFAULT_POWER_KW: f64 = 60.0;

/// Read a stations file (`.geojson`/`.json` as GeoJSON, anything else as CSV).
pub fn read_stations(path: &Path) -> Result<Vec<ChargingStation>, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let rows = if is_geojson(path) {
        geojson_rows(&text, &KNOWN)
    } else {
        csv_rows(&text, &KNOWN, &["id", "lon", "lat"])
    };
    rows.and_then(stations_from)
        .map_err(|problems| Error::Invalid {
            path: path.to_path_buf(),
            problems,
        })
}

/// Parse stations CSV text; on failure every problem with its line.
pub fn parse_stations_csv(text: &str) -> Result<Vec<ChargingStation>, Vec<String>> {
    stations_from(csv_rows(text, &KNOWN, &["id", "lon", "lat"])?)
}

fn stations_from(rows: Rows) -> Result<Vec<ChargingStation>, Vec<String>> {
    let mut problems = Vec::new();
    let mut out: Vec<ChargingStation> = Vec::new();
    for (at, f) in rows {
        let p = &mut problems;
        let seen: Vec<&str> = out.iter().map(|s| s.id.as_str()).collect();
        let (id, lon_lat) = id_and_position(&f, &seen, "station", p, &at);
        let power_kw = number(&f, "power_kw", DEFAULT_POWER_KW, 0.0, p, &at);
        let connectors = number(&f, "connectors", 1.0, 0.0, p, &at);
        let price = number(&f, "price_per_kwh", 1.2, 0.0, p, &at);
        if power_kw <= 0.0 {
            p.push(format!("{at}: `power_kw`: a station that charges nothing"));
        }
        if connectors < 1.0 || connectors.fract() != 0.0 {
            p.push(format!(
                "{at}: `connectors`: expected a whole number, at least 1, got {connectors}"
            ));
        }
        out.push(ChargingStation {
            id,
            lon_lat,
            power_kw,
            connectors: connectors as u32,
            hours: hours(&f, p, &at),
            price_cents_per_kwh: (price * 100.0).round() as u32,
        });
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// Public charging stations tagged in the extract, with a note per station whose tags could not
/// be used as they are.
pub fn from_osm(chargers: &[OsmCharger]) -> (Vec<ChargingStation>, Vec<String>) {
    let mut notes = Vec::new();
    let mut out = Vec::new();
    for c in chargers {
        let public = c
            .access
            .as_deref()
            .is_none_or(|a| matches!(a, "yes" | "public" | "permissive"));
        if !public {
            notes.push(format!(
                "node {}: access={} — not a public charger, left out",
                c.id,
                c.access.as_deref().unwrap_or("")
            ));
            continue;
        }
        let hours = match c.opening_hours.as_deref().map(Schedule::parse) {
            None => Schedule::always(),
            Some(Ok(s)) if !s.is_empty() => s,
            Some(_) => {
                notes.push(format!(
                    "node {}: opening_hours={} not understood — taken as always open",
                    c.id,
                    c.opening_hours.as_deref().unwrap_or("")
                ));
                Schedule::always()
            }
        };
        let power_kw = c
            .output
            .as_deref()
            .and_then(crate::osm::tags::power_kw)
            .unwrap_or(DEFAULT_POWER_KW);
        let connectors = c
            .capacity
            .as_deref()
            .and_then(|v| v.trim().parse::<u32>().ok())
            .filter(|&n| n > 0)
            .unwrap_or(1);
        out.push(ChargingStation {
            id: format!("osm-node-{}", c.id),
            lon_lat: c.lon_lat,
            power_kw,
            connectors,
            hours,
            price_cents_per_kwh: 120,
        });
    }
    (out, notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_defaults_and_every_problem() {
        let ok = parse_stations_csv(
            "id,lon,lat,power_kw,hours\ns1,104.06,30.66,120,\ns2,104.07,30.67,,Mo-Fr 06:00-22:00\n",
        )
        .expect("valid");
        assert_eq!(ok.len(), 2);
        assert!((ok[1].power_kw - DEFAULT_POWER_KW).abs() < 1e-9);
        assert_eq!(ok[0].connectors, 1);
        let bad = parse_stations_csv(
            "id,lon,lat,power_kw,connectors,hours\ns1,104.06,30.66,0,0,24:30-25:00\ns1,104,95,7,1,\n",
        )
        .unwrap_err()
        .join("\n");
        for expected in [
            "line 2: `power_kw`",
            "line 2: `connectors`",
            "line 2: `hours`",
            "line 3: station id `s1` used twice",
            "line 3: `lon`,`lat`",
        ] {
            assert!(bad.contains(expected), "missing `{expected}` in:\n{bad}");
        }
    }

    #[test]
    fn osm_chargers_public_only() {
        let tesla = OsmCharger {
            id: 1,
            lon_lat: [104.0, 30.6],
            access: Some("customers".into()),
            ..OsmCharger::default()
        };
        let public = OsmCharger {
            id: 2,
            lon_lat: [104.1, 30.6],
            capacity: Some("4".into()),
            output: Some("120 kW".into()),
            opening_hours: Some("Mo-Fr 08:00-20:00".into()),
            ..OsmCharger::default()
        };
        let (stations, notes) = from_osm(&[tesla, public]);
        assert_eq!(stations.len(), 1);
        assert_eq!(stations[0].connectors, 4);
        assert!((stations[0].power_kw - 120.0).abs() < 1e-9);
        assert_eq!(notes.len(), 1);
    }
}
