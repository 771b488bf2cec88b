//! Travel matrices on the real extracts equal point-to-point routing (Dijkstra) entry by entry,
//! for every class and for times inside and outside conditional rules; closing roads changes
//! exactly the entries whose fastest path used them.

mod common;

use cityfreight::graph::{ClassId, Snap};
use cityfreight::matrix::{HourBands, MatrixEngine};
use cityfreight::network::Network;
use cityfreight::routing::{route, Dijkstra, Metric, CLOSED};
use cityfreight::time::WeekTime;
use cityfreight::vehicle::default_classes;

/// `count` deterministic pseudo-random points in the extent of the graph, snapped for `class`
/// (unsnappable ones kept as `None`).
fn snaps(net: &Network, class: ClassId, count: usize, seed: u64) -> Vec<Option<Snap>> {
    let g = &net.graph;
    let (lo, hi) = g.extent();
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut out: Vec<Option<Snap>> = (0..count)
        .map(|_| {
            net.snap_index
                .snap(
                    g,
                    [
                        lo[0] + next() * (hi[0] - lo[0]),
                        lo[1] + next() * (hi[1] - lo[1]),
                    ],
                    class,
                    150.0,
                )
                .ok()
        })
        .collect();
    // Two points on one road, to exercise the same-road stretch.
    if let Some(s) = out.iter().flatten().next().copied() {
        out.push(Some(Snap {
            fraction: (s.fraction + 0.5) % 1.0,
            ..s
        }));
    }
    out
}

#[test]
fn matrix_entries_equal_point_to_point_routes() {
    let mut compared = 0;
    for (name, times) in [
        ("helsinki-2019.osm.pbf", vec!["Mo 10:00"]),
        (
            "ny-access-restriction.osm.pbf",
            vec!["Mo 10:00", "Su 12:00"],
        ),
        (
            "sao-paulo-center-2020.osm.pbf",
            vec!["Tu 03:00", "Tu 12:00"],
        ),
        (
            "nh-access-restriction.osm.pbf",
            vec!["We 12:00", "We 20:00"],
        ),
    ] {
        let net = Network::load(&common::extract(name), &default_classes(), &|_, _, _| {}).unwrap();
        let g = &net.graph;
        let (engine, _) = MatrixEngine::new(g, None).unwrap();
        let mut ws = Dijkstra::new(g.node_count());
        for (c, class) in g.classes().iter().enumerate() {
            let id = ClassId(c as u8);
            let points = snaps(&net, id, 18, c as u64 + 7);
            for t in &times {
                let at = WeekTime::parse(t).unwrap();
                let bands = HourBands::new(g, id);
                let metric = Metric::new(g, id, bands.metrics[bands.band_at(at).metric]);
                assert_eq!(
                    metric.time_ms,
                    Metric::new(g, id, at).time_ms,
                    "{name}: band metric differs from the moment's metric"
                );
                let customized = engine.customize(&metric).unwrap();
                let matrix = engine.matrix(g, &metric, &customized, &points);
                for (i, a) in points.iter().enumerate() {
                    for (j, b) in points.iter().enumerate() {
                        let expected = match (a, b) {
                            (Some(a), Some(b)) => route(g, &metric, a, b, &mut ws)
                                .ok()
                                .map(|r| (r.duration_ms, r.distance_cm)),
                            _ => None,
                        };
                        let got = matrix.get(i, j).map(|c| (c.time_ms, c.dist_cm));
                        assert_eq!(
                            got, expected,
                            "{name} {} at {t}: entry ({i}, {j})",
                            class.id
                        );
                        compared += 1;
                    }
                }
            }
        }
    }
    assert!(compared > 10_000, "{compared}");
}

#[test]
fn closing_roads_changes_exactly_the_entries_whose_path_used_them() {
    let net = Network::load(
        &common::extract("helsinki-2019.osm.pbf"),
        &default_classes(),
        &|_, _, _| {},
    )
    .unwrap();
    let g = &net.graph;
    let van = g.class_id("e-micro-van").unwrap();
    let points = snaps(&net, van, 30, 3);
    let metric = Metric::new(g, van, WeekTime::parse("Mo 10:00").unwrap());
    let (engine, _) = MatrixEngine::new(g, None).unwrap();
    let before = engine.matrix(g, &metric, &engine.customize(&metric).unwrap(), &points);
    // Close every road along the path of a few pairs (except the roads points stand on).
    let mut ws = Dijkstra::new(g.node_count());
    let on_point: Vec<u32> = points.iter().flatten().map(|s| s.road).collect();
    let mut closed_roads = std::collections::BTreeSet::new();
    for k in 0..3 {
        let (Some(a), Some(b)) = (points[k * 2], points[k * 2 + 5]) else {
            continue;
        };
        if let Ok(r) = route(g, &metric, &a, &b, &mut ws) {
            closed_roads.extend(
                r.edges
                    .iter()
                    .map(|&e| g.edge_road(e as usize))
                    .filter(|r| !on_point.contains(r)),
            );
        }
    }
    assert!(!closed_roads.is_empty());
    let mut closed = metric.clone();
    for e in 0..g.edge_count() {
        if closed_roads.contains(&g.edge_road(e)) {
            closed.time_ms[e] = CLOSED;
        }
    }
    let after = engine.matrix(g, &closed, &engine.customize(&closed).unwrap(), &points);
    let (mut used, mut changed) = (0, 0);
    for (i, a) in points.iter().enumerate() {
        for (j, b) in points.iter().enumerate() {
            let (Some(a), Some(b)) = (a, b) else { continue };
            let uses = route(g, &metric, a, b, &mut ws).is_ok_and(|r| {
                r.edges
                    .iter()
                    .any(|&e| closed_roads.contains(&g.edge_road(e as usize)))
            });
            let (old, new) = (before.get(i, j), after.get(i, j));
            if uses {
                used += 1;
                // Dearer or unreachable — unless an equally fast and short path avoids the roads.
                assert!(
                    new.is_none_or(|n| n >= old.unwrap()),
                    "({i},{j}) got cheaper"
                );
                changed += usize::from(new != old);
            } else {
                assert_eq!(
                    new, old,
                    "({i},{j}) changed though its path avoids the closed roads"
                );
            }
        }
    }
    assert!(
        used > 0 && changed * 10 >= used * 9,
        "{changed} of {used} entries whose path used the roads changed"
    );
}
