//! Every address the app answers, and the query strings that travel with them. Below pages
//! and components, so both can link without importing the app root.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use yew_router::Routable;

use crate::api::client::{decode_segment, encode_segment};

/// Every address the app answers.
///
/// `Routable` is written by hand: the derive builds a `route_recognizer` automaton in a
/// thread-local, which cost 14 KB of wasm for five fixed addresses.
#[derive(Clone, Debug, PartialEq)]
pub enum Route {
    /// `/`
    Home,
    /// `/login`
    Login,
    /// `/dashboard/batches`
    Batches,
    /// `/dashboard/batches/:id`, the id percent-encoded in the address.
    BatchDetails { id: String },
    /// `/404`, and every address not listed here.
    NotFound,
}

const BATCHES: &str = "/dashboard/batches";

impl Routable for Route {
    fn from_path(path: &str, params: &HashMap<&str, &str>) -> Option<Self> {
        match path {
            "/dashboard/batches/:id" => params.get("id").and_then(|id| Self::recognize(&format!("{BATCHES}/{id}"))),
            other => Self::recognize(other),
        }
    }

    fn to_path(&self) -> String {
        match self {
            Self::Home => "/".into(),
            Self::Login => "/login".into(),
            Self::Batches => BATCHES.into(),
            Self::BatchDetails { id } => format!("{BATCHES}/{}", encode_segment(id)),
            Self::NotFound => "/404".into(),
        }
    }

    fn routes() -> Vec<&'static str> {
        vec!["/", "/login", BATCHES, "/dashboard/batches/:id", "/404"]
    }

    fn not_found_route() -> Option<Self> {
        Some(Self::NotFound)
    }

    /// One trailing slash is ignored, as the derive did; anything unknown is `NotFound`.
    fn recognize(pathname: &str) -> Option<Self> {
        let path = match pathname.strip_suffix('/') {
            Some(stripped) if !stripped.is_empty() => stripped,
            _ => pathname,
        };
        Some(match path {
            "/" | "" => Self::Home,
            "/login" => Self::Login,
            BATCHES => Self::Batches,
            _ => match path.strip_prefix(BATCHES).and_then(|rest| rest.strip_prefix('/')) {
                Some(id) if !id.is_empty() && !id.contains('/') => match decode_segment(id) {
                    Some(id) => Self::BatchDetails { id },
                    None => Self::NotFound,
                },
                _ => Self::NotFound,
            },
        })
    }
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

    #[test]
    fn addresses_are_recognised_as_the_derive_did() {
        assert_eq!(Route::recognize("/"), Some(Route::Home));
        assert_eq!(Route::recognize("/login/"), Some(Route::Login));
        assert_eq!(Route::recognize("/dashboard/batches/"), Some(Route::Batches));
        assert_eq!(Route::recognize("/404"), Some(Route::NotFound));
        assert_eq!(Route::recognize("/dashboard"), Some(Route::NotFound));
        assert_eq!(Route::recognize("/dashboard/batches/a/b"), Some(Route::NotFound));
        assert_eq!(Route::recognize("/dashboard/batchesx"), Some(Route::NotFound));
        assert_eq!(Route::recognize("/dashboard/batches/b%2F1/"), Some(Route::BatchDetails { id: "b/1".into() }));
        assert_eq!(Route::recognize("/dashboard/batches/%ZZ"), Some(Route::NotFound));
    }

    #[test]
    fn an_id_survives_the_address_bar() {
        for id in ["b2f09d6e-1a47", "../x?y", "ชุด 1", "100%"] {
            let route = Route::BatchDetails { id: id.into() };
            assert_eq!(Route::recognize(&route.to_path()), Some(route));
        }
        let mut params = HashMap::new();
        params.insert("id", "x%20y");
        assert_eq!(Route::from_path("/dashboard/batches/:id", &params), Some(Route::BatchDetails { id: "x y".into() }));
        assert_eq!(Route::from_path("/login", &HashMap::new()), Some(Route::Login));
    }
}
