//! VROOM's JSON input and output as serde types, plus cityfreight's named extensions.
//!
//! Owns: [`Input`] (jobs, shipments, vehicles, matrices, the `cityfreight` extension object) and
//! [`Output`] (code, summary, unassigned, routes with steps). Must never: decide what a field
//! means for the solver (that is [`super::mapping`]) or silently drop a field: every object keeps
//! the keys it does not know in `extra`, and [`super::mapping`] reports each as a 400 naming its
//! JSON path. Invariants: field names and shapes follow VROOM's `docs/API.md` (v1.14 era:
//! `matrices` per profile, `costs` per vehicle, `steps` for check mode); extensions live only
//! under keys named `cityfreight`, which VROOM does not use, so they cannot clash, plus one step
//! type VROOM does not have, `charge` (a battery vehicle's charging stop, its details under the
//! step's `cityfreight` key), which only requests with a `cityfreight.battery` ever see.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// Keys an object had that no field of ours reads.
pub type Extra = BTreeMap<String, Value>;

/// A `[start, end]` pair of seconds.
pub type Window = [i64; 2];

/// The whole request of `POST /v1/solve` (and of `cityfreight solve`).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Input {
    /// Single-location tasks.
    #[serde(default)]
    pub jobs: Vec<Job>,
    /// Pickup-and-delivery pairs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shipments: Vec<Shipment>,
    /// The vehicles.
    #[serde(default)]
    pub vehicles: Vec<Vehicle>,
    /// Matrices per routing profile.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub matrices: BTreeMap<String, Matrices>,
    /// cityfreight's options (solver budget, departure moment of time 0, geometry).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cityfreight: Option<Options>,
    /// Unknown keys.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The top-level `cityfreight` extension.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Options {
    /// Search iterations per thread (deterministic when the time limit is not reached first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iterations: Option<u64>,
    /// Wall-clock budget of the search (s); capped by the server's per-request limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_limit: Option<f64>,
    /// Random seed (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Search threads (default 1; at most the server's worker threads).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threads: Option<usize>,
    /// The week moment that time 0 stands for, `Tu 00:00` style (default `Mo 00:00`): selects
    /// the hour bands of the city policy when routing on the extract.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zero: Option<String>,
    /// Add each route's road geometry (GeoJSON `LineString` coordinates) when routing on the
    /// extract.
    #[serde(default)]
    pub geometry: bool,
    /// Loading bays: places with room for a few vehicles where nearby jobs are served on foot.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bays: Vec<Bay>,
    /// Charging stations for vehicles with a `cityfreight.battery`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub charging: Vec<Station>,
    /// Walking speed from a bay to a door (m/s; default 1.2, as in scenarios).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub walk_speed: Option<f64>,
    /// Walking distance over straight-line distance (default 1.3, as in scenarios).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub walk_detour: Option<f64>,
    /// Unknown keys.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A loading bay (`cityfreight.bays[]`): a vehicle parks there, within its hours and for at most
/// `max_dwell`, and serves the jobs it may serve on foot (walking there and back is added to the
/// stop). At most `capacity` vehicles stay at once.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Bay {
    /// User id (named in output steps and violations).
    pub id: String,
    /// `[lon, lat]` (vehicles routing on the extract).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<[f64; 2]>,
    /// Row and column in the matrices (vehicles with matrices).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_index: Option<usize>,
    /// Vehicles that may stay at once (default 1).
    #[serde(default = "one")]
    pub capacity: u32,
    /// Opening hours, `[start, end]` seconds (default: always open); every stay lies inside one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub time_windows: Vec<Window>,
    /// Longest stay per vehicle (s; default: no limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_dwell: Option<i64>,
    /// Ids of the jobs that may be served from the bay.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub jobs: Vec<u64>,
    /// Jobs whose `location` lies within this many metres (straight line) of the bay's may be
    /// served from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub radius: Option<f64>,
    /// Walking time there and back for every job served from the bay (s; default: from the
    /// coordinates, `2 * straight * walk_detour / walk_speed`, rounded up).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub walk: Option<i64>,
    /// Unknown keys.
    #[serde(flatten)]
    pub extra: Extra,
}

fn one() -> u32 {
    1
}

/// A charging station (`cityfreight.charging[]`), charging linearly at `power_kw`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Station {
    /// User id (named in output steps).
    pub id: String,
    /// `[lon, lat]` (vehicles routing on the extract).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<[f64; 2]>,
    /// Row and column in the matrices (vehicles with matrices).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_index: Option<usize>,
    /// Charging power (kW).
    pub power_kw: f64,
    /// Opening hours, `[start, end]` seconds (default: always open); a charge lies inside one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub time_windows: Vec<Window>,
    /// Unknown keys.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A vehicle's battery (`vehicles[].cityfreight.battery`): it leaves its start full, never
/// arrives anywhere below `reserve_wh` and charges only at the request's stations.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Battery {
    /// Usable capacity (Wh).
    pub capacity_wh: i64,
    /// Consumption (Wh per km driven).
    pub consumption_wh_per_km: i64,
    /// Charge that must remain at every arrival (Wh, default 0).
    #[serde(default)]
    pub reserve_wh: i64,
    /// `partial` (default: just enough to reach the next charging stop or the end) or `full`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charge: Option<String>,
    /// Ids of the stations it may use (default: all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stations: Option<Vec<String>>,
    /// Unknown keys.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A job (VROOM `jobs[]`).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Job {
    /// User id.
    pub id: u64,
    /// Text passed through to the output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `[lon, lat]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<[f64; 2]>,
    /// Row and column in the matrices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_index: Option<usize>,
    /// Setup time (s), before service.
    #[serde(default)]
    pub setup: i64,
    /// Service time (s).
    #[serde(default)]
    pub service: i64,
    /// Delivered amounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<Vec<i64>>,
    /// Picked-up amounts (carried from the job to the route's end).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pickup: Option<Vec<i64>>,
    /// Deprecated VROOM alias of `delivery`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Vec<i64>>,
    /// Skills a vehicle must have.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<u32>,
    /// 0..=100: higher is kept assigned first.
    #[serde(default)]
    pub priority: u32,
    /// Windows for the start of service.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub time_windows: Vec<Window>,
    /// What the entry stands for (a job unless the mapping appended it for a shipment).
    #[serde(skip)]
    pub task: Task,
    /// Unknown keys.
    #[serde(flatten)]
    pub extra: Extra,
}

/// What an entry of [`Input::jobs`] stands for: a job as given, or (after the mapping appends
/// them, see `mapping::expand`) one side of shipment `s`. Never read from or written to JSON.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Task {
    /// A job of the request.
    #[default]
    Job,
    /// The pickup of `shipments[s]`.
    Pickup(usize),
    /// The delivery of `shipments[s]`.
    Delivery(usize),
}

impl Task {
    /// VROOM's step and unassigned `type` for it.
    pub fn kind(self) -> &'static str {
        match self {
            Task::Job => "job",
            Task::Pickup(_) => "pickup",
            Task::Delivery(_) => "delivery",
        }
    }
}

/// A shipment (VROOM `shipments[]`): `amount` loaded at `pickup` and unloaded at `delivery`, by
/// the same vehicle, pickup first.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Shipment {
    /// What rides from the pickup to the delivery, per amount dimension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Vec<i64>>,
    /// Skills a vehicle must have.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<u32>,
    /// 0..=100: higher is kept assigned first.
    #[serde(default)]
    pub priority: u32,
    /// Where it is loaded.
    pub pickup: ShipmentStep,
    /// Where it is unloaded.
    pub delivery: ShipmentStep,
    /// Unknown keys.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One side of a shipment (VROOM `shipments[].pickup` and `.delivery`).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct ShipmentStep {
    /// User id (unique among the shipments' pickups, or among their deliveries).
    pub id: u64,
    /// Text passed through to the output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `[lon, lat]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<[f64; 2]>,
    /// Row and column in the matrices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_index: Option<usize>,
    /// Setup time (s), before service.
    #[serde(default)]
    pub setup: i64,
    /// Service time (s).
    #[serde(default)]
    pub service: i64,
    /// Windows for the start of service.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub time_windows: Vec<Window>,
    /// Unknown keys.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Per-vehicle costs (VROOM `vehicles[].costs`).
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Costs {
    /// Cost of using the vehicle.
    #[serde(default)]
    pub fixed: i64,
    /// Cost per hour of travel (default 3600: cost = travel seconds).
    #[serde(default = "default_per_hour")]
    pub per_hour: i64,
    /// Cost per km travelled.
    #[serde(default)]
    pub per_km: i64,
    /// Unknown keys.
    #[serde(flatten)]
    pub extra: Extra,
}

fn default_per_hour() -> i64 {
    3600
}

impl Default for Costs {
    fn default() -> Self {
        Self {
            fixed: 0,
            per_hour: 3600,
            per_km: 0,
            extra: Extra::new(),
        }
    }
}

/// A vehicle (VROOM `vehicles[]`).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Vehicle {
    /// User id.
    pub id: u64,
    /// Routing profile: a key of `matrices`, or a vehicle class of the loaded extract (default
    /// `car`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// Text passed through to the output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `[lon, lat]` of the start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<[f64; 2]>,
    /// Matrix index of the start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_index: Option<usize>,
    /// `[lon, lat]` of the end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<[f64; 2]>,
    /// Matrix index of the end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_index: Option<usize>,
    /// Capacity per amount dimension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<Vec<i64>>,
    /// Costs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub costs: Option<Costs>,
    /// Skills held.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<u32>,
    /// Working hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_window: Option<Window>,
    /// Breaks (not supported: any entry is a 400).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub breaks: Vec<Value>,
    /// Travel times are divided by this (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed_factor: Option<f64>,
    /// Most jobs per route.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tasks: Option<i64>,
    /// Longest total travel time (s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_travel_time: Option<i64>,
    /// Longest total distance (m).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_distance: Option<i64>,
    /// A given route: check mode.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<VehicleStep>,
    /// cityfreight's per-vehicle extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cityfreight: Option<VehicleOptions>,
    /// Unknown keys.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The per-vehicle `cityfreight` extension.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct VehicleOptions {
    /// A permit of the server's policy the vehicle holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permit: Option<String>,
    /// A battery (electric vehicles that may stop at the request's charging stations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub battery: Option<Battery>,
    /// Unknown keys.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One step of a given route (VROOM `vehicles[].steps[]`).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct VehicleStep {
    /// `start`, `job`, `pickup`, `delivery`, `end`, or cityfreight's `charge` (`break` is not
    /// supported).
    #[serde(rename = "type")]
    pub kind: String,
    /// Job id for `job` steps, the shipment side's id for `pickup` and `delivery` steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// Not supported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_at: Option<Value>,
    /// Not supported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_after: Option<Value>,
    /// Not supported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_before: Option<Value>,
    /// Where a `job` step is served from (a bay) or what a `charge` step charges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cityfreight: Option<StepOptions>,
    /// Unknown keys.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The `cityfreight` object of a given step.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct StepOptions {
    /// A `job` step served from this bay (its id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bay: Option<String>,
    /// A `charge` step at this station (its id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub station: Option<String>,
    /// Energy a `charge` step adds (Wh).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub energy_wh: Option<i64>,
    /// Unknown keys.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The matrices of one profile.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Matrices {
    /// Travel times (s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub durations: Option<Vec<Vec<i64>>>,
    /// Distances (m).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distances: Option<Vec<Vec<i64>>>,
    /// Costs (replace the per-vehicle `costs` rule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub costs: Option<Vec<Vec<i64>>>,
    /// Unknown keys.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The answer of `POST /v1/solve`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct Output {
    /// 0: no error.
    pub code: u32,
    /// Totals.
    pub summary: Summary,
    /// Jobs not served.
    pub unassigned: Vec<Unassigned>,
    /// One per used vehicle.
    pub routes: Vec<OutRoute>,
}

/// Solution totals.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct Summary {
    /// Total cost.
    pub cost: i64,
    /// Routes.
    pub routes: usize,
    /// Unassigned jobs.
    pub unassigned: usize,
    /// Total delivery.
    pub delivery: Vec<i64>,
    /// Total pickup.
    pub pickup: Vec<i64>,
    /// Total setup (s).
    pub setup: i64,
    /// Total service (s).
    pub service: i64,
    /// Total travel time (s).
    pub duration: i64,
    /// Total waiting (s).
    pub waiting_time: i64,
    /// Sum of the priorities of assigned jobs.
    pub priority: u64,
    /// Total distance (m), when distances are known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distance: Option<i64>,
    /// Violations (check mode).
    pub violations: Vec<OutViolation>,
    /// Milliseconds spent.
    pub computing_times: ComputingTimes,
}

/// Milliseconds spent per phase.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct ComputingTimes {
    /// Parsing and matrices.
    pub loading: u64,
    /// Search (or checking).
    pub solving: u64,
    /// Road geometry.
    pub routing: u64,
}

/// An unassigned job or shipment side.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct Unassigned {
    /// Job id, or the shipment side's id.
    pub id: u64,
    /// `job`, `pickup` or `delivery`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `[lon, lat]`, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<[f64; 2]>,
    /// Matrix index, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_index: Option<usize>,
    /// Description, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A route of the answer.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct OutRoute {
    /// Vehicle id.
    pub vehicle: u64,
    /// Cost.
    pub cost: i64,
    /// Delivered.
    pub delivery: Vec<i64>,
    /// Picked up.
    pub pickup: Vec<i64>,
    /// Setup (s).
    pub setup: i64,
    /// Service (s).
    pub service: i64,
    /// Travel time (s).
    pub duration: i64,
    /// Waiting (s).
    pub waiting_time: i64,
    /// Sum of priorities.
    pub priority: u64,
    /// Distance (m), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distance: Option<i64>,
    /// Vehicle description, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Stops.
    pub steps: Vec<OutStep>,
    /// Violations (check mode).
    pub violations: Vec<OutViolation>,
    /// Road geometry as GeoJSON `LineString` (requested with `cityfreight.geometry`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geometry: Option<Value>,
}

/// A step of an answered route.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct OutStep {
    /// `start`, `job`, `pickup`, `delivery`, `end`, or cityfreight's `charge` (a charging stop of
    /// a battery vehicle).
    #[serde(rename = "type")]
    pub kind: String,
    /// Arrival (s).
    pub arrival: i64,
    /// Travel time so far (s).
    pub duration: i64,
    /// Setup (s).
    pub setup: i64,
    /// Service (s).
    pub service: i64,
    /// Waiting before service (s).
    pub waiting_time: i64,
    /// Load after the step.
    pub load: Vec<i64>,
    /// Distance so far (m), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distance: Option<i64>,
    /// Job id (job steps), the shipment side's id (pickup and delivery steps).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// `[lon, lat]`, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<[f64; 2]>,
    /// Matrix index, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_index: Option<usize>,
    /// Description, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Violations at this step (check mode).
    pub violations: Vec<OutViolation>,
    /// A job served from a bay (`bay`, `walk` s, part of `service`); a charging stop
    /// (`station`, `energy_wh`; `service` is the charging time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cityfreight: Option<OutStepInfo>,
}

/// The `cityfreight` object of an answered step.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct OutStepInfo {
    /// The bay a job is served from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bay: Option<String>,
    /// Walking there and back from the bay (s), included in the step's `service`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub walk: Option<i64>,
    /// The station of a charging stop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub station: Option<String>,
    /// Energy charged (Wh).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub energy_wh: Option<i64>,
}

/// A broken rule in check mode: VROOM's causes (`delay`, `load`, `skills`, `precedence`,
/// `max_tasks`, `max_travel_time`, `max_distance`, ...) plus the city's (`closed_zone`, `permit`,
/// `permit_quota`, `bay`, `battery`, `charging`).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct OutViolation {
    /// The cause.
    pub cause: String,
    /// Seconds late (`delay`) or over (`max_travel_time`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    /// What exactly (zone ids, permit id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}
