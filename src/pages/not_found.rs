//! The page for addresses that match no route.

use crate::hooks::use_locale::use_locale;
use crate::hooks::use_title::use_title;
use crate::routes::Route;
use yew::prelude::*;
use yew_router::prelude::*;

/// "Page not found" with a way back.
#[component]
pub fn NotFoundPage() -> Html {
    let text = use_locale().strings();
    use_title(text.not_found_title);
    html! {
        <main class="page page-centered" id="main">
            <h1>{ text.not_found_title }</h1>
            <p>{ text.not_found_body }</p>
            <Link<Route> to={Route::Batches} classes="button">{ text.back_to_batches }</Link<Route>>
        </main>
    }
}
