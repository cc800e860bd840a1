//! `DeleteBatchButton` (admins only): asks first — twice for a batch still in progress —
//! deletes, and reports the server's reason on failure.

use crate::api::types::BatchStatus;
use crate::api::ApiError;
use crate::components::confirm_dialog::ConfirmDialog;
use crate::hooks::use_api::use_api;
use crate::hooks::use_locale::use_locale;
use crate::i18n;
use yew::prelude::*;

/// Props: the batch and what to do once it is gone.
#[derive(Properties, PartialEq)]
pub struct DeleteBatchButtonProps {
    pub batch_uuid: AttrValue,
    pub name: AttrValue,
    pub status: BatchStatus,
    /// Called with the UUID after a 204.
    pub on_deleted: Callback<String>,
}

#[derive(Clone, Copy, PartialEq)]
enum Step {
    Closed,
    Confirm,
    /// Second, explicit confirmation for a batch that is not finished.
    ConfirmUnfinished,
}

/// A Delete button with its confirmation dialog.
#[component]
pub fn DeleteBatchButton(props: &DeleteBatchButtonProps) -> Html {
    let locale = use_locale();
    let text = locale.list();
    let client = use_api();
    let step = use_state(|| Step::Closed);
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let trigger = use_node_ref();
    let close = {
        let (step, error, trigger) = (step.clone(), error.clone(), trigger.clone());
        Callback::from(move |()| {
            step.set(Step::Closed);
            error.set(None);
            // Focus returns to the button that opened the dialog.
            if let Some(button) = trigger.cast::<web_sys::HtmlElement>() {
                let _ = button.focus();
            }
        })
    };
    let confirm = {
        let (step, busy, error, client) = (step.clone(), busy.clone(), error.clone(), client.clone());
        let (uuid, unfinished, on_deleted) =
            (props.batch_uuid.to_string(), !props.status.is_terminal(), props.on_deleted.clone());
        Callback::from(move |()| {
            if *busy {
                return; // A second click while deleting does nothing.
            }
            if *step == Step::Confirm && unfinished {
                step.set(Step::ConfirmUnfinished);
                return;
            }
            busy.set(true);
            error.set(None);
            let (client, busy, error, step, uuid, on_deleted) =
                (client.clone(), busy.clone(), error.clone(), step.clone(), uuid.clone(), on_deleted.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = client.delete_batch(&uuid).await;
                busy.set(false);
                match result {
                    Ok(()) => {
                        step.set(Step::Closed);
                        on_deleted.emit(uuid);
                    }
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    let open = {
        let step = step.clone();
        Callback::from(move |_: MouseEvent| step.set(Step::Confirm))
    };
    let dialog = match *step {
        Step::Closed => None,
        Step::Confirm => Some((i18n::delete_question(locale, &props.name), text.delete_confirm)),
        Step::ConfirmUnfinished => {
            Some((i18n::delete_processing_question(locale, &props.name, &props.status), text.delete_anyway))
        }
    };
    html! {
        <>
            <button type="button" class="button button-quiet button-danger-quiet" ref={trigger} onclick={open}
                aria-label={i18n::delete_named(locale, &props.name)} aria-haspopup="dialog">{ text.delete }</button>
            if let Some((message, label)) = dialog {
                <ConfirmDialog key={format!("{:?}", *step == Step::ConfirmUnfinished)} title={text.delete_title} message={message} confirm_label={label}
                    busy={*busy} error={error.as_ref().map(|e| AttrValue::from(i18n::api_error(locale, e)))} on_confirm={confirm} on_cancel={close} />
            }
        </>
    }
}
