//! A stand-in for the OMR FastAPI backend, for development and tests of the web client.
//!
//! It follows `shared/api-contract.md`: every route under `/api` (and again under
//! `/api/realtime/`), FastAPI-shaped errors, the documented quirks, simulated processing of the
//! uploaded ZIPs, SQLite storage that survives a restart, and — in test mode only — fault
//! injection, a request log and permissive CORS for browser tests served from another origin.

pub mod auth;
pub mod batches;
pub mod cancel;
pub mod config;
pub mod db;
pub mod events;
pub mod faults;
pub mod http;
pub mod later;
pub mod link;
pub mod processing;
pub mod profiles;
pub mod qr;
pub mod rescue;
pub mod scans;
pub mod seed;
pub mod server;
pub mod sink;
pub mod state;
pub mod stream;
pub mod testing;
pub mod uploads;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::Router;
use config::Config;
use db::Db;
use events::EventHub;
use faults::{FaultRule, Faults};
use http::ApiError;
use later::Later;
use state::AppState;
use std::net::SocketAddr;
use std::sync::Arc;

/// The application routes for a given state.
pub fn app(state: AppState) -> Router {
    let mut router = Router::new()
        .route("/api/auth/login", post(auth::login))
        .route("/api/auth/refresh", post(auth::refresh))
        .route("/api/auth/me", get(auth::me))
        .route("/api/auth/verify", get(auth::verify))
        .route("/api/batches/upload", post(uploads::upload))
        .route("/api/batches/upload-chunk", post(uploads::upload_chunk))
        .route("/api/batches/", get(batches::list))
        .route("/api/batches", get(batches::redirect_to_slash))
        .route("/api/batches/{batch_uuid}/progress", get(batches::progress))
        .route("/api/batches/{batch_uuid}/status", get(batches::status))
        .route("/api/batches/{batch_uuid}/stream", get(stream::stream))
        .route("/api/batches/{batch_uuid}", delete(batches::delete))
        .merge(later::routes());
    if state.cfg.test_mode {
        router = router.merge(testing::routes());
    }
    let routes = router
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "Not Found") })
        .method_not_allowed_fallback(|| async { ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed") })
        .layer(DefaultBodyLimit::max(state.cfg.body_limit))
        .with_state(state.clone());
    // The generation gate wraps the whole router, not each route (as `Router::layer` would), so
    // that a hidden path's 404 carries no `Allow` header from its method router.
    Router::new().fallback_service(routes).layer(axum::middleware::from_fn_with_state(state, later::gate))
}

/// A started server.
pub struct Running {
    /// The bound address (useful with port 0).
    pub addr: SocketAddr,
    /// The server's state, for tests that look inside.
    pub state: AppState,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting connections (open ones finish on their own); used to test restarts.
    pub fn stop(self) -> AppState {
        self.task.abort();
        self.state
    }

    /// Serves until the process ends.
    pub async fn wait(self) {
        // The accept loop only ends with the runtime.
        let _ = self.task.await;
    }
}

fn io_error(err: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(err.to_string())
}

/// Opens the storage, seeds users (and demo batches when asked), resumes unfinished
/// processing and starts listening.
pub async fn start(cfg: Config) -> std::io::Result<Running> {
    std::fs::create_dir_all(&cfg.data_dir)?;
    let db = Arc::new(Db::open(&cfg.data_dir.join("omr.sqlite3")).map_err(io_error)?);
    seed::ensure_users(&db).map_err(io_error)?;
    if cfg.seed_demo {
        seed::seed_batches(&db).map_err(io_error)?;
    }
    let faults = Faults::default();
    if let Some(json) = &cfg.initial_faults {
        let rules: Vec<FaultRule> = serde_json::from_str(json).map_err(|e| io_error(format!("--faults: {e}")))?;
        faults.install(rules);
    }
    faults.set_gateway_body_limit(cfg.gateway_body_limit);
    let state = AppState {
        events: EventHub::new(db.clone()),
        db,
        faults: Arc::new(faults),
        chunk_lock: Arc::default(),
        sink: Arc::default(),
        later: Arc::new(Later::new(cfg.later_generation)),
        pipelines: Arc::default(),
        scans: Arc::default(),
        cfg: Arc::new(cfg),
    };
    for batch in state.db.unfinished_batches_with_files() {
        processing::spawn(state.clone(), batch);
    }
    let listener = tokio::net::TcpListener::bind(state.cfg.addr).await?;
    let addr = listener.local_addr()?;
    let task = tokio::spawn(server::accept_loop(listener, app(state.clone()), state.clone()));
    Ok(Running { addr, state, task })
}
