//! Response types of the contract, tolerant of unknown fields, nulls and the documented quirks.

use super::lenient;
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// `UserInfo` from login and `/api/auth/me`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserInfo {
    pub user_id: i64,
    pub username: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub full_name: Option<String>,
    /// The only flag the batch endpoints check.
    #[serde(default)]
    pub is_admin: bool,
    #[serde(default)]
    pub role_hierarchy: Option<i64>,
}

impl UserInfo {
    /// The full name when the server gave one, else the username.
    pub fn display_name(&self) -> &str {
        self.full_name.as_deref().filter(|n| !n.trim().is_empty()).unwrap_or(&self.username)
    }
}

/// Login and refresh answers. Refresh may carry only `access_token` and `token_type`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    #[serde(default)]
    pub expires_in: Option<u64>,
    #[serde(default)]
    pub user: Option<UserInfo>,
}

/// A batch's `processing_status`, open to values added after the snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum BatchStatus {
    Uploaded,
    Validating,
    Processing,
    Completed,
    Failed,
    Reprocessing,
    /// A value this client does not know yet, kept verbatim.
    Other(String),
}

impl BatchStatus {
    /// The six documented values, in lifecycle order.
    pub const ALL: [BatchStatus; 6] = [
        BatchStatus::Uploaded,
        BatchStatus::Validating,
        BatchStatus::Processing,
        BatchStatus::Completed,
        BatchStatus::Failed,
        BatchStatus::Reprocessing,
    ];

    /// Reads the wire value.
    pub fn parse(value: &str) -> BatchStatus {
        match value {
            "uploaded" => BatchStatus::Uploaded,
            "validating" => BatchStatus::Validating,
            "processing" => BatchStatus::Processing,
            "completed" => BatchStatus::Completed,
            "failed" => BatchStatus::Failed,
            "reprocessing" => BatchStatus::Reprocessing,
            other => BatchStatus::Other(other.to_string()),
        }
    }

    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            BatchStatus::Uploaded => "uploaded",
            BatchStatus::Validating => "validating",
            BatchStatus::Processing => "processing",
            BatchStatus::Completed => "completed",
            BatchStatus::Failed => "failed",
            BatchStatus::Reprocessing => "reprocessing",
            BatchStatus::Other(value) => value,
        }
    }

    /// Completed and failed: finished; polling and streaming end.
    pub fn is_terminal(&self) -> bool {
        matches!(self, BatchStatus::Completed | BatchStatus::Failed)
    }

    /// A documented status of a batch still on its way (uploaded, validating, processing,
    /// reprocessing). The one definition of "unfinished": lists refresh and streams open only
    /// for these. A status this client does not know is neither running nor finished.
    pub fn is_running(&self) -> bool {
        !self.is_terminal() && !matches!(self, BatchStatus::Other(_))
    }
}

impl<'de> Deserialize<'de> for BatchStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(BatchStatus::parse(&String::deserialize(deserializer)?))
    }
}

impl fmt::Display for BatchStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The three ways to upload (contract §4.2–4.3), one type with both wire spellings: the
/// list says `zip_qr`, the chunk form (and this client's storage keys) `zip_with_qr`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UploadType {
    /// ZIP whose groups start with a QR cover sheet: no task id.
    ZipWithQr,
    /// ZIP of one task: 8-digit task id required.
    ZipNoQr,
    /// Loose JPG/PNG images of one task, in one request: task id required.
    Images,
}

impl UploadType {
    /// Every type, in the order the form shows them.
    pub const ALL: [UploadType; 3] = [UploadType::ZipWithQr, UploadType::ZipNoQr, UploadType::Images];

    /// Reads either spelling; `None` for a value this client does not know.
    pub fn parse(value: &str) -> Option<UploadType> {
        match value {
            "zip_qr" | "zip_with_qr" => Some(UploadType::ZipWithQr),
            "zip_no_qr" => Some(UploadType::ZipNoQr),
            "images" => Some(UploadType::Images),
            _ => None,
        }
    }

    /// The `upload-chunk` form spelling, also this client's key in storage and form values.
    pub fn form_value(self) -> &'static str {
        match self {
            UploadType::ZipWithQr => "zip_with_qr",
            UploadType::ZipNoQr => "zip_no_qr",
            UploadType::Images => "images",
        }
    }

    /// The list's spelling.
    pub fn list_value(self) -> &'static str {
        match self {
            UploadType::ZipWithQr => "zip_qr",
            other => other.form_value(),
        }
    }

    /// Whether this type needs a task id.
    pub fn needs_task_id(self) -> bool {
        !matches!(self, UploadType::ZipWithQr)
    }
}

impl<'de> Deserialize<'de> for UploadType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        UploadType::parse(&value).ok_or_else(|| serde::de::Error::custom(format!("unknown upload type {value}")))
    }
}

/// A naive wall-clock timestamp as the server writes it (`2025-12-18T09:41:07`, maybe with
/// microseconds, maybe with a `Z`): shown as local time, never shifted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct NaiveTimestamp {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

impl NaiveTimestamp {
    /// Parses `YYYY-MM-DDTHH:MM:SS[.ffffff][Z]` (a space instead of `T` is accepted too).
    pub fn parse(text: &str) -> Option<NaiveTimestamp> {
        let text = text.trim();
        let text = text.strip_suffix('Z').unwrap_or(text);
        let (date, time) = text.split_once(['T', ' '])?;
        let mut date = date.split('-');
        let year = date.next()?.parse().ok()?;
        let month = date.next()?.parse().ok()?;
        let day = date.next()?.parse().ok()?;
        let time = time.split('.').next()?;
        let mut time = time.split(':');
        let hour = time.next()?.parse().ok()?;
        let minute = time.next()?.parse().ok()?;
        let second = time.next().map_or(Some(0), |s| s.parse().ok())?;
        let valid = (1..=12).contains(&month) && (1..=31).contains(&day) && hour < 24 && minute < 60 && second < 61;
        valid.then_some(NaiveTimestamp { year, month, day, hour, minute, second })
    }

    /// Seconds since 0000-03-01 (a day count that handles leap years): for differences only.
    pub fn seconds(&self) -> i64 {
        // Days from civil date (Howard Hinnant's algorithm).
        let (y, m) = if self.month <= 2 {
            (self.year as i64 - 1, self.month as i64 + 9)
        } else {
            (self.year as i64, self.month as i64 - 3)
        };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * m + 2) / 5 + self.day as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe;
        days * 86_400 + self.hour as i64 * 3600 + self.minute as i64 * 60 + self.second as i64
    }
}

/// One row of `GET /api/batches/`. Only `batch_uuid` and `status` are needed; any other
/// field of the wrong shape reads as unknown ("—"). The row's `batch_id`, the integer
/// database key (contract §2.3), is not read: no path takes it, and its untagged reader
/// cost 6 KB of wasm.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct BatchListItem {
    /// The public id used in every path.
    pub batch_uuid: String,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub batch_name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt")]
    pub upload_type: Option<UploadType>,
    pub status: BatchStatus,
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub sheet_count: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub file_size_bytes: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub created_at: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub processing_started_at: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub completed_at: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub error_message: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub notes: Option<String>,
    /// Sent by newer servers only.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub username: Option<String>,
}

impl BatchListItem {
    /// Whether this batch may be the one an upload created (pure): same name (unless the
    /// server names it, `None`), same size, made no earlier than `not_before`, and by
    /// `username` when both sides name the uploader (an admin's list holds everyone's).
    pub fn may_be_upload_of(
        &self,
        name: Option<&str>,
        size: u64,
        not_before: &NaiveTimestamp,
        username: Option<&str>,
    ) -> bool {
        let recent = self.created_at.as_deref().and_then(NaiveTimestamp::parse).is_some_and(|at| at >= *not_before);
        recent && self.is_same_file(name, size, username)
    }

    /// Whether this batch was made from a file of this name (unless `None`) and size, by
    /// `username` when both sides name the uploader (pure).
    pub fn is_same_file(&self, name: Option<&str>, size: u64, username: Option<&str>) -> bool {
        let same_name = name.is_none_or(|name| self.batch_name.as_deref() == Some(name));
        let same_size = self.file_size_bytes == Some(size);
        let same_user = match (username, self.username.as_deref()) {
            (Some(mine), Some(theirs)) => mine == theirs,
            _ => true,
        };
        same_name && same_size && same_user
    }
}

/// `GET /api/batches/` answer. A row that cannot be read (no usable `batch_uuid` or
/// `status`) is left out and counted in `skipped`, so one bad row never hides the others.
#[derive(Clone, Debug, PartialEq)]
pub struct BatchListResponse {
    pub batches: Vec<BatchListItem>,
    pub total: u64,
    pub limit: Option<u64>,
    pub offset: Option<u64>,
    pub showing: Option<u64>,
    /// Rows left out because they could not be read.
    pub skipped: usize,
}

impl<'de> Deserialize<'de> for BatchListResponse {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            #[serde(default, deserialize_with = "lenient::opt")]
            batches: Option<Vec<serde_json::Value>>,
            #[serde(default, deserialize_with = "lenient::u64_or_zero")]
            total: u64,
            #[serde(default, deserialize_with = "lenient::opt_u64")]
            limit: Option<u64>,
            #[serde(default, deserialize_with = "lenient::opt_u64")]
            offset: Option<u64>,
            #[serde(default, deserialize_with = "lenient::opt_u64")]
            showing: Option<u64>,
        }
        let raw = Raw::deserialize(deserializer)?;
        let (batches, skipped) = lenient::rows(raw.batches.unwrap_or_default());
        Ok(BatchListResponse {
            batches,
            total: raw.total,
            limit: raw.limit,
            offset: raw.offset,
            showing: raw.showing,
            skipped,
        })
    }
}

/// `GET /api/batches/{uuid}/progress`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct BatchProgress {
    pub batch_uuid: String,
    pub status: BatchStatus,
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub sheet_count: u64,
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub processed_count: u64,
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub failed_count: u64,
    /// May arrive as an integer (`0`) or a float (`63.97`).
    #[serde(default, deserialize_with = "lenient::f64_or_zero")]
    pub progress_percentage: f64,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub created_at: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub completed_at: Option<String>,
}

/// One sheet in `/status?include_sheets=true`; two documented shapes, both accepted.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct SheetItem {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub sheet_uuid: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_i64_rounded")]
    pub sequence_number: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_i64_rounded")]
    pub sheet_number: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub error_message: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub image_path: Option<String>,
    /// Sometimes a float on the wire; rounded.
    #[serde(default, deserialize_with = "lenient::opt_i64_rounded")]
    pub processing_time_ms: Option<i64>,
}

/// A sheet's status as the server words it; values this client does not know are kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SheetStatus {
    Pending,
    Processing,
    Completed,
    Failed,
    Other(String),
}

impl SheetStatus {
    /// Reads the wire value.
    pub fn parse(value: &str) -> SheetStatus {
        match value {
            "pending" => SheetStatus::Pending,
            "processing" => SheetStatus::Processing,
            "completed" => SheetStatus::Completed,
            "failed" => SheetStatus::Failed,
            other => SheetStatus::Other(other.to_string()),
        }
    }

    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            SheetStatus::Pending => "pending",
            SheetStatus::Processing => "processing",
            SheetStatus::Completed => "completed",
            SheetStatus::Failed => "failed",
            SheetStatus::Other(value) => value,
        }
    }
}

impl SheetItem {
    /// The sheet's status, typed.
    pub fn sheet_status(&self) -> Option<SheetStatus> {
        self.status.as_deref().map(SheetStatus::parse)
    }

    /// A sheet the server could not read.
    pub fn is_failed(&self) -> bool {
        self.sheet_status() == Some(SheetStatus::Failed)
    }
}

/// `GET /api/batches/{uuid}/status` (field names as the live server sends them).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct BatchStatusResponse {
    /// Here `batch_id` is the UUID.
    pub batch_id: String,
    pub status: BatchStatus,
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub total_sheets: u64,
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub processed_sheets: u64,
    #[serde(default, deserialize_with = "lenient::u64_or_zero")]
    pub failed_sheets: u64,
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub pending_sheets: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub created_at: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub processing_started_at: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub processing_completed_at: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub error_message: Option<String>,
    /// The readable sheets (`include_sheets=true`), and how many were left out.
    #[serde(default, deserialize_with = "sheet_rows")]
    pub sheets: Option<SheetRows>,
}

/// The sheets of a status answer: the readable ones, and how many could not be read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SheetRows {
    pub rows: Vec<SheetItem>,
    pub skipped: usize,
}

fn sheet_rows<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<SheetRows>, D::Error> {
    let values: Option<Vec<serde_json::Value>> = lenient::opt(deserializer)?;
    Ok(values.map(|values| {
        let (rows, skipped) = lenient::rows(values);
        SheetRows { rows, skipped }
    }))
}

/// 202 of `POST /api/batches/upload`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct UploadAccepted {
    /// The new batch's UUID.
    pub batch_id: String,
    #[serde(default)]
    pub status: Option<BatchStatus>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub total_size: Option<u64>,
}

/// 202 of `POST /api/batches/upload-chunk`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ChunkAccepted {
    pub upload_id: String,
    #[serde(default)]
    pub chunk_index: Option<u64>,
    #[serde(default)]
    pub chunks_received: Option<u64>,
    #[serde(default)]
    pub total_chunks: Option<u64>,
    #[serde(default)]
    pub is_complete: bool,
    /// Only on the completing response: the new batch's UUID.
    #[serde(default)]
    pub batch_id: Option<String>,
    #[serde(default)]
    pub status: Option<BatchStatus>,
    #[serde(default)]
    pub message: Option<String>,
}

/// `BatchProgressEvent`, the data of `progress` / `complete` / `error` stream events.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ProgressEvent {
    #[serde(default)]
    pub stage: String,
    #[serde(default)]
    pub message: String,
    /// 0–100 within the current stage.
    #[serde(default)]
    pub progress_percentage: f64,
    #[serde(default)]
    pub sheets_total: u64,
    #[serde(default)]
    pub sheets_processed: u64,
    #[serde(default)]
    pub elapsed_seconds: u64,
    #[serde(default)]
    pub timestamp: Option<String>,
    #[serde(default)]
    pub error_details: Option<String>,
}

impl ProgressEvent {
    /// The number of tasks a QR upload skipped because they already had sheets, when this
    /// event is the server's "Skipping N duplicate tasks: …" (contract §4.3); 0 when it says
    /// "Skipping" without a readable number.
    pub fn skipped_duplicate_tasks(&self) -> Option<u64> {
        let rest = self.message.strip_prefix("Skipping")?;
        Some(rest.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_bad_row_never_hides_the_others() {
        let body = r#"{"batches": [
            {"batch_id": 1, "batch_uuid": "a", "status": "completed", "file_size_bytes": 2048, "sheet_count": 3},
            {"batch_id": 2, "batch_uuid": null, "status": "completed"},
            {"batch_id": 3.5, "batch_uuid": "c", "status": "processing", "file_size_bytes": -5, "sheet_count": 2.5,
             "created_at": 17, "upload_type": 4, "username": false},
            {"batch_uuid": "d", "status": 5},
            "junk"
        ], "total": "4", "limit": 50}"#;
        let list: BatchListResponse = serde_json::from_str(body).unwrap();
        assert_eq!(list.batches.iter().map(|b| b.batch_uuid.as_str()).collect::<Vec<_>>(), ["a", "c"]);
        assert_eq!(list.skipped, 3);
        assert_eq!(list.total, 4);
        let odd = &list.batches[1];
        assert_eq!((odd.file_size_bytes, odd.sheet_count), (None, None), "shown as —");
        assert_eq!((odd.created_at.clone(), odd.upload_type, odd.username.clone()), (None, None, None));
        let empty: BatchListResponse = serde_json::from_str(r#"{"batches": null}"#).unwrap();
        assert!(empty.batches.is_empty() && empty.skipped == 0);
    }

    #[test]
    fn status_answers_survive_odd_numbers_and_bad_sheets() {
        let body = r#"{"batch_id": "u", "status": "completed", "total_sheets": 2.0, "processed_sheets": -1,
            "failed_sheets": null, "sheets": [
                {"sheet_uuid": "s1", "sequence_number": 1, "status": "completed", "processing_time_ms": 812.6},
                {"sheet_uuid": "s2", "sequence_number": "two", "status": 3},
                7
            ]}"#;
        let status: BatchStatusResponse = serde_json::from_str(body).unwrap();
        assert_eq!((status.total_sheets, status.processed_sheets, status.failed_sheets), (2, 0, 0));
        let sheets = status.sheets.unwrap();
        assert_eq!(sheets.rows.len(), 2);
        assert_eq!(sheets.skipped, 1);
        assert_eq!(sheets.rows[0].processing_time_ms, Some(813));
        assert_eq!((sheets.rows[1].sequence_number, sheets.rows[1].status.clone()), (None, None));
        let progress: BatchProgress =
            serde_json::from_str(r#"{"batch_uuid": "u", "status": "processing", "progress_percentage": "x"}"#).unwrap();
        assert_eq!(progress.progress_percentage, 0.0);
    }

    #[test]
    fn an_uploads_batch_is_recognised_by_name_size_time_and_uploader() {
        let item: BatchListItem = serde_json::from_str(
            r#"{"batch_uuid": "b", "status": "uploaded", "batch_name": "103.zip", "file_size_bytes": 500,
                "created_at": "2025-12-18T09:41:07", "username": "center07"}"#,
        )
        .unwrap();
        let since = NaiveTimestamp::parse("2025-12-18T09:35:00").unwrap();
        assert!(item.may_be_upload_of(Some("103.zip"), 500, &since, Some("center07")));
        assert!(item.may_be_upload_of(None, 500, &since, None), "image sets are named by the server");
        assert!(!item.may_be_upload_of(Some("104.zip"), 500, &since, None));
        assert!(!item.may_be_upload_of(Some("103.zip"), 501, &since, None));
        assert!(!item.may_be_upload_of(
            Some("103.zip"),
            500,
            &NaiveTimestamp::parse("2025-12-18T09:41:08").unwrap(),
            None
        ));
        assert!(!item.may_be_upload_of(Some("103.zip"), 500, &since, Some("center08")), "someone else's");
    }

    #[test]
    fn upload_types_read_both_spellings_and_write_each_where_it_belongs() {
        assert_eq!(UploadType::parse("zip_qr"), Some(UploadType::ZipWithQr));
        assert_eq!(UploadType::parse("zip_with_qr"), Some(UploadType::ZipWithQr));
        assert_eq!(UploadType::parse("pdf"), None);
        assert_eq!(UploadType::ZipWithQr.form_value(), "zip_with_qr");
        assert_eq!(UploadType::ZipWithQr.list_value(), "zip_qr");
        assert!(UploadType::ALL.iter().all(|t| UploadType::parse(t.form_value()) == Some(*t)));
        assert!(!UploadType::ZipWithQr.needs_task_id() && UploadType::Images.needs_task_id());
    }

    #[test]
    fn server_wording_becomes_typed_values() {
        let event = |message: &str| ProgressEvent {
            stage: "validating".into(),
            message: message.into(),
            progress_percentage: 0.0,
            sheets_total: 0,
            sheets_processed: 0,
            elapsed_seconds: 0,
            timestamp: None,
            error_details: None,
        };
        assert_eq!(event("Skipping 2 duplicate tasks: 12300131, 12300132").skipped_duplicate_tasks(), Some(2));
        assert_eq!(event("Skipping duplicates").skipped_duplicate_tasks(), Some(0));
        assert_eq!(event("Extraction complete - 3 sheets").skipped_duplicate_tasks(), None);
        assert_eq!(SheetStatus::parse("failed"), SheetStatus::Failed);
        assert_eq!(SheetStatus::parse("archived").as_str(), "archived");
    }

    #[test]
    fn running_finished_and_unknown_are_one_definition() {
        for status in ["uploaded", "validating", "processing", "reprocessing"] {
            assert!(BatchStatus::parse(status).is_running() && !BatchStatus::parse(status).is_terminal());
        }
        for status in ["completed", "failed"] {
            assert!(BatchStatus::parse(status).is_terminal() && !BatchStatus::parse(status).is_running());
        }
        let unknown = BatchStatus::parse("archived");
        assert!(!unknown.is_running() && !unknown.is_terminal(), "neither: polled slowly, never streamed");
    }
}
