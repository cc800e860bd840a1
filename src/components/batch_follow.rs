//! `BatchFollow`: under a finished upload, the batch's processing followed to its result with
//! the same polling hook as the details page (one request at a time, paused while hidden,
//! ended at completed or failed), with the later backend's actions on it (cancel, rescue).

use crate::api::later::ActionOutcome;
use crate::api::types::BatchStatus;
use crate::components::batch_actions::BatchActions;
use crate::components::batch_status_badge::batch_status_badge;
use crate::components::server_message::server_message;
use crate::hooks::use_api::use_api;
use crate::hooks::use_batch_progress::use_batch_progress;
use crate::hooks::use_locale::use_locale;
use crate::i18n;
use yew::prelude::*;

/// Props: the batch the upload made, and the upload's name.
#[derive(Properties, PartialEq)]
pub struct BatchFollowProps {
    pub batch_uuid: AttrValue,
    pub name: AttrValue,
}

/// The processing line of a queue row.
#[component]
pub fn BatchFollow(props: &BatchFollowProps) -> Html {
    let client = use_api();
    let locale = use_locale();
    let progress = use_batch_progress(&props.batch_uuid, client.config().poll_interval_ms);
    let reason = use_state(|| None::<String>);
    // A cancel or rescue made from this row, said under it.
    let outcome = use_state(|| None::<ActionOutcome>);
    let failed = progress.latest.as_ref().is_some_and(|p| p.status == BatchStatus::Failed);
    {
        // /progress carries no reason: ask /status once when the batch failed.
        let (reason, uuid) = (reason.clone(), props.batch_uuid.to_string());
        use_effect_with(failed, move |failed| {
            if *failed {
                wasm_bindgen_futures::spawn_local(async move {
                    if let Ok(status) = client.status(&uuid, false, 1).await {
                        reason.set(status.error_message);
                    }
                });
            }
        });
    }
    let Some(latest) = &progress.latest else { return Html::default() };
    let line = match (&latest.status, reason.as_ref()) {
        (BatchStatus::Completed, _) => {
            html! { { i18n::follow_completed(locale, latest.processed_count, latest.failed_count) } }
        }
        // The server's reason, in the user's language when known.
        (BatchStatus::Failed, Some(reason)) => html! { <>{ "✗ " }{ server_message(locale, reason) }</> },
        (BatchStatus::Failed, None) => html! { { format!("✗ {}", locale.upload().follow_failed) } },
        _ => html! { { i18n::progress_counts(locale, latest) } },
    };
    let on_outcome = {
        let outcome = outcome.clone();
        Callback::from(move |done| outcome.set(Some(done)))
    };
    html! {
        <>
            <p class="upload-follow" role="status" aria-live="polite" data-status={latest.status.as_str().to_string()}>
                { batch_status_badge(locale, &latest.status) }{ " " }{ line }
            </p>
            <BatchActions batch_uuid={props.batch_uuid.clone()} name={props.name.clone()} status={latest.status.clone()}
                done={latest.processed_count} total={latest.sheet_count} on_outcome={on_outcome} />
            if let Some(done) = &*outcome {
                <p class="upload-message" role="status" data-testid="action-outcome">{ i18n::action_outcome(locale, done) }</p>
            }
        </>
    }
}
