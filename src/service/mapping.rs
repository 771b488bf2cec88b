//! VROOM input to [`solver::Problem`], and [`solver::Solution`] back to VROOM output; check mode
//! (vehicles with `steps`) judges a given plan with [`solver::check`] plus the city's rules.
//!
//! Owns: [`validate`] (every issue of a request at once, each with its JSON path), [`run`] (build,
//! solve or judge, render), [`Limits`]. Must never: do network I/O, read files, or answer a
//! request whose plan the independent checker rejects (a solved plan that fails [`solver::check`]
//! is a 500, never an answer). Invariants, VROOM's semantics where nothing else is said:
//! * cost = travel cost: per leg `duration * per_hour / 3600 + distance * per_km / 1000` (default
//!   `per_hour = 3600`: cost = travel seconds), or the profile's `costs` matrix; plus `fixed` per
//!   used vehicle. The solver sees it as the profile's "distance" in thousandths of a cost unit
//!   ([`COST_SCALE`], so a per-km cost is exact per metre), so it minimises exactly that; real
//!   distances are only reported. Answers give costs in VROOM's units (rounded).
//! * limits on the solver's one distance: `max_travel_time` when the cost is the travel time
//!   (default costs), `max_distance` and a `battery`'s consumption when it is the distance
//!   (`per_hour: 0`, `per_km > 0`: the solver's distance is then metres times `per_km`, exactly).
//!   `max_tasks` is a capacity in a load dimension the request leaves free (each job takes 1).
//! * a bay (`cityfreight.bays`) is a solver site: a job it may serve gets a second alternative
//!   there, with the walk there and back added to its service; one bay location per set of job
//!   skills (aliases of one site), so skills still close a job to a profile. Charging stations
//!   are the solver's stations, used by vehicles with a `cityfreight.battery`.
//! * every job is optional for the solver with a penalty far above any route cost
//!   (`UNASSIGNED_COST + priority * PRIORITY_COST`), so infeasible jobs come back `unassigned`, as
//!   in VROOM, and higher priorities are kept first.
//! * each job has its own solver location (so `skills` can close it to a profile: a job whose
//!   skills a vehicle lacks is unreachable in that vehicle's profile); a vehicle without `end`
//!   (or `start`) ends (starts) at a free location that every point reaches in zero time.
//! * a job's `delivery` leaves the start with the vehicle and its `pickup` rides from the job to
//!   the end: the solver's simultaneous pickup and delivery, so the load fits the capacity at
//!   every step (each step's `load` is what is aboard after it).
//! * a shipment is two tasks appended to the jobs (`expand`): a solver pair
//!   ([`Problem::with_pairs`]) whose pickup loads `amount` and whose delivery unloads it, one
//!   route, pickup first, both or neither served; its penalty (priority included) is on the
//!   pickup, its delivery's is 0, so it pays one penalty. Steps and `unassigned` entries say
//!   `pickup` / `delivery` with that side's id; the step `load` holds the amount between them;
//!   route and summary `delivery` and `pickup` count it on both sides, as VROOM does. Check mode
//!   judges a delivery before its pickup, the two on different vehicles and a half-planned
//!   shipment as `precedence`. A shipment's sides are never served from a bay.
//! * `setup` is added to the service time at every job (VROOM skips it when the previous step is
//!   at the same location; cityfreight never does, so its timing is never optimistic).
//! * on the extract, time 0 is `cityfreight.time_zero` of the week (default Monday 00:00); travel
//!   times follow the city policy's hour bands for the vehicle's class and permit.

use super::error::{codes, ApiError, Issue};
use super::roads::Roads;
use super::vroom::{
    ComputingTimes, Extra, Input, Job, OutRoute, OutStep, OutStepInfo, OutViolation, Output,
    Summary, Task, Unassigned, Vehicle,
};
use crate::graph::{ClassId, Snap};
use crate::solver::check::Violation;
use crate::solver::measure::{Cost, Distance, Duration, Energy, Load, Time, LOAD_DIMS};
use crate::solver::model::{
    Alternative, Battery, ChargePolicy, ChargeRate, ChargingStation, Consumption, Order, Shipment,
    Site, TimeWindow, VehicleType,
};
use crate::solver::solution::{Route, Visit};
use crate::solver::travel::{Band, Matrix, Profile};
use crate::solver::{self, Problem, SearchParams, Solution, SolveParams, StopCriterion};
use crate::time::{WeekTime, DAY, WEEK};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

/// Solver cost units per VROOM cost unit.
pub const COST_SCALE: i64 = 1000;
/// Penalty of an unassigned job of priority 0 (solver cost units): above any route cost.
pub const UNASSIGNED_COST: i64 = 100_000_000_000_000;
/// Extra penalty per priority point (solver cost units).
pub const PRIORITY_COST: i64 = 1_000_000_000_000;
/// Capacity of the task dimension for a vehicle without `max_tasks`.
const NO_TASK_LIMIT: i64 = 1 << 40;
/// Distance (m) of a pair no road or matrix entry connects.
const NO_PATH_COST: i64 = 1_000_000_000_000;
/// Solver cost of a leg no road or matrix entry allows (the duration is unreachable too): above
/// the penalty of leaving any job unassigned, so such a leg is never driven.
const BLOCKED_COST: i64 = 4 * (UNASSIGNED_COST + 100 * PRIORITY_COST);
/// Default search iterations per thread: this many per job, at least [`MIN_ITERATIONS`].
pub const ITERATIONS_PER_JOB: u64 = 100;
/// See [`ITERATIONS_PER_JOB`].
pub const MIN_ITERATIONS: u64 = 2_000;

/// Per-request bounds the server (or the CLI) enforces.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Most solver locations (jobs + 2 per vehicle) and matrix rows.
    pub max_locations: usize,
    /// Most vehicles.
    pub max_vehicles: usize,
    /// Longest search.
    pub time_limit: std::time::Duration,
    /// Most search threads.
    pub max_threads: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_locations: 2_000,
            max_vehicles: 200,
            time_limit: std::time::Duration::from_secs(30),
            max_threads: 1,
        }
    }
}

/// Where a vehicle's travel comes from.
#[derive(Clone, Debug, PartialEq)]
enum Source {
    /// `matrices[name]`.
    Matrix(String),
    /// The extract, for this class.
    Road(ClassId),
}

fn unknown(issues: &mut Vec<Issue>, path: &str, extra: &Extra) {
    for key in extra.keys() {
        let message = if path.is_empty() && key == "matrix" {
            "the pre-1.8 VROOM `matrix` key is not read: give `matrices: {PROFILE: {durations: ...}}`"
                .to_string()
        } else {
            format!("unknown field `{key}`")
        };
        let code = if path.is_empty() && key == "matrix" {
            codes::UNSUPPORTED
        } else {
            codes::UNKNOWN_FIELD
        };
        issues.push(Issue {
            code,
            path: join(path, key),
            message,
        });
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn push(issues: &mut Vec<Issue>, code: &'static str, path: String, message: impl Into<String>) {
    issues.push(Issue {
        code,
        path,
        message: message.into(),
    });
}

/// The amount vectors of a job (delivery, or the deprecated `amount`).
fn delivery_of(job: &Job) -> Option<&Vec<i64>> {
    job.delivery.as_ref().or(job.amount.as_ref())
}

/// The profile name of a vehicle.
fn profile_name(v: &Vehicle) -> &str {
    v.profile.as_deref().unwrap_or("car")
}

fn costs_of(v: &Vehicle) -> (i64, i64, i64) {
    v.costs
        .as_ref()
        .map_or((0, 3600, 0), |c| (c.fixed, c.per_hour, c.per_km))
}

/// Check mode: some vehicle has `steps`.
/// The request with each shipment appended to `jobs` as two tasks, its pickup then its delivery
/// (orders `jobs.len() + 2 s` and `+ 1`), marked by [`Job::task`] and carrying the shipment's
/// skills and priority; amounts, priority and unknown keys are read from `shipments` itself.
/// Everything after works on the tasks as on jobs.
fn expand(input: &Input) -> Cow<'_, Input> {
    if input.shipments.is_empty() {
        return Cow::Borrowed(input);
    }
    let mut out = input.clone();
    for (k, sh) in input.shipments.iter().enumerate() {
        for (side, task) in [
            (&sh.pickup, Task::Pickup(k)),
            (&sh.delivery, Task::Delivery(k)),
        ] {
            out.jobs.push(Job {
                id: side.id,
                description: side.description.clone(),
                location: side.location,
                location_index: side.location_index,
                setup: side.setup,
                service: side.service,
                skills: sh.skills.clone(),
                priority: sh.priority,
                time_windows: side.time_windows.clone(),
                task,
                ..Job::default()
            });
        }
    }
    Cow::Owned(out)
}

/// The JSON path of task `j` (a job, or one side of a shipment).
fn job_path(job: &Job, j: usize) -> String {
    match job.task {
        Task::Job => format!("jobs[{j}]"),
        Task::Pickup(s) => format!("shipments[{s}].pickup"),
        Task::Delivery(s) => format!("shipments[{s}].delivery"),
    }
}

pub fn is_check(input: &Input) -> bool {
    input.vehicles.iter().any(|v| !v.steps.is_empty())
}

/// Every issue of a request (empty: it can be built). Also returns each vehicle's travel source.
fn validate(
    input: &Input,
    roads: Option<&Roads>,
    limits: &Limits,
) -> Result<Vec<Source>, ApiError> {
    let mut issues = Vec::new();
    unknown(&mut issues, "", &input.extra);
    if let Some(o) = &input.cityfreight {
        unknown(&mut issues, "cityfreight", &o.extra);
        if let Some(t) = o.time_limit {
            if !(t.is_finite() && t > 0.0) {
                push(
                    &mut issues,
                    codes::INVALID,
                    "cityfreight.time_limit".into(),
                    "must be a positive number of seconds",
                );
            }
        }
        if o.iterations == Some(0) {
            push(
                &mut issues,
                codes::INVALID,
                "cityfreight.iterations".into(),
                "must be at least 1",
            );
        }
        if o.threads == Some(0) {
            push(
                &mut issues,
                codes::INVALID,
                "cityfreight.threads".into(),
                "must be at least 1",
            );
        }
        if let Some(t) = &o.time_zero {
            if let Err(e) = WeekTime::parse(t) {
                push(
                    &mut issues,
                    codes::INVALID,
                    "cityfreight.time_zero".into(),
                    e.to_string(),
                );
            }
        }
    }
    if input.vehicles.is_empty() {
        push(
            &mut issues,
            codes::INVALID,
            "vehicles".into(),
            "at least one vehicle is needed",
        );
    }
    if input.vehicles.len() > limits.max_vehicles {
        return Err(too_large(format!(
            "{} vehicles; this server takes at most {} per request",
            input.vehicles.len(),
            limits.max_vehicles
        )));
    }
    let locations = input.jobs.len()
        + 2 * input.vehicles.len()
        + 1
        + bays_of(input).len()
        + stations_of(input).len();
    if locations > limits.max_locations {
        return Err(too_large(format!(
            "{} jobs and {} vehicles make {locations} locations; this server takes at most {} per request",
            input.jobs.len(),
            input.vehicles.len(),
            limits.max_locations
        )));
    }
    // Matrices.
    for (name, m) in &input.matrices {
        let path = format!("matrices.{name}");
        unknown(&mut issues, &path, &m.extra);
        let n = match (&m.durations, &m.costs) {
            (Some(d), _) => d.len(),
            (None, Some(c)) => c.len(),
            (None, None) => {
                push(
                    &mut issues,
                    codes::INVALID,
                    join(&path, "durations"),
                    "a profile's matrices need `durations`",
                );
                continue;
            }
        };
        if n > limits.max_locations {
            return Err(too_large(format!(
                "{path} has {n} rows; this server takes at most {} per request",
                limits.max_locations
            )));
        }
        for (key, mat) in [
            ("durations", &m.durations),
            ("distances", &m.distances),
            ("costs", &m.costs),
        ] {
            let Some(mat) = mat else { continue };
            if mat.len() != n {
                push(
                    &mut issues,
                    codes::INVALID,
                    join(&path, key),
                    format!("{} rows, expected {n}", mat.len()),
                );
            }
            for (r, row) in mat.iter().enumerate() {
                if row.len() != n {
                    push(
                        &mut issues,
                        codes::INVALID,
                        format!("{path}.{key}[{r}]"),
                        format!("{} columns, expected {n} (matrices are square)", row.len()),
                    );
                }
                if let Some(c) = row.iter().position(|&x| x < 0) {
                    push(
                        &mut issues,
                        codes::INVALID,
                        format!("{path}.{key}[{r}][{c}]"),
                        "must not be negative",
                    );
                }
            }
        }
        if m.durations.is_none() {
            push(
                &mut issues,
                codes::UNSUPPORTED,
                join(&path, "durations"),
                "a `costs` matrix without `durations` is not supported (travel times are needed for the schedule)",
            );
        }
    }
    // Amount dimensions.
    let mut dims: Option<(usize, String)> = None;
    let mut dim_check = |issues: &mut Vec<Issue>, len: usize, path: String| match &dims {
        None => dims = Some((len, path)),
        Some((d, first)) if *d != len => push(
            issues,
            codes::INVALID,
            path,
            format!("{len} amount dimension(s), but {first} has {d}"),
        ),
        Some(_) => {}
    };
    // Jobs, and the shipments' sides (ids unique per kind, as in VROOM).
    let mut job_ids = BTreeMap::new();
    for (j, job) in input.jobs.iter().enumerate() {
        let path = job_path(job, j);
        unknown(&mut issues, &path, &job.extra);
        if let Some(prev) = job_ids.insert((job.task.kind(), job.id), j) {
            push(
                &mut issues,
                codes::INVALID,
                join(&path, "id"),
                format!(
                    "{} id {} is also {}'s",
                    job.task.kind(),
                    job.id,
                    job_path(&input.jobs[prev], prev)
                ),
            );
        }
        if job.setup < 0 {
            push(
                &mut issues,
                codes::INVALID,
                join(&path, "setup"),
                "must not be negative",
            );
        }
        if job.service < 0 {
            push(
                &mut issues,
                codes::INVALID,
                join(&path, "service"),
                "must not be negative",
            );
        }
        match job.task {
            Task::Job if job.priority > 100 => push(
                &mut issues,
                codes::INVALID,
                join(&path, "priority"),
                "must be within 0..=100",
            ),
            Task::Pickup(k) if job.priority > 100 => push(
                &mut issues,
                codes::INVALID,
                format!("shipments[{k}].priority"),
                "must be within 0..=100",
            ),
            _ => {}
        }
        if job.delivery.is_some() && job.amount.is_some() {
            push(
                &mut issues,
                codes::INVALID,
                join(&path, "amount"),
                "give `delivery` or the deprecated `amount`, not both",
            );
        }
        for (key, v) in [
            ("delivery", &job.delivery),
            ("amount", &job.amount),
            ("pickup", &job.pickup),
        ] {
            if let Some(v) = v {
                if v.iter().any(|&x| x < 0) {
                    push(
                        &mut issues,
                        codes::INVALID,
                        join(&path, key),
                        "amounts must not be negative",
                    );
                }
                dim_check(&mut issues, v.len(), join(&path, key));
            }
        }
        for (w, tw) in job.time_windows.iter().enumerate() {
            if tw[0] > tw[1] {
                push(
                    &mut issues,
                    codes::INVALID,
                    format!("{path}.time_windows[{w}]"),
                    "starts after it ends",
                );
            }
        }
    }
    for (k, sh) in input.shipments.iter().enumerate() {
        let path = format!("shipments[{k}]");
        unknown(&mut issues, &path, &sh.extra);
        unknown(&mut issues, &join(&path, "pickup"), &sh.pickup.extra);
        unknown(&mut issues, &join(&path, "delivery"), &sh.delivery.extra);
        if let Some(a) = &sh.amount {
            if a.iter().any(|&x| x < 0) {
                push(
                    &mut issues,
                    codes::INVALID,
                    join(&path, "amount"),
                    "amounts must not be negative",
                );
            }
            dim_check(&mut issues, a.len(), join(&path, "amount"));
        }
    }
    // Vehicles.
    let mut sources = Vec::new();
    let mut vehicle_ids = BTreeMap::new();
    let mut uses_matrix: Option<(String, usize)> = None;
    let mut uses_road = false;
    for (v, veh) in input.vehicles.iter().enumerate() {
        let path = format!("vehicles[{v}]");
        unknown(&mut issues, &path, &veh.extra);
        if let Some(prev) = vehicle_ids.insert(veh.id, v) {
            push(
                &mut issues,
                codes::INVALID,
                join(&path, "id"),
                format!("id {} is also vehicles[{prev}]'s", veh.id),
            );
        }
        if !veh.breaks.is_empty() {
            push(
                &mut issues,
                codes::UNSUPPORTED,
                join(&path, "breaks"),
                "breaks are not supported yet",
            );
        }
        if veh.max_tasks.is_some_and(|t| t < 0) {
            push(
                &mut issues,
                codes::INVALID,
                join(&path, "max_tasks"),
                "must not be negative",
            );
        }
        // The solver's one distance is the vehicle's cost: metres only when the cost is per km.
        let distance_cost = {
            let (_, per_hour, per_km) = costs_of(veh);
            let costs_matrix = input
                .matrices
                .get(profile_name(veh))
                .is_some_and(|m| m.costs.is_some());
            per_hour == 0 && per_km > 0 && !costs_matrix
        };
        if let Some(d) = veh.max_distance {
            if d < 0 {
                push(
                    &mut issues,
                    codes::INVALID,
                    join(&path, "max_distance"),
                    "must not be negative",
                );
            }
            if !distance_cost {
                push(
                    &mut issues,
                    codes::UNSUPPORTED,
                    join(&path, "max_distance"),
                    "max_distance is supported only when the vehicle's cost is its distance (costs with per_hour 0 and per_km > 0, no `costs` matrix)",
                );
            }
            if veh.max_travel_time.is_some() {
                push(
                    &mut issues,
                    codes::UNSUPPORTED,
                    join(&path, "max_distance"),
                    "max_distance and max_travel_time together are not supported",
                );
            }
        }
        if let Some(b) = veh.cityfreight.as_ref().and_then(|o| o.battery.as_ref()) {
            let bp = format!("{path}.cityfreight.battery");
            unknown(&mut issues, &bp, &b.extra);
            if b.capacity_wh <= 0 {
                push(
                    &mut issues,
                    codes::INVALID,
                    join(&bp, "capacity_wh"),
                    "must be positive",
                );
            }
            if b.consumption_wh_per_km < 0 {
                push(
                    &mut issues,
                    codes::INVALID,
                    join(&bp, "consumption_wh_per_km"),
                    "must not be negative",
                );
            }
            if b.reserve_wh < 0 || b.reserve_wh >= b.capacity_wh.max(1) {
                push(
                    &mut issues,
                    codes::INVALID,
                    join(&bp, "reserve_wh"),
                    "must be at least 0 and below capacity_wh",
                );
            }
            if let Some(c) = &b.charge {
                if c != "full" && c != "partial" {
                    push(
                        &mut issues,
                        codes::INVALID,
                        join(&bp, "charge"),
                        format!("`{c}` is not a charging policy (full, partial)"),
                    );
                }
            }
            let known = stations_of(input);
            for (k, id) in b.stations.iter().flatten().enumerate() {
                if !known.iter().any(|s| s.id == *id) {
                    push(
                        &mut issues,
                        codes::INVALID,
                        format!("{bp}.stations[{k}]"),
                        format!("no station `{id}` in cityfreight.charging"),
                    );
                }
            }
            if !distance_cost {
                push(
                    &mut issues,
                    codes::UNSUPPORTED,
                    bp.clone(),
                    "a battery is supported only when the vehicle's cost is its distance (costs with per_hour 0 and per_km > 0, no `costs` matrix): consumption follows the solver's distance",
                );
            }
        }
        if let Some(s) = veh.speed_factor {
            if !(s.is_finite() && s > 0.0 && s <= 5.0) {
                push(
                    &mut issues,
                    codes::INVALID,
                    join(&path, "speed_factor"),
                    "must be within (0, 5]",
                );
            }
        }
        if let Some(c) = &veh.costs {
            unknown(&mut issues, &join(&path, "costs"), &c.extra);
            for (key, x) in [
                ("fixed", c.fixed),
                ("per_hour", c.per_hour),
                ("per_km", c.per_km),
            ] {
                if x < 0 {
                    push(
                        &mut issues,
                        codes::INVALID,
                        format!("{path}.costs.{key}"),
                        "must not be negative",
                    );
                }
            }
        }
        if let Some(tw) = veh.time_window {
            if tw[0] > tw[1] {
                push(
                    &mut issues,
                    codes::INVALID,
                    join(&path, "time_window"),
                    "starts after it ends",
                );
            }
        }
        if let Some(c) = &veh.capacity {
            if c.iter().any(|&x| x < 0) {
                push(
                    &mut issues,
                    codes::INVALID,
                    join(&path, "capacity"),
                    "must not be negative",
                );
            }
            dim_check(&mut issues, c.len(), join(&path, "capacity"));
        }
        if let Some(t) = veh.max_travel_time {
            if t < 0 {
                push(
                    &mut issues,
                    codes::INVALID,
                    join(&path, "max_travel_time"),
                    "must not be negative",
                );
            }
            let (_, per_hour, per_km) = costs_of(veh);
            let costs_matrix = input
                .matrices
                .get(profile_name(veh))
                .is_some_and(|m| m.costs.is_some());
            if per_hour != 3600 || per_km != 0 || costs_matrix {
                push(
                    &mut issues,
                    codes::UNSUPPORTED,
                    join(&path, "max_travel_time"),
                    "max_travel_time is supported only when the vehicle's cost is its travel time (default costs, no `costs` matrix)",
                );
            }
        }
        if veh.start.is_none()
            && veh.start_index.is_none()
            && veh.end.is_none()
            && veh.end_index.is_none()
        {
            push(
                &mut issues,
                codes::INVALID,
                path.clone(),
                "a vehicle needs a start or an end",
            );
        }
        let permit = veh.cityfreight.as_ref().and_then(|o| o.permit.clone());
        if let Some(o) = &veh.cityfreight {
            unknown(&mut issues, &join(&path, "cityfreight"), &o.extra);
        }
        let name = profile_name(veh);
        let source = if let Some(m) = input.matrices.get(name) {
            let n = m
                .durations
                .as_ref()
                .or(m.costs.as_ref())
                .map_or(0, Vec::len);
            for (key, idx, coord) in [
                ("start_index", veh.start_index, veh.start.is_some()),
                ("end_index", veh.end_index, veh.end.is_some()),
            ] {
                match idx {
                    Some(i) if i >= n => push(
                        &mut issues,
                        codes::INVALID,
                        join(&path, key),
                        format!("{i} is outside matrices.{name} ({n} rows)"),
                    ),
                    None if coord => push(
                        &mut issues,
                        codes::INVALID,
                        join(&path, key),
                        format!("profile `{name}` has matrices: give `{key}`"),
                    ),
                    _ => {}
                }
            }
            if costs_of(veh).2 > 0 && m.distances.is_none() && m.costs.is_none() {
                push(
                    &mut issues,
                    codes::INVALID,
                    format!("{path}.costs.per_km"),
                    format!("per_km needs matrices.{name}.distances"),
                );
            }
            if permit.is_some() {
                push(
                    &mut issues,
                    codes::INVALID,
                    format!("{path}.cityfreight.permit"),
                    "a permit only applies when routing on the extract (no matrices for this profile)",
                );
            }
            uses_matrix = Some((name.to_string(), n));
            Source::Matrix(name.to_string())
        } else if let Some(class) = roads.and_then(|r| r.class(name)) {
            uses_road = true;
            for (key, idx, coord) in [
                ("start", veh.start_index.is_some(), veh.start.is_some()),
                ("end", veh.end_index.is_some(), veh.end.is_some()),
            ] {
                if idx && !coord {
                    push(
                        &mut issues,
                        codes::INVALID,
                        join(&path, key),
                        format!(
                            "profile `{name}` routes on the extract: give `{key}` as [lon, lat]"
                        ),
                    );
                }
            }
            if let (Some(p), Some(r)) = (&permit, roads) {
                if r.permit(p).is_none() {
                    let known: Vec<&str> = r.policy.permits.iter().map(|p| p.id.as_str()).collect();
                    push(
                        &mut issues,
                        codes::INVALID,
                        format!("{path}.cityfreight.permit"),
                        format!(
                            "`{p}` is not a permit of the server's policy (permits: {})",
                            known.join(", ")
                        ),
                    );
                }
            }
            Source::Road(class)
        } else {
            let message = match roads {
                Some(r) => format!(
                    "no matrices for profile `{name}` and no vehicle class `{name}` on the loaded extract (classes: {})",
                    r.class_names().join(", ")
                ),
                None => format!("no matrices for profile `{name}` (and no extract loaded to route on)"),
            };
            push(&mut issues, codes::INVALID, join(&path, "profile"), message);
            Source::Matrix(name.to_string())
        };
        sources.push(source);
        for (s, step) in veh.steps.iter().enumerate() {
            let sp = format!("{path}.steps[{s}]");
            unknown(&mut issues, &sp, &step.extra);
            for (key, x) in [
                ("service_at", &step.service_at),
                ("service_after", &step.service_after),
                ("service_before", &step.service_before),
            ] {
                if x.is_some() {
                    push(
                        &mut issues,
                        codes::UNSUPPORTED,
                        join(&sp, key),
                        format!("{key} is not supported yet"),
                    );
                }
            }
            if let Some(o) = &step.cityfreight {
                unknown(&mut issues, &join(&sp, "cityfreight"), &o.extra);
                if o.bay.is_some() && step.kind != "job" {
                    push(
                        &mut issues,
                        codes::INVALID,
                        format!("{sp}.cityfreight.bay"),
                        "only a `job` step is served from a bay",
                    );
                }
            }
            match step.kind.as_str() {
                "start" | "end" => {}
                "charge" => {
                    let o = step.cityfreight.clone().unwrap_or_default();
                    if veh
                        .cityfreight
                        .as_ref()
                        .and_then(|c| c.battery.as_ref())
                        .is_none()
                    {
                        push(
                            &mut issues,
                            codes::INVALID,
                            join(&sp, "type"),
                            "a `charge` step needs a vehicle with cityfreight.battery",
                        );
                    }
                    match &o.station {
                        Some(id) if stations_of(input).iter().any(|s| s.id == *id) => {}
                        Some(id) => push(
                            &mut issues,
                            codes::INVALID,
                            format!("{sp}.cityfreight.station"),
                            format!("no station `{id}` in cityfreight.charging"),
                        ),
                        None => push(
                            &mut issues,
                            codes::INVALID,
                            format!("{sp}.cityfreight.station"),
                            "a `charge` step names its station",
                        ),
                    }
                    if o.energy_wh.is_none_or(|e| e <= 0) {
                        push(
                            &mut issues,
                            codes::INVALID,
                            format!("{sp}.cityfreight.energy_wh"),
                            "a `charge` step gives the energy charged (Wh, positive)",
                        );
                    }
                }
                kind @ ("job" | "pickup" | "delivery") => match step.id {
                    Some(id) if job_ids.contains_key(&(kind, id)) => {}
                    Some(id) if kind == "job" => push(
                        &mut issues,
                        codes::INVALID,
                        join(&sp, "id"),
                        format!("no job has id {id}"),
                    ),
                    Some(id) => push(
                        &mut issues,
                        codes::INVALID,
                        join(&sp, "id"),
                        format!("no shipment has a {kind} with id {id}"),
                    ),
                    None => push(
                        &mut issues,
                        codes::INVALID,
                        join(&sp, "id"),
                        format!("a {kind} step needs the {kind}'s id"),
                    ),
                },
                "break" => push(
                    &mut issues,
                    codes::UNSUPPORTED,
                    join(&sp, "type"),
                    "`break` steps are not supported yet",
                ),
                other => push(
                    &mut issues,
                    codes::INVALID,
                    join(&sp, "type"),
                    format!(
                        "`{other}` is not a step type (start, job, pickup, delivery, end, charge)"
                    ),
                ),
            }
        }
    }
    // Each job (or shipment side) twice in the given steps.
    let mut seen = BTreeMap::new();
    for (v, veh) in input.vehicles.iter().enumerate() {
        for (s, step) in veh.steps.iter().enumerate() {
            let kind = step.kind.as_str();
            if let (true, Some(id)) = (matches!(kind, "job" | "pickup" | "delivery"), step.id) {
                if let Some(prev) = seen.insert((kind, id), format!("vehicles[{v}].steps[{s}]")) {
                    push(
                        &mut issues,
                        codes::INVALID,
                        format!("vehicles[{v}].steps[{s}].id"),
                        format!("{kind} {id} is also planned at {prev}"),
                    );
                }
            }
        }
    }
    if let Some(d) = &dims {
        if d.0 > LOAD_DIMS {
            push(
                &mut issues,
                codes::UNSUPPORTED,
                d.1.clone(),
                format!("at most {LOAD_DIMS} amount dimensions are supported"),
            );
        }
    }
    let used_dims = dims.as_ref().map_or(0, |d| d.0);
    for (v, veh) in input.vehicles.iter().enumerate() {
        if veh.max_tasks.is_some() && used_dims >= LOAD_DIMS {
            push(
                &mut issues,
                codes::UNSUPPORTED,
                format!("vehicles[{v}].max_tasks"),
                format!(
                    "max_tasks needs a free amount dimension (at most {} used)",
                    LOAD_DIMS - 1
                ),
            );
        }
    }
    validate_places(input, uses_matrix.as_ref(), uses_road, &mut issues);
    // Job locations for the sources in use.
    for (j, job) in input.jobs.iter().enumerate() {
        if let Some((name, n)) = &uses_matrix {
            match job.location_index {
                None => push(
                    &mut issues,
                    codes::INVALID,
                    join(&job_path(job, j), "location_index"),
                    format!("vehicles use matrices.{name}: every job needs `location_index`"),
                ),
                Some(i) if i >= *n => push(
                    &mut issues,
                    codes::INVALID,
                    join(&job_path(job, j), "location_index"),
                    format!("{i} is outside matrices.{name} ({n} rows)"),
                ),
                _ => {}
            }
        }
        if uses_road && job.location.is_none() {
            push(
                &mut issues,
                codes::INVALID,
                join(&job_path(job, j), "location"),
                "vehicles route on the extract: every job needs `location` as [lon, lat]",
            );
        }
    }
    if let Some(o) = &input.cityfreight {
        if o.geometry && !uses_road {
            push(
                &mut issues,
                codes::INVALID,
                "cityfreight.geometry".into(),
                "geometry needs vehicles that route on the extract",
            );
        }
    }
    if issues.is_empty() {
        Ok(sources)
    } else {
        Err(ApiError::input(issues))
    }
}

/// The request's bays.
fn bays_of(input: &Input) -> &[super::vroom::Bay] {
    input.cityfreight.as_ref().map_or(&[], |o| &o.bays)
}

/// The request's charging stations.
fn stations_of(input: &Input) -> &[super::vroom::Station] {
    input.cityfreight.as_ref().map_or(&[], |o| &o.charging)
}

/// Per job: the bays it may be served from, with the walk there and back (s). Assumes a valid
/// request; a pair with no walk to compute is left out (validation reports it).
fn bay_options(input: &Input) -> Vec<Vec<(usize, i64)>> {
    let stop = crate::scenario::Stopping::default();
    let o = input.cityfreight.as_ref();
    let speed = o.and_then(|o| o.walk_speed).unwrap_or(stop.walk_m_s);
    let detour = o.and_then(|o| o.walk_detour).unwrap_or(stop.walk_detour);
    input
        .jobs
        .iter()
        .map(|job| {
            if job.task != Task::Job {
                // A shipment's sides are served at their own places (`Problem::with_pairs`).
                return Vec::new();
            }
            bays_of(input)
                .iter()
                .enumerate()
                .filter_map(|(b, bay)| {
                    let straight = match (job.location, bay.location) {
                        (Some(a), Some(c)) => Some(crate::geometry::haversine_m(a, c)),
                        _ => None,
                    };
                    let listed = bay.jobs.contains(&job.id);
                    let near = matches!((bay.radius, straight), (Some(r), Some(d)) if d <= r);
                    if !(listed || near) {
                        return None;
                    }
                    let walk = bay
                        .walk
                        .or_else(|| straight.map(|d| (2.0 * d * detour / speed).ceil() as i64))?;
                    Some((b, walk))
                })
                .collect()
        })
        .collect()
}

fn windows_issues(issues: &mut Vec<Issue>, path: &str, windows: &[[i64; 2]]) {
    for (w, tw) in windows.iter().enumerate() {
        if tw[0] > tw[1] {
            push(
                issues,
                codes::INVALID,
                format!("{path}.time_windows[{w}]"),
                "starts after it ends",
            );
        }
    }
}

/// Every issue of the bays, stations and walking options, and of job steps served from a bay.
fn validate_places(
    input: &Input,
    uses_matrix: Option<&(String, usize)>,
    uses_road: bool,
    issues: &mut Vec<Issue>,
) {
    let o = input.cityfreight.clone().unwrap_or_default();
    if o.walk_speed.is_some_and(|x| !(x.is_finite() && x > 0.0)) {
        push(
            issues,
            codes::INVALID,
            "cityfreight.walk_speed".into(),
            "must be a positive number of m/s",
        );
    }
    if o.walk_detour.is_some_and(|x| !(x.is_finite() && x >= 1.0)) {
        push(
            issues,
            codes::INVALID,
            "cityfreight.walk_detour".into(),
            "must be at least 1",
        );
    }
    let place = |issues: &mut Vec<Issue>, path: &str, index: Option<usize>, at: bool| {
        if let Some((name, n)) = uses_matrix {
            match index {
                None => push(
                    issues,
                    codes::INVALID,
                    join(path, "location_index"),
                    format!("vehicles use matrices.{name}: give `location_index`"),
                ),
                Some(i) if i >= *n => push(
                    issues,
                    codes::INVALID,
                    join(path, "location_index"),
                    format!("{i} is outside matrices.{name} ({n} rows)"),
                ),
                _ => {}
            }
        }
        if uses_road && !at {
            push(
                issues,
                codes::INVALID,
                join(path, "location"),
                "vehicles route on the extract: give `location` as [lon, lat]",
            );
        }
    };
    let job_ids: BTreeSet<u64> = input
        .jobs
        .iter()
        .filter(|j| j.task == Task::Job)
        .map(|j| j.id)
        .collect();
    let mut ids = BTreeMap::new();
    for (b, bay) in o.bays.iter().enumerate() {
        let path = format!("cityfreight.bays[{b}]");
        unknown(issues, &path, &bay.extra);
        if let Some(prev) = ids.insert(bay.id.clone(), b) {
            push(
                issues,
                codes::INVALID,
                join(&path, "id"),
                format!("id `{}` is also cityfreight.bays[{prev}]'s", bay.id),
            );
        }
        place(issues, &path, bay.location_index, bay.location.is_some());
        if bay.capacity == 0 {
            push(
                issues,
                codes::INVALID,
                join(&path, "capacity"),
                "room for at least one vehicle is needed",
            );
        }
        windows_issues(issues, &path, &bay.time_windows);
        if bay.max_dwell.is_some_and(|d| d < 0) || bay.walk.is_some_and(|w| w < 0) {
            push(
                issues,
                codes::INVALID,
                path.clone(),
                "max_dwell and walk must not be negative",
            );
        }
        for (k, id) in bay.jobs.iter().enumerate() {
            if !job_ids.contains(id) {
                push(
                    issues,
                    codes::INVALID,
                    format!("{path}.jobs[{k}]"),
                    format!("no job has id {id}"),
                );
            }
        }
        match bay.radius {
            Some(r) if !(r.is_finite() && r >= 0.0) => push(
                issues,
                codes::INVALID,
                join(&path, "radius"),
                "must be a non-negative number of metres",
            ),
            Some(_) if bay.location.is_none() => push(
                issues,
                codes::INVALID,
                join(&path, "radius"),
                "a radius needs the bay's `location` as [lon, lat]",
            ),
            None if bay.jobs.is_empty() => push(
                issues,
                codes::INVALID,
                path.clone(),
                "give the `jobs` it may serve or a `radius`",
            ),
            _ => {}
        }
        if bay.walk.is_none() {
            for job in input
                .jobs
                .iter()
                .filter(|j| j.task == Task::Job && bay.jobs.contains(&j.id))
            {
                if job.location.is_none() || bay.location.is_none() {
                    push(
                        issues,
                        codes::INVALID,
                        join(&path, "walk"),
                        format!(
                            "job {} and the bay need `location`s to walk between; or give `walk` (s)",
                            job.id
                        ),
                    );
                    break;
                }
            }
        }
    }
    let mut ids = BTreeMap::new();
    for (k, st) in o.charging.iter().enumerate() {
        let path = format!("cityfreight.charging[{k}]");
        unknown(issues, &path, &st.extra);
        if let Some(prev) = ids.insert(st.id.clone(), k) {
            push(
                issues,
                codes::INVALID,
                join(&path, "id"),
                format!("id `{}` is also cityfreight.charging[{prev}]'s", st.id),
            );
        }
        place(issues, &path, st.location_index, st.location.is_some());
        if !(st.power_kw.is_finite() && st.power_kw > 0.0) {
            push(
                issues,
                codes::INVALID,
                join(&path, "power_kw"),
                "must be a positive number of kW",
            );
        }
        windows_issues(issues, &path, &st.time_windows);
    }
    // Job steps served from a bay: the bay exists and may serve the job.
    let options = bay_options(input);
    for (v, veh) in input.vehicles.iter().enumerate() {
        for (s, step) in veh.steps.iter().enumerate() {
            let Some(bay) = step.cityfreight.as_ref().and_then(|c| c.bay.as_ref()) else {
                continue;
            };
            let path = format!("vehicles[{v}].steps[{s}].cityfreight.bay");
            let Some(b) = o.bays.iter().position(|x| x.id == *bay) else {
                push(
                    issues,
                    codes::INVALID,
                    path,
                    format!("no bay `{bay}` in cityfreight.bays"),
                );
                continue;
            };
            let job = step.id.and_then(|id| {
                input
                    .jobs
                    .iter()
                    .position(|j| j.task == Task::Job && j.id == id)
            });
            if let Some(j) = job {
                if !options[j].iter().any(|x| x.0 == b) {
                    push(
                        issues,
                        codes::INVALID,
                        path,
                        format!(
                            "bay `{bay}` may not serve job {} (not in its `jobs`, not within its `radius`)",
                            input.jobs[j].id
                        ),
                    );
                }
            }
        }
    }
}

fn too_large(message: String) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::PAYLOAD_TOO_LARGE,
        2,
        codes::TOO_LARGE,
        message,
    )
}

/// One solver location.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Point {
    Job(usize),
    Start(usize),
    End(usize),
    /// The free depot of open routes.
    Open,
    /// Bay `bay` as seen by jobs with skill set `skills` (an index into `Built::skill_sets`).
    Bay {
        bay: usize,
        skills: usize,
    },
    /// A charging station.
    Station(usize),
}

/// What a group's matrices depend on: travel source, skills held (empty in check mode),
/// `per_hour`, `per_km`, speed factor bits, permit.
type GroupKey = (Source, Vec<u32>, i64, i64, u64, Option<usize>);

/// A routing profile of the built problem, with what output needs.
struct Group {
    source: Source,
    permit: Option<usize>,
    /// Real distances (m) per location pair, when known.
    distances: Option<Matrix<Distance>>,
    /// Snapped locations (extract only).
    snaps: Vec<Option<Snap>>,
    /// Per band of the solver profile: whether each pair is reachable under the policy (check
    /// mode on the extract only; `None` elsewhere).
    legal: Option<Vec<Matrix<bool>>>,
}

/// A built problem.
struct Built {
    problem: Problem,
    points: Vec<Point>,
    /// Per vehicle: its group (profile index).
    groups: Vec<Group>,
    /// Week second of time 0.
    time_zero: u32,
    dims: usize,
    /// The load dimension counting jobs (`max_tasks`), if any.
    task_dim: Option<usize>,
    /// Per job and alternative (after the door, alternative 0): the bay and the walk (s).
    options: Vec<Vec<(usize, i64)>>,
    /// Per vehicle: the solver distance units per metre when its limit is `max_distance`.
    per_metre: Vec<Option<i64>>,
}

fn week_time(time_zero: u32, t: Time) -> WeekTime {
    let s = (i64::from(time_zero) + t.0).rem_euclid(i64::from(WEEK));
    WeekTime::from_seconds(s as u32)
}

fn amounts(v: Option<&Vec<i64>>) -> Load {
    let mut l = [0i64; LOAD_DIMS];
    if let Some(v) = v {
        for (d, x) in v.iter().take(LOAD_DIMS).enumerate() {
            l[d] = *x;
        }
    }
    Load(l)
}

/// Build the problem (module invariants).
fn build(
    input: &Input,
    roads: Option<&Roads>,
    sources: &[Source],
    check: bool,
) -> Result<Built, ApiError> {
    let nj = input.jobs.len();
    let mut points: Vec<Point> = (0..nj).map(Point::Job).collect();
    let mut starts = Vec::new();
    let mut ends = Vec::new();
    let open = |v: &Vehicle, start: bool| {
        if start {
            v.start.is_none() && v.start_index.is_none()
        } else {
            v.end.is_none() && v.end_index.is_none()
        }
    };
    let mut open_needed = false;
    for (v, veh) in input.vehicles.iter().enumerate() {
        if open(veh, true) {
            starts.push(None);
            open_needed = true;
        } else {
            starts.push(Some(points.len() as u32));
            points.push(Point::Start(v));
        }
        if open(veh, false) {
            ends.push(None);
            open_needed = true;
        } else {
            ends.push(Some(points.len() as u32));
            points.push(Point::End(v));
        }
    }
    let open_loc = points.len() as u32;
    if open_needed {
        points.push(Point::Open);
    }
    // Bays: one location per bay and skill set of the jobs it serves; then the stations.
    let options = bay_options(input);
    let mut skill_sets: Vec<Vec<u32>> = Vec::new();
    let mut job_set = Vec::new();
    for job in &input.jobs {
        let mut k = job.skills.clone();
        k.sort_unstable();
        k.dedup();
        let i = skill_sets.iter().position(|x| *x == k).unwrap_or_else(|| {
            skill_sets.push(k);
            skill_sets.len() - 1
        });
        job_set.push(i);
    }
    let mut bay_points: BTreeMap<(usize, usize), u32> = BTreeMap::new();
    for (j, opts) in options.iter().enumerate() {
        for &(b, _) in opts {
            bay_points.entry((b, job_set[j])).or_insert(0);
        }
    }
    for (&(bay, skills), at) in bay_points.iter_mut() {
        *at = points.len() as u32;
        points.push(Point::Bay { bay, skills });
    }
    let first_station = points.len();
    points.extend((0..stations_of(input).len()).map(Point::Station));
    let n = points.len();
    let time_zero = input
        .cityfreight
        .as_ref()
        .and_then(|o| o.time_zero.as_deref())
        .and_then(|t| WeekTime::parse(t).ok())
        .map_or(0, WeekTime::seconds);
    let dims = input
        .jobs
        .iter()
        .filter_map(|j| delivery_of(j).or(j.pickup.as_ref()).map(Vec::len))
        .chain(
            input
                .shipments
                .iter()
                .filter_map(|s| s.amount.as_ref().map(Vec::len)),
        )
        .chain(
            input
                .vehicles
                .iter()
                .filter_map(|v| v.capacity.as_ref().map(Vec::len)),
        )
        .max()
        .unwrap_or(0);
    // Horizon (s) over which hour bands are laid out: the last finite time given, plus a day.
    let last = input
        .jobs
        .iter()
        .flat_map(|j| j.time_windows.iter().map(|w| w[1]))
        .chain(
            bays_of(input)
                .iter()
                .flat_map(|b| b.time_windows.iter().map(|w| w[1])),
        )
        .chain(
            stations_of(input)
                .iter()
                .flat_map(|b| b.time_windows.iter().map(|w| w[1])),
        )
        .chain(
            input
                .vehicles
                .iter()
                .filter_map(|v| v.time_window.map(|w| w[1])),
        )
        .max()
        .unwrap_or(0);
    let horizon = (last.saturating_add(i64::from(DAY))).clamp(i64::from(DAY), i64::from(WEEK));

    let location_of = |p: Point| -> (Option<usize>, Option<[f64; 2]>) {
        match p {
            Point::Job(j) => (input.jobs[j].location_index, input.jobs[j].location),
            Point::Start(v) => (input.vehicles[v].start_index, input.vehicles[v].start),
            Point::End(v) => (input.vehicles[v].end_index, input.vehicles[v].end),
            Point::Open => (None, None),
            Point::Bay { bay, .. } => {
                let b = &bays_of(input)[bay];
                (b.location_index, b.location)
            }
            Point::Station(s) => {
                let st = &stations_of(input)[s];
                (st.location_index, st.location)
            }
        }
    };

    // Group vehicles by what their matrices depend on.
    let mut keys: Vec<GroupKey> = Vec::new();
    let mut vehicle_group = Vec::new();
    for (v, veh) in input.vehicles.iter().enumerate() {
        let mut skills = veh.skills.clone();
        skills.sort_unstable();
        skills.dedup();
        if check {
            skills.clear();
        }
        let (_, per_hour, per_km) = costs_of(veh);
        let speed = veh.speed_factor.unwrap_or(1.0).to_bits();
        let permit = veh
            .cityfreight
            .as_ref()
            .and_then(|o| o.permit.as_deref())
            .and_then(|p| roads.and_then(|r| r.permit(p)));
        let key = (sources[v].clone(), skills, per_hour, per_km, speed, permit);
        let g = match keys.iter().position(|k| *k == key) {
            Some(g) => g,
            None => {
                keys.push(key);
                keys.len() - 1
            }
        };
        vehicle_group.push(g);
    }

    let mut profiles = Vec::new();
    let mut groups = Vec::new();
    let mut routing_issues = Vec::new();
    for (g, (source, skills, per_hour, per_km, speed_bits, permit)) in keys.iter().enumerate() {
        let speed = f64::from_bits(*speed_bits);
        let scale = |d: i64| -> i64 {
            if speed == 1.0 {
                d
            } else {
                (d as f64 / speed).round() as i64
            }
        };
        // Per band: (start, durations option per pair), distances option, costs option.
        let mut bands: Vec<(Time, Matrix<Duration>)> = Vec::new();
        let mut distances: Option<Matrix<Distance>> = None;
        let mut legal: Option<Vec<Matrix<bool>>> = None;
        let mut snaps = Vec::new();
        let cost_matrix: Matrix<Distance>;
        let closed_to = |b: usize| -> bool {
            // A job (or a bay seen by jobs) whose skills the group lacks (never in check mode:
            // skills are judged there).
            let lacks = |needed: &[u32]| needed.iter().any(|s| skills.binary_search(s).is_err());
            match points[b] {
                _ if check => false,
                Point::Job(j) => lacks(&input.jobs[j].skills),
                Point::Bay { skills: k, .. } => lacks(&skill_sets[k]),
                _ => false,
            }
        };
        let blocked: Vec<bool> = (0..n).map(closed_to).collect();
        match source {
            Source::Matrix(name) => {
                let m = &input.matrices[name];
                let idx: Vec<Option<usize>> = points.iter().map(|&p| location_of(p).0).collect();
                let get = |mat: &Vec<Vec<i64>>, a: usize, b: usize| -> Option<i64> {
                    if points[a] == Point::Open || points[b] == Point::Open {
                        return Some(0);
                    }
                    match (idx[a], idx[b]) {
                        (Some(i), Some(j)) => mat.get(i).and_then(|r| r.get(j)).copied(),
                        _ => None,
                    }
                };
                let durs = m.durations.as_ref();
                let durations = Matrix::from_fn(n, |a, b| {
                    if blocked[a] || blocked[b] {
                        return Duration::MAX;
                    }
                    durs.and_then(|d| get(d, a, b))
                        .map_or(Duration::MAX, |d| Duration(scale(d)))
                });
                if let Some(d) = &m.distances {
                    distances = Some(Matrix::from_fn(n, |a, b| {
                        get(d, a, b).map_or(Distance(NO_PATH_COST), Distance)
                    }));
                }
                cost_matrix = Matrix::from_fn(n, |a, b| {
                    if blocked[a] || blocked[b] {
                        return Distance(BLOCKED_COST);
                    }
                    if let Some(c) = &m.costs {
                        return get(c, a, b).map_or(Distance(BLOCKED_COST), |x| {
                            Distance(x.saturating_mul(COST_SCALE))
                        });
                    }
                    let dur = durations.get(a as u32, b as u32);
                    if dur >= Duration::MAX {
                        return Distance(BLOCKED_COST);
                    }
                    let dist = distances
                        .as_ref()
                        .map_or(0, |d| d.get(a as u32, b as u32).0);
                    Distance(leg_cost(dur.0, dist, *per_hour, *per_km))
                });
                bands.push((Time::MIN, durations));
            }
            Source::Road(class) => {
                let Some(roads) = roads else {
                    return Err(ApiError::internal("road source without an extract".into()));
                };
                for &p in &points {
                    let coord = location_of(p).1;
                    match coord {
                        None => snaps.push(None),
                        Some(c) => match roads.snap(c, *class) {
                            Ok(s) => snaps.push(Some(s)),
                            Err(e) => {
                                let path = match p {
                                    Point::Job(j) => join(&job_path(&input.jobs[j], j), "location"),
                                    Point::Start(v) => format!("vehicles[{v}].start"),
                                    Point::End(v) => format!("vehicles[{v}].end"),
                                    Point::Open => String::new(),
                                    Point::Bay { bay, .. } => {
                                        format!("cityfreight.bays[{bay}].location")
                                    }
                                    Point::Station(s) => {
                                        format!("cityfreight.charging[{s}].location")
                                    }
                                };
                                routing_issues.push(Issue {
                                    code: codes::ROUTING,
                                    path,
                                    message: format!(
                                        "{e} (for class `{}`)",
                                        profile_label(source, roads)
                                    ),
                                });
                                snaps.push(None);
                            }
                        },
                    }
                }
                if !routing_issues.is_empty() {
                    continue;
                }
                let hb = roads.bands(*class, *permit);
                // Bands over [0, horizon) in solver time.
                let mut laid: Vec<(i64, usize)> = Vec::new();
                for week in 0..=((horizon + i64::from(time_zero)) / i64::from(WEEK) + 1) {
                    for b in &hb.bands {
                        let s = i64::from(b.start) + week * i64::from(WEEK) - i64::from(time_zero);
                        let e = i64::from(b.end) + week * i64::from(WEEK) - i64::from(time_zero);
                        if e > 0 && s < horizon && laid.last().is_none_or(|l| l.1 != b.metric) {
                            laid.push((s.max(0), b.metric));
                        }
                    }
                }
                let mut matrices = BTreeMap::new();
                let mut free = BTreeMap::new();
                for &(_, m) in &laid {
                    if matrices.contains_key(&m) {
                        continue;
                    }
                    let c = roads
                        .customized(*class, *permit, hb.metrics[m])
                        .map_err(ApiError::internal)?;
                    matrices.insert(m, roads.matrix(&c, &snaps));
                    if check {
                        let f = roads
                            .free(*class, hb.metrics[m])
                            .map_err(ApiError::internal)?;
                        free.insert(m, roads.matrix(&f, &snaps));
                    }
                }
                let entry = |m: usize, a: usize, b: usize| -> Option<(i64, i64)> {
                    if points[a] == Point::Open || points[b] == Point::Open {
                        return Some((0, 0));
                    }
                    let lookup = |tm: &crate::matrix::TravelMatrix| {
                        tm.get(a, b).map(|c| {
                            (
                                (c.time_ms.div_ceil(1000)) as i64,
                                (c.dist_cm as i64 + 50) / 100,
                            )
                        })
                    };
                    lookup(&matrices[&m]).or_else(|| free.get(&m).and_then(lookup))
                };
                let mut legal_bands = Vec::new();
                for (i, &(s, m)) in laid.iter().enumerate() {
                    let start = if i == 0 { Time::MIN } else { Time(s) };
                    let durations = Matrix::from_fn(n, |a, b| {
                        if blocked[a] || blocked[b] {
                            return Duration::MAX;
                        }
                        entry(m, a, b).map_or(Duration::MAX, |(d, _)| Duration(scale(d)))
                    });
                    if check {
                        legal_bands.push(Matrix::from_fn(n, |a, b| {
                            points[a] == Point::Open
                                || points[b] == Point::Open
                                || matrices[&m].get(a, b).is_some()
                        }));
                    }
                    bands.push((start, durations));
                }
                if check {
                    legal = Some(legal_bands);
                }
                // Distances and costs: per pair, the first band in which it is reachable.
                let first = |a: usize, b: usize| -> Option<(i64, i64)> {
                    laid.iter().find_map(|&(_, m)| entry(m, a, b))
                };
                distances = Some(Matrix::from_fn(n, |a, b| {
                    first(a, b).map_or(Distance(NO_PATH_COST), |(_, d)| Distance(d))
                }));
                cost_matrix = Matrix::from_fn(n, |a, b| {
                    if blocked[a] || blocked[b] {
                        return Distance(BLOCKED_COST);
                    }
                    first(a, b).map_or(Distance(BLOCKED_COST), |(d, m)| {
                        Distance(leg_cost(scale(d), m, *per_hour, *per_km))
                    })
                });
            }
        }
        let name = match source {
            Source::Matrix(m) => format!("{m}#{g}"),
            Source::Road(c) => format!(
                "{}#{g}",
                roads.map_or(String::new(), |r| r.network.graph.class(*c).id.clone())
            ),
        };
        profiles.push(Profile {
            name,
            distances: cost_matrix,
            bands: bands
                .into_iter()
                .map(|(start, durations)| Band { start, durations })
                .collect(),
        });
        groups.push(Group {
            source: source.clone(),
            permit: *permit,
            distances,
            snaps,
            legal,
        });
    }
    if !routing_issues.is_empty() {
        let mut seen = BTreeSet::new();
        routing_issues.retain(|i| seen.insert((i.path.clone(), i.message.clone())));
        let mut e = ApiError::input(routing_issues);
        e.class = 3;
        e.code = codes::ROUTING;
        return Err(e);
    }
    // max_travel_time becomes the solver's distance limit, valid only with one band (cost =
    // travel time of that band); max_distance too, when the cost is the distance.
    let mut issues = Vec::new();
    let mut vehicle_types = Vec::new();
    let task_dim = input
        .vehicles
        .iter()
        .any(|v| v.max_tasks.is_some())
        .then_some(dims);
    let mut per_metre = Vec::new();
    for (v, veh) in input.vehicles.iter().enumerate() {
        let g = vehicle_group[v];
        let (fixed, _, per_km) = costs_of(veh);
        per_metre.push(veh.max_distance.map(|_| per_km));
        let max_distance = match (veh.max_travel_time, veh.max_distance) {
            (None, None) => Distance::MAX,
            (Some(t), _) => {
                if profiles[g].bands.len() > 1 {
                    push(
                        &mut issues,
                        codes::UNSUPPORTED,
                        format!("vehicles[{v}].max_travel_time"),
                        "max_travel_time is not supported when the policy gives the class several hour bands",
                    );
                }
                Distance(t.saturating_mul(COST_SCALE))
            }
            // Cost per leg = metres * per_km (solver units): exact.
            (None, Some(d)) => Distance(d.saturating_mul(per_km)),
        };
        let shift = veh.time_window.map_or(
            TimeWindow {
                open: Time(0),
                close: Time::MAX,
            },
            |w| TimeWindow {
                open: Time(w[0]),
                close: Time(w[1]),
            },
        );
        let mut capacity = amounts(veh.capacity.as_ref());
        if let Some(d) = task_dim {
            capacity.0[d] = veh.max_tasks.unwrap_or(NO_TASK_LIMIT);
        }
        let battery = veh
            .cityfreight
            .as_ref()
            .and_then(|o| o.battery.as_ref())
            .map(|b| {
                let all = stations_of(input);
                let stations = match &b.stations {
                    None => (0..all.len() as u32).collect(),
                    Some(ids) => (0..all.len() as u32)
                        .filter(|&s| ids.contains(&all[s as usize].id))
                        .collect(),
                };
                // A km is 1000 * per_km solver distance units (the cost, see above).
                Battery::new(
                    Energy(b.capacity_wh),
                    Consumption {
                        energy: Energy(b.consumption_wh_per_km),
                        per: Distance(1000 * per_km.max(1)),
                    },
                )
                .with_reserve(Energy(b.reserve_wh))
                .with_stations(stations)
                .with_policy(if b.charge.as_deref() == Some("full") {
                    ChargePolicy::Full
                } else {
                    ChargePolicy::Partial
                })
            });
        vehicle_types.push(VehicleType {
            name: veh.id.to_string(),
            capacity,
            start: starts[v].unwrap_or(open_loc),
            end: ends[v].unwrap_or(open_loc),
            shift,
            max_duration: Duration::MAX,
            max_distance,
            fixed_cost: Cost(fixed.saturating_mul(COST_SCALE)),
            cost_per_distance: 1,
            cost_per_duration: 0,
            count: 1,
            profile: g as u32,
            reload_depots: Vec::new(),
            reload_time: Duration::ZERO,
            battery,
        });
    }
    if !issues.is_empty() {
        return Err(ApiError::input(issues));
    }
    let orders: Vec<Order> = input
        .jobs
        .iter()
        .enumerate()
        .map(|(j, job)| {
            let service = job.setup + job.service;
            let mut demand = amounts(delivery_of(job));
            if let Some(d) = task_dim {
                demand.0[d] = 1;
            }
            Order {
                id: job.id.to_string(),
                alternatives: std::iter::once(Alternative {
                    location: j as u32,
                    service: Duration(service),
                })
                .chain(options[j].iter().map(|&(b, walk)| Alternative {
                    location: bay_points[&(b, job_set[j])],
                    service: Duration(service + walk),
                }))
                .collect(),
                demand,
                // VROOM's job pickup: collected there and carried to the route's end, as the
                // solver's simultaneous pickup and delivery (`solver::load`). A shipment's
                // amount is set by `with_pairs` below.
                pickup: amounts(job.pickup.as_ref()),
                windows: windows(&job.time_windows),
                // A shipment pays its penalty once, on its pickup.
                penalty: Some(Cost(match job.task {
                    Task::Delivery(_) => 0,
                    Task::Job | Task::Pickup(_) => {
                        UNASSIGNED_COST + i64::from(job.priority) * PRIORITY_COST
                    }
                })),
            }
        })
        .collect();
    let sites: Vec<Site> = bays_of(input)
        .iter()
        .enumerate()
        .filter_map(|(b, bay)| {
            let mut at = bay_points
                .iter()
                .filter(|((x, _), _)| *x == b)
                .map(|(_, &l)| l);
            let location = at.next()?;
            Some(Site {
                name: bay.id.clone(),
                location,
                aliases: at.collect(),
                capacity: bay.capacity,
                windows: windows(&bay.time_windows),
                max_dwell: bay
                    .max_dwell
                    .map_or(Vec::new(), |d| vec![Duration(d); input.vehicles.len()]),
                booked: Vec::new(),
            })
        })
        .collect();
    let stations: Vec<ChargingStation> = stations_of(input)
        .iter()
        .enumerate()
        .map(|(k, st)| ChargingStation {
            name: st.id.clone(),
            location: (first_station + k) as u32,
            rate: ChargeRate {
                time: Duration(3600),
                per: Energy((st.power_kw * 1000.0).round().max(1.0) as i64),
            },
            windows: windows(&st.time_windows),
        })
        .collect();
    let names: Vec<String> = points
        .iter()
        .map(|p| match p {
            Point::Job(j) => format!("{} {}", input.jobs[*j].task.kind(), input.jobs[*j].id),
            Point::Start(v) => format!("start of vehicle {}", input.vehicles[*v].id),
            Point::End(v) => format!("end of vehicle {}", input.vehicles[*v].id),
            Point::Open => "open route end".to_string(),
            Point::Bay { bay, skills } => format!(
                "bay {} (skills {:?})",
                bays_of(input)[*bay].id,
                skill_sets[*skills]
            ),
            Point::Station(k) => format!("station {}", stations_of(input)[*k].id),
        })
        .collect();
    let shipments: Vec<Shipment> = input
        .shipments
        .iter()
        .enumerate()
        .map(|(k, sh)| Shipment {
            pickup: (nj - 2 * input.shipments.len() + 2 * k) as u32,
            delivery: (nj - 2 * input.shipments.len() + 2 * k + 1) as u32,
            amount: amounts(sh.amount.as_ref()),
        })
        .collect();
    let problem = Problem::with_stations(names, profiles, orders, vehicle_types, stations)
        .and_then(|p| p.with_sites(sites))
        .and_then(|p| p.with_pairs(shipments))
        .map_err(|e| ApiError::one(codes::INVALID, "", e.to_string()))?;
    Ok(Built {
        problem,
        points,
        groups,
        time_zero,
        dims,
        task_dim,
        options,
        per_metre,
    })
}

fn profile_label(source: &Source, roads: &Roads) -> String {
    match source {
        Source::Matrix(m) => m.clone(),
        Source::Road(c) => roads.network.graph.class(*c).id.clone(),
    }
}

/// VROOM's leg cost in solver units ([`COST_SCALE`] per VROOM unit): exact for a cost per
/// hour that is a multiple of 3.6 and for any cost per km.
fn leg_cost(duration_s: i64, distance_m: i64, per_hour: i64, per_km: i64) -> i64 {
    let c = duration_s as i128 * per_hour as i128 * COST_SCALE as i128
        + distance_m as i128 * per_km as i128 * 3600;
    ((c + 1800) / 3600) as i64
}

/// A solver cost in VROOM's units (rounded half up).
fn vroom_cost(c: i64) -> i64 {
    (c + COST_SCALE / 2).div_euclid(COST_SCALE)
}

/// Sorted, merged windows (default: from 0 on).
fn windows(given: &[[i64; 2]]) -> Vec<TimeWindow> {
    if given.is_empty() {
        return vec![TimeWindow {
            open: Time(0),
            close: Time::MAX,
        }];
    }
    let mut w: Vec<[i64; 2]> = given.to_vec();
    w.sort_unstable();
    let mut out: Vec<TimeWindow> = Vec::new();
    for [a, b] in w {
        match out.last_mut() {
            Some(last) if a <= last.close.0 => last.close = Time(last.close.0.max(b)),
            _ => out.push(TimeWindow {
                open: Time(a),
                close: Time(b),
            }),
        }
    }
    out
}

/// The solver problem a request maps to (validated; solve mode even when vehicles have
/// `steps`), for re-checking an answer independently: order `j` is `jobs[j]`, then shipment `s`
/// is orders `jobs.len() + 2 s` (its pickup) and `+ 1` (its delivery); vehicle type `v` is
/// `vehicles[v]`.
pub fn problem(input: &Input, roads: Option<&Roads>, limits: &Limits) -> Result<Problem, ApiError> {
    let input = expand(input);
    let sources = validate(&input, roads, limits)?;
    Ok(build(&input, roads, &sources, false)?.problem)
}

/// Solve (or, with `steps`, judge) a VROOM request; the search is bounded by its iterations and
/// by the time limit of `limits`.
pub fn run(input: &Input, roads: Option<&Roads>, limits: &Limits) -> Result<Output, ApiError> {
    let started = Instant::now();
    let input = &*expand(input);
    let sources = validate(input, roads, limits)?;
    let check = is_check(input);
    let built = build(input, roads, &sources, check)?;
    let loading = started.elapsed();
    let t = Instant::now();
    let (solution, judged) = if check {
        let solution = given_plan(input, &built);
        (solution, true)
    } else {
        (search(input, &built, limits)?, false)
    };
    let report = solver::check::check(&built.problem, &solution);
    if !judged && !report.feasible() {
        let text: Vec<String> = report.violations.iter().map(|v| v.to_string()).collect();
        return Err(ApiError::internal(format!(
            "the solver's plan fails the independent checker: {}",
            text.join("; ")
        )));
    }
    let solving = t.elapsed();
    let t = Instant::now();
    let mut output = render(input, roads, &built, &solution, &report, judged)?;
    output.summary.computing_times = ComputingTimes {
        loading: loading.as_millis() as u64,
        solving: solving.as_millis() as u64,
        routing: t.elapsed().as_millis() as u64,
    };
    Ok(output)
}

fn search(input: &Input, built: &Built, limits: &Limits) -> Result<Solution, ApiError> {
    let o = input.cityfreight.clone().unwrap_or_default();
    let jobs = input.jobs.len() as u64;
    let iterations = match (o.iterations, o.time_limit) {
        (Some(i), _) => Some(i),
        (None, Some(_)) => None,
        (None, None) => Some((ITERATIONS_PER_JOB * jobs).max(MIN_ITERATIONS)),
    };
    let time_limit = o
        .time_limit
        .map(std::time::Duration::from_secs_f64)
        .map_or(limits.time_limit, |t| t.min(limits.time_limit));
    let stop = StopCriterion {
        max_iterations: iterations,
        time_limit: Some(time_limit),
        max_no_improvement: None,
    };
    let mut search = SearchParams::for_size(input.jobs.len());
    search.vehicles_first = false;
    let params = SolveParams {
        threads: o.threads.unwrap_or(1).clamp(1, limits.max_threads.max(1)),
        seed: o.seed.unwrap_or(1),
        search,
    };
    if input.jobs.is_empty() {
        return Ok(Solution::default());
    }
    let outcome = solver::solve(&built.problem, &stop, &params, &|_| {})
        .map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(outcome.solution)
}

/// The plan given by the vehicles' `steps`.
fn given_plan(input: &Input, built: &Built) -> Solution {
    let by_id: BTreeMap<(&str, u64), usize> = input
        .jobs
        .iter()
        .enumerate()
        .map(|(j, job)| ((job.task.kind(), job.id), j))
        .collect();
    let mut routes = Vec::new();
    let mut served = BTreeSet::new();
    for (v, veh) in input.vehicles.iter().enumerate() {
        let mut visits = Vec::new();
        for step in &veh.steps {
            let extra = step.cityfreight.clone().unwrap_or_default();
            match step.kind.as_str() {
                kind @ ("job" | "pickup" | "delivery") => {
                    let Some(&j) = step.id.and_then(|id| by_id.get(&(kind, id))) else {
                        continue;
                    };
                    served.insert(j);
                    // Alternative 0 is the door; bay `b` is the alternative after its option.
                    let alternative = extra
                        .bay
                        .and_then(|id| bays_of(input).iter().position(|b| b.id == id))
                        .and_then(|b| built.options[j].iter().position(|o| o.0 == b))
                        .map_or(0, |k| k as u32 + 1);
                    visits.push(Visit::Order {
                        order: j as u32,
                        alternative,
                    });
                }
                "charge" => {
                    let station = extra
                        .station
                        .and_then(|id| stations_of(input).iter().position(|s| s.id == id));
                    if let (Some(station), Some(e)) = (station, extra.energy_wh) {
                        visits.push(Visit::Charge {
                            station: station as u32,
                            energy: Energy(e),
                        });
                    }
                }
                _ => {}
            }
        }
        if !visits.is_empty() {
            routes.push(Route {
                vehicle_type: v as u32,
                visits,
            });
        }
    }
    let unserved = (0..built.problem.orders().len() as u32)
        .filter(|o| !served.contains(&(*o as usize)))
        .collect();
    Solution { routes, unserved }
}

fn violation(cause: &str, duration: Option<i64>, detail: Option<String>) -> OutViolation {
    OutViolation {
        cause: cause.to_string(),
        duration,
        detail,
    }
}

fn render(
    input: &Input,
    roads: Option<&Roads>,
    built: &Built,
    solution: &Solution,
    report: &solver::check::CheckReport,
    judged: bool,
) -> Result<Output, ApiError> {
    let problem = &built.problem;
    let dims = built.dims;
    let cut = |l: Load| -> Vec<i64> { l.0[..dims.min(LOAD_DIMS)].to_vec() };
    let geometry = input.cityfreight.as_ref().is_some_and(|o| o.geometry);
    let mut routes = Vec::new();
    let mut summary = Summary {
        delivery: vec![0; dims],
        pickup: vec![0; dims],
        ..Summary::default()
    };
    let any_distance = built.groups.iter().any(|g| g.distances.is_some());
    if any_distance {
        summary.distance = Some(0);
    }
    // Check-mode violations by route index, from the independent checker.
    let mut route_violations: BTreeMap<usize, Vec<OutViolation>> = BTreeMap::new();
    let mut step_violations: BTreeMap<(usize, usize), Vec<OutViolation>> = BTreeMap::new();
    let mut end_violations: BTreeMap<usize, Vec<OutViolation>> = BTreeMap::new();
    let mut plan_violations = Vec::new();
    if judged {
        for v in &report.violations {
            match v {
                Violation::TimeWindow {
                    route,
                    order,
                    arrival,
                } => {
                    let r = &solution.routes[*route];
                    let pos = r.orders().position(|o| o == *order).unwrap_or(0);
                    let close = problem
                        .order(*order)
                        .windows
                        .iter()
                        .map(|w| w.close)
                        .filter(|c| *c <= *arrival)
                        .max()
                        .unwrap_or(*arrival);
                    let alternative = r.visits.iter().find_map(|v| match *v {
                        Visit::Order {
                            order: o,
                            alternative,
                        } if o == *order => Some(alternative),
                        _ => None,
                    });
                    let own_ok = crate::solver::model::service_start(
                        &problem.order(*order).windows,
                        *arrival,
                    )
                    .is_some();
                    let bay = alternative
                        .and_then(|a| a.checked_sub(1))
                        .and_then(|a| built.options[*order as usize].get(a as usize));
                    let v = match bay {
                        // The job's own windows allow it: the bay's hours do not.
                        Some(&(b, _)) if own_ok => violation(
                            "bay",
                            None,
                            Some(format!(
                                "served from bay `{}` from {}, outside its hours",
                                bays_of(input)[b].id,
                                arrival.0
                            )),
                        ),
                        _ => violation("delay", Some(arrival.0 - close.0), None),
                    };
                    step_violations.entry((*route, pos)).or_default().push(v);
                }
                Violation::Shift {
                    route,
                    arrival,
                    close,
                } => end_violations.entry(*route).or_default().push(violation(
                    "delay",
                    Some(arrival.0 - close.0),
                    None,
                )),
                Violation::Capacity {
                    route,
                    load,
                    capacity,
                    ..
                } => {
                    let entry = route_violations.entry(*route).or_default();
                    let over = |d: usize| load.0[d] > capacity.0[d];
                    if let Some(d) = built.task_dim.filter(|&d| over(d)) {
                        entry.push(violation(
                            "max_tasks",
                            None,
                            Some(format!("{} jobs, at most {}", load.0[d], capacity.0[d])),
                        ));
                    }
                    if (0..LOAD_DIMS).any(|d| Some(d) != built.task_dim && over(d)) {
                        entry.push(violation("load", None, None));
                    }
                }
                Violation::Distance {
                    route,
                    distance,
                    max,
                } => {
                    let v = solution.routes[*route].vehicle_type as usize;
                    let over = distance.0 - max.0;
                    route_violations.entry(*route).or_default().push(
                        match built.per_metre.get(v).copied().flatten() {
                            Some(per) => violation(
                                "max_distance",
                                None,
                                Some(format!("{} m over", over / per.max(1))),
                            ),
                            None => violation(
                                "max_travel_time",
                                Some((over + COST_SCALE - 1).div_euclid(COST_SCALE)),
                                None,
                            ),
                        },
                    )
                }
                Violation::SiteClosed {
                    route,
                    site,
                    start,
                    end,
                } => route_violations.entry(*route).or_default().push(violation(
                    "bay",
                    None,
                    Some(format!(
                        "stays at bay `{}` from {} to {}, outside its hours",
                        problem.sites()[*site as usize].name,
                        start.0,
                        end.0
                    )),
                )),
                Violation::Dwell {
                    route,
                    site,
                    dwell,
                    max,
                } => route_violations.entry(*route).or_default().push(violation(
                    "bay",
                    Some(dwell.0 - max.0),
                    Some(format!(
                        "stays {} s at bay `{}`, longest allowed {} s",
                        dwell.0,
                        problem.sites()[*site as usize].name,
                        max.0
                    )),
                )),
                Violation::SiteCapacity {
                    site,
                    at,
                    vehicles,
                    capacity,
                } => plan_violations.push(violation(
                    "bay",
                    None,
                    Some(format!(
                        "{vehicles} vehicles at bay `{}` at {}, room for {capacity}",
                        problem.sites()[*site as usize].name,
                        at.0
                    )),
                )),
                Violation::BelowReserve { route, .. } => route_violations
                    .entry(*route)
                    .or_default()
                    .push(violation("battery", None, Some(v.to_string()))),
                Violation::NotAllowedStation { route, .. }
                | Violation::BadChargeAmount { route, .. }
                | Violation::StationClosed { route, .. } => route_violations
                    .entry(*route)
                    .or_default()
                    .push(violation("charging", None, Some(v.to_string()))),
                Violation::PairOrder {
                    route,
                    pickup,
                    delivery,
                } => route_violations.entry(*route).or_default().push(violation(
                    "precedence",
                    None,
                    Some(format!(
                        "delivery {} comes before its pickup {}",
                        input.jobs[*delivery as usize].id, input.jobs[*pickup as usize].id
                    )),
                )),
                Violation::PairSplit {
                    pickup,
                    delivery,
                    pickup_route,
                    delivery_route,
                } => plan_violations.push(violation(
                    "precedence",
                    None,
                    Some(format!(
                        "pickup {} on vehicle {} but its delivery {} on vehicle {}",
                        input.jobs[*pickup as usize].id,
                        input.vehicles[solution.routes[*pickup_route].vehicle_type as usize].id,
                        input.jobs[*delivery as usize].id,
                        input.vehicles[solution.routes[*delivery_route].vehicle_type as usize].id
                    )),
                )),
                Violation::PairHalfServed {
                    pickup,
                    delivery,
                    unserved,
                } => plan_violations.push(violation(
                    "precedence",
                    None,
                    Some(format!(
                        "pickup {} and delivery {} of one shipment: the {} is not planned",
                        input.jobs[*pickup as usize].id,
                        input.jobs[*delivery as usize].id,
                        if unserved == pickup {
                            "pickup"
                        } else {
                            "delivery"
                        }
                    )),
                )),
                other => plan_violations.push(violation("plan", None, Some(other.to_string()))),
            }
        }
    }
    let mut permit_use: BTreeMap<usize, u32> = BTreeMap::new();
    for (ri, route) in solution.routes.iter().enumerate() {
        let v = route.vehicle_type as usize;
        let veh = &input.vehicles[v];
        let vt = problem.vehicle_type(route.vehicle_type);
        let profile = problem.profile_of(route.vehicle_type);
        let group = &built.groups[vt.profile as usize];
        let sched = solver::schedule::schedule(problem, route);
        let rep = report.routes.get(ri);
        let mut load: Load = route
            .orders()
            .fold(Load::ZERO, |acc, o| acc + problem.order(o).demand);
        let aboard = cut(load);
        // VROOM's totals: what the route's tasks deliver and pick up, shipments on both sides
        // (the solver holds a shipment as a pickup of +amount and -amount at its delivery).
        let (mut delivered, mut picked) = (load, Load::ZERO);
        for o in route.orders() {
            for (d, &x) in problem.order(o).pickup.0.iter().enumerate() {
                if x >= 0 {
                    picked.0[d] += x;
                } else {
                    delivered.0[d] -= x;
                }
            }
        }
        let mut out = OutRoute {
            vehicle: veh.id,
            cost: rep.map_or(0, |r| vroom_cost(r.cost.0)),
            delivery: cut(delivered),
            pickup: cut(picked),
            description: veh.description.clone(),
            ..OutRoute::default()
        };
        if let Some(p) = group.permit {
            *permit_use.entry(p).or_default() += 1;
            if let (Some(r), Source::Road(c)) = (roads, &group.source) {
                let permit = &r.policy.permits[p];
                if judged && !permit.eligible.matches(r.network.graph.class(*c)) {
                    route_violations.entry(ri).or_default().push(violation(
                        "permit",
                        None,
                        Some(format!(
                            "class `{}` may not hold permit `{}`",
                            r.network.graph.class(*c).id,
                            permit.id
                        )),
                    ));
                }
            }
        }
        let dist = |a: u32, b: u32| group.distances.as_ref().map(|d| d.get(a, b).0);
        let mut cum_travel = 0i64;
        let mut cum_dist = 0i64;
        let mut at = vt.start;
        let mut ready = sched.departure;
        let mut line: Vec<[f64; 2]> = Vec::new();
        let has_start = built.points[vt.start as usize] != Point::Open;
        if has_start {
            out.steps.push(OutStep {
                kind: "start".into(),
                arrival: sched.departure.0,
                load: aboard.clone(),
                distance: dist(0, 0).map(|_| 0),
                location: veh.start,
                location_index: veh.start_index,
                ..OutStep::default()
            });
        }
        let leg = |from: u32,
                   to: u32,
                   ready: Time,
                   line: &mut Vec<[f64; 2]>,
                   vio: &mut Vec<OutViolation>|
         -> Result<(i64, i64, i64), ApiError> {
            let d = profile.drive(from, to, ready);
            let travel = d.arrival.0 - d.depart.0;
            let wait = d.depart.0 - ready.0;
            let (Some(r), Source::Road(class)) = (roads, &group.source) else {
                return Ok((
                    travel.min(Duration::MAX.0),
                    wait,
                    dist(from, to).unwrap_or(0),
                ));
            };
            let both = (
                group.snaps.get(from as usize).copied().flatten(),
                group.snaps.get(to as usize).copied().flatten(),
            );
            if let Some(legal) = &group.legal {
                if !legal[d.band].get(from, to) {
                    let wt = week_time(built.time_zero, d.depart);
                    let zones = r.closed_zones(*class, group.permit, wt);
                    vio.push(if zones.is_empty() {
                        violation(
                            "unreachable",
                            None,
                            Some(format!(
                                "no road for `{}` at {wt}",
                                r.network.graph.class(*class).id
                            )),
                        )
                    } else {
                        violation(
                            "closed_zone",
                            None,
                            Some(format!(
                                "zone(s) {} closed to `{}` at {wt}",
                                zones.join(", "),
                                r.network.graph.class(*class).id
                            )),
                        )
                    });
                }
            }
            if geometry {
                if let (Some(a), Some(b)) = both {
                    let wt = week_time(built.time_zero, d.depart);
                    let c = r
                        .customized(*class, group.permit, wt)
                        .map_err(ApiError::internal)?;
                    if let Some(route) = r.route(&c, &a, &b) {
                        let skip = usize::from(!line.is_empty());
                        line.extend(route.geometry.iter().skip(skip));
                    }
                }
            }
            Ok((travel, wait, dist(from, to).unwrap_or(0)))
        };
        let order_list: Vec<u32> = route.orders().collect();
        for (k, visit) in route.visits.iter().enumerate() {
            let loc = solver::schedule::place(problem, visit);
            let (order, alternative) = match *visit {
                Visit::Order { order, alternative } => (order, alternative),
                Visit::Charge { station, energy } => {
                    let mut vio = Vec::new();
                    let (travel, wait, d) = leg(at, loc, ready, &mut line, &mut vio)?;
                    cum_travel += travel;
                    cum_dist += d;
                    let times = sched.visits[k];
                    let st = &stations_of(input)[station as usize];
                    out.waiting_time += times.start.0 - times.arrival.0 + wait;
                    out.steps.push(OutStep {
                        kind: "charge".into(),
                        arrival: times.arrival.0,
                        duration: cum_travel,
                        service: times.departure.0 - times.start.0,
                        waiting_time: times.start.0 - times.arrival.0,
                        load: cut(load),
                        distance: group.distances.as_ref().map(|_| cum_dist),
                        location: st.location,
                        location_index: st.location_index,
                        violations: vio,
                        cityfreight: Some(OutStepInfo {
                            station: Some(st.id.clone()),
                            energy_wh: Some(energy.0),
                            ..OutStepInfo::default()
                        }),
                        ..OutStep::default()
                    });
                    at = loc;
                    ready = times.departure;
                    continue;
                }
                Visit::Reload { .. } => continue,
            };
            let job = &input.jobs[order as usize];
            // Served from a bay: the stop is at the bay, the walk is part of the service.
            let bay = alternative
                .checked_sub(1)
                .and_then(|a| built.options[order as usize].get(a as usize))
                .map(|&(b, walk)| (&bays_of(input)[b], walk));
            let mut vio = step_violations
                .remove(&(ri, order_list.iter().position(|&o| o == order).unwrap_or(k)))
                .unwrap_or_default();
            let (travel, wait, d) = leg(at, loc, ready, &mut line, &mut vio)?;
            cum_travel += travel;
            cum_dist += d;
            let times = sched.visits[k];
            let waiting = times.start.0 - times.arrival.0;
            load = load - problem.order(order).demand + problem.order(order).pickup;
            if judged && !job.skills.iter().all(|s| veh.skills.contains(s)) {
                vio.push(violation("skills", None, None));
            }
            let walk = bay.map_or(0, |b| b.1);
            out.waiting_time += waiting + wait;
            out.setup += job.setup;
            out.service += job.service + walk;
            if !matches!(job.task, Task::Delivery(_)) {
                // A shipment's priority counts once.
                out.priority += u64::from(job.priority);
            }
            out.steps.push(OutStep {
                kind: job.task.kind().into(),
                arrival: times.arrival.0,
                duration: cum_travel,
                setup: job.setup,
                service: job.service + walk,
                waiting_time: waiting,
                load: cut(load),
                distance: group.distances.as_ref().map(|_| cum_dist),
                id: Some(job.id),
                location: bay.map_or(job.location, |b| b.0.location),
                location_index: bay.map_or(job.location_index, |b| b.0.location_index),
                description: job.description.clone(),
                violations: vio,
                cityfreight: bay.map(|(b, walk)| OutStepInfo {
                    bay: Some(b.id.clone()),
                    walk: Some(walk),
                    ..OutStepInfo::default()
                }),
            });
            at = loc;
            ready = times.departure;
        }
        if built.points[vt.end as usize] != Point::Open {
            let mut vio = end_violations.remove(&ri).unwrap_or_default();
            let (travel, wait, d) = leg(at, vt.end, ready, &mut line, &mut vio)?;
            cum_travel += travel;
            cum_dist += d;
            out.waiting_time += wait;
            out.steps.push(OutStep {
                kind: "end".into(),
                arrival: sched.end.0,
                duration: cum_travel,
                load: cut(load),
                distance: group.distances.as_ref().map(|_| cum_dist),
                location: veh.end,
                location_index: veh.end_index,
                violations: vio,
                ..OutStep::default()
            });
        } else if let Some(v) = end_violations.remove(&ri) {
            if let Some(last) = out.steps.last_mut() {
                last.violations.extend(v);
            }
        }
        out.duration = cum_travel;
        if group.distances.is_some() {
            out.distance = Some(cum_dist);
        }
        if geometry && !line.is_empty() {
            out.geometry = Some(serde_json::json!({"type": "LineString", "coordinates": line}));
        }
        out.violations = route_violations.remove(&ri).unwrap_or_default();
        for s in &out.steps {
            out.violations.extend(s.violations.iter().cloned());
        }
        dedup(&mut out.violations);
        summary.cost += out.cost;
        summary.setup += out.setup;
        summary.service += out.service;
        summary.duration += out.duration;
        summary.waiting_time += out.waiting_time;
        summary.priority += out.priority;
        if let (Some(s), Some(d)) = (summary.distance.as_mut(), out.distance) {
            *s += d;
        }
        for (d, x) in out.delivery.iter().enumerate() {
            summary.delivery[d] += x;
        }
        for (d, x) in out.pickup.iter().enumerate() {
            summary.pickup[d] += x;
        }
        summary.violations.extend(out.violations.iter().cloned());
        routes.push(out);
    }
    if judged {
        if let Some(r) = roads {
            for (&p, &used) in &permit_use {
                let permit = &r.policy.permits[p];
                if let Some(q) = permit.quota_total {
                    if used > q {
                        summary.violations.push(violation(
                            "permit_quota",
                            None,
                            Some(format!(
                                "{used} vehicles hold permit `{}`, quota {q}",
                                permit.id
                            )),
                        ));
                    }
                }
            }
        }
    }
    summary.violations.extend(plan_violations);
    dedup(&mut summary.violations);
    summary.routes = routes.len();
    let unassigned: Vec<Unassigned> = solution
        .unserved
        .iter()
        .map(|&o| {
            let job = &input.jobs[o as usize];
            Unassigned {
                id: job.id,
                kind: job.task.kind().into(),
                location: job.location,
                location_index: job.location_index,
                description: job.description.clone(),
            }
        })
        .collect();
    summary.unassigned = unassigned.len();
    Ok(Output {
        code: 0,
        summary,
        unassigned,
        routes,
    })
}

fn dedup(v: &mut Vec<OutViolation>) {
    let mut seen = Vec::new();
    v.retain(|x| {
        if seen.contains(x) {
            false
        } else {
            seen.push(x.clone());
            true
        }
    });
}
