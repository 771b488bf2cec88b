//! Shared distribution on the demo scenario: pooling never costs more than the separate plans
//! (or the report says so), Shapley values sum to the pooled cost, the core check agrees with its
//! definition, unshared orders stay with their carrier, and the same seed gives the same shares.

mod common;

use cityfreight::io::scenario::read_scenario;
use cityfreight::matrix::MatrixEngine;
use cityfreight::network::Network;
use cityfreight::plan::share::{
    in_core, shapley, share, share_with, ShapleyMethod, ShareParams, ShareReport,
};
use cityfreight::scenario::Scenario;
use std::path::Path;

fn demo() -> Scenario {
    let mut s = read_scenario(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("data/scenarios/chengdu-core/scenario.toml"),
    )
    .unwrap();
    s.solver.iterations = Some(800);
    s
}

fn run(s: &Scenario) -> ShareReport {
    let net = Network::load(&s.osm, &s.classes, &|_, _, _| {}).unwrap();
    let (engine, _) = MatrixEngine::new(&net.graph, None).unwrap();
    share(s, &net, &engine, &|_| {}).unwrap()
}

#[test]
fn pooling_saves_and_the_shares_add_up() {
    let r = run(&demo());
    assert!(r.violations.is_empty(), "{:#?}", r.violations);
    assert!(
        r.pooled_cost <= r.separate_cost + 1e-6,
        "pooled {} > separate {}",
        r.pooled_cost,
        r.separate_cost
    );
    let sum: f64 = r.carriers.iter().map(|c| c.shapley).sum();
    assert!(
        (sum - r.pooled_cost).abs() < 0.01,
        "Shapley sum {sum} vs pooled {}",
        r.pooled_cost
    );
    let prop: f64 = r.carriers.iter().map(|c| c.proportional).sum();
    assert!((prop - r.pooled_cost).abs() < 0.01);
    // The reported core verdict is the definition applied to the reported coalition costs.
    let n = r.carriers.len();
    let mut v = vec![0.0; 1 << n];
    for (k, c) in r.coalitions.iter().enumerate() {
        v[k + 1] = c.cost;
        assert!(c.cost <= c.pooled_plan_cost + 1e-6);
    }
    let phi: Vec<f64> = r.carriers.iter().map(|c| c.shapley).collect();
    assert_eq!(r.core_ok, in_core(n, &v, &phi));
    let recomputed = shapley(n, &v);
    assert!(phi
        .iter()
        .zip(&recomputed)
        .all(|(a, b)| (a - b).abs() < 1e-9));
    // Every order is delivered or reported, in both plans.
    for (routes, unserved) in [
        (&r.separate_routes, &r.unserved.0),
        (&r.pooled_routes, &r.unserved.1),
    ] {
        let served: usize = routes
            .iter()
            .map(|x| x.stops.iter().filter(|s| s.order.is_some()).count())
            .sum();
        assert_eq!(served + unserved.len(), 150);
    }
}

#[test]
fn unshared_orders_stay_with_their_carrier() {
    let mut s = demo();
    for o in &mut s.carriers[2].orders {
        o.shareable = false;
    }
    let r = run(&s);
    assert!(r.violations.is_empty(), "{:#?}", r.violations);
    let yto = &s.carriers[2].id;
    for route in &r.pooled_routes {
        for stop in route
            .stops
            .iter()
            .filter(|x| x.order_carrier.as_ref() == Some(yto))
        {
            assert_eq!(
                &route.carrier, yto,
                "{}'s vehicle delivered unshared order {:?}",
                route.carrier, stop.order
            );
        }
    }
    // Other carriers' orders may still be pooled across carriers.
    assert!(r
        .pooled_routes
        .iter()
        .any(|route| route.stops.iter().any(|x| x
            .order_carrier
            .as_deref()
            .is_some_and(|c| c != route.carrier))));
}

#[test]
fn the_same_seed_gives_the_same_shares() {
    let s = demo();
    let (a, b) = (run(&s), run(&s));
    assert_eq!(a.carriers, b.carriers);
    assert_eq!(a.coalitions, b.coalitions);
}

#[test]
fn above_twelve_carriers_shapley_is_sampled_with_a_bound_and_still_adds_up() {
    // Thirteen carriers: the demo carriers' orders split five, four and four ways (same depots
    // and fleets).
    let base = demo();
    let mut s = base.clone();
    s.solver.iterations = Some(150);
    s.carriers = base
        .carriers
        .iter()
        .zip([5usize, 4, 4])
        .flat_map(|(c, parts)| {
            (0..parts).map(move |k| {
                let mut part = c.clone();
                part.id = format!("{}{k}", c.id);
                part.orders = c.orders.iter().skip(k).step_by(parts).cloned().collect();
                part
            })
        })
        .collect();
    assert_eq!(s.carriers.len(), 13);
    // Every part keeps its carrier's green passes: several times the quotas, lifted so the
    // scenario validates.
    for permit in &mut s.policy.permits {
        permit.quota_total = None;
        permit.quota_per_carrier.clear();
    }
    let net = Network::load(&s.osm, &s.classes, &|_, _, _| {}).unwrap();
    let (engine, _) = MatrixEngine::new(&net.graph, None).unwrap();
    let params = ShareParams {
        permutations: 3,
        seed: 5,
    };
    let r = share_with(&s, &net, &engine, &params, &|_| {}).unwrap();
    assert_eq!(
        r.method,
        ShapleyMethod::Sampled {
            permutations: 3,
            seed: 5
        }
    );
    // Only the carriers alone and the prefixes of the three orders were planned.
    assert!(
        r.coalitions.len() <= 13 + 3 * 11 + 1,
        "{}",
        r.coalitions.len()
    );
    let sum: f64 = r.carriers.iter().map(|c| c.shapley).sum();
    assert!(
        (sum - r.pooled_cost).abs() < 0.01,
        "{sum} vs {}",
        r.pooled_cost
    );
    assert!(r.carriers.iter().all(
        |c| c.error.hoeffding_95 > 0.0 && c.error.half_width_95 <= c.error.hoeffding_95 + 1e-9
    ));
    assert!(r.pooled_cost <= r.separate_cost + 1e-6);
    assert!(r.violations.is_empty(), "{:#?}", r.violations);
}

#[test]
fn matrices_sliced_from_the_shared_cache_plan_like_a_carrier_alone() {
    // `share` slices each carrier's matrices from one cache over all carriers; `plan` computes
    // them per carrier. With one search thread both must give the same plan of a carrier alone
    // (alone: `plan` of all carriers books each carrier's bay stays for the next, `share`'s
    // coalitions are each planned by themselves).
    let mut s = demo();
    s.solver.threads = 1;
    s.solver.iterations = Some(300);
    let net = Network::load(&s.osm, &s.classes, &|_, _, _| {}).unwrap();
    let (engine, _) = MatrixEngine::new(&net.graph, None).unwrap();
    let shared = share(&s, &net, &engine, &|_| {}).unwrap();
    for carrier in &s.carriers {
        let mut alone = s.clone();
        alone.carriers = vec![carrier.clone()];
        let planned = cityfreight::plan::plan(&alone, &net, &engine, &|_| {}).unwrap();
        let from_share: Vec<_> = shared
            .separate_routes
            .iter()
            .filter(|r| r.carrier == carrier.id)
            .cloned()
            .collect();
        assert_eq!(planned.routes, from_share, "carrier {}", carrier.id);
    }
    // `plan --pooled` is the grand coalition of `share`.
    let pooled = cityfreight::plan::plan_pooled(&s, &net, &engine, &|_| {}).unwrap();
    assert_eq!(pooled.routes, shared.pooled_routes);
    assert!(pooled.violations.is_empty());
}

#[test]
fn orders_nobody_can_reach_are_reported_but_cost_no_penalty() {
    // Without bays, the demo's doors on trunk and primary roads cannot be served by anyone.
    let mut s = demo();
    s.bays.clear();
    let r = run(&s);
    assert!(!r.unserved.1.is_empty(), "some doors are unreachable");
    assert!(r
        .unserved
        .1
        .iter()
        .all(|u| u.reason.contains("may not stop")));
    // Each would otherwise add a 10,000-yuan penalty to every coalition that holds it.
    let with_bays = run(&demo());
    assert!(
        r.separate_cost < with_bays.separate_cost && r.pooled_cost < with_bays.pooled_cost,
        "without bays {} / {}, with bays {} / {}",
        r.separate_cost,
        r.pooled_cost,
        with_bays.separate_cost,
        with_bays.pooled_cost
    );
    let sum: f64 = r.carriers.iter().map(|c| c.shapley).sum();
    assert!((sum - r.pooled_cost).abs() < 0.01);
    assert!(r.carriers.iter().all(|c| c.standalone_cost < 10_000.0));
}
