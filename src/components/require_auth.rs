//! `RequireAuth`: shows its children to a signed-in user; sends anyone else to the login page
//! with the address to come back to.

use crate::hooks::use_locale::use_locale;
use crate::hooks::use_session::use_session;
use crate::routes::{LoginQuery, Route};
use yew::prelude::*;
use yew_router::prelude::*;
use yew_router::query::Raw;

/// Props: the protected content.
#[derive(Properties, PartialEq)]
pub struct RequireAuthProps {
    #[prop_or_default]
    pub children: Html,
}

/// Guards the dashboard routes.
#[component]
pub fn RequireAuth(props: &RequireAuthProps) -> Html {
    let session = use_session();
    let locale = use_locale();
    let location = use_location();
    let navigator = use_navigator();
    let signed_in = session.user.is_some();
    let target = location.map(|l| format!("{}{}", l.path(), l.query_str())).unwrap_or_default();
    let expired = session.expired;
    use_effect_with((signed_in, target, expired), move |(signed_in, target, expired)| {
        if !*signed_in {
            if let Some(navigator) = navigator {
                let query = LoginQuery { redirect: Some(target.clone()), expired: expired.then_some(1) };
                // A raw query cannot fail to serialise.
                let _ = navigator.replace_with_query(&Route::Login, Raw(query.to_query()));
            }
        }
    });
    if signed_in {
        props.children.clone()
    } else {
        html! { <p class="page-status" role="status">{ locale.strings().checking_session }</p> }
    }
}
