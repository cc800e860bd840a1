//! `ActivityLog`: every distinct stream event (time, stage, message, %); stays after the end.

use crate::api::types::ProgressEvent;
use crate::format;
use crate::i18n::details_strings;
use yew::prelude::*;

/// Props: the events, oldest first.
#[derive(Properties, PartialEq)]
pub struct ActivityLogProps {
    pub events: Vec<ProgressEvent>,
}

/// The log table.
#[component]
pub fn ActivityLog(props: &ActivityLogProps) -> Html {
    let text = details_strings();
    html! {
        <section class="activity-log" aria-labelledby="activity-heading">
            <h2 id="activity-heading">{ text.activity }</h2>
            if props.events.is_empty() {
                <p class="hint">{ text.activity_empty }</p>
            } else {
                <div class="table-scroll">
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
                                    <td>{ format::timestamp(event.timestamp.as_deref()) }</td>
                                    <td>{ event.stage.replace('_', " ") }</td>
                                    <td class="notes-cell">{ event.message.clone() }</td>
                                    <td class="numeric">{ format!("{:.0}", event.progress_percentage) }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            }
        </section>
    }
}
