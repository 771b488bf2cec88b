//! Benchmark instance readers: Solomon and Gehring-Homberger text files, VRPLIB (CVRPLIB X) files,
//! Schneider E-VRPTW files, LKH-3 VRPSPD files (Dethloff, Salhi & Nagy), the distance conventions they are scored under, and the best-known-solution
//! table.
//!
//! Owns: turning files into a [`crate::solver::model::Problem`] plus the user-facing ids needed to
//! print routes, and [`bks`] lookups. Must never: search, or hide which convention was used.
//! Invariants: every quantity is scaled by [`SCALE`] (so a cost of `SCALE` is one file unit of
//! distance); order `i` of the problem is the `i`-th customer of the file and `customer_ids[i]` is its
//! number as the file (or its `.sol` file) writes it; errors name the file and line.

pub mod bks;
pub mod convention;
pub mod error;
pub mod evrptw;
pub mod solomon;
pub(crate) mod tsplib;
pub mod vrplib;
pub mod vrpspd;

pub use convention::Convention;
pub use error::InstanceError;

use crate::solver::model::Problem;
use std::path::Path;

/// Internal units per file unit of distance and time for every benchmark convention.
pub const SCALE: i64 = 10_000;

/// The largest magnitude of a coordinate, demand or time a benchmark file may hold: scaled by
/// [`SCALE`], distances and times then stay far inside `i64` even summed over long routes.
/// Published instances stay below 10⁵.
pub const MAX_FILE_VALUE: f64 = 1e9;

/// A number of a benchmark file: finite and at most [`MAX_FILE_VALUE`] in magnitude; the error
/// says why not (callers add the file, line and field).
pub(crate) fn file_number(text: &str) -> Result<f64, String> {
    let v = text.parse::<f64>().map_err(|e| e.to_string())?;
    if !v.is_finite() || v.abs() > MAX_FILE_VALUE {
        return Err(format!(
            "{v} is beyond ±{MAX_FILE_VALUE:e}, the largest value a benchmark file may hold"
        ));
    }
    Ok(v)
}

/// The benchmark family of an instance (decides which best-known rows apply).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// Solomon, 100 customers.
    Solomon,
    /// Gehring & Homberger, 200 to 1000 customers.
    Homberger,
    /// CVRPLIB X (Uchoa et al. 2017), and the VRPLIB-format Belgium instances (Arnold, Gendreau
    /// & Sörensen 2019; 3,000 to 30,000 customers).
    CvrplibX,
    /// E-VRPTW (Schneider, Stenger & Goeke 2014): 5 to 100 customers, charging stations, full
    /// recharges; best-known solutions are vehicles first, then distance.
    Evrptw,
    /// VRPSPD: Dethloff (2001) and Salhi & Nagy (1999), simultaneous pickup and delivery.
    Vrpspd,
}

impl Family {
    /// True when the family's best-known solutions minimise vehicles first, then distance.
    pub fn vehicles_first(self) -> bool {
        self == Family::Evrptw
    }
}

/// A benchmark instance read from a file.
#[derive(Clone, Debug)]
pub struct Instance {
    /// Name (file stem).
    pub name: String,
    /// Family.
    pub family: Family,
    /// Convention the distances were built with.
    pub convention: Convention,
    /// The problem.
    pub problem: Problem,
    /// File customer number of each order.
    pub customer_ids: Vec<u32>,
}

/// Read an instance, guessing the format from its content; `convention` `None` picks the family's
/// standard ([`Convention::standard_for`]).
pub fn read_instance(
    path: &Path,
    convention: Option<Convention>,
) -> Result<Instance, InstanceError> {
    let text = std::fs::read_to_string(path).map_err(|source| InstanceError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if vrpspd::looks_like_vrpspd(&text) {
        vrpspd::parse(path, &name, &text, convention)
    } else if text.contains("NODE_COORD_SECTION") {
        vrplib::parse(path, &name, &text, convention)
    } else if evrptw::looks_like_evrptw(&text) {
        evrptw::parse(path, &name, &text, convention)
    } else {
        solomon::parse(path, &name, &text, convention)
    }
}

/// One node of a Euclidean benchmark file (node 0 is the depot).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Node {
    pub id: u32,
    pub x: f64,
    pub y: f64,
    pub demand: i64,
    /// Picked up (VRPSPD files; 0 elsewhere).
    pub pickup: i64,
    pub ready: f64,
    pub due: f64,
    pub service: f64,
}

/// Build the problem of a single-depot Euclidean benchmark: node 0 is the depot, whose window is
/// the shift; every other node is a required order; `vehicles` identical vehicles of `capacity`.
pub(crate) fn build_euclidean(
    path: &Path,
    nodes: &[Node],
    capacity: i64,
    vehicles: u32,
    convention: Convention,
    windows: bool,
) -> Result<Problem, InstanceError> {
    use crate::solver::measure::{Cost, Distance, Duration, Load, Time};
    use crate::solver::model::{Alternative, Order, TimeWindow, VehicleType};
    use crate::solver::travel::{Matrix, Profile};
    let n = nodes.len();
    let dist = Matrix::from_fn(n, |i, j| {
        let (a, b) = (nodes[i], nodes[j]);
        Distance(convention.scaled(((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()))
    });
    // Durations equal distances here: one table read as both (half the memory).
    let dur: Matrix<Duration> = dist.view_as();
    let t = |v: f64| Time((v * SCALE as f64).round() as i64);
    let orders = nodes[1..]
        .iter()
        .enumerate()
        .map(|(i, nd)| Order {
            id: nd.id.to_string(),
            alternatives: vec![Alternative {
                location: i as u32 + 1,
                service: Duration((nd.service * SCALE as f64).round() as i64),
            }],
            demand: Load::weight(nd.demand),
            pickup: Load::weight(nd.pickup),
            windows: vec![if windows {
                TimeWindow {
                    open: t(nd.ready),
                    close: t(nd.due),
                }
            } else {
                TimeWindow::ALWAYS
            }],
            penalty: None,
        })
        .collect();
    let depot = nodes[0];
    let vehicle = VehicleType {
        name: "vehicle".into(),
        capacity: Load([capacity, i64::MAX / 4, i64::MAX / 4]),
        start: 0,
        end: 0,
        shift: if windows {
            TimeWindow {
                open: t(depot.ready),
                close: t(depot.due),
            }
        } else {
            TimeWindow {
                open: Time(0),
                close: Time::MAX,
            }
        },
        max_duration: Duration::MAX,
        max_distance: Distance::MAX,
        fixed_cost: Cost::ZERO,
        cost_per_distance: 1,
        cost_per_duration: 0,
        count: vehicles,
        profile: 0,
        reload_depots: Vec::new(),
        reload_time: Duration::ZERO,
        battery: None,
    };
    Problem::new(
        nodes.iter().map(|n| n.id.to_string()).collect(),
        vec![Profile::constant("euclidean", dist, dur)],
        orders,
        vec![vehicle],
    )
    .map_err(|source| InstanceError::Model {
        path: path.to_path_buf(),
        source,
    })
}
