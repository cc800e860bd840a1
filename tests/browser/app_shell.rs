//! The whole app in the browser: routing, the login page, the header, sign-out, not-found,
//! redirects after sign-in, and one session shared by every tab of the browser.

use crate::steps::sign_in;
use crate::support::{
    config, control, count_requests, current_url, fault, find, go_to, mount_app, second_tab, start_clean, stored, text,
    type_into, unmount_all, wait_for,
};
use omr_web::api::session_store::STORAGE_KEY;
use omr_web::api::ApiClient;
use wasm_bindgen_test::wasm_bindgen_test;

/// The batch list with its data (not the loading skeleton, whose rows have no id).
const DATA_ROW: &str = "table.batch-table tbody tr[data-uuid]";

#[wasm_bindgen_test]
async fn signed_out_visitor_is_sent_to_login_and_back_after_signing_in() {
    start_clean().await;
    go_to("/dashboard/batches/does-not-matter?tab=sheets");
    let root = mount_app(config());
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
    unmount_all();
}

#[wasm_bindgen_test]
async fn root_lists_batches_and_sign_out_returns_to_login() {
    start_clean().await;
    go_to("/login");
    let root = mount_app(config());
    sign_in(&root, "admin", "admin-pass-2025").await;
    wait_for("the batch list with its rows", || find(&root, DATA_ROW).is_some()).await;
    assert_eq!(current_url(), "/dashboard/batches");
    assert!(text(&root).contains("Admin"), "admin badge");
    assert!(text(&root).contains("Uploader"), "admins see the uploader column");
    let sign_out = root.query_selector_all(".header-user button").unwrap();
    assert_eq!(sign_out.length(), 1);
    find(&root, ".header-user button").unwrap().click();
    wait_for("the login page", || current_url().starts_with("/login")).await;
    assert!(ApiClient::new(config()).session().is_none());
    unmount_all();
}

#[wasm_bindgen_test]
async fn expired_session_lands_on_login_with_a_notice() {
    start_clean().await;
    let client = ApiClient::new(config());
    client.login("center08", "center08-pass").await.unwrap();
    let mut session = client.session().unwrap();
    session.refresh_token = Some("no-longer-valid".into());
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.set_item(STORAGE_KEY, &serde_json::to_string(&session).unwrap()).unwrap();
    control("POST", "/__test/expire-tokens").await;
    go_to("/dashboard/batches");
    let root = mount_app(config());
    wait_for("the expiry notice", || text(&root).contains("Your session has expired")).await;
    assert!(current_url().starts_with("/login?redirect=%2Fdashboard%2Fbatches"), "{}", current_url());
    unmount_all();
}

#[wasm_bindgen_test]
async fn unknown_address_shows_not_found_with_a_way_back() {
    start_clean().await;
    go_to("/no/such/page");
    let root = mount_app(config());
    wait_for("the not-found page", || text(&root).contains("Page not found")).await;
    let back = find(&root, "a.button").expect("link back");
    assert_eq!(back.get_attribute("href").as_deref(), Some("/dashboard/batches"));
    unmount_all();
}

#[wasm_bindgen_test]
async fn without_a_readable_config_json_the_defaults_still_render_the_app() {
    // The test runner's origin has no /config.json: the app must fall back, not go blank.
    start_clean().await;
    go_to("/login");
    let root = crate::support::mount_app_with(omr_web::app::AppProps { config: None });
    wait_for("the login form", || find(&root, "#login-username").is_some()).await;
}

#[wasm_bindgen_test]
async fn a_redirect_that_would_leave_the_site_goes_to_the_list_and_the_app_keeps_rendering() {
    for target in ["/%09/evil.example", "%2F%2Fevil.example", "/%5Cevil.example", "https://evil.example/"] {
        start_clean().await;
        go_to(&format!("/login?redirect={target}"));
        let root = mount_app(config());
        sign_in(&root, "center07", "center07-pass").await;
        wait_for(&format!("the list after {target}"), || {
            current_url() == "/dashboard/batches" && find(&root, DATA_ROW).is_some()
        })
        .await;
        unmount_all();
    }
    // Odd addresses typed by hand render a page, never a blank one.
    for address in ["/dashboard/batches/%E0%A4%A", "/dashboard/batches?page=%FF&status=%00", "/login?redirect=%"] {
        start_clean().await;
        go_to(address);
        let root = mount_app(config());
        wait_for(&format!("a page for {address}"), || find(&root, "main").is_some()).await;
        unmount_all();
    }
}

#[wasm_bindgen_test]
async fn signing_out_in_another_tab_signs_this_one_out() {
    start_clean().await;
    ApiClient::new(config()).login("center07", "center07-pass").await.unwrap();
    go_to("/dashboard/batches");
    let root = mount_app(config());
    wait_for("the list", || find(&root, DATA_ROW).is_some()).await;
    let other = ApiClient::for_window(config(), &second_tab());
    assert!(other.session().is_some(), "the other tab shares the session");
    other.sign_out();
    wait_for("this tab on the login page", || find(&root, "#login-username").is_some()).await;
    assert!(!text(&root).contains("Your session has expired"), "a sign-out is not an expiry");

    // Someone else signs in over there: this tab follows.
    other.login("center08", "center08-pass").await.unwrap();
    wait_for("the other user here", || {
        find(&root, "[data-testid=header-user]").is_some_and(|e| e.inner_text() == "Evaluation Center 8")
    })
    .await;
    unmount_all();
}

#[wasm_bindgen_test]
async fn a_refresh_in_one_tab_serves_the_other_and_runs_once() {
    start_clean().await;
    let here = ApiClient::new(config());
    here.login("center08", "center08-pass").await.unwrap();
    let there = ApiClient::for_window(config(), &second_tab());
    control("POST", "/__test/expire-tokens").await;
    control("DELETE", "/__test/requests").await;
    // Both tabs meet the expired token at the same moment.
    let (a, b) = futures_util::future::join(here.me(), there.me()).await;
    assert!(a.is_ok() && b.is_ok(), "{a:?} {b:?}");
    assert_eq!(count_requests("POST", "/api/auth/refresh").await, 1, "one refresh across both tabs");
    assert_eq!(here.access_token(), there.access_token(), "both use the refreshed token");
}

#[wasm_bindgen_test]
async fn a_refresh_answer_that_arrives_after_sign_out_is_thrown_away() {
    start_clean().await;
    let here = ApiClient::new(config());
    here.login("center07", "center07-pass").await.unwrap();
    control("POST", "/__test/expire-tokens").await;
    fault(serde_json::json!({"method": "POST", "path": "/api/auth/refresh", "action": {"kind": "delay", "ms": 3000}}))
        .await;
    let other = ApiClient::for_window(config(), &second_tab());
    // The refused /me is logged as soon as it is answered; the refresh goes out right after
    // it and is held for 3 s. A second later the refresh is surely on its way: sign out then.
    let sign_out_meanwhile = async {
        while count_requests("GET", "/api/auth/me").await == 0 {
            gloo_timers::future::sleep(std::time::Duration::from_millis(20)).await;
        }
        gloo_timers::future::sleep(std::time::Duration::from_millis(1_000)).await;
        other.sign_out();
    };
    control("DELETE", "/__test/requests").await;
    let (me, ()) = futures_util::future::join(here.me(), sign_out_meanwhile).await;
    assert!(me.is_err(), "{me:?}");
    assert_eq!(count_requests("POST", "/api/auth/refresh").await, 1, "the refresh did go out and come back");
    assert_eq!(stored(STORAGE_KEY), None, "the late answer did not sign anyone back in");
    assert!(here.session().is_none() && other.session().is_none());
}

#[wasm_bindgen_test]
async fn signing_out_while_the_session_is_being_checked_stays_signed_out() {
    start_clean().await;
    ApiClient::new(config()).login("center07", "center07-pass").await.unwrap();
    // The start-up check of the stored session (/api/auth/me) answers late…
    fault(serde_json::json!({"method": "GET", "path": "/api/auth/me", "action": {"kind": "delay", "ms": 1500}})).await;
    go_to("/dashboard/batches");
    let root = mount_app(config());
    wait_for("the header", || find(&root, ".header-user button").is_some()).await;
    // …after the user has already signed out: its answer must not sign them back in.
    find(&root, ".header-user button").unwrap().click();
    wait_for("the login page", || find(&root, "#login-username").is_some()).await;
    gloo_timers::future::sleep(std::time::Duration::from_millis(2_000)).await;
    assert!(find(&root, "#login-username").is_some() && find(&root, ".header-user").is_none(), "still signed out");
    assert_eq!(stored(STORAGE_KEY), None);
    unmount_all();
}
