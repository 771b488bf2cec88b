//! Reader for vehicle routing with simultaneous pickup and delivery (VRPSPD) files in LKH-3's
//! TSPLIB-style format: Dethloff's 40 (`TYPE : VRPSPD`, an explicit full matrix) and Salhi & Nagy's
//! 70 (`TYPE : MVRPB`, `EXACT_2D` coordinates, optional route-duration limit).
//!
//! Owns: [`parse`], [`looks_like_vrpspd`]. Must never: accept a depot other than node 1 (the TSPLIB
//! lines are read by [`crate::instances::tsplib`], shared with the VRPLIB reader). Conventions (from the data set's
//! `SOURCE.md`): `PICKUP_AND_DELIVERY_SECTION` lines read `id demand earliest latest service pickup
//! delivery` (column 6 is the pickup, column 7 the delivery; `demand` and the dummy window are
//! ignored); a route leaves the depot with its deliveries and the load must fit at every point;
//! `DISTANCE` (when not 0) limits route duration, travel plus the customers' service (the depot's
//! service is not counted); the fleet is unlimited (the literature's; `VEHICLES` is LKH-3's route
//! count). Dethloff's matrix is already `10⁴ ×` the distance ([`SCALE`]), so it is used as it is;
//! Salhi & Nagy's coordinates go through the [`Convention`] (default: exact double precision, as the
//! best-known values are). Customer numbers are node id minus one (the depot is 0).

use crate::instances::tsplib::{file_error, scan, Line as TsplibLine, Sections};
use crate::instances::{Convention, Family, Instance, InstanceError, SCALE};
use crate::solver::measure::{Cost, Distance, Duration, Load, Time};
use crate::solver::model::{Alternative, Order, Problem, TimeWindow, VehicleType};
use crate::solver::travel::{Matrix, Profile};
use std::path::Path;

/// True for LKH-3 pickup-and-delivery files.
pub fn looks_like_vrpspd(text: &str) -> bool {
    text.contains("PICKUP_AND_DELIVERY_SECTION")
}

/// One customer's line of `PICKUP_AND_DELIVERY_SECTION`.
#[derive(Clone, Copy, Debug, Default)]
struct Line {
    service: f64,
    pickup: i64,
    delivery: i64,
}

/// What a VRPSPD file gives, node by node.
#[derive(Default)]
struct File {
    nodes: usize,
    capacity: Option<i64>,
    max_duration: Option<f64>,
    explicit: bool,
    coords: Vec<Option<(f64, f64)>>,
    weights: Vec<i64>,
    lines: Vec<Option<Line>>,
}

impl Sections for File {
    fn dimension(&mut self, nodes: usize) {
        self.nodes = nodes;
        self.coords = vec![None; nodes];
        self.lines = vec![None; nodes];
    }

    fn header(&mut self, key: &str, value: &str, line: &TsplibLine) -> Result<(), InstanceError> {
        match key {
            "CAPACITY" => self.capacity = Some(line.positive(key, value)?),
            "DISTANCE" => {
                let d = line.value(key, value)?;
                if d < 0.0 {
                    return Err(line.error(format!("DISTANCE {d} is negative")));
                }
                self.max_duration = (d > 0.0).then_some(d);
            }
            "EDGE_WEIGHT_TYPE" => match value {
                "EXPLICIT" => self.explicit = true,
                "EXACT_2D" | "EUC_2D" => self.explicit = false,
                other => return Err(line.error(format!("unsupported EDGE_WEIGHT_TYPE {other}"))),
            },
            "EDGE_WEIGHT_FORMAT" if value != "FULL_MATRIX" => {
                return Err(line.error(format!(
                    "unsupported EDGE_WEIGHT_FORMAT {value} (expected FULL_MATRIX)"
                )))
            }
            _ => {}
        }
        Ok(())
    }

    fn data(&mut self, section: &str, line: &TsplibLine) -> Result<(), InstanceError> {
        match section {
            "EDGE_WEIGHT_SECTION" => {
                let d = self.nodes;
                for k in 0..line.len() {
                    if self.weights.len() == d * d {
                        return Err(line.error(format!("more than {d} x {d} edge weights")));
                    }
                    self.weights.push(line.amount(k, "edge weight")?);
                }
            }
            "NODE_COORD_SECTION" => {
                self.coords[line.node(0)?] = Some((line.field(1)?, line.field(2)?))
            }
            "PICKUP_AND_DELIVERY_SECTION" => {
                let k = line.node(0)?;
                let service = line.field(4)?;
                if service < 0.0 {
                    return Err(line.error(format!("service time {service} is negative")));
                }
                self.lines[k] = Some(Line {
                    service,
                    pickup: line.amount(5, "pickup")?,
                    delivery: line.amount(6, "delivery")?,
                });
            }
            other => return Err(line.error(format!("data outside a known section ({other:?})"))),
        }
        Ok(())
    }
}

/// Parse a VRPSPD file.
pub fn parse(
    path: &Path,
    name: &str,
    text: &str,
    convention: Option<Convention>,
) -> Result<Instance, InstanceError> {
    let err = |message: String| file_error(path, message);
    let mut file = File::default();
    let n = scan(path, text, 2, &mut file)?;
    let capacity = file.capacity.ok_or_else(|| err("no CAPACITY".into()))?;
    let (max_duration, weights, coords) = (file.max_duration, file.weights, file.coords);
    let mut customers = Vec::with_capacity(n);
    for (k, l) in file.lines.iter().enumerate() {
        customers
            .push(l.ok_or_else(|| err(format!("node {} has no pickup and delivery line", k + 1)))?);
    }
    let convention = convention.unwrap_or(Convention::Exact);
    let dist = if file.explicit {
        if weights.len() != n * n {
            return Err(err(format!(
                "EDGE_WEIGHT_SECTION holds {} weights, expected {n} x {n}",
                weights.len()
            )));
        }
        // Already 10⁴ × the distance, truncated (SOURCE.md), which is `SCALE` internal units.
        Matrix::from_fn(n, |i, j| Distance(weights[i * n + j] * (SCALE / 10_000)))
    } else {
        let mut xy = Vec::with_capacity(n);
        for (k, c) in coords.iter().enumerate() {
            xy.push(c.ok_or_else(|| err(format!("node {} has no coordinates", k + 1)))?);
        }
        Matrix::from_fn(n, |i, j| {
            let (a, b) = (xy[i], xy[j]);
            Distance(convention.scaled(((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()))
        })
    };
    // Durations equal distances here: one table read as both (half the memory).
    let dur: Matrix<Duration> = dist.view_as();
    let scaled = |v: f64| (v * SCALE as f64).round() as i64;
    let orders = customers[1..]
        .iter()
        .enumerate()
        .map(|(i, c)| Order {
            id: (i + 1).to_string(),
            alternatives: vec![Alternative {
                location: i as u32 + 1,
                service: Duration(scaled(c.service)),
            }],
            demand: Load::weight(c.delivery),
            pickup: Load::weight(c.pickup),
            windows: vec![TimeWindow::ALWAYS],
            penalty: None,
        })
        .collect();
    let vehicle = VehicleType {
        name: "vehicle".into(),
        capacity: Load([capacity, i64::MAX / 4, i64::MAX / 4]),
        start: 0,
        end: 0,
        shift: TimeWindow {
            open: Time(0),
            close: Time::MAX,
        },
        max_duration: max_duration.map_or(Duration::MAX, |d| Duration(scaled(d))),
        max_distance: Distance::MAX,
        fixed_cost: Cost::ZERO,
        cost_per_distance: 1,
        cost_per_duration: 0,
        count: (n as u32 - 1).max(1),
        profile: 0,
        reload_depots: Vec::new(),
        reload_time: Duration::ZERO,
        battery: None,
    };
    let problem = Problem::new(
        (0..n).map(|k| (k + 1).to_string()).collect(),
        vec![Profile::constant("euclidean", dist, dur)],
        orders,
        vec![vehicle],
    )
    .map_err(|source| InstanceError::Model {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(Instance {
        name: name.to_string(),
        family: Family::Vrpspd,
        convention,
        problem,
        customer_ids: (1..n as u32).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: &str = "NAME : t\nTYPE : MVRPB\nDIMENSION : 3\nCAPACITY : 10\nDISTANCE : 0\nEDGE_WEIGHT_TYPE : EXACT_2D\nNODE_COORD_SECTION\n1 0 0\n2 3 4\n3 0 2\nPICKUP_AND_DELIVERY_SECTION\n1 0 0 1000 0 0 0\n2 0 0 1000 0 7 2\n3 0 0 1000 0 1 6\nDEPOT_SECTION\n1\n-1\nEOF\n";

    #[test]
    fn reads_pickups_deliveries_and_distances() {
        let inst = parse(Path::new("t.vrpspd"), "t", TINY, None).unwrap();
        assert_eq!(inst.family, Family::Vrpspd);
        let p = &inst.problem;
        assert_eq!(p.orders()[0].pickup, Load::weight(7));
        assert_eq!(p.orders()[0].demand, Load::weight(2));
        assert_eq!(p.orders()[1].demand, Load::weight(6));
        assert_eq!(p.profiles()[0].distance(0, 1).0, 5 * SCALE);
        assert_eq!(p.vehicle_type(0).max_duration, Duration::MAX);
    }

    #[test]
    fn explicit_matrices_are_taken_as_scaled() {
        let text = "TYPE : VRPSPD\nDIMENSION : 2\nCAPACITY : 5\nEDGE_WEIGHT_TYPE : EXPLICIT\nEDGE_WEIGHT_FORMAT : FULL_MATRIX\nEDGE_WEIGHT_SECTION\n0 12345\n12345 0\nPICKUP_AND_DELIVERY_SECTION\n1 0 0 10 0 0 0\n2 0 0 10 0 1 2\nDEPOT_SECTION\n1\n-1\nEOF\n";
        let inst = parse(Path::new("e.vrpspd"), "e", text, None).unwrap();
        assert_eq!(inst.problem.profiles()[0].distance(0, 1).0, 12_345);
    }

    #[test]
    fn bad_input_names_the_line() {
        let bad = TINY.replace("3 0 0 1000 0 1 6", "3 0 0 1000 0 -1 6");
        let e = parse(Path::new("t.vrpspd"), "t", &bad, None).unwrap_err();
        assert!(e.to_string().contains(":14:"), "{e}");
        assert!(e.to_string().contains("pickup"), "{e}");
        let missing = TINY.replace("3 0 0 1000 0 1 6\n", "");
        let e = parse(Path::new("t.vrpspd"), "t", &missing, None).unwrap_err();
        assert!(e.to_string().contains("node 3"), "{e}");
    }
}
