//! Every string the user can see, in one catalogue (English first; Thai will follow as a
//! second `Strings` value chosen at start-up).

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
    pub err_payload_too_large: &'static str,
    pub err_rate_limited: &'static str,
    pub err_undecodable: &'static str,
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
    err_payload_too_large: "The upload is larger than the server accepts in one request.",
    err_rate_limited: "The server is busy (too many requests).",
    err_undecodable: "The server sent a response this page cannot read",
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
