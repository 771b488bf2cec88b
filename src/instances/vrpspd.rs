//! Reader for vehicle routing with simultaneous pickup and delivery (VRPSPD) files in LKH-3's
//! TSPLIB-style format: Dethloff's 40 (`TYPE : VRPSPD`, an explicit full matrix) and Salhi & Nagy's
//! 70 (`TYPE : MVRPB`, `EXACT_2D` coordinates, optional route-duration limit).
//!
//! Owns: [`parse`], [`looks_like_vrpspd`]. Must never: accept a file without exactly one depot (node
//! 1), or allocate for a `DIMENSION` larger than the file has lines. Conventions (from the data set's
//! `SOURCE.md`): `PICKUP_AND_DELIVERY_SECTION` lines read `id demand earliest latest service pickup
//! delivery` (column 6 is the pickup, column 7 the delivery; `demand` and the dummy window are
//! ignored); a route leaves the depot with its deliveries and the load must fit at every point;
//! `DISTANCE` (when not 0) limits route duration, travel plus the customers' service (the depot's
//! service is not counted); the fleet is unlimited (the literature's; `VEHICLES` is LKH-3's route
//! count). Dethloff's matrix is already `10⁴ ×` the distance ([`SCALE`]), so it is used as it is;
//! Salhi & Nagy's coordinates go through the [`Convention`] (default: exact double precision, as the
//! best-known values are). Customer numbers are node id minus one (the depot is 0).

use crate::instances::{file_number, Convention, Family, Instance, InstanceError, SCALE};
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

/// Parse a VRPSPD file.
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
    let mut max_duration: Option<f64> = None;
    let mut explicit = false;
    let mut coords: Vec<Option<(f64, f64)>> = Vec::new();
    let mut weights: Vec<i64> = Vec::new();
    let mut lines: Vec<Option<Line>> = Vec::new();
    let mut depots = Vec::new();
    let mut section = String::new();
    let line_count = text.lines().count();
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
            let number = |what: &str| -> Result<f64, InstanceError> {
                file_number(value).map_err(|e| err(lineno, format!("{what} {value:?}: {e}")))
            };
            match key {
                "DIMENSION" => {
                    let d = value
                        .parse::<usize>()
                        .map_err(|e| err(lineno, format!("DIMENSION {value:?}: {e}")))?;
                    if d > line_count || d < 2 {
                        return Err(err(
                            lineno,
                            format!("DIMENSION {d}: expected 2 to the file's {line_count} lines"),
                        ));
                    }
                    dimension = Some(d);
                    coords = vec![None; d];
                    lines = vec![None; d];
                }
                "CAPACITY" => {
                    let c = number("CAPACITY")?;
                    if c.fract() != 0.0 || c <= 0.0 {
                        return Err(err(
                            lineno,
                            format!("CAPACITY {c} is not a positive integer"),
                        ));
                    }
                    capacity = Some(c as i64);
                }
                "DISTANCE" => {
                    let d = number("DISTANCE")?;
                    if d < 0.0 {
                        return Err(err(lineno, format!("DISTANCE {d} is negative")));
                    }
                    max_duration = (d > 0.0).then_some(d);
                }
                "EDGE_WEIGHT_TYPE" => match value {
                    "EXPLICIT" => explicit = true,
                    "EXACT_2D" | "EUC_2D" => explicit = false,
                    other => {
                        return Err(err(lineno, format!("unsupported EDGE_WEIGHT_TYPE {other}")))
                    }
                },
                "EDGE_WEIGHT_FORMAT" if value != "FULL_MATRIX" => {
                    return Err(err(
                        lineno,
                        format!("unsupported EDGE_WEIGHT_FORMAT {value} (expected FULL_MATRIX)"),
                    ))
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
            file_number(field).map_err(|e| err(lineno, format!("field {} {field:?}: {e}", k + 1)))
        };
        let d = dimension.ok_or_else(|| err(lineno, "section before DIMENSION".into()))?;
        let node = |v: f64| -> Result<usize, InstanceError> {
            if v.fract() != 0.0 || v < 1.0 || v as usize > d {
                return Err(err(lineno, format!("node id {v} outside 1..={d}")));
            }
            Ok(v as usize - 1)
        };
        let amount = |k: usize, what: &str| -> Result<i64, InstanceError> {
            let v = num(k)?;
            if v.fract() != 0.0 || v < 0.0 {
                return Err(err(
                    lineno,
                    format!("{what} {v} is not a non-negative integer"),
                ));
            }
            Ok(v as i64)
        };
        match section.as_str() {
            "EDGE_WEIGHT_SECTION" => {
                for k in 0..f.len() {
                    if weights.len() == d * d {
                        return Err(err(lineno, format!("more than {d} x {d} edge weights")));
                    }
                    weights.push(amount(k, "edge weight")?);
                }
            }
            "NODE_COORD_SECTION" => {
                let k = node(num(0)?)?;
                coords[k] = Some((num(1)?, num(2)?));
            }
            "PICKUP_AND_DELIVERY_SECTION" => {
                let k = node(num(0)?)?;
                let service = num(4)?;
                if service < 0.0 {
                    return Err(err(lineno, format!("service time {service} is negative")));
                }
                lines[k] = Some(Line {
                    service,
                    pickup: amount(5, "pickup")?,
                    delivery: amount(6, "delivery")?,
                });
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
    let n = dimension.ok_or_else(|| err(0, "no DIMENSION".into()))?;
    let capacity = capacity.ok_or_else(|| err(0, "no CAPACITY".into()))?;
    if depots != [0] {
        return Err(err(
            0,
            format!("expected the single depot 1, found {depots:?}"),
        ));
    }
    let mut customers = Vec::with_capacity(n);
    for (k, l) in lines.iter().enumerate() {
        customers.push(
            l.ok_or_else(|| err(0, format!("node {} has no pickup and delivery line", k + 1)))?,
        );
    }
    let convention = convention.unwrap_or(Convention::Exact);
    let dist = if explicit {
        if weights.len() != n * n {
            return Err(err(
                0,
                format!(
                    "EDGE_WEIGHT_SECTION holds {} weights, expected {n} x {n}",
                    weights.len()
                ),
            ));
        }
        // Already 10⁴ × the distance, truncated (SOURCE.md), which is `SCALE` internal units.
        Matrix::from_fn(n, |i, j| Distance(weights[i * n + j] * (SCALE / 10_000)))
    } else {
        let mut xy = Vec::with_capacity(n);
        for (k, c) in coords.iter().enumerate() {
            xy.push(c.ok_or_else(|| err(0, format!("node {} has no coordinates", k + 1)))?);
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
