//! The best-known-solution table (`bks.csv`: `benchmark, instance, objective, bks_vehicles,
//! bks_distance, source, notes`) and the rule for picking the row an instance is compared against.
//!
//! Owns: [`BksTable`], [`BksEntry`]. Must never: compare across families (a Solomon `C101` is not the
//! E-VRPTW `c101_21`). Rule: rows of the instance's family whose name matches case-insensitively;
//! `distance` rows first (then `hierarchical` as a fallback, reported as such); among equals, rows
//! whose source is the SINTEF mirror first, then file order.

use crate::instances::{Family, InstanceError};
use std::path::Path;

/// One row of the table.
#[derive(Clone, Debug, PartialEq)]
pub struct BksEntry {
    /// `benchmark` column.
    pub benchmark: String,
    /// `instance` column.
    pub instance: String,
    /// `distance` or `hierarchical`.
    pub objective: String,
    /// Vehicles of the best-known plan, when given.
    pub vehicles: Option<u32>,
    /// Distance of the best-known plan, in file units.
    pub distance: f64,
    /// `source` column.
    pub source: String,
}

/// The whole table.
#[derive(Clone, Debug, Default)]
pub struct BksTable {
    rows: Vec<BksEntry>,
}

/// Split one CSV line with double-quoted fields (`""` is a quote).
fn split_csv(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

impl BksTable {
    /// Read `bks.csv`.
    pub fn read(path: &Path) -> Result<Self, InstanceError> {
        let text = std::fs::read_to_string(path).map_err(|source| InstanceError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(path, &text)
    }

    /// Parse the table's text: the main table's columns, or the VRPSPD table's `set, instance,
    /// bks, source` (distance objective).
    pub fn parse(path: &Path, text: &str) -> Result<Self, InstanceError> {
        if text
            .lines()
            .next()
            .is_some_and(|h| h.trim() == "set,instance,bks,source")
        {
            return Self::parse_short(path, text);
        }
        let mut rows = Vec::new();
        for (i, line) in text.lines().enumerate().skip(1) {
            if line.trim().is_empty() {
                continue;
            }
            let f = split_csv(line);
            if f.len() < 6 {
                return Err(InstanceError::Parse {
                    path: path.to_path_buf(),
                    line: i + 1,
                    message: format!("expected at least 6 columns, found {}", f.len()),
                });
            }
            let distance = f[4]
                .trim()
                .parse::<f64>()
                .map_err(|e| InstanceError::Parse {
                    path: path.to_path_buf(),
                    line: i + 1,
                    message: format!("bks_distance {:?}: {e}", f[4]),
                })?;
            rows.push(BksEntry {
                benchmark: f[0].trim().to_string(),
                instance: f[1].trim().to_string(),
                objective: f[2].trim().to_string(),
                vehicles: f[3].trim().parse().ok(),
                distance,
                source: f[5].trim().to_string(),
            });
        }
        Ok(Self { rows })
    }

    /// The VRPSPD table (`set, instance, bks, source`).
    fn parse_short(path: &Path, text: &str) -> Result<Self, InstanceError> {
        let mut rows = Vec::new();
        for (i, line) in text.lines().enumerate().skip(1) {
            if line.trim().is_empty() {
                continue;
            }
            let f = split_csv(line);
            let bad = |message: String| InstanceError::Parse {
                path: path.to_path_buf(),
                line: i + 1,
                message,
            };
            if f.len() < 4 {
                return Err(bad(format!("expected 4 columns, found {}", f.len())));
            }
            let distance = f[2]
                .trim()
                .parse::<f64>()
                .map_err(|e| bad(format!("bks {:?}: {e}", f[2])))?;
            rows.push(BksEntry {
                benchmark: f[0].trim().to_string(),
                instance: f[1].trim().to_string(),
                objective: "distance".into(),
                vehicles: None,
                distance,
                source: f[3].trim().to_string(),
            });
        }
        Ok(Self { rows })
    }

    /// The rows of both tables.
    pub fn merged(mut self, other: BksTable) -> Self {
        self.rows.extend(other.rows);
        self
    }

    /// The row `instance` of `family` is compared against (see the module rule).
    pub fn lookup(&self, family: Family, instance: &str) -> Option<&BksEntry> {
        let in_family = |b: &str| match family {
            Family::Solomon => b == "solomon",
            Family::Homberger => b.starts_with("gehring_homberger"),
            Family::CvrplibX => b == "cvrplib_X" || b == "belgium",
            Family::Evrptw => b == "evrptw_schneider_100" || b == "evrptw_schneider_small",
            Family::Vrpspd => b == "dethloff" || b.starts_with("salhi_nagy"),
        };
        self.rows
            .iter()
            .enumerate()
            .filter(|(_, r)| in_family(&r.benchmark) && r.instance.eq_ignore_ascii_case(instance))
            .min_by_key(|(i, r)| {
                let sintef = r.source.contains("SINTEF");
                (r.objective != "distance", !sintef, *i)
            })
            .map(|(_, r)| r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "benchmark,instance,objective,bks_vehicles,bks_distance,source,notes\n\
solomon,R101,hierarchical,19,1645.79,vroom,\"a, b\"\n\
solomon,R101,distance,20,1642.88,vroom,x\n\
gehring_homberger_1000,c1_10_1,hierarchical,100,42478.95,vroom,old\n\
gehring_homberger_1000,c1_10_1,hierarchical,100,42478.9516,\"rogalski (SINTEF TOP mirror)\",new\n\
evrptw_schneider_100,r101_21,hierarchical,1,1.0,x,y\n";

    #[test]
    fn reads_the_vrpspd_table() {
        let t = BksTable::parse(
            Path::new("vrpspd/bks.csv"),
            "set,instance,bks,source\ndethloff,CON3-0,616.52,pdf\nsalhi_nagy_xy,CMT1X,466.77,\"a, b\"\n",
        )
        .unwrap();
        assert_eq!(t.lookup(Family::Vrpspd, "cmt1x").unwrap().distance, 466.77);
        assert_eq!(
            t.lookup(Family::Vrpspd, "CON3-0").unwrap().objective,
            "distance"
        );
        assert!(t.lookup(Family::Solomon, "CON3-0").is_none());
    }

    #[test]
    fn prefers_distance_then_sintef() {
        let t = BksTable::parse(Path::new("bks.csv"), CSV).unwrap();
        assert_eq!(t.lookup(Family::Solomon, "r101").unwrap().distance, 1642.88);
        let h = t.lookup(Family::Homberger, "C1_10_1").unwrap();
        assert_eq!(h.distance, 42478.9516);
        assert!(t.lookup(Family::Solomon, "r101_21").is_none());
        assert_eq!(
            t.lookup(Family::Evrptw, "R101_21").unwrap().vehicles,
            Some(1)
        );
    }
}
