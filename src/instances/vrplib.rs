//! Reader for VRPLIB (TSPLIB-style) CVRP files such as CVRPLIB X.
//!
//! Owns: [`parse`]. Must never: accept an edge weight type other than `EUC_2D`, or a file with a
//! depot other than node 1 (a file without `DEPOT_SECTION`, such as the Belgium instances of
//! Arnold, Gendreau & Sörensen, has node 1 as its depot, as LKH-3 reads it); the TSPLIB lines are
//! read by [`crate::instances::tsplib`], shared with the VRPSPD reader. Customer
//! numbers follow the `.sol` convention: node id minus one, so the depot (node 1) is 0. The fleet
//! is unlimited (one vehicle per customer) and there are no time windows.

use crate::instances::tsplib::{file_error, scan, Line, Sections};
use crate::instances::{build_euclidean, Convention, Family, Instance, InstanceError, Node};
use std::path::Path;

/// What a VRPLIB file gives, node by node.
#[derive(Default)]
struct File {
    capacity: Option<i64>,
    coords: Vec<Option<(f64, f64)>>,
    demands: Vec<Option<i64>>,
}

impl Sections for File {
    fn dimension(&mut self, nodes: usize) {
        self.coords = vec![None; nodes];
        self.demands = vec![None; nodes];
    }

    fn header(&mut self, key: &str, value: &str, line: &Line) -> Result<(), InstanceError> {
        match key {
            "CAPACITY" => self.capacity = Some(line.positive(key, value)?),
            "EDGE_WEIGHT_TYPE" if value != "EUC_2D" => {
                return Err(line.error(format!("unsupported EDGE_WEIGHT_TYPE {value}")))
            }
            _ => {}
        }
        Ok(())
    }

    fn data(&mut self, section: &str, line: &Line) -> Result<(), InstanceError> {
        match section {
            "NODE_COORD_SECTION" => {
                self.coords[line.node(0)?] = Some((line.field(1)?, line.field(2)?))
            }
            "DEMAND_SECTION" => self.demands[line.node(0)?] = Some(line.amount(1, "demand")?),
            other => return Err(line.error(format!("data outside a known section ({other:?})"))),
        }
        Ok(())
    }
}

/// Parse a VRPLIB file. `convention` `None` uses rounded `EUC_2D` distances.
pub fn parse(
    path: &Path,
    name: &str,
    text: &str,
    convention: Option<Convention>,
) -> Result<Instance, InstanceError> {
    let err = |message: String| file_error(path, message);
    let mut file = File::default();
    let dimension = scan(path, text, 1, &mut file)?;
    let capacity = file.capacity.ok_or_else(|| err("no CAPACITY".into()))?;
    let mut nodes = Vec::with_capacity(dimension);
    for k in 0..dimension {
        let (x, y) =
            file.coords[k].ok_or_else(|| err(format!("node {} has no coordinates", k + 1)))?;
        let demand = file.demands[k].ok_or_else(|| err(format!("node {} has no demand", k + 1)))?;
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
