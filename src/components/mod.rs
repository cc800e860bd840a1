//! Reusable components, one per file, named after the component.

pub mod app_header;
pub mod batch_status_badge;
pub mod dashboard_layout;
pub mod error_notice;
pub mod require_auth;
pub mod session_provider;
