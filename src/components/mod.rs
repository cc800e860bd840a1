//! Reusable components, one per file, named after the component.

pub mod activity_log;
pub mod app_header;
pub mod batch_details_card;
pub mod batch_follow;
pub mod batch_list;
pub mod batch_list_export;
pub mod batch_progress_bar;
pub mod batch_status_badge;
pub mod batch_upload_form;
pub mod confirm_dialog;
pub mod dashboard_layout;
pub mod delete_batch_button;
pub mod error_notice;
pub mod language_switch;
pub mod locale_provider;
pub mod pagination;
pub mod progress_bar;
pub mod require_auth;
pub mod server_message;
pub mod session_provider;
pub mod sheet_list;
pub mod status_filter;
pub mod unfinished_uploads;
pub mod upload_item_view;
pub mod upload_provider;
pub mod upload_queue;
