//! Who may drive on a way, and when: OSM access tags (plain and `*:conditional`) evaluated for a
//! vehicle class over the week.
//!
//! Owns: [`AccessRules`] (the access-related tags of one way, parsed) and their compilation into
//! a [`ClassAccess`] per vehicle class. Must never: read files or know the graph.
//!
//! Semantics (OSM's access hierarchy): keys are read from general to specific — `access`,
//! `vehicle`, then for motor vehicles `motor_vehicle`, `motorcar`, and `goods` (gross weight up
//! to 3.5 t) or `hgv` (above); for e-tricycles `moped`. The most specific key that has a value
//! at the moment wins; within one key, a `:conditional` rule whose condition holds overrides the
//! plain value (the last matching rule of the tag wins). With no value at all, the road class
//! default applies (`RoadClass::open_by_default`). Conditions are a weekly schedule (the
//! opening_hours subset of `time::Schedule`) and/or a vehicle property (`weight>7.5`,
//! `length>12`, `height>4`, `width>2.5`), joined with `AND`.

use super::tags::{access_value, AccessValue, RoadClass};
use crate::time::{Schedule, TimeError, WeekTime, WEEK};
use crate::vehicle::{Category, VehicleClass};

/// The access keys cityfreight reads, from general to specific.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccessKey {
    /// `access`
    Access,
    /// `vehicle`
    Vehicle,
    /// `motor_vehicle`
    MotorVehicle,
    /// `motorcar`
    Motorcar,
    /// `goods` (light commercial vehicles, up to 3.5 t)
    Goods,
    /// `hgv` (heavy goods vehicles, above 3.5 t)
    Hgv,
    /// `moped` (read for e-tricycles)
    Moped,
}

impl AccessKey {
    /// All keys, in hierarchy order.
    pub const ALL: [AccessKey; 7] = [
        AccessKey::Access,
        AccessKey::Vehicle,
        AccessKey::MotorVehicle,
        AccessKey::Motorcar,
        AccessKey::Goods,
        AccessKey::Hgv,
        AccessKey::Moped,
    ];

    /// The OSM key.
    pub fn tag(self) -> &'static str {
        match self {
            AccessKey::Access => "access",
            AccessKey::Vehicle => "vehicle",
            AccessKey::MotorVehicle => "motor_vehicle",
            AccessKey::Motorcar => "motorcar",
            AccessKey::Goods => "goods",
            AccessKey::Hgv => "hgv",
            AccessKey::Moped => "moped",
        }
    }

    /// Does this key speak about vehicles of `class`?
    pub fn applies_to(self, class: &VehicleClass) -> bool {
        let motor = class.category.is_motor_vehicle();
        match self {
            AccessKey::Access | AccessKey::Vehicle => true,
            AccessKey::MotorVehicle | AccessKey::Motorcar => motor,
            AccessKey::Goods => motor && !class.is_hgv(),
            AccessKey::Hgv => class.is_hgv(),
            AccessKey::Moped => class.category == Category::ETricycle,
        }
    }
}

/// A vehicle-property comparison in a condition (`weight>7.5`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PropertyTest {
    property: Property,
    greater: bool,
    or_equal: bool,
    /// Threshold in kg (weight) or mm (sizes).
    threshold: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Property {
    Weight,
    Length,
    Height,
    Width,
}

impl PropertyTest {
    fn holds(&self, class: &VehicleClass) -> bool {
        let value = match self.property {
            Property::Weight => class.gross_weight_kg,
            Property::Length => class.length_mm,
            Property::Height => class.height_mm,
            Property::Width => class.width_mm,
        };
        match (self.greater, self.or_equal) {
            (true, false) => value > self.threshold,
            (true, true) => value >= self.threshold,
            (false, false) => value < self.threshold,
            (false, true) => value <= self.threshold,
        }
    }
}

/// The condition of one conditional rule: all parts must hold.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct Condition {
    /// When the rule applies; `None` means at all times.
    pub schedule: Option<Schedule>,
    /// Vehicle properties that must hold.
    pub properties: Vec<PropertyTest>,
}

/// One parsed `KEY:conditional` rule.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ConditionalRule {
    /// The access key it refines.
    pub key: AccessKey,
    /// The value while the condition holds.
    pub value: AccessValue,
    /// When and for whom.
    pub condition: Condition,
}

/// The access-related tags of one way, parsed. Many ways share the same rules, so the graph
/// keeps one copy of each distinct value (interned by the importer).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct AccessRules {
    /// Plain values, indexed like [`AccessKey::ALL`].
    pub plain: [Option<AccessValue>; 7],
    /// Conditional rules in tag order (a later rule of the same key wins over an earlier one).
    pub conditional: Vec<ConditionalRule>,
}

/// Access of one class to one way over the week.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClassAccess {
    /// Open at all times.
    Always,
    /// Closed at all times.
    Never,
    /// Open exactly during this schedule (neither empty nor the whole week).
    During(Schedule),
}

impl ClassAccess {
    /// Is the way open for the class at `t`?
    pub fn is_open_at(&self, t: WeekTime) -> bool {
        match self {
            ClassAccess::Always => true,
            ClassAccess::Never => false,
            ClassAccess::During(s) => s.contains(t),
        }
    }

    /// Open at some time of the week?
    pub fn ever_open(&self) -> bool {
        !matches!(self, ClassAccess::Never)
    }
}

impl AccessRules {
    /// True when no access tag was set (the road-class default decides).
    pub fn is_empty(&self) -> bool {
        self.plain.iter().all(Option::is_none) && self.conditional.is_empty()
    }

    /// The value for `class` at `t` (`None` = no tag speaks; the road default applies).
    fn value_at(&self, class: &VehicleClass, t: WeekTime) -> Option<AccessValue> {
        let mut result = None;
        for (i, key) in AccessKey::ALL.iter().enumerate() {
            if !key.applies_to(class) {
                continue;
            }
            let conditional = self
                .conditional
                .iter()
                .rfind(|r| {
                    r.key == *key
                        && r.condition.properties.iter().all(|p| p.holds(class))
                        && r.condition.schedule.as_ref().is_none_or(|s| s.contains(t))
                })
                .map(|r| r.value);
            if let Some(v) = conditional.or(self.plain[i]) {
                result = Some(v);
            }
        }
        result
    }

    /// Compile the rules for `class` on a road of class `road` into its weekly access.
    pub fn for_class(&self, class: &VehicleClass, road: RoadClass) -> ClassAccess {
        let default = road.open_by_default(class.category);
        let open_at = |t: WeekTime| {
            self.value_at(class, t)
                .map_or(default, |v| v == AccessValue::Allowed)
        };
        // The answer can change only where a relevant schedule switches.
        let mut boundaries: Vec<u32> = vec![0];
        for rule in &self.conditional {
            if let Some(s) = &rule.condition.schedule {
                if rule.key.applies_to(class) {
                    boundaries.extend(s.boundaries());
                }
            }
        }
        boundaries.sort_unstable();
        boundaries.dedup();
        let mut open_ranges = Vec::new();
        for (i, &start) in boundaries.iter().enumerate() {
            let end = boundaries.get(i + 1).copied().unwrap_or(WEEK);
            if open_at(WeekTime::from_seconds(start)) {
                open_ranges.push((start, end));
            }
        }
        let schedule = Schedule::from_ranges(open_ranges);
        if schedule.is_empty() {
            ClassAccess::Never
        } else if schedule.intervals() == [(0, WEEK)] {
            ClassAccess::Always
        } else {
            ClassAccess::During(schedule)
        }
    }

    /// Every moment in the week at which some rule's schedule switches (for hour bands).
    pub fn boundaries(&self) -> impl Iterator<Item = u32> + '_ {
        self.conditional
            .iter()
            .filter_map(|r| r.condition.schedule.as_ref())
            .flat_map(Schedule::boundaries)
    }
}

/// Why a conditional tag value could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConditionalError {
    /// The `value @ (condition)` structure is broken.
    #[error("expected `value @ (condition)`, got `{0}`")]
    Structure(String),
    /// An unknown access value before `@`.
    #[error("unknown access value `{0}`")]
    Value(String),
    /// A condition cityfreight does not understand (e.g. `wet`, `sunrise-sunset`).
    #[error("unsupported condition `{0}`")]
    Unsupported(String),
    /// The time part is malformed.
    #[error(transparent)]
    Time(#[from] TimeError),
}

/// Parse a `KEY:conditional` value: `no @ (07:00-09:00); yes @ (weight<3.5 AND Sa)`.
pub fn parse_conditional(
    key: AccessKey,
    text: &str,
) -> Result<Vec<ConditionalRule>, ConditionalError> {
    let mut rules = Vec::new();
    for part in split_top_level(text) {
        let (value, condition) = part
            .split_once('@')
            .ok_or_else(|| ConditionalError::Structure(part.to_string()))?;
        let value_text = value.trim();
        let value = access_value(value_text)
            .ok_or_else(|| ConditionalError::Value(value_text.to_string()))?;
        let condition = condition.trim();
        let condition = condition
            .strip_prefix('(')
            .and_then(|c| c.strip_suffix(')'))
            .unwrap_or(condition);
        rules.push(ConditionalRule {
            key,
            value,
            condition: parse_condition(condition)?,
        });
    }
    if rules.is_empty() {
        return Err(ConditionalError::Structure(text.to_string()));
    }
    Ok(rules)
}

/// Split at `;` outside parentheses.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ';' if depth == 0 => {
                parts.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(text[start..].trim());
    parts.into_iter().filter(|p| !p.is_empty()).collect()
}

fn parse_condition(text: &str) -> Result<Condition, ConditionalError> {
    let mut condition = Condition::default();
    for part in text.split(" AND ").map(str::trim) {
        if let Some(test) = parse_property(part) {
            condition.properties.push(test);
            continue;
        }
        let starts_like_time = part.starts_with(|c: char| c.is_ascii_digit())
            || ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su", "PH", "24/7"]
                .iter()
                .any(|d| part.starts_with(d));
        if !starts_like_time || part.contains("sunrise") || part.contains("sunset") {
            return Err(ConditionalError::Unsupported(part.to_string()));
        }
        let schedule = Schedule::parse(part)?;
        condition.schedule = Some(match condition.schedule.take() {
            None => schedule,
            Some(previous) => intersect(&previous, &schedule),
        });
    }
    Ok(condition)
}

fn intersect(a: &Schedule, b: &Schedule) -> Schedule {
    let mut ranges = Vec::new();
    for &(s1, e1) in a.intervals() {
        for &(s2, e2) in b.intervals() {
            let (s, e) = (s1.max(s2), e1.min(e2));
            if s < e {
                ranges.push((s, e));
            }
        }
    }
    Schedule::from_ranges(ranges)
}

fn parse_property(text: &str) -> Option<PropertyTest> {
    let (name, rest) = text.split_at(text.find(['<', '>'])?);
    let property = match name.trim() {
        "weight" | "maxweight" => Property::Weight,
        "length" => Property::Length,
        "height" => Property::Height,
        "width" => Property::Width,
        _ => return None,
    };
    let greater = rest.starts_with('>');
    let or_equal = rest[1..].starts_with('=');
    let number = rest[if or_equal { 2 } else { 1 }..].trim();
    let threshold = match property {
        Property::Weight => super::tags::maxweight_kg(number)?,
        _ => super::tags::size_mm(number)?,
    };
    Some(PropertyTest {
        property,
        greater,
        or_equal,
        threshold,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vehicle::default_classes;

    fn class(id: &str) -> VehicleClass {
        default_classes().into_iter().find(|c| c.id == id).unwrap()
    }

    fn at(t: &str) -> WeekTime {
        WeekTime::parse(t).unwrap()
    }

    #[test]
    fn hgv_no_keeps_vans_and_tricycles() {
        let mut rules = AccessRules::default();
        rules.plain[AccessKey::Hgv as usize] = Some(AccessValue::Denied);
        assert_eq!(
            rules.for_class(&class("diesel-medium-truck"), RoadClass::Primary),
            ClassAccess::Never
        );
        assert_eq!(
            rules.for_class(&class("e-micro-van"), RoadClass::Primary),
            ClassAccess::Always
        );
        assert_eq!(
            rules.for_class(&class("e-tricycle"), RoadClass::Primary),
            ClassAccess::Always
        );
    }

    #[test]
    fn night_truck_ban() {
        let rules = AccessRules {
            conditional: parse_conditional(AccessKey::Hgv, "no @ (19:00-06:00)").unwrap(),
            ..AccessRules::default()
        };
        let truck = rules.for_class(&class("diesel-medium-truck"), RoadClass::Primary);
        assert!(!truck.is_open_at(at("We 20:00")));
        assert!(truck.is_open_at(at("We 12:00")));
        assert_eq!(
            rules.for_class(&class("e-micro-van"), RoadClass::Primary),
            ClassAccess::Always
        );
    }

    #[test]
    fn delivery_opens_a_pedestrian_street_and_specific_beats_general() {
        let mut rules = AccessRules::default();
        rules.plain[AccessKey::MotorVehicle as usize] = access_value("delivery");
        assert_eq!(
            rules.for_class(&class("e-micro-van"), RoadClass::Pedestrian),
            ClassAccess::Always
        );
        assert_eq!(
            AccessRules::default().for_class(&class("e-micro-van"), RoadClass::Pedestrian),
            ClassAccess::Never
        );
        rules.plain[AccessKey::Hgv as usize] = Some(AccessValue::Denied);
        assert_eq!(
            rules.for_class(&class("diesel-medium-truck"), RoadClass::Pedestrian),
            ClassAccess::Never
        );
    }

    #[test]
    fn conditional_with_weekdays_several_intervals_and_weight() {
        let rules = AccessRules {
            conditional: parse_conditional(
                AccessKey::MotorVehicle,
                "no @ (Mo-Fr 00:00-06:30,21:30-24:00; Sa 00:00-06:30)",
            )
            .unwrap(),
            ..AccessRules::default()
        };
        let van = rules.for_class(&class("e-micro-van"), RoadClass::Residential);
        assert!(
            !van.is_open_at(at("Tu 05:00"))
                && van.is_open_at(at("Tu 07:00"))
                && !van.is_open_at(at("Tu 22:00"))
        );
        assert!(van.is_open_at(at("Su 05:00")));
        let heavy = AccessRules {
            conditional: parse_conditional(AccessKey::Access, "no @ (weight>7.5 AND 07:00-09:00)")
                .unwrap(),
            ..AccessRules::default()
        };
        assert!(!heavy
            .for_class(&class("diesel-medium-truck"), RoadClass::Primary)
            .is_open_at(at("Mo 08:00")));
        assert_eq!(
            heavy.for_class(&class("diesel-light-truck"), RoadClass::Primary),
            ClassAccess::Always
        );
    }

    #[test]
    fn unsupported_conditions_are_reported() {
        assert!(matches!(
            parse_conditional(AccessKey::Hgv, "no @ (wet)"),
            Err(ConditionalError::Unsupported(_))
        ));
        assert!(matches!(
            parse_conditional(AccessKey::Hgv, "no @ (sunset-sunrise)"),
            Err(ConditionalError::Unsupported(_))
        ));
        assert!(matches!(
            parse_conditional(AccessKey::Hgv, "no"),
            Err(ConditionalError::Structure(_))
        ));
        assert!(matches!(
            parse_conditional(AccessKey::Hgv, "maybe @ (10:00-11:00)"),
            Err(ConditionalError::Value(_))
        ));
        assert!(parse_conditional(AccessKey::Hgv, "no @ (25:00-26:00)").is_err());
    }
}
