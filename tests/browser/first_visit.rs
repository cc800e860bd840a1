//! The first visit: the static shell of index.html (its sign-in form painted from the first
//! bytes) and the app taking over from it — typed text, focus and caret carried over, a
//! sign-in asked for before the app started made once, nothing moving on screen.

use crate::support::{
    config, count_requests, current_url, find, js, mount_app, show_index_shell, start_clean, unmount_all, wait_for,
};
use omr_web::config::AppConfig;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::HtmlInputElement;

/// The shell's script, as index.html loads it in `<head>`.
const SHELL_JS: &str = include_str!("../../assets/shell.js");

/// Puts index.html's shell on the test page and runs its script.
fn show_shell() -> web_sys::Element {
    let shell = show_index_shell();
    js(SHELL_JS);
    shell
}

fn by_id(id: &str) -> Option<HtmlInputElement> {
    web_sys::window()?.document()?.get_element_by_id(id)?.dyn_into().ok()
}

/// Where the element `id` is on screen, from the top of the viewport.
fn top_of(id: &str) -> f64 {
    js(&format!("return document.getElementById('{id}').getBoundingClientRect().top;")).as_f64().unwrap()
}

/// Whether `<html>` carries the class the shell's script sets for a stored session.
fn signed_in_class() -> bool {
    js("return document.documentElement.classList.contains('shell-signed-in');").as_bool().unwrap()
}

/// The app as deployed: Thai unless the user chose otherwise (the deploy template's default).
fn thai_config() -> AppConfig {
    AppConfig { default_language: Some("th".into()), ..config() }
}

fn active_id() -> String {
    web_sys::window().unwrap().document().unwrap().active_element().map(|e| e.id()).unwrap_or_default()
}

#[wasm_bindgen_test]
async fn typing_in_the_shell_goes_on_in_the_app_with_focus_and_caret_and_nothing_moves() {
    start_clean().await;
    crate::support::go_to("/login");
    let shell = show_shell();
    // The user starts typing before the app has arrived.
    let name = by_id("shell-username").expect("the shell's username field");
    name.set_value("center07");
    name.focus().unwrap();
    name.set_selection_range(3, 5).unwrap();
    let shell_top = top_of("shell-username");
    let root = mount_app(thai_config());
    wait_for("the shell replaced", || !shell.is_connected()).await;
    let input = by_id("login-username").expect("the app's username field");
    assert_eq!(input.value(), "center07", "the typed text is kept");
    assert_eq!(active_id(), "login-username", "the focus is kept");
    assert_eq!((input.selection_start().unwrap(), input.selection_end().unwrap()), (Some(3), Some(5)), "the caret");
    let moved = (top_of("login-username") - shell_top).abs();
    assert!(moved <= 1.0, "the form did not move when the app took over ({moved} px)");
    assert!(find(&root, ".login-brand [lang=en]").is_some(), "the product's name in both languages, as in the shell");
    assert_eq!(count_requests("POST", "/api/auth/login").await, 0, "nobody asked to sign in");
    unmount_all();
}

#[wasm_bindgen_test]
async fn enter_pressed_in_the_shell_signs_in_once_when_the_app_starts() {
    start_clean().await;
    crate::support::go_to("/login");
    let shell = show_shell();
    by_id("shell-username").unwrap().set_value("center07");
    let password = by_id("shell-password").unwrap();
    password.set_value("center07-pass");
    password.focus().unwrap();
    // Enter, twice for good measure: the shell's script remembers it; the browser sends nothing.
    for _ in 0..2 {
        let init = web_sys::KeyboardEventInit::new();
        init.set_key("Enter");
        init.set_bubbles(true);
        init.set_cancelable(true);
        let enter = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
        password.dispatch_event(&enter).unwrap();
    }
    let form = web_sys::window().unwrap().document().unwrap().get_element_by_id("shell-login").unwrap();
    assert_eq!(form.get_attribute("data-submitted").as_deref(), Some("true"));
    assert_eq!(current_url(), "/login", "the page did not navigate");
    let root = mount_app(thai_config());
    wait_for("signed in and on the list", || {
        current_url() == "/dashboard/batches" && find(&root, "[data-testid=header-user]").is_some()
    })
    .await;
    assert!(!shell.is_connected());
    assert_eq!(count_requests("POST", "/api/auth/login").await, 1, "signed in once");
    unmount_all();
}

#[wasm_bindgen_test]
async fn a_click_on_the_shells_button_is_remembered_and_a_stored_session_shows_the_skeleton() {
    start_clean().await;
    crate::support::go_to("/login");
    let shell = show_shell();
    let document = web_sys::window().unwrap().document().unwrap();
    assert!(!signed_in_class(), "nobody signed in: the sign-in form");
    let button: web_sys::HtmlElement = document.get_element_by_id("shell-submit").unwrap().dyn_into().unwrap();
    button.click();
    let form = document.get_element_by_id("shell-login").unwrap();
    assert_eq!(form.get_attribute("data-submitted").as_deref(), Some("true"));
    let visible = |selector: &str| {
        let element: web_sys::HtmlElement = shell.query_selector(selector).unwrap().unwrap().dyn_into().unwrap();
        element.offset_height() > 0
    };
    assert!(visible(".shell-login") && !visible(".shell-app"));
    // With a stored session the script shows the page skeleton instead.
    web_sys::window().unwrap().local_storage().unwrap().unwrap().set_item("omr.session", "{}").unwrap();
    js(SHELL_JS);
    assert!(signed_in_class());
    assert!(!visible(".shell-login") && visible(".shell-app"));
}
