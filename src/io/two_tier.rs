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
//! Every problem is reported at once, naming the file and field: the file's own (syntax, unknown
//! classes, unreadable values), then the setup's rules ([`TwoTier::validate`]) placed in the table.

use super::file::{parse_toml, read_text, FileError};
use super::scenario::{fleet_basics, Error};
use crate::scenario::two_tier::TwoTier;
use crate::scenario::{FleetEntry, Rule, Scenario, Subject};
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
    let unload_s = match u32::try_from(entry.unload_s.unwrap_or(900)) {
        Ok(s) => s,
        Err(_) => {
            problems.push(format!(
                "[two_tier] `unload_s` must be 0 to 14400 s, got {}",
                entry.unload_s.unwrap_or(0)
            ));
            0
        }
    };
    // Per field, the file record of each entry kept (entries of unknown classes are dropped).
    let mut records: Vec<(&str, Vec<usize>)> = Vec::new();
    let mut fleet = |items: &[FleetItem], field: &'static str| -> Vec<FleetEntry> {
        let mut out = Vec::new();
        let mut kept = Vec::new();
        for (k, item) in items.iter().enumerate() {
            let at = format!("[two_tier] `{field}` #{}", k + 1);
            let (class, count, shift) = fleet_basics(
                &at,
                (&item.class, item.count, &item.shift),
                &scenario.classes,
                &mut problems,
            );
            if let (Some(class), Some(count)) = (class, count) {
                out.push(FleetEntry {
                    class,
                    count,
                    permit: None,
                    shift,
                });
                kept.push(k);
            }
        }
        records.push((field, kept));
        out
    };
    let night_fleet = fleet(&entry.night_fleet, "night_fleet");
    let last_mile_fleet = fleet(&entry.last_mile_fleet, "last_mile_fleet");
    let file_empty = [
        entry.night_fleet.is_empty(),
        entry.last_mile_fleet.is_empty(),
    ];
    let two_tier = TwoTier {
        origin: format!("{} [two_tier]", path.display()),
        centre_id: entry.id.unwrap_or_else(|| "centre".to_string()),
        centre: entry.centre,
        unload_s,
        night_fleet,
        last_mile_fleet,
    };
    // The setup's own rules, placed in the table; a fleet emptied by entries of unknown classes
    // is not also reported as empty.
    if let Err(e) = two_tier.validate(scenario) {
        for p in e.problems {
            let Subject::TwoTier { field, entry } = p.at else {
                problems.push(p.to_string());
                continue;
            };
            let fleet = records.iter().position(|r| r.0 == field);
            if p.rule == Rule::EmptyFleet && fleet.is_some_and(|f| !file_empty[f]) {
                continue;
            }
            let record = match (entry, fleet) {
                (Some(k), Some(f)) => Some(records[f].1[k]),
                (k, _) => k,
            };
            problems.push(match record {
                Some(k) => format!("[two_tier] `{field}` #{}: {}", k + 1, p.rule),
                None => format!("[two_tier] `{field}` {}", p.rule),
            });
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
    write_two_tier_with(dir, report, &[])
}

/// [`write_two_tier`] with `extra` files (name, bytes; e.g. the HTML report) in the same set.
pub fn write_two_tier_with(
    dir: &Path,
    report: &crate::plan::two_tier::TwoTierReport,
    extra: &[(&str, Vec<u8>)],
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
        super::plan_out::write_extra(tmp, extra)
    })?)
}
