//! Reader for the E-VRPTW instances of Schneider, Stenger & Goeke (2014).
//!
//! Owns: [`parse`] and [`looks_like_evrptw`]. Must never: guess missing numbers; a malformed line
//! is an error naming the file, the line and what was expected. Format: a header line
//! `StringID Type x y demand ReadyTime DueDate ServiceTime`, one line per location (type `d` the
//! depot, exactly one; `f` a recharging station; `c` a customer), a blank line, then the vehicle
//! parameters `Q ... /77.75/` (battery capacity), `C ... /200.0/` (load capacity), `r ... /1.0/`
//! (consumption per distance), `g ... /3.47/` (charging time per energy) and `v ... /1.0/`
//! (speed). Scale: distance, time and energy are all kept at [`SCALE`] internal units per file unit
//! (exact Euclidean distances rounded to 1/[`SCALE`], as for Solomon); `r` and `g` are read as
//! exact decimal ratios, so `Q`, `r`, `g` and the coordinates are represented exactly. Travel time
//! is distance / `v`. The fleet is unlimited (one vehicle per customer), every station may be used
//! by the vehicle, which charges to full (the paper's policy), and stations keep the opening
//! window the file gives them. Location 0 is the depot, then the customers in file order (order `i`
//! is location `i + 1`), then the stations.

use crate::instances::{Convention, Family, Instance, InstanceError, SCALE};
use crate::solver::measure::{Cost, Distance, Duration, Energy, Load, Time};
use crate::solver::model::{
    Alternative, Battery, ChargeRate, ChargingStation, Consumption, Order, Problem, TimeWindow,
    VehicleType,
};
use crate::solver::travel::{Matrix, Profile};
use std::path::Path;

/// True when `text` starts with the E-VRPTW header line.
pub fn looks_like_evrptw(text: &str) -> bool {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| {
            let mut f = l.split_whitespace();
            f.next() == Some("StringID") && f.next() == Some("Type")
        })
}

/// A location line.
struct Row {
    id: String,
    kind: char,
    x: f64,
    y: f64,
    demand: f64,
    ready: f64,
    due: f64,
    service: f64,
}

/// A non-negative decimal literal as an exact ratio `(numerator, denominator)`, reduced.
fn decimal_ratio(s: &str) -> Option<(i64, i64)> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 9
    {
        return None;
    }
    let den = 10i64.pow(frac.len() as u32);
    let num = format!("{int}{frac}").parse::<i64>().ok()?;
    let g = gcd(num, den);
    Some((num / g, den / g))
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 {
        a.max(1)
    } else {
        gcd(b, a % b)
    }
}

/// Parse Schneider E-VRPTW text. `convention` `None` uses [`Convention::Exact`].
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
    let mut rows: Vec<Row> = Vec::new();
    let mut params: [Option<(String, usize)>; 5] = Default::default();
    const KEYS: [char; 5] = ['Q', 'C', 'r', 'g', 'v'];
    let mut header_seen = false;
    for (i, raw) in text.lines().enumerate() {
        let lineno = i + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if !header_seen {
            if !looks_like_evrptw(line) {
                return Err(err(
                    lineno,
                    "expected the header `StringID Type x y demand ReadyTime DueDate ServiceTime`"
                        .into(),
                ));
            }
            header_seen = true;
            continue;
        }
        if let Some((before, after)) = line.split_once('/') {
            let key = before.chars().next().unwrap_or(' ');
            let Some(k) = KEYS.iter().position(|&c| c == key) else {
                return Err(err(
                    lineno,
                    format!(
                        "expected a parameter line starting with Q, C, r, g or v, found {line:?}"
                    ),
                ));
            };
            let Some((value, _)) = after.split_once('/') else {
                return Err(err(lineno, format!("expected `/value/`, found {line:?}")));
            };
            params[k] = Some((value.trim().to_string(), lineno));
            continue;
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() != 8 {
            return Err(err(
                lineno,
                format!(
                    "expected 8 fields (StringID Type x y demand ReadyTime DueDate ServiceTime), found {}",
                    f.len()
                ),
            ));
        }
        let kind = match f[1] {
            "d" => 'd',
            "f" => 'f',
            "c" => 'c',
            other => {
                return Err(err(
                    lineno,
                    format!("type {other:?}: expected d (depot), f (station) or c (customer)"),
                ))
            }
        };
        let mut v = [0f64; 6];
        for (k, s) in f[2..].iter().enumerate() {
            v[k] = crate::instances::file_number(s).map_err(|e| {
                err(
                    lineno,
                    format!("field {} {s:?}: expected a number ({e})", k + 3),
                )
            })?;
        }
        if v[2] < 0.0 || v[2].fract() != 0.0 {
            return Err(err(
                lineno,
                format!("demand {}: expected a whole number >= 0", f[4]),
            ));
        }
        if v[3] > v[4] || v[5] < 0.0 {
            return Err(err(
                lineno,
                "expected ReadyTime <= DueDate and ServiceTime >= 0".into(),
            ));
        }
        rows.push(Row {
            id: f[0].to_string(),
            kind,
            x: v[0],
            y: v[1],
            demand: v[2],
            ready: v[3],
            due: v[4],
            service: v[5],
        });
    }
    if !header_seen {
        return Err(err(0, "empty file".into()));
    }
    let mut values = [0f64; 5];
    let mut ratios = [(0i64, 1i64); 5];
    for (k, p) in params.iter().enumerate() {
        let Some((s, lineno)) = p else {
            return Err(err(
                0,
                format!("missing the parameter line `{} ... /value/`", KEYS[k]),
            ));
        };
        let r = decimal_ratio(s).ok_or_else(|| {
            err(
                *lineno,
                format!("{} value {s:?}: expected a decimal number >= 0", KEYS[k]),
            )
        })?;
        ratios[k] = r;
        values[k] = r.0 as f64 / r.1 as f64;
    }
    let [q, c, _, _, v] = values;
    if q <= 0.0 || v <= 0.0 || ratios[1].0 % ratios[1].1 != 0 {
        return Err(err(
            0,
            "expected Q > 0, v > 0 and a whole-number load capacity C".into(),
        ));
    }
    let depots: Vec<&Row> = rows.iter().filter(|r| r.kind == 'd').collect();
    if depots.len() != 1 {
        return Err(err(
            0,
            format!(
                "expected exactly one depot (type d), found {}",
                depots.len()
            ),
        ));
    }
    let customers: Vec<&Row> = rows.iter().filter(|r| r.kind == 'c').collect();
    let stations: Vec<&Row> = rows.iter().filter(|r| r.kind == 'f').collect();
    if customers.is_empty() {
        return Err(err(0, "no customers (type c)".into()));
    }
    let nodes: Vec<&Row> = depots
        .iter()
        .chain(customers.iter())
        .chain(stations.iter())
        .copied()
        .collect();
    let convention = convention.unwrap_or(Convention::Exact);
    let n = nodes.len();
    let dist = Matrix::from_fn(n, |i, j| {
        let (a, b) = (nodes[i], nodes[j]);
        Distance(convention.scaled(((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()))
    });
    let dur = Matrix::from_fn(n, |i, j| {
        let (a, b) = (nodes[i], nodes[j]);
        Duration(convention.scaled(((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt() / v))
    });
    let t = |x: f64| Time((x * SCALE as f64).round() as i64);
    let orders = customers
        .iter()
        .enumerate()
        .map(|(i, r)| Order {
            id: r.id.clone(),
            alternatives: vec![Alternative {
                location: i as u32 + 1,
                service: Duration((r.service * SCALE as f64).round() as i64),
            }],
            demand: Load::weight(r.demand as i64),
            pickup: Load::ZERO,
            windows: vec![TimeWindow {
                open: t(r.ready),
                close: t(r.due),
            }],
            penalty: None,
        })
        .collect();
    let first_station = 1 + customers.len();
    let (g_num, g_den) = ratios[3];
    let solver_stations: Vec<ChargingStation> = stations
        .iter()
        .enumerate()
        .map(|(s, r)| ChargingStation {
            name: r.id.clone(),
            location: (first_station + s) as u32,
            // g file time per file energy = g internal time per internal energy (same scale).
            rate: ChargeRate {
                time: Duration(g_num),
                per: Energy(g_den),
            },
            windows: vec![TimeWindow {
                open: t(r.ready),
                close: t(r.due),
            }],
        })
        .collect();
    let (r_num, r_den) = ratios[2];
    let depot = depots[0];
    let battery = Battery::new(
        Energy((q * SCALE as f64).round() as i64),
        Consumption {
            energy: Energy(r_num),
            per: Distance(r_den),
        },
    )
    .with_stations((0..stations.len() as u32).collect());
    let vehicle = VehicleType {
        name: "ev".into(),
        capacity: Load([c as i64, i64::MAX / 4, i64::MAX / 4]),
        start: 0,
        end: 0,
        shift: TimeWindow {
            open: t(depot.ready),
            close: t(depot.due),
        },
        max_duration: Duration::MAX,
        max_distance: Distance::MAX,
        fixed_cost: Cost::ZERO,
        cost_per_distance: 1,
        cost_per_duration: 0,
        count: customers.len() as u32,
        profile: 0,
        reload_depots: Vec::new(),
        reload_time: Duration::ZERO,
        battery: Some(battery),
    };
    let problem = Problem::with_stations(
        nodes.iter().map(|r| r.id.clone()).collect(),
        vec![Profile::constant("euclidean", dist, dur)],
        orders,
        vec![vehicle],
        solver_stations,
    )
    .map_err(|source| InstanceError::Model {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(Instance {
        name: name.to_string(),
        family: Family::Evrptw,
        convention,
        problem,
        customer_ids: customers
            .iter()
            .enumerate()
            .map(|(i, r)| {
                r.id.trim_start_matches(|ch: char| !ch.is_ascii_digit())
                    .parse()
                    .unwrap_or(i as u32 + 1)
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: &str = "StringID   Type       x          y          demand     ReadyTime  DueDate    ServiceTime\n\
D0 d 0.0 0.0 0.0 0.0 100.0 0.0\n\
S0 f 0.0 0.0 0.0 0.0 100.0 0.0\n\
S1 f 3.0 0.0 0.0 0.0 100.0 0.0\n\
C1 c 3.0 4.0 5.0 0.0 50.0 1.0\n\
\n\
Q Vehicle fuel tank capacity /12.5/\n\
C Vehicle load capacity /10.0/\n\
r fuel consumption rate /1.2/\n\
g inverse refueling rate /3.47/\n\
v average Velocity /1.0/\n";

    #[test]
    fn reads_a_tiny_file_exactly() {
        let inst = parse(Path::new("tiny.txt"), "tiny", TINY, None).unwrap();
        let p = &inst.problem;
        assert_eq!(p.orders().len(), 1);
        assert_eq!(p.stations().len(), 2);
        assert_eq!(inst.customer_ids, vec![1]);
        assert_eq!(p.profiles()[0].distance(0, 1).0, 50_000);
        let b = p.vehicle_types()[0].battery.as_ref().unwrap();
        assert_eq!(b.capacity, Energy(125_000));
        assert_eq!(b.consumption.energy_for(Distance(50_000)), Energy(60_000));
        assert_eq!(p.stations()[1].rate.time_for(Energy(100)), Duration(347));
        assert_eq!(p.stations()[1].location, 3);
    }

    #[test]
    fn decimal_ratios_are_exact() {
        assert_eq!(decimal_ratio("3.47"), Some((347, 100)));
        assert_eq!(decimal_ratio("1.0"), Some((1, 1)));
        assert_eq!(decimal_ratio("0.5"), Some((1, 2)));
        assert_eq!(decimal_ratio("x"), None);
        assert_eq!(decimal_ratio("-1"), None);
    }

    #[test]
    fn bad_lines_name_file_line_and_expectation() {
        let bad = TINY.replace("C1 c 3.0 4.0", "C1 c 3.0 four");
        let e = parse(Path::new("tiny.txt"), "tiny", &bad, None).unwrap_err();
        assert!(e.to_string().starts_with("tiny.txt:5:"), "{e}");
        assert!(e.to_string().contains("expected a number"), "{e}");
        let bad = TINY.replace("C1 c", "C1 x");
        let e = parse(Path::new("tiny.txt"), "tiny", &bad, None).unwrap_err();
        assert!(e.to_string().contains("expected d (depot)"), "{e}");
        let bad = TINY.replace("g inverse refueling rate /3.47/\n", "");
        let e = parse(Path::new("tiny.txt"), "tiny", &bad, None).unwrap_err();
        assert!(
            e.to_string().contains("missing the parameter line `g"),
            "{e}"
        );
        let bad = TINY.replace("/12.5/", "/abc/");
        let e = parse(Path::new("tiny.txt"), "tiny", &bad, None).unwrap_err();
        assert!(e.to_string().starts_with("tiny.txt:7:"), "{e}");
        let bad = TINY.replace("D0 d", "D0 c");
        let e = parse(Path::new("tiny.txt"), "tiny", &bad, None).unwrap_err();
        assert!(e.to_string().contains("exactly one depot"), "{e}");
    }
}
