//! `BatchProgressBar`: status, percentage, sheet counts, the current stage and message from
//! the stream, and an estimated time left.

use crate::api::types::{BatchProgress, ProgressEvent};
use crate::components::batch_status_badge::batch_status_badge;
use crate::components::progress_bar::progress_bar;
use crate::components::server_message::server_message;
use crate::hooks::use_locale::use_locale;
use crate::i18n;
use yew::prelude::*;

/// Props: polling's answer, the stream's latest event and the estimate.
#[derive(Properties, PartialEq)]
pub struct BatchProgressBarProps {
    pub progress: BatchProgress,
    #[prop_or_default]
    pub latest_event: Option<ProgressEvent>,
    #[prop_or_default]
    pub eta_secs: Option<u64>,
}

/// The live progress block.
#[component]
pub fn BatchProgressBar(props: &BatchProgressBarProps) -> Html {
    let locale = use_locale();
    let text = locale.details();
    let progress = &props.progress;
    let percentage = progress.progress_percentage.clamp(0.0, 100.0);
    let counts = i18n::progress_counts(locale, progress);
    let shown = i18n::progress_percent(locale, percentage);
    let value_text = format!("{shown}, {counts}");
    let eta = props.eta_secs.filter(|_| !progress.status.is_terminal());
    html! {
        <section class="batch-progress" aria-labelledby="progress-heading">
            <div class="batch-progress-head">
                <h2 id="progress-heading">{ text.progress_label }</h2>
                <span aria-live="polite">{ batch_status_badge(locale, &progress.status) }</span>
            </div>
            { progress_bar(percentage, text.progress_label.into(), value_text.clone().into(), None) }
            <p class="progress-numbers"><strong>{ shown }</strong>{ " · " }{ counts }</p>
            if let Some(event) = &props.latest_event {
                <p class="progress-stage" aria-live="polite">
                    <span class="stage-name">{ i18n::stage_name(locale, &event.stage) }</span>{ ": " }{ server_message(locale, &event.message) }
                </p>
            }
            if let Some(seconds) = eta {
                <p class="progress-eta">{ i18n::estimated_left(locale, seconds) }</p>
            }
        </section>
    }
}
