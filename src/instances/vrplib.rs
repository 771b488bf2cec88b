//! Reader for VRPLIB (TSPLIB-style) CVRP files such as CVRPLIB X.
//!
//! Owns: [`parse`]. Must never: accept an edge weight type other than `EUC_2D`, or a file with a
//! depot other than node 1 (a file without `DEPOT_SECTION`, such as the Belgium instances of
//! Arnold, Gendreau & Sörensen, has node 1 as its depot, as LKH-3 reads it), or allocate for a
//! `DIMENSION` larger than the file has lines. Customer
//! numbers follow the `.sol` convention: node id minus one, so the depot (node 1) is 0. The fleet
//! is unlimited (one vehicle per customer) and there are no time windows.

use crate::instances::{build_euclidean, Convention, Family, Instance, InstanceError, Node};
use std::path::Path;

/// Parse a VRPLIB file. `convention` `None` uses rounded `EUC_2D` distances.
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
    let mut dimension: Option<usize> = None;
    let mut capacity: Option<i64> = None;
    let mut coords: Vec<Option<(f64, f64)>> = Vec::new();
    let mut demands: Vec<Option<i64>> = Vec::new();
    let mut depots = Vec::new();
    let mut section = String::new();
    let lines = text.lines().count();
    for (i, raw) in text.lines().enumerate() {
        let lineno = i + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if line == "EOF" {
            break;
        }
        if let Some((key, value)) = line.split_once(':') {
            let (key, value) = (key.trim(), value.trim());
            match key {
                "DIMENSION" => {
                    let d = value
                        .parse::<usize>()
                        .map_err(|e| err(lineno, format!("DIMENSION {value:?}: {e}")))?;
                    // Every node needs its own coordinate line: a larger count is a typo, and
                    // allocating for it could exhaust memory.
                    if d > lines {
                        return Err(err(
                            lineno,
                            format!(
                                "DIMENSION {d} is more nodes than the file's {lines} lines hold"
                            ),
                        ));
                    }
                    dimension = Some(d);
                    coords = vec![None; d];
                    demands = vec![None; d];
                }
                "CAPACITY" => {
                    capacity = Some(
                        value
                            .parse::<i64>()
                            .map_err(|e| err(lineno, format!("CAPACITY {value:?}: {e}")))?,
                    )
                }
                "EDGE_WEIGHT_TYPE" if value != "EUC_2D" => {
                    return Err(err(lineno, format!("unsupported EDGE_WEIGHT_TYPE {value}")))
                }
                _ => {}
            }
            continue;
        }
        if line.ends_with("_SECTION") {
            section = line.to_string();
            continue;
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        let num = |k: usize| -> Result<f64, InstanceError> {
            let field = f
                .get(k)
                .ok_or_else(|| err(lineno, format!("missing field {}", k + 1)))?;
            crate::instances::file_number(field)
                .map_err(|e| err(lineno, format!("field {} {field:?}: {e}", k + 1)))
        };
        let node = |v: f64| -> Result<usize, InstanceError> {
            let d = dimension.ok_or_else(|| err(lineno, "section before DIMENSION".into()))?;
            if v.fract() != 0.0 || v < 1.0 || v as usize > d {
                return Err(err(lineno, format!("node id {v} outside 1..={d}")));
            }
            Ok(v as usize - 1)
        };
        match section.as_str() {
            "NODE_COORD_SECTION" => {
                let k = node(num(0)?)?;
                coords[k] = Some((num(1)?, num(2)?));
            }
            "DEMAND_SECTION" => {
                let k = node(num(0)?)?;
                let d = num(1)?;
                if d.fract() != 0.0 || d < 0.0 {
                    return Err(err(
                        lineno,
                        format!("demand {d} is not a non-negative integer"),
                    ));
                }
                demands[k] = Some(d as i64);
            }
            "DEPOT_SECTION" => {
                let v = num(0)?;
                if v >= 0.0 {
                    depots.push(node(v)?);
                }
            }
            other => {
                return Err(err(
                    lineno,
                    format!("data outside a known section ({other:?})"),
                ))
            }
        }
    }
    let dimension = dimension.ok_or_else(|| err(0, "no DIMENSION".into()))?;
    let capacity = capacity.ok_or_else(|| err(0, "no CAPACITY".into()))?;
    if depots.is_empty() {
        // No DEPOT_SECTION (the Belgium instances): node 1 is the depot, as LKH-3 assumes.
        depots.push(0);
    }
    if depots != [0] {
        return Err(err(
            0,
            format!("expected the single depot 1, found {depots:?}"),
        ));
    }
    let mut nodes = Vec::with_capacity(dimension);
    for k in 0..dimension {
        let (x, y) =
            coords[k].ok_or_else(|| err(0, format!("node {} has no coordinates", k + 1)))?;
        let demand = demands[k].ok_or_else(|| err(0, format!("node {} has no demand", k + 1)))?;
        nodes.push(Node {
            id: k as u32,
            x,
            y,
            demand,
            pickup: 0,
            ready: 0.0,
            due: 0.0,
            service: 0.0,
        });
    }
    let convention = convention.unwrap_or(Convention::standard_for(Family::CvrplibX, dimension));
    let vehicles = (dimension as u32).saturating_sub(1).max(1);
    let problem = build_euclidean(path, &nodes, capacity, vehicles, convention, false)?;
    Ok(Instance {
        name: name.to_string(),
        family: Family::CvrplibX,
        convention,
        problem,
        customer_ids: nodes[1..].iter().map(|n| n.id).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: &str = "NAME : t\nTYPE : CVRP\nDIMENSION : 3\nEDGE_WEIGHT_TYPE : EUC_2D\nCAPACITY : 10\nNODE_COORD_SECTION\n1 0 0\n2 3 4\n3 0 2.4\nDEMAND_SECTION\n1 0\n2 4\n3 5\nDEPOT_SECTION\n1\n-1\nEOF\n";

    #[test]
    fn reads_a_tiny_file() {
        let inst = parse(Path::new("t.vrp"), "t", TINY, None).unwrap();
        assert_eq!(inst.customer_ids, vec![1, 2]);
        assert_eq!(inst.convention, Convention::Rounded);
        assert_eq!(inst.problem.profiles()[0].distance(0, 2).0, 20_000);
    }

    #[test]
    fn bad_demand_names_line() {
        let bad = TINY.replace("3 5\n", "3 -5\n");
        let e = parse(Path::new("t.vrp"), "t", &bad, None).unwrap_err();
        assert!(e.to_string().starts_with("t.vrp:13:"), "{e}");
    }

    #[test]
    fn a_dimension_larger_than_the_file_is_an_error_not_an_allocation() {
        // Found by the vrplib fuzz target: the node tables were allocated before any check.
        let huge = TINY.replace("DIMENSION : 3", "DIMENSION : 888888888888816");
        let e = parse(Path::new("t.vrp"), "t", &huge, None).unwrap_err();
        assert!(e.to_string().starts_with("t.vrp:3:"), "{e}");
        assert!(e.to_string().contains("DIMENSION 888888888888816"), "{e}");
    }
}
