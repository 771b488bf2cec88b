//! The HTTP service: a VROOM-compatible `POST /v1/solve`, OSRM-like `POST /v1/table` and
//! `POST /v1/route` on the loaded extract, `GET /health` and `GET /openapi.json`.
//!
//! Owns: [`Config`], [`AppState`], [`router`], [`serve`] and the bounds every request passes:
//! body size (a JSON 413), locations and vehicles per request ([`mapping::Limits`]), a search time limit
//! per solve and per job problem, a bounded queue in front of a fixed number of CPU workers (a 503 with
//! `Retry-After` when full), bearer tokens with roles ([`auth`]). Must never: run the solver or a
//! matrix on the async runtime's threads (CPU work goes to `spawn_blocking` behind the worker
//! semaphore, so `/health` answers while solves run), log or echo a token, or answer an error
//! that is not JSON with a stable code ([`error::codes`]). Invariants: at most
//! `workers + queue` CPU requests are admitted at once, `workers` of them running; only this
//! layer (with `io` and `cli`) derives `Serialize`/`Deserialize`.
//!
//! Files: [`vroom`] (VROOM's input and output types), [`mapping`] (VROOM input to
//! `solver::Problem`, `Solution` to VROOM output, check mode), [`travel`] (table and route),
//! [`roads`] (the extract, policy and customized metrics), [`auth`] (tokens and roles),
//! [`error`] (the error shape), [`openapi`] (the description served at `/openapi.json`),
//! [`jobs`] (scenario jobs on disk, tenancy) and [`job_api`] (their routes).

pub mod auth;
pub mod error;
pub mod job_api;
pub mod jobs;
pub mod mapping;
pub mod openapi;
pub mod roads;
pub mod travel;
pub mod vroom;

use auth::{Role, Tokens};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use error::{codes, ApiError};
use mapping::Limits;
use roads::Roads;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Default largest request body (bytes): 4 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 4 * 1024 * 1024;

/// How the server is bounded.
#[derive(Clone, Debug)]
pub struct Config {
    /// Largest body (bytes).
    pub body_limit: usize,
    /// Per-request limits of the solver and matrices.
    pub limits: Limits,
    /// CPU requests running at once.
    pub workers: usize,
    /// CPU requests waiting for a worker at most; more get a 503.
    pub queue: usize,
    /// Seconds a client should wait after a 503.
    pub retry_after_s: u32,
}

impl Default for Config {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self {
            body_limit: DEFAULT_BODY_LIMIT,
            limits: Limits {
                max_threads: cores,
                ..Limits::default()
            },
            workers: cores,
            queue: 64,
            retry_after_s: 1,
        }
    }
}

/// Everything the handlers share.
pub struct AppState {
    /// Bounds.
    pub config: Config,
    /// The extract (optional: matrices-only servers need none).
    pub roads: Option<Arc<Roads>>,
    /// Bearer tokens (`None`: no authentication, every caller is a planner).
    pub tokens: Option<Tokens>,
    /// Scenario jobs (`None` without `--data`).
    pub jobs: Option<Arc<jobs::JobStore>>,
    /// The extract's and the policy's files, which job scenarios are planned on.
    pub extract: Option<(std::path::PathBuf, Option<std::path::PathBuf>)>,
    workers: Arc<Semaphore>,
    admitted: AtomicUsize,
}

impl AppState {
    /// A state with these parts.
    pub fn new(config: Config, roads: Option<Arc<Roads>>, tokens: Option<Tokens>) -> Self {
        let workers = Arc::new(Semaphore::new(config.workers.max(1)));
        Self {
            config,
            roads,
            tokens,
            jobs: None,
            extract: None,
            workers,
            admitted: AtomicUsize::new(0),
        }
    }

    /// Keep scenario jobs in `store`, planned on the extract `osm` under `policy` (the files the
    /// state's roads were loaded from).
    pub fn with_jobs(
        mut self,
        store: jobs::JobStore,
        osm: std::path::PathBuf,
        policy: Option<std::path::PathBuf>,
    ) -> Self {
        self.jobs = Some(Arc::new(store));
        self.extract = Some((osm, policy));
        self
    }

    /// CPU requests admitted now (running or queued).
    pub fn admitted(&self) -> usize {
        self.admitted.load(Ordering::SeqCst)
    }

    /// Run CPU work `f` on a blocking thread once a worker is free; refuse with a 503 when
    /// `workers + queue` requests are already admitted.
    pub async fn run_cpu<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let bound = self.config.workers.max(1) + self.config.queue;
        let admitted = self.admitted.fetch_add(1, Ordering::SeqCst);
        let _slot = Admitted(self.clone());
        if admitted >= bound {
            let mut e = ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                1,
                codes::BUSY,
                format!(
                    "all {} workers busy and {} requests queued; retry later",
                    self.config.workers, self.config.queue
                ),
            );
            e.retry_after = Some(self.config.retry_after_s);
            return Err(e);
        }
        // The permit moves into the blocking task: a client that goes away does not free the
        // worker before its computation ends.
        let permit = self
            .workers
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| ApiError::internal("worker pool closed".into()))?;
        match tokio::task::spawn_blocking(move || {
            let _permit = permit;
            f()
        })
        .await
        {
            Ok(r) => r,
            Err(e) => Err(ApiError::internal(format!("request worker failed: {e}"))),
        }
    }
}

/// Releases an admission slot when dropped (also when the client goes away mid-request).
struct Admitted(Arc<AppState>);

impl Drop for Admitted {
    fn drop(&mut self) {
        self.0.admitted.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A JSON body parsed with the error shape of [`error`]: a 413 past the body limit, a 400 naming
/// the path of a value of the wrong type.
pub struct JsonBody<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    2,
                    codes::BODY_TOO_LARGE,
                    "request body larger than this server accepts (see `serve --body-limit`)"
                        .into(),
                )
            } else {
                ApiError::one(codes::BAD_JSON, "", e.body_text())
            }
        })?;
        Ok(JsonBody(error::parse_json(&bytes)?))
    }
}

/// The caller's role, put into the request by the auth layer.
#[derive(Clone, Debug)]
pub struct Caller(pub Role);

async fn authenticate(
    State(state): State<Arc<AppState>>,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    if path == "/health" || path == "/openapi.json" {
        return next.run(req).await;
    }
    let role = match &state.tokens {
        None => Some(Role::Planner),
        Some(tokens) => req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.strip_prefix("Bearer "))
            .and_then(|t| tokens.role_of(t.trim().as_bytes())),
    };
    let Some(role) = role else {
        let mut r = ApiError::new(
            StatusCode::UNAUTHORIZED,
            2,
            codes::UNAUTHORIZED,
            "missing or unknown bearer token".into(),
        )
        .into_response();
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer"),
        );
        return r;
    };
    req.extensions_mut().insert(Caller(role));
    next.run(req).await
}

fn forbidden(what: &str) -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        2,
        codes::FORBIDDEN,
        format!("this token's role may not {what}"),
    )
}

fn roads(state: &AppState) -> Result<Arc<Roads>, ApiError> {
    state.roads.clone().ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            3,
            codes::ROUTING,
            "this server has no road extract loaded (start it with --osm)".into(),
        )
    })
}

async fn health(State(state): State<Arc<AppState>>) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "status": "ok",
        "workers": state.config.workers,
        "admitted": state.admitted(),
        "queue": state.config.queue,
        "extract": state.roads.is_some(),
    }))
}

async fn solve(
    State(state): State<Arc<AppState>>,
    axum::Extension(Caller(role)): axum::Extension<Caller>,
    JsonBody(input): JsonBody<vroom::Input>,
) -> Result<Json<vroom::Output>, ApiError> {
    if role == Role::Police && !mapping::is_check(&input) {
        return Err(forbidden(
            "solve (police may check plans: give vehicles `steps`)",
        ));
    }
    let roads = state.roads.clone();
    let limits = state.config.limits;
    let out = state
        .run_cpu(move || mapping::run(&input, roads.as_deref(), &limits))
        .await?;
    Ok(Json(out))
}

async fn table(
    State(state): State<Arc<AppState>>,
    JsonBody(req): JsonBody<travel::TableRequest>,
) -> Result<Json<travel::TableAnswer>, ApiError> {
    let roads = roads(&state)?;
    let max = state.config.limits.max_locations;
    let out = state
        .run_cpu(move || travel::table(&roads, &req, max))
        .await?;
    Ok(Json(out))
}

async fn route(
    State(state): State<Arc<AppState>>,
    JsonBody(req): JsonBody<travel::RouteRequest>,
) -> Result<Json<travel::RouteAnswer>, ApiError> {
    let roads = roads(&state)?;
    let out = state.run_cpu(move || travel::route(&roads, &req)).await?;
    Ok(Json(out))
}

async fn openapi_json() -> Json<serde_json::Value> {
    Json(openapi::description())
}

async fn not_found() -> ApiError {
    ApiError::not_found("route")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        2,
        codes::METHOD,
        "method not allowed on this path".into(),
    )
}

/// The routes this server answers, as `(method, path)`: the OpenAPI test compares them with
/// the description.
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/health"),
    ("get", "/openapi.json"),
    ("post", "/v1/solve"),
    ("post", "/v1/table"),
    ("post", "/v1/route"),
    ("post", "/v1/plans"),
    ("post", "/v1/shares"),
    ("post", "/v1/checks"),
    ("get", "/v1/{kind}/{id}"),
    ("delete", "/v1/{kind}/{id}"),
];

/// The router with every route and bound.
pub fn router(state: Arc<AppState>) -> Router {
    let body_limit = state.config.body_limit;
    Router::new()
        .route("/health", get(health).fallback(method_not_allowed))
        .route(
            "/openapi.json",
            get(openapi_json).fallback(method_not_allowed),
        )
        .route("/v1/solve", post(solve).fallback(method_not_allowed))
        .route("/v1/table", post(table).fallback(method_not_allowed))
        .route("/v1/route", post(route).fallback(method_not_allowed))
        .route(
            "/v1/plans",
            post(job_api::submit_plan).fallback(method_not_allowed),
        )
        .route(
            "/v1/shares",
            post(job_api::submit_share).fallback(method_not_allowed),
        )
        .route(
            "/v1/checks",
            post(job_api::submit_check).fallback(method_not_allowed),
        )
        .route(
            "/v1/{kind}/{id}",
            get(job_api::get_job)
                .delete(job_api::cancel_job)
                .fallback(method_not_allowed),
        )
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), authenticate))
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(state)
}

/// Serve on `listener` until `shutdown` resolves, then finish the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
