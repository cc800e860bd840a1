//! `SessionProvider`: provides the API client and the session to everything below it.

use crate::api::ApiClient;
use crate::hooks::use_session::{SessionContext, SessionState};
use yew::prelude::*;

/// Props: the client made at start-up, and the app inside.
#[derive(Properties, PartialEq)]
pub struct SessionProviderProps {
    pub client: ApiClient,
    #[prop_or_default]
    pub children: Html,
}

/// Starts from the stored session (so a reload renders at once), then checks it with
/// `/api/auth/me`, which also refreshes an expired access token.
#[component]
pub fn SessionProvider(props: &SessionProviderProps) -> Html {
    let client = props.client.clone();
    let state = use_reducer({
        let client = client.clone();
        move || {
            let stored = client.session();
            SessionState {
                user: stored.as_ref().and_then(|s| s.user.clone()),
                expired: false,
                session_id: stored.map(|s| s.session_id),
            }
        }
    });
    {
        let dispatcher = state.dispatcher();
        use_effect_with(client.clone(), move |client| {
            client.set_listener(Some(Callback::from(move |event| dispatcher.dispatch(event))));
            if client.session().is_some() {
                let client = client.clone();
                // Failures are reported through the listener (expired) or are transient
                // (offline): the cached user stays until the next request decides.
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = client.me().await;
                });
            }
            let client = client.clone();
            move || client.set_listener(None)
        });
    }
    let session: SessionContext = state;
    html! {
        <ContextProvider<ApiClient> context={client}>
            <ContextProvider<SessionContext> context={session}>
                { props.children.clone() }
            </ContextProvider<SessionContext>>
        </ContextProvider<ApiClient>>
    }
}
