//! The later generation's batch routes (contract §5.9.1–5.9.4): `/recoverable`, `/recover`,
//! `/cancel` and `/stats`. Each needs a Bearer token and is for admins and the batch's uploader
//! (403 `Access denied` for others, after the 404 of an unknown batch).

use crate::auth::CurrentUser;
use crate::batches::find_owned;
use crate::http::{naive_now, ApiError};
use crate::processing::{self, ANSWERS_PER_SHEET};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDateTime;
use serde_json::{json, Map, Value};

/// How long a batch may sit in `processing` before the recovery guide calls it stuck.
const STUCK_AFTER: chrono::Duration = chrono::Duration::hours(2);

/// Whether `/recover` would rescue anything worth offering: cached results of a batch that
/// failed, or that has been `processing` for more than two hours (`started` is the naive
/// `processing_started_at`).
pub fn is_recoverable(status: &str, started: Option<&str>, cached: i64, now: NaiveDateTime) -> bool {
    let stuck = || {
        started
            .and_then(|at| NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M:%S").ok())
            .is_some_and(|at| now - at > STUCK_AFTER)
    };
    cached > 0 && (status == "failed" || (status == "processing" && stuck()))
}

/// `GET /api/batches/{uuid}/recoverable`.
pub async fn recoverable(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(uuid): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let batch = find_owned(&state, &user, &uuid)?;
    let cached = state.db.cached_results(batch.batch_id);
    let now = chrono::Local::now().naive_local();
    Ok(Json(json!({
        "batch_uuid": batch.batch_uuid,
        // Redis holds progress data while the batch's event log or cached results live.
        "has_progress_data": cached > 0 || !state.db.events(batch.batch_id).is_empty(),
        "recoverable_sheets_count": cached,
        "total_sheets_count": batch.sheet_count,
        "is_recoverable": is_recoverable(&batch.status, batch.processing_started_at.as_deref(), cached, now),
    })))
}

/// `POST /api/batches/{uuid}/recover` (no body): writes the cached results back and completes
/// the batch; 200 with `success: false` when nothing is cached.
pub async fn recover(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(uuid): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let batch = find_owned(&state, &user, &uuid)?;
    let recovered =
        state.db.recover_results(batch.batch_id, &naive_now()).map_err(|e| ApiError::internal("Recovery failed", e))?;
    if recovered.sheets == 0 {
        return Ok(Json(json!({
            "success": false,
            "message": "No data found to recover",
            "sheets_recovered": 0,
            "answers_recovered": 0,
        })));
    }
    let answers = recovered.completed * ANSWERS_PER_SHEET;
    Ok(Json(json!({
        "success": true,
        "message": format!("Recovery successful. Recovered {} sheets and {answers} answers.", recovered.sheets),
        "sheets_recovered": recovered.sheets,
        "answers_recovered": answers,
    })))
}

fn not_processing(uuid: &str, status: &str) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, format!("Batch {uuid} is not processing (status: {status})"))
}

/// `POST /api/batches/{uuid}/cancel` (no body): a running pipeline stops before its next sheet;
/// a batch without one (seeded, or restarted without its file) is ended here. Either way it
/// ends `failed` with `Cancelled by user` and its processed results cached for `/recover`.
pub async fn cancel(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(uuid): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let batch = find_owned(&state, &user, &uuid)?;
    if matches!(batch.status.as_str(), "completed" | "failed") {
        return Err(not_processing(&uuid, &batch.status));
    }
    if !state.pipelines.request_cancel(batch.batch_id) && !processing::cancel_idle(&state, &batch) {
        // Its pipeline ended between the look-up and now.
        let now = find_owned(&state, &user, &uuid)?;
        return Err(not_processing(&uuid, &now.status));
    }
    Ok(Json(json!({"success": true, "message": "Batch cancellation requested"})))
}

/// The error counters of `/stats`, in the order failed sheets are assigned to them. The last
/// one is not in the contract: a field the client must show under its raw name.
const ERROR_KINDS: [&str; 8] = [
    "err_duplicate_sheets_total",
    "err_low_answer_total",
    "err_student_id_total",
    "err_center_code_total",
    "err_class_group_total",
    "err_class_level_total",
    "err_absent_count_total",
    "err_blank_page_total",
];

/// The `/stats` body for a batch with `sheets` sheets of which `failed` failed: each failed
/// sheet counts once, under the kinds in turn; registration runs about 10 % above the scans.
pub fn stats_body(sheets: i64, failed: i64) -> Value {
    let mut body = Map::new();
    body.insert("registered_total".into(), json!(sheets + (sheets + 9) / 10));
    body.insert("sheets_total".into(), json!(sheets));
    body.insert("error_total".into(), json!(failed));
    let kinds = ERROR_KINDS.len() as i64;
    for (index, kind) in ERROR_KINDS.iter().enumerate() {
        let count = failed / kinds + i64::from((index as i64) < failed % kinds);
        body.insert((*kind).into(), json!(count));
    }
    Value::Object(body)
}

/// `GET /api/batches/{uuid}/stats`: all integers, from the batch's sheets as they are now.
pub async fn stats(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(uuid): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let batch = find_owned(&state, &user, &uuid)?;
    let counts = state.db.sheet_counts(batch.batch_id);
    Ok(Json(stats_body(counts.total, counts.failed)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S").unwrap()
    }

    #[test]
    fn failed_or_long_stuck_batches_with_cached_results_are_recoverable() {
        let now = at("2025-12-13T12:00:00");
        assert!(is_recoverable("failed", None, 3, now));
        assert!(!is_recoverable("failed", None, 0, now), "nothing cached");
        assert!(is_recoverable("processing", Some("2025-12-13T09:59:59"), 3, now));
        assert!(!is_recoverable("processing", Some("2025-12-13T10:30:00"), 3, now), "not stuck yet");
        assert!(!is_recoverable("completed", None, 3, now));
    }

    #[test]
    fn every_failed_sheet_counts_once() {
        let body = stats_body(1160, 133);
        assert_eq!(body["registered_total"], 1276);
        let split: i64 = ERROR_KINDS.iter().map(|kind| body[kind].as_i64().unwrap()).sum();
        assert_eq!(split, 133);
        assert_eq!(body["err_duplicate_sheets_total"], 17);
        assert_eq!(body["err_blank_page_total"], 16);
        assert_eq!(stats_body(0, 0)["registered_total"], 0);
    }
}
