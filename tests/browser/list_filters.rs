//! The list's text filters (contract §5.9.7) against both backend generations: typed names and
//! uploaders (Thai, `%`, `_`, quotes) reach the server literally and stay in the address; a
//! server that ignores them (the snapshot) is told from its rows, said so in the user's
//! language, and its rows are filtered on the page; the CSV export follows the filters.

use crate::batch_list::{cell_texts, next_download, rows};
use crate::support::{
    config, current_url, find, go_to, mount_app, put_control, start_clean, text, unmount_all, wait_on_page,
};
use omr_web::api::endpoints::ListFilter;
use omr_web::config::AppConfig;
use omr_web::list_view::ListQuery;
use omr_web::locale::{Lang, Locale};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

/// The file-name column and the uploader column of an admin's list.
const NAME: u32 = 1;
const UPLOADER: u32 = 7;

fn in_language(lang: Lang) -> AppConfig {
    AppConfig { default_language: Some(lang.code().into()), ..config() }
}

/// Signs in from a clean state, on the backend generation asked for.
async fn signed_in(user: &str, password: &str, later: bool) {
    start_clean().await;
    if !later {
        put_control("/__test/generation", serde_json::json!({"later": false})).await;
    }
    omr_web::api::ApiClient::new(config()).login(user, password).await.unwrap();
}

/// The filters the address bar holds.
fn address_filter() -> ListFilter {
    ListQuery::parse(&web_sys::window().unwrap().location().search().unwrap()).filter()
}

/// Types `value` into a filter input as a keyboard would (value, then a bubbling `input`).
fn type_filter(root: &web_sys::Element, selector: &str, value: &str) {
    let input: web_sys::HtmlInputElement = root.query_selector(selector).unwrap().expect(selector).dyn_into().unwrap();
    input.set_value(value);
    let init = web_sys::InputEventInit::new();
    init.set_bubbles(true);
    input.dispatch_event(&web_sys::InputEvent::new_with_event_init_dict("input", &init).unwrap()).unwrap();
}

fn input_value(root: &web_sys::Element, selector: &str) -> String {
    root.query_selector(selector).unwrap().expect(selector).unchecked_into::<web_sys::HtmlInputElement>().value()
}

fn label_of(root: &web_sys::Element, id: &str) -> String {
    find(root, &format!("label[for={id}]")).map(|l| l.inner_text()).unwrap_or_default()
}

/// Real rows are on the page (not the skeleton) and every one's `column` contains `part`.
fn all_rows_show(root: &web_sys::Element, column: u32, part: &str) -> bool {
    !rows(root).is_empty() && cell_texts(root, column).iter().all(|cell| cell.contains(part))
}

#[wasm_bindgen_test]
async fn a_typed_name_filters_the_rows_and_stays_in_the_address_across_a_reload_and_back() {
    signed_in("admin", "admin-pass-2025", true).await;
    go_to("/dashboard/batches?page=2");
    let root = mount_app(in_language(Lang::En));
    wait_on_page(&root, "the second page", || rows(&root).len() == 50).await;
    let en = Locale::new(Lang::En).list();
    assert_eq!(label_of(&root, "name-filter"), en.filter_name);
    assert_eq!(label_of(&root, "uploader-filter"), en.filter_uploader);

    // `_` would match any character in a SQL LIKE: only the names that hold "_1_" may come.
    type_filter(&root, "#name-filter", "_1_");
    wait_on_page(&root, "the filtered rows on page 1", || {
        current_url() == "/dashboard/batches?name=_1_" && all_rows_show(&root, NAME, "room_1_a.zip")
    })
    .await;
    assert!(text(&root).contains("Page 1 of 1"), "the server's total is the filtered one");
    assert!(find(&root, "[data-testid=filters-ignored]").is_none(), "this server filters");
    unmount_all();

    // A reload (a new app on the same address) keeps the filter, in the input and the rows.
    let root = mount_app(in_language(Lang::En));
    wait_on_page(&root, "the filtered rows after a reload", || all_rows_show(&root, NAME, "room_1_a.zip")).await;
    assert_eq!(input_value(&root, "#name-filter"), "_1_");

    // A percent sign and quotes arrive literally too; the back button restores the filter before.
    type_filter(&root, "#name-filter", "o'brien \"B\"");
    wait_on_page(&root, "the quoted name", || all_rows_show(&root, NAME, "O'Brien \"B\" room.zip")).await;
    assert_eq!(address_filter().batch_name, "o'brien \"B\"");
    type_filter(&root, "#name-filter", "100%");
    wait_on_page(&root, "the name with a percent sign", || all_rows_show(&root, NAME, "scan_100%_final.zip")).await;
    web_sys::window().unwrap().history().unwrap().back().unwrap();
    wait_on_page(&root, "the quoted filter again", || {
        input_value(&root, "#name-filter") == "o'brien \"B\"" && all_rows_show(&root, NAME, "O'Brien \"B\" room.zip")
    })
    .await;
    unmount_all();
}

#[wasm_bindgen_test]
async fn the_uploader_filter_is_an_admins_and_finds_the_thai_uploader() {
    let th = Locale::new(Lang::Th).list();
    signed_in("center07", "center07-pass", true).await;
    go_to("/dashboard/batches?status=completed&page=2");
    let root = mount_app(in_language(Lang::Th));
    wait_on_page(&root, "a staff member's rows", || !rows(&root).is_empty()).await;
    assert_eq!(label_of(&root, "name-filter"), th.filter_name);
    assert!(find(&root, "#uploader-filter").is_none(), "no uploader filter for staff");
    unmount_all();

    signed_in("admin", "admin-pass-2025", true).await;
    go_to("/dashboard/batches?status=completed&page=2");
    let root = mount_app(in_language(Lang::Th));
    wait_on_page(&root, "the admin's rows", || !rows(&root).is_empty()).await;
    assert_eq!(label_of(&root, "uploader-filter"), th.filter_uploader);
    type_filter(&root, "#uploader-filter", "ภาค2");
    wait_on_page(&root, "the Thai uploader's batches", || {
        address_filter().username == "ภาค2" && all_rows_show(&root, UPLOADER, "ภาค2-3")
    })
    .await;
    let filter = address_filter();
    assert_eq!(filter.status, Some(omr_web::api::types::BatchStatus::Completed), "the status stays");
    assert!(!current_url().contains("page="), "back to page 1");
    assert!(current_url().contains("uploader=%E0%B8%A0%E0%B8%B2%E0%B8%84"), "{}", current_url());
    unmount_all();
}

#[wasm_bindgen_test]
async fn a_server_that_ignores_the_filters_is_named_and_the_page_filtered_here_in_both_languages() {
    signed_in("admin", "admin-pass-2025", false).await;
    // The failed batches fit one page: the seeded "room_1_a.zip" and "ใบตอบ_ภาค2%.zip" are on it.
    go_to("/dashboard/batches?status=failed");
    let root = mount_app(in_language(Lang::En));
    wait_on_page(&root, "the failed rows", || !rows(&root).is_empty()).await;
    let en = Locale::new(Lang::En).list();
    type_filter(&root, "#name-filter", "_1_");
    wait_on_page(&root, "the note and the matching rows", || {
        find(&root, "[data-testid=filters-ignored]").is_some_and(|n| n.inner_text() == en.ignored_name)
            && all_rows_show(&root, NAME, "room_1_a.zip")
    })
    .await;
    assert!(find(&root, "[role=alert]").is_none(), "no error");
    // The uploader too: rows of other uploaders are not shown, and the note names both.
    type_filter(&root, "#uploader-filter", "ภาค2");
    wait_on_page(&root, "the note on both filters", || {
        find(&root, "[data-testid=filters-ignored]").is_some_and(|n| n.inner_text() == en.ignored_both)
            && (rows(&root).is_empty() || all_rows_show(&root, UPLOADER, "ภาค2-3"))
    })
    .await;
    unmount_all();

    // In Thai, from the address alone.
    go_to("/dashboard/batches?status=failed&name=%E0%B8%A0%E0%B8%B2%E0%B8%842%25");
    let root = mount_app(in_language(Lang::Th));
    let th = Locale::new(Lang::Th).list();
    wait_on_page(&root, "the Thai note and the matching rows", || {
        find(&root, "[data-testid=filters-ignored]").is_some_and(|n| n.inner_text() == th.ignored_name)
            && all_rows_show(&root, NAME, "ใบตอบ_ภาค2%.zip")
    })
    .await;
    assert_eq!(input_value(&root, "#name-filter"), "ภาค2%");
    assert!(find(&root, "[role=alert]").is_none(), "no error");
    unmount_all();
}

/// The data lines of an exported CSV.
fn csv_rows(csv: &str) -> Vec<String> {
    csv.trim_start_matches('\u{feff}').split("\r\n").skip(1).filter(|l| !l.is_empty()).map(str::to_string).collect()
}

#[wasm_bindgen_test]
async fn the_csv_export_follows_the_filters_on_both_generations() {
    for later in [true, false] {
        signed_in("admin", "admin-pass-2025", later).await;
        go_to("/dashboard/batches?name=_1_");
        let root = mount_app(in_language(Lang::En));
        if later {
            wait_on_page(&root, "the filtered rows", || all_rows_show(&root, NAME, "room_1_a.zip")).await;
        } else {
            // The snapshot's first page holds every kind of batch (those earlier tests made
            // too): the page says it filtered here; the matching rows may be on later pages.
            wait_on_page(&root, "the note", || find(&root, "[data-testid=filters-ignored]").is_some()).await;
        }
        let (_, csv) = next_download(|| find(&root, "[data-testid=export-list]").unwrap().click()).await;
        let lines = csv_rows(&csv);
        // The seed names two batches "room_1_a.zip"; the snapshot's whole list is read and filtered here.
        assert_eq!(lines.len(), 2, "later={later}: {lines:?}");
        assert!(lines.iter().all(|l| l.contains(",room_1_a.zip,")), "later={later}: {lines:?}");
        unmount_all();
    }
}
