//! `BatchUploadForm`: strategy, task id, notes and files (picker or drag and drop); valid
//! submissions become queued uploads. One file of about 450 lines because it is one component
//! whose state (strategy, picked files, their pre-flight and QR checks, the submit in progress)
//! every step reads; the steps' logic lives in pure modules: `upload::validate` (check),
//! `upload::plan` (plan), `upload::cover_checks` (the QR checks' turns), the queue (queue).

use crate::api::later::UploadOptions;
use crate::api::types::{BatchListItem, UploadType};
use crate::components::qr_cover_check::QrCoverCheck;
use crate::components::upload_options_fields::{OptionsChange, UploadOptionsFields};
use crate::config::AppConfig;
use crate::hooks::use_api::use_api;
use crate::hooks::use_locale::use_locale;
use crate::hooks::use_session::use_session;
use crate::hooks::use_uploads::use_uploads;
use crate::i18n;
use crate::intl;
use crate::upload::cover_check::CoverReport;
use crate::upload::cover_checks::CoverChecks;
use crate::upload::file_reads::{read_sample, scan_zip};
use crate::upload::new_upload::{EarlierBatch, Files, NewUpload, ResumeKey};
use crate::upload::plan::{plan, Plan};
use crate::upload::resume::{self, fingerprint};
use crate::upload::validate::{check_files, is_zip, normalize_task_id, FileFacts, FormError};
use crate::upload::zip_scan::{ZipRefusal, ZipSummary};
use std::rc::Rc;
use web_sys::{File, FileList, HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

fn files_of(list: Option<FileList>) -> Vec<File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// Turns a valid form into queue entries for sign-in `session_id`: one per ZIP, one for a
/// whole image set. Resume keys are added by [`with_resume_records`].
pub fn prepare_uploads(
    strategy: UploadType,
    task_input: &str,
    notes: &str,
    files: &[File],
    config: &AppConfig,
    session_id: &str,
    options: &UploadOptions,
) -> Result<Vec<NewUpload>, FormError> {
    let task_id = if strategy.needs_task_id() { Some(normalize_task_id(task_input)?) } else { None };
    let facts: Vec<FileFacts> = files.iter().map(|f| FileFacts { name: f.name(), size: f.size() as u64 }).collect();
    check_files(strategy, &facts, config.max_file_bytes, config.chunk_threshold_bytes)?;
    let notes = Some(notes.trim().to_string()).filter(|n| !n.is_empty());
    let upload = |files: Vec<File>, label: String, size: u64| NewUpload {
        files: Files(Rc::new(files)),
        label,
        size,
        strategy,
        task_id: task_id.clone(),
        notes: notes.clone(),
        session_id: session_id.to_string(),
        resume_key: None,
        earlier_attempt: None,
        duplicate_of: None,
        options: options.clone(),
        covers: None,
    };
    if strategy == UploadType::Images {
        let size = facts.iter().map(|f| f.size).sum();
        return Ok(vec![upload(files.to_vec(), facts[0].name.clone(), size)]);
    }
    Ok(files.iter().zip(facts).map(|(file, facts)| upload(vec![file.clone()], facts.name, facts.size)).collect())
}

/// Pages of the user's newest batches the duplicate guard compares with.
const DUPLICATE_PAGES: u64 = 3;

/// Marks every upload whose file (name and size) is among `earlier`, the user's newest
/// batches (pure); image sets are named by the server and never match.
pub fn mark_duplicates(uploads: &mut [NewUpload], earlier: &[BatchListItem], username: Option<&str>) {
    for upload in uploads.iter_mut().filter(|u| u.strategy != UploadType::Images) {
        upload.duplicate_of = earlier
            .iter()
            .find(|b| b.is_same_file(Some(&upload.label), upload.size, username))
            .map(|b| EarlierBatch { batch_uuid: b.batch_uuid.clone(), created_at: b.created_at.clone() });
    }
}

/// Gives every chunked ZIP its resume key (owner and fingerprint with a content sample) and
/// the owner's earlier attempt of that very file, if one fits the plan.
pub async fn with_resume_records(
    uploads: Vec<NewUpload>,
    owner: Option<resume::Owner>,
    config: &AppConfig,
) -> Vec<NewUpload> {
    let Some(owner) = owner else { return uploads };
    let mut ready = Vec::with_capacity(uploads.len());
    for mut upload in uploads {
        let chunks = match plan(upload.size, config.chunk_threshold_bytes, config.chunk_size_bytes) {
            Plan::Chunked(ranges) if upload.strategy != UploadType::Images && upload.files.0.len() == 1 => {
                Some(ranges.len() as u32)
            }
            _ => None,
        };
        if let Some(chunks) = chunks {
            let file = &upload.files.0[0];
            let sample = resume::sample_hash(&read_sample(file).await);
            let fingerprint = fingerprint(
                &upload.label,
                upload.size,
                file.last_modified(),
                upload.strategy.form_value(),
                upload.task_id.as_deref(),
                sample,
            );
            upload.earlier_attempt = resume::find(&owner, &fingerprint, js_sys::Date::now())
                .filter(|entry| entry.fits(chunks, config.chunk_size_bytes));
            upload.resume_key = Some(ResumeKey { owner: owner.clone(), fingerprint });
        }
        ready.push(upload);
    }
    ready
}

/// The upload form, collapsible, above the batch list.
#[component]
pub fn BatchUploadForm() -> Html {
    let locale = use_locale();
    let text = locale.upload();
    let client = use_api();
    let session = use_session();
    let uploads = use_uploads();
    let strategy = use_state(|| UploadType::ZipWithQr);
    let task_input = use_state(String::new);
    // The later backend's options; they stay as chosen from one submit to the next. Kept in a
    // cell that a submit reads when it happens (a change made in the same tick counts), with a
    // re-render after each change.
    let options = use_mut_ref(UploadOptions::default);
    let rerender = use_force_update();
    let notes = use_state(String::new);
    let files = use_state(Vec::<File>::new);
    // The pre-flight check of each picked ZIP, in the files' order (`None`: still checking).
    let scans = use_state(Vec::<Option<Result<ZipSummary, ZipRefusal>>>::new);
    let picks = use_mut_ref(|| 0u32);
    // The QR cover checks of the picked ZIPs; read when their callbacks fire, re-rendered after.
    let cover_checks = use_mut_ref(CoverChecks::default);
    let error = use_state(|| None::<FormError>);
    // How many uploads the last submit added to the queue.
    let status = use_state(|| None::<usize>);
    let preparing = use_state(|| false);
    // Read at click time: a second click before the re-render must see the first one.
    let submitting = use_mut_ref(|| false);
    let dragging = use_state(|| false);

    let pick = {
        let (files, error, status, scans, picks) =
            (files.clone(), error.clone(), status.clone(), scans.clone(), picks.clone());
        let cover_checks = cover_checks.clone();
        move |picked: Vec<File>| {
            if picked.is_empty() {
                return;
            }
            *cover_checks.borrow_mut() = CoverChecks::default();
            *picks.borrow_mut() += 1;
            let this_pick = *picks.borrow();
            scans.set(vec![None; picked.len()]);
            files.set(picked.clone());
            error.set(None);
            status.set(None);
            let (scans, picks) = (scans.clone(), picks.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let mut results = Vec::with_capacity(picked.len());
                for file in &picked {
                    results.push(if is_zip(&file.name()) { Some(scan_zip(file).await) } else { None });
                }
                // A newer pick replaced these files meanwhile: its own check will report.
                if *picks.borrow() == this_pick {
                    scans.set(results);
                }
            });
        }
    };
    let on_file_change = {
        let pick = pick.clone();
        Callback::from(move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            pick(files_of(input.files()));
            // Picking the same file again must fire `change` again.
            input.set_value("");
        })
    };
    let on_drag_over = {
        let dragging = dragging.clone();
        Callback::from(move |event: DragEvent| {
            event.prevent_default();
            dragging.set(true);
        })
    };
    let on_drag_leave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let on_drop = {
        let (pick, dragging) = (pick.clone(), dragging.clone());
        Callback::from(move |event: DragEvent| {
            event.prevent_default();
            dragging.set(false);
            pick(files_of(event.data_transfer().and_then(|d| d.files())));
        })
    };
    let on_task_change = {
        let (task_input, error) = (task_input.clone(), error.clone());
        Callback::from(move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            // Show the converted value (Thai digits → ASCII) as soon as it is valid.
            match normalize_task_id(&input.value()) {
                Ok(normalized) => {
                    input.set_value(&normalized);
                    task_input.set(normalized);
                    error.set(None);
                }
                Err(_) => task_input.set(input.value()),
            }
        })
    };
    let on_task_input = {
        let task_input = task_input.clone();
        Callback::from(move |event: InputEvent| {
            task_input.set(event.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_notes = {
        let notes = notes.clone();
        Callback::from(move |event: InputEvent| notes.set(event.target_unchecked_into::<HtmlTextAreaElement>().value()))
    };
    let is_admin = session.is_admin();
    let onsubmit = {
        let options = options.clone();
        let cover_checks = cover_checks.clone();
        let (strategy, task_input, notes, files, scans, error, status, preparing, submitting) = (
            strategy.clone(),
            task_input.clone(),
            notes.clone(),
            files.clone(),
            scans.clone(),
            error.clone(),
            status.clone(),
            preparing.clone(),
            submitting.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *submitting.borrow() || (files.is_empty() && status.is_some()) {
                return; // A double click while preparing or after a successful submit adds nothing.
            }
            let Some(session_id) = session.session_id.clone() else { return };
            let config = client.config().clone();
            let chosen = options.borrow().clone();
            match prepare_uploads(*strategy, &task_input, &notes, &files, &config, &session_id, &chosen) {
                Ok(prepared) => {
                    *submitting.borrow_mut() = true;
                    preparing.set(true);
                    error.set(None);
                    let owner = session
                        .user
                        .as_ref()
                        .map(|user| resume::Owner { server: config.api_base.clone(), user_id: user.user_id });
                    let username = session.user.as_ref().map(|u| u.username.clone());
                    let client = client.clone();
                    let (uploads, files, notes, status, error, preparing, submitting) = (
                        uploads.clone(),
                        files.clone(),
                        notes.clone(),
                        status.clone(),
                        error.clone(),
                        preparing.clone(),
                        submitting.clone(),
                    );
                    // The checks made when the files were picked, in the same order as `prepared`
                    // (one upload per ZIP); one not finished yet is made here.
                    let checked = (*scans).clone();
                    // The QR checks read through go with their uploads (the details page shows them).
                    let mut prepared = prepared;
                    if *strategy == UploadType::ZipWithQr {
                        for (i, upload) in prepared.iter_mut().enumerate() {
                            upload.covers = cover_checks.borrow().complete_report(i);
                        }
                    }
                    wasm_bindgen_futures::spawn_local(async move {
                        // Nothing is sent for a ZIP the server would fail minutes later.
                        let zips = prepared.iter().enumerate().filter(|(_, u)| u.strategy != UploadType::Images);
                        for (i, upload) in zips {
                            let result = match checked.get(i) {
                                Some(Some(result)) => result.clone().map(|_| ()),
                                _ => scan_zip(&upload.files.0[0]).await.map(|_| ()),
                            };
                            if let Err(refusal) = result {
                                error.set(Some(FormError::Zip { name: upload.label.clone(), refusal }));
                                preparing.set(false);
                                *submitting.borrow_mut() = false;
                                return;
                            }
                        }
                        let mut prepared = with_resume_records(prepared, owner, &config).await;
                        // A list that cannot be read only costs the warning, never the upload.
                        if let Ok(earlier) = client.newest_batches(DUPLICATE_PAGES).await {
                            mark_duplicates(&mut prepared, &earlier, username.as_deref());
                        }
                        // The checks above took time: if the sign-in that submitted has ended
                        // (signed out or replaced in another tab), nothing is queued. The queue
                        // refuses another sign-in's uploads too; this also keeps the form quiet.
                        if client.session_id().as_deref() != Some(session_id.as_str()) {
                            return;
                        }
                        status.set(Some(prepared.len()));
                        uploads.add(prepared);
                        files.set(Vec::new());
                        notes.set(String::new());
                        preparing.set(false);
                        *submitting.borrow_mut() = false;
                    });
                }
                Err(problem) => {
                    status.set(None);
                    error.set(Some(problem));
                }
            }
        })
    };

    let strategy_option = |value: UploadType, label: &'static str, hint: &'static str| {
        let strategy_state = strategy.clone();
        let cover_checks = cover_checks.clone();
        let error = error.clone();
        let id = format!("strategy-{}", value.form_value());
        html! {
            <div class="radio-option">
                <input type="radio" name="strategy" id={id.clone()} value={value.form_value()} checked={*strategy == value}
                    onchange={Callback::from(move |_: Event| {
                        strategy_state.set(value);
                        error.set(None);
                        // Checks of another strategy end with it; back on QR they run again in turn.
                        *cover_checks.borrow_mut() = CoverChecks::default();
                    })} />
                <label for={id.clone()}>{ label }</label>
                <p class="hint" id={format!("{id}-hint")}>{ hint }</p>
            </div>
        }
    };
    let accept =
        if *strategy == UploadType::Images { ".jpg,.jpeg,.png,image/jpeg,image/png" } else { ".zip,application/zip" };
    let files_label = if *strategy == UploadType::Images { text.files_images } else { text.files_zip };
    // The QR covers are read once the pre-flight check has passed.
    let checkable: Vec<bool> = (0..files.len())
        .map(|i| *strategy == UploadType::ZipWithQr && matches!(scans.get(i), Some(Some(Ok(_)))))
        .collect();
    html! {
        <details class="upload-panel" open=true>
            <summary><h2>{ text.panel_title }</h2></summary>
            <form class="upload-form" onsubmit={onsubmit} novalidate=true>
                <fieldset>
                    <legend>{ text.strategy_legend }</legend>
                    { strategy_option(UploadType::ZipWithQr, text.strategy_qr, text.strategy_qr_hint) }
                    { strategy_option(UploadType::ZipNoQr, text.strategy_no_qr, text.strategy_no_qr_hint) }
                    { strategy_option(UploadType::Images, text.strategy_images, text.strategy_images_hint) }
                </fieldset>
                if strategy.needs_task_id() {
                    <div class="field">
                        <label for="upload-task-id">{ text.task_id }</label>
                        <input id="upload-task-id" type="text" inputmode="numeric" autocomplete="off" value={(*task_input).clone()}
                            aria-describedby="upload-task-id-hint" oninput={on_task_input} onchange={on_task_change} />
                        <p class="hint" id="upload-task-id-hint">{ text.task_id_hint }</p>
                    </div>
                }
                <UploadOptionsFields value={options.borrow().clone()} is_admin={is_admin}
                    on_change={{
                        let (options, rerender) = (options.clone(), rerender.clone());
                        Callback::from(move |change: OptionsChange| {
                            change.apply(&mut options.borrow_mut());
                            rerender.force_update();
                        })
                    }} />
                <div class="field">
                    <label for="upload-notes">{ text.notes }</label>
                    <textarea id="upload-notes" rows="2" value={(*notes).clone()} oninput={on_notes} />
                </div>
                <div class={classes!("drop-zone", dragging.then_some("drop-zone-active"))}
                    ondragover={on_drag_over} ondragleave={on_drag_leave} ondrop={on_drop}>
                    <label for="upload-files">{ files_label }</label>
                    <input id="upload-files" type="file" multiple=true accept={accept} onchange={on_file_change} />
                    <p class="hint">{ text.drop_here }</p>
                    if !files.is_empty() {
                        <ul class="picked-files">
                            { for files.iter().enumerate().map(|(i, f)| {
                                let (check, refused) = match scans.get(i) {
                                    Some(Some(Ok(summary))) => (Some(i18n::form::zip_summary(locale, summary)), false),
                                    Some(Some(Err(refusal))) => {
                                        let problem = FormError::Zip { name: f.name(), refusal: refusal.clone() };
                                        (Some(i18n::form::form_error(locale, &problem)), true)
                                    }
                                    Some(None) if is_zip(&f.name()) => (Some(text.zip_checking.to_string()), false),
                                    _ => (None, false),
                                };
                                let on_report = {
                                    let (cover_checks, rerender) = (cover_checks.clone(), rerender.clone());
                                    Callback::from(move |report: CoverReport| {
                                        cover_checks.borrow_mut().record(i, report);
                                        rerender.force_update();
                                    })
                                };
                                let on_finished = {
                                    let (cover_checks, rerender) = (cover_checks.clone(), rerender.clone());
                                    Callback::from(move |()| {
                                        cover_checks.borrow_mut().end(i);
                                        rerender.force_update();
                                    })
                                };
                                html! {
                                    <li>
                                        <bdi>{ f.name() }</bdi>{ format!(" ({})", intl::bytes(locale, f.size() as u64)) }
                                        if let Some(check) = check {
                                            <span class={classes!("zip-check", refused.then_some("form-error"))} data-testid="zip-check">{ " — " }{ check }</span>
                                        }
                                        if checkable[i] {
                                            <QrCoverCheck file={f.clone()} active={cover_checks.borrow().may_run(i, &checkable)} {on_report} {on_finished} />
                                        }
                                    </li>
                                }
                            }) }
                        </ul>
                        <button type="button" class="button button-quiet" onclick={{ let files = files.clone(); Callback::from(move |_: MouseEvent| files.set(Vec::new())) }}>
                            { text.clear_files }
                        </button>
                    }
                </div>
                if let Some(problem) = &*error {
                    <p class="form-error" role="alert" id="upload-error">{ i18n::form::form_error(locale, problem) }</p>
                }
                if let Some(added) = *status {
                    <p class="form-notice" role="status">{ i18n::uploads_added(locale, added) }</p>
                }
                <button type="submit" class="button button-primary" disabled={*preparing}>
                    { match (*preparing, files.is_empty() || !cover_checks.borrow().has_warnings()) {
                        (true, _) => text.preparing,
                        (false, true) => text.submit,
                        // Never blocked by the QR check: its warnings only change the wording.
                        (false, false) => text.submit_anyway,
                    } }
                </button>
            </form>
        </details>
    }
}
