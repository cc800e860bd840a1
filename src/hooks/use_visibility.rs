//! `use_visibility`: whether the tab is visible, following `visibilitychange`.

use crate::dom_listener::DomListener;
use web_sys::VisibilityState;
use yew::prelude::*;

fn is_visible() -> bool {
    web_sys::window().and_then(|w| w.document()).is_none_or(|d| d.visibility_state() == VisibilityState::Visible)
}

/// True while the page is visible.
#[hook]
pub fn use_visibility() -> bool {
    let visible = use_state(is_visible);
    {
        let visible = visible.clone();
        use_effect_with((), move |_| {
            let document = web_sys::window().and_then(|w| w.document());
            let listener =
                document.map(|d| DomListener::new(&d, "visibilitychange", move |_| visible.set(is_visible())));
            move || drop(listener)
        });
    }
    *visible
}
