//! Routes and the providers at the root: config → API client → session → router.

use crate::api::ApiClient;
use crate::components::dashboard_layout::DashboardLayout;
use crate::components::session_provider::SessionProvider;
use crate::components::upload_provider::UploadProvider;
use crate::config::AppConfig;
use crate::i18n::strings;
use crate::pages::batch_details::BatchDetailsPage;
use crate::pages::batches::BatchesPage;
use crate::pages::login::LoginPage;
use crate::pages::not_found::NotFoundPage;
use yew::prelude::*;
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

/// Fetches `/config.json`; anything wrong with it means defaults plus a console warning.
pub async fn load_config() -> AppConfig {
    let text = match gloo_net::http::Request::get("/config.json").send().await {
        Ok(response) if response.ok() => response.text().await.ok(),
        _ => None,
    };
    let (config, warnings) = match text {
        Some(text) => AppConfig::from_json(&text),
        None => (AppConfig::default(), vec!["config.json could not be loaded; using defaults".to_string()]),
    };
    for warning in warnings {
        web_sys::console::warn_1(&warning.into());
    }
    config
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
        None => html! { <p class="page-status" role="status">{ strings().loading }</p> },
        Some(client) => html! {
            <SessionProvider client={client.clone()}>
                <UploadProvider>
                    <BrowserRouter>
                        <Switch<Route> render={switch} />
                    </BrowserRouter>
                </UploadProvider>
            </SessionProvider>
        },
    }
}
