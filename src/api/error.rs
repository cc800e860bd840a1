//! `ApiError`: every way a request can fail, mapped from status and body in one place. The
//! values carry what the server said; `i18n` turns them into the user's language, and
//! `Display` is a technical description for logs only.

use super::server_text::{names_a_failed_batch_creation, names_a_lost_upload_session};
use serde_json::Value;

/// One item of a 422 validation answer: where, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// `loc` joined with dots, e.g. `query.limit`.
    pub field: String,
    pub message: String,
}

/// What went wrong when no HTTP answer came back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetworkFailure {
    /// The request could not reach the server (refused, reset, DNS, CORS).
    Unreachable,
    /// The connection broke while the request or its answer was under way.
    Interrupted,
    /// An upload's bytes stopped moving for longer than `upload_stall_ms`.
    Stalled,
    /// The request may have been handled but its answer never arrived.
    AnswerLost,
    /// No answer came within the request's deadline (the request was then abandoned).
    NoAnswer,
    /// The browser refused to build the request's form.
    FormRefused,
    /// The browser could not read the file being sent.
    FileUnreadable,
}

/// Why a request failed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// The browser reports no network.
    #[error("offline")]
    Offline,
    /// The request never got an HTTP answer.
    #[error("network failure: {0:?}")]
    Network(NetworkFailure),
    /// 401, or 403 "Not authenticated", after the one refresh attempt failed.
    #[error("session expired")]
    SessionExpired,
    /// The sign-in this work belonged to ended (signed out, or another user signed in):
    /// nothing more is sent for it.
    #[error("session changed")]
    SessionChanged,
    /// Any other 403, with the server's reason.
    #[error("403: {0}")]
    Forbidden(String),
    /// 404, with the server's reason.
    #[error("404: {0}")]
    NotFound(String),
    /// 404 "Upload <id> not found. Please restart upload.": the server no longer holds this
    /// chunk session (the upload starts over), with the server's words.
    #[error("upload session lost: {0}")]
    UploadSessionLost(String),
    /// 500 "Batch creation failed: …" on the request that completed a chunked upload: the
    /// server made no batch and has already deleted the session (contract §5.2: restart from
    /// chunk 0), with the server's words. Not passing: the same request cannot succeed again.
    #[error("batch creation failed: {0}")]
    BatchCreationFailed(String),
    /// 422: the fields the server refused.
    #[error("422: {}", join_field_errors(.0))]
    Validation(Vec<FieldError>),
    /// 413 from the API (its JSON reason) or a gateway (HTML: no reason).
    #[error("413: {0:?}")]
    PayloadTooLarge(Option<String>),
    /// 429, with the server's `Retry-After` in seconds when it sent one.
    #[error("429, retry after {retry_after_secs:?} s")]
    RateLimited { retry_after_secs: Option<u64> },
    /// 5xx from the API (with its reason) or a gateway (HTML pages: no reason).
    #[error("{status}: {detail:?}")]
    Server { status: u16, detail: Option<String> },
    /// Any other 4xx (400, 405, 409, ...), with the server's reason or the status text.
    #[error("{status}: {message}")]
    Rejected { status: u16, message: String },
    /// The user cancelled the request.
    #[error("cancelled")]
    Cancelled,
    /// A 2xx whose body is not what the contract describes (what the decoder said).
    #[error("undecodable answer: {0}")]
    Undecodable(String),
}

/// The 422 items as one line: `query.limit: Input should be …; body.total_chunks: …`.
fn join_field_errors(items: &[FieldError]) -> String {
    items
        .iter()
        .map(
            |item| {
                if item.field.is_empty() {
                    item.message.clone()
                } else {
                    format!("{}: {}", item.field, item.message)
                }
            },
        )
        .collect::<Vec<_>>()
        .join("; ")
}

impl ApiError {
    /// True when the session should be refreshed (or ended): any 401, or 403 "Not authenticated".
    pub fn is_session_problem(status: u16, detail: Option<&str>) -> bool {
        status == 401 || (status == 403 && detail == Some("Not authenticated"))
    }

    /// True for failures worth retrying later: network, 408, 429, 5xx.
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Offline | ApiError::Network(_) | ApiError::RateLimited { .. } | ApiError::Server { .. } => true,
            ApiError::Rejected { status, .. } => *status == 408,
            _ => false,
        }
    }
}

/// The `detail` (or `message`) of an error body: a string, or 422 items joined.
pub fn detail_of(body: &str) -> Option<Result<String, Vec<FieldError>>> {
    let value: Value = super::json::value(body).ok()?;
    match value.get("detail") {
        Some(Value::String(detail)) => return Some(Ok(detail.clone())),
        Some(Value::Array(items)) => return Some(Err(items.iter().map(field_error).collect())),
        _ => {}
    }
    value.get("message").and_then(Value::as_str).map(|m| Ok(m.to_string()))
}

fn field_error(item: &Value) -> FieldError {
    let field = item
        .get("loc")
        .and_then(Value::as_array)
        .map(|loc| {
            loc.iter()
                .map(|part| part.as_str().map(str::to_string).or_else(|| super::json::text(part)).unwrap_or_default())
                .collect::<Vec<_>>()
                .join(".")
        })
        .unwrap_or_default();
    let message = item.get("msg").and_then(Value::as_str).unwrap_or("invalid value").to_string();
    FieldError { field, message }
}

/// Maps a non-2xx answer to an `ApiError`. Never panics, whatever the body holds.
/// `authenticated` says whether the request carried a bearer token: only then is a 401 the end
/// of a session; on login or refresh it is the server refusing the credentials.
pub fn error_from_response(status: u16, retry_after: Option<&str>, body: &str, authenticated: bool) -> ApiError {
    let detail = detail_of(body);
    let text = match &detail {
        Some(Ok(text)) => text.clone(),
        Some(Err(items)) => join_field_errors(items),
        // Nothing readable (a gateway's HTML page, an empty body): no reason; `i18n` says
        // what the status means in the user's language.
        None => String::new(),
    };
    let detail_text = detail.as_ref().and_then(|d| d.as_ref().ok()).map(String::as_str);
    if authenticated && ApiError::is_session_problem(status, detail_text) {
        return ApiError::SessionExpired;
    }
    match status {
        403 => ApiError::Forbidden(text),
        404 if names_a_lost_upload_session(&text) => ApiError::UploadSessionLost(text),
        404 => ApiError::NotFound(text),
        413 => ApiError::PayloadTooLarge(match detail {
            Some(Ok(text)) => Some(text),
            _ => None,
        }),
        422 => match detail {
            Some(Err(items)) => ApiError::Validation(items),
            _ => ApiError::Validation(vec![FieldError { field: String::new(), message: text }]),
        },
        500 if names_a_failed_batch_creation(&text) => ApiError::BatchCreationFailed(text),
        429 => ApiError::RateLimited { retry_after_secs: retry_after.and_then(|v| v.trim().parse().ok()) },
        500..=599 => ApiError::Server {
            status,
            detail: match detail {
                Some(Ok(text)) => Some(text),
                _ => None,
            },
        },
        _ => ApiError::Rejected { status, message: text },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NGINX_502: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

    #[test]
    fn json_detail_string_is_the_message() {
        let err = error_from_response(404, None, r#"{"detail": "Batch 0000 not found"}"#, true);
        assert_eq!(err, ApiError::NotFound("Batch 0000 not found".into()));
    }

    #[test]
    fn validation_items_are_joined_with_their_fields() {
        let body = r#"{"detail":[{"type":"less_than_equal","loc":["query","limit"],"msg":"Input should be less than or equal to 100","input":"500","ctx":{"le":100}},
                                 {"type":"missing","loc":["body","total_chunks"],"msg":"Field required","input":null}]}"#;
        let err = error_from_response(422, None, body, true);
        let ApiError::Validation(items) = err else { panic!("validation expected") };
        assert_eq!(
            join_field_errors(&items),
            "query.limit: Input should be less than or equal to 100; body.total_chunks: Field required"
        );
    }

    #[test]
    fn numeric_loc_parts_are_kept() {
        let err = error_from_response(422, None, r#"{"detail":[{"loc":["body",3],"msg":"JSON decode error"}]}"#, true);
        assert_eq!(
            err,
            ApiError::Validation(vec![FieldError { field: "body.3".into(), message: "JSON decode error".into() }])
        );
    }

    #[test]
    fn html_502_from_a_gateway_reads_as_a_server_error() {
        let err = error_from_response(502, None, NGINX_502, true);
        assert_eq!(err, ApiError::Server { status: 502, detail: None });
        assert!(err.is_transient());
    }

    #[test]
    fn html_413_from_cloudflare_is_payload_too_large() {
        let err = error_from_response(413, None, "<html><title>413 Request Entity Too Large</title></html>", true);
        assert_eq!(err, ApiError::PayloadTooLarge(None));
        let api =
            error_from_response(413, None, r#"{"detail":"Chunk size 104857601 exceeds maximum 104857600"}"#, true);
        assert_eq!(api, ApiError::PayloadTooLarge(Some("Chunk size 104857601 exceeds maximum 104857600".into())));
    }

    #[test]
    fn session_problems_are_401_and_403_not_authenticated_only() {
        assert_eq!(error_from_response(401, None, "", true), ApiError::SessionExpired);
        assert_eq!(error_from_response(403, None, r#"{"detail":"Not authenticated"}"#, true), ApiError::SessionExpired);
        assert_eq!(
            error_from_response(403, None, r#"{"detail":"Only administrators can delete batches"}"#, true),
            ApiError::Forbidden("Only administrators can delete batches".into())
        );
    }

    #[test]
    fn a_401_without_a_token_is_a_refusal_not_an_expiry() {
        let err = error_from_response(401, None, r#"{"detail":"Invalid username or password"}"#, false);
        assert_eq!(err, ApiError::Rejected { status: 401, message: "Invalid username or password".into() });
    }

    #[test]
    fn rate_limit_keeps_retry_after() {
        let err = error_from_response(429, Some(" 7 "), "", true);
        assert_eq!(err, ApiError::RateLimited { retry_after_secs: Some(7) });
        assert_eq!(
            error_from_response(429, Some("Wed, 21 Oct 2015 07:28:00 GMT"), "", true),
            ApiError::RateLimited { retry_after_secs: None }
        );
    }

    #[test]
    fn empty_malformed_and_odd_bodies_never_panic() {
        for body in [
            "",
            "{",
            "null",
            "[]",
            r#"{"detail": 5}"#,
            r#"{"detail": [5, "x", {}]}"#,
            "\u{0}\u{ffff}",
            r#"{"unknown":"field"}"#,
        ] {
            for status in [400, 401, 403, 404, 405, 413, 422, 429, 500, 502, 503, 504, 418] {
                let err = error_from_response(status, None, body, true);
                assert!(!err.to_string().is_empty(), "{status} {body:?}");
            }
        }
        assert_eq!(error_from_response(500, None, "", true), ApiError::Server { status: 500, detail: None });
        assert_eq!(
            error_from_response(400, None, "{", true),
            ApiError::Rejected { status: 400, message: String::new() }
        );
    }

    #[test]
    fn old_error_envelope_message_is_used() {
        let body = r#"{"error":"Unauthorized","message":"Invalid username or password","status_code":401,"path":"/api/auth/login"}"#;
        assert_eq!(
            error_from_response(400, None, body, true),
            ApiError::Rejected { status: 400, message: "Invalid username or password".into() }
        );
    }

    #[test]
    fn a_lost_upload_session_is_its_own_error_and_needs_an_id() {
        let lost = |detail: &str| error_from_response(404, None, &format!("{{\"detail\":\"{detail}\"}}"), true);
        assert_eq!(
            lost("Upload e41a8c37 not found. Please restart upload."),
            ApiError::UploadSessionLost("Upload e41a8c37 not found. Please restart upload.".into())
        );
        assert_eq!(
            lost("Upload  not found. Please restart upload."),
            ApiError::NotFound("Upload  not found. Please restart upload.".into()),
            "no id: a client bug, not a lost session"
        );
        assert_eq!(lost("Batch x not found"), ApiError::NotFound("Batch x not found".into()));
        let refused = error_from_response(400, None, r#"{"detail":"Upload x not found"}"#, true);
        assert!(matches!(refused, ApiError::Rejected { .. }));
    }

    #[test]
    fn a_failed_batch_creation_is_its_own_error_and_not_passing() {
        let detail = "Batch creation failed: 400: Unsupported file type: scans.pdf (expected a .zip archive)";
        let err = error_from_response(500, None, &format!("{{\"detail\": \"{detail}\"}}"), true);
        assert_eq!(err, ApiError::BatchCreationFailed(detail.into()));
        assert!(!err.is_transient(), "the same request cannot succeed: no retry of it");
        // Other 500s stay passing server errors, the reassembly failure included.
        assert_eq!(
            error_from_response(500, None, r#"{"detail": "Failed to reassemble chunks: disk full"}"#, true),
            ApiError::Server { status: 500, detail: Some("Failed to reassemble chunks: disk full".into()) }
        );
        // The words on another status are no such answer.
        assert!(matches!(
            error_from_response(400, None, &format!("{{\"detail\": \"{detail}\"}}"), true),
            ApiError::Rejected { status: 400, .. }
        ));
    }

    #[test]
    fn transient_classification() {
        assert!(ApiError::Network(NetworkFailure::Interrupted).is_transient());
        assert!(ApiError::Rejected { status: 408, message: String::new() }.is_transient());
        assert!(!ApiError::Rejected { status: 400, message: String::new() }.is_transient());
        assert!(!ApiError::Validation(vec![]).is_transient());
        assert!(!ApiError::NotFound(String::new()).is_transient());
    }
}
