//! `BatchUploadForm`: strategy, task id, notes and files (picker or drag and drop); valid
//! submissions become queued uploads.

use crate::config::AppConfig;
use crate::format::human_bytes;
use crate::hooks::use_api::use_api;
use crate::hooks::use_uploads::use_uploads;
use crate::i18n::{self, upload_strings};
use crate::upload::plan::{plan, Plan};
use crate::upload::queue::{Files, NewUpload};
use crate::upload::resume::{self, fingerprint};
use crate::upload::validate::{check_files, normalize_task_id, FileFacts, FormError, Strategy};
use std::rc::Rc;
use web_sys::{File, FileList, HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

fn files_of(list: Option<FileList>) -> Vec<File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// Turns a valid form into queue entries: one per ZIP, one for a whole image set.
pub fn prepare_uploads(
    strategy: Strategy,
    task_input: &str,
    notes: &str,
    files: &[File],
    config: &AppConfig,
) -> Result<Vec<NewUpload>, FormError> {
    let task_id = if strategy.needs_task_id() { Some(normalize_task_id(task_input)?) } else { None };
    let facts: Vec<FileFacts> = files.iter().map(|f| FileFacts { name: f.name(), size: f.size() as u64 }).collect();
    check_files(strategy, &facts, config.max_file_bytes, config.chunk_threshold_bytes)?;
    let notes = Some(notes.trim().to_string()).filter(|n| !n.is_empty());
    if strategy == Strategy::Images {
        let size = facts.iter().map(|f| f.size).sum();
        return Ok(vec![NewUpload {
            files: Files(Rc::new(files.to_vec())),
            label: i18n::images_label(files.len(), &facts[0].name),
            size,
            strategy,
            task_id,
            notes,
            fingerprint: None,
            resume: None,
        }]);
    }
    let now = js_sys::Date::now();
    Ok(files
        .iter()
        .zip(facts)
        .map(|(file, facts)| {
            let chunks = match plan(facts.size, config.chunk_threshold_bytes, config.chunk_size_bytes) {
                Plan::Chunked(ranges) => Some(ranges.len() as u32),
                Plan::Direct => None,
            };
            let fingerprint = chunks.map(|_| {
                fingerprint(&facts.name, facts.size, file.last_modified(), strategy.key(), task_id.as_deref())
            });
            let resume = fingerprint.as_deref().and_then(|fp| resume::find(fp, now)).filter(|entry| {
                Some(entry.total_chunks) == chunks && entry.fits(entry.total_chunks, config.chunk_size_bytes)
            });
            NewUpload {
                files: Files(Rc::new(vec![file.clone()])),
                label: facts.name,
                size: facts.size,
                strategy,
                task_id: task_id.clone(),
                notes: notes.clone(),
                fingerprint,
                resume,
            }
        })
        .collect())
}

/// The upload form, collapsible, above the batch list.
#[component]
pub fn BatchUploadForm() -> Html {
    let text = upload_strings();
    let client = use_api();
    let uploads = use_uploads();
    let strategy = use_state(|| Strategy::ZipWithQr);
    let task_input = use_state(String::new);
    let notes = use_state(String::new);
    let files = use_state(Vec::<File>::new);
    let error = use_state(|| None::<String>);
    let status = use_state(|| None::<String>);
    let preparing = use_state(|| false);
    let dragging = use_state(|| false);

    let pick = {
        let (files, error, status) = (files.clone(), error.clone(), status.clone());
        move |picked: Vec<File>| {
            if !picked.is_empty() {
                files.set(picked);
                error.set(None);
                status.set(None);
            }
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
    let onsubmit = {
        let (strategy, task_input, notes, files, error, status, preparing) = (
            strategy.clone(),
            task_input.clone(),
            notes.clone(),
            files.clone(),
            error.clone(),
            status.clone(),
            preparing.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *preparing || (files.is_empty() && status.is_some()) {
                return; // A double click after a successful submit adds nothing.
            }
            preparing.set(true);
            match prepare_uploads(*strategy, &task_input, &notes, &files, client.config()) {
                Ok(prepared) => {
                    status.set(Some(i18n::uploads_added(prepared.len())));
                    uploads.add(prepared);
                    files.set(Vec::new());
                    notes.set(String::new());
                    error.set(None);
                }
                Err(problem) => {
                    status.set(None);
                    error.set(Some(problem.to_string()));
                }
            }
            preparing.set(false);
        })
    };

    let strategy_option = |value: Strategy, label: &'static str, hint: &'static str| {
        let strategy_state = strategy.clone();
        let error = error.clone();
        let id = format!("strategy-{}", value.key());
        html! {
            <div class="radio-option">
                <input type="radio" name="strategy" id={id.clone()} value={value.key()} checked={*strategy == value}
                    onchange={Callback::from(move |_: Event| { strategy_state.set(value); error.set(None); })} />
                <label for={id.clone()}>{ label }</label>
                <p class="hint" id={format!("{id}-hint")}>{ hint }</p>
            </div>
        }
    };
    let accept =
        if *strategy == Strategy::Images { ".jpg,.jpeg,.png,image/jpeg,image/png" } else { ".zip,application/zip" };
    let files_label = if *strategy == Strategy::Images { text.files_images } else { text.files_zip };
    html! {
        <details class="upload-panel" open=true>
            <summary><h2>{ text.panel_title }</h2></summary>
            <form class="upload-form" onsubmit={onsubmit} novalidate=true>
                <fieldset>
                    <legend>{ text.strategy_legend }</legend>
                    { strategy_option(Strategy::ZipWithQr, text.strategy_qr, text.strategy_qr_hint) }
                    { strategy_option(Strategy::ZipNoQr, text.strategy_no_qr, text.strategy_no_qr_hint) }
                    { strategy_option(Strategy::Images, text.strategy_images, text.strategy_images_hint) }
                </fieldset>
                if strategy.needs_task_id() {
                    <div class="field">
                        <label for="upload-task-id">{ text.task_id }</label>
                        <input id="upload-task-id" type="text" inputmode="numeric" autocomplete="off" value={(*task_input).clone()}
                            aria-describedby="upload-task-id-hint" oninput={on_task_input} onchange={on_task_change} />
                        <p class="hint" id="upload-task-id-hint">{ text.task_id_hint }</p>
                    </div>
                }
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
                            { for files.iter().map(|f| html! { <li>{ format!("{} ({})", f.name(), human_bytes(f.size() as u64)) }</li> }) }
                        </ul>
                        <button type="button" class="button button-quiet" onclick={{ let files = files.clone(); Callback::from(move |_: MouseEvent| files.set(Vec::new())) }}>
                            { text.clear_files }
                        </button>
                    }
                </div>
                if let Some(message) = &*error {
                    <p class="form-error" role="alert" id="upload-error">{ message.clone() }</p>
                }
                if let Some(message) = &*status {
                    <p class="form-notice" role="status">{ message.clone() }</p>
                }
                <button type="submit" class="button button-primary" disabled={*preparing}>
                    { if *preparing { text.preparing } else { text.submit } }
                </button>
            </form>
        </details>
    }
}
