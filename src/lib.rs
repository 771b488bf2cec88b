//! # cityfreight
//!
//! An urban delivery route and vehicle-permit optimization engine: OpenStreetMap road graphs per
//! delivery vehicle class, permit zones, loading points, travel-time matrices and a parallel
//! vehicle-routing solver, for city transport planners, express companies and traffic police.
//!
//! ## Data flow
//!
//! ```text
//! .osm.pbf ──osm::read_pbf──▶ OsmExtract ──graph::build_graph(classes)──▶ RoadGraph ──▶ SnapIndex
//!   (ways, nodes, restrictions,       (CSR, per-class edge masks,        (R-tree of
//!    access rules parsed)              turn copies, largest SCC)          road segments)
//!                                              │
//!   Metric::new(class, time).with_traffic ─────┤  per-edge time (ms) / length (cm), closed = CLOSED
//!                                              ▼
//!               routing::route(snap → snap) ── Dijkstra over seeds ──▶ Route (time, distance, geometry)
//!                                              │
//!   RoadGraph ──cch::Topology──▶ nested_dissection_order ──▶ Cch (cached next to the extract)
//!   Metric ──Cch::customize──▶ CustomizedMetric ──many_to_many(seeds)──▶ matrix::TravelMatrix
//!   matrix::HourBands: the week cut where any rule switches or speeds change; bands with equal
//!   access and congestion share a metric; matrix::Conditions (policy, permit, traffic) builds both
//!
//! scenario.toml ──io::scenario──▶ Scenario (classes, zones::Policy, carriers, fleets, orders)
//!   ──Scenario::validate──▶ plan::plan: per pool (plan/pool.rs) solver::model::Problem (profiles
//!   per class+permit, hour bands, bay sites, zone fees) ──plan/solve.rs: solver::solve──▶ Solution
//!   ──solver::check──▶ verdict ──plan/replay.rs: solver::schedule + road legs──▶ plan::Plan + KPIs
//! ```
//!
//! ## Codemap
//!
//! * [`time`] — [`time::WeekTime`] (seconds since Monday 00:00) and weekly [`time::Schedule`]s
//!   parsed from the opening_hours subset used in conditional tags. Knows nothing of roads.
//! * [`vehicle`] — [`vehicle::VehicleClass`] and the documented defaults. Never reads files.
//! * [`osm`] — reading PBF (own framing, parallel block decoding, merged in file order), tag
//!   grammars ([`osm::tags`]), the access hierarchy with conditional rules ([`osm::access`]),
//!   turn restrictions ([`osm::restriction`]). Never builds graphs; never panics on bad bytes.
//! * [`graph`] — [`graph::RoadGraph`]: dense `u32` nodes and CSR edges shared by all classes,
//!   one access bit per class per edge; turn restrictions expressed by splitting via nodes
//!   ("turn copies"), so every algorithm on the plain node graph honours them; each class keeps
//!   its largest strongly connected component ([`graph::components`]); snapping onto road
//!   segments ([`graph::snap`]). Never runs shortest paths.
//! * [`traffic`] — congestion by hour: [`traffic::Traffic`], a travel-time factor per road class
//!   and hour of the week with per-way overrides (probe speeds), the documented
//!   [`traffic::DEFAULT_PROFILE`] of a large Chinese city, [`traffic::Traffic::boundaries`] where
//!   speeds change and [`traffic::Traffic::hour_states`] so equal hours share a metric. Knows roads
//!   only through their class and OSM way id; never reads files (`io/traffic.rs` does).
//! * [`routing`] — [`routing::Metric`] (weights for one class at one moment, scaled by the
//!   congestion then with [`routing::Metric::with_traffic`]), [`routing::Seed`]s
//!   for positions part-way along a road, the reference [`routing::Dijkstra`], and route
//!   assembly with geometry. Never decides access; reads it from the graph.
//! * [`cch`] — customizable contraction hierarchies on the plain node graph: nested-dissection
//!   order, metric-independent structure (versioned cache file with a topology fingerprint),
//!   parallel customization per metric, elimination-tree queries with path unpacking, and the
//!   parallel bucket many-to-many. Never sees OSM, classes or turns; never exposes
//!   "unreachable" as a number. Its design notes are in `docs/cch.md`.
//! * [`matrix`] — travel matrices for a class and hour band: [`matrix::HourBands`],
//!   [`matrix::Conditions`] (policy, zone tags, permit and traffic: the one place route and
//!   matrix queries, the service and plans build bands and metrics, so they agree on every time;
//!   a vehicle ready at a moment may wait for a later, faster band, as the solver's
//!   `Profile::drive` decides: [`network::Network::route_at`], [`matrix::TravelMatrix::wait_for`]),
//!   [`matrix::MatrixEngine`] (the graph's CCH, cached) and [`matrix::TravelMatrix`], whose entries
//!   equal `routing::route` for the same points (same seeds, plus the direct same-road stretch).
//! * [`zones`] — the city's own rules as data: zones (areas), rules (vehicle selector, weekly
//!   hours, effect: forbid, permit required, fee, penalty), permits with quotas; roads tagged by
//!   zone once ([`zones::ZoneTags`]); [`zones::Policy::closed_zones`] for a class, moment and
//!   permit. Metrics and hour bands take a policy (`Metric::with_policy`,
//!   `HourBands::with_policy`). Never reads files.
//! * [`solver`] — the VRP solver (problem model, independent checker, parallel SISR search, sites
//!   with limited room such as loading bays, parcel lockers with a cumulative capacity
//!   (`solver/evaluation/lockers.rs`), batteries with charging stops placed by labelling,
//!   zone fees per vehicle type in `solver/evaluation/fees.rs`, one pricing rule for every evaluator in
//!   `route_state::route_cost`, and the timetable of a finished route in
//!   `solver/evaluation/schedule.rs`; load segments for simultaneous pickup and delivery in
//!   `solver/evaluation/load.rs`; shipments (pickup-and-delivery pairs: one route, pickup first,
//!   both or neither served) kept whole in `solver/evaluation/pairs.rs`, removed and inserted as
//!   one unit by ruin and recreate; local search with five moves on every route kind in
//!   `solver/operators/` (off the O(1) paths priced by `RouteState::splice_cost`, rolled forward
//!   from the first changed stop), plus SWAP* in `swap_star.rs`, off by default), in folders by layer: `problem/` (measures, matrices, the
//!   validated problem, the solution), `check.rs` (the independent checker), `evaluation/` (where
//!   each constraint is checked during the search), `operators/`, `search/`; a small public face
//!   at `solver::` (`Problem`, `Solution`, `solve`, `check`, `schedule`); its own codemap is in
//!   `solver/mod.rs` and `docs/solver.md`. [`instances`] reads benchmark files.
//! * [`scenario`] — a planning scenario as plain data, with every rule of an assembled scenario in
//!   [`scenario::Scenario::validate`] (`scenario/validate.rs`: all problems at once, each naming
//!   its carrier, fleet entry, order, permit or bay); the reader, sweep variants, two-tier tiers
//!   and the planning entry points all go through it, the reader keeping only what is about the
//!   file. [`plan`] turns a scenario into a checked plan:
//!   one problem per carrier (orders served at the door or from a bay within walking distance;
//!   an order may also pick up parcels, returns or packaging, carried to the next reload or the
//!   depot, with the load aboard within capacity at every point;
//!   bays are solver sites, booked across carriers; parcel lockers and pickup points
//!   ([`scenario::lockers`]: receivers who accept one, by an orders column or a seeded share,
//!   at a cost per parcel) are solver lockers with a cumulative capacity, booked across
//!   carriers the same way; battery vans and trucks charge at the
//!   scenario's stations; zone fees and penalties priced per drive into a charged zone and per
//!   day, see `io/policy.rs`), in three phases (`plan/pool.rs` builds the problem, `plan/solve.rs`
//!   searches and checks it, `plan/replay.rs` replays it with the solver's timetable: waiting for a
//!   zone to open included, no idling at the first stop), road legs with zone kilometres and
//!   entries, and [`plan::Kpis`] (typed [`plan::kpi::Kpi`] names with
//!   their units and [`plan::kpi::Scope`]s; violations typed as [`plan::PlanViolation`]); [`plan::check`] judges a plan made
//!   elsewhere against the scenario alone (solver checker, zone rules, permits, legal timing);
//!   [`plan::share`] plans every coalition of carriers (pooled problems in which unshared orders
//!   are unreachable for other carriers' vehicles) and allocates the pooled cost (Shapley,
//!   proportional, core check; orders no vehicle of any carrier can reach carry no penalty in the
//!   game); exact up to 12 carriers (4,095 coalitions, meant to be planned in shards), above
//!   that the Shapley values are sampled over seeded
//!   random orders of the carriers, with standard errors and a Hoeffding bound, and only the
//!   coalitions those orders need are planned. The coalition list is data
//!   ([`plan::share::coalition_list`]), any subset of it can be planned
//!   ([`plan::share::plan_coalitions`]) and the report is assembled from the runs of the whole
//!   list ([`plan::share::assemble`]), so shards on a cluster give the same report. Travel matrices are computed once per (class,
//!   permit, hour band) over all the carriers' locations and sliced per pool (`plan/matrices.rs`).
//!   [`plan::two_tier`] compares direct vans with two-tier delivery ([`scenario::two_tier`]:
//!   night trucks carry each carrier's parcels as loads to a consolidation centre, unloaded
//!   before the last mile starts; the centre's fleet, e-tricycles reloading there, delivers every
//!   shareable order; non-shareable orders stay with their carrier's own vans), all planned as
//!   ordinary scenarios under the same policy.
//! * [`sweep`] — variants of a scenario (rule hours, quotas, electrification, pooling) planned in
//!   parallel; results stored per variant by the I/O layer so an interrupted sweep resumes.
//! * [`shard`] — which runs of a sweep or share table one process (a cluster array task) plans:
//!   `--shard I/N`, or the scheduler's variables (Slurm job arrays, Kubernetes Indexed Jobs).
//!   Runs are data: [`io::runs`] names each by a SHA-256 content hash (scenario and every file it
//!   reads, the variant or coalition, seed, budget), stores its result atomically under that hash
//!   in a shared results folder with a manifest, and `cityfreight merge DIR` (`cli/merge.rs`)
//!   writes the single-process tables from them or lists the runs missing or failed.
//! * [`network`] — the library front door: load an extract, snap, route.
//! * [`geometry`] — haversine lengths and the local planar projection used for snapping.
//! * [`io`] — user files (vehicle classes, points, zones GeoJSON, policy and scenario TOML with
//!   its `[two_tier]` table, orders CSV, bays, charging stations and parcel lockers CSV/GeoJSON), outputs
//!   (matrices; plan.json, routes.geojson, KPIs) and atomic writes (a file, or an output folder as
//!   one set: written beside it and renamed over it); with [`cli`] and [`service`] the only
//!   layers that derive `Serialize`/`Deserialize` ([`report`] builds `serde_json` values and
//!   derives nothing). One error shape for every file
//!   ([`io::file::FileError`]), every CSV through the `csv` crate ([`io::table`]), and GCJ-02 /
//!   BD-09 coordinates converted to WGS84 on reading ([`io::crs`]): no other layer ever sees a
//!   non-WGS84 coordinate.
//! * [`report`] — the HTML report: one self-contained page (`report.html`, with its data object
//!   in `report.json`) beside the results of `plan`, `share`, `two-tier`, `sweep` and
//!   `check --out`, and the policy's public notice alone (`cityfreight report --policy`):
//!   [`report::data`] builds the data object from results in memory (routes and stops,
//!   timelines, streets and zone entries per hour, KPIs, allocation, sweep deltas, violations
//!   placed on the map, the policy in words from [`report::text`]); [`report::render`] inlines
//!   it with the vendored Leaflet 1.9.4 and the page's script. The page never fetches anything;
//!   the basemap is the extract's road network. With [`io`] and [`cli`] the only layers that
//!   know the page format. Never plans or computes a KPI.
//! * [`service`] — the HTTP layer (axum/tokio): VROOM-compatible `POST /v1/solve` and its
//!   offline twin `cityfreight solve` ([`service::vroom`] types, [`service::mapping`] to and
//!   from [`solver::Problem`]: bays as solver sites, charging stations and batteries,
//!   `max_tasks` as a free load dimension; check mode judged by [`solver::check`] plus the
//!   city's rules),
//!   OSRM-like `/v1/table` and `/v1/route` per class, hour and permit ([`service::travel`] on
//!   [`service::roads`]), scenario jobs kept on disk ([`service::jobs`], [`service::job_api`]),
//!   tokens and roles ([`service::auth`]), cancelling a job raises its searches'
//!   [`solver::StopFlag`] (`scenario.solver.stop`, polled every iteration), one JSON error
//!   shape ([`service::error`]) and
//!   `/openapi.json`. Never runs CPU work on the async threads (a bounded queue in front of
//!   blocking workers); with `io` and `cli` the only layers that derive `Serialize`/`Deserialize`.
//! * [`cli`] — the `cityfreight` binary: argument parsing, progress bars, printing, exit codes
//!   (0, 1 on errors, 2 on usage, 4 when `check` finds a plan not compliant), all decided at its
//!   one exit point, [`cli::main`]; nothing else calls `std::process::exit`.
//!
//! ## Invariants
//!
//! * Internal units are integers with one scale each. Road layers: time in milliseconds (`u32`
//!   per edge), length in centimetres. Vehicles and scenarios: sizes in millimetres, weights in
//!   grams (orders) and kilograms (class payloads), volumes in millilitres, money in cents. The
//!   solver: seconds, metres, milli-cents ([`solver::measure`]). Conversions happen in `io`, `cli`
//!   and the `plan/` bridge only, through named constants (`MILLI_CENTS_PER_CENT`,
//!   `MILLI_CENTS_PER_YUAN`, `CM_PER_KM`, `matrices::SNAP_RADIUS_M`).
//! * A plan's times are the solver's: routes leave their depot at the departure the solver priced
//!   (the latest that still reaches the first stop in time), via [`solver::schedule`], which the
//!   replay calls rather than re-deriving timing.
//! * Paths minimise travel time, ties broken by shorter distance (lexicographic); every faster
//!   technique must return exactly what [`routing::Dijkstra`] returns (tested against a plain
//!   O(n²) oracle in `tests/common`).
//! * Conditional access rules and congestion are evaluated at the departure time for the whole
//!   trip (hour-band model); [`graph::RoadGraph::rule_boundaries`] lists the moments where any
//!   rule switches, [`traffic::Traffic::boundaries`] where speeds change. A vehicle may wait for
//!   a later band that arrives sooner, so arrival is FIFO (leaving later never arrives earlier)
//!   everywhere: routes, matrices, plans and checks.
//! * Everything is deterministic: the same file and classes give the same graph on any number of
//!   threads (tested), and no decision depends on hash-map iteration order.
//! * Library layers never print and never exit; errors are `thiserror` enums that name the file,
//!   record or argument.

pub mod cch;
pub mod cli;
pub mod geometry;
pub mod graph;
pub mod instances;
pub mod io;
pub mod matrix;
pub mod network;
pub mod osm;
pub mod plan;
pub mod report;
pub mod routing;
pub mod scenario;
pub mod service;
pub mod shard;
pub mod solver;
pub mod sweep;
pub mod time;
pub mod traffic;
pub mod vehicle;
pub mod zones;
