//! The one request chokepoint: URL building per lane, the bearer header read at send time,
//! refresh-once on a session problem (shared by concurrent requests), and status → `ApiError`.

use super::error::{detail_of, error_from_response, ApiError, NetworkFailure};
use super::later::Features;
use super::session_store::{Applied, SessionChange, SessionStore, StoredSession, STORAGE_KEY};
use super::types::{TokenResponse, UserInfo};
use crate::config::AppConfig;
use crate::dom_listener::DomListener;
use crate::{wall_clock, web_lock};
use futures_util::future::{select, Either, FutureExt, LocalBoxFuture, Shared};
use gloo_net::http::{Method, RequestBuilder};
use serde::de::DeserializeOwned;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::AbortController;
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

/// The `Authorization` header value for a token: written here only, for every transport.
pub(super) fn bearer(token: &str) -> String {
    format!("Bearer {token}")
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

/// Reverses [`encode_segment`]; `None` for a broken escape or bytes that are not UTF-8.
pub fn decode_segment(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = segment.get(i + 1..i + 3).filter(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
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
    /// Send only while this sign-in (a session id) is the current one.
    pub owner: Option<String>,
}

impl Call {
    /// An authenticated GET on the standard lane.
    pub fn get(path: impl Into<String>) -> Call {
        Call {
            method: Method::GET,
            lane: Lane::Standard,
            path: path.into(),
            query: Vec::new(),
            json: None,
            auth: true,
            owner: None,
        }
    }

    /// Binds the call to a sign-in: it is refused (`SessionChanged`) once that one has ended.
    pub fn owned_by(mut self, owner: &str) -> Call {
        self.owner = Some(owner.to_string());
        self
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
    /// The server's `Date` header: its clock, for comparisons that must not trust this PC's.
    pub date: Option<String>,
    pub body: String,
}

impl Answer {
    pub(super) fn is_session_problem(&self) -> bool {
        let detail = detail_of(&self.body).and_then(Result::ok);
        ApiError::is_session_problem(self.status, detail.as_deref())
    }

    /// Any 2xx: the one definition of success for every transport.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The JSON body of a 2xx as `T`, or the error the answer stands for.
    pub fn decode<T: DeserializeOwned>(self) -> Result<T, ApiError> {
        if !self.is_success() {
            return Err(self.into_error());
        }
        super::json::parse(&self.body).map_err(|e| ApiError::Undecodable(e.to_string()))
    }

    /// `Ok` for any 2xx, ignoring the body (204 answers).
    pub fn expect_success(self) -> Result<(), ApiError> {
        if self.is_success() {
            Ok(())
        } else {
            Err(self.into_error())
        }
    }

    pub(super) fn into_error(self) -> ApiError {
        error_from_response(self.status, self.retry_after.as_deref(), &self.body, self.authenticated)
    }
}

/// What the client tells the session provider.
#[derive(Clone, Debug, PartialEq)]
pub enum SessionEvent {
    /// Signed in (here or in another tab), or the cached user of sign-in `session_id` was refreshed.
    User { session_id: String, user: UserInfo },
    /// The session ended against the user's will (refresh failed).
    Expired,
    /// The user signed out, here or in another tab.
    SignedOut,
}

type RefreshFuture = Shared<LocalBoxFuture<'static, Result<(), ApiError>>>;

/// Web Lock name under which one tab at a time refreshes the shared session.
const REFRESH_LOCK: &str = "omr.session.refresh";

struct Inner {
    config: AppConfig,
    session: SessionStore,
    refreshing: RefCell<Option<RefreshFuture>>,
    listener: RefCell<Option<Callback<SessionEvent>>>,
    /// Follows the other tabs' writes to the session; removed when the client is dropped.
    storage_events: RefCell<Option<DomListener>>,
    /// The later backend's features as probed for a sign-in (its id): dropped with it.
    features: RefCell<Option<(String, Features)>>,
    /// The probe under way, for a sign-in: pages that ask at the same moment share it.
    probing: RefCell<Option<(String, FeatureProbe)>>,
}

/// A probe of the later backend's features, shared by everyone who asks while it runs.
pub(super) type FeatureProbe = Shared<LocalBoxFuture<'static, Features>>;

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

/// What a second session problem (right after a successful refresh) means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum SecondRefusal {
    /// The session is over (ordinary requests).
    EndsSession,
    /// The answer is returned as it is: this endpoint refuses the user (the event stream,
    /// which then leaves the page to polling instead of looping on refreshes).
    IsAnswer,
}

/// The ownership rule: what a call that sign-in `owner` started gets, when the sign-in held
/// now is `current`. Another sign-in (or none) means the answer, whatever it is, is not
/// this one's to see (pure).
pub fn answer_for(owner: &str, current: Option<&str>, answer: Result<Answer, ApiError>) -> Result<Answer, ApiError> {
    if current == Some(owner) {
        answer
    } else {
        Err(ApiError::SessionChanged)
    }
}

/// `Offline` when the browser says so, else `Network` with what failed.
pub fn network_error(failure: NetworkFailure) -> ApiError {
    if is_online() {
        ApiError::Network(failure)
    } else {
        ApiError::Offline
    }
}

/// What the browser believes about the network (true when it cannot tell).
pub fn is_online() -> bool {
    web_sys::window().map(|w| w.navigator().on_line()).unwrap_or(true)
}

impl ApiClient {
    /// A client for this configuration, with the session stored in this window's `localStorage`.
    pub fn new(config: AppConfig) -> ApiClient {
        match web_sys::window() {
            Some(window) => ApiClient::for_window(config, &window),
            None => ApiClient::build(config, None, None),
        }
    }

    /// A client whose session lives in `window`'s `localStorage` and follows its `storage`
    /// events (tests give a same-origin frame's window to play a second tab).
    pub fn for_window(config: AppConfig, window: &web_sys::Window) -> ApiClient {
        ApiClient::build(config, window.local_storage().ok().flatten(), Some(window))
    }

    fn build(config: AppConfig, storage: Option<web_sys::Storage>, window: Option<&web_sys::Window>) -> ApiClient {
        let client = ApiClient {
            inner: Rc::new(Inner {
                config,
                session: SessionStore::load(storage),
                refreshing: RefCell::new(None),
                listener: RefCell::new(None),
                storage_events: RefCell::new(None),
                features: RefCell::new(None),
                probing: RefCell::new(None),
            }),
        };
        if let Some(window) = window {
            // Weak: the listener must not keep the client alive.
            let weak = Rc::downgrade(&client.inner);
            let listener = DomListener::new(window, "storage", move |event| {
                let key = event.dyn_ref::<web_sys::StorageEvent>().map(|e| e.key());
                // `key` is null when another tab cleared the whole storage.
                let ours = key.is_none_or(|key| key.is_none_or(|key| key == STORAGE_KEY));
                if let (true, Some(inner)) = (ours, weak.upgrade()) {
                    ApiClient { inner }.sync();
                }
            });
            *client.inner.storage_events.borrow_mut() = Some(listener);
        }
        client
    }

    /// The configuration this client was made with.
    pub fn config(&self) -> &AppConfig {
        &self.inner.config
    }

    /// The stored session, if any.
    pub fn session(&self) -> Option<StoredSession> {
        self.inner.session.get()
    }

    /// The id of the current sign-in: uploads and other long work are bound to it.
    pub fn session_id(&self) -> Option<String> {
        self.inner.session.session_id()
    }

    /// The features probed for sign-in `session_id`, if they were.
    pub(super) fn known_features(&self, session_id: &str) -> Option<Features> {
        self.inner.features.borrow().as_ref().filter(|(id, _)| id == session_id).map(|(_, features)| *features)
    }

    /// The probe for sign-in `session_id` under way, or the one `start` makes (kept until it
    /// ends, so concurrent askers share one set of probe requests).
    pub(super) fn feature_probe(&self, session_id: &str, start: impl FnOnce() -> FeatureProbe) -> FeatureProbe {
        let mut probing = self.inner.probing.borrow_mut();
        match probing.as_ref().filter(|(id, _)| id == session_id) {
            Some((_, probe)) => probe.clone(),
            None => {
                let probe = start();
                *probing = Some((session_id.to_string(), probe.clone()));
                probe
            }
        }
    }

    /// Ends the shared probe of sign-in `session_id`.
    pub(super) fn probe_done(&self, session_id: &str) {
        let mut probing = self.inner.probing.borrow_mut();
        if probing.as_ref().is_some_and(|(id, _)| id == session_id) {
            *probing = None;
        }
    }

    /// Keeps the features probed for sign-in `session_id` (replacing another sign-in's).
    pub(super) fn remember_features(&self, session_id: &str, features: Features) {
        *self.inner.features.borrow_mut() = Some((session_id.to_string(), features));
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

    /// Adopts what `localStorage` holds now (another tab signed in, refreshed or signed out)
    /// and tells the listener.
    pub fn sync(&self) {
        match self.inner.session.reload() {
            SessionChange::Same => {}
            SessionChange::Refreshed | SessionChange::SignedIn => self.announce_current(),
            SessionChange::SignedOut => self.notify(SessionEvent::SignedOut),
            SessionChange::Replaced => {
                // Everything of the previous sign-in ends before the new one is shown.
                self.notify(SessionEvent::SignedOut);
                self.announce_current();
            }
        }
    }

    /// Tells the listener who is signed in now; without a cached user asks `/me`.
    fn announce_current(&self) {
        let Some(session) = self.session() else { return };
        match session.user {
            Some(user) => self.notify(SessionEvent::User { session_id: session.session_id, user }),
            None => {
                let client = self.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    // A failure is told through the listener (expired) or is passing (offline).
                    let _ = client.me().await;
                });
            }
        }
    }

    /// Records the user of the sign-in `session_id` and tells the listener; `SessionChanged`
    /// when that sign-in is no longer the stored one.
    pub(super) fn record_user(&self, session_id: &str, user: UserInfo) -> Result<(), ApiError> {
        let applied = self.inner.session.apply_user(session_id, user.clone());
        self.announce_applied(applied, Some(user))
    }

    /// Tells the listener what recording a user did: the same sign-in goes on, or another
    /// person's answer ended it and began a new one (everything of the previous one ends
    /// first); `SessionChanged` when the sign-in had already ended.
    fn announce_applied(&self, applied: Option<Applied>, user: Option<UserInfo>) -> Result<(), ApiError> {
        let session_id = match applied {
            None => return Err(ApiError::SessionChanged),
            Some(Applied::Same(session_id)) => session_id,
            Some(Applied::NewIdentity(session_id)) => {
                self.notify(SessionEvent::SignedOut);
                session_id
            }
        };
        if let Some(user) = user {
            self.notify(SessionEvent::User { session_id, user });
        }
        Ok(())
    }

    /// Stores a new sign-in after login.
    pub(super) fn store_session(&self, session: StoredSession) {
        self.inner.session.set(Some(session));
    }

    /// Forgets the tokens (there is no logout endpoint; they expire on their own). Every tab
    /// follows through the `storage` event.
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

    /// The token of the current sign-in, when it is `owner`'s (any sign-in when `None`).
    fn token_for(&self, owner: Option<&str>) -> Result<String, ApiError> {
        match self.inner.session.get() {
            None if owner.is_some() => Err(ApiError::SessionChanged),
            None => {
                self.expire();
                Err(ApiError::SessionExpired)
            }
            Some(session) if owner.is_some_and(|owner| owner != session.session_id) => Err(ApiError::SessionChanged),
            Some(session) => Ok(session.access_token),
        }
    }

    /// Sends `call` once with `fetch`; no answer (head and body) within `request_timeout_ms`
    /// abandons it as `NoAnswer`.
    async fn fetch(&self, call: &Call, token: Option<&str>) -> Result<Answer, ApiError> {
        let abort = AbortController::new().map_err(|_| network_error(NetworkFailure::FormRefused))?;
        let deadline = wall_clock::now_ms() + f64::from(self.inner.config.request_timeout_ms);
        let exchange = Box::pin(self.exchange(call, token, &abort));
        let answer = match select(exchange, Box::pin(wall_clock::until(deadline))).await {
            Either::Left((answer, _)) => answer,
            Either::Right(_) => {
                abort.abort();
                Err(network_error(NetworkFailure::NoAnswer))
            }
        };
        answer
    }

    /// One request and its whole answer, abortable through `abort`.
    async fn exchange(&self, call: &Call, token: Option<&str>, abort: &AbortController) -> Result<Answer, ApiError> {
        let mut builder = RequestBuilder::new(&self.url(call.lane, &call.path))
            .method(call.method.clone())
            .abort_signal(Some(&abort.signal()));
        if !call.query.is_empty() {
            builder = builder.query(call.query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        if let Some(token) = token {
            builder = builder.header("Authorization", &bearer(token));
        }
        let request = match &call.json {
            Some(json) => builder.header("Content-Type", "application/json").body(json.as_str()),
            None => builder.build(),
        }
        .map_err(|_| network_error(NetworkFailure::FormRefused))?;
        let response = request.send().await.map_err(|_| network_error(NetworkFailure::Unreachable))?;
        let status = response.status();
        let retry_after = response.headers().get("retry-after");
        let date = response.headers().get("date");
        // A body cut off mid-way still leaves the status to go on.
        let body = super::json::body_text(response).await?;
        Ok(Answer { status, authenticated: token.is_some(), retry_after, date, body })
    }

    /// Sends a call. On 401 / 403 "Not authenticated" it refreshes the session once (sharing
    /// a refresh already under way) and replays the call once; if that fails the session ends.
    pub async fn send(&self, call: &Call) -> Result<Answer, ApiError> {
        if !call.auth {
            return self.fetch(call, None).await;
        }
        let attempt = |token: String| async move { self.fetch(call, Some(&token)).await };
        self.with_session(call.owner.as_deref(), SecondRefusal::EndsSession, attempt).await
    }

    /// The session rule every authenticated request follows, whatever carries it (fetch or
    /// XMLHttpRequest): `attempt` with the current token; on a session problem refresh once
    /// and attempt once more; a second session problem ends the session.
    ///
    /// Every call belongs to a sign-in: `owner`, or the one current when it starts. Nothing is
    /// sent once that sign-in has ended, and an answer that arrives after it ended is thrown
    /// away (`SessionChanged`): never refreshed, retried or replayed under the next user.
    pub(super) async fn with_session<F, Fut>(
        &self,
        owner: Option<&str>,
        second_refusal: SecondRefusal,
        attempt: F,
    ) -> Result<Answer, ApiError>
    where
        F: Fn(String) -> Fut,
        Fut: std::future::Future<Output = Result<Answer, ApiError>>,
    {
        let owner = match owner {
            Some(owner) => owner.to_string(),
            None => self.session_id().ok_or_else(|| {
                self.expire();
                ApiError::SessionExpired
            })?,
        };
        let owner = owner.as_str();
        let token = self.token_for(Some(owner))?;
        let answer = self.owned_answer(owner, attempt(token.clone()).await)?;
        if !answer.is_session_problem() {
            return Ok(answer);
        }
        self.refresh_after_rejection(&token).await?;
        let replay = self.owned_answer(owner, attempt(self.token_for(Some(owner))?).await)?;
        if replay.is_session_problem() && second_refusal == SecondRefusal::EndsSession {
            self.expire();
            return Err(ApiError::SessionExpired);
        }
        Ok(replay)
    }

    /// `answer`, when the sign-in `owner` is still the current one (pure rule: [`answer_for`]).
    fn owned_answer(&self, owner: &str, answer: Result<Answer, ApiError>) -> Result<Answer, ApiError> {
        answer_for(owner, self.session_id().as_deref(), answer)
    }

    /// Makes sure the session has a token newer than `rejected`: if another request or tab
    /// already refreshed, nothing to do; if a refresh is running, wait for it; else start one.
    pub async fn refresh_after_rejection(&self, rejected: &str) -> Result<(), ApiError> {
        self.sync();
        match self.access_token() {
            None => return Err(ApiError::SessionExpired),
            Some(current) if current != rejected => return Ok(()),
            Some(_) => {}
        }
        let running = self.inner.refreshing.borrow().clone();
        let refresh = match running {
            Some(refresh) => refresh,
            None => {
                let client = self.clone();
                let rejected = rejected.to_string();
                let refresh = async move {
                    let result = client.refresh_now(&rejected).await;
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

    /// Refreshes the session whose token `rejected` was refused, one tab at a time.
    async fn refresh_now(&self, rejected: &str) -> Result<(), ApiError> {
        // Held (or unsupported) until this function returns.
        let _lock = web_lock::acquire(REFRESH_LOCK, false).await;
        // The tab that held the lock before may have refreshed, or signed out.
        self.sync();
        let Some(session) = self.inner.session.get() else { return Err(ApiError::SessionExpired) };
        if session.access_token != rejected {
            return Ok(());
        }
        let Some(refresh_token) = session.refresh_token else {
            self.expire();
            return Err(ApiError::SessionExpired);
        };
        let call = Call {
            method: Method::POST,
            lane: Lane::Standard,
            path: "auth/refresh".into(),
            query: Vec::new(),
            json: super::json::text(&serde_json::json!({ "refresh_token": refresh_token })),
            auth: false,
            owner: None,
        };
        let answer = self.fetch(&call, None).await?;
        // Signed out or replaced while the refresh was under way: its answer is thrown away.
        if self.session_id().as_deref() != Some(session.session_id.as_str()) {
            return Err(ApiError::SessionChanged);
        }
        if !answer.is_success() {
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
        let applied = self.inner.session.apply_refresh(
            &session.session_id,
            tokens.access_token,
            tokens.refresh_token,
            tokens.user,
        );
        self.announce_applied(applied, user)
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
        assert_eq!(decode_segment("%E0%B8%81%20x").as_deref(), Some("ก x"));
        assert_eq!(decode_segment("%E0%B8"), None);
        assert_eq!(decode_segment("%4"), None);
        assert_eq!(decode_segment("%+1"), None);
    }

    #[test]
    fn answers_decode_or_map_errors() {
        let ok = Answer {
            status: 200,
            authenticated: true,
            retry_after: None,
            date: None,
            body: r#"{"access_token":"a","token_type":"bearer","extra":1}"#.into(),
        };
        assert_eq!(ok.decode::<TokenResponse>().unwrap().access_token, "a");
        let bad = Answer { status: 200, authenticated: true, retry_after: None, date: None, body: "<html>".into() };
        assert!(matches!(bad.decode::<TokenResponse>(), Err(ApiError::Undecodable(_))));
        let gone = Answer {
            status: 404,
            authenticated: true,
            retry_after: None,
            date: None,
            body: r#"{"detail":"Batch x not found"}"#.into(),
        };
        assert_eq!(gone.decode::<TokenResponse>(), Err(ApiError::NotFound("Batch x not found".into())));
        assert!(Answer { status: 204, authenticated: true, retry_after: None, date: None, body: String::new() }
            .expect_success()
            .is_ok());
    }

    #[test]
    fn an_answer_belongs_to_the_sign_in_that_asked() {
        let answer =
            || Ok(Answer { status: 200, authenticated: true, retry_after: None, date: None, body: "[]".into() });
        assert!(answer_for("a", Some("a"), answer()).is_ok());
        // Signed out, or another sign-in (another user, or the same user again) took over:
        // whatever came back, success or refusal, is thrown away.
        assert_eq!(answer_for("a", None, answer()).unwrap_err(), ApiError::SessionChanged);
        assert_eq!(answer_for("a", Some("b"), answer()).unwrap_err(), ApiError::SessionChanged);
        assert_eq!(answer_for("a", Some("b"), Err(ApiError::Offline)).unwrap_err(), ApiError::SessionChanged);
        assert_eq!(answer_for("a", Some("a"), Err(ApiError::Offline)).unwrap_err(), ApiError::Offline);
    }

    #[test]
    fn session_problem_detection() {
        let answer = |status: u16, body: &str| Answer {
            status,
            authenticated: true,
            retry_after: None,
            date: None,
            body: body.into(),
        };
        assert!(answer(401, "").is_session_problem());
        assert!(answer(403, r#"{"detail":"Not authenticated"}"#).is_session_problem());
        assert!(!answer(403, r#"{"detail":"Access denied"}"#).is_session_problem());
        assert!(!answer(500, "").is_session_problem());
    }
}
