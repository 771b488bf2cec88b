//! Writing travel matrices: CSV, JSON or a compact binary file, chosen by the file extension.
//! Written to a temporary file in the target folder and renamed: never half-written.
//!
//! * CSV: `from,to,duration_s,distance_m`, one row per pair; unreachable pairs have both value
//!   fields empty.
//! * JSON: `{"ids": [...], "durations_s": [[...]], "distances_m": [[...]], "unsnapped": [...]}`
//!   with `null` for unreachable pairs.
//! * Binary (`.bin`), little-endian: magic `CFMATRIX`, format version `u32` (1), point count `n`
//!   `u32`, then `n` ids (`u32` byte length + UTF-8), then `n*n` durations (`u32` ms, row-major),
//!   `n*n` distances (`u32` cm), then a reachability bitmap of `ceil(n*n/8)` bytes (bit `k % 8` of
//!   byte `k / 8` set iff entry `k` is reachable; values of unreachable entries are 0).

use crate::matrix::TravelMatrix;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Binary format version.
pub const BINARY_VERSION: u32 = 1;

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `.csv`
    Csv,
    /// `.json`
    Json,
    /// `.bin`
    Binary,
}

/// Why a matrix could not be written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Unknown extension.
    #[error("output {0}: unknown format; use a .csv, .json or .bin file name")]
    Format(PathBuf),
    /// Writing failed.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl Format {
    /// The format of an output path, by extension.
    pub fn of(path: &Path) -> Result<Format, Error> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("csv") => Ok(Format::Csv),
            Some("json") => Ok(Format::Json),
            Some("bin") => Ok(Format::Binary),
            _ => Err(Error::Format(path.to_path_buf())),
        }
    }
}

/// Write `matrix` between points `ids` to `path` in the format its extension names.
/// `unsnapped` lists ids (with the reason) that could not be placed on a road.
pub fn write_matrix(
    path: &Path,
    ids: &[String],
    matrix: &TravelMatrix,
    unsnapped: &[(String, String)],
) -> Result<(), Error> {
    let format = Format::of(path)?;
    let err = |source: std::io::Error| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(err)?;
    {
        let mut out = BufWriter::with_capacity(1 << 20, tmp.as_file_mut());
        match format {
            Format::Csv => write_csv(&mut out, ids, matrix),
            Format::Json => write_json(&mut out, ids, matrix, unsnapped),
            Format::Binary => write_binary(&mut out, ids, matrix),
        }
        .and_then(|()| out.flush())
        .map_err(err)?;
    }
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

fn seconds(ms: u64) -> String {
    let mut s = format!("{:.3}", ms as f64 / 1000.0);
    while s.ends_with('0') {
        s.pop();
    }
    if s.ends_with('.') {
        s.pop();
    }
    s
}

fn metres(cm: u64) -> String {
    seconds(cm * 10)
}

/// Through the `csv` writer: an id with a comma or quote is quoted, everything else is written
/// as is.
fn write_csv(out: &mut impl Write, ids: &[String], m: &TravelMatrix) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["from", "to", "duration_s", "distance_m"])?;
    for (i, from) in ids.iter().enumerate() {
        for (j, to) in ids.iter().enumerate() {
            match m.get(i, j) {
                Some(c) => {
                    w.write_record([from.as_str(), to, &seconds(c.time_ms), &metres(c.dist_cm)])?
                }
                None => w.write_record([from.as_str(), to, "", ""])?,
            }
        }
    }
    w.flush()
}

fn write_json(
    out: &mut impl Write,
    ids: &[String],
    m: &TravelMatrix,
    unsnapped: &[(String, String)],
) -> std::io::Result<()> {
    write!(out, "{{\"ids\":{}", serde_json::to_string(ids)?)?;
    for (key, value) in [("durations_s", true), ("distances_m", false)] {
        write!(out, ",\"{key}\":[")?;
        for i in 0..ids.len() {
            write!(out, "{}[", if i > 0 { "," } else { "" })?;
            for j in 0..ids.len() {
                let sep = if j > 0 { "," } else { "" };
                match m.get(i, j) {
                    Some(c) if value => write!(out, "{sep}{}", seconds(c.time_ms))?,
                    Some(c) => write!(out, "{sep}{}", metres(c.dist_cm))?,
                    None => write!(out, "{sep}null")?,
                }
            }
            write!(out, "]")?;
        }
        write!(out, "]")?;
    }
    let unsnapped: Vec<serde_json::Value> = unsnapped
        .iter()
        .map(|(id, why)| serde_json::json!({"id": id, "reason": why}))
        .collect();
    writeln!(
        out,
        ",\"unsnapped\":{}}}",
        serde_json::to_string(&unsnapped)?
    )
}

fn write_binary(out: &mut impl Write, ids: &[String], m: &TravelMatrix) -> std::io::Result<()> {
    let n = ids.len();
    out.write_all(b"CFMATRIX")?;
    out.write_all(&BINARY_VERSION.to_le_bytes())?;
    out.write_all(&(n as u32).to_le_bytes())?;
    for id in ids {
        out.write_all(&(id.len() as u32).to_le_bytes())?;
        out.write_all(id.as_bytes())?;
    }
    let clamp = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    let mut row = Vec::with_capacity(n * 4);
    for part in [0, 1] {
        for i in 0..n {
            row.clear();
            for j in 0..n {
                let value = m
                    .get(i, j)
                    .map_or(0, |c| clamp(if part == 0 { c.time_ms } else { c.dist_cm }));
                row.extend_from_slice(&value.to_le_bytes());
            }
            out.write_all(&row)?;
        }
    }
    let mut bits = vec![0u8; (n * n).div_ceil(8)];
    for i in 0..n {
        for j in 0..n {
            if m.get(i, j).is_some() {
                let k = i * n + j;
                bits[k / 8] |= 1 << (k % 8);
            }
        }
    }
    out.write_all(&bits)?;
    Ok(())
}
