//! `BatchDetailsCard`: file facts, the timeline with its three durations, and the error.

use crate::api::types::{BatchStatus, BatchStatusResponse};
use crate::batch_cache::BatchFacts;
use crate::components::server_message::server_message;
use crate::hooks::use_locale::use_locale;
use crate::i18n;
use crate::intl;
use crate::progress_math::durations;
use yew::prelude::*;

/// Props: `/status` and what the list or the upload knew.
#[derive(Properties, PartialEq)]
pub struct BatchDetailsCardProps {
    pub status: BatchStatusResponse,
    #[prop_or_default]
    pub facts: Option<BatchFacts>,
    #[prop_or_default]
    pub duplicate_warning: Option<AttrValue>,
}

/// The details of one batch.
#[component]
pub fn BatchDetailsCard(props: &BatchDetailsCardProps) -> Html {
    let locale = use_locale();
    let text = locale.details();
    let na = || locale.strings().not_available.to_string();
    let status = &props.status;
    let facts = props.facts.clone();
    let times = durations(
        status.created_at.as_deref(),
        status.processing_started_at.as_deref(),
        status.processing_completed_at.as_deref(),
    );
    let end_label = if status.status == BatchStatus::Failed { text.step_failed } else { text.step_completed };
    let failed = status.status == BatchStatus::Failed;
    // `ends_it`: the last step, red when the batch failed.
    let step = |label: &'static str, at: Option<&str>, ends_it: bool| {
        let tone = match at {
            Some(_) if failed && ends_it => Some("timeline-failed"),
            Some(_) => Some("timeline-done"),
            None => None,
        };
        html! {
            <li class={classes!("timeline-step", tone)}>
                <span class="timeline-label">{ label }</span>
                <span class="timeline-time">{ i18n::timestamp(locale, at) }</span>
            </li>
        }
    };
    let span = |label: &'static str, seconds: Option<i64>| html! { <><dt>{ label }</dt><dd>{ seconds.map(|s| intl::duration(locale, s)).unwrap_or_else(na) }</dd></> };
    html! {
        <section class="details-card" aria-labelledby="details-heading">
            <h2 id="details-heading" class="visually-hidden">{ locale.strings().batch_details_title }</h2>
            <dl class="details-grid">
                <dt>{ text.file }</dt><dd><bdi>{ facts.as_ref().and_then(|f| f.name.clone()).unwrap_or_else(na) }</bdi></dd>
                <dt>{ text.size }</dt><dd>{ i18n::size(locale, facts.as_ref().and_then(|f| f.size)) }</dd>
                <dt>{ text.upload_type }</dt><dd>{ i18n::upload_type(locale, facts.as_ref().and_then(|f| f.upload_type.as_ref())) }</dd>
            </dl>
            <h3>{ text.timeline }</h3>
            <ol class="timeline">
                { step(text.step_uploaded, status.created_at.as_deref(), false) }
                { step(text.step_started, status.processing_started_at.as_deref(), false) }
                { step(end_label, status.processing_completed_at.as_deref(), true) }
            </ol>
            <dl class="details-grid">
                { span(text.total_time, times.total) }
                { span(text.extraction_time, times.extraction) }
                { span(text.checking_time, times.checking) }
            </dl>
            if let Some(warning) = &props.duplicate_warning {
                <div class="warning-notice" role="status"><strong>{ text.duplicate_title }</strong><p>{ server_message(locale, warning) }</p></div>
            }
            if let Some(message) = &status.error_message {
                <div class="error-notice" role="alert"><strong>{ locale.strings().details_error }</strong><p>{ server_message(locale, message) }</p></div>
            }
        </section>
    }
}
