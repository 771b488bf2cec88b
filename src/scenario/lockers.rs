//! Parcel lockers (智能快件箱) and pickup points (自提点, 驿站, 共同配送站点) as plain data: where
//! a receiver may collect an order instead of having it delivered at the door, how much each
//! holds, when it is open, which carriers may use it, and which orders may go there.
//!
//! Owns: [`Lockers`] (the scenario's `[lockers]` settings and list), [`Locker`], [`LockerKind`],
//! [`LockerCapacity`], [`Acceptance`]. Must never: read files (that is `io::lockers`) or plan.
//! Invariants: capacity is cumulative over the plan day (a parcel stays in its compartment until
//! collected), counted as three nested totals (see [`LockerCapacity::limits`]), so that a parcel
//! fits its own size or any larger compartment and the check is exact (Hall's condition for
//! nested sizes); which receivers accept a locker when their order does not say is decided by a
//! hash of the seed, the carrier's and the order's ids, never by position or by a thread.

use super::DeliveryOrder;
use crate::time::Schedule;

/// A parcel locker or a pickup point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockerKind {
    /// A smart parcel locker (智能快件箱): compartments by size.
    Locker,
    /// A pickup point (自提点, 驿站) in a shop or station: parcels per day.
    PickupPoint,
}

impl LockerKind {
    /// The name used in files and KPIs (`locker`, `pickup_point`).
    pub fn name(self) -> &'static str {
        match self {
            LockerKind::Locker => "locker",
            LockerKind::PickupPoint => "pickup_point",
        }
    }
}

/// What a locker or pickup point holds in one day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockerCapacity {
    /// Compartments by size (a locker): a parcel goes into a compartment of its size or larger.
    Compartments {
        /// Small compartments.
        small: u32,
        /// Medium compartments.
        medium: u32,
        /// Large compartments.
        large: u32,
    },
    /// Parcels of any size (a pickup point's parcels per day, or a locker given as a count).
    Parcels(u32),
}

impl LockerCapacity {
    /// Total parcels it can hold.
    pub fn total(self) -> u32 {
        match self {
            LockerCapacity::Compartments {
                small,
                medium,
                large,
            } => small + medium + large,
            LockerCapacity::Parcels(n) => n,
        }
    }

    /// The three nested limits: parcels of any size, parcels needing at least a medium
    /// compartment, parcels needing a large one. Parcels of `needs` ([`Lockers::needs`]) fit
    /// exactly when each count stays within its limit.
    pub fn limits(self) -> [u32; 3] {
        match self {
            LockerCapacity::Compartments {
                small,
                medium,
                large,
            } => [small + medium + large, medium + large, large],
            LockerCapacity::Parcels(n) => [n; 3],
        }
    }
}

/// One locker or pickup point.
#[derive(Clone, Debug, PartialEq)]
pub struct Locker {
    /// The user's id (`osm-node-N` for lockers tagged in the extract).
    pub id: String,
    /// Name (free text, Chinese fine), for output only.
    pub name: String,
    /// Locker or pickup point.
    pub kind: LockerKind,
    /// `[lon, lat]`.
    pub lon_lat: [f64; 2],
    /// What it holds in a day.
    pub capacity: LockerCapacity,
    /// Opening hours (weekly): service starts and ends inside them.
    pub hours: Schedule,
    /// Carriers (ids) that may put parcels there; `None`: every carrier.
    pub carriers: Option<Vec<String>>,
    /// Service time per order served there (s): parking, opening the app, walking to it.
    pub service_s: u32,
    /// Service time per parcel (s).
    pub per_parcel_s: u32,
    /// Where it was read (`lockers.csv line 4`, `extract node 123`), for messages.
    pub origin: String,
}

impl Locker {
    /// May carrier `carrier` put parcels there?
    pub fn admits(&self, carrier: &str) -> bool {
        self.carriers
            .as_ref()
            .is_none_or(|list| list.iter().any(|c| c == carrier))
    }
}

/// Whether an order's receiver accepts a locker or pickup point.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Acceptance {
    /// At the door only (or from a bay).
    #[default]
    No,
    /// At the door or at a locker in reach, whichever the plan prefers.
    Yes,
    /// Only at a locker in reach.
    Only,
}

impl Acceptance {
    /// Parse an orders CSV value (`no`, `yes`, `only`).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "no" | "false" | "0" => Some(Acceptance::No),
            "yes" | "true" | "1" => Some(Acceptance::Yes),
            "only" => Some(Acceptance::Only),
            _ => None,
        }
    }
}

/// The scenario's lockers and pickup points and the rules of using them (`[lockers]`).
#[derive(Clone, Debug, PartialEq)]
pub struct Lockers {
    /// The lockers and pickup points.
    pub list: Vec<Locker>,
    /// Share of the orders that do not say whose receivers accept a locker (0 to 1).
    pub accept_share: f64,
    /// Seed of that assignment.
    pub seed: u64,
    /// Cost per parcel served at a locker (cents): an incentive paid to the receiver or a
    /// service-level penalty.
    pub cost_per_parcel_cents: u32,
    /// Receivers walk at most this far (straight line, m) to a locker.
    pub radius_m: f64,
    /// Largest parcel (l) a small and a medium compartment take; larger ones need a large
    /// compartment, up to `large_l`.
    pub small_l: f64,
    /// See `small_l`.
    pub medium_l: f64,
    /// Largest parcel (l) a large compartment takes; larger parcels never go to a locker (a
    /// pickup point takes any size).
    pub large_l: f64,
    /// Also use the `amenity=parcel_locker` nodes of the extract.
    pub osm: bool,
}

impl Default for Lockers {
    /// No lockers; 500 m walking, no cost, compartments of 8, 20 and 45 l (common sizes of
    /// Chinese smart lockers: about 45x30x7, 45x30x16 and 45x30x34 cm).
    fn default() -> Self {
        Self {
            list: Vec::new(),
            accept_share: 0.0,
            seed: 1,
            cost_per_parcel_cents: 0,
            radius_m: 500.0,
            small_l: 8.0,
            medium_l: 20.0,
            large_l: 45.0,
            osm: false,
        }
    }
}

/// SplitMix64 finaliser.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Lockers {
    /// Whether the receiver of `order` (of carrier `carrier`) accepts a locker: the order's own
    /// word, or else accepted for a share `accept_share` of the orders, by a hash of the seed,
    /// the carrier's and the order's ids (stable under reordering and across runs).
    pub fn acceptance(&self, carrier: &str, order: &DeliveryOrder) -> Acceptance {
        if let Some(a) = order.locker {
            return a;
        }
        if self.accept_share <= 0.0 {
            return Acceptance::No;
        }
        let mut h = mix(self.seed ^ 0x6c6f_636b_6572);
        for b in carrier.bytes().chain([0xff]).chain(order.id.bytes()) {
            h = mix(h ^ u64::from(b));
        }
        let draw = (h >> 11) as f64 / (1u64 << 53) as f64;
        if draw < self.accept_share {
            Acceptance::Yes
        } else {
            Acceptance::No
        }
    }

    /// Parcels of `order` counted against the three limits of [`LockerCapacity::limits`] at a
    /// locker of `kind`: `[all, needing medium or large, needing large]`; `None` when its
    /// parcels are too large for a locker's largest compartment. The parcel size is the order's
    /// volume over its parcels.
    pub fn needs(&self, order: &DeliveryOrder, kind: LockerKind) -> Option<[u32; 3]> {
        let n = order.parcels.max(1);
        if kind == LockerKind::PickupPoint {
            return Some([n; 3]);
        }
        let litres = f64::from(order.volume_ml) / 1000.0 / f64::from(n);
        if litres > self.large_l {
            None
        } else if litres > self.medium_l {
            Some([n; 3])
        } else if litres > self.small_l {
            Some([n, n, 0])
        } else {
            Some([n, 0, 0])
        }
    }

    /// Lockers (indices) within reach of `order` of carrier `carrier`, if its receiver accepts
    /// one: within `radius_m`, open to the carrier, with compartments for its parcels and
    /// capacity for them.
    pub fn in_reach(&self, carrier: &str, order: &DeliveryOrder) -> Vec<usize> {
        if self.acceptance(carrier, order) == Acceptance::No {
            return Vec::new();
        }
        self.list
            .iter()
            .enumerate()
            .filter(|(_, l)| {
                l.admits(carrier)
                    && crate::geometry::haversine_m(order.lon_lat, l.lon_lat) <= self.radius_m
                    && self.needs(order, l.kind).is_some_and(|need| {
                        need.iter().zip(l.capacity.limits()).all(|(n, c)| *n <= c)
                    })
            })
            .map(|(k, _)| k)
            .collect()
    }

    /// Service time of `order` at `locker` (s).
    pub fn service_s(&self, locker: &Locker, order: &DeliveryOrder) -> u32 {
        locker.service_s + locker.per_parcel_s * order.parcels.max(1)
    }
}

/// Compartments assumed for a tagged locker without a usable `capacity` (a common 40-door
/// cabinet): 24 small, 12 medium, 4 large.
pub const OSM_LOCKER_COMPARTMENTS: LockerCapacity = LockerCapacity::Compartments {
    small: 24,
    medium: 12,
    large: 4,
};

/// Lockers from the extract's `amenity=parcel_locker` nodes: id `osm-node-N`, name from `name`
/// (else `operator`/`brand`), `capacity` as a parcel count when it is a whole number (else
/// [`OSM_LOCKER_COMPARTMENTS`]), `opening_hours` when readable (else always open), every
/// carrier, 90 s per order and 10 s per parcel. Returns notes on the tags read loosely.
pub fn lockers_from_osm(tagged: &[crate::osm::read::OsmLocker]) -> (Vec<Locker>, Vec<String>) {
    let mut notes = Vec::new();
    let lockers = tagged
        .iter()
        .map(|t| {
            let capacity = match t.capacity.as_deref().map(|c| c.trim().parse::<u32>()) {
                Some(Ok(n)) if n > 0 => LockerCapacity::Parcels(n),
                Some(_) => {
                    notes.push(format!(
                        "node {}: capacity={} is not a count of compartments, assuming 24 small, 12 medium, 4 large",
                        t.id,
                        t.capacity.as_deref().unwrap_or("")
                    ));
                    OSM_LOCKER_COMPARTMENTS
                }
                None => OSM_LOCKER_COMPARTMENTS,
            };
            let hours = match t.opening_hours.as_deref().map(Schedule::parse) {
                Some(Ok(h)) if !h.is_empty() => h,
                Some(_) => {
                    notes.push(format!(
                        "node {}: opening_hours={} not understood, assuming always open",
                        t.id,
                        t.opening_hours.as_deref().unwrap_or("")
                    ));
                    Schedule::always()
                }
                None => Schedule::always(),
            };
            Locker {
                id: format!("osm-node-{}", t.id),
                name: t
                    .name
                    .clone()
                    .or_else(|| t.operator.clone())
                    .unwrap_or_else(|| format!("parcel locker {}", t.id)),
                kind: LockerKind::Locker,
                lon_lat: t.lon_lat,
                capacity,
                hours,
                carriers: None,
                service_s: 90,
                per_parcel_s: 10,
                origin: format!("extract node {}", t.id),
            }
        })
        .collect();
    (lockers, notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(id: &str, parcels: u32, volume_ml: u32) -> DeliveryOrder {
        DeliveryOrder {
            id: id.into(),
            lon_lat: [104.06, 30.66],
            weight_g: 1000,
            volume_ml,
            parcels,
            service_s: 60,
            windows: vec![(0, crate::time::DAY)],
            shareable: true,
            pickup: Default::default(),
            locker: None,
        }
    }

    #[test]
    fn the_share_is_met_and_stable_and_an_order_own_word_wins() {
        let l = Lockers {
            accept_share: 0.3,
            ..Lockers::default()
        };
        let orders: Vec<DeliveryOrder> = (0..2000)
            .map(|i| order(&format!("o{i}"), 1, 1000))
            .collect();
        let yes = orders
            .iter()
            .filter(|o| l.acceptance("sf", o) == Acceptance::Yes)
            .count();
        assert!((540..660).contains(&yes), "{yes} of 2000 at 0.3");
        // Another seed draws other receivers; the same seed the same ones.
        let other = Lockers {
            seed: 2,
            ..l.clone()
        };
        let same = orders
            .iter()
            .filter(|o| l.acceptance("sf", o) == other.acceptance("sf", o))
            .count();
        assert!(same < 1900);
        assert_eq!(
            l.acceptance("sf", &orders[7]),
            l.clone().acceptance("sf", &orders[7])
        );
        let mut only = orders[0].clone();
        only.locker = Some(Acceptance::Only);
        assert_eq!(l.acceptance("sf", &only), Acceptance::Only);
        let mut no = orders[0].clone();
        no.locker = Some(Acceptance::No);
        assert_eq!(
            Lockers {
                accept_share: 1.0,
                ..l
            }
            .acceptance("sf", &no),
            Acceptance::No
        );
    }

    #[test]
    fn tagged_lockers_with_loose_tags() {
        use crate::osm::read::OsmLocker;
        let tagged = [
            OsmLocker {
                id: 7,
                lon_lat: [104.07, 30.66],
                operator: Some("丰巢".into()),
                capacity: Some("60".into()),
                opening_hours: Some("Mo-Su 07:00-22:00".into()),
                ..OsmLocker::default()
            },
            OsmLocker {
                id: 8,
                lon_lat: [104.08, 30.66],
                capacity: Some("many".into()),
                opening_hours: Some("sunrise-sunset".into()),
                ..OsmLocker::default()
            },
        ];
        let (l, notes) = lockers_from_osm(&tagged);
        assert_eq!(l[0].id, "osm-node-7");
        assert_eq!(l[0].name, "丰巢");
        assert_eq!(l[0].capacity, LockerCapacity::Parcels(60));
        assert_ne!(l[0].hours, Schedule::always());
        assert_eq!(l[1].capacity, OSM_LOCKER_COMPARTMENTS);
        assert_eq!(l[1].hours, Schedule::always());
        assert_eq!(notes.len(), 2, "{notes:?}");
    }

    #[test]
    fn parcels_need_their_size_or_larger() {
        let l = Lockers::default();
        let lk = LockerKind::Locker;
        assert_eq!(l.needs(&order("a", 2, 10_000), lk), Some([2, 0, 0]));
        assert_eq!(l.needs(&order("b", 1, 15_000), lk), Some([1, 1, 0]));
        assert_eq!(l.needs(&order("c", 1, 30_000), lk), Some([1, 1, 1]));
        assert_eq!(l.needs(&order("d", 1, 60_000), lk), None);
        assert_eq!(
            l.needs(&order("d", 1, 60_000), LockerKind::PickupPoint),
            Some([1, 1, 1])
        );
        let c = LockerCapacity::Compartments {
            small: 10,
            medium: 4,
            large: 1,
        };
        assert_eq!(c.limits(), [15, 5, 1]);
        assert_eq!(c.total(), 15);
    }
}
