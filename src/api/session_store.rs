//! The signed-in session: tokens and cached user, kept in memory and in `localStorage`.
//!
//! `localStorage` is the one source of truth for the whole browser: every tab re-reads it when
//! another tab writes it (the `storage` event) and before refreshing, so a sign-out, a sign-in
//! as someone else or a refresh in one tab reaches every other tab.

use super::types::UserInfo;
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use web_sys::Storage;

/// `localStorage` key of the session.
pub const STORAGE_KEY: &str = "omr.session";

/// What is persisted about a signed-in user.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredSession {
    /// Minted at sign-in and kept by refreshes: two sessions with different ids belong to
    /// different sign-ins, so nothing started under one may continue under the other.
    #[serde(default)]
    pub session_id: String,
    pub access_token: String,
    /// Absent when the server did not issue one: then no silent refresh is possible.
    pub refresh_token: Option<String>,
    pub user: Option<UserInfo>,
}

/// How the stored session differs from the one a tab holds.
#[derive(Clone, Debug, PartialEq)]
pub enum SessionChange {
    /// Nothing that matters changed.
    Same,
    /// The same sign-in with new tokens or a newer cached user (another tab refreshed).
    Refreshed,
    /// Signed in where nobody was.
    SignedIn,
    /// Signed out (or the session ended) where somebody was.
    SignedOut,
    /// A different sign-in replaced this one (another user, or the same user again).
    Replaced,
}

/// Compares the session a tab holds with the one now stored (pure).
pub fn classify(held: Option<&StoredSession>, stored: Option<&StoredSession>) -> SessionChange {
    match (held, stored) {
        (None, None) => SessionChange::Same,
        (None, Some(_)) => SessionChange::SignedIn,
        (Some(_), None) => SessionChange::SignedOut,
        (Some(held), Some(stored)) if held.session_id != stored.session_id => SessionChange::Replaced,
        (Some(held), Some(stored)) if held == stored => SessionChange::Same,
        (Some(_), Some(_)) => SessionChange::Refreshed,
    }
}

/// What recording a user did to a sign-in.
#[derive(Clone, Debug, PartialEq)]
pub enum Applied {
    /// The same person as before (or the first one known): the sign-in `.0` goes on.
    Same(String),
    /// The server named another person than the one this sign-in was for: it became a new
    /// sign-in `.0`, so everything built for the previous person ends (pure rule: [`same_person`]).
    NewIdentity(String),
}

impl Applied {
    /// Compares `user` with the person `session` was for, giving it a new id from `mint`
    /// when they differ.
    fn of(session: &mut StoredSession, user: &UserInfo, mint: impl FnOnce() -> String) -> Applied {
        if same_person(session.user.as_ref(), user) {
            Applied::Same(session.session_id.clone())
        } else {
            session.session_id = mint();
            Applied::NewIdentity(session.session_id.clone())
        }
    }
}

/// Whether `user` is the person a sign-in was for: the same account id, or nobody known yet (pure).
pub fn same_person(known: Option<&UserInfo>, user: &UserInfo) -> bool {
    known.is_none_or(|known| known.user_id == user.user_id)
}

/// Reads a stored session text; anything unreadable or without a token counts as signed out.
pub fn parse(text: Option<&str>) -> Option<StoredSession> {
    text.and_then(|text| super::json::parse::<StoredSession>(text).ok()).filter(|s| !s.access_token.is_empty())
}

/// A fresh id for a new sign-in.
pub fn new_session_id() -> String {
    let part = || format!("{:08x}", (js_sys::Math::random() * f64::from(u32::MAX)) as u32);
    format!("{}{}{}", part(), part(), part())
}

/// In-memory session mirrored to `localStorage` (when the browser allows storage).
pub struct SessionStore {
    storage: Option<Storage>,
    current: RefCell<Option<StoredSession>>,
    /// False after a write that storage refused (full, private mode): storage is then not
    /// the truth, this tab's memory is.
    persisted: Cell<bool>,
}

impl SessionStore {
    /// Loads what is stored in `storage` (a window's `localStorage`).
    pub fn load(storage: Option<Storage>) -> SessionStore {
        let store = SessionStore { storage, current: RefCell::new(None), persisted: Cell::new(true) };
        *store.current.borrow_mut() = store.read();
        store
    }

    fn read(&self) -> Option<StoredSession> {
        parse(self.storage.as_ref().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten()).as_deref())
    }

    /// The session as this tab holds it.
    pub fn get(&self) -> Option<StoredSession> {
        self.current.borrow().clone()
    }

    /// The access token to attach to a request at send time.
    pub fn access_token(&self) -> Option<String> {
        self.current.borrow().as_ref().map(|s| s.access_token.clone())
    }

    /// The id of the sign-in this tab holds.
    pub fn session_id(&self) -> Option<String> {
        self.current.borrow().as_ref().map(|s| s.session_id.clone())
    }

    /// Re-reads `localStorage` (another tab may have written it) and adopts what is there.
    pub fn reload(&self) -> SessionChange {
        let stored = self.read();
        let change = classify(self.current.borrow().as_ref(), stored.as_ref());
        *self.current.borrow_mut() = stored;
        change
    }

    /// Replaces the session and persists it (`None` signs out).
    pub fn set(&self, session: Option<StoredSession>) {
        if let Some(storage) = &self.storage {
            // Storage can be full or disabled (private mode): the in-memory copy still works.
            let written = match (&session, session.as_ref().and_then(super::json::write)) {
                (Some(_), Some(text)) => storage.set_item(STORAGE_KEY, &text).is_ok(),
                (None, _) => storage.remove_item(STORAGE_KEY).is_ok(),
                // A session that cannot be written (no token or id comes near it): nothing
                // stale, perhaps another user's, is left for the other tabs to adopt.
                (Some(_), None) => {
                    let _ = storage.remove_item(STORAGE_KEY);
                    false
                }
            };
            self.persisted.set(written);
        }
        *self.current.borrow_mut() = session;
    }

    /// The sign-in `session_id` as `localStorage` holds it now: another tab may have signed
    /// out since this tab last looked, and its `storage` event may not have arrived yet. This
    /// tab's memory when storage is missing or refused the last write.
    fn held(&self, session_id: &str) -> Option<StoredSession> {
        let session = if self.storage.is_some() && self.persisted.get() { self.read() } else { self.get() };
        session.filter(|s| s.session_id == session_id)
    }

    /// Records who the sign-in `session_id` belongs to (the answer of `/me`). `None`, changing
    /// nothing, when that sign-in is no longer the stored one.
    pub fn apply_user(&self, session_id: &str, user: UserInfo) -> Option<Applied> {
        let mut session = self.held(session_id)?;
        let applied = Applied::of(&mut session, &user, new_session_id);
        session.user = Some(user);
        self.set(Some(session));
        Some(applied)
    }

    /// Applies a refresh answer to the sign-in `session_id`: the access token always, the
    /// refresh token and user only when sent. `None` (and nothing changes) when that sign-in
    /// is no longer the stored one: a late answer never revives a signed-out session.
    pub fn apply_refresh(
        &self,
        session_id: &str,
        access_token: String,
        refresh_token: Option<String>,
        user: Option<UserInfo>,
    ) -> Option<Applied> {
        let mut session = self.held(session_id)?;
        let applied = match &user {
            Some(user) => Applied::of(&mut session, user, new_session_id),
            None => Applied::Same(session.session_id.clone()),
        };
        session.access_token = access_token;
        if let Some(refresh) = refresh_token.filter(|t| !t.is_empty()) {
            session.refresh_token = Some(refresh);
        }
        if user.is_some() {
            session.user = user;
        }
        self.set(Some(session));
        Some(applied)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(id: &str, token: &str) -> StoredSession {
        StoredSession { session_id: id.into(), access_token: token.into(), refresh_token: Some("r".into()), user: None }
    }

    #[test]
    fn changes_are_classified_by_sign_in() {
        let a = session("a", "t1");
        assert_eq!(classify(None, None), SessionChange::Same);
        assert_eq!(classify(None, Some(&a)), SessionChange::SignedIn);
        assert_eq!(classify(Some(&a), None), SessionChange::SignedOut);
        assert_eq!(classify(Some(&a), Some(&a.clone())), SessionChange::Same);
        assert_eq!(classify(Some(&a), Some(&session("a", "t2"))), SessionChange::Refreshed);
        assert_eq!(classify(Some(&a), Some(&session("b", "t1"))), SessionChange::Replaced);
    }

    #[test]
    fn a_different_person_is_a_different_sign_in() {
        let user = |user_id: i64| UserInfo {
            user_id,
            username: format!("u{user_id}"),
            email: None,
            full_name: None,
            is_admin: false,
            role_hierarchy: None,
        };
        assert!(same_person(None, &user(1)), "the first user known for a sign-in is its own");
        assert!(same_person(Some(&user(1)), &user(1)));
        assert!(!same_person(Some(&user(1)), &user(2)));
        let mut held = StoredSession { user: Some(user(1)), ..session("a", "t1") };
        let mint = || "b".to_string();
        assert_eq!(Applied::of(&mut held, &user(1), mint), Applied::Same("a".into()));
        assert_eq!(Applied::of(&mut held, &user(2), mint), Applied::NewIdentity("b".into()));
        assert_eq!(held.session_id, "b");
    }

    #[test]
    fn unreadable_entries_count_as_signed_out() {
        assert_eq!(parse(None), None);
        assert_eq!(parse(Some("{")), None);
        assert_eq!(parse(Some(r#"{"access_token":"","refresh_token":null,"user":null}"#)), None);
        let old = parse(Some(r#"{"access_token":"t","refresh_token":null,"user":null}"#)).unwrap();
        assert_eq!(old.session_id, "", "entries from before session ids still load");
    }
}
