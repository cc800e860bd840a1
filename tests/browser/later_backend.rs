//! The later backend's batch actions on the details page (contract §5.9): cancel processing,
//! rescue cached results, error statistics — each offered where the server has it, and
//! absent without any error against the router snapshot. Thai and English.

use crate::steps::{choose_files, choose_option, submit};
use crate::support::{
    config, control, count_path_suffix, fault, find, fresh_client, go_to, mount_app, put_control, small_zip,
    start_clean, text, unique_name, unique_task, unmount_all, upload_zip, wait_for, wait_on_page,
};
use omr_web::api::types::BatchStatus;
use omr_web::api::ApiClient;
use omr_web::config::AppConfig;
use omr_web::locale::{Lang, Locale};
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

async fn signed_in() -> ApiClient {
    start_clean().await;
    let client = fresh_client();
    client.login("center07", "center07-pass").await.expect("login");
    client
}

fn in_language(lang: Lang, poll_interval_ms: u32) -> AppConfig {
    AppConfig { default_language: Some(lang.code().into()), poll_interval_ms, ..config() }
}

/// A batch the stand-in processes slowly (its name says SLOW), with at least one sheet done.
async fn slow_batch(client: &ApiClient) -> String {
    let uuid = upload_zip(client, small_zip(&unique_name("SLOW-batch"), &unique_task(), 8)).await;
    let mut done = false;
    for _ in 0..400 {
        if client.progress(&uuid).await.is_ok_and(|p| p.processed_count >= 1) {
            done = true;
            break;
        }
        gloo_timers::future::sleep(Duration::from_millis(50)).await;
    }
    assert!(done, "the slow batch processed a first sheet");
    uuid
}

/// A failed batch whose processed sheets the server keeps for a rescue (cancelled midway).
async fn cancelled_batch(client: &ApiClient) -> String {
    let uuid = slow_batch(client).await;
    assert!(client.cancel_processing(&uuid).await.expect("cancel").success);
    for _ in 0..200 {
        if client.status(&uuid, false, 1).await.is_ok_and(|s| s.status == BatchStatus::Failed) {
            return uuid;
        }
        gloo_timers::future::sleep(Duration::from_millis(50)).await;
    }
    panic!("the cancelled batch did not fail");
}

/// Waits until the stand-in has answered a request whose path ends in `suffix`.
async fn until_answered(suffix: &str) {
    for _ in 0..200 {
        if count_path_suffix(suffix).await > 0 {
            // The answer reaches the page within a render; let that render happen.
            gloo_timers::future::sleep(Duration::from_millis(200)).await;
            return;
        }
        gloo_timers::future::sleep(Duration::from_millis(50)).await;
    }
    panic!("no request ending in {suffix} was answered");
}

const MIB: u64 = 1024 * 1024;

/// The batch id the client probes the later paths with.
const PROBE: &str = "00000000-0000-0000-0000-000000000000";

/// The error notices of the page, the batch's own error (its details card) aside.
fn errors_on_screen(root: &web_sys::Element) -> Vec<String> {
    let notices = root.query_selector_all(".error-notice").unwrap();
    (0..notices.length())
        .filter_map(|i| notices.item(i)?.dyn_into::<web_sys::HtmlElement>().ok())
        .filter(|notice| notice.closest(".details-card").ok().flatten().is_none())
        .map(|notice| notice.inner_text())
        .collect()
}

/// The details page of the running batch `uuid`, once it offers to cancel.
async fn cancellable_details(uuid: &str, config: AppConfig) -> web_sys::Element {
    go_to(&format!("/dashboard/batches/{uuid}"));
    let root = mount_app(config);
    wait_on_page(&root, "the cancel button", || find(&root, "[data-testid=cancel-processing]").is_some()).await;
    root
}

fn click(root: &web_sys::Element, selector: &str) {
    find(root, selector).unwrap_or_else(|| panic!("{selector} on the page")).click();
}

#[wasm_bindgen_test]
async fn cancel_then_rescue_on_the_details_page_in_thai() {
    let client = signed_in().await;
    let uuid = slow_batch(&client).await;
    let root = cancellable_details(&uuid, in_language(Lang::Th, 500)).await;
    let th = Locale::new(Lang::Th).actions();
    click(&root, "[data-testid=cancel-processing]");
    wait_for("the question naming the file", || {
        find(&root, "[role=dialog]").is_some_and(|d| d.inner_text().contains("SLOW-batch"))
    })
    .await;
    click(&root, "[role=dialog] .button-danger");
    wait_for("the cancel taken", || text(&root).contains(th.cancel_requested)).await;
    wait_on_page(&root, "the cancel in the details, in Thai", || text(&root).contains(th.cancelled_by_user)).await;
    // The processed sheets can be rescued: the button says how many.
    wait_on_page(&root, "the rescue button", || {
        find(&root, "[data-testid=rescue-results]").is_some_and(|b| b.inner_text().starts_with("กู้คืนผลลัพธ์"))
    })
    .await;
    assert!(find(&root, "[data-testid=cancel-processing]").is_none(), "nothing left to cancel");
    click(&root, "[data-testid=rescue-results]");
    wait_on_page(&root, "the rescue's outcome", || text(&root).contains("กู้คืนผลลัพธ์ได้")).await;
    let status = client.status(&uuid, false, 1).await.unwrap();
    assert_eq!(status.status, BatchStatus::Completed, "the rescued batch is complete");
    // A finished batch shows its statistics, known figures in Thai, others by their name.
    wait_on_page(&root, "the statistics", || find(&root, "[data-testid=batch-stats]").is_some()).await;
    let stats = find(&root, "[data-testid=batch-stats]").unwrap().inner_text();
    assert!(stats.contains(th.stat_sheets) && stats.contains(th.stat_registered), "{stats}");
    assert!(find(&root, "[data-testid=batch-stats] dt code").is_some_and(|c| c.inner_text() == "err_blank_page_total"));
    unmount_all();
}

#[wasm_bindgen_test]
async fn a_rescue_the_server_fails_says_why_and_one_it_refuses_is_not_offered() {
    let client = signed_in().await;
    let uuid = cancelled_batch(&client).await;
    let path = |action: &str| format!("/api/batches/{uuid}/{action}");
    fault(serde_json::json!({"method": "POST", "path": path("recover"), "action": {"kind": "respond", "status": 500,
        "content_type": "application/json", "body": "{\"detail\": \"Recovery failed: Redis connection error\"}"}}))
    .await;
    go_to(&format!("/dashboard/batches/{uuid}"));
    let root = mount_app(in_language(Lang::En, 2000));
    wait_on_page(&root, "the rescue button", || {
        find(&root, "[data-testid=rescue-results]").is_some_and(|b| b.inner_text().starts_with("Rescue "))
    })
    .await;
    // The actions and the statistics asked for the features at the same moment: one probe.
    assert_eq!(count_path_suffix(&format!("{PROBE}/cancel")).await, 1, "the features are probed once");
    click(&root, "[data-testid=rescue-results]");
    wait_on_page(&root, "the server's reason", || text(&root).contains("Recovery failed: Redis connection error"))
        .await;
    // The failed batch's statistics, labelled in English.
    let en = Locale::new(Lang::En).actions();
    wait_on_page(&root, "the statistics in English", || {
        find(&root, "[data-testid=batch-stats]").is_some_and(|s| s.inner_text().contains(en.stat_sheets))
    })
    .await;
    unmount_all();

    // Another user's batch, say: the server refuses to tell. No button, no error.
    control("DELETE", "/__test/faults").await;
    fault(serde_json::json!({"method": "GET", "path": path("recoverable"), "count": 0, "action": {"kind": "respond",
        "status": 403, "content_type": "application/json", "body": "{\"detail\": \"Access denied\"}"}}))
    .await;
    control("DELETE", "/__test/requests").await;
    let root = mount_app(in_language(Lang::En, 2000));
    wait_on_page(&root, "the statistics of the failed batch", || find(&root, "[data-testid=batch-stats]").is_some())
        .await;
    until_answered(&format!("{uuid}/recoverable")).await;
    assert!(find(&root, "[data-testid=rescue-results]").is_none(), "no rescue offered");
    assert_eq!(errors_on_screen(&root), Vec::<String>::new(), "and no error on screen");
    unmount_all();
}

#[wasm_bindgen_test]
async fn a_cancel_that_arrives_after_the_batch_finished_says_so() {
    let client = signed_in().await;
    let uuid = slow_batch(&client).await;
    // The page polls slowly: it still believes the batch runs when it has stopped.
    let root = cancellable_details(&uuid, in_language(Lang::En, 60_000)).await;
    client.cancel_processing(&uuid).await.unwrap();
    click(&root, "[data-testid=cancel-processing]");
    wait_for("the question", || find(&root, "[role=dialog]").is_some()).await;
    click(&root, "[role=dialog] .button-danger");
    let en = Locale::new(Lang::En).actions();
    wait_on_page(&root, "the too-late answer", || text(&root).contains(en.cancel_too_late)).await;
    unmount_all();
}

#[wasm_bindgen_test]
async fn against_the_snapshot_server_no_action_no_statistics_and_no_error() {
    let client = signed_in().await;
    let running = slow_batch(&client).await;
    let failed = cancelled_batch(&client).await;
    put_control("/__test/generation", serde_json::json!({"later": false})).await;
    // A new sign-in: the features are probed again, against the snapshot.
    let client = fresh_client();
    client.login("center07", "center07-pass").await.unwrap();
    control("DELETE", "/__test/requests").await;
    // One app, two pages: the running batch, then (through the list) the failed one.
    go_to(&format!("/dashboard/batches/{running}"));
    let root = mount_app(in_language(Lang::En, 2000));
    for (n, uuid) in [&running, &failed].into_iter().enumerate() {
        if n > 0 {
            click(&root, "a[href='/dashboard/batches']");
            let link = format!("a[href='/dashboard/batches/{uuid}']");
            wait_on_page(&root, "the list with the failed batch", || find(&root, &link).is_some()).await;
            // The features are known by now: the upload form offers no profile either.
            assert!(find(&root, "#upload-profile").is_none() && find(&root, "#upload-alignment").is_none());
            click(&root, &link);
        }
        let id = format!("/dashboard/batches/{uuid}");
        wait_on_page(&root, "the details", || {
            crate::support::current_url() == id && find(&root, ".details-card").is_some()
        })
        .await;
        // Once every probe is answered, nothing of the later backend may be on the page.
        for probe in ["cancel", "recoverable", "recover", "stats"] {
            until_answered(&format!("{PROBE}/{probe}")).await;
        }
        until_answered("/api/profiles/").await;
        for selector in ["[data-testid=cancel-processing]", "[data-testid=rescue-results]", "[data-testid=batch-stats]"]
        {
            assert!(find(&root, selector).is_none(), "{selector} against the snapshot");
        }
        assert_eq!(errors_on_screen(&root), Vec::<String>::new(), "no error on screen");
    }
    unmount_all();
    let probes = count_path_suffix(&format!("{PROBE}/cancel")).await;
    assert_eq!(probes, 1, "the features are probed once per sign-in");

    // The same in Thai: the upload form and the failed batch, nothing of the later backend.
    control("DELETE", "/__test/requests").await;
    go_to("/dashboard/batches");
    let root = mount_app(in_language(Lang::Th, 2000));
    wait_on_page(&root, "the Thai form", || find(&root, "#strategy-zip_with_qr").is_some()).await;
    until_answered("/api/profiles/").await;
    assert!(find(&root, "#upload-profile").is_none(), "no profile against the snapshot");
    let link = format!("a[href='/dashboard/batches/{failed}']");
    wait_on_page(&root, "the failed batch in the list", || find(&root, &link).is_some()).await;
    click(&root, &link);
    wait_on_page(&root, "the Thai details", || find(&root, ".details-card").is_some()).await;
    for selector in ["[data-testid=cancel-processing]", "[data-testid=rescue-results]", "[data-testid=batch-stats]"] {
        assert!(find(&root, selector).is_none(), "{selector} against the snapshot, in Thai");
    }
    assert_eq!(errors_on_screen(&root), Vec::<String>::new(), "no error on screen, in Thai");
    unmount_all();
}

/// The options the stand-in recorded for the batch `uuid` (null when none were sent).
async fn recorded_options(uuid: &str) -> serde_json::Value {
    control("GET", &format!("/__test/files/{uuid}")).await["options"].clone()
}

/// The batch the first queue row made, once it is done.
async fn queued_batch(root: &web_sys::Element) -> String {
    wait_on_page(root, "the upload done", || find(root, ".upload-item[data-phase=Done] a.button-primary").is_some())
        .await;
    let link = find(root, ".upload-item a.button-primary").unwrap().get_attribute("href").unwrap();
    link.rsplit('/').next().unwrap().to_string()
}

#[wasm_bindgen_test]
async fn an_admin_chooses_a_profile_and_an_alignment_and_the_server_receives_both() {
    start_clean().await;
    ApiClient::new(config()).login("admin", "admin-pass-2025").await.unwrap();
    go_to("/dashboard/batches");
    // Small chunks: the options travel with every chunk of a chunked upload.
    let chunked = AppConfig { chunk_threshold_bytes: MIB, chunk_size_bytes: MIB, ..in_language(Lang::Th, 500) };
    let root = mount_app(chunked);
    wait_on_page(&root, "the profiles, the default chosen", || {
        find(&root, "#upload-profile").is_some_and(|s| s.unchecked_into::<web_sys::HtmlSelectElement>().value() == "2")
    })
    .await;
    let alignment: web_sys::HtmlSelectElement =
        find(&root, "#upload-alignment").expect("admins choose the alignment").unchecked_into();
    assert_eq!(alignment.value(), "hybrid", "the server's default");
    choose_option(&root, "#upload-profile", "3");
    choose_option(&root, "#upload-alignment", "imreg_dft");
    // Both in one tick: the second change must not undo the first.
    let (file, _) = crate::support::patterned_file(&unique_name("options"), 3, 0);
    choose_files(&root, &[file]);
    submit(&root);
    let uuid = queued_batch(&root).await;
    assert_eq!(recorded_options(&uuid).await, serde_json::json!({"profile_id": 3, "alignment_mode": "imreg_dft"}));
    let row = find(&root, "[data-testid=upload-options]").expect("the row says the options").inner_text();
    assert!(row.contains("Strict bubbles") && row.contains("แบบทนทาน"), "{row}");
    unmount_all();
}

#[wasm_bindgen_test]
async fn an_empty_or_malformed_profile_list_and_an_officer_send_no_option() {
    for answer in ["[]", "{\"oops\":1}"] {
        signed_in().await;
        let response = gloo_net::http::Request::put(&format!("{}/__test/profiles", crate::support::standin()))
            .header("Content-Type", "application/json")
            .body(answer)
            .unwrap()
            .send()
            .await
            .unwrap();
        assert!(response.ok());
        control("DELETE", "/__test/requests").await;
        go_to("/dashboard/batches");
        let root = mount_app(in_language(Lang::En, 500));
        wait_on_page(&root, "the form", || find(&root, "#strategy-zip_with_qr").is_some()).await;
        until_answered("/api/profiles/").await;
        assert!(find(&root, "#upload-profile").is_none(), "{answer}: nothing to choose");
        assert!(find(&root, "#upload-alignment").is_none(), "officers never choose the alignment");
        choose_files(&root, &[small_zip(&unique_name("no-options"), &unique_task(), 2)]);
        submit(&root);
        let uuid = queued_batch(&root).await;
        assert_eq!(recorded_options(&uuid).await, serde_json::json!({"profile_id": null, "alignment_mode": null}));
        unmount_all();
    }
}

#[wasm_bindgen_test]
async fn the_queue_row_cancels_a_batch_it_follows() {
    signed_in().await;
    go_to("/dashboard/batches");
    let root = mount_app(in_language(Lang::Th, 500));
    wait_on_page(&root, "the form", || find(&root, "#strategy-zip_with_qr").is_some()).await;
    choose_files(&root, &[small_zip(&unique_name("SLOW-row"), &unique_task(), 8)]);
    submit(&root);
    wait_on_page(&root, "the row's cancel", || find(&root, ".upload-item [data-testid=cancel-processing]").is_some())
        .await;
    click(&root, ".upload-item [data-testid=cancel-processing]");
    wait_for("the question", || find(&root, "[role=dialog]").is_some()).await;
    click(&root, "[role=dialog] .button-danger");
    let th = Locale::new(Lang::Th).actions();
    wait_on_page(&root, "the row says it was cancelled", || {
        find(&root, ".upload-follow").is_some_and(|row| row.inner_text().contains(th.cancelled_by_user))
    })
    .await;
    unmount_all();
}
