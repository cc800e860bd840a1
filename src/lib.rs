//! The OMR batch web client: a Yew single-page app compiled to WebAssembly.
//!
//! Layout: `api` (the only code that talks HTTP), `config` (runtime `config.json`), `i18n`
//! (every visible string), `format` (pure display helpers), `routes` (addresses and their
//! queries), `upload` (planning, retry, resume and the upload protocol, pure; the runner and
//! the queue), `list_view`, `list_filter`, `progress_math` and `batch_cache` (pure helpers of
//! the pages), `dom_listener` and `web_lock` (RAII wrappers of browser APIs), `wall_clock` (waits a
//! sleeping tab cannot stretch), `hooks`, `components`,
//! `pages`, and `app` (the route switch and the providers).

pub mod api;
pub mod app;
pub mod batch_cache;
pub mod components;
pub mod config;
pub mod cover_worker;
pub mod dom_listener;
pub mod download;
pub mod export;
pub mod format;
pub mod hooks;
pub mod i18n;
pub mod intl;
pub mod list_filter;
pub mod list_view;
pub mod locale;
pub mod pages;
pub mod progress_math;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod property_tests;
pub mod routes;
pub mod shell;
pub mod upload;
pub mod wall_clock;
pub mod web_lock;

pub use app::App;

/// The allocator of every wasm build (the app, its browser tests and benchmarks): talc in
/// place of the standard dlmalloc is 7 KB less wasm, with the same memory peaks in
/// `cargo xtask bench`. Reallocation in place is off, which is smaller still; growing
/// buffers then copy, which the app's small strings and lists do not notice.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
