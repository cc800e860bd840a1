//! `GET /api/batches/`, `/progress`, `/status` and `DELETE`, as the router snapshot has them,
//! plus the list filters of the later generation (`batch_name`, `username`).

use crate::auth::CurrentUser;
use crate::db::{Batch, User};
use crate::http::{check_range, parse_bool, parse_int, ApiError, Problems};
use crate::state::AppState;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::collections::HashMap;

/// Reads an optional integer query parameter with Pydantic's range errors.
fn int_param(
    problems: &mut Problems,
    query: &HashMap<String, String>,
    name: &str,
    default: i64,
    low: Option<i64>,
    high: Option<i64>,
) -> i64 {
    let Some(raw) = query.get(name) else { return default };
    problems
        .take(parse_int("query", name, raw).and_then(|value| check_range("query", name, raw, value, low, high)))
        .unwrap_or(default)
}

/// A list path without its slash (`/api/batches`, `/api/profiles`): Starlette's 307 to the slash
/// form, built from the Host header.
pub async fn redirect_to_slash(uri: Uri, headers: HeaderMap, RawQuery(query): RawQuery) -> Response {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let query = query.map(|q| format!("?{q}")).unwrap_or_default();
    let location = format!("http://{host}{}/{query}", uri.path());
    (StatusCode::TEMPORARY_REDIRECT, [(header::LOCATION, location)]).into_response()
}

/// `GET /api/batches/?status=&limit=&offset=`: newest first; admins see all, others their own.
/// The later generation also takes `batch_name` and `username` (substrings, any case); the
/// snapshot ignores them, as FastAPI ignores any unknown query parameter.
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let mut problems = Problems::default();
    let limit = int_param(&mut problems, &query, "limit", 50, Some(1), Some(100));
    let offset = int_param(&mut problems, &query, "offset", 0, Some(0), None);
    problems.finish()?;
    let owner = (!user.is_admin).then_some(user.user_id);
    let status = query.get("status").map(String::as_str);
    let filter = |name: &str| query.get(name).map(String::as_str).filter(|_| state.later.is_on());
    let (rows, total) = match (filter("batch_name"), filter("username")) {
        (None, None) => state.db.list_batches(owner, status, limit, offset),
        (name, username) => state.db.list_batches_matching(owner, status, name, username, limit, offset),
    };
    let batches: Vec<Value> = rows.iter().map(|batch| list_item(&state, batch)).collect();
    Ok(Json(json!({"batches": batches, "total": total, "limit": limit, "offset": offset, "showing": batches.len()})))
}

fn list_item(state: &AppState, b: &Batch) -> Value {
    let mut item = json!({
        "batch_id": b.batch_id,
        "batch_uuid": b.batch_uuid,
        "batch_name": b.batch_name,
        "upload_type": b.upload_type,
        "status": b.status,
        "sheet_count": b.sheet_count,
        "file_size_bytes": b.file_size_bytes,
        "created_at": b.created_at,
        "processing_started_at": b.processing_started_at,
        "completed_at": b.completed_at,
        "error_message": b.error_message,
        "notes": b.notes,
    });
    if !state.cfg.list_without_username {
        item["username"] = json!(state.db.user_by_id(b.uploaded_by).map(|u| u.username));
    }
    item
}

fn find(state: &AppState, uuid: &str) -> Result<Batch, ApiError> {
    state.db.batch_by_uuid(uuid).ok_or_else(|| ApiError::batch_not_found(uuid))
}

/// The batch, if `user` may act on it: 404 when unknown, then 403 `Access denied` unless the
/// user is an admin or its uploader.
pub fn find_owned(state: &AppState, user: &User, uuid: &str) -> Result<Batch, ApiError> {
    let batch = find(state, uuid)?;
    if !user.is_admin && batch.uploaded_by != user.user_id {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "Access denied"));
    }
    Ok(batch)
}

/// `processed / total × 100` rounded to 2 decimals; the integer 0 when there are no sheets.
pub fn percentage(processed: i64, total: i64) -> Value {
    if total == 0 {
        json!(0)
    } else {
        json!((processed as f64 / total as f64 * 10_000.0).round() / 100.0)
    }
}

/// `GET /api/batches/{uuid}/progress`: no ownership check.
pub async fn progress(
    State(state): State<AppState>,
    _user: CurrentUser,
    Path(uuid): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let batch = find(&state, &uuid)?;
    let counts = state.db.sheet_counts(batch.batch_id);
    Ok(Json(json!({
        "batch_uuid": batch.batch_uuid,
        "status": batch.status,
        "sheet_count": batch.sheet_count,
        "processed_count": counts.completed,
        "failed_count": counts.failed,
        "progress_percentage": percentage(counts.completed, batch.sheet_count),
        "created_at": batch.created_at,
        "completed_at": batch.completed_at,
    })))
}

/// `GET /api/batches/{uuid}/status?include_sheets=&limit=`: no ownership check.
pub async fn status(
    State(state): State<AppState>,
    _user: CurrentUser,
    Path(uuid): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let mut problems = Problems::default();
    let include_sheets = match query.get("include_sheets") {
        Some(raw) => problems.take(parse_bool("query", "include_sheets", raw)).unwrap_or(false),
        None => false,
    };
    let limit = int_param(&mut problems, &query, "limit", 100, Some(1), Some(1000));
    problems.finish()?;
    let batch = find(&state, &uuid)?;
    let counts = state.db.sheet_counts(batch.batch_id);
    let sheets = include_sheets.then(|| {
        state
            .db
            .sheets(batch.batch_id, limit)
            .into_iter()
            .map(|s| {
                json!({
                    "sheet_uuid": s.sheet_uuid,
                    "batch_uuid": batch.batch_uuid,
                    "sequence_number": s.sequence_number,
                    "sheet_number": s.sequence_number,
                    "status": s.status,
                    "error_message": s.error_message,
                    "processing_time_ms": s.processing_time_ms,
                    "image_path": s.image_path,
                })
            })
            .collect::<Vec<_>>()
    });
    Ok(Json(json!({
        "batch_id": batch.batch_uuid,
        "status": batch.status,
        "total_sheets": batch.sheet_count,
        "processed_sheets": counts.completed,
        "failed_sheets": counts.failed,
        "pending_sheets": (batch.sheet_count - counts.completed - counts.failed).max(0),
        "created_at": batch.created_at,
        "processing_started_at": batch.processing_started_at,
        "processing_completed_at": batch.completed_at,
        "error_message": batch.error_message,
        "sheets": sheets,
    })))
}

/// `DELETE /api/batches/{uuid}`: admin only (checked before existence), hard delete, 204.
pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(uuid): Path<String>,
) -> Result<StatusCode, ApiError> {
    if !user.is_admin {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "Only administrators can delete batches"));
    }
    let batch = find(&state, &uuid)?;
    state.db.delete_batch(batch.batch_id).map_err(|e| ApiError::internal("Failed to delete batch", e))?;
    state.events.forget(batch.batch_id);
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentage_is_integer_zero_without_sheets() {
        assert_eq!(percentage(0, 0).to_string(), "0");
        assert_eq!(percentage(742, 1160).to_string(), "63.97");
        assert_eq!(percentage(1, 1).to_string(), "100.0");
    }
}
