//! `BatchList`: the table of one page of batches, sortable by column, each row a real link.
//! Low-value columns ride on second lines (type and notes under the name, the duration under
//! the finish time), so an admin's list fits 1280 px without scrolling sideways.

use crate::api::types::BatchListItem;
use crate::components::batch_status_badge::batch_status_badge;
use crate::components::delete_batch_button::DeleteBatchButton;
use crate::format;
use crate::hooks::use_locale::use_locale;
use crate::i18n;
use crate::intl;
use crate::list_view::{sorted, Sort, SortKey};
use crate::locale::Locale;
use crate::routes::Route;
use yew::prelude::*;
use yew_router::prelude::*;

/// Props: the rows, who is looking, and the sort.
#[derive(Properties, PartialEq)]
pub struct BatchListProps {
    pub items: Vec<BatchListItem>,
    pub is_admin: bool,
    pub sort: Option<Sort>,
    pub on_sort: Callback<SortKey>,
    pub on_deleted: Callback<String>,
}

/// The finish time, and under it how long processing took when both ends are known.
fn finished_cell(l: Locale, item: &BatchListItem) -> Html {
    let finished = i18n::timestamp(l, item.completed_at.as_deref());
    match format::seconds_between(item.created_at.as_deref(), item.completed_at.as_deref()) {
        Some(seconds) => html! {
            <>{ finished }<span class="cell-second-line">{ intl::duration(l, seconds) }</span></>
        },
        None => html! { { finished } },
    }
}

/// The table; below 640 px each row is a card (style.css), its cells named by `data-label`.
#[component]
pub fn BatchList(props: &BatchListProps) -> Html {
    let locale = use_locale();
    let (text, list) = (locale.strings(), locale.list());
    let header = |label: &'static str, key: SortKey, numeric: bool| {
        let active = props.sort.filter(|s| s.key == key);
        let aria_sort = match active {
            Some(Sort { ascending: true, .. }) => "ascending",
            Some(Sort { ascending: false, .. }) => "descending",
            None => "none",
        };
        let indicator = match active {
            Some(Sort { ascending: true, .. }) => "▲",
            Some(Sort { ascending: false, .. }) => "▼",
            None => "",
        };
        let on_sort = props.on_sort.clone();
        html! {
            <th scope="col" aria-sort={aria_sort} class={classes!(numeric.then_some("numeric"))}>
                <button type="button" class="sort-button" data-sort={format!("{key:?}")} onclick={Callback::from(move |_: MouseEvent| on_sort.emit(key))}>
                    { label }<span aria-hidden="true" class="sort-indicator">{ indicator }</span>
                </button>
            </th>
        }
    };
    html! {
        <div class="table-scroll">
            <table class="batch-table batch-cards">
                <thead>
                    <tr>
                        { header(text.col_file, SortKey::Name, false) }
                        { header(text.col_status, SortKey::Status, false) }
                        { header(text.col_sheets, SortKey::Sheets, true) }
                        { header(text.col_size, SortKey::Size, true) }
                        { header(text.col_uploaded, SortKey::Uploaded, false) }
                        <th scope="col">{ list.col_finished }</th>
                        if props.is_admin {
                            <th scope="col">{ text.col_uploader }</th>
                            <th scope="col"><span class="visually-hidden">{ list.col_actions }</span></th>
                        }
                    </tr>
                </thead>
                <tbody>
                    { for sorted(&props.items, props.sort).into_iter().map(|batch| {
                        let name = batch.batch_name.clone().unwrap_or_else(|| batch.batch_uuid.clone());
                        let notes = batch.notes.clone().filter(|n| !n.trim().is_empty());
                        html! {
                            <tr key={batch.batch_uuid.clone()} data-uuid={batch.batch_uuid.clone()}>
                                <td class="row-link-cell" data-label={text.col_file}>
                                    <Link<Route> to={Route::BatchDetails { id: batch.batch_uuid.clone() }} classes="row-link"><bdi>{ name.clone() }</bdi></Link<Route>>
                                    <span class="cell-second-line">{ i18n::upload_type(locale, batch.upload_type.as_ref()) }</span>
                                    if let Some(notes) = notes {
                                        // Notes can be long: one line here, all of it on hover.
                                        <span class="cell-second-line notes-line"><bdi title={notes.clone()}>{ notes }</bdi></span>
                                    }
                                </td>
                                <td data-label={text.col_status}>{ batch_status_badge(locale, &batch.status) }</td>
                                <td class="numeric" data-label={text.col_sheets}>{ i18n::count(locale, batch.sheet_count) }</td>
                                <td class="numeric" data-label={text.col_size}>{ i18n::size(locale, batch.file_size_bytes) }</td>
                                <td data-label={text.col_uploaded}>{ i18n::timestamp(locale, batch.created_at.as_deref()) }</td>
                                <td data-label={list.col_finished}>{ finished_cell(locale, &batch) }</td>
                                if props.is_admin {
                                    <td data-label={text.col_uploader}><bdi>{ batch.username.clone().unwrap_or_else(|| text.not_available.to_string()) }</bdi></td>
                                    <td class="actions-cell">
                                        <DeleteBatchButton batch_uuid={batch.batch_uuid.clone()} name={name} status={batch.status.clone()} on_deleted={props.on_deleted.clone()} />
                                    </td>
                                }
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        </div>
    }
}

/// Placeholder rows while the first page loads (a view function: see `server_message`).
pub fn batch_list_skeleton() -> Html {
    html! {
        <div class="table-scroll" aria-hidden="true">
            <table class="batch-table skeleton">
                <tbody>
                    { for (0..6).map(|_| html! { <tr>{ for (0..6).map(|_| html! { <td><span class="skeleton-bar"></span></td> }) }</tr> }) }
                </tbody>
            </table>
        </div>
    }
}
