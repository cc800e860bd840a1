//! Everything the app says to the backend. Only this module knows URLs, headers and status
//! codes; components call the typed functions on [`ApiClient`].

pub mod client;
pub mod config_file;
pub mod endpoints;
pub mod error;
pub mod json;
pub mod later;
pub mod lenient;
pub mod paging;
pub mod server_text;
pub mod session_store;
pub mod sse;
pub mod stream;
pub mod types;
pub mod uploads;
pub mod xhr;

pub use client::{ApiClient, Lane, SessionEvent};
pub use error::{ApiError, NetworkFailure};
