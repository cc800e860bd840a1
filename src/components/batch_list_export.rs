//! `BatchListExport`: the batch list under the current filters, every page (100 at a time, by
//! the server's offsets, with a progress note), saved as CSV; the note says how many rows
//! could not be read. From a server that ignores the text filters, only the matching rows.

use crate::api::endpoints::ListFilter;
use crate::download::{save_text, today};
use crate::export::{self, ExportState, SavedRows};
use crate::hooks::use_api::use_api;
use crate::hooks::use_locale::use_locale;
use crate::i18n;
use crate::list_filter::narrowed;
use yew::prelude::*;

/// Props: the filters the list shows.
#[derive(Properties, PartialEq)]
pub struct BatchListExportProps {
    #[prop_or_default]
    pub filter: ListFilter,
}

/// The export button and its note.
#[component]
pub fn BatchListExport(props: &BatchListExportProps) -> Html {
    let client = use_api();
    let locale = use_locale();
    let state = use_state(|| ExportState::Idle);
    let onclick = {
        let (state, filter) = (state.clone(), props.filter.clone());
        Callback::from(move |_: MouseEvent| {
            if matches!(*state, ExportState::Fetching { .. }) {
                return;
            }
            state.set(ExportState::Fetching { fetched: 0, total: 0 });
            let (client, state, filter) = (client.clone(), state.clone(), filter.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let progress = |fetched: u64, total: u64| state.set(ExportState::Fetching { fetched, total });
                let list = match client.read_list(&filter, None, &progress).await {
                    Ok(list) => list,
                    Err(error) => return state.set(ExportState::Failed(error)),
                };
                let stem = match &filter.status {
                    Some(status) => format!("batches-{}", status.as_str()),
                    None => "batches".to_string(),
                };
                let name = export::file_name(&stem, "", &today());
                let (batches, _) = narrowed(&filter, &list.batches);
                if save_text(&name, &export::batches_csv(&batches), "text/csv;charset=utf-8") {
                    let rows = batches.len() as u64;
                    state.set(ExportState::Saved(SavedRows { rows, unreadable: list.skipped, not_given: 0 }));
                } else {
                    state.set(ExportState::Refused);
                }
            });
        })
    };
    let note = i18n::export_note(locale, &state);
    html! {
        <div class="export">
            <button type="button" class="button" data-testid="export-list" onclick={onclick}
                disabled={matches!(*state, ExportState::Fetching { .. })}>{ locale.list().export_csv }</button>
            if let Some(note) = note {
                <span class="hint" role="status" data-testid="export-note">{ note }</span>
            }
        </div>
    }
}
