//! The signed-in session: tokens and cached user, kept in memory and in `localStorage` so a
//! reload stays signed in.

use super::types::UserInfo;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;

/// `localStorage` key of the session.
pub const STORAGE_KEY: &str = "omr.session";

/// What is persisted about a signed-in user.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredSession {
    pub access_token: String,
    /// Absent when the server did not issue one: then no silent refresh is possible.
    pub refresh_token: Option<String>,
    pub user: Option<UserInfo>,
}

/// In-memory session mirrored to `localStorage` (when the browser allows storage).
#[derive(Default)]
pub struct SessionStore {
    current: RefCell<Option<StoredSession>>,
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

impl SessionStore {
    /// Loads what a previous page load stored; a corrupt entry counts as signed out.
    pub fn load() -> SessionStore {
        let stored = local_storage()
            .and_then(|storage| storage.get_item(STORAGE_KEY).ok().flatten())
            .and_then(|text| serde_json::from_str::<StoredSession>(&text).ok())
            .filter(|session| !session.access_token.is_empty());
        SessionStore { current: RefCell::new(stored) }
    }

    /// The session as it is now.
    pub fn get(&self) -> Option<StoredSession> {
        self.current.borrow().clone()
    }

    /// The access token to attach to a request at send time.
    pub fn access_token(&self) -> Option<String> {
        self.current.borrow().as_ref().map(|s| s.access_token.clone())
    }

    /// Replaces the session and persists it (`None` signs out).
    pub fn set(&self, session: Option<StoredSession>) {
        if let Some(storage) = local_storage() {
            // Storage can be full or disabled (private mode): the in-memory copy still works.
            let _ = match &session {
                Some(session) => storage.set_item(STORAGE_KEY, &serde_json::to_string(session).unwrap_or_default()),
                None => storage.remove_item(STORAGE_KEY),
            };
        }
        *self.current.borrow_mut() = session;
    }

    /// Applies a refresh answer: the access token always, the refresh token and user only when sent.
    pub fn apply_refresh(&self, access_token: String, refresh_token: Option<String>, user: Option<UserInfo>) {
        let Some(mut session) = self.get() else { return };
        session.access_token = access_token;
        if let Some(refresh) = refresh_token.filter(|t| !t.is_empty()) {
            session.refresh_token = Some(refresh);
        }
        if user.is_some() {
            session.user = user;
        }
        self.set(Some(session));
    }
}
