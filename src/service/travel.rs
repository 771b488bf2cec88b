//! `POST /v1/table` and `POST /v1/route`: OSRM-like travel times on the loaded extract, for a
//! vehicle class at a departure moment of the week, under the city policy and a permit.
//!
//! Owns: the request and answer types of both endpoints and their evaluation. Must never: guess
//! a value for an unreachable pair (it is `null`) or answer for a point it could not snap (a 400
//! naming every such point). Invariant: entries equal [`crate::matrix::MatrixEngine::matrix`] for
//! the same points, class and hour band (so equal to [`crate::routing::route`]).

use super::error::{codes, ApiError, Issue};
use super::roads::Roads;
use super::vroom::Extra;
use crate::graph::{ClassId, Snap};
use crate::time::WeekTime;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Body of `POST /v1/table`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct TableRequest {
    /// Vehicle class id.
    pub class: String,
    /// `[lon, lat]` rows.
    pub sources: Vec<[f64; 2]>,
    /// `[lon, lat]` columns (default: the sources).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destinations: Option<Vec<[f64; 2]>>,
    /// Departure, `Tu 08:30` or `08:30` (Monday); default `Mo 10:00`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub departure: Option<String>,
    /// A permit of the policy the vehicle holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permit: Option<String>,
    /// Unknown keys.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A snapped point.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Waypoint {
    /// Where on the road the point was placed, `[lon, lat]`.
    pub location: [f64; 2],
    /// Distance from the given point (m).
    pub distance: f64,
}

/// Answer of `POST /v1/table`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TableAnswer {
    /// Seconds, `null` when unreachable.
    pub durations: Vec<Vec<Option<f64>>>,
    /// Metres, `null` when unreachable.
    pub distances: Vec<Vec<Option<f64>>>,
    /// Snapped sources.
    pub sources: Vec<Waypoint>,
    /// Snapped destinations.
    pub destinations: Vec<Waypoint>,
    /// The class.
    pub class: String,
    /// The departure moment used.
    pub departure: String,
    /// Zones closed to the class (with the permit) at that moment.
    pub closed_zones: Vec<String>,
}

/// Body of `POST /v1/route`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct RouteRequest {
    /// Vehicle class id.
    pub class: String,
    /// `[lon, lat]`.
    pub from: [f64; 2],
    /// `[lon, lat]`.
    pub to: [f64; 2],
    /// Departure (as for the table).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub departure: Option<String>,
    /// A permit of the policy the vehicle holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permit: Option<String>,
    /// Unknown keys.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Answer of `POST /v1/route`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RouteAnswer {
    /// Seconds from the departure moment to arrival (a wait for a faster band included).
    pub duration: f64,
    /// Seconds the vehicle waits before leaving, because a later hour band arrives sooner.
    pub wait: f64,
    /// Metres.
    pub distance: f64,
    /// GeoJSON `LineString`.
    pub geometry: Value,
    /// Snapped start.
    pub from: Waypoint,
    /// Snapped end.
    pub to: Waypoint,
    /// The class.
    pub class: String,
    /// The departure moment used.
    pub departure: String,
    /// Zones closed to the class (with the permit) at that moment.
    pub closed_zones: Vec<String>,
}

/// Default departure.
pub const DEFAULT_DEPARTURE: &str = "Mo 10:00";

fn common(
    roads: &Roads,
    class: &str,
    departure: Option<&str>,
    permit: Option<&str>,
    extra: &Extra,
    issues: &mut Vec<Issue>,
) -> Option<(ClassId, WeekTime, Option<usize>)> {
    for key in extra.keys() {
        issues.push(Issue {
            code: codes::UNKNOWN_FIELD,
            path: key.clone(),
            message: format!("unknown field `{key}`"),
        });
    }
    let c = roads.class(class);
    if c.is_none() {
        issues.push(Issue {
            code: codes::INVALID,
            path: "class".into(),
            message: format!(
                "`{class}` is not a vehicle class of the loaded extract (classes: {})",
                roads.class_names().join(", ")
            ),
        });
    }
    let at = match WeekTime::parse(departure.unwrap_or(DEFAULT_DEPARTURE)) {
        Ok(t) => Some(t),
        Err(e) => {
            issues.push(Issue {
                code: codes::INVALID,
                path: "departure".into(),
                message: e.to_string(),
            });
            None
        }
    };
    let p = match permit {
        None => Some(None),
        Some(id) => match roads.permit(id) {
            Some(p) => Some(Some(p)),
            None => {
                let known: Vec<&str> = roads.policy.permits.iter().map(|p| p.id.as_str()).collect();
                issues.push(Issue {
                    code: codes::INVALID,
                    path: "permit".into(),
                    message: format!(
                        "`{id}` is not a permit of the server's policy (permits: {})",
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ),
                });
                None
            }
        },
    };
    Some((c?, at?, p?))
}

fn snap_all(
    roads: &Roads,
    class: ClassId,
    points: &[[f64; 2]],
    key: &str,
    issues: &mut Vec<Issue>,
) -> Vec<Option<Snap>> {
    points
        .iter()
        .enumerate()
        .map(|(i, &p)| match roads.snap(p, class) {
            Ok(s) => Some(s),
            Err(e) => {
                issues.push(Issue {
                    code: codes::ROUTING,
                    path: format!("{key}[{i}]"),
                    message: e.to_string(),
                });
                None
            }
        })
        .collect()
}

fn waypoint(s: &Snap) -> Waypoint {
    Waypoint {
        location: [round(s.point[0], 1e7), round(s.point[1], 1e7)],
        distance: round(s.distance_m, 10.0),
    }
}

fn round(x: f64, scale: f64) -> f64 {
    (x * scale).round() / scale
}

fn routing_error(issues: Vec<Issue>) -> ApiError {
    let routing = issues.iter().all(|i| i.code == codes::ROUTING);
    let mut e = ApiError::input(issues);
    if routing {
        e.class = 3;
    }
    e
}

/// Answer a table request (`max_locations` bounds sources + destinations).
pub fn table(
    roads: &Roads,
    req: &TableRequest,
    max_locations: usize,
) -> Result<TableAnswer, ApiError> {
    let mut issues = Vec::new();
    let n = req.sources.len() + req.destinations.as_ref().map_or(0, Vec::len);
    if n > max_locations {
        return Err(ApiError::new(
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            2,
            codes::TOO_LARGE,
            format!("{n} points; this server takes at most {max_locations} per request"),
        ));
    }
    if req.sources.is_empty() {
        issues.push(Issue {
            code: codes::INVALID,
            path: "sources".into(),
            message: "at least one source is needed".into(),
        });
    }
    let common = common(
        roads,
        &req.class,
        req.departure.as_deref(),
        req.permit.as_deref(),
        &req.extra,
        &mut issues,
    );
    let Some((class, at, permit)) = common else {
        return Err(routing_error(issues));
    };
    let sources = snap_all(roads, class, &req.sources, "sources", &mut issues);
    let destinations = match &req.destinations {
        Some(d) => snap_all(roads, class, d, "destinations", &mut issues),
        None => sources.clone(),
    };
    if !issues.is_empty() {
        return Err(routing_error(issues));
    }
    let same = req.destinations.is_none();
    let points: Vec<Option<Snap>> = if same {
        sources.clone()
    } else {
        sources.iter().chain(destinations.iter()).copied().collect()
    };
    let m = roads
        .matrix_at(class, permit, at, &points)
        .map_err(ApiError::internal)?;
    let offset = if same { 0 } else { sources.len() };
    let mut durations = Vec::with_capacity(sources.len());
    let mut distances = Vec::with_capacity(sources.len());
    for i in 0..sources.len() {
        let (mut drow, mut lrow) = (Vec::new(), Vec::new());
        for j in 0..destinations.len() {
            let e = m.get(i, offset + j);
            drow.push(e.map(|c| c.time_ms as f64 / 1000.0));
            lrow.push(e.map(|c| c.dist_cm as f64 / 100.0));
        }
        durations.push(drow);
        distances.push(lrow);
    }
    Ok(TableAnswer {
        durations,
        distances,
        sources: sources.iter().flatten().map(waypoint).collect(),
        destinations: destinations.iter().flatten().map(waypoint).collect(),
        class: req.class.clone(),
        departure: at.to_string(),
        closed_zones: roads.closed_zones(class, permit, at),
    })
}

/// Answer a route request.
pub fn route(roads: &Roads, req: &RouteRequest) -> Result<RouteAnswer, ApiError> {
    let mut issues = Vec::new();
    let common = common(
        roads,
        &req.class,
        req.departure.as_deref(),
        req.permit.as_deref(),
        &req.extra,
        &mut issues,
    );
    let Some((class, at, permit)) = common else {
        return Err(routing_error(issues));
    };
    let from = snap_all(roads, class, &[req.from], "from", &mut issues);
    let to = snap_all(roads, class, &[req.to], "to", &mut issues);
    let (Some(Some(from)), Some(Some(to))) = (from.first(), to.first()) else {
        for i in &mut issues {
            i.path = i.path.trim_end_matches("[0]").to_string();
        }
        return Err(routing_error(issues));
    };
    let closed = roads.closed_zones(class, permit, at);
    let found = roads
        .route_at(class, permit, at, from, to)
        .map_err(ApiError::internal)?;
    let Some((r, wait_ms)) = found else {
        let why = if closed.is_empty() {
            String::new()
        } else {
            format!(
                "; zones closed to `{}` at {at}: {}",
                req.class,
                closed.join(", ")
            )
        };
        return Err(ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            3,
            codes::ROUTING,
            format!(
                "no route for `{}` at {at}: the destination cannot be reached{why}",
                req.class
            ),
        ));
    };
    Ok(RouteAnswer {
        duration: (r.duration_ms + wait_ms) as f64 / 1000.0,
        wait: wait_ms as f64 / 1000.0,
        distance: r.distance_cm as f64 / 100.0,
        geometry: serde_json::json!({
            "type": "LineString",
            "coordinates": r.geometry.iter().map(|p| [round(p[0], 1e7), round(p[1], 1e7)]).collect::<Vec<_>>(),
        }),
        from: waypoint(from),
        to: waypoint(to),
        class: req.class.clone(),
        departure: at.to_string(),
        closed_zones: closed,
    })
}
