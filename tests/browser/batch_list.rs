//! The batch list against the stand-in's ~120 seeded batches: filter, paging, URL state,
//! sorting, the admin-only uploader column and delete flow (with the server's 403 and 404).

use crate::steps::select_status;
use crate::support::{
    config, control, current_url, fault, find, go_to, mount_app, start_clean, text, unmount_all, wait_for,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

async fn mount_signed_in(user: &str, password: &str, path: &str) -> web_sys::Element {
    start_clean().await;
    omr_web::api::ApiClient::new(config()).login(user, password).await.unwrap();
    go_to(path);
    let root = mount_app(config());
    wait_for("the first rows", || find(&root, "table.batch-table tbody tr[data-uuid]").is_some()).await;
    root
}

/// N of "Showing a–b of N".
fn total_shown(root: &web_sys::Element) -> u64 {
    let text = text(root);
    let showing = &text[text.find("Showing ").expect("a “Showing … of N” line")..];
    let total = &showing[showing.find(" of ").expect("“of N”") + 4..];
    total.chars().take_while(char::is_ascii_digit).collect::<String>().parse().expect("a number")
}

pub(crate) fn rows(root: &web_sys::Element) -> Vec<web_sys::HtmlElement> {
    let list = root.query_selector_all("table.batch-table tbody tr[data-uuid]").unwrap();
    (0..list.length()).filter_map(|i| list.get(i)?.dyn_into().ok()).collect()
}

pub(crate) fn cell_texts(root: &web_sys::Element, column: u32) -> Vec<String> {
    rows(root)
        .iter()
        .map(|row| row.query_selector(&format!("td:nth-child({column})")).unwrap().unwrap().text_content().unwrap())
        .collect()
}

fn button_with_text(root: &web_sys::Element, selector: &str, label: &str) -> web_sys::HtmlElement {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.get(i)?.dyn_into::<web_sys::HtmlElement>().ok())
        .find(|b| b.inner_text().trim() == label)
        .unwrap_or_else(|| panic!("no {selector} saying {label}"))
}

#[wasm_bindgen_test]
async fn filter_pages_and_url_state() {
    let root = mount_signed_in("admin", "admin-pass-2025", "/dashboard/batches").await;
    assert_eq!(rows(&root).len(), 50);
    assert!(text(&root).contains("Page 1 of"));
    assert!(text(&root).contains("Showing 1–50 of"));
    assert!(
        find(&root, ".pagination button").unwrap().unchecked_ref::<web_sys::HtmlButtonElement>().disabled(),
        "Previous disabled on page 1"
    );

    // To the last page and back.
    let total: u64 = text(&root)
        .split("Showing 1–50 of ")
        .nth(1)
        .unwrap()
        .trim_end()
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let last = total.div_ceil(50);
    for page in 2..=last {
        button_with_text(&root, ".pagination button", "Next").click();
        wait_for("the next page", || text(&root).contains(&format!("Page {page} of {last}"))).await;
    }
    wait_for("the last page", || text(&root).contains(&format!("Page {last} of {last}"))).await;
    assert_eq!(current_url(), format!("/dashboard/batches?page={last}"));
    let next: web_sys::HtmlButtonElement = button_with_text(&root, ".pagination button", "Next").unchecked_into();
    assert!(next.disabled(), "Next disabled on the last page");
    button_with_text(&root, ".pagination button", "Previous").click();
    wait_for("one page back", || text(&root).contains(&format!("Page {} of {last}", last - 1))).await;

    // The filter goes back to page 1 and keeps only that status.
    select_status(&root, "failed");
    wait_for("failed only", || {
        current_url() == "/dashboard/batches?status=failed" && cell_texts(&root, 2).iter().all(|s| s == "Failed")
    })
    .await;
    assert!(!rows(&root).is_empty());
    unmount_all();

    // A reload (a new app on the same address) shows the same view; a page beyond the end shows the last.
    go_to("/dashboard/batches?status=failed&page=99");
    let root = mount_app(config());
    wait_for("the clamped page", || current_url() == "/dashboard/batches?status=failed" && !rows(&root).is_empty())
        .await;
    let select: web_sys::HtmlSelectElement =
        root.query_selector("#status-filter").unwrap().unwrap().dyn_into().unwrap();
    assert_eq!(select.value(), "failed");
    unmount_all();
}

#[wasm_bindgen_test]
async fn sorting_within_the_page() {
    let root = mount_signed_in("admin", "admin-pass-2025", "/dashboard/batches").await;
    let sheets = |root: &web_sys::Element| -> Vec<u64> {
        cell_texts(root, 3).iter().map(|s| s.replace(',', "").parse().unwrap_or(0)).collect()
    };
    find(&root, "button[data-sort=Sheets]").unwrap().click();
    wait_for("ascending sheets", || sheets(&root).windows(2).all(|w| w[0] <= w[1])).await;
    let th = find(&root, "button[data-sort=Sheets]").unwrap().parent_element().unwrap();
    assert_eq!(th.get_attribute("aria-sort").as_deref(), Some("ascending"));
    find(&root, "button[data-sort=Sheets]").unwrap().click();
    wait_for("descending sheets", || sheets(&root).windows(2).all(|w| w[0] >= w[1])).await;
    assert_eq!(rows(&root).len(), 50, "sorting stays within the page");
    unmount_all();
}

#[wasm_bindgen_test]
async fn staff_see_neither_uploader_nor_delete() {
    let root = mount_signed_in("center07", "center07-pass", "/dashboard/batches").await;
    assert!(!text(&root).contains("Uploader"));
    assert!(root.query_selector("button[aria-haspopup=dialog]").unwrap().is_none());
    let row = &rows(&root)[0];
    let link = row.query_selector("a.row-link").unwrap().unwrap();
    assert!(link.get_attribute("href").unwrap().starts_with("/dashboard/batches/"), "rows are real links");
    unmount_all();
}

#[wasm_bindgen_test]
async fn admin_deletes_with_confirmation_and_sees_server_refusals() {
    let root = mount_signed_in("admin", "admin-pass-2025", "/dashboard/batches?status=completed").await;
    assert!(text(&root).contains("Uploader"));
    let first = rows(&root)[0].clone();
    let uuid = first.get_attribute("data-uuid").unwrap();
    let name = first.query_selector("a.row-link").unwrap().unwrap().text_content().unwrap();
    let total_before = total_shown(&root);

    // Open, then Escape: the dialog closes and focus returns to the button.
    let trigger: web_sys::HtmlElement =
        first.query_selector("button[aria-haspopup=dialog]").unwrap().unwrap().dyn_into().unwrap();
    trigger.click();
    wait_for("the dialog", || find(&root, "[role=dialog]").is_some()).await;
    assert!(text(&root).contains(&format!("“{name}”")), "the dialog names the file");
    let raw = root.text_content().unwrap();
    assert!(raw.contains(&format!("\u{2068}{name}\u{2069}")), "the name isolated inside the sentence");
    let focused = web_sys::window().unwrap().document().unwrap().active_element().unwrap();
    assert!(find(&root, "[role=dialog]").unwrap().contains(Some(&focused)), "focus moved into the dialog");
    let escape = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &{
        let init = web_sys::KeyboardEventInit::new();
        init.set_key("Escape");
        init.set_bubbles(true);
        init
    })
    .unwrap();
    focused.dispatch_event(&escape).unwrap();
    wait_for("the dialog to close", || find(&root, "[role=dialog]").is_none()).await;
    let focused = web_sys::window().unwrap().document().unwrap().active_element().unwrap();
    assert_eq!(focused, *trigger.unchecked_ref::<web_sys::Element>(), "focus back on the button");

    // The server refuses once with 403, then the batch is already gone (404).
    fault(
        serde_json::json!({"method": "DELETE", "path": "/api/batches/*", "action": {"kind": "respond", "status": 403,
        "content_type": "application/json", "body": "{\"detail\":\"Only administrators can delete batches\"}"}}),
    )
    .await;
    trigger.click();
    wait_for("the dialog", || find(&root, "[role=dialog]").is_some()).await;
    button_with_text(&root, "[role=dialog] button", "Delete").click();
    wait_for("the 403 reason", || {
        find(&root, "[role=dialog] [role=alert]")
            .is_some_and(|e| e.inner_text().contains("Only administrators can delete batches"))
    })
    .await;
    fault(
        serde_json::json!({"method": "DELETE", "path": "/api/batches/*", "action": {"kind": "respond", "status": 404,
        "content_type": "application/json", "body": format!("{{\"detail\":\"Batch {uuid} not found\"}}")}}),
    )
    .await;
    button_with_text(&root, "[role=dialog] button", "Delete").click();
    wait_for("the 404 reason", || {
        find(&root, "[role=dialog] [role=alert]").is_some_and(|e| e.inner_text().contains("does not exist"))
    })
    .await;

    // Now for real.
    control("DELETE", "/__test/faults").await;
    button_with_text(&root, "[role=dialog] button", "Delete").click();
    wait_for("the row to go", || {
        !rows(&root).iter().any(|r| r.get_attribute("data-uuid").as_deref() == Some(uuid.as_str()))
    })
    .await;
    wait_for("the confirmation", || text(&root).contains(&format!("Deleted “{name}”."))).await;
    wait_for("the total one less", || total_shown(&root) == total_before - 1).await;
    let client = omr_web::api::ApiClient::new(config());
    assert!(matches!(client.progress(&uuid).await, Err(omr_web::api::ApiError::NotFound(_))), "gone on the server");
    unmount_all();
}

#[wasm_bindgen_test]
async fn deleting_an_unfinished_batch_asks_twice() {
    let root = mount_signed_in("admin", "admin-pass-2025", "/dashboard/batches?status=processing").await;
    let first = rows(&root)[0].clone();
    let uuid = first.get_attribute("data-uuid").unwrap();
    first
        .query_selector("button[aria-haspopup=dialog]")
        .unwrap()
        .unwrap()
        .unchecked_into::<web_sys::HtmlElement>()
        .click();
    wait_for("the dialog", || find(&root, "[role=dialog]").is_some()).await;
    button_with_text(&root, "[role=dialog] button", "Delete").click();
    wait_for("the second question", || text(&root).contains("is still processing")).await;
    assert!(omr_web::api::ApiClient::new(config()).progress(&uuid).await.is_ok(), "nothing deleted yet");
    button_with_text(&root, "[role=dialog] button", "Delete anyway").click();
    wait_for("the row to go", || {
        !rows(&root).iter().any(|r| r.get_attribute("data-uuid").as_deref() == Some(uuid.as_str()))
    })
    .await;
    unmount_all();
}

#[wasm_bindgen_test]
async fn the_list_refreshes_itself_only_while_batches_are_unfinished() {
    start_clean().await;
    omr_web::api::ApiClient::new(config()).login("admin", "admin-pass-2025").await.unwrap();
    let quick = omr_web::config::AppConfig { list_refresh_ms: 500, ..config() };
    for (filter, refreshes) in [("processing", true), ("completed", false)] {
        go_to(&format!("/dashboard/batches?status={filter}"));
        let root = mount_app(quick.clone());
        wait_for("the rows", || !rows(&root).is_empty()).await;
        control("DELETE", "/__test/requests").await;
        gloo_timers::future::sleep(std::time::Duration::from_millis(2_600)).await;
        let lists = crate::support::count_requests("GET", "/api/batches/").await;
        if refreshes {
            assert!(lists >= 2, "{filter}: {lists} refreshes in 2.6 s at 0.5 s");
            // An open dialog survives the refreshes.
            let trigger: web_sys::HtmlElement =
                rows(&root)[0].query_selector("button[aria-haspopup=dialog]").unwrap().unwrap().dyn_into().unwrap();
            trigger.click();
            wait_for("the dialog", || find(&root, "[role=dialog]").is_some()).await;
            gloo_timers::future::sleep(std::time::Duration::from_millis(2_200)).await;
            assert!(find(&root, "[role=dialog]").is_some(), "still open after two refreshes");
            button_with_text(&root, "[role=dialog] button", "Cancel").click();
            crate::support::set_tab_visible(false);
            control("DELETE", "/__test/requests").await;
            gloo_timers::future::sleep(std::time::Duration::from_millis(2_600)).await;
            let hidden = crate::support::count_requests("GET", "/api/batches/").await;
            crate::support::set_tab_visible(true);
            assert_eq!(hidden, 0, "no refresh while the tab is hidden");
        } else {
            assert_eq!(lists, 0, "{filter}: all finished, no refresh");
        }
        unmount_all();
    }
}

#[wasm_bindgen_test]
async fn unreadable_rows_are_skipped_and_counted_and_bad_fields_show_a_dash() {
    start_clean().await;
    let good = |uuid: &str, name: &str| {
        serde_json::json!({"batch_id": 1, "batch_uuid": uuid, "batch_name": name, "upload_type": "zip_qr",
            "status": "completed", "sheet_count": 3, "file_size_bytes": 2048, "created_at": "2025-12-18T09:41:07"})
    };
    let mut negative = good("bbbbbbbb-0000-0000-0000-000000000002", "negative.zip");
    negative["file_size_bytes"] = serde_json::json!(-5);
    negative["sheet_count"] = serde_json::json!(2.5);
    negative["batch_id"] = serde_json::json!(7.5);
    let mut no_uuid = good("x", "no-uuid.zip");
    no_uuid["batch_uuid"] = serde_json::Value::Null;
    let body = serde_json::json!({"batches": [good("aaaaaaaa-0000-0000-0000-000000000001", "good.zip"), negative, no_uuid,
        {"batch_uuid": "cccccccc-0000-0000-0000-000000000003", "status": 5}], "total": 4, "limit": 50, "offset": 0, "showing": 4});
    fault(serde_json::json!({"method": "GET", "path": "/api/batches/", "count": 0,
        "action": {"kind": "respond", "status": 200, "content_type": "application/json", "body": body.to_string()}}))
    .await;
    omr_web::api::ApiClient::new(config()).login("center07", "center07-pass").await.unwrap();
    go_to("/dashboard/batches");
    let root = mount_app(config());
    wait_for("the readable rows", || rows(&root).len() == 2).await;
    let note = find(&root, "[data-testid=rows-skipped]").expect("a note on the skipped rows");
    assert!(note.inner_text().contains("2 rows"), "{}", note.inner_text());
    let odd = rows(&root).into_iter().find(|r| r.inner_text().contains("negative.zip")).unwrap();
    assert!(odd.inner_text().contains('—'), "unknown size and sheets show a dash: {}", odd.inner_text());
    unmount_all();
}

/// Catches the next download link the app clicks (instead of saving it) and reads its file.
pub(crate) async fn next_download(trigger: impl FnOnce()) -> (String, String) {
    use wasm_bindgen::closure::Closure;
    let caught: std::rc::Rc<std::cell::RefCell<Option<(String, String)>>> = std::rc::Rc::default();
    let sink = caught.clone();
    let listener = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        if let Some(link) = event.target().and_then(|t| t.dyn_into::<web_sys::HtmlAnchorElement>().ok()) {
            if !link.download().is_empty() {
                event.prevent_default();
                *sink.borrow_mut() = Some((link.download(), link.href()));
            }
        }
    });
    let document = web_sys::window().unwrap().document().unwrap();
    document.add_event_listener_with_callback_and_bool("click", listener.as_ref().unchecked_ref(), true).unwrap();
    trigger();
    wait_for("the download", || caught.borrow().is_some()).await;
    document.remove_event_listener_with_callback_and_bool("click", listener.as_ref().unchecked_ref(), true).unwrap();
    let (name, url) = caught.borrow().clone().unwrap();
    // The bytes, not `text()`: a text decoder would drop the byte-order mark.
    let bytes = gloo_net::http::Request::get(&url).send().await.unwrap().binary().await.unwrap();
    (name, String::from_utf8(bytes).expect("UTF-8"))
}

#[wasm_bindgen_test]
async fn the_list_under_its_filter_exports_as_csv_with_every_page() {
    let root = mount_signed_in("admin", "admin-pass-2025", "/dashboard/batches?status=completed").await;
    let total = total_shown(&root);
    let (name, csv) = next_download(|| find(&root, "[data-testid=export-list]").unwrap().click()).await;
    assert!(name.starts_with("batches-completed-") && name.ends_with(".csv"), "{name}");
    assert!(csv.starts_with('\u{feff}'), "a byte-order mark so Excel reads Thai");
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").filter(|l| !l.is_empty()).collect();
    assert!(lines[0].starts_with("batch_uuid,batch_name,upload_type,status"), "{}", lines[0]);
    assert_eq!(lines.len() as u64, total + 1, "every row of every page, and the header");
    assert!(lines[1..].iter().all(|l| l.contains(",completed,")), "only the filter's rows");
    wait_for("the export note", || {
        find(&root, "[data-testid=export-note]")
            .is_some_and(|n| n.inner_text().contains(&format!("Saved {total} rows")))
    })
    .await;
    unmount_all();
}
