//! Browser tests: real headless Chromium (wasm-bindgen-test-runner + chromedriver) against the
//! stand-in backend that `cargo xtask test` starts and names in `OMR_STANDIN_URL`.

#![cfg(target_arch = "wasm32")]

mod steps;
mod support;

mod accessibility;
mod api_session;
mod app_shell;
mod bad_input;
mod batch_list;
mod details;
mod first_visit;
mod json_text;
mod languages;
mod later_backend;
mod list_filters;
mod qr_covers;
mod shared_pcs;
mod upload_form;
mod uploads;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
