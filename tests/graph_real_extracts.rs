//! The road graph on the bundled real OSM extracts: access tags, size limits, time rules,
//! one-way streets and turn restrictions, checked way by way and on routes.

mod common;

use cityfreight::graph::{build_graph, ClassId, Dir, RoadGraph};
use cityfreight::network::Network;
use cityfreight::osm::access::{AccessKey, ClassAccess};
use cityfreight::osm::restriction::{TurnKind, Via};
use cityfreight::osm::tags::{AccessValue, Oneway};
use cityfreight::osm::{read_pbf, OsmExtract};
use cityfreight::routing::{route, Dijkstra, Metric};
use cityfreight::time::WeekTime;
use cityfreight::vehicle::default_classes;
use std::collections::HashMap;

fn load(name: &str) -> (OsmExtract, RoadGraph) {
    let extract = read_pbf(&common::extract(name), &|_, _| {}).unwrap();
    let graph = build_graph(&extract, &default_classes()).unwrap();
    (extract, graph)
}

fn class(graph: &RoadGraph, id: &str) -> ClassId {
    graph.class_id(id).unwrap()
}

/// Roads (indices) of each OSM way.
fn roads_by_way(graph: &RoadGraph) -> HashMap<i64, Vec<u32>> {
    let mut map: HashMap<i64, Vec<u32>> = HashMap::new();
    for road in 0..graph.road_count() as u32 {
        map.entry(graph.road_way(road).osm_id)
            .or_default()
            .push(road);
    }
    map
}

fn road_usable(graph: &RoadGraph, road: u32, class: ClassId) -> bool {
    [Dir::Forward, Dir::Backward].iter().any(|&d| {
        graph
            .road_dir_edges(road, d)
            .iter()
            .any(|&e| graph.usable(e as usize, class))
    })
}

/// A point strictly inside a road (the middle of its first segment), so snapping is unambiguous.
fn segment_middle(graph: &RoadGraph, road: u32) -> [f64; 2] {
    let g = graph.road_geometry(road);
    [(g[0][0] + g[1][0]) / 2.0, (g[0][1] + g[1][1]) / 2.0]
}

fn at(t: &str) -> WeekTime {
    WeekTime::parse(t).unwrap()
}

#[test]
fn sao_paulo_hgv_no_ways_take_vans_but_not_medium_trucks() {
    let (extract, graph) = load("sao-paulo-center-2020.osm.pbf");
    let (van, truck) = (
        class(&graph, "e-micro-van"),
        class(&graph, "diesel-medium-truck"),
    );
    let by_way = roads_by_way(&graph);
    let mut checked = 0;
    for way in &extract.ways {
        let rules = &extract.access_rules[way.access as usize];
        if rules.plain[AccessKey::Hgv as usize] != Some(AccessValue::Denied)
            || rules.conditional.iter().any(|r| r.key == AccessKey::Hgv)
        {
            continue;
        }
        for &road in by_way.get(&way.id).into_iter().flatten() {
            assert_eq!(
                graph.road_access(road, truck),
                &ClassAccess::Never,
                "way {}",
                way.id
            );
            assert!(
                !road_usable(&graph, road, truck),
                "medium truck may use hgv=no way {}",
                way.id
            );
            if rules.conditional.is_empty()
                && rules.plain[..AccessKey::Hgv as usize]
                    .iter()
                    .all(Option::is_none)
            {
                assert_eq!(
                    graph.road_access(road, van),
                    &ClassAccess::Always,
                    "way {}",
                    way.id
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} hgv=no roads found");
    // And at least some of them are in the van's network.
    let usable_by_van = extract
        .ways
        .iter()
        .filter(|w| {
            extract.access_rules[w.access as usize].plain[AccessKey::Hgv as usize]
                == Some(AccessValue::Denied)
        })
        .flat_map(|w| by_way.get(&w.id).into_iter().flatten())
        .filter(|&&r| road_usable(&graph, r, van))
        .count();
    assert!(usable_by_van >= 10, "{usable_by_van}");
}

#[test]
fn helsinki_height_and_weight_limits_close_ways_to_classes_that_exceed_them() {
    let (extract, graph) = load("helsinki-2019.osm.pbf");
    let by_way = roads_by_way(&graph);
    let classes = graph.classes().to_vec();
    let (mut closed_by_height, mut closed_by_weight, mut open_below) = (0, 0, 0);
    for way in &extract.ways {
        for &road in by_way.get(&way.id).into_iter().flatten() {
            for (i, c) in classes.iter().enumerate() {
                let id = ClassId(i as u8);
                let too_high = way.maxheight_mm.is_some_and(|h| c.height_mm > h);
                let too_heavy = way.maxweight_kg.is_some_and(|w| c.gross_weight_kg > w);
                if too_high || too_heavy {
                    assert!(
                        !road_usable(&graph, road, id),
                        "{} may use way {} (limits {:?} {:?})",
                        c.id,
                        way.id,
                        way.maxheight_mm,
                        way.maxweight_kg
                    );
                    closed_by_height += usize::from(too_high);
                    closed_by_weight += usize::from(too_heavy);
                } else if (way.maxheight_mm.is_some() || way.maxweight_kg.is_some())
                    && road_usable(&graph, road, id)
                {
                    open_below += 1;
                }
            }
        }
    }
    assert!(
        closed_by_height > 0 && closed_by_weight > 0 && open_below > 0,
        "{closed_by_height} {closed_by_weight} {open_below}"
    );
}

#[test]
fn new_hampshire_night_truck_ban_applies_at_20_not_at_12() {
    let (extract, graph) = load("nh-access-restriction.osm.pbf");
    let truck = class(&graph, "diesel-medium-truck");
    let van = class(&graph, "e-micro-van");
    let banned_ways: Vec<i64> = extract
        .ways
        .iter()
        .filter(|w| {
            !extract.access_rules[w.access as usize]
                .conditional
                .is_empty()
        })
        .map(|w| w.id)
        .collect();
    assert!(!banned_ways.is_empty());
    let by_way = roads_by_way(&graph);
    let banned_roads: Vec<u32> = banned_ways
        .iter()
        .flat_map(|w| by_way.get(w).into_iter().flatten().copied())
        .collect();
    let (noon, evening) = (at("We 12:00"), at("We 20:00"));
    for &road in &banned_roads {
        assert!(graph.road_access(road, truck).is_open_at(noon));
        assert!(!graph.road_access(road, truck).is_open_at(evening));
        assert!(
            graph.road_access(road, van).is_open_at(evening),
            "vans are not banned"
        );
    }
    // On routes: at 20:00 no truck route uses a banned road; at 12:00 some do.
    let network = Network::load(
        &common::extract("nh-access-restriction.osm.pbf"),
        &default_classes(),
        &|_, _, _| {},
    )
    .unwrap();
    let g = &network.graph;
    let kept: Vec<u32> = (0..g.road_count() as u32)
        .filter(|&r| road_usable(g, r, truck) && !banned_roads.contains(&r))
        .collect();
    let (noon_metric, evening_metric) =
        (Metric::new(g, truck, noon), Metric::new(g, truck, evening));
    let mut ws = Dijkstra::new(g.node_count());
    let mut used_at_noon = 0;
    for (i, &a) in kept.iter().enumerate().step_by(7) {
        let b = kept[(i * 31 + 17) % kept.len()];
        let mid = |r: u32| segment_middle(g, r);
        let from = network.snap_index.snap(g, mid(a), truck, 50.0).unwrap();
        let to = network.snap_index.snap(g, mid(b), truck, 50.0).unwrap();
        if let Ok(r) = route(g, &evening_metric, &from, &to, &mut ws) {
            assert!(
                r.edges
                    .iter()
                    .all(|&e| !banned_roads.contains(&g.edge_road(e as usize))),
                "a truck drives a banned road at 20:00"
            );
        }
        if let Ok(r) = route(g, &noon_metric, &from, &to, &mut ws) {
            used_at_noon += usize::from(
                r.edges
                    .iter()
                    .any(|&e| banned_roads.contains(&g.edge_road(e as usize))),
            );
        }
    }
    assert!(
        used_at_noon > 0,
        "no noon route used the (faster) banned roads: the test does not exercise the ban"
    );
}

/// Every edge of every route drives its way in an allowed direction, and no route makes a turn
/// that a restriction bans for its class.
fn check_routes(name: &str, pairs: usize) -> (usize, usize) {
    let network = Network::load(&common::extract(name), &default_classes(), &|_, _, _| {}).unwrap();
    let extract = read_pbf(&common::extract(name), &|_, _| {}).unwrap();
    let g = &network.graph;
    let oneway: HashMap<i64, Oneway> = extract.ways.iter().map(|w| (w.id, w.oneway)).collect();
    let mut ws = Dijkstra::new(g.node_count());
    let (mut routes, mut oneway_edges) = (0, 0);
    for (ci, class) in g.classes().to_vec().iter().enumerate().take(2) {
        let id = ClassId(ci as u8);
        let metric = Metric::new(g, id, at("Mo 10:00"));
        let usable: Vec<u32> = (0..g.road_count() as u32)
            .filter(|&r| road_usable(g, r, id))
            .collect();
        for i in 0..pairs {
            let (a, b) = (
                usable[(i * 7919) % usable.len()],
                usable[(i * 104_729 + 13) % usable.len()],
            );
            let point = |r: u32| g.road_geometry(r)[0];
            let (Ok(from), Ok(to)) = (
                network.snap_index.snap(g, point(a), id, 30.0),
                network.snap_index.snap(g, point(b), id, 30.0),
            ) else {
                continue;
            };
            let Ok(r) = route(g, &metric, &from, &to, &mut ws) else {
                continue;
            };
            routes += 1;
            let all: Vec<u32> = r
                .first_edge
                .into_iter()
                .chain(r.edges.iter().copied())
                .chain(r.last_edge)
                .collect();
            for &e in &all {
                let way = g.road_way(g.edge_road(e as usize)).osm_id;
                let dir = g.edge_dir(e as usize);
                match oneway[&way] {
                    Oneway::Forward => {
                        oneway_edges += 1;
                        assert_eq!(
                            dir,
                            Dir::Forward,
                            "{} drives one-way way {way} backwards",
                            class.id
                        )
                    }
                    Oneway::Backward => {
                        oneway_edges += 1;
                        assert_eq!(
                            dir,
                            Dir::Backward,
                            "{} drives oneway=-1 way {way} forwards",
                            class.id
                        )
                    }
                    Oneway::Closed => panic!("reversible way {way} driven"),
                    Oneway::No => {}
                }
            }
            for pair in all.windows(2) {
                let (e1, e2) = (pair[0] as usize, pair[1] as usize);
                let via = g.osm_node(g.head(e1));
                let (w1, w2) = (
                    g.road_way(g.edge_road(e1)).osm_id,
                    g.road_way(g.edge_road(e2)).osm_id,
                );
                for rule in extract
                    .restrictions
                    .iter()
                    .filter(|r| r.via == Via::Node(via) && r.from_way == w1 && r.applies_to(class))
                {
                    match rule.kind {
                        TurnKind::No => assert_ne!(
                            w2, rule.to_way,
                            "{} makes banned turn of relation {}",
                            class.id, rule.id
                        ),
                        TurnKind::Only => assert_eq!(
                            w2, rule.to_way,
                            "{} ignores mandatory turn of relation {}",
                            class.id, rule.id
                        ),
                    }
                }
            }
        }
    }
    (routes, oneway_edges)
}

#[test]
fn routes_respect_one_way_streets_and_turn_restrictions() {
    for (name, pairs) in [
        ("helsinki-2019.osm.pbf", 150),
        ("ny-access-restriction.osm.pbf", 150),
        ("chengdu-center-2018.osm.pbf", 60),
    ] {
        let (routes, oneway_edges) = check_routes(name, pairs);
        assert!(
            routes > pairs / 2 && oneway_edges > 0,
            "{name}: {routes} routes, {oneway_edges} one-way edges"
        );
    }
}

#[test]
fn turn_restrictions_make_routes_longer_never_shorter() {
    // Routes between the from-way and the to-way of each `no_*` restriction, on the graph with and
    // without the restrictions: never cheaper with them, strictly dearer for some.
    let path = common::extract("helsinki-2019.osm.pbf");
    let mut extract = read_pbf(&path, &|_, _| {}).unwrap();
    let with = build_graph(&extract, &default_classes()).unwrap();
    let restrictions = std::mem::take(&mut extract.restrictions);
    let without = build_graph(&extract, &default_classes()).unwrap();
    assert!(
        with.node_count() > without.node_count(),
        "turn copies expected"
    );
    let (snap_with, snap_without) = (
        cityfreight::graph::SnapIndex::new(&with),
        cityfreight::graph::SnapIndex::new(&without),
    );
    let van = class(&with, "e-micro-van");
    let (m_with, m_without) = (
        Metric::new(&with, van, at("Mo 10:00")),
        Metric::new(&without, van, at("Mo 10:00")),
    );
    let (mut ws_with, mut ws_without) = (
        Dijkstra::new(with.node_count()),
        Dijkstra::new(without.node_count()),
    );
    let by_way = roads_by_way(&with);
    let (mut compared, mut dearer) = (0, 0);
    for r in restrictions.iter().filter(|r| r.kind == TurnKind::No) {
        let Via::Node(via) = r.via else { continue };
        let touching = |way: i64| {
            by_way
                .get(&way)
                .into_iter()
                .flatten()
                .copied()
                .find(|&road| {
                    with.osm_node(with.road(road).to) == via
                        || with.osm_node(with.road(road).from) == via
                })
        };
        let (Some(a), Some(b)) = (touching(r.from_way), touching(r.to_way)) else {
            continue;
        };
        let mid = |road: u32| segment_middle(&with, road);
        let snaps = (
            snap_with.snap(&with, mid(a), van, 5.0),
            snap_with.snap(&with, mid(b), van, 5.0),
            snap_without.snap(&without, mid(a), van, 5.0),
            snap_without.snap(&without, mid(b), van, 5.0),
        );
        let (Ok(fa), Ok(fb), Ok(ga), Ok(gb)) = snaps else {
            continue;
        };
        // Compare only when both graphs snap to the intended roads (the restricted graph may drop
        // a road from the van's strongly connected component).
        if [fa.road, ga.road] != [a, a] || [fb.road, gb.road] != [b, b] {
            continue;
        }
        let cost_with = route(&with, &m_with, &fa, &fb, &mut ws_with)
            .ok()
            .map(|r| (r.duration_ms, r.distance_cm));
        let cost_without = route(&without, &m_without, &ga, &gb, &mut ws_without)
            .ok()
            .map(|r| (r.duration_ms, r.distance_cm));
        let Some(free) = cost_without else { continue };
        compared += 1;
        match cost_with {
            Some(restricted) => {
                assert!(
                    restricted >= free,
                    "relation {}: restricted route {restricted:?} cheaper than free {free:?}",
                    r.id
                );
                dearer += usize::from(restricted > free);
            }
            None => dearer += 1,
        }
    }
    assert!(
        compared >= 5 && dearer >= 1,
        "{compared} compared, {dearer} dearer"
    );
}

#[test]
fn charging_stations_are_read_from_node_tags() {
    // Chengdu has one tagged charger (a Tesla Supercharger), Helsinki four, in these extracts.
    let chengdu =
        cityfreight::osm::read_pbf(&common::extract("chengdu-center-2018.osm.pbf"), &|_, _| {})
            .unwrap();
    assert_eq!(chengdu.chargers.len(), 1);
    let c = &chengdu.chargers[0];
    assert_eq!(c.id, 3092055783);
    assert_eq!(c.capacity.as_deref(), Some("4"));
    assert_eq!(c.opening_hours.as_deref(), Some("24/7"));
    assert_eq!(c.access.as_deref(), Some("customers"));
    assert!((c.lon_lat[0] - 104.0642157).abs() < 1e-6 && (c.lon_lat[1] - 30.6547232).abs() < 1e-6);
    let helsinki =
        cityfreight::osm::read_pbf(&common::extract("helsinki-2019.osm.pbf"), &|_, _| {}).unwrap();
    assert_eq!(helsinki.chargers.len(), 4);
}
