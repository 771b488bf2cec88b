//! The TSPLIB text that VRPLIB files (CVRPLIB X, Belgium) and LKH-3's VRPSPD files are written
//! in: `KEY : value` lines, `NAME_SECTION` lines that open a section, data lines of numbers, and
//! an optional `EOF`.
//!
//! Owns: [`scan`], [`file_error`], [`Sections`] (what a reader does with headers and data lines) and [`Line`] (one
//! line's fields with the checks every reader needs). Must never: know what a section other than
//! `DEPOT_SECTION` means (the readers do), or let a `DIMENSION` larger than the file's line count
//! through (readers allocate per node when they learn it). Invariants: data before `DIMENSION`
//! is an error; node ids are 1-based in the file and 0-based out of [`Line::node`]; the depot is
//! node 1 (a file without `DEPOT_SECTION` has node 1 as its depot, as LKH-3 reads it); every
//! error names the file and line.

use crate::instances::{file_number, InstanceError};
use std::path::Path;

/// What a reader does with the lines [`scan`] hands it.
pub(crate) trait Sections {
    /// `DIMENSION` was read (already checked against the file's size): allocate per node.
    fn dimension(&mut self, nodes: usize);
    /// A `KEY : value` line other than `DIMENSION`; unknown keys should be ignored.
    fn header(&mut self, key: &str, value: &str, line: &Line) -> Result<(), InstanceError>;
    /// A data line of `section` (never `DEPOT_SECTION`, which [`scan`] reads itself).
    fn data(&mut self, section: &str, line: &Line) -> Result<(), InstanceError>;
}

/// One line of the file, split into whitespace-separated fields.
pub(crate) struct Line<'a> {
    path: &'a Path,
    /// 1-based line number.
    pub number: usize,
    fields: Vec<&'a str>,
    dimension: usize,
}

impl Line<'_> {
    /// An error at this line.
    pub fn error(&self, message: String) -> InstanceError {
        InstanceError::Parse {
            path: self.path.to_path_buf(),
            line: self.number,
            message,
        }
    }

    /// How many fields the line has.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Field `k` (0-based) as a number.
    pub fn field(&self, k: usize) -> Result<f64, InstanceError> {
        let text = self
            .fields
            .get(k)
            .ok_or_else(|| self.error(format!("missing field {}", k + 1)))?;
        file_number(text).map_err(|e| self.error(format!("field {} {text:?}: {e}", k + 1)))
    }

    /// Field `k` as a node id, returned 0-based.
    pub fn node(&self, k: usize) -> Result<usize, InstanceError> {
        let v = self.field(k)?;
        let d = self.dimension;
        if v.fract() != 0.0 || v < 1.0 || v as usize > d {
            return Err(self.error(format!("node id {v} outside 1..={d}")));
        }
        Ok(v as usize - 1)
    }

    /// Field `k` as a non-negative integer (`what` names it in the error).
    pub fn amount(&self, k: usize, what: &str) -> Result<i64, InstanceError> {
        let v = self.field(k)?;
        if v.fract() != 0.0 || v < 0.0 {
            return Err(self.error(format!("{what} {v} is not a non-negative integer")));
        }
        Ok(v as i64)
    }

    /// A header's `value` as a number.
    pub fn value(&self, key: &str, value: &str) -> Result<f64, InstanceError> {
        file_number(value).map_err(|e| self.error(format!("{key} {value:?}: {e}")))
    }

    /// A header's `value` as a positive integer (`CAPACITY`).
    pub fn positive(&self, key: &str, value: &str) -> Result<i64, InstanceError> {
        let v = self.value(key, value)?;
        if v.fract() != 0.0 || v <= 0.0 {
            return Err(self.error(format!("{key} {v} is not a positive integer")));
        }
        Ok(v as i64)
    }
}

/// An error about the file at `path` as a whole (line 0), such as a missing header or node.
pub(crate) fn file_error(path: &Path, message: String) -> InstanceError {
    InstanceError::Parse {
        path: path.to_path_buf(),
        line: 0,
        message,
    }
}

/// Read `text` (the file at `path`) line by line into `sections`; returns `DIMENSION`, at least
/// `min_nodes`. Checks that the only depot is node 1.
pub(crate) fn scan(
    path: &Path,
    text: &str,
    min_nodes: usize,
    sections: &mut impl Sections,
) -> Result<usize, InstanceError> {
    let whole = |message: String| file_error(path, message);
    let line_count = text.lines().count();
    let mut dimension = None;
    let mut depots = Vec::new();
    let mut section = String::new();
    for (i, raw) in text.lines().enumerate() {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            continue;
        }
        if trimmed == "EOF" {
            break;
        }
        let line = Line {
            path,
            number: i + 1,
            fields: trimmed.split_whitespace().collect(),
            dimension: dimension.unwrap_or(0),
        };
        if let Some((key, value)) = trimmed.split_once(':') {
            let (key, value) = (key.trim(), value.trim());
            if key == "DIMENSION" {
                let d = value
                    .parse::<usize>()
                    .map_err(|e| line.error(format!("DIMENSION {value:?}: {e}")))?;
                // Every node needs a line of its own: a larger count is a typo, and allocating
                // for it could exhaust memory.
                if d > line_count || d < min_nodes {
                    return Err(line.error(format!(
                        "DIMENSION {d}: expected {min_nodes} to the file's {line_count} lines"
                    )));
                }
                dimension = Some(d);
                sections.dimension(d);
            } else {
                sections.header(key, value, &line)?;
            }
            continue;
        }
        if trimmed.ends_with("_SECTION") {
            section = trimmed.to_string();
            continue;
        }
        if dimension.is_none() {
            return Err(line.error("section before DIMENSION".into()));
        }
        if section == "DEPOT_SECTION" {
            // The list ends with -1.
            if line.field(0)? >= 0.0 {
                depots.push(line.node(0)?);
            }
        } else {
            sections.data(&section, &line)?;
        }
    }
    let dimension = dimension.ok_or_else(|| whole("no DIMENSION".into()))?;
    if !depots.is_empty() && depots != [0] {
        return Err(whole(format!(
            "expected the single depot 1, found {:?}",
            depots.iter().map(|d| d + 1).collect::<Vec<_>>()
        )));
    }
    Ok(dimension)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Collects what it is given.
    #[derive(Default)]
    struct Seen {
        nodes: usize,
        headers: Vec<(String, String)>,
        data: Vec<(String, usize, usize)>,
    }

    impl Sections for Seen {
        fn dimension(&mut self, nodes: usize) {
            self.nodes = nodes;
        }
        fn header(&mut self, key: &str, value: &str, _: &Line) -> Result<(), InstanceError> {
            self.headers.push((key.into(), value.into()));
            Ok(())
        }
        fn data(&mut self, section: &str, line: &Line) -> Result<(), InstanceError> {
            self.data.push((section.into(), line.number, line.node(0)?));
            Ok(())
        }
    }

    const TEXT: &str = "NAME : t\nDIMENSION : 3\n\nCAPACITY : 10\nNODE_COORD_SECTION\n1 0 0\n3 1 1\nDEPOT_SECTION\n1\n-1\nEOF\nignored\n";

    #[test]
    fn hands_headers_and_data_lines_to_the_reader() {
        let mut seen = Seen::default();
        assert_eq!(scan(Path::new("t"), TEXT, 2, &mut seen).unwrap(), 3);
        assert_eq!(seen.nodes, 3);
        assert_eq!(
            seen.headers,
            [
                ("NAME".into(), "t".into()),
                ("CAPACITY".into(), "10".into())
            ]
        );
        assert_eq!(
            seen.data,
            [
                ("NODE_COORD_SECTION".into(), 6, 0),
                ("NODE_COORD_SECTION".into(), 7, 2)
            ]
        );
    }

    #[test]
    fn errors_name_the_line() {
        let scan_err = |text: &str| {
            scan(Path::new("t.vrp"), text, 2, &mut Seen::default())
                .unwrap_err()
                .to_string()
        };
        let e = scan_err(&TEXT.replace("3 1 1", "4 1 1"));
        assert!(e.starts_with("t.vrp:7: node id 4 outside 1..=3"), "{e}");
        let e = scan_err(&TEXT.replace("DIMENSION : 3", "DIMENSION : 99"));
        assert!(e.starts_with("t.vrp:2: DIMENSION 99"), "{e}");
        let e = scan_err(&TEXT.replace("DIMENSION : 3", "DIMENSION : 1"));
        assert!(e.starts_with("t.vrp:2: DIMENSION 1"), "{e}");
        let e = scan_err(&TEXT.replace("DEPOT_SECTION\n1\n", "DEPOT_SECTION\n2\n"));
        assert!(e.contains("expected the single depot 1, found [2]"), "{e}");
        let e = scan_err("NODE_COORD_SECTION\n1 0 0\nDIMENSION : 2\n");
        assert!(e.starts_with("t.vrp:2: section before DIMENSION"), "{e}");
        let e = scan_err("NAME : t\n");
        assert!(e.starts_with("t.vrp:0: no DIMENSION"), "{e}");
    }
}
