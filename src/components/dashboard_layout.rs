//! `DashboardLayout`: skip link, header and the main landmark around a signed-in page.

use crate::components::app_header::AppHeader;
use crate::components::require_auth::RequireAuth;
use crate::hooks::use_locale::use_locale;
use yew::prelude::*;

/// Props: the page.
#[derive(Properties, PartialEq)]
pub struct DashboardLayoutProps {
    #[prop_or_default]
    pub children: Html,
}

/// Layout of every `/dashboard` page; only for signed-in users.
#[component]
pub fn DashboardLayout(props: &DashboardLayoutProps) -> Html {
    let locale = use_locale();
    html! {
        <RequireAuth>
            <a class="skip-link" href="#main">{ locale.strings().skip_to_content }</a>
            <AppHeader />
            <main id="main" class="page" tabindex="-1">{ props.children.clone() }</main>
        </RequireAuth>
    }
}
