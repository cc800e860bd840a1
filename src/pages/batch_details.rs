//! `/dashboard/batches/:id`: live progress (polling + event stream), details, timeline,
//! activity log and sheets of one batch. A malformed, unknown or forbidden id gets its own
//! message and a way back.

use crate::api::types::BatchStatusResponse;
use crate::api::ApiError;
use crate::batch_cache::{self, BatchFacts};
use crate::components::activity_log::ActivityLog;
use crate::components::batch_details_card::BatchDetailsCard;
use crate::components::batch_progress_bar::BatchProgressBar;
use crate::components::delete_batch_button::DeleteBatchButton;
use crate::components::sheet_list::SheetList;
use crate::hooks::use_api::use_api;
use crate::hooks::use_batch_progress::use_batch_progress;
use crate::hooks::use_batch_stream::{use_batch_stream, Connection};
use crate::hooks::use_session::use_session;
use crate::hooks::use_title::use_title;
use crate::i18n::{self, details_strings, strings};
use crate::progress_math::{eta_secs, is_batch_id};
use crate::routes::Route;
use yew::prelude::*;
use yew_router::prelude::*;

/// Props: the batch UUID from the address.
#[derive(Properties, PartialEq)]
pub struct BatchDetailsPageProps {
    pub id: AttrValue,
}

/// A full-page explanation with a link back to the list.
fn dead_end(title: &str, body: &str) -> Html {
    html! {
        <div class="dead-end" role="alert">
            <h1>{ title.to_string() }</h1>
            <p>{ body.to_string() }</p>
            <Link<Route> to={Route::Batches} classes="button">{ strings().back_to_batches }</Link<Route>>
        </div>
    }
}

/// Checks the id before anything is requested.
#[component]
pub fn BatchDetailsPage(props: &BatchDetailsPageProps) -> Html {
    let text = details_strings();
    use_title(strings().batch_details_title);
    if !is_batch_id(&props.id) {
        return dead_end(text.bad_id_title, text.bad_id_body);
    }
    html! { <BatchDetails id={props.id.clone()} /> }
}

/// The page for a well-formed id.
#[component]
fn BatchDetails(props: &BatchDetailsPageProps) -> Html {
    let text = details_strings();
    let client = use_api();
    let session = use_session();
    let navigator = use_navigator();
    let id = props.id.to_string();
    let progress = use_batch_progress(&id, client.config().poll_interval_ms);
    // The stream only for running batches: a finished one's log may have expired, and then
    // the stream would send nothing but pings forever (contract §5.6); an unknown status is
    // polled slowly instead.
    let running = progress.latest.as_ref().is_some_and(|p| p.status.is_running());
    let stream = use_batch_stream(&id, running);
    let status = use_state(|| None::<Result<BatchStatusResponse, ApiError>>);
    let facts = use_state(|| batch_cache::recall(&id));
    let phase = progress.latest.as_ref().map(|p| p.status.clone());
    {
        let (status, client, id) = (status.clone(), client.clone(), id.clone());
        let limit = client.config().sheets_limit;
        // Again whenever the status moves (processing_started_at, completed_at, sheets appear).
        use_effect_with(phase.clone(), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                status.set(Some(client.status(&id, true, limit).await));
            });
        });
    }
    {
        let (facts, client, id) = (facts.clone(), client.clone(), id.clone());
        use_effect_with((), move |_| {
            if facts.is_none() {
                // Deep link: the newest 100 batches usually include it.
                wasm_bindgen_futures::spawn_local(async move {
                    if let Ok(page) = client.list_batches(None, 100, 0).await {
                        if let Some(item) = page.batches.iter().find(|b| b.batch_uuid == id) {
                            let found = BatchFacts::from(item);
                            batch_cache::remember(&id, found.clone());
                            facts.set(Some(found));
                        }
                    }
                });
            }
        });
    }
    let failure = match (&progress.latest, &progress.error, &*status) {
        (None, Some(error), _) | (_, _, Some(Err(error))) => Some(error.clone()),
        _ => None,
    };
    match failure {
        Some(ApiError::NotFound(detail)) => return dead_end(text.not_found_title, &detail),
        Some(ApiError::Forbidden(detail)) => return dead_end(text.forbidden_title, &detail),
        _ => {}
    }
    let live = match &stream.connection {
        Connection::Connecting => Some(text.live_connecting.to_string()),
        Connection::Live => Some(text.live_on.to_string()),
        Connection::Reconnecting { delay_ms, reason } => Some(i18n::reconnecting(*delay_ms, reason)),
        Connection::Unavailable(reason) => Some(format!("{} ({reason})", text.live_unavailable)),
        Connection::Idle | Connection::Finished => None,
    };
    let name = facts.as_ref().and_then(|f| f.name.clone()).unwrap_or_else(|| id.clone());
    let on_deleted = Callback::from(move |_| {
        if let Some(navigator) = &navigator {
            navigator.push(&Route::Batches);
        }
    });
    html! {
        <>
            <p><Link<Route> to={Route::Batches}>{ strings().back_to_batches }</Link<Route>></p>
            <div class="list-toolbar">
                <h1>{ name.clone() }</h1>
                if session.is_admin() {
                    if let Some(current) = &phase {
                        <DeleteBatchButton batch_uuid={id.clone()} name={name} status={current.clone()} on_deleted={on_deleted} />
                    }
                }
            </div>
            <p class="batch-uuid"><code>{ id.clone() }</code></p>
            if let Some(error) = &failure {
                <div class="error-notice" role="alert"><p>{ error.to_string() }</p></div>
            }
            if let Some(live) = live {
                <p class="live-status" role="status">{ live }</p>
            }
            if let Some(latest) = &progress.latest {
                <BatchProgressBar progress={latest.clone()} latest_event={stream.latest().cloned()}
                    eta_secs={eta_secs(&progress.samples, latest.sheet_count)} />
            } else {
                <p class="page-status" role="status">{ strings().loading }</p>
            }
            if let Some(Ok(details)) = &*status {
                <BatchDetailsCard status={details.clone()} facts={(*facts).clone()} duplicate_warning={stream.duplicate_warning.clone().map(AttrValue::from)} />
            }
            <ActivityLog events={stream.log.clone()} />
            if let Some(Ok(details)) = &*status {
                <SheetList sheets={details.sheets.clone().unwrap_or_default()} />
            }
        </>
    }
}
