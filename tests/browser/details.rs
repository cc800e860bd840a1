//! Live progress and the details page against the stand-in: polling stops at completed and
//! failed, on unmount and while the tab is hidden; a forced stream reconnect does not
//! duplicate the replayed log; malformed, unknown and forbidden ids get their own pages.

use crate::support::{
    clear_storage, config, control, count_path_suffix, count_requests, current_url, fault, find, go_to, mount_app,
    progress_requests, set_tab_visible, small_zip, start_clean, text, unique_task, unmount_all, upload_zip, wait_for,
    wait_on_page,
};
use gloo_timers::future::sleep;
use omr_web::api::ApiClient;
use omr_web::config::AppConfig;
use std::collections::HashSet;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

fn fast_config() -> AppConfig {
    AppConfig { poll_interval_ms: 250, ..config() }
}

async fn signed_in(user: &str, password: &str) -> ApiClient {
    start_clean().await;
    let client = ApiClient::new(fast_config());
    client.login(user, password).await.unwrap();
    client
}

fn mount_details(uuid: &str) -> web_sys::Element {
    go_to(&format!("/dashboard/batches/{uuid}"));
    mount_app(fast_config())
}

/// A seeded batch that stays `processing` forever (it has no file to process).
async fn stuck_batch(client: &ApiClient) -> String {
    let page = client.list_batches(Some(&omr_web::api::types::BatchStatus::Processing), 1, 0).await.unwrap();
    page.batches[0].batch_uuid.clone()
}

#[wasm_bindgen_test]
async fn polling_stops_at_completed_and_at_failed() {
    let client = signed_in("center07", "center07-pass").await;
    for (file, end) in [
        (small_zip("ok.zip", &unique_task(), 40), "Completed"),
        (web_sys::File::new_with_str_sequence(&js_sys::Array::of1(&"not a zip".into()), "bad.zip").unwrap(), "Failed"),
    ] {
        let uuid = upload_zip(&client, file).await;
        let root = mount_details(&uuid);
        wait_for(end, || find(&root, ".batch-progress .status-badge").is_some_and(|b| b.inner_text() == end)).await;
        sleep(Duration::from_millis(400)).await;
        let settled = progress_requests(&uuid).await;
        sleep(Duration::from_millis(1200)).await;
        assert_eq!(progress_requests(&uuid).await, settled, "no polling after {end}");
        assert!(settled >= 1);
        if end == "Failed" {
            wait_for("the error box", || text(&root).contains("File is not a valid ZIP archive")).await;
        } else {
            wait_for("the sheets", || root.query_selector_all(".sheet-row").unwrap().length() == 40).await;
            find(&root, "#failed-only").unwrap().click();
            wait_for("failed-only filter", || root.query_selector_all(".sheet-row").unwrap().length() == 0).await;
            assert!(text(&root).contains("ok.zip"), "file name known from the upload");
        }
        unmount_all();
    }
    clear_storage();
}

#[wasm_bindgen_test]
async fn unmount_stops_polling_and_a_hidden_tab_pauses_it() {
    let client = signed_in("admin", "admin-pass-2025").await;
    let uuid = stuck_batch(&client).await;
    let root = mount_details(&uuid);
    wait_for("a few polls", || find(&root, ".batch-progress").is_some()).await;
    sleep(Duration::from_millis(700)).await;
    assert!(progress_requests(&uuid).await >= 2, "polling runs every 250 ms");

    set_tab_visible(false);
    sleep(Duration::from_millis(300)).await;
    let paused = progress_requests(&uuid).await;
    sleep(Duration::from_millis(1000)).await;
    assert_eq!(progress_requests(&uuid).await, paused, "no polling while hidden");
    set_tab_visible(true);
    let shown = js_sys::Date::now();
    while progress_requests(&uuid).await <= paused {
        assert!(js_sys::Date::now() - shown < 2_000.0, "visible again: polled at once");
        sleep(Duration::from_millis(20)).await;
    }

    // A slow server: answers take 800 ms, the interval is 250 ms — requests must not pile up.
    fault(serde_json::json!({"method": "GET", "path": format!("/api/batches/{uuid}/progress"), "count": 0, "action": {"kind": "delay", "ms": 800}})).await;
    sleep(Duration::from_millis(900)).await;
    let before_slow = progress_requests(&uuid).await;
    sleep(Duration::from_millis(2_000)).await;
    let during_slow = progress_requests(&uuid).await - before_slow;
    assert!(during_slow <= 2, "one request at a time: {during_slow} answered in 2 s at 800 ms each");
    control("DELETE", "/__test/faults").await;

    unmount_all();
    sleep(Duration::from_millis(300)).await;
    let after = progress_requests(&uuid).await;
    sleep(Duration::from_millis(1000)).await;
    assert_eq!(progress_requests(&uuid).await, after, "no polling after unmount");
    clear_storage();
}

#[wasm_bindgen_test]
async fn a_forced_reconnect_does_not_duplicate_the_log() {
    let client = signed_in("center07", "center07-pass").await;
    control("DELETE", "/__test/requests").await;
    // 20 000 sheets keep the batch busy for seconds even with the stand-in's fast timings.
    let uuid = upload_zip(&client, small_zip("busy.zip", &unique_task(), 20_000)).await;
    let root = mount_details(&uuid);
    wait_for("live events", || root.query_selector_all(".activity-row").unwrap().length() >= 3).await;
    control("POST", "/__test/close-streams").await;
    wait_for("the reconnect", || count_stream_text(&root)).await;
    wait_for("completion", || {
        find(&root, ".batch-progress .status-badge").is_some_and(|b| b.inner_text() == "Completed")
    })
    .await;
    let streams = count_path_suffix(&format!("/{uuid}/stream")).await;
    assert!(streams >= 2, "reconnected: {streams} stream requests");
    let rows = root.query_selector_all(".activity-row").unwrap();
    let mut seen = HashSet::new();
    for i in 0..rows.length() {
        let row: web_sys::HtmlElement = rows.get(i).unwrap().dyn_into().unwrap();
        assert!(seen.insert(row.inner_text()), "duplicate log row: {}", row.inner_text());
    }
    assert_eq!(text(&root).matches("Starting extraction").count(), 1);
    unmount_all();
    clear_storage();
}

/// True once the page says it is reconnecting or live again after a cut.
fn count_stream_text(root: &web_sys::Element) -> bool {
    find(root, ".live-status")
        .is_some_and(|s| s.inner_text().contains("reconnecting") || s.inner_text().contains("Live updates on"))
}

#[wasm_bindgen_test]
async fn malformed_unknown_and_forbidden_ids_have_their_own_pages() {
    let _client = signed_in("center07", "center07-pass").await;
    control("DELETE", "/__test/requests").await;
    let root = mount_details("11302");
    wait_for("the malformed-id page", || text(&root).contains("This address does not name a batch")).await;
    assert_eq!(count_path_suffix("/progress").await, 0, "nothing requested for a malformed id");
    assert!(find(&root, ".dead-end a").is_some(), "a way back");
    unmount_all();

    let unknown = "00000000-0000-0000-0000-000000000000";
    let root = mount_details(unknown);
    wait_for("the not-found page", || {
        text(&root).contains("Batch not found") && text(&root).contains("This batch does not exist")
    })
    .await;
    unmount_all();

    fault(serde_json::json!({"path": "/api/batches/*", "count": 0, "action": {"kind": "respond", "status": 403,
        "content_type": "application/json", "body": "{\"detail\":\"You are not assigned to this batch's tasks\"}"}}))
    .await;
    let root = mount_details("9a3d57c2-0e6b-4f1a-8c24-d1b7e9a40f65");
    wait_for("the forbidden page", || {
        text(&root).contains("You cannot see this batch") && text(&root).contains("not assigned")
    })
    .await;
    find(&root, ".dead-end a").unwrap().click();
    wait_for("back at the list", || current_url() == "/dashboard/batches").await;
    control("DELETE", "/__test/faults").await;
    unmount_all();
    clear_storage();
}

#[wasm_bindgen_test]
async fn another_users_batch_polls_without_the_refused_stream() {
    let owner = signed_in("center08", "center08-pass").await;
    let uuid = upload_zip(&owner, small_zip("theirs.zip", &unique_task(), 20_000)).await;
    let _viewer = signed_in("center07", "center07-pass").await;
    let root = mount_details(&uuid);
    wait_for("the refusal note", || {
        find(&root, ".live-status").is_some_and(|s| s.inner_text().contains("Access denied"))
    })
    .await;
    wait_for("progress from polling", || find(&root, ".batch-progress").is_some()).await;
    let streams = count_path_suffix(&format!("/{uuid}/stream")).await;
    sleep(Duration::from_millis(1500)).await;
    assert_eq!(count_path_suffix(&format!("/{uuid}/stream")).await, streams, "a 403 is not retried in a loop");
    unmount_all();
    clear_storage();
}

#[wasm_bindgen_test]
async fn a_silent_stream_is_treated_as_dead_and_reopened() {
    let client = signed_in("center07", "center07-pass").await;
    control("DELETE", "/__test/requests").await;
    let uuid = upload_zip(&client, small_zip("quiet.zip", &unique_task(), 20_000)).await;
    // The first connection gets headers and then silence, without even pings.
    fault(serde_json::json!({"method": "GET", "path": format!("/api/batches/{uuid}/stream"), "action": {"kind": "stall"}})).await;
    go_to(&format!("/dashboard/batches/{uuid}"));
    let root = mount_app(AppConfig { stream_idle_ms: 1_000, ..fast_config() });
    wait_for("the dead connection noticed", || {
        find(&root, ".live-status").is_some_and(|s| s.inner_text().contains("nothing arrived for 1 sec"))
    })
    .await;
    wait_for("events on the new connection", || root.query_selector_all(".activity-row").unwrap().length() >= 1).await;
    assert!(count_path_suffix(&format!("/{uuid}/stream")).await >= 2);
    unmount_all();
    control("DELETE", "/__test/faults").await;
    clear_storage();
}

#[wasm_bindgen_test]
async fn a_stream_refused_right_after_a_refresh_falls_back_to_polling() {
    let client = signed_in("admin", "admin-pass-2025").await;
    let uuid = stuck_batch(&client).await;
    // Every stream request is refused as if the token were bad, even a freshly refreshed one.
    fault(serde_json::json!({"method": "GET", "path": format!("/api/batches/{uuid}/stream"), "count": 0,
        "action": {"kind": "respond", "status": 401, "content_type": "application/json", "body": "{\"detail\":\"Could not validate credentials\"}"}}))
    .await;
    control("DELETE", "/__test/requests").await;
    let root = mount_details(&uuid);
    wait_on_page(&root, "the fallback note", || {
        find(&root, ".live-status").is_some_and(|s| s.inner_text().contains("Live updates are not available"))
    })
    .await;
    let polls = progress_requests(&uuid).await;
    sleep(Duration::from_millis(1_500)).await;
    assert_eq!(count_path_suffix(&format!("/{uuid}/stream")).await, 2, "the first try and one replay, no loop");
    assert_eq!(count_requests("POST", "/api/auth/refresh").await, 1, "one refresh, no loop");
    assert!(progress_requests(&uuid).await > polls, "polling carries the page");
    assert!(text(&root).contains("Sign out"), "still signed in");
    unmount_all();
}

#[wasm_bindgen_test]
async fn an_unknown_status_is_polled_ever_more_slowly_and_never_streamed() {
    let client = signed_in("admin", "admin-pass-2025").await;
    let uuid = stuck_batch(&client).await;
    let body = serde_json::json!({"batch_uuid": uuid, "status": "archived", "sheet_count": 3, "processed_count": 3,
        "failed_count": 0, "progress_percentage": 100});
    fault(serde_json::json!({"method": "GET", "path": format!("/api/batches/{uuid}/progress"), "count": 0,
        "action": {"kind": "respond", "status": 200, "content_type": "application/json", "body": body.to_string()}}))
    .await;
    control("DELETE", "/__test/requests").await;
    let root = mount_details(&uuid);
    wait_for("the unknown status shown", || {
        find(&root, ".batch-progress").is_some_and(|p| p.inner_text().contains("archived"))
    })
    .await;
    sleep(Duration::from_millis(4_000)).await;
    // At 250 ms that would be 16 polls; doubling from 250 ms it is at most 5 in 4 s.
    let polls = progress_requests(&uuid).await;
    assert!((2..=6).contains(&polls), "{polls} polls in 4 s");
    assert_eq!(count_path_suffix(&format!("/{uuid}/stream")).await, 0, "no stream for an unknown status");
    unmount_all();
}

#[wasm_bindgen_test]
async fn every_sheet_can_be_shown_a_page_at_a_time_with_failed_ones_first() {
    let client = signed_in("center07", "center07-pass").await;
    let uuid = upload_zip(&client, small_zip("many.zip", &unique_task(), 250)).await;
    let root = mount_details(&uuid);
    let heading = |root: &web_sys::Element| find(root, "#sheets-heading").map(|h| h.inner_text()).unwrap_or_default();
    wait_for("the first page of sheets", || heading(&root) == "Sheets (100 of 250)").await;
    assert_eq!(root.query_selector_all(".sheet-row").unwrap().length(), 100);
    find(&root, "[data-testid=more-sheets]").unwrap().click();
    wait_for("the second page", || heading(&root) == "Sheets (200 of 250)").await;
    find(&root, "[data-testid=more-sheets]").unwrap().click();
    wait_for("all of them", || heading(&root) == "Sheets (250)").await;
    assert!(find(&root, "[data-testid=more-sheets]").is_none(), "nothing more to load");
    let path = find(&root, ".sheet-row .path-cell").unwrap();
    assert_eq!(path.get_attribute("title"), Some(path.inner_text()), "the full path on hover");
    unmount_all();
}
