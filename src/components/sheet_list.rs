//! `SheetList`: the batch's sheets from `/status?include_sheets=true`, with a failed-only filter.

use crate::api::types::{SheetItem, SheetRows};
use crate::i18n::{self, details_strings, strings};
use yew::prelude::*;

/// Props: the sheets the server returned (and how many could not be read).
#[derive(Properties, PartialEq)]
pub struct SheetListProps {
    pub sheets: SheetRows,
}

/// The sheet table.
#[component]
pub fn SheetList(props: &SheetListProps) -> Html {
    let text = details_strings();
    let failed_only = use_state(|| false);
    let toggle = {
        let failed_only = failed_only.clone();
        Callback::from(move |_: Event| failed_only.set(!*failed_only))
    };
    let shown: Vec<&SheetItem> = props.sheets.rows.iter().filter(|s| !*failed_only || s.is_failed()).collect();
    let na = || strings().not_available.to_string();
    html! {
        <section class="sheet-list" aria-labelledby="sheets-heading">
            <div class="list-toolbar">
                <h2 id="sheets-heading">{ format!("{} ({})", text.sheets, props.sheets.rows.len()) }</h2>
                <label class="checkbox"><input type="checkbox" id="failed-only" checked={*failed_only} onchange={toggle} />{ text.failed_only }</label>
            </div>
            if props.sheets.skipped > 0 {
                <p class="hint" role="note" data-testid="rows-skipped">{ i18n::rows_skipped(props.sheets.skipped) }</p>
            }
            if shown.is_empty() {
                <p class="hint">{ text.no_sheets }</p>
            } else {
                <div class="table-scroll">
                    <table class="batch-table">
                        <thead><tr>
                            <th scope="col" class="numeric">{ text.col_sheet }</th>
                            <th scope="col">{ text.col_image }</th>
                            <th scope="col">{ strings().col_status }</th>
                            <th scope="col">{ text.col_error }</th>
                        </tr></thead>
                        <tbody>
                            { for shown.iter().map(|sheet| html! {
                                <tr class="sheet-row" data-status={sheet.status.clone().unwrap_or_default()}>
                                    <td class="numeric">{ sheet.sequence_number.or(sheet.sheet_number).map(|n| n.to_string()).unwrap_or_else(na) }</td>
                                    <td class="notes-cell">{ sheet.image_path.clone().unwrap_or_else(na) }</td>
                                    <td>{ sheet.status.clone().unwrap_or_else(na) }</td>
                                    <td class="notes-cell">{ sheet.error_message.clone().unwrap_or_default() }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            }
        </section>
    }
}
