//! Hooks: the ways components reach shared state.

pub mod use_api;
pub mod use_batch_progress;
pub mod use_batch_stream;
pub mod use_interval;
pub mod use_locale;
pub mod use_session;
pub mod use_title;
pub mod use_uploads;
pub mod use_visibility;
