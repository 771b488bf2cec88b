//! Small named fixtures shared by the solver integration tests.

use cityfreight::solver::measure::{Cost, Distance, Duration, Load, Time};
use cityfreight::solver::model::{Alternative, Order, Problem, TimeWindow, VehicleType};
use cityfreight::solver::rng::Rng;
use cityfreight::solver::travel::{Band, Matrix, Profile};

/// Euclidean distance rounded to an integer; travel time equals distance.
pub fn euclid(points: &[(i64, i64)]) -> Matrix<Distance> {
    Matrix::from_fn(points.len(), |i, j| {
        let (a, b) = (points[i], points[j]);
        Distance(
            (((a.0 - b.0).pow(2) + (a.1 - b.1).pow(2)) as f64)
                .sqrt()
                .round() as i64,
        )
    })
}

/// Travel times equal to distances.
pub fn as_durations(d: &Matrix<Distance>) -> Matrix<Duration> {
    Matrix::from_fn(d.size(), |i, j| Duration(d.get(i as u32, j as u32).0))
}

/// A plain vehicle type at depot 0 with distance cost 1.
pub fn vehicle(capacity: i64, count: u32, shift_close: i64) -> VehicleType {
    VehicleType {
        name: "van".into(),
        capacity: Load::weight(capacity),
        start: 0,
        end: 0,
        shift: TimeWindow {
            open: Time(0),
            close: Time(shift_close),
        },
        max_duration: Duration::MAX,
        max_distance: Distance::MAX,
        fixed_cost: Cost::ZERO,
        cost_per_distance: 1,
        cost_per_duration: 0,
        count,
        profile: 0,
        reload_depots: Vec::new(),
        reload_time: Duration::ZERO,
        battery: None,
    }
}

/// A required order at `location` with one window.
pub fn order(location: u32, demand: i64, service: i64, open: i64, close: i64) -> Order {
    Order {
        id: format!("o{location}"),
        alternatives: vec![Alternative {
            location,
            service: Duration(service),
        }],
        demand: Load::weight(demand),
        pickup: Load::ZERO,
        windows: vec![TimeWindow {
            open: Time(open),
            close: Time(close),
        }],
        penalty: None,
    }
}

/// A random VRPTW: depot at the centre of a 100 x 100 square, `n` customers with demand 1..=5,
/// service 5, windows of width 30..=150 inside [0, 400], `vehicles` vehicles of capacity `cap`.
pub fn random_vrptw(seed: u64, n: usize, vehicles: u32, cap: i64) -> Problem {
    let mut rng = Rng::new(seed, 99);
    let mut pts = vec![(50, 50)];
    for _ in 0..n {
        pts.push((rng.below(101) as i64, rng.below(101) as i64));
    }
    let d = euclid(&pts);
    let orders = (1..=n as u32)
        .map(|i| {
            let direct = d.get(0, i).0;
            let width = 30 + rng.below(121) as i64;
            let open = direct + rng.below(200) as i64;
            order(i, 1 + rng.below(5) as i64, 5, open, open + width)
        })
        .collect();
    Problem::new(
        (0..pts.len()).map(|i| format!("n{i}")).collect(),
        vec![Profile::constant("euclid", d.clone(), as_durations(&d))],
        orders,
        vec![vehicle(cap, vehicles, 800)],
    )
    .expect("valid random problem")
}

/// Two hour bands: travel is `slow_factor` times the distance before `switch`, the distance after.
pub fn banded_profile(d: &Matrix<Distance>, switch: i64, slow_factor: i64) -> Profile {
    let slow = Matrix::from_fn(d.size(), |i, j| {
        Duration(d.get(i as u32, j as u32).0 * slow_factor)
    });
    Profile {
        name: "banded".into(),
        distances: d.clone(),
        bands: vec![
            Band {
                start: Time::MIN,
                durations: slow,
            },
            Band {
                start: Time(switch),
                durations: as_durations(d),
            },
        ],
    }
}

/// `problem` with simultaneous pickups: each order also collects 0..=`max_pickup` units (seeded),
/// and every fourth order becomes a pure pickup (nothing delivered), as returns and 揽收 are.
pub fn with_pickups(problem: &Problem, seed: u64, max_pickup: i64) -> Problem {
    let mut rng = Rng::new(seed, 7);
    let mut orders = problem.orders().to_vec();
    for (i, o) in orders.iter_mut().enumerate() {
        o.pickup = Load::weight(rng.below(max_pickup as usize + 1) as i64);
        if i % 4 == 3 {
            o.demand = Load::ZERO;
        }
    }
    Problem::new(
        problem.locations().to_vec(),
        problem.profiles().to_vec(),
        orders,
        problem.vehicle_types().to_vec(),
    )
    .expect("valid pickup problem")
}

/// `problem` with its first `2 * pairs` orders made shipments: orders `2k` (pickup) and `2k + 1`
/// (delivery) carry 1..=`max_amount` units (seeded) from one to the other and deliver nothing
/// from the depot; the delivery's window is widened to the shift so that pickup-then-delivery
/// is often possible.
pub fn with_shipments(problem: &Problem, seed: u64, pairs: usize, max_amount: i64) -> Problem {
    use cityfreight::solver::model::Shipment;
    let mut rng = Rng::new(seed, 11);
    let mut orders = problem.orders().to_vec();
    let close = problem.vehicle_types()[0].shift.close;
    let mut shipments = Vec::new();
    for k in 0..pairs {
        let (p, d) = (2 * k, 2 * k + 1);
        orders[p].demand = Load::ZERO;
        orders[d].demand = Load::ZERO;
        orders[d].windows = vec![TimeWindow {
            open: orders[d].windows[0].open,
            close,
        }];
        shipments.push(Shipment {
            pickup: p as u32,
            delivery: d as u32,
            amount: Load::weight(1 + rng.below(max_amount as usize) as i64),
        });
    }
    Problem::new(
        problem.locations().to_vec(),
        problem.profiles().to_vec(),
        orders,
        problem.vehicle_types().to_vec(),
    )
    .and_then(|p| p.with_pairs(shipments))
    .expect("valid shipment problem")
}
