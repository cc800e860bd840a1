//! The QR cover check in the page, on scanner-like ZIPs the stand-in generates (A4 pages at
//! 200 dpi, greyscale JPEG, slightly rotated QR covers with noise): the tasks and their sheet
//! counts before a byte is sent, each faulty case's warning, stopping the check, and the
//! upload never waiting for it. Read by the real worker (`qr_worker`, built by xtask). Task ids
//! are fixed per test (29TTNNNN), so every run reads the very same pages; the stand-in starts
//! empty for every run of the suite.

use crate::steps::{choose_files, submit};
use crate::support::{
    config, count_path_suffix, find, go_to, open_batches, poll_until, standin, start_clean, text, unmount_all,
    wait_for, wait_on_page,
};
use omr_web::config::AppConfig;
use omr_web::i18n;
use omr_web::locale::{Lang, Locale};
use omr_web::upload::cover_check::{CoverReport, CoverWarning, FileNames};
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

/// A generated scanner ZIP of `layout` (see tests/scans): `C:<text>` a cover, `D` a damaged
/// cover, `S` an answer sheet, `S*16` sixteen of them; entries stored or deflated.
async fn scanner_zip(layout: &str, deflate: bool, name: &str) -> web_sys::File {
    let url = format!(
        "{}/__test/scans.zip?layout={}&seed=7&deflate={deflate}",
        standin(),
        String::from(js_sys::encode_uri_component(layout))
    );
    let fetched = web_sys::window().unwrap().fetch_with_str(&url);
    let response: web_sys::Response = wasm_bindgen_futures::JsFuture::from(fetched).await.unwrap().unchecked_into();
    assert!(response.ok(), "the stand-in made {layout}: {}", response.status());
    // Straight into a Blob: the bytes never pass through wasm memory.
    let blob = wasm_bindgen_futures::JsFuture::from(response.blob().unwrap()).await.unwrap();
    let options = web_sys::FilePropertyBag::new();
    options.set_type("application/zip");
    web_sys::File::new_with_blob_sequence_and_options(&js_sys::Array::of1(&blob), name, &options).unwrap()
}

/// Signs `user` in and opens the batch list in `lang`, waiting for the upload form.
async fn open_batches_in(user: &str, password: &str, lang: Lang) -> web_sys::Element {
    open_batches(user, password, AppConfig { default_language: Some(lang.code().into()), ..config() }).await
}

fn check_line(root: &web_sys::Element) -> String {
    find(root, "[data-testid=cover-check] [role=status]").map(|e| e.inner_text()).unwrap_or_default()
}

fn table_rows(root: &web_sys::Element) -> Vec<String> {
    let rows = root.query_selector_all(".cover-table tbody tr").unwrap();
    (0..rows.length())
        .filter_map(|i| rows.get(i)?.dyn_into::<web_sys::HtmlElement>().ok())
        .map(|r| r.inner_text())
        .collect()
}

fn warnings(root: &web_sys::Element) -> String {
    find(root, ".cover-warnings").map(|e| e.inner_text()).unwrap_or_default()
}

fn submit_label(root: &web_sys::Element) -> String {
    find(root, ".upload-form button[type=submit]").unwrap().inner_text()
}

/// Waits up to a minute for `check`: the stand-in reads every picture of a QR ZIP, as the server
/// does, which takes a debug build several seconds for 51 pages.
async fn wait_for_the_server(root: &web_sys::Element, what: &str, check: impl FnMut() -> bool) {
    if !poll_until(1200, Duration::from_millis(50), check).await {
        let rows: Vec<String> = root
            .query_selector_all(".upload-item")
            .map(|items| (0..items.length()).filter_map(|i| items.get(i)?.text_content()).collect())
            .unwrap_or_default();
        panic!("the stand-in did not finish within a minute: {what}; the upload rows showed {rows:?}");
    }
}

/// Waits until the check has read `images` images: a real reading of up to 51 pages, so up to a
/// minute on a busy machine; on a timeout, says what the check showed.
async fn wait_until_read(root: &web_sys::Element, images: usize) {
    let done = format!("QR covers read in {images} images");
    let read = || check_line(root).contains(&done) || find(root, "[data-state=unavailable]").is_some();
    if !poll_until(1200, Duration::from_millis(50), read).await {
        panic!("the check did not read {images} images within a minute; it showed {:?}", check_line(root));
    }
    assert!(check_line(root).contains(&done), "the check could not run: {:?}", check_line(root));
}

#[wasm_bindgen_test]
async fn a_scanner_zip_shows_its_tasks_and_sheets_before_a_byte_is_sent_and_the_server_agrees() {
    start_clean().await;
    let root = open_batches_in("admin", "admin-pass-2025", Lang::En).await;
    let tasks = ["29010001".to_string(), "29010002".into(), "29010003".into()];
    let layout = format!("C:{},S*16,C:{},S*16,C:{},S*16", tasks[0], tasks[1], tasks[2]);
    choose_files(&root, &[scanner_zip(&layout, false, "room12.zip").await]);
    wait_until_read(&root, 51).await;
    assert!(check_line(&root).contains("3 tasks"), "{}", check_line(&root));
    let rows = table_rows(&root);
    assert_eq!(rows.len(), 3, "{rows:?}");
    for (row, (task, cover)) in
        rows.iter().zip(tasks.iter().zip(["scans/0001.jpg", "scans/0018.jpg", "scans/0035.jpg"]))
    {
        let cells: Vec<&str> = row.split('\t').collect();
        assert_eq!(cells, [task.as_str(), "16", cover], "task, answer sheets, cover file");
    }
    assert_eq!(warnings(&root), "", "a good ZIP has no warning");
    assert_eq!(submit_label(&root).trim(), "Upload");
    let sent = count_path_suffix("/batches/upload").await + count_path_suffix("/batches/upload-chunk").await;
    assert_eq!(sent, 0, "the check sends nothing");

    // The stand-in reads the covers as the server does: 48 answer sheets in three tasks.
    submit(&root);
    wait_for_the_server(&root, "the batch processed", || {
        find(&root, ".upload-follow[data-status=completed]").is_some_and(|line| line.inner_text().contains("48 sheets"))
    })
    .await;
    let taken: Vec<(&str, &str)> = tasks.iter().map(|t| (t.as_str(), "Taken for processing")).collect();
    open_details_and_compare(&root, &taken).await;

    // Sent again with one new task: the server skips the task that has sheets, and the details
    // page says so beside what the check found.
    go_to("/dashboard/batches");
    unmount_all();
    let root = open_batches_in("admin", "admin-pass-2025", Lang::En).await;
    let fresh = "29010004".to_string();
    choose_files(&root, &[scanner_zip(&format!("C:{},S*2,C:{fresh},S*3", tasks[0]), false, "room12b.zip").await]);
    wait_until_read(&root, 7).await;
    submit(&root);
    wait_for_the_server(&root, "the batch processed", || {
        find(&root, ".upload-follow[data-status=completed]").is_some()
    })
    .await;
    let expected =
        [(tasks[0].as_str(), "Skipped: the task already had sheets"), (fresh.as_str(), "Taken for processing")];
    open_details_and_compare(&root, &expected).await;
    unmount_all();
}

/// Opens the finished upload's batch from its row and waits until the comparison's rows say
/// `expected` (a task id and its outcome per row): the skipping event comes with the activity log,
/// a moment after the page.
async fn open_details_and_compare(root: &web_sys::Element, expected: &[(&str, &str)]) {
    find(root, ".upload-item a.button").unwrap().click();
    let rows = || {
        let rows = root.query_selector_all("[data-testid=cover-comparison] tbody tr").unwrap();
        let rows = (0..rows.length()).filter_map(|i| rows.get(i)?.dyn_into::<web_sys::HtmlElement>().ok());
        rows.map(|r| r.inner_text()).collect::<Vec<String>>()
    };
    let matches = || {
        let rows = rows();
        rows.len() == expected.len()
            && rows.iter().zip(expected).all(|(row, (task, outcome))| row.contains(task) && row.contains(outcome))
    };
    if !poll_until(400, Duration::from_millis(50), matches).await {
        panic!("the comparison showed {:?}, not {expected:?}", rows());
    }
}

#[wasm_bindgen_test]
async fn a_task_the_officer_is_not_assigned_to_is_named_by_the_server_beside_the_check() {
    start_clean().await;
    let root = open_batches_in("center07", "center07-pass", Lang::En).await;
    let task = "29020001";
    choose_files(&root, &[scanner_zip(&format!("C:{task},S*2"), false, "not-mine.zip").await]);
    wait_until_read(&root, 3).await;
    submit(&root);
    wait_for_the_server(&root, "the batch failed", || find(&root, ".upload-follow[data-status=failed]").is_some())
        .await;
    open_details_and_compare(&root, &[(task, "Named in the failure")]).await;
    assert!(text(&root).contains(&format!("Not assigned to tasks: {task}")), "the server's reason is shown");
    unmount_all();
}

#[wasm_bindgen_test]
async fn each_faulty_zip_gets_its_own_warning_and_can_still_be_sent() {
    start_clean().await;
    let root = open_batches_in("admin", "admin-pass-2025", Lang::En).await;
    let (task, other) = ("29030001", "29030002");
    let cases = [
        (format!("S*2,C:{task},S*2"), 5, "2 images come before the first readable QR cover", "scans/0001.jpg"),
        (
            format!("C:{task},S*2,D,S*2"),
            6,
            "1 image looks like a cover but its QR code cannot be read",
            "scans/0004.jpg",
        ),
        ("C:ROOM-5 SHEETS,S*2".to_string(), 3, "holds no 8-digit task ID", "ROOM-5 SHEETS"),
        (format!("C:{task},S*2,C:{task},S*2"), 6, "has more than one cover", "scans/0004.jpg"),
        (format!("C:{task},C:{other},S*2"), 4, "No answer sheets follow the cover", "scans/0001.jpg"),
    ];
    for (n, (layout, images, warning, named)) in cases.iter().enumerate() {
        // Every other case deflated: scanners make both kinds.
        choose_files(&root, &[scanner_zip(layout, n % 2 == 1, &format!("case{n}.zip")).await]);
        wait_until_read(&root, *images).await;
        let shown = warnings(&root);
        assert!(shown.contains(warning) && shown.contains(named), "{layout}: {shown}");
        assert_eq!(submit_label(&root).trim(), "Upload anyway", "{layout}");
    }
    // Warnings never block: the last one is sent.
    submit(&root);
    wait_for("the upload queued", || find(&root, ".upload-item").is_some()).await;
    unmount_all();
}

#[wasm_bindgen_test]
async fn the_check_stops_at_once_and_never_holds_the_upload_back() {
    start_clean().await;
    let root = open_batches_in("admin", "admin-pass-2025", Lang::En).await;
    let task = "29040001";
    let file = scanner_zip(&format!("C:{task},S*60"), false, "long.zip").await;
    choose_files(&root, std::slice::from_ref(&file));
    wait_on_page(&root, "the check reading", || check_line(&root).contains("Reading QR covers")).await;
    let stop = find(&root, "[data-testid=cover-check] button").unwrap();
    stop.click();
    wait_for("the check stopped", || check_line(&root).contains("Check stopped")).await;
    let line = text(&root);
    gloo_timers::future::sleep(Duration::from_millis(1500)).await;
    assert!(check_line(&root).contains("Check stopped"), "no report after the stop");
    assert_eq!(text(&root), line, "nothing changed on the page after the stop");

    // Picked again and sent at once: the upload is queued while the check still reads (61
    // pages take the worker seconds; queueing takes a list request).
    choose_files(&root, &[file]);
    wait_on_page(&root, "the check reading", || check_line(&root).contains("Reading QR covers")).await;
    submit(&root);
    let mut read_through = false;
    wait_for("the upload queued", || {
        read_through |= check_line(&root).contains("QR covers read in");
        find(&root, ".upload-item").is_some()
    })
    .await;
    assert!(!read_through, "the upload did not wait for the check");
    assert!(find(&root, "[data-testid=cover-check]").is_none(), "the check ended with the picked file");
    unmount_all();
}

#[wasm_bindgen_test]
async fn only_zips_with_qr_codes_are_checked_and_the_thai_page_says_it_in_thai() {
    start_clean().await;
    let root = open_batches_in("admin", "admin-pass-2025", Lang::Th).await;
    let task = "29050001";
    choose_files(&root, &[scanner_zip(&format!("C:{task},S*2"), false, "th.zip").await]);
    wait_on_page(&root, "the Thai outcome", || check_line(&root).contains("อ่าน QR ใบปะหน้าครบ 3 ภาพ: พบ 1 ชุดงาน")).await;
    assert!(table_rows(&root)[0].contains(task));
    find(&root, "#strategy-zip_no_qr").unwrap().click();
    wait_for("no check for a ZIP without QR codes", || find(&root, "[data-testid=cover-check]").is_none()).await;
    unmount_all();
}

#[wasm_bindgen_test]
async fn several_zips_are_checked_in_turn_past_a_refused_one_and_again_after_a_strategy_switch() {
    start_clean().await;
    let root = open_batches_in("admin", "admin-pass-2025", Lang::En).await;
    let (first, second) = ("29060001", "29060002");
    let not_a_zip = web_sys::File::new_with_str_sequence(&js_sys::Array::of1(&"%PDF-1.4".into()), "scan.zip").unwrap();
    let files = [
        scanner_zip(&format!("C:{first},S*2"), false, "a.zip").await,
        not_a_zip,
        scanner_zip(&format!("C:{second},S*3"), true, "c.zip").await,
    ];
    let states = |root: &web_sys::Element| {
        let checks = root.query_selector_all("[data-testid=cover-check]").unwrap();
        let checks = (0..checks.length()).filter_map(|i| checks.get(i)?.dyn_into::<web_sys::Element>().ok());
        checks.map(|c| c.get_attribute("data-state").unwrap_or_default()).collect::<Vec<String>>()
    };
    let both_done = || states(&root) == ["done", "done"];
    choose_files(&root, &files);
    wait_for_the_server(&root, "both checks read through, the refused file between them", both_done).await;
    assert_eq!(table_rows(&root).len(), 2, "one task row per checked ZIP");

    // Another strategy ends the checks and their wording; back on QR they run again in turn.
    find(&root, "#strategy-zip_no_qr").unwrap().click();
    wait_for("no check without QR", || states(&root).is_empty()).await;
    assert_eq!(submit_label(&root).trim(), "Upload");
    find(&root, "#strategy-zip_with_qr").unwrap().click();
    wait_for_the_server(&root, "the checks again", both_done).await;
    unmount_all();
}

#[wasm_bindgen_test]
async fn a_worker_that_cannot_load_says_so_and_holds_nothing_up() {
    start_clean().await;
    let config = AppConfig {
        cover_worker_base: format!("{}/__test/worker-missing/", standin()),
        default_language: Some("en".into()),
        ..config()
    };
    let root = open_batches("admin", "admin-pass-2025", config).await;
    choose_files(&root, &[scanner_zip("C:29070001,S*2", false, "x.zip").await]);
    wait_on_page(&root, "the check saying it cannot run", || find(&root, "[data-state=unavailable]").is_some()).await;
    assert!(check_line(&root).contains("could not be checked in this browser"), "{}", check_line(&root));
    assert_eq!(submit_label(&root).trim(), "Upload");
    submit(&root);
    wait_for("the upload queued", || find(&root, ".upload-item").is_some()).await;
    unmount_all();
}

#[wasm_bindgen_test]
fn every_warning_names_its_files_in_both_languages() {
    let list = |names: &[&str], count: usize| FileNames { shown: names.iter().map(|s| s.to_string()).collect(), count };
    let warnings = [
        CoverWarning::SheetsBeforeFirstCover(list(&["a.jpg"], 1)),
        CoverWarning::UnreadableCovers(list(&["b.jpg", "c.jpg"], 9)),
        CoverWarning::NoTaskId { cover: "d.jpg".into(), text: "hello".into() },
        CoverWarning::SameTask { task_id: "11111111".into(), covers: list(&["e.jpg", "f.jpg"], 2) },
        CoverWarning::EmptyGroup { task_id: "44444444".into(), cover: "g.jpg".into() },
        CoverWarning::NotPictures(list(&["h.jpg"], 1)),
    ];
    let (en, th) = (Locale::new(Lang::En), Locale::new(Lang::Th));
    for warning in &warnings {
        for l in [en, th] {
            let text = i18n::covers::warning(l, warning);
            let named = ["a.jpg", "b.jpg", "d.jpg", "e.jpg", "g.jpg", "h.jpg"].iter().any(|n| text.contains(n));
            assert!(named, "{text}");
        }
    }
    assert!(i18n::covers::warning(en, &warnings[1]).ends_with("c.jpg\u{2069} and 7 more"));
    assert!(i18n::covers::warning(th, &warnings[1]).ends_with("และอีก 7 ไฟล์"));
    assert!(i18n::covers::warning(en, &warnings[2]).contains("hello"));
    assert!(i18n::covers::warning(th, &warnings[4]).contains("ชุดงาน 44444444"));
    assert!(i18n::covers::warning(en, &warnings[0]).starts_with("1 image comes before"), "singular in English");
    let mut report = CoverReport { read: 37, total: 291, ..CoverReport::default() };
    assert_eq!(i18n::covers::progress(en, &report), "Reading QR covers: 37 of 291");
    assert_eq!(i18n::covers::progress(th, &report), "กำลังอ่าน QR ใบปะหน้า: 37 จาก 291");
    report.read = 291;
    assert_eq!(i18n::covers::progress(en, &report), "QR covers read in 291 images: 0 tasks");
}
