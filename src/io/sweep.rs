//! Sweep files (TOML), per-variant result files, and the comparison table.
//!
//! ```toml
//! base = "scenario.toml"                  # relative to this file
//! baseline = "baseline"                   # the variant others are compared with (default: the first)
//!
//! [[variant]]
//! name = "baseline"
//!
//! [[variant]]
//! name = "peak-hours-only"
//! rule_hours = { core-clean-energy-only = "07:00-09:00,17:30-19:30" }
//!
//! [[variant]]
//! name = "quota-4"
//! permit_quota = { green-pass = 4 }
//!
//! [[variant]]
//! name = "all-electric"
//! electrify = 1.0                         # share of fuel vehicles replaced
//! electric_class = "e-light-truck"
//!
//! [[variant]]
//! name = "pooled"
//! pooling = true
//!
//! [[variant]]
//! name = "no-bays"
//! bays = false                            # drop the base scenario's loading points
//! lockers = false                         # drop its parcel lockers and pickup points
//!
//! [[variant]]
//! name = "winter"
//! range_factor = 0.7                      # battery range 30% below nominal
//!
//! [[variant]]
//! name = "no-congestion"
//! traffic = "free-flow"                   # free-flow speeds instead of the base's [traffic]
//! ```
//! Each variant is a run ([`super::runs`]): its hash covers the base scenario's content (the
//! scenario file and every file it reads), the variant's table, and so the seed and budget in
//! force. Results go to `OUT/runs/HASH.json` (written atomically): a rerun after an
//! interruption, or another shard, plans only what is missing. The table is
//! `OUT/comparison.csv` (`variant,status,scope,kpi,unit,value,change`) and
//! `OUT/comparison.json`; `cityfreight merge OUT` writes the same table from the run files.

use super::atomic::write_atomically;
use super::file::{parse_toml, read_text, FileError};
use super::runs::{run_hash, RunStore};
use super::table::CsvOut;
use crate::plan::kpi::{Kpi, KpiRow, Scope};
use crate::plan::Kpis;
use crate::sweep::{Outcome, Variant};
use crate::time::Schedule;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Why a sweep file could not be used, or its results not stored.
pub type Error = FileError;

const WHAT: &str = "sweep";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SweepFile {
    base: PathBuf,
    baseline: Option<String>,
    #[serde(rename = "variant")]
    variants: Vec<toml::Table>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VariantEntry {
    name: String,
    #[serde(default)]
    rule_hours: BTreeMap<String, String>,
    #[serde(default)]
    permit_quota: BTreeMap<String, i64>,
    electrify: Option<f64>,
    electric_class: Option<String>,
    #[serde(default)]
    pooling: bool,
    bays: Option<bool>,
    lockers: Option<bool>,
    range_factor: Option<f64>,
    iterations: Option<u64>,
    traffic: Option<String>,
}

/// A parsed sweep: the base scenario's path, the variants, and their run hashes.
pub struct Sweep {
    /// The base scenario file.
    pub base: PathBuf,
    /// The baseline variant's index.
    pub baseline: usize,
    /// Variants in file order.
    pub variants: Vec<Variant>,
    /// Per variant, its run hash (base scenario content and the variant's table).
    pub hashes: Vec<String>,
}

/// The kind of a sweep variant's run.
pub const RUN_KIND: &str = "sweep-variant";

/// Read a sweep file.
pub fn read_sweep(path: &Path) -> Result<Sweep, Error> {
    let text = read_text(path, WHAT)?;
    let file: SweepFile = parse_toml(path, WHAT, &text)?;
    let base = path.parent().unwrap_or(Path::new(".")).join(&file.base);
    let mut problems = Vec::new();
    let mut variants = Vec::new();
    let mut keys = Vec::new();
    for (i, table) in file.variants.iter().enumerate() {
        let here = format!("[[variant]] #{}", i + 1);
        let entry: VariantEntry = match table.clone().try_into() {
            Ok(e) => e,
            Err(e) => {
                problems.push(format!("{here}: {e}"));
                continue;
            }
        };
        let here = format!("{here} (`{}`)", entry.name);
        if variants.iter().any(|v: &Variant| v.name == entry.name) {
            problems.push(format!("{here}: name used twice"));
        }
        if entry.name.is_empty() || entry.name.contains(['/', '\\']) || entry.name.starts_with('.')
        {
            problems.push(format!(
                "{here}: a name must be non-empty and usable as a file name"
            ));
        }
        let mut rule_hours = Vec::new();
        for (rule, hours) in &entry.rule_hours {
            match Schedule::parse(hours) {
                Ok(s) => rule_hours.push((rule.clone(), s)),
                Err(e) => problems.push(format!("{here}: `rule_hours.{rule}`: {e}")),
            }
        }
        let mut permit_quota = Vec::new();
        for (permit, &q) in &entry.permit_quota {
            if q < 0 {
                problems.push(format!(
                    "{here}: `permit_quota.{permit}` must be zero or more, got {q}"
                ));
            } else {
                permit_quota.push((permit.clone(), q.min(i64::from(u32::MAX)) as u32));
            }
        }
        let free_flow = match entry.traffic.as_deref() {
            None | Some("default") => false,
            Some("free-flow") => true,
            Some(other) => {
                problems.push(format!(
                    "{here}: `traffic` must be \"free-flow\" or \"default\", got `{other}`"
                ));
                false
            }
        };
        keys.push(table.to_string());
        variants.push(Variant {
            name: entry.name,
            rule_hours,
            permit_quota,
            electrify: entry.electrify,
            electric_class: entry.electric_class,
            pooling: entry.pooling,
            without_bays: !entry.bays.unwrap_or(true),
            without_lockers: !entry.lockers.unwrap_or(true),
            range_factor: entry.range_factor,
            iterations: entry.iterations,
            free_flow,
        });
    }
    let baseline = match &file.baseline {
        Some(b) => variants
            .iter()
            .position(|v| &v.name == b)
            .unwrap_or_else(|| {
                problems.push(format!("`baseline`: no variant named `{b}`"));
                0
            }),
        None => 0,
    };
    if variants.is_empty() && problems.is_empty() {
        problems.push("no [[variant]] entries".to_string());
    }
    if !problems.is_empty() {
        return Err(FileError::invalid(path, WHAT, problems));
    }
    // The sweep's own problems first; then the base scenario's content, for the run hashes.
    let content = super::runs::scenario_hash(&base)?;
    let hashes = keys
        .iter()
        .map(|key| run_hash(RUN_KIND, &content, key))
        .collect();
    Ok(Sweep {
        base,
        baseline,
        variants,
        hashes,
    })
}

fn outcome_json(outcome: &Outcome) -> Value {
    match outcome {
        Outcome::Planned(k) => {
            json!({"status": "ok", "kpis": k.rows.iter().map(|r| json!([r.scope.to_string(), r.kpi.to_string(), r.value, r.unit()])).collect::<Vec<_>>()})
        }
        Outcome::Failed(e) => json!({"status": "failed", "error": e}),
    }
}

/// A variant's outcome from its stored `result`; `None` if it does not parse with this version
/// (a KPI, scope or unit it does not know): then the variant is planned again.
pub fn parse_outcome(v: &Value) -> Option<Outcome> {
    match v["status"].as_str()? {
        "failed" => Some(Outcome::Failed(v["error"].as_str()?.to_string())),
        "ok" => {
            let rows = v["kpis"]
                .as_array()?
                .iter()
                .map(|r| {
                    let kpi = Kpi::parse(r[1].as_str()?)?;
                    (r[3].as_str()? == kpi.unit()).then_some(())?;
                    Some(KpiRow {
                        scope: Scope::parse(r[0].as_str()?)?,
                        kpi,
                        value: r[2].as_f64()?,
                    })
                })
                .collect::<Option<Vec<_>>>()?;
            Some(Outcome::Planned(Kpis { rows }))
        }
        _ => None,
    }
}

/// The stored outcome of the run `hash`, if it finished and parses.
pub fn load_outcome(store: &RunStore, hash: &str) -> Option<Outcome> {
    parse_outcome(&store.done(hash)?)
}

/// Store one variant's outcome (atomically) as the result of run `hash`.
pub fn store_outcome(
    store: &RunStore,
    variant: &Variant,
    hash: &str,
    outcome: &Outcome,
) -> Result<(), Error> {
    store.store_done(hash, RUN_KIND, &variant.name, outcome_json(outcome))
}

/// Write `comparison.csv` and `comparison.json`: every KPI of every variant and its change
/// against the baseline.
pub fn write_comparison(dir: &Path, sweep: &Sweep, outcomes: &[Outcome]) -> Result<(), Error> {
    let base = match &outcomes[sweep.baseline] {
        Outcome::Planned(k) => Some(k),
        Outcome::Failed(_) => None,
    };
    let mut csv = CsvOut::new([
        "variant", "status", "scope", "kpi", "unit", "value", "change",
    ]);
    let mut table = Vec::new();
    for (v, outcome) in sweep.variants.iter().zip(outcomes) {
        match outcome {
            Outcome::Planned(k) => {
                let rows: Vec<Value> = k
                    .rows
                    .iter()
                    .map(|r| {
                        let change = base.and_then(|b| b.get(&r.scope, &r.kpi)).map(|b| ((r.value - b) * 1000.0).round() / 1000.0);
                        csv.row([v.name.as_str(), "ok", &r.scope.to_string(), &r.kpi.to_string(), r.unit(), &r.value.to_string(), &change.map_or(String::new(), |c| c.to_string())]);
                        json!({"scope": r.scope.to_string(), "kpi": r.kpi.to_string(), "unit": r.unit(), "value": r.value, "change": change})
                    })
                    .collect();
                table.push(json!({"variant": v.name, "status": "ok", "kpis": rows}));
            }
            Outcome::Failed(e) => {
                csv.row([v.name.as_str(), "failed", "", "", "", "", ""]);
                table.push(json!({"variant": v.name, "status": "failed", "error": e}));
            }
        }
    }
    let json = json!({"baseline": sweep.variants[sweep.baseline].name, "variants": table});
    for (name, bytes) in [
        ("comparison.csv", csv.into_bytes()),
        (
            "comparison.json",
            serde_json::to_vec_pretty(&json).unwrap_or_default(),
        ),
    ] {
        let path = dir.join(name);
        write_atomically(&path, &bytes).map_err(|e| FileError::write(&path, WHAT, e))?;
    }
    Ok(())
}
