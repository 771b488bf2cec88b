//! Scenario jobs: `POST /v1/plans`, `/v1/shares`, `/v1/checks` run a scenario (the JSON mirror
//! of the scenario TOML, orders inline) on the server's extract and policy as a background job;
//! `GET /v1/{kind}/{id}` reports status, progress and result; `DELETE` cancels.
//!
//! Owns: [`JobStore`] (jobs on disk under `--data/jobs/ID/`: `meta.json`, the scenario as
//! `input/scenario.toml` plus one orders CSV per carrier and the bays and charging CSVs, and
//! `result.json`), the conversion
//! of the JSON scenario to the files [`crate::io::scenario::read_scenario`] reads (so the JSON
//! form gets the file form's every check and message), tenancy ([`visible`], [`view`]).
//! Must never: show a carrier another carrier's job (a 404, as for an id that does not exist),
//! or another carrier's orders, customers or allocation in a share; lose a job silently: a job
//! that was queued or running when the service stopped is `interrupted` after a restart.
//! Invariants: `meta.json` and `result.json` are written atomically; a job's status moves
//! queued -> running -> done | failed, or to cancelled or interrupted. Cancelling a running job
//! raises its searches' [`StopFlag`]: they stop at their next iteration, the job keeps no
//! result, and its progress then says how many iterations the search had run.

use super::auth::Role;
use super::error::{codes, ApiError};
use crate::solver::StopFlag;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// What a job computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// `cityfreight plan`.
    Plans,
    /// `cityfreight share`.
    Shares,
    /// `cityfreight check`.
    Checks,
}

impl Kind {
    /// The path segment.
    pub fn segment(self) -> &'static str {
        match self {
            Kind::Plans => "plans",
            Kind::Shares => "shares",
            Kind::Checks => "checks",
        }
    }
}

/// Where a job is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Waiting for a worker.
    Queued,
    /// Computing.
    Running,
    /// Result ready.
    Done,
    /// Stopped with an error.
    Failed,
    /// Cancelled by its owner.
    Cancelled,
    /// The service stopped while it was queued or running.
    Interrupted,
}

/// A job's record (`meta.json`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Meta {
    /// Id.
    pub id: String,
    /// Kind.
    pub kind: Kind,
    /// Role of the submitter (`planner`, `police`, `carrier:ID`).
    pub owner: String,
    /// Carrier ids of the scenario.
    pub carriers: Vec<String>,
    /// Status.
    pub status: Status,
    /// Latest progress message.
    pub progress: String,
    /// Error text (failed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The jobs of one server.
pub struct JobStore {
    dir: PathBuf,
    metas: Mutex<BTreeMap<String, Meta>>,
    next: AtomicU64,
    /// The stop flags of jobs not finished yet.
    flags: Mutex<BTreeMap<String, StopFlag>>,
}

fn io_error(what: &str, path: &Path, e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(format!("{what} {}: {e}", path.display()))
}

impl JobStore {
    /// Open (or create) the store under `data`, marking jobs left queued or running by a
    /// previous process as interrupted.
    pub fn open(data: &Path) -> Result<JobStore, String> {
        let dir = data.join("jobs");
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut metas = BTreeMap::new();
        let mut next = 1u64;
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries.flatten() {
            let path = entry.path().join("meta.json");
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let mut meta: Meta =
                serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            if matches!(meta.status, Status::Queued | Status::Running) {
                meta.status = Status::Interrupted;
                meta.progress =
                    "the service stopped before this job finished; submit it again".into();
                write_json(&path, &serde_json::to_value(&meta).unwrap_or_default())
                    .map_err(|e| e.to_string())?;
            }
            if let Some(n) = meta
                .id
                .strip_prefix("job-")
                .and_then(|n| n.parse::<u64>().ok())
            {
                next = next.max(n + 1);
            }
            metas.insert(meta.id.clone(), meta);
        }
        Ok(JobStore {
            dir,
            metas: Mutex::new(metas),
            next: AtomicU64::new(next),
            flags: Mutex::new(BTreeMap::new()),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Meta>> {
        self.metas.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The folder of job `id`.
    pub fn job_dir(&self, id: &str) -> PathBuf {
        self.dir.join(id)
    }

    /// Create a job for a converted scenario; returns its id and input folder.
    pub fn create(
        &self,
        kind: Kind,
        owner: &Role,
        carriers: Vec<String>,
    ) -> Result<(String, PathBuf), ApiError> {
        let id = format!("job-{}", self.next.fetch_add(1, Ordering::SeqCst));
        let dir = self.job_dir(&id);
        let input = dir.join("input");
        std::fs::create_dir_all(&input).map_err(|e| io_error("creating", &input, e))?;
        let meta = Meta {
            id: id.clone(),
            kind,
            owner: owner.label(),
            carriers,
            status: Status::Queued,
            progress: "queued".into(),
            error: None,
        };
        self.save(&meta)?;
        self.lock().insert(id.clone(), meta);
        Ok((id, input))
    }

    fn save(&self, meta: &Meta) -> Result<(), ApiError> {
        let path = self.job_dir(&meta.id).join("meta.json");
        write_json(&path, &serde_json::to_value(meta).unwrap_or_default())
            .map_err(|e| io_error("writing", &path, e))
    }

    /// Change a job's record with `f` (nothing if it is cancelled, unless `force`).
    pub fn update(&self, id: &str, force: bool, f: impl FnOnce(&mut Meta)) -> Result<(), ApiError> {
        let meta = {
            let mut metas = self.lock();
            let Some(meta) = metas.get_mut(id) else {
                return Ok(());
            };
            if meta.status == Status::Cancelled && !force {
                return Ok(());
            }
            f(meta);
            meta.clone()
        };
        self.save(&meta)
    }

    /// The flag that stops job `id`'s searches, raised by [`JobStore::cancel`].
    pub fn stop_flag(&self, id: &str) -> StopFlag {
        self.flags
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(id.to_string())
            .or_insert_with(StopFlag::raisable)
            .clone()
    }

    /// Cancel a queued or running job: its record says so at once, and a running search stops
    /// at its next iteration.
    pub fn cancel(&self, id: &str) -> Result<(), ApiError> {
        self.update(id, false, |m| {
            m.progress = if m.status == Status::Running {
                "cancelling: the search stops at its next iteration".into()
            } else {
                "cancelled".into()
            };
            m.status = Status::Cancelled;
        })?;
        if let Some(f) = self.flags.lock().unwrap_or_else(|e| e.into_inner()).get(id) {
            f.raise();
        }
        Ok(())
    }

    /// Store a finished job's result and mark it done. A cancelled job keeps no result; its
    /// progress says how its work ended.
    pub fn finish(&self, id: &str, result: Result<Value, String>) -> Result<(), ApiError> {
        self.flags
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id);
        if self.get(id).is_some_and(|m| m.status == Status::Cancelled) {
            return self.update(id, true, |m| {
                m.progress = match result {
                    Err(e) if e.starts_with("cancelled") => e,
                    _ => "cancelled (the work had finished; its result is dropped)".into(),
                };
            });
        }
        match result {
            Ok(v) => {
                let path = self.job_dir(id).join("result.json");
                write_json(&path, &v).map_err(|e| io_error("writing", &path, e))?;
                self.update(id, false, |m| {
                    m.status = Status::Done;
                    m.progress = "done".into();
                })
            }
            Err(e) => self.update(id, false, |m| {
                m.status = Status::Failed;
                m.progress = "failed".into();
                m.error = Some(e);
            }),
        }
    }

    /// Forget a job that could not be set up (its folder is removed).
    pub fn discard(&self, id: &str) {
        self.lock().remove(id);
        self.flags
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id);
        let _ = std::fs::remove_dir_all(self.job_dir(id));
    }

    /// A job's record.
    pub fn get(&self, id: &str) -> Option<Meta> {
        self.lock().get(id).cloned()
    }

    /// A finished job's stored result.
    pub fn result(&self, id: &str) -> Option<Value> {
        let text = std::fs::read_to_string(self.job_dir(id).join("result.json")).ok()?;
        serde_json::from_str(&text).ok()
    }
}

fn write_json(path: &Path, v: &Value) -> std::io::Result<()> {
    let text = serde_json::to_vec_pretty(v).map_err(std::io::Error::other)?;
    crate::io::atomic::write_atomically(path, &text)
}

/// May `role` see job `meta` at all? Planners see every job; the submitter sees its own; a
/// carrier of a share sees that share (filtered by [`view`]).
pub fn visible(role: &Role, meta: &Meta) -> bool {
    match role {
        Role::Planner => true,
        Role::Police => meta.owner == "police",
        Role::Carrier(id) => {
            meta.owner == role.label() || (meta.kind == Kind::Shares && meta.carriers.contains(id))
        }
    }
}

/// The part of a result `role` may read: a carrier reading a share gets its own allocation and
/// the totals only (no coalitions, no pooled routes, no other carrier's orders).
pub fn view(role: &Role, meta: &Meta, result: Value) -> Value {
    match (role, meta.kind) {
        (Role::Carrier(id), Kind::Shares) if meta.owner != role.label() => {
            let a = &result["allocation"];
            let own: Vec<Value> = a["carriers"]
                .as_array()
                .map(|cs| {
                    cs.iter()
                        .filter(|c| c["id"] == json!(id))
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            json!({
                "allocation": {
                    "carriers": own,
                    "pooled_cost": a["pooled_cost"],
                    "separate_cost": a["separate_cost"],
                    "saving": a["saving"],
                    "core_ok": a["core_ok"],
                    "shapley_method": a["shapley_method"],
                    "units": a["units"],
                }
            })
        }
        _ => result,
    }
}

/// Keys of the scenario TOML that the service sets itself or does not take over HTTP.
const SERVER_KEYS: &[(&str, &str)] = &[
    ("osm", "the server's extract is used (serve --osm)"),
    ("policy", "the server's policy is used (serve --policy)"),
    ("classes", "the server's vehicle classes are used"),
    ("two_tier", "two-tier scenarios are not taken over HTTP yet"),
];

/// Tables whose `file` takes its rows inline over HTTP (as a carrier's `orders`), and the file
/// each becomes.
const INLINE_TABLES: &[(&str, &str, &str)] = &[
    ("bays", "bays.csv", "{id, lon, lat, capacity, hours, max_dwell_min, clean_extra_min, classes, max_length_m, radius_m}"),
    ("charging", "charging.csv", "{id, lon, lat, power_kw, connectors, hours, price_per_kwh}"),
    ("lockers", "lockers.csv", "{id, name, kind, lon, lat, small, medium, large, parcels, hours, carriers, service_s, per_parcel_s}"),
];

/// Keys of tables that name files the service does not read (their rows are not taken inline
/// yet); the table's other keys are taken.
const FILE_KEYS: &[(&str, &str)] = &[("traffic", "classes"), ("traffic", "ways")];

/// Write the JSON scenario as the files of a scenario folder (`scenario.toml`, one orders CSV
/// per carrier) in `dir`; returns the carrier ids. `osm` and `policy` are the server's.
pub fn write_scenario(
    scenario: &Value,
    dir: &Path,
    osm: &Path,
    policy: Option<&Path>,
) -> Result<Vec<String>, ApiError> {
    let Some(obj) = scenario.as_object() else {
        return Err(ApiError::one(
            codes::INVALID,
            "scenario",
            "must be an object (the scenario TOML as JSON, orders inline)",
        ));
    };
    let mut issues = Vec::new();
    for (key, why) in SERVER_KEYS {
        if obj.contains_key(*key) {
            issues.push(super::error::Issue {
                code: codes::UNSUPPORTED,
                path: format!("scenario.{key}"),
                message: why.to_string(),
            });
        }
    }
    let mut toml_obj = obj.clone();
    toml_obj.insert("osm".into(), json!(osm.display().to_string()));
    if let Some(p) = policy {
        toml_obj.insert("policy".into(), json!(p.display().to_string()));
    }
    for (table, key) in FILE_KEYS {
        if obj.get(*table).and_then(|t| t.get(*key)).is_some() {
            issues.push(super::error::Issue {
                code: codes::UNSUPPORTED,
                path: format!("scenario.{table}.{key}"),
                message:
                    "the server reads no files, and this table's rows are not taken inline yet \
                          (`profile` is: \"default\" or \"free-flow\")"
                        .to_string(),
            });
        }
    }
    // `[bays]`, `[charging]` and `[lockers]` with their rows inline: written as the CSV the
    // table names.
    for (key, file, columns) in INLINE_TABLES {
        let Some(table) = toml_obj.get_mut(*key) else {
            continue;
        };
        let path = format!("scenario.{key}");
        let Some(table) = table.as_object_mut() else {
            issues.push(super::error::Issue {
                code: codes::INVALID,
                path,
                message: "must be an object (the scenario's table, `file` holding its rows)".into(),
            });
            continue;
        };
        match table.get("file") {
            None => {}
            Some(Value::Array(rows)) => match orders_csv(rows) {
                Ok(text) => {
                    let p = dir.join(file);
                    std::fs::write(&p, text).map_err(|e| io_error("writing", &p, e))?;
                    table.insert("file".into(), json!(file));
                }
                Err((r, message)) => issues.push(super::error::Issue {
                    code: codes::INVALID,
                    path: format!("{path}.file[{r}]"),
                    message,
                }),
            },
            Some(_) => issues.push(super::error::Issue {
                code: codes::INVALID,
                path: format!("{path}.file"),
                message: format!(
                    "the server reads no files: give the rows inline, a list of {columns}"
                ),
            }),
        }
    }
    let mut ids = Vec::new();
    let carriers = toml_obj.get_mut("carrier").and_then(Value::as_array_mut);
    match carriers {
        None => issues.push(super::error::Issue {
            code: codes::INVALID,
            path: "scenario.carrier".into(),
            message: "a list of carriers is needed".into(),
        }),
        Some(list) => {
            for (c, carrier) in list.iter_mut().enumerate() {
                let path = format!("scenario.carrier[{c}]");
                let id = carrier["id"].as_str().unwrap_or("").to_string();
                ids.push(id);
                let Some(orders) = carrier.get("orders").and_then(Value::as_array).cloned() else {
                    issues.push(super::error::Issue {
                        code: codes::INVALID,
                        path: format!("{path}.orders"),
                        message: "orders inline: a list of {id, lon, lat, weight_kg, volume_m3, parcels, service_s, windows}".into(),
                    });
                    continue;
                };
                match orders_csv(&orders) {
                    Ok(text) => {
                        let file = format!("orders-{}.csv", c + 1);
                        let p = dir.join(&file);
                        std::fs::write(&p, text).map_err(|e| io_error("writing", &p, e))?;
                        carrier["orders"] = json!(file);
                    }
                    Err((o, message)) => issues.push(super::error::Issue {
                        code: codes::INVALID,
                        path: format!("{path}.orders[{o}]"),
                        message,
                    }),
                }
            }
        }
    }
    if !issues.is_empty() {
        return Err(ApiError::input(issues));
    }
    let value = toml::Value::try_from(Value::Object(toml_obj)).map_err(|e| {
        ApiError::one(
            codes::INVALID,
            "scenario",
            format!("not expressible as a scenario file: {e}"),
        )
    })?;
    let text = toml::to_string(&value).map_err(|e| {
        ApiError::one(
            codes::INVALID,
            "scenario",
            format!("not expressible as a scenario file: {e}"),
        )
    })?;
    let path = dir.join("scenario.toml");
    std::fs::write(&path, text).map_err(|e| io_error("writing", &path, e))?;
    Ok(ids)
}

/// Rows (orders, bays, stations) as CSV (columns: `id, lon, lat` first, then every other key
/// given).
fn orders_csv(orders: &[Value]) -> Result<String, (usize, String)> {
    let mut columns: Vec<String> = vec!["id".into(), "lon".into(), "lat".into()];
    for (o, order) in orders.iter().enumerate() {
        let Some(obj) = order.as_object() else {
            return Err((o, "an order must be an object".into()));
        };
        for k in obj.keys() {
            if !columns.contains(k) {
                columns.push(k.clone());
            }
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&columns).map_err(|e| (0, e.to_string()))?;
    for (o, order) in orders.iter().enumerate() {
        let row: Result<Vec<String>, (usize, String)> = columns
            .iter()
            .map(|c| match &order[c] {
                Value::Null => Ok(String::new()),
                Value::String(s) => Ok(s.clone()),
                Value::Number(n) => Ok(n.to_string()),
                Value::Bool(b) => Ok(b.to_string()),
                _ => Err((o, format!("`{c}` must be a number or a string"))),
            })
            .collect();
        w.write_record(row?).map_err(|e| (o, e.to_string()))?;
    }
    let bytes = w.into_inner().map_err(|e| (0, e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| (0, e.to_string()))
}
