//! Small named fixture maps (a 3×3 street grid about 100 m a side) that a reader can draw on
//! paper: turn restrictions, one-way streets, time rules, snapping, and bad input.
//!
//! ```text
//!   7 --- 8 --- 9        row 2
//!   |     |     |
//!   4 --- 5 --- 6        row 1
//!   |     |     |
//!   1 --- 2 --- 3        row 0
//! ```
//! Every street between two neighbours is its own way, id = 10 * a + b (for example 45 is 4-5).

mod common;

use cityfreight::graph::{build_graph, SnapError};
use cityfreight::network::{Network, RequestError};
use cityfreight::osm::{read_pbf, Error as OsmError};
use cityfreight::time::WeekTime;
use cityfreight::vehicle::default_classes;
use common::Fixture;

const LON0: f64 = 104.06;
const LAT0: f64 = 30.66;
const STEP: f64 = 0.001; // about 96 m east-west, 111 m north-south

fn node(id: i64) -> (i64, f64, f64) {
    let (col, row) = ((id - 1) % 3, (id - 1) / 3);
    (id, LON0 + col as f64 * STEP, LAT0 + row as f64 * STEP)
}

/// A point on street a-b at `share` of the way from a to b.
fn on(a: i64, b: i64, share: f64) -> [f64; 2] {
    let (_, x1, y1) = node(a);
    let (_, x2, y2) = node(b);
    [x1 + (x2 - x1) * share, y1 + (y2 - y1) * share]
}

const STREETS: [(i64, i64); 12] = [
    (1, 2),
    (2, 3),
    (4, 5),
    (5, 6),
    (7, 8),
    (8, 9),
    (1, 4),
    (4, 7),
    (2, 5),
    (5, 8),
    (3, 6),
    (6, 9),
];

fn grid(extra_tags: &[(i64, Vec<(&'static str, &'static str)>)]) -> Fixture {
    let mut f = Fixture {
        nodes: (1..=9).map(node).collect(),
        ..Fixture::default()
    };
    for (a, b) in STREETS {
        let id = 10 * a + b;
        let mut tags = vec![("highway", "residential")];
        if let Some((_, more)) = extra_tags.iter().find(|(w, _)| *w == id) {
            tags.extend(more.iter().copied());
        }
        f.ways.push((id, vec![a, b], tags));
    }
    f
}

fn load(f: &Fixture) -> (tempfile::TempDir, Network) {
    let (dir, path) = f.write("grid.osm.pbf");
    let net = Network::load(&path, &default_classes(), &|_, _, _| {}).unwrap();
    (dir, net)
}

fn at(t: &str) -> WeekTime {
    WeekTime::parse(t).unwrap()
}

fn metres(net: &Network, from: [f64; 2], to: [f64; 2], class: &str, t: &str) -> f64 {
    net.route(from, to, class, at(t), 50.0)
        .unwrap()
        .answer
        .route
        .distance_cm as f64
        / 100.0
}

#[test]
fn no_left_turn_forces_a_detour() {
    // Driving east on 4-5, turning left (north) into 5-8 is banned.
    let (from, to) = (on(4, 5, 0.5), on(5, 8, 0.5));
    let (_d, free) = load(&grid(&[]));
    let direct = metres(&free, from, to, "e-micro-van", "10:00");
    assert!((direct - 104.0).abs() < 5.0, "direct {direct}");
    let mut restricted = grid(&[]);
    restricted.relations.push((
        1,
        vec![('w', 45, "from"), ('n', 5, "via"), ('w', 58, "to")],
        vec![("type", "restriction"), ("restriction", "no_left_turn")],
    ));
    let (_d, net) = load(&restricted);
    let detour = metres(&net, from, to, "e-micro-van", "10:00");
    assert!(
        detour > direct + 150.0,
        "detour {detour} vs direct {direct}"
    );
    // The same turn from the other side (west on 6-5 then right into 5-8) stays allowed.
    let other = metres(&net, on(6, 5, 0.5), to, "e-micro-van", "10:00");
    assert!((other - 104.0).abs() < 5.0, "{other}");
}

#[test]
fn hgv_only_restriction_binds_trucks_not_vans() {
    let mut f = grid(&[]);
    f.relations.push((
        1,
        vec![('w', 45, "from"), ('n', 5, "via"), ('w', 58, "to")],
        vec![("type", "restriction"), ("restriction:hgv", "no_left_turn")],
    ));
    let (_d, net) = load(&f);
    let (from, to) = (on(4, 5, 0.5), on(5, 8, 0.5));
    assert!(metres(&net, from, to, "e-micro-van", "10:00") < 110.0);
    assert!(metres(&net, from, to, "diesel-medium-truck", "10:00") > 250.0);
    assert_eq!(
        net.graph.stats().restrictions.applied_per_class,
        vec![0, 0, 1, 1, 1]
    );
}

#[test]
fn only_straight_on_allows_nothing_else() {
    let mut f = grid(&[]);
    f.relations.push((
        1,
        vec![('w', 45, "from"), ('n', 5, "via"), ('w', 56, "to")],
        vec![("type", "restriction"), ("restriction", "only_straight_on")],
    ));
    let (_d, net) = load(&f);
    let straight = metres(&net, on(4, 5, 0.5), on(5, 6, 0.5), "e-micro-van", "10:00");
    assert!(straight < 100.0, "{straight}");
    let right_turn = metres(&net, on(4, 5, 0.5), on(5, 2, 0.5), "e-micro-van", "10:00");
    assert!(right_turn > 250.0, "{right_turn}");
}

#[test]
fn one_way_street_is_never_driven_backwards() {
    let (_d, net) = load(&grid(&[(45, vec![("oneway", "yes")])]));
    // Ahead on the one-way street: direct. Behind: around the block.
    let ahead = metres(&net, on(4, 5, 0.2), on(4, 5, 0.8), "e-micro-van", "10:00");
    assert!((ahead - 0.6 * 96.0).abs() < 3.0, "{ahead}");
    let behind = metres(&net, on(4, 5, 0.8), on(4, 5, 0.2), "e-micro-van", "10:00");
    assert!(behind > 300.0, "{behind}");
    let (_d, reversed) = load(&grid(&[(45, vec![("oneway", "-1")])]));
    assert!(
        metres(
            &reversed,
            on(4, 5, 0.8),
            on(4, 5, 0.2),
            "e-micro-van",
            "10:00"
        ) < 60.0
    );
}

#[test]
fn morning_truck_ban_changes_the_route_only_in_its_hours() {
    // 4-5-6 is the straight way from 4 to 6; the ban on 5-6 sends trucks around at 08:00.
    let (_d, net) = load(&grid(&[(
        56,
        vec![("hgv:conditional", "no @ (Mo-Fr 07:00-09:00)")],
    )]));
    let (from, to) = (on(4, 5, 0.5), on(6, 9, 0.5));
    let open = metres(&net, from, to, "diesel-medium-truck", "Mo 10:00");
    let banned = metres(&net, from, to, "diesel-medium-truck", "Mo 08:00");
    let weekend = metres(&net, from, to, "diesel-medium-truck", "Sa 08:00");
    let van = metres(&net, from, to, "e-micro-van", "Mo 08:00");
    assert!(banned > open + 100.0, "{banned} vs {open}");
    assert_eq!(open, weekend);
    assert_eq!(open, van);
}

#[test]
fn pedestrian_street_opens_for_delivery_only() {
    let pedestrian = |delivery: bool| {
        let mut f = grid(&[]);
        for w in f.ways.iter_mut().filter(|w| w.0 == 45) {
            w.2 = vec![("highway", "pedestrian")];
            if delivery {
                w.2.push(("motor_vehicle", "delivery"));
            }
        }
        f
    };
    let middle = on(4, 5, 0.5);
    let (_d, closed) = load(&pedestrian(false));
    let (_d2, open) = load(&pedestrian(true));
    let van = closed.graph.class_id("e-micro-van").unwrap();
    let snap_closed = closed
        .snap_index
        .snap(&closed.graph, middle, van, 500.0)
        .unwrap();
    assert_ne!(
        closed.graph.road_way(snap_closed.road).osm_id,
        45,
        "a van may not stop on a pedestrian street"
    );
    assert!(snap_closed.distance_m > 40.0);
    let snap_open = open
        .snap_index
        .snap(&open.graph, middle, van, 500.0)
        .unwrap();
    assert_eq!(open.graph.road_way(snap_open.road).osm_id, 45);
    assert!(snap_open.distance_m < 0.01);
    // Delivering there: reachable, at pedestrian pace on the last stretch (5 km/h default).
    let r = open
        .route(on(1, 2, 0.5), middle, "e-micro-van", at("10:00"), 1.0)
        .unwrap()
        .answer
        .route;
    assert!(r.duration_ms > 30_000, "{}", r.duration_ms);
}

#[test]
fn snapping_projects_onto_the_segment_and_reports_errors() {
    let (_d, net) = load(&grid(&[]));
    let g = &net.graph;
    let van = g.class_id("e-micro-van").unwrap();
    // 20 m north of the middle of 4-5.
    let p = on(4, 5, 0.5);
    let snap = net
        .snap_index
        .snap(g, [p[0], p[1] + 20.0 / 111_195.0], van, 500.0)
        .unwrap();
    assert!((snap.distance_m - 20.0).abs() < 0.5, "{}", snap.distance_m);
    assert!((snap.point[0] - p[0]).abs() < 1e-7 && (snap.point[1] - p[1]).abs() < 1e-7);
    assert_eq!(g.road_way(snap.road).osm_id, 45);
    let f = if g.road(snap.road).from == g.road(snap.road).to {
        0.5
    } else {
        snap.fraction
    };
    assert!((f - 0.5).abs() < 0.01 || (f - 0.5).abs() < 0.01, "{f}");
    // 300 m south of the grid: too far for a 100 m limit, fine for 500 m.
    let south = [LON0 + STEP, LAT0 - 300.0 / 111_195.0];
    assert!(matches!(
        net.snap_index.snap(g, south, van, 100.0),
        Err(SnapError::OutsideMap { .. })
    ));
    let near_south = [LON0 + STEP, LAT0 - 80.0 / 111_195.0];
    assert!(matches!(
        net.snap_index.snap(g, near_south, van, 60.0),
        Err(SnapError::TooFar { .. }) | Err(SnapError::OutsideMap { .. })
    ));
    assert!(net.snap_index.snap(g, south, van, 500.0).is_ok());
    assert!(matches!(
        net.snap_index.snap(g, [200.0, 0.0], van, 500.0),
        Err(SnapError::Invalid { .. })
    ));
    assert!(matches!(
        net.route(south, p, "e-micro-van", at("10:00"), 100.0),
        Err(RequestError::From(_))
    ));
    assert!(matches!(
        net.route(p, south, "e-micro-van", at("10:00"), 100.0),
        Err(RequestError::To(_))
    ));
    assert!(matches!(
        net.route(p, p, "rocket", at("10:00"), 100.0),
        Err(RequestError::UnknownClass(_))
    ));
}

#[test]
fn an_extract_with_no_roads_is_an_error_naming_the_file() {
    let mut f = grid(&[]);
    f.ways = vec![(1, vec![1, 2, 5, 4, 1], vec![("building", "yes")])];
    let (_dir, path) = f.write("buildings.osm.pbf");
    let err = read_pbf(&path, &|_, _| {}).unwrap_err();
    assert!(matches!(err, OsmError::NoRoads { ways: 1, .. }), "{err}");
    assert!(err.to_string().contains("buildings.osm.pbf"));
}

#[test]
fn corrupt_string_indices_are_errors_not_panics() {
    let mut bytes = grid(&[]).to_pbf();
    // Flip bytes in the data block until decoding fails; it must never panic.
    let len = bytes.len();
    for i in (len - 200..len).step_by(7) {
        bytes[i] ^= 0x5a;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corrupt.osm.pbf");
    std::fs::write(&path, &bytes).unwrap();
    let _ = read_pbf(&path, &|_, _| {}); // Ok or Err, but no panic.
    for cut in [1, 3, 10, len / 2, len - 1] {
        std::fs::write(&path, &bytes[..cut]).unwrap();
        assert!(read_pbf(&path, &|_, _| {}).is_err(), "cut at {cut}");
    }
}

#[test]
fn the_build_is_identical_on_one_and_two_threads() {
    let path = common::extract("helsinki-2019.osm.pbf");
    let build = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| {
                let extract = read_pbf(&path, &|_, _| {}).unwrap();
                format!("{:?}", build_graph(&extract, &default_classes()).unwrap())
            })
    };
    assert_eq!(build(1), build(2));
}
