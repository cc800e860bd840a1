//! Helpers: the stand-in's address, its test endpoints, mounting the app, waiting for the DOM.

use gloo_net::http::Request;
use gloo_timers::future::sleep;
use omr_web::api::ApiClient;
use omr_web::config::AppConfig;
use serde_json::Value;
use std::time::Duration;
use wasm_bindgen::JsCast;

/// The stand-in's base URL, fixed at compile time by `cargo xtask test`.
pub fn standin() -> &'static str {
    match option_env!("OMR_STANDIN_URL") {
        Some(url) => url,
        None => {
            panic!("run the browser tests through `cargo xtask test`: it starts the stand-in and sets OMR_STANDIN_URL")
        }
    }
}

/// App configuration pointing both lanes at the stand-in (another origin: it answers CORS).
pub fn config() -> AppConfig {
    AppConfig {
        api_base: format!("{}/api", standin()),
        realtime_base: format!("{}/api/realtime", standin()),
        ..AppConfig::default()
    }
}

/// A client with no stored session.
pub fn fresh_client() -> ApiClient {
    clear_storage();
    ApiClient::new(config())
}

/// Forgets any session a previous test stored.
pub fn clear_storage() {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        storage.clear().expect("localStorage clears");
    }
}

/// Calls a `/__test/...` control endpoint.
pub async fn control(method: &str, path: &str) -> Value {
    let url = format!("{}{}", standin(), path);
    let request = match method {
        "POST" => Request::post(&url),
        "DELETE" => Request::delete(&url),
        _ => Request::get(&url),
    };
    let response = request.send().await.expect("stand-in reachable");
    assert!(response.ok(), "{method} {path} → {}", response.status());
    response.json().await.unwrap_or(Value::Null)
}

/// How many requests the stand-in saw for this method and path since the log was cleared.
pub async fn count_requests(method: &str, path: &str) -> usize {
    let log = control("GET", "/__test/requests").await;
    log["requests"]
        .as_array()
        .expect("request log")
        .iter()
        .filter(|r| r["method"] == method && r["path"] == path)
        .count()
}

/// A fresh element under `<body>` for one test's app.
pub fn mount_point() -> web_sys::Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let element = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&element).unwrap();
    element
}

/// Polls until `check` holds, failing with `what` after 10 s.
pub async fn wait_for(what: &str, mut check: impl FnMut() -> bool) {
    for _ in 0..200 {
        if check() {
            return;
        }
        sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

/// The element matching `selector` inside `root`, if any.
pub fn find(root: &web_sys::Element, selector: &str) -> Option<web_sys::HtmlElement> {
    root.query_selector(selector).ok().flatten().and_then(|e| e.dyn_into().ok())
}

/// The visible text of `root`.
pub fn text(root: &web_sys::Element) -> String {
    root.text_content().unwrap_or_default()
}

/// Sets an input's value as typing would.
pub fn type_into(root: &web_sys::Element, selector: &str, value: &str) {
    let input: web_sys::HtmlInputElement = root.query_selector(selector).unwrap().expect(selector).dyn_into().unwrap();
    input.set_value(value);
}

/// The current path and query of the test page.
pub fn current_url() -> String {
    let location = web_sys::window().unwrap().location();
    format!("{}{}", location.pathname().unwrap(), location.search().unwrap())
}

/// Moves the test page to `path` without reloading (as a link would).
pub fn go_to(path: &str) {
    let history = web_sys::window().unwrap().history().unwrap();
    history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path)).unwrap();
}
