//! `pagination`: Previous / Next (disabled at the ends), "Page X of Y", "Showing a–b of N".
//! A view function, not a component (see `server_message`).

use crate::i18n;
use crate::list_view::{page_count, showing_range};
use crate::locale::Locale;
use yew::prelude::*;

/// Where the list stands: the 1-based page, the rows it shows and the server's total.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PageAt {
    pub page: u64,
    pub rows: u64,
    pub total: u64,
}

/// Page controls under the list; `on_page` is told the page to go to.
pub fn pagination(locale: Locale, at: PageAt, on_page: Callback<u64>) -> Html {
    let text = locale.list();
    let PageAt { page, rows, total } = at;
    let pages = page_count(total);
    let go = |page: u64| {
        let on_page = on_page.clone();
        Callback::from(move |_: MouseEvent| on_page.emit(page))
    };
    let showing = showing_range(page, rows, total).map(|(first, last)| i18n::showing(locale, first, last, total));
    html! {
        <nav class="pagination" aria-label={text.pagination}>
            <button type="button" class="button" disabled={page <= 1} onclick={go(page.saturating_sub(1).max(1))}>{ text.previous }</button>
            <span class="page-of" aria-current="page">{ i18n::page_of(locale, page, pages) }</span>
            <button type="button" class="button" disabled={page >= pages} onclick={go(page + 1)}>{ text.next }</button>
            if let Some(showing) = showing {
                <span class="showing" role="status">{ showing }</span>
            }
        </nav>
    }
}
