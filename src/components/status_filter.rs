//! `StatusFilter`: All plus the six statuses.

use crate::api::types::BatchStatus;
use crate::hooks::use_locale::use_locale;
use crate::i18n;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Props: the current filter and the change handler.
#[derive(Properties, PartialEq)]
pub struct StatusFilterProps {
    pub value: Option<BatchStatus>,
    pub on_change: Callback<Option<BatchStatus>>,
}

/// A labelled select.
#[component]
pub fn StatusFilter(props: &StatusFilterProps) -> Html {
    let locale = use_locale();
    let text = locale.list();
    let on_change = props.on_change.clone();
    let onchange = Callback::from(move |event: Event| {
        let value = event.target_unchecked_into::<HtmlSelectElement>().value();
        on_change.emit((!value.is_empty()).then(|| BatchStatus::parse(&value)));
    });
    html! {
        <div class="status-filter">
            <label for="status-filter">{ text.filter_label }</label>
            <select id="status-filter" onchange={onchange}>
                <option value="" selected={props.value.is_none()}>{ text.filter_all }</option>
                { for BatchStatus::ALL.iter().map(|status| html! {
                    <option value={status.as_str().to_string()} selected={props.value.as_ref() == Some(status)}>{ i18n::batch_status(locale, status) }</option>
                }) }
            </select>
        </div>
    }
}
