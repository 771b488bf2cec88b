//! Permit zones, their access rules and permits: the city's own delivery rules as data.
//!
//! Owns: [`Zone`] (a named area), [`ZoneRule`] (which vehicles, which hours, what effect),
//! [`Permit`] (which zones and hours it opens, for whom, with which quota), [`Policy`] (all of
//! them, validated) and [`ZoneTags`] (which roads lie in which zone, computed once per graph).
//! Must never: read files (that is `io::zones`) or decide road access from OSM tags; it only adds
//! closures on top of the graph's own access.
//!
//! Semantics, for one vehicle class at one moment, holding a permit or not:
//! * `Forbid`: roads in the rule's zones are closed to the selected vehicles during its hours.
//! * `PermitRequired`: as `Forbid`, unless the vehicle holds a permit that covers the zone at that
//!   moment and for which the vehicle is eligible.
//! * `Fee` and `Penalty`: roads stay open; the cost counts per entry / per day in plans (what
//!   counts as an entry, and when: `io::policy`).
//!
//! A road belongs to a zone when its geometry meets the zone's area (crossing the boundary
//! counts). Invariants: at most 64 zones (one bit each per road); rules and permits name zones
//! by index into [`Policy::zones`].

pub mod tags;

pub use tags::ZoneTags;

use crate::time::{Schedule, WeekTime};
use crate::vehicle::{Energy, VehicleClass};
use geo::MultiPolygon;

/// At most this many zones in a policy (one bit each in a road's zone mask).
pub const MAX_ZONES: usize = 64;

/// A named area (WGS84 degrees).
#[derive(Clone, Debug, PartialEq)]
pub struct Zone {
    /// The user's id.
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// The area.
    pub area: MultiPolygon<f64>,
}

/// Which vehicles a rule or a permit speaks about; every set field must match.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VehicleSelector {
    /// Class ids.
    pub classes: Option<Vec<String>>,
    /// Energy carriers.
    pub energies: Option<Vec<Energy>>,
    /// New-energy (battery, fuel cell, plug-in) or not.
    pub new_energy: Option<bool>,
    /// Emission standards (China 1..=6) selected: at most this one (older and dirtier).
    pub emission_standard_at_most: Option<u8>,
    /// Gross weight at least (kg).
    pub min_gross_weight_kg: Option<u32>,
    /// Gross weight at most (kg).
    pub max_gross_weight_kg: Option<u32>,
    /// Length at least (mm).
    pub min_length_mm: Option<u32>,
    /// Length at most (mm).
    pub max_length_mm: Option<u32>,
}

impl VehicleSelector {
    /// Does the selector match `class`? (An empty selector matches every vehicle.)
    pub fn matches(&self, class: &VehicleClass) -> bool {
        self.classes.as_ref().is_none_or(|c| c.contains(&class.id))
            && self
                .energies
                .as_ref()
                .is_none_or(|e| e.contains(&class.energy))
            && self
                .new_energy
                .is_none_or(|n| n == class.energy.is_new_energy())
            && self
                .emission_standard_at_most
                .is_none_or(|s| class.emission_standard.is_some_and(|c| c <= s))
            && self
                .min_gross_weight_kg
                .is_none_or(|w| class.gross_weight_kg >= w)
            && self
                .max_gross_weight_kg
                .is_none_or(|w| class.gross_weight_kg <= w)
            && self.min_length_mm.is_none_or(|l| class.length_mm >= l)
            && self.max_length_mm.is_none_or(|l| class.length_mm <= l)
    }
}

/// What a rule does to the selected vehicles in its hours.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// They may not drive in the zones.
    Forbid,
    /// Only with a permit covering the zone and hour.
    PermitRequired,
    /// They pay per entry and/or per day (cents).
    Fee {
        /// Per entry into a zone.
        per_entry_cents: u32,
        /// Once per day in the zone.
        per_day_cents: u32,
    },
    /// A soft cost per entry (cents), for planners' what-ifs.
    Penalty {
        /// Per entry.
        per_entry_cents: u32,
    },
}

impl Effect {
    /// Does the effect close roads (for vehicles without a suitable permit)?
    pub fn closes(&self) -> bool {
        matches!(self, Effect::Forbid | Effect::PermitRequired)
    }
}

/// One access rule of a zone set.
#[derive(Clone, Debug, PartialEq)]
pub struct ZoneRule {
    /// The user's id.
    pub id: String,
    /// Indices into [`Policy::zones`].
    pub zones: Vec<usize>,
    /// Which vehicles.
    pub vehicles: VehicleSelector,
    /// When (weekly schedule, local time).
    pub hours: Schedule,
    /// What it does.
    pub effect: Effect,
}

/// A delivery vehicle permit (通行证): opens zones in hours for eligible vehicles.
#[derive(Clone, Debug, PartialEq)]
pub struct Permit {
    /// The user's id.
    pub id: String,
    /// Indices into [`Policy::zones`].
    pub zones: Vec<usize>,
    /// When it is valid.
    pub hours: Schedule,
    /// Who may hold it.
    pub eligible: VehicleSelector,
    /// At most this many vehicles may hold it (all carriers together).
    pub quota_total: Option<u32>,
    /// Per carrier id, at most this many.
    pub quota_per_carrier: Vec<(String, u32)>,
    /// Fee per vehicle per day (cents).
    pub fee_cents: u32,
}

/// Zones, rules and permits, validated (ids unique, references resolved, at most [`MAX_ZONES`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Policy {
    /// The zones.
    pub zones: Vec<Zone>,
    /// The rules.
    pub rules: Vec<ZoneRule>,
    /// The permits.
    pub permits: Vec<Permit>,
}

impl Policy {
    /// The permit with this id.
    pub fn permit(&self, id: &str) -> Option<usize> {
        self.permits.iter().position(|p| p.id == id)
    }

    /// Zones (bit mask) closed to `class` at `t` for a vehicle holding `permit` (or none).
    pub fn closed_zones(&self, class: &VehicleClass, t: WeekTime, permit: Option<usize>) -> u64 {
        let held = permit
            .map(|p| &self.permits[p])
            .filter(|p| p.eligible.matches(class) && p.hours.contains(t));
        let mut closed = 0u64;
        for rule in &self.rules {
            if !rule.effect.closes() || !rule.vehicles.matches(class) || !rule.hours.contains(t) {
                continue;
            }
            for &z in &rule.zones {
                let exempt = rule.effect == Effect::PermitRequired
                    && held.is_some_and(|p| p.zones.contains(&z));
                if !exempt {
                    closed |= 1 << z;
                }
            }
        }
        closed
    }

    /// Every moment of the week at which a rule or permit switches.
    pub fn boundaries(&self) -> Vec<u32> {
        let mut b: Vec<u32> = self
            .rules
            .iter()
            .flat_map(|r| r.hours.boundaries())
            .chain(self.permits.iter().flat_map(|p| p.hours.boundaries()))
            .collect();
        b.sort_unstable();
        b.dedup();
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vehicle::default_classes;

    fn class(id: &str) -> VehicleClass {
        default_classes().into_iter().find(|c| c.id == id).unwrap()
    }

    fn policy() -> Policy {
        let day = Schedule::parse("07:00-19:00").unwrap();
        Policy {
            zones: vec![Zone {
                id: "core".into(),
                name: "core".into(),
                area: MultiPolygon::new(vec![]),
            }],
            rules: vec![
                ZoneRule {
                    id: "no-diesel".into(),
                    zones: vec![0],
                    vehicles: VehicleSelector {
                        energies: Some(vec![Energy::Diesel]),
                        ..Default::default()
                    },
                    hours: day.clone(),
                    effect: Effect::Forbid,
                },
                ZoneRule {
                    id: "permit".into(),
                    zones: vec![0],
                    vehicles: VehicleSelector {
                        new_energy: Some(true),
                        ..Default::default()
                    },
                    hours: day.clone(),
                    effect: Effect::PermitRequired,
                },
            ],
            permits: vec![Permit {
                id: "green".into(),
                zones: vec![0],
                hours: Schedule::always(),
                eligible: VehicleSelector {
                    new_energy: Some(true),
                    ..Default::default()
                },
                quota_total: Some(100),
                quota_per_carrier: vec![],
                fee_cents: 0,
            }],
        }
    }

    #[test]
    fn forbid_permit_and_hours() {
        let p = policy();
        let noon = WeekTime::parse("12:00").unwrap();
        let night = WeekTime::parse("22:00").unwrap();
        assert_eq!(p.closed_zones(&class("diesel-light-truck"), noon, None), 1);
        assert_eq!(
            p.closed_zones(&class("diesel-light-truck"), noon, Some(0)),
            1,
            "a diesel truck is not eligible for the green permit"
        );
        assert_eq!(p.closed_zones(&class("diesel-light-truck"), night, None), 0);
        assert_eq!(
            p.closed_zones(&class("e-micro-van"), noon, None),
            1,
            "permit required"
        );
        assert_eq!(p.closed_zones(&class("e-micro-van"), noon, Some(0)), 0);
        assert_eq!(
            p.boundaries(),
            vec![
                0,
                7 * 3600,
                19 * 3600,
                24 * 3600 + 7 * 3600,
                24 * 3600 + 19 * 3600
            ]
            .into_iter()
            .chain((2..7).flat_map(|d| [d * 86_400 + 7 * 3600, d * 86_400 + 19 * 3600]))
            .collect::<Vec<_>>()
        );
    }

    #[test]
    fn selectors() {
        let heavy = VehicleSelector {
            min_gross_weight_kg: Some(3_501),
            ..Default::default()
        };
        assert!(
            heavy.matches(&class("diesel-medium-truck")) && !heavy.matches(&class("e-micro-van"))
        );
        let old = VehicleSelector {
            emission_standard_at_most: Some(4),
            ..Default::default()
        };
        assert!(
            !old.matches(&class("diesel-light-truck")),
            "China VI is not at most IV"
        );
        assert!(
            !old.matches(&class("e-micro-van")),
            "no emission standard: not selected"
        );
        let named = VehicleSelector {
            classes: Some(vec!["e-tricycle".into()]),
            ..Default::default()
        };
        assert!(named.matches(&class("e-tricycle")) && !named.matches(&class("e-micro-van")));
    }
}
