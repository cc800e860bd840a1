//! Every address the app answers, and the query strings that travel with them. Below pages
//! and components, so both can link without importing the app root.

use std::collections::HashMap;

use yew_router::Routable;

use crate::api::client::{decode_segment, encode_segment};

/// Every address the app answers.
///
/// `Routable` is written by hand: the derive builds a `route_recognizer` automaton in a
/// thread-local, which cost 18 KB of wasm for five fixed addresses.
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

/// `key=value&…` of the pairs that have a value, each value percent-encoded (pure). Written
/// by hand with [`query_value`]: serde's URL-encoded forms cost 8 KB of wasm for two queries.
pub fn query_string(pairs: &[(&str, Option<String>)]) -> String {
    let present = pairs.iter().filter_map(|(key, value)| Some(format!("{key}={}", encode_segment(value.as_deref()?))));
    present.collect::<Vec<_>>().join("&")
}

/// The first value of `key` in a query string (with or without its `?`), with `+` read as a
/// space and percent escapes decoded; `None` when absent or undecodable (pure).
pub fn query_value(query: &str, key: &str) -> Option<String> {
    let query = query.strip_prefix('?').unwrap_or(query);
    query.split('&').find_map(|pair| {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        (name == key).then(|| decode_segment(&value.replace('+', " "))).flatten()
    })
}

/// `/login?redirect=/dashboard/...&expired=1`
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoginQuery {
    pub redirect: Option<String>,
    pub expired: Option<u8>,
}

impl LoginQuery {
    /// Reads the login page's query; a field that does not read is absent.
    pub fn parse(query: &str) -> LoginQuery {
        LoginQuery {
            redirect: query_value(query, "redirect"),
            expired: query_value(query, "expired").and_then(|e| e.parse().ok()),
        }
    }

    /// The query string (without `?`).
    pub fn to_query(&self) -> String {
        query_string(&[("redirect", self.redirect.clone()), ("expired", self.expired.map(|e| e.to_string()))])
    }
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
    fn queries_are_written_and_read_back() {
        let login = LoginQuery { redirect: Some("/dashboard/batches?status=failed&page=2".into()), expired: Some(1) };
        let text = login.to_query();
        assert_eq!(text, "redirect=%2Fdashboard%2Fbatches%3Fstatus%3Dfailed%26page%3D2&expired=1");
        assert_eq!(LoginQuery::parse(&format!("?{text}")), login);
        assert_eq!(LoginQuery::default().to_query(), "");
        assert_eq!(
            LoginQuery::parse("expired=x&redirect=/a+b"),
            LoginQuery { redirect: Some("/a b".into()), expired: None }
        );
        assert_eq!(query_value("a=1&b=2&a=3", "a").as_deref(), Some("1"));
        assert_eq!(query_value("flag&b=%E0%B8%81", "flag").as_deref(), Some(""));
        assert_eq!(query_value("b=%E0%B8%81", "b").as_deref(), Some("ก"));
        assert_eq!(query_value("b=%ZZ", "b"), None);
        assert_eq!(query_value("", "b"), None);
        assert_eq!(query_string(&[("a", None), ("b", Some("x y&".into()))]), "b=x%20y%26");
    }

    #[test]
    fn odd_values_survive_a_query_string() {
        for value in ["ภาค2-3", "100%", "a&b=c", "1+1 = 2", "", "O'Brien \"B\"", "_1_", "%ZZ", "?#/"] {
            let text = query_string(&[("a", Some("x".into())), ("name", Some(value.into())), ("z", Some("y".into()))]);
            assert_eq!(text.matches('&').count(), 2, "{value:?} escaped: {text}");
            assert_eq!(query_value(&text, "name").as_deref(), Some(value), "{text}");
            assert_eq!(query_value(&text, "z").as_deref(), Some("y"), "{text}");
        }
        assert_eq!(query_string(&[("name", Some("ก+ %".into()))]), "name=%E0%B8%81%2B%20%25");
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
