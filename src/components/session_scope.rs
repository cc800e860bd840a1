//! `SessionScope`: everything below it belongs to one sign-in and is built anew for the next.

use crate::hooks::use_session::use_session;
use crate::shell;
use yew::prelude::*;

/// Props: the pages.
#[derive(Properties, PartialEq)]
pub struct SessionScopeProps {
    #[prop_or_default]
    pub children: Html,
}

/// Keys its children on the sign-in: when the signed-in person changes (signed out in another
/// tab, another user signed in, a refresh that names someone else), the pages, forms, picked
/// files and open dialogs of the previous sign-in are dropped, with the requests their
/// effects own, before anything of the new one is shown. The wrapper has `display: contents`,
/// so it adds nothing to the layout.
#[component]
pub fn SessionScope(props: &SessionScopeProps) -> Html {
    let session = use_session();
    // The static shell of index.html goes once the first page has rendered: after this
    // render's effects (the sign-in page reads the shell's form in its own), in a microtask,
    // so before the browser paints and never with both on screen.
    use_effect_with((), |_| wasm_bindgen_futures::spawn_local(async { shell::remove() }));
    let key = session.session_id.clone().unwrap_or_default();
    html! { <div key={key} class="session-scope">{ props.children.clone() }</div> }
}
