//! `upload_item_view`: one queued upload with its state, progress, speed and actions. A view
//! function, not a component (see `server_message`): the item changes with every progress
//! report, so comparing props saved nothing.

use crate::components::batch_follow::BatchFollow;
use crate::components::progress_bar::progress_bar;
use crate::hooks::use_uploads::UploadsContext;
use crate::i18n;
use crate::intl;
use crate::locale::Locale;
use crate::routes::Route;
use crate::upload::queue::{Phase, UploadItem};
use yew::prelude::*;
use yew_router::prelude::*;

/// The line under the file name describing where the item stands.
pub fn phase_text(l: Locale, item: &UploadItem) -> String {
    let text = l.upload();
    match item.phase {
        Phase::ConfirmDuplicate => {
            let when = item.upload.duplicate_of.as_ref().and_then(|d| d.created_at.as_deref());
            i18n::duplicate_question(l, when)
        }
        Phase::AwaitingChoice => {
            let done = item.upload.earlier_attempt.as_ref().map_or(0, |r| r.acknowledged.len());
            let total = item.upload.earlier_attempt.as_ref().map_or(0, |r| r.total_chunks);
            i18n::upload_resume_offer(l, done, total)
        }
        Phase::Queued => text.phase_queued.into(),
        Phase::Uploading if item.chunked => {
            i18n::upload_chunk_of(l, (item.chunks_done + 1).min(item.total_chunks), item.total_chunks)
        }
        Phase::Uploading => i18n::upload_chunk_of(l, 1, 1),
        Phase::Finishing => text.phase_finishing.into(),
        Phase::Done => text.phase_done.into(),
        Phase::Failed => text.phase_failed.into(),
        Phase::Cancelled => text.phase_cancelled.into(),
    }
}

/// One row of the upload queue, keyed by the item's id.
pub fn upload_item_view(locale: Locale, uploads: &UploadsContext, item: &UploadItem) -> Html {
    let text = locale.upload();
    let id = item.id;
    let action = |label: &'static str, run: Callback<()>, primary: bool| {
        html! {
            <button type="button" class={classes!("button", primary.then_some("button-primary"))}
                onclick={Callback::from(move |_: MouseEvent| run.emit(()))}>{ label }</button>
        }
    };
    let on = |f: fn(&UploadsContext, u32)| {
        let uploads = uploads.clone();
        Callback::from(move |()| f(&uploads, id))
    };
    let percentage = item.percentage();
    let value_text = i18n::bytes_of(locale, percentage, item.done_bytes(), item.upload.size);
    let uploading = item.phase == Phase::Uploading;
    let speed = item.speed.bytes_per_sec().filter(|_| uploading).map(|s| s as u64);
    let eta = item.eta_secs().filter(|_| uploading);
    let name = i18n::upload_name(locale, &item.upload);
    let tone = match item.phase {
        Phase::Done => Some("progress-done"),
        Phase::Failed | Phase::Cancelled => Some("progress-stopped"),
        _ => None,
    };
    html! {
        <li key={id} class="upload-item" data-phase={format!("{:?}", item.phase)}>
            <div class="upload-item-head">
                <strong class="upload-name"><bdi>{ name.clone() }</bdi></strong>
                <span class="upload-size">{ intl::bytes(locale, item.upload.size) }</span>
            </div>
            <p class="upload-phase" aria-live="polite">{ phase_text(locale, item) }</p>
            { progress_bar(percentage, name.clone().into(), value_text.clone().into(), tone) }
            <p class="upload-numbers">
                { value_text }
                if let Some(line) = i18n::speed_and_eta(locale, speed, eta) {
                    { " · " }{ line }
                }
            </p>
            if let Some(options) = i18n::upload_options(locale, item.upload.options_for(item.continue_earlier)) {
                <p class="upload-options-line" data-testid="upload-options">{ options }</p>
            }
            if let (Phase::Done, Some(batch_uuid)) = (&item.phase, &item.batch_uuid) {
                <BatchFollow batch_uuid={batch_uuid.clone()} name={name.clone()} />
            }
            if item.resume_when_online {
                <p class="upload-message" role="status">{ text.resumes_when_online }</p>
            }
            if let Some(message) = &item.message {
                <p class={if item.phase == Phase::Failed { "upload-message form-error" } else { "upload-message" }}
                   role={if item.phase == Phase::Failed { "alert" } else { "status" }}>{ i18n::upload_message(locale, &name, message) }</p>
            }
            <div class="upload-actions">
                if let (Phase::ConfirmDuplicate, Some(earlier)) = (&item.phase, &item.upload.duplicate_of) {
                    <Link<Route> to={Route::BatchDetails { id: earlier.batch_uuid.clone() }} classes="button">{ text.earlier_batch }</Link<Route>>
                    { action(text.upload_again, on(|u, id| u.confirm_duplicate(id, true)), true) }
                    { action(text.skip, on(|u, id| u.confirm_duplicate(id, false)), false) }
                }
                if item.phase == Phase::AwaitingChoice {
                    { action(text.resume, on(|u, id| u.choose(id, true)), true) }
                    { action(text.start_over, on(|u, id| u.choose(id, false)), false) }
                }
                if item.phase.is_pending() {
                    { action(text.cancel, on(|u, id| u.cancel(id)), false) }
                }
                if matches!(item.phase, Phase::Failed | Phase::Cancelled) {
                    { action(text.retry, on(|u, id| u.retry(id)), true) }
                }
                if let Some(batch_uuid) = &item.batch_uuid {
                    <Link<Route> to={Route::BatchDetails { id: batch_uuid.clone() }} classes="button button-primary">{ text.open_batch }</Link<Route>>
                }
                if matches!(item.phase, Phase::Done | Phase::Failed | Phase::Cancelled) {
                    { action(text.remove, on(|u, id| u.remove(id)), false) }
                }
            </div>
        </li>
    }
}
