//! Fault injection and the request log. Off unless the server runs in test mode.
//!
//! A rule matches requests by method and path (after `/api/realtime/` is folded into `/api/`)
//! and fires on its `nth` match, for `count` matches in a row (0 = forever after).

use crate::link::Link;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Mutex;

/// What a fault does to a matching request.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultAction {
    /// Answer at once with this status, body and content type (e.g. an HTML 502 from a gateway).
    Respond {
        status: u16,
        #[serde(default)]
        body: String,
        #[serde(default = "default_content_type")]
        content_type: String,
    },
    /// Close the connection without any response.
    Drop,
    /// Let the backend handle the request, then close the connection before the response.
    DropAfter,
    /// Answer 200 `text/event-stream` and then send nothing, ever (no pings): a dead stream
    /// behind a proxy that keeps the connection open.
    Stall,
    /// Send the status line, headers and a few body bytes, then close the connection: a
    /// connection lost mid-answer. Browsers never resend such a request on their own (they do
    /// resend once or twice when a reused connection closes before any answer byte).
    Cut,
    /// Handle the request (the backend acts on it), then cut the connection mid-answer as
    /// `cut` does: an answer lost on its way back.
    CutAfter,
    /// Handle the request, then leave these top-level fields out of its JSON answer (for
    /// example `batch_id` from a completing chunk answer).
    Omit { fields: Vec<String> },
    /// Wait this long, then handle the request normally.
    Delay { ms: u64 },
    /// 429 with a `Retry-After` header, as a rate limiter answers.
    RateLimit { retry_after_secs: u64 },
}

fn default_content_type() -> String {
    "text/html".into()
}

/// One installed fault.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct FaultRule {
    /// HTTP method to match; any when absent.
    #[serde(default)]
    pub method: Option<String>,
    /// Exact path, or a prefix when it ends with `*`.
    pub path: String,
    /// The first matching request (1-based) that triggers the fault.
    #[serde(default = "one")]
    pub nth: u32,
    /// How many consecutive matches trigger it; 0 means every match from `nth` on.
    #[serde(default = "one")]
    pub count: u32,
    pub action: FaultAction,
    /// Matches seen so far.
    #[serde(default)]
    pub seen: u32,
}

fn one() -> u32 {
    1
}

impl FaultRule {
    fn matches(&self, method: &str, path: &str) -> bool {
        let method_ok = self.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method));
        let path_ok = match self.path.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => self.path == path,
        };
        method_ok && path_ok
    }

    /// Counts a match and tells whether this one fires.
    fn fires(&mut self) -> bool {
        self.seen += 1;
        self.seen >= self.nth && (self.count == 0 || self.seen < self.nth + self.count)
    }
}

/// A request as the log keeps it.
#[derive(Clone, Debug, Serialize)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    pub status: u16,
    /// Handler-supplied details (chunk index, upload id, ...).
    pub note: Option<Value>,
}

/// Attached to a response by a handler to enrich the request log.
#[derive(Clone, Debug)]
pub struct RequestNote(pub Value);

/// Installed faults, the gateway body limit, the shaped link and the request log.
#[derive(Default)]
pub struct Faults {
    rules: Mutex<Vec<FaultRule>>,
    gateway_body_limit: Mutex<Option<u64>>,
    link: Mutex<Option<Link>>,
    log: Mutex<Vec<LoggedRequest>>,
    /// Wakes every open event stream so it ends without a final event (a forced reconnect).
    pub cut_streams: tokio::sync::Notify,
    /// Requests being handled right now (tests wait for the previous test's to end).
    in_flight: std::sync::atomic::AtomicUsize,
}

/// Counts one request as in flight until dropped.
pub struct InFlight<'a>(&'a Faults);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Most requests the log keeps; older ones are dropped first.
const LOG_CAPACITY: usize = 20_000;

impl Faults {
    /// Adds rules.
    pub fn install(&self, rules: Vec<FaultRule>) {
        self.rules.lock().unwrap_or_else(|p| p.into_inner()).extend(rules);
    }

    /// Removes every rule.
    pub fn clear(&self) {
        self.rules.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    /// The installed rules with their match counts.
    pub fn rules(&self) -> Vec<FaultRule> {
        self.rules.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Sets or clears the Cloudflare-like request-body limit.
    pub fn set_gateway_body_limit(&self, limit: Option<u64>) {
        *self.gateway_body_limit.lock().unwrap_or_else(|p| p.into_inner()) = limit;
    }

    /// The current request-body limit.
    pub fn gateway_body_limit(&self) -> Option<u64> {
        *self.gateway_body_limit.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Shapes every later request like `link`, or stops shaping.
    pub fn set_link(&self, link: Option<Link>) {
        *self.link.lock().unwrap_or_else(|p| p.into_inner()) = link;
    }

    /// The current link shape.
    pub fn link(&self) -> Option<Link> {
        *self.link.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The action of the first rule firing for this request, if any.
    pub fn check(&self, method: &str, path: &str) -> Option<FaultAction> {
        let mut rules = self.rules.lock().unwrap_or_else(|p| p.into_inner());
        let mut fired = None;
        for rule in rules.iter_mut().filter(|rule| rule.matches(method, path)) {
            if rule.fires() && fired.is_none() {
                fired = Some(rule.action.clone());
            }
        }
        fired
    }

    /// Marks a request as being handled until the guard is dropped.
    pub fn start_request(&self) -> InFlight<'_> {
        self.in_flight.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        InFlight(self)
    }

    /// Requests being handled now.
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Appends to the request log.
    pub fn log(&self, entry: LoggedRequest) {
        let mut log = self.log.lock().unwrap_or_else(|p| p.into_inner());
        if log.len() >= LOG_CAPACITY {
            log.remove(0);
        }
        log.push(entry);
    }

    /// The request log, oldest first.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Empties the request log.
    pub fn clear_requests(&self) {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

/// The HTML page a gateway sends with its own errors (nginx's wording).
pub fn gateway_page(status: u16, reason: &str, server: &str) -> String {
    format!("<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n<center><h1>{status} {reason}</h1></center>\r\n<hr><center>{server}</center>\r\n</body>\r\n</html>\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(nth: u32, count: u32) -> FaultRule {
        FaultRule {
            method: Some("POST".into()),
            path: "/api/batches/upload-chunk".into(),
            nth,
            count,
            action: FaultAction::Drop,
            seen: 0,
        }
    }

    #[test]
    fn fires_on_the_nth_match_only() {
        let faults = Faults::default();
        faults.install(vec![rule(3, 1)]);
        let fired: Vec<bool> = (0..5).map(|_| faults.check("POST", "/api/batches/upload-chunk").is_some()).collect();
        assert_eq!(fired, [false, false, true, false, false]);
        assert!(faults.check("GET", "/api/batches/upload-chunk").is_none());
    }

    #[test]
    fn count_zero_fires_forever() {
        let faults = Faults::default();
        faults.install(vec![rule(2, 0)]);
        let fired: Vec<bool> = (0..4).map(|_| faults.check("POST", "/api/batches/upload-chunk").is_some()).collect();
        assert_eq!(fired, [false, true, true, true]);
    }

    #[test]
    fn prefix_rules_match_by_prefix() {
        let mut r = rule(1, 1);
        r.path = "/api/batches/*".into();
        assert!(r.matches("POST", "/api/batches/x/stream"));
        assert!(!r.matches("POST", "/api/auth/login"));
    }

    #[test]
    fn rules_read_from_json() {
        let rules: Vec<FaultRule> = serde_json::from_str(
            r#"[{"path":"/api/batches/","action":{"kind":"respond","status":502,"body":"bad"}},
                {"path":"/x","nth":2,"action":{"kind":"rate_limit","retry_after_secs":3}}]"#,
        )
        .unwrap();
        assert_eq!(rules[0].nth, 1);
        assert_eq!(
            rules[0].action,
            FaultAction::Respond { status: 502, body: "bad".into(), content_type: "text/html".into() }
        );
        assert_eq!(rules[1].action, FaultAction::RateLimit { retry_after_secs: 3 });
        let omit: FaultRule =
            serde_json::from_str(r#"{"path":"/x","action":{"kind":"omit","fields":["batch_id"]}}"#).unwrap();
        assert_eq!(omit.action, FaultAction::Omit { fields: vec!["batch_id".into()] });
        let cut: FaultRule = serde_json::from_str(r#"{"path":"/x","action":{"kind":"cut_after"}}"#).unwrap();
        assert_eq!(cut.action, FaultAction::CutAfter);
    }
}
