//! `status_filter`: All plus the six statuses. A view function, not a component (see
//! `server_message`).

use crate::api::types::BatchStatus;
use crate::i18n;
use crate::locale::Locale;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// A labelled select showing `value`; `on_change` is told the new filter.
pub fn status_filter(locale: Locale, value: Option<&BatchStatus>, on_change: Callback<Option<BatchStatus>>) -> Html {
    let text = locale.list();
    let onchange = Callback::from(move |event: Event| {
        let value = event.target_unchecked_into::<HtmlSelectElement>().value();
        on_change.emit((!value.is_empty()).then(|| BatchStatus::parse(&value)));
    });
    html! {
        <div class="status-filter">
            <label for="status-filter">{ text.filter_label }</label>
            <select id="status-filter" onchange={onchange}>
                <option value="" selected={value.is_none()}>{ text.filter_all }</option>
                { for BatchStatus::ALL.iter().map(|status| html! {
                    <option value={status.as_str().to_string()} selected={value == Some(status)}>{ i18n::batch_status(locale, status) }</option>
                }) }
            </select>
        </div>
    }
}
