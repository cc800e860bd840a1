//! `BatchActions`: the later backend's actions on one batch, offered only where the server
//! has them (`ApiClient::features`): cancel processing (with a question naming the file and
//! the sheets done), and rescue the cached results of a failed or stuck batch.

use crate::api::endpoints::server_wall_clock;
use crate::api::later::{can_cancel, may_be_rescued, ActionOutcome, Features, Recoverable};
use crate::api::types::{BatchStatus, NaiveTimestamp};
use crate::api::{ApiClient, ApiError};
use crate::components::confirm_dialog::ConfirmDialog;
use crate::hooks::use_api::use_api;
use crate::hooks::use_locale::use_locale;
use crate::i18n;
use crate::wall_clock;
use yew::prelude::*;

/// Props: the batch as the page knows it, and where outcomes go.
#[derive(Properties, PartialEq)]
pub struct BatchActionsProps {
    pub batch_uuid: AttrValue,
    pub name: AttrValue,
    pub status: BatchStatus,
    /// Sheets processed so far, and in all (the cancel question names them).
    pub done: u64,
    pub total: u64,
    /// `processing_started_at` as the server wrote it.
    #[prop_or_default]
    pub started_at: Option<AttrValue>,
    /// How an action ended; the page says it and reloads the batch.
    pub on_outcome: Callback<ActionOutcome>,
}

/// What a cancel the server did not take means: the batch may have finished meanwhile.
async fn refused_cancel(client: &ApiClient, uuid: &str, error: ApiError) -> ActionOutcome {
    match client.status(uuid, false, 1).await {
        Ok(details) if details.status.is_terminal() => ActionOutcome::CancelTooLate,
        _ => ActionOutcome::Failed(error),
    }
}

/// Cancel and rescue buttons, each shown only when the server offers it and it applies.
#[component]
pub fn BatchActions(props: &BatchActionsProps) -> Html {
    let locale = use_locale();
    let text = locale.actions();
    let client = use_api();
    let features = use_state(Features::default);
    let recoverable = use_state(|| None::<Recoverable>);
    let asking = use_state(|| false);
    let busy = use_state(|| false);
    {
        let (features, client) = (features.clone(), client.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move { features.set(client.features().await) });
        });
    }
    let started = props.started_at.as_deref().and_then(NaiveTimestamp::parse);
    let now = server_wall_clock(wall_clock::now_ms());
    let rescue_applies = features.rescue && may_be_rescued(&props.status, started.as_ref(), &now);
    {
        // Asked again whenever the status moves; a refusal (403: not this user's to rescue)
        // or any failure leaves the action away, as the earlier client did.
        let (recoverable, client, uuid) = (recoverable.clone(), client.clone(), props.batch_uuid.to_string());
        use_effect_with((rescue_applies, props.status.clone()), move |(applies, _)| {
            if *applies {
                wasm_bindgen_futures::spawn_local(async move {
                    recoverable.set(client.recoverable(&uuid).await.ok().filter(|r| r.is_recoverable));
                });
            } else {
                recoverable.set(None);
            }
        });
    }
    let confirm_cancel = {
        let (client, busy, asking, on_outcome) =
            (client.clone(), busy.clone(), asking.clone(), props.on_outcome.clone());
        let uuid = props.batch_uuid.to_string();
        Callback::from(move |()| {
            if *busy {
                return; // A second click while cancelling does nothing.
            }
            busy.set(true);
            let (client, busy, asking, on_outcome, uuid) =
                (client.clone(), busy.clone(), asking.clone(), on_outcome.clone(), uuid.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let outcome = match client.cancel_processing(&uuid).await {
                    Ok(answer) if answer.success => ActionOutcome::CancelRequested,
                    Ok(answer) => {
                        let reason = answer.message.unwrap_or_default();
                        refused_cancel(&client, &uuid, ApiError::Rejected { status: 200, message: reason }).await
                    }
                    Err(error @ ApiError::NotFound(_)) => ActionOutcome::Failed(error),
                    Err(error) => refused_cancel(&client, &uuid, error).await,
                };
                busy.set(false);
                asking.set(false);
                on_outcome.emit(outcome);
            });
        })
    };
    let rescue = {
        let (client, busy, recoverable, on_outcome) =
            (client.clone(), busy.clone(), recoverable.clone(), props.on_outcome.clone());
        let uuid = props.batch_uuid.to_string();
        Callback::from(move |_: MouseEvent| {
            if *busy {
                return;
            }
            busy.set(true);
            let (client, busy, recoverable, on_outcome, uuid) =
                (client.clone(), busy.clone(), recoverable.clone(), on_outcome.clone(), uuid.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let outcome = match client.recover(&uuid).await {
                    Ok(r) if r.success && r.sheets_recovered > 0 => {
                        ActionOutcome::Rescued { sheets: r.sheets_recovered, answers: r.answers_recovered }
                    }
                    Ok(_) => ActionOutcome::NothingToRescue,
                    Err(error) => ActionOutcome::Failed(error),
                };
                busy.set(false);
                // Whatever happened, the rescue is asked about afresh with the batch.
                recoverable.set(None);
                on_outcome.emit(outcome);
            });
        })
    };
    let cancel_applies = features.cancel && can_cancel(&props.status);
    if !cancel_applies && recoverable.is_none() {
        return Html::default();
    }
    let open = {
        let asking = asking.clone();
        Callback::from(move |_: MouseEvent| asking.set(true))
    };
    let close = {
        let asking = asking.clone();
        Callback::from(move |()| asking.set(false))
    };
    html! {
        <div class="batch-actions">
            if cancel_applies {
                <button type="button" class="button" data-testid="cancel-processing" onclick={open} disabled={*busy}
                    aria-haspopup="dialog">{ text.cancel_processing }</button>
            }
            if let Some(found) = &*recoverable {
                <button type="button" class="button button-primary" data-testid="rescue-results" onclick={rescue}
                    disabled={*busy} aria-busy={busy.to_string()}>
                    { if *busy { text.rescuing.to_string() } else { i18n::rescue_button(locale, found.recoverable_sheets_count, found.total_sheets_count) } }
                </button>
            }
            if *asking {
                <ConfirmDialog title={text.cancel_title} confirm_label={if *busy { text.cancelling } else { text.cancel_confirm }}
                    message={i18n::cancel_question(locale, &props.name, props.done, props.total)} busy={*busy}
                    on_confirm={confirm_cancel} on_cancel={close} />
            }
        </div>
    }
}
