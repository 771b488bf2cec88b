//! The `[two_tier]` table of a scenario file: a consolidation centre and the fleets of both tiers.
//!
//! ```toml
//! [two_tier]
//! id = "hub"                                  # default "centre"
//! centre = [104.0700, 30.6950]                # lon, lat; must snap onto a road both tiers use
//! unload_s = 900                              # per truck load at the centre (default 900)
//! # Every carrier runs these from its own depot; loads must be unloaded before the last mile starts.
//! night_fleet = [ { class = "diesel-light-truck", count = 2, shift = "03:00-07:00" } ]
//! # Based at the centre; e-tricycles reload there.
//! last_mile_fleet = [ { class = "e-tricycle", count = 12, shift = "07:00-19:00" } ]
//! ```
//! Every problem is reported at once, naming the file and field.

use super::file::{parse_toml, read_text, FileError};
use super::scenario::{fleet_basics, Error};
use crate::scenario::two_tier::TwoTier;
use crate::scenario::{FleetEntry, Scenario};
use serde::Deserialize;
use std::path::Path;

#[derive(Deserialize)]
struct File {
    two_tier: Option<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: Option<String>,
    centre: [f64; 2],
    unload_s: Option<i64>,
    night_fleet: Vec<FleetItem>,
    last_mile_fleet: Vec<FleetItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FleetItem {
    class: String,
    count: i64,
    shift: String,
}

/// The `[two_tier]` table of the scenario file at `path` (already read as `scenario`), if any.
pub fn read_two_tier(path: &Path, scenario: &Scenario) -> Result<Option<TwoTier>, Error> {
    let text = read_text(path, "scenario")?;
    let file: File = parse_toml(path, "scenario", &text)?;
    let Some(entry) = file.two_tier else {
        return Ok(None);
    };
    let mut problems = Vec::new();
    let [lon, lat] = entry.centre;
    if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
        problems.push(format!(
            "[two_tier] `centre` {:?} is not [lon, lat] in degrees",
            entry.centre
        ));
    }
    let unload_s = entry.unload_s.unwrap_or(900);
    if !(0..=4 * 3600).contains(&unload_s) {
        problems.push(format!(
            "[two_tier] `unload_s` must be 0 to 14400 s, got {unload_s}"
        ));
    }
    let mut fleet = |items: &[FleetItem], field: &str| -> Vec<FleetEntry> {
        if items.is_empty() {
            problems.push(format!("[two_tier] `{field}` is empty"));
        }
        let mut out = Vec::new();
        for (k, item) in items.iter().enumerate() {
            let at = format!("[two_tier] `{field}` #{}", k + 1);
            let (class, count, shift) = fleet_basics(
                &at,
                (&item.class, item.count, &item.shift),
                &scenario.classes,
                &mut problems,
            );
            if let Some(class) = class {
                out.push(FleetEntry {
                    class,
                    count,
                    permit: None,
                    shift,
                });
            }
        }
        out
    };
    let night_fleet = fleet(&entry.night_fleet, "night_fleet");
    let last_mile_fleet = fleet(&entry.last_mile_fleet, "last_mile_fleet");
    let two_tier = TwoTier {
        origin: format!("{} [two_tier]", path.display()),
        centre_id: entry.id.unwrap_or_else(|| "centre".to_string()),
        centre: entry.centre,
        unload_s: unload_s.clamp(0, 4 * 3600) as u32,
        night_fleet,
        last_mile_fleet,
    };
    let start = two_tier.last_mile_start();
    for (k, f) in two_tier.night_fleet.iter().enumerate() {
        if f.shift.0 + two_tier.unload_s >= start {
            problems.push(format!(
                "[two_tier] `night_fleet` #{}: its shift starts at {}, too late to unload before the last mile starts at {}",
                k + 1,
                crate::time::clock(i64::from(f.shift.0)),
                crate::time::clock(i64::from(start))
            ));
        }
    }
    let heaviest = |fleet: &[FleetEntry]| {
        fleet
            .iter()
            .map(|f| u64::from(scenario.classes[f.class].payload_kg) * 1000)
            .max()
            .unwrap_or(0)
    };
    let last_mile_max = heaviest(&two_tier.last_mile_fleet);
    for c in &scenario.carriers {
        for o in &c.orders {
            if u64::from(o.weight_g) > last_mile_max && !two_tier.last_mile_fleet.is_empty() {
                problems.push(format!(
                    "[two_tier] `last_mile_fleet`: carrier `{}` order `{}` weighs {:.1} kg, more than every last-mile vehicle carries",
                    c.id,
                    o.id,
                    f64::from(o.weight_g) / 1000.0
                ));
            }
        }
    }
    if !problems.is_empty() {
        return Err(FileError::invalid(path, "scenario", problems));
    }
    Ok(Some(two_tier))
}

/// Make `dir` hold exactly the direct plan in `direct/`, the tiers in `tier1/` and `tier2/`, and
/// `comparison.csv`/`comparison.json` (every KPI direct versus two-tier, with the change), as one
/// set.
pub fn write_two_tier(
    dir: &Path,
    report: &crate::plan::two_tier::TwoTierReport,
) -> Result<(), super::plan_out::Error> {
    use super::plan_out::{write_plan_files, Error};
    let rows = super::share_out::compare_kpis(&report.direct.kpis, &report.kpis);
    let (csv, json) = super::share_out::comparison_files(&rows, "direct", "two_tier");
    Ok(super::atomic::write_dir_atomically(dir, |tmp| {
        write_plan_files(&tmp.join("direct"), &report.direct)?;
        write_plan_files(&tmp.join("tier1"), &report.tier1)?;
        write_plan_files(&tmp.join("tier2"), &report.tier2)?;
        for (name, bytes) in [("comparison.csv", csv), ("comparison.json", json)] {
            let path = tmp.join(name);
            std::fs::write(&path, bytes).map_err(|source| Error { path, source })?;
        }
        Ok(())
    })?)
}
