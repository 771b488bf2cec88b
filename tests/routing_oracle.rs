//! Routing answers equal a plain Dijkstra oracle (tests/common) on random pairs, classes and
//! times, on real extracts with one-way streets, turn restrictions and time rules.

mod common;

use cityfreight::graph::ClassId;
use cityfreight::network::Network;
use cityfreight::routing::{route, Dijkstra, Metric};
use cityfreight::time::{WeekTime, WEEK};
use cityfreight::vehicle::default_classes;
use proptest::prelude::*;
use std::sync::OnceLock;

fn network(name: &'static str) -> &'static Network {
    static NETS: OnceLock<Vec<(&'static str, Network)>> = OnceLock::new();
    let nets = NETS.get_or_init(|| {
        [
            "helsinki-2019.osm.pbf",
            "ny-access-restriction.osm.pbf",
            "sao-paulo-center-2020.osm.pbf",
            "nh-access-restriction.osm.pbf",
        ]
        .into_iter()
        .map(|n| {
            (
                n,
                Network::load(&common::extract(n), &default_classes(), &|_, _, _| {}).unwrap(),
            )
        })
        .collect()
    });
    &nets.iter().find(|(n, _)| *n == name).unwrap().1
}

fn check(
    name: &'static str,
    a: (f64, f64),
    b: (f64, f64),
    class: u8,
    seconds: u32,
) -> Result<(), TestCaseError> {
    let net = network(name);
    let g = &net.graph;
    let class = ClassId(class % g.classes().len() as u8);
    let t = WeekTime::from_seconds(seconds);
    // Points anywhere in the extent of the roads.
    let (lo, hi) = g.extent();
    let point = |(x, y): (f64, f64)| [lo[0] + x * (hi[0] - lo[0]), lo[1] + y * (hi[1] - lo[1])];
    let (Ok(from), Ok(to)) = (
        net.snap_index.snap(g, point(a), class, 2_000.0),
        net.snap_index.snap(g, point(b), class, 2_000.0),
    ) else {
        return Ok(());
    };
    let metric = Metric::new(g, class, t);
    let mut ws = Dijkstra::new(g.node_count());
    let ours = route(g, &metric, &from, &to, &mut ws)
        .ok()
        .map(|r| (r.duration_ms, r.distance_cm));
    let expected = common::route_oracle(g, class, t, &from, &to);
    prop_assert_eq!(
        ours,
        expected,
        "{} class {:?} at {} from {:?} to {:?}",
        name,
        class,
        t,
        from,
        to
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn equals_dijkstra_oracle(
        which in 0usize..4, ax in 0.0f64..1.0, ay in 0.0f64..1.0, bx in 0.0f64..1.0, by in 0.0f64..1.0,
        class in 0u8..5, seconds in 0u32..WEEK,
    ) {
        let name = ["helsinki-2019.osm.pbf", "ny-access-restriction.osm.pbf", "sao-paulo-center-2020.osm.pbf", "nh-access-restriction.osm.pbf"][which];
        check(name, (ax, ay), (bx, by), class, seconds)?;
    }
}
