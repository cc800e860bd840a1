//! The one request chokepoint: URL building per lane, the bearer header read at send time,
//! refresh-once on a session problem (shared by concurrent requests), and status → `ApiError`.

use super::error::{detail_of, error_from_response, ApiError};
use super::session_store::{SessionStore, StoredSession};
use super::types::{TokenResponse, UserInfo};
use crate::config::AppConfig;
use futures_util::future::{FutureExt, LocalBoxFuture, Shared};
use gloo_net::http::{Method, RequestBuilder};
use serde::de::DeserializeOwned;
use std::cell::RefCell;
use std::rc::Rc;
use yew::Callback;

/// Which gateway lane a request takes (contract §1.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    /// `/api/...`: 60 s timeout; everything short.
    Standard,
    /// `/api/realtime/...`: unbuffered, 1 h; uploads and the event stream.
    Realtime,
}

/// Joins a base (`/api`, `https://h/api/`) and an endpoint path (`batches/`) with exactly one slash.
pub fn join_url(base: &str, path: &str) -> String {
    format!("{}/{}", base.trim_end_matches('/'), path.trim_start_matches('/'))
}

/// Percent-encodes one path segment (a batch id taken from the address bar, say).
pub fn encode_segment(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// A request to make: endpoint-relative path, lane, optional JSON body.
pub struct Call {
    pub method: Method,
    pub lane: Lane,
    /// Relative to the lane's base, e.g. `batches/` or `auth/login`.
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    pub json: Option<String>,
    /// Attach the bearer token (and refresh on a session problem).
    pub auth: bool,
}

impl Call {
    /// An authenticated GET on the standard lane.
    pub fn get(path: impl Into<String>) -> Call {
        Call { method: Method::GET, lane: Lane::Standard, path: path.into(), query: Vec::new(), json: None, auth: true }
    }

    /// Adds a query parameter.
    pub fn query(mut self, key: &'static str, value: impl ToString) -> Call {
        self.query.push((key, value.to_string()));
        self
    }
}

/// An HTTP answer before interpretation.
#[derive(Clone, Debug)]
pub struct Answer {
    pub status: u16,
    /// Whether the request carried a bearer token (a 401 then means the session is over).
    pub authenticated: bool,
    pub retry_after: Option<String>,
    pub body: String,
}

impl Answer {
    pub(super) fn is_session_problem(&self) -> bool {
        let detail = detail_of(&self.body).and_then(Result::ok);
        ApiError::is_session_problem(self.status, detail.as_deref())
    }

    /// The JSON body of a 2xx as `T`, or the error the answer stands for.
    pub fn decode<T: DeserializeOwned>(self) -> Result<T, ApiError> {
        if !(200..300).contains(&self.status) {
            return Err(self.into_error());
        }
        serde_json::from_str(&self.body).map_err(|e| ApiError::Undecodable(e.to_string()))
    }

    /// `Ok` for any 2xx, ignoring the body (204 answers).
    pub fn expect_success(self) -> Result<(), ApiError> {
        if (200..300).contains(&self.status) {
            Ok(())
        } else {
            Err(self.into_error())
        }
    }

    fn into_error(self) -> ApiError {
        error_from_response(self.status, self.retry_after.as_deref(), &self.body, self.authenticated)
    }
}

/// What the client tells the session provider.
#[derive(Clone, Debug, PartialEq)]
pub enum SessionEvent {
    /// Signed in, or the cached user was refreshed.
    User(UserInfo),
    /// The session ended against the user's will (refresh failed).
    Expired,
    /// The user signed out.
    SignedOut,
}

type RefreshFuture = Shared<LocalBoxFuture<'static, Result<(), ApiError>>>;

struct Inner {
    config: AppConfig,
    session: SessionStore,
    refreshing: RefCell<Option<RefreshFuture>>,
    listener: RefCell<Option<Callback<SessionEvent>>>,
}

/// Shared handle to the API; cheap to clone, provided by context.
#[derive(Clone)]
pub struct ApiClient {
    inner: Rc<Inner>,
}

impl PartialEq for ApiClient {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

/// `Offline` when the browser says so, else `Network` with what failed.
pub fn network_error(err: impl std::fmt::Display) -> ApiError {
    let online = web_sys::window().map(|w| w.navigator().on_line()).unwrap_or(true);
    if online {
        ApiError::Network(err.to_string())
    } else {
        ApiError::Offline
    }
}

impl ApiClient {
    /// A client for this configuration, with the session a previous page load stored.
    pub fn new(config: AppConfig) -> ApiClient {
        ApiClient {
            inner: Rc::new(Inner {
                config,
                session: SessionStore::load(),
                refreshing: RefCell::new(None),
                listener: RefCell::new(None),
            }),
        }
    }

    /// The configuration this client was made with.
    pub fn config(&self) -> &AppConfig {
        &self.inner.config
    }

    /// The stored session, if any.
    pub fn session(&self) -> Option<StoredSession> {
        self.inner.session.get()
    }

    /// Registers the one listener for session changes (the session provider).
    pub fn set_listener(&self, listener: Option<Callback<SessionEvent>>) {
        *self.inner.listener.borrow_mut() = listener;
    }

    pub(super) fn notify(&self, event: SessionEvent) {
        let listener = self.inner.listener.borrow().clone();
        if let Some(listener) = listener {
            listener.emit(event);
        }
    }

    /// Stores a new session after login.
    pub(super) fn store_session(&self, session: StoredSession) {
        self.inner.session.set(Some(session));
    }

    /// Forgets the tokens (there is no logout endpoint; they expire on their own).
    pub fn sign_out(&self) {
        self.inner.session.set(None);
        self.notify(SessionEvent::SignedOut);
    }

    fn expire(&self) {
        if self.inner.session.get().is_some() {
            self.inner.session.set(None);
            self.notify(SessionEvent::Expired);
        }
    }

    /// The full URL of an endpoint on a lane.
    pub fn url(&self, lane: Lane, path: &str) -> String {
        let base = match lane {
            Lane::Standard => &self.inner.config.api_base,
            Lane::Realtime => &self.inner.config.realtime_base,
        };
        join_url(base, path)
    }

    /// The bearer token to use right now (read per request and per chunk).
    pub fn access_token(&self) -> Option<String> {
        self.inner.session.access_token()
    }

    async fn fetch(&self, call: &Call, token: Option<&str>) -> Result<Answer, ApiError> {
        let mut builder = RequestBuilder::new(&self.url(call.lane, &call.path)).method(call.method.clone());
        if !call.query.is_empty() {
            builder = builder.query(call.query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        if let Some(token) = token {
            builder = builder.header("Authorization", &format!("Bearer {token}"));
        }
        let request = match &call.json {
            Some(json) => builder.header("Content-Type", "application/json").body(json.as_str()),
            None => builder.build(),
        }
        .map_err(network_error)?;
        let response = request.send().await.map_err(network_error)?;
        let status = response.status();
        let retry_after = response.headers().get("retry-after");
        // A body cut off mid-way still leaves the status to go on.
        let body = response.text().await.unwrap_or_default();
        Ok(Answer { status, authenticated: token.is_some(), retry_after, body })
    }

    /// Sends a call. On 401 / 403 "Not authenticated" it refreshes the session once (sharing
    /// a refresh already under way) and replays the call once; if that fails the session ends.
    pub async fn send(&self, call: &Call) -> Result<Answer, ApiError> {
        if !call.auth {
            return self.fetch(call, None).await;
        }
        self.with_session(|token| async move { self.fetch(call, Some(&token)).await }).await
    }

    /// The session rule every authenticated request follows, whatever carries it (fetch or
    /// XMLHttpRequest): `attempt` with the current token; on a session problem refresh once
    /// and attempt once more; a second session problem ends the session.
    pub(super) async fn with_session<F, Fut>(&self, attempt: F) -> Result<Answer, ApiError>
    where
        F: Fn(String) -> Fut,
        Fut: std::future::Future<Output = Result<Answer, ApiError>>,
    {
        let Some(token) = self.access_token() else {
            self.expire();
            return Err(ApiError::SessionExpired);
        };
        let answer = attempt(token.clone()).await?;
        if !answer.is_session_problem() {
            return Ok(answer);
        }
        self.refresh_after_rejection(&token).await?;
        let token = self.access_token().ok_or(ApiError::SessionExpired)?;
        let replay = attempt(token).await?;
        if replay.is_session_problem() {
            self.expire();
            return Err(ApiError::SessionExpired);
        }
        Ok(replay)
    }

    /// Makes sure the session has a token newer than `rejected`: if another request already
    /// refreshed, nothing to do; if a refresh is running, wait for it; else start one.
    pub async fn refresh_after_rejection(&self, rejected: &str) -> Result<(), ApiError> {
        if self.access_token().as_deref() != Some(rejected) {
            return Ok(());
        }
        let running = self.inner.refreshing.borrow().clone();
        let refresh = match running {
            Some(refresh) => refresh,
            None => {
                let client = self.clone();
                let refresh = async move {
                    let result = client.refresh_now().await;
                    client.inner.refreshing.borrow_mut().take();
                    result
                }
                .boxed_local()
                .shared();
                *self.inner.refreshing.borrow_mut() = Some(refresh.clone());
                refresh
            }
        };
        refresh.await
    }

    async fn refresh_now(&self) -> Result<(), ApiError> {
        let Some(refresh_token) = self.inner.session.get().and_then(|s| s.refresh_token) else {
            self.expire();
            return Err(ApiError::SessionExpired);
        };
        let body = serde_json::json!({ "refresh_token": refresh_token }).to_string();
        let call = Call {
            method: Method::POST,
            lane: Lane::Standard,
            path: "auth/refresh".into(),
            query: Vec::new(),
            json: Some(body),
            auth: false,
        };
        let answer = self.fetch(&call, None).await?;
        if !(200..300).contains(&answer.status) {
            let error = answer.into_error();
            // Only a refused refresh token ends the session; a flaky network or a failing
            // server keeps it for the next attempt.
            if !error.is_transient() {
                self.expire();
                return Err(ApiError::SessionExpired);
            }
            return Err(error);
        }
        let tokens: TokenResponse = answer.decode()?;
        let user = tokens.user.clone();
        self.inner.session.apply_refresh(tokens.access_token, tokens.refresh_token, tokens.user);
        if let Some(user) = user {
            self.notify(SessionEvent::User(user));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joining_never_doubles_or_drops_slashes() {
        assert_eq!(join_url("/api", "batches/"), "/api/batches/");
        assert_eq!(join_url("/api/", "/batches/upload"), "/api/batches/upload");
        assert_eq!(
            join_url("https://omr.example/api/realtime", "batches/x/stream"),
            "https://omr.example/api/realtime/batches/x/stream"
        );
        assert!(!join_url("/api", "batches/").contains("/api/api"));
    }

    #[test]
    fn segments_are_percent_encoded() {
        assert_eq!(encode_segment("b2f09d6e-1a47"), "b2f09d6e-1a47");
        assert_eq!(encode_segment("../x?y"), "..%2Fx%3Fy");
        assert_eq!(encode_segment("ก"), "%E0%B8%81");
    }

    #[test]
    fn answers_decode_or_map_errors() {
        let ok = Answer {
            status: 200,
            authenticated: true,
            retry_after: None,
            body: r#"{"access_token":"a","token_type":"bearer","extra":1}"#.into(),
        };
        assert_eq!(ok.decode::<TokenResponse>().unwrap().access_token, "a");
        let bad = Answer { status: 200, authenticated: true, retry_after: None, body: "<html>".into() };
        assert!(matches!(bad.decode::<TokenResponse>(), Err(ApiError::Undecodable(_))));
        let gone = Answer {
            status: 404,
            authenticated: true,
            retry_after: None,
            body: r#"{"detail":"Batch x not found"}"#.into(),
        };
        assert_eq!(gone.decode::<TokenResponse>(), Err(ApiError::NotFound("Batch x not found".into())));
        assert!(Answer { status: 204, authenticated: true, retry_after: None, body: String::new() }
            .expect_success()
            .is_ok());
    }

    #[test]
    fn session_problem_detection() {
        let answer =
            |status: u16, body: &str| Answer { status, authenticated: true, retry_after: None, body: body.into() };
        assert!(answer(401, "").is_session_problem());
        assert!(answer(403, r#"{"detail":"Not authenticated"}"#).is_session_problem());
        assert!(!answer(403, r#"{"detail":"Access denied"}"#).is_session_problem());
        assert!(!answer(500, "").is_session_problem());
    }
}
