//! `use_session`: who is signed in, from the context `SessionProvider` provides.

use crate::api::types::UserInfo;
use crate::api::SessionEvent;
use std::rc::Rc;
use yew::prelude::*;

/// The session as components see it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SessionState {
    /// The signed-in user, from login or `/api/auth/me`.
    pub user: Option<UserInfo>,
    /// True after the session ended against the user's will (the login page says so).
    pub expired: bool,
    /// The sign-in the user belongs to: whatever was started under one ends with it.
    pub session_id: Option<String>,
}

impl SessionState {
    /// Admin-only UI is shown from this flag; the server checks again.
    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.is_admin)
    }
}

impl Reducible for SessionState {
    type Action = SessionEvent;

    fn reduce(self: Rc<Self>, event: SessionEvent) -> Rc<Self> {
        let next = match event {
            SessionEvent::User { session_id, user } => {
                SessionState { user: Some(user), expired: false, session_id: Some(session_id) }
            }
            SessionEvent::Expired => SessionState { user: None, expired: true, session_id: None },
            SessionEvent::SignedOut => SessionState { user: None, expired: false, session_id: None },
        };
        // Same value → same Rc, so nothing re-renders for a no-op.
        if *self == next {
            self
        } else {
            Rc::new(next)
        }
    }
}

/// The context value.
pub type SessionContext = UseReducerHandle<SessionState>;

/// The current session.
#[hook]
pub fn use_session() -> SessionContext {
    use_context::<SessionContext>().expect("use_session needs SessionProvider above it")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(is_admin: bool) -> UserInfo {
        UserInfo { user_id: 1, username: "u".into(), email: None, full_name: None, is_admin, role_hierarchy: None }
    }

    #[test]
    fn events_move_the_session() {
        let state = Rc::new(SessionState::default());
        let signed_in = state.reduce(SessionEvent::User { session_id: "s1".into(), user: user(true) });
        assert!(signed_in.is_admin());
        assert_eq!(signed_in.session_id.as_deref(), Some("s1"));
        let expired = signed_in.reduce(SessionEvent::Expired);
        assert_eq!(*expired, SessionState { user: None, expired: true, session_id: None });
        let out = expired.reduce(SessionEvent::SignedOut);
        assert!(!out.expired && out.user.is_none());
    }

    #[test]
    fn no_op_keeps_the_same_rc() {
        let state = Rc::new(SessionState::default());
        let same = state.clone().reduce(SessionEvent::SignedOut);
        assert!(Rc::ptr_eq(&state, &same));
    }
}
