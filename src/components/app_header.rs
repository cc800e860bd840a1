//! `AppHeader`: product name, the language switch, the signed-in user and sign-out.

use crate::components::language_switch::LanguageSwitch;
use crate::hooks::use_api::use_api;
use crate::hooks::use_locale::use_locale;
use crate::hooks::use_session::use_session;
use crate::routes::Route;
use yew::prelude::*;
use yew_router::prelude::*;

/// The top bar of every dashboard page.
#[component]
pub fn AppHeader() -> Html {
    let session = use_session();
    let client = use_api();
    let navigator = use_navigator();
    let text = use_locale().strings();
    let sign_out = Callback::from(move |_: MouseEvent| {
        client.sign_out();
        if let Some(navigator) = &navigator {
            navigator.push(&Route::Login);
        }
    });
    let user = session.user.as_ref().map(|user| {
        html! {
            <div class="header-user">
                <span class="visually-hidden">{ text.signed_in_as }</span>
                <span class="header-user-name" data-testid="header-user"><bdi>{ user.display_name() }</bdi></span>
                if user.is_admin {
                    <span class="badge badge-admin">{ text.admin_badge }</span>
                }
                <button type="button" class="button button-quiet" onclick={sign_out}>{ text.sign_out }</button>
            </div>
        }
    });
    html! {
        <header class="app-header">
            <Link<Route> to={Route::Batches} classes="app-name">{ text.app_name }</Link<Route>>
            <nav aria-label={text.nav_batches}>
                <Link<Route> to={Route::Batches}>{ text.nav_batches }</Link<Route>>
            </nav>
            <LanguageSwitch />
            { for user }
        </header>
    }
}
