//! Both languages through the real app: the login page, the list with paging and the filter,
//! the details page (progress, timeline, activity log, sheets) and the upload form with its
//! validation messages, each in Thai and in English. A Thai page fails when it shows any
//! English catalogue text (the list comes from the catalogue itself), and a switch of
//! language re-renders what is on screen, a running upload included, and is remembered
//! across a reload and a sign-out.

use crate::steps::{choose_files, drop_files, select_status, set_task_id, sign_in, submit};
use crate::support::{
    config, current_url, fault, find, go_to, mount_app, small_zip, start_clean, stored, text, unique_task, unmount_all,
    upload_zip, wait_for,
};
use omr_web::api::ApiClient;
use omr_web::config::AppConfig;
use omr_web::locale::{Lang, STORAGE_KEY};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

/// The test configuration with `lang` as the deployment's default.
fn config_in(lang: Lang) -> AppConfig {
    AppConfig { default_language: Some(lang.code().into()), poll_interval_ms: 250, ..config() }
}

fn has_thai(text: &str) -> bool {
    text.chars().any(|c| ('\u{0E00}'..='\u{0E7F}').contains(&c))
}

/// One text a user can meet, and whether it is data shown as it came (names in `<bdi>`, ids in
/// `<code>`, names in elements marked `translate="no"` — a select's options cannot hold a
/// `<bdi>` —, server words and the product's English name marked `lang="en"`) rather than words
/// the app wrote.
struct Seen {
    text: String,
    data: bool,
}

/// Every text under `root`: text nodes, and the labels assistive technology reads out or
/// cards show (`aria-label`, `aria-valuetext`, `title`, `data-label`).
fn visible_texts(root: &web_sys::Node, data: bool, found: &mut Vec<Seen>) {
    let children = root.child_nodes();
    for i in 0..children.length() {
        let Some(node) = children.get(i) else { continue };
        if node.node_type() == web_sys::Node::TEXT_NODE {
            let text = node.text_content().map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
            found.extend(text.map(|text| Seen { text, data }));
        } else if let Some(element) = node.dyn_ref::<web_sys::Element>() {
            let tag = element.tag_name().to_ascii_lowercase();
            let data = data
                || tag == "bdi"
                || tag == "code"
                || element.get_attribute("lang").as_deref() == Some("en")
                || element.get_attribute("translate").as_deref() == Some("no");
            for attribute in ["aria-label", "aria-valuetext", "title", "data-label"] {
                found.extend(element.get_attribute(attribute).map(|text| Seen { text, data }));
            }
            visible_texts(&node, data, found);
        }
    }
}

/// Latin words a Thai office keeps as they are: they never count as English left behind.
const KEPT: [&str; 14] =
    ["QR", "code", "task", "ID", "ZIP", "CSV", "JPG", "PNG", "OMR", "MB", "KB", "GB", "TB", "English"];

/// Two or more English words in a row, outside the words Thai keeps.
fn english_run(text: &str) -> Option<String> {
    let mut run = Vec::new();
    for token in text.split_whitespace() {
        let word = token.trim_matches(|c: char| c.is_ascii_punctuation());
        let english = word.len() >= 2 && word.chars().all(|c| c.is_ascii_alphabetic()) && !KEPT.contains(&word);
        if !english {
            run.clear();
            continue;
        }
        run.push(word);
        if run.len() >= 2 {
            return Some(run.join(" "));
        }
    }
    None
}

/// The document title, as a text of the page.
fn document_title() -> Seen {
    Seen { text: web_sys::window().unwrap().document().unwrap().title(), data: false }
}

/// Every text of the page under `root`, the document title first.
fn page_texts(root: &web_sys::Element) -> Vec<Seen> {
    let mut texts = vec![document_title()];
    visible_texts(root, false, &mut texts);
    texts
}

/// The English catalogue texts among the app's own `texts` (data aside): a text equal to a
/// catalogue entry, or holding a catalogue sentence.
fn english_on_page(texts: &[Seen]) -> Vec<String> {
    let english = omr_web::i18n::english_only_texts();
    texts
        .iter()
        .filter(|seen| !seen.data)
        .map(|seen| seen.text.clone())
        .filter(|t| english.iter().any(|e| t == e || (e.chars().count() >= 12 && t.contains(e))))
        .collect()
}

/// English among `texts`: catalogue texts (the list comes from the catalogue itself), and runs
/// of English words outside data (status phrases, decoder messages and other English that
/// never was in the catalogue).
fn english_found(texts: &[Seen]) -> (Vec<String>, Vec<String>) {
    let runs = texts.iter().filter(|s| !s.data).filter_map(|s| english_run(&s.text)).collect();
    (english_on_page(texts), runs)
}

/// Fails on English the app wrote on a Thai page (see [`english_found`]).
async fn assert_all_thai(root: &web_sys::Element, page: &str) {
    // The title is set by an effect after the render that shows the page; on a busy machine it
    // can follow a moment after the text. Wait for it, then check it with the rest.
    let title_is_thai = || english_found(&[document_title()]) == (Vec::new(), Vec::new());
    wait_for(&format!("the {page}'s title in Thai"), title_is_thai).await;
    let (left, runs) = english_found(&page_texts(root));
    assert!(left.is_empty(), "English catalogue texts on the Thai {page}: {left:?}");
    assert!(runs.is_empty(), "English words on the Thai {page}: {runs:?}");
}

fn html_lang() -> String {
    web_sys::window().unwrap().document().unwrap().document_element().unwrap().get_attribute("lang").unwrap_or_default()
}

/// Waits for `<html lang>` to be `code`. The locale provider sets it in an effect, after the
/// render that shows the new language: on a busy machine a check right after the text changed
/// can run before it.
async fn wait_for_document_lang(code: &str) {
    wait_for(&format!("<html lang=\"{code}\">"), || html_lang() == code).await;
}

#[wasm_bindgen_test]
fn english_runs_are_found_and_kept_words_are_not() {
    assert_eq!(english_run("ZIP แบบมี QR code"), None);
    assert_eq!(english_run("กรุณากรอกรหัสชุดงาน (task ID) 8 หลัก"), None);
    assert_eq!(english_run("เซิร์ฟเวอร์: Not Found"), Some("Not Found".into()));
    assert_eq!(english_run("x Bad Request (400)"), Some("Bad Request".into()));
    assert_eq!(english_run("Not ไทย Found"), None, "Thai between two words breaks the run");
    assert_eq!(english_run("Cancelled"), None, "one word alone is the catalogue check's job");
}

#[wasm_bindgen_test]
fn the_english_only_list_is_built_from_the_catalogues() {
    let english = omr_web::i18n::english_only_texts();
    assert!(english.len() > 150, "{} texts", english.len());
    assert!(english.contains(&"Sign out") && english.contains(&"Uploaded. Processing has started."));
    assert!(!english.contains(&"—"), "texts both languages share are not English leftovers");
}

#[wasm_bindgen_test]
async fn the_login_page_in_thai_and_in_english() {
    for (lang, title, too_short, refused) in [
        (Lang::Th, "เข้าสู่ระบบ", "ชื่อผู้ใช้ต้องมี 3 ถึง 50 ตัวอักษร", "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"),
        (Lang::En, "Sign in", "Username must be 3 to 50 characters.", "Invalid username or password"),
    ] {
        start_clean().await;
        go_to("/login");
        let root = mount_app(config_in(lang));
        wait_for("the login form", || find(&root, "#login-username").is_some()).await;
        assert!(text(&root).contains(title));
        wait_for_document_lang(lang.code()).await;
        sign_in(&root, "ab", "short").await;
        wait_for("the username rule", || text(&root).contains(too_short)).await;
        sign_in(&root, "center07", "not-the-password").await;
        wait_for("the server's refusal, translated", || text(&root).contains(refused)).await;
        if lang == Lang::Th {
            assert_all_thai(&root, "login page").await;
        }
        unmount_all();
    }
}

#[wasm_bindgen_test]
async fn the_list_with_paging_and_the_filter_in_thai_and_in_english() {
    for (lang, showing, page_of, failed) in [
        (Lang::Th, "แสดงรายการที่ 51–100 จากทั้งหมด", "หน้า 2 จาก", "ล้มเหลว"),
        (Lang::En, "Showing 51–100 of", "Page 2 of", "Failed"),
    ] {
        start_clean().await;
        ApiClient::new(config()).login("admin", "admin-pass-2025").await.unwrap();
        go_to("/dashboard/batches?page=2");
        let root = mount_app(config_in(lang));
        wait_for("the second page", || text(&root).contains(showing)).await;
        assert!(text(&root).contains(page_of));
        match lang {
            Lang::Th => assert_all_thai(&root, "list").await,
            // The check itself works: the same page in English is full of catalogue texts.
            Lang::En => {
                let english = english_on_page(&page_texts(&root));
                assert!(english.len() > 10, "{english:?}");
            }
        }
        select_status(&root, "failed");
        wait_for("failed batches only", || {
            current_url() == "/dashboard/batches?status=failed"
                && find(&root, "table.batch-table tbody tr[data-uuid] .status-badge")
                    .is_some_and(|b| b.inner_text() == failed)
        })
        .await;
        if lang == Lang::Th {
            assert_all_thai(&root, "filtered list").await;
        }
        unmount_all();
    }
}

#[wasm_bindgen_test]
async fn the_details_page_in_thai_and_in_english() {
    for (lang, completed, stage, sheets) in [
        (Lang::Th, "เสร็จสมบูรณ์", "ตรวจกระดาษคำตอบ", "กระดาษคำตอบ (100 จาก 5,000)"),
        (Lang::En, "Completed", "Checking sheets", "Sheets (100 of 5,000)"),
    ] {
        start_clean().await;
        let client = ApiClient::new(config_in(lang));
        client.login("center07", "center07-pass").await.unwrap();
        // Long enough to be followed live: the activity log comes from the event stream.
        let uuid = upload_zip(&client, small_zip("ผลสอบ-รอบ1.zip", &unique_task(), 5_000)).await;
        go_to(&format!("/dashboard/batches/{uuid}"));
        let root = mount_app(config_in(lang));
        wait_for("the batch completed", || {
            find(&root, ".batch-progress .status-badge").is_some_and(|b| b.inner_text() == completed)
        })
        .await;
        wait_for("the log and the sheets", || {
            root.query_selector_all(".activity-row").unwrap().length() >= 8 && text(&root).contains(sheets)
        })
        .await;
        let log = root.query_selector_all(".activity-row").unwrap();
        let rows: Vec<String> = (0..log.length()).map(|i| log.get(i).unwrap().text_content().unwrap()).collect();
        assert!(rows.iter().any(|row| row.contains(stage)), "stage names translated: {rows:?}");
        if lang == Lang::Th {
            for i in 0..log.length() {
                let row: web_sys::Element = log.get(i).unwrap().dyn_into().unwrap();
                let message = row.query_selector("td:nth-child(3)").unwrap().unwrap().text_content().unwrap();
                assert!(has_thai(&message), "every server message of this run is recognised: {message:?}");
            }
            assert!(rows.iter().any(|row| row.contains("5,000")), "numbers kept: {rows:?}");
            assert!(text(&root).contains("ลำดับเหตุการณ์"), "timeline");
            assert_all_thai(&root, "details page").await;
        } else {
            assert!(rows.iter().any(|row| row.contains("Processing: 5,000 of 5,000 sheets done")), "{rows:?}");
        }
        assert!(
            find(&root, "h1 bdi, h1").is_some_and(|h| h.inner_text().contains("ผลสอบ-รอบ1.zip")),
            "Thai names kept"
        );
        unmount_all();
    }
}

#[wasm_bindgen_test]
async fn the_upload_form_says_each_problem_in_thai_and_in_english() {
    let cases: [(Lang, [&str; 5]); 2] = [
        (
            Lang::Th,
            [
                "กรุณาเลือกไฟล์ที่จะอัปโหลด",
                "“scan.pdf” ไม่ใช่ไฟล์ ZIP",
                "รหัสชุดงาน (task ID) ต้องมี 8 หลักพอดี แต่ที่กรอกมี 7 หลัก",
                "“renamed.zip” ไม่ใช่ไฟล์ ZIP จริง",
                "ภาพกระดาษคำตอบ 3 ภาพ ใน 1 โฟลเดอร์ชุดงาน",
            ],
        ),
        (
            Lang::En,
            [
                "Choose a file to upload.",
                "“scan.pdf” is not a ZIP file.",
                "exactly 8 digits; this one has 7",
                "“renamed.zip” is not really a ZIP file",
                "3 sheet images in 1 task folder",
            ],
        ),
    ];
    for (lang, [no_file, not_zip, task_length, fake_zip, summary]) in cases {
        start_clean().await;
        ApiClient::new(config()).login("center08", "center08-pass").await.unwrap();
        go_to("/dashboard/batches");
        let root = mount_app(config_in(lang));
        wait_for("the upload form", || find(&root, "#upload-files").is_some()).await;
        submit(&root);
        wait_for("no-file message", || text(&root).contains(no_file)).await;
        let pdf = web_sys::File::new_with_str_sequence(&js_sys::Array::of1(&"%PDF-1.4".into()), "scan.pdf").unwrap();
        drop_files(&root, &[pdf]);
        wait_for("the dropped file", || find(&root, ".picked-files").is_some()).await;
        submit(&root);
        wait_for("wrong-type message", || text(&root).contains(not_zip)).await;
        let renamed =
            web_sys::File::new_with_str_sequence(&js_sys::Array::of1(&"%PDF-1.4 renamed".into()), "renamed.zip")
                .unwrap();
        choose_files(&root, &[renamed]);
        wait_for("the pre-flight refusal", || text(&root).contains(fake_zip)).await;
        find(&root, "#strategy-zip_no_qr").unwrap().click();
        wait_for("the task id field", || find(&root, "#upload-task-id").is_some()).await;
        let task = unique_task();
        choose_files(&root, &[small_zip("day3.zip", &task, 3)]);
        wait_for("the sheet count", || text(&root).contains(summary)).await;
        set_task_id(&root, "1230014");
        submit(&root);
        wait_for("task id length message", || text(&root).contains(task_length)).await;
        if lang == Lang::Th {
            assert_all_thai(&root, "upload form").await;
        }
        unmount_all();
    }
}

#[wasm_bindgen_test]
async fn switching_language_re_renders_the_page_and_a_running_upload_and_is_remembered() {
    start_clean().await;
    ApiClient::new(config()).login("center07", "center07-pass").await.unwrap();
    go_to("/dashboard/batches");
    let root = mount_app(config_in(Lang::En));
    wait_for("the upload form", || find(&root, "#upload-files").is_some()).await;
    // An upload held by the server, so its row stays on screen while the language changes.
    fault(
        serde_json::json!({"method": "POST", "path": "/api/batches/upload", "action": {"kind": "delay", "ms": 3000}}),
    )
    .await;
    choose_files(&root, &[small_zip("switch.zip", &unique_task(), 3)]);
    wait_for("the sheet count", || text(&root).contains("3 sheet images")).await;
    submit(&root);
    wait_for("the upload under way", || text(&root).contains("Uploading chunk 1 of 1")).await;

    find(&root, ".app-header .language-option[data-lang=th]").unwrap().click();
    wait_for("the page in Thai", || text(&root).contains("ออกจากระบบ") && text(&root).contains("กำลังส่งส่วนที่ 1 จาก 1"))
        .await;
    wait_for_document_lang("th").await;
    let document = web_sys::window().unwrap().document().unwrap();
    wait_for("the title in Thai", || document.title().contains("ชุดข้อมูล")).await;
    assert_eq!(stored(STORAGE_KEY).as_deref(), Some("th"));
    wait_for("the upload done, in Thai", || text(&root).contains("อัปโหลดแล้ว เริ่มประมวลผลแล้ว")).await;
    assert_all_thai(&root, "list after the switch").await;

    // A reload: the choice beats the deployment's English default.
    unmount_all();
    let root = mount_app(config_in(Lang::En));
    wait_for("Thai after a reload", || text(&root).contains("ออกจากระบบ")).await;
    // Signing out does not forget it either.
    find(&root, ".header-user button").unwrap().click();
    wait_for("the login page", || find(&root, "#login-username").is_some()).await;
    assert!(text(&root).contains("เข้าสู่ระบบ"), "the login page in Thai: {}", text(&root));
    find(&root, ".language-option[data-lang=en]").unwrap().click();
    wait_for("English again", || text(&root).contains("Sign in")).await;
    wait_for_document_lang("en").await;
    unmount_all();
}

#[wasm_bindgen_test]
async fn the_delete_dialog_and_the_not_found_page_in_thai() {
    start_clean().await;
    ApiClient::new(config()).login("admin", "admin-pass-2025").await.unwrap();
    go_to("/dashboard/batches?status=processing");
    let root = mount_app(config_in(Lang::Th));
    wait_for("a running batch", || find(&root, "tr[data-uuid] button[aria-haspopup=dialog]").is_some()).await;
    find(&root, "tr[data-uuid] button[aria-haspopup=dialog]").unwrap().click();
    wait_for("the dialog", || find(&root, "[role=dialog]").is_some()).await;
    assert!(text(&root).contains("ต้องการลบชุดข้อมูลนี้หรือไม่"), "{}", text(&root));
    assert_all_thai(&root, "delete dialog").await;
    // A running batch asks a second time, naming its status in Thai.
    find(&root, "[role=dialog] .button-danger").unwrap().click();
    wait_for("the second question", || text(&root).contains("ยังอยู่ในสถานะ “กำลังประมวลผล”")).await;
    assert_all_thai(&root, "second delete question").await;
    unmount_all();

    go_to("/no/such/page");
    let root = mount_app(config_in(Lang::Th));
    wait_for("the not-found page", || text(&root).contains("ไม่พบหน้าที่ต้องการ")).await;
    assert_all_thai(&root, "not-found page").await;
    unmount_all();
}
