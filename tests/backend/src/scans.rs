//! `GET /__test/scans.zip?layout=…&seed=…&deflate=…` (test mode): scanner-like ZIPs made by
//! `omr-scans`, for browser tests served from another origin to fetch and upload.
//!
//! A ZIP is made once per query and kept in memory for the server's life: a 51-page one
//! takes about 3 s on this machine's two cores (20 s if omr-scans were not optimised in test
//! builds), and tests ask for the same few again and again.

use crate::http::ApiError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;

/// The most pages one fixture ZIP may have: about 260 MB of answer sheets held in memory.
pub const MAX_FIXTURE_PAGES: usize = 400;

/// What a fixture ZIP is made from: layout, seed, deflated or not.
type Key = (String, u64, bool);

/// Fixture ZIPs made so far; two requests for the same one wait for one making.
#[derive(Default)]
pub struct ScanZips {
    made: Mutex<HashMap<Key, Arc<OnceCell<Bytes>>>>,
}

/// The query: `layout` as `omr_scans::parse_layout` reads it; `seed` (default 0); `deflate`
/// `true` or `false` (default: entries stored, as most scanners write them).
#[derive(Deserialize)]
pub struct ScansQuery {
    layout: Option<String>,
    seed: Option<u64>,
    deflate: Option<bool>,
}

/// The ZIP for the query, as `application/zip`; 400 `{"detail": …}` for a bad query or layout.
pub async fn scans_zip(
    State(state): State<AppState>,
    query: Result<Query<ScansQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|rejection| ApiError::new(StatusCode::BAD_REQUEST, rejection.body_text()))?;
    let layout = query.layout.ok_or_else(|| ApiError::new(StatusCode::BAD_REQUEST, "layout is required"))?;
    let pages = omr_scans::parse_layout(&layout).map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e))?;
    if pages.len() > MAX_FIXTURE_PAGES {
        let detail = format!("At most {MAX_FIXTURE_PAGES} pages here; the omr-scans command makes larger ZIPs");
        return Err(ApiError::new(StatusCode::BAD_REQUEST, detail));
    }
    let (seed, deflate) = (query.seed.unwrap_or(0), query.deflate.unwrap_or(false));
    let cell = {
        let mut made = state.scans.made.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        made.entry((layout.clone(), seed, deflate)).or_default().clone()
    };
    let zip = cell
        .get_or_try_init(|| async move {
            let made = tokio::task::spawn_blocking(move || omr_scans::build_zip(&layout, seed, deflate)).await;
            match made {
                Ok(Ok(zip)) => Ok(Bytes::from(zip)),
                Ok(Err(reason)) => Err(ApiError::new(StatusCode::BAD_REQUEST, reason)),
                Err(panic) => Err(ApiError::internal("Fixture generation failed", panic)),
            }
        })
        .await?
        .clone();
    Ok(([(header::CONTENT_TYPE, "application/zip")], zip).into_response())
}
