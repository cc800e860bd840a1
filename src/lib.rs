//! The OMR batch web client: a Yew single-page app compiled to WebAssembly.
//!
//! Layout: `api` (the only code that talks HTTP), `config` (runtime `config.json`), `i18n`
//! (every visible string), `format` (pure display helpers), `routes` (addresses and their
//! queries), `upload` (planning, retry, resume and the upload protocol, pure; the runner and
//! the queue), `list_view`, `progress_math` and `batch_cache` (pure helpers of the pages),
//! `dom_listener` and `web_lock` (RAII wrappers of browser APIs), `hooks`, `components`,
//! `pages`, and `app` (the route switch and the providers).

pub mod api;
pub mod app;
pub mod batch_cache;
pub mod components;
pub mod config;
pub mod dom_listener;
pub mod download;
pub mod export;
pub mod format;
pub mod hooks;
pub mod i18n;
pub mod intl;
pub mod list_view;
pub mod locale;
pub mod pages;
pub mod progress_math;
pub mod routes;
pub mod upload;
pub mod web_lock;

pub use app::App;
