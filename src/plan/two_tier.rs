//! Two-tier delivery versus direct vans: night trucks carry each carrier's parcels from its
//! depot to a consolidation centre (tier 1), and the centre's last-mile fleet, typically
//! e-tricycles reloading at the centre, delivers every carrier's orders (tier 2).
//!
//! Tier 1 is planned per carrier as delivery of "loads" to the centre: the carrier's parcels cut
//! into truck loads of its largest night class (95% of payload and volume), each unloaded within
//! its window, which closes `unload_s` before the last mile starts. Tier 2 is one pool: the
//! centre as the depot of one operator that holds every carrier's orders (ids `carrier/order`).
//! Both are ordinary scenarios for [`super::plan`], so every rule of the policy applies to both.
//! Orders a carrier marks non-shareable stay with it, as when pooling: they go neither into the
//! loads nor to the centre; the carrier's own vans deliver them from its depot, as carriers of
//! the tier-2 scenario after the centre, so bays are booked across both as in any plan.
//!
//! Owns: [`plan_two_tier`], [`TwoTierReport`]. Must never: read or write files.
//! Invariants: the scenario, the two-tier setup ([`TwoTier::validate`]) and both tier scenarios
//! are validated before anything is planned (a tier breaking a rule, such as permit quotas over
//! every carrier's night trucks, is a [`PlanError::Invalid`] naming the tier);
//! all tier-1 loads are at the centre before the last mile starts, or planning fails
//! with an error naming the scenario's `[two_tier]` table (a centre off the map or unreachable in
//! time is an error, not a silent gap); the combined KPIs count each real order and parcel once
//! (loads carry weight and volume but no parcels); every order is in tier 2 once.

use super::kpi::{Kpi, Scope};
use super::{plan, Kpis, Plan, PlanError};
use crate::graph::ClassId;
use crate::matrix::MatrixEngine;
use crate::network::Network;
use crate::scenario::two_tier::TwoTier;
use crate::scenario::{Carrier, DeliveryOrder, Scenario};

/// Direct versus two-tier delivery.
#[derive(Clone, Debug)]
pub struct TwoTierReport {
    /// Every carrier's own vans, direct from its depot (the ordinary plan).
    pub direct: Plan,
    /// Night trucks, depots to the centre.
    pub tier1: Plan,
    /// The last mile: the centre's fleet with the shareable orders, then each carrier with
    /// non-shareable orders delivering them with its own vans from its depot.
    pub tier2: Plan,
    /// KPIs of both tiers together (scopes `all`, `carrier:ID` for each carrier's night trucks
    /// and own vans, `carrier:CENTRE` for the centre's last mile, zones and permits).
    pub kpis: Kpis,
    /// Checker findings on both tiers and any load unloaded after the last mile starts.
    pub violations: Vec<super::PlanViolation>,
}

/// Plan `scenario` direct and in two tiers through `two_tier`'s centre, and compare.
pub fn plan_two_tier(
    scenario: &Scenario,
    two_tier: &TwoTier,
    network: &Network,
    engine: &MatrixEngine,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<TwoTierReport, PlanError> {
    scenario.validate()?;
    two_tier.validate(scenario)?;
    // The tiers are scenarios of their own: they keep every rule too (e.g. the permit quotas
    // over all carriers' night trucks), checked before anything is planned.
    let (shared, own_scenario) = split_shareable(scenario);
    if shared.carriers.is_empty() {
        return Err(PlanError::TwoTier(format!(
            "{}: no carrier has a shareable order, so nothing goes through the centre (orders marked `shareable = no` stay with their carrier)",
            two_tier.origin
        )));
    }
    let tier1_scenario = tier1(&shared, two_tier);
    let tier2_scenario = tier2(&shared, own_scenario, two_tier);
    tier1_scenario.validate()?;
    tier2_scenario.validate()?;
    // The centre must be on a road every class of both tiers may use.
    let mut off_map = Vec::new();
    for f in two_tier.night_fleet.iter().chain(&two_tier.last_mile_fleet) {
        let class = &scenario.classes[f.class];
        if let Err(e) = network.snap_index.snap(
            &network.graph,
            two_tier.centre,
            ClassId(f.class as u8),
            super::matrices::SNAP_RADIUS_M,
        ) {
            off_map.push(format!(
                "{} `centre` {:?} for class `{}`: {e}",
                two_tier.origin, two_tier.centre, class.id
            ));
        }
    }
    off_map.dedup();
    if !off_map.is_empty() {
        return Err(PlanError::Unplaceable(off_map));
    }
    progress("direct: every carrier's own vans");
    let direct = plan(scenario, network, engine, progress)?;
    progress("tier 1: night trucks to the centre");
    let tier1 = plan(&tier1_scenario, network, engine, progress)?;
    let start = two_tier.last_mile_start();
    if !tier1.unserved.is_empty() {
        let loads: Vec<String> = tier1
            .unserved
            .iter()
            .map(|u| format!("carrier `{}` load `{}`", u.carrier, u.order))
            .collect();
        return Err(PlanError::TwoTier(format!(
            "{} `centre` {:?}: the night trucks cannot bring every load there by {} (no legal road path, or too few trucks or hours): {}",
            two_tier.origin,
            two_tier.centre,
            crate::time::clock(i64::from(start)),
            loads.join(", ")
        )));
    }
    progress("tier 2: the last mile from the centre");
    let tier2 = plan(&tier2_scenario, network, engine, progress)?;
    let mut violations: Vec<super::PlanViolation> = tier1
        .violations
        .iter()
        .chain(&tier2.violations)
        .cloned()
        .collect();
    for r in &tier1.routes {
        for s in r.stops.iter().filter(|s| s.order.is_some()) {
            if s.departure_s > i64::from(start) {
                violations.push(super::PlanViolation::LateUnload {
                    vehicle: r.vehicle.clone(),
                    load: s.order.clone().unwrap_or_default(),
                    unloaded_s: s.departure_s,
                    last_mile_s: i64::from(start),
                });
            }
        }
    }
    let kpis = combined_kpis(&tier1_scenario, &tier2_scenario, &tier1, &tier2);
    Ok(TwoTierReport {
        direct,
        tier1,
        tier2,
        kpis,
        violations,
    })
}

/// The scenario with only the shareable orders (carriers left without orders dropped), and the
/// one with only the non-shareable orders (`None` when there are none).
fn split_shareable(scenario: &Scenario) -> (Scenario, Option<Scenario>) {
    let keep = |shareable: bool| {
        let mut s = scenario.clone();
        for c in &mut s.carriers {
            c.orders.retain(|o| o.shareable == shareable);
        }
        s.carriers.retain(|c| !c.orders.is_empty());
        s
    };
    let own = keep(false);
    (keep(true), (!own.carriers.is_empty()).then_some(own))
}

/// Tier 1: every carrier delivers its parcels, cut into truck loads, to the centre.
fn tier1(scenario: &Scenario, two_tier: &TwoTier) -> Scenario {
    let mut s = scenario.clone();
    s.name = format!(
        "{} (tier 1: night trucks to {})",
        scenario.name, two_tier.centre_id
    );
    let (cap_kg, cap_l) = two_tier
        .night_fleet
        .iter()
        .map(|f| &scenario.classes[f.class])
        .map(|c| (u64::from(c.payload_kg), u64::from(c.volume_l)))
        .max()
        .unwrap_or((1, 1));
    let close = two_tier.last_mile_start().saturating_sub(two_tier.unload_s);
    // Truck loads go to the centre, never to a parcel locker.
    s.lockers.list.clear();
    for c in &mut s.carriers {
        let weight_g: u64 = c.orders.iter().map(|o| u64::from(o.weight_g)).sum();
        let volume_ml: u64 = c.orders.iter().map(|o| u64::from(o.volume_ml)).sum();
        let by_weight = (weight_g as f64 / (cap_kg as f64 * 950.0)).ceil();
        let by_volume = (volume_ml as f64 / (cap_l as f64 * 950.0)).ceil();
        let loads = by_weight.max(by_volume).max(1.0) as u64;
        c.fleet = two_tier.night_fleet.clone();
        c.orders = (0..loads)
            .map(|k| DeliveryOrder {
                id: format!("{}-load-{}", c.id, k + 1),
                lon_lat: two_tier.centre,
                weight_g: weight_g.div_ceil(loads) as u32,
                volume_ml: volume_ml.div_ceil(loads) as u32,
                parcels: 0,
                service_s: two_tier.unload_s,
                windows: vec![(0, close)],
                shareable: false,
                pickup: Default::default(),
                locker: Some(crate::scenario::Acceptance::No),
            })
            .collect();
    }
    s
}

/// Tier 2: the centre's operator delivers every carrier's shareable orders; then each carrier
/// in `own` delivers its non-shareable orders with its own fleet.
fn tier2(shared: &Scenario, own: Option<Scenario>, two_tier: &TwoTier) -> Scenario {
    let mut s = shared.clone();
    s.name = format!(
        "{} (tier 2: last mile from {})",
        shared.name, two_tier.centre_id
    );
    let orders = shared
        .carriers
        .iter()
        .flat_map(|c| {
            c.orders.iter().map(move |o| DeliveryOrder {
                id: format!("{}/{}", c.id, o.id),
                ..o.clone()
            })
        })
        .collect();
    s.carriers = vec![Carrier {
        id: two_tier.centre_id.clone(),
        depot: two_tier.centre,
        fleet: two_tier.last_mile_fleet.clone(),
        orders,
    }];
    s.carriers.extend(own.into_iter().flat_map(|o| o.carriers));
    s
}

/// KPIs of both tiers as one plan: the orders (and on-time rate) are the last mile's, since the
/// loads are not orders of the city's customers.
fn combined_kpis(t1: &Scenario, t2: &Scenario, tier1: &Plan, tier2: &Plan) -> Kpis {
    let mut both = t1.clone();
    // A carrier's own vans (tier 2) share its scope with its night trucks (tier 1).
    for c in &t2.carriers {
        match both.carriers.iter_mut().find(|a| a.id == c.id) {
            Some(a) => a.orders.extend(c.orders.iter().cloned()),
            None => both.carriers.push(c.clone()),
        }
    }
    let routes: Vec<_> = tier1.routes.iter().chain(&tier2.routes).cloned().collect();
    let unserved: Vec<_> = tier1
        .unserved
        .iter()
        .chain(&tier2.unserved)
        .cloned()
        .collect();
    let mut kpis = Kpis::compute(&both, &routes, &unserved);
    for row in kpis.rows.iter_mut().filter(|r| r.scope == Scope::All) {
        if matches!(
            row.kpi,
            Kpi::Orders | Kpi::OrdersServed | Kpi::Unserved | Kpi::OnTimeRate
        ) {
            row.value = tier2.kpis.get(&Scope::All, &row.kpi).unwrap_or(row.value);
        }
    }
    kpis
}
