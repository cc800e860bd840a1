//! `/dashboard/batches`: the upload form and queue above the filterable, paginated list.
//! Filters and page live in the address (`?status=&page=&name=&uploader=`), so reloads, links
//! and the back button keep the view. A server that ignores the text filters (contract §5.9.8)
//! is told from its rows: the page says so and shows only the rows that match.

use crate::api::endpoints::ListFilter;
use crate::api::types::{BatchListResponse, BatchStatus};
use crate::api::ApiError;
use crate::batch_cache::{self, BatchFacts};
use crate::components::batch_list::{batch_list_skeleton, BatchList};
use crate::components::batch_list_export::BatchListExport;
use crate::components::batch_upload_form::BatchUploadForm;
use crate::components::error_notice::error_notice;
use crate::components::list_text_filters::{ListTextFilters, TextFilters};
use crate::components::pagination::{pagination, PageAt};
use crate::components::status_filter::status_filter;
use crate::components::unfinished_uploads::UnfinishedUploads;
use crate::components::upload_queue::UploadQueue;
use crate::hooks::use_api::use_api;
use crate::hooks::use_interval::use_interval;
use crate::hooks::use_locale::use_locale;
use crate::hooks::use_session::use_session;
use crate::hooks::use_title::use_title;
use crate::hooks::use_uploads::use_uploads;
use crate::hooks::use_visibility::use_visibility;
use crate::i18n;
use crate::list_filter::narrowed;
use crate::list_view::{clamp_page, has_unfinished, offset_of, ListQuery, Sort, SortKey, PAGE_SIZE};
use crate::routes::Route;
use std::cell::Cell;
use std::rc::Rc;
use yew::prelude::*;
use yew_router::prelude::*;
use yew_router::query::Raw;

/// The batch list page.
#[component]
pub fn BatchesPage() -> Html {
    let locale = use_locale();
    let (text, list_text) = (locale.strings(), locale.list());
    let uploads = use_uploads();
    use_title(&i18n::batches_title(locale, &uploads.state.progress()));
    let client = use_api();
    let session = use_session();
    let navigator = use_navigator();
    let query = use_location().map(|l| ListQuery::parse(l.query_str())).unwrap_or_default();
    let mut filter = query.filter();
    // The uploader filter is an admin's (staff see only their own batches).
    if !session.is_admin() {
        filter.username.clear();
    }
    let (status, page) = (filter.status.clone(), query.page());
    let data = use_state(|| None::<Result<BatchListResponse, ApiError>>);
    // The filters the shown answer was asked with: rows still shown while the next answer is on
    // its way are not checked against filters they were not asked with.
    let answered_for = use_mut_ref(ListFilter::default);
    let refresh = use_state(|| 0u32);
    let sort = use_state(|| None::<Sort>);
    // The name of the batch just deleted, for the confirmation.
    let deleted = use_state(|| None::<String>);
    let notice_ref = use_node_ref();
    // A finished upload adds a batch: reload when one completes.
    let uploads_done = uploads.state.completed;

    {
        let (data, answered_for, client, navigator) =
            (data.clone(), answered_for.clone(), client.clone(), navigator.clone());
        use_effect_with((filter.clone(), page, *refresh, uploads_done), move |(filter, page, _, _)| {
            // A late answer for a filter or page the user already left is dropped.
            let stale = Rc::new(Cell::new(false));
            let (filter, page, guard) = (filter.clone(), *page, stale.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = client.list_batches_matching(&filter, PAGE_SIZE as u32, offset_of(page)).await;
                if guard.get() {
                    return;
                }
                if let Ok(list) = &result {
                    if let (true, Some(last), Some(navigator)) =
                        (list.batches.is_empty(), clamp_page(page, list.total), navigator)
                    {
                        // Beyond the end (deletions, an edited address): show the last page.
                        let _ = navigator
                            .replace_with_query(&Route::Batches, Raw(ListQuery::new(&filter, last).to_query()));
                        return;
                    }
                }
                if let Ok(list) = &result {
                    for item in &list.batches {
                        batch_cache::remember(&item.batch_uuid, BatchFacts::from(item));
                    }
                }
                *answered_for.borrow_mut() = filter;
                data.set(Some(result));
            });
            move || stale.set(true)
        });
    }
    let unfinished = matches!(&*data, Some(Ok(list)) if has_unfinished(&list.batches));
    // A tab left open overnight in the background asks nothing until it is looked at again.
    let visible = use_visibility();
    {
        let refresh = refresh.clone();
        use_interval(
            move || refresh.set(*refresh + 1),
            (unfinished && visible).then_some(client.config().list_refresh_ms),
        );
    }

    let go = {
        let navigator = navigator.clone();
        move |filter: &ListFilter, page: u64| {
            if let Some(navigator) = &navigator {
                let _ = navigator.push_with_query(&Route::Batches, Raw(ListQuery::new(filter, page).to_query()));
            }
        }
    };
    // Any filter change goes back to page 1.
    let on_filter = {
        let (go, filter) = (go.clone(), filter.clone());
        Callback::from(move |status: Option<BatchStatus>| go(&ListFilter { status, ..filter.clone() }, 1))
    };
    let on_text = {
        let (go, status) = (go.clone(), status.clone());
        Callback::from(move |typed: TextFilters| {
            go(&ListFilter { status: status.clone(), batch_name: typed.name, username: typed.uploader }, 1)
        })
    };
    let on_page = {
        let filter = filter.clone();
        Callback::from(move |page: u64| go(&filter, page))
    };
    let on_sort = {
        let sort = sort.clone();
        Callback::from(move |key: SortKey| sort.set(Some(Sort::toggled(*sort, key))))
    };
    let on_deleted = {
        let (data, deleted, notice_ref, refresh) = (data.clone(), deleted.clone(), notice_ref.clone(), refresh.clone());
        Callback::from(move |uuid: String| {
            if let Some(Ok(list)) = &*data {
                let mut list = list.clone();
                let name = list
                    .batches
                    .iter()
                    .find(|b| b.batch_uuid == uuid)
                    .and_then(|b| b.batch_name.clone())
                    .unwrap_or_else(|| uuid.clone());
                list.batches.retain(|b| b.batch_uuid != uuid);
                list.total = list.total.saturating_sub(1);
                data.set(Some(Ok(list)));
                deleted.set(Some(name));
                // The deleted row's button is gone: the confirmation takes the focus.
                if let Some(element) = notice_ref.cast::<web_sys::HtmlElement>() {
                    let _ = element.focus();
                }
            }
            refresh.set(*refresh + 1);
        })
    };
    let retry = {
        let (data, refresh) = (data.clone(), refresh.clone());
        Callback::from(move |()| {
            data.set(None);
            refresh.set(*refresh + 1);
        })
    };

    let body = match &*data {
        None => html! { <><p class="visually-hidden" role="status">{ text.loading }</p>{ batch_list_skeleton() }</> },
        Some(Err(err)) => error_notice(locale, i18n::api_error(locale, err), Some(retry)),
        Some(Ok(list)) if list.batches.is_empty() => {
            let message = match (&status, filter.batch_name.is_empty() && filter.username.is_empty()) {
                (_, false) => list_text.none_matching,
                (Some(_), true) => list_text.none_with_status,
                (None, true) => text.no_batches,
            };
            html! { <p class="empty-state">{ message }</p> }
        }
        Some(Ok(list)) => {
            // Paging counts the server's rows: with filters it ignored, they are this page's.
            let (rows, ignored) = narrowed(&answered_for.borrow(), &list.batches);
            html! {
                <>
                    if let Some(note) = i18n::filters_ignored(locale, ignored) {
                        <p class="hint" role="note" data-testid="filters-ignored">{ note }</p>
                    }
                    if list.skipped > 0 {
                        <p class="hint" role="note" data-testid="rows-skipped">{ i18n::rows_skipped(locale, list.skipped) }</p>
                    }
                    if rows.is_empty() {
                        <p class="empty-state">{ list_text.none_matching_on_page }</p>
                    } else {
                        <BatchList items={rows} is_admin={session.is_admin()} sort={*sort} on_sort={on_sort} on_deleted={on_deleted} />
                    }
                    { pagination(locale, PageAt { page, rows: list.batches.len() as u64, total: list.total }, on_page) }
                </>
            }
        }
    };
    html! {
        <>
            <h1>{ text.batches_title }</h1>
            <BatchUploadForm />
            <UnfinishedUploads />
            <UploadQueue />
            <section class="batch-list-section" aria-labelledby="batch-list-title">
                <div class="list-toolbar">
                    <h2 id="batch-list-title">{ text.batches_title }</h2>
                    { status_filter(locale, status.as_ref(), on_filter) }
                    <ListTextFilters applied={TextFilters { name: filter.batch_name.clone(), uploader: filter.username.clone() }}
                        show_uploader={session.is_admin()} on_apply={on_text} />
                    <BatchListExport filter={filter.clone()} />
                </div>
                <p class="hint">{ list_text.server_order_note }
                    if unfinished { { " " }{ list_text.auto_refresh_note } }
                </p>
                <p class="form-notice" role="status" tabindex="-1" ref={notice_ref} hidden={deleted.is_none()}>
                    { deleted.as_deref().map(|name| i18n::deleted(locale, name)).unwrap_or_default() }
                </p>
                { body }
            </section>
        </>
    }
}
