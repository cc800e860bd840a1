//! The OMR batch web client: a Yew single-page app compiled to WebAssembly.
//!
//! Layout: `api` (the only code that talks HTTP), `config` (runtime `config.json`), `i18n`
//! (every visible string), `format` (pure display helpers), `hooks`, `components`, `pages`,
//! and `app` (routes and providers).

pub mod api;
pub mod app;
pub mod batch_cache;
pub mod components;
pub mod config;
pub mod dom_listener;
pub mod format;
pub mod hooks;
pub mod i18n;
pub mod list_view;
pub mod pages;
pub mod progress_math;
pub mod upload;
pub mod web_lock;

pub use app::App;
