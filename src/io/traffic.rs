//! Traffic files: congestion factors per road class and hour, and per OSM way and hour.
//!
//! Both are CSV (read by [`super::table::read_csv`]: a byte order mark, CRLF, quotes and `#`
//! comments are fine), with a `factor` column: travel time over free-flow travel time (the
//! congestion delay index; `1.8` is 80% slower than free flow), above 0 and at most 10.
//!
//! * Road classes: `road_class,day,hour,factor`. `road_class` is a `highway=*` value
//!   (`primary`, `residential`, ...) or a group of the default profile (`expressway`, `arterial`,
//!   `collector`, `minor`, `local`, see [`crate::traffic::RoadGroup`]).
//! * Ways (the shape probe-speed data is exported in): `way_id,day,hour,factor`, `way_id` an OSM
//!   way id. A way the extract does not have is reported and counted by the caller
//!   ([`unknown_ways`]), not fatal: probe exports cover more than one extract.
//!
//! `day` is `Mo`..`Su`, a range `Mo-Fr`, or `*` / empty for every day; `hour` is the clock hour
//! `0`..`23` (the factor holds from `HH:00` to `HH:59`), or `*` / empty for every hour. Rows
//! override the base profile (the default city profile, or free flow) cell by cell; a cell set
//! twice in one file is an error. Every problem is reported at once with its line.

use super::file::{read_text, FileError};
use super::table::read_csv;
use crate::graph::RoadGraph;
use crate::osm::tags::RoadClass;
use crate::traffic::{RoadGroup, Traffic, HOURS, MAX_FACTOR_PERMILLE, ROAD_CLASSES};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const WHAT_CLASSES: &str = "traffic file";
const WHAT_WAYS: &str = "road speeds file";

/// Apply a road-class traffic file to `traffic`.
pub fn read_class_factors(path: &Path, traffic: &mut Traffic) -> Result<(), FileError> {
    let text = read_text(path, WHAT_CLASSES)?;
    parse_class_factors(&text, traffic).map_err(|p| FileError::invalid(path, WHAT_CLASSES, p))
}

/// Apply a per-way traffic file to `traffic`.
pub fn read_way_factors(path: &Path, traffic: &mut Traffic) -> Result<(), FileError> {
    let text = read_text(path, WHAT_WAYS)?;
    parse_way_factors(&text, traffic).map_err(|p| FileError::invalid(path, WHAT_WAYS, p))
}

/// Parse road-class rows into `traffic`; on failure every problem with its line.
pub fn parse_class_factors(text: &str, traffic: &mut Traffic) -> Result<(), Vec<String>> {
    let (rows, mut problems) = rows(text, "road_class")?;
    let mut seen: BTreeMap<(usize, usize), u64> = BTreeMap::new();
    let mut cells = Vec::new();
    for row in rows {
        let classes: Vec<RoadClass> = match road_classes(&row.key) {
            Some(c) => c,
            None => {
                problems.push(format!(
                    "line {}: unknown road class `{}` (a highway=* value such as primary, \
                     secondary, residential, or a group: expressway, arterial, collector, minor, \
                     local)",
                    row.line, row.key
                ));
                continue;
            }
        };
        for class in classes {
            let c = ROAD_CLASSES.iter().position(|&x| x == class).unwrap_or(0);
            for &h in &row.hours {
                if let Some(first) = seen.insert((c, h), row.line) {
                    problems.push(format!(
                        "line {}: {} at {} is already set on line {first}",
                        row.line,
                        class.name(),
                        hour_name(h)
                    ));
                }
                cells.push((class, h, row.factor));
            }
        }
    }
    if !problems.is_empty() {
        return Err(in_line_order(problems));
    }
    for (class, h, f) in cells {
        traffic.set_class(class, h, f);
    }
    Ok(())
}

/// Parse per-way rows into `traffic`; on failure every problem with its line.
pub fn parse_way_factors(text: &str, traffic: &mut Traffic) -> Result<(), Vec<String>> {
    let (rows, mut problems) = rows(text, "way_id")?;
    let mut seen: BTreeMap<(i64, usize), u64> = BTreeMap::new();
    let mut cells = Vec::new();
    for row in rows {
        let Ok(way) = row.key.parse::<i64>() else {
            problems.push(format!(
                "line {}: `way_id` must be an OSM way id (a whole number), got `{}`",
                row.line, row.key
            ));
            continue;
        };
        for &h in &row.hours {
            if let Some(first) = seen.insert((way, h), row.line) {
                problems.push(format!(
                    "line {}: way {way} at {} is already set on line {first}",
                    row.line,
                    hour_name(h)
                ));
            }
            cells.push((way, h, row.factor));
        }
    }
    if !problems.is_empty() {
        return Err(in_line_order(problems));
    }
    for (way, h, f) in cells {
        traffic.set_way(way, h, f);
    }
    Ok(())
}

/// The ways of `traffic` that `graph` does not have (sorted).
pub fn unknown_ways(traffic: &Traffic, graph: &RoadGraph) -> Vec<i64> {
    let known: BTreeSet<i64> = (0..graph.road_count() as u32)
        .map(|r| graph.road_way(r).osm_id)
        .collect();
    traffic.way_ids().filter(|w| !known.contains(w)).collect()
}

struct Row {
    line: u64,
    key: String,
    hours: Vec<usize>,
    factor: u16,
}

/// The rows that could be read, and the problems of the others; `Err` when the header is wrong.
fn rows(text: &str, key: &str) -> Result<(Vec<Row>, Vec<String>), Vec<String>> {
    let table = match read_csv(text)? {
        Some(t) => t,
        None => {
            return Err(vec![format!(
                "no header line (expected `{key},day,hour,factor`)"
            )])
        }
    };
    let column = |name: &str| table.column(name);
    let (Some(k), Some(f)) = (column(key), column("factor")) else {
        let missing: Vec<&str> = [key, "factor"]
            .into_iter()
            .filter(|n| column(n).is_none())
            .collect();
        return Err(vec![format!(
            "line 1: missing column(s) {} (expected `{key},day,hour,factor`)",
            missing.join(", ")
        )]);
    };
    let (d, h) = (column("day"), column("hour"));
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for record in &table.records {
        let field = |i: Option<usize>| -> &str {
            i.and_then(|i| record.fields.get(i))
                .map(String::as_str)
                .unwrap_or("")
        };
        let line = record.line;
        let before = problems.len();
        let days = days(field(d)).unwrap_or_else(|| {
            problems.push(format!(
                "line {line}: `day` must be Mo..Su, a range like Mo-Fr, or * (every day), got `{}`",
                field(d)
            ));
            Vec::new()
        });
        let hours_of_day = match field(h) {
            "" | "*" => (0..24).collect(),
            text => match text.parse::<usize>() {
                Ok(x) if x < 24 => vec![x],
                _ => {
                    problems.push(format!(
                        "line {line}: `hour` must be a clock hour 0..23 or *, got `{text}`"
                    ));
                    Vec::new()
                }
            },
        };
        let factor = match field(Some(f)).parse::<f64>() {
            Ok(x) if x.is_finite() && x > 0.0 && x * 1000.0 <= f64::from(MAX_FACTOR_PERMILLE) => {
                ((x * 1000.0).round() as u16).max(1)
            }
            Ok(x) if x.is_finite() && x > 0.0 => {
                problems.push(format!(
                    "line {line}: factor {x} means more than 10 times slower than free flow; \
                     the factor is travel time over free-flow travel time (1.8 = 80% slower)"
                ));
                0
            }
            _ => {
                problems.push(format!(
                    "line {line}: `factor` must be a number above 0 (travel time over free-flow \
                     travel time), got `{}`",
                    field(Some(f))
                ));
                0
            }
        };
        if problems.len() > before {
            continue;
        }
        let hours = days
            .iter()
            .flat_map(|&day| hours_of_day.iter().map(move |&hr| day * 24 + hr))
            .filter(|&x| x < HOURS)
            .collect();
        out.push(Row {
            line,
            key: field(Some(k)).to_string(),
            hours,
            factor,
        });
    }
    Ok((out, problems))
}

/// Problems in the order of their lines (each starts `line N:`; a stable sort keeps a line's own
/// order).
fn in_line_order(mut problems: Vec<String>) -> Vec<String> {
    problems.sort_by_key(|p| {
        p.strip_prefix("line ")
            .and_then(|rest| rest.split(':').next())
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(0)
    });
    problems
}

fn road_classes(key: &str) -> Option<Vec<RoadClass>> {
    let key = key.trim().to_ascii_lowercase();
    if let Some(c) = RoadClass::parse(&key) {
        return Some(vec![c]);
    }
    let group = match key.as_str() {
        "expressway" => RoadGroup::Expressway,
        "arterial" => RoadGroup::Arterial,
        "collector" => RoadGroup::Collector,
        "minor" => RoadGroup::Minor,
        "local" => RoadGroup::Local,
        _ => return None,
    };
    Some(
        ROAD_CLASSES
            .iter()
            .copied()
            .filter(|&c| RoadGroup::of(c) == group)
            .collect(),
    )
}

const DAYS: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];

fn day_index(text: &str) -> Option<usize> {
    DAYS.iter()
        .position(|d| d.eq_ignore_ascii_case(text.trim()))
}

fn days(text: &str) -> Option<Vec<usize>> {
    let text = text.trim();
    if text.is_empty() || text == "*" {
        return Some((0..7).collect());
    }
    match text.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (day_index(a)?, day_index(b)?);
            (a <= b).then(|| (a..=b).collect())
        }
        None => day_index(text).map(|d| vec![d]),
    }
}

fn hour_name(h: usize) -> String {
    format!("{} {:02}:00", DAYS[h / 24], h % 24)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_rows_override_the_base_cell_by_cell() {
        let mut t = Traffic::free_flow();
        let csv = "\u{feff}road_class,day,hour,factor\r\nprimary,Mo-Fr,8,1.9\r\nlocal,*,*,1.1\r\n";
        parse_class_factors(csv, &mut t).unwrap();
        assert_eq!(t.class_factor(RoadClass::Primary, 8), 1900);
        assert_eq!(t.class_factor(RoadClass::Primary, 24 + 8), 1900);
        assert_eq!(t.class_factor(RoadClass::Primary, 5 * 24 + 8), 1000);
        assert_eq!(t.class_factor(RoadClass::Residential, 100), 1100);
        assert_eq!(t.class_factor(RoadClass::Service, 3), 1100);
    }

    #[test]
    fn bad_rows_are_all_reported_with_their_lines() {
        let mut t = Traffic::free_flow();
        let csv = "road_class,day,hour,factor\n\
                   boulevard,Mo,8,1.5\n\
                   primary,Mo,24,1.5\n\
                   primary,Xx,8,1.5\n\
                   primary,Mo,8,0\n\
                   primary,Mo,9,12\n\
                   primary,Tu,9,1.2\n\
                   primary,Tu,9,1.3\n";
        let problems = parse_class_factors(csv, &mut t).unwrap_err();
        let text = problems.join("\n");
        for needle in [
            "line 2: unknown road class `boulevard`",
            "line 3: `hour` must be a clock hour",
            "line 4: `day` must be",
            "line 5: `factor` must be a number above 0",
            "line 6: factor 12 means more than 10 times slower",
            "line 8: primary at Tu 09:00 is already set on line 7",
        ] {
            assert!(text.contains(needle), "missing `{needle}` in:\n{text}");
        }
        assert_eq!(problems.len(), 6, "{text}");
        assert!(problems[0].starts_with("line 2:"), "in line order: {text}");
        assert_eq!(
            t,
            Traffic::free_flow(),
            "nothing is applied from a bad file"
        );
    }

    #[test]
    fn way_rows_need_a_numeric_id() {
        let mut t = Traffic::free_flow();
        let problems = parse_way_factors("way_id,hour,factor\nabc,8,2\n", &mut t).unwrap_err();
        assert!(problems[0].contains("line 2: `way_id` must be an OSM way id"));
        parse_way_factors("way_id,day,hour,factor\n123,Tu,8,2.5\n", &mut t).unwrap();
        assert_eq!(t.factor(RoadClass::Primary, 123, 24 + 8), 2500);
    }
}
