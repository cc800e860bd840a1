//! Shared PCs and sleeping tabs: a change of user in another tab drops everything of the
//! previous one, a late answer is never shown to (or replayed for) the next user, a wait is
//! one timer that a waking tab re-checks, requests have deadlines, a lease stands in for Web
//! Locks on plain http, and the lost-answer look-up trusts the server's clock, not the PC's.

use crate::steps::{choose_files, set_task_id};
use crate::support::{
    batches_named, config, control, count_requests, done, fault, find, fresh_client, go_to, js, mount_app,
    patterned_file, poll_until, queued, recorder, second_tab, set_tab_visible, small_zip, start_clean, unique_name,
    unmount_all, wait_for, wait_on_page, Events,
};
use omr_web::api::types::UploadType;
use omr_web::api::{ApiClient, ApiError, NetworkFailure};
use omr_web::config::AppConfig;
use omr_web::i18n;
use omr_web::locale::{Lang, Locale};
use omr_web::upload::cancel::Cancel;
use omr_web::upload::job::{Job, UploadEvent, UploadFailure};
use omr_web::upload::protocol::Note;
use omr_web::upload::runner::run;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

/// The direct upload as the stand-in logs it (the long lane).
const UPLOAD: &str = "/api/realtime/batches/upload";

const MIB: u64 = 1024 * 1024;

/// Starts counting `setTimeout` calls: their delays are kept in `window.__timerDelays`.
fn count_timers() {
    js("if (!window.__realSetTimeout) { window.__realSetTimeout = window.setTimeout; }
        window.__timerDelays = [];
        window.setTimeout = function (handler, delay, ...rest) {
            window.__timerDelays.push(Number(delay) || 0);
            return window.__realSetTimeout.call(window, handler, delay, ...rest);
        };");
}

/// The delays of the `setTimeout` calls counted so far.
fn timer_delays() -> Vec<f64> {
    let delays: js_sys::Array = js("return window.__timerDelays.slice();").unchecked_into();
    delays.iter().filter_map(|d| d.as_f64()).collect()
}

/// Moves this PC's clock (`Date.now`) by `offset_ms`, as a wrong PC clock or a tab that slept.
fn shift_clock(offset_ms: f64) {
    js(&format!(
        "if (!window.__realDateNow) {{ window.__realDateNow = Date.now; }}
         Date.now = () => window.__realDateNow.call(Date) + {offset_ms};"
    ));
}

/// A job for `file` with this test's configuration.
fn job_with(client: &ApiClient, file: web_sys::File, config: &AppConfig) -> Job {
    Job::new(queued(client, file, UploadType::ZipWithQr, None), false, config)
}

async fn signed_in(user: &str, password: &str) -> ApiClient {
    start_clean().await;
    let client = fresh_client();
    client.login(user, password).await.expect("login");
    control("DELETE", "/__test/requests").await;
    client
}

fn has(events: &Events, wanted: impl Fn(&UploadEvent) -> bool) -> bool {
    events.borrow().iter().any(wanted)
}

/// Waits up to `seconds` for `check`, failing with `what`.
async fn within(seconds: u32, what: &str, check: impl FnMut() -> bool) {
    assert!(poll_until(seconds * 20, Duration::from_millis(50), check).await, "timed out waiting for {what}");
}

#[wasm_bindgen_test]
async fn another_user_signing_in_in_another_tab_drops_this_tabs_form_file_and_dialog() {
    start_clean().await;
    ApiClient::new(config()).login("admin", "admin-pass-2025").await.unwrap();
    go_to("/dashboard/batches");
    let root = mount_app(config());
    wait_for("the list with its rows", || find(&root, "table.batch-table tbody tr[data-uuid]").is_some()).await;
    // The admin picks a file, types a task id and opens a delete dialog…
    let picked = unique_name("picked-by-admin");
    find(&root, "#strategy-zip_no_qr").unwrap().click();
    wait_for("the task id field", || find(&root, "#upload-task-id").is_some()).await;
    choose_files(&root, &[small_zip(&picked, "12345678", 2)]);
    set_task_id(&root, "12345678");
    wait_for("the picked file", || root.text_content().unwrap_or_default().contains(&picked)).await;
    find(&root, "table.batch-table tbody tr[data-uuid] button[aria-haspopup=dialog]").unwrap().click();
    wait_for("the dialog", || find(&root, "[role=dialog]").is_some()).await;

    // …and the next officer signs in in another tab without the admin signing out here.
    let other = ApiClient::for_window(config(), &second_tab());
    other.login("center08", "center08-pass").await.unwrap();
    wait_for("the next user in this tab", || {
        find(&root, "[data-testid=header-user]").is_some_and(|e| e.inner_text() == "Evaluation Center 8")
    })
    .await;
    wait_on_page(&root, "the next user's own form", || find(&root, "#strategy-zip_with_qr").is_some()).await;
    let page = root.text_content().unwrap_or_default();
    assert!(find(&root, "[role=dialog]").is_none(), "the admin's dialog is gone");
    assert!(!page.contains(&picked), "the admin's picked file is gone");
    let qr: web_sys::HtmlInputElement = find(&root, "#strategy-zip_with_qr").unwrap().unchecked_into();
    assert!(
        qr.checked() && find(&root, "#upload-task-id").is_none(),
        "a fresh form: the admin's choice and task id are gone"
    );
    assert!(find(&root, ".badge-admin").is_none(), "no admin view for the officer");
    unmount_all();
}

#[wasm_bindgen_test]
async fn an_answer_that_arrives_after_another_user_signed_in_is_thrown_away_not_replayed() {
    let here = signed_in("center07", "center07-pass").await;
    // The list answers late; meanwhile another user signs in in another tab.
    fault(serde_json::json!({"method": "GET", "path": "/api/batches/", "action": {"kind": "delay", "ms": 8000}})).await;
    let result: Rc<RefCell<Option<Result<usize, ApiError>>>> = Rc::default();
    {
        let (here, result) = (here.clone(), result.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let answer = here.list_batches(None, 10, 0).await.map(|page| page.batches.len());
            *result.borrow_mut() = Some(answer);
        });
    }
    gloo_timers::future::sleep(Duration::from_millis(300)).await;
    let other = ApiClient::for_window(config(), &second_tab());
    other.login("center08", "center08-pass").await.unwrap();
    assert!(result.borrow().is_none(), "the sign-in was faster than the delayed list");
    within(20, "the late answer", || result.borrow().is_some()).await;
    assert_eq!(result.borrow_mut().take().unwrap(), Err(ApiError::SessionChanged), "center07's list is not shown");
    assert_eq!(count_requests("GET", "/api/batches/").await, 1, "and not asked again for center08");
}

#[wasm_bindgen_test]
async fn a_retry_after_wait_is_one_timer_and_a_tab_that_wakes_past_it_sends_at_once() {
    let client = signed_in("center07", "center07-pass").await;
    let name = unique_name("retry-after");
    // Chunk 0 of three is refused with "Retry-After: 20".
    fault(serde_json::json!({"method": "POST", "path": "/api/batches/upload-chunk",
        "action": {"kind": "rate_limit", "retry_after_secs": 20}}))
    .await;
    count_timers();
    let (events, report) = recorder();
    let (file, _) = patterned_file(&name, 3, 0);
    let mut job = job_with(&client, file, &AppConfig::default());
    (job.chunk_size, job.threshold, job.concurrency) = (MIB, MIB, 1);
    wasm_bindgen_futures::spawn_local(run(client.clone(), job, report, Cancel::default()));
    within(10, "the 429 and its 20 s wait", || {
        has(&events, |e| matches!(e, UploadEvent::Note(Note::Retrying { delay_ms: 20_000, .. })))
    })
    .await;
    // Two seconds into the wait: no timer was scheduled but the wait's own (and this
    // test's one sleep). The old wait scheduled a 100 ms timer after another.
    let before = timer_delays().len();
    gloo_timers::future::sleep(Duration::from_millis(2_000)).await;
    let during: Vec<f64> = timer_delays()[before..].to_vec();
    assert_eq!(during, vec![2_000.0], "only the test's own sleep: {during:?}");
    // The request's own stall watch is one timer too (59 999 ms), not a 100 ms chain.
    let waits = timer_delays().into_iter().filter(|d| (19_000.0..=21_000.0).contains(d)).count();
    assert_eq!(waits, 1, "one timer for the 20 s wait: {:?}", timer_delays());

    // The tab slept in the background for longer than the wait (its timer held back): when
    // it is shown again the upload goes out at once, not 18 s later.
    set_tab_visible(false);
    shift_clock(25_000.0);
    set_tab_visible(true);
    within(8, "the upload sent again at once", || has(&events, |e| matches!(e, UploadEvent::Done { .. }))).await;
    let chunks = events.borrow().iter().find_map(|e| match e {
        UploadEvent::Started { total_chunks, .. } => Some(*total_chunks),
        _ => None,
    });
    let sent = count_requests("POST", &format!("{UPLOAD}-chunk")).await;
    assert_eq!(Some(sent as u32), chunks.map(|n| n + 1), "chunk 0 twice, every other chunk once");
    assert_eq!(batches_named(&client, &name).await, 1);
}

#[wasm_bindgen_test]
async fn an_upload_whose_answer_never_comes_is_abandoned_at_its_deadline_and_looked_up_once() {
    let client = signed_in("center07", "center07-pass").await;
    let name = unique_name("no-answer");
    // The first upload is read, never handled, and never answered (the connection stays open).
    fault(serde_json::json!({"method": "POST", "path": "/api/batches/upload", "action": {"kind": "stall"}})).await;
    // 1 s for an ordinary request's answer: the completing one (a direct upload) gets 5 s.
    let config = AppConfig { upload_answer_ms: 1_000, poll_interval_ms: 300, ..AppConfig::default() };
    let (events, report) = recorder();
    run(client.clone(), job_with(&client, small_zip(&name, "12345678", 2), &config), report, Cancel::default()).await;
    let (_, recovered) = done(&events);
    assert!(!recovered, "the server had made no batch: sent again");
    // A lost answer to the request that completes the upload: look for the batch first.
    assert!(has(&events, |e| matches!(e, UploadEvent::Note(Note::Verifying))), "{:?}", events.borrow());
    assert_eq!(count_requests("POST", UPLOAD).await, 2, "abandoned once, then sent again");
    assert_eq!(batches_named(&client, &name).await, 1, "one file, one batch");
}

#[wasm_bindgen_test]
async fn a_json_call_without_an_answer_says_the_server_did_not_answer() {
    signed_in("center07", "center07-pass").await;
    let client = ApiClient::new(AppConfig { request_timeout_ms: 1_500, ..config() });
    assert!(client.session().is_some());
    fault(serde_json::json!({"method": "GET", "path": "/api/batches/", "action": {"kind": "delay", "ms": 4000}})).await;
    let started = js_sys::Date::now();
    let error = client.list_batches(None, 10, 0).await.unwrap_err();
    assert_eq!(error, ApiError::Network(NetworkFailure::NoAnswer));
    assert!(js_sys::Date::now() - started < 3_900.0, "abandoned at the timeout, not when the answer came");
    for (lang, words) in [(Lang::En, "did not answer"), (Lang::Th, "ไม่ตอบกลับ")] {
        let message = i18n::api_error(Locale::new(lang), &error);
        assert!(message.contains(words), "{message}");
    }
}

#[wasm_bindgen_test]
async fn without_web_locks_a_lease_keeps_a_second_tab_from_uploading_the_same_file() {
    let client = signed_in("center07", "center07-pass").await;
    // Plain http has no navigator.locks.
    js("Object.defineProperty(navigator, 'locks', { value: undefined, configurable: true });");
    let name = unique_name("leased");
    let file = small_zip(&name, "12345678", 2);
    fault(
        serde_json::json!({"method": "POST", "path": "/api/batches/upload", "action": {"kind": "delay", "ms": 2000}}),
    )
    .await;
    let (first_events, first_report) = recorder();
    wasm_bindgen_futures::spawn_local(run(
        client.clone(),
        job_with(&client, file.clone(), &AppConfig::default()),
        first_report,
        Cancel::default(),
    ));
    within(5, "the first upload under way", || has(&first_events, |e| matches!(e, UploadEvent::Started { .. }))).await;
    let lease_keys = || {
        let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
        (0..storage.length().unwrap())
            .filter_map(|i| storage.key(i).ok().flatten())
            .filter(|key| key.starts_with("omr.lease."))
            .collect::<Vec<_>>()
    };
    assert_eq!(lease_keys().len(), 1, "the first upload holds a lease");
    let (second_events, second_report) = recorder();
    run(client.clone(), job_with(&client, file.clone(), &AppConfig::default()), second_report, Cancel::default()).await;
    assert_eq!(
        second_events.borrow().last().cloned(),
        Some(UploadEvent::Failed(UploadFailure::OtherTab)),
        "the second refused"
    );
    within(10, "the first upload done", || has(&first_events, |e| matches!(e, UploadEvent::Done { .. }))).await;
    within(2, "the lease given back", || lease_keys().is_empty()).await;
    assert_eq!(batches_named(&client, &name).await, 1);
}

#[wasm_bindgen_test]
async fn a_pc_clock_hours_ahead_still_finds_the_batch_a_lost_answer_made() {
    let client = signed_in("center07", "center07-pass").await;
    let name = unique_name("clock-ahead");
    // This PC's clock runs three hours ahead of the server's.
    shift_clock(3.0 * 3_600_000.0);
    // The server makes the batch, then the answer is cut on its way back.
    fault(serde_json::json!({"method": "POST", "path": "/api/batches/upload", "action": {"kind": "cut_after"}})).await;
    let config = AppConfig { poll_interval_ms: 300, ..AppConfig::default() };
    let (events, report) = recorder();
    run(client.clone(), job_with(&client, small_zip(&name, "12345678", 2), &config), report, Cancel::default()).await;
    let (_, recovered) = done(&events);
    assert!(recovered, "found by the look-up on the server's clock: {:?}", events.borrow());
    assert_eq!(count_requests("POST", UPLOAD).await, 1, "never sent twice");
    assert_eq!(batches_named(&client, &name).await, 1);
}
