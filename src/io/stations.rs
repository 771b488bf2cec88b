//! Charging station files (CSV or GeoJSON, like bays) and stations tagged in the OSM extract.
//!
//! CSV header (columns in any order; `id,lon,lat` required):
//! `id,lon,lat,power_kw,connectors,hours,price_per_kwh`. GeoJSON: Point features with the same
//! properties. Coordinates are WGS84 unless the scenario's `[charging]` table declares
//! `crs = "gcj02"` or `"bd09"` (or a GeoJSON file's `crs` member names it); converted here.
//! CSV is read by [`super::table::read_csv`] (quotes, CRLF, BOM, comments). Defaults: 60 kW, 1 connector, always open, 1.2 yuan/kWh. Every problem is
//! reported at once with its line or JSON path. Stations tagged in the extract are added by
//! [`crate::scenario::Scenario::add_osm_stations`].

use super::crs::{resolve, Crs};
use super::features::{csv_rows, geojson_rows, hours, id_and_position, is_geojson, number, Rows};
use super::file::{read_text, FileError};
use crate::scenario::{ChargingStation, DEFAULT_POWER_KW};
use std::path::Path;

/// Why a stations file could not be used.
pub type Error = FileError;

const WHAT: &str = "charging stations file";

const KNOWN: [&str; 7] = [
    "id",
    "lon",
    "lat",
    "power_kw",
    "connectors",
    "hours",
    "price_per_kwh",
];

/// Read a WGS84 stations file (`.geojson`/`.json` as GeoJSON, anything else as CSV; a GeoJSON
/// `crs` member is honoured).
pub fn read_stations(path: &Path) -> Result<Vec<ChargingStation>, Error> {
    read_stations_in(path, None)
}

/// Read a stations file whose coordinates are in `crs` (`None`: WGS84 unless a GeoJSON file's
/// `crs` member says otherwise), converted to WGS84.
pub fn read_stations_in(path: &Path, crs: Option<Crs>) -> Result<Vec<ChargingStation>, Error> {
    let text = read_text(path, WHAT)?;
    let parsed = if is_geojson(path) {
        geojson_rows(&text, &KNOWN).and_then(|(rows, in_file)| {
            stations_from(rows, resolve(crs, in_file).map_err(|e| vec![e])?)
        })
    } else {
        csv_rows(&text, &KNOWN, &["id", "lon", "lat"])
            .and_then(|rows| stations_from(rows, crs.unwrap_or_default()))
    };
    parsed.map_err(|problems| FileError::invalid(path, WHAT, problems))
}

/// Parse WGS84 stations CSV text; on failure every problem with its line.
pub fn parse_stations_csv(text: &str) -> Result<Vec<ChargingStation>, Vec<String>> {
    stations_from(csv_rows(text, &KNOWN, &["id", "lon", "lat"])?, Crs::Wgs84)
}

fn stations_from(rows: Rows, crs: Crs) -> Result<Vec<ChargingStation>, Vec<String>> {
    let mut problems = Vec::new();
    let mut out: Vec<ChargingStation> = Vec::new();
    for (at, f) in rows {
        let p = &mut problems;
        let seen: Vec<&str> = out.iter().map(|s| s.id.as_str()).collect();
        let (id, lon_lat) = id_and_position(&f, &seen, "station", crs, p, &at);
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
}
