//! Runtime configuration, read from `/config.json` next to `index.html`, so one release
//! bundle deploys to any host. Missing or broken values fall back to built-in defaults.

use crate::locale::{Lang, ThaiCalendar};
use serde::{Deserialize, Serialize};

/// 100 MiB: the backend's hard limit for one chunk (contract §1.3).
pub const SERVER_MAX_CHUNK_BYTES: u64 = 104_857_600;

/// How many times `upload_answer_ms` the completing request may wait for its answer.
pub const COMPLETING_ANSWER_FACTOR: u32 = 5;

/// Settings the app reads at start-up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AppConfig {
    /// Base of the standard lane, e.g. `/api` (same origin) or `https://host/api`.
    pub api_base: String,
    /// Base of the long lane for uploads and the event stream, e.g. `/api/realtime`.
    pub realtime_base: String,
    /// Files above this size are uploaded in chunks. Below Cloudflare's 100 MB request limit
    /// with room for the multipart envelope (contract §1.3).
    pub chunk_threshold_bytes: u64,
    /// Size of one chunk (50 MiB: the contract's recommendation).
    pub chunk_size_bytes: u64,
    /// Chunk requests in flight at once for one file.
    pub chunk_concurrency: u32,
    /// Interval of `/progress` polling, in milliseconds.
    pub poll_interval_ms: u32,
    /// Interval of the batch list's self-refresh while batches are unfinished, in milliseconds.
    pub list_refresh_ms: u32,
    /// Largest file the form accepts.
    pub max_file_bytes: u64,
    /// Sheets fetched for the details page (`/status?limit=`, 1..=1000).
    pub sheets_limit: u32,
    /// An event stream silent this long (the server pings every 15 s) counts as dead.
    pub stream_idle_ms: u32,
    /// An upload request whose bytes stop moving this long is aborted and sent again.
    pub upload_stall_ms: u32,
    /// An upload request whose body was sent and whose answer has not come this long is
    /// treated as a lost answer; the request that completes the upload (the server then
    /// reassembles and registers the file) gets [`COMPLETING_ANSWER_FACTOR`] times as long.
    pub upload_answer_ms: u32,
    /// A JSON call without an answer this long is abandoned ("the server did not answer").
    /// Just above the standard lane's 60 s gateway timeout, whose own 504 comes first.
    pub request_timeout_ms: u32,
    /// The language for users who have not chosen one (`th` or `en`); unset, the
    /// browser's languages decide.
    pub default_language: Option<String>,
    /// How Thai dates count years: `buddhist` (พ.ศ., the default) or `gregorian`.
    pub thai_calendar: ThaiCalendar,
    /// The folder of the QR cover check's worker files (`qr_worker_loader.js` and the rest).
    pub cover_worker_base: String,
}

impl Default for AppConfig {
    fn default() -> Self {
        AppConfig {
            api_base: "/api".into(),
            realtime_base: "/api/realtime".into(),
            chunk_threshold_bytes: 95_000_000,
            chunk_size_bytes: 52_428_800,
            chunk_concurrency: 3,
            poll_interval_ms: 2_000,
            list_refresh_ms: 10_000,
            max_file_bytes: 10 * 1024 * 1024 * 1024,
            sheets_limit: 100,
            stream_idle_ms: 45_000,
            upload_stall_ms: 60_000,
            upload_answer_ms: 120_000,
            request_timeout_ms: 65_000,
            default_language: None,
            thai_calendar: ThaiCalendar::Buddhist,
            cover_worker_base: "/".into(),
        }
    }
}

/// 5 MiB: the smallest chunk the earlier client used (contract §5.2, "Limits and sizing"); smaller
/// chunks only multiply requests.
pub const MIN_CHUNK_BYTES: u64 = 5 * 1024 * 1024;
/// 95 MiB: the largest chunk that, with its multipart envelope, stays under the gateway's
/// 100 MB request limit.
pub const MAX_CHUNK_BYTES: u64 = 95 * 1024 * 1024;
/// Cloudflare's limit on one request body (contract §1.3): a direct upload above it never
/// reaches the API.
pub const GATEWAY_BODY_BYTES: u64 = 100_000_000;
/// The largest file the service claims to take (contract §5.2: 64 GB).
pub const MAX_FILE_BYTES: u64 = 64_000_000_000;

/// One range check: `value` of the setting `name` within `range`, or a console warning naming
/// both, and the default.
fn bounded<T>(name: &str, value: &mut T, range: std::ops::RangeInclusive<T>, default: T, warnings: &mut Vec<String>)
where
    T: PartialOrd + Copy + std::fmt::Display,
{
    if !range.contains(value) {
        warnings.push(format!(
            "config.json: {name} = {value} is outside {}..={}; using the default {default}",
            range.start(),
            range.end()
        ));
        *value = default;
    }
}

impl AppConfig {
    /// Checks every value against what the backend, the gateway and browsers can take
    /// (contract §1.3, §5.2, §5.3, §5.5); each one out of range is named in a warning (the
    /// console shows them) and replaced by its default.
    pub fn sanitized(mut self) -> (AppConfig, Vec<String>) {
        let d = AppConfig::default();
        let mut warnings = Vec::new();
        let w = &mut warnings;
        bounded(
            "chunk_size_bytes",
            &mut self.chunk_size_bytes,
            MIN_CHUNK_BYTES..=MAX_CHUNK_BYTES,
            d.chunk_size_bytes,
            w,
        );
        // A file above the threshold goes in chunks; at or below it, in one request.
        bounded(
            "chunk_threshold_bytes",
            &mut self.chunk_threshold_bytes,
            1..=MAX_CHUNK_BYTES,
            d.chunk_threshold_bytes,
            w,
        );
        bounded("chunk_concurrency", &mut self.chunk_concurrency, 1..=6, d.chunk_concurrency, w);
        bounded("poll_interval_ms", &mut self.poll_interval_ms, 250..=60_000, d.poll_interval_ms, w);
        bounded("list_refresh_ms", &mut self.list_refresh_ms, 1_000..=600_000, d.list_refresh_ms, w);
        bounded("sheets_limit", &mut self.sheets_limit, 1..=1000, d.sheets_limit, w);
        // The server pings every 15 s; silence beyond 10 minutes is never a live stream.
        bounded("stream_idle_ms", &mut self.stream_idle_ms, 20_000..=600_000, d.stream_idle_ms, w);
        bounded("upload_stall_ms", &mut self.upload_stall_ms, 1_000..=600_000, d.upload_stall_ms, w);
        // The long lane's own timeout is an hour (contract §8); the completing request waits
        // `COMPLETING_ANSWER_FACTOR` times this.
        bounded("upload_answer_ms", &mut self.upload_answer_ms, 1_000..=3_600_000, d.upload_answer_ms, w);
        // The standard lane gives up after 60 s; ten minutes is far past any answer.
        bounded("request_timeout_ms", &mut self.request_timeout_ms, 1_000..=600_000, d.request_timeout_ms, w);
        bounded("max_file_bytes", &mut self.max_file_bytes, 1..=MAX_FILE_BYTES, d.max_file_bytes, w);
        if self.default_language.as_deref().is_some_and(|tag| Lang::from_tag(tag).is_none()) {
            warnings.push("config.json: default_language is not th or en; using the browser's languages".into());
            self.default_language = None;
        }
        for (name, base, default) in
            [("api_base", &mut self.api_base, d.api_base), ("realtime_base", &mut self.realtime_base, d.realtime_base)]
        {
            if base.trim().is_empty() {
                warnings.push(format!("config.json: {name} is empty; using the default"));
                *base = default;
            }
        }
        (self, warnings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_threshold_keeps_a_margin_under_cloudflare() {
        let config = AppConfig::default();
        assert!(config.chunk_threshold_bytes < GATEWAY_BODY_BYTES);
        assert!(config.chunk_size_bytes <= SERVER_MAX_CHUNK_BYTES);
        const { assert!(MAX_CHUNK_BYTES < GATEWAY_BODY_BYTES && MAX_CHUNK_BYTES < SERVER_MAX_CHUNK_BYTES) };
        assert_eq!(config.clone().sanitized(), (config, Vec::new()), "the defaults pass their own checks");
    }

    #[test]
    fn every_value_out_of_range_is_named_and_replaced_by_its_default() {
        let d = AppConfig::default();
        let cases: Vec<(&str, AppConfig)> = vec![
            ("chunk_size_bytes = 1 ", AppConfig { chunk_size_bytes: 1, ..d.clone() }),
            ("chunk_size_bytes = 104857601", AppConfig { chunk_size_bytes: 104_857_601, ..d.clone() }),
            ("chunk_threshold_bytes = 100000001", AppConfig { chunk_threshold_bytes: 100_000_001, ..d.clone() }),
            ("chunk_threshold_bytes = 0", AppConfig { chunk_threshold_bytes: 0, ..d.clone() }),
            ("chunk_concurrency = 0", AppConfig { chunk_concurrency: 0, ..d.clone() }),
            ("chunk_concurrency = 64", AppConfig { chunk_concurrency: 64, ..d.clone() }),
            ("poll_interval_ms = 10", AppConfig { poll_interval_ms: 10, ..d.clone() }),
            ("list_refresh_ms = 4294967295", AppConfig { list_refresh_ms: u32::MAX, ..d.clone() }),
            ("sheets_limit = 5000", AppConfig { sheets_limit: 5000, ..d.clone() }),
            ("stream_idle_ms = 5000", AppConfig { stream_idle_ms: 5000, ..d.clone() }),
            ("upload_stall_ms = 0", AppConfig { upload_stall_ms: 0, ..d.clone() }),
            ("upload_answer_ms = 4294967295", AppConfig { upload_answer_ms: u32::MAX, ..d.clone() }),
            ("request_timeout_ms = 0", AppConfig { request_timeout_ms: 0, ..d.clone() }),
            ("max_file_bytes = 0", AppConfig { max_file_bytes: 0, ..d.clone() }),
            ("api_base is empty", AppConfig { api_base: " ".into(), ..d.clone() }),
            ("default_language", AppConfig { default_language: Some("fr".into()), ..d.clone() }),
        ];
        for (named, config) in cases {
            let (fixed, warnings) = config.sanitized();
            assert_eq!(fixed, d, "{named}: replaced by the default");
            assert_eq!(warnings.len(), 1, "{named}: {warnings:?}");
            assert!(warnings[0].contains(named.trim_end()), "{named}: {}", warnings[0]);
        }
    }

    #[test]
    fn values_at_the_bounds_are_kept() {
        let edge = AppConfig {
            chunk_size_bytes: MIN_CHUNK_BYTES,
            chunk_threshold_bytes: MAX_CHUNK_BYTES,
            upload_answer_ms: 3_600_000,
            max_file_bytes: MAX_FILE_BYTES,
            ..AppConfig::default()
        };
        assert_eq!(edge.clone().sanitized(), (edge, Vec::new()));
    }
}
