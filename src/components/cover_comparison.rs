//! `CoverComparison`: on a batch's details page, what the QR cover check found in the file
//! before it was sent beside what the server did with each task: skipped because it already
//! had sheets (its `Skipping …` event), named in the batch's failure (a task the uploader is
//! not assigned to), or taken. Shown while this tab's upload queue still holds the upload.

use crate::hooks::use_locale::use_locale;
use crate::hooks::use_uploads::use_uploads;
use crate::intl;
use crate::upload::cover_check::{server_outcome, ServerOutcome};
use yew::prelude::*;

/// Props: the batch, its `Skipping …` message and its failure, when there are.
#[derive(Properties, PartialEq)]
pub struct CoverComparisonProps {
    /// The batch whose upload this tab sent.
    pub batch_uuid: AttrValue,
    /// Its `Skipping … duplicate tasks` message, once the event log has given it.
    pub skipping: Option<AttrValue>,
    /// Its `error_message`, when it failed.
    pub failure: Option<AttrValue>,
}

/// The table; nothing when no check of this batch's file is known here.
#[component]
pub fn CoverComparison(props: &CoverComparisonProps) -> Html {
    let locale = use_locale();
    let text = locale.upload();
    let uploads = use_uploads();
    let report = uploads
        .state
        .items
        .iter()
        .find(|item| item.batch_uuid.as_deref() == Some(props.batch_uuid.as_str()))
        .and_then(|item| item.upload.covers.clone());
    let Some(report) = report.filter(|r| !r.groups.is_empty()) else { return Html::default() };
    let outcome = |task_id: &str| match server_outcome(task_id, props.skipping.as_deref(), props.failure.as_deref()) {
        ServerOutcome::Skipped => text.covers_skipped,
        ServerOutcome::NamedInFailure => text.covers_refused,
        ServerOutcome::Taken => text.covers_taken,
    };
    html! {
        <section class="card" aria-labelledby="cover-comparison-heading" data-testid="cover-comparison">
            <h2 id="cover-comparison-heading">{ text.covers_predicted }</h2>
            <div class="table-scroll" tabindex="0" role="group" aria-labelledby="cover-comparison-heading">
                <table class="cover-table">
                    <thead><tr>
                        <th scope="col">{ text.covers_task }</th>
                        <th scope="col">{ text.covers_sheets }</th>
                        <th scope="col">{ text.covers_server }</th>
                    </tr></thead>
                    <tbody>
                        { for report.groups.iter().map(|group| html! {
                            <tr>
                                <td>{ &group.task_id }</td>
                                <td>{ intl::number(locale, group.sheets as u64) }</td>
                                <td>{ outcome(&group.task_id) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}
