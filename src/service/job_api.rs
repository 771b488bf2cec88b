//! The HTTP face of scenario jobs: submit (`POST /v1/plans|shares|checks`, 202 and an id),
//! read (`GET /v1/{kind}/{id}`) and cancel (`DELETE /v1/{kind}/{id}`).
//!
//! Owns: the job handlers and who may submit what (planners anything; carriers plans and checks
//! of scenarios holding only their own carrier; police checks; shares planners only). Must
//! never: tell a caller that a job it may not see exists (404, the same as an unknown id).
//! Invariant: a scenario is read and validated before the job is accepted (a bad scenario is a
//! 400 naming its record, never a failed job); the work runs on the server's CPU workers.

use super::auth::Role;
use super::error::{codes, ApiError};
use super::jobs::{self, Kind, Status};
use super::{AppState, Caller, JsonBody};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

/// Body of a job submission.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    /// The scenario TOML as JSON, orders inline.
    pub scenario: Value,
    /// The plan to judge (`/v1/checks`: a `plan.json`).
    #[serde(default)]
    pub plan: Option<Value>,
}

fn forbidden(what: &str) -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        2,
        codes::FORBIDDEN,
        format!("this token's role may not {what}"),
    )
}

fn no_jobs() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        2,
        codes::INVALID,
        "this server keeps no jobs: start it with --osm FILE --data DIR".into(),
    )
}

async fn submit(
    state: Arc<AppState>,
    role: Role,
    kind: Kind,
    sub: Submission,
) -> Result<impl IntoResponse, ApiError> {
    let (Some(store), Some(roads), Some(paths)) = (
        state.jobs.clone(),
        state.roads.clone(),
        state.extract.clone(),
    ) else {
        return Err(no_jobs());
    };
    match (&role, kind) {
        (Role::Police, Kind::Plans) => return Err(forbidden("plan (police may check plans)")),
        (Role::Police | Role::Carrier(_), Kind::Shares) => {
            return Err(forbidden(
                "start a share (planners do; each carrier reads its own part)",
            ))
        }
        _ => {}
    }
    if kind == Kind::Checks && sub.plan.is_none() {
        return Err(ApiError::one(
            codes::INVALID,
            "plan",
            "a check needs the plan to judge (plan.json)",
        ));
    }
    if kind != Kind::Checks && sub.plan.is_some() {
        return Err(ApiError::one(
            codes::INVALID,
            "plan",
            "only /v1/checks takes a plan",
        ));
    }
    let (id, input) = store.create(kind, &role, Vec::new())?;
    let setup = {
        let (store, id, input) = (store.clone(), id.clone(), input.clone());
        let role = role.clone();
        let scenario = sub.scenario;
        let roads_for_setup = roads.clone();
        tokio::task::spawn_blocking(move || -> Result<crate::scenario::Scenario, ApiError> {
            let carriers = jobs::write_scenario(&scenario, &input, &paths.0, paths.1.as_deref())?;
            if let Role::Carrier(me) = &role {
                if let Some(other) = carriers.iter().find(|c| *c != me) {
                    return Err(forbidden(&format!(
                        "submit carrier `{other}`'s orders (a carrier submits only its own)"
                    )));
                }
            }
            let mut scenario = crate::io::scenario::read_scenario(&input.join("scenario.toml"))
                .map_err(|e| ApiError::one(codes::INVALID, "scenario", e.to_string()))?;
            // `[charging] osm = true`: the extract's public stations, as the CLI adds them.
            scenario.add_osm_stations(&roads_for_setup.network.chargers);
            store.update(&id, true, |m| m.carriers = carriers)?;
            Ok(scenario)
        })
        .await
        .map_err(|e| ApiError::internal(format!("job setup failed: {e}")))?
    };
    let mut scenario = match setup {
        Ok(s) => s,
        Err(e) => {
            store.discard(&id);
            return Err(e);
        }
    };
    // The server's bounds apply to jobs too: threads per search and the time limit per solved
    // problem (the scenario may ask for less, never for more).
    let limits = state.config.limits;
    scenario.solver.threads = scenario.solver.threads.clamp(1, limits.max_threads.max(1));
    let cap = limits.time_limit.as_secs_f64();
    scenario.solver.time_limit_s = Some(scenario.solver.time_limit_s.map_or(cap, |t| t.min(cap)));
    // DELETE raises it: the job's searches stop at their next iteration.
    scenario.solver.stop = store.stop_flag(&id);
    let plan = match sub.plan {
        Some(p) => match crate::io::plan_in::parse_plan(&p) {
            Ok(p) => Some(p),
            Err(problems) => {
                store.discard(&id);
                return Err(ApiError::one(codes::INVALID, "plan", problems.join("; ")));
            }
        },
        None => None,
    };
    let st = state.clone();
    let job = id.clone();
    tokio::spawn(async move {
        let Ok(_permit) = st.workers.acquire().await else {
            return;
        };
        if store
            .get(&job)
            .is_some_and(|m| m.status == Status::Cancelled)
        {
            let _ = store.finish(&job, Err("cancelled before it started".into()));
            return;
        }
        let _ = store.update(&job, false, |m| {
            m.status = Status::Running;
            m.progress = "started".into();
        });
        let s2 = store.clone();
        let j2 = job.clone();
        let result = tokio::task::spawn_blocking(move || {
            run(kind, &scenario, plan.as_ref(), &roads, &|msg| {
                let _ = s2.update(&j2, false, |m| m.progress = msg.to_string());
            })
        })
        .await
        .unwrap_or_else(|e| Err(format!("job failed: {e}")));
        let _ = store.finish(&job, result);
    });
    let url = format!("/v1/{}/{id}", kind.segment());
    Ok((
        StatusCode::ACCEPTED,
        [(axum::http::header::LOCATION, url.clone())],
        Json(json!({"id": id, "status": "queued", "url": url})),
    ))
}

fn run(
    kind: Kind,
    scenario: &crate::scenario::Scenario,
    plan: Option<&crate::plan::check::SubmittedPlan>,
    roads: &super::roads::Roads,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<Value, String> {
    let (network, engine) = (roads.network, roads.engine());
    match kind {
        Kind::Plans => {
            let plan = crate::plan::plan(scenario, network, engine, progress)
                .map_err(|e| e.to_string())?;
            Ok(json!({"plan": crate::io::plan_out::plan_json(&plan)}))
        }
        Kind::Shares => {
            if scenario.carriers.len() < 2 {
                return Err(format!(
                    "sharing needs at least two carriers, the scenario has {}",
                    scenario.carriers.len()
                ));
            }
            let params = crate::plan::share::ShareParams {
                permutations: 100,
                seed: scenario.solver.seed,
            };
            let report =
                crate::plan::share::share_with(scenario, network, engine, &params, progress)
                    .map_err(|e| e.to_string())?;
            let pooled = crate::plan::Plan {
                scenario: format!("{} (pooled)", scenario.name),
                streets: crate::plan::street_hours(network, &report.pooled_routes),
                routes: report.pooled_routes.clone(),
                unserved: report.unserved.1.clone(),
                violations: report.violations.clone(),
                kpis: report.kpis.1.clone(),
            };
            Ok(json!({
                "allocation": crate::io::share_out::allocation_json(&report),
                "pooled_plan": crate::io::plan_out::plan_json(&pooled),
            }))
        }
        Kind::Checks => {
            let Some(plan) = plan else {
                return Err("no plan to check".into());
            };
            let o = crate::plan::check::check_plan_outcome(scenario, network, engine, plan)
                .map_err(|e| e.to_string())?;
            Ok(json!({
                "compliant": o.violations.is_empty(),
                "violations": o.violations,
                "fees_due": o.fees_due.iter().map(|f| json!({"vehicle": f.vehicle, "carrier": f.carrier, "yuan": f.yuan})).collect::<Vec<_>>(),
            }))
        }
    }
}

macro_rules! submit_handler {
    ($name:ident, $kind:expr) => {
        /// Submit a job.
        pub async fn $name(
            State(state): State<Arc<AppState>>,
            axum::Extension(Caller(role)): axum::Extension<Caller>,
            JsonBody(sub): JsonBody<Submission>,
        ) -> Result<impl IntoResponse, ApiError> {
            submit(state, role, $kind, sub).await
        }
    };
}

submit_handler!(submit_plan, Kind::Plans);
submit_handler!(submit_share, Kind::Shares);
submit_handler!(submit_check, Kind::Checks);

fn kind_of(segment: &str) -> Option<Kind> {
    match segment {
        "plans" => Some(Kind::Plans),
        "shares" => Some(Kind::Shares),
        "checks" => Some(Kind::Checks),
        _ => None,
    }
}

fn find(
    state: &AppState,
    role: &Role,
    segment: &str,
    id: &str,
) -> Result<(Arc<jobs::JobStore>, jobs::Meta), ApiError> {
    let store = state.jobs.clone().ok_or_else(no_jobs)?;
    let kind = kind_of(segment).ok_or_else(|| ApiError::not_found("route"))?;
    match store.get(id) {
        Some(meta) if meta.kind == kind && jobs::visible(role, &meta) => Ok((store, meta)),
        _ => Err(ApiError::not_found(&format!("job `{id}`"))),
    }
}

fn answer(store: &jobs::JobStore, role: &Role, meta: &jobs::Meta) -> Value {
    let mut v = json!({
        "id": meta.id, "kind": meta.kind, "status": meta.status, "progress": meta.progress,
        "carriers": if matches!(role, Role::Carrier(_)) { json!(null) } else { json!(meta.carriers) },
    });
    if let Some(e) = &meta.error {
        v["error"] = json!(e);
    }
    if meta.status == Status::Done {
        if let Some(r) = store.result(&meta.id) {
            v["result"] = jobs::view(role, meta, r);
        }
    }
    v
}

/// `GET /v1/{kind}/{id}`.
pub async fn get_job(
    State(state): State<Arc<AppState>>,
    axum::Extension(Caller(role)): axum::Extension<Caller>,
    Path((segment, id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let (store, meta) = find(&state, &role, &segment, &id)?;
    Ok(Json(answer(&store, &role, &meta)))
}

/// `DELETE /v1/{kind}/{id}`: cancel a queued or running job (its owner or a planner); a running
/// search stops at its next iteration.
pub async fn cancel_job(
    State(state): State<Arc<AppState>>,
    axum::Extension(Caller(role)): axum::Extension<Caller>,
    Path((segment, id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let (store, meta) = find(&state, &role, &segment, &id)?;
    if role != Role::Planner && meta.owner != role.label() {
        return Err(forbidden("cancel a job it did not submit"));
    }
    if matches!(meta.status, Status::Queued | Status::Running) {
        store.cancel(&id)?;
    }
    let meta = store.get(&id).unwrap_or(meta);
    Ok(Json(answer(&store, &role, &meta)))
}
