//! Every string the user can see, in one catalogue (English first; Thai will follow as a
//! second `Strings` value chosen at start-up).

pub mod form;

use crate::upload::job::UploadFailure;
use crate::upload::protocol::Note;
use crate::upload::queue::ItemMessage;

/// The catalogue. Fixed texts are fields; texts with values are functions below.
pub struct Strings {
    pub app_name: &'static str,
    pub app_tagline: &'static str,
    pub loading: &'static str,
    pub sign_out: &'static str,
    pub signed_in_as: &'static str,
    pub admin_badge: &'static str,
    pub nav_batches: &'static str,
    pub login_title: &'static str,
    pub login_username: &'static str,
    pub login_password: &'static str,
    pub login_submit: &'static str,
    pub login_submitting: &'static str,
    pub login_session_expired: &'static str,
    pub login_username_length: &'static str,
    pub login_password_length: &'static str,
    pub checking_session: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub back_to_batches: &'static str,
    pub batches_title: &'static str,
    pub batch_details_title: &'static str,
    pub retry: &'static str,
    pub err_offline: &'static str,
    pub err_session_expired: &'static str,
    pub err_session_changed: &'static str,
    pub err_payload_too_large: &'static str,
    pub err_rate_limited: &'static str,
    pub err_undecodable: &'static str,
    pub err_cancelled: &'static str,
    pub skip_to_content: &'static str,
    pub status_uploaded: &'static str,
    pub status_validating: &'static str,
    pub status_processing: &'static str,
    pub status_completed: &'static str,
    pub status_failed: &'static str,
    pub status_reprocessing: &'static str,
    pub status_unknown: &'static str,
    pub type_zip_qr: &'static str,
    pub type_zip_no_qr: &'static str,
    pub type_images: &'static str,
    pub col_file: &'static str,
    pub col_type: &'static str,
    pub col_status: &'static str,
    pub col_sheets: &'static str,
    pub col_size: &'static str,
    pub col_uploaded: &'static str,
    pub col_uploader: &'static str,
    pub no_batches: &'static str,
    pub not_available: &'static str,
    pub details_progress: &'static str,
    pub details_processed: &'static str,
    pub details_failed_sheets: &'static str,
    pub details_started: &'static str,
    pub details_finished: &'static str,
    pub details_error: &'static str,
}

/// English.
pub const EN: Strings = Strings {
    app_name: "OMR Batches",
    app_tagline: "Upload scanned answer sheets and follow their processing",
    loading: "Loading…",
    sign_out: "Sign out",
    signed_in_as: "Signed in as",
    admin_badge: "Admin",
    nav_batches: "Batches",
    login_title: "Sign in",
    login_username: "Username",
    login_password: "Password",
    login_submit: "Sign in",
    login_submitting: "Signing in…",
    login_session_expired: "Your session has expired. Please sign in again.",
    login_username_length: "Username must be 3 to 50 characters.",
    login_password_length: "Password must be at least 8 characters.",
    checking_session: "Checking your session…",
    not_found_title: "Page not found",
    not_found_body: "There is nothing at this address.",
    back_to_batches: "Back to batches",
    batches_title: "Batches",
    batch_details_title: "Batch details",
    retry: "Retry",
    err_offline: "You are offline. Check the network connection and try again.",
    err_session_expired: "Your session has expired. Please sign in again.",
    err_session_changed: "You were signed out, so this was stopped.",
    err_payload_too_large: "The upload is larger than the server accepts in one request.",
    err_rate_limited: "The server is busy (too many requests).",
    err_undecodable: "The server sent a response this page cannot read",
    err_cancelled: "Cancelled.",
    skip_to_content: "Skip to content",
    status_uploaded: "Uploaded",
    status_validating: "Validating",
    status_processing: "Processing",
    status_completed: "Completed",
    status_failed: "Failed",
    status_reprocessing: "Reprocessing",
    status_unknown: "Unknown",
    type_zip_qr: "ZIP with QR codes",
    type_zip_no_qr: "ZIP without QR codes",
    type_images: "Images",
    col_file: "File",
    col_type: "Type",
    col_status: "Status",
    col_sheets: "Sheets",
    col_size: "Size",
    col_uploaded: "Uploaded at",
    col_uploader: "Uploader",
    no_batches: "No batches yet.",
    not_available: "—",
    details_progress: "Progress",
    details_processed: "Processed sheets",
    details_failed_sheets: "Failed sheets",
    details_started: "Processing started",
    details_finished: "Finished",
    details_error: "Error",
};

/// The catalogue in use.
pub fn strings() -> &'static Strings {
    &EN
}

/// "Network error: <what>. Check the connection and try again."
pub fn err_network(detail: &str) -> String {
    format!("Network error ({detail}). Check the connection and try again.")
}

/// A server or gateway failure with its status.
pub fn err_server(status: u16, reason: &str) -> String {
    format!("The server could not complete the request ({status} {reason}). Try again in a moment.")
}

/// "The server is busy; retry in N s."
pub fn err_rate_limited_retry(seconds: u64) -> String {
    format!("{} Try again in {seconds} s.", EN.err_rate_limited)
}

/// "Page title · App name" for the document title.
pub fn page_title(page: &str) -> String {
    format!("{page} · {}", EN.app_name)
}

/// "Exporting… 300 of 1 160"
pub fn export_progress(fetched: u64, total: u64) -> String {
    format!("Exporting… {fetched} of {total}")
}

/// "Saved 1 160 batches as CSV."
pub fn export_saved(count: usize) -> String {
    format!("Saved {count} rows as CSV.")
}

/// "3 of 4 chunks sent, 2 h ago; choose the file again to continue"
pub fn unfinished_line(sent: usize, total: u32, age: &str) -> String {
    format!("{sent} of {total} chunks sent, {age} ago; choose the file again to continue.")
}

/// The duplicate guard's question, with when the earlier batch was made.
pub fn duplicate_question(when: &str) -> String {
    format!("This file was already uploaded on {when}. Upload it again?")
}

/// "Sheets (100 of 1 160)" or "Sheets (40)" when all are shown.
pub fn sheets_heading(loaded: u64, total: u64) -> String {
    let text = details_strings();
    if loaded < total {
        format!("{} ({} {} {})", text.sheets, loaded, text.of_total, total)
    } else {
        format!("{} ({loaded})", text.sheets)
    }
}

/// "✓ 49 sheets processed, 2 failed": a finished batch under its upload.
pub fn follow_completed(processed: u64, failed: u64) -> String {
    format!("✓ {processed} sheets processed, {failed} failed")
}

/// "✗ <the server's reason>"
pub fn follow_failed(reason: Option<&str>) -> String {
    match reason {
        Some(reason) => format!("✗ {reason}"),
        None => "✗ Processing failed.".to_string(),
    }
}

/// The batch list's title with the uploads' overall progress.
pub fn batches_title(progress: &crate::upload::queue::QueueProgress) -> String {
    use crate::upload::queue::QueueProgress;
    match progress {
        QueueProgress::Idle => EN.batches_title.to_string(),
        QueueProgress::Running { percentage } => format!("({percentage:.0}%) {}", EN.batches_title),
        QueueProgress::AllDone => format!("(✓) {}", EN.batches_title),
    }
}

/// "2 rows could not be read and are not shown."
pub fn rows_skipped(count: usize) -> String {
    if count == 1 {
        "1 row from the server could not be read and is not shown.".to_string()
    } else {
        format!("{count} rows from the server could not be read and are not shown.")
    }
}

/// The line under a queued upload: a note on the way or why it stopped.
pub fn upload_message(file: &str, message: &ItemMessage) -> String {
    match message {
        ItemMessage::Note(Note::Retrying { chunk, attempt, delay_ms, cause }) => format!(
            "Request {} failed (attempt {attempt}): {cause} Retrying in {} s…",
            chunk + 1,
            delay_ms.div_ceil(1000)
        ),
        ItemMessage::Note(Note::Restarted) => {
            "The server no longer had this upload, so it started over from the beginning.".to_string()
        }
        ItemMessage::Note(Note::Verifying) => {
            "The server's answer was lost; checking whether it already has this file…".to_string()
        }
        ItemMessage::AlreadyReceived => "The server had already received this file.".to_string(),
        ItemMessage::Failure(UploadFailure::Request { chunk, total, cause }) if *total > 1 => {
            format!("“{file}”: chunk {chunk} of {total} failed: {cause}")
        }
        ItemMessage::Failure(UploadFailure::Request { cause, .. }) => {
            format!("“{file}” could not be uploaded: {cause}")
        }
        ItemMessage::Failure(UploadFailure::LostTwice) => {
            "The server lost this upload twice. Check the connection and press Retry.".to_string()
        }
        ItemMessage::Failure(UploadFailure::OtherTab) => {
            format!("“{file}” is being uploaded in another tab of this browser. Follow it there, or press Retry once it has stopped.")
        }
    }
}

/// Texts of the upload form and queue.
pub struct UploadStrings {
    pub panel_title: &'static str,
    pub strategy_legend: &'static str,
    pub strategy_qr: &'static str,
    pub strategy_qr_hint: &'static str,
    pub strategy_no_qr: &'static str,
    pub strategy_no_qr_hint: &'static str,
    pub strategy_images: &'static str,
    pub strategy_images_hint: &'static str,
    pub task_id: &'static str,
    pub task_id_hint: &'static str,
    pub notes: &'static str,
    pub files_zip: &'static str,
    pub files_images: &'static str,
    pub drop_here: &'static str,
    pub clear_files: &'static str,
    pub submit: &'static str,
    pub preparing: &'static str,
    pub queue_title: &'static str,
    pub clear_finished: &'static str,
    pub upload_again: &'static str,
    pub unfinished_title: &'static str,
    pub forget: &'static str,
    pub skip: &'static str,
    pub earlier_batch: &'static str,
    pub phase_queued: &'static str,
    pub phase_finishing: &'static str,
    pub phase_done: &'static str,
    pub phase_failed: &'static str,
    pub phase_cancelled: &'static str,
    pub cancel: &'static str,
    pub retry: &'static str,
    pub remove: &'static str,
    pub resume: &'static str,
    pub start_over: &'static str,
    pub open_batch: &'static str,
    pub resumes_when_online: &'static str,
}

/// English upload texts.
pub const UPLOAD_EN: UploadStrings = UploadStrings {
    panel_title: "Upload scanned sheets",
    strategy_legend: "What are you uploading?",
    strategy_qr: "ZIP with QR codes",
    strategy_qr_hint: "Each task group starts with its QR cover sheet; one ZIP may hold several tasks.",
    strategy_no_qr: "ZIP without QR codes",
    strategy_no_qr_hint: "All sheets belong to one task: enter its 8-digit task ID.",
    strategy_images: "Images",
    strategy_images_hint: "Loose JPG or PNG sheets of one task, sent in one request.",
    task_id: "Task ID (8 digits)",
    task_id_hint: "Thai digits are accepted and converted.",
    notes: "Notes (optional)",
    files_zip: "ZIP files",
    files_images: "Image files",
    drop_here: "or drop files here",
    clear_files: "Clear selection",
    submit: "Upload",
    preparing: "Preparing…",
    queue_title: "Uploads",
    clear_finished: "Clear finished",
    upload_again: "Upload again",
    unfinished_title: "Unfinished uploads",
    forget: "Forget",
    skip: "Skip",
    earlier_batch: "Open the earlier batch",
    phase_queued: "Waiting for the upload before it",
    phase_finishing: "All chunks sent; the server is assembling the file…",
    phase_done: "Uploaded. Processing has started.",
    phase_failed: "Failed",
    phase_cancelled: "Cancelled",
    cancel: "Cancel",
    retry: "Retry",
    remove: "Remove",
    resume: "Resume",
    start_over: "Start over",
    open_batch: "Open batch",
    resumes_when_online: "It carries on from its last confirmed chunk when the connection comes back, or press Retry.",
};

/// The upload texts in use.
pub fn upload_strings() -> &'static UploadStrings {
    &UPLOAD_EN
}

/// "Uploading chunk 3 of 5"
pub fn upload_chunk_of(chunk: u32, total: u32) -> String {
    format!("Uploading chunk {chunk} of {total}")
}

/// "An earlier upload of this file stopped after 3 of 5 chunks. Resume it?"
pub fn upload_resume_offer(done: usize, total: u32) -> String {
    format!("An earlier upload of this file stopped after {done} of {total} chunks. Resume it, or start over?")
}

/// "12 images (p001.jpg …)"
pub fn images_label(count: usize, first: &str) -> String {
    if count == 1 {
        first.to_string()
    } else {
        format!("{count} images ({first} …)")
    }
}

/// "2 uploads added to the queue."
pub fn uploads_added(count: usize) -> String {
    if count == 1 {
        "Added to the upload queue.".to_string()
    } else {
        format!("{count} uploads added to the queue.")
    }
}

/// "12.3 MB/s · about 1 min 5 s left"
pub fn speed_and_eta(speed: Option<String>, eta: Option<String>) -> String {
    match (speed, eta) {
        (Some(speed), Some(eta)) => format!("{speed}/s · about {eta} left"),
        (Some(speed), None) => format!("{speed}/s"),
        _ => String::new(),
    }
}

/// Texts of the batch list.
pub struct ListStrings {
    pub export_csv: &'static str,
    pub export_refused: &'static str,
    pub export_sheets: &'static str,
    pub export_log: &'static str,
    pub filter_label: &'static str,
    pub filter_all: &'static str,
    pub server_order_note: &'static str,
    pub col_finished: &'static str,
    pub col_notes: &'static str,
    pub col_actions: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub pagination: &'static str,
    pub none_with_status: &'static str,
    pub sort_ascending: &'static str,
    pub sort_descending: &'static str,
    pub delete: &'static str,
    pub delete_title: &'static str,
    pub delete_confirm: &'static str,
    pub delete_anyway: &'static str,
    pub deleting: &'static str,
    pub cancel: &'static str,
    pub auto_refresh_note: &'static str,
}

/// English list texts.
pub const LIST_EN: ListStrings = ListStrings {
    export_csv: "Export CSV",
    export_refused: "The browser did not save the file.",
    export_sheets: "Export sheets (CSV)",
    export_log: "Export activity log (CSV)",
    filter_label: "Status",
    filter_all: "All",
    server_order_note: "The server lists newest first; sorting applies to this page.",
    col_finished: "Finished / duration",
    col_notes: "Notes",
    col_actions: "Actions",
    previous: "Previous",
    next: "Next",
    pagination: "Pages",
    none_with_status: "No batches with this status.",
    sort_ascending: "sorted ascending",
    sort_descending: "sorted descending",
    delete: "Delete",
    delete_title: "Delete batch?",
    delete_confirm: "Delete",
    delete_anyway: "Delete anyway",
    deleting: "Deleting…",
    cancel: "Cancel",
    auto_refresh_note: "Unfinished batches: this list refreshes itself.",
};

/// The list texts in use.
pub fn list_strings() -> &'static ListStrings {
    &LIST_EN
}

/// "Page 2 of 3"
pub fn page_of(page: u64, pages: u64) -> String {
    format!("Page {page} of {pages}")
}

/// "Showing 51–100 of 120"
pub fn showing(first: u64, last: u64, total: u64) -> String {
    format!("Showing {first}–{last} of {total}")
}

/// The first confirmation: names the file and says it cannot be undone.
pub fn delete_question(name: &str) -> String {
    format!("“{name}” and its results will be deleted for good. This cannot be undone.")
}

/// The second confirmation for a batch still in progress.
pub fn delete_processing_question(name: &str, status: &str) -> String {
    format!("“{name}” is still {status}. Deleting it now stops its processing and loses its results. Delete it anyway?")
}

/// "Deleted “103.zip”."
pub fn deleted(name: &str) -> String {
    format!("Deleted “{name}”.")
}

/// Accessible name of a row's delete button.
pub fn delete_named(name: &str) -> String {
    format!("Delete {name}")
}

/// Texts of the details page and live progress.
pub struct DetailsStrings {
    pub file: &'static str,
    pub size: &'static str,
    pub upload_type: &'static str,
    pub timeline: &'static str,
    pub step_uploaded: &'static str,
    pub step_started: &'static str,
    pub step_completed: &'static str,
    pub step_failed: &'static str,
    pub total_time: &'static str,
    pub extraction_time: &'static str,
    pub checking_time: &'static str,
    pub activity: &'static str,
    pub activity_empty: &'static str,
    pub col_time: &'static str,
    pub col_stage: &'static str,
    pub col_message: &'static str,
    pub col_percent: &'static str,
    pub sheets: &'static str,
    pub failed_only: &'static str,
    pub no_sheets: &'static str,
    pub more_sheets: &'static str,
    pub col_sheet: &'static str,
    pub col_image: &'static str,
    pub col_error: &'static str,
    pub progress_label: &'static str,
    pub processed: &'static str,
    pub failed: &'static str,
    pub of_total: &'static str,
    pub estimated_left: &'static str,
    pub duplicate_title: &'static str,
    pub live_connecting: &'static str,
    pub live_on: &'static str,
    pub live_unavailable: &'static str,
    pub bad_id_title: &'static str,
    pub bad_id_body: &'static str,
    pub not_found_title: &'static str,
    pub forbidden_title: &'static str,
}

/// English details texts.
pub const DETAILS_EN: DetailsStrings = DetailsStrings {
    file: "File",
    size: "Size",
    upload_type: "Upload type",
    timeline: "Timeline",
    step_uploaded: "Uploaded",
    step_started: "Processing started",
    step_completed: "Completed",
    step_failed: "Failed",
    total_time: "Total",
    extraction_time: "Extraction and QR reading",
    checking_time: "Sheet checking",
    activity: "Activity",
    activity_empty: "No live events yet.",
    col_time: "Time",
    col_stage: "Stage",
    col_message: "Message",
    col_percent: "%",
    sheets: "Sheets",
    failed_only: "Failed sheets only",
    no_sheets: "No sheets to show.",
    more_sheets: "Load more sheets",
    col_sheet: "#",
    col_image: "Image",
    col_error: "Error",
    progress_label: "Processing progress",
    processed: "processed",
    failed: "failed",
    of_total: "of",
    estimated_left: "Estimated time left",
    duplicate_title: "Some tasks were skipped",
    live_connecting: "Connecting to live updates…",
    live_on: "Live updates on",
    live_unavailable: "Live updates are not available; the page refreshes every few seconds instead.",
    bad_id_title: "This address does not name a batch",
    bad_id_body: "Batch addresses end in an id like 9a3d57c2-0e6b-4f1a-8c24-d1b7e9a40f65. Check the link, or open the batch from the list.",
    not_found_title: "Batch not found",
    forbidden_title: "You cannot see this batch",
};

/// The details texts in use.
pub fn details_strings() -> &'static DetailsStrings {
    &DETAILS_EN
}

/// "Reconnecting in 4 s (the server closed the stream)…"
pub fn reconnecting(delay_ms: u64, reason: &str) -> String {
    format!("Live updates interrupted ({reason}); reconnecting in {} s…", delay_ms.div_ceil(1000))
}

/// "45 %, 90.0 MB of 197.0 MB" — the spoken value of an upload bar.
pub fn bytes_of(percentage: f64, done: &str, total: &str) -> String {
    format!("{percentage:.0} %, {done} of {total}")
}
