//! `/dashboard/batches`: the newest batches visible to the user.

use crate::api::types::BatchListResponse;
use crate::api::ApiError;
use crate::app::Route;
use crate::components::batch_status_badge::BatchStatusBadge;
use crate::components::batch_upload_form::BatchUploadForm;
use crate::components::error_notice::ErrorNotice;
use crate::components::upload_queue::UploadQueue;
use crate::format;
use crate::hooks::use_api::use_api;
use crate::hooks::use_session::use_session;
use crate::hooks::use_title::use_title;
use crate::hooks::use_uploads::use_uploads;
use crate::i18n::strings;
use yew::prelude::*;
use yew_router::prelude::*;

/// Batches shown on one page (the server's default and the list issue's page size).
pub const PAGE_SIZE: u32 = 50;

/// The batch list page.
#[component]
pub fn BatchesPage() -> Html {
    let text = strings();
    use_title(text.batches_title);
    let client = use_api();
    let session = use_session();
    let result = use_state(|| None::<Result<BatchListResponse, ApiError>>);
    let attempt = use_state(|| 0u32);
    // A finished upload adds a batch: reload the list when one completes.
    let uploads_done = use_uploads().state.completed;
    {
        let result = result.clone();
        use_effect_with((*attempt, uploads_done), move |_| {
            result.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                result.set(Some(client.list_batches(None, PAGE_SIZE, 0).await));
            });
        });
    }
    let retry = {
        let attempt = attempt.clone();
        Callback::from(move |()| attempt.set(*attempt + 1))
    };
    let is_admin = session.is_admin();
    let body = match &*result {
        None => html! { <p class="page-status" role="status">{ text.loading }</p> },
        Some(Err(err)) => html! { <ErrorNotice message={err.to_string()} on_retry={retry} /> },
        Some(Ok(page)) if page.batches.is_empty() => html! { <p class="empty-state">{ text.no_batches }</p> },
        Some(Ok(page)) => html! {
            <div class="table-scroll">
                <table class="batch-table">
                    <thead>
                        <tr>
                            <th scope="col">{ text.col_file }</th>
                            <th scope="col">{ text.col_type }</th>
                            <th scope="col">{ text.col_status }</th>
                            <th scope="col" class="numeric">{ text.col_sheets }</th>
                            <th scope="col" class="numeric">{ text.col_size }</th>
                            <th scope="col">{ text.col_uploaded }</th>
                            if is_admin { <th scope="col">{ text.col_uploader }</th> }
                        </tr>
                    </thead>
                    <tbody>
                        { for page.batches.iter().map(|batch| html! {
                            <tr key={batch.batch_uuid.clone()}>
                                <td>
                                    <Link<Route> to={Route::BatchDetails { id: batch.batch_uuid.clone() }}>
                                        { batch.batch_name.clone().unwrap_or_else(|| batch.batch_uuid.clone()) }
                                    </Link<Route>>
                                </td>
                                <td>{ format::upload_type(batch.upload_type.as_ref()) }</td>
                                <td><BatchStatusBadge status={batch.status.clone()} /></td>
                                <td class="numeric">{ batch.sheet_count.map(|n| n.to_string()).unwrap_or_else(|| text.not_available.into()) }</td>
                                <td class="numeric">{ batch.file_size_bytes.map(format::human_bytes).unwrap_or_else(|| text.not_available.into()) }</td>
                                <td>{ format::timestamp(batch.created_at.as_deref()) }</td>
                                if is_admin { <td>{ batch.username.clone().unwrap_or_else(|| text.not_available.into()) }</td> }
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        },
    };
    html! {
        <>
            <h1>{ text.batches_title }</h1>
            <BatchUploadForm />
            <UploadQueue />
            { body }
        </>
    }
}
