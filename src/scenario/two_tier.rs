//! Two-tier delivery as plain data: night trucks bring every carrier's parcels from its depot to
//! a consolidation centre (or end station), and a last-mile fleet (typically e-tricycles that
//! reload at the centre) delivers them from there, instead of each carrier's vans driving direct.
//!
//! Owns: [`TwoTier`] and its rules ([`TwoTier::validate`]). Must never: read files (that is
//! `io::two_tier`) or plan (`plan::two_tier`, which also validates the tier scenarios it builds).
//! Units as in [`crate::scenario`].

use super::validate::{verdict, Problem, Rule, Subject, ValidationError};
use super::{FleetEntry, Scenario};

/// A consolidation centre and the fleets of both tiers.
#[derive(Clone, Debug, PartialEq)]
pub struct TwoTier {
    /// Where it was declared (file and table), for error messages.
    pub origin: String,
    /// Centre id (the tier-2 operator's id in plans and KPIs).
    pub centre_id: String,
    /// Centre `[lon, lat]`.
    pub centre: [f64; 2],
    /// Time to unload one truck load at the centre (s).
    pub unload_s: u32,
    /// Night trucks of every carrier (each carrier runs these from its own depot).
    pub night_fleet: Vec<FleetEntry>,
    /// The last-mile fleet based at the centre.
    pub last_mile_fleet: Vec<FleetEntry>,
}

impl TwoTier {
    /// When the last mile starts (s of the day): every load must be unloaded by then.
    pub fn last_mile_start(&self) -> u32 {
        self.last_mile_fleet
            .iter()
            .map(|f| f.shift.0)
            .min()
            .unwrap_or(0)
    }

    /// Check the two-tier setup against `scenario` (whose classes, policy and orders it uses):
    /// the centre on the globe; unloading within four hours; both fleets non-empty, each entry
    /// keeping the fleet-entry rules of [`Scenario::validate`]; every night truck's shift starting
    /// early enough to unload before the last mile starts; every order light enough for some
    /// last-mile vehicle. Every problem is listed. The tier scenarios themselves (quotas over all
    /// carriers' night trucks, bays) are validated when `plan::two_tier` builds them.
    pub fn validate(&self, scenario: &Scenario) -> Result<(), ValidationError> {
        let mut out = Vec::new();
        let mut at = |field, entry, rule| {
            out.push(Problem {
                at: Subject::TwoTier { field, entry },
                rule,
            })
        };
        let [lon, lat] = self.centre;
        if !((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)) {
            at("centre", None, Rule::Centre(self.centre));
        }
        if self.unload_s > 4 * 3600 {
            at("unload_s", None, Rule::UnloadTime(self.unload_s));
        }
        for (field, fleet) in [
            ("night_fleet", &self.night_fleet),
            ("last_mile_fleet", &self.last_mile_fleet),
        ] {
            if fleet.is_empty() {
                at(field, None, Rule::EmptyFleet);
            }
            for (k, entry) in fleet.iter().enumerate() {
                for rule in scenario.fleet_entry_rules(entry) {
                    at(field, Some(k), rule);
                }
            }
        }
        let start = self.last_mile_start();
        for (k, f) in self.night_fleet.iter().enumerate() {
            if f.shift.0.saturating_add(self.unload_s) >= start {
                let rule = Rule::UnloadTooLate {
                    shift_start: f.shift.0,
                    last_mile_start: start,
                };
                at("night_fleet", Some(k), rule);
            }
        }
        let last_mile_max = self
            .last_mile_fleet
            .iter()
            .filter_map(|f| scenario.classes.get(f.class))
            .map(|c| u64::from(c.payload_kg) * 1000)
            .max();
        for c in &scenario.carriers {
            for o in &c.orders {
                if last_mile_max.is_some_and(|max| u64::from(o.weight_g) > max) {
                    let rule = Rule::LastMileTooHeavy {
                        carrier: c.id.clone(),
                        order: o.id.clone(),
                        weight_g: o.weight_g,
                    };
                    at("last_mile_fleet", None, rule);
                }
            }
        }
        verdict(&format!("{} ({})", scenario.name, self.origin), out)
    }
}
