//! `/dashboard/batches/:id`: status, counts and timestamps of one batch.

use crate::api::types::BatchStatusResponse;
use crate::api::ApiError;
use crate::app::Route;
use crate::components::batch_status_badge::BatchStatusBadge;
use crate::components::error_notice::ErrorNotice;
use crate::format;
use crate::hooks::use_api::use_api;
use crate::hooks::use_title::use_title;
use crate::i18n::strings;
use yew::prelude::*;
use yew_router::prelude::*;

/// Props: the batch UUID from the address.
#[derive(Properties, PartialEq)]
pub struct BatchDetailsPageProps {
    pub id: AttrValue,
}

/// One batch's details, from `/status`.
#[component]
pub fn BatchDetailsPage(props: &BatchDetailsPageProps) -> Html {
    let text = strings();
    use_title(text.batch_details_title);
    let client = use_api();
    let result = use_state(|| None::<Result<BatchStatusResponse, ApiError>>);
    let attempt = use_state(|| 0u32);
    {
        let result = result.clone();
        let limit = client.config().sheets_limit;
        use_effect_with((props.id.clone(), *attempt), move |(id, _)| {
            result.set(None);
            let id = id.to_string();
            wasm_bindgen_futures::spawn_local(async move {
                result.set(Some(client.status(&id, false, limit).await));
            });
        });
    }
    let retry = {
        let attempt = attempt.clone();
        Callback::from(move |()| attempt.set(*attempt + 1))
    };
    let body = match &*result {
        None => html! { <p class="page-status" role="status">{ text.loading }</p> },
        Some(Err(err)) => html! { <ErrorNotice message={err.to_string()} on_retry={retry} /> },
        Some(Ok(status)) => {
            let row = |label: &str, value: String| html! { <><dt>{ label.to_string() }</dt><dd>{ value }</dd></> };
            html! {
                <section class="details-card" aria-labelledby="details-heading">
                    <h2 id="details-heading"><BatchStatusBadge status={status.status.clone()} /></h2>
                    <dl class="details-grid">
                        { row(text.col_sheets, status.total_sheets.to_string()) }
                        { row(text.details_processed, status.processed_sheets.to_string()) }
                        { row(text.details_failed_sheets, status.failed_sheets.to_string()) }
                        { row(text.col_uploaded, format::timestamp(status.created_at.as_deref())) }
                        { row(text.details_started, format::timestamp(status.processing_started_at.as_deref())) }
                        { row(text.details_finished, format::timestamp(status.processing_completed_at.as_deref())) }
                    </dl>
                    if let Some(message) = &status.error_message {
                        <div class="error-notice" role="note"><strong>{ text.details_error }</strong><p>{ message.clone() }</p></div>
                    }
                </section>
            }
        }
    };
    html! {
        <>
            <p><Link<Route> to={Route::Batches}>{ text.back_to_batches }</Link<Route>></p>
            <h1>{ text.batch_details_title }</h1>
            <p class="batch-uuid"><code>{ props.id.clone() }</code></p>
            { body }
        </>
    }
}
