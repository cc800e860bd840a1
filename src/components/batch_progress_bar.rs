//! `BatchProgressBar`: status, percentage, sheet counts, the current stage and message from
//! the stream, and an estimated time left.

use crate::api::types::{BatchProgress, ProgressEvent};
use crate::components::batch_status_badge::BatchStatusBadge;
use crate::components::progress_bar::ProgressBar;
use crate::format::duration;
use crate::i18n::details_strings;
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

/// "742 of 1160 processed · 3 failed"
pub fn counts_text(progress: &BatchProgress) -> String {
    let text = details_strings();
    format!(
        "{} {} {} {} · {} {}",
        progress.processed_count,
        text.of_total,
        progress.sheet_count,
        text.processed,
        progress.failed_count,
        text.failed
    )
}

/// The live progress block.
#[component]
pub fn BatchProgressBar(props: &BatchProgressBarProps) -> Html {
    let text = details_strings();
    let progress = &props.progress;
    let percentage = progress.progress_percentage.clamp(0.0, 100.0);
    let counts = counts_text(progress);
    let value_text = format!("{percentage:.1} %, {counts}");
    let eta = props.eta_secs.filter(|_| !progress.status.is_terminal());
    html! {
        <section class="batch-progress" aria-labelledby="progress-heading">
            <div class="batch-progress-head">
                <h2 id="progress-heading">{ text.progress_label }</h2>
                <span aria-live="polite"><BatchStatusBadge status={progress.status.clone()} /></span>
            </div>
            <ProgressBar percentage={percentage} label={text.progress_label} value_text={value_text.clone()} />
            <p class="progress-numbers"><strong>{ format!("{percentage:.1} %") }</strong>{ " · " }{ counts }</p>
            if let Some(event) = &props.latest_event {
                <p class="progress-stage" aria-live="polite">
                    <span class="stage-name">{ event.stage.replace('_', " ") }</span>{ ": " }{ event.message.clone() }
                </p>
            }
            if let Some(seconds) = eta {
                <p class="progress-eta">{ format!("{}: {}", text.estimated_left, duration(seconds as i64)) }</p>
            }
        </section>
    }
}
