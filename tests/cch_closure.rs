//! Closing roads for a vehicle class: re-customizing with a closed edge set changes exactly the
//! matrix entries whose fastest path used a closed edge, and every entry still equals Dijkstra;
//! re-customizing in place equals a fresh customization.

mod common;

use cityfreight::cch::synthetic::grid_city;
use cityfreight::cch::{nested_dissection_order, Cch, Seed};
use common::{oracle, Graph};

#[test]
fn closing_edges_changes_exactly_the_entries_that_used_them() {
    // Distances are made unique-ish so that fastest paths are unique: a changed entry then
    // means the old path was lost, an unchanged one that it survived.
    let city = grid_city(30, 11);
    let mut graph = Graph {
        first_out: city.first_out.clone(),
        head: city.head.clone(),
        coords: city.coords.clone(),
        time_ms: city.time_ms.clone(),
        dist_cm: city.dist_cm.clone(),
    };
    for (e, d) in graph.dist_cm.iter_mut().enumerate() {
        *d = d
            .wrapping_mul(1 << 10)
            .wrapping_add((e as u32).wrapping_mul(2_654_435_761) >> 22);
    }
    let topo = graph.topology();
    let cch = Cch::new(&topo, &nested_dissection_order(&topo)).expect("valid order");
    let mut metric = cch
        .customize(&graph.time_ms, &graph.dist_cm)
        .expect("lengths match");
    let stops: Vec<Vec<Seed>> = (0..30u32).map(|i| vec![Seed::at(i * 61 % 900)]).collect();
    let before = metric.many_to_many(&stops, &stops);

    // Close a zone: every edge touching rows 10..16 x columns 8..20, plus an arterial piece.
    let n = city.n;
    let in_zone = |v: u32| (10..16).contains(&(v / n)) && (8..20).contains(&(v % n));
    let mut closed_time = graph.time_ms.clone();
    let mut closed = vec![false; closed_time.len()];
    for e in 0..closed_time.len() as u32 {
        let (tail, head) = (graph.tail(e), graph.head[e as usize]);
        if in_zone(tail) || in_zone(head) || (tail / n == 20 && tail % n < 12) {
            closed_time[e as usize] = u32::MAX;
            closed[e as usize] = true;
        }
    }
    let used: Vec<Vec<bool>> = stops
        .iter()
        .map(|s| {
            let paths = stops.iter().map(|t| metric.path(s, t));
            paths
                .map(|p| p.is_some_and(|(_, edges)| edges.iter().any(|&e| closed[e as usize])))
                .collect()
        })
        .collect();
    // Re-customize in place, as a planner re-run does; it must equal a fresh customization.
    metric
        .recustomize(&closed_time, &graph.dist_cm)
        .expect("lengths match");
    let after = metric.many_to_many(&stops, &stops);
    let fresh = cch
        .customize(&closed_time, &graph.dist_cm)
        .expect("lengths match");
    assert_eq!(after, fresh.many_to_many(&stops, &stops));

    let (mut changed, mut kept) = (0, 0);
    for (r, s) in stops.iter().enumerate() {
        for (c, t) in stops.iter().enumerate() {
            assert_eq!(
                after.get(r, c),
                oracle(&graph, &closed_time, s, t),
                "{r} -> {c}"
            );
            if used[r][c] {
                assert_ne!(
                    after.get(r, c),
                    before.get(r, c),
                    "{r} -> {c} lost its path"
                );
                if let (Some(a), Some(b)) = (after.get(r, c), before.get(r, c)) {
                    assert!(a > b, "{r} -> {c} got cheaper after closing roads");
                }
                changed += 1;
            } else {
                assert_eq!(
                    after.get(r, c),
                    before.get(r, c),
                    "{r} -> {c} did not use the zone"
                );
                kept += 1;
            }
        }
    }
    assert!(
        changed > 20 && kept > 20,
        "fixture must exercise both cases: {changed} / {kept}"
    );
}
