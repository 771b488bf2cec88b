//! City policies on the São Paulo extract: a truck-restriction zone (data/zones/sao-paulo-centre,
//! a model of the ZMRC) keeps medium trucks out in its hours and only then; a permit opens a
//! permit-only zone; matrices under a policy equal routes under it.

mod common;

use cityfreight::graph::{ClassId, Snap};
use cityfreight::io::policy::{parse_policy, read_policy};
use cityfreight::matrix::{HourBands, MatrixEngine};
use cityfreight::network::Network;
use cityfreight::routing::{route, Dijkstra, Metric};
use cityfreight::time::WeekTime;
use cityfreight::vehicle::default_classes;
use cityfreight::zones::{Policy, ZoneTags};
use std::path::Path;

fn network() -> Network {
    Network::load(
        &common::extract("sao-paulo-center-2020.osm.pbf"),
        &default_classes(),
        &|_, _, _| {},
    )
    .unwrap()
}

fn zmrc() -> Policy {
    read_policy(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("data/zones/sao-paulo-centre/policy.toml"),
        &default_classes(),
    )
    .unwrap()
}

/// Snapped points on roads outside every zone of the policy, spread over the extract.
fn outside_points(net: &Network, class: ClassId, tags: &ZoneTags, count: usize) -> Vec<Snap> {
    let g = &net.graph;
    let roads: Vec<u32> = (0..g.road_count() as u32)
        .filter(|&r| tags.road(r) == 0)
        .collect();
    (0..count)
        .filter_map(|i| {
            let r = roads[(i * 7919 + 11) % roads.len()];
            let geom = g.road_geometry(r);
            let p = [
                (geom[0][0] + geom[1][0]) / 2.0,
                (geom[0][1] + geom[1][1]) / 2.0,
            ];
            net.snap_index
                .snap(g, p, class, 20.0)
                .ok()
                .filter(|s| tags.road(s.road) == 0)
        })
        .collect()
}

fn zone_use(net: &Network, metric: &Metric, tags: &ZoneTags, points: &[Snap]) -> (usize, usize) {
    let g = &net.graph;
    let mut ws = Dijkstra::new(g.node_count());
    let (mut routes, mut through_zone) = (0, 0);
    for (i, a) in points.iter().enumerate() {
        let b = &points[(i * 13 + 5) % points.len()];
        if let Ok(r) = route(g, metric, a, b, &mut ws) {
            routes += 1;
            through_zone += usize::from(
                r.edges
                    .iter()
                    .any(|&e| tags.road(g.edge_road(e as usize)) != 0),
            );
        }
    }
    (routes, through_zone)
}

#[test]
fn medium_trucks_stay_out_of_the_zone_in_its_hours_only() {
    let net = network();
    let g = &net.graph;
    let policy = zmrc();
    let tags = ZoneTags::new(g, &policy);
    assert!(
        tags.roads_in(0) > 500,
        "{} roads in the zone",
        tags.roads_in(0)
    );
    let truck = g.class_id("diesel-medium-truck").unwrap();
    let van = g.class_id("e-micro-van").unwrap();
    let points = outside_points(&net, truck, &tags, 120);
    assert!(points.len() > 60);
    let at = |t: &str| WeekTime::parse(t).unwrap();
    for t in ["Tu 10:00", "Sa 12:00", "Fr 20:59"] {
        let metric = Metric::with_policy(g, truck, at(t), &policy, &tags, None);
        let (routes, through) = zone_use(&net, &metric, &tags, &points);
        assert!(routes > 50, "{t}: {routes} routes");
        assert_eq!(through, 0, "{t}: a medium truck drove through the zone");
    }
    for t in ["Tu 22:00", "Su 12:00", "Sa 15:00"] {
        let metric = Metric::with_policy(g, truck, at(t), &policy, &tags, None);
        let (_, through) = zone_use(&net, &metric, &tags, &points);
        assert!(
            through > 5,
            "{t}: outside the hours the zone is the short way ({through} routes through it)"
        );
    }
    let metric = Metric::with_policy(g, van, at("Tu 10:00"), &policy, &tags, None);
    let (_, through) = zone_use(&net, &metric, &tags, &points);
    assert!(through > 5, "vans are not restricted");
    // The zone's hours are hour-band boundaries for trucks, not for vans.
    assert!(
        HourBands::with_policy(g, truck, &policy, None)
            .metrics
            .len()
            > HourBands::new(g, truck).metrics.len()
    );
    assert_eq!(
        HourBands::with_policy(g, van, &policy, None).metrics.len(),
        HourBands::new(g, van).metrics.len()
    );
}

#[test]
fn a_permit_opens_a_permit_only_zone() {
    let net = network();
    let g = &net.graph;
    let text = "[[rule]]\nid = \"pass-only\"\nzones = [\"zmrc\"]\nhours = \"24/7\"\neffect = \"permit\"\n\n[[permit]]\nid = \"green\"\nzones = [\"zmrc\"]\neligible = { new_energy = true }\nquota = 10\n";
    let policy = parse_policy(text, zmrc().zones, &default_classes()).unwrap();
    let tags = ZoneTags::new(g, &policy);
    let van = g.class_id("e-micro-van").unwrap();
    let truck = g.class_id("diesel-light-truck").unwrap();
    let points = outside_points(&net, van, &tags, 80);
    let at = WeekTime::parse("We 11:00").unwrap();
    let (_, without) = zone_use(
        &net,
        &Metric::with_policy(g, van, at, &policy, &tags, None),
        &tags,
        &points,
    );
    let (_, with) = zone_use(
        &net,
        &Metric::with_policy(g, van, at, &policy, &tags, Some(0)),
        &tags,
        &points,
    );
    let (_, ineligible) = zone_use(
        &net,
        &Metric::with_policy(g, truck, at, &policy, &tags, Some(0)),
        &tags,
        &points,
    );
    assert_eq!(without, 0);
    assert!(with > 5, "{with}");
    assert_eq!(ineligible, 0, "a diesel truck cannot use the green permit");
}

#[test]
fn matrices_under_a_policy_equal_routes_under_it() {
    let net = network();
    let g = &net.graph;
    let policy = zmrc();
    let tags = ZoneTags::new(g, &policy);
    let truck = g.class_id("diesel-medium-truck").unwrap();
    let points: Vec<Option<Snap>> = outside_points(&net, truck, &tags, 25)
        .into_iter()
        .map(Some)
        .collect();
    let (engine, _) = MatrixEngine::new(g, None).unwrap();
    let mut ws = Dijkstra::new(g.node_count());
    for t in ["Tu 10:00", "Tu 22:00"] {
        let bands = HourBands::with_policy(g, truck, &policy, None);
        let at = WeekTime::parse(t).unwrap();
        let metric = Metric::with_policy(
            g,
            truck,
            bands.metrics[bands.band_at(at).metric],
            &policy,
            &tags,
            None,
        );
        let matrix = engine.matrix(g, &metric, &engine.customize(&metric).unwrap(), &points);
        for (i, a) in points.iter().enumerate() {
            for (j, b) in points.iter().enumerate() {
                let expected = route(
                    g,
                    &metric,
                    a.as_ref().unwrap(),
                    b.as_ref().unwrap(),
                    &mut ws,
                )
                .ok()
                .map(|r| (r.duration_ms, r.distance_cm));
                assert_eq!(
                    matrix.get(i, j).map(|c| (c.time_ms, c.dist_cm)),
                    expected,
                    "{t} ({i}, {j})"
                );
            }
        }
    }
}
