//! The planning library end to end: read the demo scenario, plan each carrier alone, then plan
//! them pooled and split the cost, then compare direct vans with two-tier delivery through the
//! scenario's consolidation centre. Run: `cargo run --release --example plan_and_share`.

use cityfreight::io::scenario::read_scenario;
use cityfreight::io::two_tier::read_two_tier;
use cityfreight::matrix::MatrixEngine;
use cityfreight::network::Network;
use cityfreight::plan::kpi::{Kpi, Scope};
use cityfreight::plan::{plan, share::share, two_tier::plan_two_tier};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/scenarios/chengdu-core/scenario.toml"
    );
    let scenario = read_scenario(path.as_ref())?;
    let two_tier = read_two_tier(path.as_ref(), &scenario)?;
    let network = Network::load(&scenario.osm, &scenario.classes, &|_, _, _| {})?;
    let (engine, _) = MatrixEngine::new(&network.graph, None)?;

    let day = plan(&scenario, &network, &engine, &|_| {})?;
    println!(
        "separate: {} routes, {:.1} km, checker: {}",
        day.routes.len(),
        day.kpis.get(&Scope::All, &Kpi::VehicleKm).unwrap_or(0.0),
        if day.violations.is_empty() {
            "feasible"
        } else {
            "violations"
        }
    );
    for r in &day.routes {
        println!(
            "  {:<24} {} stops, {:.1} km, zone km {:?}",
            r.vehicle,
            r.stops.len(),
            r.distance_m / 1000.0,
            r.km_in_zone
        );
    }

    let pooled = share(&scenario, &network, &engine, &|_| {})?;
    println!(
        "pooled: {:.2} yuan instead of {:.2}; Shapley in the core: {}",
        pooled.pooled_cost, pooled.separate_cost, pooled.core_ok
    );
    for c in &pooled.carriers {
        println!(
            "  {:<6} alone {:>8.2}  Shapley {:>8.2}  proportional {:>8.2}",
            c.id, c.standalone_cost, c.shapley, c.proportional
        );
    }

    if let Some(two_tier) = two_tier {
        let r = plan_two_tier(&scenario, &two_tier, &network, &engine, &|_| {})?;
        println!(
            "direct vans versus two tiers through `{}`:",
            two_tier.centre_id
        );
        for kpi in [
            Kpi::Vehicles,
            Kpi::VehicleKm,
            Kpi::Cost,
            Kpi::Co2WellToWheel,
        ] {
            println!(
                "  {kpi:<18} {:>9.2} {:>9.2}",
                r.direct.kpis.get(&Scope::All, &kpi).unwrap_or(0.0),
                r.kpis.get(&Scope::All, &kpi).unwrap_or(0.0)
            );
        }
    }
    Ok(())
}
