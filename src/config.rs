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
        }
    }
}

impl AppConfig {
    /// Clamps values into what the backend and browsers can take.
    pub fn sanitized(mut self) -> (AppConfig, Vec<String>) {
        let defaults = AppConfig::default();
        let mut warnings = Vec::new();
        let fix = |name: &str, ok: bool, warnings: &mut Vec<String>| {
            if !ok {
                warnings.push(format!("config.json: {name} is out of range; using the default"));
            }
            ok
        };
        if !fix("chunk_size_bytes", (1..=SERVER_MAX_CHUNK_BYTES).contains(&self.chunk_size_bytes), &mut warnings) {
            self.chunk_size_bytes = defaults.chunk_size_bytes;
        }
        if !fix("chunk_concurrency", (1..=6).contains(&self.chunk_concurrency), &mut warnings) {
            self.chunk_concurrency = defaults.chunk_concurrency;
        }
        if !fix("poll_interval_ms", self.poll_interval_ms >= 250, &mut warnings) {
            self.poll_interval_ms = defaults.poll_interval_ms;
        }
        if !fix("list_refresh_ms", self.list_refresh_ms >= 1_000, &mut warnings) {
            self.list_refresh_ms = defaults.list_refresh_ms;
        }
        if !fix("sheets_limit", (1..=1000).contains(&self.sheets_limit), &mut warnings) {
            self.sheets_limit = defaults.sheets_limit;
        }
        if !fix("stream_idle_ms", self.stream_idle_ms >= 20_000, &mut warnings) {
            self.stream_idle_ms = defaults.stream_idle_ms;
        }
        if !fix("upload_stall_ms", self.upload_stall_ms >= 1_000, &mut warnings) {
            self.upload_stall_ms = defaults.upload_stall_ms;
        }
        if !fix("upload_answer_ms", self.upload_answer_ms >= 1_000, &mut warnings) {
            self.upload_answer_ms = defaults.upload_answer_ms;
        }
        if !fix("request_timeout_ms", self.request_timeout_ms >= 1_000, &mut warnings) {
            self.request_timeout_ms = defaults.request_timeout_ms;
        }
        if !fix("max_file_bytes", self.max_file_bytes > 0, &mut warnings) {
            self.max_file_bytes = defaults.max_file_bytes;
        }
        if self.default_language.as_deref().is_some_and(|tag| Lang::from_tag(tag).is_none()) {
            warnings.push("config.json: default_language is not th or en; using the browser's languages".into());
            self.default_language = None;
        }
        for (name, base, default) in [
            ("api_base", &mut self.api_base, defaults.api_base),
            ("realtime_base", &mut self.realtime_base, defaults.realtime_base),
        ] {
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
        assert!(config.chunk_threshold_bytes < 100_000_000);
        assert!(config.chunk_size_bytes <= SERVER_MAX_CHUNK_BYTES);
    }
}
