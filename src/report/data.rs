//! The report's data object: one JSON value per page, built from the results in memory (a
//! plan, a share or two-tier report, a sweep's outcomes, a check's verdict, or a policy alone)
//! and the scenario they came from. The page's script reads only this object.
//!
//! Owns: what the page shows and its encoding (coordinates as delta-encoded integers of
//! 1e-5 degrees, geometry simplified; times in seconds after midnight; money in yuan).
//! Must never: plan, check or recompute a KPI; every number comes from the result it shows
//! (the timeline only splits a route's own times into driving, waiting, service and charging).
//! Invariants: every route of a plan and every stop of a route appear exactly once, in order;
//! street counts are the plan's `streets` rows; zone entries per hour add up to the plan's
//! `entries` KPI per zone (tested in `tests/report.rs`).

use super::text;
use crate::graph::RoadGraph;
use crate::io::sweep::Sweep;
use crate::plan::check::{CheckOutcome, SubmittedPlan};
use crate::plan::share::{ShapleyMethod, ShareReport};
use crate::plan::two_tier::TwoTierReport;
use crate::plan::{Kpis, Plan, PlannedRoute};
use crate::scenario::two_tier::TwoTier;
use crate::scenario::{DeliveryOrder, Scenario};
use crate::sweep::Outcome;
use crate::time::{clock, WeekTime, DAY, WEEK};
use crate::vehicle::VehicleClass;
use crate::zones::Policy;
use geo::{Coord, LineString, Simplify};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Version of the data object; `cityfreight report DIR` refuses other versions.
pub const FORMAT: u64 = 1;
/// Coordinates are written as integers of this many degrees.
const SCALE: f64 = 1e5;
/// Geometry simplification tolerance (degrees; about 2 m).
const SIMPLIFY_DEG: f64 = 2e-5;
/// OpenStreetMap's attribution, required by the ODbL for the basemap and every road geometry.
pub const ATTRIBUTION: &str =
    "Road network © OpenStreetMap contributors, ODbL 1.0 (openstreetmap.org/copyright)";

fn r(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

/// A polyline as `[lon0, lat0, dlon1, dlat1, ...]` in units of 1e-5 degrees, simplified.
pub fn encode(points: &[[f64; 2]]) -> Vec<i64> {
    let line: LineString<f64> = points.iter().map(|&[x, y]| Coord { x, y }).collect();
    let simple = line.simplify(SIMPLIFY_DEG);
    let mut out = Vec::with_capacity(simple.0.len() * 2);
    let (mut px, mut py) = (0i64, 0i64);
    for c in simple.0 {
        let (x, y) = ((c.x * SCALE).round() as i64, (c.y * SCALE).round() as i64);
        if !out.is_empty() && x == px && y == py {
            continue;
        }
        out.push(x - px);
        out.push(y - py);
        (px, py) = (x, y);
    }
    out
}

/// The inverse of [`encode`] (for tests and readers of `report.json`).
pub fn decode(flat: &[i64]) -> Vec<[f64; 2]> {
    let (mut x, mut y) = (0i64, 0i64);
    flat.chunks(2)
        .filter(|c| c.len() == 2)
        .map(|c| {
            x += c[0];
            y += c[1];
            [x as f64 / SCALE, y as f64 / SCALE]
        })
        .collect()
}

fn pos(p: [f64; 2]) -> [f64; 2] {
    [r(p[0], 6), r(p[1], 6)]
}

/// The road graph's ways as polylines: per way index, its roads chained end to end.
struct Ways {
    lines: Vec<Vec<Vec<[f64; 2]>>>,
    by_osm: BTreeMap<i64, usize>,
}

impl Ways {
    fn new(graph: &RoadGraph) -> Ways {
        let mut roads_of: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for road in 0..graph.road_count() as u32 {
            roads_of.entry(graph.road(road).way).or_default().push(road);
        }
        let ways = roads_of.keys().next_back().map_or(0, |&w| w as usize + 1);
        let mut lines = vec![Vec::new(); ways];
        let mut by_osm = BTreeMap::new();
        for (way, roads) in roads_of {
            let mut chains: Vec<(u32, Vec<[f64; 2]>)> = Vec::new();
            for road in roads {
                let g = graph.road_geometry(road);
                let info = graph.road(road);
                match chains.last_mut() {
                    Some((end, chain)) if *end == info.from => {
                        chain.extend_from_slice(&g[1.min(g.len())..]);
                        *end = info.to;
                    }
                    _ => chains.push((info.to, g.to_vec())),
                }
            }
            lines[way as usize] = chains.into_iter().map(|(_, c)| c).collect();
        }
        for road in 0..graph.road_count() as u32 {
            let way = graph.road(road).way;
            by_osm
                .entry(graph.road_way(road).osm_id)
                .or_insert(way as usize);
        }
        Ways { lines, by_osm }
    }
}

/// Everything a page draws besides its results: the basemap, the policy, bays, chargers, depots.
pub(crate) struct Context<'a> {
    graph: &'a RoadGraph,
    policy: &'a Policy,
    scenario: Option<&'a Scenario>,
    ways: Ways,
}

impl<'a> Context<'a> {
    pub(crate) fn new(
        graph: &'a RoadGraph,
        policy: &'a Policy,
        scenario: Option<&'a Scenario>,
    ) -> Context<'a> {
        Context {
            graph,
            policy,
            scenario,
            ways: Ways::new(graph),
        }
    }

    /// The extract's roads by road class, simplified.
    fn basemap(&self) -> Value {
        let mut classes: Vec<&'static str> = Vec::new();
        let mut lines = Vec::new();
        let mut seen = vec![false; self.ways.lines.len()];
        for road in 0..self.graph.road_count() as u32 {
            let way = self.graph.road(road).way as usize;
            if std::mem::replace(&mut seen[way], true) {
                continue;
            }
            let class = self.graph.road_way(road).road_class.name();
            let k = match classes.iter().position(|c| *c == class) {
                Some(k) => k,
                None => {
                    classes.push(class);
                    classes.len() - 1
                }
            };
            for line in &self.ways.lines[way] {
                lines.push(json!([k, encode(line)]));
            }
        }
        let (lo, hi) = self.graph.extent();
        json!({"classes": classes, "lines": lines, "bounds": [pos(lo), pos(hi)]})
    }

    /// Zones with their rules in words, rules, and permits with eligibility and quotas.
    fn policy(&self) -> Value {
        let p = self.policy;
        let zone_ids = |zs: &[usize]| {
            zs.iter()
                .map(|&z| p.zones[z].id.clone())
                .collect::<Vec<_>>()
        };
        let zones: Vec<Value> = p
            .zones
            .iter()
            .enumerate()
            .map(|(z, zone)| {
                let polygons: Vec<Vec<Vec<i64>>> = zone
                    .area
                    .0
                    .iter()
                    .map(|poly| {
                        std::iter::once(poly.exterior())
                            .chain(poly.interiors())
                            .map(|ring| {
                                encode(&ring.0.iter().map(|c| [c.x, c.y]).collect::<Vec<_>>())
                            })
                            .collect()
                    })
                    .collect();
                let rules: Vec<usize> = p
                    .rules
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.zones.contains(&z))
                    .map(|(k, _)| k)
                    .collect();
                json!({"id": zone.id, "name": zone.name, "polygons": polygons, "rules": rules})
            })
            .collect();
        let rules: Vec<Value> = p
            .rules
            .iter()
            .map(|rule| {
                json!({
                    "id": rule.id, "zones": zone_ids(&rule.zones), "hours": text::schedule(&rule.hours),
                    "vehicles": text::vehicles(&rule.vehicles), "effect": text::effect(&rule.effect),
                    "kind": text::effect_kind(&rule.effect),
                })
            })
            .collect();
        let permits: Vec<Value> = p
            .permits
            .iter()
            .map(|permit| {
                json!({
                    "id": permit.id, "zones": zone_ids(&permit.zones), "hours": text::schedule(&permit.hours),
                    "eligible": text::vehicles(&permit.eligible), "quota_total": permit.quota_total,
                    "quota_per_carrier": permit.quota_per_carrier.iter().map(|(c, q)| json!([c, q])).collect::<Vec<_>>(),
                    "fee_yuan": f64::from(permit.fee_cents) / 100.0,
                })
            })
            .collect();
        json!({"zones": zones, "rules": rules, "permits": permits})
    }

    /// Bays, chargers, depots and parcel lockers of the scenario (empty without one).
    fn places(&self) -> Value {
        let Some(s) = self.scenario else {
            return json!({"bays": [], "chargers": [], "depots": [], "lockers": []});
        };
        let bays: Vec<Value> = s
            .bays
            .iter()
            .map(|b| {
                json!({
                    "id": b.id, "pos": pos(b.lon_lat), "capacity": b.capacity, "hours": text::schedule(&b.hours),
                    "max_dwell_min": b.max_dwell_s / 60, "clean_extra_min": b.clean_extra_s / 60, "radius_m": b.radius_m,
                })
            })
            .collect();
        let chargers: Vec<Value> = s
            .stations
            .iter()
            .map(|c| {
                json!({
                    "id": c.id, "pos": pos(c.lon_lat), "power_kw": c.power_kw, "connectors": c.connectors,
                    "hours": text::schedule(&c.hours), "price_yuan_per_kwh": f64::from(c.price_cents_per_kwh) / 100.0,
                })
            })
            .collect();
        let depots: Vec<Value> = s
            .carriers
            .iter()
            .map(|c| json!({"id": c.id, "carrier": c.id, "pos": pos(c.depot)}))
            .collect();
        let lockers: Vec<Value> = s
            .lockers
            .list
            .iter()
            .map(|l| {
                json!({
                    "id": l.id, "name": l.name, "kind": l.kind.name(), "pos": pos(l.lon_lat),
                    "capacity": l.capacity.total(), "hours": text::schedule(&l.hours),
                    "carriers": l.carriers.as_ref().map_or("all".to_string(), |c| c.join(", ")),
                })
            })
            .collect();
        json!({"bays": bays, "chargers": chargers, "depots": depots, "lockers": lockers})
    }

    /// The skeleton every page shares.
    pub(crate) fn page(&self, kind: &str, title: &str) -> Value {
        json!({
            "format": FORMAT,
            "kind": kind,
            "title": title,
            "generator": format!("cityfreight {}", env!("CARGO_PKG_VERSION")),
            "attribution": ATTRIBUTION,
            "day": self.scenario.map(|s| ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][usize::from(s.day % 7)]),
            "traffic": self.scenario.map(|s| s.traffic.source.clone()),
            "basemap": self.basemap(),
            "policy": self.policy(),
            "places": self.places(),
            "plans": [],
        })
    }

    fn class(&self, id: &str) -> Option<&VehicleClass> {
        self.scenario?.classes.iter().find(|c| c.id == id)
    }

    fn order(&self, carrier: Option<&str>, id: &str) -> Option<&DeliveryOrder> {
        let s = self.scenario?;
        let own = carrier.and_then(|c| s.carriers.iter().find(|k| k.id == c));
        own.into_iter()
            .chain(s.carriers.iter())
            .find_map(|c| c.orders.iter().find(|o| o.id == id))
    }

    /// Why a vehicle ready to leave at `ready` left at `depart` on a leg through `zones`.
    fn why_leave_late(
        &self,
        route_class: &str,
        permit: Option<&str>,
        ready: i64,
        zones: u64,
    ) -> String {
        if let (Some(s), Some(class)) = (self.scenario, self.class(route_class)) {
            let at = WeekTime::from_seconds(
                ((i64::from(s.day) * i64::from(DAY) + ready).rem_euclid(i64::from(WEEK))) as u32,
            );
            let closed =
                self.policy
                    .closed_zones(class, at, permit.and_then(|p| self.policy.permit(p)));
            let names: Vec<&str> = (0..self.policy.zones.len())
                .filter(|z| (closed & zones) >> z & 1 == 1)
                .map(|z| self.policy.zones[z].id.as_str())
                .collect();
            if !names.is_empty() {
                return format!("zone {} closed to this vehicle", names.join(", "));
            }
        }
        "leaves later (arrives no later)".to_string()
    }

    /// Why a stop's service starts after the arrival.
    fn why_wait(
        &self,
        carrier: Option<&str>,
        order: Option<&str>,
        bay: Option<&str>,
        start: i64,
    ) -> String {
        if let Some(o) = order.and_then(|id| self.order(carrier, id)) {
            if o.windows.iter().any(|&(a, _)| i64::from(a) == start) {
                return format!("time window opens {}", clock(start));
            }
        }
        if let Some(b) = bay {
            if let Some(bay) = self
                .scenario
                .and_then(|s| s.bays.iter().find(|x| x.id == b))
            {
                let t = WeekTime::on_day(self.scenario.map_or(0, |s| s.day), start.max(0) as u32);
                if bay.hours.intervals().iter().any(|&(a, _)| a == t.seconds()) {
                    return format!("bay {b} opens {}", clock(start));
                }
            }
            return format!("bay {b} full until {}", clock(start));
        }
        "waiting for the window".to_string()
    }

    /// A planned route: its line, stops and timeline.
    fn route(&self, route: &PlannedRoute) -> Value {
        let stops: Vec<Value> = route
            .stops
            .iter()
            .map(|s| {
                let mut stop = json!({
                    "kind": stop_kind(s.order.is_some(), s.station.is_some()),
                    "order": s.order, "order_carrier": s.order_carrier, "pos": pos(s.lon_lat),
                    "arrival": s.arrival_s, "start": s.start_s, "departure": s.departure_s,
                    "load_kg": r(s.load_after_g as f64 / 1000.0, 1),
                    "battery_kwh": s.battery_after_wh.map(|w| r(w as f64 / 1000.0, 2)),
                    "bay": s.bay, "walk_m": r(s.walk_m, 0), "station": s.station,
                    "charged_kwh": (s.charged_wh > 0).then(|| r(s.charged_wh as f64 / 1000.0, 2)),
                });
                // Only orders left at a parcel locker carry one (reports without lockers unchanged).
                if let Some(locker) = &s.locker {
                    stop["locker"] = json!(locker);
                }
                stop
            })
            .collect();
        // Timeline: per leg, a wait before leaving (if any) and the drive; per stop, a wait
        // before service and the service, charge or reload itself.
        let mut timeline: Vec<Value> = Vec::new();
        let mut seg = |kind: &str, a: i64, b: i64, why: String| {
            if b > a {
                timeline.push(json!([kind, a, b, why]));
            }
        };
        let legs_match = route.legs.len() == route.stops.len() + 1;
        let mut ready = route.start_s;
        for k in 0..=route.stops.len() {
            let arrive = route.stops.get(k).map_or(route.end_s, |s| s.arrival_s);
            let depart = if legs_match {
                route.legs[k].depart_s.clamp(ready, arrive)
            } else {
                ready
            };
            if depart > ready {
                let zones = if legs_match { route.legs[k].zones } else { 0 };
                let why = self.why_leave_late(&route.class, route.permit.as_deref(), ready, zones);
                seg("wait", ready, depart, why);
            }
            seg("drive", depart, arrive, String::new());
            let Some(s) = route.stops.get(k) else { break };
            if s.start_s > s.arrival_s {
                let why = self.why_wait(
                    s.order_carrier.as_deref(),
                    s.order.as_deref(),
                    s.bay.as_deref(),
                    s.start_s,
                );
                seg("wait", s.arrival_s, s.start_s, why);
            }
            let kind = stop_kind(s.order.is_some(), s.station.is_some());
            let what = match (&s.order, &s.station) {
                (Some(o), _) => match &s.bay {
                    Some(b) => format!("order {o} from bay {b}"),
                    None => format!("order {o}"),
                },
                (None, Some(st)) => format!("{st}: {:.1} kWh", s.charged_wh as f64 / 1000.0),
                (None, None) => "reload at the depot".to_string(),
            };
            seg(kind, s.start_s, s.departure_s, what);
            ready = s.departure_s;
        }
        json!({
            "vehicle": route.vehicle, "carrier": route.carrier, "class": route.class, "permit": route.permit,
            "start": route.start_s, "end": route.end_s, "km": r(route.distance_m / 1000.0, 2), "trips": route.trips,
            "cost_yuan": r(route.cost_yuan, 2), "fees_yuan": r(route.zone_fees_yuan.iter().sum::<f64>(), 2),
            "line": encode(&route.geometry), "stops": stops, "timeline": timeline,
        })
    }

    /// One plan: routes, streets per hour, zone entries per hour, KPIs, unserved orders,
    /// violations and the permits it uses.
    pub(crate) fn plan(&self, label: &str, plan: &Plan) -> Value {
        let mut streets: BTreeMap<i64, (Option<&str>, &str, Vec<Value>)> = BTreeMap::new();
        for s in &plan.streets {
            let e =
                streets
                    .entry(s.osm_way)
                    .or_insert((s.name.as_deref(), s.road_class, Vec::new()));
            e.2.push(json!([s.hour, s.vehicles, r(s.vehicle_km, 3)]));
        }
        let streets: Vec<Value> = streets
            .into_iter()
            .map(|(way, (name, class, mut hours))| {
                hours.sort_by_key(|h| h[0].as_u64());
                let lines: Vec<Vec<i64>> = self
                    .ways
                    .by_osm
                    .get(&way)
                    .map(|&w| self.ways.lines[w].iter().map(|l| encode(l)).collect())
                    .unwrap_or_default();
                json!({"way": way, "name": name, "class": class, "lines": lines, "hours": hours})
            })
            .collect();
        let mut entries: BTreeMap<(usize, i64), u32> = BTreeMap::new();
        for route in &plan.routes {
            for &(z, t) in &route.zone_entry_times {
                *entries.entry((z, t.max(0) / 3600)).or_default() += 1;
            }
        }
        let zone_entries: Vec<Value> = entries
            .into_iter()
            .map(|((z, h), n)| json!([self.policy.zones.get(z).map(|zone| zone.id.as_str()), h, n]))
            .collect();
        let permits: Vec<Value> = self
            .policy
            .permits
            .iter()
            .map(|p| {
                let mut per: BTreeMap<&str, u32> = BTreeMap::new();
                for route in plan
                    .routes
                    .iter()
                    .filter(|r| r.permit.as_deref() == Some(&p.id))
                {
                    *per.entry(route.carrier.as_str()).or_default() += 1;
                }
                json!({"id": p.id, "used": per.values().sum::<u32>(), "per_carrier": per})
            })
            .collect();
        json!({
            "label": label, "scenario": plan.scenario, "straight": false,
            "routes": plan.routes.iter().map(|r| self.route(r)).collect::<Vec<_>>(),
            "streets": streets, "zone_entries": zone_entries, "kpis": kpis(&plan.kpis),
            "unserved": plan.unserved.iter().map(|u| json!({"carrier": u.carrier, "order": u.order, "reason": u.reason})).collect::<Vec<_>>(),
            "violations": plan.violations.iter().map(|v| json!({"text": v.to_string()})).collect::<Vec<_>>(),
            "permits": permits,
        })
    }

    /// A submitted plan as `check` judged it: routes drawn stop to stop (the submission has no
    /// road geometry), and every violation placed at the stop or vehicle it names.
    pub(crate) fn submitted(&self, plan: &SubmittedPlan, outcome: &CheckOutcome) -> Value {
        let s = self.scenario;
        let depot = |carrier: &str| {
            s.and_then(|s| s.carriers.iter().find(|c| c.id == carrier))
                .map(|c| c.depot)
        };
        let mut routes = Vec::new();
        for route in &plan.routes {
            let home = depot(&route.carrier);
            let mut line: Vec<[f64; 2]> = home.into_iter().collect();
            let mut stops = Vec::new();
            let mut timeline = Vec::new();
            let mut ready = route.start_s;
            for st in &route.stops {
                let at = match (&st.order, &st.bay, &st.station) {
                    (_, Some(b), _) => s
                        .and_then(|s| s.bays.iter().find(|x| &x.id == b))
                        .map(|b| b.lon_lat),
                    (Some(o), None, _) => self.order(Some(&route.carrier), o).map(|o| o.lon_lat),
                    (None, None, Some(c)) => s
                        .and_then(|s| s.stations.iter().find(|x| &x.id == c))
                        .map(|c| c.lon_lat),
                    (None, None, None) => home,
                };
                if let Some(p) = at {
                    line.push(p);
                }
                let kind = stop_kind(st.order.is_some(), st.station.is_some());
                stops.push(json!({
                    "kind": kind, "order": st.order, "pos": at.map(pos), "arrival": st.arrival_s, "start": st.start_s,
                    "departure": st.departure_s, "bay": st.bay, "station": st.station,
                    "charged_kwh": (st.charged_wh > 0).then(|| r(st.charged_wh as f64 / 1000.0, 2)),
                }));
                if st.arrival_s > ready {
                    timeline.push(json!([
                        "drive",
                        ready,
                        st.arrival_s,
                        "as submitted (no road path)"
                    ]));
                }
                if st.start_s > st.arrival_s {
                    let why = self.why_wait(
                        Some(&route.carrier),
                        st.order.as_deref(),
                        st.bay.as_deref(),
                        st.start_s,
                    );
                    timeline.push(json!(["wait", st.arrival_s, st.start_s, why]));
                }
                if st.departure_s > st.start_s {
                    let what = st
                        .order
                        .clone()
                        .unwrap_or_else(|| st.station.clone().unwrap_or("reload".into()));
                    timeline.push(json!([kind, st.start_s, st.departure_s, what]));
                }
                ready = st.departure_s;
            }
            line.extend(home);
            routes.push(json!({
                "vehicle": route.vehicle, "carrier": route.carrier, "class": route.class, "permit": route.permit,
                "start": route.start_s, "end": ready, "line": encode(&line), "stops": stops, "timeline": timeline,
            }));
        }
        // Place each violation at the stop of the order it names on the vehicle it names, else
        // at that order's door (an order dropped from every route), else at the vehicle's first
        // stop; violations about the whole fleet stay unplaced (listed only).
        let violations: Vec<Value> = outcome
            .violations
            .iter()
            .map(|text| {
                let tokens: Vec<&str> = text
                    .split(|c: char| c.is_whitespace() || "`,:;()[]".contains(c))
                    .map(|t| t.trim_end_matches('.'))
                    .filter(|t| !t.is_empty())
                    .collect();
                let route = plan
                    .routes
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| tokens.contains(&r.vehicle.as_str()))
                    .max_by_key(|(_, r)| r.vehicle.len());
                let at_stop = route.and_then(|(k, r)| {
                    let hit = r
                        .stops
                        .iter()
                        .position(|st| st.order.as_deref().is_some_and(|o| tokens.contains(&o)));
                    hit.map(|j| (Some(k), Some(j), routes[k]["stops"][j]["pos"].clone()))
                });
                let at_door = || {
                    tokens.iter().find_map(|t| {
                        self.order(None, t)
                            .map(|o| (route.map(|(k, _)| k), None, json!(pos(o.lon_lat))))
                    })
                };
                let at_first =
                    || route.map(|(k, _)| (Some(k), Some(0), routes[k]["stops"][0]["pos"].clone()));
                match at_stop.or_else(at_door).or_else(at_first) {
                    Some((k, stop, p)) if !p.is_null() => {
                        json!({"text": text, "route": k, "stop": stop, "pos": p})
                    }
                    _ => json!({"text": text, "route": route.map(|(k, _)| k), "pos": null}),
                }
            })
            .collect();
        json!({
            "label": "submitted plan", "scenario": s.map(|s| s.name.clone()), "straight": true,
            "routes": routes, "streets": [], "zone_entries": [], "kpis": [], "unserved":
                plan.unserved.iter().map(|(c, o)| json!({"carrier": c, "order": o, "reason": "declared unserved"})).collect::<Vec<_>>(),
            "violations": violations, "permits": [],
            "fees_due": outcome.fees_due.iter().map(|f| json!({"vehicle": f.vehicle, "carrier": f.carrier, "yuan": r(f.yuan, 2)})).collect::<Vec<_>>(),
        })
    }
}

fn stop_kind(order: bool, station: bool) -> &'static str {
    if order {
        "service"
    } else if station {
        "charge"
    } else {
        "reload"
    }
}

/// KPI rows as `kpis.json` writes them.
pub(crate) fn kpis(k: &Kpis) -> Vec<Value> {
    k.rows
        .iter()
        .map(|row| json!({"scope": row.scope.to_string(), "kpi": row.kpi.to_string(), "unit": row.unit(), "value": row.value}))
        .collect()
}

/// Rows `{scope, kpi, unit, a, b}` comparing two KPI sets.
fn compare(a: &Kpis, b: &Kpis) -> Vec<Value> {
    crate::io::share_out::compare_kpis(a, b)
        .into_iter()
        .map(|(scope, kpi, x, y)| json!({"scope": scope.to_string(), "kpi": kpi.to_string(), "unit": kpi.unit(), "a": x, "b": y}))
        .collect()
}

/// The page of `cityfreight plan`.
pub fn plan_page(scenario: &Scenario, graph: &RoadGraph, plan: &Plan) -> Value {
    let ctx = Context::new(graph, &scenario.policy, Some(scenario));
    let mut page = ctx.page("plan", &plan.scenario);
    page["plans"] = json!([ctx.plan("plan", plan)]);
    page
}

/// The page of `cityfreight share`: the pooled plan, separate versus pooled, the allocation.
pub fn share_page(
    scenario: &Scenario,
    graph: &RoadGraph,
    report: &ShareReport,
    pooled: &Plan,
) -> Value {
    let ctx = Context::new(graph, &scenario.policy, Some(scenario));
    let mut page = ctx.page(
        "share",
        &format!("{}: separate versus shared distribution", scenario.name),
    );
    page["plans"] = json!([ctx.plan("pooled", pooled)]);
    let method = match report.method {
        ShapleyMethod::Exact => "exact".to_string(),
        ShapleyMethod::Sampled { permutations, seed } => {
            format!("sampled over {permutations} orders of the carriers (seed {seed})")
        }
    };
    page["share"] = json!({
        "separate_cost": r(report.separate_cost, 2), "pooled_cost": r(report.pooled_cost, 2),
        "saving": r(report.separate_cost - report.pooled_cost, 2), "core_ok": report.core_ok, "method": method,
        "carriers": report.carriers.iter().map(|c| json!({
            "id": c.id, "standalone": r(c.standalone_cost, 2), "shapley": r(c.shapley, 2),
            "proportional": r(c.proportional, 2), "half_width_95": r(c.error.half_width_95, 2),
        })).collect::<Vec<_>>(),
        "coalitions": report.coalitions.iter().map(|c| json!({"members": c.members, "cost": r(c.cost, 2)})).collect::<Vec<_>>(),
        "pooled_worse_than_split": report.pooled_worse_than_split,
        "comparison": compare(&report.kpis.0, &report.kpis.1),
    });
    page
}

/// The page of `cityfreight two-tier`: the direct plan and both tiers, direct versus two-tier.
pub fn two_tier_page(
    scenario: &Scenario,
    two_tier: &TwoTier,
    graph: &RoadGraph,
    report: &TwoTierReport,
) -> Value {
    let ctx = Context::new(graph, &scenario.policy, Some(scenario));
    let mut page = ctx.page(
        "two-tier",
        &format!("{}: direct versus two-tier delivery", scenario.name),
    );
    if let Some(depots) = page["places"]["depots"].as_array_mut() {
        depots.push(json!({"id": two_tier.centre_id, "carrier": two_tier.centre_id, "pos": pos(two_tier.centre), "centre": true}));
    }
    page["plans"] = json!([
        ctx.plan("direct", &report.direct),
        ctx.plan("tier 1: night trucks", &report.tier1),
        ctx.plan("tier 2: last mile", &report.tier2),
    ]);
    page["two_tier"] = json!({
        "comparison": compare(&report.direct.kpis, &report.kpis),
        "violations": report.violations.iter().map(ToString::to_string).collect::<Vec<_>>(),
    });
    page
}

/// The page of `cityfreight sweep`: every variant's KPIs and their change against the baseline.
pub fn sweep_page(
    base: &Scenario,
    graph: &RoadGraph,
    sweep: &Sweep,
    outcomes: &[Outcome],
) -> Value {
    let ctx = Context::new(graph, &base.policy, Some(base));
    let mut page = ctx.page(
        "sweep",
        &format!("{}: sweep of {} variants", base.name, sweep.variants.len()),
    );
    let baseline = match outcomes.get(sweep.baseline) {
        Some(Outcome::Planned(k)) => Some(k),
        _ => None,
    };
    let variants: Vec<Value> = sweep
        .variants
        .iter()
        .zip(outcomes)
        .map(|(v, o)| match o {
            Outcome::Planned(k) => json!({
                "name": v.name, "status": "ok",
                "kpis": k.rows.iter().map(|row| json!({
                    "scope": row.scope.to_string(), "kpi": row.kpi.to_string(), "unit": row.unit(), "value": row.value,
                    "change": baseline.and_then(|b| b.get(&row.scope, &row.kpi)).map(|b| r(row.value - b, 3)),
                })).collect::<Vec<_>>(),
            }),
            Outcome::Failed(e) => json!({"name": v.name, "status": "failed", "error": e, "kpis": []}),
        })
        .collect();
    page["sweep"] = json!({"baseline": sweep.variants.get(sweep.baseline).map(|v| v.name.clone()), "variants": variants});
    page
}

/// The page of `cityfreight check`: the submitted plan, its violations on the map, fees due.
pub fn check_page(
    scenario: &Scenario,
    graph: &RoadGraph,
    plan: &SubmittedPlan,
    outcome: &CheckOutcome,
) -> Value {
    let ctx = Context::new(graph, &scenario.policy, Some(scenario));
    let verdict = if outcome.violations.is_empty() {
        "compliant"
    } else {
        "not compliant"
    };
    let mut page = ctx.page(
        "check",
        &format!("{}: check of a submitted plan ({verdict})", scenario.name),
    );
    page["plans"] = json!([ctx.submitted(plan, outcome)]);
    page["check"] =
        json!({"compliant": outcome.violations.is_empty(), "violations": outcome.violations.len()});
    page
}

/// The public notice alone: a policy's zones, rules and permits on the extract's map.
pub fn policy_page(name: &str, policy: &Policy, graph: &RoadGraph) -> Value {
    let ctx = Context::new(graph, policy, None);
    ctx.page("policy", name)
}
