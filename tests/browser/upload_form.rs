//! The upload form and queue in the page: validation messages, Thai digits, a real upload
//! through the queue, and the list showing the new batch.

use crate::support::{clear_storage, config, control, find, go_to, mount_point, small_zip, text, wait_for};
use omr_web::app::{App, AppProps};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

/// Puts files into the file input as the picker would, and fires `change`.
fn choose_files(root: &web_sys::Element, files: &[web_sys::File]) {
    let transfer = web_sys::DataTransfer::new().unwrap();
    for file in files {
        transfer.items().add_with_file(file).unwrap();
    }
    let input: web_sys::HtmlInputElement = root.query_selector("#upload-files").unwrap().unwrap().dyn_into().unwrap();
    input.set_files(transfer.files().as_ref());
    input
        .dispatch_event(
            &web_sys::Event::new_with_event_init_dict("change", &{
                let init = web_sys::EventInit::new();
                init.set_bubbles(true);
                init
            })
            .unwrap(),
        )
        .unwrap();
}

/// Fires a cancelable `beforeunload` as the browser does on reload or close; true when the page
/// asked to stay (the browser would then show its confirmation).
fn leaving_is_questioned() -> bool {
    let init = web_sys::EventInit::new();
    init.set_cancelable(true);
    let event = web_sys::Event::new_with_event_init_dict("beforeunload", &init).unwrap();
    web_sys::window().unwrap().dispatch_event(&event).unwrap();
    event.default_prevented()
}

/// Drops files on the drop zone as a drag from the file manager would.
fn drop_files(root: &web_sys::Element, files: &[web_sys::File]) {
    let transfer = web_sys::DataTransfer::new().unwrap();
    for file in files {
        transfer.items().add_with_file(file).unwrap();
    }
    let init = web_sys::DragEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_data_transfer(Some(&transfer));
    let event = web_sys::DragEvent::new_with_event_init_dict("drop", &init).unwrap();
    find(root, ".drop-zone").unwrap().dispatch_event(&event).unwrap();
}

fn set_task_id(root: &web_sys::Element, value: &str) {
    let input: web_sys::HtmlInputElement = root.query_selector("#upload-task-id").unwrap().unwrap().dyn_into().unwrap();
    input.set_value(value);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    input
        .dispatch_event(
            &web_sys::InputEvent::new_with_event_init_dict("input", &web_sys::InputEventInit::new()).unwrap(),
        )
        .unwrap();
    input.dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &init).unwrap()).unwrap();
}

fn submit(root: &web_sys::Element) {
    find(root, ".upload-form button[type=submit]").unwrap().click();
}

#[wasm_bindgen_test]
async fn form_refuses_bad_input_then_uploads_and_the_list_shows_the_batch() {
    clear_storage();
    control("DELETE", "/__test/faults").await;
    omr_web::api::ApiClient::new(config()).login("center08", "center08-pass").await.unwrap();
    go_to("/dashboard/batches");
    let root = mount_point();
    let app = yew::Renderer::<App>::with_root_and_props(root.clone(), AppProps { config: Some(config()) }).render();
    wait_for("the upload form", || find(&root, "#upload-files").is_some()).await;

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
    wait_for("the finished upload", || find(&root, ".upload-item[data-phase=Done]").is_some()).await;
    let bar = find(&root, ".upload-item [role=progressbar]").unwrap();
    assert_eq!(bar.get_attribute("aria-valuenow").as_deref(), Some("100"));
    wait_for("the new batch in the list", || {
        find(&root, "table.batch-table tbody tr").is_some_and(|row| row.inner_text().contains("day2.zip"))
    })
    .await;
    let link = find(&root, ".upload-item a.button").expect("link to the batch");
    assert!(link.get_attribute("href").unwrap().starts_with("/dashboard/batches/"));
    app.destroy();
    clear_storage();
}

#[wasm_bindgen_test]
async fn an_upload_keeps_going_while_the_user_moves_between_pages() {
    clear_storage();
    control("DELETE", "/__test/faults").await;
    control("DELETE", "/__test/requests").await;
    crate::support::fault(serde_json::json!({"method": "POST", "path": "/api/batches/upload-chunk", "count": 0, "action": {"kind": "delay", "ms": 400}})).await;
    omr_web::api::ApiClient::new(config()).login("center08", "center08-pass").await.unwrap();
    go_to("/dashboard/batches");
    let root = mount_point();
    let app = yew::Renderer::<App>::with_root_and_props(root.clone(), AppProps { config: Some(config()) }).render();
    wait_for("the list", || find(&root, "a.row-link").is_some()).await;
    let (file, sha) = crate::support::patterned_file("night-shift.zip", 120, 5);
    choose_files(&root, &[file]);
    submit(&root);
    wait_for("the upload to start", || find(&root, ".upload-item[data-phase=Uploading]").is_some()).await;
    assert!(leaving_is_questioned(), "leaving mid-upload asks for confirmation");

    find(&root, "a.row-link").unwrap().click();
    wait_for("a details page", || crate::support::current_url().starts_with("/dashboard/batches/")).await;
    wait_for("the details page", || text(&root).contains("Back to batches")).await;
    gloo_timers::future::sleep(std::time::Duration::from_millis(500)).await;
    find(&root, "main a[href='/dashboard/batches']").unwrap().click();
    wait_for("the queue, still there", || find(&root, ".upload-item").is_some()).await;
    wait_for("the upload to finish", || find(&root, ".upload-item[data-phase=Done]").is_some()).await;
    assert!(!leaving_is_questioned(), "nothing pending: leaving is free");

    let log = crate::support::chunk_log().await;
    let ids: std::collections::HashSet<&String> = log.iter().map(|(_, id, _)| id).collect();
    assert_eq!(ids.len(), 1, "one session from start to end: never interrupted ({log:?})");
    let link = find(&root, ".upload-item a.button").unwrap().get_attribute("href").unwrap();
    let uuid = link.rsplit('/').next().unwrap();
    let files = control("GET", &format!("/__test/files/{uuid}")).await;
    assert_eq!(files["files"][0]["sha256"], sha.as_str());
    control("DELETE", "/__test/faults").await;
    app.destroy();
    clear_storage();
}

#[wasm_bindgen_test]
async fn an_upload_cut_off_by_the_network_carries_on_when_the_browser_is_online_again() {
    clear_storage();
    control("DELETE", "/__test/faults").await;
    control("DELETE", "/__test/requests").await;
    // From the third chunk request on, the "network" is gone until the rules are cleared.
    crate::support::fault(
        serde_json::json!({"method": "POST", "path": "/api/batches/upload-chunk", "nth": 3, "count": 0,
        "action": {"kind": "respond", "status": 503, "body": "<html>503 Service Temporarily Unavailable</html>"}}),
    )
    .await;
    let quick = omr_web::config::AppConfig {
        chunk_threshold_bytes: 10 * 1024 * 1024,
        chunk_size_bytes: 10 * 1024 * 1024,
        chunk_concurrency: 1,
        ..config()
    };
    omr_web::api::ApiClient::new(quick.clone()).login("center07", "center07-pass").await.unwrap();
    go_to("/dashboard/batches");
    let root = mount_point();
    let app = yew::Renderer::<App>::with_root_and_props(root.clone(), AppProps { config: Some(quick) }).render();
    wait_for("the upload form", || find(&root, "#upload-files").is_some()).await;
    let (file, sha) = crate::support::patterned_file("wifi.zip", 50, 7);
    choose_files(&root, &[file]);
    submit(&root);
    wait_for("the failure after three attempts", || find(&root, ".upload-item[data-phase=Failed]").is_some()).await;
    assert!(text(&root).contains("carries on from its last confirmed chunk"));

    control("DELETE", "/__test/faults").await;
    control("DELETE", "/__test/requests").await;
    web_sys::window().unwrap().dispatch_event(&web_sys::Event::new("online").unwrap()).unwrap();
    wait_for("the upload to finish by itself", || find(&root, ".upload-item[data-phase=Done]").is_some()).await;
    let sent: Vec<i64> = crate::support::chunk_log().await.iter().map(|(i, _, _)| *i).collect();
    assert_eq!(sent, [2, 3, 4, 5], "only the chunks the server had not confirmed");
    let link = find(&root, ".upload-item a.button").unwrap().get_attribute("href").unwrap();
    let files = control("GET", &format!("/__test/files/{}", link.rsplit('/').next().unwrap())).await;
    assert_eq!(files["files"][0]["sha256"], sha.as_str());
    app.destroy();
    clear_storage();
}
