//! Every address the app answers, and the query strings that travel with them. Below pages
//! and components, so both can link without importing the app root.

use serde::{Deserialize, Serialize};
use yew_router::prelude::*;

/// Every address the app answers.
#[derive(Clone, Debug, PartialEq, Routable)]
pub enum Route {
    #[at("/")]
    Home,
    #[at("/login")]
    Login,
    #[at("/dashboard/batches")]
    Batches,
    #[at("/dashboard/batches/:id")]
    BatchDetails { id: String },
    #[not_found]
    #[at("/404")]
    NotFound,
}

/// `/login?redirect=/dashboard/...&expired=1`
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LoginQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expired: Option<u8>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_the_contract_of_the_deployment() {
        assert_eq!(Route::Batches.to_path(), "/dashboard/batches");
        assert_eq!(Route::Login.to_path(), "/login");
        assert_eq!(Route::BatchDetails { id: "b2f0".into() }.to_path(), "/dashboard/batches/b2f0");
        assert_eq!(Route::recognize("/dashboard/batches/x"), Some(Route::BatchDetails { id: "x".into() }));
    }
}
