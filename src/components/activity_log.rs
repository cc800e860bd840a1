//! `ActivityLog`: every distinct stream event (time, stage, message, %); stays after the end.

use crate::api::types::ProgressEvent;
use crate::components::server_message::server_message;
use crate::hooks::use_locale::use_locale;
use crate::i18n;
use crate::intl;
use yew::prelude::*;

/// Props: the events, oldest first.
#[derive(Properties, PartialEq)]
pub struct ActivityLogProps {
    pub events: Vec<ProgressEvent>,
}

/// The log table.
#[component]
pub fn ActivityLog(props: &ActivityLogProps) -> Html {
    let locale = use_locale();
    let text = locale.details();
    html! {
        <section class="activity-log" aria-labelledby="activity-heading">
            <h2 id="activity-heading">{ text.activity }</h2>
            if props.events.is_empty() {
                <p class="hint">{ text.activity_empty }</p>
            } else {
                <div class="table-scroll" tabindex="0" role="group" aria-labelledby="activity-heading">
                    <table class="batch-table">
                        <thead><tr>
                            <th scope="col">{ text.col_time }</th>
                            <th scope="col">{ text.col_stage }</th>
                            <th scope="col">{ text.col_message }</th>
                            <th scope="col" class="numeric">{ text.col_percent }</th>
                        </tr></thead>
                        <tbody>
                            { for props.events.iter().map(|event| html! {
                                <tr class="activity-row">
                                    <td>{ i18n::timestamp(locale, event.timestamp.as_deref()) }</td>
                                    <td>{ i18n::stage_name(locale, &event.stage) }</td>
                                    <td class="notes-cell">{ server_message(locale, &event.message) }</td>
                                    <td class="numeric">{ intl::number(locale, event.progress_percentage.clamp(0.0, 100.0).round() as u64) }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            }
        </section>
    }
}
