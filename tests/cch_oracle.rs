//! Property tests: every CCH answer equals a lexicographic Dijkstra on random digraphs with
//! one-way, parallel, zero-cost, huge and closed edges, and with multi-seed queries.

mod common;

use cityfreight::cch::{nested_dissection_order, Cch, Seed};
use common::{check_path, oracle, Graph};
use proptest::prelude::*;

/// Edge time: mostly small (many ties, broken by distance), sometimes zero, huge or closed.
fn time_strategy() -> impl Strategy<Value = u32> {
    prop_oneof![
        8 => 0u32..20,
        1 => Just(0u32),
        1 => (u32::MAX - 3)..u32::MAX,
        2 => Just(u32::MAX),
    ]
}

fn dist_strategy() -> impl Strategy<Value = u32> {
    prop_oneof![4 => 0u32..50, 1 => (u32::MAX - 3)..=u32::MAX]
}

/// A random digraph; `backbone` adds a directed cycle (strongly connected when no cycle edge is
/// closed) or a two-way path (weakly connected with one-way extras).
fn graph_strategy() -> impl Strategy<Value = Graph> {
    (1usize..28, 0u8..3).prop_flat_map(|(n, backbone)| {
        let edge = (0..n as u32, 0..n as u32, time_strategy(), dist_strategy());
        (
            prop::collection::vec(edge, 0..4 * n),
            prop::collection::vec((time_strategy(), dist_strategy()), n),
            prop::collection::vec((-50.0f64..50.0, -50.0f64..50.0), n),
        )
            .prop_map(move |(mut edges, ring, xy)| {
                for (v, &(t, d)) in ring.iter().enumerate() {
                    let w = ((v + 1) % n) as u32;
                    match backbone {
                        0 => edges.push((v as u32, w, t, d)),
                        1 if (v + 1) < n => {
                            edges.push((v as u32, w, t, d));
                            edges.push((w, v as u32, t, d));
                        }
                        _ => {}
                    }
                }
                let coords = xy.into_iter().map(|(x, y)| [x, y]).collect();
                Graph::from_edges(n, edges, coords)
            })
    })
}

fn seeds_strategy(n: usize) -> impl Strategy<Value = Vec<Seed>> {
    let seed = (
        0..n as u32,
        prop_oneof![3 => Just(0u32), 1 => 0u32..30],
        0u32..30,
    )
        .prop_map(|(node, time_ms, dist_cm)| Seed {
            node,
            time_ms,
            dist_cm,
        });
    prop::collection::vec(seed, 1..4)
}

fn case_strategy() -> impl Strategy<Value = (Graph, Vec<Vec<Seed>>, Vec<Vec<Seed>>)> {
    graph_strategy().prop_flat_map(|g| {
        let n = g.node_count();
        (
            Just(g),
            prop::collection::vec(seeds_strategy(n), 0..6),
            prop::collection::vec(seeds_strategy(n), 0..6),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn query_path_and_matrix_equal_dijkstra((graph, sources, targets) in case_strategy()) {
        let topo = graph.topology();
        let cch = Cch::new(&topo, &nested_dissection_order(&topo)).expect("valid order");
        let metric = cch.customize(&graph.time_ms, &graph.dist_cm).expect("lengths match");
        let matrix = metric.many_to_many(&sources, &targets);
        prop_assert_eq!((matrix.rows(), matrix.cols()), (sources.len(), targets.len()));
        for (r, s) in sources.iter().enumerate() {
            for (c, t) in targets.iter().enumerate() {
                let expected = oracle(&graph, &graph.time_ms, s, t);
                prop_assert_eq!(metric.query(s, t), expected, "query {} -> {}", r, c);
                prop_assert_eq!(matrix.get(r, c), expected, "matrix entry {} -> {}", r, c);
                let path = metric.path(s, t);
                prop_assert_eq!(path.as_ref().map(|p| p.0), expected);
                if let Some((cost, edges)) = path {
                    check_path(&graph, &graph.time_ms, s, t, cost, &edges);
                }
            }
        }
    }

    #[test]
    fn any_permutation_is_a_valid_order((graph, sources, targets) in case_strategy(), salt in any::<u64>()) {
        let topo = graph.topology();
        let n = graph.node_count() as u64;
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_by_key(|&v| (u64::from(v) ^ salt).wrapping_mul(0x9e37_79b9_7f4a_7c15) % (n * 7 + 1));
        let cch = Cch::new(&topo, &order).expect("a permutation is a valid order");
        let metric = cch.customize(&graph.time_ms, &graph.dist_cm).expect("lengths match");
        let matrix = metric.many_to_many(&sources, &targets);
        for (r, s) in sources.iter().enumerate() {
            for (c, t) in targets.iter().enumerate() {
                prop_assert_eq!(matrix.get(r, c), oracle(&graph, &graph.time_ms, s, t));
            }
        }
    }
}

#[test]
fn grid_city_matrix_equals_dijkstra() {
    let city = cityfreight::cch::synthetic::grid_city(32, 9);
    let graph = Graph {
        first_out: city.first_out.clone(),
        head: city.head.clone(),
        coords: city.coords.clone(),
        time_ms: city.time_ms.clone(),
        dist_cm: city.dist_cm.clone(),
    };
    let topo = graph.topology();
    let cch = Cch::new(&topo, &nested_dissection_order(&topo)).expect("valid order");
    let metric = cch
        .customize(&graph.time_ms, &graph.dist_cm)
        .expect("lengths match");
    let stops: Vec<Vec<Seed>> = (0..40u32).map(|i| vec![Seed::at(i * 97 % 1024)]).collect();
    let matrix = metric.many_to_many(&stops, &stops);
    for (r, s) in stops.iter().enumerate() {
        for (c, t) in stops.iter().enumerate() {
            assert_eq!(
                matrix.get(r, c),
                oracle(&graph, &graph.time_ms, s, t),
                "{r} -> {c}"
            );
        }
    }
    let (cost, edges) = metric
        .path(&stops[3], &stops[17])
        .expect("grid is connected here");
    check_path(&graph, &graph.time_ms, &stops[3], &stops[17], cost, &edges);
}

#[test]
fn matrix_is_identical_for_one_and_two_threads() {
    let city = cityfreight::cch::synthetic::grid_city(40, 3);
    let topo = city.topology().expect("valid city");
    let build = || {
        let order = nested_dissection_order(&topo);
        let cch = Cch::new(&topo, &order).expect("valid order");
        let stops: Vec<Vec<Seed>> = (0..60u32).map(|i| vec![Seed::at(i * 131 % 1600)]).collect();
        let matrix = cch
            .customize(&city.time_ms, &city.dist_cm)
            .expect("lengths")
            .many_to_many(&stops, &stops);
        (order, matrix)
    };
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool")
        .install(build);
    let two = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("pool")
        .install(build);
    assert_eq!(one, two);
}

/// 300 "street" nodes each linked both ways to all 40 "hub" nodes, hubs contracted last: every
/// hub has 300 lower neighbours and up to 39 upper ones, so customization splits hub arc
/// ranges across threads. Weights vary per case; some links are closed or one-way.
fn hub_graph(seed: u64) -> Graph {
    const STREETS: u32 = 300;
    const HUBS: u32 = 40;
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let z = (state ^ (state >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb) >> 33
    };
    let mut edges = Vec::new();
    for s in 0..STREETS {
        for h in STREETS..STREETS + HUBS {
            for (tail, head) in [(s, h), (h, s)] {
                let roll = next() % 10;
                let time = match roll {
                    0 => u32::MAX,
                    1 => continue,
                    _ => (next() % 500) as u32,
                };
                edges.push((tail, head, time, (next() % 900) as u32));
            }
        }
    }
    let n = (STREETS + HUBS) as usize;
    let coords = (0..n).map(|v| [v as f64, 0.0]).collect();
    Graph::from_edges(n, edges, coords)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn heavy_ranks_split_across_threads_equal_dijkstra(seed in any::<u64>()) {
        let graph = hub_graph(seed);
        let topo = graph.topology();
        let order: Vec<u32> = (0..graph.node_count() as u32).collect();
        let cch = Cch::new(&topo, &order).expect("identity is a valid order");
        let metric = cch.customize(&graph.time_ms, &graph.dist_cm).expect("lengths match");
        let stops: Vec<Vec<Seed>> = [0u32, 7, 150, 299, 300, 320, 339]
            .iter()
            .map(|&v| vec![Seed::at(v)])
            .collect();
        let matrix = metric.many_to_many(&stops, &stops);
        for (r, s) in stops.iter().enumerate() {
            for (c, t) in stops.iter().enumerate() {
                let expected = oracle(&graph, &graph.time_ms, s, t);
                prop_assert_eq!(matrix.get(r, c), expected, "{} -> {}", r, c);
                let path = metric.path(s, t);
                prop_assert_eq!(path.as_ref().map(|p| p.0), expected);
                if let Some((cost, edges)) = path {
                    check_path(&graph, &graph.time_ms, s, t, cost, &edges);
                }
            }
        }
    }
}
