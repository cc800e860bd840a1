//! The whole app in the browser: routing, the login page, the header, sign-out, not-found.

use crate::support::{
    clear_storage, config, control, current_url, find, go_to, mount_point, text, type_into, wait_for,
};
use omr_web::app::{App, AppProps};
use wasm_bindgen_test::wasm_bindgen_test;

fn mount_app() -> (web_sys::Element, yew::AppHandle<App>) {
    let root = mount_point();
    let handle = yew::Renderer::<App>::with_root_and_props(root.clone(), AppProps { config: Some(config()) }).render();
    (root, handle)
}

#[wasm_bindgen_test]
async fn signed_out_visitor_is_sent_to_login_and_back_after_signing_in() {
    clear_storage();
    go_to("/dashboard/batches/does-not-matter?tab=sheets");
    let (root, app) = mount_app();
    wait_for("the login form", || find(&root, "form.login-card").is_some()).await;
    assert_eq!(current_url(), "/login?redirect=%2Fdashboard%2Fbatches%2Fdoes-not-matter%3Ftab%3Dsheets");
    assert!(find(&root, "label[for=login-username]").is_some(), "inputs are labelled");

    // Client-side length rules answer before any request.
    type_into(&root, "#login-username", "ab");
    type_into(&root, "#login-password", "12345678");
    find(&root, "button[type=submit]").unwrap().click();
    wait_for("the username rule", || text(&root).contains("Username must be 3 to 50 characters.")).await;

    type_into(&root, "#login-username", "center07");
    type_into(&root, "#login-password", "wrong-password");
    find(&root, "button[type=submit]").unwrap().click();
    wait_for("the server's reason", || text(&root).contains("Invalid username or password")).await;

    type_into(&root, "#login-password", "center07-pass");
    find(&root, "button[type=submit]").unwrap().click();
    wait_for("the page asked for", || current_url() == "/dashboard/batches/does-not-matter?tab=sheets").await;
    wait_for("the header's user", || {
        find(&root, "[data-testid=header-user]").is_some_and(|e| e.inner_text() == "Evaluation Center 7")
    })
    .await;
    app.destroy();
    clear_storage();
}

#[wasm_bindgen_test]
async fn root_lists_batches_and_sign_out_returns_to_login() {
    clear_storage();
    go_to("/login");
    let (root, app) = mount_app();
    wait_for("the login form", || find(&root, "#login-username").is_some()).await;
    type_into(&root, "#login-username", "admin");
    type_into(&root, "#login-password", "admin-pass-2025");
    find(&root, "button[type=submit]").unwrap().click();
    wait_for("the batch list", || find(&root, "table.batch-table tbody tr").is_some()).await;
    assert_eq!(current_url(), "/dashboard/batches");
    assert!(text(&root).contains("Admin"), "admin badge");
    assert!(text(&root).contains("Uploader"), "admins see the uploader column");
    let sign_out = root.query_selector_all(".header-user button").unwrap();
    assert_eq!(sign_out.length(), 1);
    find(&root, ".header-user button").unwrap().click();
    wait_for("the login page", || current_url().starts_with("/login")).await;
    assert!(omr_web::api::ApiClient::new(config()).session().is_none());
    app.destroy();
}

#[wasm_bindgen_test]
async fn expired_session_lands_on_login_with_a_notice() {
    clear_storage();
    let client = omr_web::api::ApiClient::new(config());
    client.login("center08", "center08-pass").await.unwrap();
    let mut session = client.session().unwrap();
    session.refresh_token = Some("no-longer-valid".into());
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.set_item(omr_web::api::session_store::STORAGE_KEY, &serde_json::to_string(&session).unwrap()).unwrap();
    control("POST", "/__test/expire-tokens").await;
    go_to("/dashboard/batches");
    let (root, app) = mount_app();
    wait_for("the expiry notice", || text(&root).contains("Your session has expired")).await;
    assert!(current_url().starts_with("/login?redirect=%2Fdashboard%2Fbatches"), "{}", current_url());
    app.destroy();
    clear_storage();
}

#[wasm_bindgen_test]
async fn unknown_address_shows_not_found_with_a_way_back() {
    clear_storage();
    go_to("/no/such/page");
    let (root, app) = mount_app();
    wait_for("the not-found page", || text(&root).contains("Page not found")).await;
    let back = find(&root, "a.button").expect("link back");
    assert_eq!(back.get_attribute("href").as_deref(), Some("/dashboard/batches"));
    app.destroy();
}

#[wasm_bindgen_test]
async fn without_a_readable_config_json_the_defaults_still_render_the_app() {
    // The test runner's origin has no /config.json: the app must fall back, not go blank.
    clear_storage();
    go_to("/login");
    let root = mount_point();
    let app = yew::Renderer::<App>::with_root_and_props(root.clone(), AppProps { config: None }).render();
    wait_for("the login form", || find(&root, "#login-username").is_some()).await;
    app.destroy();
}
