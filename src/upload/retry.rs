//! Retry policy (pure): which request failures are retried, and after how long. One policy
//! serves chunks and direct uploads.
//!
//! While the browser believes it is online, passing failures (network errors, 408, 429, 5xx,
//! gateway pages) are retried on a timer for about four minutes, so a storm of 429/503 answers
//! or a flaky gateway heals by itself. When the browser says it is offline the request fails
//! at once; the queue carries on when the `online` event comes.

use crate::api::ApiError;

/// Attempts per request, the first one included (waits 1, 2, 4 … 60, 60, 60 s: about 4 min).
pub const MAX_ATTEMPTS: u32 = 10;
/// First back-off; doubled each time up to [`MAX_DELAY_MS`].
pub const BASE_DELAY_MS: u64 = 1_000;
/// The longest wait between two attempts, `Retry-After` included (the user can always cancel).
pub const MAX_DELAY_MS: u64 = 60_000;

/// What to do after a failed chunk request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Wait, then send the same chunk again.
    RetryAfter { delay_ms: u64 },
    /// The server lost the session (404 "Upload … not found") or dropped it with a failed
    /// batch creation (500 "Batch creation failed: …"): start again from chunk 0.
    RestartUpload,
    /// Give up now with this reason.
    Fail,
}

/// Back-off before attempt `attempt + 1` (attempt counts from 1), with ±20 % jitter.
/// `jitter` is a number in `[0, 1)` (random in the app, fixed in tests).
pub fn backoff_ms(attempt: u32, jitter: f64) -> u64 {
    let base = BASE_DELAY_MS.saturating_mul(1 << attempt.saturating_sub(1).min(10)).min(MAX_DELAY_MS);
    let factor = 0.8 + 0.4 * jitter.clamp(0.0, 1.0);
    ((base as f64) * factor).round() as u64
}

/// Decides after `attempt` attempts failed with `error`. Sending again after a refreshed
/// session (401) is handled below this, by the API client, and spends no attempt.
pub fn decide(error: &ApiError, attempt: u32, jitter: f64) -> Decision {
    if matches!(error, ApiError::UploadSessionLost(_) | ApiError::BatchCreationFailed(_)) {
        return Decision::RestartUpload;
    }
    // Offline: nothing to gain from a timer; the `online` event resumes the queue.
    if !error.is_transient() || *error == ApiError::Offline || attempt >= MAX_ATTEMPTS {
        return Decision::Fail;
    }
    let delay_ms = match error {
        // The server's number: `Retry-After: 99999999999999999` must not overflow.
        ApiError::RateLimited { retry_after_secs: Some(seconds) } => seconds.saturating_mul(1000).min(MAX_DELAY_MS),
        _ => backoff_ms(attempt, jitter),
    };
    Decision::RetryAfter { delay_ms }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::NetworkFailure;

    fn server(status: u16) -> ApiError {
        ApiError::Server { status, detail: None }
    }

    #[test]
    fn backoff_doubles_from_one_second_up_to_a_minute() {
        assert_eq!(backoff_ms(1, 0.5), 1_000);
        assert_eq!(backoff_ms(2, 0.5), 2_000);
        assert_eq!(backoff_ms(3, 0.5), 4_000);
        assert_eq!(backoff_ms(7, 0.5), 60_000);
        assert_eq!(backoff_ms(40, 0.5), 60_000);
        assert_eq!(backoff_ms(1, 0.0), 800);
        assert_eq!(backoff_ms(1, 0.999_999), 1_200);
    }

    #[test]
    fn passing_failures_retry_on_a_timer_for_minutes_while_online() {
        for error in [
            ApiError::Network(NetworkFailure::Interrupted),
            server(502),
            server(503),
            server(500),
            ApiError::Rejected { status: 408, message: String::new() },
        ] {
            assert_eq!(decide(&error, 1, 0.5), Decision::RetryAfter { delay_ms: 1_000 }, "{error:?}");
            assert_eq!(decide(&error, 2, 0.5), Decision::RetryAfter { delay_ms: 2_000 });
            let waited: u64 = (1..MAX_ATTEMPTS)
                .map(|attempt| match decide(&error, attempt, 0.5) {
                    Decision::RetryAfter { delay_ms } => delay_ms,
                    other => panic!("attempt {attempt}: {other:?}"),
                })
                .sum();
            assert!((180_000..=300_000).contains(&waited), "a few minutes in all: {waited} ms");
            assert_eq!(decide(&error, MAX_ATTEMPTS, 0.5), Decision::Fail);
        }
    }

    #[test]
    fn offline_fails_at_once_and_waits_for_the_online_event() {
        assert_eq!(decide(&ApiError::Offline, 1, 0.5), Decision::Fail);
        assert!(ApiError::Offline.is_transient(), "the queue resumes it when back online");
    }

    #[test]
    fn rate_limit_honours_retry_after() {
        let error = ApiError::RateLimited { retry_after_secs: Some(7) };
        assert_eq!(decide(&error, 1, 0.5), Decision::RetryAfter { delay_ms: 7_000 });
        let huge = ApiError::RateLimited { retry_after_secs: Some(3600) };
        assert_eq!(decide(&huge, 1, 0.5), Decision::RetryAfter { delay_ms: MAX_DELAY_MS });
        let absurd = ApiError::RateLimited { retry_after_secs: Some(u64::MAX) };
        assert_eq!(decide(&absurd, 1, 0.5), Decision::RetryAfter { delay_ms: MAX_DELAY_MS }, "no overflow");
        let bare = ApiError::RateLimited { retry_after_secs: None };
        assert_eq!(decide(&bare, 1, 0.5), Decision::RetryAfter { delay_ms: 1_000 });
    }

    #[test]
    fn client_errors_fail_at_once() {
        for error in [
            ApiError::Rejected { status: 400, message: "Invalid upload_type".into() },
            ApiError::PayloadTooLarge(None),
            ApiError::Validation(vec![]),
            ApiError::Forbidden("no".into()),
            ApiError::NotFound("Batch x not found".into()),
        ] {
            assert_eq!(decide(&error, 1, 0.5), Decision::Fail, "{error:?}");
        }
    }

    #[test]
    fn lost_session_restarts() {
        let error = ApiError::UploadSessionLost("Upload e41a8c37 not found. Please restart upload.".into());
        assert_eq!(decide(&error, 1, 0.5), Decision::RestartUpload);
        let error = ApiError::BatchCreationFailed("Batch creation failed: 400: Unsupported file type: a.pdf".into());
        assert_eq!(decide(&error, 1, 0.5), Decision::RestartUpload, "the session is gone with the failed batch");
    }
}
