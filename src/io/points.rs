//! Points files: CSV with a header `id,lon,lat` (columns in any order, case-insensitive, extra
//! columns ignored), read by [`super::table::read_csv`]: quoted fields (`"sf-001"`, ids with
//! commas), CRLF line ends, a UTF-8 byte order mark, `#` comment lines and Chinese text are fine.
//! Coordinates are WGS84 unless the caller declares `gcj02` or `bd09` (`cityfreight matrix
//! --crs`), in which case they are converted to WGS84 here ([`super::crs`]).
//!
//! Every problem of the file is reported at once, each with its line number.

use super::crs::Crs;
use super::file::{read_text, FileError};
use std::path::Path;

/// A named coordinate.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// The user's id.
    pub id: String,
    /// `[lon, lat]` in degrees (WGS84).
    pub lon_lat: [f64; 2],
}

/// Why a points file could not be used.
pub type Error = FileError;

const WHAT: &str = "points file";

/// Read a WGS84 points CSV.
pub fn read_points(path: &Path) -> Result<Vec<Point>, Error> {
    read_points_in(path, Crs::Wgs84)
}

/// Read a points CSV whose coordinates are in `crs`, converted to WGS84.
pub fn read_points_in(path: &Path, crs: Crs) -> Result<Vec<Point>, Error> {
    let text = read_text(path, WHAT)?;
    parse_points_in(&text, crs).map_err(|problems| FileError::invalid(path, WHAT, problems))
}

/// Parse WGS84 points CSV text; on failure, every problem with its line number.
pub fn parse_points(text: &str) -> Result<Vec<Point>, Vec<String>> {
    parse_points_in(text, Crs::Wgs84)
}

/// Parse points CSV text in `crs`; on failure, every problem with its line number.
pub fn parse_points_in(text: &str, crs: Crs) -> Result<Vec<Point>, Vec<String>> {
    let Some(table) = super::table::read_csv(text)? else {
        return Err(vec![
            "line 1: empty file; expected a header `id,lon,lat`".to_string()
        ]);
    };
    let find = |name: &str| table.column(name);
    let (Some(id_col), Some(lon_col), Some(lat_col)) = (find("id"), find("lon"), find("lat"))
    else {
        return Err(vec![format!(
            "line 1: header `{}` must name the columns id, lon and lat",
            table.columns.join(",")
        )]);
    };
    let columns = table.columns.len();
    let mut points = Vec::new();
    let mut problems = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for record in &table.records {
        let (n, fields) = (record.line, &record.fields);
        if fields.len() < columns {
            problems.push(format!(
                "line {n}: {} fields, expected {} ({})",
                fields.len(),
                columns,
                table.columns.join(",")
            ));
            continue;
        }
        let id = fields[id_col].clone();
        if id.is_empty() {
            problems.push(format!("line {n}: empty id"));
        }
        let lon: Result<f64, _> = fields[lon_col].parse();
        let lat: Result<f64, _> = fields[lat_col].parse();
        match (lon, lat) {
            (Ok(lon), Ok(lat))
                if (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) =>
            {
                if let Some(first) = seen.insert(id.clone(), n) {
                    problems.push(format!("line {n}: id `{id}` already used on line {first}"));
                }
                points.push(Point {
                    id,
                    lon_lat: crs.to_wgs84([lon, lat]),
                });
            }
            (Ok(lon), Ok(lat)) => problems.push(format!(
                "line {n}: `{lon},{lat}` is not a valid lon,lat (lon -180..180, lat -90..90)"
            )),
            _ => problems.push(format!(
                "line {n}: lon `{}` and lat `{}` must be numbers in degrees",
                fields[lon_col], fields[lat_col]
            )),
        }
    }
    if problems.is_empty() {
        Ok(points)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_points_and_lists_all_problems() {
        let ok = parse_points("id,lon,lat\na,104.06,30.66\n# comment\nb, 104.07 ,30.67\n").unwrap();
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[1].lon_lat, [104.07, 30.67]);
        let swapped = parse_points("lat,lon,id,name\n30.66,104.06,a,x\n").unwrap();
        assert_eq!(swapped[0].lon_lat, [104.06, 30.66]);
        let problems = parse_points(
            "id,lon,lat\na,104.06,30.66\na,104.06,30.66\nb,east,30\nc,104\nd,200,10\n",
        )
        .unwrap_err();
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems[0].starts_with("line 3") && problems[0].contains("line 2"));
        assert!(
            problems[1].starts_with("line 4")
                && problems[2].starts_with("line 5")
                && problems[3].starts_with("line 6")
        );
        assert!(parse_points("name,x,y\n").unwrap_err()[0].contains("id, lon and lat"));
    }
}
