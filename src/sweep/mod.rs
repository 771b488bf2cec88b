//! Scenario sweeps: many variants of one base scenario, planned in parallel, compared KPI by KPI
//! against a baseline.
//!
//! Owns: [`Variant`] (what a variant changes), [`apply`] (the changed scenario) and [`run`]
//! (plan every variant, skipping those already done). Must never: read or write files itself;
//! results are handed to a `store` callback and looked up through a `done` callback, which the
//! I/O layer backs with one file per variant under its run hash (that is how an interrupted sweep
//! resumes, and how shards of a cluster job array share one sweep: each plans a subset of the
//! variants, see [`crate::shard`]).
//! Invariants: a variant's result depends only on the base scenario and the variant (one search
//! thread per variant, fixed seed); every variant's scenario is validated before it is planned;
//! a variant that fails (a bad change, or a changed scenario that breaks a rule) is reported with
//! its error and the others still finish.

use crate::matrix::MatrixEngine;
use crate::network::Network;
use crate::plan::{plan, plan_pooled, Kpis};
use crate::scenario::Scenario;
use crate::time::Schedule;
use rayon::prelude::*;

/// What one variant changes in the base scenario.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Variant {
    /// Name (unique in the sweep).
    pub name: String,
    /// New hours per rule id.
    pub rule_hours: Vec<(String, Schedule)>,
    /// New total quota per permit id. Permit holders above the quota lose the permit (the carrier
    /// holding most permits first, ties by carrier order); they keep driving without it.
    pub permit_quota: Vec<(String, u32)>,
    /// Share (0..=1) of every carrier's fuel vehicles replaced by `electric_class`.
    pub electrify: Option<f64>,
    /// The class fuel vehicles are replaced by (default `e-light-truck`).
    pub electric_class: Option<String>,
    /// Pool all carriers (shared distribution) instead of planning each alone.
    pub pooling: bool,
    /// Drop the base scenario's loading points (sweep file: `bays = false`).
    pub without_bays: bool,
    /// Drop the base scenario's parcel lockers and pickup points, so every order goes to its door
    /// or a bay (sweep file: `lockers = false`; orders that accept only a locker then make the
    /// variant fail): against it, a variant with lockers shows the vehicle-km they save.
    pub without_lockers: bool,
    /// Battery range factor (0.7: winter), replacing the base's.
    pub range_factor: Option<f64>,
    /// Solver iterations (overrides the base).
    pub iterations: Option<u64>,
    /// Plan at free-flow speeds instead of the base's congestion (sweep file:
    /// `traffic = "free-flow"`).
    pub free_flow: bool,
}

/// The outcome of one variant.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Planned: its KPIs.
    Planned(Kpis),
    /// Could not be planned: why.
    Failed(String),
}

/// `base` with `variant`'s changes, validated ([`Scenario::validate`]); an error names what
/// the variant got wrong or every rule the changed scenario breaks.
pub fn apply(base: &Scenario, variant: &Variant) -> Result<Scenario, String> {
    let mut s = base.clone();
    s.solver.threads = 1;
    if let Some(i) = variant.iterations {
        s.solver.iterations = Some(i);
    }
    if variant.without_bays {
        s.bays.clear();
    }
    if variant.without_lockers {
        s.lockers.list.clear();
        s.lockers.osm = false;
    }
    if let Some(r) = variant.range_factor {
        s.factors.range_factor = r;
    }
    if variant.free_flow {
        s.traffic = crate::traffic::Traffic::free_flow();
    }
    for (rule, hours) in &variant.rule_hours {
        let r = s
            .policy
            .rules
            .iter_mut()
            .find(|r| &r.id == rule)
            .ok_or_else(|| format!("unknown rule `{rule}` in `rule_hours`"))?;
        r.hours = hours.clone();
    }
    for (permit, quota) in &variant.permit_quota {
        let p = s
            .policy
            .permit(permit)
            .ok_or_else(|| format!("unknown permit `{permit}` in `permit_quota`"))?;
        s.policy.permits[p].quota_total = Some(*quota);
        // Trim holders to the quota: take one permit at a time from the carrier holding most.
        loop {
            let held: Vec<u32> = s
                .carriers
                .iter()
                .map(|c| {
                    c.fleet
                        .iter()
                        .filter(|f| f.permit == Some(p))
                        .map(|f| f.count)
                        .sum()
                })
                .collect();
            if held.iter().sum::<u32>() <= *quota {
                break;
            }
            let most = (0..held.len())
                .max_by_key(|&c| (held[c], std::cmp::Reverse(c)))
                .unwrap_or(0);
            let fleet = &mut s.carriers[most].fleet;
            let Some(k) = fleet.iter().rposition(|f| f.permit == Some(p)) else {
                break;
            };
            fleet[k].count -= 1;
            let mut without = fleet[k].clone();
            without.permit = None;
            without.count = 1;
            match fleet.iter_mut().find(|f| {
                f.class == without.class && f.permit.is_none() && f.shift == without.shift
            }) {
                Some(f) => f.count += 1,
                None => fleet.push(without),
            }
            fleet.retain(|f| f.count > 0);
        }
    }
    if let Some(share) = variant.electrify {
        if !(0.0..=1.0).contains(&share) {
            return Err(format!("`electrify` must be between 0 and 1, got {share}"));
        }
        let id = variant.electric_class.as_deref().unwrap_or("e-light-truck");
        let electric = s
            .classes
            .iter()
            .position(|c| c.id == id)
            .ok_or_else(|| format!("unknown class `{id}` in `electric_class`"))?;
        if !s.classes[electric].energy.is_new_energy() {
            return Err(format!("`electric_class` `{id}` is not a new-energy class"));
        }
        for carrier in &mut s.carriers {
            let mut added = Vec::new();
            for f in carrier
                .fleet
                .iter_mut()
                .filter(|f| !s.classes[f.class].energy.is_new_energy())
            {
                let n = (f64::from(f.count) * share).round() as u32;
                f.count -= n;
                if n > 0 {
                    added.push(crate::scenario::FleetEntry {
                        class: electric,
                        count: n,
                        permit: None,
                        shift: f.shift,
                    });
                }
            }
            carrier.fleet.extend(added);
            carrier.fleet.retain(|f| f.count > 0);
        }
    }
    // The changed scenario keeps every rule of the base (an electric class too small for some
    // order, a range factor out of range, ...), or the variant fails with every problem.
    s.validate().map_err(|e| e.to_string())?;
    Ok(s)
}

/// Plan every variant not yet `done`, in parallel; `store` receives each new outcome (from any
/// thread) as soon as it is ready. Returns every variant's outcome, in sweep order.
pub fn run(
    base: &Scenario,
    variants: &[Variant],
    network: &Network,
    engine: &MatrixEngine,
    done: &(dyn Fn(&Variant) -> Option<Outcome> + Sync),
    store: &(dyn Fn(&Variant, &Outcome) + Sync),
) -> Vec<Outcome> {
    variants
        .par_iter()
        .map(|v| {
            if let Some(outcome) = done(v) {
                return outcome;
            }
            let outcome = match apply(base, v) {
                Err(e) => Outcome::Failed(e),
                // Pooling needs only the pooled plan, not every coalition of `share`.
                Ok(s) => match if v.pooling {
                    plan_pooled(&s, network, engine, &|_| {})
                } else {
                    plan(&s, network, engine, &|_| {})
                } {
                    Ok(p) if p.violations.is_empty() => Outcome::Planned(p.kpis),
                    Ok(p) => Outcome::Failed(format!(
                        "the plan breaks rules: {}",
                        p.violations
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join("; ")
                    )),
                    Err(e) => Outcome::Failed(e.to_string()),
                },
            };
            store(v, &outcome);
            outcome
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Scenario {
        crate::io::scenario::read_scenario(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/scenarios/chengdu-core/scenario.toml"
        )))
        .unwrap()
    }

    #[test]
    fn a_variant_whose_change_breaks_a_rule_fails_with_that_rule() {
        // jd's heaviest order fits only its diesel trucks (1,800 kg), not the e-light-truck
        // (1,500 kg) replacing them.
        let mut base = demo();
        base.carriers[1].orders[0].weight_g = 1_700_000;
        let order = base.carriers[1].orders[0].id.clone();
        assert!(base.validate().is_ok());
        let all = Variant {
            name: "all-electric".into(),
            electrify: Some(1.0),
            ..Variant::default()
        };
        let e = apply(&base, &all).unwrap_err();
        assert!(
            e.contains(&format!("carrier `jd` order `{order}`")) && e.contains("1700.0 kg"),
            "{e}"
        );
        // Half of jd's two trucks stay diesel: valid.
        let half = Variant {
            electrify: Some(0.5),
            ..all.clone()
        };
        assert!(apply(&base, &half).is_ok());
        let winter = Variant {
            range_factor: Some(3.0),
            ..Variant::default()
        };
        assert!(apply(&base, &winter).unwrap_err().contains("range_factor"));
    }

    #[test]
    fn without_lockers_drops_them_and_an_only_order_then_fails_the_variant() {
        let mut base = crate::io::scenario::read_scenario(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/scenarios/chengdu-lockers/scenario.toml"
        )))
        .unwrap();
        assert_eq!(base.lockers.list.len(), 12);
        // The bundled sweep's baseline is that variant (`lockers = false`).
        let sweep = crate::io::sweep::read_sweep(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/scenarios/chengdu-lockers/sweep.toml"
        )))
        .unwrap();
        let flags: Vec<bool> = sweep.variants.iter().map(|v| v.without_lockers).collect();
        assert_eq!(flags, vec![true, false, false]);
        // A changed lockers file changes the runs' content hash.
        let inputs = crate::io::scenario::scenario_inputs(&sweep.base).unwrap();
        assert!(inputs
            .iter()
            .any(|(role, p)| role == "lockers" && p.ends_with("lockers.csv")));
        let off = Variant {
            name: "no-lockers".into(),
            without_lockers: true,
            ..Variant::default()
        };
        assert!(apply(&base, &off).unwrap().lockers.list.is_empty());
        // A receiver who accepts only a locker, next to locker lk-01.
        base.carriers[0].orders[0].lon_lat = base.lockers.list[0].lon_lat;
        base.carriers[0].orders[0].locker = Some(crate::scenario::Acceptance::Only);
        assert!(apply(&base, &Variant::default()).is_ok());
        let e = apply(&base, &off).unwrap_err();
        assert!(e.contains("accepts only a parcel locker"), "{e}");
    }

    #[test]
    fn quota_trims_the_biggest_holder_first_and_electrify_replaces_fuel_vehicles() {
        let base = demo();
        let v = Variant {
            name: "q".into(),
            permit_quota: vec![("green-pass".into(), 5)],
            electrify: Some(1.0),
            ..Variant::default()
        };
        let s = apply(&base, &v).unwrap();
        let held: Vec<u32> = s
            .carriers
            .iter()
            .map(|c| {
                c.fleet
                    .iter()
                    .filter(|f| f.permit.is_some())
                    .map(|f| f.count)
                    .sum()
            })
            .collect();
        assert_eq!(held.iter().sum::<u32>(), 5);
        // 3 + 3 + 2 = 8 down to 5: sf (3, first of the tie), jd (3), then sf again (2, first of the tie).
        assert_eq!(held, vec![1, 2, 2]);
        let vans: u32 = s
            .carriers
            .iter()
            .flat_map(|c| &c.fleet)
            .filter(|f| s.classes[f.class].id == "e-micro-van")
            .map(|f| f.count)
            .sum();
        assert_eq!(vans, 8, "vans that lose the permit keep driving without it");
        assert!(s
            .carriers
            .iter()
            .flat_map(|c| &c.fleet)
            .all(|f| s.classes[f.class].energy.is_new_energy()));
        assert!(apply(
            &base,
            &Variant {
                rule_hours: vec![("nope".into(), Schedule::always())],
                ..Variant::default()
            }
        )
        .unwrap_err()
        .contains("nope"));
    }
}
