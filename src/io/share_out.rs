//! Writing a shared-distribution report: `allocation.json` (pooled cost, core check, per carrier
//! stand-alone cost, Shapley value and proportional share, every coalition's cost) and
//! `comparison.csv`/`comparison.json` (every KPI separate versus shared, with the change), and
//! the pooled plan in `pooled/`, all as one set (a temporary sibling folder renamed over the
//! output folder).

use super::atomic::write_dir_atomically;
use super::plan_out::{write_plan_files, Error};
use crate::plan::kpi::{Kpi, Scope};
use crate::plan::share::{ShapleyMethod, ShareReport};
use crate::plan::{Kpis, Plan};
use serde_json::json;
use std::path::{Path, PathBuf};

fn r2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The `allocation.json` value. Above 12 carriers the Shapley values are sampled:
/// `shapley_method` says so with its `permutations` and `seed`, each carrier carries
/// `shapley_standard_error`, `shapley_half_width_95` (1.96 standard errors) and
/// `shapley_hoeffding_95` (a distribution-free 95% bound), and `core_ok` covers the planned
/// `coalitions` only.
pub fn allocation_json(report: &ShareReport) -> serde_json::Value {
    let (method, permutations, seed) = match report.method {
        ShapleyMethod::Exact => ("exact", None, None),
        ShapleyMethod::Sampled { permutations, seed } => {
            ("sampled", Some(permutations), Some(seed))
        }
    };
    json!({
        "shapley_method": method,
        "permutations": permutations,
        "seed": seed,
        "pooled_cost": r2(report.pooled_cost),
        "separate_cost": r2(report.separate_cost),
        "saving": r2(report.separate_cost - report.pooled_cost),
        "core_ok": report.core_ok,
        "carriers": report.carriers.iter().map(|c| json!({
            "id": c.id, "standalone_cost": r2(c.standalone_cost), "shapley": r2(c.shapley), "proportional": r2(c.proportional),
            "shapley_standard_error": r2(c.error.standard_error),
            "shapley_half_width_95": r2(c.error.half_width_95),
            "shapley_hoeffding_95": r2(c.error.hoeffding_95),
        })).collect::<Vec<_>>(),
        "coalitions": report.coalitions.iter().map(|c| json!({"members": c.members, "cost": r2(c.cost), "pooled_plan_cost": r2(c.pooled_plan_cost)})).collect::<Vec<_>>(),
        "pooled_worse_than_split": report.pooled_worse_than_split,
        "violations": report.violations.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "units": "yuan",
    })
}

/// Rows `(scope, kpi, separate, shared)` of the comparison.
pub fn comparison_rows(report: &ShareReport) -> Vec<(Scope, Kpi, f64, f64)> {
    compare_kpis(&report.kpis.0, &report.kpis.1)
}

/// Rows `(scope, kpi, a, b)`: every row of `a` with the same row of `b` (0 if absent), then the
/// rows only `b` has.
pub fn compare_kpis(a: &Kpis, b: &Kpis) -> Vec<(Scope, Kpi, f64, f64)> {
    let mut rows = Vec::new();
    for r in &a.rows {
        rows.push((
            r.scope.clone(),
            r.kpi.clone(),
            r.value,
            b.get(&r.scope, &r.kpi).unwrap_or(0.0),
        ));
    }
    for r in &b.rows {
        if a.get(&r.scope, &r.kpi).is_none() {
            rows.push((r.scope.clone(), r.kpi.clone(), 0.0, r.value));
        }
    }
    rows
}

/// `comparison.csv` and `comparison.json` bytes for rows of [`compare_kpis`], with columns named
/// `a` and `b` (e.g. `separate`, `shared`) and their `change`.
pub fn comparison_files(rows: &[(Scope, Kpi, f64, f64)], a: &str, b: &str) -> (Vec<u8>, Vec<u8>) {
    let mut csv = super::table::CsvOut::new(["scope", "kpi", "unit", a, b, "change"]);
    for (scope, kpi, x, y) in rows {
        csv.row([
            scope.to_string().as_str(),
            &kpi.to_string(),
            kpi.unit(),
            &x.to_string(),
            &y.to_string(),
            &(((y - x) * 1000.0).round() / 1000.0).to_string(),
        ]);
    }
    let table = json!(rows
        .iter()
        .map(|(scope, kpi, x, y)| json!({"scope": scope.to_string(), "kpi": kpi.to_string(), "unit": kpi.unit(), a: x, b: y, "change": ((y - x) * 1000.0).round() / 1000.0}))
        .collect::<Vec<_>>());
    (
        csv.into_bytes(),
        serde_json::to_vec_pretty(&table).unwrap_or_default(),
    )
}

/// Make `dir` hold exactly `allocation.json`, `comparison.csv`, `comparison.json` and the pooled
/// plan in `pooled/`, replacing any earlier contents as one set.
pub fn write_share(dir: &Path, report: &ShareReport, pooled: &Plan) -> Result<(), Error> {
    write_share_with(dir, report, pooled, &[])
}

/// [`write_share`] with `extra` files (name, bytes; e.g. the HTML report) in the same set.
pub fn write_share_with(
    dir: &Path,
    report: &ShareReport,
    pooled: &Plan,
    extra: &[(&str, Vec<u8>)],
) -> Result<(), Error> {
    Ok(write_dir_atomically(dir, |tmp| {
        write_share_files(tmp, report)?;
        write_plan_files(&tmp.join("pooled"), pooled)?;
        super::plan_out::write_extra(tmp, extra)
    })?)
}

/// Write `allocation.json`, `comparison.csv` and `comparison.json` into `dir`.
fn write_share_files(dir: &Path, report: &ShareReport) -> Result<(), Error> {
    let err = |path: PathBuf| move |source| Error { path, source };
    std::fs::create_dir_all(dir).map_err(err(dir.to_path_buf()))?;
    let (csv, table) = comparison_files(&comparison_rows(report), "separate", "shared");
    for (name, bytes) in [
        (
            "allocation.json",
            serde_json::to_vec_pretty(&allocation_json(report)).unwrap_or_default(),
        ),
        ("comparison.csv", csv),
        ("comparison.json", table),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, &bytes).map_err(err(path.clone()))?;
    }
    Ok(())
}

/// The kind of a share coalition's run.
pub const RUN_KIND: &str = "share-coalition";

/// What decides a coalition's result besides the scenario's content: its members and the seed
/// and budget in force (the key of its run hash).
pub fn coalition_key(members: &[String], solver: &crate::scenario::SolverSettings) -> String {
    let mut key = format!(
        "members {}\niterations {:?}\ntime_limit_s {:?}\nseed {}\nlocal_search {:?}\n",
        members.join(","),
        solver.iterations,
        solver.time_limit_s,
        solver.seed,
        solver.local_search
    );
    // Named only when on, so runs recorded before the setting existed keep their hashes.
    if solver.swap_star {
        key.push_str("swap_star true\n");
    }
    key
}

/// A coalition's run as the `result` of its run file: its cost (milli-cents, exact), its
/// unserved (carrier, order) index pairs and, where the report shows its plan, the solution
/// (routes of visits by vehicle type, and unserved orders, as the solver's indices).
pub fn coalition_run_json(run: &crate::plan::share::CoalitionRun) -> serde_json::Value {
    use crate::solver::solution::Visit;
    let solution = run.solution.as_ref().map(|s| {
        json!({
            "routes": s.routes.iter().map(|r| json!({
                "vehicle_type": r.vehicle_type,
                "visits": r.visits.iter().map(|v| match v {
                    Visit::Order { order, alternative } => json!(["order", order, alternative]),
                    Visit::Reload { depot } => json!(["reload", depot]),
                    Visit::Charge { station, energy } => json!(["charge", station, energy.0]),
                }).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "unserved": s.unserved,
        })
    });
    json!({"cost_milli_cents": run.cost, "unserved": run.unserved, "solution": solution})
}

/// A coalition's run from the `result` of its run file; `None` if it is not one.
pub fn parse_coalition_run(v: &serde_json::Value) -> Option<crate::plan::share::CoalitionRun> {
    use crate::solver::measure::Energy;
    use crate::solver::solution::{Route, Solution, Visit};
    let u32_of = |v: &serde_json::Value| v.as_u64().and_then(|x| u32::try_from(x).ok());
    let unserved = v["unserved"]
        .as_array()?
        .iter()
        .map(|p| Some((p[0].as_u64()? as usize, p[1].as_u64()? as usize)))
        .collect::<Option<Vec<_>>>()?;
    let solution = match &v["solution"] {
        serde_json::Value::Null => None,
        s => Some(Solution {
            routes: s["routes"]
                .as_array()?
                .iter()
                .map(|r| {
                    Some(Route {
                        vehicle_type: u32_of(&r["vehicle_type"])?,
                        visits: r["visits"]
                            .as_array()?
                            .iter()
                            .map(|x| match x[0].as_str()? {
                                "order" => Some(Visit::Order {
                                    order: u32_of(&x[1])?,
                                    alternative: u32_of(&x[2])?,
                                }),
                                "reload" => Some(Visit::Reload {
                                    depot: u32_of(&x[1])?,
                                }),
                                "charge" => Some(Visit::Charge {
                                    station: u32_of(&x[1])?,
                                    energy: Energy(x[2].as_i64()?),
                                }),
                                _ => None,
                            })
                            .collect::<Option<Vec<_>>>()?,
                    })
                })
                .collect::<Option<Vec<_>>>()?,
            unserved: s["unserved"]
                .as_array()?
                .iter()
                .map(u32_of)
                .collect::<Option<Vec<_>>>()?,
        }),
    };
    Some(crate::plan::share::CoalitionRun {
        cost: v["cost_milli_cents"].as_i64()?,
        unserved,
        solution,
    })
}
