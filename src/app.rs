//! The route switch and the providers at the root: config → API client → locale → session →
//! uploads → router → the pages of the current sign-in.

use crate::api::config_file::load_config;
use crate::api::ApiClient;
use crate::components::dashboard_layout::DashboardLayout;
use crate::components::locale_provider::{starting_lang, LocaleProvider};
use crate::components::session_provider::SessionProvider;
use crate::components::session_scope::SessionScope;
use crate::components::upload_provider::UploadProvider;
use crate::config::AppConfig;
use crate::locale::Locale;
use crate::pages::batch_details::BatchDetailsPage;
use crate::pages::batches::BatchesPage;
use crate::pages::login::LoginPage;
use crate::pages::not_found::NotFoundPage;
use crate::routes::Route;
use crate::shell;
use yew::prelude::*;
use yew_router::prelude::*;

fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <Redirect<Route> to={Route::Batches} /> },
        Route::Login => html! { <LoginPage /> },
        Route::Batches => html! { <DashboardLayout><BatchesPage /></DashboardLayout> },
        Route::BatchDetails { id } => {
            // Keyed by id: another batch gets fresh polling, stream and state.
            let key = id.clone();
            html! { <DashboardLayout><BatchDetailsPage key={key} id={id} /></DashboardLayout> }
        }
        Route::NotFound => html! { <NotFoundPage /> },
    }
}

/// Props: a ready configuration skips loading `/config.json` (tests pass one).
#[derive(Properties, PartialEq, Default)]
pub struct AppProps {
    #[prop_or_default]
    pub config: Option<AppConfig>,
}

/// The whole application.
#[component]
pub fn App(props: &AppProps) -> Html {
    let client = use_state(|| props.config.clone().map(ApiClient::new));
    {
        let client = client.clone();
        use_effect_with((), move |_| {
            if client.is_none() {
                wasm_bindgen_futures::spawn_local(async move {
                    client.set(Some(ApiClient::new(load_config().await)));
                });
            }
        });
    }
    match &*client {
        // Before config.json arrives: the static shell of index.html stays on screen; without
        // one (tests mount the app elsewhere), a line in the remembered or the browser's language.
        None if shell::is_present() => Html::default(),
        None => {
            html! { <p class="page-status" role="status">{ Locale::new(starting_lang(None)).strings().loading }</p> }
        }
        Some(client) => {
            let config = client.config();
            html! {
                <LocaleProvider default_language={config.default_language.clone().map(AttrValue::from)}
                    thai_calendar={config.thai_calendar}>
                    <SessionProvider client={client.clone()}>
                        <UploadProvider>
                            <BrowserRouter>
                                <SessionScope>
                                    <Switch<Route> render={switch} />
                                </SessionScope>
                            </BrowserRouter>
                        </UploadProvider>
                    </SessionProvider>
                </LocaleProvider>
            }
        }
    }
}
