//! `BatchList`: the table of one page of batches, sortable by column, each row a real link.

use crate::api::types::BatchListItem;
use crate::components::batch_status_badge::BatchStatusBadge;
use crate::components::delete_batch_button::DeleteBatchButton;
use crate::format;
use crate::i18n::{list_strings, strings};
use crate::list_view::{sorted, Sort, SortKey};
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

/// "09:43:02" style finish time, or the processing duration when both ends are known.
fn finished_cell(item: &BatchListItem) -> String {
    match format::seconds_between(item.created_at.as_deref(), item.completed_at.as_deref()) {
        Some(seconds) => format!("{} ({})", format::timestamp(item.completed_at.as_deref()), format::duration(seconds)),
        None => format::timestamp(item.completed_at.as_deref()),
    }
}

/// The table.
#[component]
pub fn BatchList(props: &BatchListProps) -> Html {
    let text = strings();
    let list = list_strings();
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
    let na = || text.not_available.to_string();
    html! {
        <div class="table-scroll">
            <table class="batch-table">
                <thead>
                    <tr>
                        { header(text.col_file, SortKey::Name, false) }
                        <th scope="col">{ text.col_type }</th>
                        { header(text.col_status, SortKey::Status, false) }
                        { header(text.col_sheets, SortKey::Sheets, true) }
                        { header(text.col_size, SortKey::Size, true) }
                        { header(text.col_uploaded, SortKey::Uploaded, false) }
                        <th scope="col">{ list.col_finished }</th>
                        <th scope="col">{ list.col_notes }</th>
                        if props.is_admin {
                            <th scope="col">{ text.col_uploader }</th>
                            <th scope="col"><span class="visually-hidden">{ list.col_actions }</span></th>
                        }
                    </tr>
                </thead>
                <tbody>
                    { for sorted(&props.items, props.sort).into_iter().map(|batch| {
                        let name = batch.batch_name.clone().unwrap_or_else(|| batch.batch_uuid.clone());
                        html! {
                            <tr key={batch.batch_uuid.clone()} data-uuid={batch.batch_uuid.clone()}>
                                <td class="row-link-cell">
                                    <Link<Route> to={Route::BatchDetails { id: batch.batch_uuid.clone() }} classes="row-link">{ name.clone() }</Link<Route>>
                                </td>
                                <td>{ format::upload_type(batch.upload_type.as_ref()) }</td>
                                <td><BatchStatusBadge status={batch.status.clone()} /></td>
                                <td class="numeric">{ batch.sheet_count.map(|n| n.to_string()).unwrap_or_else(na) }</td>
                                <td class="numeric">{ batch.file_size_bytes.map(format::human_bytes).unwrap_or_else(na) }</td>
                                <td>{ format::timestamp(batch.created_at.as_deref()) }</td>
                                <td>{ finished_cell(&batch) }</td>
                                <td class="notes-cell">{ batch.notes.clone().unwrap_or_default() }</td>
                                if props.is_admin {
                                    <td>{ batch.username.clone().unwrap_or_else(na) }</td>
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

/// Placeholder rows while the first page loads.
#[component]
pub fn BatchListSkeleton() -> Html {
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
