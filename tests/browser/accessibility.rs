//! axe-core (installed by `cargo xtask bootstrap`) over every page in Thai and English: the
//! sign-in page and index.html's static shell, the admin's list, a batch's details and the
//! not-found page. Any violation fails the test, with the rule, its impact and where.
//! Phone and laptop widths are covered by the nginx suite, which drives the release bundle
//! at 390, 1280 and 1366 px (xtask/tests/nginx.rs).

use crate::support::{
    add_to_head, config, find, go_to, js, mount_app, show_index_shell, start_clean, unmount_all, use_app_style,
    wait_for,
};
use omr_web::api::ApiClient;
use omr_web::config::AppConfig;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

/// axe-core's script (its path comes from `.cargo/config.toml`).
const AXE_JS: &str = include_str!(env!("OMR_AXE_CORE_JS"));
/// Puts axe and the app's stylesheet (colour contrast as users see it) on the test page.
fn load_axe() {
    add_to_head("test-axe", "script", AXE_JS);
    use_app_style();
}

/// Runs axe over `root`; panics listing every violation of `page`.
async fn assert_accessible(root: &web_sys::Element, page: &str) {
    load_axe();
    let axe = js_sys::Reflect::get(&web_sys::window().unwrap(), &"axe".into()).unwrap();
    let run: js_sys::Function = js_sys::Reflect::get(&axe, &"run".into()).unwrap().unchecked_into();
    let options = js("return { resultTypes: ['violations'] };");
    let promise: js_sys::Promise = run.call2(&axe, root, &options).unwrap().unchecked_into();
    let results = JsFuture::from(promise).await.expect("axe ran");
    let violations: js_sys::Array = js_sys::Reflect::get(&results, &"violations".into()).unwrap().unchecked_into();
    let found: Vec<String> = violations
        .iter()
        .map(|v| {
            let field = |name: &str| js_sys::Reflect::get(&v, &name.into()).ok().and_then(|f| f.as_string());
            let nodes: js_sys::Array = js_sys::Reflect::get(&v, &"nodes".into()).unwrap().unchecked_into();
            let targets: Vec<String> = nodes
                .iter()
                .filter_map(|n| js_sys::JSON::stringify(&js_sys::Reflect::get(&n, &"target".into()).ok()?).ok())
                .map(String::from)
                .collect();
            format!(
                "{} ({}): {}",
                field("id").unwrap_or_default(),
                field("impact").unwrap_or_default(),
                targets.join(" ")
            )
        })
        .collect();
    let width = web_sys::window().unwrap().inner_width().unwrap().as_f64().unwrap_or_default();
    assert!(found.is_empty(), "{page} at {width} px: {found:#?}");
}

fn in_language(lang: &str) -> AppConfig {
    AppConfig { default_language: Some(lang.into()), ..config() }
}

/// The first batch on the admin's list (its details page is checked).
async fn some_batch() -> String {
    let client = ApiClient::new(config());
    let page = client.list_batches(None, 1, 0).await.expect("the list");
    page.batches.first().expect("the demo data has batches").batch_uuid.clone()
}

#[wasm_bindgen_test]
async fn the_shell_and_the_sign_in_page_pass_axe_in_both_languages() {
    start_clean().await;
    // index.html's shell, as a first visit paints it.
    let shell = show_index_shell();
    assert_accessible(&shell, "the static shell").await;
    shell.remove();
    for lang in ["th", "en"] {
        start_clean().await;
        go_to("/login");
        let root = mount_app(in_language(lang));
        wait_for("the sign-in form", || find(&root, "#login-username").is_some()).await;
        assert_accessible(&root, &format!("the sign-in page ({lang})")).await;
        unmount_all();
    }
}

#[wasm_bindgen_test]
async fn the_list_the_details_and_not_found_pass_axe_in_both_languages() {
    for lang in ["th", "en"] {
        start_clean().await;
        ApiClient::new(config()).login("admin", "admin-pass-2025").await.unwrap();
        let uuid = some_batch().await;
        go_to("/dashboard/batches");
        let root = mount_app(in_language(lang));
        wait_for("the list with its rows", || find(&root, "table.batch-table tbody tr[data-uuid]").is_some()).await;
        assert_accessible(&root, &format!("the admin's list ({lang})")).await;
        unmount_all();

        go_to(&format!("/dashboard/batches/{uuid}"));
        let root = mount_app(in_language(lang));
        wait_for("the details with the sheets", || find(&root, ".sheet-list").is_some()).await;
        assert_accessible(&root, &format!("a batch's details ({lang})")).await;
        unmount_all();

        go_to("/no/such/page");
        let root = mount_app(in_language(lang));
        wait_for("not found", || find(&root, "main a").is_some()).await;
        assert_accessible(&root, &format!("not found ({lang})")).await;
        unmount_all();
    }
}
