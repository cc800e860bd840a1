//! Every word the user sees, in English and Thai. State and events carry values (statuses,
//! errors, counts, the server's words); the functions here turn them into text at the edge,
//! in the locale the user chose. Fixed texts are fields of the catalogues in `en` and `th`;
//! texts with values are functions that match on the language, so a text missing in either
//! language is a compile error. Numbers, sizes and times go through `intl`.

pub mod actions;
mod catalogue;
pub mod covers;
pub mod details;
mod en;
pub mod form;
mod th;
pub mod upload;

pub use actions::*;
pub use catalogue::{ActionStrings, DetailsStrings, ListStrings, ServerStrings, Strings, UploadStrings};
pub use details::*;
pub use upload::*;

use crate::api::endpoints::STATUS_MAX_SHEETS;
use crate::api::error::{FieldError, NetworkFailure};
use crate::api::types::{BatchStatus, NaiveTimestamp, SheetStatus, UploadType};
use crate::api::ApiError;
use crate::export::{ExportState, SavedRows};
use crate::intl;
use crate::list_filter::Ignored;
use crate::locale::{Lang, Locale};
use crate::upload::queue::QueueProgress;

impl Locale {
    /// Texts shared across the app.
    pub fn strings(self) -> &'static Strings {
        match self.lang {
            Lang::En => &en::STRINGS,
            Lang::Th => &th::STRINGS,
        }
    }

    /// Texts of the upload form and queue.
    pub fn upload(self) -> &'static UploadStrings {
        match self.lang {
            Lang::En => &en::UPLOAD,
            Lang::Th => &th::UPLOAD,
        }
    }

    /// Texts of the batch list.
    pub fn list(self) -> &'static ListStrings {
        match self.lang {
            Lang::En => &en::LIST,
            Lang::Th => &th::LIST,
        }
    }

    /// Texts of the details page.
    pub fn details(self) -> &'static DetailsStrings {
        match self.lang {
            Lang::En => &en::DETAILS,
            Lang::Th => &th::DETAILS,
        }
    }

    /// Texts of the later backend's batch actions.
    pub fn actions(self) -> &'static ActionStrings {
        match self.lang {
            Lang::En => &en::ACTIONS,
            Lang::Th => &th::ACTIONS,
        }
    }

    /// Stage names and the server's known messages.
    pub fn server(self) -> &'static ServerStrings {
        match self.lang {
            Lang::En => &en::SERVER,
            Lang::Th => &th::SERVER,
        }
    }
}

/// Every fixed English text that Thai says differently: what a Thai page must never show.
/// Built from the catalogues themselves, so it follows every text added to them.
pub fn english_only_texts() -> Vec<&'static str> {
    let (en, th) = (Locale::new(Lang::En), Locale::new(Lang::Th));
    let all = |l: Locale| {
        [l.strings().all(), l.upload().all(), l.list().all(), l.details().all(), l.server().all(), l.actions().all()]
            .concat()
    };
    let (english, thai) = (all(en), all(th));
    english.into_iter().filter(|text| !thai.contains(text)).collect()
}

/// A name inside a sentence, isolated as `<bdi>` isolates it in markup (FSI … PDI), so a
/// name in another script or with RTL marks never reorders the words around it.
pub fn isolate(name: &str) -> String {
    format!("\u{2068}{name}\u{2069}")
}

/// "Batches · OMR Batches" for the document title.
pub fn page_title(l: Locale, page: &str) -> String {
    format!("{page} · {}", l.strings().app_name)
}

/// A server time as the server's clock showed it, or "—" when absent or unreadable.
pub fn timestamp(l: Locale, value: Option<&str>) -> String {
    match value.and_then(NaiveTimestamp::parse) {
        Some(time) => intl::timestamp(l, &time),
        None => l.strings().not_available.to_string(),
    }
}

/// A size such as `46.0 MB`, or "—" when unknown.
pub fn size(l: Locale, bytes: Option<u64>) -> String {
    match bytes {
        Some(bytes) => intl::bytes(l, bytes),
        None => l.strings().not_available.to_string(),
    }
}

/// A count such as `1,160`, or "—" when unknown.
pub fn count(l: Locale, value: Option<u64>) -> String {
    match value {
        Some(value) => intl::number(l, value),
        None => l.strings().not_available.to_string(),
    }
}

/// The name of an upload strategy.
pub fn upload_type(l: Locale, value: Option<&UploadType>) -> &'static str {
    let text = l.strings();
    match value {
        Some(UploadType::ZipWithQr) => text.type_zip_qr,
        Some(UploadType::ZipNoQr) => text.type_zip_no_qr,
        Some(UploadType::Images) => text.type_images,
        None => text.not_available,
    }
}

/// The label of a batch status; a status the server added later shows in its own words.
pub fn batch_status(l: Locale, status: &BatchStatus) -> String {
    let text = l.strings();
    match status {
        BatchStatus::Uploaded => text.status_uploaded.into(),
        BatchStatus::Validating => text.status_validating.into(),
        BatchStatus::Processing => text.status_processing.into(),
        BatchStatus::Completed => text.status_completed.into(),
        BatchStatus::Failed => text.status_failed.into(),
        BatchStatus::Reprocessing => text.status_reprocessing.into(),
        BatchStatus::Other(value) if value.trim().is_empty() => text.status_unknown.into(),
        BatchStatus::Other(value) => value.clone(),
    }
}

/// The label of a sheet status; unknown ones as sent.
pub fn sheet_status(l: Locale, status: &SheetStatus) -> String {
    let text = l.strings();
    match status {
        SheetStatus::Pending => text.sheet_pending.into(),
        SheetStatus::Processing => text.sheet_processing.into(),
        SheetStatus::Completed => text.sheet_completed.into(),
        SheetStatus::Failed => text.sheet_failed.into(),
        SheetStatus::Other(value) if value.trim().is_empty() => text.status_unknown.into(),
        SheetStatus::Other(value) => value.clone(),
    }
}

fn network_failure(l: Locale, failure: NetworkFailure) -> &'static str {
    let text = l.strings();
    match failure {
        NetworkFailure::Unreachable => text.net_unreachable,
        NetworkFailure::Interrupted => text.net_interrupted,
        NetworkFailure::Stalled => text.net_stalled,
        NetworkFailure::AnswerLost => text.net_answer_lost,
        NetworkFailure::NoAnswer => text.net_no_answer,
        NetworkFailure::FormRefused => text.net_form_refused,
        NetworkFailure::FileUnreadable => text.net_file_unreadable,
    }
}

fn field_errors(l: Locale, items: &[FieldError]) -> String {
    let parts: Vec<String> = items
        .iter()
        .map(|item| {
            let message = server_text(l, &item.message);
            if item.field.is_empty() {
                message
            } else {
                format!("{}: {message}", item.field)
            }
        })
        .collect();
    parts.join("; ")
}

/// A refusal in the server's words when it gave some, else what the status means.
fn refusal(l: Locale, status: u16, reason: &str) -> String {
    if !reason.trim().is_empty() {
        return server_text(l, reason);
    }
    match l.lang {
        Lang::En => format!("The server refused the request ({status})."),
        Lang::Th => format!("เซิร์ฟเวอร์ปฏิเสธคำขอ ({status})"),
    }
}

/// What a failed request means for the user.
pub fn api_error(l: Locale, error: &ApiError) -> String {
    let text = l.strings();
    match error {
        ApiError::Offline => text.err_offline.into(),
        ApiError::Network(failure) => format!("{} {}", network_failure(l, *failure), text.err_check_connection),
        ApiError::SessionExpired => text.err_session_expired.into(),
        ApiError::SessionChanged => text.err_session_changed.into(),
        ApiError::Forbidden(reason) => refusal(l, 403, reason),
        ApiError::NotFound(reason) | ApiError::UploadSessionLost(reason) => refusal(l, 404, reason),
        ApiError::Rejected { status, message } => refusal(l, *status, message),
        ApiError::Validation(items) if !items.is_empty() => field_errors(l, items),
        ApiError::Validation(_) => refusal(l, 422, ""),
        ApiError::PayloadTooLarge(Some(reason)) => server_text(l, reason),
        ApiError::PayloadTooLarge(None) => text.err_payload_too_large.into(),
        ApiError::RateLimited { retry_after_secs: Some(seconds) } => match l.lang {
            Lang::En => format!("{} Try again in {}.", text.err_rate_limited, intl::duration(l, *seconds as i64)),
            Lang::Th => format!("{} กรุณาลองใหม่ในอีก {}", text.err_rate_limited, intl::duration(l, *seconds as i64)),
        },
        ApiError::RateLimited { retry_after_secs: None } => match l.lang {
            Lang::En => format!("{} Try again in a moment.", text.err_rate_limited),
            Lang::Th => format!("{} กรุณารอสักครู่แล้วลองใหม่", text.err_rate_limited),
        },
        ApiError::BatchCreationFailed(reason) => server_text(l, reason),
        ApiError::Server { detail: Some(reason), .. } if !reason.trim().is_empty() => server_text(l, reason),
        ApiError::Server { status, .. } => match l.lang {
            Lang::En => format!("The server could not complete the request ({status}). Try again in a moment."),
            Lang::Th => format!("เซิร์ฟเวอร์ดำเนินการตามคำขอไม่สำเร็จ ({status}) กรุณารอสักครู่แล้วลองใหม่"),
        },
        ApiError::Cancelled => text.err_cancelled.into(),
        // What the decoder said is for the console, not the user.
        ApiError::Undecodable(_) => text.err_undecodable.into(),
    }
}

/// "Page 2 of 3"
pub fn page_of(l: Locale, page: u64, pages: u64) -> String {
    let (page, pages) = (intl::number(l, page), intl::number(l, pages));
    match l.lang {
        Lang::En => format!("Page {page} of {pages}"),
        Lang::Th => format!("หน้า {page} จาก {pages}"),
    }
}

/// "Showing 51–100 of 120"
pub fn showing(l: Locale, first: u64, last: u64, total: u64) -> String {
    let (first, last, total) = (intl::number(l, first), intl::number(l, last), intl::number(l, total));
    match l.lang {
        Lang::En => format!("Showing {first}–{last} of {total}"),
        Lang::Th => format!("แสดงรายการที่ {first}–{last} จากทั้งหมด {total} รายการ"),
    }
}

/// The first confirmation: names the file and says it cannot be undone.
pub fn delete_question(l: Locale, name: &str) -> String {
    let name = isolate(name);
    match l.lang {
        Lang::En => format!("“{name}” and its results will be deleted for good. This cannot be undone."),
        Lang::Th => format!("“{name}” และผลการตรวจทั้งหมดจะถูกลบถาวร ไม่สามารถกู้คืนได้"),
    }
}

/// The second confirmation for a batch still in progress.
pub fn delete_processing_question(l: Locale, name: &str, status: &BatchStatus) -> String {
    let name = isolate(name);
    let status = batch_status(l, status);
    match l.lang {
        Lang::En => format!(
            "“{name}” is still {}. Deleting it now stops its processing and loses its results. Delete it anyway?",
            status.to_ascii_lowercase()
        ),
        Lang::Th => format!("“{name}” ยังอยู่ในสถานะ “{status}” หากลบตอนนี้ การประมวลผลจะหยุดและผลที่ได้จะหายไป ยืนยันจะลบหรือไม่"),
    }
}

/// "Deleted “103.zip”."
pub fn deleted(l: Locale, name: &str) -> String {
    let name = isolate(name);
    match l.lang {
        Lang::En => format!("Deleted “{name}”."),
        Lang::Th => format!("ลบ “{name}” แล้ว"),
    }
}

/// Accessible name of a row's delete button.
pub fn delete_named(l: Locale, name: &str) -> String {
    let name = isolate(name);
    match l.lang {
        Lang::En => format!("Delete {name}"),
        Lang::Th => format!("ลบ {name}"),
    }
}

/// The note beside an export button: "Exporting… 300 of 1,160", "Saved 1,160 rows as CSV.",
/// or why it did not happen; nothing before the first click.
pub fn export_note(l: Locale, state: &ExportState) -> Option<String> {
    let n = |value: u64| intl::number(l, value);
    Some(match (l.lang, state) {
        (_, ExportState::Idle) => return None,
        (Lang::En, ExportState::Fetching { fetched, total }) => format!("Exporting… {} of {}", n(*fetched), n(*total)),
        (Lang::Th, ExportState::Fetching { fetched, total }) => format!("กำลังส่งออก… {} จาก {}", n(*fetched), n(*total)),
        (_, ExportState::Saved(saved)) => saved_rows(l, saved),
        (_, ExportState::Refused) => l.list().export_refused.into(),
        (_, ExportState::Failed(error)) => api_error(l, error),
    })
}

/// "Saved 129 rows as CSV. 1 row could not be read and is not in the file."
fn saved_rows(l: Locale, saved: &SavedRows) -> String {
    let n = |value: u64| intl::number(l, value);
    let mut line = match l.lang {
        Lang::En => format!("Saved {} row{} as CSV.", n(saved.rows), if saved.rows == 1 { "" } else { "s" }),
        Lang::Th => format!("บันทึก {} รายการเป็นไฟล์ CSV แล้ว", n(saved.rows)),
    };
    line.push_str(&match (l.lang, saved.unreadable) {
        (_, 0) => String::new(),
        (Lang::En, 1) => " 1 row could not be read and is not in the file.".into(),
        (Lang::En, k) => format!(" {} rows could not be read and are not in the file.", n(k)),
        (Lang::Th, k) => format!(" มี {} รายการที่อ่านไม่ได้ จึงไม่อยู่ในไฟล์", n(k)),
    });
    line.push_str(&match (l.lang, saved.not_given) {
        (_, 0) => String::new(),
        (Lang::En, k) => format!(
            " {} more {} not in the file: the server gives at most {} per batch.",
            n(k),
            if k == 1 { "is" } else { "are" },
            n(u64::from(STATUS_MAX_SHEETS))
        ),
        (Lang::Th, k) => format!(
            " อีก {} รายการไม่อยู่ในไฟล์ เพราะเซิร์ฟเวอร์ให้ได้สูงสุด {} รายการต่อชุดงาน",
            n(k),
            n(u64::from(STATUS_MAX_SHEETS))
        ),
    });
    line
}

/// The note over a list whose server ignored its text filters (contract §5.9.8), or none.
pub fn filters_ignored(l: Locale, ignored: Ignored) -> Option<&'static str> {
    let text = l.list();
    match (ignored.batch_name, ignored.username) {
        (true, true) => Some(text.ignored_both),
        (true, false) => Some(text.ignored_name),
        (false, true) => Some(text.ignored_uploader),
        (false, false) => None,
    }
}

/// "2 rows from the server could not be read and are not shown."
pub fn rows_skipped(l: Locale, count: usize) -> String {
    match (l.lang, count) {
        (Lang::En, 1) => "1 row from the server could not be read and is not shown.".to_string(),
        (Lang::En, n) => {
            format!("{} rows from the server could not be read and are not shown.", intl::number(l, n as u64))
        }
        (Lang::Th, n) => format!("มี {} รายการจากเซิร์ฟเวอร์ที่อ่านไม่ได้ จึงไม่ได้แสดง", intl::number(l, n as u64)),
    }
}

/// The batch list's title with the uploads' overall progress: "(42%) Batches", "(✓) Batches".
pub fn batches_title(l: Locale, progress: &QueueProgress) -> String {
    let title = l.strings().batches_title;
    match progress {
        QueueProgress::Idle => title.to_string(),
        QueueProgress::Running { percentage } => format!("({}) {title}", intl::percent(l, *percentage)),
        QueueProgress::AllDone => format!("(✓) {title}"),
    }
}
