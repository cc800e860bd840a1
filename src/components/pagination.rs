//! `Pagination`: Previous / Next (disabled at the ends), "Page X of Y", "Showing a–b of N".

use crate::hooks::use_locale::use_locale;
use crate::i18n;
use crate::list_view::{page_count, showing_range};
use yew::prelude::*;

/// Props: where we are and how to move.
#[derive(Properties, PartialEq)]
pub struct PaginationProps {
    pub page: u64,
    pub rows: u64,
    pub total: u64,
    pub on_page: Callback<u64>,
}

/// Page controls under the list.
#[component]
pub fn Pagination(props: &PaginationProps) -> Html {
    let locale = use_locale();
    let text = locale.list();
    let pages = page_count(props.total);
    let go = |page: u64| {
        let on_page = props.on_page.clone();
        Callback::from(move |_: MouseEvent| on_page.emit(page))
    };
    let showing = showing_range(props.page, props.rows, props.total)
        .map(|(first, last)| i18n::showing(locale, first, last, props.total));
    html! {
        <nav class="pagination" aria-label={text.pagination}>
            <button type="button" class="button" disabled={props.page <= 1} onclick={go(props.page.saturating_sub(1).max(1))}>{ text.previous }</button>
            <span class="page-of" aria-current="page">{ i18n::page_of(locale, props.page, pages) }</span>
            <button type="button" class="button" disabled={props.page >= pages} onclick={go(props.page + 1)}>{ text.next }</button>
            if let Some(showing) = showing {
                <span class="showing" role="status">{ showing }</span>
            }
        </nav>
    }
}
