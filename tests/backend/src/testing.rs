//! `/__test/...`: control endpoints that exist only in test mode.

use crate::faults::FaultRule;
use crate::http::{unix_now, ApiError};
use crate::link::Link;
use crate::processing::is_task_id;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The test-only routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/__test/faults", post(add_faults).get(list_faults).delete(clear_faults))
        .route("/__test/gateway-limit", put(set_gateway_limit))
        .route("/__test/expire-tokens", post(expire_tokens))
        .route("/__test/files/{batch_uuid}", get(files))
        .route("/__test/requests", get(requests).delete(clear_requests))
        .route("/__test/close-streams", post(close_streams))
        .route("/__test/link", put(set_link))
        .route("/__test/sink", put(set_sink))
        .route("/__test/generation", put(set_generation))
        .route("/__test/profiles", put(set_profiles))
        .route("/__test/assignments", put(add_assignments))
        .route("/__test/scans.zip", get(crate::scans::scans_zip))
        .route("/__test/worker/{file}", get(worker_file))
}

/// One of the QR cover check's worker files from `--worker-dir` (the browser tests start the
/// worker from here, through a blob script: see the app's `upload::cover_reading`).
async fn worker_file(State(state): State<AppState>, Path(file): Path<String>) -> Result<impl IntoResponse, ApiError> {
    let not_found = || ApiError::new(StatusCode::NOT_FOUND, "Not Found");
    let dir = state.cfg.worker_dir.as_ref().ok_or_else(not_found)?;
    // Plain file names only: nothing outside the folder.
    if file.contains('/') || file.contains("..") {
        return Err(not_found());
    }
    let bytes = tokio::fs::read(dir.join(&file)).await.map_err(|_| not_found())?;
    let kind = if file.ends_with(".wasm") { "application/wasm" } else { "text/javascript" };
    // The test page is cross-origin isolated (wasm-bindgen-test-runner sends COEP require-corp),
    // so a script imported from here must say it may be embedded elsewhere.
    let headers = [
        (header::CONTENT_TYPE, kind),
        (header::HeaderName::from_static("cross-origin-resource-policy"), "cross-origin"),
    ];
    Ok((headers, bytes))
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(FaultRule),
    Many(Vec<FaultRule>),
}

async fn add_faults(State(state): State<AppState>, Json(rules): Json<OneOrMany>) -> Json<Value> {
    let rules = match rules {
        OneOrMany::One(rule) => vec![rule],
        OneOrMany::Many(rules) => rules,
    };
    let added = rules.len();
    state.faults.install(rules);
    Json(json!({"installed": added}))
}

async fn list_faults(State(state): State<AppState>) -> Json<Vec<FaultRule>> {
    Json(state.faults.rules())
}

async fn clear_faults(State(state): State<AppState>) -> StatusCode {
    state.faults.clear();
    state.faults.set_gateway_body_limit(None);
    state.faults.set_link(None);
    state.sink.set(false);
    state.later.reset();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct GatewayLimit {
    bytes: Option<u64>,
}

async fn set_gateway_limit(State(state): State<AppState>, Json(limit): Json<GatewayLimit>) -> StatusCode {
    state.faults.set_gateway_body_limit(limit.bytes);
    StatusCode::NO_CONTENT
}

/// `{"bytes_per_second": N, "latency_ms": M}` shapes the link; `null` ends shaping.
async fn set_link(State(state): State<AppState>, Json(link): Json<Option<Link>>) -> StatusCode {
    state.faults.set_link(link);
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct SinkMode {
    on: bool,
}

async fn set_sink(State(state): State<AppState>, Json(mode): Json<SinkMode>) -> StatusCode {
    state.sink.set(mode.on);
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct GenerationMode {
    later: bool,
}

/// `{"later": false}` serves the router snapshot, `{"later": true}` the later generation.
async fn set_generation(State(state): State<AppState>, Json(mode): Json<GenerationMode>) -> StatusCode {
    state.later.set(mode.later);
    StatusCode::NO_CONTENT
}

/// The body becomes the answer of `GET /api/profiles/`, byte for byte (valid JSON or not).
async fn set_profiles(State(state): State<AppState>, body: Bytes) -> StatusCode {
    state.later.set_profiles_answer(Some(body));
    StatusCode::NO_CONTENT
}

/// `{"center08": ["12345678", …], …}` assigns tasks to users by name, adding to what they
/// have; answers `{"added": N}` (those not already assigned). Nothing is added when a user is
/// unknown (404) or a task id is not 8 digits (400).
async fn add_assignments(
    State(state): State<AppState>,
    Json(wanted): Json<BTreeMap<String, Vec<String>>>,
) -> Result<Json<Value>, ApiError> {
    let mut pairs = Vec::new();
    for (username, tasks) in &wanted {
        let user = state
            .db
            .user_by_name(username)
            .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, format!("Unknown user: {username}")))?;
        if let Some(bad) = tasks.iter().find(|task| !is_task_id(task)) {
            return Err(ApiError::new(StatusCode::BAD_REQUEST, format!("Task ids have 8 digits: '{bad}'")));
        }
        pairs.extend(tasks.iter().map(|task| (user.user_id, task)));
    }
    let mut added = 0;
    for (user_id, task) in pairs {
        if state.db.assign_task(user_id, task).map_err(|e| ApiError::internal("Assignment failed", e))? {
            added += 1;
        }
    }
    Ok(Json(json!({"added": added})))
}

async fn expire_tokens(State(state): State<AppState>) -> Json<Value> {
    let expired = state.db.expire_access_tokens(unix_now()).unwrap_or(0);
    Json(json!({"expired": expired}))
}

async fn files(State(state): State<AppState>, Path(batch_uuid): Path<String>) -> Json<Value> {
    Json(json!({"files": state.db.received_files(&batch_uuid), "options": state.db.upload_options(&batch_uuid)}))
}

async fn requests(State(state): State<AppState>) -> Json<Value> {
    // This request is in flight too.
    let in_flight = state.faults.in_flight().saturating_sub(1);
    Json(json!({"requests": state.faults.requests(), "in_flight": in_flight}))
}

async fn clear_requests(State(state): State<AppState>) -> StatusCode {
    state.faults.clear_requests();
    StatusCode::NO_CONTENT
}

async fn close_streams(State(state): State<AppState>) -> StatusCode {
    state.faults.cut_streams.notify_waiters();
    StatusCode::NO_CONTENT
}
