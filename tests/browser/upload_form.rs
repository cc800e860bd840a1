//! The upload form and queue in the page: validation messages, Thai digits, a real upload
//! through the queue, the list showing the new batch, uploads across navigation and lost
//! Wi-Fi, sign-out ending a user's uploads, and resume offers only for the very same file.

use crate::steps::{choose_files, drop_files, set_task_id, sign_in, submit};
use crate::support::{
    chunk_log, config, control, fault, find, mount_app, open_batches, patterned_file, received_sha, set_online,
    small_zip, start_clean, stored, text, unmount_all, wait_for,
};
use omr_web::api::ApiClient;
use omr_web::config::AppConfig;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

/// Fires a cancelable `beforeunload` as the browser does on reload or close; true when the page
/// asked to stay (the browser would then show its confirmation).
fn leaving_is_questioned() -> bool {
    let init = web_sys::EventInit::new();
    init.set_cancelable(true);
    let event = web_sys::Event::new_with_event_init_dict("beforeunload", &init).unwrap();
    web_sys::window().unwrap().dispatch_event(&event).unwrap();
    event.default_prevented()
}

/// Small chunks so that a few MiB make a chunked upload; one chunk at a time.
fn chunky() -> AppConfig {
    AppConfig {
        chunk_threshold_bytes: 10 * 1024 * 1024,
        chunk_size_bytes: 10 * 1024 * 1024,
        chunk_concurrency: 1,
        ..config()
    }
}

fn phase(root: &web_sys::Element) -> Option<String> {
    find(root, ".upload-item").and_then(|item| item.get_attribute("data-phase"))
}

/// The batch the finished row links to.
fn done_batch(root: &web_sys::Element) -> String {
    let link = find(root, ".upload-item a.button").unwrap().get_attribute("href").unwrap();
    link.rsplit('/').next().unwrap().to_string()
}

/// Uploads `file` while the connection breaks from the third chunk request on and the browser
/// says it is offline; returns once the row waits for the network.
async fn upload_until_the_network_goes(root: &web_sys::Element, file: &web_sys::File) {
    fault(serde_json::json!({"method": "POST", "path": "/api/batches/upload-chunk", "nth": 3, "count": 0, "action": {"kind": "cut"}})).await;
    choose_files(root, std::slice::from_ref(file));
    set_online(false);
    submit(root);
    wait_for("the upload waiting for the network", || phase(root).as_deref() == Some("Failed")).await;
}

/// The network comes back: the fault goes, the log starts afresh, the browser says `online`.
async fn network_back() {
    control("DELETE", "/__test/faults").await;
    control("DELETE", "/__test/requests").await;
    set_online(true);
    web_sys::window().unwrap().dispatch_event(&web_sys::Event::new("online").unwrap()).unwrap();
}

#[wasm_bindgen_test]
async fn form_refuses_bad_input_then_uploads_and_the_list_shows_the_batch() {
    start_clean().await;
    let root = open_batches("center08", "center08-pass", config()).await;

    submit(&root);
    wait_for("no-file message", || text(&root).contains("Choose a file to upload.")).await;

    let pdf = web_sys::File::new_with_str_sequence(&js_sys::Array::of1(&"%PDF-1.4".into()), "scan.pdf").unwrap();
    drop_files(&root, &[pdf]);
    wait_for("the dropped file listed", || {
        find(&root, ".picked-files").is_some_and(|l| l.inner_text().contains("scan.pdf"))
    })
    .await;
    submit(&root);
    wait_for("wrong-type message", || text(&root).contains("“scan.pdf” is not a ZIP file.")).await;

    find(&root, "#strategy-zip_no_qr").unwrap().click();
    wait_for("the task id field", || find(&root, "#upload-task-id").is_some()).await;
    choose_files(&root, &[small_zip("day2.zip", "x", 3)]);
    set_task_id(&root, "1230014");
    submit(&root);
    wait_for("task id length message", || text(&root).contains("exactly 8 digits; this one has 7")).await;

    set_task_id(&root, "๑๒๓๐๐๑๔๕");
    let shown: web_sys::HtmlInputElement = root.query_selector("#upload-task-id").unwrap().unwrap().dyn_into().unwrap();
    assert_eq!(shown.value(), "12300145", "Thai digits shown converted");
    submit(&root);
    // The finished row, with its bar at 100 % (the row and its bar render together).
    wait_for("the finished upload at 100 %", || {
        find(&root, ".upload-item[data-phase=Done] [role=progressbar]")
            .is_some_and(|bar| bar.get_attribute("aria-valuenow").as_deref() == Some("100"))
    })
    .await;
    wait_for("the new batch in the list", || {
        find(&root, "table.batch-table tbody tr[data-uuid]").is_some_and(|row| row.inner_text().contains("day2.zip"))
    })
    .await;
    let link = find(&root, ".upload-item a.button").expect("link to the batch");
    assert!(link.get_attribute("href").unwrap().starts_with("/dashboard/batches/"));
    unmount_all();
}

#[wasm_bindgen_test]
async fn an_upload_keeps_going_while_the_user_moves_between_pages() {
    start_clean().await;
    fault(serde_json::json!({"method": "POST", "path": "/api/batches/upload-chunk", "count": 0, "action": {"kind": "delay", "ms": 400}})).await;
    let root = open_batches("center08", "center08-pass", config()).await;
    wait_for("the list", || find(&root, "a.row-link").is_some()).await;
    let (file, sha) = patterned_file("night-shift.zip", 120, 5);
    choose_files(&root, &[file]);
    submit(&root);
    wait_for("the upload to start", || phase(&root).as_deref() == Some("Uploading")).await;
    assert!(leaving_is_questioned(), "leaving mid-upload asks for confirmation");

    find(&root, "a.row-link").unwrap().click();
    wait_for("a details page", || crate::support::current_url().starts_with("/dashboard/batches/")).await;
    wait_for("the details page", || text(&root).contains("Back to batches")).await;
    gloo_timers::future::sleep(std::time::Duration::from_millis(500)).await;
    find(&root, "main a[href='/dashboard/batches']").unwrap().click();
    wait_for("the queue, still there", || find(&root, ".upload-item").is_some()).await;
    wait_for("the upload to finish", || phase(&root).as_deref() == Some("Done")).await;
    assert!(!leaving_is_questioned(), "nothing pending: leaving is free");

    let log = chunk_log().await;
    let ids: std::collections::HashSet<&String> = log.iter().map(|(_, id, _)| id).collect();
    assert_eq!(ids.len(), 1, "one session from start to end: never interrupted ({log:?})");
    assert_eq!(received_sha(&done_batch(&root)).await, sha);
    unmount_all();
}

#[wasm_bindgen_test]
async fn an_upload_cut_off_by_the_network_carries_on_when_the_browser_is_online_again() {
    start_clean().await;
    let root = open_batches("center07", "center07-pass", chunky()).await;
    let (file, sha) = patterned_file("wifi.zip", 50, 7);
    upload_until_the_network_goes(&root, &file).await;
    assert!(text(&root).contains("carries on from its last confirmed chunk"));

    network_back().await;
    wait_for("the upload to finish by itself", || phase(&root).as_deref() == Some("Done")).await;
    let sent: Vec<i64> = chunk_log().await.iter().map(|(i, _, _)| *i).collect();
    assert_eq!(sent, [2, 3, 4, 5], "only the chunks the server had not confirmed");
    assert_eq!(received_sha(&done_batch(&root)).await, sha);
    unmount_all();
}

#[wasm_bindgen_test]
async fn signing_out_ends_the_uploads_and_nothing_reaches_the_next_user() {
    start_clean().await;
    let root = open_batches("center07", "center07-pass", chunky()).await;
    let (file, _) = patterned_file("shared-pc.zip", 35, 1);
    upload_until_the_network_goes(&root, &file).await;

    // The first user signs out and hands the PC over; then the Wi-Fi comes back.
    find(&root, ".header-user button").unwrap().click();
    sign_in(&root, "center08", "center08-pass").await;
    wait_for("the second user's list", || find(&root, "#upload-files").is_some()).await;
    assert!(find(&root, ".upload-item").is_none(), "the queue went with the first user");
    network_back().await;
    gloo_timers::future::sleep(std::time::Duration::from_millis(1_500)).await;
    assert!(chunk_log().await.is_empty(), "nothing of the first user's file was sent");
    let table = stored(omr_web::upload::resume::STORAGE_KEY).unwrap_or_default();
    assert!(table.contains("|14|shared-pc.zip|"), "the first user's record is kept for them: {table}");

    // The second user picks the same file: it is theirs to upload afresh, not to resume.
    choose_files(&root, &[file]);
    submit(&root);
    wait_for("a fresh upload", || matches!(phase(&root).as_deref(), Some("Uploading" | "Finishing" | "Done"))).await;
    assert!(!text(&root).contains("Resume it"), "another user's record is never offered");
    wait_for("done", || phase(&root).as_deref() == Some("Done")).await;
    let log = chunk_log().await;
    assert_eq!(log.first().map(|(i, _, _)| *i), Some(0), "from the first chunk, in a session of its own: {log:?}");
    unmount_all();
}

/// A 25 MiB ZIP whose content depends on `seed`, dated `last_modified`.
fn dated_file(name: &str, seed: u8, last_modified: f64) -> web_sys::File {
    crate::support::patterned_zip(name, 25, 0, seed, Some(last_modified)).0
}

#[wasm_bindgen_test]
async fn only_the_very_same_file_is_offered_to_resume() {
    start_clean().await;
    let root = open_batches("center07", "center07-pass", chunky()).await;
    let refuse_third = serde_json::json!({"method": "POST", "path": "/api/batches/upload-chunk", "nth": 3,
        "action": {"kind": "respond", "status": 400, "content_type": "application/json", "body": "{\"detail\":\"Invalid chunk_index\"}"}});
    fault(refuse_third).await;
    let date = 1_764_000_000_000.0;
    choose_files(&root, &[dated_file("same-name.zip", 1, date)]);
    submit(&root);
    wait_for("the refusal", || phase(&root).as_deref() == Some("Failed")).await;
    // By its label: a row that follows its batch may show the batch's own buttons too.
    click_button(&root, "Remove");
    wait_for("the row removed", || find(&root, ".upload-item").is_none()).await;

    // Same name, size and date, other content: a different file, uploaded from the start.
    control("DELETE", "/__test/requests").await;
    choose_files(&root, &[dated_file("same-name.zip", 2, date)]);
    submit(&root);
    wait_for("a fresh upload", || matches!(phase(&root).as_deref(), Some("Uploading" | "Finishing" | "Done"))).await;
    wait_for("done", || phase(&root).as_deref() == Some("Done")).await;
    assert_eq!(chunk_log().await.first().map(|(i, _, _)| *i), Some(0), "from the first chunk");
    click_button(&root, "Remove");
    wait_for("the row removed", || find(&root, ".upload-item").is_none()).await;

    // The first file again: the server has a batch of that name and size (the second file),
    // so it asks first; then its two confirmed chunks are offered.
    choose_files(&root, &[dated_file("same-name.zip", 1, date)]);
    submit(&root);
    wait_for("the duplicate question", || phase(&root).as_deref() == Some("ConfirmDuplicate")).await;
    assert!(text(&root).contains("This file was already uploaded on"));
    click_button(&root, "Upload again");
    wait_for("the resume offer", || text(&root).contains("stopped after 2 of 3 chunks")).await;
    assert_eq!(phase(&root).as_deref(), Some("AwaitingChoice"));
    unmount_all();
}

#[wasm_bindgen_test]
async fn a_lost_answer_ends_in_one_done_row_linking_to_the_batch_the_server_made() {
    start_clean().await;
    let root = open_batches("center08", "center08-pass", config()).await;
    let name = crate::support::unique_name("lost-in-the-form");
    fault(serde_json::json!({"method": "POST", "path": "/api/batches/upload", "action": {"kind": "cut_after"}})).await;
    choose_files(&root, &[small_zip(&name, &crate::support::unique_task(), 3)]);
    submit(&root);
    wait_for("the done row", || phase(&root).as_deref() == Some("Done")).await;
    assert!(text(&root).contains("The server had already received this file."));
    let client = ApiClient::new(config());
    let page = client.list_batches(None, 100, 0).await.unwrap();
    let made: Vec<&str> = page
        .batches
        .iter()
        .filter(|b| b.batch_name.as_deref() == Some(name.as_str()))
        .map(|b| b.batch_uuid.as_str())
        .collect();
    assert_eq!(made.len(), 1, "one file, one batch");
    let link = find(&root, ".upload-item a.button").unwrap().get_attribute("href").unwrap();
    assert_eq!(link, format!("/dashboard/batches/{}", made[0]), "the row links to that batch");
    unmount_all();
}

#[wasm_bindgen_test]
async fn bad_zips_are_refused_before_a_byte_is_sent_and_good_ones_show_their_sheets() {
    start_clean().await;
    let root = open_batches("center07", "center07-pass", config()).await;
    let check_line = |root: &web_sys::Element| find(root, "[data-testid=zip-check]").map(|e| e.inner_text());
    let empty_zip = {
        let end: [u8; 22] = [0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(&end[..]));
        web_sys::File::new_with_u8_array_sequence(&parts, "empty.zip").unwrap()
    };
    let pdf = web_sys::File::new_with_str_sequence(&js_sys::Array::of1(&"%PDF-1.4 a scan".into()), "scan.zip").unwrap();
    for (file, refusal) in [(empty_zip, "holds no sheet images"), (pdf, "is not really a ZIP file")] {
        choose_files(&root, &[file]);
        wait_for(refusal, || check_line(&root).is_some_and(|line| line.contains(refusal))).await;
        submit(&root);
        wait_for("the refusal on submit", || {
            find(&root, "#upload-error").is_some_and(|e| e.inner_text().contains(refusal))
        })
        .await;
        assert!(find(&root, ".upload-item").is_none(), "nothing queued");
    }
    assert_eq!(crate::support::count_path_suffix("/batches/upload").await, 0, "nothing reached the server");

    let task = crate::support::unique_task();
    choose_files(&root, &[small_zip("room5.zip", &task, 3)]);
    wait_for("the sheet count before sending", || {
        check_line(&root).is_some_and(|line| line.contains("3 sheet images in 1 task folder"))
    })
    .await;
    assert!(find(&root, ".upload-item").is_none(), "shown before the upload starts");
    submit(&root);
    wait_for("the upload done", || phase(&root).as_deref() == Some("Done")).await;
    // The row follows its batch through processing to the result.
    wait_for("the processing result in the row", || {
        find(&root, ".upload-follow[data-status=completed]")
            .is_some_and(|line| line.inner_text().contains("3 sheets processed, 0 failed"))
    })
    .await;
    // The title is set by an effect, a moment after the row on a busy machine.
    let title = || web_sys::window().unwrap().document().unwrap().title();
    wait_for("the title saying everything is done", || title().starts_with("(✓) Batches")).await;
    find(&root, "[data-testid=clear-finished]").unwrap().click();
    wait_for("finished rows cleared", || find(&root, ".upload-item").is_none()).await;

    // The same file again: the guard asks, and Skip sends nothing.
    let sent = crate::support::count_path_suffix("/batches/upload").await;
    choose_files(&root, &[small_zip("room5.zip", &task, 3)]);
    submit(&root);
    wait_for("the duplicate question", || phase(&root).as_deref() == Some("ConfirmDuplicate")).await;
    let earlier = find(&root, ".upload-item a.button").unwrap().get_attribute("href").unwrap();
    assert!(earlier.starts_with("/dashboard/batches/"), "a link to the earlier batch");
    click_button(&root, "Skip");
    wait_for("the row gone", || find(&root, ".upload-item").is_none()).await;
    assert_eq!(crate::support::count_path_suffix("/batches/upload").await, sent, "nothing sent");
    unmount_all();
}

/// Clicks the button of the upload row that says `label`.
fn click_button(root: &web_sys::Element, label: &str) {
    let buttons = root.query_selector_all(".upload-item button").unwrap();
    let button = (0..buttons.length())
        .filter_map(|i| buttons.get(i)?.dyn_into::<web_sys::HtmlElement>().ok())
        .find(|b| b.inner_text().trim() == label)
        .unwrap_or_else(|| panic!("no button {label}"));
    button.click();
}

#[wasm_bindgen_test]
async fn unfinished_uploads_are_listed_after_a_reload_and_can_be_forgotten() {
    start_clean().await;
    let root = open_batches("center07", "center07-pass", chunky()).await;
    fault(serde_json::json!({"method": "POST", "path": "/api/batches/upload-chunk", "nth": 3,
        "action": {"kind": "respond", "status": 400, "content_type": "application/json", "body": "{\"detail\":\"Invalid chunk_index\"}"}}))
    .await;
    choose_files(&root, &[patterned_file("left-over.zip", 25, 3).0]);
    submit(&root);
    wait_for("the stopped upload", || phase(&root).as_deref() == Some("Failed")).await;

    // The next morning: a reload, the same user.
    unmount_all();
    let root = mount_app(chunky());
    wait_for("the unfinished upload listed", || {
        find(&root, "[data-testid=unfinished-upload]")
            .is_some_and(|row| row.inner_text().contains("left-over.zip: 2 of 3 chunks sent"))
    })
    .await;
    let forget = find(&root, "[data-testid=unfinished-upload] button").unwrap();
    forget.click();
    wait_for("the list gone", || find(&root, "[data-testid=unfinished-upload]").is_none()).await;
    let table = stored(omr_web::upload::resume::STORAGE_KEY).unwrap_or_default();
    assert!(!table.contains("left-over.zip"), "the record is gone");
    unmount_all();
}
