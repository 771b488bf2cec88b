//! A policy file (TOML): the zones file, the access rules and the permits of a city.
//!
//! ```toml
//! zones = "core.geojson"            # relative to this file
//! zones_crs = "gcj02"               # optional: wgs84 (default), gcj02 or bd09 (see io::crs)
//!
//! [[rule]]
//! id = "fuel-trucks-off-core"
//! zones = ["core"]
//! hours = "Mo-Fr 07:00-09:00,17:30-19:30"   # opening_hours subset; "24/7" = always
//! effect = "forbid"                 # forbid | permit | fee | penalty
//! vehicles = { energies = ["diesel", "petrol"], min_gross_weight_kg = 3501 }
//!
//! [[rule]]
//! id = "core-needs-pass"
//! zones = ["core"]
//! hours = "07:00-19:00"
//! effect = "permit"
//!
//! [[permit]]
//! id = "green-pass"
//! zones = ["core"]
//! hours = "24/7"
//! eligible = { new_energy = true }
//! quota = 150
//! quota_per_carrier = { sf = 60, jd = 50 }
//! fee = 0.0                         # yuan per vehicle per day
//! ```
//! Vehicle selectors take `classes`, `energies`, `new_energy`, `emission_standard_at_most`,
//! `min_gross_weight_kg`, `max_gross_weight_kg`, `min_length_m`, `max_length_m`. Fees are in yuan
//! (`fee_per_entry`, `fee_per_day`, `penalty_per_entry`). All problems are listed at once.
//!
//! What `fee` and `penalty` rules charge (a congestion or low-emission charge; a planner's
//! what-if), for the vehicles the rule selects, on the plan day, while the rule's hours hold:
//! * `fee_per_entry`: per drive from one stop (or the depot) outside a zone of the rule to a stop
//!   inside it that leaves within the rule's hours, once per such zone. The stops decide: a stop
//!   lies in the zones its road meets (as zones tag roads), and a drive that crosses a zone without
//!   stopping in it is not charged (the charge is for delivering inside; a cordon toll on through
//!   traffic is not modelled). A route's first drive leaves at its priced departure.
//! * `fee_per_day`: once per vehicle and rule when any such drive ends in one of its zones.
//! * `penalty_per_entry`: like `fee_per_entry`, but a soft cost for the planner, not money paid:
//!   the solver weighs it as a cost and KPIs report it apart (`zone_penalties`).
//!
//! Permits do not exempt from fees. Fees are part of the solver's cost, of each route's
//! `cost_yuan`, of the KPIs (`zone_fees` per scenario and carrier, `fees` per zone), of `share`'s
//! coalition costs, and of `check` (fees due per route); tested in `tests/plan_fees.rs`.

use super::crs::Crs;
use super::file::{parse_toml, read_text, FileError};
use crate::time::Schedule;
use crate::vehicle::{Energy, VehicleClass};
use crate::zones::{Effect, Permit, Policy, VehicleSelector, Zone, ZoneRule};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Why a policy could not be used (its own problems, or its zones file's).
pub type Error = FileError;

const WHAT: &str = "policy file";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    zones: Option<PathBuf>,
    /// The coordinate system of the zones file (else its own `crs` member, else WGS84).
    zones_crs: Option<Crs>,
    #[serde(default, rename = "rule")]
    rules: Vec<RuleEntry>,
    #[serde(default, rename = "permit")]
    permits: Vec<PermitEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleEntry {
    id: String,
    zones: Vec<String>,
    hours: String,
    effect: String,
    #[serde(default)]
    vehicles: SelectorEntry,
    fee_per_entry: Option<f64>,
    fee_per_day: Option<f64>,
    penalty_per_entry: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PermitEntry {
    id: String,
    zones: Vec<String>,
    #[serde(default = "always")]
    hours: String,
    #[serde(default)]
    eligible: SelectorEntry,
    quota: Option<i64>,
    #[serde(default)]
    quota_per_carrier: BTreeMap<String, i64>,
    #[serde(default)]
    fee: f64,
}

fn always() -> String {
    "24/7".to_string()
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SelectorEntry {
    classes: Option<Vec<String>>,
    energies: Option<Vec<String>>,
    new_energy: Option<bool>,
    emission_standard_at_most: Option<u8>,
    min_gross_weight_kg: Option<u32>,
    max_gross_weight_kg: Option<u32>,
    min_length_m: Option<f64>,
    max_length_m: Option<f64>,
}

/// The files [`read_policy`] reads besides the policy file itself (its zones file, if any).
pub fn policy_inputs(path: &Path) -> Result<Vec<std::path::PathBuf>, Error> {
    let text = read_text(path, WHAT)?;
    let file: PolicyFile = parse_toml(path, WHAT, &text)?;
    Ok(file
        .zones
        .iter()
        .map(|z| path.parent().unwrap_or(Path::new(".")).join(z))
        .collect())
}

/// Read a policy file and the zones file it names; check class ids against `classes`.
pub fn read_policy(path: &Path, classes: &[VehicleClass]) -> Result<Policy, Error> {
    let text = read_text(path, WHAT)?;
    let file: PolicyFile = parse_toml(path, WHAT, &text)?;
    let zones = match &file.zones {
        Some(z) => super::zones::read_zones_in(
            &path.parent().unwrap_or(Path::new(".")).join(z),
            file.zones_crs,
        )?,
        None => Vec::new(),
    };
    build_policy(file, zones, classes).map_err(|problems| FileError::invalid(path, WHAT, problems))
}

/// Parse policy TOML text with already-read zones (for tests and embedding in scenarios).
pub fn parse_policy(
    text: &str,
    zones: Vec<Zone>,
    classes: &[VehicleClass],
) -> Result<Policy, Vec<String>> {
    let file: PolicyFile = toml::from_str(text).map_err(|e| vec![e.to_string()])?;
    build_policy(file, zones, classes)
}

fn build_policy(
    file: PolicyFile,
    zones: Vec<Zone>,
    classes: &[VehicleClass],
) -> Result<Policy, Vec<String>> {
    let mut problems = Vec::new();
    let zone_refs = |names: &[String], here: &str, problems: &mut Vec<String>| -> Vec<usize> {
        if names.is_empty() {
            problems.push(format!("{here}: `zones` is empty"));
        }
        names
            .iter()
            .filter_map(|n| {
                let found = zones.iter().position(|z| z.id == *n);
                if found.is_none() {
                    let known: Vec<&str> = zones.iter().map(|z| z.id.as_str()).collect();
                    problems.push(format!(
                        "{here}: unknown zone `{n}` (zones: {})",
                        if known.is_empty() {
                            "none loaded".to_string()
                        } else {
                            known.join(", ")
                        }
                    ));
                }
                found
            })
            .collect()
    };
    let hours = |text: &str, here: &str, problems: &mut Vec<String>| match Schedule::parse(text) {
        Ok(s) => s,
        Err(e) => {
            problems.push(format!("{here}: `hours`: {e}"));
            Schedule::default()
        }
    };
    let money = |v: Option<f64>, field: &str, here: &str, problems: &mut Vec<String>| -> u32 {
        match v {
            None => 0,
            Some(x) if x.is_finite() && x >= 0.0 => (x * 100.0).round() as u32,
            Some(x) => {
                problems.push(format!("{here}: `{field}` must be zero or more, got {x}"));
                0
            }
        }
    };
    let mut rules = Vec::new();
    for (i, r) in file.rules.iter().enumerate() {
        let here = format!("[[rule]] #{} (id `{}`)", i + 1, r.id);
        if file.rules[..i].iter().any(|o| o.id == r.id) {
            problems.push(format!("{here}: rule id used twice"));
        }
        let effect = match r.effect.as_str() {
            "forbid" => Effect::Forbid,
            "permit" => Effect::PermitRequired,
            "fee" => Effect::Fee {
                per_entry_cents: money(r.fee_per_entry, "fee_per_entry", &here, &mut problems),
                per_day_cents: money(r.fee_per_day, "fee_per_day", &here, &mut problems),
            },
            "penalty" => Effect::Penalty {
                per_entry_cents: money(
                    r.penalty_per_entry,
                    "penalty_per_entry",
                    &here,
                    &mut problems,
                ),
            },
            other => {
                problems.push(format!(
                    "{here}: unknown effect `{other}` (forbid, permit, fee, penalty)"
                ));
                Effect::Forbid
            }
        };
        rules.push(ZoneRule {
            id: r.id.clone(),
            zones: zone_refs(&r.zones, &here, &mut problems),
            vehicles: selector(&r.vehicles, &here, classes, &mut problems),
            hours: hours(&r.hours, &here, &mut problems),
            effect,
        });
    }
    let mut permits = Vec::new();
    for (i, p) in file.permits.iter().enumerate() {
        let here = format!("[[permit]] #{} (id `{}`)", i + 1, p.id);
        if file.permits[..i].iter().any(|o| o.id == p.id) {
            problems.push(format!("{here}: permit id used twice"));
        }
        let mut count = |v: i64, what: &str| -> u32 {
            if v < 0 {
                problems.push(format!("{here}: {what} must be zero or more, got {v}"));
            }
            v.clamp(0, i64::from(u32::MAX)) as u32
        };
        let quota_total = p.quota.map(|q| count(q, "`quota`"));
        let quota_per_carrier = p
            .quota_per_carrier
            .iter()
            .map(|(c, &q)| (c.clone(), count(q, &format!("`quota_per_carrier.{c}`"))))
            .collect();
        permits.push(Permit {
            id: p.id.clone(),
            zones: zone_refs(&p.zones, &here, &mut problems),
            hours: hours(&p.hours, &here, &mut problems),
            eligible: selector(&p.eligible, &here, classes, &mut problems),
            quota_total,
            quota_per_carrier,
            fee_cents: money(Some(p.fee), "fee", &here, &mut problems),
        });
    }
    if problems.is_empty() {
        Ok(Policy {
            zones,
            rules,
            permits,
        })
    } else {
        Err(problems)
    }
}

fn selector(
    e: &SelectorEntry,
    here: &str,
    classes: &[VehicleClass],
    problems: &mut Vec<String>,
) -> VehicleSelector {
    if let Some(ids) = &e.classes {
        for id in ids {
            if !classes.iter().any(|c| c.id == *id) {
                problems.push(format!(
                    "{here}: unknown vehicle class `{id}` (see `cityfreight classes`)"
                ));
            }
        }
    }
    let energies = e.energies.as_ref().map(|list| {
        list.iter()
            .filter_map(|name| {
                let energy = Energy::parse(name);
                if energy.is_none() {
                    problems.push(format!("{here}: unknown energy `{name}` (battery-electric, fuel-cell, plug-in-hybrid, diesel, petrol, cng)"));
                }
                energy
            })
            .collect()
    });
    if let Some(s) = e.emission_standard_at_most {
        if !(1..=6).contains(&s) {
            problems.push(format!(
                "{here}: `emission_standard_at_most` must be 1 to 6, got {s}"
            ));
        }
    }
    let mm = |m: Option<f64>| m.map(|v| (v * 1000.0).round().max(0.0) as u32);
    VehicleSelector {
        classes: e.classes.clone(),
        energies,
        new_energy: e.new_energy,
        emission_standard_at_most: e.emission_standard_at_most,
        min_gross_weight_kg: e.min_gross_weight_kg,
        max_gross_weight_kg: e.max_gross_weight_kg,
        min_length_mm: mm(e.min_length_m),
        max_length_mm: mm(e.max_length_m),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vehicle::default_classes;
    use geo::MultiPolygon;

    fn zones() -> Vec<Zone> {
        vec![Zone {
            id: "core".into(),
            name: "core".into(),
            area: MultiPolygon::new(vec![]),
        }]
    }

    #[test]
    fn reads_rules_and_permits() {
        let text = "[[rule]]\nid = \"r\"\nzones = [\"core\"]\nhours = \"Mo-Fr 07:00-09:00,17:30-19:30\"\neffect = \"forbid\"\nvehicles = { energies = [\"diesel\"], min_gross_weight_kg = 3501 }\n\n[[permit]]\nid = \"p\"\nzones = [\"core\"]\neligible = { new_energy = true }\nquota = 150\nquota_per_carrier = { sf = 60 }\nfee = 2.5\n";
        let p = parse_policy(text, zones(), &default_classes()).unwrap();
        assert_eq!(p.rules[0].effect, Effect::Forbid);
        assert_eq!(p.permits[0].quota_total, Some(150));
        assert_eq!(p.permits[0].fee_cents, 250);
        assert_eq!(p.permits[0].quota_per_carrier, vec![("sf".to_string(), 60)]);
    }

    #[test]
    fn all_problems_at_once() {
        let text = "[[rule]]\nid = \"r\"\nzones = [\"ring\"]\nhours = \"25:00-26:00\"\neffect = \"ban\"\nvehicles = { classes = [\"rocket\"] }\n\n[[permit]]\nid = \"p\"\nzones = [\"core\"]\nquota = -5\n";
        let problems = parse_policy(text, zones(), &default_classes()).unwrap_err();
        assert_eq!(problems.len(), 5, "{problems:#?}");
        let all = problems.join("\n");
        for expected in [
            "unknown zone `ring`",
            "`hours`",
            "unknown effect `ban`",
            "unknown vehicle class `rocket`",
            "`quota` must be zero or more",
        ] {
            assert!(all.contains(expected), "missing {expected}: {all}");
        }
    }
}
