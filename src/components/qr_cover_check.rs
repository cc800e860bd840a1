//! `QrCoverCheck`: under a picked "ZIP with QR codes", what its QR covers say before a byte is
//! sent: a progress line, then a table of the tasks found (task id, answer sheets, cover file)
//! and the warnings. The check runs in a worker (`upload::cover_reading`), never blocks the
//! upload, and stops at once with its button, when the file is cleared or the form is left.

use crate::hooks::use_api::use_api;
use crate::hooks::use_locale::use_locale;
use crate::i18n;
use crate::intl;
use crate::upload::cover_check::CoverReport;
use crate::upload::cover_reading::{CoverReading, CoverUpdate};
use web_sys::File;
use yew::prelude::*;

/// Props: the picked ZIP, whether its turn has come (one check runs at a time), and who hears
/// the check's outcome.
#[derive(Properties, PartialEq)]
pub struct QrCoverCheckProps {
    /// The picked ZIP.
    pub file: File,
    /// Whether the check may run (its turn has come); it starts when this turns true.
    pub active: bool,
    /// Each report as it comes.
    pub on_report: Callback<CoverReport>,
    /// Called once when the check ends: read through, stopped or unavailable.
    pub on_finished: Callback<()>,
}

/// Where the check is.
#[derive(Clone, PartialEq)]
enum Phase {
    Waiting,
    Reading(Option<CoverReport>),
    Stopped(Option<CoverReport>),
    Unavailable,
}

/// Ends the check from inside one of its own callbacks: the worker's listeners are dropped only
/// after the callback has returned (dropping a closure while it runs would abort the app).
fn end_later(reading: &std::rc::Rc<std::cell::RefCell<Option<CoverReading>>>) {
    let ended = reading.borrow_mut().take();
    wasm_bindgen_futures::spawn_local(async move { drop(ended) });
}

/// The check's line, table and warnings.
#[component]
pub fn QrCoverCheck(props: &QrCoverCheckProps) -> Html {
    let locale = use_locale();
    let text = locale.upload();
    let client = use_api();
    let phase = use_state(|| Phase::Waiting);
    let reading = use_mut_ref(|| None::<CoverReading>);
    {
        let (phase, reading) = (phase.clone(), reading.clone());
        let (on_report, on_finished) = (props.on_report.clone(), props.on_finished.clone());
        let on_finished_now = on_finished.clone();
        let base = client.config().cover_worker_base.clone();
        use_effect_with((props.file.clone(), props.active), move |(file, active)| {
            if *active {
                phase.set(Phase::Reading(None));
                let update = {
                    let (phase, reading) = (phase.clone(), reading.clone());
                    move |update: CoverUpdate| match update {
                        CoverUpdate::Report(report) => {
                            on_report.emit(report.clone());
                            let complete = report.is_complete();
                            phase.set(Phase::Reading(Some(report)));
                            if complete {
                                // The worker is done: let it go, and give the next check its turn.
                                end_later(&reading);
                                on_finished.emit(());
                            }
                        }
                        CoverUpdate::Unavailable => {
                            end_later(&reading);
                            phase.set(Phase::Unavailable);
                            on_finished.emit(());
                        }
                    }
                };
                let started = CoverReading::start(file, &base, update);
                if started.is_none() {
                    phase.set(Phase::Unavailable);
                    on_finished_now.emit(());
                }
                *reading.borrow_mut() = started;
            }
            move || drop(reading.borrow_mut().take())
        });
    }
    let stop = {
        let (phase, reading, on_finished) = (phase.clone(), reading.clone(), props.on_finished.clone());
        Callback::from(move |_: MouseEvent| {
            if reading.borrow_mut().take().is_some() {
                let report = match &*phase {
                    Phase::Reading(report) => report.clone(),
                    _ => None,
                };
                phase.set(Phase::Stopped(report));
                on_finished.emit(());
            }
        })
    };
    // `state` says where the check is to tests and benchmarks, whatever the language.
    let (line, report, state) = match &*phase {
        Phase::Waiting => return Html::default(),
        Phase::Reading(None) => (text.covers_starting.to_string(), None, "reading"),
        Phase::Reading(Some(report)) => (
            i18n::covers::progress(locale, report),
            Some(report),
            if report.is_complete() { "done" } else { "reading" },
        ),
        Phase::Stopped(report) => (text.covers_stopped.to_string(), report.as_ref(), "stopped"),
        Phase::Unavailable => (text.covers_unavailable.to_string(), None, "unavailable"),
    };
    let running = state == "reading";
    html! {
        <div class="cover-check" data-testid="cover-check" data-state={state}>
            <p class="hint" role="status">
                { line }
                if running {
                    { " " }
                    <button type="button" class="button button-quiet" onclick={stop}>{ text.covers_stop }</button>
                }
            </p>
            if let Some(report) = report.filter(|r| !r.groups.is_empty()) {
                <div class="table-scroll" tabindex="0" role="group" aria-label={text.covers_title}>
                    <table class="cover-table">
                        <caption>{ text.covers_title }</caption>
                        <thead><tr><th scope="col">{ text.covers_task }</th><th scope="col">{ text.covers_sheets }</th><th scope="col">{ text.covers_cover }</th></tr></thead>
                        <tbody>
                            { for report.groups.iter().map(|group| html! {
                                <tr>
                                    <td>
                                        { &group.task_id }
                                        if group.task_id != group.text {
                                            <br /><small>{ i18n::covers::qr_text(locale, &group.text) }</small>
                                        }
                                    </td>
                                    <td>{ intl::number(locale, group.sheets as u64) }</td>
                                    <td><bdi>{ &group.cover }</bdi></td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            }
            if let Some(report) = report.filter(|r| !r.warnings.is_empty()) {
                <ul class="cover-warnings">
                    { for report.warnings.iter().map(|w| html! { <li>{ i18n::covers::warning(locale, w) }</li> }) }
                </ul>
            }
        </div>
    }
}
