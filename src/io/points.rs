//! Points files: CSV with a header `id,lon,lat` (columns in any order, extra columns ignored).
//!
//! Every problem of the file is reported at once, each with its line number.

use std::path::{Path, PathBuf};

/// A named coordinate.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// The user's id.
    pub id: String,
    /// `[lon, lat]` in degrees.
    pub lon_lat: [f64; 2],
}

/// Why a points file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be read.
    #[error("cannot read points file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file has problems, each with its line.
    #[error("points file {path} has {} problem(s):\n  {}", problems.len(), problems.join("\n  "))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// One line per problem.
        problems: Vec<String>,
    },
}

/// Read a points CSV.
pub fn read_points(path: &Path) -> Result<Vec<Point>, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse_points(&text).map_err(|problems| Error::Invalid {
        path: path.to_path_buf(),
        problems,
    })
}

/// Parse points CSV text; on failure, every problem with its line number.
pub fn parse_points(text: &str) -> Result<Vec<Point>, Vec<String>> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let Some((_, header)) = lines.next() else {
        return Err(vec![
            "line 1: empty file; expected a header `id,lon,lat`".to_string()
        ]);
    };
    let columns: Vec<String> = header
        .split(',')
        .map(|c| c.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    let find = |name: &str| columns.iter().position(|c| c == name);
    let (Some(id_col), Some(lon_col), Some(lat_col)) = (find("id"), find("lon"), find("lat"))
    else {
        return Err(vec![format!(
            "line 1: header `{header}` must name the columns id, lon and lat"
        )]);
    };
    let mut points = Vec::new();
    let mut problems = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (index, line) in lines {
        let n = index + 1;
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if fields.len() < columns.len() {
            problems.push(format!(
                "line {n}: {} fields, expected {} ({})",
                fields.len(),
                columns.len(),
                columns.join(",")
            ));
            continue;
        }
        let id = fields[id_col].to_string();
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
                    lon_lat: [lon, lat],
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
