//! `use_api`: the shared [`ApiClient`] from context.

use crate::api::ApiClient;
use yew::prelude::*;

/// The API client provided at the app root by `SessionProvider`.
#[hook]
pub fn use_api() -> ApiClient {
    use_context::<ApiClient>().expect("use_api needs SessionProvider above it")
}
