//! `SheetList`: the batch's sheets from `/status?include_sheets=true`, with a failed-only filter.

use crate::api::types::{SheetItem, SheetRows, SheetStatus};
use crate::components::server_message::server_message;
use crate::hooks::use_locale::use_locale;
use crate::i18n;
use yew::prelude::*;

/// Props: the sheets the server returned (and how many could not be read), how many the
/// batch has, and the way to ask for more while some are not shown.
#[derive(Properties, PartialEq)]
pub struct SheetListProps {
    pub sheets: SheetRows,
    pub total: u64,
    #[prop_or_default]
    pub on_more: Option<Callback<()>>,
}

/// The sheets in the order shown: failed ones first, each group in the server's order (pure).
pub fn failed_first(rows: &[SheetItem]) -> Vec<&SheetItem> {
    let (failed, others): (Vec<&SheetItem>, Vec<&SheetItem>) = rows.iter().partition(|s| s.is_failed());
    failed.into_iter().chain(others).collect()
}

/// The sheet table.
#[component]
pub fn SheetList(props: &SheetListProps) -> Html {
    let locale = use_locale();
    let text = locale.details();
    let failed_only = use_state(|| false);
    let toggle = {
        let failed_only = failed_only.clone();
        Callback::from(move |_: Event| failed_only.set(!*failed_only))
    };
    let shown: Vec<&SheetItem> =
        failed_first(&props.sheets.rows).into_iter().filter(|s| !*failed_only || s.is_failed()).collect();
    let loaded = props.sheets.rows.len() as u64;
    let na = || locale.strings().not_available.to_string();
    html! {
        <section class="sheet-list" aria-labelledby="sheets-heading">
            <div class="list-toolbar">
                <h2 id="sheets-heading">{ i18n::sheets_heading(locale, loaded, props.total) }</h2>
                <label class="checkbox"><input type="checkbox" id="failed-only" checked={*failed_only} onchange={toggle} />{ text.failed_only }</label>
            </div>
            if props.sheets.skipped > 0 {
                <p class="hint" role="note" data-testid="rows-skipped">{ i18n::rows_skipped(locale, props.sheets.skipped) }</p>
            }
            if shown.is_empty() {
                <p class="hint">{ text.no_sheets }</p>
            } else {
                <div class="table-scroll" tabindex="0" role="group" aria-labelledby="sheets-heading">
                    <table class="batch-table">
                        <thead><tr>
                            <th scope="col" class="numeric">{ text.col_sheet }</th>
                            <th scope="col">{ text.col_image }</th>
                            <th scope="col">{ locale.strings().col_status }</th>
                            <th scope="col">{ text.col_error }</th>
                        </tr></thead>
                        <tbody>
                            { for shown.iter().map(|sheet| html! {
                                <tr class="sheet-row" data-status={sheet.status.clone().unwrap_or_default()}>
                                    <td class="numeric">{ sheet.sequence_number.or(sheet.sheet_number).map(|n| n.to_string()).unwrap_or_else(na) }</td>
                                    <td class="path-cell" title={sheet.image_path.clone()}><bdi>{ sheet.image_path.clone().unwrap_or_else(na) }</bdi></td>
                                    <td>{ sheet.status.as_deref().map(|s| i18n::sheet_status(locale, &SheetStatus::parse(s))).unwrap_or_else(na) }</td>
                                    <td class="notes-cell">
                                        if let Some(error) = &sheet.error_message { { server_message(locale, error) } }
                                    </td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            }
            if let Some(on_more) = props.on_more.clone().filter(|_| loaded < props.total) {
                <button type="button" class="button" data-testid="more-sheets"
                    onclick={Callback::from(move |_: MouseEvent| on_more.emit(()))}>{ text.more_sheets }</button>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(n: i64, status: &str) -> SheetItem {
        SheetItem {
            sheet_uuid: None,
            sequence_number: Some(n),
            sheet_number: None,
            status: Some(status.into()),
            error_message: None,
            image_path: None,
            processing_time_ms: None,
        }
    }

    #[test]
    fn failed_sheets_come_first_in_server_order() {
        let rows = [sheet(1, "completed"), sheet(2, "failed"), sheet(3, "completed"), sheet(4, "failed")];
        let order: Vec<i64> = failed_first(&rows).iter().filter_map(|s| s.sequence_number).collect();
        assert_eq!(order, [2, 4, 1, 3]);
    }
}
