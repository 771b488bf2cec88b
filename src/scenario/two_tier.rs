//! Two-tier delivery as plain data: night trucks bring every carrier's parcels from its depot to
//! a consolidation centre (or end station), and a last-mile fleet (typically e-tricycles that
//! reload at the centre) delivers them from there, instead of each carrier's vans driving direct.
//!
//! Owns: [`TwoTier`]. Must never: read files (that is `io::two_tier`) or plan (`plan::two_tier`).
//! Units as in [`crate::scenario`].

use super::FleetEntry;

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
}
