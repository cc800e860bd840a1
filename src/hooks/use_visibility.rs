//! `use_visibility`: whether the tab is visible, following `visibilitychange`.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
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
            let listener = Closure::<dyn FnMut()>::new(move || visible.set(is_visible()));
            if let Some(document) = &document {
                // Registration cannot fail on a live document.
                let _ =
                    document.add_event_listener_with_callback("visibilitychange", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(document) = document {
                    let _ = document
                        .remove_event_listener_with_callback("visibilitychange", listener.as_ref().unchecked_ref());
                }
            }
        });
    }
    *visible
}
