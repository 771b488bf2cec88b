//! Congestion by hour: how much longer than free flow a road takes at each hour of the week.
//!
//! A [`Traffic`] gives a travel-time factor (actual time over free-flow time, the definition of
//! the congestion delay index in published city traffic reports) per road class (`highway=*`)
//! per hour of the week, with per-road overrides keyed by OSM way id (the shape in which
//! probe-speed data is exported). [`Traffic::default_city`] is a documented profile for a large
//! Chinese city; [`Traffic::free_flow`] changes nothing.
//!
//! Owns: [`Traffic`], [`DEFAULT_PROFILE`], the hours at which speeds change
//! ([`Traffic::boundaries`]) and the hour states that let equal hours share one metric
//! ([`Traffic::hour_states`]). Must never: read files (that is `io/traffic.rs`), decide access, or
//! know about vehicles beyond the road they drive on.
//! Invariants: factors are per mille, within `1..=MAX_FACTOR_PERMILLE`; a factor holds for a whole
//! clock hour; a metric evaluated at moment `t` scales every open edge by the factor of the hour
//! containing `t` (the hour-band model: the whole leg is driven at its departure band's speeds,
//! and a vehicle may wait for a faster band, which keeps arrival FIFO, see
//! `solver/problem/travel.rs`).

use crate::graph::RoadGraph;
use crate::osm::tags::RoadClass;
use crate::time::WeekTime;
use std::collections::BTreeMap;

/// Hours in a week.
pub const HOURS: usize = 168;

/// Free flow, per mille.
pub const FREE_FLOW_PERMILLE: u16 = 1000;

/// The largest factor accepted (per mille): ten times slower than free flow.
pub const MAX_FACTOR_PERMILLE: u16 = 10_000;

/// Road classes in a fixed order (index = position in the per-class table).
pub const ROAD_CLASSES: [RoadClass; 16] = [
    RoadClass::Motorway,
    RoadClass::MotorwayLink,
    RoadClass::Trunk,
    RoadClass::TrunkLink,
    RoadClass::Primary,
    RoadClass::PrimaryLink,
    RoadClass::Secondary,
    RoadClass::SecondaryLink,
    RoadClass::Tertiary,
    RoadClass::TertiaryLink,
    RoadClass::Unclassified,
    RoadClass::Residential,
    RoadClass::LivingStreet,
    RoadClass::Service,
    RoadClass::Road,
    RoadClass::Pedestrian,
];

fn class_index(class: RoadClass) -> usize {
    ROAD_CLASSES
        .iter()
        .position(|&c| c == class)
        .expect("every road class is listed")
}

/// Road groups of the default profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoadGroup {
    /// Motorways and trunk roads (urban expressways, 快速路) with their links.
    Expressway,
    /// Primary roads (主干路) and their links.
    Arterial,
    /// Secondary roads (次干路) and their links.
    Collector,
    /// Tertiary roads and their links.
    Minor,
    /// Everything else: residential, service, unclassified, living streets (支路, 小区道路).
    Local,
}

impl RoadGroup {
    /// The group of a road class.
    pub fn of(class: RoadClass) -> RoadGroup {
        use RoadClass::*;
        match class {
            Motorway | MotorwayLink | Trunk | TrunkLink => RoadGroup::Expressway,
            Primary | PrimaryLink => RoadGroup::Arterial,
            Secondary | SecondaryLink => RoadGroup::Collector,
            Tertiary | TertiaryLink => RoadGroup::Minor,
            _ => RoadGroup::Local,
        }
    }
}

/// The default profile: for each period of the day, the factor (per mille) of each
/// [`RoadGroup`] in the order expressway, arterial, collector, minor, local.
///
/// Where the numbers come from: published congestion indices for large Chinese cities (the
/// quarterly city traffic reports of the navigation map providers, which define the congestion
/// delay index as travel time over free-flow travel time, and the TomTom Traffic Index) put peak
/// travel times on arterials at about 1.5-2x free flow, the evening peak above the morning one,
/// working-day middays at about 1.3x and nights at free flow, with side streets less affected
/// than arterials. The numbers below are chosen inside those ranges; they are a documented
/// default, not a measurement of any one city. A scenario replaces any of them with its own
/// (`[traffic]`), or with measured probe speeds per road.
pub const DEFAULT_PROFILE: [(&str, [u16; 5]); 6] = [
    ("night", [1000, 1000, 1000, 1000, 1000]),
    ("shoulder", [1150, 1150, 1100, 1100, 1050]),
    ("morning peak", [1700, 1800, 1700, 1500, 1250]),
    ("working day", [1300, 1350, 1300, 1200, 1100]),
    ("evening peak", [1800, 1900, 1750, 1550, 1300]),
    ("weekend day", [1250, 1300, 1250, 1150, 1100]),
];

/// The period of [`DEFAULT_PROFILE`] (its index) in force on `weekday` (0 = Monday) at `hour`.
pub fn default_period(weekday: u8, hour: u8) -> usize {
    let working = weekday < 5;
    match (working, hour) {
        (_, 0..=5) => 0,
        (true, 6) => 1,
        (true, 7..=8) => 2,
        (true, 9..=16) => 3,
        (true, 17..=18) => 4,
        (true, 19..=20) => 3,
        (false, 6..=8) => 0,
        (false, 9..=20) => 5,
        _ => 1,
    }
}

/// Travel-time factors per road class and hour of the week, with per-way overrides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Traffic {
    /// What the factors are, for reports ("default city profile", "free flow", a file name).
    pub source: String,
    /// Factor per mille, `classes[class_index * HOURS + hour]`.
    classes: Vec<u16>,
    /// Per OSM way: factor per mille per hour, `0` where the class factor applies.
    ways: BTreeMap<i64, Vec<u16>>,
}

impl Default for Traffic {
    fn default() -> Self {
        Traffic::default_city()
    }
}

impl Traffic {
    /// No congestion: every factor is 1.
    pub fn free_flow() -> Traffic {
        Traffic {
            source: "free flow".into(),
            classes: vec![FREE_FLOW_PERMILLE; ROAD_CLASSES.len() * HOURS],
            ways: BTreeMap::new(),
        }
    }

    /// The documented default profile ([`DEFAULT_PROFILE`]).
    pub fn default_city() -> Traffic {
        let mut classes = vec![FREE_FLOW_PERMILLE; ROAD_CLASSES.len() * HOURS];
        for (c, &class) in ROAD_CLASSES.iter().enumerate() {
            let group = RoadGroup::of(class) as usize;
            for h in 0..HOURS {
                let period = default_period((h / 24) as u8, (h % 24) as u8);
                classes[c * HOURS + h] = DEFAULT_PROFILE[period].1[group];
            }
        }
        Traffic {
            source: "default city profile".into(),
            classes,
            ways: BTreeMap::new(),
        }
    }

    /// True when no factor differs from free flow.
    pub fn is_free_flow(&self) -> bool {
        self.classes.iter().all(|&f| f == FREE_FLOW_PERMILLE)
            && self
                .ways
                .values()
                .all(|v| v.iter().all(|&f| f == 0 || f == FREE_FLOW_PERMILLE))
    }

    /// Set the factor of `class` at hour-of-week `hour` (per mille, checked by the caller).
    pub fn set_class(&mut self, class: RoadClass, hour: usize, permille: u16) {
        self.classes[class_index(class) * HOURS + hour] = permille;
    }

    /// Set the factor of OSM way `way` at hour-of-week `hour`.
    pub fn set_way(&mut self, way: i64, hour: usize, permille: u16) {
        self.ways.entry(way).or_insert_with(|| vec![0; HOURS])[hour] = permille;
    }

    /// OSM way ids with their own factors.
    pub fn way_ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.ways.keys().copied()
    }

    /// The factor (per mille) of a road of `class` (OSM way `way`) at hour-of-week `hour`.
    pub fn factor(&self, class: RoadClass, way: i64, hour: usize) -> u16 {
        match self.ways.get(&way).map(|v| v[hour]) {
            Some(f) if f != 0 => f,
            _ => self.classes[class_index(class) * HOURS + hour],
        }
    }

    /// The factor of road class `class` at hour-of-week `hour` (ignoring per-way overrides).
    pub fn class_factor(&self, class: RoadClass, hour: usize) -> u16 {
        self.classes[class_index(class) * HOURS + hour]
    }

    /// Everything that decides speeds in hour `h`: one column of the tables.
    fn column(&self, h: usize) -> Vec<u16> {
        (0..ROAD_CLASSES.len())
            .map(|c| self.classes[c * HOURS + h])
            .chain(self.ways.values().map(|v| v[h]))
            .collect()
    }

    /// The traffic state of every hour of the week: equal for two hours exactly when every road
    /// has the same factor in both (the first hour of the week with the same column). One pass
    /// over the tables; ask once and look hours up, rather than calling [`Traffic::state_at`] per
    /// moment.
    pub fn hour_states(&self) -> Vec<usize> {
        let mut first: BTreeMap<Vec<u16>, usize> = BTreeMap::new();
        (0..HOURS)
            .map(|h| *first.entry(self.column(h)).or_insert(h))
            .collect()
    }

    /// Moments of the week (s) at which some speed changes: the starts of the hours whose state
    /// differs from the previous hour's (hour 0 against hour 167).
    pub fn boundaries(&self) -> Vec<u32> {
        let states = self.hour_states();
        (0..HOURS)
            .filter(|&h| states[h] != states[(h + HOURS - 1) % HOURS])
            .map(|h| (h as u32) * 3600)
            .collect()
    }

    /// The traffic state at `t` (see [`Traffic::hour_states`]).
    pub fn state_at(&self, t: WeekTime) -> usize {
        self.hour_states()[hour_of_week(t)]
    }

    /// Factor per road of `graph` at `t` (per mille).
    pub fn road_factors(&self, graph: &RoadGraph, t: WeekTime) -> Vec<u16> {
        let h = hour_of_week(t);
        (0..graph.road_count() as u32)
            .map(|r| {
                let way = graph.road_way(r);
                self.factor(way.road_class, way.osm_id, h)
            })
            .collect()
    }
}

/// The hour of the week containing `t` (0 = Monday 00:00-01:00).
pub fn hour_of_week(t: WeekTime) -> usize {
    (t.seconds() / 3600) as usize % HOURS
}

/// `time_ms` scaled by a per-mille factor, rounded, at least 1 ms for a non-zero time.
pub fn scale_ms(time_ms: u32, permille: u16) -> u32 {
    if permille == FREE_FLOW_PERMILLE {
        return time_ms;
    }
    let scaled = (u64::from(time_ms) * u64::from(permille) + 500) / 1000;
    let scaled = scaled.min(u64::from(u32::MAX - 1)) as u32;
    if time_ms > 0 {
        scaled.max(1)
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::DAY;

    #[test]
    fn default_profile_has_peaks_on_working_days_only() {
        let t = Traffic::default_city();
        let at = |s: &str| hour_of_week(WeekTime::parse(s).unwrap());
        assert_eq!(t.class_factor(RoadClass::Primary, at("Tu 08:00")), 1800);
        assert_eq!(t.class_factor(RoadClass::Primary, at("Tu 18:30")), 1900);
        assert_eq!(t.class_factor(RoadClass::Primary, at("Tu 03:00")), 1000);
        assert_eq!(t.class_factor(RoadClass::Primary, at("Sa 08:00")), 1000);
        assert_eq!(t.class_factor(RoadClass::Residential, at("Tu 08:00")), 1250);
        assert!(!t.is_free_flow());
        assert!(Traffic::free_flow().is_free_flow());
    }

    #[test]
    fn equal_hours_share_a_state_and_boundaries_cut_where_speeds_change() {
        let t = Traffic::default_city();
        let s = |x: &str| t.state_at(WeekTime::parse(x).unwrap());
        assert_eq!(s("Mo 08:00"), s("Fr 07:30"));
        assert_eq!(s("Tu 10:00"), s("Tu 19:30"));
        assert_ne!(s("Tu 08:00"), s("Tu 10:00"));
        assert_eq!(s("Tu 03:00"), s("Sa 07:00"));
        let b = t.boundaries();
        // A working day cuts at midnight (the evening shoulder ends), 06, 07, 09, 17, 19, 21.
        let tuesday: Vec<u32> = b
            .iter()
            .filter(|&&x| (DAY..2 * DAY).contains(&x))
            .map(|&x| (x - DAY) / 3600)
            .collect();
        assert_eq!(tuesday, vec![0, 6, 7, 9, 17, 19, 21]);
        assert!(Traffic::free_flow().boundaries().is_empty());
    }

    #[test]
    fn a_way_override_wins_and_adds_its_own_states() {
        let mut t = Traffic::free_flow();
        t.set_way(42, 30, 2500);
        assert_eq!(t.factor(RoadClass::Primary, 42, 30), 2500);
        assert_eq!(t.factor(RoadClass::Primary, 43, 30), 1000);
        assert_eq!(t.factor(RoadClass::Primary, 42, 31), 1000);
        assert_eq!(t.boundaries(), vec![30 * 3600, 31 * 3600]);
        assert!(!t.is_free_flow());
    }

    #[test]
    fn scaling_rounds_and_keeps_positive_times_positive() {
        assert_eq!(scale_ms(1000, 1500), 1500);
        assert_eq!(scale_ms(1, 1001), 1);
        assert_eq!(scale_ms(0, 2000), 0);
        assert_eq!(scale_ms(3, 1500), 5);
    }
}
