//! `/dashboard/batches/:id`: live progress (polling + event stream), details, timeline,
//! activity log and sheets of one batch. A malformed, unknown or forbidden id gets its own
//! message and a way back.

use crate::api::later::ActionOutcome;
use crate::api::types::BatchStatusResponse;
use crate::api::ApiError;
use crate::batch_cache::{self, BatchFacts};
use crate::components::activity_log::ActivityLog;
use crate::components::batch_actions::BatchActions;
use crate::components::batch_details_card::BatchDetailsCard;
use crate::components::batch_progress_bar::BatchProgressBar;
use crate::components::batch_stats_card::BatchStatsCard;
use crate::components::cover_comparison::CoverComparison;
use crate::components::delete_batch_button::DeleteBatchButton;
use crate::components::sheet_list::SheetList;
use crate::download::{save_text, today};
use crate::export::{self, ExportState, SavedRows};
use crate::hooks::use_api::use_api;
use crate::hooks::use_batch_progress::use_batch_progress;
use crate::hooks::use_batch_stream::{use_batch_stream, Connection};
use crate::hooks::use_locale::use_locale;
use crate::hooks::use_session::use_session;
use crate::hooks::use_title::use_title;
use crate::hooks::use_uploads::use_uploads;
use crate::i18n;
use crate::locale::Locale;
use crate::progress_math::{eta_secs, is_batch_id};
use crate::routes::Route;
use yew::prelude::*;
use yew_router::prelude::*;

/// Props: the batch UUID from the address.
#[derive(Properties, PartialEq)]
pub struct BatchDetailsPageProps {
    pub id: AttrValue,
}

/// Props of the page for a well-formed id.
#[derive(Properties, PartialEq)]
struct BatchDetailsProps {
    id: AttrValue,
    /// A cancel or rescue ended this way: the page says so and loads the batch afresh.
    on_outcome: Callback<ActionOutcome>,
}

/// A full-page explanation with a link back to the list.
fn dead_end(l: Locale, title: &str, body: &str) -> Html {
    html! {
        <div class="dead-end" role="alert">
            <h1>{ title.to_string() }</h1>
            <p>{ body.to_string() }</p>
            <Link<Route> to={Route::Batches} classes="button">{ l.strings().back_to_batches }</Link<Route>>
        </div>
    }
}

/// Checks the id before anything is requested.
#[component]
pub fn BatchDetailsPage(props: &BatchDetailsPageProps) -> Html {
    let locale = use_locale();
    let text = locale.details();
    use_title(locale.strings().batch_details_title);
    // The outcome of the last cancel or rescue, and how many there were: each one loads the
    // batch afresh (its polling, stream and details start again from the new status).
    let outcome = use_state(|| None::<ActionOutcome>);
    let revision = use_state(|| 0u32);
    let on_outcome = {
        let (outcome, revision) = (outcome.clone(), revision.clone());
        Callback::from(move |done: ActionOutcome| {
            outcome.set(Some(done));
            revision.set(revision.wrapping_add(1));
        })
    };
    if !is_batch_id(&props.id) {
        return dead_end(locale, text.bad_id_title, text.bad_id_body);
    }
    html! {
        <>
            if let Some(done) = &*outcome {
                <p class={if matches!(done, ActionOutcome::Failed(_)) { "error-notice" } else { "form-notice" }}
                    role="status" data-testid="action-outcome">{ i18n::action_outcome(locale, done) }</p>
            }
            <BatchDetails key={*revision} id={props.id.clone()} on_outcome={on_outcome} />
        </>
    }
}

/// The most sheets `/status` returns in one answer (its `limit` is 1–1000).
pub const MAX_SHEETS: u32 = crate::api::endpoints::STATUS_MAX_SHEETS;

/// The sheet limit after one more "Load more" (pure): one more page, at most the server's maximum.
pub fn next_sheet_limit(current: u32, step: u32) -> u32 {
    current.saturating_add(step.max(1)).min(MAX_SHEETS)
}

/// How long after its upload a checked batch's event log is opened once it has finished.
const CHECKED_LOG_MS: f64 = 30.0 * 60.0 * 1000.0;

/// The page for a well-formed id.
#[component]
fn BatchDetails(props: &BatchDetailsProps) -> Html {
    let locale = use_locale();
    let text = locale.details();
    let client = use_api();
    let session = use_session();
    let navigator = use_navigator();
    let id = props.id.to_string();
    let progress = use_batch_progress(&id, client.config().poll_interval_ms);
    // The stream only for running batches: a finished one's log may have expired, and then
    // the stream would send nothing but pings forever (contract §5.6); an unknown status is
    // polled slowly instead.
    let running = progress.latest.as_ref().is_some_and(|p| p.status.is_running());
    // A batch this tab sent after a QR cover check, within the last half hour: its log (kept an
    // hour, contract §5.6) says which tasks the server skipped (`Skipping …`), which the comparison
    // beside the check needs even once the batch has finished (the replay then ends with the
    // final event). Later the log may be gone, and the stream would only ping.
    let uploads = use_uploads();
    let now = js_sys::Date::now();
    let checked_here = uploads.state.items.iter().any(|i| {
        i.batch_uuid.as_ref() == Some(&id)
            && i.upload.covers.is_some()
            && i.done_at_ms.is_some_and(|done| now - done < CHECKED_LOG_MS)
    });
    let stream = use_batch_stream(&id, running || checked_here);
    let status = use_state(|| None::<Result<BatchStatusResponse, ApiError>>);
    let facts = use_state(|| batch_cache::recall(&id));
    // Every hook before the early returns below (yew needs the same hooks on every render).
    let export_state = use_state(ExportState::default);
    let phase = progress.latest.as_ref().map(|p| p.status.clone());
    // Sheets asked for: the configured page, then more on request up to the server's maximum.
    let sheet_limit = use_state(|| client.config().sheets_limit);
    {
        let (status, client, id) = (status.clone(), client.clone(), id.clone());
        // Again whenever the status moves (processing_started_at, completed_at, sheets appear)
        // and when more sheets are asked for.
        use_effect_with((phase.clone(), *sheet_limit), move |(_, limit)| {
            let limit = *limit;
            wasm_bindgen_futures::spawn_local(async move {
                status.set(Some(client.status(&id, true, limit).await));
            });
        });
    }
    let on_more_sheets = {
        let (sheet_limit, step) = (sheet_limit.clone(), client.config().sheets_limit);
        Callback::from(move |()| sheet_limit.set(next_sheet_limit(*sheet_limit, step)))
    };
    {
        let (facts, client, id) = (facts.clone(), client.clone(), id.clone());
        use_effect_with((), move |_| {
            if facts.is_none() {
                // Deep link: the newest 100 batches usually include it.
                wasm_bindgen_futures::spawn_local(async move {
                    if let Ok(page) = client.list_batches(None, 100, 0).await {
                        if let Some(item) = page.batches.iter().find(|b| b.batch_uuid == id) {
                            let found = BatchFacts::from(item);
                            batch_cache::remember(&id, found.clone());
                            facts.set(Some(found));
                        }
                    }
                });
            }
        });
    }
    let failure = match (&progress.latest, &progress.error, &*status) {
        (None, Some(error), _) | (_, _, Some(Err(error))) => Some(error.clone()),
        _ => None,
    };
    match failure {
        Some(error @ ApiError::NotFound(_)) => {
            return dead_end(locale, text.not_found_title, &i18n::api_error(locale, &error))
        }
        Some(error @ ApiError::Forbidden(_)) => {
            return dead_end(locale, text.forbidden_title, &i18n::api_error(locale, &error))
        }
        _ => {}
    }
    let live = match &stream.connection {
        Connection::Connecting => Some(text.live_connecting.to_string()),
        Connection::Live => Some(text.live_on.to_string()),
        Connection::Reconnecting { delay_ms, reason } => Some(i18n::reconnecting(locale, *delay_ms, reason)),
        Connection::Unavailable(error) => Some(i18n::live_unavailable(locale, error)),
        Connection::Idle | Connection::Finished => None,
    };
    let name = facts.as_ref().and_then(|f| f.name.clone()).unwrap_or_else(|| id.clone());
    let save = {
        let export_state = export_state.clone();
        move |file: String, text: String, rows: SavedRows| {
            let saved = save_text(&file, &text, "text/csv;charset=utf-8");
            export_state.set(if saved { ExportState::Saved(rows) } else { ExportState::Refused });
        }
    };
    let on_export_sheets = {
        let (client, id, name, save, export_state) =
            (client.clone(), id.clone(), name.clone(), save.clone(), export_state.clone());
        Callback::from(move |_: MouseEvent| {
            let (client, id, name, save, export_state) =
                (client.clone(), id.clone(), name.clone(), save.clone(), export_state.clone());
            wasm_bindgen_futures::spawn_local(async move {
                // Every sheet the server gives (`/status` has no offset: at most 1000); the note
                // counts the ones it could not read and the ones it does not give.
                match client.status(&id, true, MAX_SHEETS).await {
                    Ok(details) => {
                        let sheets = details.sheets.unwrap_or_default();
                        let rows = SavedRows::sheets(sheets.rows.len(), sheets.skipped, details.total_sheets);
                        save(export::file_name(&name, "sheets", &today()), export::sheets_csv(&sheets.rows), rows);
                    }
                    Err(error) => export_state.set(ExportState::Failed(error)),
                }
            });
        })
    };
    let on_export_log = {
        let (log, name) = (stream.log.clone(), name.clone());
        Callback::from(move |_: MouseEvent| {
            save(export::file_name(&name, "log", &today()), export::log_csv(&log), SavedRows::all(log.len()))
        })
    };
    let on_deleted = Callback::from(move |_| {
        if let Some(navigator) = &navigator {
            navigator.push(&Route::Batches);
        }
    });
    html! {
        <>
            <p><Link<Route> to={Route::Batches}>{ locale.strings().back_to_batches }</Link<Route>></p>
            <div class="list-toolbar">
                <h1><bdi>{ name.clone() }</bdi></h1>
                if session.is_admin() {
                    if let Some(current) = &phase {
                        <DeleteBatchButton batch_uuid={id.clone()} name={name.clone()} status={current.clone()} on_deleted={on_deleted} />
                    }
                }
            </div>
            <p class="batch-uuid"><code>{ id.clone() }</code></p>
            if let Some(error) = &failure {
                <div class="error-notice" role="alert"><p>{ i18n::api_error(locale, error) }</p></div>
            }
            if let Some(live) = live {
                <p class="live-status" role="status">{ live }</p>
            }
            if let Some(latest) = &progress.latest {
                <BatchProgressBar progress={latest.clone()} latest_event={stream.latest().cloned()}
                    eta_secs={eta_secs(&progress.samples, latest.sheet_count)} />
            } else {
                <p class="page-status" role="status">{ locale.strings().loading }</p>
            }
            if let Some(Ok(details)) = &*status {
                <BatchDetailsCard status={details.clone()} facts={(*facts).clone()} duplicate_warning={stream.duplicate_warning.clone().map(AttrValue::from)} />
                <CoverComparison batch_uuid={id.clone()} skipping={stream.duplicate_warning.clone().map(AttrValue::from)}
                    failure={details.error_message.clone().map(AttrValue::from)} />
            }
            if let (Some(latest), Some(Ok(details))) = (&progress.latest, &*status) {
                <BatchActions batch_uuid={id.clone()} name={name.clone()} status={latest.status.clone()}
                    done={latest.processed_count} total={latest.sheet_count}
                    started_at={details.processing_started_at.clone().map(AttrValue::from)} on_outcome={props.on_outcome.clone()} />
                <BatchStatsCard batch_uuid={id.clone()} name={name.clone()} status={latest.status.clone()} />
            }
            <ActivityLog events={stream.log.clone()} />
            <div class="export">
                <button type="button" class="button" data-testid="export-sheets" onclick={on_export_sheets}>{ locale.list().export_sheets }</button>
                <button type="button" class="button" data-testid="export-log" onclick={on_export_log}>{ locale.list().export_log }</button>
                if let Some(note) = i18n::export_note(locale, &export_state) {
                    <span class="hint" role="status" data-testid="export-note">{ note }</span>
                }
            </div>
            if let Some(Ok(details)) = &*status {
                <SheetList sheets={details.sheets.clone().unwrap_or_default()} total={details.total_sheets}
                    on_more={(*sheet_limit < MAX_SHEETS).then(|| on_more_sheets.clone())} />
            }
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_more_grows_by_a_page_up_to_the_server_maximum() {
        assert_eq!(next_sheet_limit(100, 100), 200);
        assert_eq!(next_sheet_limit(950, 100), 1000);
        assert_eq!(next_sheet_limit(1000, 100), 1000);
        assert_eq!(next_sheet_limit(100, 0), 101, "a zero step still moves");
    }
}
