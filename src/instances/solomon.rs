//! Reader for Solomon and Gehring-Homberger VRPTW text files.
//!
//! Owns: [`parse`]. Must never: guess missing numbers; a malformed line is an error naming the file
//! and line. Format: a name line, a `VEHICLE` block whose first numeric line is `count capacity`, and
//! a `CUSTOMER` block with one line per node `id x y demand ready due service`, node 0 the depot.
//! Service must start inside `[ready, due]`; the depot's window is the shift.

use crate::instances::{build_euclidean, Convention, Family, Instance, InstanceError, Node};
use std::path::Path;

/// Parse Solomon text. `convention` `None` uses the family standard.
pub fn parse(
    path: &Path,
    name: &str,
    text: &str,
    convention: Option<Convention>,
) -> Result<Instance, InstanceError> {
    let err = |line: usize, message: String| InstanceError::Parse {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut section = "";
    let mut fleet: Option<(u32, i64)> = None;
    let mut nodes = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let lineno = i + 1;
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("VEHICLE") {
            section = "vehicle";
            continue;
        }
        if upper.starts_with("CUSTOMER") {
            section = "customer";
            continue;
        }
        let first_numeric = line.chars().next().is_some_and(|c| c.is_ascii_digit());
        if !first_numeric {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        match section {
            "vehicle" if fleet.is_none() => {
                if fields.len() != 2 {
                    return Err(err(
                        lineno,
                        format!("expected `count capacity`, found {line:?}"),
                    ));
                }
                let count = fields[0]
                    .parse::<u32>()
                    .map_err(|e| err(lineno, format!("vehicle count {:?}: {e}", fields[0])))?;
                let cap = fields[1]
                    .parse::<i64>()
                    .map_err(|e| err(lineno, format!("capacity {:?}: {e}", fields[1])))?;
                fleet = Some((count, cap));
            }
            "customer" => {
                if fields.len() != 7 {
                    return Err(err(
                        lineno,
                        format!(
                            "expected 7 numbers (id x y demand ready due service), found {}",
                            fields.len()
                        ),
                    ));
                }
                let mut v = [0f64; 7];
                for (k, f) in fields.iter().enumerate() {
                    v[k] = crate::instances::file_number(f)
                        .map_err(|e| err(lineno, format!("field {} {f:?}: {e}", k + 1)))?;
                }
                if v[0] < 0.0 || v[0].fract() != 0.0 || v[3].fract() != 0.0 {
                    return Err(err(
                        lineno,
                        "customer number and demand must be integers".into(),
                    ));
                }
                if nodes.is_empty() && v[0] != 0.0 {
                    return Err(err(
                        lineno,
                        "the first customer line must be the depot (0)".into(),
                    ));
                }
                nodes.push(Node {
                    id: v[0] as u32,
                    x: v[1],
                    y: v[2],
                    demand: v[3] as i64,
                    pickup: 0,
                    ready: v[4],
                    due: v[5],
                    service: v[6],
                });
            }
            _ => {}
        }
    }
    let (count, capacity) = fleet.ok_or_else(|| err(0, "no VEHICLE block".into()))?;
    if nodes.len() < 2 {
        return Err(err(0, "no customers".into()));
    }
    let customers = nodes.len() - 1;
    let family = if customers > 100 {
        Family::Homberger
    } else {
        Family::Solomon
    };
    let convention = convention.unwrap_or(Convention::standard_for(family, customers));
    let problem = build_euclidean(path, &nodes, capacity, count, convention, true)?;
    Ok(Instance {
        name: name.to_string(),
        family,
        convention,
        problem,
        customer_ids: nodes[1..].iter().map(|n| n.id).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: &str = "TINY\n\nVEHICLE\nNUMBER CAPACITY\n 2 10\n\nCUSTOMER\nCUST NO. X Y DEMAND READY DUE SERVICE\n\n 0 0 0 0 0 100 0\n 1 3 4 5 0 50 1\n 2 6 8 5 0 50 1\n";

    #[test]
    fn a_coordinate_too_large_to_scale_is_an_error_naming_the_line() {
        // Found by the solomon fuzz target: 3e57 overflowed `Convention::scaled` (Dimacs).
        let huge = TINY.replace(
            " 1 3 4 5",
            " 1 3000000000000000000000000000000000000000000000000000000000 4 5",
        );
        for convention in [None, Some(Convention::Dimacs), Some(Convention::Rounded)] {
            let e = parse(Path::new("tiny.txt"), "tiny", &huge, convention).unwrap_err();
            assert!(e.to_string().starts_with("tiny.txt:11: field 2"), "{e}");
            assert!(e.to_string().contains("largest value"), "{e}");
        }
        let nan = TINY.replace(" 1 3 4 5", " 1 NaN 4 5");
        let e = parse(Path::new("tiny.txt"), "tiny", &nan, None).unwrap_err();
        assert!(e.to_string().starts_with("tiny.txt:11: field 2"), "{e}");
    }

    #[test]
    fn reads_a_tiny_file() {
        let inst = parse(Path::new("tiny.txt"), "tiny", TINY, None).unwrap();
        assert_eq!(inst.problem.orders().len(), 2);
        assert_eq!(inst.customer_ids, vec![1, 2]);
        assert_eq!(inst.convention, Convention::Exact);
        assert_eq!(inst.problem.profiles()[0].distance(0, 1).0, 50_000);
        assert_eq!(inst.problem.vehicle_types()[0].count, 2);
    }

    #[test]
    fn bad_line_names_file_and_line() {
        let bad = TINY.replace(" 2 6 8 5 0 50 1", " 2 6 x 5 0 50 1");
        let e = parse(Path::new("tiny.txt"), "tiny", &bad, None).unwrap_err();
        let msg = e.to_string();
        assert!(msg.starts_with("tiny.txt:12:"), "{msg}");
    }
}
