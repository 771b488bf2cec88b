//! The OpenAPI 3.0 description served at `/openapi.json`.
//!
//! Owns: [`description`] and the example requests in it. Must never: describe a route the router
//! does not serve, or leave one out (`tests/service_http.rs` compares it with
//! [`super::ROUTES`] and sends every example request to a live server, expecting a 200).

use serde_json::{json, Value};

fn error_response(what: &str) -> Value {
    json!({"description": what, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

/// The example VROOM request of the description (matrices only: runs on any server).
pub fn solve_example() -> Value {
    json!({
        "vehicles": [{"id": 1, "start_index": 0, "end_index": 0, "capacity": [4]}],
        "jobs": [
            {"id": 1, "location_index": 1, "delivery": [1], "service": 300},
            {"id": 2, "location_index": 2, "delivery": [1], "service": 300},
            {"id": 3, "location_index": 3, "delivery": [1], "time_windows": [[0, 3600]]}
        ],
        "shipments": [
            {"amount": [2], "pickup": {"id": 4, "location_index": 2, "service": 120},
             "delivery": {"id": 4, "location_index": 3, "service": 120}}
        ],
        "matrices": {"car": {"durations": [
            [0, 600, 900, 1200], [600, 0, 400, 800], [900, 400, 0, 500], [1200, 800, 500, 0]
        ]}},
        "cityfreight": {"iterations": 200, "bays": [
            {"id": "bay-a", "location_index": 2, "capacity": 1, "jobs": [1, 2], "walk": 60, "max_dwell": 1800}
        ]}
    })
}

/// The example scenario job of the description: one carrier, three orders, on the Chengdu
/// demo extract (`data/osm/chengdu-center-2018.osm.pbf`).
pub fn plan_example() -> Value {
    json!({"scenario": {
        "name": "api-example",
        "day": "Tu",
        "solver": {"iterations": 200, "threads": 1, "seed": 1},
        "carrier": [{
            "id": "sf",
            "depot": [104.0450, 30.7150],
            "fleet": [{"class": "e-tricycle", "count": 1, "shift": "07:00-19:00"}],
            "orders": [
                {"id": "o1", "lon": 104.0794, "lat": 30.6818, "weight_kg": 1.6, "volume_m3": 0.005, "parcels": 1, "service_s": 60, "windows": ""},
                {"id": "o2", "lon": 104.0734, "lat": 30.6802, "weight_kg": 8.0, "volume_m3": 0.036, "parcels": 3, "service_s": 60, "windows": "09:00-12:00"},
                {"id": "o3", "lon": 104.0662, "lat": 30.6589, "weight_kg": 5.8, "volume_m3": 0.022, "parcels": 1, "service_s": 90, "windows": ""}
            ]
        }]
    }})
}

/// The description.
pub fn description() -> Value {
    let point = json!({"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2, "description": "[lon, lat] (WGS84)"});
    let amounts =
        json!({"type": "array", "items": {"type": "integer", "minimum": 0}, "maxItems": 3});
    let window =
        json!({"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2});
    let bay = json!({"type": "object", "required": ["id"], "description": "a loading bay: jobs it may serve are served on foot from it (walk added to the stop), within its hours, dwell and room", "properties": {
        "id": {"type": "string"},
        "location": point, "location_index": {"type": "integer", "minimum": 0},
        "capacity": {"type": "integer", "minimum": 1},
        "time_windows": {"type": "array", "items": window},
        "max_dwell": {"type": "integer", "minimum": 0},
        "jobs": {"type": "array", "items": {"type": "integer", "minimum": 0}},
        "radius": {"type": "number", "minimum": 0},
        "walk": {"type": "integer", "minimum": 0}
    }});
    let station = json!({"type": "object", "required": ["id", "power_kw"], "properties": {
        "id": {"type": "string"},
        "location": point, "location_index": {"type": "integer", "minimum": 0},
        "power_kw": {"type": "number", "exclusiveMinimum": true, "minimum": 0},
        "time_windows": {"type": "array", "items": window}
    }});
    let vehicle_extension = json!({"type": "object", "properties": {
                        "permit": {"type": "string"},
                        "battery": {"type": "object", "required": ["capacity_wh", "consumption_wh_per_km"], "description": "needs costs with per_hour 0 and per_km > 0", "properties": {
                            "capacity_wh": {"type": "integer", "minimum": 1},
                            "consumption_wh_per_km": {"type": "integer", "minimum": 0},
                            "reserve_wh": {"type": "integer", "minimum": 0},
                            "charge": {"type": "string", "enum": ["partial", "full"]},
                            "stations": {"type": "array", "items": {"type": "string"}}}}}});
    let schemas = json!({
        "Error": {"type": "object", "required": ["code", "error", "error_code"], "properties": {
            "code": {"type": "integer", "description": "VROOM class: 1 internal, 2 input, 3 routing"},
            "error": {"type": "string"},
            "error_code": {"type": "string", "enum": [
                "bad_json", "unknown_field", "unsupported", "invalid", "input", "routing",
                "body_too_large", "request_too_large", "busy", "unauthorized", "forbidden",
                "not_found", "method_not_allowed", "timeout", "internal"]},
            "issues": {"type": "array", "items": {"type": "object", "properties": {
                "code": {"type": "string"}, "path": {"type": "string"}, "message": {"type": "string"}}}}
        }},
        "Job": {"type": "object", "required": ["id"], "properties": {
            "id": {"type": "integer", "minimum": 0},
            "description": {"type": "string"},
            "location": point,
            "location_index": {"type": "integer", "minimum": 0},
            "setup": {"type": "integer", "minimum": 0},
            "service": {"type": "integer", "minimum": 0},
            "delivery": amounts,
            "pickup": amounts,
            "skills": {"type": "array", "items": {"type": "integer", "minimum": 0}},
            "priority": {"type": "integer", "minimum": 0, "maximum": 100},
            "time_windows": {"type": "array", "items": window}
        }},
        "ShipmentStep": {"type": "object", "required": ["id"], "properties": {
            "id": {"type": "integer", "minimum": 0},
            "description": {"type": "string"},
            "location": point,
            "location_index": {"type": "integer", "minimum": 0},
            "setup": {"type": "integer", "minimum": 0},
            "service": {"type": "integer", "minimum": 0},
            "time_windows": {"type": "array", "items": window}
        }},
        "Shipment": {"type": "object", "required": ["pickup", "delivery"], "description": "`amount` loaded at `pickup` and unloaded at `delivery` by one vehicle, pickup first (both or neither served)", "properties": {
            "amount": amounts,
            "skills": {"type": "array", "items": {"type": "integer", "minimum": 0}},
            "priority": {"type": "integer", "minimum": 0, "maximum": 100},
            "pickup": {"$ref": "#/components/schemas/ShipmentStep"},
            "delivery": {"$ref": "#/components/schemas/ShipmentStep"}
        }},
        "Vehicle": {"type": "object", "required": ["id"], "properties": {
            "id": {"type": "integer", "minimum": 0},
            "profile": {"type": "string", "description": "a key of `matrices`, or a vehicle class of the extract"},
            "description": {"type": "string"},
            "start": point, "start_index": {"type": "integer", "minimum": 0},
            "end": point, "end_index": {"type": "integer", "minimum": 0},
            "capacity": amounts,
            "costs": {"type": "object", "properties": {
                "fixed": {"type": "integer", "minimum": 0},
                "per_hour": {"type": "integer", "minimum": 0},
                "per_km": {"type": "integer", "minimum": 0}}},
            "skills": {"type": "array", "items": {"type": "integer", "minimum": 0}},
            "time_window": window,
            "speed_factor": {"type": "number"},
            "max_travel_time": {"type": "integer", "minimum": 0},
            "steps": {"type": "array", "description": "a given route: check mode", "items": {"type": "object", "required": ["type"], "properties": {
                "type": {"type": "string", "enum": ["start", "job", "pickup", "delivery", "end", "charge"]},
                "id": {"type": "integer", "minimum": 0},
                "cityfreight": {"type": "object", "description": "a job step served from a bay, or what a charge step charges", "properties": {
                    "bay": {"type": "string"}, "station": {"type": "string"},
                    "energy_wh": {"type": "integer", "minimum": 1}}}}}},
            "max_tasks": {"type": "integer", "minimum": 0},
            "max_distance": {"type": "integer", "minimum": 0, "description": "metres; needs costs with per_hour 0 and per_km > 0"},
            "cityfreight": vehicle_extension
        }},
        "Bay": bay,
        "Station": station,
        "SolveRequest": {"type": "object", "required": ["vehicles"], "properties": {
            "jobs": {"type": "array", "items": {"$ref": "#/components/schemas/Job"}},
            "shipments": {"type": "array", "items": {"$ref": "#/components/schemas/Shipment"}},
            "vehicles": {"type": "array", "items": {"$ref": "#/components/schemas/Vehicle"}},
            "matrices": {"type": "object", "additionalProperties": {"type": "object", "properties": {
                "durations": {"type": "array", "items": {"type": "array", "items": {"type": "integer", "minimum": 0}}},
                "distances": {"type": "array", "items": {"type": "array", "items": {"type": "integer", "minimum": 0}}},
                "costs": {"type": "array", "items": {"type": "array", "items": {"type": "integer", "minimum": 0}}}}}},
            "cityfreight": {"type": "object", "properties": {
                "iterations": {"type": "integer", "minimum": 1},
                "time_limit": {"type": "number", "exclusiveMinimum": true, "minimum": 0},
                "seed": {"type": "integer", "minimum": 0},
                "threads": {"type": "integer", "minimum": 1},
                "time_zero": {"type": "string", "example": "Tu 00:00"},
                "geometry": {"type": "boolean"},
                "bays": {"type": "array", "items": {"$ref": "#/components/schemas/Bay"}},
                "charging": {"type": "array", "items": {"$ref": "#/components/schemas/Station"}},
                "walk_speed": {"type": "number", "exclusiveMinimum": true, "minimum": 0},
                "walk_detour": {"type": "number", "minimum": 1}}}
        }},
        "SolveAnswer": {"type": "object", "required": ["code", "summary", "unassigned", "routes"], "properties": {
            "code": {"type": "integer"},
            "summary": {"type": "object"},
            "unassigned": {"type": "array", "items": {"type": "object"}},
            "routes": {"type": "array", "items": {"type": "object", "properties": {
                "vehicle": {"type": "integer"}, "cost": {"type": "integer"},
                "steps": {"type": "array", "items": {"type": "object"}}}}}
        }},
        "JobRequest": {"type": "object", "required": ["scenario"], "properties": {
            "scenario": {"type": "object", "description": "the scenario TOML as JSON (name, day, solver, factors, bays and charging with their `file` rows inline, carrier[] with id, depot, fleet, shareable, orders[] inline); the server's extract and policy are used"},
            "plan": {"type": "object", "description": "/v1/checks only: the plan.json to judge"}
        }},
        "JobStatus": {"type": "object", "required": ["id", "kind", "status"], "properties": {
            "id": {"type": "string"},
            "kind": {"type": "string", "enum": ["plans", "shares", "checks"]},
            "status": {"type": "string", "enum": ["queued", "running", "done", "failed", "cancelled", "interrupted"]},
            "progress": {"type": "string"},
            "error": {"type": "string"},
            "result": {"type": "object"}
        }},
        "TableRequest": {"type": "object", "required": ["class", "sources"], "properties": {
            "class": {"type": "string"},
            "sources": {"type": "array", "items": point},
            "destinations": {"type": "array", "items": point},
            "departure": {"type": "string", "example": "Tu 08:30"},
            "permit": {"type": "string"}
        }},
        "RouteRequest": {"type": "object", "required": ["class", "from", "to"], "properties": {
            "class": {"type": "string"},
            "from": point, "to": point,
            "departure": {"type": "string"},
            "permit": {"type": "string"}
        }}
    });
    let errors = json!({
        "400": error_response("Bad input: every issue with its JSON path"),
        "401": error_response("Missing or unknown bearer token"),
        "403": error_response("The token's role may not call this"),
        "413": error_response("Body (or locations, vehicles) above the server's limits"),
        "503": error_response("All workers busy and the queue full (see Retry-After)"),
    });
    let with = |ok: Value| {
        let mut r = errors.clone();
        r["200"] = ok;
        r
    };
    let mut job_accepted = errors.clone();
    job_accepted["202"] = json!({"description": "Accepted: the job id and its URL", "content": {"application/json": {"schema": {"type": "object", "properties": {
        "id": {"type": "string"}, "status": {"type": "string"}, "url": {"type": "string"}}}}}});
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "cityfreight",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "VROOM-compatible solving, OSRM-like travel tables and routes per vehicle class, hour and permit, under a city's zone policy."
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas
        },
        "security": [{"bearer": []}],
        "paths": {
            "/health": {"get": {"summary": "Liveness and load", "security": [], "responses": {"200": {"description": "Up", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
            "/openapi.json": {"get": {"summary": "This description", "security": [], "responses": {"200": {"description": "OpenAPI 3.0", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
            "/v1/solve": {"post": {
                "summary": "Solve a VROOM problem, or check a given plan (vehicles with `steps`)",
                "requestBody": {"required": true, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/SolveRequest"},
                    "example": solve_example()}}},
                "responses": with(json!({"description": "VROOM output", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SolveAnswer"}}}}))
            }},
            "/v1/table": {"post": {
                "summary": "Travel times and distances for a vehicle class at a departure moment (null: unreachable)",
                "requestBody": {"required": true, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/TableRequest"},
                    "example": {"class": "e-micro-van", "sources": [[104.0450, 30.7150], [104.1080, 30.7050]], "departure": "Tu 10:00"}}}},
                "responses": with(json!({"description": "The table", "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "durations": {"type": "array", "items": {"type": "array", "items": {"type": "number", "nullable": true}}},
                    "distances": {"type": "array", "items": {"type": "array", "items": {"type": "number", "nullable": true}}}}}}}}))
            }},
            "/v1/plans": {"post": {
                "summary": "Plan a scenario (the scenario TOML as JSON, orders inline) as a job: 202 and its id",
                "requestBody": {"required": true, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/JobRequest"},
                    "example": plan_example()}}},
                "responses": job_accepted.clone()
            }},
            "/v1/shares": {"post": {
                "summary": "Separate versus shared distribution of the scenario's carriers, with Shapley and proportional shares (planners submit; each carrier reads its own part)",
                "requestBody": {"required": true, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/JobRequest"}}}},
                "responses": job_accepted.clone()
            }},
            "/v1/checks": {"post": {
                "summary": "Judge a submitted plan (plan.json) against a scenario",
                "requestBody": {"required": true, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/JobRequest"}}}},
                "responses": job_accepted.clone()
            }},
            "/v1/{kind}/{id}": {
                "parameters": [
                    {"name": "kind", "in": "path", "required": true, "schema": {"type": "string", "enum": ["plans", "shares", "checks"]}},
                    {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}
                ],
                "get": {"summary": "A job's status, progress and (when done) result; another carrier's job is a 404",
                    "responses": with(json!({"description": "The job", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/JobStatus"}}}}))},
                "delete": {"summary": "Cancel a queued or running job (a running search stops at its next iteration; no result is kept)",
                    "responses": with(json!({"description": "The job, cancelled", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/JobStatus"}}}}))}
            },
            "/v1/route": {"post": {
                "summary": "The fastest legal route for a vehicle class at a departure moment, with GeoJSON geometry",
                "requestBody": {"required": true, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/RouteRequest"},
                    "example": {"class": "e-micro-van", "from": [104.0450, 30.7150], "to": [104.1080, 30.7050], "departure": "Tu 10:00"}}}},
                "responses": with(json!({"description": "The route", "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "duration": {"type": "number", "description": "seconds from the departure to arrival, a wait for a faster hour band included"},
                    "wait": {"type": "number", "description": "seconds waited before leaving because a later hour band arrives sooner"},
                    "distance": {"type": "number"}, "geometry": {"type": "object"}}}}}}))
            }}
        }
    })
}
