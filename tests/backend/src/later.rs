//! The two backend generations the client must work with (contract §5.9).
//!
//! The later generation adds `/recoverable`, `/recover`, `/cancel`, `/stats`, `/api/profiles/`,
//! the list filters `batch_name` and `username`, and the upload fields `profile_id` and
//! `alignment_mode`. The router snapshot has none of them: its router answers 404
//! `{"detail": "Not Found"}` for those paths whatever the method and before any
//! authentication, ignores the unknown query parameters and drops the unknown form fields.
//! The generation can be switched at run time in test mode (`PUT /__test/generation`).

use crate::db::UploadOptions;
use crate::http::{parse_int, ApiError, Problems};
use crate::state::AppState;
use crate::{profiles, rescue};
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// Which generation is served, and the test-mode replacement of the profiles answer.
pub struct Later {
    /// The generation chosen at start (`--generation`), restored by `DELETE /__test/faults`.
    at_start: bool,
    on: AtomicBool,
    profiles_answer: Mutex<Option<Bytes>>,
}

impl Later {
    /// Serves the later generation when `on`.
    pub fn new(on: bool) -> Self {
        Later { at_start: on, on: AtomicBool::new(on), profiles_answer: Mutex::default() }
    }

    /// True while the later generation is served.
    pub fn is_on(&self) -> bool {
        self.on.load(Ordering::SeqCst)
    }

    /// Switches the generation.
    pub fn set(&self, on: bool) {
        self.on.store(on, Ordering::SeqCst);
    }

    /// Replaces the body of `GET /api/profiles/` with these bytes, verbatim; `None` serves the
    /// seeded profiles again.
    pub fn set_profiles_answer(&self, body: Option<Bytes>) {
        *self.profiles_answer.lock().unwrap_or_else(|p| p.into_inner()) = body;
    }

    /// The replacement body of `GET /api/profiles/`, if one is set.
    pub fn profiles_answer(&self) -> Option<Bytes> {
        self.profiles_answer.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The start-up generation and the seeded profiles again.
    pub fn reset(&self) {
        self.set(self.at_start);
        self.set_profiles_answer(None);
    }
}

/// The batch paths only the later generation has: `/api/batches/{uuid}/<one of these>`.
const BATCH_ACTIONS: [&str; 4] = ["recoverable", "recover", "cancel", "stats"];

/// True for the paths of [`routes`] (after the realtime lane is folded into `/api`).
pub fn is_later_path(path: &str) -> bool {
    if path == "/api/profiles" || path == "/api/profiles/" {
        return true;
    }
    let Some(rest) = path.strip_prefix("/api/batches/") else { return false };
    rest.split_once('/').is_some_and(|(uuid, action)| !uuid.is_empty() && BATCH_ACTIONS.contains(&action))
}

/// Layered over the whole router: while the snapshot is served, the later paths answer as
/// unknown paths do, for every method (no 405, no `Allow`) and before authentication.
pub async fn gate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if state.later.is_on() || !is_later_path(request.uri().path()) {
        next.run(request).await
    } else {
        ApiError::new(StatusCode::NOT_FOUND, "Not Found").into_response()
    }
}

/// The routes only the later generation has; [`gate`] hides them while the snapshot is served.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/batches/{batch_uuid}/recoverable", get(rescue::recoverable))
        .route("/api/batches/{batch_uuid}/recover", post(rescue::recover))
        .route("/api/batches/{batch_uuid}/cancel", post(rescue::cancel))
        .route("/api/batches/{batch_uuid}/stats", get(rescue::stats))
        .route("/api/profiles/", get(profiles::list))
        .route("/api/profiles", get(crate::batches::redirect_to_slash))
}

/// The values of the upload fields `profile_id` and `alignment_mode` that the served generation
/// takes: nothing in the snapshot, which drops unknown form fields; empty values count as
/// absent; a `profile_id` that is not an integer is a 422, as for any `Form(int)` field.
pub fn upload_options(
    state: &AppState,
    profile_id: Option<&str>,
    alignment_mode: Option<&str>,
) -> Result<UploadOptions, ApiError> {
    if !state.later.is_on() {
        return Ok(UploadOptions::default());
    }
    let mut problems = Problems::default();
    let profile_id = profile_id
        .filter(|raw| !raw.trim().is_empty())
        .and_then(|raw| problems.take(parse_int("body", "profile_id", raw)));
    problems.finish()?;
    let alignment_mode = alignment_mode.map(str::trim).filter(|mode| !mode.is_empty()).map(str::to_string);
    Ok(UploadOptions { profile_id, alignment_mode })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_paths_are_told_from_snapshot_paths() {
        assert!(is_later_path("/api/batches/0b5e/cancel"));
        assert!(is_later_path("/api/profiles"));
        assert!(is_later_path("/api/profiles/"));
        assert!(!is_later_path("/api/batches/0b5e/status"));
        assert!(!is_later_path("/api/batches//stats"));
        assert!(!is_later_path("/api/batches/0b5e"));
        assert!(!is_later_path("/api/batches/0b5e/stats/x"));
    }
}
