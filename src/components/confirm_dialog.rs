//! `ConfirmDialog`: a modal question (role=dialog): focus moves into it, Tab stays inside,
//! Escape and Cancel close it.

use crate::hooks::use_locale::use_locale;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Props of the dialog.
#[derive(Properties, PartialEq)]
pub struct ConfirmDialogProps {
    pub title: AttrValue,
    pub message: AttrValue,
    pub confirm_label: AttrValue,
    #[prop_or_default]
    pub busy: bool,
    /// The server's reason when the action failed.
    #[prop_or_default]
    pub error: Option<AttrValue>,
    pub on_confirm: Callback<()>,
    pub on_cancel: Callback<()>,
}

/// Shown while mounted; the parent mounts it to open it.
#[component]
pub fn ConfirmDialog(props: &ConfirmDialogProps) -> Html {
    let text = use_locale().list();
    let cancel_ref = use_node_ref();
    let confirm_ref = use_node_ref();
    // Cancel gets the focus: the safe choice for a destructive question.
    {
        let cancel_ref = cancel_ref.clone();
        use_effect_with((), move |_| {
            if let Some(button) = cancel_ref.cast::<web_sys::HtmlElement>() {
                let _ = button.focus();
            }
        });
    }
    let onkeydown = {
        let (on_cancel, cancel_ref, confirm_ref, busy) =
            (props.on_cancel.clone(), cancel_ref.clone(), confirm_ref.clone(), props.busy);
        Callback::from(move |event: KeyboardEvent| match event.key().as_str() {
            "Escape" if !busy => {
                event.prevent_default();
                on_cancel.emit(());
            }
            "Tab" => {
                // Two buttons: Tab and Shift+Tab move between them and never leave the dialog.
                let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
                let on_cancel_button = active
                    .as_ref()
                    .zip(cancel_ref.get())
                    .is_some_and(|(a, c)| a == c.unchecked_ref::<web_sys::Element>());
                let target = if on_cancel_button { &confirm_ref } else { &cancel_ref };
                if let Some(button) = target.cast::<web_sys::HtmlElement>() {
                    event.prevent_default();
                    let _ = button.focus();
                }
            }
            _ => {}
        })
    };
    let confirm = props.on_confirm.clone();
    let cancel = props.on_cancel.clone();
    html! {
        <div class="dialog-backdrop">
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="confirm-title" aria-describedby="confirm-message" onkeydown={onkeydown}>
                <h2 id="confirm-title">{ props.title.clone() }</h2>
                <p id="confirm-message">{ props.message.clone() }</p>
                if let Some(error) = &props.error {
                    <p class="form-error" role="alert">{ error.clone() }</p>
                }
                <div class="dialog-actions">
                    <button type="button" class="button" ref={cancel_ref} disabled={props.busy}
                        onclick={Callback::from(move |_: MouseEvent| cancel.emit(()))}>{ text.cancel }</button>
                    <button type="button" class="button button-danger" ref={confirm_ref} disabled={props.busy} aria-busy={props.busy.to_string()}
                        onclick={Callback::from(move |_: MouseEvent| confirm.emit(()))}>
                        { if props.busy { AttrValue::from(text.deleting) } else { props.confirm_label.clone() } }
                    </button>
                </div>
            </div>
        </div>
    }
}
